/*
 * memory.h - what the memory module (tm_*.c) offers the rest of the
 * library beyond tmalign.h: walking its units (export), filling it from
 * files (import), the identity of an article's content (batch), and the
 * searches lookup is made of. No other module holds an SQLite handle or
 * SQL text; the memory's own internals are in tm_int.h.
 */
#ifndef TMALIGN_MEMORY_H
#define TMALIGN_MEMORY_H

#include "util.h"

/* ------------------------------------------------------------------ */
/* Content identity                                                    */

/*
 * The key of an article's content: its (language, text hash) pairs, in any
 * order. Two documents hold the same content exactly when their keys are
 * equal, whatever order their languages were given in.
 */
uint64_t tma_content_key(const char (*lang)[TMA_LANG_MAX], const uint64_t *hash,
			 int n);

/*
 * The content keys of every document of the memory, sorted, in a new array
 * (*out, *n of them; the caller frees).
 */
int tma_tm_content_keys(tma_tm *tm, uint64_t **out, size_t *n, tma_error *err);

/* ------------------------------------------------------------------ */
/* Walking the memory (export)                                         */

/* One language of a unit as the memory holds it. */
typedef struct tma_side {
	char lang[TMA_LANG_MAX];
	int n;                     /* sentences; 0 when empty */
	int64_t pos;               /* index of the first in its language version */
	const char **sent;         /* the n sentences */
	const char *text;          /* the sentences joined by spaces */
} tma_side;

/* Where a version of the unit's document came from. */
typedef struct tma_view_source {
	const char *lang, *file, *hash;
} tma_view_source;

/*
 * A unit as tma_tm_walk shows it, or as tma_view_from_alignment makes it
 * of a fresh alignment; valid during the callback only.
 */
typedef struct tma_unit_view {
	const char *doc;
	int64_t doc_id;
	int first;                 /* the first unit of its document */
	int nsource;               /* where the document's versions came from */
	const tma_view_source *source;
	int64_t ord;
	int64_t hash;              /* of its texts (0 for a fresh alignment) */
	double score;
	const char *bead;
	int nside;
	const tma_side *side;      /* the document's languages, in order */
	int nprop;
	const tma_prop *prop;
} tma_unit_view;

typedef int (*tma_view_cb)(const tma_unit_view *v, void *ctx);

/*
 * Call cb for each unit of the memory that opts selects (doc, min_score),
 * in document order; a non-zero return from cb stops the walk and is
 * returned. Rows stream from SQLite: memory does not grow with the units.
 */
int tma_tm_walk(tma_tm *tm, const tma_export_opts *opts, tma_view_cb cb,
		void *ctx, tma_error *err);

/* The languages of the memory's documents (first seen first), "en,uk,ru". */
int tma_tm_langs(tma_tm *tm, const char *doc, char *out, size_t n, tma_error *err);

/* ------------------------------------------------------------------ */
/* Filling the memory (import)                                         */

/* A unit to import: per language, its sentences. */
typedef struct tma_import_side {
	char lang[TMA_LANG_MAX];
	int n;
	const char *const *sent;
} tma_import_side;

typedef struct tma_import_unit {
	int nside;
	const tma_import_side *side;
	double score;              /* below 0: not known */
	const char *bead;          /* NULL: counted from the sides */
	int nprop;
	const tma_prop *prop;
} tma_import_unit;

/* An import in progress: one transaction (tm_import.c). */
typedef struct tma_importer tma_importer;

/*
 * Begin importing from source (a file name, for the documents' versions);
 * with dedupe, units the memory already holds are skipped; with replace, a
 * document of a name the memory holds replaces it (else see
 * tma_importer_doc).
 */
int tma_importer_begin(tma_importer **out, tma_tm *tm, const char *source,
		       int dedupe, int replace, tma_error *err);

/*
 * Start document name in languages langs. When the memory holds a
 * document of that name (and the import does not replace), the new one is
 * named "NAME (2)", "NAME (3)", ... unless it holds the same units as the
 * stored one, which is then left alone and the document skipped; the
 * result's renamed list says what became of such names.
 */
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

/* ------------------------------------------------------------------ */
/* Searching (lookup)                                                  */

