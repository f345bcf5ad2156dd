/*
 * tmalign.h - the public contract of libtmalign.
 *
 * tmalign reads the versions of one article in two or three languages,
 * splits each into paragraphs and sentences, aligns the sentences across the
 * languages and keeps the aligned units in an SQLite translation memory.
 *
 * Vocabulary used throughout:
 *   text      a decoded input file: NFC UTF-16 plus, for every code unit, the
 *             byte offset in the file it came from (tma_text).
 *   sentence  a span of a text as the segmenter cut it (tma_sentence).
 *   doc       the sentences of one language version of an article (tma_doc).
 *   bead      the shape of an aligned unit: how many sentences each language
 *             contributes, written "1-2" or "1-2-1" in the order the
 *             languages were given.
 *   unit      one aligned bead: consecutive sentences of every language that
 *             translate each other (tma_unit); a side may be empty.
 *   anchor    a token that survives translation (a number, a Latin-script
 *             name, a URL, a question mark) and is evidence for alignment.
 *   memory    the SQLite translation memory (tma_tm).
 *
 * Conventions: functions return 0 (TMA_OK) or a negative TMA_E* code; their
 * out-parameters come first; on failure *out is left NULL and, when err is not
 * NULL, err holds the code and a message naming the file and the place (line
 * or byte offset) and the underlying library's own words. The library never
 * prints, never exits and keeps no mutable global state. Every _new/_open has
 * a matching _free/_close, and freeing NULL is a no-op.
 */
#ifndef TMALIGN_H
#define TMALIGN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TMA_VERSION "0.1.0"

/** Error codes: 0 is success, everything else is negative. */
enum {
	TMA_OK = 0,
	TMA_ERROR = -1,    /**< internal error (a library failed unexpectedly) */
	TMA_ENOMEM = -2,   /**< out of memory */
	TMA_EIO = -3,      /**< a file could not be read or written */
	TMA_EINPUT = -4,   /**< bad input: encoding, NUL byte, syntax */
	TMA_EUSAGE = -5,   /**< a bad argument or option */
	TMA_EDB = -6,      /**< the memory database failed or is damaged */
	TMA_ENOTFOUND = -7,/**< a named thing does not exist */
	TMA_EVERSION = -8, /**< the memory was written by a newer tmalign */
	TMA_EBUSY = -9,    /**< the memory stayed locked by another process */
	TMA_EFULL = -10,   /**< disk full or file size limit reached */
	TMA_EINTR = -11    /**< interrupted by the user */
};

/** An error: its code and a human-readable message (no trailing newline). */
typedef struct tma_error {
	int code;
	char message[1024];
} tma_error;

/** Human-readable name of an error code ("input error", ...). */
const char *tma_strerror(int code);

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/**
 * A reader of lines that never reads without a bound: what manifests,
 * dictionaries, JSON Lines and queries on standard input are read with.
 * A line holds at most max bytes; a NUL byte anywhere stops the reading.
 */
typedef struct tma_lines tma_lines;

/** Open path for reading lines ("-": standard input). */
int tma_lines_open(tma_lines **out, const char *path, size_t max, tma_error *err);

/**
 * The next line, without its LF or CRLF, in *line (valid until the next
 * call; not NUL-free is impossible: a NUL is an error) and its length in
 * *len. Returns 1 for a line, 0 at the end, or a negative code naming the
 * file, the line and the byte: TMA_EINPUT for a line over max bytes (the
 * reader goes on with the next line) or for a NUL byte or a line without
 * end (the reader stops: every later call returns 0), TMA_EIO when reading
 * fails.
 */
int tma_lines_next(tma_lines *r, const char **line, size_t *len, tma_error *err);

/** The number of the line tma_lines_next returned last, from 1. */
size_t tma_lines_number(const tma_lines *r);

void tma_lines_close(tma_lines *r);

/* ------------------------------------------------------------------ */
/* Languages                                                           */

/** Longest language code kept, with its terminating NUL. */
#define TMA_LANG_MAX 16

