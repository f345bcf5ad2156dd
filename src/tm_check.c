/*
 * tm_check.c - is the memory whole? SQLite's own checks, the full-text
 * index against the sentences, and the memory's invariants:
 *
 *   - every version holds as many sentences as it says, at positions
 *     0..n-1, and every sentence belongs to a version of its document;
 *   - every unit holds at least one sentence, of its own document; units
 *     are numbered 0..n-1 in their document and hold consecutive sentences
 *     of each language, in order;
 *   - a unit's bead counts its sentences, its hash is that of its texts,
 *     a sentence's key that of its text, a document's content key that of
 *     its versions.
 *
 * Then a digest of everything the memory holds (every row of its own
 * tables; the indexes, the word forms and the word model are derived from
 * them and left out), which two memories share exactly when their
 * contents are equal.
 */
#include <stdio.h>
#include <string.h>

#include "tm_int.h"

/* The first row of sql, when there is one, is damage: "PATH: damaged: ...". */
static int expect_none(tma_tm *tm, const char *sql, const char *what, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = tm_prepare(tm, &st, sql, err);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *detail = (const char *)sqlite3_column_text(st, 1);
		rc = tma_fail(err, TMA_EDB, "%s: damaged: document '%s'%s%s: %s", tm->path,
			      name ? name : "?", detail ? " " : "", detail ? detail : "", what);
	} else {
		rc = rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot check");
	}
	sqlite3_finalize(st);
	return rc;
}

static const struct invariant {
	const char *what;
	const char *sql;      /* rows: document name, detail */
} invariants[] = {
	{ "a version holds another number of sentences than it says",
	  "SELECT d.name, v.lang FROM version v JOIN document d ON d.id = v.doc "
	  "WHERE v.sentences <> (SELECT count(*) FROM sentence s "
	  "WHERE s.doc = v.doc AND s.lang = v.lang)" },
	{ "its sentences are not numbered from 0 without gaps",
	  "SELECT d.name, s.lang FROM sentence s JOIN document d ON d.id = s.doc "
	  "GROUP BY s.doc, s.lang HAVING min(s.pos) <> 0 OR max(s.pos) <> count(*) - 1" },
	{ "a sentence of a language the document has no version of",
	  "SELECT d.name, s.lang FROM sentence s JOIN document d ON d.id = s.doc "
	  "WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.doc = s.doc "
	  "AND v.lang = s.lang)" },
	{ "a sentence in a unit of another document",
	  "SELECT d.name, 'unit ' || u.ord FROM sentence s JOIN unit u ON u.id = s.unit "
	  "JOIN document d ON d.id = s.doc WHERE u.doc <> s.doc" },
	{ "a unit without sentences",
	  "SELECT d.name, 'unit ' || u.ord FROM unit u JOIN document d ON d.id = u.doc "
	  "WHERE NOT EXISTS (SELECT 1 FROM sentence s WHERE s.unit = u.id)" },
	{ "its units are not numbered from 0 without gaps",
	  "SELECT d.name, NULL FROM unit u JOIN document d ON d.id = u.doc "
	  "GROUP BY u.doc HAVING min(u.ord) <> 0 OR max(u.ord) <> count(*) - 1" },
	{ "sentences out of the order of their units",
	  "SELECT d.name, lang || ' sentence ' || pos FROM (SELECT s.doc, s.lang, s.pos, "
	  "u.ord, lag(u.ord) OVER (PARTITION BY s.doc, s.lang ORDER BY s.pos) AS prev "
	  "FROM sentence s JOIN unit u ON u.id = s.unit) x JOIN document d ON d.id = x.doc "
	  "WHERE x.ord < x.prev" },
	{ "a sentence's text key does not match its text",
	  "SELECT d.name, s.lang || ' sentence ' || s.pos FROM sentence s "
	  "JOIN document d ON d.id = s.doc WHERE s.key IS NOT tmalign_key(s.text)" },
	{ "its content key does not match its versions",
	  "SELECT d.name, NULL FROM document d WHERE d.content IS NOT "
	  "(SELECT tmalign_content(v.lang, v.hash) FROM version v WHERE v.doc = d.id)" },
};

/* The bead of a view, from its sides' sentence counts. */
static void view_bead(const tma_unit_view *v, char *bead, size_t n)
{
	int l;

	bead[0] = '\0';
	for (l = 0; l < v->nside; l++)
		snprintf(bead + strlen(bead), n - strlen(bead), l ? "-%d" : "%d",
			 v->side[l].n > 9 ? 9 : v->side[l].n);
}

typedef struct unit_check {
	tma_tm *tm;
	tma_error *err;
} unit_check;

