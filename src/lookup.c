/*
 * lookup.c - how was this translated before? Exact, fuzzy and concordance
 * searches of the memory.
 *
 * Words are ICU word-break tokens, case-folded by ICU. A fuzzy match scores
 * as CAT tools show it (OmegaT's formula): 100 * (L - LD) / L, with LD the
 * word-level Levenshtein distance and L the longer of the two word counts.
 * An exact match equals the query up to white space and scores 100; a
 * fuzzy match that differs only in case or punctuation scores 99.
 *
 * Candidates come from the memory's full-text index (tm_search.c) and are
 * scored here. For a threshold t, a candidate can only score t if it
 * shares at least n(2t - 1)/t of the query's n words, so it must hold one
 * of the n - that + 1 rarest (prefix filtering): only those are asked for,
 * rarity coming from the index's vocabulary. A query made of very common
 * words only is the exception: it reads a bounded number of the newest
 * sentences holding its rarest words, a best effort.
 *
 * A run keeps its texts in an arena that grows while candidates are found;
 * texts are kept as offsets into it and become the hits' pointers only at
 * the end, when it no longer moves.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "lang.h"
#include "memory.h"

#define MAX_WORDS 256        /* words of a query or sentence that count */
#define CANDIDATES 200       /* most candidates scored for one fuzzy query */
#define POSTINGS_BUDGET 10000 /* index entries read beyond the words needed */
#define MANDATORY_BUDGET 40000 /* index entries read at most for those */
#define PHRASE_FIRST 50      /* sentences holding the whole query looked at */
#define SHORT_QUERY 5        /* words of a query that is looked up as a phrase */
#define DF_CACHE_MAX 200000  /* words whose frequency a session remembers */
#define QUERY_MAX 100000     /* bytes of a query */
#define DIST_CELLS ((MAX_WORDS + 1) * (MAX_WORDS + 1)) /* the distance matrix */

/* A word of a text: its folded form's hash and where it stands (bytes). */
typedef struct word {
	uint64_t hash;
	size_t start, end;
} word;

/* A candidate before it becomes a hit; texts are arena offsets. */
typedef struct cand {
	int64_t sid, unit, doc;
	int score;
	int kind;                /* 0 exact, 1 fuzzy, 2 concordance */
	size_t text;
	size_t at;
	size_t mark, nmark;      /* its marks in the run's marks */
} cand;

/* A hit being made: its candidate, document name and translations. */
typedef struct hit_rec {
	const cand *c;
	size_t doc;              /* arena offset of the document's name */
	size_t trans, ntrans;    /* its translations in the run's trans_recs */
} hit_rec;

typedef struct trans_rec {
	char lang[TMA_LANG_MAX];
	size_t text;             /* arena offset */
} trans_rec;

/* Counting sentence ids for fuzzy candidates (see count_id). */
typedef struct count_slot {
	int64_t id;
	uint32_t gen, count;
} count_slot;

struct tma_lookup {
	tma_tm *tm;
	tma_tm_search *search;
	UBreakIterator *wb;
	UChar *u;                /* scratch: a text in UTF-16 */
	int32_t ucap;
	int32_t *u8off;          /* scratch: UTF-8 offset of each UTF-16 unit */
	int *dist;               /* scratch: the word distance matrix */
	/* What one run finds. */
	char *arena;
	size_t aused, acap;
	cand *c;
	size_t nc, ccap;
	size_t (*marks)[2];
	size_t nmarks, markcap;
	hit_rec *recs;
	size_t nrecs, reccap;
	trans_rec *trecs;
	size_t ntrecs, treccap;
	tma_hit *hits;           /* the run's answer */
	size_t hitcap;
	tma_hit_trans *trans;
	size_t transcap;
	/* Sentences holding a word, remembered: counting them reads the
	 * word's whole list in the index, and common words come back. */
	tma_strmap df_words;
	int64_t *df;
	size_t dfcap;
	char langs[TMA_VIEW_LANGS * (TMA_LANG_MAX + 1)]; /* the memory's, once */
	/*
	 * Open addressing, kept from search to search; a slot belongs to this
	 * search when its gen is the current one, so nothing is cleared.
	 */
	count_slot *tab;
	size_t tabcap;
	uint32_t gen;
	size_t *used;            /* slots taken in this search */
	size_t nused, usedcap;
};

