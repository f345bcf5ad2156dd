/*
 * cmd_lookup.c - `tmalign lookup`: prior translations of a phrase.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"

#define PHRASE_WORDS 6    /* words of a query that is a phrase, not a sentence */

/* s with bytes [a, b) marked: bold on a terminal, [..] otherwise. */
static void print_span(const char *s, size_t a, size_t b, int tty)
{
	fwrite(s, 1, a, stdout);
	fputs(tty ? "\033[1m" : "[", stdout);
	fwrite(s + a, 1, b - a, stdout);
	fputs(tty ? "\033[0m" : "]", stdout);
	fputs(s + b, stdout);
}

/* source with the matched words marked, each on its own. */
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

/*
 * Exact and fuzzy hits with their percentage; concordance hits as a
 * translator reads them: the document, the phrase marked in the source
 * and its translation marked in each target.
 */
static void print_human(const tma_hit *hits, size_t n, const char *from)
{
	int tty = isatty(1);
	size_t i, docs = 0;
	int k;

	for (i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < i && strcmp(hits[j].doc, hits[i].doc); j++)
			;
		docs += j == i;
	}
	if (n && strcmp(hits[0].kind, "concordance") == 0)
		printf("%zu occurrence%s in %zu document%s\n", n, n == 1 ? "" : "s", docs,
		       docs == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const tma_hit *h = &hits[i];
		if (strcmp(h->kind, "concordance") == 0) {
			printf("%s%s\n  %s: ", h->doc, h->same_form ? "" : "  (another form)", from);
			print_span(h->source, h->at, h->phrase_end, tty);
		} else {
			printf("%3d%%  %-11s %s\n  %s: ", h->score, h->kind, h->doc, from);
			print_marked(h, tty);
		}
		putchar('\n');
		for (k = 0; k < h->ntrans; k++) {
			const tma_hit_trans *t = &h->trans[k];
			printf("  %s: ", t->lang);
			if (t->span[1] > t->span[0])
				print_span(t->text, t->span[0], t->span[1], tty);
			else
				fputs(t->text, stdout);
			putchar('\n');
		}
	}
}

/* "Supreme Court -> uk: Верховного суду 5, Верховний суд 2", a line a language. */
static void print_translations(const char *phrase, const tma_translation *tr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(tr[i].lang, tr[i - 1].lang))
			printf("%s%s → %s: ", i ? "\n" : "", phrase, tr[i].lang);
		else
			fputs(", ", stdout);
		printf("%s %d", tr[i].text, tr[i].count);
	}
	if (n)
		putchar('\n');
}

