/*
 * cmd_align.c - `tmalign align`: the versions of one article in, aligned
 * units out (printed, and kept in the memory).
 */
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

enum print_mode { PRINT_NONE, PRINT_LADDER, PRINT_JSONL, PRINT_TSV };

static void print_list(const tma_unit *u, int l)
{
	int k;

	putchar('[');
	for (k = 0; k < u->count[l]; k++)
		printf(k ? ", %zu" : "%zu", u->start[l] + (size_t)k);
	putchar(']');
}

static void print_ladder(const tma_alignment *al)
{
	size_t i;
	int l;

	for (i = 0; i < al->n; i++) {
		for (l = 0; l < al->nlang; l++) {
			if (l)
				putchar(':');
			print_list(&al->unit[i], l);
		}
		putchar('\n');
	}
}

/* A unit's sentences in language l joined by spaces, tabs made spaces. */
static void print_joined(const tma_unit *u, int l, tma_doc *const *docs)
{
	int k;

	for (k = 0; k < u->count[l]; k++) {
		const char *p = docs[l]->sent[u->start[l] + (size_t)k].text;
		if (k)
			putchar(' ');
		for (; *p; p++)
			putchar(*p == '\t' ? ' ' : *p);
	}
}

static void print_tsv(const tma_alignment *al, tma_doc *const *docs)
{
	size_t i;
	int l;

	for (i = 0; i < al->n; i++) {
		for (l = 0; l < al->nlang; l++) {
			print_joined(&al->unit[i], l, docs);
			putchar('\t');
		}
		printf("%.3f\n", al->unit[i].score);
	}
}

/*
 * One object per unit; the first also says where each version came from,
 * as export does, so that `tmalign import` of the lines keeps it.
 */
static int print_jsonl(const tma_alignment *al, tma_doc *const *docs,
		       const tma_source *src, const char *name)
{
	size_t i;
	int l, k;

	for (i = 0; i < al->n; i++) {
		const tma_unit *u = &al->unit[i];
		cJSON *o = cJSON_CreateObject();
		char *line;

		if (!o || !cJSON_AddStringToObject(o, "doc", name)) {
			cJSON_Delete(o);
			return -1;
		}
		for (l = 0; l < al->nlang; l++) {
			cJSON *arr = cJSON_AddArrayToObject(o, al->lang[l]);
			for (k = 0; arr && k < u->count[l]; k++)
				cJSON_AddItemToArray(arr, cJSON_CreateString(
					docs[l]->sent[u->start[l] + (size_t)k].text));
			if (!arr) {
				cJSON_Delete(o);
				return -1;
			}
		}
		cJSON_AddNumberToObject(o, "score", (double)(int)(u->score * 1000 + 0.5) / 1000);
		if (i == 0) {
			cJSON *from = cJSON_AddObjectToObject(o, "source");
			for (l = 0; from && l < al->nlang; l++) {
				cJSON *one = cJSON_AddObjectToObject(from, al->lang[l]);
				char hash[24];
				snprintf(hash, sizeof(hash), "%016llx",
					 (unsigned long long)src[l].hash);
				if (!one || !cJSON_AddStringToObject(one, "file", src[l].path) ||
				    !cJSON_AddStringToObject(one, "hash", hash))
					from = NULL;
			}
			if (!from) {
				cJSON_Delete(o);
				return -1;
			}
		}
		line = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!line)
			return -1;
		puts(line);
		cJSON_free(line);
	}
	return 0;
}

/* Count units by bead and print what was stored. */
static void print_summary(FILE *f, const tma_alignment *al, const char *name,
			  const char *tm, const tma_store_result *res, double low)
{
	char beads[32][16];
	size_t counts[32], i, under = 0;
	double sum = 0;
	int nb = 0, k, l;

	for (i = 0; i < al->n; i++) {
		char b[16];
		tma_unit_bead(&al->unit[i], al->nlang, b);
		for (k = 0; k < nb && strcmp(beads[k], b) != 0; k++)
			;
		if (k == nb && nb < 32) {
			snprintf(beads[nb], sizeof(beads[nb]), "%s", b);
			counts[nb++] = 0;
		}
		if (k < nb)
			counts[k]++;
		sum += al->unit[i].score;
		under += al->unit[i].score < low;
	}
	fprintf(f, "%s %s (", res->replaced ? "replaced" : "stored", name);
	for (l = 0; l < al->nlang; l++)
		fprintf(f, l ? ", %s" : "%s", al->lang[l]);
	fprintf(f, ") in %s: %zu units\n  beads:", tm, al->n);
	for (k = 0; k < nb; k++)
		fprintf(f, " %s %zu%s", beads[k], counts[k], k + 1 < nb ? "," : "");
	fprintf(f, "\n  mean score %.2f; %zu unit%s under %.2f\n",
		al->n ? sum / (double)al->n : 0.0, under, under == 1 ? "" : "s", low);
}

