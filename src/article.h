/*
 * article.h - one article from its files to aligned units, the pipeline
 * that `align` of one article and every batch worker run (article.c).
 */
#ifndef TMALIGN_ARTICLE_H
#define TMALIGN_ARTICLE_H

#include "util.h"

/*
 * What one thread needs to make articles: an aligner (with the options'
 * lexicon and dictionary) and a segmenter per language met. One thread
 * at a time.
 */
typedef struct tma_article_maker tma_article_maker;

int tma_article_maker_new(tma_article_maker **out, const tma_align_opts *opts,
			  tma_error *err);
void tma_article_maker_free(tma_article_maker *m);

/* An article on its way: filled by the two steps, emptied by clear. */
typedef struct tma_article {
	int nlang;
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	tma_text *text[TMA_MAX_LANGS];
	tma_source src[TMA_MAX_LANGS];  /* paths belong to the item read */
	uint64_t content;               /* tma_content_key of its versions */
	tma_doc *docs[TMA_MAX_LANGS];
	tma_alignment *al;
} tma_article;

/*
 * Step one: read and decode the files of it (encoding as tma_text_load
 * takes it) into a, with their hashes and the article's content key.
 */
int tma_article_read(tma_article *a, const tma_batch_item *it, const char *encoding,
		     tma_error *err);

/*
 * Step two: segment (TMA_SEG_* flags), check that the versions are what
 * they claim (tma_check_versions) and align. The texts are freed.
 */
int tma_article_align(tma_article *a, tma_article_maker *m, unsigned flags,
		      tma_error *err);

/* Free what a holds and zero it. */
void tma_article_clear(tma_article *a);

#endif
