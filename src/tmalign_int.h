/*
 * tmalign_int.h - what the library's modules share and users must not see.
 *
 * The one internal header (SQLite's sqliteInt.h idea): the layout of the
 * opaque types that cross modules, the error helpers and small growable
 * arrays. Nothing here is part of the public contract in tmalign.h.
 */
#ifndef TMALIGN_INT_H
#define TMALIGN_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <unicode/uchar.h>
#include <unicode/utypes.h>

#include "tmalign.h"

#if defined(__GNUC__)
#define TMA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TMA_PRINTF(f, a)
#endif

/*
 * Fill err (when not NULL) with code and a printf-style message and return
 * code, so that callers can write `return tma_fail(err, TMA_EIO, ...)`.
 */
int tma_fail(tma_error *err, int code, const char *fmt, ...) TMA_PRINTF(3, 4);

/* As tma_fail for an ICU status: the message ends with u_errorName(status). */
int tma_fail_icu(tma_error *err, UErrorCode status, const char *fmt, ...)
	TMA_PRINTF(3, 4);

/* Clear err to TMA_OK with an empty message. */
void tma_error_clear(tma_error *err);

/*
 * A decoded text. u holds n UTF-16 code units of NFC text followed by a NUL;
 * off[i] is the byte offset in the input of the code unit u[i], and off[n] is
 * the input's size, so that the bytes of u[a..b) are input[off[a]..off[b]).
 */
struct tma_text {
	char *name;
	char encoding[64];
	int confidence;
	size_t nbytes;
	UChar *u;
	int32_t n;
	int32_t *off;      /* inputs are below 2 GiB: ICU's converters say so */
};

/*
 * Is c white space (Unicode White_Space, as u_isUWhiteSpace says)? The
 * checks before ICU's only skip the call for ranges that hold no white space
 * (below U+1680 only U+0085 and U+00A0 are), which keeps the hot loops fast.
 */
static inline int tma_is_space(UChar32 c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D);
	if (c != 0x85 && c != 0xA0 && c < 0x1680)
		return 0;
	return u_isUWhiteSpace(c);
}

/*
 * The offset of the first byte of s[0..n) that is not part of valid UTF-8,
 * or of a NUL byte; -1 when there is none.
 */
long tma_utf8_bad(const char *s, size_t n);

/* Is u a line break: LF, CR, NEL, LS or PS? */
int tma_is_newline(UChar32 c);

/*
 * Convert u[0..n) to a new NUL-terminated UTF-8 string, trimming white space
 * at both ends and turning every run of white space that holds a line break
 * into one space. *len and *nchars (either may be NULL) receive the byte and
 * code point counts. Returns NULL when out of memory. The caller frees.
 */
char *tma_utf16_to_sentence(const UChar *u, int32_t n, size_t *len,
			    size_t *nchars);

/* Duplicate a string; NULL when out of memory. */
char *tma_strdup(const char *s);

/*
 * Grow *pa (elements of size elsize, *cap allocated) to hold at least need
 * elements. Returns 0 or TMA_ENOMEM; on failure *pa is unchanged.
 */
int tma_grow(void *pa, size_t *cap, size_t need, size_t elsize);

/* Add a sentence to doc, taking ownership of text. Returns 0 or TMA_ENOMEM. */
int tma_doc_push(tma_doc *doc, size_t *cap, int para, size_t start, size_t end,
		 char *text, size_t len, size_t nchars);

/*
 * The languages of a list such as "en,uk" (NULL or empty: none), normalised
 * into langs, *n of them; TMA_EUSAGE when one is not a language code or
 * there are more than TMA_VIEW_LANGS.
 */
int tma_lang_list(const char *spec, char langs[][TMA_LANG_MAX], int *n,
		  tma_error *err);

/* A new empty doc for lang, or NULL when out of memory. */
tma_doc *tma_doc_new(const char *lang);

/*
 * A string interner: each distinct key gets a dense id from 0. Keys are
 * copied into an arena. Zero-initialise, free with tma_strmap_free.
 */
typedef struct tma_strmap {
	uint32_t *slot;      /* id + 1 per slot, 0 when empty */
	uint32_t cap;        /* slots, a power of two */
	uint32_t n;          /* keys */
	uint32_t *off;       /* arena offset of key id */
	uint32_t *len;       /* length of key id */
	size_t idcap;
	char *arena;
	size_t used, acap;
} tma_strmap;

