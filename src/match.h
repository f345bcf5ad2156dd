/*
 * match.h - when words and phrases match (match.c): in the form typed or
 * in any inflected form, for lookup and for the word model's spans.
 */
#ifndef TMALIGN_MATCH_H
#define TMALIGN_MATCH_H

#include "words.h"

/* A word that can be matched: where it stands and its forms. */
typedef struct tma_mword {
	size_t start, end;         /* bytes of its text */
	uint64_t hash;             /* of the folded form */
	uint64_t norm[TMA_NORMS_MAX];   /* of its normal forms */
	int nnorm;
	const char *fold;          /* the folded form (not NUL-terminated) */
	size_t flen;
	int prefix;                /* a query's word ending in '*' */
} tma_mword;

/*
 * The words of text in lang with their normal forms, at most max, into w.
 * Their folded forms point into ws and hold until its next split. Returns
 * how many, or a negative code.
 */
int tma_mwords_of(tma_words *ws, tma_normalizer *nz, const char *lang, const char *text,
		  tma_mword *w, int max, tma_error *err);

/*
 * Does query word a match word b: the same folded form (*same then 1), a
 * normal form in common, or, for a prefix, b beginning with it?
 */
int tma_mword_match(const tma_mword *a, const tma_mword *b, int *same);

/*
 * Word-level Levenshtein distance of a[0..n) and b[0..m), n and m below
 * w, in d (w * w cells); words are equal when tma_mword_match says so
 * (stemmed) or in their folded forms only. When matched is not NULL,
 * matched[j] says whether b's word j is kept on one best path.
 */
int tma_mword_distance(int *d, int w, const tma_mword *a, int n, const tma_mword *b,
		       int m, int stemmed, unsigned char *matched);

/*
 * The query's n words in order among text's m words, with at most gap
 * other words between two of them: the match spanning fewest words, the
 * first of those. at[k] gets the position of query word k; *same whether
 * every word stands in the form typed, side by side. Returns 0, or -1
 * when the text does not hold the phrase.
 */
int tma_mword_phrase(const tma_mword *q, int n, const tma_mword *t, int m, int gap,
		     int *at, int *same);

#endif
