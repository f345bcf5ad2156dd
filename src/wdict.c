/*
 * wdict.c - dictionaries' word pairs as canonical forms.
 *
 * A dictionary pairs phrases; the word model pairs words. Each word of an
 * entry's phrase goes with each word of its translation ("living room" ->
 * "гостиная" gives living-гостиная and room-гостиная), both as the
 * canonical normal form norm.c gives them, so that a headword's lemma
 * meets every inflected form in the units. Pairs between two languages
 * that no dictionary joins are composed through a third one.
 */
#include <stdlib.h>
#include <string.h>

#include "wdict.h"

#define ENTRY_WORDS 8

typedef struct lex {
	char lang[2][TMA_LANG_MAX];
	tma_strmap form[2];
	tma_strmap seen;           /* pairs held, as 8-byte keys */
	uint32_t (*pair)[2];
	size_t n, cap;
} lex;

struct tma_wdict {
	lex *lex;
	size_t n, cap;
};

int tma_wdict_new(tma_wdict **out, tma_error *err)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return TMA_OK;
}

void tma_wdict_free(tma_wdict *wd)
{
	size_t k;

	if (!wd)
		return;
	for (k = 0; k < wd->n; k++) {
		tma_strmap_free(&wd->lex[k].form[0]);
		tma_strmap_free(&wd->lex[k].form[1]);
		tma_strmap_free(&wd->lex[k].seen);
		free(wd->lex[k].pair);
	}
	free(wd->lex);
	free(wd);
}

/* The lexicon of languages a and b, made when new; NULL when out of memory. */
static lex *lex_of(tma_wdict *wd, const char *a, const char *b)
{
	size_t k;
	lex *x;

	for (k = 0; k < wd->n; k++)
		if (strcmp(wd->lex[k].lang[0], a) == 0 && strcmp(wd->lex[k].lang[1], b) == 0)
			return &wd->lex[k];
	if (tma_grow(&wd->lex, &wd->cap, wd->n + 1, sizeof(lex)))
		return NULL;
	x = &wd->lex[wd->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->lang[0], TMA_LANG_MAX, "%s", a);
	snprintf(x->lang[1], TMA_LANG_MAX, "%s", b);
	return x;
}

