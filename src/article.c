/*
 * article.c - one article from its files to aligned units: read and hash
 * its versions, segment them, check them, align them. The same steps for
 * `tmalign align` of one article (a batch of one) and for every worker of
 * a batch, which looks at the content key between the two steps to skip
 * what the memory holds.
 */
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "memory.h"

#define SEGMENTERS 8           /* languages a maker keeps a segmenter for */

struct tma_article_maker {
	tma_aligner *aligner;
	tma_segmenter *seg[SEGMENTERS];
	char seglang[SEGMENTERS][TMA_LANG_MAX];
	int nseg;
};

int tma_article_maker_new(tma_article_maker **out, const tma_align_opts *opts,
			  tma_error *err)
{
	tma_article_maker *m = calloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	if (!m)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = tma_aligner_new(&m->aligner, opts, err))) {
		free(m);
		return rc;
	}
	*out = m;
	return TMA_OK;
}

void tma_article_maker_free(tma_article_maker *m)
{
	int k;

	if (!m)
		return;
	tma_aligner_free(m->aligner);
	for (k = 0; k < m->nseg; k++)
		tma_segmenter_free(m->seg[k]);
	free(m);
}

/* The maker's segmenter for lang, made on first use (the oldest goes). */
static int segmenter_for(tma_article_maker *m, const char *lang, tma_segmenter **out,
			 tma_error *err)
{
	int k, rc;

	for (k = 0; k < m->nseg; k++)
		if (strcmp(m->seglang[k], lang) == 0) {
			*out = m->seg[k];
			return TMA_OK;
		}
	if (m->nseg == SEGMENTERS) {
		tma_segmenter_free(m->seg[0]);
		memmove(m->seg, m->seg + 1, sizeof(m->seg[0]) * (SEGMENTERS - 1));
		memmove(m->seglang, m->seglang + 1, sizeof(m->seglang[0]) * (SEGMENTERS - 1));
		m->nseg--;
	}
	if ((rc = tma_segmenter_new(&m->seg[m->nseg], lang, err)))
		return rc;
	memcpy(m->seglang[m->nseg], lang, TMA_LANG_MAX);
	*out = m->seg[m->nseg++];
	return TMA_OK;
}

int tma_article_read(tma_article *a, const tma_batch_item *it, const char *encoding,
		     tma_error *err)
{
	uint64_t hash[TMA_MAX_LANGS];
	int k, rc;

	memset(a, 0, sizeof(*a));
	a->nlang = it->nlang;
	for (k = 0; k < it->nlang; k++) {
		memcpy(a->lang[k], it->lang[k], TMA_LANG_MAX);
		if ((rc = tma_text_load(&a->text[k], it->path[k], encoding, err)))
			return rc;
		a->src[k].path = it->path[k];
		a->src[k].hash = hash[k] = tma_text_hash(a->text[k]);
	}
	a->content = tma_content_key((const char (*)[TMA_LANG_MAX])a->lang, hash, a->nlang);
	return TMA_OK;
}

int tma_article_align(tma_article *a, tma_article_maker *m, unsigned flags,
		      tma_error *err)
{
	int k, rc = TMA_OK;

	for (k = 0; k < a->nlang && !rc; k++) {
		tma_segmenter *seg;
		if (!(rc = segmenter_for(m, a->lang[k], &seg, err)))
			rc = tma_segment(&a->docs[k], seg, a->text[k], flags, err);
		tma_text_free(a->text[k]);
		a->text[k] = NULL;
	}
	if (!rc)
		rc = tma_check_versions(a->docs, a->src, a->nlang, err);
	if (!rc)
		rc = tma_align(&a->al, m->aligner, a->docs, a->nlang, err);
	return rc;
}

void tma_article_clear(tma_article *a)
{
	int k;

	for (k = 0; k < TMA_MAX_LANGS; k++) {
		tma_text_free(a->text[k]);
		tma_doc_free(a->docs[k]);
	}
	tma_alignment_free(a->al);
	memset(a, 0, sizeof(*a));
}
