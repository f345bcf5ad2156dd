/*
 * cmd_align.c - `tmalign align`: the versions of an article, or of every
 * article of a folder or a manifest, in; aligned units out (printed, and
 * kept in the memory). One article is a batch of one: the library's batch
 * runs the same pipeline for both.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum print_mode { PRINT_NONE, PRINT_LADDER, PRINT_JSONL, PRINT_TSV };

/* What the command was asked. */
typedef struct align_args {
	const char *encoding, *tm_path, *name, *dir, *manifest, *dict;
	char dict_src[TMA_LANG_MAX], dict_tgt[TMA_LANG_MAX];
	int jobs, store, no_lexicon;
	unsigned flags;
	double low;
	enum print_mode mode;
} align_args;

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
static char *name_from_path(const char *path)
{
	char lang[TMA_LANG_MAX];
	size_t n = strlen(path) + 1;
	char *out = malloc(n);
	const char *base = strrchr(path, '/'), *dot;

	if (!out || tma_lang_from_filename(lang, out, n, path) == TMA_OK)
		return out;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(out, n, "%.*s", (int)(dot && dot > base ? dot - base : (long)strlen(base)),
		 base);
	return out;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
	signal(sig, SIG_DFL);   /* a second Ctrl-C ends it at once */
}

/* What the command shows while the batch runs. */
typedef struct batch_view {
	const align_args *a;
	int single;               /* one article, not a folder or manifest */
	const char *tm;           /* the memory's path, when storing */
	size_t total, low_units;
	double start, last;
	int tty;
	FILE *info;               /* progress and summary */
	char **failures;
	size_t nfail;
	int status;               /* of a single article */
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

	if (v->single)
		return;
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

/* Print an aligned article as asked; 0, or 1 when the output fails. */
static int print_article(const batch_view *v, const tma_batch_result *r)
{
	tma_error err = { 0, "" };

	if (v->a->mode == PRINT_LADDER)
		print_ladder(r->al);
	else if (v->a->mode == PRINT_TSV)
		print_tsv(r->al, r->docs);
	else if (v->a->mode == PRINT_JSONL &&
		 tma_alignment_write_jsonl(stdout, r->item->name, r->docs, r->src, r->al,
					   &err))
		return 1;
	return ferror(stdout) ? 1 : 0;
}

/* A single article's result, as `align` of one article reports it. */
static int on_single(const tma_batch_result *r, batch_view *v)
{
	if (r->status != TMA_OK && r->status != TMA_BATCH_SKIPPED) {
		tma_error e;
		e.code = r->status;
		snprintf(e.message, sizeof(e.message), "%s", r->message ? r->message : "");
		v->status = cli_report(&e);
		return 0;
	}
	if (r->store.same_as)
		fprintf(stderr, "tmalign: %s: the same content is stored as '%s'; not stored "
			"again (tmalign rm %s first to store it under this name)\n",
			r->item->name, r->store.same_as, r->store.same_as);
	else if (v->tm)
		print_summary(v->a->mode == PRINT_NONE ? stdout : stderr, r->al, r->item->name,
			      v->tm, &r->store, v->a->low);
	return print_article(v, r);
}

static int on_article(const tma_batch_result *r, void *ctx)
{
	batch_view *v = ctx;
	size_t i;

	if (v->single)
		return on_single(r, v);
	if (r->status == TMA_OK) {
		for (i = 0; i < r->al->n; i++)
			v->low_units += r->al->unit[i].score < v->a->low;
		if (print_article(v, r))
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
	return 0;
}

/* The summary of a folder or a manifest. */
static void batch_summary(batch_view *v, const tma_batch_summary *sum, size_t n,
			  size_t nnotes, int failed)
{
	size_t i;

	progress(v, sum->done, 1);
	fprintf(v->info, "%zu of %zu articles%s: %zu aligned", sum->done, n,
		sum->interrupted ? " (interrupted: run again to finish)" : "", sum->aligned);
	if (v->tm)
		fprintf(v->info, ", %zu stored, %zu skipped (stored already)", sum->stored,
			sum->skipped);
	fprintf(v->info, ", %zu failed\n", sum->failed);
	if (failed && v->tm)
		fprintf(v->info, "  the memory keeps the %zu articles stored before the "
			"error; run again to go on\n", sum->stored);
	fprintf(v->info, "  %zu units, %zu under %.2f; %zu left out (not articles)\n",
		sum->units, v->low_units, v->a->low, nnotes);
	for (i = 0; i < v->nfail; i++) {
		fprintf(v->info, "  failed: %s\n", v->failures[i]);
		free(v->failures[i]);
	}
	free(v->failures);
}

/* The articles to align: one, or those of a folder or a manifest. */
static int make_list(tma_batch_list **out, const align_args *a, char **argv, int n,
		     tma_error *err)
{
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX], *name = NULL;
	const char *path[TMA_MAX_LANGS];
	int rc, k, l;

	if ((rc = tma_batch_list_new(out, err)))
		return rc;
	if (a->dir)
		return tma_batch_scan_dir(*out, a->dir, err);
	if (a->manifest)
		return tma_batch_read_manifest(*out, a->manifest, err);
	for (l = 0; l < n; l++) {
		k = cli_lang_file(lang[l], &path[l], argv[l]);
		if (k == -2)
			return cli_error(err, TMA_EUSAGE, "'%.*s' in '%s' is not a language code",
					      (int)(strchr(argv[l], '=') - argv[l]), argv[l], argv[l]);
		if (k)
			return cli_error(err, TMA_EUSAGE, "cannot tell the language of '%s': write "
					      "LANG=FILE or name it NAME.LANG.txt", argv[l]);
		for (k = 0; k < l; k++)
			if (strcmp(lang[k], lang[l]) == 0)
				return cli_error(err, TMA_EUSAGE, "language '%s' given twice", lang[l]);
	}
	if (!a->name && !(name = name_from_path(path[0])))
		return cli_error(err, TMA_EUSAGE, "out of memory");
	rc = tma_batch_list_add(*out, a->name ? a->name : name,
				(const char (*)[TMA_LANG_MAX])lang, path, n, err);
	free(name);
	return rc;
}

/* Align the list and report; the exit status. */
static int run(const align_args *a, tma_batch_list *list, tma_tm *tm, int single)
{
	tma_batch_opts bo;
	tma_batch_summary sum;
	batch_view v;
	tma_error err = { 0, "" };
	const char *const *notes;
	size_t nnotes = tma_batch_list_notes(list, &notes), i;
	int rc, status = EXIT_OK;

	for (i = 0; i < nnotes; i++)
		cli_warn("left out: %s", notes[i]);
	memset(&v, 0, sizeof(v));
	v.a = a;
	v.single = single;
	v.tm = tm ? tma_tm_path(tm) : NULL;
	v.total = tma_batch_list_count(list);
	v.start = v.last = wall();
	v.tty = isatty(2);
	v.info = a->mode == PRINT_NONE ? stdout : stderr;
	memset(&bo, 0, sizeof(bo));
	bo.jobs = single ? 1 : a->jobs;
	bo.resume = !single;
	bo.group = single ? 1 : 0;
	bo.seg_flags = a->flags;
	bo.encoding = a->encoding;
	bo.align.dictionary = a->dict;
	bo.align.dictionary_src = a->dict_src[0] ? a->dict_src : NULL;
	bo.align.dictionary_tgt = a->dict_tgt[0] ? a->dict_tgt : NULL;
	bo.align.no_lexicon = a->no_lexicon;
	bo.tm = tm;
	bo.on_result = on_article;
	bo.ctx = &v;
	bo.stop = &interrupted;
	interrupted = 0;
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	rc = tma_batch_run(list, &bo, &sum, &err);
	if (rc)
		status = cli_report(&err);
	if (single) {
		if (status == EXIT_OK)
			status = v.status;
	} else {
		batch_summary(&v, &sum, tma_batch_list_count(list), nnotes, rc != 0);
		if (status == EXIT_OK && sum.failed)
			status = EXIT_FAIL;
	}
	if (sum.interrupted)
		status = 130;
	/* Only now: a Ctrl-C after the last article still gets its summary. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return status;
}

/* --dict [SRC-TGT=]FILE. Returns 0, or -1 when SRC-TGT names no languages. */
static int parse_dict(align_args *a, const char *arg)
{
	const char *eq = strchr(arg, '='), *dash = eq ? memchr(arg, '-', (size_t)(eq - arg)) : NULL;
	char src[TMA_LANG_MAX], tgt[TMA_LANG_MAX];

	a->dict = arg;
	if (!eq || !dash)
		return 0;
	snprintf(src, sizeof(src), "%.*s", (int)(dash - arg), arg);
	snprintf(tgt, sizeof(tgt), "%.*s", (int)(eq - dash - 1), dash + 1);
	if (tma_lang_normalize(a->dict_src, NULL, src) || tma_lang_normalize(a->dict_tgt, NULL, tgt))
		return -1;
	a->dict = eq + 1;
	return 0;
}

static int parse_args(align_args *a, int argc, char **argv)
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
	int c;

	memset(a, 0, sizeof(*a));
	a->store = 1;
	a->low = 0.5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->flags |= TMA_SEG_PRESEGMENTED; break;
		case 'n': a->store = 0; break;
		case 'e': a->encoding = optarg; break;
		case 'j': a->flags |= TMA_SEG_JOIN_LINES; break;
		case 'L': a->no_lexicon = 1; break;
		case 't': a->tm_path = optarg; break;
		case 'N': a->name = optarg; break;
		case 'D': a->dir = optarg; break;
		case 'M': a->manifest = optarg; break;
		case 'd':
			if (parse_dict(a, optarg))
				return cli_usage_error("align", "--dict SRC-TGT=FILE: '%s' names no "
						       "languages", optarg);
			break;
		case 'w':
			if (cli_parse_double(optarg, 0, 1, &a->low))
				return cli_usage_error("align", "--low is a score from 0 to 1, not "
						       "'%s'", optarg);
			break;
		case 'J':
			if (cli_parse_int(optarg, 1, 256, &a->jobs))
				return cli_usage_error("align", "--jobs is a number from 1 to 256, "
						       "not '%s'", optarg);
			break;
		case 'P':
			if (strcmp(optarg, "ladder") == 0)
				a->mode = PRINT_LADDER;
			else if (strcmp(optarg, "jsonl") == 0)
				a->mode = PRINT_JSONL;
			else if (strcmp(optarg, "tsv") == 0)
				a->mode = PRINT_TSV;
			else
				return cli_usage_error("align",
						       "--print is ladder, jsonl or tsv, not '%s'",
						       optarg);
			break;
		case 'h': cli_print_usage(stdout, "align"); return -1;
		default: cli_print_usage(stderr, "align"); return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

int cmd_align(int argc, char **argv)
{
	align_args a;
	tma_batch_list *list = NULL;
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };
	int status = parse_args(&a, argc, argv), single, n = argc - optind;

	if (status)
		return status < 0 ? EXIT_OK : status;
	single = !a.dir && !a.manifest;
	if (!single) {
		if (a.dir && a.manifest)
			return cli_usage_error("align", "--dir or --manifest, not both");
		if (n > 0)
			return cli_usage_error("align", "--dir and --manifest take no LANG=FILE");
		if (a.name)
			return cli_usage_error("align", "--name is for one article");
		if (a.dict && !a.dict_src[0])
			return cli_usage_error("align", "with --dir or --manifest, say the "
					       "dictionary's languages: --dict SRC-TGT=FILE");
		if (!a.store && a.mode == PRINT_NONE)
			a.mode = PRINT_JSONL;
	} else {
		if (n < 2 || n > TMA_MAX_LANGS)
			return cli_usage_error("align", "give two or three LANG=FILE");
		if (!a.store && a.mode == PRINT_NONE)
			a.mode = PRINT_LADDER;
	}
	if (make_list(&list, &a, argv + optind, n, &err)) {
		status = cli_report(&err);
		if (err.code == TMA_EUSAGE)
			cli_print_usage(stderr, "align");
		goto done;
	}
	if (single && !a.dict_src[0] && a.dict) {
		const tma_batch_item *it = tma_batch_list_item(list, 0);
		memcpy(a.dict_src, it->lang[0], TMA_LANG_MAX);
		memcpy(a.dict_tgt, it->lang[1], TMA_LANG_MAX);
	}
	if (a.store && cli_index_words(cli_tm_path(a.tm_path), &err)) {
		status = cli_report(&err);
		goto done;
	}
	/* The memory is made only when something is stored into it. */
	if (a.store && tma_tm_open(&tm, cli_tm_path(a.tm_path), TMA_TM_CREATE, &err)) {
		status = cli_report(&err);
		goto done;
	}
	status = run(&a, list, tm, single);
done:
	tma_tm_close(tm);
	tma_batch_list_free(list);
	return status;
}
