/*
 * align.c - the dynamic programme that aligns sentences.
 *
 * A bead is the shape of a unit: how many consecutive sentences each language
 * gives it (1-1, 2-1, 1-0, ...). An alignment is a path of beads from the
 * start of every doc to its end; its cost is the sum of the beads' costs, and
 * the path of least cost wins. A bead between two languages A and B costs:
 *
 *   prior      -log of how often the shape occurs (1-1 most, 1-0 rarely);
 *   length     Gale & Church (1993): with x and y the characters of the two
 *              sides, y measured in A's characters by the document's ratio,
 *              d = (y - x) / sqrt(s2 * (x + y) / 2) is about normal, and the
 *              bead pays -log P(|D| >= |d|). The ratio comes from the
 *              document; s2 is re-estimated from the first pass's 1-1 beads;
 *   anchors    every anchor class both sides share lowers the cost by its
 *              weight, every anchor only one side has raises it (anchor.c);
 *   paragraphs a path that reaches a paragraph boundary in one language but
 *              not the other pays a penalty, and so does a bead that merges
 *              sentences across a paragraph boundary.
 *
 * Two languages: the path is searched in a band around a skeleton, so time
 * and memory grow linearly with the document. The skeleton is the longest
 * chain of anchors found exactly once in each document (numbers, rare
 * names), interpolated between them, the diagonal when there are none; when
 * the best path touches the band's edge, the band is doubled and the search
 * repeated.
 *
 * Three languages: the pairwise paths of the first language with each other
 * give, for every sentence of the first, a window of the others; a single
 * three-way programme runs inside those windows over three-way beads whose
 * cost is the sum of their three pairwise costs. Every unit is a triple; a
 * sentence missing in one language leaves that side empty.
 *
 * After the first pass, the document's length variance is re-estimated from
 * its confident 1-1 beads and the search is run again (a second pass in the
 * spirit of Moore 2002 and hunalign's -realign); word pairs that co-occur in
 * those beads become anchors too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anchor.h"

/* Costs, in nats. */
#define PARA_PENALTY   4.0   /* boundaries of paragraphs disagree */
#define INNER_PARA     3.0   /* a bead merges across a paragraph end */
#define LEX_GAIN       8.0   /* cost per unit of anchor similarity */
#define SIM_MID        0.35  /* coverage that is no evidence either way */
#define UNLINKED_W     1.0   /* weight of names and numbers without match */
#define ANCHOR_FULL    3.0   /* anchor weight of a sentence fully trusted */
#define SCORE_MID      (-1.0) /* cost per pair at which the score is 0.5 */

#define MAXB 3               /* most sentences of one language in a bead */
#define MAX_SLACK 64         /* most extra band width between two anchors */
#define MAX_REPEAT 256       /* anchors repeated more often give no points */
#define LOG_TABLE 4096       /* lengths whose log the aligner keeps */

typedef struct bead3 {
	int8_t c[3];
} bead3;

struct tma_aligner {
	tma_align_opts opts;
	bead3 beads3[32];      /* the three-way beads (list_beads3) */
	int nbeads3;
	tma_lexicon *lexicon;
	double log_n[LOG_TABLE];   /* log(k), k >= 1: lengths of beads */
};

static void list_beads3(bead3 *list, int *n);