/**
 * Normalise a language tag to the primary language subtag in lower case:
 * "uk-UA", "UK" and "ua" give "uk"; "en-US" gives "en" and, when region is
 * not NULL, "US" in region (empty when the tag has none). Returns 0, or
 * TMA_EUSAGE when tag is not a well-formed language tag.
 */
int tma_lang_normalize(char out[TMA_LANG_MAX], char region[TMA_LANG_MAX],
		       const char *tag);

/**
 * Find the language in a file name of the form NAME.LANG.txt ("a.ua.txt"
 * gives "uk"); when stem is not NULL it receives NAME without directories
 * (up to stem_size bytes). Returns 0, or TMA_ENOTFOUND when the name has no
 * language part.
 */
int tma_lang_from_filename(char out[TMA_LANG_MAX], char *stem, size_t stem_size,
			   const char *path);

/* ------------------------------------------------------------------ */
/* Text input                                                          */

/** A decoded input file (opaque). */
typedef struct tma_text tma_text;

/** The largest input text, in bytes (TMA_EINPUT past it, said while reading). */
#define TMA_TEXT_MAX ((size_t)512 << 20)

/**
 * Read and decode a file ("-" reads standard input) into NFC UTF-16.
 * encoding is NULL for UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured),
 * an ICU converter name such as "windows-1251", "koi8-u" or "UTF-16", or
 * "auto" for ICU's charset detection (tma_text_encoding then says what it
 * picked). Invalid bytes or a NUL byte fail with TMA_EINPUT and a message
 * naming the file and the byte offset; for UTF-8 the first NUL stops the
 * reading at once. A byte-order mark inside the text (U+FEFF) is not text
 * and is dropped. The caller frees *out with tma_text_free.
 */
int tma_text_load(tma_text **out, const char *path, const char *encoding,
		  tma_error *err);

/** As tma_text_load, from n bytes in memory; name is used in messages. */
int tma_text_from_bytes(tma_text **out, const char *name, const char *bytes,
			size_t n, const char *encoding, tma_error *err);

/** The file name given when the text was loaded. */
const char *tma_text_name(const tma_text *text);

/** The encoding the text was decoded from ("UTF-8", "windows-1251", ...). */
const char *tma_text_encoding(const tma_text *text);

/** Confidence (0-100) of the detection when "auto" was asked, else -1. */
int tma_text_confidence(const tma_text *text);

/** Size of the input in bytes, byte-order mark included. */
size_t tma_text_bytes(const tma_text *text);

/**
 * Fingerprint of the decoded content (64-bit FNV-1a over the NFC text), the
 * same for the same article whatever its encoding or line ends.
 */
uint64_t tma_text_hash(const tma_text *text);

void tma_text_free(tma_text *text);

/* ------------------------------------------------------------------ */
/* Segmentation                                                        */

/** One sentence of a document. */
typedef struct tma_sentence {
	int para;          /**< paragraph index in the document, from 0 */
	size_t start;      /**< byte offset of its first byte in the input */
	size_t end;        /**< byte offset just past its last byte */
	char *text;        /**< UTF-8, NFC, trimmed; line breaks become spaces */
	size_t len;        /**< strlen(text) */
	size_t nchars;     /**< length in code points, for the length model */
} tma_sentence;

/** The sentences of one language version of an article. */
typedef struct tma_doc {
	char lang[TMA_LANG_MAX];
	size_t n;          /**< number of sentences */
	tma_sentence *sent;
	int npara;         /**< number of paragraphs holding sentences */
} tma_doc;

/** Segmentation flags. */
enum {
	/** Single line breaks are spaces; only a blank line ends a paragraph. */
	TMA_SEG_JOIN_LINES = 1 << 0,
	/** Every line is one sentence, a blank line ends a paragraph. */
	TMA_SEG_PRESEGMENTED = 1 << 1
};

/** A sentence splitter for one language (opaque, reusable, one thread). */
typedef struct tma_segmenter tma_segmenter;

/**
 * Create a segmenter for lang (normalised as tma_lang_normalize does). For
 * en, uk and ru it adds tmalign's exception data (abbreviations, initials,
 * dialogue) to ICU's sentence BreakIterator; any other language gets plain
 * ICU with that locale. Free with tma_segmenter_free.
 */
