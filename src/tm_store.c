/*
 * tm_store.c - putting aligned documents into the memory and taking them
 * out: tma_tm_store, tma_tm_remove, grouped transactions, and what makes a
 * unit or a document the same as another (unit hashes, content keys, the
 * text key of exact lookups), with the SQL functions that compute them.
 *
 * Every change is one transaction, or part of the caller's group; on any
 * failure it is rolled back and the memory is exactly as before. No
 * savepoint per document inside a group: FTS5 writes its pending index at
 * every savepoint, which makes storing several times slower; a failure
 * inside a group drops the whole group instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_int.h"

/* ------------------------------------------------------------------ */
/* Identity                                                            */

uint64_t tm_unit_hash_side(uint64_t h, const char *lang, const char *const *sent,
			   int n)
{
	uint64_t s = TMA_HASH_SEED;
	int k;

	if (n == 0)
		return h;
	for (k = 0; k < n; k++) {
		if (k)
			s = tma_hash_more(s, " ", 1);
		s = tma_hash_more(s, sent[k], strlen(sent[k]));
	}
	return tma_hash_mix(tma_hash_mix(h, tma_hash(lang, strlen(lang))), s);
}

/* A unit's hash, from the alignment: see tm_unit_hash_side. */
static int64_t unit_hash(const tma_unit *u, const tma_alignment *al,
			 tma_doc *const *docs)
{
	uint64_t h = TMA_HASH_SEED;
	const char *sent[64];
	int l, k;

	for (l = 0; l < al->nlang; l++) {
		int n = u->count[l] < 64 ? u->count[l] : 64;
		for (k = 0; k < n; k++)
			sent[k] = docs[l]->sent[u->start[l] + (size_t)k].text;
		h = tm_unit_hash_side(h, al->lang[l], sent, n);
	}
	return (int64_t)h;
}

/* One (language, hash) pair of a content key; hash is its 16 hex digits. */
static uint64_t content_pair(const char *lang, const char *hash)
{
	char pair[TMA_LANG_MAX + 24];
	int len = snprintf(pair, sizeof(pair), "%s=%s", lang, hash);

	return tma_hash(pair, (size_t)len);
}

uint64_t tma_content_key(const char (*lang)[TMA_LANG_MAX], const uint64_t *hash,
			 int n)
{
	uint64_t key = (uint64_t)n;
	int k;

	/* A sum: the order of the pairs does not matter. */
	for (k = 0; k < n; k++) {
		char hex[24];
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)hash[k]);
		key += content_pair(lang[k], hex);
	}
	return key;
}

uint64_t tma_text_key(const char *s)
{
	uint64_t h = TMA_HASH_SEED;
	int space = 0, any = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = any;
			continue;
		}
		if (space) {
			h = tma_hash_more(h, " ", 1);
			space = 0;
		}
		h = tma_hash_more(h, s, 1);
		any = 1;
	}
	return h;
}

/* tmalign_key(text): tma_text_key for SQL (migration 4 fills the column). */
static void sql_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *text = sqlite3_value_text(argv[0]);

	(void)argc;
	if (!text)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, (sqlite3_int64)tma_text_key((const char *)text));
}

/* tmalign_content(lang, hash): tma_content_key of a document's versions. */
static void sql_content_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t *acc = sqlite3_aggregate_context(ctx, 2 * sizeof(uint64_t));
	const unsigned char *lang = sqlite3_value_text(argv[0]);
	const unsigned char *hash = sqlite3_value_text(argv[1]);

	(void)argc;
	if (!acc || !lang || !hash)
		return;
	acc[0]++;
	acc[1] += content_pair((const char *)lang, (const char *)hash);
}

static void sql_content_final(sqlite3_context *ctx)
{
	uint64_t *acc = sqlite3_aggregate_context(ctx, 0);

	if (!acc || !acc[0])
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, (sqlite3_int64)(acc[0] + acc[1]));
}

int tm_register_functions(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "tmalign_key", 1,
					 SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					 sql_key, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "tmalign_content", 2,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
					     sql_content_step, sql_content_final);
	return rc;
}

