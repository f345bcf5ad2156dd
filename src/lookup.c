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
 * Candidates come from the memory's FTS5 index (tm/schema.sql, migration 3)
 * and are scored here. For a threshold t, a candidate can only score t if
 * it shares at least n(2t - 1)/t of the query's n words, so it must hold one
 * of the n - that + 1 rarest (prefix filtering): only those are asked for,
 * rarity coming from the index's vocabulary. A query made of very common
 * words only is the exception: it reads a bounded number of the newest
 * sentences holding its rarest words, a best effort.
 *
 * The query is data: words go to FTS5 as quoted strings and everything to
 * SQL as bound parameters; FTS5 syntax in a query is text like any other,
 * and no SQLite message reaches the user.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "tmalign_int.h"

#define MAX_WORDS 256        /* words of a query or sentence that count */
#define CANDIDATES 200       /* most candidates scored for one fuzzy query */
#define POSTINGS_BUDGET 10000 /* index entries read beyond the words needed */
#define MANDATORY_BUDGET 40000 /* index entries read at most for those */
#define PHRASE_FIRST 50      /* sentences holding the whole query looked at */
#define SHORT_QUERY 5        /* words of a query that is looked up as a phrase */
#define DF_CACHE_MAX 200000  /* words whose frequency a session remembers */
#define DIST_CELLS ((MAX_WORDS + 1) * (MAX_WORDS + 1)) /* the distance matrix */

/* A word of a text: its folded form's hash and where it stands (bytes). */
typedef struct word {
	uint64_t hash;
	size_t start, end;
} word;

struct tma_lookup {
	tma_tm *tm;
	sqlite3 *db;
	UBreakIterator *wb;
	sqlite3_stmt *vocab, *postings, *row, *phrase, *exact, *sides, *docname;
	UChar *u;                /* scratch: a text in UTF-16 */
	int32_t ucap;
	int32_t *u8off;          /* scratch: UTF-8 offset of each UTF-16 unit */
	int32_t u8cap;
	int *dist;               /* scratch: the word distance matrix */
	tma_hit *hits;
	size_t nhits, hitcap;
	char *arena;             /* texts of the hits */
	size_t aused, acap;
	/* Sentences holding a word, remembered: counting them reads the
	 * word's whole list in the index, and common words come back. */
	tma_strmap df_words;
	int64_t *df;
	size_t dfcap;
	char langs[TMA_VIEW_LANGS * (TMA_LANG_MAX + 1)]; /* the memory's, once */
	/*
	 * Counting sentence ids for fuzzy candidates: open addressing, kept
	 * from search to search; a slot belongs to this search when its gen is
	 * the current one, so nothing is cleared between searches.
	 */
	struct count_slot {
		int64_t id;
		uint32_t gen, count;
	} *tab;
	size_t tabcap;
	uint32_t gen;
	size_t *used;              /* slots taken in this search */
	size_t nused, usedcap;
};

static int search_failed(tma_lookup *lk, tma_error *err, int rc)
{
	/* The code only: SQLite's words stay inside. */
	return tma_fail(err, TMA_EDB, "%s: cannot search the memory (SQLite code %d)",
			tma_tm_path(lk->tm), rc);
}

