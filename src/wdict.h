/*
 * wdict.h - the word pairs of bilingual dictionaries as canonical forms
 * (wdict.c): what the word model (tm_model.c) starts from before the
 * memory's units teach it.
 */
#ifndef TMALIGN_WDICT_H
#define TMALIGN_WDICT_H

#include "dict.h"
#include "words.h"

typedef struct tma_wdict tma_wdict;

int tma_wdict_new(tma_wdict **out, tma_error *err);
void tma_wdict_free(tma_wdict *wd);

/*
 * Add the entries of d: each word of an entry's phrase paired with each
 * word of its translation, as their canonical forms (nz). Returns the
 * pairs added in *added when not NULL.
 */
int tma_wdict_add(tma_wdict *wd, const tma_dict *d, tma_words *split, tma_normalizer *nz,
		  size_t *added, tma_error *err);

/* Called with each pair of forms of a (fa[0..la)) and b (fb[0..lb)). */
typedef int (*tma_wdict_fn)(void *ctx, const char *fa, size_t la, const char *fb, size_t lb);

/*
 * Every word pair between languages a and b: those of the dictionaries
 * between them, in either direction, or, when there are none, those
 * through a third language that has dictionaries with both (en-ru and
 * ru-uk give en-uk). Stops at fn's first non-zero return, which it
 * returns. *through gets the third language, or "" (NULL: not wanted).
 */
int tma_wdict_each(tma_wdict *wd, const char *a, const char *b, tma_wdict_fn fn, void *ctx,
		   char through[TMA_LANG_MAX]);

#endif