/*
 * The id of key[0..len) in m, adding it when new (*added, when not NULL, says
 * so). Returns 0 or TMA_ENOMEM.
 */
int tma_strmap_intern(tma_strmap *m, const char *key, size_t len,
		      uint32_t *id, int *added);

/* The id of key[0..len), or UINT32_MAX when absent. */
uint32_t tma_strmap_find(const tma_strmap *m, const char *key, size_t len);

/* Key id of m (not NUL-terminated); *len gets its length. */
static inline const char *tma_strmap_key(const tma_strmap *m, uint32_t id,
					 size_t *len)
{
	*len = m->len[id];
	return m->arena + m->off[id];
}

void tma_strmap_free(tma_strmap *m);

/* 64-bit FNV-1a of n bytes. */
uint64_t tma_hash(const void *p, size_t n);

/* ------------------------------------------------------------------ */
/* Anchors (anchor.c): what in a sentence can line up across languages. */

/* A tokenizer for one language: transliteration to lower-case ASCII Latin. */
typedef struct tma_tokenizer tma_tokenizer;

int tma_tokenizer_new(tma_tokenizer **out, const char *lang, tma_error *err);
void tma_tokenizer_free(tma_tokenizer *tk);

/*
 * The tokens of one doc: for every sentence, the sorted, distinct ids of its
 * keys in the doc's vocabulary. A key is a word transliterated to Latin,
 * lower-cased and loosely spelt (see anchor.c), a number's digits ("#35"),
 * or a mark ("?", "!", a quote).
 */
typedef struct tma_feats {
	size_t n;            /* sentences */
	int32_t *len;        /* characters per sentence */
	uint8_t *para_end;   /* the sentence ends its paragraph */
	uint32_t **tok;      /* sorted distinct vocabulary ids per sentence */
	int32_t *ntok;
	uint32_t *df;        /* per vocabulary id: sentences holding it */
	uint8_t *strong;     /* per vocabulary id: seen as a number or a name */
	size_t dfcap;
	tma_strmap voc;
} tma_feats;

/*
 * Concepts shared by languages (src/data/lexicon.txt, and a bilingual
 * dictionary in hunalign's format): a word whose key matches a form of a
 * concept also yields the concept's key ("@year"), which links across
 * languages like any other key.
 */
typedef struct tma_lexicon tma_lexicon;

/* A new empty lexicon; free with tma_lexicon_free. */
tma_lexicon *tma_lexicon_new(void);
void tma_lexicon_free(tma_lexicon *lx);

/*
 * The lexicon's tokenizer for lang, made on first use and kept (ICU's
 * transliterators are slow to open); the lexicon owns it.
 */
int tma_lexicon_tokenizer(tma_tokenizer **out, tma_lexicon *lx, const char *lang,
			  tma_error *err);

/* Add the concepts of data (lexicon.txt's format); name is for messages. */
int tma_lexicon_parse(tma_lexicon *lx, const char *data, const char *name,
		      tma_error *err);

/*
 * Add a hunalign dictionary file ("target phrase @ source phrase" a line)
 * for languages src and tgt; entries of one word a side are used.
 */
int tma_lexicon_load_dict(tma_lexicon *lx, const char *path, const char *src,
			  const char *tgt, tma_error *err);

int tma_feats_build(tma_feats **out, tma_tokenizer *tk, const tma_lexicon *lx,
		    const tma_doc *doc, tma_error *err);
void tma_feats_free(tma_feats *f);

/*
 * Anchors of a pair of docs: tokens of A and B linked by equal or similar
 * keys (or a dictionary entry) form classes; each sentence keeps the sorted
 * classes it holds that have members on both sides, and every class a weight
 * (rarer in the document weighs more).
 */
typedef struct tma_links {
	uint32_t **a, **b;   /* per sentence of A and of B: sorted class ids */
	int32_t *na, *nb;
	float *weight;       /* per class */
	uint32_t nclass;
	float *wa, *wb;      /* per sentence: total weight of its anchors */
	float *ua, *ub;      /* per sentence: weight of its names and numbers
				that have no counterpart in the other doc */
} tma_links;

/* A word pair known to translate each other, as keys (see tma_feats). */
typedef struct tma_dict tma_dict;

