/*
 * bench.c - speed figures for `make bench`, measured through the library.
 *
 *   bench segment FILE...   segmentation throughput over the files (MB/s)
 *
 * Each mode prints one line: "name<TAB>figure<TAB>unit<TAB>peak RSS in MiB".
 * Nothing here asserts anything about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tmalign.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)size + 1))) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(1);
	}
	*n = fread(buf, 1, (size_t)size, f);
	fclose(f);
	return buf;
}

/* A segmenter per language, kept as a batch worker keeps them. */
static tma_segmenter *segmenter_for(const char *lang)
{
	static struct { char lang[TMA_LANG_MAX]; tma_segmenter *seg; } cache[16];
	static int n;
	tma_error err;
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(cache[i].lang, lang) == 0)
			return cache[i].seg;
	if (n == 16 || tma_segmenter_new(&cache[n].seg, lang, &err)) {
		fprintf(stderr, "bench: no segmenter for %s\n", lang);
		exit(1);
	}
	strcpy(cache[n].lang, lang);
	return cache[n++].seg;
}

/* Decode and segment every file, repeated until at least 50 MB went through. */
static int bench_segment(int argc, char **argv)
{
	size_t total = 0, nsent = 0;
	double t0, secs;
	int i, round = 0;
	tma_error err;

	t0 = now();
	while (total < 50u * 1024 * 1024 || round == 0) {
		for (i = 0; i < argc; i++) {
			char lang[TMA_LANG_MAX];
			tma_text *text = NULL;
			tma_doc *doc = NULL;
			size_t n;
			char *bytes = slurp(argv[i], &n);

			if (tma_lang_from_filename(lang, NULL, 0, argv[i]))
				strcpy(lang, "en");
			if (tma_text_from_bytes(&text, argv[i], bytes, n, NULL, &err) ||
			    tma_segment(&doc, segmenter_for(lang), text, 0, &err)) {
				fprintf(stderr, "bench: %s\n", err.message);
				return 1;
			}
			total += n;
			nsent += doc->n;
			tma_doc_free(doc);
			tma_text_free(text);
			free(bytes);
		}
		round++;
	}
	secs = now() - t0;
	printf("segmentation\t%.1f\tMB/s\t%.0f\n", (double)total / 1e6 / secs,
	       peak_mib());
	fprintf(stderr, "  (%zu bytes, %zu sentences, %.2f s)\n", total, nsent, secs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "segment") == 0)
		return bench_segment(argc - 2, argv + 2);
	fprintf(stderr, "usage: bench segment FILE...\n");
	return 2;
}
