/*
 * cmd_train.c - `tmalign train`: the memory's word translation model, made
 * anew or brought up to the units stored since.
 */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cmd_train(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tm", required_argument, NULL, 't' },
		{ "full", no_argument, NULL, 'f' },
		{ "dict", required_argument, NULL, 'd' },
		{ "no-dicts", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tm_path = NULL;
	tma_error err = { 0, "" };
	tma_train_result res;
	tma_train_opts to;
	const char *dicts[32];
	tma_tm *tm = NULL;
	struct timespec t0, t1;
	int c, status = EXIT_OK;

	memset(&to, 0, sizeof(to));
	to.dicts = dicts;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tm_path = optarg; break;
		case 'f': to.full = 1; break;
		case 'd':
			if (to.ndicts == sizeof(dicts) / sizeof(dicts[0]))
				return cli_usage_error("train", "more than 32 dictionaries");
			dicts[to.ndicts++] = optarg;
			break;
		case 'n': to.no_installed = 1; break;
		case 'h': cli_print_usage(stdout, "train"); return EXIT_OK;
		default: cli_print_usage(stderr, "train"); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("train", "unexpected '%s'", argv[optind]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cli_index_words(cli_tm_path(tm_path), &err) ||
	    tma_tm_open(&tm, cli_tm_path(tm_path), 0, &err) ||
	    tma_tm_train(tm, &to, &res, &err)) {
		status = cli_report(&err);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%s the word model of %s: %zu unit%s, %d language pair%s, in %.1f s\n",
		       res.full ? "trained" : "brought up to date", tma_tm_path(tm), res.units,
		       res.units == 1 ? "" : "s", res.pairs, res.pairs == 1 ? "" : "s",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (res.dicts[0])
			printf("dictionaries: %s\n", res.dicts);
	}
	tma_tm_close(tm);
	return status;
}