/*
 * The searches of one lookup session on a memory: prepared statements on
 * its connection (one thread at a time). Words are case-folded UTF-8 as
 * the full-text index holds them; they reach FTS5 quoted, as text.
 */
typedef struct tma_tm_search tma_tm_search;

int tma_tm_search_new(tma_tm_search **out, tma_tm *tm, tma_error *err);
void tma_tm_search_free(tma_tm_search *s);

/* A stored sentence as a search finds it; text valid during the callback. */
typedef struct tma_found {
	int64_t id, unit, doc;
	const char *text;
} tma_found;

typedef int (*tma_found_cb)(const tma_found *f, void *ctx);

/* How many sentences hold the word w[0..len) (0 when none or unknown). */
int64_t tma_tm_search_df(tma_tm_search *s, const char *w, size_t len);

/*
 * The ids of at most limit sentences holding w[0..len), newest first;
 * cb(id, ctx) for each, a non-zero return stops (and is returned).
 */
int tma_tm_search_postings(tma_tm_search *s, const char *w, size_t len, int limit,
			   int (*cb)(int64_t id, void *ctx), void *ctx,
			   tma_error *err);

/*
 * The sentences of language lang holding the n words (NUL-separated in
 * words) as a phrase, newest first, at most limit.
 */
int tma_tm_search_phrase(tma_tm_search *s, const char *words, int n,
			 const char *lang, int limit, tma_found_cb cb, void *ctx,
			 tma_error *err);

/*
 * The sentences of language lang whose text equals text up to white space
 * (see tma_text_key), newest first.
 */
int tma_tm_search_exact(tma_tm_search *s, const char *text, const char *lang,
			tma_found_cb cb, void *ctx, tma_error *err);

/* The sentence id when it is in language lang. */
int tma_tm_search_sentence(tma_tm_search *s, int64_t id, const char *lang,
			   tma_found_cb cb, void *ctx, tma_error *err);

/*
 * The sentences of unit, by language then position: cb(lang, text, ctx)
 * for each.
 */
int tma_tm_search_unit(tma_tm_search *s, int64_t unit,
		       int (*cb)(const char *lang, const char *text, void *ctx),
		       void *ctx, tma_error *err);

/* The name of document doc into *out (valid until the next call). */
int tma_tm_search_docname(tma_tm_search *s, int64_t doc, const char **out,
			  tma_error *err);

/*
 * Words for the full-text index: a group matches a sentence holding any
 * of its words (folded, as the index holds them); a word ending in '*'
 * is a prefix.
 */
typedef struct tma_word_group {
	const char *const *word;
	int n;
} tma_word_group;

/*
 * The sentences of lang holding a word of each of the ng groups, newest
 * first, at most limit.
 */
int tma_tm_search_groups(tma_tm_search *s, const tma_word_group *g, int ng,
			 const char *lang, int limit, tma_found_cb cb, void *ctx,
			 tma_error *err);

/* The ids of at most limit sentences holding a word of group g, newest first. */
int tma_tm_search_group_ids(tma_tm_search *s, const tma_word_group *g, int limit,
			    int (*cb)(int64_t id, void *ctx), void *ctx, tma_error *err);

/*
 * The words of lang the memory holds that have the normal form norm
 * (tm_words.c): cb(word, ctx) for each.
 */
int tma_tm_search_forms(tma_tm_search *s, const char *lang, const char *norm,
			int (*cb)(const char *word, void *ctx), void *ctx, tma_error *err);

/*
 * The word model's row for source word word (canonical form; "" for no
 * word) of direction src -> tgt: *entries, *n bytes (see tm/schema.sql,
 * migration 8) and the row's total count, valid until the next call;
 * *n is 0 when there is no such row.
 */
int tma_tm_search_model(tma_tm_search *s, const char *src, const char *tgt,
			const char *word, const unsigned char **entries, int *n,
			double *total, tma_error *err);

/* Does the word index hold words of lang (0: lookup falls back to forms as typed)? */
int tma_tm_search_indexed(tma_tm_search *s, const char *lang);

/*
 * The key of a sentence's text for exact lookups: a 64-bit hash of it with
 * runs of white space made one space and the ends trimmed.
 */
uint64_t tma_text_key(const char *s);

/* The memory module's part of tma_cleanup: SQLite's process state. */
void tma_tm_shutdown(void);

#endif