int tma_segmenter_new(tma_segmenter **out, const char *lang, tma_error *err);
void tma_segmenter_free(tma_segmenter *seg);

/**
 * Split text into paragraphs and sentences. flags is a TMA_SEG_* mask.
 * Joined, the sentences are the input up to whitespace. The caller frees
 * *out with tma_doc_free.
 */
int tma_segment(tma_doc **out, tma_segmenter *seg, const tma_text *text,
		unsigned flags, tma_error *err);

void tma_doc_free(tma_doc *doc);

/* ------------------------------------------------------------------ */
/* Alignment                                                           */

/** Most languages aligned at once. */
#define TMA_MAX_LANGS 3

/**
 * One aligned unit: for every language, a run of consecutive sentences
 * (count 0 for an empty side), and a confidence a reviewer can sort by.
 */
typedef struct tma_unit {
	size_t start[TMA_MAX_LANGS]; /**< index of the first sentence */
	int count[TMA_MAX_LANGS];    /**< how many sentences; 0: none */
	double score;                /**< confidence in [0, 1] */
} tma_unit;

/**
 * An alignment of two or three docs: units in document order, no crossings,
 * every sentence of every language in exactly one unit.
 */
typedef struct tma_alignment {
	int nlang;
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	size_t n;
	tma_unit *unit;
} tma_alignment;

/** Alignment options; zero-initialised means the defaults. */
typedef struct tma_align_opts {
	/** hunalign-format dictionary ("target @ source" per line), or NULL. */
	const char *dictionary;
	/** The languages of its source and target sides ("en", "uk"). */
	const char *dictionary_src, *dictionary_tgt;
	/** Leave out tmalign's built-in en/uk/ru lexicon (src/data/lexicon.txt). */
	int no_lexicon;
} tma_align_opts;

/**
 * Reusable alignment resources (transliterators, break iterators, the
 * dictionary); one thread at a time. Free with tma_aligner_free.
 */
typedef struct tma_aligner tma_aligner;

int tma_aligner_new(tma_aligner **out, const tma_align_opts *opts,
		    tma_error *err);
void tma_aligner_free(tma_aligner *al);

/**
 * Align ndocs (2 or 3) docs, one per language, all versions of one article.
 * Dynamic programming over beads (1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3
 * and, for three languages, their consistent combinations) in a band around
 * the best path, scored by a length model (Gale & Church 1993) estimated on
 * the document, anchors (numbers, names across scripts, Latin words, marks)
 * and paragraph boundaries. Three docs give one three-way alignment. The
 * caller frees *out with tma_alignment_free.
 */
int tma_align(tma_alignment **out, tma_aligner *al, tma_doc *const *docs,
	      int ndocs, tma_error *err);

void tma_alignment_free(tma_alignment *alignment);

/**
 * The bead of a unit as text, "1-2" or "1-2-1", in buf (at least 16 bytes).
 * Returns buf.
 */
char *tma_unit_bead(const tma_unit *unit, int nlang, char *buf);

/* ------------------------------------------------------------------ */
/* The translation memory                                              */

/** The memory's file when none is named: under the current directory. */
#define TMA_TM_DEFAULT "tm/memory.db"

/** A translation memory (opaque): an SQLite database, see tm/schema.sql. */
typedef struct tma_tm tma_tm;

/** Flags of tma_tm_open. */
enum {
	/**
	 * Where there is no file, the memory is empty and its file (and
	 * directory) is made by the first write, atomically: built aside and
	 * linked into place, so that no process sees it half made and two
	 * processes creating it at once share one. A command that fails
	 * before writing leaves nothing behind; nothing ever deletes a memory.
	 */
	TMA_TM_CREATE = 1 << 0,
	TMA_TM_READONLY = 1 << 1  /**< open for reading only */
};

