/*
 * tm_words.c - the memory's index of word forms (tm/schema.sql, migration
 * 7): every word of every stored sentence with its normal forms (norm.c),
 * so that lookup finds a phrase in any inflected form.
 *
 * Storing and importing add the words of what they store, in the same
 * transaction; a handle remembers the words it has written so that a
 * batch writes each word once. An older memory's sentences are indexed by
 * tma_tm_index_words, in transactions of their own, resumable: the meta
 * row 'words_backlog' says up to which sentence id work remains.
 */
#include <stdlib.h>
#include <string.h>

#include "tm_int.h"
#include "words.h"

#define KNOWN_MAX 2000000     /* words a handle remembers having written */
#define SENT_WORDS 512        /* words of a sentence indexed, at most */
#define INDEX_CHUNK 20000     /* sentences of an older memory per transaction */

/* The word index's tools on a handle, made on first use. */
struct tm_words {
	tma_words *split;
	tma_normalizer *nz;
	tma_word w[SENT_WORDS];
	tma_strmap known;          /* "lang\0word" written by this handle */
	sqlite3_stmt *insert, *have;
	char *key;
	size_t keycap;
};

void tm_words_free(tm_words *tw)
{
	if (!tw)
		return;
	tma_words_free(tw->split);
	tma_normalizer_free(tw->nz);
	tma_strmap_free(&tw->known);
	sqlite3_finalize(tw->insert);
	sqlite3_finalize(tw->have);
	free(tw->key);
	free(tw);
}

void tm_words_forget(tma_tm *tm)
{
	if (tm->words)
		tma_strmap_free(&tm->words->known);
}

static int tools(tma_tm *tm, tm_words **out, tma_error *err)
{
	tm_words *tw = tm->words;
	int rc;

	if (!tw) {
		if (!(tw = calloc(1, sizeof(*tw))))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		if ((rc = tma_words_new(&tw->split, err)) ||
		    (rc = tma_normalizer_new(&tw->nz, err)) ||
		    (rc = tm_prepare(tm, &tw->insert, "INSERT OR IGNORE INTO word_norm "
				     "(lang, word, norm) VALUES (?1, ?2, ?3)", err)) ||
		    (rc = tm_prepare(tm, &tw->have, "SELECT 1 FROM word_norm WHERE lang = ?1 "
				     "AND word = ?2 LIMIT 1", err))) {
			tm_words_free(tw);
			return rc;
		}
		tm->words = tw;
	}
	*out = tw;
	return TMA_OK;
}

