/*
 * cmd_lookup.c - `tmalign lookup`: prior translations of a phrase.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* source with the matched words marked: bold on a terminal, [..] otherwise. */
static void print_marked(const tma_hit *h, int tty)
{
	size_t pos = 0;
	int k;

	for (k = 0; k < h->nmark; k++) {
		fwrite(h->source + pos, 1, h->mark[k][0] - pos, stdout);
		fputs(tty ? "\033[1m" : "[", stdout);
		fwrite(h->source + h->mark[k][0], 1, h->mark[k][1] - h->mark[k][0], stdout);
		fputs(tty ? "\033[0m" : "]", stdout);
		pos = h->mark[k][1];
	}
	fputs(h->source + pos, stdout);
}

static void print_human(const tma_hit *hits, size_t n, const char *from)
{
	int tty = isatty(1);
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		const tma_hit *h = &hits[i];
		printf("%3d%%  %-11s %s", h->score, h->kind, h->doc);
		if (strcmp(h->kind, "concordance") == 0)
			printf("  (at byte %zu)", h->at);
		printf("\n  %s: ", from);
		print_marked(h, tty);
		putchar('\n');
		for (k = 0; k < h->ntrans; k++)
			printf("  %s: %s\n", h->trans[k].lang, h->trans[k].text);
	}
}

/* "lang": [start, end] into spans. */
static void add_span(cJSON *spans, const char *lang, size_t a, size_t b)
{
	cJSON *pair = spans ? cJSON_AddArrayToObject(spans, lang) : NULL;

	if (pair) {
		cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)a));
		cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)b));
	}
}

/* The hits as a JSON array (the caller frees); NULL when out of memory. */
static cJSON *hits_json(const tma_hit *hits, size_t n, const char *from)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;
	int k;

	for (i = 0; arr && i < n; i++) {
		const tma_hit *h = &hits[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddNumberToObject(o, "score", h->score) ||
		    !cJSON_AddStringToObject(o, "kind", h->kind) ||
		    !cJSON_AddStringToObject(o, "doc", h->doc) ||
		    !cJSON_AddStringToObject(o, from, h->source)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return NULL;
		}
		for (k = 0; k < h->ntrans; k++)
			cJSON_AddStringToObject(o, h->trans[k].lang, h->trans[k].text);
		if (strcmp(h->kind, "fuzzy") == 0)
			cJSON_AddNumberToObject(o, "surface_score", h->surface_score);
		if (strcmp(h->kind, "concordance") == 0) {
			cJSON *sp = cJSON_AddObjectToObject(o, "spans");
			cJSON_AddNumberToObject(o, "at", (double)h->at);
			cJSON_AddStringToObject(o, "form", h->same_form ? "as typed" : "inflected");
			add_span(sp, from, h->at, h->phrase_end);
			for (k = 0; k < h->ntrans; k++)
				if (h->trans[k].span[1] > h->trans[k].span[0])
					add_span(sp, h->trans[k].lang, h->trans[k].span[0],
						 h->trans[k].span[1]);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static int print_json(cJSON *item, int pretty)
{
	char *text = item ? (pretty ? cJSON_Print(item) : cJSON_PrintUnformatted(item))
			  : NULL;

	if (!text)
		return -1;
	puts(text);
	cJSON_free(text);
	return 0;
}

/* A query a line from standard input, a JSON object a line out. */
static int lookup_lines(tma_lookup *lk, const tma_lookup_opts *lo, const char *from)
{
	tma_lines *lines = NULL;
	tma_error err = { 0, "" };
	const char *line;
	size_t len, n;
	int got, status = EXIT_OK;

	/* Queries longer than the library takes are its to refuse. */
	if (tma_lines_open(&lines, "-", 1 << 20, &err))
		return cli_report(&err);
	while ((got = tma_lines_next(lines, &line, &len, &err)) != 0) {
		cJSON *o = cJSON_CreateObject();
		const tma_hit *hits;
		int rc = got < 0 ? got : tma_lookup_run(lk, lo, line, &hits, &n, &err);

		/* A query that is not text is not echoed: the output stays JSON. */
		if (got > 0 && rc != TMA_EINPUT)
			cJSON_AddStringToObject(o, "query", line);
		if (rc) {
			cJSON_AddNumberToObject(o, "line", (double)tma_lines_number(lines));
			cJSON_AddStringToObject(o, "error", err.message);
			status = EXIT_FAIL;
		} else {
			cJSON_AddItemToObject(o, "hits", hits_json(hits, n, from));
		}
		if (print_json(o, 0))
			status = EXIT_FAIL;
		cJSON_Delete(o);
	}
	tma_lines_close(lines);
	return status;
}

int cmd_lookup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tm", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'T' },
		{ "min", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "concordance", no_argument, NULL, 'c' },
		{ "stdin", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tma_lookup_opts lo = { NULL, NULL, 75, 10, 0 };
	const char *tm_path = NULL;
	char from[TMA_LANG_MAX];
	int c, json = 0, from_stdin = 0, status = EXIT_OK;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	tma_lookup *lk = NULL;
	const tma_hit *hits;
	size_t n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tm_path = optarg; break;
		case 'f': lo.from = optarg; break;
		case 'T': lo.to = optarg; break;
		case 'j': json = 1; break;
		case 'c': lo.concordance = 1; break;
		case 's': from_stdin = 1; break;
		case 'm':
			if (cli_parse_int(optarg, 1, 100, &lo.min))
				return cli_usage_error("lookup", "--min is a percentage, 1 to 100");
			break;
		case 'n':
			if (cli_parse_int(optarg, 1, 100000, &lo.limit))
				return cli_usage_error("lookup", "--limit is a number from 1 to "
						       "100000");
			break;
		case 'h': cli_print_usage(stdout, "lookup"); return EXIT_OK;
		default: cli_print_usage(stderr, "lookup"); return EXIT_USAGE;
		}
	}
	if (!lo.from || tma_lang_normalize(from, NULL, lo.from))
		return cli_usage_error("lookup", "--from names the query's language");
	if (from_stdin ? optind != argc : optind + 1 != argc)
		return cli_usage_error("lookup", from_stdin ? "--stdin takes no PHRASE"
				       : "give one PHRASE (quote it)");
	if (cli_index_words(cli_tm_path(tm_path), &err)) {
		status = cli_report(&err);
		goto done;
	}
	if (tma_tm_open(&tm, cli_tm_path(tm_path), TMA_TM_READONLY, &err) ||
	    tma_lookup_new(&lk, tm, &err)) {
		status = cli_report(&err);
		goto done;
	}
	if (!from_stdin) {
		if (tma_lookup_run(lk, &lo, argv[optind], &hits, &n, &err)) {
			status = cli_report(&err);
			goto done;
		}
		if (json) {
			cJSON *arr = hits_json(hits, n, from);
			if (print_json(arr, 1))
				status = EXIT_FAIL;
			cJSON_Delete(arr);
		} else {
			print_human(hits, n, from);
			if (!n)
				fprintf(stderr, "tmalign: nothing found\n");
		}
	} else {
		status = lookup_lines(lk, &lo, from);
	}
	if (fflush(stdout) || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = EXIT_FAIL;
	}
done:
	tma_lookup_free(lk);
	tma_tm_close(tm);
	return status;
}
