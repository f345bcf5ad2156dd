/*
 * tm_open.c - opening a translation memory: what the file is, creating it,
 * bringing an older one up to date.
 *
 * The schema lives in tm/schema.sql, built into the binary, as a list of
 * migrations; PRAGMA user_version says how far a memory has come. A memory
 * runs in WAL mode with foreign keys on and a busy timeout, so that readers
 * never wait for writers and two writers take turns.
 *
 * Invariants: a memory written by a newer schema, or a file that is not a
 * memory, is refused before anything is written to it. A new memory is
 * never seen half made: opened with TMA_TM_CREATE where there is no file,
 * it lives in RAM until its first write, and that write builds the file
 * aside (schema and WAL mode complete) and links it into place, which fails
 * if another process linked its own first; then both use that one. Nothing
 * here ever deletes a memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm_int.h"

/* The code and message for SQLite's failure rc on db at path. */
static int db_fail(const char *path, sqlite3 *db, tma_error *err, int rc,
		   const char *what)
{
	int code, e = db ? sqlite3_system_errno(db) : 0;
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
	return tma_fail(err, code, "%s: %s: %s%s", path, what,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), hint);
}

int tm_fail(tma_tm *tm, tma_error *err, int rc, const char *what)
{
	return db_fail(tm->path, tm->db, err, rc, what);
}

static int db_exec(const char *path, sqlite3 *db, const char *sql, const char *what,
		   tma_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? TMA_OK : db_fail(path, db, err, rc, what);
}

int tm_exec(tma_tm *tm, const char *sql, const char *what, tma_error *err)
{
	return db_exec(tm->path, tm->db, sql, what, err);
}

int tm_prepare(tma_tm *tm, sqlite3_stmt **st, const char *sql, tma_error *err)
{
	int rc = sqlite3_prepare_v2(tm->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? TMA_OK : tm_fail(tm, err, rc, "cannot prepare");
}

int tm_step(tma_tm *tm, sqlite3_stmt *st, tma_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot write");
}

/* A single integer from sql on db; *raw gets SQLite's own code. */
static int db_query_int(const char *path, sqlite3 *db, const char *sql,
			int64_t *out, int *raw, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	*out = 0;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (raw)
		*raw = rc;
	return rc == SQLITE_OK ? TMA_OK : db_fail(path, db, err, rc, "cannot read");
}

int tm_query_int(tma_tm *tm, const char *sql, int64_t *out, tma_error *err)
{
	return db_query_int(tm->path, tm->db, sql, out, NULL, err);
}

/* ------------------------------------------------------------------ */
/* The schema                                                          */

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

/* Run migrations from+1 .. to of the schema on db, in the caller's transaction. */
static int migrate(const char *path, sqlite3 *db, int from, int to, tma_error *err)
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
		rc = db_exec(path, db, sql, "cannot create the schema", err);
		free(sql);
		if (rc)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
		if ((rc = db_exec(path, db, pragma, "cannot set the schema version", err)))
			return rc;
	}
	return TMA_OK;
}

