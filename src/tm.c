/*
 * tm.c - the translation memory: aligned documents kept in SQLite.
 *
 * The schema lives in tm/schema.sql, built into the binary, as a list of
 * migrations; PRAGMA user_version says how far a memory has come. A memory
 * runs in WAL mode with foreign keys on and a busy timeout, so that readers
 * never wait for writers and two writers take turns.
 *
 * Invariants: every change is one transaction (BEGIN IMMEDIATE, so that two
 * writers never deadlock upgrading their locks); on any failure it is rolled
 * back and the memory is exactly as before. A memory written by a newer
 * schema, or a file that is not a memory, is refused before anything is
 * written to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "tmalign_int.h"

#define BUSY_TIMEOUT_MS 60000

typedef struct inserter inserter;
static void inserter_free(inserter *ins);

struct tma_tm {
	sqlite3 *db;
	char *path;
	int readonly;
	int last_rc;      /* SQLite's code of the last query_int */
	int in_group;     /* tma_tm_begin opened a transaction */
	struct inserter *ins;   /* tma_tm_store's statements, prepared once */
	sqlite3_int64 fts_from; /* first sentence not in the full-text index yet */
};

/* The code and message for an SQLite failure on tm; returns the code. */
static int db_fail(tma_tm *tm, tma_error *err, int rc, const char *what)
{
	int code, e = tm->db ? sqlite3_system_errno(tm->db) : 0;
	const char *hint = "";

	/* A write refused by the disk or by a file size limit. */
	if (e == EFBIG || e == ENOSPC || rc == SQLITE_IOERR_WRITE)
		rc = SQLITE_FULL;
	switch (rc & 0xFF) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = TMA_EBUSY;
		hint = " (another process kept it locked)";
		break;
	case SQLITE_FULL:
		code = TMA_EFULL;
		hint = " (disk full or file size limit)";
		break;
	case SQLITE_READONLY:
		code = TMA_EIO;
		hint = " (the memory is read-only)";
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		code = TMA_EDB;
		hint = " (not a tmalign memory, or damaged)";
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		code = TMA_EIO;
		break;
	case SQLITE_NOMEM:
		code = TMA_ENOMEM;
		break;
	default:
		code = TMA_EDB;
		break;
	}
	return tma_fail(err, code, "%s: %s: %s%s", tm->path, what,
			tm->db ? sqlite3_errmsg(tm->db) : sqlite3_errstr(rc), hint);
}

/* Run sql; what says in a message what was being done. */
static int exec(tma_tm *tm, const char *sql, const char *what, tma_error *err)
{
	int rc = sqlite3_exec(tm->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? TMA_OK : db_fail(tm, err, rc, what);
}

/* A single integer from sql; *rcp gets 0 or the error, also put in err. */
static int64_t query_int(tma_tm *tm, const char *sql, int *rcp, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	tm->last_rc = rc;
	*rcp = rc == SQLITE_OK ? TMA_OK : db_fail(tm, err, rc, "cannot read");
	return v;
}

/*
 * Open path read-only as immutable: for a memory in a directory where
 * SQLite cannot make its shared-memory file. Returns an SQLite code.
 */
static int open_immutable(tma_tm *tm)
{
	char *uri = malloc(strlen(tm->path) * 3 + 32), *q;
	const char *p;
	int rc;

	if (!uri)
		return SQLITE_NOMEM;
	q = uri + sprintf(uri, "file:");
	for (p = tm->path; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%')
			q += sprintf(q, "%%%02X", (unsigned char)*p);
		else
			*q++ = *p;
	}
	strcpy(q, "?immutable=1");
	sqlite3_close(tm->db);
	tm->db = NULL;
	rc = sqlite3_open_v2(uri, &tm->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
			     SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	return rc;
}

/* The number of migrations in the embedded schema. */
static int schema_migrations(const char *schema)
{
	int n = 0;
	const char *p = schema;

	while ((p = strstr(p, "\n-- migration ")) != NULL) {
		n++;
		p++;
	}
	return n;
}

int tma_tm_schema_version(void)
{
	return schema_migrations(tma_embedded_get("schema.sql"));
}

/* Run migrations from+1 .. to of the schema, inside the caller's transaction. */
static int migrate(tma_tm *tm, int from, int to, tma_error *err)
{
	const char *schema = tma_embedded_get("schema.sql");
	int v, rc;

	for (v = from + 1; v <= to; v++) {
		char marker[32], *sql, pragma[64];
		const char *start, *end;

		snprintf(marker, sizeof(marker), "\n-- migration %d\n", v);
		start = strstr(schema, marker);
		if (!start)
			return tma_fail(err, TMA_ERROR, "schema.sql: migration %d missing", v);
		start += strlen(marker);
		end = strstr(start, "\n-- migration ");
		if (!end)
			end = start + strlen(start);
		sql = malloc((size_t)(end - start) + 1);
		if (!sql)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		memcpy(sql, start, (size_t)(end - start));
		sql[end - start] = '\0';
		rc = exec(tm, sql, "cannot create the schema", err);
		free(sql);
		if (rc)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
		if ((rc = exec(tm, pragma, "cannot set the schema version", err)))
			return rc;
	}
	return TMA_OK;
}

uint64_t tma_text_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	int space = 0, any = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = any;
			continue;
		}
		if (space) {
			h = (h ^ ' ') * 1099511628211ULL;
			space = 0;
		}
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
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

/* Make the directory that will hold path, when it has one. */
static int make_parent(const char *path, tma_error *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || slash == path)
		return TMA_OK;
	n = (size_t)(slash - path);
	if (n >= sizeof(dir))
		return tma_fail(err, TMA_EUSAGE, "%s: path too long", path);
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return tma_fail(err, TMA_EIO, "%s: cannot create the directory %s: %s",
				path, dir, strerror(errno));
	return TMA_OK;
}