int tma_aligner_new(tma_aligner **out, const tma_align_opts *opts,
		    tma_error *err)
{
	tma_aligner *al = calloc(1, sizeof(*al));
	int rc;

	*out = NULL;
	if (!al)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (opts)
		al->opts = *opts;
	list_beads3(al->beads3, &al->nbeads3);
	for (rc = 1; rc < LOG_TABLE; rc++)
		al->log_n[rc] = log(rc);
	al->lexicon = tma_lexicon_new();
	if (!al->lexicon) {
		free(al);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if (!al->opts.no_lexicon &&
	    (rc = tma_lexicon_parse(al->lexicon, tma_embedded_get("lexicon.txt"),
				    "lexicon.txt", err))) {
		tma_aligner_free(al);
		return rc;
	}
	if (al->opts.dictionary &&
	    (!al->opts.dictionary_src || !al->opts.dictionary_tgt)) {
		rc = tma_fail(err, TMA_EUSAGE, "%s: the dictionary's languages are not "
			      "known (give them as SRC-TGT=FILE)", al->opts.dictionary);
		tma_aligner_free(al);
		return rc;
	}
	if (al->opts.dictionary &&
	    (rc = tma_lexicon_load_dict(al->lexicon, al->opts.dictionary,
					al->opts.dictionary_src, al->opts.dictionary_tgt,
					err))) {
		tma_aligner_free(al);
		return rc;
	}
	*out = al;
	return TMA_OK;
}

void tma_aligner_free(tma_aligner *al)
{
	if (!al)
		return;
	tma_lexicon_free(al->lexicon);
	free(al);
}

/* ------------------------------------------------------------------ */
/* The cost of a pairwise bead                                         */

/*
 * The anchors of every span of len sentences (2 or 3), made once per
 * document: span i holds ids[off[i] .. off[i + 1]).
 */
typedef struct span_set {
	uint32_t *ids;
	size_t *off;
	uint64_t *sig;         /* per span: see class_sig */
} span_set;

typedef struct pair {
	const tma_feats *a, *b;
	tma_links *links;
	double ratio;          /* characters of B per character of A */
	double mean_a, mean_b; /* mean sentence length of A and of B */
	double log_mean_a, log_mean_b, log_ratio;   /* their logs, kept */
	double s2;             /* variance of the length difference per char */
	int use_paras;         /* both docs have paragraphs to compare */
	double sim_mid;        /* anchor similarity that is no evidence */
	double lex_gain;       /* cost per unit of anchor similarity */
	double unlinked_w;     /* how much unlinked names and numbers count */
	int32_t *cum_a, *cum_b;/* prefix sums of sentence lengths */
	span_set spans_a[MAXB - 1], spans_b[MAXB - 1]; /* spans of 2 and 3 */
	uint64_t *sig_a, *sig_b;   /* per sentence: see class_sig */
	double *conf_a, *conf_b;   /* prefix sums of anchor_cost's confidence */
	double prior[MAXB + 1][MAXB + 1];   /* see prior() */
	const double *log_n;       /* the aligner's table of logs */
	/* Costs of beads already computed (the three-way search asks for the
	 * same pairwise bead many times): open addressing, key 0 free. */
	uint64_t *memo_key;
	double *memo_cost;
	size_t memo_cap, memo_n;
} pair;

/* -log of the prior of a bead with a sentences of A and b of B. */
static double prior(int a, int b)
{
	static const double p[MAXB + 1][MAXB + 1] = {
		/* b:  0      1      2      3 */
		{ 0.0,   0.025, 0.0005, 0.0 },   /* a = 0 */
		{ 0.025, 0.90,  0.035,  0.004 }, /* a = 1 */
		{ 0.0005, 0.035, 0.0015, 0.0005 },/* a = 2 */
		{ 0.0,   0.004, 0.0005, 0.0 },   /* a = 3 */
	};
	double q = p[a][b];

	return q > 0 ? -log(q) : 50.0;
}

/* Is there a paragraph end inside sentences [i, i+n) (not after the last)? */
static int inner_para(const tma_feats *f, size_t i, int n)
{
	int k;

	for (k = 0; k + 1 < n; k++)
		if (f->para_end[i + (size_t)k])
			return 1;
	return 0;
}

/* Union of the sorted anchor lists of sentences [i, i+n) into out. */
static int span_anchors(uint32_t *out, uint32_t *const *lists,
			const int32_t *counts, size_t i, int n)
{
	int32_t m = 0, k;
	int s;

	if (n == 1) {
		memcpy(out, lists[i], sizeof(uint32_t) * (size_t)counts[i]);
		return counts[i];
	}
	for (s = 0; s < n; s++) {
		/* Merge list i+s into out[0..m). */
		const uint32_t *x = lists[i + (size_t)s];
		int32_t nx = counts[i + (size_t)s], p = m - 1, q = nx - 1, w = m + nx - 1;
		uint32_t *tmp = out;

		while (q >= 0) {
			if (p >= 0 && tmp[p] > x[q])
				tmp[w--] = tmp[p--];
			else
				tmp[w--] = x[q--];
		}
		m += nx;
		/* Drop duplicates. */
		for (k = 1, p = 1; k < m; k++)
			if (out[k] != out[p - 1])
				out[p++] = out[k];
		if (m > 0)
			m = p;
	}
	return m;
}


/*
 * A signature of a list of classes, one bit per class id modulo 64: lists
 * whose signatures share no bit share no class, and most sentence pairs a
 * search tries share none.
 */
static uint64_t class_sig(const uint32_t *x, int32_t nx)
{
	uint64_t sig = 0;
	int32_t i;

	for (i = 0; i < nx; i++)
		sig |= (uint64_t)1 << (x[i] & 63);
	return sig;
}

/* The weight of the classes of sorted x[0..nx) that sorted y[0..ny) holds. */
static double shared_weight(const float *weight, const uint32_t *x, int32_t nx,
			    const uint32_t *y, int32_t ny)
{
	double both = 0;
	int32_t i = 0, j = 0;

	/* A merge without branches on the order of the ids: they are not
	 * predictable, and this is the aligner's innermost loop. */
	while (i < nx && j < ny) {
		if (x[i] == y[j]) {
			both += weight[x[i]];
			i++;
			j++;
		} else if (x[i] < y[j]) {
			i++;
		} else {
			j++;
		}
	}
	return both;
}

/*
 * The anchor evidence of a bead with both sides non-empty, summed over its
 * sentences: each sentence with anchors is covered to some degree by the
 * other side (the share of its anchor weight found there) and adds
 * confidence * (midpoint - coverage), confidence growing with its anchor
 * weight. A sentence counts one half, so a 1-1 bead counts once and merging
 * two good beads into one gains nothing.
 */
static double anchor_cost(const pair *p, size_t i, int a, size_t j, int b)
{
	const tma_links *l = p->links;
	const uint32_t *ua, *ub;
	int32_t nua, nub;
	uint64_t sa, sb;
	double sum = 0, shared11 = -1;
	int k;

	if (a == 1) {
		ua = l->a[i];
		nua = l->na[i];
		sa = p->sig_a[i];
	} else {
		const span_set *ss = &p->spans_a[a - 2];
		ua = ss->ids + ss->off[i];
		nua = (int32_t)(ss->off[i + 1] - ss->off[i]);
		sa = ss->sig[i];
	}
	if (b == 1) {
		ub = l->b[j];
		nub = l->nb[j];
		sb = p->sig_b[j];
	} else {
		const span_set *ss = &p->spans_b[b - 2];
		ub = ss->ids + ss->off[j];
		nub = (int32_t)(ss->off[j + 1] - ss->off[j]);
		sb = ss->sig[j];
	}
	for (k = 0; k < a; k++) {
		size_t s = i + (size_t)k;
		double t = l->wa[s] + p->unlinked_w * l->ua[s], w = 0;
		if (t <= 0)
			continue;
		if (p->sig_a[s] & sb)
			w = shared_weight(l->weight, l->a[s], l->na[s], ub, nub);
		if (a == 1 && b == 1)
			shared11 = w;   /* the same both ways */
		sum += (t < ANCHOR_FULL ? t / ANCHOR_FULL : 1.0) * (p->sim_mid - w / t);
	}
	for (k = 0; k < b; k++) {
		size_t s = j + (size_t)k;
		double t = l->wb[s] + p->unlinked_w * l->ub[s], w = 0;
		if (t <= 0)
			continue;
		if (shared11 >= 0)
			w = shared11;
		else if (p->sig_b[s] & sa)
			w = shared_weight(l->weight, l->b[s], l->nb[s], ua, nua);
		sum += (t < ANCHOR_FULL ? t / ANCHOR_FULL : 1.0) * (p->sim_mid - w / t);
	}
	return p->lex_gain * sum / 2;
}

/*
 * The least anchor_cost can be for the bead: every sentence fully covered
 * (coverage is at most 1; a little is given for rounding). A search skips
 * the anchors of a bead its other costs already rule out.
 */
static double anchor_floor(const pair *p, size_t i, int a, size_t j, int b)
{
	double conf = p->conf_a[i + (size_t)a] - p->conf_a[i] +
		      p->conf_b[j + (size_t)b] - p->conf_b[j];

	return p->lex_gain * conf * (p->sim_mid - 1.0 - 1e-6) / 2;
}

/*
 * log of the density at t of a sum of n (at most MAXB) sentence lengths,
 * each exponential with mean mu (log_mu its log).
 */
static double log_gamma_density(const pair *p, int32_t t, int n, double mu,
				double log_mu)
{
	/* lgamma(n) for n = 1, 2, 3 */
	static const double lgamma_n[MAXB + 1] = { 0, 0, 0, 0.6931471805599453 };
	double lt = 0;

	if (t < 1)
		t = 1;
	if (n > 1)
		lt = (n - 1) * (t < LOG_TABLE ? p->log_n[t] : log(t));
	return lt - t / mu - lgamma_n[n] - n * log_mu;
}

/*
 * The length part of a bead with both sides non-empty: how much better the
 * lengths are explained by translation than by chance, as a cost. Following
 * Gale & Church (1993), the difference between x (A's characters) and y
 * (B's, in A's characters by the document's ratio) is normal with variance
 * s2 * (x + y) / 2; by chance, a total of n sentences has a Gamma(n) density
 * from the document's mean sentence length (Moore 2002 compares the same
 * way). Each direction counts half. A bead of several sentences pays for
 * the split its lengths do not predict, so merging two good beads loses.
 */
static double length_cost(const pair *p, size_t i, int a, size_t j, int b)
{
	int32_t lx = p->cum_a[i + (size_t)a] - p->cum_a[i];
	int32_t ly = p->cum_b[j + (size_t)b] - p->cum_b[j];
	double x, y, v, d2, nll;

	if (lx < 1)
		lx = 1;
	if (ly < 1)
		ly = 1;
	x = lx;
	y = ly;
	v = p->s2 * (x + y / p->ratio) / 2.0;
	d2 = (y / p->ratio - x) * (y / p->ratio - x) / (2 * v);
	nll = d2 + 0.5 * log(2 * M_PI * v) + 0.5 * p->log_ratio;
	return nll + 0.5 * (log_gamma_density(p, ly, b, p->mean_b, p->log_mean_b) +
			    log_gamma_density(p, lx, a, p->mean_a, p->log_mean_a));
}

/*
 * The whole cost of the bead [i, i+a) x [j, j+b), without the state penalty.
 * The anchors count by their similarity against the document's midpoint
 * between a true pair's and a neighbour's, scaled by the bead's size so that
 * merging two good beads into one gains nothing.
 */
static double bead_cost(const pair *p, size_t i, int a, size_t j, int b)
{
	double c = p->prior[a][b];

	if (a > 0 && b > 0)
		c += length_cost(p, i, a, j, b) + anchor_cost(p, i, a, j, b);

	if (p->use_paras && ((a > 1 && inner_para(p->a, i, a)) ||
			     (b > 1 && inner_para(p->b, j, b))))
		c += INNER_PARA;
	return c;
}

/*
 * bead_cost, or HUGE_VAL when before + the bead's cost cannot be below
 * best (then its anchors, the costly part, are not looked at).
 */
static double bead_cost_below(const pair *p, size_t i, int a, size_t j, int b,
			      double before, double best)
{
	double c = p->prior[a][b], para = 0, len;

	if (p->use_paras && ((a > 1 && inner_para(p->a, i, a)) ||
			     (b > 1 && inner_para(p->b, j, b))))
		para = INNER_PARA;
	if (a > 0 && b > 0) {
		len = length_cost(p, i, a, j, b);
		if (before + c + len + para + anchor_floor(p, i, a, j, b) > best + 1e-9)
			return HUGE_VAL;
		c += len + anchor_cost(p, i, a, j, b);
	}
	return c + para;
}

/* Does position i (before sentence i) lie on a paragraph boundary? */
static int at_boundary(const tma_feats *f, size_t i)
{
	return i == 0 || i >= f->n || f->para_end[i - 1];
}

static double state_cost(const pair *p, size_t i, size_t j)
{
	if (!p->use_paras)
		return 0;
	return at_boundary(p->a, i) != at_boundary(p->b, j) ? PARA_PENALTY : 0;
}

/* ------------------------------------------------------------------ */
/* Two languages                                                       */

/* The pairwise beads tried, in order of preference on equal cost. */
static const int8_t beads2[][2] = {
	{ 1, 1 }, { 1, 0 }, { 0, 1 }, { 2, 1 }, { 1, 2 }, { 2, 2 }, { 3, 1 },
	{ 1, 3 },
};
#define NBEADS2 (int)(sizeof(beads2) / sizeof(beads2[0]))

/* A path: the beads from the start, as sentence counts per language. */
typedef struct path {
	int8_t (*bead)[TMA_MAX_LANGS];
	double *cost;          /* each bead's cost (state penalty included) */
	size_t n, cap;
} path;

static int path_push(path *pa, const int8_t *counts, int nlang, double cost)
{
	size_t c2 = pa->cap;
	int k;

	if (tma_grow(&pa->bead, &pa->cap, pa->n + 1, sizeof(pa->bead[0])) ||
	    tma_grow(&pa->cost, &c2, pa->n + 1, sizeof(double)))
		return TMA_ENOMEM;
	for (k = 0; k < TMA_MAX_LANGS; k++)
		pa->bead[pa->n][k] = k < nlang ? counts[k] : 0;
	pa->cost[pa->n++] = cost;
	return TMA_OK;
}

static void path_reverse(path *pa)
{
	size_t i, j;

	for (i = 0, j = pa->n ? pa->n - 1 : 0; i < j; i++, j--) {
		int8_t t[TMA_MAX_LANGS];
		double c;
		memcpy(t, pa->bead[i], sizeof(t));
		memcpy(pa->bead[i], pa->bead[j], sizeof(t));
		memcpy(pa->bead[j], t, sizeof(t));
		c = pa->cost[i];
		pa->cost[i] = pa->cost[j];
		pa->cost[j] = c;
	}
}

static void path_free(path *pa)
{
	free(pa->bead);
	free(pa->cost);
	memset(pa, 0, sizeof(*pa));
}

typedef struct point {
	size_t i, j;
} point;

static int cmp_point(const void *x, const void *y)
{
	const point *a = x, *b = y;

	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j > b->j ? -1 : a->j < b->j;   /* j descending within i */
}

/*
 * The skeleton of pair p: for every row i of A, where in B the path is
 * expected, center[i], and how far it may stray besides the band, slack[i].
 * Anchor classes found as often in A as in B (at most MAX_REPEAT times) give
 * points: the k-th sentence of A holding one with the k-th of B. The longest
 * chain of points increasing in both (patience sorting) is kept and the rows
 * between its points are interpolated; between two points, the surplus of
 * sentences on one side is the slack. With no points it is the diagonal.
 * The caller frees both arrays.
 */
static int skeleton(size_t **out, size_t **slack_out, const pair *p)
{
	const tma_links *l = p->links;
	size_t n = p->a->n, m = p->b->n, nc = l->nclass, i, k, np = 0, len = 0;
	size_t total = 0;
	uint32_t *ca = calloc(nc + 1, sizeof(uint32_t));
	uint32_t *cb = calloc(nc + 1, sizeof(uint32_t));
	size_t *first = malloc(sizeof(size_t) * (nc + 1));
	size_t *seen = calloc(nc + 1, sizeof(size_t));
	size_t *occ = NULL, *tail = NULL, *prev = NULL;
	point *pts = NULL, *chain = NULL;
	size_t *center = malloc(sizeof(size_t) * (n + 1));
	size_t *slack = malloc(sizeof(size_t) * (n + 1));
	int rc = TMA_ENOMEM;

	if (!ca || !cb || !first || !seen || !center || !slack)
		goto done;
	for (i = 0; i < n; i++)
		for (k = 0; k < (size_t)l->na[i]; k++)
			ca[l->a[i][k]]++;
	for (i = 0; i < m; i++)
		for (k = 0; k < (size_t)l->nb[i]; k++)
			cb[l->b[i][k]]++;
	for (k = 0; k < nc; k++) {
		if (ca[k] != cb[k] || ca[k] > MAX_REPEAT)
			ca[k] = 0;
		first[k] = total;
		total += ca[k];
	}
	occ = malloc(sizeof(size_t) * (total + 1));
	pts = malloc(sizeof(point) * (total + 1));
	tail = malloc(sizeof(size_t) * (total + 1));
	prev = malloc(sizeof(size_t) * (total + 1));
	chain = malloc(sizeof(point) * (total + 2));
	if (!occ || !pts || !tail || !prev || !chain)
		goto done;
	for (i = 0; i < n; i++)
		for (k = 0; k < (size_t)l->na[i]; k++) {
			uint32_t c = l->a[i][k];
			if (ca[c])
				occ[first[c] + seen[c]++] = i;
		}
	memset(seen, 0, sizeof(size_t) * (nc + 1));
	for (i = 0; i < m; i++)
		for (k = 0; k < (size_t)l->nb[i]; k++) {
			uint32_t c = l->b[i][k];
			if (ca[c]) {
				pts[np].i = occ[first[c] + seen[c]++];
				pts[np++].j = i;
			}
		}
	qsort(pts, np, sizeof(point), cmp_point);
	/* Longest chain strictly increasing in j (and so in i, by the order). */
	for (k = 0; k < np; k++) {
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (pts[tail[mid]].j < pts[k].j)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[k] = lo > 0 ? tail[lo - 1] : SIZE_MAX;
		tail[lo] = k;
		if (lo == len)
			len++;
	}
	chain[0].i = chain[0].j = 0;
	for (k = len, i = len ? tail[len - 1] : SIZE_MAX; k > 0; k--, i = prev[i])
		chain[k] = pts[i];
	chain[len + 1].i = n;
	chain[len + 1].j = m;
	for (k = 0; k <= len; k++) {
		point a = chain[k], b = chain[k + 1];
		size_t r, d;
		if (b.i < a.i || b.j < a.j)
			b = a;
		d = b.j - a.j > b.i - a.i ? (b.j - a.j) - (b.i - a.i)
					  : (b.i - a.i) - (b.j - a.j);
		if (d > MAX_SLACK)
			d = MAX_SLACK;
		for (r = a.i; r <= b.i && r <= n; r++) {
			center[r] = b.i > a.i
				    ? a.j + (size_t)((double)(b.j - a.j) * (double)(r - a.i) /
						     (double)(b.i - a.i) + 0.5)
				    : a.j;
			slack[r] = d;
		}
	}
	center[n] = m;
	*out = center;
	*slack_out = slack;
	center = NULL;
	slack = NULL;
	rc = TMA_OK;
done:
	free(ca);
	free(cb);
	free(first);
	free(seen);
	free(occ);
	free(pts);
	free(tail);
	free(prev);
	free(chain);
	free(center);
	free(slack);
	return rc;
}

/*
 * The best path for pair p in a band of half-width w around the skeleton.
 * *touched says whether the path ran along the band's edge. Returns 0 or
 * TMA_ENOMEM.
 */
static int dp2_band(path *out, const pair *p, const size_t *center,
		    const size_t *slack, size_t w, int *touched)
{
	size_t n = p->a->n, m = p->b->n, i, j;
	size_t *lo = malloc(sizeof(size_t) * (n + 1));
	size_t *hi = malloc(sizeof(size_t) * (n + 1));
	size_t *off = malloc(sizeof(size_t) * (n + 2));
	double *cost = NULL;
	uint8_t *back = NULL;
	int rc = TMA_ENOMEM;

	*touched = 0;
	memset(out, 0, sizeof(*out));
	if (!lo || !hi || !off)
		goto done;
	off[0] = 0;
	for (i = 0; i <= n; i++) {
		size_t ci = center[i], wi = w + slack[i];
		lo[i] = ci > wi ? ci - wi : 0;
		hi[i] = ci + wi < m ? ci + wi : m;
		if (i == 0)
			lo[i] = 0;
		if (i == n)
			hi[i] = m;
		/* Each row must be reachable from the one before. */
		if (i > 0 && lo[i] > hi[i - 1])
			lo[i] = hi[i - 1];
		off[i + 1] = off[i] + (hi[i] - lo[i] + 1);
	}
	cost = malloc(sizeof(double) * off[n + 1]);
	back = malloc(off[n + 1]);
	if (!cost || !back)
		goto done;
	for (i = 0; i <= n; i++) {
		for (j = lo[i]; j <= hi[i]; j++) {
			double best = i == 0 && j == 0 ? 0 : HUGE_VAL;
			int arg = -1, k;

			for (k = 0; k < NBEADS2 && !(i == 0 && j == 0); k++) {
				int a = beads2[k][0], b = beads2[k][1];
				size_t pi, pj;
				double c;

				if ((size_t)a > i || (size_t)b > j)
					continue;
				pi = i - (size_t)a;
				pj = j - (size_t)b;
				if (pj < lo[pi] || pj > hi[pi])
					continue;
				c = cost[off[pi] + (pj - lo[pi])];
				if (c == HUGE_VAL)
					continue;
				c += bead_cost_below(p, pi, a, pj, b, c, best);
				if (c < best) {
					best = c;
					arg = k;
				}
			}
			if (arg >= 0 || (i == 0 && j == 0))
				best += state_cost(p, i, j);
			cost[off[i] + (j - lo[i])] = best;
			back[off[i] + (j - lo[i])] = (uint8_t)(arg < 0 ? 255 : arg);
		}
	}
	/* Trace back from (n, m). */
	i = n;
	j = m;
	while (i > 0 || j > 0) {
		uint8_t k = back[off[i] + (j - lo[i])];
		int8_t counts[TMA_MAX_LANGS] = { 0, 0, 0 };
		size_t pi, pj;
		double c;

		if (k == 255)
			goto done;   /* unreachable: cannot happen with 1-0 and 0-1 */
		if ((lo[i] > 0 && j == lo[i]) || (hi[i] < m && j == hi[i]))
			*touched = 1;
		counts[0] = beads2[k][0];
		counts[1] = beads2[k][1];
		pi = i - (size_t)counts[0];
		pj = j - (size_t)counts[1];
		c = cost[off[i] + (j - lo[i])] - cost[off[pi] + (pj - lo[pi])];
		if (path_push(out, counts, 2, c))
			goto done;
		i = pi;
		j = pj;
	}
	path_reverse(out);
	rc = TMA_OK;
done:
	if (rc)
		path_free(out);
	free(lo);
	free(hi);
	free(off);
	free(cost);
	free(back);
	return rc;
}

/*
 * The band of a first path: each row centred where the path enters it, with
 * slack for the sentences of B the path crosses within the row.
 */
static int guide_band(size_t **pcenter, size_t **pslack, const path *g, size_t n)
{
	size_t *center = malloc(sizeof(size_t) * (n + 1));
	size_t *slack = malloc(sizeof(size_t) * (n + 1));
	size_t i = 0, j = 0, k;

	if (!center || !slack) {
		free(center);
		free(slack);
		return TMA_ENOMEM;
	}
	center[0] = 0;
	slack[0] = 0;
	for (k = 0; k < g->n; k++) {
		size_t i1 = i + (size_t)g->bead[k][0], j1 = j + (size_t)g->bead[k][1];
		if (i1 == i) {
			slack[i] = j1 - center[i];
		} else {
			for (i++; i <= i1; i++) {
				center[i] = j1;
				slack[i] = 0;
			}
			i = i1;
		}
		j = j1;
	}
	*pcenter = center;
	*pslack = slack;
	return TMA_OK;
}

/*
 * The best path for p: in a band around the anchor skeleton, or, when guide
 * is not NULL, a narrower one around that earlier path; the band widens
 * until the path keeps off its edges.
 */
static int dp2(path *out, const pair *p, const path *guide)
{
	size_t n = p->a->n, m = p->b->n, *center = NULL, *slack = NULL;
	size_t w = guide ? 4 : 10, full = (n > m ? n : m) + 1;
	int touched, rc;

	rc = guide ? guide_band(&center, &slack, guide, n)
		   : skeleton(&center, &slack, p);
	if (rc)
		return rc;
	for (;;) {
		if (w > full)
			w = full;
		if ((rc = dp2_band(out, p, center, slack, w, &touched)))
			break;
		if (!touched || w == full)
			break;
		path_free(out);
		w *= 2;
	}
	free(center);
	free(slack);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The document's length model                                         */

/* The span sets of one side: lists[i] of counts[i] for n sentences. */
static int make_spans(span_set *sets, uint32_t *const *lists, const int32_t *counts,
		      size_t n)
{
	int len;

	for (len = 2; len <= MAXB; len++) {
		span_set *ss = &sets[len - 2];
		size_t i, total = 0, cap;
		ss->off = malloc(sizeof(size_t) * (n + 2));
		if (!ss->off)
			return TMA_ENOMEM;
		for (i = 0; i + (size_t)len <= n; i++) {
			int k;
			for (k = 0; k < len; k++)
				total += (size_t)counts[i + (size_t)k];
		}
		cap = total + 1;
		ss->ids = malloc(sizeof(uint32_t) * cap);
		if (!ss->ids)
			return TMA_ENOMEM;
		ss->sig = malloc(sizeof(uint64_t) * (n + 1));
		if (!ss->sig)
			return TMA_ENOMEM;
		ss->off[0] = 0;
		for (i = 0; i <= n; i++) {
			size_t at = ss->off[i];
			if (i + (size_t)len <= n)
				at += (size_t)span_anchors(ss->ids + at, lists, counts, i, len);
			ss->off[i + 1] = at;
			ss->sig[i] = class_sig(ss->ids + ss->off[i], (int32_t)(at - ss->off[i]));
		}
	}
	return TMA_OK;
}

static void free_spans(span_set *sets)
{
	int k;

	for (k = 0; k < MAXB - 1; k++) {
		free(sets[k].ids);
		free(sets[k].off);
		free(sets[k].sig);
	}
}

/* Prefix sums of the confidence anchor_cost gives each sentence. */
static void prefix_conf(double *out, const float *w, const float *unlinked, size_t n)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < n; i++) {
		double t = w[i] + UNLINKED_W * unlinked[i];
		out[i + 1] = out[i] + (t <= 0 ? 0 : t < ANCHOR_FULL ? t / ANCHOR_FULL : 1.0);
	}
}