/* The document name from a file name: "dir/nato.ua.txt" gives "nato". */
static void name_from_path(char *out, size_t n, const char *path)
{
	char lang[TMA_LANG_MAX];
	const char *base = strrchr(path, '/'), *dot;

	if (tma_lang_from_filename(lang, out, n, path) == TMA_OK)
		return;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(out, n, "%.*s", (int)(dot && dot > base ? dot - base : (long)strlen(base)),
		 base);
}

/* ------------------------------------------------------------------ */
/* Batches: --dir and --manifest                                        */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
	signal(sig, SIG_DFL);   /* a second Ctrl-C ends it at once */
}

typedef struct batch_view {
	enum print_mode mode;
	double low;
	size_t total, low_units;
	double start, last;
	int tty;
	FILE *info;               /* progress and summary */
	char **failures;
	size_t nfail;
} batch_view;

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(batch_view *v, size_t done, int last)
{
	double now = wall(), rate = (now - v->start) > 0 ? done / (now - v->start) : 0;
	double left = rate > 0 ? (double)(v->total - done) / rate : 0;

	if (v->tty) {
		int bar = v->total ? (int)(30 * done / v->total) : 30, k;
		if (!last && now - v->last < 0.2)
			return;
		fputs("\r[", stderr);
		for (k = 0; k < 30; k++)
			fputc(k < bar ? '#' : ' ', stderr);
		fprintf(stderr, "] %zu/%zu  %.1f/s  %d:%02d left ", done, v->total, rate,
			(int)left / 60, (int)left % 60);
		if (last)
			fputc('\n', stderr);
	} else {
		if (!last && now - v->last < 10)
			return;
		fprintf(stderr, "tmalign: %zu/%zu articles, %.1f/s\n", done, v->total, rate);
	}
	v->last = now;
}

static int on_article(const tma_batch_result *r, void *ctx)
{
	batch_view *v = ctx;
	size_t i;

	if (r->status == TMA_OK) {
		for (i = 0; i < r->al->n; i++)
			v->low_units += r->al->unit[i].score < v->low;
		if (v->mode == PRINT_LADDER)
			print_ladder(r->al);
		else if (v->mode == PRINT_TSV)
			print_tsv(r->al, r->docs);
		else if (v->mode == PRINT_JSONL && print_jsonl(r->al, r->docs, r->src, r->item->name))
			return 1;
	} else if (r->status != TMA_BATCH_SKIPPED) {
		char line[1400], **f;
		snprintf(line, sizeof(line), "%s: %s", r->item->name,
			 r->message ? r->message : "failed");
		if (v->tty)
			fputc('\n', stderr);
		fprintf(stderr, "tmalign: %s\n", line);
		f = realloc(v->failures, sizeof(char *) * (v->nfail + 1));
		if (f) {
			v->failures = f;
			v->failures[v->nfail] = strdup(line);
			if (v->failures[v->nfail])
				v->nfail++;
		}
	}
	progress(v, r->index + 1, 0);
	return ferror(stdout) ? 1 : 0;
}