/**
 * Open the memory at path. An older memory is brought up to date first,
 * also when opened for reading (through a read-write connection of its
 * own; where the file cannot be written that fails and the memory is
 * refused). One written by a newer tmalign, a file that is not a tmalign
 * memory, or a damaged one is refused (TMA_EVERSION, TMA_EDB) and left as
 * it is. Without TMA_TM_CREATE a missing file is TMA_ENOTFOUND. Free with
 * tma_tm_close.
 */
int tma_tm_open(tma_tm **out, const char *path, unsigned flags, tma_error *err);
void tma_tm_close(tma_tm *tm);

/** The path the memory was opened with. */
const char *tma_tm_path(const tma_tm *tm);

/** The schema version this library writes. */
int tma_tm_schema_version(void);

/** Where one language version of a document came from. */
typedef struct tma_source {
	const char *path;          /**< the file name as given */
	uint64_t hash;             /**< tma_text_hash of its content */
} tma_source;

/**
 * Check the versions of one article before aligning them: each holds text,
 * no two are the same text, each is written in its language's script (and
 * uk and ru by the letters only one of them has). TMA_EINPUT with the file
 * and the reason when not.
 */
int tma_check_versions(tma_doc *const *docs, const tma_source *src, int n,
		       tma_error *err);

/** What tma_tm_store did. */
typedef struct tma_store_result {
	int replaced;              /**< a document of that name was replaced */
	/** Not NULL: this other document holds the same content (the same
	 *  texts in the same languages, in any order); nothing was stored.
	 *  Valid until the next store on the memory. */
	const char *same_as;
	size_t units;              /**< units stored */
} tma_store_result;

/**
 * Store an aligned document in one transaction: its versions (docs[k] from
 * src[k], k < al->nlang), sentences and units. A document of the same name
 * is replaced; when another document holds exactly the same content nothing
 * is stored and res->same_as names it. A name must be UTF-8 of at most 4096
 * bytes without control characters: TMA_EINPUT, refused before anything is
 * written, so that a group (tma_tm_begin) goes on. Any other failure
 * leaves the memory as it was (inside a group: as it was before the group).
 */
int tma_tm_store(tma_tm *tm, const char *name, tma_doc *const *docs,
		 const tma_source *src, const tma_alignment *al,
		 tma_store_result *res, tma_error *err);

/**
 * Group the stores that follow into one transaction until tma_tm_commit
 * (many small documents store several times faster so). A store that fails
 * inside a group drops the whole group (as tma_tm_rollback does, and as
 * closing does): what was committed before stays whole.
 */
int tma_tm_begin(tma_tm *tm, tma_error *err);
int tma_tm_commit(tma_tm *tm, tma_error *err);
void tma_tm_rollback(tma_tm *tm);

/** Remove the document called name: TMA_ENOTFOUND when there is none. */
int tma_tm_remove(tma_tm *tm, const char *name, tma_error *err);

/** One document as tma_tm_list reports it (valid during the callback). */
typedef struct tma_doc_info {
	const char *name;
	const char *langs;         /**< "en,uk,ru" */
	const char *origin;        /**< "align" or "import" */
	const char *created;       /**< YYYY-MM-DDThh:mm:ssZ */
	size_t units;
} tma_doc_info;

/**
 * Call cb for every document, by name; a non-zero return from cb stops the
 * walk and is returned.
 */
int tma_tm_list(tma_tm *tm, int (*cb)(const tma_doc_info *, void *), void *ctx,
		tma_error *err);

/** Units of the memory that hold two given languages. */
typedef struct tma_pair_count {
	char a[TMA_LANG_MAX], b[TMA_LANG_MAX];
	size_t units;
} tma_pair_count;

/** Figures about a memory. */
typedef struct tma_tm_stats {
	size_t documents, units, sentences;
	tma_pair_count *pairs;     /**< by language pair, a < b */
	int npairs;
	size_t histogram[10];      /**< units by score: [0, 0.1), ..., [0.9, 1] */
} tma_stats;

/** The figures of a memory in a new *out; free with tma_stats_free. */
int tma_tm_stats(tma_tm *tm, tma_stats **out, tma_error *err);
void tma_stats_free(tma_stats *stats);

