/*
 * dict.h - bilingual dictionaries as Debian ships them, read in place
 * (dict.c): entries of a phrase in one language and its translation in
 * another, nothing more. What a word is and how its forms match is the
 * reader's business (the word model, the aligner).
 *
 * Formats:
 *   dictd      FreeDict's dict-freedict-* packages and mueller7-dict:
 *              NAME.index and NAME.dict.dz in dictd's folder
 *              (/usr/share/dictd); the languages from the name
 *              (freedict-eng-rus) or the database's short description
 *              ("Mueller English-Russian Dictionary").
 *   apertium   a compiled bilingual dictionary (apertium-rus-ukr's
 *              rus-ukr.autobil.bin), listed by lttoolbox's lt-print; the
 *              languages from the file's name.
 *   hunalign   "target phrase @ source phrase" a line; the languages are
 *              the caller's.
 * A spec is a file, or the name of an installed dictionary
 * ("freedict-eng-rus", "mueller7", "apertium-rus-ukr"), optionally after
 * "SRC-TGT=" to give or override its languages.
 */
#ifndef TMALIGN_DICT_H
#define TMALIGN_DICT_H

#include "util.h"

typedef struct tma_dict tma_dict;

/*
 * Open the dictionary spec names. src and tgt (or NULL) are the languages
 * of a file whose format does not say them. Errors name the file and the
 * line or byte: TMA_EIO (cannot read), TMA_EINPUT (not a dictionary, or
 * its languages unknown), TMA_ENOMEM.
 */
int tma_dict_open(tma_dict **out, const char *spec, const char *src, const char *tgt,
		  tma_error *err);
void tma_dict_free(tma_dict *d);

/* What the dictionary is called in messages (its file). */
const char *tma_dict_name(const tma_dict *d);

/* The language of side 0 (the headwords) or 1 (their translations). */
const char *tma_dict_lang(const tma_dict *d, int side);

/* The number of entries; entry k's phrases (NUL-terminated, UTF-8). */
size_t tma_dict_size(const tma_dict *d);
void tma_dict_entry(const tma_dict *d, size_t k, const char **a, const char **b);

/*
 * The installed dictionaries between languages a and b (either way), as
 * specs for tma_dict_open, into a new array of n new strings (*out; free
 * each and the array). The folders searched are TMALIGN_DICT_PATH's
 * (colon-separated) when it is set, else dictd's and Apertium's.
 */
int tma_dict_installed(const char *a, const char *b, char ***out, size_t *n,
		       tma_error *err);

#endif