int tma_lookup_new(tma_lookup **out, tma_tm *tm, tma_error *err)
{
	tma_lookup *lk = calloc(1, sizeof(*lk));
	UErrorCode st = U_ZERO_ERROR;
	int rc;

	*out = NULL;
	if (!lk)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	lk->tm = tm;
	lk->db = tma_tm_db(tm);
	if (!(lk->dist = malloc(sizeof(int) * DIST_CELLS))) {
		free(lk);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	lk->wb = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
	if (U_FAILURE(st)) {
		free(lk->dist);
		free(lk);
		return tma_fail_icu(err, st, "cannot open the word iterator");
	}
	/* Lookups read the index at random: a larger cache, and mmap. */
	sqlite3_exec(lk->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	sqlite3_exec(lk->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	if ((rc = sqlite3_prepare_v2(lk->db,
		"SELECT doc FROM sentence_vocab WHERE term = ?1", -1, &lk->vocab, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT rowid FROM sentence_fts WHERE sentence_fts MATCH ?1 "
		"ORDER BY rowid DESC LIMIT ?2", -1, &lk->postings, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT id, unit, doc, text FROM sentence WHERE id = ?1 AND lang = ?2",
		-1, &lk->row, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT s.id, s.unit, s.doc, s.text FROM sentence_fts "
		"JOIN sentence s ON s.id = sentence_fts.rowid "
		"WHERE sentence_fts MATCH ?1 AND s.lang = ?2 "
		"ORDER BY s.doc DESC, s.id DESC LIMIT ?3", -1, &lk->phrase, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT id, unit, doc, text FROM sentence WHERE key = ?1 AND lang = ?2 "
		"ORDER BY doc DESC, id DESC LIMIT 50", -1, &lk->exact, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT lang, text FROM sentence WHERE unit = ?1 ORDER BY lang, pos",
		-1, &lk->sides, NULL)) ||
	    (rc = sqlite3_prepare_v2(lk->db,
		"SELECT name FROM document WHERE id = ?1", -1, &lk->docname, NULL))) {
		rc = search_failed(lk, err, rc);
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
	sqlite3_finalize(lk->vocab);
	sqlite3_finalize(lk->postings);
	sqlite3_finalize(lk->row);
	sqlite3_finalize(lk->phrase);
	sqlite3_finalize(lk->exact);
	sqlite3_finalize(lk->sides);
	sqlite3_finalize(lk->docname);
	free(lk->u);
	free(lk->u8off);
	free(lk->dist);
	free(lk->hits);
	free(lk->arena);
	tma_strmap_free(&lk->df_words);
	free(lk->df);
	free(lk->tab);
	free(lk->used);
	free(lk);
}

static size_t slot_of(int64_t id, size_t cap)
{
	return (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 24) & (cap - 1);
}

/* Count one more word for sentence id in this search. Returns 0 or -1. */
static int count_id(tma_lookup *lk, int64_t id)
{
	size_t s;

	if ((lk->nused + 1) * 2 > lk->tabcap) {
		/* Grow: move this search's slots into a table twice the size. */
		size_t cap = lk->tabcap ? lk->tabcap * 2 : 1 << 16, i;
		struct count_slot *t = calloc(cap, sizeof(*t));
		if (!t)
			return -1;
		for (i = 0; i < lk->nused; i++) {
			const struct count_slot *o = &lk->tab[lk->used[i]];
			for (s = slot_of(o->id, cap); t[s].gen; s = (s + 1) & (cap - 1))
				;
			t[s] = *o;
			lk->used[i] = s;
		}
		free(lk->tab);
		lk->tab = t;
		lk->tabcap = cap;
	}
	for (s = slot_of(id, lk->tabcap);
	     lk->tab[s].gen == lk->gen && lk->tab[s].id != id;
	     s = (s + 1) & (lk->tabcap - 1))
		;
	if (lk->tab[s].gen != lk->gen) {
		if (tma_grow(&lk->used, &lk->usedcap, lk->nused + 1, sizeof(size_t)))
			return -1;
		lk->tab[s].gen = lk->gen;
		lk->tab[s].id = id;
		lk->tab[s].count = 0;
		lk->used[lk->nused++] = s;
	}
	lk->tab[s].count++;
	return 0;
}

/* Quote s as an FTS5 string: "..." with every " doubled. */
static int fts_string(char *out, size_t cap, const char *s, size_t n)
{
	size_t k = 0, i;

	if (cap < 3)
		return -1;
	out[k++] = '"';
	for (i = 0; i < n; i++) {
		if (k + 3 >= cap)
			return -1;
		if (s[i] == '"')
			out[k++] = '"';
		out[k++] = s[i];
	}
	out[k++] = '"';
	out[k] = '\0';
	return (int)k;
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
	    tma_grow(&lk->df, &lk->dfcap, lk->df_words.n, sizeof(int64_t)))
		added = 1, id = UINT32_MAX;
	if (!added)
		return lk->df[id];
	sqlite3_bind_text(lk->vocab, 1, w, (int)len, SQLITE_STATIC);
	df = sqlite3_step(lk->vocab) == SQLITE_ROW ? sqlite3_column_int64(lk->vocab, 0) : 0;
	sqlite3_reset(lk->vocab);
	if (id != UINT32_MAX)
		lk->df[id] = df;
	return df;
}

/* ------------------------------------------------------------------ */
/* Words                                                               */

/*
 * The words of UTF-8 text s (at most max), folded. When folded is not NULL
 * it gets each word's folded UTF-8, NUL-separated (room: 4 * strlen(s) + max).
 * Returns the count, or -1 when out of memory.
 */
static int words_of(tma_lookup *lk, const char *s, word *w, int max, char *folded)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, a, b, i, k = 0;
	size_t slen = strlen(s), fo = 0;

	if (slen > INT32_MAX / 4)
		slen = INT32_MAX / 4;
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
	/* UTF-16 for ICU, with the UTF-8 offset of each unit to mark words. */
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
/* Hits                                                                */

/* Copy s into the hits' arena; returns its offset, or -1. */
static long keep(tma_lookup *lk, const char *s)
{
	size_t n = strlen(s) + 1, off = lk->aused;

	if (tma_grow(&lk->arena, &lk->acap, lk->aused + n, 1))
		return -1;
	memcpy(lk->arena + off, s, n);
	lk->aused += n;
	return (long)off;
}

/* A candidate before it becomes a hit. */
typedef struct cand {
	int64_t sid, unit, doc;
	int score;
	int kind;                /* 0 exact, 1 fuzzy, 2 concordance */
	long text;               /* arena offset */
	size_t at;
	int nmark;
	size_t mark[TMA_HIT_MARKS][2];
} cand;

static int cmp_cand(const void *x, const void *y)
{
	const cand *a = x, *b = y;

	if (a->score != b->score)
		return b->score - a->score;
	if (a->doc != b->doc)
		return a->doc < b->doc ? 1 : -1;    /* more recent first */
	return a->sid < b->sid ? 1 : a->sid > b->sid ? -1 : 0;
}

/* The translations of unit into the languages asked; 0 when none is there. */
static int fill_hit(tma_lookup *lk, tma_hit *h, const cand *c,
		    char to[][TMA_LANG_MAX], int nto, const char *from, tma_error *err)
{
	long off[TMA_VIEW_LANGS];
	int l, rc, found = 0;
	char *joined[TMA_VIEW_LANGS] = { NULL };
	size_t jl[TMA_VIEW_LANGS] = { 0 };

	memset(h, 0, sizeof(*h));
	sqlite3_bind_int64(lk->sides, 1, c->unit);
	while ((rc = sqlite3_step(lk->sides)) == SQLITE_ROW) {
		const char *lang = (const char *)sqlite3_column_text(lk->sides, 0);
		const char *text = (const char *)sqlite3_column_text(lk->sides, 1);
		size_t tl = strlen(text);
		for (l = 0; l < nto && strcmp(to[l], lang) != 0; l++)
			;
		if (l == nto || strcmp(lang, from) == 0)
			continue;
		joined[l] = realloc(joined[l], jl[l] + tl + 2);
		if (!joined[l]) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (jl[l])
			joined[l][jl[l]++] = ' ';
		memcpy(joined[l] + jl[l], text, tl + 1);
		jl[l] += tl;
	}
	sqlite3_reset(lk->sides);
	for (l = 0; l < nto; l++) {
		off[l] = joined[l] ? keep(lk, joined[l]) : -1;
		free(joined[l]);
	}
	if (rc != SQLITE_DONE)
		return rc == SQLITE_NOMEM ? tma_fail(err, TMA_ENOMEM, "out of memory")
					  : search_failed(lk, err, rc);
	for (l = 0; l < nto; l++) {
		if (off[l] < 0)
			continue;
		memcpy(h->trans[h->ntrans].lang, to[l], TMA_LANG_MAX);
		h->trans[h->ntrans++].text = (const char *)(intptr_t)off[l];
		found = 1;
	}
	if (!found)
		return TMA_OK;
	sqlite3_bind_int64(lk->docname, 1, c->doc);
	rc = sqlite3_step(lk->docname);
	h->doc = (const char *)(intptr_t)(rc == SQLITE_ROW
		? keep(lk, (const char *)sqlite3_column_text(lk->docname, 0)) : keep(lk, ""));
	sqlite3_reset(lk->docname);
	h->score = c->score;
	h->kind = c->kind == 0 ? "exact" : c->kind == 1 ? "fuzzy" : "concordance";
	h->source = (const char *)(intptr_t)c->text;
	h->at = c->at;
	h->nmark = c->nmark;
	memcpy(h->mark, c->mark, sizeof(h->mark));
	return 1;
}

/*
 * Has a hit with h's source and translations been kept already (a more
 * recent one: candidates come best and newest first)? The texts are still
 * arena offsets.
 */
static int seen_before(const tma_lookup *lk, const tma_hit *h)
{
	size_t j;
	int t, same;

	for (j = 0; j < lk->nhits; j++) {
		const tma_hit *a = &lk->hits[j];
		same = a->ntrans == h->ntrans &&
		       strcmp(lk->arena + (intptr_t)a->source,
			      lk->arena + (intptr_t)h->source) == 0;
		for (t = 0; same && t < a->ntrans; t++)
			same = strcmp(a->trans[t].lang, h->trans[t].lang) == 0 &&
			       strcmp(lk->arena + (intptr_t)a->trans[t].text,
				      lk->arena + (intptr_t)h->trans[t].text) == 0;
		if (same)
			return 1;
	}
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

/*
 * The sentences that may match: a candidate must share at least need of
 * the query's words, so it holds at least one of the d - need + 1 rarest
 * distinct words; each further word read raises that minimum by one. Words
 * are read rarest first while their lists stay short (POSTINGS_BUDGET), the
 * sentence ids counted in a hash table, and those under the minimum dropped. The best
 * (most words shared, then newest) CANDIDATES ids go to *out (caller frees).
 */
static int fuzzy_candidates(tma_lookup *lk, const char *folded, int n, int need,
			    hit_count **out, size_t *nout, tma_error *err)
{
	rare r[MAX_WORDS];
	size_t budget = 0, i, k2, hist[MAX_WORDS + 2], above, cut;
	int k, nr = 0, take, minimum, rc = SQLITE_DONE, best_effort = 0, threshold;
	const char *p = folded;
	char q[2 * 512 + 8];
	hit_count *h;

	*out = NULL;
	*nout = 0;
	for (k = 0; k < n; k++) {
		size_t len = strlen(p);
		int dup = 0, j;
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
	/* Repeated words may each be matched by one distinct word. */
	need -= n - nr;
	if (need < 1)
		need = 1;
	take = nr - need + 1;
	/*
	 * The words that must be read are the take rarest; when even those
	 * hold more than MANDATORY_BUDGET sentences (a query of common words
	 * only), the search reads what the budget allows, newest first, and
	 * is a best effort.
	 */
	for (k = 0; k < take; k++) {
		if (k > 0 && budget + (size_t)r[k].docs > MANDATORY_BUDGET) {
			take = k;
			best_effort = 1;
			break;
		}
		budget += (size_t)r[k].docs;
	}
	if (best_effort) {
		minimum = 1;
	} else {
		for (k = take, budget = 0;
		     k < nr && budget + (size_t)r[k].docs <= POSTINGS_BUDGET; k++)
			budget += (size_t)r[k].docs;
		minimum = 1 + (k - take);
		take = k;
	}
	lk->gen++;
	lk->nused = 0;
	/*
	 * A word the vocabulary does not know may still be there: ICU and the
	 * index split words differently ("don't"), so it is asked for too.
	 */
	for (k = 0; k < take && rc == SQLITE_DONE; k++) {
		if (fts_string(q, sizeof(q), r[k].word, r[k].len) < 0)
			continue;
		sqlite3_bind_text(lk->postings, 1, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(lk->postings, 2, MANDATORY_BUDGET);
		while ((rc = sqlite3_step(lk->postings)) == SQLITE_ROW) {
			if (count_id(lk, sqlite3_column_int64(lk->postings, 0))) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		sqlite3_reset(lk->postings);
	}
	if (rc != SQLITE_DONE)
		return rc == SQLITE_NOMEM ? tma_fail(err, TMA_ENOMEM, "out of memory")
					  : search_failed(lk, err, rc);
	/*
	 * The CANDIDATES that share the most words, the newest among equals:
	 * a histogram of the counts finds the count at which to cut.
	 */
	memset(hist, 0, sizeof(hist));
	for (i = 0; i < lk->nused; i++) {
		int c = lk->tab[lk->used[i]].count;
		if (c >= minimum)
			hist[c > MAX_WORDS ? MAX_WORDS : c]++;
	}
	for (threshold = MAX_WORDS, above = 0; threshold > minimum; threshold--) {
		if (above + hist[threshold] >= CANDIDATES)
			break;
		above += hist[threshold];
	}
	h = malloc(sizeof(hit_count) * (above + hist[threshold] + 1));
	if (!h)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (i = 0, k2 = 0; i < lk->nused; i++) {
		const struct count_slot *sl = &lk->tab[lk->used[i]];
		if ((int)sl->count >= threshold) {
			h[k2].id = sl->id;
			h[k2++].count = (int)sl->count;
		}
	}
	if (k2)
		qsort(h, k2, sizeof(hit_count), cmp_count);
	cut = k2 < CANDIDATES ? k2 : CANDIDATES;
	*out = h;
	*nout = cut;
	return TMA_OK;
}

/* What one search needs to score a row. */
typedef struct scoring {
	const word *qw;
	int n;
	const char *squeezed;
	const tma_lookup_opts *o;
	word *w;                  /* scratch: the row's words */
	unsigned char matched[MAX_WORDS];
	char *sq;                 /* scratch: the row's text squeezed */
	size_t sqcap;
	cand *c;                  /* the candidates kept */
	size_t nc, ccap;
} scoring;

/* Score a stored sentence; keep it when it qualifies. Returns 0 or an error code. */
static int score_row(tma_lookup *lk, scoring *sc, int64_t sid, int64_t unit,
		     int64_t doc, const char *text)
{
	const tma_lookup_opts *o = sc->o;
	int n = sc->n, m = words_of(lk, text, sc->w, MAX_WORDS, NULL), score, kind, j, k;
	size_t at = 0;
	cand *c;

	if (m < 0)
		return TMA_ENOMEM;
	if (o->concordance) {
		/* Where the query's words stand in a row. */
		for (j = 0; j + n <= m; j++) {
			for (k = 0; k < n && sc->w[j + k].hash == sc->qw[k].hash; k++)
				;
			if (k == n)
				break;
		}
		if (j + n > m)
			return TMA_OK;
		memset(sc->matched, 0, sizeof(sc->matched));
		for (k = 0; k < n; k++)
			sc->matched[j + k] = 1;
		at = sc->w[j].start;
		score = m ? (int)(100.0 * n / m) : 0;
		kind = 2;
	} else {
		int len = n > m ? n : m, d;
		if (m * 100 < n * o->min || m * o->min > n * 100)
			return TMA_OK;   /* the lengths alone rule it out */
		d = word_distance(lk->dist, sc->qw, n, sc->w, m, sc->matched);
		score = len ? (int)floor(100.0 * (len - d) / len) : 0;
		if (tma_grow(&sc->sq, &sc->sqcap, strlen(text) + 1, 1))
			return TMA_ENOMEM;
		squeeze(sc->sq, text);
		if (strcmp(sc->sq, sc->squeezed) == 0) {
			score = 100;
			kind = 0;
		} else {
			if (score > 99)
				score = 99;
			kind = 1;
		}
		if (score < o->min)
			return TMA_OK;
	}
	if (tma_grow(&sc->c, &sc->ccap, sc->nc + 1, sizeof(cand)))
		return TMA_ENOMEM;
	c = &sc->c[sc->nc++];
	memset(c, 0, sizeof(*c));
	c->sid = sid;
	c->unit = unit;
	c->doc = doc;
	c->score = score;
	c->kind = kind;
	c->at = at;
	c->text = keep(lk, text);
	if (c->text < 0)
		return TMA_ENOMEM;
	for (j = 0; j < m && c->nmark < TMA_HIT_MARKS; j++)
		if (sc->matched[j]) {
			c->mark[c->nmark][0] = sc->w[j].start;
			c->mark[c->nmark++][1] = sc->w[j].end;
		}
	return TMA_OK;
}

/* Score every row of a statement giving id, unit, doc, text. */
static int score_rows(tma_lookup *lk, scoring *sc, sqlite3_stmt *st, tma_error *err)
{
	int rc, r = TMA_OK;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !r)
		r = score_row(lk, sc, sqlite3_column_int64(st, 0),
			      sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			      (const char *)sqlite3_column_text(st, 3));
	sqlite3_reset(st);
	if (r)
		return tma_fail(err, r, "out of memory");
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? TMA_OK : search_failed(lk, err, rc);
}

int tma_lookup_run(tma_lookup *lk, const tma_lookup_opts *opts, const char *query,
		   const tma_hit **hits, size_t *nhits, tma_error *err)
{
	tma_lookup_opts o = *opts;
	char from[TMA_LANG_MAX], to[TMA_VIEW_LANGS][TMA_LANG_MAX];
	char *folded = NULL, *squeezed = NULL, *q = NULL;
	word *qw = NULL;
	scoring sc;
	hit_count *ids = NULL;
	size_t nids = 0, qcap, i, k;
	int n, nto = 0, rc = TMA_OK;

	*hits = NULL;
	*nhits = 0;
	lk->nhits = 0;
	lk->aused = 0;
	memset(&sc, 0, sizeof(sc));
	if (o.min <= 0 || o.min > 100)
		o.min = 75;
	if (o.limit <= 0)
		o.limit = 10;
	if (!o.from || tma_lang_normalize(from, NULL, o.from))
		return tma_fail(err, TMA_EUSAGE, "the query's language is needed (--from)");
	/* Words are read by ICU: the query must be UTF-8. */
	{
		long bad = tma_utf8_bad(query, strlen(query));
		if (bad >= 0)
			return tma_fail(err, TMA_EINPUT, "the query is not UTF-8 (byte %ld)",
					bad);
	}
	/* Target languages: those asked, else every other of the memory. */
	{
		const char *p = o.to;
		if (!p) {
			if (!lk->langs[0] &&
			    (rc = tma_tm_langs(lk->tm, NULL, lk->langs, sizeof(lk->langs), err)))
				return rc;
			p = lk->langs;
		}
		while (*p && nto < TMA_VIEW_LANGS) {
			char tag[64];
			size_t len = strcspn(p, ",");
			snprintf(tag, sizeof(tag), "%.*s", (int)(len < 63 ? len : 63), p);
			if (tma_lang_normalize(to[nto], NULL, tag))
				return tma_fail(err, TMA_EUSAGE, "'%s' is not a language code", tag);
			if (strcmp(to[nto], from) != 0)
				nto++;
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (strlen(query) > 100000)
		return tma_fail(err, TMA_EUSAGE, "the query is too long (%zu bytes; at most "
				"100000)", strlen(query));
	qw = malloc(sizeof(word) * MAX_WORDS);
	sc.w = malloc(sizeof(word) * MAX_WORDS);
	folded = malloc(strlen(query) * 4 + MAX_WORDS + 1);
	squeezed = malloc(strlen(query) + 1);
	qcap = strlen(query) * 4 + 64 * MAX_WORDS + 16;
	q = malloc(qcap);
	if (!qw || !sc.w || !folded || !squeezed || !q) {
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		goto done;
	}
	squeeze(squeezed, query);
	n = words_of(lk, query, qw, MAX_WORDS, folded);
	if (n < 0) {
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		goto done;
	}
	if (n == 0) {
		rc = tma_fail(err, TMA_EUSAGE, "the query has no words to look up");
		goto done;
	}
	sc.qw = qw;
	sc.n = n;
	sc.squeezed = squeezed;
	sc.o = &o;
	{
		/* The words as one phrase, each quoted. */
		size_t used = 0;
		const char *p = folded;
		int j, w;
		for (j = 0; j < n; j++) {
			if (j) {
				memcpy(q + used, " + ", 3);
				used += 3;
			}
			w = fts_string(q + used, qcap - used, p, strlen(p));
			if (w < 0)
				break;
			used += (size_t)w;
			p += strlen(p) + 1;
		}
		q[used] = '\0';
	}
	/*
	 * The sentences holding the query as a phrase, newest first: the
	 * concordance; and for a short query, whose words may all be common,
	 * the exact matches the word counts below might not reach.
	 */
	if (o.concordance || n <= SHORT_QUERY) {
		sqlite3_bind_text(lk->phrase, 1, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(lk->phrase, 2, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(lk->phrase, 3, o.concordance ? o.limit * 8 + 32
							      : PHRASE_FIRST);
		rc = score_rows(lk, &sc, lk->phrase, err);
	}
	if (!rc && !o.concordance) {
		/* Exact: one probe of the text key index. */
		sqlite3_bind_int64(lk->exact, 1, (sqlite3_int64)tma_text_key(query));
		sqlite3_bind_text(lk->exact, 2, from, -1, SQLITE_TRANSIENT);
		rc = score_rows(lk, &sc, lk->exact, err);
	}
	if (!rc && !o.concordance) {
		/* Fuzzy: the sentences sharing enough of the query's words. */
		int need = (int)ceil(n * (2.0 * o.min / 100.0 - 1) / (o.min / 100.0));
		if (need < 1)
			need = 1;
		rc = fuzzy_candidates(lk, folded, n, need, &ids, &nids, err);
		for (i = 0; !rc && i < nids; i++) {
			size_t j;
			int scored = 0;
			for (j = 0; j < sc.nc && !scored; j++)
				scored = sc.c[j].sid == ids[i].id;
			if (scored)
				continue;
			sqlite3_bind_int64(lk->row, 1, ids[i].id);
			sqlite3_bind_text(lk->row, 2, from, -1, SQLITE_TRANSIENT);
			rc = score_rows(lk, &sc, lk->row, err);
		}
	}
	if (rc)
		goto done;
	if (sc.nc)
		qsort(sc.c, sc.nc, sizeof(cand), cmp_cand);
	for (i = 0; i < sc.nc && lk->nhits < (size_t)o.limit; i++) {
		tma_hit h;
		int got;

		if (tma_grow(&lk->hits, &lk->hitcap, lk->nhits + 1, sizeof(tma_hit))) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			goto done;
		}
		got = fill_hit(lk, &h, &sc.c[i], to, nto, from, err);
		if (got < 0) {
			rc = got;
			goto done;
		}
		if (got && !seen_before(lk, &h))
			lk->hits[lk->nhits++] = h;
	}
	/* Arena offsets become pointers now that it no longer moves. */
	for (i = 0; i < lk->nhits; i++) {
		tma_hit *h = &lk->hits[i];
		h->source = lk->arena + (intptr_t)h->source;
		h->doc = lk->arena + (intptr_t)h->doc;
		for (k = 0; k < (size_t)h->ntrans; k++)
			h->trans[k].text = lk->arena + (intptr_t)h->trans[k].text;
	}
	*hits = lk->hits;
	*nhits = lk->nhits;
done:
	free(sc.c);
	free(sc.w);
	free(sc.sq);
	free(ids);
	free(qw);
	free(folded);
	free(squeezed);
	free(q);
	return rc;
}
