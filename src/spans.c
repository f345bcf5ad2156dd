/*
 * spans.c - the translation of a phrase inside a unit: which words of the
 * unit's other language translate the words looked up.
 *
 * The words of both sides get their canonical normal forms (norm.c); the
 * memory's word model (tm_model.c) gives t(target word | source word) and
 * the other way; anchors that need no model link what survives
 * translation: numbers, a word spelt alike in both (a Latin name in
 * Cyrillic text, "НАТО" and "NATO" through the aligner's transliteration,
 * anchor.c). wmodel.c symmetrises the two directions' links; the span is
 * the target words linked to the phrase's words, from the first to the
 * last (a translation in two pieces is marked as one).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "anchor.h"
#include "memory.h"
#include "spans.h"

#define SPAN_WORDS 160        /* words of a side that count */
#define ROW_CACHE 100000      /* model rows a spanner remembers */
#define FLOOR 1e-7
#define LAMBDA 1.0            /* the diagonal's tension: news reorders clauses */
#define P_NULL 0.08           /* and its probability of no counterpart */
#define EPS 1e-4              /* posteriors are kept inside [EPS, 1 - EPS] */
#define COGNATE_T 0.3         /* the least t of a cognate pair */
#define JUMP 0.5              /* the HMM's p(jump d) ~ exp(-JUMP |d - 1|) */
#define SMOOTH 2.0            /* counts added to a row's total: a rare word's t is weak */
#define NULL_IN 0.3           /* how likely a word of no counterpart is inside */
#define PUNCT_COST 3.0        /* a span's log-likelihood lost per comma crossed */


/* A word of one side: where it stands, its canonical form, its key. */
typedef struct sword {
	size_t start, end;
	uint64_t norm;             /* hash of the canonical form */
	char form[128];
	char key[TMA_KEY_MAX];
	int klen;
	int upper;                 /* begins with a capital: a name, likely */
	int brk;                   /* a clause's punctuation before the next word */
} sword;

/* A model row as remembered: the target forms' hashes and t. */
typedef struct row {
	uint64_t *f;
	float *t;
	int n;
} row;

struct tma_spanner {
	tma_tm_search *search;
	tma_normalizer *nz;
	tma_words *split;
	tma_tokenizer *tk[4];
	char tklang[4][TMA_LANG_MAX];
	int ntk;
	tma_strmap rows;           /* "src\0tgt\0word" -> row */
	row *row;
	size_t rowcap;
	sword src[SPAN_WORDS], tgt[SPAN_WORDS], via[SPAN_WORDS];
};

int tma_spanner_new(tma_spanner **out, tma_tm_search *search, tma_normalizer *nz,
		    tma_error *err)
{
	tma_spanner *sp = calloc(1, sizeof(*sp));
	int rc;

	*out = NULL;
	if (!sp)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	sp->search = search;
	sp->nz = nz;
	if ((rc = tma_words_new(&sp->split, err))) {
		free(sp);
		return rc;
	}
	*out = sp;
	return TMA_OK;
}

static void forget_rows(tma_spanner *sp)
{
	uint32_t k;

	for (k = 0; k < sp->rows.n; k++) {
		free(sp->row[k].f);
		free(sp->row[k].t);
	}
	tma_strmap_free(&sp->rows);
}

void tma_spanner_free(tma_spanner *sp)
{
	int k;

	if (!sp)
		return;
	forget_rows(sp);
	free(sp->row);
	for (k = 0; k < sp->ntk; k++)
		tma_tokenizer_free(sp->tk[k]);
	tma_words_free(sp->split);
	free(sp);
}

/* The anchor tokenizer of lang, made on first use. */
static int tokenizer(tma_spanner *sp, const char *lang, tma_tokenizer **out, tma_error *err)
{
	int k, rc;

	for (k = 0; k < sp->ntk; k++)
		if (strcmp(sp->tklang[k], lang) == 0) {
			*out = sp->tk[k];
			return TMA_OK;
		}
	if (sp->ntk == 4) {
		tma_tokenizer_free(sp->tk[0]);
		memmove(sp->tk, sp->tk + 1, sizeof(sp->tk[0]) * 3);
		memmove(sp->tklang, sp->tklang + 1, sizeof(sp->tklang[0]) * 3);
		sp->ntk--;
	}
	if ((rc = tma_tokenizer_new(&sp->tk[sp->ntk], lang, err)))
		return rc;
	snprintf(sp->tklang[sp->ntk], TMA_LANG_MAX, "%s", lang);
	*out = sp->tk[sp->ntk++];
	return TMA_OK;
}