int tm_set_content(tma_tm *tm, sqlite3_int64 doc, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = tm_prepare(tm, &st,
		"UPDATE document SET content = (SELECT tmalign_content(lang, hash) "
		"FROM version WHERE version.doc = ?1) WHERE id = ?1", err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, doc);
	rc = tm_step(tm, st, err);
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Transactions and the full-text index                                */

void tm_fts_note(tma_tm *tm)
{
	if (!tm->fts_from)
		tm->fts_from = sqlite3_last_insert_rowid(tm->db);
}

int tm_fts_flush(tma_tm *tm, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!tm->fts_from)
		return TMA_OK;
	if ((rc = tm_prepare(tm, &st, "INSERT INTO sentence_fts (rowid, text) "
			     "SELECT id, text FROM sentence WHERE id >= ?1", err)))
		return rc;
	sqlite3_bind_int64(st, 1, tm->fts_from);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tm_fail(tm, err, rc, "cannot index");
	tm->fts_from = 0;
	return TMA_OK;
}

int tm_tx_begin(tma_tm *tm, tma_error *err)
{
	int rc;

	if ((rc = tm_materialize(tm, err)))
		return rc;
	return tm->in_group ? TMA_OK : tm_exec(tm, "BEGIN IMMEDIATE", "cannot lock", err);
}

int tm_tx_commit(tma_tm *tm, tma_error *err)
{
	int rc;

	if (tm->in_group)
		return TMA_OK;
	if ((rc = tm_fts_flush(tm, err)))
		return rc;
	return tm_exec(tm, "COMMIT", "cannot commit", err);
}

void tm_tx_rollback(tma_tm *tm)
{
	if (sqlite3_get_autocommit(tm->db) == 0)
		sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
	tm_words_forget(tm);
	tm->in_group = 0;
	tm->fts_from = 0;
}

int tma_tm_begin(tma_tm *tm, tma_error *err)
{
	int rc;

	if (tm->in_group)
		return tma_fail(err, TMA_ERROR, "%s: a transaction is already open", tm->path);
	if ((rc = tm_tx_begin(tm, err)))
		return rc;
	tm->in_group = 1;
	return TMA_OK;
}

int tma_tm_commit(tma_tm *tm, tma_error *err)
{
	int rc;

	if (!tm->in_group)
		return TMA_OK;
	tm->in_group = 0;
	if ((rc = tm_tx_commit(tm, err)))
		tm_tx_rollback(tm);
	return rc;
}

void tma_tm_rollback(tma_tm *tm)
{
	if (tm && tm->in_group)
		tm_tx_rollback(tm);
}

/* ------------------------------------------------------------------ */
/* Storing                                                             */

void tm_inserter_finalize(tm_inserter *ins)
{
	if (!ins)
		return;
	sqlite3_finalize(ins->doc);
	sqlite3_finalize(ins->version);
	sqlite3_finalize(ins->unit);
	sqlite3_finalize(ins->sentence);
	sqlite3_finalize(ins->have);
	sqlite3_finalize(ins->del);
	sqlite3_finalize(ins->content);
	memset(ins, 0, sizeof(*ins));
}

int tm_inserter_prepare(tma_tm *tm, tm_inserter *ins, tma_error *err)
{
	int rc;

	memset(ins, 0, sizeof(*ins));
	if ((rc = tm_prepare(tm, &ins->doc,
		"INSERT INTO document (name, langs, origin, content, created) VALUES "
		"(?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", err)) ||
	    (rc = tm_prepare(tm, &ins->version,
		"INSERT INTO version (doc, lang, source, hash, sentences) "
		"VALUES (?1, ?2, ?3, ?4, ?5)", err)) ||
	    (rc = tm_prepare(tm, &ins->unit,
		"INSERT INTO unit (doc, ord, score, bead, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
		err)) ||
	    (rc = tm_prepare(tm, &ins->sentence,
		"INSERT INTO sentence (unit, doc, lang, para, pos, start, end, text, key) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", err)) ||
	    (rc = tm_prepare(tm, &ins->have, "SELECT id FROM document WHERE name = ?1", err)) ||
	    (rc = tm_prepare(tm, &ins->del, "DELETE FROM document WHERE name = ?1", err)) ||
	    (rc = tm_prepare(tm, &ins->content,
		"SELECT name FROM document WHERE content = ?1 LIMIT 1", err)))
		tm_inserter_finalize(ins);
	return rc;
}

