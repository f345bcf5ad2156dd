/*
 * lookup.c - how was this translated before? Exact, fuzzy and concordance
 * searches of the memory.
 *
 * Words are ICU word-break tokens, case-folded by ICU, and match in any
 * inflected form (match.c, norm.c). A fuzzy match scores as CAT tools
 * show it (OmegaT's formula): 100 * (L - LD) / L, with LD the word-level
 * Levenshtein distance and L the longer of the two word counts; two forms
 * of one word count as equal (OmegaT's default, stemmed), and the hit
 * also gives the percentage over the forms as typed. An exact match equals
 * the query up to white space and scores 100; a fuzzy match that differs
 * only in case, punctuation or inflection scores 99 at most.
 *
 * A query's word finds the sentences holding any word of the memory that
 * shares a normal form with it (the word index, tm_words.c); the words
 * of each candidate are then compared here.
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
#include "match.h"
#include "memory.h"
#include "spans.h"

#define MAX_WORDS 256        /* words of a query or sentence that count */
#define CANDIDATES 200       /* most candidates scored for one fuzzy query */
#define POSTINGS_BUDGET 10000 /* index entries read beyond the words needed */
#define MANDATORY_BUDGET 40000 /* index entries read at most for those */
#define PHRASE_FIRST 50      /* sentences holding the whole query looked at */
#define SHORT_QUERY 5        /* words of a query that is looked up as a phrase */
#define DF_CACHE_MAX 200000  /* words whose frequency a session remembers */
#define QUERY_MAX 100000     /* bytes of a query */
#define DIST_CELLS ((MAX_WORDS + 1) * (MAX_WORDS + 1)) /* the distance matrix */
#define PHRASE_WORDS 32      /* words of a concordance query that count */
#define PHRASE_GAP 2         /* other words allowed between two of a phrase */
#define FORMS_MAX 48         /* forms of one query word searched for */

/* A candidate before it becomes a hit; texts are arena offsets. */
typedef struct cand {
	int64_t sid, unit, doc;
	int score, surface;
	int kind;                /* 0 exact, 1 fuzzy, 2 concordance */
	int same;                /* every word in the form typed */
	size_t text;
	size_t at, phrase_end;
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
	size_t span[2];          /* the phrase's translation in it, or 0, 0 */
} trans_rec;

/* Counting sentence ids for fuzzy candidates (see count_id). */
typedef struct count_slot {
	int64_t id;
	uint32_t gen, count;
} count_slot;

struct tma_lookup {
	tma_tm *tm;
	tma_tm_search *search;
	tma_words *split;
	tma_normalizer *nz;
	tma_spanner *spanner;    /* made at the first concordance */
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
	/* The last translations summary (see tma_lookup_translations). */
	tma_translation *tr;
	size_t ntr, trcap;
	char *tr_text;           /* its strings, NUL-separated */
	size_t tr_used, tr_cap;
	tma_translation_form *tr_forms;
	const char **tr_docs;
};