/* Align every article of a directory or manifest. */
static int align_batch(const char *dir, const char *manifest, int jobs,
		       const char *tm_path, int store, enum print_mode mode,
		       unsigned flags, const char *encoding, tma_align_opts aopts,
		       double low)
{
	tma_batch_list list;
	tma_batch_opts bo;
	tma_batch_summary sum;
	batch_view v;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	int rc, status = EXIT_OK, created = 0;
	size_t i;

	rc = dir ? tma_batch_scan_dir(&list, dir, &err)
		 : tma_batch_read_manifest(&list, manifest, &err);
	if (rc)
		return cli_report(&err);
	for (i = 0; i < list.nincomplete; i++)
		cli_warn("not an article: %s", list.incomplete[i]);
	if (store && cli_tm_open_new(&tm, cli_tm_path(tm_path), &created, &err)) {
		tma_batch_list_free(&list);
		return cli_report(&err);
	}
	memset(&v, 0, sizeof(v));
	v.mode = mode;
	v.low = low;
	v.total = list.n;
	v.start = v.last = wall();
	v.tty = isatty(2);
	v.info = mode == PRINT_NONE ? stdout : stderr;
	memset(&bo, 0, sizeof(bo));
	bo.jobs = jobs;
	bo.seg_flags = flags;
	bo.encoding = encoding;
	bo.align = aopts;
	bo.tm = tm;
	bo.on_result = on_article;
	bo.ctx = &v;
	bo.stop = &interrupted;
	interrupted = 0;
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	rc = tma_batch_run(&list, &bo, &sum, &err);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (rc)
		status = cli_report(&err);
	progress(&v, sum.done, 1);
	fprintf(v.info, "%zu of %zu articles%s: %zu aligned", sum.done, list.n,
		sum.interrupted ? " (interrupted: run again to finish)" : "", sum.aligned);
	if (store)
		fprintf(v.info, ", %zu stored, %zu skipped (stored already)", sum.stored,
			sum.skipped);
	fprintf(v.info, ", %zu failed\n", sum.failed);
	if (rc && store)
		fprintf(v.info, "  the memory keeps the %zu articles stored before the "
			"error; run again to go on\n", sum.stored);
	fprintf(v.info, "  %zu units, %zu under %.2f; %zu incomplete sets left out\n",
		sum.units, v.low_units, low, list.nincomplete);
	for (i = 0; i < v.nfail; i++) {
		fprintf(v.info, "  failed: %s\n", v.failures[i]);
		free(v.failures[i]);
	}
	free(v.failures);
	if (fflush(stdout) || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = EXIT_FAIL;
	}
	if (status == EXIT_OK && sum.failed)
		status = EXIT_FAIL;
	if (sum.interrupted)
		status = 130;
	cli_tm_close_new(tm, cli_tm_path(tm_path), created, sum.stored > 0);
	tma_batch_list_free(&list);
	return status;
}

