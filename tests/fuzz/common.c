/*
 * common.c - scratch files and memories for the fuzz targets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

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

/* The first document's name, into ctx (stops the listing). */
static int first_doc(const tma_doc_info *d, void *ctx)
{
	*(char **)ctx = strdup(d->name);
	return 1;
}

void fuzz_empty_memory(tma_tm *tm)
{
	tma_error err = { 0, "" };
	char *name = NULL;

	while (tma_tm_list(tm, first_doc, &name, &err) == 1 && name) {
		if (tma_tm_remove(tm, name, &err))
			abort();
		free(name);
		name = NULL;
	}
}

int fuzz_documents(tma_tm *tm)
{
	tma_stats *s = NULL;
	tma_error err = { 0, "" };
	int n;

	if (tma_tm_stats(tm, &s, &err))
		abort();
	n = (int)s->documents;
	tma_stats_free(s);
	return n;
}