/* Add the word w (folded, len bytes) of lang and its forms, unless known. */
static int add_word(tma_tm *tm, tm_words *tw, const char *lang, const char *w, size_t len,
		    tma_error *err)
{
	size_t ll = strlen(lang), k;
	const char *forms;
	uint32_t id;
	int added, n, f, rc;

	if (tma_grow(&tw->key, &tw->keycap, ll + len + 2, 1))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	memcpy(tw->key, lang, ll + 1);
	memcpy(tw->key + ll + 1, w, len);
	if (tw->known.n >= KNOWN_MAX)
		tma_strmap_free(&tw->known);
	if (tma_strmap_intern(&tw->known, tw->key, ll + 1 + len, &id, &added))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (!added)
		return TMA_OK;
	/* Stored before: its forms are there (and the dictionaries stay unloaded). */
	sqlite3_bind_text(tw->have, 1, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(tw->have, 2, w, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(tw->have);
	sqlite3_reset(tw->have);
	if (rc == SQLITE_ROW)
		return TMA_OK;
	if (rc != SQLITE_DONE)
		return tm_fail(tm, err, rc, "cannot read");
	if ((rc = tma_norms(tw->nz, lang, w, len, &forms, &n, err)))
		return rc;
	for (f = 0, k = 0; f < n; f++) {
		size_t fl = strlen(forms + k);
		sqlite3_bind_text(tw->insert, 1, lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(tw->insert, 2, w, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(tw->insert, 3, forms + k, (int)fl, SQLITE_STATIC);
		if ((rc = tm_step(tm, tw->insert, err)))
			return rc;
		k += fl + 1;
	}
	return TMA_OK;
}

int tm_index_text(tma_tm *tm, const char *lang, const char *text, tma_error *err)
{
	tm_words *tw = NULL;
	int n, k, rc;

	if ((rc = tools(tm, &tw, err)))
		return rc;
	if ((n = tma_words_split(tw->split, text, tw->w, SENT_WORDS)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n; k++)
		if ((rc = add_word(tm, tw, lang, tma_words_folded(tw->split, &tw->w[k]),
				   tw->w[k].flen, err)))
			return rc;
	return TMA_OK;
}

int tma_tm_words_backlog(tma_tm *tm, size_t *out, tma_error *err)
{
	int64_t upto = 0, n = 0;
	int rc;
	char sql[160];

	*out = 0;
	if ((rc = tm_query_int(tm, "SELECT coalesce((SELECT value FROM meta WHERE key = "
			       "'words_backlog'), 0)", &upto, err)))
		return rc;
	if (upto <= 0)
		return TMA_OK;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sentence WHERE id <= %lld AND id > "
		 "coalesce((SELECT value FROM meta WHERE key = 'words_from'), 0)",
		 (long long)upto);
	if ((rc = tm_query_int(tm, sql, &n, err)))
		return rc;
	*out = (size_t)n;
	return TMA_OK;
}

/* A value of the meta table (0 when it has none). */
static int meta_int(tma_tm *tm, const char *key, int64_t *out, tma_error *err)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT value FROM meta WHERE key = "
		 "'%s'), 0)", key);
	return tm_query_int(tm, sql, out, err);
}

/*
 * Index the next INDEX_CHUNK sentences of the backlog, after id from and
 * up to id upto, in one transaction that also records how far it came
 * (and, at the end, that nothing is left). *n gets how many.
 */
static int index_chunk(tma_tm *tm, int64_t from, int64_t upto, size_t *n, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t last = from;
	int rc;
	char sql[200];

	*n = 0;
	if ((rc = tm_tx_begin(tm, err)))
		return rc;
	if ((rc = tm_prepare(tm, &st, "SELECT id, lang, text FROM sentence WHERE id > ?1 "
			     "AND id <= ?2 ORDER BY id LIMIT ?3", err)))
		goto fail;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, upto);
	sqlite3_bind_int(st, 3, INDEX_CHUNK);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = tm_index_text(tm, (const char *)sqlite3_column_text(st, 1),
				      (const char *)sqlite3_column_text(st, 2), err);
		if (r) {
			rc = r;
			goto fail;
		}
		last = sqlite3_column_int64(st, 0);
		(*n)++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		rc = tm_fail(tm, err, rc, "cannot read");
		goto fail;
	}
	if (*n < INDEX_CHUNK)
		snprintf(sql, sizeof(sql), "UPDATE meta SET value = 0 WHERE key = 'words_backlog'");
	else
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta (key, value) VALUES "
			 "('words_from', %lld)", (long long)last);
	if ((rc = tm_exec(tm, sql, "cannot write", err)) || (rc = tm_tx_commit(tm, err)))
		goto fail;
	return TMA_OK;
fail:
	sqlite3_finalize(st);
	tm_tx_rollback(tm);
	return rc;
}

int tma_tm_index_words(tma_tm *tm, void (*progress)(size_t done, size_t total, void *),
		       void *ctx, tma_error *err)
{
	size_t total, done = 0, n;
	int64_t upto, from;
	int rc;

	if ((rc = tma_tm_words_backlog(tm, &total, err)) || total == 0)
		return rc;
	if (tm->readonly)
		return tma_fail(err, TMA_EUSAGE, "%s: opened for reading only", tm->path);
	if ((rc = meta_int(tm, "words_backlog", &upto, err)) ||
	    (rc = meta_int(tm, "words_from", &from, err)))
		return rc;
	do {
		if ((rc = index_chunk(tm, from, upto, &n, err)))
			return rc;
		done += n;
		if ((rc = meta_int(tm, "words_from", &from, err)))
			return rc;
		if (progress)
			progress(done < total ? done : total, total, ctx);
	} while (n == INDEX_CHUNK);
	return TMA_OK;
}