int cmd_align(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "presegmented", no_argument, NULL, 'p' },
		{ "no-store", no_argument, NULL, 'n' },
		{ "print", required_argument, NULL, 'P' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "join-lines", no_argument, NULL, 'j' },
		{ "dict", required_argument, NULL, 'd' },
		{ "no-lexicon", no_argument, NULL, 'L' },
		{ "tm", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'N' },
		{ "low", required_argument, NULL, 'w' },
		{ "dir", required_argument, NULL, 'D' },
		{ "manifest", required_argument, NULL, 'M' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *encoding = NULL, *path[TMA_MAX_LANGS], *tm_path = NULL;
	const char *name_opt = NULL, *dir = NULL, *manifest = NULL;
	int jobs = 0;
	char name[256];
	double low = 0.5;
	tma_source src[TMA_MAX_LANGS];
	tma_store_result res;
	tma_tm *tm = NULL;
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	tma_align_opts aopts = { NULL, NULL, NULL, 0 };
	enum print_mode mode = PRINT_NONE;
	unsigned flags = 0;
	int c, l, k, nlang = 0, store = 1, status = EXIT_OK, created = 0, kept = 0;
	tma_error err = { 0, "" };
	tma_doc *docs[TMA_MAX_LANGS] = { NULL, NULL, NULL };
	tma_aligner *aligner = NULL;
	tma_alignment *al = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': flags |= TMA_SEG_PRESEGMENTED; break;
		case 'n': store = 0; break;
		case 'e': encoding = optarg; break;
		case 'j': flags |= TMA_SEG_JOIN_LINES; break;
		case 'd': aopts.dictionary = optarg; break;
		case 'L': aopts.no_lexicon = 1; break;
		case 't': tm_path = optarg; break;
		case 'N': name_opt = optarg; break;
		case 'w': low = atof(optarg); break;
		case 'D': dir = optarg; break;
		case 'M': manifest = optarg; break;
		case 'J':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 256)
				return cli_usage_error("align", "--jobs is a number from 1 to 256");
			break;
		case 'P':
			if (strcmp(optarg, "ladder") == 0)
				mode = PRINT_LADDER;
			else if (strcmp(optarg, "jsonl") == 0)
				mode = PRINT_JSONL;
			else if (strcmp(optarg, "tsv") == 0)
				mode = PRINT_TSV;
			else
				return cli_usage_error("align",
						       "--print is ladder, jsonl or tsv, not '%s'",
						       optarg);
			break;
		case 'h': cli_print_usage(stdout, "align"); return EXIT_OK;
		default: cli_print_usage(stderr, "align"); return EXIT_USAGE;
		}
	}
	if (dir || manifest) {
		if (dir && manifest)
			return cli_usage_error("align", "--dir or --manifest, not both");
		if (optind < argc)
			return cli_usage_error("align", "--dir and --manifest take no LANG=FILE");
		if (name_opt)
			return cli_usage_error("align", "--name is for one article");
		if (!store && mode == PRINT_NONE)
			mode = PRINT_JSONL;
		return align_batch(dir, manifest, jobs, tm_path, store, mode, flags,
				   encoding, aopts, low);
	}
	if (argc - optind < 2 || argc - optind > TMA_MAX_LANGS)
		return cli_usage_error("align", "give two or three LANG=FILE");
	for (; optind < argc; optind++) {
		if (cli_lang_file(lang[nlang], &path[nlang], argv[optind]))
			return cli_usage_error("align",
					       "cannot tell the language of '%s': write LANG=FILE "
					       "or name it NAME.LANG.txt", argv[optind]);
		for (k = 0; k < nlang; k++)
			if (strcmp(lang[k], lang[nlang]) == 0)
				return cli_usage_error("align", "language '%s' given twice",
						       lang[nlang]);
		nlang++;
	}
	if (!store && mode == PRINT_NONE)
		mode = PRINT_LADDER;
	if (name_opt)
		snprintf(name, sizeof(name), "%s", name_opt);
	else
		name_from_path(name, sizeof(name), path[0]);
	/* Open the memory first: a memory that cannot take the result fails fast. */
	if (store && cli_tm_open_new(&tm, cli_tm_path(tm_path), &created, &err)) {
		status = cli_report(&err);
		goto done;
	}
	aopts.dictionary_src = lang[0];
	aopts.dictionary_tgt = lang[1];

	for (l = 0; l < nlang; l++) {
		tma_text *text = NULL;
		tma_segmenter *seg = NULL;
		int rc = tma_text_load(&text, path[l], encoding, &err);

		if (!rc) {
			src[l].path = path[l];
			src[l].hash = tma_text_hash(text);
			rc = tma_segmenter_new(&seg, lang[l], &err);
		}
		if (!rc)
			rc = tma_segment(&docs[l], seg, text, flags, &err);
		tma_segmenter_free(seg);
		tma_text_free(text);
		if (rc) {
			status = cli_report(&err);
			goto done;
		}
	}
	if (tma_check_versions(docs, src, nlang, &err) ||
	    tma_aligner_new(&aligner, &aopts, &err) ||
	    tma_align(&al, aligner, docs, nlang, &err)) {
		status = cli_report(&err);
		goto done;
	}
	if (tm) {
		if (tma_tm_store(tm, name, docs, src, al, &res, &err)) {
			status = cli_report(&err);
			goto done;
		}
		kept = !res.same_as[0];
		if (res.same_as[0])
			fprintf(stderr, "tmalign: %s: the same content is stored as '%s'; "
				"not stored again (tmalign rm %s first to store it under "
				"this name)\n", name, res.same_as, res.same_as);
		else
			print_summary(mode == PRINT_NONE ? stdout : stderr, al, name,
				      cli_tm_path(tm_path), &res, low);
	}
	if (mode == PRINT_LADDER)
		print_ladder(al);
	else if (mode == PRINT_TSV)
		print_tsv(al, docs);
	else if (mode == PRINT_JSONL && print_jsonl(al, docs, src, name))
		status = EXIT_FAIL;
	if (fflush(stdout) || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = EXIT_FAIL;
	}
done:
	cli_tm_close_new(tm, cli_tm_path(tm_path), created, kept);
	tma_alignment_free(al);
	tma_aligner_free(aligner);
	for (l = 0; l < nlang; l++)
		tma_doc_free(docs[l]);
	return status;
}