/* The canonical forms of the words of phrase (lang) as ids of m; how many. */
static int phrase_ids(tma_strmap *m, const char *lang, const char *phrase, tma_words *split,
		      tma_normalizer *nz, uint32_t *ids, tma_error *err)
{
	tma_word w[ENTRY_WORDS];
	int n, k, nf, rc;

	if ((n = tma_words_split(split, phrase, w, ENTRY_WORDS)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		const char *forms;
		if ((rc = tma_norms(nz, lang, tma_words_folded(split, &w[k]), w[k].flen, &forms,
				    &nf, err)))
			return rc;
		if (tma_strmap_intern(m, forms, strlen(forms), &ids[k], NULL))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	return n;
}

static int add_ids(lex *x, uint32_t a, uint32_t b, size_t *added)
{
	char key[8];
	uint32_t id;
	int isnew;

	memcpy(key, &a, 4);
	memcpy(key + 4, &b, 4);
	if (tma_strmap_intern(&x->seen, key, 8, &id, &isnew) ||
	    (isnew && tma_grow(&x->pair, &x->cap, x->n + 1, sizeof(x->pair[0]))))
		return TMA_ENOMEM;
	if (isnew) {
		x->pair[x->n][0] = a;
		x->pair[x->n][1] = b;
		x->n++;
		(*added)++;
	}
	return TMA_OK;
}

int tma_wdict_add(tma_wdict *wd, const tma_dict *d, tma_words *split, tma_normalizer *nz,
		  size_t *added, tma_error *err)
{
	const char *la = tma_dict_lang(d, 0), *lb = tma_dict_lang(d, 1);
	lex *x = lex_of(wd, la, lb);
	size_t k, count = 0;
	int i, j, rc;

	if (!x)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < tma_dict_size(d); k++) {
		uint32_t ia[ENTRY_WORDS], ib[ENTRY_WORDS];
		const char *a, *b;
		int na, nb;
		tma_dict_entry(d, k, &a, &b);
		if ((na = phrase_ids(&x->form[0], la, a, split, nz, ia, err)) < 0)
			return na;
		if ((nb = phrase_ids(&x->form[1], lb, b, split, nz, ib, err)) < 0)
			return nb;
		for (i = 0; i < na; i++)
			for (j = 0; j < nb; j++)
				if ((rc = add_ids(x, ia[i], ib[j], &count)))
					return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if (added)
		*added = count;
	return TMA_OK;
}

/* Call fn for every pair of x, side from first. */
static int each_pair(const lex *x, int from, tma_wdict_fn fn, void *ctx)
{
	size_t k, la, lb;
	int rc;

	for (k = 0; k < x->n; k++) {
		const char *a = tma_strmap_key(&x->form[from], x->pair[k][from], &la);
		const char *b = tma_strmap_key(&x->form[!from], x->pair[k][!from], &lb);
		if ((rc = fn(ctx, a, la, b, lb)))
			return rc;
	}
	return 0;
}

/* The side of x in language l: 0, 1, or -1. */
static int side_of(const lex *x, const char *l)
{
	return strcmp(x->lang[0], l) == 0 ? 0 : strcmp(x->lang[1], l) == 0 ? 1 : -1;
}

/* Does x join a and b? */
static int joins(const lex *x, const char *a, const char *b)
{
	int s = side_of(x, a);

	return s >= 0 && side_of(x, b) == !s;
}

/*
 * Pairs a-b through c: index the c-b pairs by c's form, then follow each
 * a-c pair through it.
 */
static int through_lang(tma_wdict *wd, const char *a, const char *c, const char *b,
			tma_wdict_fn fn, void *ctx)
{
	tma_strmap cform = {0};
	size_t *head = NULL, headcap = 0, k, m, n = 0, ncap = 0, l1, l2;
	struct link {
		size_t lex, id;    /* a b form of lexicon lex */
		size_t next;       /* next link of the same c form, + 1 */
	} *link = NULL;
	int rc = 0;

	for (m = 0; m < wd->n && !rc; m++) {
		const lex *x = &wd->lex[m];
		int sc = side_of(x, c);
		if (!joins(x, c, b))
			continue;
		for (k = 0; k < x->n; k++) {
			const char *f = tma_strmap_key(&x->form[sc], x->pair[k][sc], &l1);
			uint32_t id;
			int added;
			if (tma_strmap_intern(&cform, f, l1, &id, &added) ||
			    tma_grow(&head, &headcap, (size_t)id + 1, sizeof(size_t)) ||
			    tma_grow(&link, &ncap, n + 1, sizeof(*link))) {
				rc = TMA_ENOMEM;
				break;
			}
			if (added)
				head[id] = 0;
			link[n].lex = m;
			link[n].id = x->pair[k][!sc];
			link[n].next = head[id];
			head[id] = ++n;
		}
	}
	for (m = 0; m < wd->n && !rc; m++) {
		const lex *x = &wd->lex[m];
		int sa = side_of(x, a);
		if (!joins(x, a, c))
			continue;
		for (k = 0; k < x->n && !rc; k++) {
			const char *fa = tma_strmap_key(&x->form[sa], x->pair[k][sa], &l1);
			const char *fc = tma_strmap_key(&x->form[!sa], x->pair[k][!sa], &l2);
			uint32_t id = tma_strmap_find(&cform, fc, l2);
			size_t at;
			if (id == UINT32_MAX)
				continue;
			for (at = head[id]; at && !rc; at = link[at - 1].next) {
				const lex *y = &wd->lex[link[at - 1].lex];
				size_t lb;
				const char *fb = tma_strmap_key(&y->form[side_of(y, b)],
								(uint32_t)link[at - 1].id, &lb);
				rc = fn(ctx, fa, l1, fb, lb);
			}
		}
	}
	tma_strmap_free(&cform);
	free(head);
	free(link);
	return rc;
}

int tma_wdict_each(tma_wdict *wd, const char *a, const char *b, tma_wdict_fn fn, void *ctx,
		   char through[TMA_LANG_MAX])
{
	size_t k, m;
	int rc, direct = 0;

	if (through)
		through[0] = '\0';
	for (k = 0; k < wd->n; k++)
		if (joins(&wd->lex[k], a, b)) {
			direct = 1;
			if ((rc = each_pair(&wd->lex[k], side_of(&wd->lex[k], a), fn, ctx)))
				return rc;
		}
	if (direct)
		return 0;
	/* The first third language that joins them. */
	for (k = 0; k < wd->n; k++)
		for (m = 0; m < 2; m++) {
			const char *c = wd->lex[k].lang[m];
			size_t j;
			int left = 0, right = 0;
			if (strcmp(c, a) == 0 || strcmp(c, b) == 0)
				continue;
			for (j = 0; j < wd->n; j++) {
				left |= joins(&wd->lex[j], a, c);
				right |= joins(&wd->lex[j], c, b);
			}
			if (left && right) {
				if (through)
					snprintf(through, TMA_LANG_MAX, "%s", c);
				return through_lang(wd, a, c, b, fn, ctx);
			}
		}
	return 0;
}
