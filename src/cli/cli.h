/*
 * cli.h - what the command-line layer shares: the command table entry and
 * the helpers that print. Only this layer prints or exits; it reaches the
 * library through include/tmalign.h alone.
 */
#ifndef TMALIGN_CLI_H
#define TMALIGN_CLI_H

#include <stdio.h>

#include "tmalign.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;
} cli_command;

/* The command called name, or NULL. */
const cli_command *cli_find(const char *name);

/* Print "tmalign: MESSAGE" for err; return the exit status it deserves. */
int cli_report(const tma_error *err);

/* Print "tmalign CMD: FORMAT..." and the command's usage; return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the usage of cmd to f. */
void cli_print_usage(FILE *f, const char *cmd);

/* Print a warning "tmalign: FORMAT..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse "LANG=FILE" or a FILE named NAME.LANG.txt into lang and *path.
 * Returns 0, or -1 when no language can be found.
 */
int cli_lang_file(char lang[TMA_LANG_MAX], const char **path, char *arg);

/* The memory to use: the option's value, else $TMALIGN_TM, else the default. */
const char *cli_tm_path(const char *opt);

/*
 * Open (creating when needed) the memory at path for a command that stores;
 * *created says whether it did not exist. cli_tm_close_new closes it and,
 * when this command created it and kept nothing in it, removes it again: a
 * failed command leaves no trace.
 */
int cli_tm_open_new(tma_tm **out, const char *path, int *created,
		    tma_error *err);
void cli_tm_close_new(tma_tm *tm, const char *path, int created, int kept);

int cmd_segment(int argc, char **argv);
int cmd_docs(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
