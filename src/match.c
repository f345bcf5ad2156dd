/*
 * match.c - when words and phrases match. Two words are the same word
 * when their folded forms are equal, or when their normal forms (norm.c:
 * Hunspell's lemmas, Snowball's stems) meet; a query's word ending in '*'
 * is the same as every word it begins. A phrase may have a few other
 * words between its words (Ukrainian and Russian move words about: "на
 * саміті лідерів ЄС" for "at the EU leaders' summit" keeps its words in
 * order, "саміт у Брюсселі" may take an adjective in between).
 */
#include <string.h>

#include "match.h"

int tma_mwords_of(tma_words *ws, tma_normalizer *nz, const char *lang, const char *text,
		  tma_mword *w, int max, tma_error *err)
{
	tma_word tw[256];
	int n, k, f, rc;

	if (max > 256)
		max = 256;
	if ((n = tma_words_split(ws, text, tw, max)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		const char *forms;
		size_t at = 0;
		int nf;

		memset(&w[k], 0, sizeof(w[k]));
		w[k].start = tw[k].start;
		w[k].end = tw[k].end;
		w[k].hash = tw[k].hash;
		w[k].fold = tma_words_folded(ws, &tw[k]);
		w[k].flen = tw[k].flen;
		if (!nz)
			continue;
		if ((rc = tma_norms(nz, lang, w[k].fold, w[k].flen, &forms, &nf, err)))
			return rc;
		for (f = 0; f < nf && f < TMA_NORMS_MAX; f++) {
			size_t len = strlen(forms + at);
			w[k].norm[w[k].nnorm++] = tma_hash(forms + at, len);
			at += len + 1;
		}
	}
	return n;
}

int tma_mword_match(const tma_mword *a, const tma_mword *b, int *same)
{
	int i, j;

	*same = 0;
	if (a->prefix)
		return b->flen >= a->flen && memcmp(b->fold, a->fold, a->flen) == 0 &&
		       (*same = 1);
	if (a->hash == b->hash)
		return *same = 1;
	for (i = 0; i < a->nnorm; i++)
		for (j = 0; j < b->nnorm; j++)
			if (a->norm[i] == b->norm[j])
				return 1;
	return 0;
}

/* Are a and b equal words, stemmed or as folded forms only? */
static int equal(const tma_mword *a, const tma_mword *b, int stemmed)
{
	int same;

	return stemmed ? tma_mword_match(a, b, &same) : a->hash == b->hash;
}

int tma_mword_distance(int *d, int w, const tma_mword *a, int n, const tma_mword *b,
		       int m, int stemmed, unsigned char *matched)
{
	int i, j;

	for (i = 0; i <= n; i++)
		d[i * w] = i;
	for (j = 0; j <= m; j++)
		d[j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			int best = d[(i - 1) * w + j - 1] + !equal(&a[i - 1], &b[j - 1], stemmed);
			if (d[(i - 1) * w + j] + 1 < best)
				best = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < best)
				best = d[i * w + j - 1] + 1;
			d[i * w + j] = best;
		}
	if (matched) {
		memset(matched, 0, (size_t)m);
		for (i = n, j = m; i > 0 && j > 0;) {
			int here = d[i * w + j];
			if (equal(&a[i - 1], &b[j - 1], stemmed) &&
			    here == d[(i - 1) * w + j - 1]) {
				matched[--j] = 1;
				i--;
			} else if (here == d[(i - 1) * w + j - 1] + 1) {
				i--;
				j--;
			} else if (here == d[(i - 1) * w + j] + 1) {
				i--;
			} else {
				j--;
			}
		}
	}
	return d[n * w + m];
}

int tma_mword_phrase(const tma_mword *q, int n, const tma_mword *t, int m, int gap,
		     int *at, int *same)
{
	/* end[k][j]: the least last position of q[k..n) begun at t[j] (-1: none). */
	static const int W = 256;
	int end[64][256], next[64][256], k, j, g, s, best = -1, p;

	if (n <= 0 || n > 64 || m > W)
		return -1;
	for (k = n - 1; k >= 0; k--)
		for (j = 0; j < m; j++) {
			end[k][j] = next[k][j] = -1;
			if (!tma_mword_match(&q[k], &t[j], &s))
				continue;
			if (k == n - 1) {
				end[k][j] = j;
				continue;
			}
			for (g = j + 1; g < m && g <= j + 1 + gap; g++)
				if (end[k + 1][g] >= 0 &&
				    (end[k][j] < 0 || end[k + 1][g] < end[k][j])) {
					end[k][j] = end[k + 1][g];
					next[k][j] = g;
				}
		}
	for (j = 0; j < m; j++)
		if (end[0][j] >= 0 && (best < 0 || end[0][j] - j < end[0][best] - best))
			best = j;
	if (best < 0)
		return -1;
	*same = 1;
	for (k = 0, p = best; k < n; k++, p = next[k - 1][p]) {
		at[k] = p;
		tma_mword_match(&q[k], &t[p], &s);
		*same &= s && (k == 0 || p == at[k - 1] + 1);
		if (k + 1 < n && next[k][p] < 0)
			return -1;
	}
	return 0;
}