/* A unit's bead and hash against its sentences. */
static int check_unit(const tma_unit_view *v, void *ctx)
{
	unit_check *c = ctx;
	char bead[TMA_VIEW_LANGS * 4 + 1];
	uint64_t h = TMA_HASH_SEED;
	int l;

	for (l = 0; l < v->nside; l++)
		h = tm_unit_hash_side(h, v->side[l].lang, v->side[l].sent, v->side[l].n);
	if ((int64_t)h != v->hash)
		return tma_fail(c->err, TMA_EDB, "%s: damaged: document '%s' unit %lld: its "
				"hash does not match its texts (changed behind tmalign's back?)",
				c->tm->path, v->doc, (long long)v->ord);
	view_bead(v, bead, sizeof(bead));
	if (strcmp(bead, v->bead) != 0)
		return tma_fail(c->err, TMA_EDB, "%s: damaged: document '%s' unit %lld: bead "
				"%s but it holds %s", c->tm->path, v->doc, (long long)v->ord,
				v->bead, bead);
	return TMA_OK;
}

/* SQLite's integrity and foreign-key checks. */
static int check_sqlite(tma_tm *tm, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, bad = 0;

	if ((rc = tm_prepare(tm, &st, "PRAGMA integrity_check", err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") != 0 && !bad++)
			tma_fail(err, TMA_EDB, "%s: damaged: %s", tm->path, r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tm_fail(tm, err, rc, "cannot check");
	if (bad)
		return TMA_EDB;
	if ((rc = tm_prepare(tm, &st, "PRAGMA foreign_key_check", err)))
		return rc;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return tma_fail(err, TMA_EDB, "%s: damaged: a row of the memory refers to "
				"nothing", tm->path);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot check");
}

/*
 * The full-text index against the sentences it is made of (rank 1: FTS5
 * compares it with its content table too). FTS5 asks for it as a write:
 * a read-only memory skips it.
 */
static int check_index(tma_tm *tm, tma_error *err)
{
	int rc = sqlite3_exec(tm->db, "INSERT INTO sentence_fts (sentence_fts, rank) "
			      "VALUES ('integrity-check', 1)", NULL, NULL, NULL);

	if (rc == SQLITE_OK || (rc & 0xFF) == SQLITE_READONLY)
		return TMA_OK;
	return tma_fail(err, TMA_EDB, "%s: damaged: the full-text index does not match "
			"the sentences", tm->path);
}

/* Hash every value of every row of table t, rows in the order of all columns. */
static int digest_table(tma_tm *tm, const char *t, uint64_t *h, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	char *sql, order[256] = "";
	int rc, ncol, c;

	sql = sqlite3_mprintf("SELECT * FROM \"%w\" LIMIT 0", t);
	rc = sql ? tm_prepare(tm, &st, sql, err) : tma_fail(err, TMA_ENOMEM, "out of memory");
	sqlite3_free(sql);
	if (rc)
		return rc;
	ncol = sqlite3_column_count(st);
	sqlite3_finalize(st);
	for (c = 1; c <= ncol && c < 40; c++)
		snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s%d",
			 c > 1 ? "," : "", c);
	sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY %s", t, order);
	rc = sql ? tm_prepare(tm, &st, sql, err) : tma_fail(err, TMA_ENOMEM, "out of memory");
	sqlite3_free(sql);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (c = 0; c < ncol; c++) {
			const void *v = sqlite3_column_blob(st, c);
			int n = sqlite3_column_bytes(st, c);
			*h = tma_hash_mix(*h, tma_hash(v ? v : "", (size_t)n) ^
					      (uint64_t)sqlite3_column_type(st, c));
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot read");
}

/* The digest of the memory's own tables, by name. */
static int digest(tma_tm *tm, uint64_t *out, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*out = TMA_HASH_SEED;
	if ((rc = tm_prepare(tm, &st, "SELECT name FROM sqlite_master WHERE type = "
			     "'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
			     "'sentence\\_fts%' ESCAPE '\\' AND name NOT IN ('word_norm', "
			     "'wmodel', 'meta') AND sql NOT LIKE 'CREATE "
			     "VIRTUAL%' ORDER BY name", err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char t[128];
		snprintf(t, sizeof(t), "%s", (const char *)sqlite3_column_text(st, 0));
		*out = tma_hash_mix(*out, tma_hash(t, strlen(t)));
		if ((r = digest_table(tm, t, out, err))) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot check");
}

int tma_tm_check(tma_tm *tm, uint64_t *out, tma_error *err)
{
	unit_check uc = { tm, err };
	size_t k;
	int rc;

	*out = 0;
	if ((rc = check_sqlite(tm, err)) || (rc = check_index(tm, err)))
		return rc;
	for (k = 0; k < sizeof(invariants) / sizeof(invariants[0]); k++)
		if ((rc = expect_none(tm, invariants[k].sql, invariants[k].what, err)))
			return rc;
	if ((rc = tma_tm_walk(tm, NULL, check_unit, &uc, err)))
		return rc;
	return digest(tm, out, err);
}
