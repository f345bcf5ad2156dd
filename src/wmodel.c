/*
 * wmodel.c - a word translation model learned from aligned units, and the
 * word links it gives inside a unit.
 *
 * The model is fast_align's (Dyer, Chahuneau and Smith 2013): IBM Model 2
 * whose alignment distribution favours the diagonal, p(a_j = i) ~
 * exp(-LAMBDA |i/n - j/m|), with a probability P_NULL of aligning to no
 * word; t(f | e) by EM from a uniform start. Pairs far off the diagonal
 * of long sentences are not counted (they would fill the table with
 * noise), and after the first iteration each source word keeps its KEEP
 * likeliest targets; later iterations add a pair the table does not hold
 * only when its posterior is at least NEW_MIN. The table keeps expected
 * counts, not probabilities, so that units added later are one more E
 * step on top (tma_wm_update).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wmodel.h"

#define LAMBDA 1.5           /* the diagonal's tension (fast_align: 4; news reorders) */
#define P_NULL 0.08          /* and its probability of no counterpart */
#define FAR_OFF 0.5          /* |i/n - j/m| beyond which pairs are not counted */
#define KEEP 64              /* targets a source word keeps after iteration 1 */
#define FLOOR 1e-7           /* t of a pair never seen */
#define NEW_MIN 0.01         /* the least posterior that makes a pair an entry */

/* What one pair's E step works in, kept from pair to pair. */
typedef struct tma_wm_scratch {
	double *pf, *pb, *nf, *nb, *z;
	size_t pcap, pbcap, nfcap, nbcap, zcap, xcap, xbcap, racap;
	struct tma_wm_entry **xf, **xb;
	uint32_t *ra;
} tma_wm_scratch;

/* ------------------------------------------------------------------ */
/* The corpus                                                          */

int tma_wm_corpus_add(tma_wm_corpus *c, const uint32_t *src, int ns, const uint32_t *tgt,
		      int nt, const uint32_t *anc, int na)
{
	size_t a1 = c->atcap, a2 = c->atcap, a3 = c->atcap;

	if (tma_grow(&c->src, &c->srccap, c->nsrc + (size_t)ns, sizeof(uint32_t)) ||
	    tma_grow(&c->tgt, &c->tgtcap, c->ntgt + (size_t)nt, sizeof(uint32_t)) ||
	    tma_grow(&c->anc, &c->anccap, c->nanc + (size_t)na + 1, sizeof(uint32_t)) ||
	    tma_grow(&c->src_at, &a1, c->n + 2, sizeof(size_t)) ||
	    tma_grow(&c->tgt_at, &a2, c->n + 2, sizeof(size_t)) ||
	    tma_grow(&c->anc_at, &a3, c->n + 2, sizeof(size_t)))
		return TMA_ENOMEM;
	c->atcap = a1 < a2 ? (a1 < a3 ? a1 : a3) : (a2 < a3 ? a2 : a3);
	if (c->n == 0)
		c->src_at[0] = c->tgt_at[0] = c->anc_at[0] = 0;
	if (na)
		memcpy(c->anc + c->nanc, anc, sizeof(uint32_t) * (size_t)na);
	c->nanc += (size_t)na;
	c->anc_at[c->n + 1] = c->nanc;
	memcpy(c->src + c->nsrc, src, sizeof(uint32_t) * (size_t)ns);
	memcpy(c->tgt + c->ntgt, tgt, sizeof(uint32_t) * (size_t)nt);
	c->nsrc += (size_t)ns;
	c->ntgt += (size_t)nt;
	c->n++;
	c->src_at[c->n] = c->nsrc;
	c->tgt_at[c->n] = c->ntgt;
	return TMA_OK;
}

void tma_wm_corpus_free(tma_wm_corpus *c)
{
	free(c->src);
	free(c->tgt);
	free(c->src_at);
	free(c->tgt_at);
	free(c->anc);
	free(c->anc_at);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 31;
	key *= 0x7FB5D329728EA185ULL;
	key ^= key >> 27;
	return (size_t)key & (cap - 1);
}

