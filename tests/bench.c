/*
 * bench.c - speed figures for `make bench`, measured through the library.
 *
 *   bench segment FILE...   segmentation throughput over the files (MB/s)
 *   bench align-long A B    one long presegmented document pair (sentences/s)
 *   bench align-many LIST   many articles: LIST has lines "en uk ru" of
 *                           raw files; each triple aligned three-way
 *   bench build-memory PATH N EN UK RU
 *                           a memory of N units in documents of 20, made from
 *                           the aligned lines of three files (line i of each
 *                           translates line i of the others), each unit a
 *                           variant: a word swapped, a number changed
 *   bench lookup PATH N     N exact, fuzzy (a word left out),
 *                           concordance and translations (three words)
 *                           lookups of sentences
 *                           sampled from the memory at PATH, after 200
 *                           others to warm the caches: p50 and p99 ms
 *   bench run NAME UNIT COUNT CMD...
 *                           run CMD and print COUNT per second and its peak
 *                           memory (from wait4), as a row of the table
 *
 * Each mode prints one line: "name<TAB>figure<TAB>unit<TAB>peak RSS in MiB".
 * Nothing here asserts anything about time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <sqlite3.h>

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

/* The lines of a file (NULL-terminated); exits on error. */
static char **lines_of(const char *path, size_t *n)
{
	size_t len, cap = 0, k = 0;
	char *text = slurp(path, &len), *p, **out = NULL;

	text[len] = '\0';
	*n = 0;
	for (p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
		if (k + 2 > cap) {
			cap = cap ? cap * 2 : 1024;
			out = realloc(out, cap * sizeof(char *));
		}
		out[k++] = strdup(p);
	}
	out[k] = NULL;
	*n = k;
	free(text);
	return out;
}

/*
 * Variant v of sentence s into buf: word number v % words swapped with a
 * word of another sentence, digits shifted by v. Deterministic.
 */
static void variant(char *buf, size_t n, const char *s, const char *other,
		    unsigned v)
{
	const char *words[256], *owords[256];
	size_t wlen[256], olen[256], used = 0;
	int nw = 0, no = 0, k;
	const char *p;

	for (p = s; *p && nw < 256;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[nw] = p;
		while (*p && *p != ' ')
			p++;
		wlen[nw] = (size_t)(p - words[nw]);
		nw++;
	}
	for (p = other; *p && no < 256;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		owords[no] = p;
		while (*p && *p != ' ')
			p++;
		olen[no] = (size_t)(p - owords[no]);
		no++;
	}
	for (k = 0; k < nw && used + wlen[k] + 16 < n; k++) {
		const char *w = words[k];
		size_t l = wlen[k], i;
		if (v && no && k == (int)(v % (unsigned)nw)) {
			w = owords[v % (unsigned)no];
			l = olen[v % (unsigned)no];
		}
		if (k)
			buf[used++] = ' ';
		for (i = 0; i < l; i++) {
			char c = w[i];
			if (v && c >= '0' && c <= '9')
				c = (char)('0' + (c - '0' + v) % 10);
			buf[used++] = c;
		}
	}
	buf[used] = '\0';
}