/* The whole schema, in one transaction, on a new database. */
static int create_schema(const char *path, sqlite3 *db, tma_error *err)
{
	int rc;

	if ((rc = db_exec(path, db, "BEGIN IMMEDIATE", "cannot lock", err)))
		return rc;
	rc = migrate(path, db, 0, tma_tm_schema_version(), err);
	if (!rc)
		rc = db_exec(path, db, "COMMIT", "cannot commit", err);
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* A new connection to file (":memory:" for RAM) set up as every one is. */
static int connect(sqlite3 **out, const char *path, const char *file, int flags,
		   tma_error *err)
{
	int rc = sqlite3_open_v2(file, out, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK)
		return db_fail(path, *out, err, rc, "cannot open");
	sqlite3_busy_timeout(*out, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(*out, 1);
	if ((rc = tm_register_functions(*out)) != SQLITE_OK)
		return db_fail(path, *out, err, rc, "cannot set up");
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/* Make the directory that will hold path, when it has one. */
static int make_parent(const char *path, tma_error *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc = TMA_OK;

	if (!slash || slash == path)
		return TMA_OK;
	if (!(dir = malloc((size_t)(slash - path) + 1)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		rc = tma_fail(err, TMA_EIO, "%s: cannot create the directory %s: %s",
			      path, dir, strerror(errno));
	free(dir);
	return rc;
}

/*
 * Reopen tm->path read-only as immutable: for a memory in a directory where
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
	if (rc == SQLITE_OK)
		rc = tm_register_functions(tm->db);
	return rc;
}

/* Bring a memory of schema version up to the current one (read-write). */
static int upgrade(tma_tm *tm, int version, tma_error *err)
{
	int target = tma_tm_schema_version(), rc;
	int64_t now;

	if ((rc = tm_exec(tm, "PRAGMA journal_mode = WAL", "cannot set up", err)) ||
	    (rc = tm_exec(tm, "BEGIN IMMEDIATE", "cannot lock", err)))
		return rc;
	/* Another process may have migrated it meanwhile. */
	rc = tm_query_int(tm, "PRAGMA user_version", &now, err);
	if (!rc && (int)now < target)
		rc = migrate(tm->path, tm->db, (int)now > version ? (int)now : version,
			     target, err);
	if (!rc)
		rc = tm_exec(tm, "COMMIT", "cannot commit", err);
	if (rc)
		sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Open the existing file of tm, check what it is and bring it up to date. */
static int open_file(tma_tm *tm, tma_error *err)
{
	int target = tma_tm_schema_version(), raw, rc;
	int64_t version, objects;

	rc = connect(&tm->db, tm->path, tm->path,
		     tm->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, err);
	if (rc)
		return rc;
	/* Read before writing anything: what is this file? */
	rc = db_query_int(tm->path, tm->db, "PRAGMA user_version", &version, &raw, NULL);
	if (rc && tm->readonly &&
	    ((raw & 0xFF) == SQLITE_READONLY || (raw & 0xFF) == SQLITE_CANTOPEN) &&
	    open_immutable(tm) == SQLITE_OK) {
		/* A read-only directory: SQLite cannot share; nobody writes. */
		rc = db_query_int(tm->path, tm->db, "PRAGMA user_version", &version, &raw,
				  NULL);
	}
	if (rc)
		return db_fail(tm->path, tm->db, err, raw, "cannot open");
	if (version > target)
		return tma_fail(err, TMA_EVERSION,
				"%s: written by a newer tmalign (memory schema %d, this one "
				"knows up to %d); left as it is", tm->path, (int)version, target);
	if ((rc = tm_query_int(tm, "SELECT count(*) FROM sqlite_master", &objects, err)))
		return rc;
	if (version == 0 && objects > 0)
		return tma_fail(err, TMA_EDB, "%s: an SQLite database, but not a tmalign "
				"memory; left as it is", tm->path);
	if (version == 0 && tm->readonly)
		return tma_fail(err, TMA_EVERSION, "%s: empty, not a memory yet (align or "
				"import something into it, or give another --tm)", tm->path);
	if ((rc = tm_exec(tm, "PRAGMA foreign_keys = ON", "cannot set up", err)))
		return rc;
	if (version < target && tm->readonly) {
		/* An older memory is upgraded first, through a connection of its own. */
		tma_tm *w;
		tma_error why = { 0, "" };
		if ((rc = tma_tm_open(&w, tm->path, 0, &why)))
			return tma_fail(err, rc, "memory schema %d needs an upgrade to %d, "
					"which failed: %s", (int)version, target, why.message);
		tma_tm_close(w);
	} else if (version < target && (rc = upgrade(tm, (int)version, err))) {
		return rc;
	}
	/*
	 * The text key and unit hash indexes take their entries at random
	 * places: a page cache that holds them saves a read and a write per
	 * sentence stored. Readers keep SQLite's small default (lookup sets
	 * its own): an export streams in little memory.
	 */
	if (!tm->readonly &&
	    ((rc = tm_exec(tm, "PRAGMA cache_size = -65536", "cannot set up", err)) ||
	     (rc = tm_exec(tm, "PRAGMA synchronous = NORMAL", "cannot set up", err))))
		return rc;
	return TMA_OK;
}

/* A memory that does not exist yet: the empty schema, in RAM. */
static int open_pending(tma_tm *tm, tma_error *err)
{
	int rc;

	tm->pending = 1;
	if ((rc = connect(&tm->db, tm->path, ":memory:",
			  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err)) ||
	    (rc = tm_exec(tm, "PRAGMA foreign_keys = ON", "cannot set up", err)))
		return rc;
	return create_schema(tm->path, tm->db, err);
}

int tma_tm_open(tma_tm **out, const char *path, unsigned flags, tma_error *err)
{
	tma_tm *tm = calloc(1, sizeof(*tm));
	struct stat st;
	int rc;

	*out = NULL;
	if (!tm || !(tm->path = tma_strdup(path))) {
		free(tm);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	tm->readonly = (flags & TMA_TM_READONLY) != 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && (flags & TMA_TM_CREATE) && !tm->readonly)
			rc = open_pending(tm, err);
		else if (errno == ENOENT)
			rc = tma_fail(err, TMA_ENOTFOUND, "%s: no memory there (align "
				      "something into it first, or give --tm)", path);
		else
			rc = tma_fail(err, TMA_EIO, "%s: cannot open: %s", path,
				      strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		rc = tma_fail(err, TMA_EIO, "%s: is a directory, not a memory", path);
	} else {
		rc = open_file(tm, err);
	}
	if (rc) {
		tma_tm_close(tm);
		return rc;
	}
	*out = tm;
	return TMA_OK;
}

/*
 * A new file, path.new-XXXXXX, of mode 0666 less the umask; *out gets its
 * name (the caller frees).
 */
static int new_aside(char **out, const char *path, tma_error *err)
{
	size_t n = strlen(path) + 16;
	char *name = malloc(n);
	int fd, tries;

	*out = NULL;
	if (!name)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (tries = 0; tries < 100; tries++) {
		snprintf(name, n, "%s.new-XXXXXX", path);
		/* mkstemp picks a free name; the file is made anew with the umask. */
		if ((fd = mkstemp(name)) < 0)
			break;
		close(fd);
		unlink(name);
		fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0666);
		if (fd >= 0) {
			close(fd);
			*out = name;
			return TMA_OK;
		}
		if (errno != EEXIST)
			break;
	}
	free(name);
	return tma_fail(err, TMA_EIO, "%s: cannot create the memory: %s", path,
			strerror(errno));
}

/* Remove the file made aside and anything SQLite left beside it. */
static void remove_aside(char *aside)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	size_t n = strlen(aside) + 16, k;
	char *name = malloc(n);

	for (k = 0; name && k < sizeof(suffix) / sizeof(suffix[0]); k++) {
		snprintf(name, n, "%s%s", aside, suffix[k]);
		unlink(name);
	}
	if (!name)
		unlink(aside);
	free(name);
	free(aside);
}

int tm_materialize(tma_tm *tm, tma_error *err)
{
	sqlite3 *db = NULL;
	char *aside = NULL;
	int rc;

	if (!tm->pending)
		return TMA_OK;
	if ((rc = make_parent(tm->path, err)) || (rc = new_aside(&aside, tm->path, err)))
		return rc;
	rc = connect(&db, tm->path, aside, SQLITE_OPEN_READWRITE, err);
	if (!rc)
		rc = db_exec(tm->path, db, "PRAGMA journal_mode = WAL", "cannot set up", err);
	if (!rc)
		rc = create_schema(tm->path, db, err);
	/* Closing checkpoints the log into the file and removes it. */
	if (sqlite3_close(db) != SQLITE_OK && !rc)
		rc = tma_fail(err, TMA_EIO, "%s: cannot finish the new memory", tm->path);
	if (!rc && link(aside, tm->path) != 0 && errno != EEXIST)
		rc = tma_fail(err, TMA_EIO, "%s: cannot create the memory: %s", tm->path,
			      strerror(errno));
	/* Linked, or another process made it first: either way, use the file. */
	remove_aside(aside);
	if (rc)
		return rc;
	/* Statements made on the memory in RAM go with it. */
	if (tm->ins) {
		tm_inserter_finalize(tm->ins);
		free(tm->ins);
		tm->ins = NULL;
	}
	tm_words_free(tm->words);
	tm->words = NULL;
	sqlite3_close(tm->db);
	tm->db = NULL;
	tm->pending = 0;
	return open_file(tm, err);
}

void tma_tm_close(tma_tm *tm)
{
	if (!tm)
		return;
	tma_tm_rollback(tm);
	if (tm->ins) {
		tm_inserter_finalize(tm->ins);
		free(tm->ins);
	}
	tm_words_free(tm->words);
	sqlite3_close(tm->db);
	free(tm->same_as);
	free(tm->path);
	free(tm);
}

const char *tma_tm_path(const tma_tm *tm)
{
	return tm->path;
}

void tma_tm_shutdown(void)
{
	sqlite3_shutdown();
}