/* The counts of t, freed; its priors kept. */
static void forget_counts(tma_wm_table *t)
{
	tma_wm_table *prior = t->prior;

	free(t->slot);
	free(t->total);
	memset(t, 0, sizeof(*t));
	t->prior = prior;
}

void tma_wm_table_free(tma_wm_table *t)
{
	if (t->prior) {
		tma_wm_table_free(t->prior);
		free(t->prior);
	}
	t->prior = NULL;
	forget_counts(t);
}

static const tma_wm_entry *find(const tma_wm_table *t, uint64_t key)
{
	size_t s;

	if (!t->cap)
		return NULL;
	for (s = slot_of(key, t->cap); t->slot[s].key; s = (s + 1) & (t->cap - 1))
		if (t->slot[s].key == key)
			return &t->slot[s];
	return NULL;
}

static int grow_table(tma_wm_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1 << 12, i, s;
	tma_wm_entry *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return TMA_ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i].key)
			continue;
		for (s = slot_of(t->slot[i].key, cap); slot[s].key; s = (s + 1) & (cap - 1))
			;
		slot[s] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return TMA_OK;
}

/* The target word of an entry. */
static uint32_t f_of(const tma_wm_entry *x)
{
	return (uint32_t)((x->key - 1) & 0xFFFFFFFFu);
}

/* The entry of (e, f), made when new; NULL when out of memory. */
static tma_wm_entry *entry(tma_wm_table *t, uint32_t e, uint32_t f)
{
	uint64_t key = ((uint64_t)e << 32 | f) + 1;
	size_t s;

	if ((t->n + 1) * 2 > t->cap && grow_table(t))
		return NULL;
	for (s = slot_of(key, t->cap); t->slot[s].key; s = (s + 1) & (t->cap - 1))
		if (t->slot[s].key == key)
			return &t->slot[s];
	t->slot[s].key = key;
	t->slot[s].c = t->slot[s].acc = 0;
	t->n++;
	return &t->slot[s];
}

double tma_wm_count(const tma_wm_table *t, uint32_t e, uint32_t f)
{
	const tma_wm_entry *x = find(t, ((uint64_t)e << 32 | f) + 1);

	return x ? x->c : 0;
}

double tma_wm_prob(const tma_wm_table *t, uint32_t e, uint32_t f)
{
	const tma_wm_entry *x;
	double p;

	/* EM's start: every pair alike, but for what the priors say. */
	if (t->uniform)
		return t->prior ? 1.0 + tma_wm_count(t->prior, e, f) : 1.0;
	x = find(t, ((uint64_t)e << 32 | f) + 1);
	if (!x || (size_t)e >= t->totalcap || t->total[e] <= 0)
		return FLOOR;
	p = x->c / t->total[e];
	return p > FLOOR ? p : FLOOR;
}

/* Room in the totals for source word e. */
static int total_room(tma_wm_table *t, uint32_t e)
{
	size_t old = t->totalcap;

	if ((size_t)e < t->totalcap)
		return TMA_OK;
	if (tma_grow(&t->total, &t->totalcap, (size_t)e + 1, sizeof(double)))
		return TMA_ENOMEM;
	memset(t->total + old, 0, sizeof(double) * (t->totalcap - old));
	return TMA_OK;
}

int tma_wm_set(tma_wm_table *t, uint32_t e, uint32_t f, double count)
{
	tma_wm_entry *x = entry(t, e, f);

	if (!x || total_room(t, e))
		return TMA_ENOMEM;
	t->total[e] += count - x->c;
	x->c = (float)count;
	t->uniform = 0;
	return TMA_OK;
}