static int pair_init(pair *p, const tma_aligner *al, const tma_feats *a,
		     const tma_feats *b, tma_error *err)
{
	double sa = 0, sb = 0;
	size_t i;
	int pa = 0, pb = 0;
	int rc, x, y;

	memset(p, 0, sizeof(*p));
	p->a = a;
	p->b = b;
	p->log_n = al->log_n;
	for (x = 0; x <= MAXB; x++)
		for (y = 0; y <= MAXB; y++)
			p->prior[x][y] = prior(x, y);
	p->cum_a = malloc(sizeof(int32_t) * (a->n + 1));
	p->cum_b = malloc(sizeof(int32_t) * (b->n + 1));
	if (!p->cum_a || !p->cum_b)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	p->cum_a[0] = p->cum_b[0] = 0;
	for (i = 0; i < a->n; i++) {
		p->cum_a[i + 1] = p->cum_a[i] + a->len[i];
		pa += a->para_end[i];
	}
	for (i = 0; i < b->n; i++) {
		p->cum_b[i + 1] = p->cum_b[i] + b->len[i];
		pb += b->para_end[i];
	}
	sa = p->cum_a[a->n];
	sb = p->cum_b[b->n];
	p->ratio = sa > 0 && sb > 0 ? sb / sa : 1.0;
	p->mean_a = a->n && sa > 0 ? sa / (double)a->n : 100.0;
	p->mean_b = b->n && sb > 0 ? sb / (double)b->n : 100.0;
	p->log_mean_a = log(p->mean_a);
	p->log_mean_b = log(p->mean_b);
	p->log_ratio = log(p->ratio);
	p->s2 = 6.8;
	p->sim_mid = SIM_MID;
	p->lex_gain = LEX_GAIN;
	p->unlinked_w = UNLINKED_W;
	p->use_paras = pa > 1 && pb > 1;
	if ((rc = tma_links_build(&p->links, a, b, err)))
		return rc;
	if (make_spans(p->spans_a, p->links->a, p->links->na, a->n) ||
	    make_spans(p->spans_b, p->links->b, p->links->nb, b->n))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	p->sig_a = malloc(sizeof(uint64_t) * (a->n + 1));
	p->sig_b = malloc(sizeof(uint64_t) * (b->n + 1));
	if (!p->sig_a || !p->sig_b)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (i = 0; i < a->n; i++)
		p->sig_a[i] = class_sig(p->links->a[i], p->links->na[i]);
	for (i = 0; i < b->n; i++)
		p->sig_b[i] = class_sig(p->links->b[i], p->links->nb[i]);
	p->conf_a = malloc(sizeof(double) * (a->n + 1));
	p->conf_b = malloc(sizeof(double) * (b->n + 1));
	if (!p->conf_a || !p->conf_b)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	prefix_conf(p->conf_a, p->links->wa, p->links->ua, a->n);
	prefix_conf(p->conf_b, p->links->wb, p->links->ub, b->n);
	return TMA_OK;
}

