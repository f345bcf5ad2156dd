/*
 * wmodel.h - a word translation model learned from aligned units
 * (wmodel.c): the statistical word aligner of fast_align (Dyer, Chahuneau
 * and Smith 2013), IBM Model 2 with a diagonal prior, trained by EM in
 * each direction, together by agreement, from priors that dictionaries
 * and cognates give.
 *
 * Vocabulary: a word is its canonical normal form (norm.c), so that the
 * inflected forms of one word share their statistics; words are ids of a
 * tma_strmap per language, id 0 being NULL (no counterpart).
 */
#ifndef TMALIGN_WMODEL_H
#define TMALIGN_WMODEL_H

#include "util.h"

#define TMA_WM_NULL 0u

/* Sentence pairs of one language pair, as word ids. */
typedef struct tma_wm_corpus {
	uint32_t *src, *tgt;       /* all ids, sentence after sentence */
	size_t nsrc, ntgt, srccap, tgtcap;
	size_t *src_at, *tgt_at;   /* per pair: where its words begin (n + 1) */
	size_t n, atcap;
	uint32_t *anc;             /* anchors, source << 16 | target, pair after pair */
	size_t nanc, anccap;
	size_t *anc_at;            /* per pair: where its anchors begin (n + 1) */
} tma_wm_corpus;

/*
 * Add a sentence pair and its anchors (word pairs certain to translate
 * each other, i << 16 | j; the E step gives them a word's whole mass).
 * Returns 0 or TMA_ENOMEM.
 */
int tma_wm_corpus_add(tma_wm_corpus *c, const uint32_t *src, int ns, const uint32_t *tgt,
		      int nt, const uint32_t *anc, int na);
void tma_wm_corpus_free(tma_wm_corpus *c);

/*
 * One direction of the model: t(f | e) for words e of the source side and
 * f of the target side, kept as expected counts c(e, f) and totals c(e)
 * (so that more data can be added to them), in an open-addressing table.
 */
typedef struct tma_wm_entry {
	uint64_t key;              /* e << 32 | f, + 1 (0: free) */
	float c;                   /* the model's count */
	float acc;                 /* counts of the E step under way */
} tma_wm_entry;

typedef struct tma_wm_table {
	tma_wm_entry *slot;
	size_t cap, n;
	double *total;             /* per e: c(e) */
	size_t totalcap;
	int uniform;               /* no counts yet: every t alike (EM's start) */
	int extra;                 /* loaded with totals of its own */
	struct tma_wm_table *prior; /* pseudo-counts (tma_wm_prior), or NULL */
} tma_wm_table;

void tma_wm_table_free(tma_wm_table *t);

/* t(f | e): c(e, f) / c(e), a small floor for a pair never seen. */
double tma_wm_prob(const tma_wm_table *t, uint32_t e, uint32_t f);

/* Set c(e, f) (and add it to c(e)); for loading a stored model. */
int tma_wm_set(tma_wm_table *t, uint32_t e, uint32_t f, double count);

/* c(e, f) as the table holds it; 0 for a pair it does not hold. */
double tma_wm_count(const tma_wm_table *t, uint32_t e, uint32_t f);

/*
 * Give the pair (e, f) a pseudo-count k before training (the larger of
 * two given): what a dictionary or a cognate says before the data does.
 * EM starts from it and adds it to the pair's count after every
 * iteration, so that a word seen once goes with its dictionary's
 * translation rather than with whatever rare word stood next to it.
 * Training anew keeps the priors; tma_wm_table_free drops them.
 */
int tma_wm_prior(tma_wm_table *t, uint32_t e, uint32_t f, double k);

/* Set c(e) (a stored row's total, which counts targets not kept). */
int tma_wm_set_total(tma_wm_table *t, uint32_t e, double total);

/*
 * Train both directions together, by agreement (see wmodel.c): tf is
 * src -> tgt, tb tgt -> src; with update, one E step on top of the
 * counts they hold.
 */
int tma_wm_train_both(tma_wm_table *tf, tma_wm_table *tb, const tma_wm_corpus *c,
		      int iterations, int update);

/*
 * Every entry, by source word and, for each, likeliest first, in a new
 * array (*out, *n; the caller frees): how a model is stored.
 */
int tma_wm_sorted(const tma_wm_table *t, tma_wm_entry **out, size_t *n);

#endif
