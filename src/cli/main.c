/*
 * main.c - the tmalign command: a table of subcommands and dispatch.
 *
 * Each command lives in cmd_<name>.c and returns an exit status: 0 success,
 * 1 a failure it has reported, 2 a usage error.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_command commands[] = {
	{ "segment", cmd_segment, "split an article into paragraphs and sentences",
	  "tmalign segment [--lang L] [--format text|jsonl] [--encoding NAME|auto]\n"
	  "                [--join-lines] [--presegmented] [FILE|-]" },
	{ "align", cmd_align, "align two or three versions of an article",
	  "tmalign align [--presegmented] [--join-lines] [--encoding NAME|auto]\n"
	  "              [--no-store] [--print ladder|jsonl|tsv] [--dict FILE]\n"
	  "              [--no-lexicon] [--tm PATH] [--name NAME] [--low SCORE]\n"
	  "              LANG=FILE LANG=FILE [LANG=FILE]\n"
	  "       tmalign align [options] --dir DIR|--manifest FILE|- [--jobs N]\n"
	  "  (a file named NAME.LANG.txt may be given without LANG=; the document\n"
	  "  is named NAME unless --name says otherwise; --dir finds every set\n"
	  "  NAME.LANG.txt under DIR; a manifest has NAME<TAB>LANG=FILE... lines)" },
	{ "export", cmd_export, "write the memory as TMX 1.4b or JSON",
	  "tmalign export [--tm PATH] --format tmx|json|jsonl [--langs en,uk,ru]\n"
	  "               [--src L] [--doc NAME] [--min-score S] [-o FILE]" },
	{ "import", cmd_import, "read TMX or JSON Lines into the memory",
	  "tmalign import [--tm PATH] FILE..." },
	{ "lookup", cmd_lookup, "how was this translated before?",
	  "tmalign lookup [--tm PATH] --from L [--to L[,L]] [--min N] [--limit N]\n"
	  "               [--json] [--concordance | --translations] PHRASE\n"
	  "       tmalign lookup ... --stdin   (a query a line, JSON Lines out)\n"
	  "  (a phrase no stored sentence is as a whole gets its translations and\n"
	  "  the sentences that hold it; --translations sums up how the memory\n"
	  "  translated it, --concordance lists those sentences, marked)" },
	{ "train", cmd_train, "learn how words translate, for lookup",
	  "tmalign train [--tm PATH] [--full] [--dict SPEC]... [--no-dicts]\n"
	  "  (learns from the units stored since the last training; --full\n"
	  "  learns anew from all, starting from the bilingual dictionaries\n"
	  "  installed for the memory's languages and from each --dict: a file\n"
	  "  or an installed dictionary's name, as [SRC-TGT=]SPEC)" },
	{ "docs", cmd_docs, "list the documents in the memory",
	  "tmalign docs [--tm PATH]" },
	{ "stats", cmd_stats, "figures about the memory",
	  "tmalign stats [--tm PATH]" },
	{ "rm", cmd_rm, "remove documents from the memory",
	  "tmalign rm [--tm PATH] NAME..." },
	{ "check", cmd_check, "check the memory is whole; print a digest of it",
	  "tmalign check [--tm PATH]" },
	{ "help", cmd_help, "show the commands or one command's usage",
	  "tmalign help [COMMAND]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const cli_command *cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void cli_print_usage(FILE *f, const char *cmd)
{
	const cli_command *c = cli_find(cmd);

	if (c)
		fprintf(f, "usage: %s\n", c->usage);
}

int cli_report(const tma_error *err)
{
	fprintf(stderr, "tmalign: %s\n",
		err->message[0] ? err->message : tma_strerror(err->code));
	return err->code == TMA_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tmalign %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_print_usage(stderr, cmd);
	return EXIT_USAGE;
}

int cli_error(tma_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("tmalign: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Does s[0..n) look like a language tag (letters, digits, - and _)? */
static int tag_like(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= TMA_LANG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
			    s[i]))
			return 0;
	return 1;
}

int cli_lang_file(char lang[TMA_LANG_MAX], const char **path, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq && tag_like(arg, (size_t)(eq - arg))) {
		char tag[TMA_LANG_MAX];
		snprintf(tag, sizeof(tag), "%.*s", (int)(eq - arg), arg);
		*path = eq + 1;
		return tma_lang_normalize(lang, NULL, tag) == TMA_OK ? 0 : -2;
	}
	*path = arg;
	return tma_lang_from_filename(lang, NULL, 0, arg) == TMA_OK ? 0 : -1;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi || s[0] == ' ' || s[0] == '+')
		return -1;
	*out = (int)v;
	return 0;
}

int cmd_help(int argc, char **argv)
{
	size_t i;

	if (argc > 1) {
		if (!cli_find(argv[1]))
			return cli_usage_error("help", "no command '%s'", argv[1]);
		cli_print_usage(stdout, argv[1]);
		return EXIT_OK;
	}
	printf("usage: tmalign COMMAND [OPTIONS] [ARGS]\n"
	       "       tmalign --version\n\n"
	       "Aligns the sentences of an article's translations and keeps them in a\n"
	       "translation memory.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].summary);
	printf("\n'tmalign help COMMAND' shows a command's options.\n");
	return EXIT_OK;
}

static void index_progress(size_t done, size_t total, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "tmalign: word forms: %zu of %zu sentences indexed\n", done, total);
}

int cli_index_words(const char *path, tma_error *err)
{
	tma_tm *tm = NULL;
	size_t n = 0;
	int rc;

	/* A memory that cannot be opened is the command's own open to report. */
	if (tma_tm_open(&tm, path, TMA_TM_READONLY, err))
		return TMA_OK;
	if ((rc = tma_tm_words_backlog(tm, &n, err)) || n == 0) {
		tma_tm_close(tm);
		return rc;
	}
	tma_tm_close(tm);
	fprintf(stderr, "tmalign: %s: indexing the word forms of %zu sentences stored by an "
		"older tmalign (once)\n", path, n);
	if ((rc = tma_tm_open(&tm, path, 0, err)) == TMA_OK)
		rc = tma_tm_index_words(tm, index_progress, NULL, err);
	tma_tm_close(tm);
	return rc;
}

const char *cli_tm_path(const char *opt)
{
	const char *env = getenv("TMALIGN_TM");

	if (opt && *opt)
		return opt;
	return env && *env ? env : TMA_TM_DEFAULT;
}

int main(int argc, char **argv)
{
	const cli_command *c;
	int rc;

	/* A file size limit must fail a write, not kill the process. */
	signal(SIGXFSZ, SIG_IGN);

	if (argc < 2) {
		cmd_help(1, argv);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("tmalign %s\n", TMA_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(1, argv);
	c = cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "tmalign: '%s' is not a command; see 'tmalign help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	rc = c->run(argc - 1, argv + 1);
	/* Output that could not be written is a failure, whatever the command. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == EXIT_OK) {
		fprintf(stderr, "tmalign: cannot write the output: %s\n", strerror(errno));
		rc = EXIT_FAIL;
	}
	tma_cleanup();
	return rc;
}