static void pair_free(pair *p)
{
	free(p->memo_key);
	free(p->memo_cost);
	free_spans(p->spans_a);
	free_spans(p->spans_b);
	free(p->sig_a);
	free(p->sig_b);
	free(p->conf_a);
	free(p->conf_b);
	free(p->cum_a);
	free(p->cum_b);
	tma_links_free(p->links);
	memset(p, 0, sizeof(*p));
}

/*
 * Re-estimate the ratio and variance from the confident 1-1 beads of a first
 * path (columns ca and cb of its beads).
 */
static void refit(pair *p, const path *pa, int ca, int cb)
{
	double sx = 0, sy = 0, sv = 0;
	size_t i, j = 0, k, n = 0;

	for (k = 0, i = 0; k < pa->n; k++) {
		int a = pa->bead[k][ca], b = pa->bead[k][cb];
		if (a == 1 && b == 1 && pa->cost[k] < 3.0) {
			sx += p->a->len[i];
			sy += p->b->len[j];
			n++;
		}
		i += (size_t)a;
		j += (size_t)b;
	}
	if (n < 5 || sx <= 0 || sy <= 0)
		return;
	p->ratio = sy / sx;
	p->log_ratio = log(p->ratio);
	for (k = 0, i = 0, j = 0; k < pa->n; k++) {
		int a = pa->bead[k][ca], b = pa->bead[k][cb];
		if (a == 1 && b == 1 && pa->cost[k] < 3.0) {
			double x = p->a->len[i], y = p->b->len[j] / p->ratio;
			if (x + y > 0)
				sv += (y - x) * (y - x) / ((x + y) / 2);
		}
		i += (size_t)a;
		j += (size_t)b;
	}
	sv /= (double)n;
	p->s2 = sv < 2.0 ? 2.0 : sv > 40.0 ? 40.0 : sv;
}