int tma_lookup_new(tma_lookup **out, tma_tm *tm, tma_error *err)
{
	tma_lookup *lk = calloc(1, sizeof(*lk));
	UErrorCode st = U_ZERO_ERROR;
	int rc;

	*out = NULL;
	if (!lk)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	lk->tm = tm;
	if (!(lk->dist = malloc(sizeof(int) * DIST_CELLS))) {
		tma_lookup_free(lk);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	lk->wb = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
	if (U_FAILURE(st)) {
		tma_lookup_free(lk);
		return tma_fail_icu(err, st, "cannot open the word iterator");
	}
	if ((rc = tma_tm_search_new(&lk->search, tm, err))) {
		tma_lookup_free(lk);
		return rc;
	}
	*out = lk;
	return TMA_OK;
}

void tma_lookup_free(tma_lookup *lk)
{
	if (!lk)
		return;
	if (lk->wb)
		ubrk_close(lk->wb);
	tma_tm_search_free(lk->search);
	free(lk->u);
	free(lk->u8off);
	free(lk->dist);
	free(lk->arena);
	free(lk->c);
	free(lk->marks);
	free(lk->recs);
	free(lk->trecs);
	free(lk->hits);
	free(lk->trans);
	tma_strmap_free(&lk->df_words);
	free(lk->df);
	free(lk->tab);
	free(lk->used);
	free(lk);
}

/* Copy s into the run's arena; its offset in *at. Returns 0 or TMA_ENOMEM. */
static int keep(tma_lookup *lk, const char *s, size_t *at)
{
	size_t n = strlen(s) + 1;

	if (tma_grow(&lk->arena, &lk->acap, lk->aused + n, 1))
		return TMA_ENOMEM;
	memcpy(lk->arena + lk->aused, s, n);
	*at = lk->aused;
	lk->aused += n;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Words                                                               */

/* s as UTF-16 in lk->u, with the UTF-8 offset of each unit; its length. */
static int32_t to_utf16(tma_lookup *lk, const char *s, size_t slen)
{
	int32_t n = 0, i;

	if (lk->ucap < (int32_t)slen + 1) {
		free(lk->u);
		free(lk->u8off);
		lk->ucap = (int32_t)slen + 1;
		lk->u = malloc(sizeof(UChar) * (size_t)lk->ucap);
		lk->u8off = malloc(sizeof(int32_t) * ((size_t)lk->ucap + 1));
		if (!lk->u || !lk->u8off) {
			lk->ucap = 0;
			return -1;
		}
	}
	for (i = 0; i < (int32_t)slen;) {
		int32_t at = i, from = n;
		UChar32 c;

		U8_NEXT(s, i, (int32_t)slen, c);
		if (c < 0)
			c = 0xFFFD;
		U16_APPEND_UNSAFE(lk->u, n, c);
		while (from < n)
			lk->u8off[from++] = at;
	}
	lk->u8off[n] = (int32_t)slen;
	return n;
}

/*
 * The words of UTF-8 text s (at most max), folded. When folded is not NULL
 * it gets each word's folded UTF-8, NUL-separated (room: 4 * strlen(s) + max).
 * Returns the count, or -1 when out of memory.
 */
static int words_of(tma_lookup *lk, const char *s, word *w, int max, char *folded)
{
	UErrorCode st = U_ZERO_ERROR;
	size_t slen = strlen(s), fo = 0;
	int32_t n, a, b;
	int k = 0;

	if (slen > INT32_MAX / 4)
		slen = INT32_MAX / 4;
	if ((n = to_utf16(lk, s, slen)) < 0)
		return -1;
	ubrk_setText(lk->wb, lk->u, n, &st);
	for (a = ubrk_first(lk->wb), b = ubrk_next(lk->wb); b != UBRK_DONE && k < max;
	     a = b, b = ubrk_next(lk->wb)) {
		UChar fold[128];
		char f8[512];
		int32_t fl, f8l = 0;

		if (ubrk_getRuleStatus(lk->wb) < UBRK_WORD_NUMBER)
			continue;
		st = U_ZERO_ERROR;
		fl = u_strFoldCase(fold, 128, lk->u + a, b - a, U_FOLD_CASE_DEFAULT, &st);
		if (U_FAILURE(st) || fl > 128) {
			st = U_ZERO_ERROR;
			fl = b - a < 128 ? b - a : 128;
			memcpy(fold, lk->u + a, sizeof(UChar) * (size_t)fl);
		}
		u_strToUTF8(f8, sizeof(f8), &f8l, fold, fl, &st);
		if (U_FAILURE(st))
			continue;
		w[k].hash = tma_hash(f8, (size_t)f8l);
		w[k].start = (size_t)lk->u8off[a];
		w[k].end = (size_t)lk->u8off[b];
		if (folded) {
			memcpy(folded + fo, f8, (size_t)f8l);
			fo += (size_t)f8l;
			folded[fo++] = '\0';
		}
		k++;
	}
	ubrk_setText(lk->wb, NULL, 0, &st);
	return k;
}

/*
 * Word-level Levenshtein distance of a[0..n) and b[0..m), in the matrix d
 * (DIST_CELLS); when matched is not NULL, matched[j] says whether b's word
 * j is kept (not edited) on one best path.
 */
static int word_distance(int *d, const word *a, int n, const word *b, int m,
			 unsigned char *matched)
{
	static const int W = MAX_WORDS + 1;
	int i, j, dist;

	for (i = 0; i <= n; i++)
		d[i * W] = i;
	for (j = 0; j <= m; j++)
		d[j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			int best = d[(i - 1) * W + j - 1] + (a[i - 1].hash != b[j - 1].hash);
			if (d[(i - 1) * W + j] + 1 < best)
				best = d[(i - 1) * W + j] + 1;
			if (d[i * W + j - 1] + 1 < best)
				best = d[i * W + j - 1] + 1;
			d[i * W + j] = best;
		}
	dist = d[n * W + m];
	if (matched) {
		memset(matched, 0, (size_t)m);
		for (i = n, j = m; i > 0 && j > 0;) {
			int here = d[i * W + j];
			if (a[i - 1].hash == b[j - 1].hash && here == d[(i - 1) * W + j - 1]) {
				matched[--j] = 1;
				i--;
			} else if (here == d[(i - 1) * W + j - 1] + 1) {
				i--;
				j--;
			} else if (here == d[(i - 1) * W + j] + 1) {
				i--;
			} else {
				j--;
			}
		}
	}
	return dist;
}

/* s with white space runs made one space and trimmed, into out (strlen + 1). */
static void squeeze(char *out, const char *s)
{
	size_t k = 0;
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = 0;
		out[k++] = *s;
	}
	out[k] = '\0';
}

/* ------------------------------------------------------------------ */
/* Candidates                                                          */

/* The query of one run and what scoring a row needs. */
typedef struct query {
	const tma_lookup_opts *o;
	char from[TMA_LANG_MAX];
	char to[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int nto;
	word w[MAX_WORDS];
	int n;
	char *folded;            /* the words, folded, NUL-separated */
	char *squeezed;          /* the query, white space squeezed */
	word rw[MAX_WORDS];      /* scratch: a row's words */
	unsigned char matched[MAX_WORDS];
	char *sq;                /* scratch: a row's text squeezed */
	size_t sqcap;
	tma_lookup *lk;
	int rc;                  /* an error inside a callback */
} query;

/*
 * Where the query's words stand in a row of m words, as a phrase: the
 * index of the first, or -1.
 */
static int phrase_at(const query *q, int m)
{
	int j, k;

	for (j = 0; j + q->n <= m; j++) {
		for (k = 0; k < q->n && q->rw[j + k].hash == q->w[k].hash; k++)
			;
		if (k == q->n)
			return j;
	}
	return -1;
}

/*
 * Score a row of m words with text as a fuzzy or exact match; -1 when it
 * does not reach the threshold. Fills q->matched.
 */
static int fuzzy_score(query *q, const char *text, int m, int *kind)
{
	int len = q->n > m ? q->n : m, d, score;

	if (m * 100 < q->n * q->o->min || m * q->o->min > q->n * 100)
		return -1;   /* the lengths alone rule it out */
	d = word_distance(q->lk->dist, q->w, q->n, q->rw, m, q->matched);
	score = len ? (int)floor(100.0 * (len - d) / len) : 0;
	if (tma_grow(&q->sq, &q->sqcap, strlen(text) + 1, 1)) {
		q->rc = TMA_ENOMEM;
		return -1;
	}
	squeeze(q->sq, text);
	if (strcmp(q->sq, q->squeezed) == 0) {
		*kind = 0;
		return 100;
	}
	*kind = 1;
	if (score > 99)
		score = 99;
	return score < q->o->min ? -1 : score;
}

/* Keep a scored row as a candidate, with its matched words as marks. */
static int add_cand(query *q, const tma_found *f, int score, int kind, size_t at, int m)
{
	tma_lookup *lk = q->lk;
	cand *c;
	int j;

	if (tma_grow(&lk->c, &lk->ccap, lk->nc + 1, sizeof(cand)))
		return TMA_ENOMEM;
	c = &lk->c[lk->nc];
	memset(c, 0, sizeof(*c));
	c->sid = f->id;
	c->unit = f->unit;
	c->doc = f->doc;
	c->score = score;
	c->kind = kind;
	c->at = at;
	c->mark = lk->nmarks;
	if (keep(lk, f->text, &c->text))
		return TMA_ENOMEM;
	for (j = 0; j < m; j++) {
		if (!q->matched[j])
			continue;
		if (tma_grow(&lk->marks, &lk->markcap, lk->nmarks + 1, sizeof(lk->marks[0])))
			return TMA_ENOMEM;
		lk->marks[lk->nmarks][0] = q->rw[j].start;
		lk->marks[lk->nmarks++][1] = q->rw[j].end;
		c->nmark++;
	}
	lk->nc++;
	return TMA_OK;
}

/* Score a stored sentence; keep it when it qualifies (a tma_found_cb). */
static int score_row(const tma_found *f, void *ctx)
{
	query *q = ctx;
	int m = words_of(q->lk, f->text, q->rw, MAX_WORDS, NULL), score, kind = 2, j;
	size_t at = 0;

	if (m < 0)
		return q->rc = TMA_ENOMEM;
	if (q->o->concordance) {
		if ((j = phrase_at(q, m)) < 0)
			return 0;
		memset(q->matched, 0, sizeof(q->matched));
		memset(q->matched + j, 1, (size_t)q->n);
		at = q->rw[j].start;
		score = m ? (int)(100.0 * q->n / m) : 0;
	} else if ((score = fuzzy_score(q, f->text, m, &kind)) < 0) {
		return q->rc;
	}
	if (add_cand(q, f, score, kind, at, m))
		return q->rc = TMA_ENOMEM;
	return 0;
}

/* A callback's own error, or the search's. */
static int search_rc(query *q, int rc, tma_error *err)
{
	if (q->rc == TMA_ENOMEM)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return rc;
}

/*
 * How many sentences hold word w[0..len), from the index's vocabulary;
 * remembered, since counting a common word reads its whole list.
 */
static int64_t word_df(tma_lookup *lk, const char *w, size_t len)
{
	uint32_t id;
	int added;
	int64_t df;

	if (lk->df_words.n >= DF_CACHE_MAX)
		tma_strmap_free(&lk->df_words);
	if (tma_strmap_intern(&lk->df_words, w, len, &id, &added) ||
	    tma_grow(&lk->df, &lk->dfcap, lk->df_words.n, sizeof(int64_t))) {
		added = 1;
		id = UINT32_MAX;
	}
	if (!added)
		return lk->df[id];
	df = tma_tm_search_df(lk->search, w, len);
	if (id != UINT32_MAX)
		lk->df[id] = df;
	return df;
}

static size_t slot_of(int64_t id, size_t cap)
{
	return (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 24) & (cap - 1);
}

/* Grow the count table: this search's slots move into one twice the size. */
static int grow_counts(tma_lookup *lk)
{
	size_t cap = lk->tabcap ? lk->tabcap * 2 : 1 << 16, i, s;
	count_slot *t = calloc(cap, sizeof(*t));

	if (!t)
		return TMA_ENOMEM;
	for (i = 0; i < lk->nused; i++) {
		const count_slot *o = &lk->tab[lk->used[i]];
		for (s = slot_of(o->id, cap); t[s].gen; s = (s + 1) & (cap - 1))
			;
		t[s] = *o;
		lk->used[i] = s;
	}
	free(lk->tab);
	lk->tab = t;
	lk->tabcap = cap;
	return TMA_OK;
}

/* Count one more word for sentence id in this search (a postings callback). */
static int count_id(int64_t id, void *ctx)
{
	tma_lookup *lk = ctx;
	size_t s;

	if ((lk->nused + 1) * 2 > lk->tabcap && grow_counts(lk))
		return TMA_ENOMEM;
	for (s = slot_of(id, lk->tabcap);
	     lk->tab[s].gen == lk->gen && lk->tab[s].id != id;
	     s = (s + 1) & (lk->tabcap - 1))
		;
	if (lk->tab[s].gen != lk->gen) {
		if (tma_grow(&lk->used, &lk->usedcap, lk->nused + 1, sizeof(size_t)))
			return TMA_ENOMEM;
		lk->tab[s].gen = lk->gen;
		lk->tab[s].id = id;
		lk->tab[s].count = 0;
		lk->used[lk->nused++] = s;
	}
	lk->tab[s].count++;
	return 0;
}

typedef struct rare {
	const char *word;
	size_t len;
	int64_t docs;
} rare;

static int cmp_rare(const void *x, const void *y)
{
	const rare *a = x, *b = y;

	if (a->docs != b->docs)
		return a->docs < b->docs ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;   /* longer first */
}

/* A sentence holding some of the query's words, and how many. */
typedef struct hit_count {
	int64_t id;
	int count;
} hit_count;

static int cmp_count(const void *x, const void *y)
{
	const hit_count *a = x, *b = y;

	if (a->count != b->count)
		return b->count - a->count;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;   /* newest first */
}

/* The distinct words of the query, rarest first, into r; their number. */
static int rarest_first(tma_lookup *lk, const query *q, rare *r)
{
	const char *p = q->folded;
	int k, j, nr = 0;

	for (k = 0; k < q->n; k++) {
		size_t len = strlen(p);
		int dup = 0;
		for (j = 0; j < nr; j++)
			dup |= r[j].len == len && memcmp(r[j].word, p, len) == 0;
		if (!dup) {
			r[nr].word = p;
			r[nr].len = len;
			r[nr].docs = word_df(lk, p, len);
			nr++;
		}
		p += len + 1;
	}
	qsort(r, (size_t)nr, sizeof(rare), cmp_rare);
	return nr;
}

/*
 * Which words to read, r[0..*take), and how many of them a candidate must
 * hold (*minimum): the nr - need + 1 rarest must be read; when even those
 * hold more than MANDATORY_BUDGET sentences the search is a best effort;
 * else more words are read while their lists stay short (POSTINGS_BUDGET),
 * each raising the minimum by one.
 */
static void plan_reads(const rare *r, int nr, int need, int *take, int *minimum)
{
	size_t budget = 0;
	int k, t = nr - need + 1;

	for (k = 0; k < t; k++) {
		if (k > 0 && budget + (size_t)r[k].docs > MANDATORY_BUDGET) {
			*take = k;
			*minimum = 1;
			return;
		}
		budget += (size_t)r[k].docs;
	}
	for (k = t, budget = 0; k < nr && budget + (size_t)r[k].docs <= POSTINGS_BUDGET; k++)
		budget += (size_t)r[k].docs;
	*minimum = 1 + (k - t);
	*take = k;
}

/*
 * The CANDIDATES counted ids that share the most words (at least minimum),
 * the newest among equals: a histogram of the counts finds where to cut.
 */
static int best_counts(tma_lookup *lk, int minimum, hit_count **out, size_t *nout)
{
	size_t hist[MAX_WORDS + 2], above, i, k;
	int threshold;
	hit_count *h;

	memset(hist, 0, sizeof(hist));
	for (i = 0; i < lk->nused; i++) {
		int c = (int)lk->tab[lk->used[i]].count;
		if (c >= minimum)
			hist[c > MAX_WORDS ? MAX_WORDS : c]++;
	}
	for (threshold = MAX_WORDS, above = 0; threshold > minimum; threshold--) {
		if (above + hist[threshold] >= CANDIDATES)
			break;
		above += hist[threshold];
	}
	if (!(h = malloc(sizeof(hit_count) * (above + hist[threshold] + 1))))
		return TMA_ENOMEM;
	for (i = 0, k = 0; i < lk->nused; i++) {
		const count_slot *sl = &lk->tab[lk->used[i]];
		if ((int)sl->count >= threshold) {
			h[k].id = sl->id;
			h[k++].count = (int)sl->count;
		}
	}
	if (k)
		qsort(h, k, sizeof(hit_count), cmp_count);
	*out = h;
	*nout = k < CANDIDATES ? k : CANDIDATES;
	return TMA_OK;
}

/*
 * The sentences that may match fuzzily: a candidate must share at least
 * need of the query's words (see the top of this file). The best ids go
 * to *out (caller frees).
 */
static int fuzzy_candidates(tma_lookup *lk, const query *q, int need, hit_count **out,
			    size_t *nout, tma_error *err)
{
	rare r[MAX_WORDS];
	int nr = rarest_first(lk, q, r), take, minimum, k, rc = TMA_OK;

	*out = NULL;
	*nout = 0;
	/* Repeated words may each be matched by one distinct word. */
	need -= q->n - nr;
	if (need < 1)
		need = 1;
	plan_reads(r, nr, need, &take, &minimum);
	lk->gen++;
	lk->nused = 0;
	/*
	 * A word the vocabulary does not know may still be there: ICU and the
	 * index split words differently ("don't"), so it is asked for too.
	 */
	for (k = 0; k < take && !rc; k++)
		rc = tma_tm_search_postings(lk->search, r[k].word, r[k].len, MANDATORY_BUDGET,
					    count_id, lk, err);
	if (rc == TMA_ENOMEM || (!rc && best_counts(lk, minimum, out, nout)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return rc;
}

/* Has sentence sid been scored in this run? */
static int scored(const tma_lookup *lk, int64_t sid)
{
	size_t j;

	for (j = 0; j < lk->nc; j++)
		if (lk->c[j].sid == sid)
			return 1;
	return 0;
}

/* Fuzzy: the sentences sharing enough of the query's words, scored. */
static int find_fuzzy(tma_lookup *lk, query *q, tma_error *err)
{
	int need = (int)ceil(q->n * (2.0 * q->o->min / 100.0 - 1) / (q->o->min / 100.0));
	hit_count *ids = NULL;
	size_t nids = 0, i;
	int rc;

	rc = fuzzy_candidates(lk, q, need < 1 ? 1 : need, &ids, &nids, err);
	for (i = 0; !rc && i < nids; i++)
		if (!scored(lk, ids[i].id))
			rc = search_rc(q, tma_tm_search_sentence(lk->search, ids[i].id, q->from,
								 score_row, q, err), err);
	free(ids);
	return rc;
}

/*
 * The candidates of the query: the sentences holding it as a phrase, newest
 * first (the concordance; and for a short query, whose words may all be
 * common, the exact matches the word counts might not reach), the exact
 * matches by key, and the fuzzy ones.
 */
static int find(tma_lookup *lk, query *q, tma_error *err)
{
	const tma_lookup_opts *o = q->o;
	int rc = TMA_OK;

	if (o->concordance || q->n <= SHORT_QUERY)
		rc = search_rc(q, tma_tm_search_phrase(lk->search, q->folded, q->n, q->from,
						       o->concordance ? o->limit * 8 + 32
								      : PHRASE_FIRST,
						       score_row, q, err), err);
	if (rc || o->concordance)
		return rc;
	if ((rc = search_rc(q, tma_tm_search_exact(lk->search, q->squeezed, q->from,
						   score_row, q, err), err)))
		return rc;
	return find_fuzzy(lk, q, err);
}

/* ------------------------------------------------------------------ */
/* Hits                                                                */

static int cmp_cand(const void *x, const void *y)
{
	const cand *a = x, *b = y;

	if (a->score != b->score)
		return b->score - a->score;
	if (a->doc != b->doc)
		return a->doc < b->doc ? 1 : -1;    /* more recent first */
	return a->sid < b->sid ? 1 : a->sid > b->sid ? -1 : 0;
}

/* The translations a hit collects, one text per language asked. */
typedef struct collect {
	tma_lookup *lk;
	const query *q;
	char *joined[TMA_VIEW_LANGS];
	size_t len[TMA_VIEW_LANGS];
} collect;

/* A sentence of the hit's unit: joined to its language's text (a callback). */
static int collect_side(const char *lang, const char *text, void *ctx)
{
	collect *cl = ctx;
	size_t tl = strlen(text), cap;
	int l;

	for (l = 0; l < cl->q->nto && strcmp(cl->q->to[l], lang) != 0; l++)
		;
	if (l == cl->q->nto)
		return 0;
	cap = cl->len[l] + tl + 2;
	{
		char *j = realloc(cl->joined[l], cap);
		if (!j)
			return TMA_ENOMEM;
		cl->joined[l] = j;
	}
	if (cl->len[l])
		cl->joined[l][cl->len[l]++] = ' ';
	memcpy(cl->joined[l] + cl->len[l], text, tl + 1);
	cl->len[l] += tl;
	return 0;
}

/*
 * Make candidate c a hit record with its translations; *got 0 when the
 * unit has none into the languages asked.
 */
static int make_rec(tma_lookup *lk, const query *q, const cand *c, int *got,
		    tma_error *err)
{
	collect cl;
	hit_rec *r;
	const char *name;
	int l, rc;

	memset(&cl, 0, sizeof(cl));
	cl.lk = lk;
	cl.q = q;
	*got = 0;
	rc = tma_tm_search_unit(lk->search, c->unit, collect_side, &cl, err);
	if (rc == TMA_ENOMEM ||
	    (!rc && tma_grow(&lk->recs, &lk->reccap, lk->nrecs + 1, sizeof(hit_rec))))
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
	if (rc) {
		for (l = 0; l < q->nto; l++)
			free(cl.joined[l]);
		return rc;
	}
	r = &lk->recs[lk->nrecs];
	r->c = c;
	r->trans = lk->ntrecs;
	r->ntrans = 0;
	for (l = 0; !rc && l < q->nto; l++) {
		trans_rec *t;
		if (!cl.joined[l])
			continue;
		if (tma_grow(&lk->trecs, &lk->treccap, lk->ntrecs + 1, sizeof(trans_rec))) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			break;
		}
		t = &lk->trecs[lk->ntrecs++];
		memcpy(t->lang, q->to[l], TMA_LANG_MAX);
		if (keep(lk, cl.joined[l], &t->text))
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		r->ntrans++;
	}
	for (l = 0; l < q->nto; l++)
		free(cl.joined[l]);
	if (rc || !r->ntrans)
		return rc;
	if ((rc = tma_tm_search_docname(lk->search, c->doc, &name, err)))
		return rc;
	if (keep(lk, name, &r->doc))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	lk->nrecs++;
	*got = 1;
	return TMA_OK;
}

/*
 * Does the last record repeat an earlier one (the same source and
 * translations; candidates come best and newest first)?
 */
static int repeats(const tma_lookup *lk)
{
	const hit_rec *h = &lk->recs[lk->nrecs - 1];
	size_t j, t;

	for (j = 0; j + 1 < lk->nrecs; j++) {
		const hit_rec *a = &lk->recs[j];
		int same = a->ntrans == h->ntrans &&
			   strcmp(lk->arena + a->c->text, lk->arena + h->c->text) == 0;
		for (t = 0; same && t < a->ntrans; t++) {
			const trans_rec *x = &lk->trecs[a->trans + t], *y = &lk->trecs[h->trans + t];
			same = strcmp(x->lang, y->lang) == 0 &&
			       strcmp(lk->arena + x->text, lk->arena + y->text) == 0;
		}
		if (same)
			return 1;
	}
	return 0;
}

/* The records as the public hits, now that the arena no longer moves. */
static int publish(tma_lookup *lk, tma_error *err)
{
	size_t i, k;

	if (tma_grow(&lk->hits, &lk->hitcap, lk->nrecs + 1, sizeof(tma_hit)) ||
	    tma_grow(&lk->trans, &lk->transcap, lk->ntrecs + 1, sizeof(tma_hit_trans)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < lk->ntrecs; k++) {
		memcpy(lk->trans[k].lang, lk->trecs[k].lang, TMA_LANG_MAX);
		lk->trans[k].text = lk->arena + lk->trecs[k].text;
	}
	for (i = 0; i < lk->nrecs; i++) {
		const hit_rec *r = &lk->recs[i];
		tma_hit *h = &lk->hits[i];
		h->score = r->c->score;
		h->kind = r->c->kind == 0 ? "exact" : r->c->kind == 1 ? "fuzzy" : "concordance";
		h->doc = lk->arena + r->doc;
		h->source = lk->arena + r->c->text;
		h->at = r->c->at;
		h->nmark = (int)r->c->nmark;
		h->mark = (const size_t (*)[2])(lk->marks + r->c->mark);
		h->ntrans = (int)r->ntrans;
		h->trans = lk->trans + r->trans;
	}
	return TMA_OK;
}

/* The best candidates, up to the limit, as hits. */
static int make_hits(tma_lookup *lk, const query *q, tma_error *err)
{
	size_t i;
	int got, rc;

	if (lk->nc)
		qsort(lk->c, lk->nc, sizeof(cand), cmp_cand);
	for (i = 0; i < lk->nc && lk->nrecs < (size_t)q->o->limit; i++) {
		if ((rc = make_rec(lk, q, &lk->c[i], &got, err)))
			return rc;
		if (got && repeats(lk)) {
			lk->ntrecs = lk->recs[lk->nrecs - 1].trans;
			lk->nrecs--;
		}
	}
	return publish(lk, err);
}

/* ------------------------------------------------------------------ */
/* A run                                                               */

/* The target languages: those asked, else every other of the memory. */
static int target_langs(tma_lookup *lk, query *q, tma_error *err)
{
	char to[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int n, k, rc;

	if (!q->o->to && !lk->langs[0] &&
	    (rc = tma_tm_langs(lk->tm, NULL, lk->langs, sizeof(lk->langs), err)))
		return rc;
	if ((rc = tma_lang_list(q->o->to ? q->o->to : lk->langs, to, TMA_VIEW_LANGS, &n, err)))
		return rc;
	q->nto = 0;
	for (k = 0; k < n; k++)
		if (strcmp(to[k], q->from) != 0)
			memcpy(q->to[q->nto++], to[k], TMA_LANG_MAX);
	return TMA_OK;
}

/* Check and read the query: its languages, its words. */
static int read_query(tma_lookup *lk, query *q, const char *text, tma_error *err)
{
	size_t len = strlen(text);
	long bad;
	int rc;

	if (!q->o->from || tma_lang_normalize(q->from, NULL, q->o->from))
		return tma_fail(err, TMA_EUSAGE, "the query's language is needed (--from)");
	/* Words are read by ICU: the query must be UTF-8. */
	if ((bad = tma_utf8_bad(text, len)) >= 0)
		return tma_fail(err, TMA_EINPUT, "the query is not UTF-8 (byte %ld)", bad);
	if ((rc = target_langs(lk, q, err)))
		return rc;
	if (len > QUERY_MAX)
		return tma_fail(err, TMA_EUSAGE, "the query is too long (%zu bytes; at most "
				"%d)", len, QUERY_MAX);
	q->folded = malloc(len * 4 + MAX_WORDS + 1);
	q->squeezed = malloc(len + 1);
	if (!q->folded || !q->squeezed)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	squeeze(q->squeezed, text);
	if ((q->n = words_of(lk, text, q->w, MAX_WORDS, q->folded)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (q->n == 0)
		return tma_fail(err, TMA_EUSAGE, "the query has no words to look up");
	return TMA_OK;
}

int tma_lookup_run(tma_lookup *lk, const tma_lookup_opts *opts, const char *text,
		   const tma_hit **hits, size_t *nhits, tma_error *err)
{
	tma_lookup_opts o = *opts;
	query *q = calloc(1, sizeof(*q));
	int rc;

	*hits = NULL;
	*nhits = 0;
	lk->aused = lk->nc = lk->nmarks = lk->nrecs = lk->ntrecs = 0;
	if (!q)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (o.min <= 0 || o.min > 100)
		o.min = 75;
	if (o.limit <= 0)
		o.limit = 10;
	q->o = &o;
	q->lk = lk;
	if (!(rc = read_query(lk, q, text, err)) && !(rc = find(lk, q, err)) &&
	    !(rc = make_hits(lk, q, err))) {
		*hits = lk->hits;
		*nhits = lk->nrecs;
	}
	free(q->folded);
	free(q->squeezed);
	free(q->sq);
	free(q);
	return rc;
}
