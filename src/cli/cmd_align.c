/*
 * cmd_align.c - `tmalign align`: the versions of one article in, aligned
 * units out (printed, and kept in the memory).
 */
#include <getopt.h>
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

static int print_jsonl(const tma_alignment *al, tma_doc *const *docs,
		       const char *name)
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *encoding = NULL, *path[TMA_MAX_LANGS], *tm_path = NULL;
	const char *name_opt = NULL;
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
	if (tma_aligner_new(&aligner, &aopts, &err) ||
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
	else if (mode == PRINT_JSONL && print_jsonl(al, docs, name))
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