/* The translations as a JSON array (the caller frees); NULL out of memory. */
static cJSON *translations_json(const tma_translation *tr, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;
	int k;

	for (i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject(), *forms, *docs;
		if (!o || !cJSON_AddStringToObject(o, "lang", tr[i].lang) ||
		    !cJSON_AddStringToObject(o, "text", tr[i].text) ||
		    !cJSON_AddStringToObject(o, "norm", tr[i].norm) ||
		    !cJSON_AddNumberToObject(o, "count", tr[i].count) ||
		    !(forms = cJSON_AddArrayToObject(o, "forms")) ||
		    !(docs = cJSON_AddArrayToObject(o, "docs"))) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return NULL;
		}
		for (k = 0; k < tr[i].nforms; k++) {
			cJSON *f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "text", tr[i].forms[k].text);
			cJSON_AddNumberToObject(f, "count", tr[i].forms[k].count);
			cJSON_AddItemToArray(forms, f);
		}
		for (k = 0; k < tr[i].ndocs; k++)
			cJSON_AddItemToArray(docs, cJSON_CreateString(tr[i].docs[k]));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
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
static int lookup_lines(tma_lookup *lk, const tma_lookup_opts *lo, const char *from,
			int translations)
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
		const tma_translation *tr;
		int rc = got < 0 ? got : translations ? tma_lookup_translations(lk, lo, line, &tr, &n, &err)
			 : tma_lookup_run(lk, lo, line, &hits, &n, &err);

		/* A query that is not text is not echoed: the output stays JSON. */
		if (got > 0 && rc != TMA_EINPUT)
			cJSON_AddStringToObject(o, "query", line);
		if (rc) {
			cJSON_AddNumberToObject(o, "line", (double)tma_lines_number(lines));
			cJSON_AddStringToObject(o, "error", err.message);
			status = EXIT_FAIL;
		} else if (translations) {
			cJSON_AddItemToObject(o, "translations", translations_json(tr, n));
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

/* Say on stderr when spans come without a word model, or from an old one. */
static void model_note(tma_tm *tm, int spans, int json)
{
	tma_model_state st;
	tma_error err = { 0, "" };

	if (!spans || json || tma_tm_model_state(tm, &st, &err))
		return;
	if (!st.has_model)
		cli_warn("note: the memory has no word model yet, so translations are "
			 "marked from names, numbers and cognates only: run 'tmalign train'");
	else if (st.untrained)
		cli_warn("note: the word model has not learned from the %zu newest units: "
			 "run 'tmalign train'", st.untrained);
	else if (st.removed)
		cli_warn("note: the word model still counts %zu units removed since it was "
			 "trained: 'tmalign train --full' forgets them", st.removed);
}

/* Few words: a phrase to look up inside sentences, not a sentence. */
static int is_phrase(const char *q)
{
	int words = 0, in = 0;

	for (; *q; q++) {
		int sp = *q == ' ' || *q == '\t';
		words += !sp && !in;
		in = !sp;
	}
	return words <= PHRASE_WORDS;
}

/* One query from the command line, printed; the exit status. */
static int lookup_one(tma_lookup *lk, tma_lookup_opts *lo, const char *from,
		      const char *q, int translations, int json, tma_tm *tm)
{
	const tma_translation *tr = NULL;
	const tma_hit *hits;
	size_t n, ntr = 0;
	tma_error err = { 0, "" };
	int status = EXIT_OK, fallback = 0;

	if (!translations) {
		if (tma_lookup_run(lk, lo, q, &hits, &n, &err))
			return cli_report(&err);
		/* A phrase no whole sentence matches: its translations and concordance. */
		if (!lo->concordance && !n && is_phrase(q)) {
			fallback = 1;
			lo->concordance = 1;
		}
	}
	if ((translations || fallback) && tma_lookup_translations(lk, lo, q, &tr, &ntr, &err))
		return cli_report(&err);
	/* The summary ran its own search: the hits to show come after it. */
	if (fallback && tma_lookup_run(lk, lo, q, &hits, &n, &err))
		return cli_report(&err);
	if (n || ntr)
		model_note(tm, lo->concordance || translations, json);
	if (fallback && n)
		cli_warn("no stored sentence is '%s' as a whole; %s", q,
			 ntr ? "its translations and the sentences that hold it:"
			     : "the sentences that hold it:");
	if (json) {
		cJSON *arr = translations ? translations_json(tr, ntr) : hits_json(hits, n, from);
		if (print_json(arr, 1))
			status = EXIT_FAIL;
		cJSON_Delete(arr);
		return status;
	}
	print_translations(q, tr, ntr);
	if (fallback && ntr && n)
		putchar('\n');
	if (!translations)
		print_human(hits, n, from);
	if (translations ? !ntr : !n)
		cli_warn("nothing found in %s%s", tma_tm_path(tm),
			 lo->concordance || translations ? ""
			 : " (for a phrase inside sentences: --concordance)");
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
		{ "translations", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tma_lookup_opts lo = { NULL, NULL, 75, 10, 0 };
	const char *tm_path = NULL;
	char from[TMA_LANG_MAX];
	int c, json = 0, from_stdin = 0, translations = 0, status = EXIT_OK;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	tma_lookup *lk = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tm_path = optarg; break;
		case 'f': lo.from = optarg; break;
		case 'T': lo.to = optarg; break;
		case 'j': json = 1; break;
		case 'c': lo.concordance = 1; break;
		case 's': from_stdin = 1; break;
		case 'r': translations = 1; break;
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
	if (translations && lo.concordance)
		return cli_usage_error("lookup", "--translations and --concordance: give one");
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
	if (from_stdin)
		status = lookup_lines(lk, &lo, from, translations);
	else
		status = lookup_one(lk, &lo, from, argv[optind], translations, json, tm);
	if (fflush(stdout) || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = EXIT_FAIL;
	}
done:
	tma_lookup_free(lk);
	tma_tm_close(tm);
	return status;
}
