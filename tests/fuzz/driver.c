/*
 * driver.c - replay inputs through a fuzz target without libFuzzer:
 * `fuzz-TARGET FILE|DIR...` runs each file once (directories: every file
 * under them whose name ends in FUZZ_SUFFIX, or every file of a corpus
 * directory); without arguments, the inputs listed in FUZZ_INPUTS. make
 * test replays the seeds and every crash fuzzing found this way.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_INPUTS
#define FUZZ_INPUTS ""
#endif
#ifndef FUZZ_SUFFIX
#define FUZZ_SUFFIX ""
#endif

static int runs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (!p)
				abort();
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	runs++;
	return 0;
}

/* Files of a corpus directory all count; elsewhere those with the suffix. */
static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path), ns = strlen(FUZZ_SUFFIX);

	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (strstr(path, "tests/fuzz/corpus/") || (n >= ns && strcmp(path + n - ns, FUZZ_SUFFIX) == 0))
		return run_file(path);
	return 0;
}

static int run_arg(const char *arg)
{
	struct stat st;

	if (stat(arg, &st) != 0) {
		perror(arg);
		return 1;
	}
	return S_ISDIR(st.st_mode) ? nftw(arg, visit, 16, FTW_PHYS) : run_file(arg);
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc && !rc; i++)
			rc = run_arg(argv[i]);
	} else {
		char list[] = FUZZ_INPUTS, *save = NULL, *arg;
		for (arg = strtok_r(list, " ", &save); arg && !rc;
		     arg = strtok_r(NULL, " ", &save))
			rc = run_arg(arg);
	}
	if (rc)
		return 1;
	printf("ok 1 - %d inputs replayed\n", runs);
	return 0;
}
