/*
 * test_tm.c - the translation memory (src/tm_*.c).
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "memory.h"

typedef struct fixture {
	char dir[64];
	char path[128];
	tma_doc *docs[2];
	tma_alignment *al;
	tma_source src[2];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	tma_aligner *aligner = NULL;
	tma_error err = { 0, "" };

	strcpy(f->dir, "/tmp/tmalign-tm-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/sub/memory.db", f->dir);
	f->docs[0] = segment_string("en", "One sentence here. Another one, 42 of them.\nA third.", 0);
	f->docs[1] = segment_string("uk", "Одне речення тут. Ще одне, 42 штуки.\nТретє.", 0);
	if (tma_aligner_new(&aligner, NULL, &err) ||
	    tma_align(&f->al, aligner, f->docs, 2, &err))
		return -1;
	tma_aligner_free(aligner);
	f->src[0].path = "a.en.txt";
	f->src[0].hash = 0x1111;
	f->src[1].path = "a.uk.txt";
	f->src[1].hash = 0x2222;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	tma_alignment_free(f->al);
	tma_doc_free(f->docs[0]);
	tma_doc_free(f->docs[1]);
	free(f);
	return 0;
}

static tma_tm *open_tm(const fixture *f, unsigned flags)
{
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };

	if (tma_tm_open(&tm, f->path, flags, &err))
		fail_msg("%s", err.message);
	return tm;
}

static int count_docs(const tma_doc_info *d, void *ctx)
{
	(void)d;
	(*(int *)ctx)++;
	return 0;
}

static void test_create_store_replace(void **state)
{
	fixture *f = *state;
	tma_tm *tm = NULL;
	tma_store_result res;
	tma_error err = { 0, "" };
	tma_stats *st;
	uint64_t d1, d2;
	int n = 0;

	/* No memory yet: read-only opening refuses, creating makes it. */
	assert_int_equal(tma_tm_open(&tm, f->path, TMA_TM_READONLY, &err), TMA_ENOTFOUND);
	assert_non_null(strstr(err.message, f->path));
	tm = open_tm(f, TMA_TM_CREATE);
	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	assert_false(res.replaced);
	assert_int_equal(res.units, f->al->n);
	assert_int_equal(tma_tm_check(tm, &d1, &err), TMA_OK);

	/* The same name again replaces it. */
	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	assert_true(res.replaced);
	assert_int_equal(tma_tm_list(tm, count_docs, &n, &err), TMA_OK);
	assert_int_equal(n, 1);

	/* The same content under another name is reported, not stored. */
	assert_int_equal(tma_tm_check(tm, &d1, &err), TMA_OK);
	assert_int_equal(tma_tm_store(tm, "b", f->docs, f->src, f->al, &res, &err), TMA_OK);
	assert_string_equal(res.same_as, "a");
	assert_int_equal(tma_tm_check(tm, &d2, &err), TMA_OK);
	assert_true(d1 == d2);

	/* Other content under another name is stored. */
	f->src[1].hash = 0x3333;
	assert_int_equal(tma_tm_store(tm, "b", f->docs, f->src, f->al, &res, &err), TMA_OK);
	assert_null(res.same_as);
	assert_int_equal(tma_tm_check(tm, &d2, &err), TMA_OK);
	assert_true(d1 != d2);
	f->src[1].hash = 0x2222;

	assert_int_equal(tma_tm_stats(tm, &st, &err), TMA_OK);
	assert_int_equal(st->documents, 2);
	assert_int_equal(st->units, 2 * f->al->n);
	assert_int_equal(st->sentences, 2 * (f->docs[0]->n + f->docs[1]->n));
	assert_int_equal(st->npairs, 1);
	assert_string_equal(st->pairs[0].a, "en");
	assert_string_equal(st->pairs[0].b, "uk");
	tma_stats_free(st);

	assert_int_equal(tma_tm_remove(tm, "b", &err), TMA_OK);
	assert_int_equal(tma_tm_remove(tm, "b", &err), TMA_ENOTFOUND);
	assert_int_equal(tma_tm_check(tm, &d2, &err), TMA_OK);
	assert_true(d1 == d2);   /* back to what it held before "b" */
	tma_tm_close(tm);
	tma_tm_close(NULL);
}

/* Names of the files in dir, one "name\n" each, sorted (the caller frees). */
static char *list_dir(const char *dir)
{
	char cmd[256], *out = calloc(1, 4096);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -a %s", dir);
	if (out && (p = popen(cmd, "r"))) {
		size_t n = fread(out, 1, 4095, p);
		out[n] = '\0';
		pclose(p);
	}
	return out;
}

