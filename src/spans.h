/*
 * spans.h - the translation of a phrase inside a unit (spans.c).
 */
#ifndef TMALIGN_SPANS_H
#define TMALIGN_SPANS_H

#include "memory.h"
#include "words.h"

/* What finds spans: word splitters, anchor tokenizers, model rows seen. */
typedef struct tma_spanner tma_spanner;

/* A spanner reading the model through search, forms through nz (not owned). */
int tma_spanner_new(tma_spanner **out, tma_tm_search *search, tma_normalizer *nz,
		    tma_error *err);
void tma_spanner_free(tma_spanner *sp);

/*
 * In a unit whose text in language from is src and in to is tgt: the
 * bytes of tgt that translate src[a..b), into span; *found 0 when nothing
 * translates it. When the unit has a third version (via, in language
 * via_lang; else NULL), the evidence through it counts as much as the
 * direct one.
 */
int tma_spanner_find(tma_spanner *sp, const char *from, const char *src, size_t a,
		     size_t b, const char *to, const char *tgt, const char *via_lang,
		     const char *via, size_t span[2], int *found, tma_error *err);

#endif