/**
 * Check the memory: SQLite's integrity and foreign-key checks, the
 * full-text index against the sentences, and the memory's own invariants
 * (every version's sentences there and numbered in order, every unit's
 * sentences consecutive and in order, beads, unit hashes, text and content
 * keys matching what they are made of); then a digest of everything it
 * holds (every row of its own tables; the index is derived from them),
 * which two memories share exactly when their contents are equal. TMA_EDB,
 * naming the document and what is wrong, when damaged.
 */
int tma_tm_check(tma_tm *tm, uint64_t *digest, tma_error *err);

/**
 * The memory's index of word forms (every word of every sentence with its
 * lemmas and stems, for lookup in any inflection) is filled as documents
 * are stored. A memory from an older tmalign has sentences not indexed
 * yet: *n says how many (0 when none).
 */
int tma_tm_words_backlog(tma_tm *tm, size_t *n, tma_error *err);

/**
 * Index the words of those sentences, in transactions of 20,000; progress
 * (may be NULL) is called after each with how many are done of how many.
 * Stopped part way, the next call goes on where it stopped.
 */
int tma_tm_index_words(tma_tm *tm, void (*progress)(size_t done, size_t total, void *ctx),
		       void *ctx, tma_error *err);

/** How tma_tm_train trains. */
typedef struct tma_train_opts {
	int full;                  /**< anew from all units (else: the new ones) */
	/**
	 * Bilingual dictionaries to start a full training from: specs as
	 * `train --dict` takes them (a file, or an installed dictionary's
	 * name, optionally after "SRC-TGT=").
	 */
	const char *const *dicts;
	size_t ndicts;
	/** Leave out the dictionaries installed for the memory's languages. */
	int no_installed;
} tma_train_opts;

/** What tma_tm_train did. */
typedef struct tma_train_result {
	size_t units;              /**< units it learned from */
	int pairs;                 /**< language pairs, each in both directions */
	int full;                  /**< trained anew (else: added the new units) */
	/** The dictionaries used, "NAME (en-ru, N pairs met)" apart by "; ". */
	char dicts[1024];
} tma_train_result;

/**
 * Train the memory's word translation model (what a lookup finds the
 * translation of a phrase with): from all its units (opts->full, or when
 * there is no model yet), else from the units stored since the last
 * training, added to what the model holds. A full training starts from
 * the dictionaries between the memory's languages (word pairs of theirs
 * that meet in a unit) and from cognates. One transaction; derived data,
 * made anew from the units by a full training.
 */
int tma_tm_train(tma_tm *tm, const tma_train_opts *opts, tma_train_result *res,
		 tma_error *err);

/** Where the memory's word model stands. */
typedef struct tma_model_state {
	int has_model;      /* trained at least once */
	size_t untrained;   /* units stored since it last learned */
	size_t removed;     /* units it learned from that are gone since (rm,
			       replaced): their counts stay until train --full */
} tma_model_state;

/** Where the memory's word model stands. */
int tma_tm_model_state(tma_tm *tm, tma_model_state *st, tma_error *err);

/* ------------------------------------------------------------------ */
/* Export and import                                                   */

/** Most languages one unit of the memory may hold (a TMX may bring many). */
#define TMA_VIEW_LANGS 32
/** Most properties kept with one unit. */
#define TMA_VIEW_PROPS 16

/** A property of a unit: a TMX <prop>. */
typedef struct tma_prop {
	const char *type;
	const char *value;
} tma_prop;

/** Which units an export takes. Zero-initialised: all of them. */
typedef struct tma_export_opts {
	const char *langs;         /**< "en,uk": only these, in this order */
	const char *srclang;       /**< TMX srclang; default: the first language */
	const char *doc;           /**< only this document */
	double min_score;          /**< only units scoring at least this */
} tma_export_opts;

/**
 * Write the memory's units as TMX 1.4b to out, with libxml2's writer: a
 * <tu> per unit holding at least two of the languages asked, a <tuv> per
 * language present, props x-doc, x-score, x-type. *units (when not NULL)
 * gets how many were written. Streams: memory does not grow with the units.
 */
