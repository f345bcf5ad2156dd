/*
 * cmd_export.c - `tmalign export` and `tmalign import`: the memory out to
 * TMX or JSON, and TMX or JSON Lines into it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tm", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "langs", required_argument, NULL, 'l' },
		{ "src", required_argument, NULL, 's' },
		{ "doc", required_argument, NULL, 'd' },
		{ "min-score", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tma_export_opts eo = { NULL, NULL, NULL, 0 };
	const char *tm_path = NULL, *format = NULL, *output = NULL;
	char tmp[4096];
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	FILE *out = stdout;
	size_t units = 0;
	int c, rc, status = EXIT_OK, fd = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 't': tm_path = optarg; break;
		case 'f': format = optarg; break;
		case 'l': eo.langs = optarg; break;
		case 's': eo.srclang = optarg; break;
		case 'd': eo.doc = optarg; break;
		case 'o': output = optarg; break;
		case 'm':
			eo.min_score = strtod(optarg, &end);
			if (*end || end == optarg || eo.min_score < 0 || eo.min_score > 1)
				return cli_usage_error("export", "--min-score is a number from 0 to 1");
			break;
		case 'h': cli_print_usage(stdout, "export"); return EXIT_OK;
		default: cli_print_usage(stderr, "export"); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("export", "unexpected '%s'", argv[optind]);
	if (!format || (strcmp(format, "tmx") && strcmp(format, "json") &&
			strcmp(format, "jsonl")))
		return cli_usage_error("export", "--format is tmx, json or jsonl");
	if (tma_tm_open(&tm, cli_tm_path(tm_path), TMA_TM_READONLY, &err))
		return cli_report(&err);
	if (output) {
		/* Write beside the target and rename: no half-written file stays. */
		mode_t mask = umask(0);
		umask(mask);
		snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", output);
		fd = mkstemp(tmp);
		if (fd >= 0)
			fchmod(fd, 0666 & ~mask);
		out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!out) {
			cli_warn("%s: cannot write: %s", output, strerror(errno));
			if (fd >= 0)
				close(fd);
			tma_tm_close(tm);
			return EXIT_FAIL;
		}
	}
	if (strcmp(format, "tmx") == 0)
		rc = tma_export_tmx(tm, &eo, out, &units, &err);
	else
		rc = tma_export_json(tm, &eo, strcmp(format, "jsonl") == 0, out, &units, &err);
	if (rc)
		status = cli_report(&err);
	if (fflush(out) || ferror(out)) {
		if (!rc)
			cli_warn("%s: cannot write: %s", output ? output : "the output",
				 strerror(errno));
		status = EXIT_FAIL;
	}
	if (output) {
		if (fclose(out) != 0 && status == EXIT_OK) {
			cli_warn("%s: cannot write: %s", output, strerror(errno));
			status = EXIT_FAIL;
		}
		if (status == EXIT_OK && rename(tmp, output) != 0) {
			cli_warn("%s: cannot write: %s", output, strerror(errno));
			status = EXIT_FAIL;
		}
		if (status != EXIT_OK)
			unlink(tmp);
		else
			fprintf(stderr, "exported %zu units to %s\n", units, output);
	}
	tma_tm_close(tm);
	return status;
}

/* TMX or JSON Lines? By the name, else by the first character. */
static int is_tmx(const char *path)
{
	const char *dot = strrchr(path, '.');
	FILE *f;
	int c;

	if (dot && strcmp(dot, ".tmx") == 0)
		return 1;
	if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".json") == 0))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 1;   /* the TMX reader will say it cannot open it */
	while ((c = getc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t' ||
	       c == 0xEF || c == 0xBB || c == 0xBF)
		;
	fclose(f);
	return c != '{';
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tm", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tm_path = NULL;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	int c, status = EXIT_OK, created = 0, kept = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 't') {
			tm_path = optarg;
		} else {
			cli_print_usage(c == 'h' ? stdout : stderr, "import");
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("import", "name the TMX or JSONL files to import");
	if (cli_tm_open_new(&tm, cli_tm_path(tm_path), &created, &err))
		return cli_report(&err);
	for (; optind < argc; optind++) {
		const char *path = argv[optind];
		tma_import_result res;
		int rc = is_tmx(path) ? tma_import_tmx(tm, path, &res, &err)
				      : tma_import_jsonl(tm, path, &res, &err);
		if (rc) {
			status = cli_report(&err);
			fprintf(stderr, "tmalign: %s: nothing imported\n", path);
			continue;
		}
		kept |= res.documents > 0;
		printf("imported %s: %zu document%s, %zu unit%s", path, res.documents,
		       res.documents == 1 ? "" : "s", res.units, res.units == 1 ? "" : "s");
		if (res.skipped)
			printf(", %zu already in the memory", res.skipped);
		putchar('\n');
	}
	cli_tm_close_new(tm, cli_tm_path(tm_path), created, kept);
	return status;
}