/* ------------------------------------------------------------------ */
/* Three languages                                                     */

/* Is a-b an allowed pairwise shape when both are non-zero? */
static int shape_ok(int a, int b)
{
	return (a == 1 && b <= 3) || (b == 1 && a <= 3) || (a == 2 && b == 2);
}

/* The three-way beads: consistent combinations of pairwise ones. */
static void list_beads3(bead3 *list, int *n)
{
	int a, b, c;

	*n = 0;
	for (a = 0; a <= MAXB; a++)
		for (b = 0; b <= MAXB; b++)
			for (c = 0; c <= MAXB; c++) {
				int zeros = (a == 0) + (b == 0) + (c == 0);
				int ok;
				if (zeros == 3)
					continue;
				if (zeros == 2)
					ok = a + b + c == 1;
				else if (zeros == 1)
					ok = (a == 0 || b == 0 || c == 0) &&
					     ((a == 0 && (b + c <= 3)) ||
					      (b == 0 && (a + c <= 3)) ||
					      (c == 0 && (a + b <= 3)));
				else   /* 2-2-2 is two 1-1-1 */
					ok = shape_ok(a, b) && shape_ok(a, c) &&
					     shape_ok(b, c) && !(a == b && b == c && a > 1);
				if (ok) {
					list[*n].c[0] = (int8_t)a;
					list[*n].c[1] = (int8_t)b;
					list[*n].c[2] = (int8_t)c;
					(*n)++;
				}
			}
}

