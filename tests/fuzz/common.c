/*
 * common.c - scratch files and memories for the fuzz targets.
 */
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "tmalign_int.h"

static char dir[64];

static const char *scratch_dir(void)
{
	if (!dir[0]) {
		strcpy(dir, "/tmp/tmalign-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

const char *fuzz_scratch_file(const char *suffix, const uint8_t *data, size_t size)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/input%s", scratch_dir(), suffix);
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	return path;
}

tma_tm *fuzz_scratch_memory(void)
{
	static tma_tm *tm;
	char path[128];
	tma_error err = { 0, "" };

	if (tm)
		return tm;
	snprintf(path, sizeof(path), "%s/memory.db", scratch_dir());
	unlink(path);
	if (tma_tm_open(&tm, path, TMA_TM_CREATE, &err)) {
		fprintf(stderr, "fuzz: %s\n", err.message);
		abort();
	}
	return tm;
}

void fuzz_empty_memory(tma_tm *tm)
{
	if (sqlite3_exec(tma_tm_db(tm), "DELETE FROM document", NULL, NULL, NULL) !=
	    SQLITE_OK)
		abort();
}
