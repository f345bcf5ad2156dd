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

/* Is st the memory at tm, or a file SQLite keeps beside it? */
static int is_memory(const struct stat *st, const char *tm)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];
	struct stat m;
	size_t k;

	for (k = 0; k < sizeof(suffix) / sizeof(suffix[0]); k++) {
		snprintf(name, sizeof(name), "%s%s", tm, suffix[k]);
		if (stat(name, &m) == 0 && m.st_dev == st->st_dev && m.st_ino == st->st_ino)
			return 1;
	}
	return 0;
}

/*
 * The absolute name of path, its folder resolved (the file itself need
 * not exist); NULL when the folder does not.
 */
static char *absolute(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *out;
	size_t n;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	real = dir ? realpath(dir, NULL) : NULL;
	free(dir);
	if (!real)
		return NULL;
	n = strlen(real) + strlen(path) + 2;
	if ((out = malloc(n)))
		snprintf(out, n, "%s/%s", real, slash ? slash + 1 : path);
	free(real);
	return out;
}

/* Is path named as the memory tm, or a file SQLite keeps beside it? */
static int names_memory(const char *path, const char *tm)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char *p = absolute(path), *m = absolute(tm);
	size_t k, n = m ? strlen(m) : 0;
	int same = 0;

	for (k = 0; p && m && k < sizeof(suffix) / sizeof(suffix[0]); k++)
		same |= strncmp(p, m, n) == 0 && strcmp(p + n, suffix[k]) == 0;
	free(p);
	free(m);
	return same;
}

/* Where an export goes, and how it gets there. */
typedef struct target {
	const char *name;          /* as given, for messages */
	char *path;                /* the file written: a link's target */
	char tmp[4096];            /* written aside, renamed into path at the end */
	int aside;
	FILE *f;
} target;

/*
 * Open the output: "-" is standard output; a device or a FIFO is written
 * in place; a regular file (or the file a link points to) is written
 * beside it and renamed over it at the end, keeping its mode; the memory
 * itself, a directory or anything else is refused. Returns 0 or -1 (said).
 */
static int open_target(target *t, const char *output, const char *tm)
{
	struct stat st;
	mode_t mode, mask;
	int fd;

	memset(t, 0, sizeof(*t));
	t->name = output;
	if (strcmp(output, "-") == 0) {
		t->f = stdout;
		return 0;
	}
	if (lstat(output, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!(t->path = realpath(output, NULL))) {
			cli_warn("%s: a link to nothing; not written", output);
			return -1;
		}
	} else if (!(t->path = strdup(output))) {
		cli_warn("out of memory");
		return -1;
	}
	if (names_memory(t->path, tm)) {
		cli_warn("%s: is the memory being exported; not written", output);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	mode = 0666 & ~mask;
	if (stat(t->path, &st) == 0) {
		if (is_memory(&st, tm)) {
			cli_warn("%s: is the memory being exported; not written", output);
			return -1;
		}
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
			if (!(t->f = fopen(t->path, "w"))) {
				cli_warn("%s: cannot write: %s", output, strerror(errno));
				return -1;
			}
			return 0;
		}
		if (!S_ISREG(st.st_mode)) {
			cli_warn("%s: not a regular file; not written", output);
			return -1;
		}
		mode = st.st_mode & 07777;
	}
	/* Write beside the target and rename: no half-written file stays. */
	snprintf(t->tmp, sizeof(t->tmp), "%s.tmp-XXXXXX", t->path);
	fd = mkstemp(t->tmp);
	if (fd >= 0)
		fchmod(fd, mode);
	t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!t->f) {
		cli_warn("%s: cannot write: %s", output, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(t->tmp);
		}
		return -1;
	}
	t->aside = 1;
	return 0;
}

/* Finish the output: flushed, closed and in place, or removed. */
static int close_target(target *t, int ok)
{
	int failed = fflush(t->f) != 0 || ferror(t->f);

	if (failed && ok)
		cli_warn("%s: cannot write: %s", t->name, strerror(errno));
	ok = ok && !failed;
	if (t->f != stdout && fclose(t->f) != 0 && ok) {
		cli_warn("%s: cannot write: %s", t->name, strerror(errno));
		ok = 0;
	}
	if (t->aside && ok && rename(t->tmp, t->path) != 0) {
		cli_warn("%s: cannot write: %s", t->name, strerror(errno));
		ok = 0;
	}
	if (t->aside && !ok)
		unlink(t->tmp);
	free(t->path);
	return ok ? 0 : -1;
}

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
	const char *tm_path = NULL, *format = NULL, *output = "-";
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	target t;
	size_t units = 0;
	int c, rc, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tm_path = optarg; break;
		case 'f': format = optarg; break;
		case 'l': eo.langs = optarg; break;
		case 's': eo.srclang = optarg; break;
		case 'd': eo.doc = optarg; break;
		case 'o': output = optarg; break;
		case 'm':
			if (cli_parse_double(optarg, 0, 1, &eo.min_score))
				return cli_usage_error("export", "--min-score is a number from 0 to "
						       "1, not '%s'", optarg);
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
	if (open_target(&t, output, cli_tm_path(tm_path))) {
		tma_tm_close(tm);
		return EXIT_FAIL;
	}
	if (strcmp(format, "tmx") == 0)
		rc = tma_export_tmx(tm, &eo, t.f, &units, &err);
	else
		rc = tma_export_json(tm, &eo, strcmp(format, "jsonl") == 0, t.f, &units, &err);
	if (rc)
		status = cli_report(&err);
	if (close_target(&t, status == EXIT_OK) && status == EXIT_OK)
		status = EXIT_FAIL;
	else if (strcmp(output, "-") != 0)
		fprintf(stderr, "exported %zu units to %s\n", units, output);
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
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tma_import_opts io = { 0 };
	const char *tm_path = NULL;
	tma_error err = { 0, "" };
	tma_tm *tm = NULL;
	int c, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 't') {
			tm_path = optarg;
		} else if (c == 'r') {
			io.replace = 1;
		} else {
			cli_print_usage(c == 'h' ? stdout : stderr, "import");
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("import", "name the TMX or JSONL files to import");
	if (cli_index_words(cli_tm_path(tm_path), &err))
		return cli_report(&err);
	if (tma_tm_open(&tm, cli_tm_path(tm_path), TMA_TM_CREATE, &err))
		return cli_report(&err);
	for (; optind < argc; optind++) {
		const char *path = argv[optind];
		tma_import_result res;
		size_t k;
		int rc = is_tmx(path) ? tma_import_tmx(tm, path, &io, &res, &err)
				      : tma_import_jsonl(tm, path, &io, &res, &err);
		if (rc) {
			status = cli_report(&err);
			fprintf(stderr, "tmalign: %s: nothing imported\n", path);
			continue;
		}
		printf("imported %s into %s: %zu document%s, %zu unit%s", path,
		       tma_tm_path(tm), res.documents, res.documents == 1 ? "" : "s",
		       res.units, res.units == 1 ? "" : "s");
		if (res.skipped)
			printf(", %zu already in the memory", res.skipped);
		putchar('\n');
		for (k = 0; k < res.nnotes; k++)
			printf("  %s\n", res.notes[k]);
		tma_import_result_free(&res);
	}
	tma_tm_close(tm);
	return status;
}
