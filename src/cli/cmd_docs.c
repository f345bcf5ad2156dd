/*
 * cmd_docs.c - `tmalign docs`, `stats`, `check` and `rm`: what the memory
 * holds, whether it is whole, and taking documents out of it.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

/* Parse the one option these commands take; returns -1 on a usage error. */
static int tm_option(int argc, char **argv, const char *cmd, const char **tm)
{
	static const struct option opts[] = {
		{ "tm", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*tm = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 't') {
			*tm = optarg;
		} else {
			cli_print_usage(c == 'h' ? stdout : stderr, cmd);
			return c == 'h' ? 1 : -1;
		}
	}
	return 0;
}

static int print_doc(const tma_doc_info *d, void *ctx)
{
	(void)ctx;
	printf("%s\t%s\t%zu units\t%s\t%s\n", d->name, d->langs, d->units,
	       d->created, d->origin);
	return 0;
}

int cmd_docs(int argc, char **argv)
{
	const char *path;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	int r = tm_option(argc, argv, "docs", &path), status = EXIT_OK;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error("docs", "no arguments");
	if (tma_tm_open(&tm, cli_tm_path(path), TMA_TM_READONLY, &err) ||
	    tma_tm_list(tm, print_doc, NULL, &err))
		status = cli_report(&err);
	tma_tm_close(tm);
	return status;
}

int cmd_stats(int argc, char **argv)
{
	const char *path;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	tma_stats *s = NULL;
	int r = tm_option(argc, argv, "stats", &path), status = EXIT_OK, k;
	size_t most = 1;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error("stats", "no arguments");
	if (tma_tm_open(&tm, cli_tm_path(path), TMA_TM_READONLY, &err) ||
	    tma_tm_stats(tm, &s, &err)) {
		status = cli_report(&err);
		goto done;
	}
	printf("memory %s\n", cli_tm_path(path));
	printf("documents %zu\nunits %zu\nsentences %zu\n", s->documents, s->units,
	       s->sentences);
	for (k = 0; k < s->npairs; k++)
		printf("units %s-%s %zu\n", s->pairs[k].a, s->pairs[k].b, s->pairs[k].units);
	for (k = 0; k < 10; k++)
		if (s->histogram[k] > most)
			most = s->histogram[k];
	printf("score histogram:\n");
	for (k = 0; k < 10; k++) {
		int bar = (int)(40 * s->histogram[k] / most), b;
		printf("  %.1f-%.1f %8zu ", k / 10.0, (k + 1) / 10.0, s->histogram[k]);
		for (b = 0; b < bar; b++)
			putchar('#');
		putchar('\n');
	}
done:
	tma_stats_free(s);
	tma_tm_close(tm);
	return status;
}

int cmd_rm(int argc, char **argv)
{
	const char *path;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	int r = tm_option(argc, argv, "rm", &path), status = EXIT_OK;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind >= argc)
		return cli_usage_error("rm", "name the documents to remove");
	if (tma_tm_open(&tm, cli_tm_path(path), 0, &err))
		return cli_report(&err);
	for (; optind < argc; optind++) {
		if (tma_tm_remove(tm, argv[optind], &err))
			status = cli_report(&err);
		else
			printf("removed %s\n", argv[optind]);
	}
	tma_tm_close(tm);
	return status;
}

int cmd_check(int argc, char **argv)
{
	const char *path;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	uint64_t digest;
	int r = tm_option(argc, argv, "check", &path), status = EXIT_OK;

	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error("check", "no arguments");
	/* Read-write when it can (the full-text index check asks for it). */
	if ((tma_tm_open(&tm, cli_tm_path(path), 0, &err) &&
	     tma_tm_open(&tm, cli_tm_path(path), TMA_TM_READONLY, &err)) ||
	    tma_tm_check(tm, &digest, &err))
		status = cli_report(&err);
	else
		printf("integrity ok\ndigest %016llx\n", (unsigned long long)digest);
	tma_tm_close(tm);
	return status;
}