int tma_links_build(tma_links **out, const tma_feats *a, const tma_feats *b,
		    const tma_dict *dict, tma_error *err);
void tma_links_free(tma_links *l);

/* ------------------------------------------------------------------ */
/* Walking and filling the memory (tm.c), for export and import.       */

/* One language of a unit as the memory holds it. */
typedef struct tma_side {
	char lang[TMA_LANG_MAX];
	int n;                     /* sentences; 0 when empty */
	int64_t pos;               /* index of the first in its language version */
	const char **sent;         /* the n sentences */
	const char *text;          /* the sentences joined by spaces */
} tma_side;

/* A unit as tma_tm_walk shows it; valid during the callback only. */
typedef struct tma_unit_view {
	const char *doc;
	int64_t doc_id;
	int nsource;               /* where the document's versions came from */
	struct {
		const char *lang, *file, *hash;
	} source[TMA_VIEW_LANGS];
	int64_t ord;
	double score;
	const char *bead;
	int nside;
	tma_side side[TMA_VIEW_LANGS];   /* the document's languages, in order */
	int nprop;
	tma_prop prop[TMA_VIEW_PROPS];
} tma_unit_view;

/*
 * Call cb for each unit of the memory that opts selects (doc, min_score),
 * in document order; a non-zero return from cb stops the walk and is
 * returned. Rows stream from SQLite: memory does not grow with the units.
 */
int tma_tm_walk(tma_tm *tm, const tma_export_opts *opts,
		int (*cb)(const tma_unit_view *, void *), void *ctx, tma_error *err);

/* The languages of the memory's documents (first seen first), "en,uk,ru". */
int tma_tm_langs(tma_tm *tm, const char *doc, char *out, size_t n, tma_error *err);

/* The name of the memory's file. */
const char *tma_tm_path(const tma_tm *tm);

/*
 * The key of a sentence's text for exact lookups: a 64-bit hash of it with
 * runs of white space made one space and the ends trimmed.
 */
uint64_t tma_text_key(const char *s);

/* The memory's SQLite connection (lookup.c prepares its own statements). */
struct sqlite3 *tma_tm_db(const tma_tm *tm);

/* A unit to import: per language, its sentences. */
typedef struct tma_import_unit {
	int nside;
	struct {
		char lang[TMA_LANG_MAX];
		int n;
		const char *const *sent;
	} side[TMA_VIEW_LANGS];
	double score;              /* below 0: not known */
	const char *bead;          /* NULL: counted from the sides */
	int nprop;
	tma_prop prop[TMA_VIEW_PROPS];
} tma_import_unit;

/* An import in progress: one transaction (tm.c). */
typedef struct tma_importer tma_importer;

/*
 * Begin importing from source (a file name, for the documents' versions);
 * with dedupe, units the memory already holds are skipped.
 */
int tma_importer_begin(tma_importer **out, tma_tm *tm, const char *source,
		       int dedupe, tma_error *err);

/* Start document name (replacing one of that name) in languages langs. */
int tma_importer_doc(tma_importer *im, const char *name, const char *const *langs,
		     int nlang, tma_error *err);

/*
 * Say where the current document's version in lang came from: file, and
 * its content hash (16 hex digits, as tma_tm_store keeps it) or NULL.
 * Untold, a version's source is the file imported and its hash that of its
 * sentences.
 */
int tma_importer_source(tma_importer *im, const char *lang, const char *file,
			const char *hash, tma_error *err);

/* Add a unit to the current document; its languages must be the document's. */
int tma_importer_unit(tma_importer *im, const tma_import_unit *u, tma_error *err);

/*
 * Finish: commit (commit != 0) or roll back everything, fill res and free
 * the importer. A document left without units is not kept.
 */
int tma_importer_end(tma_importer *im, int commit, tma_import_result *res,
		     tma_error *err);

/*
 * Copy UTF-8 s[0..n) to out (room for n + 1 bytes) without the characters
 * XML 1.0 forbids and without white space at either end. Returns out.
 */
char *tma_xml_clean(char *out, const char *s, size_t n);

/* The embedded data files (generated from src/data/ at build time). */
typedef struct tma_embedded {
	const char *name;
	const char *data;
} tma_embedded;
extern const tma_embedded tma_embedded_files[];

/* The embedded file called name, or NULL. */
const char *tma_embedded_get(const char *name);

#endif