/* Window of j for every i from a pairwise path, widened by w. */
/* Ranges lo[r]..hi[r] for rows 0..rows-1, all empty (lo > hi) to begin. */
static int ranges_new(size_t **plo, size_t **phi, size_t rows)
{
	size_t *lo = malloc(sizeof(size_t) * rows), *hi = malloc(sizeof(size_t) * rows);
	size_t r;

	if (!lo || !hi) {
		free(lo);
		free(hi);
		return TMA_ENOMEM;
	}
	for (r = 0; r < rows; r++) {
		lo[r] = SIZE_MAX;
		hi[r] = 0;
	}
	*plo = lo;
	*phi = hi;
	return TMA_OK;
}

static int windows(size_t **plo, size_t **phi, const path *pa, size_t n,
		   size_t m, size_t w)
{
	size_t *lo, *hi;
	size_t i = 0, j = 0, k;

	if (ranges_new(&lo, &hi, n + 1))
		return TMA_ENOMEM;
	lo[0] = hi[0] = 0;
	for (k = 0; k < pa->n; k++) {
		/* Every row the bead spans gets the bead's range of j. */
		size_t i1 = i + (size_t)pa->bead[k][0], j1 = j + (size_t)pa->bead[k][1];
		for (; i <= i1; i++) {
			if (j < lo[i])
				lo[i] = j;
			if (j1 > hi[i])
				hi[i] = j1;
		}
		i = i1;
		j = j1;
	}
	for (k = 0; k <= n; k++) {
		lo[k] = lo[k] > w ? lo[k] - w : 0;
		hi[k] = hi[k] + w < m ? hi[k] + w : m;
	}
	hi[n] = m;
	*plo = lo;
	*phi = hi;
	return TMA_OK;
}

/* A well-mixed hash of a memo key (splitmix64's finaliser). */
static size_t memo_hash(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return (size_t)x;
}

/* Grow the memo of p to twice its size; returns 0 or TMA_ENOMEM. */
static int memo_grow(pair *p)
{
	size_t cap = p->memo_cap ? p->memo_cap * 2 : 4096, k;
	uint64_t *keys = calloc(cap, sizeof(uint64_t));
	double *costs = malloc(sizeof(double) * cap);

	if (!keys || !costs) {
		free(keys);
		free(costs);
		return TMA_ENOMEM;
	}
	for (k = 0; k < p->memo_cap; k++) {
		uint64_t key = p->memo_key[k];
		size_t h;
		if (!key)
			continue;
		for (h = memo_hash(key) & (cap - 1); keys[h];
		     h = (h + 1) & (cap - 1))
			;
		keys[h] = key;
		costs[h] = p->memo_cost[k];
	}
	free(p->memo_key);
	free(p->memo_cost);
	p->memo_key = keys;
	p->memo_cost = costs;
	p->memo_cap = cap;
	return TMA_OK;
}

/*
 * bead_cost, remembered. The memo is only valid while the pair's model
 * stays as it is (the three-way search runs after every refit). When it
 * cannot grow, the cost is computed afresh.
 */
static double memo_bead_cost(pair *p, size_t i, int a, size_t j, int b)
{
	uint64_t key = ((uint64_t)i << 34 | (uint64_t)j << 4 | (uint64_t)(a << 2 | b)) + 1;
	size_t h;
	double c;

	if ((p->memo_n + 1) * 2 > p->memo_cap && memo_grow(p))
		return bead_cost(p, i, a, j, b);
	for (h = memo_hash(key) & (p->memo_cap - 1);
	     p->memo_key[h]; h = (h + 1) & (p->memo_cap - 1))
		if (p->memo_key[h] == key)
			return p->memo_cost[h];
	c = bead_cost(p, i, a, j, b);
	p->memo_key[h] = key;
	p->memo_cost[h] = c;
	p->memo_n++;
	return c;
}

/*
 * A pair's share of a three-way bead; third is the other language's count.
 * Where the two languages give the unit as many sentences each and the third
 * does not (2-2 when the third merged two), the pair is likely parallel
 * inside it: the cheaper of the bead and its 1-1 diagonal counts.
 */
static double sub_cost(pair *p, size_t i, int a, size_t j, int b, int third)
{
	double direct, diag = 0;
	int k;

	if (a == 0 && b == 0)
		return 0;
	direct = memo_bead_cost(p, i, a, j, b);
	if (a != b || a < 2 || third == a)
		return direct;
	for (k = 0; k < a; k++)
		diag += memo_bead_cost(p, i + (size_t)k, 1, j + (size_t)k, 1);
	return diag < direct ? diag : direct;
}