/*
 * Does text[a..b) (between two words) hold punctuation that ends a clause
 * or a phrase (a comma, a dash, a bracket), not merely quotes or a hyphen?
 */
static int breaks(const char *text, size_t a, size_t b)
{
	int32_t at = (int32_t)a;

	while (at < (int32_t)b) {
		UChar32 c;
		U8_NEXT(text, at, (int32_t)b, c);
		if (c < 0)
			continue;
		switch (u_charType(c)) {
		case U_OTHER_PUNCTUATION:
			/* "," ";" ":" "." "!" "?", but not the apostrophes and quotes */
			if (c != '\'' && c != '"' && c != 0x2019)
				return 1;
			break;
		case U_START_PUNCTUATION:
		case U_END_PUNCTUATION:
		case U_DASH_PUNCTUATION:
			if (c != '-' && c != 0x2010 && c != 0x2011)
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The words of text in lang into w (at most SPAN_WORDS); how many, or < 0. */
static int side_words(tma_spanner *sp, const char *lang, const char *text, sword *w,
		      tma_error *err)
{
	tma_word tw[SPAN_WORDS];
	tma_tokenizer *tk;
	int n, k, nf, rc;

	if ((rc = tokenizer(sp, lang, &tk, err)))
		return rc;
	if ((n = tma_words_split(sp->split, text, tw, SPAN_WORDS)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		const char *fold = tma_words_folded(sp->split, &tw[k]), *forms;
		int32_t at = (int32_t)tw[k].start;
		UChar32 c;
		if ((rc = tma_norms(sp->nz, lang, fold, tw[k].flen, &forms, &nf, err)))
			return rc;
		w[k].start = tw[k].start;
		w[k].end = tw[k].end;
		snprintf(w[k].form, sizeof(w[k].form), "%s", forms);
		w[k].norm = tma_hash(w[k].form, strlen(w[k].form));
		w[k].klen = tma_word_key(tk, text + tw[k].start, tw[k].end - tw[k].start, w[k].key);
		if (w[k].klen < 0)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		U8_NEXT(text, at, (int32_t)tw[k].end, c);
		w[k].upper = c >= 0 && u_isupper(c);
		w[k].brk = 0;
		if (k > 0)
			w[k - 1].brk = breaks(text, tw[k - 1].end, tw[k].start);
	}
	return n;
}

/* The model's row of word of direction src -> tgt, remembered. */
static int model_row(tma_spanner *sp, const char *src, const char *tgt, const char *word,
		     const row **out, tma_error *err)
{
	char key[2 * TMA_LANG_MAX + 130];
	size_t kl = (size_t)snprintf(key, sizeof(key), "%s%c%s%c%s", src, 0, tgt, 0, word);
	const unsigned char *b;
	double total;
	uint32_t id;
	int added, n, at = 0, rc;
	row *r;

	if (sp->rows.n >= ROW_CACHE)
		forget_rows(sp);
	if (tma_strmap_intern(&sp->rows, key, kl, &id, &added) ||
	    tma_grow(&sp->row, &sp->rowcap, (size_t)id + 1, sizeof(row)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	r = &sp->row[id];
	*out = r;
	if (!added)
		return TMA_OK;
	memset(r, 0, sizeof(*r));
	if ((rc = tma_tm_search_model(sp->search, src, tgt, word, &b, &n, &total, err)))
		return rc;
	if (n == 0 || total <= 0)
		return TMA_OK;
	r->f = malloc(sizeof(uint64_t) * (size_t)(n / 5 + 1));
	r->t = malloc(sizeof(float) * (size_t)(n / 5 + 1));
	if (!r->f || !r->t)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	while (at < n && at + 1 + b[at] + 4 <= n) {
		float c;
		memcpy(&c, b + at + 1 + b[at], 4);
		r->f[r->n] = tma_hash(b + at + 1, b[at]);
		r->t[r->n++] = (float)(c / (total + SMOOTH));
		at += 1 + b[at] + 4;
	}
	return TMA_OK;
}

static double row_prob(const row *r, uint64_t f)
{
	int k;

	for (k = 0; k < r->n; k++)
		if (r->f[k] == f)
			return r->t[k];
	return FLOOR;
}

/* The diagonal prior's weight of source i of n for target j of m. */
static double diag(int i, int n, int j, int m)
{
	return exp(-LAMBDA * fabs((i + 0.5) / n - (j + 0.5) / m));
}

/* Do source word a and target word b surely translate each other? */
static int anchored(const sword *a, const sword *b)
{
	return tma_keys_anchor(a->key, a->klen, a->upper, b->key, b->klen, b->upper);
}

/* Are a and b long words spelt alike across the scripts? */
static int cognates(const sword *a, const sword *b)
{
	return tma_keys_cognate(a->key, a->klen, b->key, b->klen);
}

/* The probabilities and anchors of every word pair, into the matrices. */
static int fill(tma_spanner *sp, const char *from, const sword *src, int n, const char *to,
		const sword *tgt, int m, double *fwd, double *rev, unsigned char *anchor,
		double *nf, double *nb, tma_error *err)
{
	const row *r;
	int i, j, rc;

	/* t(word | NULL): how likely each word is to translate nothing. */
	if ((rc = model_row(sp, from, to, "", &r, err)))
		return rc;
	for (j = 0; j < m; j++)
		nf[j] = row_prob(r, tgt[j].norm);
	if ((rc = model_row(sp, to, from, "", &r, err)))
		return rc;
	for (i = 0; i < n; i++)
		nb[i] = row_prob(r, src[i].norm);

	for (i = 0; i < n; i++) {
		if ((rc = model_row(sp, from, to, src[i].form, &r, err)))
			return rc;
		for (j = 0; j < m; j++) {
			fwd[i * m + j] = row_prob(r, tgt[j].norm);
			anchor[i * m + j] = (unsigned char)anchored(&src[i], &tgt[j]);
		}
	}
	for (j = 0; j < m; j++) {
		if ((rc = model_row(sp, to, from, tgt[j].form, &r, err)))
			return rc;
		for (i = 0; i < n; i++) {
			rev[i * m + j] = row_prob(r, src[i].norm);
			/* A cognate ("parliament", "парламенту") is likely, not certain. */
			if (cognates(&src[i], &tgt[j])) {
				if (fwd[i * m + j] < COGNATE_T)
					fwd[i * m + j] = COGNATE_T;
				if (rev[i * m + j] < COGNATE_T)
					rev[i * m + j] = COGNATE_T;
			}
		}
	}
	return TMA_OK;
}

/*
 * One direction's posteriors by an HMM alignment model (Vogel, Ney and
 * Tillmann 1996): the source word a target word comes from depends on
 * the one the target word before came from, most likely the next one or
 * the same ("basketball player" from "баскетболіста"), so that a word the
 * model does not know goes with its neighbour's source. Emissions are the
 * word model's t times the diagonal prior; a NULL state per source
 * position (Och and Ney 2003) remembers where the last word came from.
 * em[i * m + j] is t(target j | source i), anchor the sure pairs, nul[j]
 * t(j | NULL); post[i * m + j] gets P(a_j = i), pnull[j] P(a_j = NULL).
 */
static int hmm_posteriors(const double *em, const unsigned char *anchor, int anchor_t,
			  const double *nul, int n, int m, double *post, double *pnull)
{
	int S = 2 * n, i, k, j;
	double *alpha = malloc(sizeof(double) * (size_t)(S * m));
	double *beta = malloc(sizeof(double) * (size_t)(S * m));
	double *e = malloc(sizeof(double) * (size_t)(S * m));
	double *jump = malloc(sizeof(double) * (size_t)(n * n));
	double *scale = malloc(sizeof(double) * (size_t)m);

	if (!alpha || !beta || !e || !jump || !scale) {
		free(alpha);
		free(beta);
		free(e);
		free(jump);
		free(scale);
		return TMA_ENOMEM;
	}
	/* p(i' | i): a jump of d = i' - i, likeliest d = 1. */
	for (i = 0; i < n; i++) {
		double z = 0;
		for (k = 0; k < n; k++)
			z += jump[i * n + k] = exp(-JUMP * fabs((double)(k - i - 1)));
		for (k = 0; k < n; k++)
			jump[i * n + k] *= (1 - P_NULL) / z;
	}
	/* Emissions; a target word anchors hold comes from its anchors. */
	for (j = 0; j < m; j++) {
		int any = 0;
		for (i = 0; i < n; i++)
			any |= anchor[anchor_t ? j * n + i : i * m + j];
		for (i = 0; i < n; i++) {
			double a = anchor[anchor_t ? j * n + i : i * m + j];
			e[j * S + i] = (any ? a : em[i * m + j]) * diag(i, n, j, m);
			e[j * S + n + i] = any ? 0 : nul[j];
		}
	}
	/* Forward, scaled. */
	for (j = 0; j < m; j++) {
		double z = 0;
		for (k = 0; k < S; k++) {
			double a = 0;
			int pos = k < n ? k : k - n;
			if (j == 0) {
				a = (k < n ? 1 - P_NULL : P_NULL) / n;
			} else {
				const double *prev = alpha + (j - 1) * S;
				if (k < n) {
					for (i = 0; i < n; i++)
						a += (prev[i] + prev[n + i]) * jump[i * n + k];
				} else {
					a = (prev[pos] + prev[n + pos]) * P_NULL;
				}
			}
			alpha[j * S + k] = a * e[j * S + k];
			z += alpha[j * S + k];
		}
		scale[j] = z > 0 ? z : 1e-300;
		for (k = 0; k < S; k++)
			alpha[j * S + k] /= scale[j];
	}
	/* Backward, with the same scales. */
	for (k = 0; k < S; k++)
		beta[(m - 1) * S + k] = 1;
	for (j = m - 2; j >= 0; j--)
		for (k = 0; k < S; k++) {
			int pos = k < n ? k : k - n;
			const double *next = beta + (j + 1) * S, *en = e + (j + 1) * S;
			double b = 0;
			for (i = 0; i < n; i++)
				b += jump[pos * n + i] * en[i] * next[i];
			b += P_NULL * en[n + pos] * next[n + pos];
			beta[j * S + k] = b / scale[j + 1];
		}
	for (j = 0; j < m; j++) {
		double z = 0;
		for (k = 0; k < S; k++)
			z += alpha[j * S + k] * beta[j * S + k];
		if (z <= 0)
			z = 1;
		pnull[j] = 0;
		for (i = 0; i < n; i++) {
			post[i * m + j] = alpha[j * S + i] * beta[j * S + i] / z;
			pnull[j] += alpha[j * S + n + i] * beta[j * S + n + i] / z;
		}
	}
	free(alpha);
	free(beta);
	free(e);
	free(jump);
	free(scale);
	return TMA_OK;
}

/*
 * The posteriors in both directions: post_f[i * m + j] the probability
 * that target word j translates source word i, post_b the same the other
 * way; null_f[j], null_b[i] that a word translates nothing.
 */
static int posteriors(const double *fwd, const double *rev, const unsigned char *anchor,
		      const double *nf, const double *nb, int n, int m, double *post_f,
		      double *post_b, double *null_f, double *null_b)
{
	double *tb = malloc(sizeof(double) * (size_t)(n * m + 1));
	double *pb = malloc(sizeof(double) * (size_t)(n * m + 1));
	int i, j, rc;

	if (!tb || !pb) {
		free(tb);
		free(pb);
		return TMA_ENOMEM;
	}
	/* The reverse direction's matrices are m x n. */
	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++)
			tb[j * n + i] = rev[i * m + j];
	if (!(rc = hmm_posteriors(fwd, anchor, 0, nf, n, m, post_f, null_f)) &&
	    !(rc = hmm_posteriors(tb, anchor, 1, nb, m, n, pb, null_b)))
		for (i = 0; i < n; i++)
			for (j = 0; j < m; j++)
				post_b[i * m + j] = pb[j * n + i];
	free(tb);
	free(pb);
	return rc;
}

/* log of p, kept away from 0 and 1. */
static double lg(double p)
{
	return log(p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p);
}

/* The posteriors between two sides, src -> tgt. */
typedef struct pairwise {
	int n, m;
	double *pf, *pb;           /* see posteriors */
	double zf[SPAN_WORDS], zb[SPAN_WORDS];
} pairwise;

static void pairwise_free(pairwise *pw)
{
	free(pw->pf);
	free(pw->pb);
}

static int pair_posteriors(tma_spanner *sp, const char *from, const sword *src, int n,
			   const char *to, const sword *tgt, int m, pairwise *pw,
			   tma_error *err)
{
	double *fwd = malloc(sizeof(double) * (size_t)(n * m + 1));
	double *rev = malloc(sizeof(double) * (size_t)(n * m + 1));
	unsigned char *anchor = malloc((size_t)(n * m + 1));
	double nf[SPAN_WORDS], nb[SPAN_WORDS];
	int rc;

	memset(pw, 0, sizeof(*pw));
	pw->n = n;
	pw->m = m;
	pw->pf = malloc(sizeof(double) * (size_t)(n * m + 1));
	pw->pb = malloc(sizeof(double) * (size_t)(n * m + 1));
	if (!fwd || !rev || !anchor || !pw->pf || !pw->pb)
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
	else if (!(rc = fill(sp, from, src, n, to, tgt, m, fwd, rev, anchor, nf, nb, err)) &&
		 posteriors(fwd, rev, anchor, nf, nb, n, m, pw->pf, pw->pb, pw->zf, pw->zb))
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
	free(fwd);
	free(rev);
	free(anchor);
	return rc;
}

/*
 * For every target word of pw, how likely it translates one of the
 * source words inside (in[i], or weights w[i] when w is not NULL); a word
 * that translates nothing counts half.
 */
static void target_in(const pairwise *pw, const unsigned char *in, const double *w,
		      double *out)
{
	int i, j;

	for (j = 0; j < pw->m; j++) {
		out[j] = NULL_IN * pw->zf[j];
		for (i = 0; i < pw->n; i++)
			out[j] += (w ? w[i] : in[i]) * pw->pf[i * pw->m + j];
	}
}

/*
 * The likelihood that targets [lo, hi] are the translation of the source
 * words inside (in[i]): every target word is in or out as tin[j] says it
 * translates an inside word or not, and every source word as the reverse
 * posteriors say.
 */
static double span_score(const pairwise *pw, const double *tin, const unsigned char *in,
			 int lo, int hi)
{
	double sc = 0;
	int i, j;

	for (j = 0; j < pw->m; j++)
		sc += j >= lo && j <= hi ? lg(tin[j]) : lg(1 - tin[j]);
	for (i = 0; i < pw->n; i++) {
		double p = NULL_IN * pw->zb[i];
		for (j = lo; j <= hi; j++)
			p += pw->pb[i * pw->m + j];
		sc += in[i] ? lg(p) : lg(1 - p);
	}
	return sc;
}

/*
 * With a third version of the unit: the target words the phrase reaches
 * through it (its words that translate the phrase, and the target words
 * that translate those), averaged into tin.
 */
static int through_third(tma_spanner *sp, const char *from, int n, const unsigned char *in,
			 const char *to, int m, const char *via, const char *via_text,
			 double *tin, tma_error *err)
{
	pairwise sv, vt;
	double vin[SPAN_WORDS], piv[SPAN_WORDS];
	int nv, j, rc;

	if ((nv = side_words(sp, via, via_text, sp->via, err)) <= 0)
		return nv;
	if (!(rc = pair_posteriors(sp, from, sp->src, n, via, sp->via, nv, &sv, err)) &&
	    !(rc = pair_posteriors(sp, via, sp->via, nv, to, sp->tgt, m, &vt, err))) {
		target_in(&sv, in, NULL, vin);
		target_in(&vt, NULL, vin, piv);
		for (j = 0; j < m; j++)
			tin[j] = 0.5 * (tin[j] + piv[j]);
	}
	pairwise_free(&sv);
	pairwise_free(&vt);
	return rc;
}

int tma_spanner_find(tma_spanner *sp, const char *from, const char *src, size_t a, size_t b,
		     const char *to, const char *tgt, const char *via, const char *via_text,
		     size_t span[2], int *found, tma_error *err)
{
	double tin[SPAN_WORDS], best = -HUGE_VAL;
	unsigned char in[SPAN_WORDS];
	pairwise pw;
	int n, m, i, lo, hi, k = 0, blo = -1, bhi = -1, brk, crossed, rc;

	*found = 0;
	span[0] = span[1] = 0;
	memset(&pw, 0, sizeof(pw));
	if ((n = side_words(sp, from, src, sp->src, err)) < 0)
		return n;
	if ((m = side_words(sp, to, tgt, sp->tgt, err)) < 0)
		return m;
	if (n == 0 || m == 0)
		return TMA_OK;
	if ((rc = pair_posteriors(sp, from, sp->src, n, to, sp->tgt, m, &pw, err)))
		goto done;
	for (i = 0; i < n; i++)
		k += in[i] = sp->src[i].start >= a && sp->src[i].end <= b;
	target_in(&pw, in, NULL, tin);
	if (via && via_text &&
	    (rc = through_third(sp, from, n, in, to, m, via, via_text, tin, err)))
		goto done;
	/*
	 * Every span up to a few words longer than the phrase: the likeliest.
	 * One that crosses a comma or a bracket the phrase does not pays for
	 * it: a translation seldom spans two clauses.
	 */
	for (i = 0, brk = 0; i + 1 < n; i++)
		brk |= in[i] && in[i + 1] && sp->src[i].brk;
	for (lo = 0; k && lo < m; lo++)
		for (hi = lo, crossed = 0; hi < m && hi - lo < 2 * k + 3; hi++) {
			double sc;
			if (hi > lo)
				crossed += sp->tgt[hi - 1].brk;
			sc = span_score(&pw, tin, in, lo, hi) - (brk ? 0 : PUNCT_COST * crossed);
			if (sc > best) {
				best = sc;
				blo = lo;
				bhi = hi;
			}
		}
	if (blo >= 0) {
		span[0] = sp->tgt[blo].start;
		span[1] = sp->tgt[bhi].end;
		*found = 1;
	}
done:
	pairwise_free(&pw);
	return rc;
}
