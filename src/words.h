/*
 * words.h - the words of a text as lookup and the memory's word index see
 * them (words.c), and their normal forms (norm.c).
 */
#ifndef TMALIGN_WORDS_H
#define TMALIGN_WORDS_H

#include "util.h"

/* A word of a text: where it stands (bytes) and its case-folded form. */
typedef struct tma_word {
	size_t start, end;         /* bytes of the text */
	size_t fold, flen;         /* the folded form in the splitter's buffer */
	uint64_t hash;             /* tma_hash of the folded form */
} tma_word;

/* A word splitter: ICU's word break iterator, one thread at a time. */
typedef struct tma_words tma_words;

int tma_words_new(tma_words **out, tma_error *err);
void tma_words_free(tma_words *ws);

/*
 * Split UTF-8 text s into its words (letters or digits: ICU's word rule
 * status), at most max, into w; their folded forms (ICU's full case
 * folding) stay in ws until the next split. Returns the count, or -1 when
 * out of memory.
 */
int tma_words_split(tma_words *ws, const char *s, tma_word *w, int max);

/* The folded form of w (NUL-terminated), valid until the next split. */
const char *tma_words_folded(const tma_words *ws, const tma_word *w);

/* ------------------------------------------------------------------ */
/* Normal forms                                                        */

/* Most normal forms one word has (a word can be two lemmas: "року"). */
#define TMA_NORMS_MAX 6

/*
 * A normalizer: for each language the libraries that know its word forms,
 * loaded on first use, and a cache of the forms of every word type seen.
 * One thread at a time.
 */
typedef struct tma_normalizer tma_normalizer;

int tma_normalizer_new(tma_normalizer **out, tma_error *err);
void tma_normalizer_free(tma_normalizer *nz);

/*
 * The normal forms of the folded word w[0..len) of lang, *n of them (1 to
 * TMA_NORMS_MAX), NUL-separated from *forms, case-folded; the first is the
 * word's canonical form. A word no library knows is its own form. The
 * forms are valid until the next call.
 */
int tma_norms(tma_normalizer *nz, const char *lang, const char *w, size_t len,
	      const char **forms, int *n, tma_error *err);

/* What gives lang its forms: "hunspell uk_UA, snowball russian", or "none". */
const char *tma_normalizer_describe(tma_normalizer *nz, const char *lang);

#endif