/*
 * Pairwise costs for the three-way search, computed once each: for rows r
 * and columns c in [lo[r], hi[r]], the 16 bead shapes a-b (a, b < 4) and the
 * two diagonals 2-2 and 3-3 as 1-1 beads (see sub_cost). NAN: not yet.
 */
typedef struct cost_band {
	size_t rows;
	size_t *lo, *hi, *off;
	float *val;                /* BAND_CELL a cell */
} cost_band;

#define BAND_CELL 18

static void band_free(cost_band *b)
{
	free(b->lo);
	free(b->hi);
	free(b->off);
	free(b->val);
	memset(b, 0, sizeof(*b));
}

/* A band with rows 0..rows-1 and the given column ranges (taken over). */
static int band_init(cost_band *b, size_t rows, size_t *lo, size_t *hi)
{
	size_t r, k, total;

	b->rows = rows;
	b->lo = lo;
	b->hi = hi;
	b->off = malloc(sizeof(size_t) * (rows + 1));
	if (!b->off)
		return TMA_ENOMEM;
	b->off[0] = 0;
	for (r = 0; r < rows; r++)
		b->off[r + 1] = b->off[r] + (hi[r] >= lo[r] ? hi[r] - lo[r] + 1 : 0);
	total = b->off[rows] * BAND_CELL;
	b->val = malloc(sizeof(float) * (total + 1));
	if (!b->val)
		return TMA_ENOMEM;
	for (k = 0; k < total; k++)
		b->val[k] = NAN;
	return TMA_OK;
}

/* A band with copies of rows lo/hi (the caller keeps its own). */
static int band_copy(cost_band *b, const size_t *lo, const size_t *hi, size_t rows)
{
	size_t *l2 = malloc(sizeof(size_t) * rows), *h2 = malloc(sizeof(size_t) * rows);

	if (!l2 || !h2) {
		free(l2);
		free(h2);
		return TMA_ENOMEM;
	}
	memcpy(l2, lo, sizeof(size_t) * rows);
	memcpy(h2, hi, sizeof(size_t) * rows);
	return band_init(b, rows, l2, h2);
}

/* sub_cost through the band (computed afresh off the band). */
static double band_cost(cost_band *bd, pair *p, size_t i, int a, size_t j, int b,
			int third)
{
	float *cell, *v;
	double direct, diag;
	int k;

	if (a == 0 && b == 0)
		return 0;
	if (i >= bd->rows || j < bd->lo[i] || j > bd->hi[i])
		return sub_cost(p, i, a, j, b, third);
	cell = bd->val + (bd->off[i] + (j - bd->lo[i])) * BAND_CELL;
	v = &cell[a * 4 + b];
	if (isnan(*v))
		*v = (float)bead_cost(p, i, a, j, b);
	direct = *v;
	if (a != b || a < 2 || third == a)
		return direct;
	v = &cell[16 + a - 2];
	if (isnan(*v)) {
		diag = 0;
		for (k = 0; k < a; k++)
			diag += bead_cost(p, i + (size_t)k, 1, j + (size_t)k, 1);
		*v = (float)diag;
	}
	return *v < direct ? *v : direct;
}

/*
 * The (j, k) pairs the three-way search can meet: for each j, the k of
 * every row whose windows hold j. lo and hi are allocated for the caller.
 */
static int jk_ranges(size_t **plo, size_t **phi, const size_t *jlo, const size_t *jhi,
		     const size_t *klo, const size_t *khi, size_t n, size_t m)
{
	size_t *lo, *hi;
	size_t i, j;

	if (ranges_new(&lo, &hi, m + 1))
		return TMA_ENOMEM;
	for (i = 0; i <= n; i++)
		for (j = jlo[i]; j <= jhi[i] && j <= m; j++) {
			if (klo[i] < lo[j])
				lo[j] = klo[i];
			if (khi[i] > hi[j])
				hi[j] = khi[i];
		}
	for (j = 0; j <= m; j++)
		if (lo[j] == SIZE_MAX) {
			lo[j] = 1;
			hi[j] = 0;   /* empty */
		}
	*plo = lo;
	*phi = hi;
	return TMA_OK;
}

/* Three-way search inside the windows of the pairwise paths p01 and p02. */
static int dp3(path *out, const tma_aligner *al, pair *const pp[3],
	       const path *p01, const path *p02, size_t w)
{
	const bead3 *beads3 = al->beads3;
	const int nbeads3 = al->nbeads3;
	cost_band bands[3];
	size_t n = pp[0]->a->n, m = pp[0]->b->n, l = pp[1]->b->n, i;
	size_t *jlo = NULL, *jhi = NULL, *klo = NULL, *khi = NULL, *off = NULL;
	double *cost = NULL;
	uint8_t *back = NULL;
	int rc = TMA_ENOMEM;

	memset(out, 0, sizeof(*out));
	memset(bands, 0, sizeof(bands));
	if (windows(&jlo, &jhi, p01, n, m, w) || windows(&klo, &khi, p02, n, l, w))
		goto done;
	off = malloc(sizeof(size_t) * (n + 2));
	if (!off)
		goto done;
	off[0] = 0;
	jlo[0] = klo[0] = 0;
	for (i = 0; i <= n; i++)
		off[i + 1] = off[i] + (jhi[i] - jlo[i] + 1) * (khi[i] - klo[i] + 1);
	/* The pairwise costs' bands: rows i and j, rows i and k, rows j and k. */
	if (band_copy(&bands[0], jlo, jhi, n + 1) || band_copy(&bands[1], klo, khi, n + 1))
		goto done;
	{
		size_t *lo2 = NULL, *hi2 = NULL;
		if (jk_ranges(&lo2, &hi2, jlo, jhi, klo, khi, n, m) ||
		    band_init(&bands[2], m + 1, lo2, hi2))
			goto done;
	}
	cost = malloc(sizeof(double) * off[n + 1]);
	back = malloc(off[n + 1]);
	if (!cost || !back)
		goto done;
#define IDX(i, j, k) (off[i] + ((j) - jlo[i]) * (khi[i] - klo[i] + 1) + ((k) - klo[i]))
	for (i = 0; i <= n; i++) {
		size_t j, k;
		for (j = jlo[i]; j <= jhi[i]; j++)
			for (k = klo[i]; k <= khi[i]; k++) {
				double best = (i | j | k) == 0 ? 0 : HUGE_VAL;
				int arg = -1, t;

				for (t = 0; t < nbeads3 && (i | j | k); t++) {
					int a = beads3[t].c[0], b = beads3[t].c[1],
					    c = beads3[t].c[2];
					size_t pi, pj, pk;
					double v;

					if ((size_t)a > i || (size_t)b > j || (size_t)c > k)
						continue;
					pi = i - (size_t)a;
					pj = j - (size_t)b;
					pk = k - (size_t)c;
					if (pj < jlo[pi] || pj > jhi[pi] || pk < klo[pi] ||
					    pk > khi[pi])
						continue;
					v = cost[IDX(pi, pj, pk)];
					if (v == HUGE_VAL)
						continue;
					/* Costs may be negative: no pruning on partial sums. */
					v += band_cost(&bands[0], pp[0], pi, a, pj, b, c) +
					     band_cost(&bands[1], pp[1], pi, a, pk, c, b) +
					     band_cost(&bands[2], pp[2], pj, b, pk, c, a);
					if (v < best) {
						best = v;
						arg = t;
					}
				}
				if (arg >= 0 || (i | j | k) == 0)
					best += state_cost(pp[0], i, j) +
						state_cost(pp[1], i, k) +
						state_cost(pp[2], j, k);
				cost[IDX(i, j, k)] = best;
				back[IDX(i, j, k)] = (uint8_t)(arg < 0 ? 255 : arg);
			}
	}
	{
		size_t j = m, k = l;
		i = n;
		while (i > 0 || j > 0 || k > 0) {
			uint8_t t = back[IDX(i, j, k)];
			size_t pi, pj, pk;
			double v;

			if (t == 255)
				goto done;
			pi = i - (size_t)beads3[t].c[0];
			pj = j - (size_t)beads3[t].c[1];
			pk = k - (size_t)beads3[t].c[2];
			v = cost[IDX(i, j, k)] - cost[IDX(pi, pj, pk)];
			if (path_push(out, beads3[t].c, 3, v))
				goto done;
			i = pi;
			j = pj;
			k = pk;
		}
	}
#undef IDX
	path_reverse(out);
	rc = TMA_OK;
done:
	if (rc)
		path_free(out);
	band_free(&bands[0]);
	band_free(&bands[1]);
	band_free(&bands[2]);
	free(jlo);
	free(jhi);
	free(klo);
	free(khi);
	free(off);
	free(cost);
	free(back);
	return rc;
}