static int bench_build_memory(const char *path, size_t n, char **files)
{
	static const char *const langs[3] = { "en", "uk", "ru" };
	size_t nl[3], g, u = 0, d = 0;
	char **lines[3];
	tma_tm *tm = NULL;
	tma_error err;
	double t0 = now();
	int k;

	for (k = 0; k < 3; k++)
		lines[k] = lines_of(files[k], &nl[k]);
	g = nl[0] < nl[1] ? nl[0] : nl[1];
	g = g < nl[2] ? g : nl[2];
	if (!g || tma_tm_open(&tm, path, TMA_TM_CREATE, &err)) {
		fprintf(stderr, "bench: cannot build %s\n", path);
		return 1;
	}
	while (u < n) {
		enum { PER_DOC = 20 };
		tma_doc *docs[3];
		tma_source src[3];
		tma_alignment al;
		tma_unit units[PER_DOC];
		tma_store_result res;
		char name[64];
		size_t m = n - u < PER_DOC ? n - u : PER_DOC, i;

		memset(&al, 0, sizeof(al));
		al.nlang = 3;
		al.n = m;
		al.unit = units;
		for (k = 0; k < 3; k++) {
			docs[k] = calloc(1, sizeof(tma_doc));
			docs[k]->sent = calloc(m, sizeof(tma_sentence));
			docs[k]->n = m;
			strcpy(docs[k]->lang, langs[k]);
			strcpy(al.lang[k], langs[k]);
			src[k].path = files[k];
			src[k].hash = (uint64_t)d * 3 + (uint64_t)k + 1;
		}
		for (i = 0; i < m; i++, u++) {
			size_t line = u % g;
			unsigned v = (unsigned)(u / g);
			char buf[4096];
			for (k = 0; k < 3; k++) {
				variant(buf, sizeof(buf), lines[k][line],
					lines[k][(line * 7 + 3) % g], v);
				docs[k]->sent[i].text = strdup(buf);
				docs[k]->sent[i].len = strlen(buf);
				docs[k]->sent[i].para = (int)i;
				units[i].start[k] = i;
				units[i].count[k] = 1;
			}
			units[i].score = 0.5 + (double)(u % 50) / 100.0;
		}
		snprintf(name, sizeof(name), "bench-%06zu", d++);
		if (d % 64 == 1 && tma_tm_begin(tm, &err)) {
			fprintf(stderr, "bench: %s\n", err.message);
			return 1;
		}
		if (tma_tm_store(tm, name, docs, src, &al, &res, &err) ||
		    ((d % 64 == 0 || u >= n) && tma_tm_commit(tm, &err))) {
			fprintf(stderr, "bench: %s\n", err.message);
			return 1;
		}
		for (k = 0; k < 3; k++)
			tma_doc_free(docs[k]);
	}
	tma_tm_close(tm);
	fprintf(stderr, "  (built %zu units in %zu documents in %.1f s)\n", u, d,
		now() - t0);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* n sentences of the memory spread over it, from offset (0 to 1): caller frees. */
static char **sample(const char *path, int n, double offset)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char **out = calloc((size_t)n + 1, sizeof(char *));
	sqlite3_int64 max = 0;
	int k = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT max(id) FROM sentence", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "SELECT text FROM sentence WHERE id >= ?1 AND lang = 'en' "
			   "LIMIT 1", -1, &st, NULL);
	while (k < n) {
		sqlite3_bind_int64(st, 1, 1 + (sqlite3_int64)((double)max * (k + offset) / n));
		if (sqlite3_step(st) == SQLITE_ROW)
			out[k] = strdup((const char *)sqlite3_column_text(st, 0));
		else
			out[k] = strdup("nothing");
		sqlite3_reset(st);
		k++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* s without its word number k (words split by spaces), into buf. */
static void drop_word(char *buf, size_t n, const char *s, int k)
{
	int w = 0;
	size_t used = 0;
	const char *p = s;

	while (*p && used + 2 < n) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (w++ != k) {
			if (used)
				buf[used++] = ' ';
			if (used + len + 1 >= n)
				break;
			memcpy(buf + used, p, len);
			used += len;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	buf[used] = '\0';
}

/* Three words from the middle of s, into buf. */
static void middle_words(char *buf, size_t n, const char *s)
{
	const char *p = s;
	int words = 0, k;

	for (; *p; p++)
		words += *p == ' ';
	p = s;
	for (k = 0; k < words / 2 - 1 && (p = strchr(p, ' ')) != NULL; k++)
		p++;
	if (!p)
		p = s;
	snprintf(buf, n, "%s", p);
	for (k = 0, p = buf; *p; p++)
		if (*p == ' ' && ++k == 3) {
			buf[p - buf] = '\0';
			break;
		}
}

static int bench_lookup(const char *path, int n)
{
	static const char *const kinds[4] = { "exact", "fuzzy", "concordance", "translations" };
	char **s = sample(path, n, 0.0), **warm = sample(path, 200, 0.5), buf[8192];
	double *ms = malloc(sizeof(double) * (size_t)n);
	tma_tm *tm = NULL;
	tma_lookup *lk = NULL;
	tma_error err;
	int kind, k;

	if (!s || !ms || tma_tm_open(&tm, path, TMA_TM_READONLY, &err) ||
	    tma_lookup_new(&lk, tm, &err)) {
		fprintf(stderr, "bench: cannot look up in %s\n", path);
		return 1;
	}
	/* Warm up the caches (the page cache, the session's word counts). */
	for (k = 0; warm && k < 200; k++) {
		tma_lookup_opts o = { "en", NULL, 75, 10, k % 2 };
		const tma_hit *hits;
		size_t nh;
		drop_word(buf, sizeof(buf), warm[k], 1);
		tma_lookup_run(lk, &o, buf, &hits, &nh, &err);
		free(warm[k]);
	}
	free(warm);
	for (kind = 0; kind < 4; kind++) {
		size_t found = 0;
		for (k = 0; k < n; k++) {
			tma_lookup_opts o = { "en", NULL, 75, 10, kind == 2 };
			const tma_hit *hits;
			const tma_translation *tr;
			size_t nh;
			double t0;
			int rc;
			if (kind == 0)
				snprintf(buf, sizeof(buf), "%s", s[k]);
			else if (kind == 1)
				drop_word(buf, sizeof(buf), s[k], 2);
			else
				middle_words(buf, sizeof(buf), s[k]);
			t0 = now();
			if (kind == 3)
				rc = tma_lookup_translations(lk, &o, buf, &tr, &nh, &err);
			else
				rc = tma_lookup_run(lk, &o, buf, &hits, &nh, &err);
			if (rc && err.code != TMA_EUSAGE) {
				fprintf(stderr, "bench: %s\n", err.message);
				return 1;
			}
			ms[k] = (now() - t0) * 1000;
			found += nh > 0;
		}
		qsort(ms, (size_t)n, sizeof(double), cmp_double);
		printf("lookup %s p50\t%.2f\tms\t%.0f\n", kinds[kind], ms[n / 2], peak_mib());
		printf("lookup %s p99\t%.2f\tms\t%.0f\n", kinds[kind],
		       ms[(n * 99) / 100], peak_mib());
		fprintf(stderr, "  (%d %s lookups, %zu found something)\n", n, kinds[kind],
			found);
	}
	tma_lookup_free(lk);
	tma_tm_close(tm);
	for (k = 0; k < n; k++)
		free(s[k]);
	free(s);
	free(ms);
	return 0;
}

static int bench_run(const char *name, const char *unit, double count,
		     char **cmd)
{
	double t0 = now(), secs;
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "bench: cannot run %s\n", cmd[0]);
		return 1;
	}
	secs = now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: %s failed\n", cmd[0]);
		return 1;
	}
	printf("%s\t%.0f\t%s\t%.0f\n", name, count / secs, unit,
	       (double)ru.ru_maxrss / 1024.0);
	fprintf(stderr, "  (%.1f s)\n", secs);
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
	if (argc == 4 && strcmp(argv[1], "lookup") == 0)
		return bench_lookup(argv[2], atoi(argv[3]));
	if (argc > 5 && strcmp(argv[1], "run") == 0)
		return bench_run(argv[2], argv[3], atof(argv[4]), argv + 5);
	if (argc == 7 && strcmp(argv[1], "build-memory") == 0)
		return bench_build_memory(argv[2], (size_t)atol(argv[3]), argv + 4);
	fprintf(stderr, "usage: bench segment FILE... | align-long A B | align-many LIST\n");
	return 2;
}