/*
 * A memory opened to be created is made by its first write, not before: a
 * command that fails first leaves nothing (and so never has to delete what
 * another process may have stored meanwhile); made, nothing is left beside.
 */
static void test_created_by_first_write(void **state)
{
	fixture *f = *state;
	tma_tm *tm = open_tm(f, TMA_TM_CREATE);
	tma_store_result res;
	tma_error err = { 0, "" };
	tma_stats *st;
	struct stat sb;
	char sub[160], *names;

	/* Readable while it does not exist: empty. */
	assert_int_equal(tma_tm_stats(tm, &st, &err), TMA_OK);
	assert_int_equal(st->documents, 0);
	tma_stats_free(st);
	assert_int_equal(tma_tm_remove(tm, "none", &err), TMA_ENOTFOUND);
	tma_tm_close(tm);
	assert_int_equal(stat(f->path, &sb), -1);

	tm = open_tm(f, TMA_TM_CREATE);
	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	tma_tm_close(tm);
	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	names = list_dir(sub);
	assert_string_equal(names, ".\n..\nmemory.db\n");
	free(names);
}

/* Run sql on the memory through a connection of its own (as another tool would). */
static void sql(const fixture *f, const char *q)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_close(db);
}

static int documents(tma_tm *tm)
{
	int n = 0;
	tma_error err = { 0, "" };

	assert_int_equal(tma_tm_list(tm, count_docs, &n, &err), TMA_OK);
	return n;
}

/*
 * A store that fails half way, on a handle that lives on (the batch
 * writer, a server): the memory is as it was, and the same handle stores
 * again. A failure inside a group drops the group, and the next group
 * works. The failure is planted with a trigger on the third sentence.
 */
static void test_failure_on_one_handle(void **state)
{
	fixture *f = *state;
	tma_doc *docs[2];
	tma_alignment *al = NULL;
	tma_aligner *aligner = NULL;
	tma_source src[2] = { { "b.en.txt", 0x5555 }, { "b.uk.txt", 0x6666 } };
	tma_store_result res;
	tma_error err = { 0, "" };
	tma_tm *tm = open_tm(f, TMA_TM_CREATE);
	uint64_t before, after;

	docs[0] = segment_string("en", "First here. Second one. The BOOM third.\n", 0);
	docs[1] = segment_string("uk", "Перше тут. Друге. Третє BOOM.\n", 0);
	assert_int_equal(tma_aligner_new(&aligner, NULL, &err), TMA_OK);
	assert_int_equal(tma_align(&al, aligner, docs, 2, &err), TMA_OK);
	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	sql(f, "CREATE TRIGGER boom BEFORE INSERT ON sentence WHEN new.text LIKE '%BOOM%' "
	    "BEGIN SELECT RAISE(ABORT, 'planted failure'); END");
	assert_int_equal(tma_tm_check(tm, &before, &err), TMA_OK);

	assert_int_not_equal(tma_tm_store(tm, "b", docs, src, al, &res, &err), TMA_OK);
	assert_non_null(strstr(err.message, "planted failure"));
	assert_int_equal(documents(tm), 1);
	assert_int_equal(tma_tm_check(tm, &after, &err), TMA_OK);
	assert_true(before == after);

	/* In a group: what the group stored before the failure goes too. */
	src[0].hash = 0x7777;
	assert_int_equal(tma_tm_begin(tm, &err), TMA_OK);
	assert_int_equal(tma_tm_store(tm, "c", f->docs, src, f->al, &res, &err), TMA_OK);
	src[0].hash = 0x9999;
	assert_int_not_equal(tma_tm_store(tm, "d", docs, src, al, &res, &err), TMA_OK);
	assert_int_equal(tma_tm_commit(tm, &err), TMA_OK);
	assert_int_equal(documents(tm), 1);
	assert_int_equal(tma_tm_check(tm, &after, &err), TMA_OK);
	assert_true(before == after);

	/* The trigger gone, the same handle stores both, in a group too. */
	sql(f, "DROP TRIGGER boom");
	assert_int_equal(tma_tm_store(tm, "b", docs, src, al, &res, &err), TMA_OK);
	assert_int_equal(tma_tm_begin(tm, &err), TMA_OK);
	src[0].hash = 0x8888;
	assert_int_equal(tma_tm_store(tm, "c", f->docs, src, f->al, &res, &err), TMA_OK);
	assert_int_equal(tma_tm_commit(tm, &err), TMA_OK);
	assert_int_equal(documents(tm), 3);
	assert_int_equal(tma_tm_check(tm, &after, &err), TMA_OK);
	tma_tm_close(tm);
	tma_alignment_free(al);
	tma_aligner_free(aligner);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
}