int tma_wm_prior(tma_wm_table *t, uint32_t e, uint32_t f, double k)
{
	tma_wm_entry *x;

	if (!t->prior && !(t->prior = calloc(1, sizeof(*t->prior))))
		return TMA_ENOMEM;
	if (!(x = entry(t->prior, e, f)))
		return TMA_ENOMEM;
	if (k > x->c)
		x->c = (float)k;
	return TMA_OK;
}

int tma_wm_set_total(tma_wm_table *t, uint32_t e, double total)
{
	if (total_room(t, e))
		return TMA_ENOMEM;
	if (total > t->total[e])
		t->total[e] = total;
	t->extra = 1;
	return TMA_OK;
}

/*
 * The accumulated counts become the model's: c = acc and the pair's
 * prior (add: c += acc, the prior being in c already; a loaded model's
 * pair met for the first time gets its prior too).
 */
static int fold_counts(tma_wm_table *t, int add)
{
	size_t i;

	/* A loaded model's totals count more than its entries: they grow. */
	if (!t->extra)
		for (i = 0; i < t->totalcap; i++)
			t->total[i] = 0;
	for (i = 0; i < t->cap; i++) {
		tma_wm_entry *x = &t->slot[i];
		uint32_t e;
		if (!x->key)
			continue;
		e = (uint32_t)((x->key - 1) >> 32);
		if (total_room(t, e))
			return TMA_ENOMEM;
		if (t->extra) {
			double k = x->c == 0 && t->prior ? tma_wm_count(t->prior, e, f_of(x)) : 0;
			t->total[e] += x->acc + k;
			x->c += x->acc + (float)k;
		} else {
			x->c = add ? x->c + x->acc : x->acc;
			if (!add && t->prior)
				x->c += (float)tma_wm_count(t->prior, e, f_of(x));
			t->total[e] += x->c;
		}
		x->acc = 0;
	}
	t->uniform = 0;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* EM                                                                  */

/* The diagonal prior's weight of source i of n for target j of m. */
static double diag(int i, int n, int j, int m)
{
	double d = fabs((i + 0.5) / n - (j + 0.5) / m);

	return exp(-LAMBDA * d);
}

/* Is (i, j) too far off the diagonal to count? */
static int far_off(int i, int n, int j, int m)
{
	return n > 4 && m > 4 && fabs((i + 0.5) / n - (j + 0.5) / m) > FAR_OFF;
}

static int e_step(tma_wm_table *t, const tma_wm_corpus *c, int reverse);
static int prune(tma_wm_table *t);

/* Is target j of the pair anchored, and to source i? (anchors a[0..na)) */
static int anchors_of(const uint32_t *a, int na, int j, int reverse, int i)
{
	int k, any = 0;

	for (k = 0; k < na; k++) {
		int ai = (int)(a[k] >> 16), aj = (int)(a[k] & 0xFFFF);
		if (reverse) {
			int x = ai;
			ai = aj;
			aj = x;
		}
		if (aj == j) {
			if (i < 0 || ai == i)
				return 1;
			any = 1;
		}
	}
	return i < 0 ? any : 0;
}

/*
 * One sentence pair's posteriors, added to the counts being accumulated.
 * A target word held by anchors gives its mass to its anchors alone.
 */
static int e_step_pair(tma_wm_table *t, const uint32_t *e, int n, const uint32_t *f, int m,
		       const uint32_t *anc, int na, int reverse)
{
	double w[512], z;
	int i, j;

	if (n > 512)
		n = 512;
	for (j = 0; j < m; j++) {
		double prior = 0;
		int fixed = na && anchors_of(anc, na, j, reverse, -1);
		tma_wm_entry *x;
		for (i = 0; i < n; i++) {
			if (fixed)
				w[i] = anchors_of(anc, na, j, reverse, i);
			else
				w[i] = far_off(i, n, j, m) ? 0 : diag(i, n, j, m);
			prior += w[i];
		}
		z = fixed ? 0 : P_NULL * tma_wm_prob(t, TMA_WM_NULL, f[j]);
		for (i = 0; i < n; i++)
			if (w[i] > 0) {
				w[i] = fixed ? w[i] / prior
					     : (1 - P_NULL) * w[i] / prior * tma_wm_prob(t, e[i], f[j]);
				z += w[i];
			}
		if (z <= 0)
			continue;
		if (!fixed) {
			if (!(x = entry(t, TMA_WM_NULL, f[j])))
				return TMA_ENOMEM;
			x->acc += (float)(P_NULL * tma_wm_prob(t, TMA_WM_NULL, f[j]) / z);
		}
		for (i = 0; i < n; i++) {
			if (w[i] <= 0)
				continue;
			if (!(x = entry(t, e[i], f[j])))
				return TMA_ENOMEM;
			x->acc += (float)(w[i] / z);
		}
	}
	return TMA_OK;
}

/* t(f | e) of entry x of t (NULL: a pair never counted). */
static double prob_at(const tma_wm_table *t, const tma_wm_entry *x, uint32_t e)
{
	double p;

	if (!x || (size_t)e >= t->totalcap || t->total[e] <= 0)
		return FLOOR;
	p = x->c / t->total[e];
	return p > FLOOR ? p : FLOOR;
}

/*
 * One direction's link posteriors of a pair: post[i * m + j] that target
 * j comes from source i, null[j] that it comes from no word; at[i * m + j]
 * the table's entry of the pair when it has one (at may be NULL).
 */
static void link_posteriors(const tma_wm_table *t, const uint32_t *e, int n, const uint32_t *f,
			    int m, const uint32_t *anc, int na, int reverse, double *post,
			    double *null, tma_wm_entry **at)
{
	int i, j;

	for (j = 0; j < m; j++) {
		double prior = 0, z;
		int fixed = na && anchors_of(anc, na, j, reverse, -1);
		for (i = 0; i < n; i++) {
			double w = fixed ? anchors_of(anc, na, j, reverse, i)
					 : far_off(i, n, j, m) ? 0 : diag(i, n, j, m);
			post[i * m + j] = w;
			prior += w;
		}
		z = null[j] = fixed ? 0 : P_NULL * tma_wm_prob(t, TMA_WM_NULL, f[j]);
		for (i = 0; i < n; i++) {
			tma_wm_entry *x = NULL;
			if (post[i * m + j] > 0) {
				if (!t->uniform)
					x = (tma_wm_entry *)find(t, ((uint64_t)e[i] << 32 | f[j]) + 1);
				post[i * m + j] = fixed ? post[i * m + j] / prior
					: (1 - P_NULL) * post[i * m + j] / prior *
					  (t->uniform ? tma_wm_prob(t, e[i], f[j]) : prob_at(t, x, e[i]));
				z += post[i * m + j];
			}
			if (at)
				at[i * m + j] = x;
		}
		for (i = 0; i < n && z > 0; i++)
			post[i * m + j] /= z;
		if (z > 0)
			null[j] /= z;
	}
}

/*
 * One direction's share of the agreement counts: for each of the nt
 * target words, the links to the ns source words that both directions
 * believe in (own and other posteriors, at s * ss + t * st and
 * s * os + t * ot), and NULL when no source word takes it in the other
 * direction, renormalised. at holds the entries own's pairs had (same
 * layout); those are added to first, as a new entry may move them all.
 * z is room for nt sums. Returns 0, or -1 out of memory.
 */
static int gather(tma_wm_table *t, const uint32_t *src, int ns, const uint32_t *tgt, int nt,
		  const double *own, size_t ss, size_t st, const double *other, size_t os,
		  size_t ot, const double *nul, tma_wm_entry **at, double *z)
{
	tma_wm_entry *x;
	int s, k, pass;

	for (k = 0; k < nt; k++) {
		double none = 1;
		for (s = 0; s < ns; s++)
			none *= 1 - other[(size_t)s * os + (size_t)k * ot];
		z[k] = nul[k] * none;
		for (s = 0; s < ns; s++)
			z[k] += own[(size_t)s * ss + (size_t)k * st] *
				other[(size_t)s * os + (size_t)k * ot];
	}
	/* Pass 0: the pairs with entries; pass 1: NULL's and new pairs. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < nt; k++) {
			if (z[k] <= 0)
				continue;
			if (pass == 1) {
				double none = 1;
				for (s = 0; s < ns; s++)
					none *= 1 - other[(size_t)s * os + (size_t)k * ot];
				if (!(x = entry(t, TMA_WM_NULL, tgt[k])))
					return -1;
				x->acc += (float)(nul[k] * none / z[k]);
			}
			for (s = 0; s < ns; s++) {
				size_t i = (size_t)s * ss + (size_t)k * st;
				double p = own[i] * other[(size_t)s * os + (size_t)k * ot];
				if (p <= 0 || (at[i] != NULL) != (pass == 0) ||
				    (!at[i] && p / z[k] < NEW_MIN))
					continue;
				if (!(x = at[i]) && !(x = entry(t, src[s], tgt[k])))
					return -1;
				x->acc += (float)(p / z[k]);
			}
		}
	return 0;
}

/*
 * Alignment by agreement (Liang, Taskar and Klein 2006): both directions
 * of a pair count the links both believe in, the product of their
 * posteriors, each renormalised over its own target word.
 */
static int agree_pair(tma_wm_table *tf, tma_wm_table *tb, const uint32_t *e, int n,
		      const uint32_t *f, int m, const uint32_t *anc, int na, tma_wm_scratch *w)
{
	size_t nm = (size_t)n * (size_t)m + 1, nz = (size_t)(n > m ? n : m) + 1;
	int k;

	if (tma_grow(&w->pf, &w->pcap, nm, sizeof(double)) ||
	    tma_grow(&w->pb, &w->pbcap, nm, sizeof(double)) ||
	    tma_grow(&w->xf, &w->xcap, nm, sizeof(tma_wm_entry *)) ||
	    tma_grow(&w->xb, &w->xbcap, nm, sizeof(tma_wm_entry *)) ||
	    tma_grow(&w->nf, &w->nfcap, nz, sizeof(double)) ||
	    tma_grow(&w->nb, &w->nbcap, nz, sizeof(double)) ||
	    tma_grow(&w->z, &w->zcap, nz, sizeof(double)) ||
	    tma_grow(&w->ra, &w->racap, (size_t)na + 1, sizeof(uint32_t)))
		return TMA_ENOMEM;
	for (k = 0; k < na; k++)
		w->ra[k] = (anc[k] & 0xFFFF) << 16 | anc[k] >> 16;
	link_posteriors(tf, e, n, f, m, anc, na, 0, w->pf, w->nf, w->xf);
	/* The reverse direction: sources are f, targets e; pb[j * n + i]. */
	link_posteriors(tb, f, m, e, n, w->ra, na, 0, w->pb, w->nb, w->xb);
	if (gather(tf, e, n, f, m, w->pf, m, 1, w->pb, 1, n, w->nf, w->xf, w->z) ||
	    gather(tb, f, m, e, n, w->pb, n, 1, w->pf, 1, m, w->nb, w->xb, w->z))
		return TMA_ENOMEM;
	return TMA_OK;
}

static void scratch_free(tma_wm_scratch *w)
{
	free(w->pf);
	free(w->pb);
	free(w->xf);
	free(w->xb);
	free(w->nf);
	free(w->nb);
	free(w->z);
	free(w->ra);
	memset(w, 0, sizeof(*w));
}

int tma_wm_train_both(tma_wm_table *tf, tma_wm_table *tb, const tma_wm_corpus *c,
		      int iterations, int update)
{
	size_t k;
	int it, rc;

	if (!update) {
		forget_counts(tf);
		forget_counts(tb);
		tf->uniform = tb->uniform = 1;
	}
	for (it = 0; it < (update ? 1 : iterations); it++) {
		/* The first iteration of a fresh model: each direction alone. */
		if (!update && it == 0) {
			if ((rc = e_step(tf, c, 0)) || (rc = e_step(tb, c, 1)))
				return rc;
		} else {
			tma_wm_scratch w = { 0 };
			for (k = 0, rc = TMA_OK; k < c->n && !rc; k++) {
				const uint32_t *s = c->src + c->src_at[k], *g = c->tgt + c->tgt_at[k];
				rc = agree_pair(tf, tb, s, (int)(c->src_at[k + 1] - c->src_at[k]), g,
						(int)(c->tgt_at[k + 1] - c->tgt_at[k]),
						c->anc + c->anc_at[k],
						(int)(c->anc_at[k + 1] - c->anc_at[k]), &w);
			}
			scratch_free(&w);
			if (rc)
				return rc;
		}
		if ((rc = fold_counts(tf, update)) || (rc = fold_counts(tb, update)))
			return rc;
		if (!update && it == 0 && ((rc = prune(tf)) || (rc = prune(tb))))
			return rc;
	}
	return TMA_OK;
}

static int e_step(tma_wm_table *t, const tma_wm_corpus *c, int reverse)
{
	size_t k;
	int rc;

	for (k = 0; k < c->n; k++) {
		const uint32_t *s = c->src + c->src_at[k], *g = c->tgt + c->tgt_at[k];
		const uint32_t *a = c->anc + c->anc_at[k];
		int ns = (int)(c->src_at[k + 1] - c->src_at[k]);
		int ng = (int)(c->tgt_at[k + 1] - c->tgt_at[k]);
		int na = (int)(c->anc_at[k + 1] - c->anc_at[k]);
		rc = reverse ? e_step_pair(t, g, ng, s, ns, a, na, 1)
			     : e_step_pair(t, s, ns, g, ng, a, na, 0);
		if (rc)
			return rc;
	}
	return TMA_OK;
}

static int cmp_entry(const void *x, const void *y)
{
	const tma_wm_entry *a = x, *b = y;
	uint64_t ea = (a->key - 1) >> 32, eb = (b->key - 1) >> 32;

	if (ea != eb)
		return ea < eb ? -1 : 1;
	return a->c > b->c ? -1 : a->c < b->c;
}

/* Keep each source word's KEEP likeliest targets (NULL keeps all). */
static int prune(tma_wm_table *t)
{
	tma_wm_entry *all = malloc(sizeof(*all) * (t->n + 1));
	size_t n = 0, i, run = 0;
	uint64_t e = UINT64_MAX;

	if (!all)
		return TMA_ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key)
			all[n++] = t->slot[i];
	qsort(all, n, sizeof(*all), cmp_entry);
	memset(t->slot, 0, sizeof(*t->slot) * t->cap);
	t->n = 0;
	for (i = 0; i < n; i++) {
		uint64_t ei = (all[i].key - 1) >> 32;
		tma_wm_entry *x;
		run = ei == e ? run + 1 : 0;
		e = ei;
		if (ei != TMA_WM_NULL && run >= KEEP)
			continue;
		if (!(x = entry(t, (uint32_t)ei, (uint32_t)((all[i].key - 1) & 0xFFFFFFFFu)))) {
			free(all);
			return TMA_ENOMEM;
		}
		*x = all[i];
	}
	free(all);
	return fold_counts(t, 1) == TMA_OK ? TMA_OK : TMA_ENOMEM;
}

int tma_wm_sorted(const tma_wm_table *t, tma_wm_entry **out, size_t *n)
{
	size_t i, k = 0;

	*out = malloc(sizeof(**out) * (t->n + 1));
	if (!*out)
		return TMA_ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key)
			(*out)[k++] = t->slot[i];
	qsort(*out, k, sizeof(**out), cmp_entry);
	*n = k;
	return TMA_OK;
}