int tma_export_tmx(tma_tm *tm, const tma_export_opts *opts, FILE *out,
		   size_t *units, tma_error *err);

/**
 * Write the units as JSON: one array (lines == 0) or one object a line
 * (lines != 0), each {"doc", "tuid", LANG: [sentences]..., "score", "bead",
 * "pos": {LANG: first index}}, with cJSON.
 */
int tma_export_json(tma_tm *tm, const tma_export_opts *opts, int lines,
		    FILE *out, size_t *units, tma_error *err);

/** How to import. Zero-initialised: the defaults. */
typedef struct tma_import_opts {
	/** A document of a name the memory holds replaces it; without this
	 *  nothing stored is ever replaced (see tma_import_tmx). */
	int replace;
} tma_import_opts;

/** What an import did; free its notes with tma_import_result_free. */
typedef struct tma_import_result {
	size_t documents;          /**< documents stored */
	size_t units;              /**< units stored */
	size_t skipped;            /**< units skipped: already in the memory */
	size_t skipped_docs;       /**< documents skipped: the memory held them */
	/** What became of documents whose names the memory held: "NAME:
	 *  imported as 'NAME (2)' ...", "NAME: in the memory already". */
	char **notes;
	size_t nnotes;
} tma_import_result;

void tma_import_result_free(tma_import_result *res);

/**
 * Import a TMX file (UTF-8, or UTF-16 with a byte-order mark) in one
 * transaction: its units form a document named after the file; units the
 * memory already holds are skipped. A document never replaces one of its
 * name unless opts->replace: it is stored as "NAME (2)" (the first free
 * such name), or skipped when it holds the same units as the stored one,
 * and res->notes says so. The parser loads no DTD, reads no network and
 * substitutes no entities; inline markup is reduced to its text; language
 * tags are normalised (the full tag kept as a prop). On error (naming the
 * file and line) nothing is stored. opts may be NULL.
 */
int tma_import_tmx(tma_tm *tm, const char *path, const tma_import_opts *opts,
		   tma_import_result *res, tma_error *err);

/**
 * Import JSON Lines as written by tma_export_json or `align --print jsonl`,
 * in one transaction: units go to the document their "doc" names (the
 * file's name when they have none), named as tma_import_tmx names them.
 * Lines are read with a bound (16 MiB); a NUL, raw or escaped, is refused.
 */
int tma_import_jsonl(tma_tm *tm, const char *path, const tma_import_opts *opts,
		     tma_import_result *res, tma_error *err);

/**
 * Write the units of a fresh alignment of the article name (docs from src)
 * as JSON Lines, one object a unit as tma_export_json writes them (the
 * first with "source"), so that `tmalign import` takes them back.
 */
int tma_alignment_write_jsonl(FILE *out, const char *name, tma_doc *const *docs,
			      const tma_source *src, const tma_alignment *al,
			      tma_error *err);

/* ------------------------------------------------------------------ */
/* Whole collections                                                   */

/** One article of a batch: two or three files, one per language. */
typedef struct tma_batch_item {
	const char *name;          /**< the document name */
	int nlang;
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	const char *path[TMA_MAX_LANGS];
} tma_batch_item;

/** The articles of a batch, and notes on what was left out (opaque). */
typedef struct tma_batch_list tma_batch_list;

/** A new empty list; free with tma_batch_list_free. */
int tma_batch_list_new(tma_batch_list **out, tma_error *err);
void tma_batch_list_free(tma_batch_list *list);

/**
 * Add an article: name and nlang (2 or 3) files, lang[k] of path[k].
 * TMA_EUSAGE for a language given twice or a wrong number of languages.
 */
int tma_batch_list_add(tma_batch_list *list, const char *name,
		       const char (*lang)[TMA_LANG_MAX], const char *const *path,
		       int nlang, tma_error *err);

/** How many articles the list holds, and article i (valid as long as it). */
size_t tma_batch_list_count(const tma_batch_list *list);
const tma_batch_item *tma_batch_list_item(const tma_batch_list *list, size_t i);