/* The store's statements, prepared on first use (triggers make that slow). */
static int inserter(tma_tm *tm, tm_inserter **out, tma_error *err)
{
	int rc;

	if (!tm->ins) {
		if (!(tm->ins = calloc(1, sizeof(*tm->ins))))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		if ((rc = tm_inserter_prepare(tm, tm->ins, err))) {
			free(tm->ins);
			tm->ins = NULL;
			return rc;
		}
	}
	*out = tm->ins;
	return TMA_OK;
}

int tm_remove_doc(tma_tm *tm, tm_inserter *ins, const char *name, int *gone,
		  tma_error *err)
{
	sqlite3_int64 doc = 0;
	int rc;

	*gone = 0;
	sqlite3_bind_text(ins->have, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(ins->have);
	if (rc == SQLITE_ROW)
		doc = sqlite3_column_int64(ins->have, 0);
	sqlite3_reset(ins->have);
	if (rc == SQLITE_DONE)
		return TMA_OK;
	if (rc != SQLITE_ROW)
		return tm_fail(tm, err, rc, "cannot read");
	sqlite3_bind_text(ins->del, 1, name, -1, SQLITE_TRANSIENT);
	if ((rc = tm_model_forget_doc(tm, doc, err)) || (rc = tm_fts_flush(tm, err)) ||
	    (rc = tm_step(tm, ins->del, err)))
		return rc;
	*gone = 1;
	return TMA_OK;
}

/*
 * The name of another document than name holding the content key, into
 * tm->same_as, or NULL there.
 */
static int same_content(tma_tm *tm, tm_inserter *ins, uint64_t key, const char *name,
			tma_error *err)
{
	int rc;

	free(tm->same_as);
	tm->same_as = NULL;
	sqlite3_bind_int64(ins->content, 1, (sqlite3_int64)key);
	rc = sqlite3_step(ins->content);
	if (rc == SQLITE_ROW) {
		const char *other = (const char *)sqlite3_column_text(ins->content, 0);
		if (strcmp(other, name) != 0 && !(tm->same_as = tma_strdup(other)))
			rc = SQLITE_NOMEM;
		else
			rc = SQLITE_DONE;
	}
	sqlite3_reset(ins->content);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot look for duplicates");
}

static int store_sentence(tma_tm *tm, tm_inserter *ins, sqlite3_int64 uid,
			  sqlite3_int64 doc, const char *lang, size_t pos,
			  const tma_sentence *s, tma_error *err)
{
	int rc;

	sqlite3_bind_int64(ins->sentence, 1, uid);
	sqlite3_bind_int64(ins->sentence, 2, doc);
	sqlite3_bind_text(ins->sentence, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins->sentence, 4, s->para);
	sqlite3_bind_int64(ins->sentence, 5, (sqlite3_int64)pos);
	sqlite3_bind_int64(ins->sentence, 6, (sqlite3_int64)s->start);
	sqlite3_bind_int64(ins->sentence, 7, (sqlite3_int64)s->end);
	sqlite3_bind_text(ins->sentence, 8, s->text, (int)s->len, SQLITE_STATIC);
	sqlite3_bind_int64(ins->sentence, 9, (sqlite3_int64)tma_text_key(s->text));
	if ((rc = tm_step(tm, ins->sentence, err)))
		return rc;
	tm_fts_note(tm);
	return tm_index_text(tm, lang, s->text, err);
}

static int store_units(tma_tm *tm, tm_inserter *ins, sqlite3_int64 doc,
		       tma_doc *const *docs, const tma_alignment *al, tma_error *err)
{
	size_t i;
	int rc, l, k;

	for (i = 0; i < al->n; i++) {
		const tma_unit *u = &al->unit[i];
		sqlite3_int64 uid;
		char bead[16];

		tma_unit_bead(u, al->nlang, bead);
		sqlite3_bind_int64(ins->unit, 1, doc);
		sqlite3_bind_int64(ins->unit, 2, (sqlite3_int64)i);
		sqlite3_bind_double(ins->unit, 3, u->score);
		sqlite3_bind_text(ins->unit, 4, bead, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins->unit, 5, unit_hash(u, al, docs));
		if ((rc = tm_step(tm, ins->unit, err)))
			return rc;
		uid = sqlite3_last_insert_rowid(tm->db);
		for (l = 0; l < al->nlang; l++)
			for (k = 0; k < u->count[l]; k++) {
				size_t pos = u->start[l] + (size_t)k;
				if ((rc = store_sentence(tm, ins, uid, doc, al->lang[l], pos,
							 &docs[l]->sent[pos], err)))
					return rc;
			}
	}
	return TMA_OK;
}

/* The document's row and its versions; *doc gets its id. */
static int store_doc(tma_tm *tm, tm_inserter *ins, const char *name, uint64_t key,
		     tma_doc *const *docs, const tma_source *src,
		     const tma_alignment *al, sqlite3_int64 *doc, tma_error *err)
{
	char langs[TMA_MAX_LANGS * (TMA_LANG_MAX + 1)] = "";
	int rc, l;

	for (l = 0; l < al->nlang; l++)
		snprintf(langs + strlen(langs), sizeof(langs) - strlen(langs), "%s%s",
			 l ? "," : "", al->lang[l]);
	sqlite3_bind_text(ins->doc, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins->doc, 2, langs, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins->doc, 3, "align", -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins->doc, 4, (sqlite3_int64)key);
	if ((rc = tm_step(tm, ins->doc, err)))
		return rc;
	*doc = sqlite3_last_insert_rowid(tm->db);
	for (l = 0; l < al->nlang; l++) {
		char hash[24];
		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)src[l].hash);
		sqlite3_bind_int64(ins->version, 1, *doc);
		sqlite3_bind_text(ins->version, 2, al->lang[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins->version, 3, src[l].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins->version, 4, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins->version, 5, (sqlite3_int64)docs[l]->n);
		if ((rc = tm_step(tm, ins->version, err)))
			return rc;
	}
	return TMA_OK;
}

