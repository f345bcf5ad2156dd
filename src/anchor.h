/*
 * anchor.h - what in a sentence can line up across languages (anchor.c):
 * tokenizers, the features of a doc, the lexicon of concepts, and the links
 * between two docs that the aligner (align.c) scores beads with.
 */
#ifndef TMALIGN_ANCHOR_H
#define TMALIGN_ANCHOR_H

#include "util.h"


/* A tokenizer for one language: transliteration to lower-case ASCII Latin. */
typedef struct tma_tokenizer tma_tokenizer;

int tma_tokenizer_new(tma_tokenizer **out, const char *lang, tma_error *err);
void tma_tokenizer_free(tma_tokenizer *tk);

/* Longest key of a word (see tma_feats), its NUL not counted. */
#define TMA_KEY_MAX 48

/*
 * The key of one word w[0..len) (UTF-8): its loose Latin spelling, or for
 * a number "#" and its digits. Returns its length, 0 when the word gives
 * none (too short), -1 when out of memory.
 */
int tma_word_key(tma_tokenizer *tk, const char *w, size_t len, char key[TMA_KEY_MAX]);

/* Are two keys spellings of one name or word (the aligner's test)? */
int tma_keys_similar(const char *a, size_t na, const char *b, size_t nb);

/*
 * Are two keys of five letters or more likely one word borrowed across
 * languages ("impeachment", "імпічменту"): the same first letter and most
 * of their letter pairs in common?
 */
int tma_keys_cognate(const char *a, int na, const char *b, int nb);

/*
 * Do two words surely translate each other, by their keys alone: the same
 * number, the same spelling (three letters or more), or, both capitalised,
 * one name spelt across scripts and inflected ("Fiala", "Фіалою")? What
 * the word model is given as certain, in training and in spans.
 */
int tma_keys_anchor(const char *a, int na, int upper_a, const char *b, int nb, int upper_b);

/*
 * The tokens of one doc: for every sentence, the sorted, distinct ids of its
 * keys in the doc's vocabulary. A key is a word transliterated to Latin,
 * lower-cased and loosely spelt (see anchor.c), a number's digits ("#35"),
 * or a mark ("?", "!", a quote).
 */
typedef struct tma_feats {
	size_t n;            /* sentences */
	int32_t *len;        /* characters per sentence */
	uint8_t *para_end;   /* the sentence ends its paragraph */
	uint32_t **tok;      /* sorted distinct vocabulary ids per sentence */
	int32_t *ntok;
	uint32_t *df;        /* per vocabulary id: sentences holding it */
	uint8_t *strong;     /* per vocabulary id: seen as a number or a name */
	size_t dfcap;
	tma_strmap voc;
} tma_feats;

/*
 * Concepts shared by languages (src/data/lexicon.txt, and a bilingual
 * dictionary in hunalign's format): a word whose key matches a form of a
 * concept also yields the concept's key ("@year"), which links across
 * languages like any other key.
 */
typedef struct tma_lexicon tma_lexicon;

/* A new empty lexicon; free with tma_lexicon_free. */
tma_lexicon *tma_lexicon_new(void);
void tma_lexicon_free(tma_lexicon *lx);

/*
 * The lexicon's tokenizer for lang, made on first use and kept (ICU's
 * transliterators are slow to open); the lexicon owns it.
 */
int tma_lexicon_tokenizer(tma_tokenizer **out, tma_lexicon *lx, const char *lang,
			  tma_error *err);

/* Add the concepts of data (lexicon.txt's format); name is for messages. */
int tma_lexicon_parse(tma_lexicon *lx, const char *data, const char *name,
		      tma_error *err);

/*
 * Add a hunalign dictionary file ("target phrase @ source phrase" a line)
 * for languages src and tgt; entries of one word a side are used.
 */
int tma_lexicon_load_dict(tma_lexicon *lx, const char *path, const char *src,
			  const char *tgt, tma_error *err);

int tma_feats_build(tma_feats **out, tma_tokenizer *tk, const tma_lexicon *lx,
		    const tma_doc *doc, tma_error *err);
void tma_feats_free(tma_feats *f);

/*
 * Anchors of a pair of docs: tokens of A and B linked by equal or similar
 * keys (or a dictionary entry) form classes; each sentence keeps the sorted
 * classes it holds that have members on both sides, and every class a weight
 * (rarer in the document weighs more).
 */
typedef struct tma_links {
	uint32_t **a, **b;   /* per sentence of A and of B: sorted class ids */
	int32_t *na, *nb;
	float *weight;       /* per class */
	uint32_t nclass;
	float *wa, *wb;      /* per sentence: total weight of its anchors */
	float *ua, *ub;      /* per sentence: weight of its names and numbers
				that have no counterpart in the other doc */
} tma_links;

int tma_links_build(tma_links **out, const tma_feats *a, const tma_feats *b,
		    tma_error *err);
void tma_links_free(tma_links *l);

#endif