/**
 * What was left out while the list was made, one line each: sets that
 * are not articles ("NAME (only en)", "NAME (4 languages; ...)"), folders
 * that could not be read, links to folders not followed.
 */
size_t tma_batch_list_notes(const tma_batch_list *list, const char *const **notes);

/**
 * Add every set of files NAME.LANG.txt under dir, recursively (ua counts
 * as uk): a set of two or three languages is an article named by its path
 * under dir without .LANG.txt; others become notes. Links to folders are
 * not followed and folders that cannot be read are left out, both with a
 * note. Languages are ordered en, uk, ru, then by code; articles by name.
 */
int tma_batch_scan_dir(tma_batch_list *list, const char *dir, tma_error *err);

/**
 * Add the articles of a manifest ("-": standard input): a line per
 * article, NAME then LANG=FILE (or FILE named NAME.LANG.txt) fields
 * separated by tabs; relative files are relative to the manifest's
 * directory; '#' starts a comment line. A malformed line, or a name given
 * twice, is TMA_EINPUT naming the file and the line(s); nothing is added.
 */
int tma_batch_read_manifest(tma_batch_list *list, const char *path,
			    tma_error *err);

/** Status of an article that was not aligned because it is stored already. */
#define TMA_BATCH_SKIPPED 1

/** An article done, as the batch hands it over (valid in the callback). */
typedef struct tma_batch_result {
	size_t index;              /**< in the list */
	const tma_batch_item *item;
	int status;                /**< 0, TMA_BATCH_SKIPPED or a TMA_E* code */
	const char *message;       /**< why it failed or was skipped, or NULL */
	const tma_alignment *al;   /**< when aligned */
	tma_doc *const *docs;      /**< its sentences, one doc per language */
	const tma_source *src;     /**< its files, one per language */
	tma_store_result store;    /**< what storing did, with a memory */
} tma_batch_result;

/** How to run a batch. */
typedef struct tma_batch_opts {
	int jobs;                  /**< worker threads (1: the calling thread
				      aligns and stores in turn); 0: one
				      per core */
	/** Skip articles whose content the memory held when the batch began
	 *  (TMA_BATCH_SKIPPED); without it they are aligned and stored, and
	 *  the store says whether another name holds them (same_as). */
	int resume;
	/** Documents stored per transaction at most; 0: 64 (a failure of the
	 *  memory loses at most the group under way, reported as not stored);
	 *  1: each its own, committed before its callback. */
	int group;
	unsigned seg_flags;        /**< TMA_SEG_* */
	const char *encoding;      /**< as tma_text_load takes it */
	tma_align_opts align;
	tma_tm *tm;                /**< store into this memory, or NULL */
	/** Called for each article in list order, on the calling thread;
	 *  a non-zero return stops the batch. */
	int (*on_result)(const tma_batch_result *result, void *ctx);
	void *ctx;
	/** When *stop becomes non-zero (a signal handler may set it), no new
	 *  article starts; those under way are finished and stored. */
	const volatile sig_atomic_t *stop;
} tma_batch_opts;

/** What a batch did. */
typedef struct tma_batch_summary {
	size_t done;               /**< articles handed over */
	size_t aligned, skipped, failed;
	size_t stored;             /**< articles whose storing was committed */
	size_t units;              /**< units of the articles aligned */
	int interrupted;           /**< stopped before the end */
} tma_batch_summary;

/**
 * Align the articles of list with opts->jobs workers; with a memory, store
 * each (grouped transactions, each document whole) and skip those whose
 * content the memory held already. One bad article is reported through the
 * callback and does not stop the batch; a failing memory does (the return
 * value). Results come in list order whatever the number of workers.
 */
int tma_batch_run(const tma_batch_list *list, const tma_batch_opts *opts,
		  tma_batch_summary *summary, tma_error *err);

/* ------------------------------------------------------------------ */
/* Lookup                                                              */

/** What to look up. Zero-initialised fields take their defaults. */
typedef struct tma_lookup_opts {
	const char *from;          /**< the query's language (required) */
	const char *to;            /**< "uk,ru"; NULL: every other language */
	int min;                   /**< fuzzy threshold in percent; 0: 75 */
	int limit;                 /**< most hits; 0: 10 */
	int concordance;           /**< find the phrase inside longer sentences */
} tma_lookup_opts;