/* A unit's hash checked against its texts: a text changed with its key. */
static void test_check_sees_changed_text(void **state)
{
	fixture *f = *state;
	tma_store_result res;
	tma_error err = { 0, "" };
	tma_tm *tm = open_tm(f, TMA_TM_CREATE);
	uint64_t digest;
	char q[256];

	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	tma_tm_close(tm);
	snprintf(q, sizeof(q), "UPDATE sentence SET text = 'Changed.', key = %lld WHERE pos = 0 "
		 "AND lang = 'en'", (long long)tma_text_key("Changed."));
	sql(f, q);
	tm = open_tm(f, 0);
	assert_int_equal(tma_tm_check(tm, &digest, &err), TMA_EDB);
	assert_non_null(strstr(err.message, "document 'a' unit 0: its hash does not match"));
	tma_tm_close(tm);
}

static void test_schema_versions(void **state)
{
	fixture *f = *state;
	tma_tm *tm = open_tm(f, TMA_TM_CREATE);
	tma_store_result res;
	tma_error err = { 0, "" };
	sqlite3 *db;
	struct stat before, after;

	assert_int_equal(tma_tm_store(tm, "a", f->docs, f->src, f->al, &res, &err), TMA_OK);
	tma_tm_close(tm);
	assert_true(tma_tm_schema_version() >= 1);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1000", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(stat(f->path, &before), 0);
	assert_int_equal(tma_tm_open(&tm, f->path, 0, &err), TMA_EVERSION);
	assert_null(tm);
	assert_non_null(strstr(err.message, "newer"));
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_true(before.st_mtime == after.st_mtime);
	/* One version newer is newer too. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	{
		char q[64];
		snprintf(q, sizeof(q), "PRAGMA user_version = %d", tma_tm_schema_version() + 1);
		assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	}
	sqlite3_close(db);
	assert_int_equal(tma_tm_open(&tm, f->path, TMA_TM_READONLY, &err), TMA_EVERSION);
}

static void test_not_a_memory(void **state)
{
	fixture *f = *state;
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };
	FILE *fp;

	mkdir(f->dir, 0700);
	snprintf(f->path, sizeof(f->path), "%s/junk.db", f->dir);
	fp = fopen(f->path, "w");
	fputs("this is not an SQLite database, just some text that is long enough "
	      "to have a header that SQLite reads and refuses.....................", fp);
	fclose(fp);
	assert_int_equal(tma_tm_open(&tm, f->path, 0, &err), TMA_EDB);
	assert_non_null(strstr(err.message, "junk.db"));
	assert_non_null(strstr(err.message, "not a tmalign memory"));
	assert_int_equal(tma_tm_open(&tm, f->dir, 0, &err), TMA_EIO);
	assert_non_null(strstr(err.message, "directory"));
}

static void test_older_schema_migrates(void **state)
{
	fixture *f = *state;
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };
	sqlite3 *db;
	sqlite3_stmt *st;

	/* An empty database at version 0 is a new memory: it gets the schema. */
	mkdir(f->dir, 0700);
	snprintf(f->path, sizeof(f->path), "%s/empty.db", f->dir);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(tma_tm_open(&tm, f->path, TMA_TM_READONLY, &err), TMA_EVERSION);
	assert_int_equal(tma_tm_open(&tm, f->path, 0, &err), TMA_OK);
	tma_tm_close(tm);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), tma_tm_schema_version());
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A stand-in for the function tmalign registers (no rows to key here). */
static void stub_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(ctx, 0);
}

static void test_older_memory_upgraded_for_reading(void **state)
{
	fixture *f = *state;
	const char *schema = tma_embedded_get("schema.sql");
	const char *end = strstr(schema, "-- migration 5");
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v4;

	/* A memory as schema 4 left it, opened for reading by a newer tmalign. */
	assert_non_null(end);
	v4 = strndup(schema, (size_t)(end - schema));
	mkdir(f->dir, 0700);
	snprintf(f->path, sizeof(f->path), "%s/v4.db", f->dir);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_create_function(db, "tmalign_key", 1, SQLITE_UTF8, NULL, stub_key,
				NULL, NULL);
	assert_int_equal(sqlite3_exec(db, v4, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 4", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	free(v4);

	assert_int_equal(tma_tm_open(&tm, f->path, TMA_TM_READONLY, &err), TMA_OK);
	tma_tm_close(tm);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM "
					    "pragma_user_version), sql FROM sqlite_master "
					    "WHERE name = 'sentence_fts'", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), tma_tm_schema_version());
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 1), "columnsize"));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_store_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_by_first_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_on_one_handle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_sees_changed_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_schema_migrates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_memory_upgraded_for_reading, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
