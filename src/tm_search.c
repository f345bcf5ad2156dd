/*
 * tm_search.c - the searches lookup.c is made of: word frequencies from the
 * full-text index's vocabulary, postings, phrases, exact texts by their
 * key, a unit's sentences and a document's name.
 *
 * The query is data: words go to FTS5 as quoted strings and everything to
 * SQL as bound parameters, so FTS5 syntax in a query is text like any
 * other. A search failure reports SQLite's code, not its words, which
 * would echo FTS5's view of the user's query.
 */
#include <stdlib.h>
#include <string.h>

#include "tm_int.h"

struct tma_tm_search {
	tma_tm *tm;
	sqlite3_stmt *vocab, *postings, *row, *phrase, *exact, *unit, *docname;
	sqlite3_stmt *groups, *forms, *indexed, *model;
	unsigned char *mrow;       /* the last model row asked for */
	size_t mrowcap;
	char *q;                   /* scratch: an FTS5 query */
	size_t qcap;
	char *name;                /* the last document name asked for */
};

static int search_failed(tma_tm_search *s, tma_error *err, int rc)
{
	return tma_fail(err, TMA_EDB, "%s: cannot search the memory (SQLite code %d)",
			s->tm->path, rc);
}

int tma_tm_search_new(tma_tm_search **out, tma_tm *tm, tma_error *err)
{
	tma_tm_search *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	s->tm = tm;
	/* Lookups read the index at random: a larger cache, and mmap. */
	sqlite3_exec(tm->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	sqlite3_exec(tm->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	if ((rc = tm_prepare(tm, &s->vocab,
		"SELECT doc FROM sentence_vocab WHERE term = ?1", err)) ||
	    (rc = tm_prepare(tm, &s->postings,
		"SELECT rowid FROM sentence_fts WHERE sentence_fts MATCH ?1 "
		"ORDER BY rowid DESC LIMIT ?2", err)) ||
	    (rc = tm_prepare(tm, &s->row,
		"SELECT id, unit, doc, text FROM sentence WHERE id = ?1 AND lang = ?2", err)) ||
	    (rc = tm_prepare(tm, &s->phrase,
		"SELECT s.id, s.unit, s.doc, s.text FROM sentence_fts "
		"JOIN sentence s ON s.id = sentence_fts.rowid "
		"WHERE sentence_fts MATCH ?1 AND s.lang = ?2 "
		"ORDER BY s.doc DESC, s.id DESC LIMIT ?3", err)) ||
	    (rc = tm_prepare(tm, &s->exact,
		"SELECT id, unit, doc, text FROM sentence WHERE key = ?1 AND lang = ?2 "
		"ORDER BY doc DESC, id DESC LIMIT 50", err)) ||
	    (rc = tm_prepare(tm, &s->unit,
		"SELECT lang, text FROM sentence WHERE unit = ?1 ORDER BY lang, pos", err)) ||
	    (rc = tm_prepare(tm, &s->docname, "SELECT name FROM document WHERE id = ?1",
			     err)) ||
	    (rc = tm_prepare(tm, &s->forms, "SELECT DISTINCT word FROM word_norm "
			     "WHERE lang = ?1 AND norm = ?2", err)) ||
	    (rc = tm_prepare(tm, &s->indexed, "SELECT EXISTS (SELECT 1 FROM word_norm "
			     "WHERE lang = ?1) AND NOT EXISTS (SELECT 1 FROM meta WHERE key = "
			     "'words_backlog' AND value > 0)", err))) {
		tma_tm_search_free(s);
		return rc;
	}
	*out = s;
	return TMA_OK;
}

void tma_tm_search_free(tma_tm_search *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->vocab);
	sqlite3_finalize(s->postings);
	sqlite3_finalize(s->row);
	sqlite3_finalize(s->phrase);
	sqlite3_finalize(s->exact);
	sqlite3_finalize(s->unit);
	sqlite3_finalize(s->docname);
	sqlite3_finalize(s->groups);
	sqlite3_finalize(s->forms);
	sqlite3_finalize(s->indexed);
	sqlite3_finalize(s->model);
	free(s->mrow);
	free(s->q);
	free(s->name);
	free(s);
}

/*
 * Append w[0..n) to the query as an FTS5 string, "..." with every "
 * doubled, after sep. Returns 0 or TMA_ENOMEM.
 */
static int quote_word(tma_tm_search *s, size_t *used, const char *sep,
		      const char *w, size_t n)
{
	size_t i, k = *used;

	if (tma_grow(&s->q, &s->qcap, k + strlen(sep) + 2 * n + 3, 1))
		return TMA_ENOMEM;
	memcpy(s->q + k, sep, strlen(sep));
	k += strlen(sep);
	s->q[k++] = '"';
	for (i = 0; i < n; i++) {
		if (w[i] == '"')
			s->q[k++] = '"';
		s->q[k++] = w[i];
	}
	s->q[k++] = '"';
	s->q[k] = '\0';
	*used = k;
	return TMA_OK;
}

static int found_rows(tma_tm_search *s, sqlite3_stmt *st, tma_found_cb cb, void *ctx,
		      tma_error *err);

/* Append text t to the query. Returns 0 or TMA_ENOMEM. */
static int append(tma_tm_search *s, size_t *used, const char *t)
{
	size_t n = strlen(t);

	if (tma_grow(&s->q, &s->qcap, *used + n + 1, 1))
		return TMA_ENOMEM;
	memcpy(s->q + *used, t, n + 1);
	*used += n;
	return TMA_OK;
}

/* Append group g to the query as ("a" OR "b" OR "c"*), after sep. */
static int quote_group(tma_tm_search *s, size_t *used, const char *sep,
		       const tma_word_group *g)
{
	int k;

	if (append(s, used, sep) || append(s, used, "("))
		return TMA_ENOMEM;
	for (k = 0; k < g->n; k++) {
		size_t n = strlen(g->word[k]);
		int prefix = n > 1 && g->word[k][n - 1] == '*';
		if (quote_word(s, used, k ? " OR " : "", g->word[k], n - (size_t)prefix) ||
		    (prefix && append(s, used, "*")))
			return TMA_ENOMEM;
	}
	return append(s, used, ")");
}

int tma_tm_search_groups(tma_tm_search *s, const tma_word_group *g, int ng,
			 const char *lang, int limit, tma_found_cb cb, void *ctx,
			 tma_error *err)
{
	size_t used = 0;
	int k, rc;

	if (!s->groups &&
	    (rc = tm_prepare(s->tm, &s->groups,
		"SELECT s.id, s.unit, s.doc, s.text FROM sentence_fts "
		"JOIN sentence s ON s.id = sentence_fts.rowid "
		"WHERE sentence_fts MATCH ?1 AND s.lang = ?2 "
		"ORDER BY s.doc DESC, s.id DESC LIMIT ?3", err)))
		return rc;
	for (k = 0; k < ng; k++)
		if (g[k].n > 0 && quote_group(s, &used, used ? " AND " : "", &g[k]))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (!used)
		return TMA_OK;
	sqlite3_bind_text(s->groups, 1, s->q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->groups, 2, lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s->groups, 3, limit);
	return found_rows(s, s->groups, cb, ctx, err);
}

int tma_tm_search_group_ids(tma_tm_search *s, const tma_word_group *g, int limit,
			    int (*cb)(int64_t id, void *ctx), void *ctx, tma_error *err)
{
	size_t used = 0;
	int rc, r = 0;

	if (g->n == 0)
		return TMA_OK;
	if (quote_group(s, &used, "", g))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	sqlite3_bind_text(s->postings, 1, s->q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s->postings, 2, limit);
	while (!r && (rc = sqlite3_step(s->postings)) == SQLITE_ROW)
		r = cb(sqlite3_column_int64(s->postings, 0), ctx);
	sqlite3_reset(s->postings);
	if (r)
		return r;
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

int tma_tm_search_forms(tma_tm_search *s, const char *lang, const char *norm,
			int (*cb)(const char *word, void *ctx), void *ctx, tma_error *err)
{
	int rc, r = 0;

	sqlite3_bind_text(s->forms, 1, lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->forms, 2, norm, -1, SQLITE_TRANSIENT);
	while (!r && (rc = sqlite3_step(s->forms)) == SQLITE_ROW)
		r = cb((const char *)sqlite3_column_text(s->forms, 0), ctx);
	sqlite3_reset(s->forms);
	if (r)
		return r;
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

int tma_tm_search_model(tma_tm_search *s, const char *src, const char *tgt,
			const char *word, const unsigned char **entries, int *n,
			double *total, tma_error *err)
{
	int rc;

	*n = 0;
	*total = 0;
	*entries = NULL;
	if (!s->model &&
	    (rc = tm_prepare(s->tm, &s->model, "SELECT entries, total FROM wmodel WHERE "
			     "src = ?1 AND tgt = ?2 AND word = ?3", err)))
		return rc;
	sqlite3_bind_text(s->model, 1, src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->model, 2, tgt, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->model, 3, word, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s->model);
	if (rc == SQLITE_ROW) {
		int len = sqlite3_column_bytes(s->model, 0);
		if (tma_grow(&s->mrow, &s->mrowcap, (size_t)len + 1, 1)) {
			sqlite3_reset(s->model);
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
		memcpy(s->mrow, sqlite3_column_blob(s->model, 0), (size_t)len);
		*entries = s->mrow;
		*n = len;
		*total = sqlite3_column_double(s->model, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s->model);
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

int tma_tm_search_indexed(tma_tm_search *s, const char *lang)
{
	int yes;

	sqlite3_bind_text(s->indexed, 1, lang, -1, SQLITE_TRANSIENT);
	yes = sqlite3_step(s->indexed) == SQLITE_ROW && sqlite3_column_int(s->indexed, 0);
	sqlite3_reset(s->indexed);
	return yes;
}

int64_t tma_tm_search_df(tma_tm_search *s, const char *w, size_t len)
{
	int64_t df;

	sqlite3_bind_text(s->vocab, 1, w, (int)len, SQLITE_STATIC);
	df = sqlite3_step(s->vocab) == SQLITE_ROW ? sqlite3_column_int64(s->vocab, 0) : 0;
	sqlite3_reset(s->vocab);
	return df;
}

int tma_tm_search_postings(tma_tm_search *s, const char *w, size_t len, int limit,
			   int (*cb)(int64_t id, void *ctx), void *ctx,
			   tma_error *err)
{
	size_t used = 0;
	int rc, r = 0;

	if (quote_word(s, &used, "", w, len))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	sqlite3_bind_text(s->postings, 1, s->q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s->postings, 2, limit);
	while (!r && (rc = sqlite3_step(s->postings)) == SQLITE_ROW)
		r = cb(sqlite3_column_int64(s->postings, 0), ctx);
	sqlite3_reset(s->postings);
	if (r)
		return r;
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

/* Call cb for every row (id, unit, doc, text) of st, then reset it. */
static int found_rows(tma_tm_search *s, sqlite3_stmt *st, tma_found_cb cb, void *ctx,
		      tma_error *err)
{
	int rc, r = 0;

	while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		tma_found f;
		f.id = sqlite3_column_int64(st, 0);
		f.unit = sqlite3_column_int64(st, 1);
		f.doc = sqlite3_column_int64(st, 2);
		f.text = (const char *)sqlite3_column_text(st, 3);
		r = cb(&f, ctx);
	}
	sqlite3_reset(st);
	if (r)
		return r;
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

int tma_tm_search_phrase(tma_tm_search *s, const char *words, int n,
			 const char *lang, int limit, tma_found_cb cb, void *ctx,
			 tma_error *err)
{
	size_t used = 0;
	int k;

	for (k = 0; k < n; k++) {
		size_t len = strlen(words);
		if (quote_word(s, &used, k ? " + " : "", words, len))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		words += len + 1;
	}
	sqlite3_bind_text(s->phrase, 1, s->q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->phrase, 2, lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s->phrase, 3, limit);
	return found_rows(s, s->phrase, cb, ctx, err);
}

int tma_tm_search_exact(tma_tm_search *s, const char *text, const char *lang,
			tma_found_cb cb, void *ctx, tma_error *err)
{
	sqlite3_bind_int64(s->exact, 1, (sqlite3_int64)tma_text_key(text));
	sqlite3_bind_text(s->exact, 2, lang, -1, SQLITE_TRANSIENT);
	return found_rows(s, s->exact, cb, ctx, err);
}

int tma_tm_search_sentence(tma_tm_search *s, int64_t id, const char *lang,
			   tma_found_cb cb, void *ctx, tma_error *err)
{
	sqlite3_bind_int64(s->row, 1, id);
	sqlite3_bind_text(s->row, 2, lang, -1, SQLITE_TRANSIENT);
	return found_rows(s, s->row, cb, ctx, err);
}

int tma_tm_search_unit(tma_tm_search *s, int64_t unit,
		       int (*cb)(const char *lang, const char *text, void *ctx),
		       void *ctx, tma_error *err)
{
	int rc, r = 0;

	sqlite3_bind_int64(s->unit, 1, unit);
	while (!r && (rc = sqlite3_step(s->unit)) == SQLITE_ROW)
		r = cb((const char *)sqlite3_column_text(s->unit, 0),
		       (const char *)sqlite3_column_text(s->unit, 1), ctx);
	sqlite3_reset(s->unit);
	if (r)
		return r;
	return rc == SQLITE_DONE ? TMA_OK : search_failed(s, err, rc);
}

int tma_tm_search_docname(tma_tm_search *s, int64_t doc, const char **out,
			  tma_error *err)
{
	int rc;

	free(s->name);
	s->name = NULL;
	sqlite3_bind_int64(s->docname, 1, doc);
	rc = sqlite3_step(s->docname);
	if (rc == SQLITE_ROW &&
	    !(s->name = tma_strdup((const char *)sqlite3_column_text(s->docname, 0))))
		rc = SQLITE_NOMEM;
	sqlite3_reset(s->docname);
	*out = s->name ? s->name : "";
	if (rc == SQLITE_NOMEM)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? TMA_OK : search_failed(s, err, rc);
}