int tma_tm_open(tma_tm **out, const char *path, unsigned flags, tma_error *err)
{
	tma_tm *tm = calloc(1, sizeof(*tm));
	int open_flags, rc, version, target = tma_tm_schema_version();
	int64_t objects;
	struct stat st;

	*out = NULL;
	if (!tm || !(tm->path = tma_strdup(path))) {
		free(tm);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	tm->readonly = (flags & TMA_TM_READONLY) != 0;
	if (stat(path, &st) != 0) {
		if (!(flags & TMA_TM_CREATE) || tm->readonly) {
			rc = tma_fail(err, TMA_ENOTFOUND, "%s: no memory there (align "
				      "something into it first, or give --tm)", path);
			goto fail;
		}
		if ((rc = make_parent(path, err)))
			goto fail;
	} else if (S_ISDIR(st.st_mode)) {
		rc = tma_fail(err, TMA_EIO, "%s: is a directory, not a memory", path);
		goto fail;
	}
	open_flags = tm->readonly ? SQLITE_OPEN_READONLY
				  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &tm->db, open_flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(tm, err, rc, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(tm->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(tm->db, 1);
	sqlite3_create_function(tm->db, "tmalign_key", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_key, NULL, NULL);
	/* Read before writing anything: what is this file? */
	version = (int)query_int(tm, "PRAGMA user_version", &rc, err);
	if (rc && tm->readonly && ((tm->last_rc & 0xFF) == SQLITE_READONLY ||
				   (tm->last_rc & 0xFF) == SQLITE_CANTOPEN)) {
		/* A read-only directory: SQLite cannot share; nobody writes. */
		if (open_immutable(tm) == SQLITE_OK)
			version = (int)query_int(tm, "PRAGMA user_version", &rc, err);
	}
	if (rc) {
		db_fail(tm, err, tm->last_rc, "cannot open");
		goto fail;
	}
	if (version > target) {
		rc = tma_fail(err, TMA_EVERSION,
			      "%s: written by a newer tmalign (memory schema %d, this "
			      "one knows up to %d); left as it is", path, version, target);
		goto fail;
	}
	objects = query_int(tm, "SELECT count(*) FROM sqlite_master", &rc, err);
	if (rc)
		goto fail;
	if (version == 0 && objects > 0) {
		rc = tma_fail(err, TMA_EDB, "%s: an SQLite database, but not a tmalign "
			      "memory; left as it is", path);
		goto fail;
	}
	if ((rc = exec(tm, "PRAGMA foreign_keys = ON", "cannot set up", err)))
		goto fail;
	if (version == 0 && tm->readonly) {
		rc = tma_fail(err, TMA_EVERSION, "%s: empty, not a memory yet (align or "
			      "import something into it first)", path);
		goto fail;
	} else if (version < target && tm->readonly) {
		/* An older memory is upgraded first (a connection of its own). */
		tma_tm *w;
		tma_error why = { 0, "" };
		if ((rc = tma_tm_open(&w, path, 0, &why))) {
			tma_fail(err, rc, "memory schema %d needs an upgrade to %d, which "
				 "failed: %s", version, target, why.message);
			goto fail;
		}
		tma_tm_close(w);
	} else if (version < target) {
		if ((rc = exec(tm, "PRAGMA journal_mode = WAL", "cannot set up", err)) ||
		    (rc = exec(tm, "BEGIN IMMEDIATE", "cannot lock", err)))
			goto fail;
		/* Another process may have migrated it meanwhile. */
		version = (int)query_int(tm, "PRAGMA user_version", &rc, err);
		if (!rc)
			rc = migrate(tm, version < target ? version : target, target, err);
		if (!rc)
			rc = exec(tm, "COMMIT", "cannot commit", err);
		if (rc) {
			sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	/*
	 * The text key and unit hash indexes take their entries at random
	 * places: a page cache that holds them saves a read and a write per
	 * sentence stored. Readers keep SQLite's small default (lookup sets
	 * its own): an export streams in little memory.
	 */
	if (!tm->readonly &&
	    ((rc = exec(tm, "PRAGMA cache_size = -65536", "cannot set up", err)) ||
	     (rc = exec(tm, "PRAGMA synchronous = NORMAL", "cannot set up", err))))
		goto fail;
	*out = tm;
	return TMA_OK;
fail:
	tma_tm_close(tm);
	return rc;
}

void tma_tm_close(tma_tm *tm)
{
	if (!tm)
		return;
	tma_tm_rollback(tm);
	if (tm->ins) {
		inserter_free(tm->ins);
		free(tm->ins);
	}
	sqlite3_close(tm->db);
	free(tm->path);
	free(tm);
}

/* ------------------------------------------------------------------ */
/* Storing                                                             */

/*
 * Add to the unit hash h the side of language lang holding sentences
 * sent[0..n) as one text joined by spaces: a unit hashes the same whether
 * it was aligned (several sentences) or imported (one segment).
 */
static uint64_t side_hash(uint64_t h, const char *lang, const char *const *sent,
			  int n)
{
	uint64_t s = 1469598103934665603ULL;
	int k;
	size_t i, len;

	if (n == 0)
		return h;
	for (k = 0; k < n; k++) {
		if (k) {
			s ^= ' ';
			s *= 1099511628211ULL;
		}
		for (i = 0, len = strlen(sent[k]); i < len; i++) {
			s ^= (unsigned char)sent[k][i];
			s *= 1099511628211ULL;
		}
	}
	h ^= tma_hash(lang, strlen(lang));
	h *= 1099511628211ULL;
	h ^= s;
	return h * 1099511628211ULL;
}

#define UNIT_HASH_SEED 1469598103934665603ULL

/* A unit's hash: its languages and texts, to find duplicates. */
static int64_t unit_hash(const tma_unit *u, const tma_alignment *al,
			 tma_doc *const *docs)
{
	uint64_t h = UNIT_HASH_SEED;
	const char *sent[64];
	int l, k;

	for (l = 0; l < al->nlang; l++) {
		int n = u->count[l] < 64 ? u->count[l] : 64;
		for (k = 0; k < n; k++)
			sent[k] = docs[l]->sent[u->start[l] + (size_t)k].text;
		h = side_hash(h, al->lang[l], sent, n);
	}
	return (int64_t)h;
}

/*
 * One document's change: a transaction of its own, or part of the caller's
 * group (tma_tm_begin). No savepoint per document inside a group: FTS5
 * writes its pending index at every savepoint, which makes storing several
 * times slower; a failure inside a group drops the whole group instead.
 */
/* A sentence was stored: it waits for the full-text index. */
static void fts_note(tma_tm *tm)
{
	if (!tm->fts_from)
		tm->fts_from = sqlite3_last_insert_rowid(tm->db);
}

/*
 * Index the sentences stored since the last time, in one statement (see
 * tm/schema.sql, migration 5). Done before a commit and before removing a
 * document (whose sentences must be in the index to leave it).
 */
static int fts_flush(tma_tm *tm, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!tm->fts_from)
		return TMA_OK;
	rc = sqlite3_prepare_v2(tm->db, "INSERT INTO sentence_fts (rowid, text) "
				"SELECT id, text FROM sentence WHERE id >= ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, tm->fts_from);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(tm, err, rc, "cannot index");
	tm->fts_from = 0;
	return TMA_OK;
}

static int tx_begin(tma_tm *tm, tma_error *err)
{
	return tm->in_group ? TMA_OK : exec(tm, "BEGIN IMMEDIATE", "cannot lock", err);
}

static int tx_commit(tma_tm *tm, tma_error *err)
{
	int rc;

	if (tm->in_group)
		return TMA_OK;
	if ((rc = fts_flush(tm, err)))
		return rc;
	return exec(tm, "COMMIT", "cannot commit", err);
}

static void tx_rollback(tma_tm *tm)
{
	sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
	tm->in_group = 0;
	tm->fts_from = 0;
}

/* The name of a document holding the same versions as src, or "" . */
static int same_content(tma_tm *tm, const tma_alignment *al, const tma_source *src,
			char *name, size_t n, tma_error *err)
{
	static const char sql[] =
		"SELECT d.name FROM version v0 JOIN document d ON d.id = v0.doc "
		"WHERE v0.hash = ?4 AND v0.lang = ?5 AND d.langs = ?1 AND "
		"(SELECT count(*) FROM version v WHERE v.doc = d.id) = ?2 AND "
		"NOT EXISTS (SELECT 1 FROM version v WHERE v.doc = d.id AND "
		"v.hash <> (SELECT value FROM json_each(?3) WHERE key = v.lang))";
	sqlite3_stmt *st = NULL;
	char langs[TMA_MAX_LANGS * TMA_LANG_MAX + 4] = "", hashes[512], first[24];
	size_t used = 0;
	int l, rc;

	name[0] = '\0';
	hashes[used++] = '{';
	for (l = 0; l < al->nlang; l++) {
		if (l)
			strcat(langs, ",");
		strcat(langs, al->lang[l]);
		used += (size_t)snprintf(hashes + used, sizeof(hashes) - used,
					 "%s\"%s\":\"%016llx\"", l ? "," : "", al->lang[l],
					 (unsigned long long)src[l].hash);
	}
	snprintf(hashes + used, sizeof(hashes) - used, "}");
	rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, langs, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, al->nlang);
		sqlite3_bind_text(st, 3, hashes, -1, SQLITE_STATIC);
		snprintf(first, sizeof(first), "%016llx", (unsigned long long)src[0].hash);
		sqlite3_bind_text(st, 4, first, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, al->lang[0], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			snprintf(name, n, "%s", (const char *)sqlite3_column_text(st, 0));
			rc = SQLITE_DONE;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot look for duplicates");
}

struct inserter {
	sqlite3_stmt *doc, *version, *unit, *sentence, *have, *del;
};

static void inserter_free(inserter *ins)
{
	sqlite3_finalize(ins->doc);
	sqlite3_finalize(ins->version);
	sqlite3_finalize(ins->unit);
	sqlite3_finalize(ins->sentence);
	sqlite3_finalize(ins->have);
	sqlite3_finalize(ins->del);
}

static int inserter_prepare(tma_tm *tm, inserter *ins, tma_error *err)
{
	int rc;

	memset(ins, 0, sizeof(*ins));
	if ((rc = sqlite3_prepare_v2(tm->db,
		"INSERT INTO document (name, langs, origin, created) VALUES "
		"(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &ins->doc, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"INSERT INTO version (doc, lang, source, hash, sentences) "
		"VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ins->version, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"INSERT INTO unit (doc, ord, score, bead, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
		-1, &ins->unit, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"INSERT INTO sentence (unit, doc, lang, para, pos, start, end, text, key) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &ins->sentence, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"SELECT 1 FROM document WHERE name = ?1", -1, &ins->have, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"DELETE FROM document WHERE name = ?1", -1, &ins->del, NULL)))
		return db_fail(tm, err, rc, "cannot prepare");
	return TMA_OK;
}

/* Step a prepared insert once and reset it; SQLITE_DONE becomes OK. */
static int step(tma_tm *tm, sqlite3_stmt *st, tma_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot write");
}

/*
 * Remove the document called name, if there is one, before it is stored
 * anew; *gone tells whether there was. The sentences waiting for the index
 * go in first (see fts_flush), only then: indexing once per document
 * instead of once per transaction would cost as much as the rest of storing.
 */
static int replace_doc(tma_tm *tm, inserter *ins, const char *name, int *gone,
		       tma_error *err)
{
	int rc;

	*gone = 0;
	sqlite3_bind_text(ins->have, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(ins->have);
	sqlite3_reset(ins->have);
	if (rc == SQLITE_DONE)
		return TMA_OK;
	if (rc != SQLITE_ROW)
		return db_fail(tm, err, rc, "cannot read");
	sqlite3_bind_text(ins->del, 1, name, -1, SQLITE_TRANSIENT);
	if ((rc = fts_flush(tm, err)) || (rc = step(tm, ins->del, err)))
		return rc;
	*gone = 1;
	return TMA_OK;
}

static int store_units(tma_tm *tm, inserter *ins, sqlite3_int64 doc,
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
		if ((rc = step(tm, ins->unit, err)))
			return rc;
		uid = sqlite3_last_insert_rowid(tm->db);
		for (l = 0; l < al->nlang; l++)
			for (k = 0; k < u->count[l]; k++) {
				size_t pos = u->start[l] + (size_t)k;
				const tma_sentence *s = &docs[l]->sent[pos];
				sqlite3_bind_int64(ins->sentence, 1, uid);
				sqlite3_bind_int64(ins->sentence, 2, doc);
				sqlite3_bind_text(ins->sentence, 3, al->lang[l], -1, SQLITE_STATIC);
				sqlite3_bind_int(ins->sentence, 4, s->para);
				sqlite3_bind_int64(ins->sentence, 5, (sqlite3_int64)pos);
				sqlite3_bind_int64(ins->sentence, 6, (sqlite3_int64)s->start);
				sqlite3_bind_int64(ins->sentence, 7, (sqlite3_int64)s->end);
				sqlite3_bind_text(ins->sentence, 8, s->text, (int)s->len,
						  SQLITE_STATIC);
				sqlite3_bind_int64(ins->sentence, 9,
						   (sqlite3_int64)tma_text_key(s->text));
				if ((rc = step(tm, ins->sentence, err)))
					return rc;
				fts_note(tm);
			}
	}
	return TMA_OK;
}

int tma_tm_store(tma_tm *tm, const char *name, tma_doc *const *docs,
		 const tma_source *src, const tma_alignment *al,
		 tma_store_result *res, tma_error *err)
{
	inserter *ins;
	char langs[TMA_MAX_LANGS * TMA_LANG_MAX + 4] = "";
	sqlite3_int64 doc;
	int rc, l;

	memset(res, 0, sizeof(*res));
	if (!name || !*name)
		return tma_fail(err, TMA_EUSAGE, "a document needs a name");
	/* Prepared once per memory: a statement with triggers is slow to make. */
	if (!tm->ins) {
		tm->ins = calloc(1, sizeof(inserter));
		if (!tm->ins)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		if ((rc = inserter_prepare(tm, tm->ins, err))) {
			free(tm->ins);
			tm->ins = NULL;
			return rc;
		}
	}
	ins = tm->ins;
	if ((rc = tx_begin(tm, err)))
		goto done;
	if ((rc = same_content(tm, al, src, res->same_as, sizeof(res->same_as), err)))
		goto rollback;
	if (res->same_as[0] && strcmp(res->same_as, name) != 0) {
		/* Nothing written: the group, if any, goes on. */
		if (!tm->in_group)
			tx_rollback(tm);
		goto done;
	}
	res->same_as[0] = '\0';
	if ((rc = replace_doc(tm, ins, name, &res->replaced, err)))
		goto rollback;
	for (l = 0; l < al->nlang; l++) {
		if (l)
			strcat(langs, ",");
		strcat(langs, al->lang[l]);
	}
	sqlite3_bind_text(ins->doc, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins->doc, 2, langs, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins->doc, 3, "align", -1, SQLITE_STATIC);
	if ((rc = step(tm, ins->doc, err)))
		goto rollback;
	doc = sqlite3_last_insert_rowid(tm->db);
	for (l = 0; l < al->nlang; l++) {
		char hash[24];
		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)src[l].hash);
		sqlite3_bind_int64(ins->version, 1, doc);
		sqlite3_bind_text(ins->version, 2, al->lang[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins->version, 3, src[l].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins->version, 4, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins->version, 5, (sqlite3_int64)docs[l]->n);
		if ((rc = step(tm, ins->version, err)))
			goto rollback;
	}
	if ((rc = store_units(tm, ins, doc, docs, al, err)) ||
	    (rc = tx_commit(tm, err)))
		goto rollback;
	res->units = al->n;
	goto done;
rollback:
	tx_rollback(tm);
done:
	return rc;
}

int tma_tm_begin(tma_tm *tm, tma_error *err)
{
	int rc;

	if (tm->in_group)
		return tma_fail(err, TMA_ERROR, "%s: a transaction is already open", tm->path);
	if ((rc = exec(tm, "BEGIN IMMEDIATE", "cannot lock", err)))
		return rc;
	tm->in_group = 1;
	return TMA_OK;
}

int tma_tm_commit(tma_tm *tm, tma_error *err)
{
	int rc;

	if (!tm->in_group)
		return TMA_OK;
	rc = fts_flush(tm, err);
	if (!rc)
		rc = exec(tm, "COMMIT", "cannot commit", err);
	if (rc)
		sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
	tm->in_group = 0;
	tm->fts_from = 0;
	return rc;
}

void tma_tm_rollback(tma_tm *tm)
{
	if (tm && tm->in_group) {
		sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
		tm->in_group = 0;
		tm->fts_from = 0;
	}
}

int tma_tm_remove(tma_tm *tm, const char *name, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(tm->db, "DELETE FROM document WHERE name = ?1",
				    -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(tm, err, rc, "cannot prepare");
	if ((rc = fts_flush(tm, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(tm, err, rc, "cannot remove");
	if (sqlite3_changes(tm->db) == 0)
		return tma_fail(err, TMA_ENOTFOUND, "%s: no document '%s'", tm->path, name);
	return TMA_OK;
}

int tma_tm_list(tma_tm *tm, int (*cb)(const tma_doc_info *, void *), void *ctx,
		tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(tm->db,
		"SELECT d.name, d.langs, d.origin, d.created, "
		"(SELECT count(*) FROM unit u WHERE u.doc = d.id) "
		"FROM document d ORDER BY d.name", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(tm, err, rc, "cannot list");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tma_doc_info info;
		int stop;
		info.name = (const char *)sqlite3_column_text(st, 0);
		info.langs = (const char *)sqlite3_column_text(st, 1);
		info.origin = (const char *)sqlite3_column_text(st, 2);
		info.created = (const char *)sqlite3_column_text(st, 3);
		info.units = (size_t)sqlite3_column_int64(st, 4);
		if ((stop = cb(&info, ctx)) != 0) {
			sqlite3_finalize(st);
			return stop;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot list");
}

/* Add n units holding the languages given by langs and bead to the pairs. */
static void count_pairs(tma_stats *s, const char *langs, const char *bead,
			size_t n)
{
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	int have[TMA_MAX_LANGS], nl = 0, x, y, k;
	const char *p = langs, *b = bead;

	while (*p && nl < TMA_MAX_LANGS) {
		size_t len = strcspn(p, ",");
		if (len >= TMA_LANG_MAX)
			len = TMA_LANG_MAX - 1;
		memcpy(lang[nl], p, len);
		lang[nl][len] = '\0';
		len = strcspn(p, ",");
		have[nl] = atoi(b) > 0;
		b += strcspn(b, "-");
		if (*b == '-')
			b++;
		nl++;
		p += len;
		if (*p == ',')
			p++;
	}
	for (x = 0; x < nl; x++)
		for (y = 0; y < nl; y++) {
			const char *a = lang[x], *c = lang[y];
			if (!have[x] || !have[y] || strcmp(a, c) >= 0)
				continue;
			for (k = 0; k < s->npairs; k++)
				if (strcmp(s->pairs[k].a, a) == 0 && strcmp(s->pairs[k].b, c) == 0)
					break;
			if (k == s->npairs) {
				if (s->npairs == (int)(sizeof(s->pairs) / sizeof(s->pairs[0])))
					continue;
				memcpy(s->pairs[k].a, a, TMA_LANG_MAX);
				memcpy(s->pairs[k].b, c, TMA_LANG_MAX);
				s->pairs[k].units = 0;
				s->npairs++;
			}
			s->pairs[k].units += n;
		}
}

int tma_tm_stats(tma_tm *tm, tma_stats *out, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->documents = (size_t)query_int(tm, "SELECT count(*) FROM document", &rc, err);
	if (!rc)
		out->units = (size_t)query_int(tm, "SELECT count(*) FROM unit", &rc, err);
	if (!rc)
		out->sentences = (size_t)query_int(tm, "SELECT count(*) FROM sentence", &rc,
						   err);
	if (rc)
		return rc;
	rc = sqlite3_prepare_v2(tm->db,
		"SELECT d.langs, u.bead, count(*) FROM unit u JOIN document d "
		"ON u.doc = d.id GROUP BY d.langs, u.bead", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		count_pairs(out, (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_int64(st, 2));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(tm, err, rc, "cannot count");
	rc = sqlite3_prepare_v2(tm->db,
		"SELECT min(CAST(score * 10 AS INTEGER), 9), count(*) FROM unit "
		"GROUP BY 1", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int bin = sqlite3_column_int(st, 0);
		if (bin >= 0 && bin < 10)
			out->histogram[bin] = (size_t)sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot count");
}

/* Hash every value of every row of table t, rows in the order of all columns. */
static int digest_table(tma_tm *tm, const char *t, uint64_t *h, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	char *sql, order[256] = "";
	int rc, ncol, c;

	sql = sqlite3_mprintf("SELECT * FROM \"%w\" LIMIT 0", t);
	rc = sql ? sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return db_fail(tm, err, rc, "cannot read");
	ncol = sqlite3_column_count(st);
	sqlite3_finalize(st);
	for (c = 1; c <= ncol && c < 40; c++)
		snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s%d",
			 c > 1 ? "," : "", c);
	sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY %s", t, order);
	rc = sql ? sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; c < ncol; c++) {
			const void *v = sqlite3_column_blob(st, c);
			int n = sqlite3_column_bytes(st, c);
			uint64_t x = tma_hash(v ? v : "", (size_t)n) ^
				     (uint64_t)sqlite3_column_type(st, c);
			*h = (*h ^ x) * 1099511628211ULL;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot read");
}

int tma_tm_check(tma_tm *tm, uint64_t *digest, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, bad = 0;

	*digest = 1469598103934665603ULL;
	rc = sqlite3_prepare_v2(tm->db, "PRAGMA integrity_check", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") != 0 && !bad++)
			tma_fail(err, TMA_EDB, "%s: damaged: %s", tm->path, r);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(tm, err, rc, "cannot check");
	if (bad)
		return TMA_EDB;
	rc = sqlite3_prepare_v2(tm->db, "PRAGMA foreign_key_check", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_finalize(st);
		return tma_fail(err, TMA_EDB, "%s: damaged: a row of %s refers to nothing",
				tm->path, "the memory");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(tm, err, rc, "cannot check");
	/* The full-text index must agree with the sentences. */
	if (query_int(tm, "SELECT count(*) FROM sqlite_master WHERE name = 'sentence_fts'",
		      &rc, err) > 0) {
		rc = sqlite3_exec(tm->db, "INSERT INTO sentence_fts (sentence_fts) "
				  "VALUES ('integrity-check')", NULL, NULL, NULL);
		/* FTS5 asks for it as a write: a read-only memory skips it. */
		if (rc != SQLITE_OK && (rc & 0xFF) != SQLITE_READONLY)
			return tma_fail(err, TMA_EDB, "%s: damaged: the full-text index does "
					"not match the sentences", tm->path);
	} else if (rc) {
		return rc;
	}
	/* The memory's own tables; an index is made of them, its layout not. */
	rc = sqlite3_prepare_v2(tm->db, "SELECT name FROM sqlite_master WHERE type = "
				"'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
				"'sentence\\_fts%' ESCAPE '\\' AND sql NOT LIKE 'CREATE "
				"VIRTUAL%' ORDER BY name", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char t[128];
		int r;
		snprintf(t, sizeof(t), "%s", (const char *)sqlite3_column_text(st, 0));
		*digest = (*digest ^ tma_hash(t, strlen(t))) * 1099511628211ULL;
		if ((r = digest_table(tm, t, digest, err))) {
			sqlite3_finalize(st);
			return r;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot check");
}

const char *tma_tm_path(const tma_tm *tm)
{
	return tm->path;
}

sqlite3 *tma_tm_db(const tma_tm *tm)
{
	return tm->db;
}

/* ------------------------------------------------------------------ */
/* Walking the memory                                                  */

/* Text of one unit, kept while the walk is at it. */
typedef struct walk_buf {
	char *text;
	size_t used, cap;
	size_t *off;          /* per sentence: offset of its text */
	int *side;            /* per sentence: which side */
	size_t nsent, scap;
} walk_buf;

static int buf_add(walk_buf *b, const char *s, size_t n, int side)
{
	size_t c2 = b->scap;

	if (tma_grow(&b->text, &b->cap, b->used + n + 1, 1) ||
	    tma_grow(&b->off, &b->scap, b->nsent + 1, sizeof(size_t)) ||
	    tma_grow(&b->side, &c2, b->nsent + 1, sizeof(int)))
		return TMA_ENOMEM;
	memcpy(b->text + b->used, s, n);
	b->text[b->used + n] = '\0';
	b->off[b->nsent] = b->used;
	b->side[b->nsent++] = side;
	b->used += n + 1;
	return TMA_OK;
}

/* Split "en,uk,ru" into the sides of v. */
static void view_sides(tma_unit_view *v, const char *langs)
{
	const char *p = langs;

	v->nside = 0;
	while (*p && v->nside < TMA_VIEW_LANGS) {
		size_t len = strcspn(p, ",");
		tma_side *sd = &v->side[v->nside++];
		if (len >= TMA_LANG_MAX)
			len = TMA_LANG_MAX - 1;
		memcpy(sd->lang, p, len);
		sd->lang[len] = '\0';
		sd->n = 0;
		sd->pos = 0;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
}

int tma_tm_walk(tma_tm *tm, const tma_export_opts *opts,
		int (*cb)(const tma_unit_view *, void *), void *ctx, tma_error *err)
{
	sqlite3_stmt *units = NULL, *sents = NULL, *props = NULL, *vers = NULL;
	walk_buf b = { NULL, 0, 0, NULL, NULL, 0, 0 };
	walk_buf pb = { NULL, 0, 0, NULL, NULL, 0, 0 };
	walk_buf vb = { NULL, 0, 0, NULL, NULL, 0, 0 };   /* the document's versions */
	sqlite3_int64 doc = -1;
	const char **ptrs = NULL;
	size_t pcap = 0;
	char *joined = NULL;
	size_t jcap = 0;
	int rc, have_props;

	have_props = (int)query_int(tm, "SELECT EXISTS (SELECT 1 FROM unit_prop)", &rc,
				    err);
	if (rc)
		return rc;
	rc = sqlite3_prepare_v2(tm->db,
		"SELECT u.id, d.name, d.langs, u.ord, u.score, u.bead, d.id FROM unit u "
		"JOIN document d ON d.id = u.doc WHERE (?1 IS NULL OR d.name = ?1) "
		"AND u.score >= ?2 ORDER BY u.doc, u.ord", -1, &units, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(tm->db,
			"SELECT lang, pos, text FROM sentence WHERE unit = ?1 "
			"ORDER BY lang, pos", -1, &sents, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(tm->db,
			"SELECT type, value FROM unit_prop WHERE unit = ?1 ORDER BY rowid",
			-1, &props, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(tm->db,
			"SELECT lang, source, hash FROM version WHERE doc = ?1 ORDER BY lang",
			-1, &vers, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(tm, err, rc, "cannot read");
		goto done;
	}
	if (opts && opts->doc)
		sqlite3_bind_text(units, 1, opts->doc, -1, SQLITE_STATIC);
	sqlite3_bind_double(units, 2, opts ? opts->min_score : 0.0);
	while ((rc = sqlite3_step(units)) == SQLITE_ROW) {
		tma_unit_view v;
		sqlite3_int64 id = sqlite3_column_int64(units, 0);
		size_t k, need = 0;
		int l, r;

		memset(&v, 0, sizeof(v));
		view_sides(&v, (const char *)sqlite3_column_text(units, 2));
		/* A new document: its versions, read once. */
		if (sqlite3_column_int64(units, 6) != doc) {
			doc = sqlite3_column_int64(units, 6);
			vb.used = vb.nsent = 0;
			sqlite3_bind_int64(vers, 1, doc);
			while ((rc = sqlite3_step(vers)) == SQLITE_ROW && vb.nsent < 3 * TMA_VIEW_LANGS)
				for (l = 0; l < 3 && rc == SQLITE_ROW; l++)
					if (buf_add(&vb, (const char *)sqlite3_column_text(vers, l),
						    (size_t)sqlite3_column_bytes(vers, l), l))
						rc = TMA_ENOMEM;
			sqlite3_reset(vers);
			if (rc == TMA_ENOMEM) {
				rc = tma_fail(err, rc, "out of memory");
				goto done;
			}
			if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
				rc = db_fail(tm, err, rc, "cannot read");
				goto done;
			}
		}
		v.doc_id = doc;
		for (k = 0; k + 2 < vb.nsent; k += 3, v.nsource++) {
			v.source[v.nsource].lang = vb.text + vb.off[k];
			v.source[v.nsource].file = vb.text + vb.off[k + 1];
			v.source[v.nsource].hash = vb.text + vb.off[k + 2];
		}
		b.used = b.nsent = 0;
		sqlite3_bind_int64(sents, 1, id);
		while ((rc = sqlite3_step(sents)) == SQLITE_ROW) {
			const char *lang = (const char *)sqlite3_column_text(sents, 0);
			for (l = 0; l < v.nside && strcmp(v.side[l].lang, lang) != 0; l++)
				;
			if (l == v.nside)
				continue;
			if (v.side[l].n++ == 0)
				v.side[l].pos = sqlite3_column_int64(sents, 1);
			if (buf_add(&b, (const char *)sqlite3_column_text(sents, 2),
				    (size_t)sqlite3_column_bytes(sents, 2), l)) {
				rc = TMA_ENOMEM;
				break;
			}
		}
		sqlite3_reset(sents);
		if (rc == TMA_ENOMEM ||
		    tma_grow(&ptrs, &pcap, b.nsent + 1, sizeof(char *)) ||
		    tma_grow(&joined, &jcap, b.used + (size_t)v.nside + 1, 1)) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			goto done;
		}
		if (rc != SQLITE_DONE) {
			rc = db_fail(tm, err, rc, "cannot read");
			goto done;
		}
		/* Sentences side by side, then each side's joined text. */
		for (l = 0; l < v.nside; l++) {
			char *j = joined + need;
			v.side[l].text = j;
			*j = '\0';
			for (k = 0; k < b.nsent; k++) {
				if (b.side[k] != l)
					continue;
				if (j != joined + need)
					*j++ = ' ';
				strcpy(j, b.text + b.off[k]);
				j += strlen(j);
			}
			need = (size_t)(j - joined) + 1;
		}
		for (l = 0, k = 0; l < v.nside; l++) {
			size_t m, first = k;
			for (m = 0; m < b.nsent; m++)
				if (b.side[m] == l)
					ptrs[k++] = b.text + b.off[m];
			v.side[l].sent = ptrs + first;
		}
		if (have_props) {
			size_t poff[TMA_VIEW_PROPS][2];
			int q;
			pb.used = pb.nsent = 0;
			sqlite3_bind_int64(props, 1, id);
			while ((rc = sqlite3_step(props)) == SQLITE_ROW &&
			       v.nprop < TMA_VIEW_PROPS) {
				poff[v.nprop][0] = pb.used;
				if (buf_add(&pb, (const char *)sqlite3_column_text(props, 0),
					    (size_t)sqlite3_column_bytes(props, 0), 0)) {
					rc = TMA_ENOMEM;
					break;
				}
				poff[v.nprop][1] = pb.used;
				if (buf_add(&pb, (const char *)sqlite3_column_text(props, 1),
					    (size_t)sqlite3_column_bytes(props, 1), 0)) {
					rc = TMA_ENOMEM;
					break;
				}
				v.nprop++;
			}
			sqlite3_reset(props);
			if (rc == TMA_ENOMEM) {
				rc = tma_fail(err, rc, "out of memory");
				goto done;
			}
			for (q = 0; q < v.nprop; q++) {
				v.prop[q].type = pb.text + poff[q][0];
				v.prop[q].value = pb.text + poff[q][1];
			}
		}
		v.doc = (const char *)sqlite3_column_text(units, 1);
		v.ord = sqlite3_column_int64(units, 3);
		v.score = sqlite3_column_double(units, 4);
		v.bead = (const char *)sqlite3_column_text(units, 5);
		r = cb(&v, ctx);
		if (r) {
			rc = r;
			goto done;
		}
	}
	rc = rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot read");
done:
	sqlite3_finalize(units);
	sqlite3_finalize(sents);
	sqlite3_finalize(props);
	sqlite3_finalize(vers);
	free(b.text);
	free(b.off);
	free(b.side);
	free(pb.text);
	free(pb.off);
	free(pb.side);
	free(vb.text);
	free(vb.off);
	free(vb.side);
	free(ptrs);
	free(joined);
	return rc;
}

int tma_tm_langs(tma_tm *tm, const char *doc, char *out, size_t n, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(tm->db,
		"SELECT langs FROM document WHERE ?1 IS NULL OR name = ?1 ORDER BY id",
		-1, &st, NULL);

	out[0] = '\0';
	if (rc != SQLITE_OK)
		return db_fail(tm, err, rc, "cannot read");
	if (doc)
		sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		while (*p) {
			size_t len = strcspn(p, ","), ol = strlen(out);
			char lang[TMA_LANG_MAX + 2];
			snprintf(lang, sizeof(lang), ",%.*s,", (int)(len < TMA_LANG_MAX ? len : 0), p);
			/* Add it when new: search ",lang," in ",out,". */
			{
				char *hay = malloc(ol + 3);
				int seen;
				if (!hay) {
					sqlite3_finalize(st);
					return tma_fail(err, TMA_ENOMEM, "out of memory");
				}
				sprintf(hay, ",%s,", out);
				seen = strstr(hay, lang) != NULL;
				free(hay);
				if (!seen && ol + len + 2 < n)
					snprintf(out + ol, n - ol, "%s%.*s", ol ? "," : "", (int)len, p);
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot read");
}

/* ------------------------------------------------------------------ */
/* Importing                                                           */

struct tma_importer {
	tma_tm *tm;
	char *source;
	int dedupe;
	inserter ins;
	sqlite3_stmt *prop, *dup, *drop;
	sqlite3_int64 doc;         /* the current document, 0 when none */
	int nlang;
	char lang[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int64_t pos[TMA_VIEW_LANGS];
	uint64_t vhash[TMA_VIEW_LANGS];
	char *vsource[TMA_VIEW_LANGS]; /* the file a version came from, when told */
	char vgiven[TMA_VIEW_LANGS][17]; /* and its content hash, when told */
	int64_t ord;
	tma_import_result res;
	tma_strmap seen;           /* the documents of this import */
};

/* Forget the sources told for the current document. */
static void forget_sources(tma_importer *im)
{
	int l;

	for (l = 0; l < TMA_VIEW_LANGS; l++) {
		free(im->vsource[l]);
		im->vsource[l] = NULL;
		im->vgiven[l][0] = '\0';
	}
}

static void importer_free(tma_importer *im)
{
	forget_sources(im);
	tma_strmap_free(&im->seen);
	inserter_free(&im->ins);
	sqlite3_finalize(im->prop);
	sqlite3_finalize(im->dup);
	sqlite3_finalize(im->drop);
	free(im->source);
	free(im);
}

int tma_importer_begin(tma_importer **out, tma_tm *tm, const char *source,
		       int dedupe, tma_error *err)
{
	tma_importer *im = calloc(1, sizeof(*im));
	int rc;

	*out = NULL;
	if (!im || !(im->source = tma_strdup(source))) {
		free(im);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	im->tm = tm;
	im->dedupe = dedupe;
	if ((rc = inserter_prepare(tm, &im->ins, err)))
		goto fail;
	if ((rc = sqlite3_prepare_v2(tm->db,
		"INSERT INTO unit_prop (unit, type, value) VALUES (?1, ?2, ?3)", -1,
		&im->prop, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"SELECT 1 FROM unit WHERE hash = ?1 LIMIT 1", -1, &im->dup, NULL)) ||
	    (rc = sqlite3_prepare_v2(tm->db,
		"DELETE FROM document WHERE id = ?1", -1, &im->drop, NULL))) {
		rc = db_fail(tm, err, rc, "cannot prepare");
		goto fail;
	}
	if ((rc = exec(tm, "BEGIN IMMEDIATE", "cannot lock", err)))
		goto fail;
	*out = im;
	return TMA_OK;
fail:
	importer_free(im);
	return rc;
}

/* Close the current document: its versions, or nothing when it is empty. */
static int finish_doc(tma_importer *im, tma_error *err)
{
	int l, rc;

	if (!im->doc)
		return TMA_OK;
	if (im->ord == 0) {
		sqlite3_bind_int64(im->drop, 1, im->doc);
		rc = step(im->tm, im->drop, err);
		im->doc = 0;
		return rc;
	}
	for (l = 0; l < im->nlang; l++) {
		char hash[24];
		if (im->vgiven[l][0])
			snprintf(hash, sizeof(hash), "%s", im->vgiven[l]);
		else
			snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)im->vhash[l]);
		sqlite3_bind_int64(im->ins.version, 1, im->doc);
		sqlite3_bind_text(im->ins.version, 2, im->lang[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(im->ins.version, 3, im->vsource[l] ? im->vsource[l] : im->source,
				  -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->ins.version, 4, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(im->ins.version, 5, im->pos[l]);
		if ((rc = step(im->tm, im->ins.version, err)))
			return rc;
	}
	im->res.documents++;
	im->doc = 0;
	forget_sources(im);
	return TMA_OK;
}

int tma_importer_source(tma_importer *im, const char *lang, const char *file,
			const char *hash, tma_error *err)
{
	int l;
	size_t k;

	for (l = 0; l < im->nlang && strcmp(im->lang[l], lang) != 0; l++)
		;
	if (!im->doc || l == im->nlang)
		return tma_fail(err, TMA_EINPUT, "\"source\" names %s, which is not one of "
				"the document's languages", lang);
	if (!file[0])
		return tma_fail(err, TMA_EINPUT, "the source file in %s is empty", lang);
	for (k = 0; hash && hash[k] && strchr("0123456789abcdef", hash[k]); k++)
		;
	if (hash && (k != 16 || hash[k]))
		return tma_fail(err, TMA_EINPUT, "the source hash in %s is not 16 hex digits",
				lang);
	free(im->vsource[l]);
	if (!(im->vsource[l] = tma_strdup(file)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	snprintf(im->vgiven[l], sizeof(im->vgiven[l]), "%s", hash ? hash : "");
	return TMA_OK;
}

int tma_importer_doc(tma_importer *im, const char *name, const char *const *langs,
		     int nlang, tma_error *err)
{
	char joined[TMA_VIEW_LANGS * (TMA_LANG_MAX + 1)] = "";
	int l, rc, gone, added;
	uint32_t id;

	if ((rc = finish_doc(im, err)))
		return rc;
	forget_sources(im);
	/* Its units would replace those stored a moment ago. */
	if (tma_strmap_intern(&im->seen, name, strlen(name), &id, &added))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (!added)
		return tma_fail(err, TMA_EINPUT, "document '%s' again, after another one: "
				"the units of a document must come together", name);
	if (nlang < 1 || nlang > TMA_VIEW_LANGS)
		return tma_fail(err, TMA_EINPUT, "%s: %d languages in one document",
				im->source, nlang);
	im->nlang = nlang;
	for (l = 0; l < nlang; l++) {
		snprintf(im->lang[l], TMA_LANG_MAX, "%s", langs[l]);
		im->pos[l] = 0;
		im->vhash[l] = 1469598103934665603ULL;
		if (l)
			strcat(joined, ",");
		strcat(joined, im->lang[l]);
	}
	im->ord = 0;
	if ((rc = replace_doc(im->tm, &im->ins, name, &gone, err)))
		return rc;
	sqlite3_bind_text(im->ins.doc, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->ins.doc, 2, joined, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->ins.doc, 3, "import", -1, SQLITE_STATIC);
	if ((rc = step(im->tm, im->ins.doc, err)))
		return rc;
	im->doc = sqlite3_last_insert_rowid(im->tm->db);
	return TMA_OK;
}

int tma_importer_unit(tma_importer *im, const tma_import_unit *u, tma_error *err)
{
	int counts[TMA_VIEW_LANGS] = { 0 }, map[TMA_VIEW_LANGS], l, k, rc, nonempty = 0;
	uint64_t h = UNIT_HASH_SEED;
	char bead[TMA_VIEW_LANGS * 4 + 1] = "";
	sqlite3_int64 uid;

	if (!im->doc)
		return tma_fail(err, TMA_ERROR, "%s: a unit outside a document", im->source);
	for (k = 0; k < u->nside; k++) {
		for (l = 0; l < im->nlang && strcmp(im->lang[l], u->side[k].lang) != 0; l++)
			;
		if (l == im->nlang)
			return tma_fail(err, TMA_EINPUT, "%s: language %s is not one of the "
					"document's", im->source, u->side[k].lang);
		map[k] = l;
		counts[l] += u->side[k].n;
		nonempty += u->side[k].n > 0;
	}
	if (!nonempty)
		return TMA_OK;
	/* The hash in the document's language order, as tm_store makes it. */
	for (l = 0; l < im->nlang; l++)
		for (k = 0; k < u->nside; k++)
			if (map[k] == l)
				h = side_hash(h, im->lang[l], u->side[k].sent, u->side[k].n);
	if (im->dedupe) {
		sqlite3_bind_int64(im->dup, 1, (sqlite3_int64)h);
		rc = sqlite3_step(im->dup);
		sqlite3_reset(im->dup);
		if (rc == SQLITE_ROW) {
			im->res.skipped++;
			return TMA_OK;
		}
		if (rc != SQLITE_DONE)
			return db_fail(im->tm, err, rc, "cannot look for duplicates");
	}
	if (u->bead) {
		snprintf(bead, sizeof(bead), "%s", u->bead);
	} else {
		for (l = 0; l < im->nlang; l++)
			snprintf(bead + strlen(bead), sizeof(bead) - strlen(bead),
				 l ? "-%d" : "%d", counts[l] > 9 ? 9 : counts[l]);
	}
	sqlite3_bind_int64(im->ins.unit, 1, im->doc);
	sqlite3_bind_int64(im->ins.unit, 2, im->ord);
	sqlite3_bind_double(im->ins.unit, 3, u->score < 0 ? 1.0 : u->score);
	sqlite3_bind_text(im->ins.unit, 4, bead, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->ins.unit, 5, (sqlite3_int64)h);
	if ((rc = step(im->tm, im->ins.unit, err)))
		return rc;
	uid = sqlite3_last_insert_rowid(im->tm->db);
	for (l = 0; l < im->nlang; l++)
		for (k = 0; k < u->nside; k++) {
			int m;
			if (map[k] != l)
				continue;
			for (m = 0; m < u->side[k].n; m++) {
				const char *text = u->side[k].sent[m];
				size_t len = strlen(text);
				im->vhash[l] = (im->vhash[l] ^ tma_hash(text, len)) * 1099511628211ULL;
				sqlite3_bind_int64(im->ins.sentence, 1, uid);
				sqlite3_bind_int64(im->ins.sentence, 2, im->doc);
				sqlite3_bind_text(im->ins.sentence, 3, im->lang[l], -1, SQLITE_STATIC);
				sqlite3_bind_int(im->ins.sentence, 4, 0);
				sqlite3_bind_int64(im->ins.sentence, 5, im->pos[l]++);
				sqlite3_bind_null(im->ins.sentence, 6);
				sqlite3_bind_null(im->ins.sentence, 7);
				sqlite3_bind_text(im->ins.sentence, 8, text, (int)len, SQLITE_STATIC);
				sqlite3_bind_int64(im->ins.sentence, 9,
						   (sqlite3_int64)tma_text_key(text));
				if ((rc = step(im->tm, im->ins.sentence, err)))
					return rc;
				fts_note(im->tm);
			}
		}
	for (k = 0; k < u->nprop; k++) {
		sqlite3_bind_int64(im->prop, 1, uid);
		sqlite3_bind_text(im->prop, 2, u->prop[k].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->prop, 3, u->prop[k].value, -1, SQLITE_STATIC);
		if ((rc = step(im->tm, im->prop, err)))
			return rc;
	}
	im->ord++;
	im->res.units++;
	return TMA_OK;
}

int tma_importer_end(tma_importer *im, int commit, tma_import_result *res,
		     tma_error *err)
{
	int rc = TMA_OK;

	if (commit && !(rc = finish_doc(im, err)) && !(rc = fts_flush(im->tm, err)))
		rc = exec(im->tm, "COMMIT", "cannot commit", err);
	if (!commit || rc) {
		sqlite3_exec(im->tm->db, "ROLLBACK", NULL, NULL, NULL);
		im->tm->fts_from = 0;
		memset(&im->res, 0, sizeof(im->res));
	}
	if (res)
		*res = im->res;
	importer_free(im);
	return rc;
}