int tma_lookup_new(tma_lookup **out, tma_tm *tm, tma_error *err)
{
	tma_lookup *lk = calloc(1, sizeof(*lk));
	int rc;

	*out = NULL;
	if (!lk)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	lk->tm = tm;
	if (!(lk->dist = malloc(sizeof(int) * DIST_CELLS))) {
		tma_lookup_free(lk);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if ((rc = tma_words_new(&lk->split, err)) ||
	    (rc = tma_normalizer_new(&lk->nz, err)) ||
	    (rc = tma_tm_search_new(&lk->search, tm, err))) {
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
	tma_spanner_free(lk->spanner);
	tma_words_free(lk->split);
	tma_normalizer_free(lk->nz);
	tma_tm_search_free(lk->search);
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
	free(lk->tr);
	free(lk->tr_text);
	free(lk->tr_forms);
	free(lk->tr_docs);
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
	tma_mword w[MAX_WORDS];  /* its words; their folded forms in fold */
	int n;
	char *fold;              /* the words' folded forms, NUL-separated */
	char *squeezed;          /* the query, white space squeezed */
	int inflected;           /* the memory's word index serves lang */
	/* Per query word, the forms the memory holds of it, for the index. */
	const char **forms;
	int nforms[MAX_WORDS];
	int first_form[MAX_WORDS];
	char *form_text;         /* their texts, NUL-separated */
	size_t ftused, ftcap;
	size_t *form_off;        /* offsets of the forms in form_text */
	size_t nform_off, formcap;
	tma_mword rw[MAX_WORDS]; /* scratch: a row's words */
	unsigned char matched[MAX_WORDS];
	char *sq;                /* scratch: a row's text squeezed */
	size_t sqcap;
	tma_lookup *lk;
	int rc;                  /* an error inside a callback */
	tma_error *err;
} query;

/*
 * Score a row of m words with text as a fuzzy or exact match; -1 when it
 * does not reach the threshold. Fills q->matched; *surface gets the
 * percentage over the forms as typed.
 */
static int fuzzy_score(query *q, const char *text, int m, int *kind, int *surface)
{
	int len = q->n > m ? q->n : m, d, ds, score;

	if (m * 100 < q->n * q->o->min || m * q->o->min > q->n * 100)
		return -1;   /* the lengths alone rule it out */
	d = tma_mword_distance(q->lk->dist, MAX_WORDS + 1, q->w, q->n, q->rw, m, 1,
			       q->matched);
	score = len ? (int)floor(100.0 * (len - d) / len) : 0;
	ds = tma_mword_distance(q->lk->dist, MAX_WORDS + 1, q->w, q->n, q->rw, m, 0, NULL);
	*surface = len ? (int)floor(100.0 * (len - ds) / len) : 0;
	if (tma_grow(&q->sq, &q->sqcap, strlen(text) + 1, 1)) {
		q->rc = TMA_ENOMEM;
		return -1;
	}
	squeeze(q->sq, text);
	if (strcmp(q->sq, q->squeezed) == 0) {
		*kind = 0;
		*surface = 100;
		return 100;
	}
	*kind = 1;
	if (score > 99)
		score = 99;
	if (*surface > 99)
		*surface = 99;
	return score < q->o->min ? -1 : score;
}

/* Keep a scored row as a candidate, with its matched words as marks. */
static int add_cand(query *q, const tma_found *f, const cand *proto, int m)
{
	tma_lookup *lk = q->lk;
	cand *c;
	int j;

	if (tma_grow(&lk->c, &lk->ccap, lk->nc + 1, sizeof(cand)))
		return TMA_ENOMEM;
	c = &lk->c[lk->nc];
	*c = *proto;
	c->sid = f->id;
	c->unit = f->unit;
	c->doc = f->doc;
	c->mark = lk->nmarks;
	c->nmark = 0;
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

/*
 * A concordance row: the query's words in order (gaps allowed), scored by
 * the share of the row they take; the words in the form typed, side by
 * side, rank before other forms (see cmp_cand). 0 when it is not one.
 */
static int phrase_row(query *q, int m, cand *c)
{
	int at[PHRASE_WORDS], k;

	if (tma_mword_phrase(q->w, q->n, q->rw, m, PHRASE_GAP, at, &c->same))
		return 0;
	memset(q->matched, 0, sizeof(q->matched));
	for (k = 0; k < q->n; k++)
		q->matched[at[k]] = 1;
	c->at = q->rw[at[0]].start;
	c->phrase_end = q->rw[at[q->n - 1]].end;
	c->score = m ? (int)(100.0 * q->n / m) : 0;
	c->kind = 2;
	return 1;
}

/* Score a stored sentence; keep it when it qualifies (a tma_found_cb). */
static int score_row(const tma_found *f, void *ctx)
{
	query *q = ctx;
	cand c;
	int m = tma_mwords_of(q->lk->split, q->inflected ? q->lk->nz : NULL, q->from,
			      f->text, q->rw, MAX_WORDS, q->err);

	if (m < 0)
		return q->rc = m;
	memset(&c, 0, sizeof(c));
	if (q->o->concordance) {
		if (!phrase_row(q, m, &c))
			return 0;
	} else if ((c.score = fuzzy_score(q, f->text, m, &c.kind, &c.surface)) < 0) {
		return q->rc;
	}
	if (add_cand(q, f, &c, m))
		return q->rc = TMA_ENOMEM;
	return 0;
}

/* A callback's own error, or the search's. */
static int search_rc(query *q, int rc, tma_error *err)
{
	if (q->rc == TMA_ENOMEM)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return q->rc ? q->rc : rc;
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

/* ------------------------------------------------------------------ */
/* The forms of the query's words                                      */

/* Add form w to the forms of the query's word being collected. */
static int add_form(query *q, const char *w, size_t len)
{
	size_t k, at;

	for (k = (size_t)q->first_form[q->n]; k < q->nform_off; k++)
		if (strlen(q->form_text + q->form_off[k]) == len &&
		    memcmp(q->form_text + q->form_off[k], w, len) == 0)
			return TMA_OK;
	if ((int)(q->nform_off - (size_t)q->first_form[q->n]) >= FORMS_MAX)
		return TMA_OK;
	at = q->ftused;
	if (tma_grow(&q->form_text, &q->ftcap, at + len + 2, 1) ||
	    tma_grow(&q->form_off, &q->formcap, q->nform_off + 1, sizeof(size_t)))
		return TMA_ENOMEM;
	memcpy(q->form_text + at, w, len);
	q->form_text[at + len] = '\0';
	q->ftused += len + 1;
	q->form_off[q->nform_off++] = at;
	return TMA_OK;
}

static int form_found(const char *word, void *ctx)
{
	return add_form(ctx, word, strlen(word));
}

/*
 * The forms the index is asked for, for query word k: the word as typed
 * (a prefix: with its '*'), and every word of the memory sharing one of
 * its normal forms.
 */
static int collect_forms(tma_lookup *lk, query *q, int k, const char *fold, size_t flen,
			 tma_error *err)
{
	const char *forms;
	size_t at = 0;
	int nf, f, rc;
	char star[130];

	q->first_form[k] = (int)q->nform_off;
	q->n = k;   /* add_form looks at the forms of word q->n */
	if (q->w[k].prefix) {
		snprintf(star, sizeof(star), "%.*s*", (int)(flen < 126 ? flen : 126), fold);
		rc = add_form(q, star, strlen(star));
	} else {
		rc = add_form(q, fold, flen);
	}
	if (rc || !q->inflected || q->w[k].prefix)
		return rc ? tma_fail(err, TMA_ENOMEM, "out of memory") : TMA_OK;
	if ((rc = tma_norms(lk->nz, q->from, fold, flen, &forms, &nf, err)))
		return rc;
	{
		/* A copy: searching may use the normalizer's buffer again. */
		char copy[TMA_NORMS_MAX * 128];
		size_t len = 0;
		for (f = 0; f < nf; f++)
			len += strlen(forms + len) + 1;
		memcpy(copy, forms, len < sizeof(copy) ? len : sizeof(copy));
		for (f = 0; f < nf && !rc; f++) {
			rc = tma_tm_search_forms(lk->search, q->from, copy + at, form_found, q, err);
			at += strlen(copy + at) + 1;
		}
	}
	return rc == TMA_ENOMEM ? tma_fail(err, rc, "out of memory") : rc;
}

/* The query's groups for the index, one per word (q->forms filled). */
static int groups(query *q, tma_word_group *g)
{
	int k;
	size_t i;

	free(q->forms);
	if (!(q->forms = malloc(sizeof(char *) * (q->nform_off + 1))))
		return TMA_ENOMEM;
	for (i = 0; i < q->nform_off; i++)
		q->forms[i] = q->form_text + q->form_off[i];
	for (k = 0; k < q->n; k++) {
		g[k].word = q->forms + q->first_form[k];
		g[k].n = (k + 1 < q->n ? q->first_form[k + 1] : (int)q->nform_off) -
			 q->first_form[k];
	}
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Fuzzy candidates                                                    */

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

/* A query word's group for the index, and how many sentences hold it. */
typedef struct rare {
	const tma_word_group *g;
	const char *word;        /* its form as typed, to tell repeats apart */
	int64_t docs;
} rare;

static int cmp_rare(const void *x, const void *y)
{
	const rare *a = x, *b = y;
	size_t la = strlen(a->word), lb = strlen(b->word);

	if (a->docs != b->docs)
		return a->docs < b->docs ? -1 : 1;
	return la > lb ? -1 : la < lb;   /* longer first */
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
static int rarest_first(tma_lookup *lk, const query *q, const tma_word_group *g, rare *r)
{
	int k, j, f, nr = 0;

	for (k = 0; k < q->n; k++) {
		const char *w = g[k].word[0];
		int dup = 0;
		for (j = 0; j < nr; j++)
			dup |= strcmp(r[j].word, w) == 0;
		if (dup)
			continue;
		r[nr].g = &g[k];
		r[nr].word = w;
		r[nr].docs = 0;
		for (f = 0; f < g[k].n; f++)
			r[nr].docs += word_df(lk, g[k].word[f], strlen(g[k].word[f]));
		nr++;
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
static int fuzzy_candidates(tma_lookup *lk, const query *q, const tma_word_group *g,
			    int need, hit_count **out, size_t *nout, tma_error *err)
{
	rare r[MAX_WORDS];
	int nr = rarest_first(lk, q, g, r), take, minimum, k, rc = TMA_OK;

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
		rc = tma_tm_search_group_ids(lk->search, r[k].g, MANDATORY_BUDGET, count_id,
					     lk, err);
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
static int find_fuzzy(tma_lookup *lk, query *q, const tma_word_group *g, tma_error *err)
{
	int need = (int)ceil(q->n * (2.0 * q->o->min / 100.0 - 1) / (q->o->min / 100.0));
	hit_count *ids = NULL;
	size_t nids = 0, i;
	int rc;

	rc = fuzzy_candidates(lk, q, g, need < 1 ? 1 : need, &ids, &nids, err);
	for (i = 0; !rc && i < nids; i++)
		if (!scored(lk, ids[i].id))
			rc = search_rc(q, tma_tm_search_sentence(lk->search, ids[i].id, q->from,
								 score_row, q, err), err);
	free(ids);
	return rc;
}

/*
 * The candidates of the query: the sentences holding a form of each of its
 * words, newest first (the concordance; and for a short query, whose words
 * may all be common, the near matches the word counts might not reach),
 * the exact matches by key, and the fuzzy ones.
 */
static int find(tma_lookup *lk, query *q, tma_error *err)
{
	const tma_lookup_opts *o = q->o;
	tma_word_group g[MAX_WORDS];
	int rc = TMA_OK;

	if (groups(q, g))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (o->concordance || q->n <= SHORT_QUERY)
		rc = search_rc(q, tma_tm_search_groups(lk->search, g, q->n, q->from,
						       o->concordance ? o->limit * 8 + 32
								      : PHRASE_FIRST,
						       score_row, q, err), err);
	if (rc || o->concordance)
		return rc;
	if ((rc = search_rc(q, tma_tm_search_exact(lk->search, q->squeezed, q->from,
						   score_row, q, err), err)))
		return rc;
	return find_fuzzy(lk, q, g, err);
}

/* ------------------------------------------------------------------ */
/* Hits                                                                */

static int cmp_cand(const void *x, const void *y)
{
	const cand *a = x, *b = y;

	/* A concordance: the phrase in the form typed first. */
	if (a->kind == 2 && a->same != b->same)
		return b->same - a->same;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->doc != b->doc)
		return a->doc < b->doc ? 1 : -1;    /* more recent first */
	return a->sid < b->sid ? 1 : a->sid > b->sid ? -1 : 0;
}

/*
 * The sides of a hit's unit, each language's sentences joined: the
 * languages asked first (in their order), then the others the unit has.
 */
typedef struct collect {
	tma_lookup *lk;
	const query *q;
	char lang[TMA_VIEW_LANGS * 2][TMA_LANG_MAX];
	char *joined[TMA_VIEW_LANGS * 2];
	size_t len[TMA_VIEW_LANGS * 2];
	int nextra;                /* other languages, after the q->nto asked */
} collect;

/* A sentence of the hit's unit: joined to its language's text (a callback). */
static int collect_side(const char *lang, const char *text, void *ctx)
{
	collect *cl = ctx;
	size_t tl = strlen(text), cap;
	int l;
	char *j;

	for (l = 0; l < cl->q->nto && strcmp(cl->q->to[l], lang) != 0; l++)
		;
	if (l == cl->q->nto) {
		if (strcmp(lang, cl->q->from) == 0)
			return 0;
		for (l = cl->q->nto; l < cl->q->nto + cl->nextra &&
				     strcmp(cl->lang[l], lang) != 0; l++)
			;
		if (l == cl->q->nto + cl->nextra) {
			if (cl->nextra == TMA_VIEW_LANGS)
				return 0;
			snprintf(cl->lang[l], TMA_LANG_MAX, "%s", lang);
			cl->nextra++;
		}
	}
	cap = cl->len[l] + tl + 2;
	if (!(j = realloc(cl->joined[l], cap)))
		return TMA_ENOMEM;
	cl->joined[l] = j;
	if (cl->len[l])
		cl->joined[l][cl->len[l]++] = ' ';
	memcpy(cl->joined[l] + cl->len[l], text, tl + 1);
	cl->len[l] += tl;
	return 0;
}

/*
 * The translation of a concordance hit's phrase in translation t (of the
 * unit's sides cl, t's being number l), through a third side too when the
 * unit has one.
 */
static int span_of(tma_lookup *lk, const query *q, const cand *c, const collect *cl, int l,
		   trans_rec *t, tma_error *err)
{
	const char *via = NULL, *via_lang = NULL;
	int found, rc, k;

	for (k = 0; k < q->nto + cl->nextra && !via; k++)
		if (k != l && cl->joined[k]) {
			via = cl->joined[k];
			via_lang = k < q->nto ? q->to[k] : cl->lang[k];
		}
	if (!lk->spanner && (rc = tma_spanner_new(&lk->spanner, lk->search, lk->nz, err)))
		return rc;
	return tma_spanner_find(lk->spanner, q->from, lk->arena + c->text, c->at,
				c->phrase_end, t->lang, lk->arena + t->text, via_lang, via,
				t->span, &found, err);
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
		for (l = 0; l < TMA_VIEW_LANGS * 2; l++)
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
		t->span[0] = t->span[1] = 0;
		if (keep(lk, cl.joined[l], &t->text))
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		else if (c->kind == 2)
			rc = span_of(lk, q, c, &cl, l, t, err);
		r->ntrans++;
	}
	for (l = 0; l < TMA_VIEW_LANGS * 2; l++)
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
		memset(&lk->trans[k], 0, sizeof(lk->trans[k]));
		memcpy(lk->trans[k].lang, lk->trecs[k].lang, TMA_LANG_MAX);
		lk->trans[k].text = lk->arena + lk->trecs[k].text;
		lk->trans[k].span[0] = lk->trecs[k].span[0];
		lk->trans[k].span[1] = lk->trecs[k].span[1];
	}
	for (i = 0; i < lk->nrecs; i++) {
		const hit_rec *r = &lk->recs[i];
		tma_hit *h = &lk->hits[i];
		h->score = r->c->score;
		h->surface_score = r->c->kind == 2 ? r->c->score : r->c->surface;
		h->same_form = r->c->kind == 0 || r->c->same ||
			       (r->c->kind == 1 && r->c->surface == r->c->score);
		h->phrase_end = r->c->phrase_end;
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

/*
 * The query's words with their forms: copied out of the splitter (it
 * splits rows next); a word followed by '*' is a prefix.
 */
static int query_words(tma_lookup *lk, query *q, const char *text, tma_error *err)
{
	size_t at = 0;
	int n, k, rc;

	n = tma_mwords_of(lk->split, q->inflected ? lk->nz : NULL, q->from, text, q->w,
			  MAX_WORDS, err);
	if (n < 0)
		return n;
	if (q->o->concordance && n > PHRASE_WORDS)
		n = PHRASE_WORDS;
	for (k = 0; k < n; k++) {
		memcpy(q->fold + at, q->w[k].fold, q->w[k].flen);
		q->fold[at + q->w[k].flen] = '\0';
		q->w[k].fold = q->fold + at;
		q->w[k].prefix = text[q->w[k].end] == '*';
		at += q->w[k].flen + 1;
	}
	for (k = 0; k < n; k++)
		if ((rc = collect_forms(lk, q, k, q->w[k].fold, q->w[k].flen, err)))
			return rc;
	q->n = n;
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
	q->fold = malloc(len * 3 + MAX_WORDS + 1);
	q->squeezed = malloc(len + 1);
	if (!q->fold || !q->squeezed)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	squeeze(q->squeezed, text);
	q->inflected = tma_tm_search_indexed(lk->search, q->from);
	if ((rc = query_words(lk, q, text, err)))
		return rc;
	if (q->n == 0)
		return tma_fail(err, TMA_EUSAGE, "the query has no words to look up");
	return TMA_OK;
}

int tma_lookup_inflected(tma_lookup *lk, const char *lang)
{
	char l[TMA_LANG_MAX];

	return !tma_lang_normalize(l, NULL, lang) && tma_tm_search_indexed(lk->search, l);
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
	q->err = err;
	if (!(rc = read_query(lk, q, text, err)) && !(rc = find(lk, q, err)) &&
	    !(rc = make_hits(lk, q, err))) {
		*hits = lk->hits;
		*nhits = lk->nrecs;
	}
	free(q->fold);
	free(q->squeezed);
	free(q->sq);
	free(q->forms);
	free(q->form_text);
	free(q->form_off);
	free(q);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Translations of a phrase                                            */

#define TRANSLATION_HITS 500  /* concordance hits summed up by default */
#define TRANSLATION_DOCS 3    /* documents named per translation */
#define SPAN_WORDS 64         /* words of a span that count */

/* A translation being counted: offsets into lk->tr_text until the end. */
typedef struct tr_group {
	int lang;                /* index into the languages asked */
	size_t norm;
	int count, first;        /* first: the order met, for ties */
	size_t form, nform;      /* its forms in the run's tr_form list */
} tr_group;

typedef struct tr_form {
	size_t group, text;
	int count, first;
	size_t doc[TRANSLATION_DOCS];
	int ndoc;
} tr_form;

typedef struct tr_run {
	tma_lookup *lk;
	tr_group *g;
	size_t ng, gcap;
	tr_form *f;
	size_t nf, fcap;
	char lang[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int nlang;
} tr_run;

/* Keep s[0..n) in the summary's text; its offset in *at. */
static int tr_keep(tma_lookup *lk, const char *s, size_t n, size_t *at)
{
	if (tma_grow(&lk->tr_text, &lk->tr_cap, lk->tr_used + n + 1, 1))
		return TMA_ENOMEM;
	memcpy(lk->tr_text + lk->tr_used, s, n);
	lk->tr_text[lk->tr_used + n] = '\0';
	*at = lk->tr_used;
	lk->tr_used += n + 1;
	return TMA_OK;
}

/* The canonical normal forms of the words of span s (NUL-terminated). */
static int tr_norm(tma_lookup *lk, const char *lang, const char *s, size_t *at,
		   tma_error *err)
{
	tma_word w[SPAN_WORDS];
	char *key = NULL;
	size_t used = 0, cap = 0;
	int n = tma_words_split(lk->split, s, w, SPAN_WORDS), k, rc = TMA_OK;

	if (n < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n && !rc; k++) {
		const char *forms;
		int nf;
		size_t len;
		if ((rc = tma_norms(lk->nz, lang, tma_words_folded(lk->split, &w[k]), w[k].flen,
				    &forms, &nf, err)))
			break;
		len = strlen(forms);
		if (tma_grow(&key, &cap, used + len + 2, 1)) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			break;
		}
		if (used)
			key[used++] = ' ';
		memcpy(key + used, forms, len);
		used += len;
	}
	if (!rc && tr_keep(lk, key ? key : "", used, at))
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
	free(key);
	return rc;
}

/* Count the span of translation t of hit h. */
static int tr_count(tr_run *r, const tma_hit *h, const tma_hit_trans *t, tma_error *err)
{
	tma_lookup *lk = r->lk;
	char *surface;
	size_t norm, i, form;
	int lang, rc;

	for (lang = 0; lang < r->nlang && strcmp(r->lang[lang], t->lang); lang++)
		;
	if (lang == r->nlang || t->span[1] <= t->span[0])
		return TMA_OK;
	if (!(surface = strndup(t->text + t->span[0], t->span[1] - t->span[0])))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = tr_norm(lk, t->lang, surface, &norm, err))) {
		free(surface);
		return rc;
	}
	for (i = 0; i < r->ng && (r->g[i].lang != lang ||
				  strcmp(lk->tr_text + r->g[i].norm, lk->tr_text + norm)); i++)
		;
	if (i == r->ng) {
		if (tma_grow(&r->g, &r->gcap, r->ng + 1, sizeof(*r->g)))
			goto nomem;
		memset(&r->g[i], 0, sizeof(r->g[i]));
		r->g[i].lang = lang;
		r->g[i].norm = norm;
		r->g[i].first = (int)r->ng++;
	}
	r->g[i].count++;
	for (form = 0; form < r->nf && (r->f[form].group != i ||
					strcmp(lk->tr_text + r->f[form].text, surface)); form++)
		;
	if (form == r->nf) {
		if (tma_grow(&r->f, &r->fcap, r->nf + 1, sizeof(*r->f)))
			goto nomem;
		memset(&r->f[form], 0, sizeof(r->f[form]));
		r->f[form].group = i;
		r->f[form].first = (int)r->nf++;
		if (tr_keep(lk, surface, strlen(surface), &r->f[form].text))
			goto nomem;
	}
	r->f[form].count++;
	if (r->f[form].ndoc < TRANSLATION_DOCS) {
		int d;
		for (d = 0; d < r->f[form].ndoc &&
			    strcmp(lk->tr_text + r->f[form].doc[d], h->doc); d++)
			;
		if (d == r->f[form].ndoc &&
		    tr_keep(lk, h->doc, strlen(h->doc), &r->f[form].doc[r->f[form].ndoc++]))
			goto nomem;
	}
	free(surface);
	return TMA_OK;
nomem:
	free(surface);
	return tma_fail(err, TMA_ENOMEM, "out of memory");
}

/* Groups by language asked, then most frequent, then first met. */
static int cmp_group(const void *x, const void *y)
{
	const tr_group *a = x, *b = y;

	if (a->lang != b->lang)
		return a->lang - b->lang;
	if (a->count != b->count)
		return b->count - a->count;
	return a->first - b->first;
}

/* Forms by group, then most frequent, then first met. */
static int cmp_form(const void *x, const void *y)
{
	const tr_form *a = x, *b = y;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->count != b->count)
		return b->count - a->count;
	return a->first - b->first;
}

/* Make the answer of r: lk->tr and its forms and documents. */
static int tr_publish(tr_run *r, tma_error *err)
{
	tma_lookup *lk = r->lk;
	size_t i, k, *rank = NULL, nd = 0, d;

	if (r->ng)
		qsort(r->g, r->ng, sizeof(*r->g), cmp_group);
	/* Forms point at groups by their place before the sort: renumber. */
	if (r->ng && !(rank = malloc(sizeof(size_t) * r->ng)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (i = 0; i < r->ng; i++)
		rank[r->g[i].first] = i;
	for (k = 0; k < r->nf; k++) {
		r->f[k].group = rank[r->f[k].group];
		nd += (size_t)r->f[k].ndoc;
	}
	free(rank);
	if (r->nf)
		qsort(r->f, r->nf, sizeof(*r->f), cmp_form);
	free(lk->tr_forms);
	free(lk->tr_docs);
	lk->tr_forms = malloc(sizeof(*lk->tr_forms) * (r->nf + 1));
	lk->tr_docs = malloc(sizeof(*lk->tr_docs) * (nd + 1));
	if (!lk->tr_forms || !lk->tr_docs ||
	    tma_grow(&lk->tr, &lk->trcap, r->ng + 1, sizeof(*lk->tr)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (i = 0, k = 0, d = 0; i < r->ng; i++) {
		tma_translation *t = &lk->tr[i];
		memset(t, 0, sizeof(*t));
		memcpy(t->lang, r->lang[r->g[i].lang], TMA_LANG_MAX);
		t->norm = lk->tr_text + r->g[i].norm;
		t->count = r->g[i].count;
		t->forms = &lk->tr_forms[k];
		t->docs = &lk->tr_docs[d];
		for (; k < r->nf && r->f[k].group == i; k++) {
			int j;
			lk->tr_forms[k].text = lk->tr_text + r->f[k].text;
			lk->tr_forms[k].count = r->f[k].count;
			t->nforms++;
			/* The documents of its most frequent forms first. */
			for (j = 0; j < r->f[k].ndoc && t->ndocs < TRANSLATION_DOCS; j++) {
				int seen;
				const char *doc = lk->tr_text + r->f[k].doc[j];
				for (seen = 0; seen < t->ndocs && strcmp(t->docs[seen], doc); seen++)
					;
				if (seen == t->ndocs) {
					lk->tr_docs[d++] = doc;
					t->ndocs++;
				}
			}
		}
		t->text = t->forms[0].text;
	}
	lk->ntr = r->ng;
	return TMA_OK;
}

int tma_lookup_translations(tma_lookup *lk, const tma_lookup_opts *opts, const char *phrase,
			    const tma_translation **out, size_t *n, tma_error *err)
{
	tma_lookup_opts o = *opts;
	const tma_hit *hits;
	size_t nhits, i;
	tr_run r;
	int rc, k;

	*out = NULL;
	*n = 0;
	lk->ntr = lk->tr_used = 0;
	o.concordance = 1;
	if (o.limit <= 0)
		o.limit = TRANSLATION_HITS;
	if ((rc = tma_lookup_run(lk, &o, phrase, &hits, &nhits, err)))
		return rc;
	memset(&r, 0, sizeof(r));
	r.lk = lk;
	/* The languages in the order asked, or as the hits give them. */
	for (i = 0; i < nhits; i++)
		for (k = 0; k < hits[i].ntrans && r.nlang < TMA_VIEW_LANGS; k++) {
			int l;
			for (l = 0; l < r.nlang && strcmp(r.lang[l], hits[i].trans[k].lang); l++)
				;
			if (l == r.nlang)
				memcpy(r.lang[r.nlang++], hits[i].trans[k].lang, TMA_LANG_MAX);
		}
	if (opts->to) {
		char to[TMA_VIEW_LANGS][TMA_LANG_MAX];
		int nto, l, j = 0;
		if ((rc = tma_lang_list(opts->to, to, TMA_VIEW_LANGS, &nto, err)))
			return rc;
		for (l = 0; l < nto; l++)
			for (k = j; k < r.nlang; k++)
				if (strcmp(r.lang[k], to[l]) == 0) {
					char tmp[TMA_LANG_MAX];
					memcpy(tmp, r.lang[j], TMA_LANG_MAX);
					memcpy(r.lang[j], r.lang[k], TMA_LANG_MAX);
					memcpy(r.lang[k], tmp, TMA_LANG_MAX);
					j++;
					break;
				}
	}
	for (i = 0, rc = TMA_OK; i < nhits && !rc; i++)
		for (k = 0; k < hits[i].ntrans && !rc; k++)
			rc = tr_count(&r, &hits[i], &hits[i].trans[k], err);
	if (!rc && !(rc = tr_publish(&r, err))) {
		*out = lk->tr;
		*n = lk->ntr;
	}
	free(r.g);
	free(r.f);
	return rc;
}