/* ------------------------------------------------------------------ */

void tma_alignment_free(tma_alignment *a)
{
	if (!a)
		return;
	free(a->unit);
	free(a);
}

char *tma_unit_bead(const tma_unit *u, int nlang, char *buf)
{
	int k, used = 0;

	for (k = 0; k < nlang && k < TMA_MAX_LANGS; k++)
		used += snprintf(buf + used, 16 - (size_t)used, k ? "-%d" : "%d",
				 u->count[k] > 9 ? 9 : u->count[k]);
	return buf;
}

/* Units from a path; pairs is how many pairwise costs each bead's cost sums. */
static int units_from_path(tma_alignment *al, const path *pa, int nlang,
			   int pairs)
{
	size_t pos[TMA_MAX_LANGS] = { 0, 0, 0 }, k;
	int l;

	al->unit = calloc(pa->n + 1, sizeof(tma_unit));
	if (!al->unit)
		return TMA_ENOMEM;
	for (k = 0; k < pa->n; k++) {
		tma_unit *u = &al->unit[k];
		double c = pa->cost[k] / pairs;
		for (l = 0; l < nlang; l++) {
			u->start[l] = pos[l];
			u->count[l] = pa->bead[k][l];
			pos[l] += (size_t)pa->bead[k][l];
		}
		u->score = 1.0 / (1.0 + exp(c - SCORE_MID));
	}
	al->n = pa->n;
	return TMA_OK;
}

/*
 * Align pair p twice: the first path refits the length model and guides the
 * second search.
 */
static int two_passes(path *out, pair *p)
{
	path first;
	int rc;

	if ((rc = dp2(&first, p, NULL)))
		return rc;
	refit(p, &first, 0, 1);
	rc = dp2(out, p, &first);
	path_free(&first);
	return rc;
}

int tma_align(tma_alignment **out, tma_aligner *al, tma_doc *const *docs,
	      int ndocs, tma_error *err)
{
	tma_feats *f[TMA_MAX_LANGS] = { NULL, NULL, NULL };
	pair pp[3];
	path p01, p02, p3;
	tma_alignment *res = NULL;
	int k, rc = TMA_OK, npairs = 0;

	*out = NULL;
	memset(pp, 0, sizeof(pp));
	memset(&p01, 0, sizeof(p01));
	memset(&p02, 0, sizeof(p02));
	memset(&p3, 0, sizeof(p3));
	if (ndocs < 2 || ndocs > TMA_MAX_LANGS)
		return tma_fail(err, TMA_EUSAGE, "alignment needs 2 or 3 languages, not %d",
				ndocs);
	res = calloc(1, sizeof(*res));
	if (!res)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	res->nlang = ndocs;
	for (k = 0; k < ndocs; k++) {
		tma_tokenizer *tk;
		snprintf(res->lang[k], TMA_LANG_MAX, "%s", docs[k]->lang);
		if ((rc = tma_lexicon_tokenizer(&tk, al->lexicon, docs[k]->lang, err)) ||
		    (rc = tma_feats_build(&f[k], tk, al->lexicon, docs[k], err)))
			goto done;
	}
	if ((rc = pair_init(&pp[0], al, f[0], f[1], err)))
		goto done;
	npairs = 1;
	if (ndocs == 3) {
		if ((rc = pair_init(&pp[1], al, f[0], f[2], err)) ||
		    (rc = pair_init(&pp[2], al, f[1], f[2], err)))
			goto done;
		npairs = 3;
	}
	if (ndocs == 2) {
		/* First pass, refit of the length model, second pass around it. */
		if ((rc = two_passes(&p01, &pp[0])))
			goto nomem;
		rc = units_from_path(res, &p01, 2, 1);
		goto nomem;
	}
	/*
	 * Three languages: one pass per pair refits its length model; the
	 * three-way search, in windows around the first language's paths,
	 * is the second pass.
	 */
	{
		path p12;
		if ((rc = dp2(&p01, &pp[0], NULL)) || (rc = dp2(&p02, &pp[1], NULL)) ||
		    (rc = dp2(&p12, &pp[2], NULL)))
			goto nomem;
		refit(&pp[0], &p01, 0, 1);
		refit(&pp[1], &p02, 0, 1);
		refit(&pp[2], &p12, 0, 1);
		path_free(&p12);
	}
	if ((rc = dp3(&p3, al, (pair *const[3]){ &pp[0], &pp[1], &pp[2] }, &p01, &p02, 3)))
		goto nomem;
	rc = units_from_path(res, &p3, 3, npairs);
nomem:
	if (rc == TMA_ENOMEM)
		tma_fail(err, rc, "out of memory while aligning");
done:
	for (k = 0; k < 3; k++)
		pair_free(&pp[k]);
	for (k = 0; k < TMA_MAX_LANGS; k++)
		tma_feats_free(f[k]);
	path_free(&p01);
	path_free(&p02);
	path_free(&p3);
	if (rc) {
		tma_alignment_free(res);
		return rc;
	}
	*out = res;
	return TMA_OK;
}
