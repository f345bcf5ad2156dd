/*
 * sqltool.c - a minimal SQLite shell for the end-to-end tests, which must
 * not depend on the sqlite3 program: `sqltool FILE SQL...` runs each
 * statement and prints result rows, values separated by tabs.
 */
#include <stdio.h>

#include <sqlite3.h>

static int row(void *ctx, int n, char **values, char **names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "\t" : "", values[i] ? values[i] : "NULL");
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int i, status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: sqltool FILE SQL...\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "sqltool: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	for (i = 2; i < argc && !status; i++)
		if (sqlite3_exec(db, argv[i], row, NULL, &msg) != SQLITE_OK) {
			fprintf(stderr, "sqltool: %s\n", msg);
			sqlite3_free(msg);
			status = 1;
		}
	sqlite3_close(db);
	return status;
}
