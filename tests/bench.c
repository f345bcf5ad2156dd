/*
 * bench.c - speed figures for `make bench`, measured through the library.
 *
 *   bench segment FILE...   segmentation throughput over the files (MB/s)
 *   bench align-long A B    one long presegmented document pair (sentences/s)
 *   bench align-many LIST   many articles: LIST has lines "en uk ru" of
 *                           raw files; each triple aligned three-way
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

/* Read and segment path as lang; exits on error. */
static tma_doc *load_doc(const char *path, const char *lang, unsigned flags)
{
	tma_error err;
	tma_text *text = NULL;
	tma_doc *doc = NULL;

	if (tma_text_load(&text, path, NULL, &err) ||
	    tma_segment(&doc, segmenter_for(lang), text, flags, &err)) {
		fprintf(stderr, "bench: %s\n", err.message);
		exit(1);
	}
	tma_text_free(text);
	return doc;
}

static int bench_align_long(const char *a, const char *b)
{
	tma_doc *docs[2];
	tma_aligner *al = NULL;
	tma_alignment *res = NULL;
	tma_error err;
	double t0, secs;
	size_t n;

	docs[0] = load_doc(a, "en", TMA_SEG_PRESEGMENTED);
	docs[1] = load_doc(b, "uk", TMA_SEG_PRESEGMENTED);
	n = docs[0]->n + docs[1]->n;
	t0 = now();
	if (tma_aligner_new(&al, NULL, &err) || tma_align(&res, al, docs, 2, &err)) {
		fprintf(stderr, "bench: %s\n", err.message);
		return 1;
	}
	secs = now() - t0;
	printf("align one document (%zu+%zu sent.)\t%.0f\tsentences/s\t%.0f\n",
	       docs[0]->n, docs[1]->n, (double)n / secs, peak_mib());
	fprintf(stderr, "  (%zu units, %.2f s)\n", res->n, secs);
	tma_alignment_free(res);
	tma_aligner_free(al);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
	return 0;
}

static int bench_align_many(const char *list)
{
	static const char *const langs[3] = { "en", "uk", "ru" };
	FILE *f = fopen(list, "r");
	char line[3 * 1024];
	tma_aligner *al = NULL;
	tma_error err;
	double t0, secs;
	size_t sents = 0, articles = 0;

	if (!f || tma_aligner_new(&al, NULL, &err)) {
		fprintf(stderr, "bench: cannot start\n");
		return 1;
	}
	t0 = now();
	while (fgets(line, sizeof(line), f)) {
		char *path[3], *save = NULL;
		tma_doc *docs[3];
		tma_alignment *res = NULL;
		int k;

		path[0] = strtok_r(line, " \n", &save);
		path[1] = strtok_r(NULL, " \n", &save);
		path[2] = strtok_r(NULL, " \n", &save);
		if (!path[2])
			continue;
		for (k = 0; k < 3; k++) {
			docs[k] = load_doc(path[k], langs[k], 0);
			sents += docs[k]->n;
		}
		if (tma_align(&res, al, docs, 3, &err)) {
			fprintf(stderr, "bench: %s\n", err.message);
			return 1;
		}
		tma_alignment_free(res);
		for (k = 0; k < 3; k++)
			tma_doc_free(docs[k]);
		articles++;
	}
	fclose(f);
	secs = now() - t0;
	printf("align many articles (%zu, 3 lang.)\t%.0f\tsentences/s\t%.0f\n",
	       articles, (double)sents / secs, peak_mib());
	fprintf(stderr, "  (%zu sentences, %.1f articles/s, segmentation included)\n",
		sents, (double)articles / secs);
	tma_aligner_free(al);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "segment") == 0)
		return bench_segment(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "align-long") == 0)
		return bench_align_long(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "align-many") == 0)
		return bench_align_many(argv[2]);
	fprintf(stderr, "usage: bench segment FILE... | align-long A B | align-many LIST\n");
	return 2;
}
