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

/* Fill err with code and a printf-style message; returns code. */
int cli_error(tma_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print a warning "tmalign: FORMAT..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse "LANG=FILE" or a FILE named NAME.LANG.txt into lang and *path.
 * Returns 0; -1 when no language can be found, -2 when LANG is not one.
 */
int cli_lang_file(char lang[TMA_LANG_MAX], const char **path, const char *arg);

/*
 * Parse all of s as a number from lo to hi (no trailing text, nothing
 * infinite or NaN). 0, or -1 when it is not one.
 */
int cli_parse_double(const char *s, double lo, double hi, double *out);
int cli_parse_int(const char *s, long lo, long hi, int *out);

/*
 * Index the word forms of what an older tmalign stored in the memory at
 * path, saying so and how far it is on stderr; nothing when there is no
 * memory or nothing to do.
 */
int cli_index_words(const char *path, tma_error *err);

/* The memory to use: the option's value, else $TMALIGN_TM, else the default. */
const char *cli_tm_path(const char *opt);


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
int cmd_train(int argc, char **argv);

#endif
