/*
 * lang.h - language lists, as --langs and --to give them (lang.c).
 */
#ifndef TMALIGN_LANG_H
#define TMALIGN_LANG_H

#include "util.h"

/*
 * The languages of a list such as "en,uk" (NULL or empty: none), normalised
 * into langs, *n of them; TMA_EUSAGE when one is not a language code, when
 * one is given twice or when there are more than max.
 */
int tma_lang_list(const char *spec, char langs[][TMA_LANG_MAX], int max, int *n,
		  tma_error *err);

#endif