int tma_tm_store(tma_tm *tm, const char *name, tma_doc *const *docs,
		 const tma_source *src, const tma_alignment *al,
		 tma_store_result *res, tma_error *err)
{
	tm_inserter *ins;
	uint64_t hash[TMA_MAX_LANGS], key;
	sqlite3_int64 doc;
	int rc, l;

	memset(res, 0, sizeof(*res));
	if ((rc = tma_name_check(name, "a document name", err)))
		return rc;
	if (tm->readonly)
		return tma_fail(err, TMA_EUSAGE, "%s: opened for reading only", tm->path);
	for (l = 0; l < al->nlang; l++)
		hash[l] = src[l].hash;
	key = tma_content_key((const char (*)[TMA_LANG_MAX])al->lang, hash, al->nlang);
	if ((rc = tm_tx_begin(tm, err)) || (rc = inserter(tm, &ins, err)))
		goto fail;
	if ((rc = same_content(tm, ins, key, name, err)))
		goto fail;
	if (tm->same_as) {
		/* Nothing written: the group, if any, goes on. */
		res->same_as = tm->same_as;
		if (!tm->in_group)
			tm_tx_rollback(tm);
		return TMA_OK;
	}
	if ((rc = tm_remove_doc(tm, ins, name, &res->replaced, err)) ||
	    (rc = store_doc(tm, ins, name, key, docs, src, al, &doc, err)) ||
	    (rc = store_units(tm, ins, doc, docs, al, err)) ||
	    (rc = tm_tx_commit(tm, err)))
		goto fail;
	res->units = al->n;
	return TMA_OK;
fail:
	tm_tx_rollback(tm);
	res->replaced = 0;
	return rc;
}

int tma_tm_remove(tma_tm *tm, const char *name, tma_error *err)
{
	tm_inserter *ins;
	int rc, gone = 0;

	if (tm->pending)
		return tma_fail(err, TMA_ENOTFOUND, "%s: no document '%s'", tm->path, name);
	if ((rc = tm_tx_begin(tm, err)) || (rc = inserter(tm, &ins, err)) ||
	    (rc = tm_remove_doc(tm, ins, name, &gone, err)))
		goto fail;
	if (!gone) {
		if (!tm->in_group)
			tm_tx_rollback(tm);
		return tma_fail(err, TMA_ENOTFOUND, "%s: no document '%s'", tm->path, name);
	}
	if ((rc = tm_tx_commit(tm, err)))
		goto fail;
	return TMA_OK;
fail:
	tm_tx_rollback(tm);
	return rc;
}
