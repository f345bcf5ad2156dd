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

struct tma_tm {
	sqlite3 *db;
	char *path;
	int readonly;
	int last_rc;      /* SQLite's code of the last query_int */
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
	if (version < target) {
		if (tm->readonly) {
			rc = tma_fail(err, TMA_EVERSION, "%s: memory schema %d needs an "
				      "upgrade to %d; open it for writing once", path,
				      version, target);
			goto fail;
		}
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
	if (!tm->readonly &&
	    (rc = exec(tm, "PRAGMA synchronous = NORMAL", "cannot set up", err)))
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
	sqlite3_close(tm->db);
	free(tm->path);
	free(tm);
}

/* ------------------------------------------------------------------ */
/* Storing                                                             */

/* A unit's hash: its languages and texts, to find duplicates. */
static int64_t unit_hash(const tma_unit *u, const tma_alignment *al,
			 tma_doc *const *docs)
{
	uint64_t h = 1469598103934665603ULL;
	int l, k;

	for (l = 0; l < al->nlang; l++) {
		if (!u->count[l])
			continue;
		h ^= tma_hash(al->lang[l], strlen(al->lang[l]));
		h *= 1099511628211ULL;
		for (k = 0; k < u->count[l]; k++) {
			const tma_sentence *s = &docs[l]->sent[u->start[l] + (size_t)k];
			h ^= tma_hash(s->text, s->len);
			h *= 1099511628211ULL;
		}
	}
	return (int64_t)h;
}

/* The name of a document holding the same versions as src, or "" . */
static int same_content(tma_tm *tm, const tma_alignment *al, const tma_source *src,
			char *name, size_t n, tma_error *err)
{
	static const char sql[] =
		"SELECT d.name FROM document d WHERE d.langs = ?1 AND "
		"(SELECT count(*) FROM version v WHERE v.doc = d.id) = ?2 AND "
		"NOT EXISTS (SELECT 1 FROM version v WHERE v.doc = d.id AND "
		"v.hash <> (SELECT value FROM json_each(?3) WHERE key = v.lang))";
	sqlite3_stmt *st = NULL;
	char langs[TMA_MAX_LANGS * TMA_LANG_MAX + 4] = "", hashes[512];
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
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			snprintf(name, n, "%s", (const char *)sqlite3_column_text(st, 0));
			rc = SQLITE_DONE;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : db_fail(tm, err, rc, "cannot look for duplicates");
}

typedef struct inserter {
	sqlite3_stmt *doc, *version, *unit, *sentence, *del;
} inserter;

static void inserter_free(inserter *ins)
{
	sqlite3_finalize(ins->doc);
	sqlite3_finalize(ins->version);
	sqlite3_finalize(ins->unit);
	sqlite3_finalize(ins->sentence);
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
		"INSERT INTO sentence (unit, doc, lang, para, pos, start, end, text) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &ins->sentence, NULL)) ||
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
				if ((rc = step(tm, ins->sentence, err)))
					return rc;
			}
	}
	return TMA_OK;
}

int tma_tm_store(tma_tm *tm, const char *name, tma_doc *const *docs,
		 const tma_source *src, const tma_alignment *al,
		 tma_store_result *res, tma_error *err)
{
	inserter ins;
	char langs[TMA_MAX_LANGS * TMA_LANG_MAX + 4] = "";
	sqlite3_int64 doc;
	int rc, l;

	memset(res, 0, sizeof(*res));
	if (!name || !*name)
		return tma_fail(err, TMA_EUSAGE, "a document needs a name");
	if ((rc = inserter_prepare(tm, &ins, err)))
		goto done;
	if ((rc = exec(tm, "BEGIN IMMEDIATE", "cannot lock", err)))
		goto done;
	if ((rc = same_content(tm, al, src, res->same_as, sizeof(res->same_as), err)))
		goto rollback;
	if (res->same_as[0] && strcmp(res->same_as, name) != 0) {
		rc = exec(tm, "ROLLBACK", "cannot roll back", err);
		goto done;
	}
	res->same_as[0] = '\0';
	sqlite3_bind_text(ins.del, 1, name, -1, SQLITE_STATIC);
	if ((rc = step(tm, ins.del, err)))
		goto rollback;
	res->replaced = sqlite3_changes(tm->db) > 0;
	for (l = 0; l < al->nlang; l++) {
		if (l)
			strcat(langs, ",");
		strcat(langs, al->lang[l]);
	}
	sqlite3_bind_text(ins.doc, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins.doc, 2, langs, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins.doc, 3, "align", -1, SQLITE_STATIC);
	if ((rc = step(tm, ins.doc, err)))
		goto rollback;
	doc = sqlite3_last_insert_rowid(tm->db);
	for (l = 0; l < al->nlang; l++) {
		char hash[24];
		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)src[l].hash);
		sqlite3_bind_int64(ins.version, 1, doc);
		sqlite3_bind_text(ins.version, 2, al->lang[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins.version, 3, src[l].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins.version, 4, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins.version, 5, (sqlite3_int64)docs[l]->n);
		if ((rc = step(tm, ins.version, err)))
			goto rollback;
	}
	if ((rc = store_units(tm, &ins, doc, docs, al, err)) ||
	    (rc = exec(tm, "COMMIT", "cannot commit", err)))
		goto rollback;
	res->units = al->n;
	goto done;
rollback:
	sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
done:
	inserter_free(&ins);
	return rc;
}

int tma_tm_remove(tma_tm *tm, const char *name, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(tm->db, "DELETE FROM document WHERE name = ?1",
				    -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(tm, err, rc, "cannot prepare");
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
	rc = sqlite3_prepare_v2(tm->db, "SELECT name FROM sqlite_master WHERE type = "
				"'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &st, NULL);
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