/** A translation of a hit: the unit's sentences in one language. */
typedef struct tma_hit_trans {
	char lang[TMA_LANG_MAX];
	const char *text;          /**< the unit's sentences in lang, joined */
	/** The bytes of text that translate the looked-up phrase (a
	 *  concordance hit, when the word model finds them), else both 0. */
	size_t span[2];
} tma_hit_trans;

/** A prior translation found; valid until the next run or free. */
typedef struct tma_hit {
	int score;                 /**< 100 exact; fuzzy: OmegaT's percentage,
				        counting two forms of a word as equal */
	int surface_score;         /**< fuzzy: the percentage over forms as typed */
	const char *kind;          /**< "exact", "fuzzy" or "concordance" */
	int same_form;             /**< every word matched in the form typed */
	const char *doc;           /**< the document it comes from */
	const char *source;        /**< the stored sentence in the query's language */
	size_t at;                 /**< concordance: byte offset of the phrase */
	size_t phrase_end;         /**< concordance: just past its last word */
	int nmark;                 /**< words of source matching the query */
	const size_t (*mark)[2];   /**< their byte spans in source */
	int ntrans;
	const tma_hit_trans *trans;
} tma_hit;

/** A lookup session on a memory (opaque); one thread at a time. */
typedef struct tma_lookup tma_lookup;

int tma_lookup_new(tma_lookup **out, tma_tm *tm, tma_error *err);
void tma_lookup_free(tma_lookup *lk);

/**
 * Whether lk's memory has its words' normal forms indexed for lang (else
 * words match only in the form typed: an older memory, read-only, that
 * tma_tm_index_words has not indexed yet).
 */
int tma_lookup_inflected(tma_lookup *lk, const char *lang);

/**
 * Look query up: exact and fuzzy matches (or, with opts->concordance, the
 * query's words as a phrase inside stored sentences), best first, then most
 * recent; hits without a translation into the languages asked are left
 * out, and so are repeats of one source and translation. *hits belongs to
 * lk until the next run. An empty query or one without words is
 * TMA_EUSAGE; FTS5 or SQL syntax in a query is just text.
 *
 * Words match in any inflected form: two words are the same when their
 * normal forms (lemmas and stems of Hunspell and Snowball) meet; a word
 * ending in '*' matches every word it begins. A concordance finds the
 * query's words in order, with up to two other words between two of
 * them; hits in the form typed come first.
 */
int tma_lookup_run(tma_lookup *lk, const tma_lookup_opts *opts, const char *query,
		   const tma_hit **hits, size_t *nhits, tma_error *err);

/** A surface form of a translation, and how often it stands in the memory. */
typedef struct tma_translation_form {
	const char *text;
	int count;
} tma_translation_form;

/** One translation of a phrase: its hits grouped by their normal form. */
typedef struct tma_translation {
	char lang[TMA_LANG_MAX];
	const char *text;          /**< its most frequent surface form */
	const char *norm;          /**< the words' canonical normal forms */
	int count;                 /**< hits that translate the phrase so */
	int nforms;                /**< surface forms, most frequent first */
	const tma_translation_form *forms;
	int ndocs;                 /**< documents it stands in (a few) */
	const char *const *docs;
} tma_translation;

/**
 * The translations of phrase query in the memory: the concordance hits'
 * marked spans (opts->limit hits at most; 0: 500), grouped by language in
 * the order of opts->to and by normal form, most frequent first. *out
 * belongs to lk until its next run or translations. TMA_EUSAGE as
 * tma_lookup_run.
 */
int tma_lookup_translations(tma_lookup *lk, const tma_lookup_opts *opts, const char *query,
			    const tma_translation **out, size_t *n, tma_error *err);

/**
 * Free what the libraries underneath keep for the life of the process
 * (ICU's caches, libxml2's parser state, SQLite's), so that a memory
 * checker sees nothing left. Call it last, when no tmalign object is left.
 */
void tma_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif
