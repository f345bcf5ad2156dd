/*
 * tm_model.c - the memory's word translation model (tm/schema.sql,
 * migration 8): trained from its units (`tmalign train`), stored per
 * language pair, direction and source word, read by lookup to find the
 * translation of a phrase inside a unit.
 *
 * Training reads every unit that has two languages, makes each side a
 * sequence of canonical normal forms, and runs wmodel.c's EM in both
 * directions of every language pair, the directions shared out among two
 * threads. Training again without --full only adds the units stored since
 * (one E step over them on top of the stored counts); a full training
 * makes the model anew. A source word keeps its STORE likeliest targets.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "anchor.h"
#include "tm_int.h"
#include "wdict.h"
#include "wmodel.h"
#include "words.h"

#define ITERATIONS 5
#define STORE 32              /* targets stored per source word */
#define STORE_NULL 512        /* and for the NULL word */
#define KEEP_SHARE 0.01       /* the least t(f | e) a stored target has */
#define SIDE_WORDS 256
#define THREADS 2
#define PRIOR_DICT 1.0        /* pseudo-count of a dictionary's word pair */
#define PRIOR_COGNATE 1.0     /* and of a pair of cognates */

/* The vocabulary of one language: canonical forms, id 0 for NULL. */
typedef struct vocab {
	char lang[TMA_LANG_MAX];
	tma_strmap words;          /* id + 1 is the model's id */
	tma_tokenizer *tk;         /* keys of its words, for anchors */
} vocab;

/* A word of a side, as anchors see it. */
typedef struct side_key {
	char key[TMA_KEY_MAX];
	int len, upper;
} side_key;

/* One language pair of the training: its corpus and both directions. */
typedef struct pair_job {
	int a, b;                  /* vocab indexes */
	tma_wm_corpus corpus;
	tma_wm_table table[2];     /* a -> b, b -> a */
	int full;
	int rc;
} pair_job;

typedef struct trainer {
	tma_tm *tm;
	vocab voc[TMA_VIEW_LANGS];
	int nvoc;
	pair_job *pairs;
	int npairs;
	size_t units;
	tma_words *split;
	tma_normalizer *nz;
	uint32_t side[TMA_VIEW_LANGS][SIDE_WORDS];
	side_key keys[TMA_VIEW_LANGS][SIDE_WORDS];
	int nside[TMA_VIEW_LANGS];
	uint32_t anc[SIDE_WORDS * 4];
	int lang_of_side[TMA_VIEW_LANGS];
	int nsides;
} trainer;

static void trainer_free(trainer *tr)
{
	int k;

	for (k = 0; k < tr->nvoc; k++) {
		tma_strmap_free(&tr->voc[k].words);
		tma_tokenizer_free(tr->voc[k].tk);
	}
	for (k = 0; k < tr->npairs; k++) {
		tma_wm_corpus_free(&tr->pairs[k].corpus);
		tma_wm_table_free(&tr->pairs[k].table[0]);
		tma_wm_table_free(&tr->pairs[k].table[1]);
	}
	free(tr->pairs);
	tma_words_free(tr->split);
	tma_normalizer_free(tr->nz);
}

static int vocab_of(trainer *tr, const char *lang)
{
	int k;

	for (k = 0; k < tr->nvoc; k++)
		if (strcmp(tr->voc[k].lang, lang) == 0)
			return k;
	if (tr->nvoc == TMA_VIEW_LANGS)
		return -1;
	snprintf(tr->voc[tr->nvoc].lang, TMA_LANG_MAX, "%s", lang);
	return tr->nvoc++;
}

static pair_job *pair_of(trainer *tr, int a, int b)
{
	int k;

	for (k = 0; k < tr->npairs; k++)
		if (tr->pairs[k].a == a && tr->pairs[k].b == b)
			return &tr->pairs[k];
	{
		pair_job *p = realloc(tr->pairs, sizeof(*p) * (size_t)(tr->npairs + 1));
		if (!p)
			return NULL;
		tr->pairs = p;
		memset(&p[tr->npairs], 0, sizeof(p[0]));
		p[tr->npairs].a = a;
		p[tr->npairs].b = b;
		return &p[tr->npairs++];
	}
}

/* The model's id of a canonical form of vocabulary v (added when new). */
static int word_id(trainer *tr, int v, const char *form, uint32_t *id, tma_error *err)
{
	if (tma_strmap_intern(&tr->voc[v].words, form, strlen(form), id, NULL))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	(*id)++;
	return TMA_OK;
}

/* Add the words of text (language v) to the side being read. */
static int read_side(trainer *tr, int v, const char *text, tma_error *err)
{
	tma_word w[SIDE_WORDS];
	int s, n, k, rc;

	for (s = 0; s < tr->nsides && tr->lang_of_side[s] != v; s++)
		;
	if (s == tr->nsides) {
		if (s == TMA_VIEW_LANGS)
			return TMA_OK;
		tr->lang_of_side[s] = v;
		tr->nside[s] = 0;
		tr->nsides++;
	}
	if (!tr->voc[v].tk && (rc = tma_tokenizer_new(&tr->voc[v].tk, tr->voc[v].lang, err)))
		return rc;
	if ((n = tma_words_split(tr->split, text, w, SIDE_WORDS)) < 0)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (k = 0; k < n && tr->nside[s] < SIDE_WORDS; k++) {
		side_key *sk = &tr->keys[s][tr->nside[s]];
		int32_t at = (int32_t)w[k].start;
		const char *forms;
		UChar32 c;
		int nf;
		if ((rc = tma_norms(tr->nz, tr->voc[v].lang, tma_words_folded(tr->split, &w[k]),
				    w[k].flen, &forms, &nf, err)) ||
		    (rc = word_id(tr, v, forms, &tr->side[s][tr->nside[s]], err)))
			return rc;
		sk->len = tma_word_key(tr->voc[v].tk, text + w[k].start, w[k].end - w[k].start,
				       sk->key);
		U8_NEXT(text, at, (int32_t)w[k].end, c);
		sk->upper = c >= 0 && u_isupper(c);
		tr->nside[s]++;
	}
	return TMA_OK;
}

/* The anchors between sides x and y, into tr->anc; how many. */
static int side_anchors(trainer *tr, int x, int y)
{
	int i, j, n = 0;

	for (i = 0; i < tr->nside[x]; i++)
		for (j = 0; j < tr->nside[y] && n < SIDE_WORDS * 4; j++) {
			const side_key *a = &tr->keys[x][i], *b = &tr->keys[y][j];
			if (tma_keys_anchor(a->key, a->len, a->upper, b->key, b->len, b->upper))
				tr->anc[n++] = (uint32_t)i << 16 | (uint32_t)j;
		}
	return n;
}

/* The cognates between sides x and y, priors of both directions of p. */
static int side_cognates(trainer *tr, pair_job *p, int x, int y)
{
	int i, j;

	for (i = 0; i < tr->nside[x]; i++)
		for (j = 0; j < tr->nside[y]; j++) {
			const side_key *a = &tr->keys[x][i], *b = &tr->keys[y][j];
			uint32_t e = tr->side[x][i], f = tr->side[y][j];
			if (a->len < 5 || b->len < 5 || a->key[0] != b->key[0] ||
			    !tma_keys_cognate(a->key, a->len, b->key, b->len))
				continue;
			if (tma_wm_prior(&p->table[0], e, f, PRIOR_COGNATE) ||
			    tma_wm_prior(&p->table[1], f, e, PRIOR_COGNATE))
				return TMA_ENOMEM;
		}
	return TMA_OK;
}

/* The unit read: a sentence pair for every pair of its languages. */
static int end_unit(trainer *tr, tma_error *err)
{
	int x, y;

	for (x = 0; x < tr->nsides; x++)
		for (y = 0; y < tr->nsides; y++) {
			int a = tr->lang_of_side[x], b = tr->lang_of_side[y];
			pair_job *p;
			if (strcmp(tr->voc[a].lang, tr->voc[b].lang) >= 0 || !tr->nside[x] ||
			    !tr->nside[y])
				continue;
			if (!(p = pair_of(tr, a, b)) ||
			    tma_wm_corpus_add(&p->corpus, tr->side[x], tr->nside[x], tr->side[y],
					      tr->nside[y], tr->anc, side_anchors(tr, x, y)) ||
			    side_cognates(tr, p, x, y))
				return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
	tr->nsides = 0;
	tr->units++;
	return TMA_OK;
}

/* Every unit after unit id from, into the corpora. */
static int read_units(trainer *tr, int64_t from, int64_t *last, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t unit = -1;
	int rc;

	if ((rc = tm_prepare(tr->tm, &st, "SELECT unit, lang, text FROM sentence WHERE "
			     "unit > ?1 ORDER BY unit, lang, pos", err)))
		return rc;
	sqlite3_bind_int64(st, 1, from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t u = sqlite3_column_int64(st, 0);
		int v = vocab_of(tr, (const char *)sqlite3_column_text(st, 1));
		if (u != unit && unit >= 0 && (rc = end_unit(tr, err)))
			break;
		unit = u;
		*last = u;
		if (v >= 0 && (rc = read_side(tr, v, (const char *)sqlite3_column_text(st, 2),
					      err)))
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		rc = unit >= 0 ? end_unit(tr, err) : TMA_OK;
	else if (rc > 0)
		rc = tm_fail(tr->tm, err, rc, "cannot read the units");
	return rc;
}

/* ------------------------------------------------------------------ */
/* Stored models                                                       */

/* The id of the word of v, or 0 for '' (NULL); added when new. */
static int stored_id(trainer *tr, int v, const char *w, uint32_t *id, tma_error *err)
{
	if (!*w) {
		*id = TMA_WM_NULL;
		return TMA_OK;
	}
	return word_id(tr, v, w, id, err);
}

/* Load one stored row (source word e of v) into tab. */
static int load_row(trainer *tr, tma_wm_table *tab, int t, uint32_t e,
		    const unsigned char *b, int n, double total, tma_error *err)
{
	int at = 0, rc;
	uint32_t f;

	while (at < n && at + 1 + b[at] + 4 <= n) {
		char w[256];
		float c;
		memcpy(w, b + at + 1, b[at]);
		w[b[at]] = '\0';
		memcpy(&c, b + at + 1 + b[at], 4);
		at += 1 + b[at] + 4;
		if ((rc = stored_id(tr, t, w, &f, err)))
			return rc;
		if (tma_wm_set(tab, e, f, c))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	/* The row's total keeps the mass of the targets it did not keep. */
	return tma_wm_set_total(tab, e, total) ? tma_fail(err, TMA_ENOMEM, "out of memory")
					       : TMA_OK;
}

/*
 * Load the stored rows of direction dir of p for the source words of the
 * new units (and NULL), so that one more E step adds to them.
 */
static int load_direction(trainer *tr, pair_job *p, int dir, tma_error *err)
{
	int s = dir ? p->b : p->a, t = dir ? p->a : p->b, rc = TMA_OK;
	uint32_t nwords = tr->voc[s].words.n, k;
	sqlite3_stmt *st = NULL;

	if ((rc = tm_prepare(tr->tm, &st, "SELECT entries, total FROM wmodel WHERE src = ?1 "
			     "AND tgt = ?2 AND word = ?3", err)))
		return rc;
	for (k = 0; k <= nwords && !rc; k++) {
		size_t len;
		const char *w = k ? tma_strmap_key(&tr->voc[s].words, k - 1, &len) : "";
		if (!k)
			len = 0;
		sqlite3_bind_text(st, 1, tr->voc[s].lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, tr->voc[t].lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, w, (int)len, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = load_row(tr, &p->table[dir], t, k, sqlite3_column_blob(st, 0),
				      sqlite3_column_bytes(st, 0), sqlite3_column_double(st, 1), err);
		else
			rc = rc == SQLITE_DONE ? TMA_OK
					       : tm_fail(tr->tm, err, rc, "cannot read the word model");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The form of word id of vocabulary v ('' for NULL). */
static const char *form_of(const trainer *tr, int v, uint32_t id, size_t *len)
{
	if (id == TMA_WM_NULL) {
		*len = 0;
		return "";
	}
	return tma_strmap_key(&tr->voc[v].words, id - 1, len);
}

/* Write one source word's row from entries x[0..n) (the likeliest first). */
static int write_row(trainer *tr, sqlite3_stmt *ins, int s, int t, const tma_wm_entry *x,
		     size_t n, tma_error *err)
{
	unsigned char blob[STORE_NULL * 260];
	size_t k, at = 0, len, keep;
	uint32_t e = (uint32_t)((x[0].key - 1) >> 32);
	double total = 0;
	const char *w;

	for (k = 0; k < n; k++)
		total += x[k].c;
	keep = e == TMA_WM_NULL ? STORE_NULL : STORE;
	for (k = 0; k < n && k < keep; k++) {
		const char *f = form_of(tr, t, (uint32_t)((x[k].key - 1) & 0xFFFFFFFFu), &len);
		/* The likeliest always; the others while they are worth a look. */
		if (k > 0 && (double)x[k].c < KEEP_SHARE * total)
			break;
		if (len > 255)
			continue;
		blob[at] = (unsigned char)len;
		memcpy(blob + at + 1, f, len);
		memcpy(blob + at + 1 + len, &x[k].c, 4);
		at += 1 + len + 4;
	}
	w = form_of(tr, s, e, &len);
	sqlite3_bind_text(ins, 1, tr->voc[s].lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, tr->voc[t].lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, w, (int)len, SQLITE_STATIC);
	sqlite3_bind_double(ins, 4, total);
	sqlite3_bind_blob(ins, 5, blob, (int)at, SQLITE_STATIC);
	return tm_step(tr->tm, ins, err);
}

/* Store direction dir of pair p (rows of the words it holds). */
static int store_direction(trainer *tr, pair_job *p, int dir, tma_error *err)
{
	int s = dir ? p->b : p->a, t = dir ? p->a : p->b, rc = TMA_OK;
	sqlite3_stmt *ins = NULL;
	tma_wm_entry *all;
	size_t n, i, j;

	if (tma_wm_sorted(&p->table[dir], &all, &n))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = tm_prepare(tr->tm, &ins, "INSERT OR REPLACE INTO wmodel (src, tgt, word, "
			     "total, entries) VALUES (?1, ?2, ?3, ?4, ?5)", err))) {
		free(all);
		return rc;
	}
	for (i = 0; i < n && !rc; i = j) {
		uint64_t e = (all[i].key - 1) >> 32;
		for (j = i; j < n && (all[j].key - 1) >> 32 == e; j++)
			;
		rc = write_row(tr, ins, s, t, all + i, j - i, err);
	}
	sqlite3_finalize(ins);
	free(all);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Dictionaries                                                        */

/* A dictionary pair found in the vocabularies of a pair job. */
typedef struct dict_ctx {
	trainer *tr;
	pair_job *p;
	tma_wm_table set;          /* (a id, b id) pairs, count 1 */
	unsigned char *has;        /* per a id: has a pair */
	size_t hascap;
	size_t pairs;
} dict_ctx;

static int dict_pair(void *arg, const char *fa, size_t la, const char *fb, size_t lb)
{
	dict_ctx *dc = arg;
	uint32_t a = tma_strmap_find(&dc->tr->voc[dc->p->a].words, fa, la);
	uint32_t b = tma_strmap_find(&dc->tr->voc[dc->p->b].words, fb, lb);
	size_t old = dc->hascap;

	if (a == UINT32_MAX || b == UINT32_MAX)
		return 0;
	a++;
	b++;
	if (tma_grow(&dc->has, &dc->hascap, (size_t)a + 1, 1))
		return TMA_ENOMEM;
	if (dc->hascap > old)
		memset(dc->has + old, 0, dc->hascap - old);
	dc->has[a] = 1;
	return tma_wm_set(&dc->set, a, b, 1);
}

/*
 * The pairs of wd between p's languages that meet in one of its sentence
 * pairs: priors of both directions. *met gets how many type pairs, through
 * the third language they were composed through ("" for none).
 */
static int dict_priors(trainer *tr, pair_job *p, tma_wdict *wd, size_t *met,
		       char through[TMA_LANG_MAX], tma_error *err)
{
	dict_ctx dc;
	size_t k;
	int rc;

	memset(&dc, 0, sizeof(dc));
	dc.tr = tr;
	dc.p = p;
	*met = 0;
	if ((rc = tma_wdict_each(wd, tr->voc[p->a].lang, tr->voc[p->b].lang, dict_pair, &dc,
				 through)))
		goto done;
	for (k = 0; k < p->corpus.n && dc.set.n; k++) {
		const uint32_t *e = p->corpus.src + p->corpus.src_at[k];
		const uint32_t *f = p->corpus.tgt + p->corpus.tgt_at[k];
		int n = (int)(p->corpus.src_at[k + 1] - p->corpus.src_at[k]);
		int m = (int)(p->corpus.tgt_at[k + 1] - p->corpus.tgt_at[k]), i, j;
		for (i = 0; i < n && !rc; i++) {
			if ((size_t)e[i] >= dc.hascap || !dc.has[e[i]])
				continue;
			for (j = 0; j < m && !rc; j++) {
				if (tma_wm_count(&dc.set, e[i], f[j]) <= 0)
					continue;
				*met += !p->table[0].prior ||
					tma_wm_count(p->table[0].prior, e[i], f[j]) == 0;
				if (tma_wm_prior(&p->table[0], e[i], f[j], PRIOR_DICT) ||
				    tma_wm_prior(&p->table[1], f[j], e[i], PRIOR_DICT))
					rc = TMA_ENOMEM;
			}
		}
	}
done:
	tma_wm_table_free(&dc.set);
	free(dc.has);
	return rc ? tma_fail(err, TMA_ENOMEM, "out of memory") : TMA_OK;
}

/* Add the entries of dictionary spec to wd; describe it in res. */
static int add_dict(trainer *tr, tma_wdict *wd, const char *spec, tma_train_result *res,
		    tma_error *err)
{
	tma_dict *d;
	size_t n, used = strlen(res->dicts);
	int rc;

	if ((rc = tma_dict_open(&d, spec, NULL, NULL, err)))
		return rc;
	if (!(rc = tma_wdict_add(wd, d, tr->split, tr->nz, &n, err)) &&
	    used + 1 < sizeof(res->dicts))
		snprintf(res->dicts + used, sizeof(res->dicts) - used, "%s%s (%s-%s, %zu word pairs)",
			 used ? "; " : "", tma_dict_name(d), tma_dict_lang(d, 0),
			 tma_dict_lang(d, 1), n);
	tma_dict_free(d);
	return rc;
}

/* An installed dictionary that cannot be read is left out, and said so. */
static int add_installed(trainer *tr, tma_wdict *wd, const char *spec, tma_train_result *res,
			 tma_error *err)
{
	size_t used;
	int rc = add_dict(tr, wd, spec, res, err);

	if (rc != TMA_EIO && rc != TMA_EINPUT)
		return rc;
	used = strlen(res->dicts);
	if (used + 1 < sizeof(res->dicts))
		snprintf(res->dicts + used, sizeof(res->dicts) - used, "%sleft out: %.400s",
			 used ? "; " : "", err->message);
	return TMA_OK;
}

/*
 * The dictionaries of opts, and the installed ones between the memory's
 * languages (those also through one more language, for composing), as
 * priors of every pair job.
 */
static int use_dicts(trainer *tr, const tma_train_opts *opts, tma_train_result *res,
		     tma_error *err)
{
	tma_wdict *wd = NULL;
	char **found = NULL, seen[64][1024];
	size_t nfound = 0, nseen = 0, k, met;
	int rc, x, y;

	if (!opts->ndicts && opts->no_installed)
		return TMA_OK;
	if ((rc = tma_wdict_new(&wd, err)))
		return rc;
	for (k = 0; k < opts->ndicts && !rc; k++)
		rc = add_dict(tr, wd, opts->dicts[k], res, err);
	for (x = 0; x < tr->nvoc && !rc && !opts->no_installed; x++)
		for (y = x + 1; y < tr->nvoc && !rc; y++) {
			if ((rc = tma_dict_installed(tr->voc[x].lang, tr->voc[y].lang, &found,
						     &nfound, err)))
				break;
			for (k = 0; k < nfound; k++) {
				size_t j;
				for (j = 0; j < nseen && strcmp(seen[j], found[k]); j++)
					;
				if (j == nseen && nseen < 64) {
					snprintf(seen[nseen++], sizeof(seen[0]), "%s", found[k]);
					if (!rc)
						rc = add_installed(tr, wd, found[k], res, err);
				}
				free(found[k]);
			}
			free(found);
			found = NULL;
		}
	for (k = 0; k < (size_t)tr->npairs && !rc; k++) {
		pair_job *p = &tr->pairs[k];
		char via[TMA_LANG_MAX];
		size_t used;
		if ((rc = dict_priors(tr, p, wd, &met, via, err)) || !met)
			continue;
		used = strlen(res->dicts);
		if (used + 1 < sizeof(res->dicts))
			snprintf(res->dicts + used, sizeof(res->dicts) - used,
				 "%s%s-%s: %zu met in the units%s%s", used ? "; " : "",
				 tr->voc[p->a].lang, tr->voc[p->b].lang, met, *via ? " through " : "",
				 via);
	}
	tma_wdict_free(wd);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Training                                                            */

typedef struct job_list {
	trainer *tr;
	int next;                  /* the next (pair, direction) to take */
	pthread_mutex_t mu;
} job_list;

static void *train_jobs(void *arg)
{
	job_list *jl = arg;

	for (;;) {
		int k, rc;
		pair_job *p;
		pthread_mutex_lock(&jl->mu);
		k = jl->next++;
		pthread_mutex_unlock(&jl->mu);
		if (k >= jl->tr->npairs)
			return NULL;
		p = &jl->tr->pairs[k];
		rc = tma_wm_train_both(&p->table[0], &p->table[1], &p->corpus, ITERATIONS, !p->full);
		if (rc)
			p->rc = rc;
	}
}

/* Train every pair's two directions, THREADS at a time. */
static int train_all(trainer *tr, int full, tma_error *err)
{
	pthread_t th[THREADS];
	job_list jl;
	int k, started = 0;

	jl.tr = tr;
	jl.next = 0;
	pthread_mutex_init(&jl.mu, NULL);
	for (k = 0; k < tr->npairs; k++)
		tr->pairs[k].full = full;
	for (k = 0; k < THREADS; k++)
		if (pthread_create(&th[k], NULL, train_jobs, &jl) == 0)
			started++;
	if (!started)
		train_jobs(&jl);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&jl.mu);
	for (k = 0; k < tr->npairs; k++)
		if (tr->pairs[k].rc)
			return tma_fail(err, TMA_ENOMEM, "out of memory while training");
	return TMA_OK;
}

int tma_tm_train(tma_tm *tm, const tma_train_opts *opts, tma_train_result *res,
		 tma_error *err)
{
	trainer tr;
	int64_t upto = 0, last = 0;
	int rc, k, full = opts->full;
	char sql[160];

	memset(res, 0, sizeof(*res));
	memset(&tr, 0, sizeof(tr));
	tr.tm = tm;
	if (tm->readonly)
		return tma_fail(err, TMA_EUSAGE, "%s: opened for reading only", tm->path);
	if ((rc = tm_query_int(tm, "SELECT coalesce((SELECT value FROM meta WHERE key = "
			       "'model_upto'), -1)", &upto, err)))
		return rc;
	full = full || upto < 0;
	if ((rc = tma_words_new(&tr.split, err)) || (rc = tma_normalizer_new(&tr.nz, err)) ||
	    (rc = tm_tx_begin(tm, err)))
		goto done;
	last = full ? 0 : upto;
	if ((rc = read_units(&tr, full ? 0 : upto, &last, err)))
		goto fail;
	if (!full)
		for (k = 0; k < tr.npairs && !rc; k++)
			if (!(rc = load_direction(&tr, &tr.pairs[k], 0, err)))
				rc = load_direction(&tr, &tr.pairs[k], 1, err);
	if (!rc && full)
		rc = use_dicts(&tr, opts, res, err);
	if (rc || (rc = train_all(&tr, full, err)))
		goto fail;
	if (full && (rc = tm_exec(tm, "DELETE FROM wmodel", "cannot write", err)))
		goto fail;
	for (k = 0; k < tr.npairs && !rc; k++)
		if (!(rc = store_direction(&tr, &tr.pairs[k], 0, err)))
			rc = store_direction(&tr, &tr.pairs[k], 1, err);
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta (key, value) VALUES "
		 "('model_upto', %lld)", (long long)(last > upto ? last : upto < 0 ? 0 : upto));
	if (rc || (rc = tm_exec(tm, sql, "cannot write", err)) ||
	    (full && (rc = tm_exec(tm, "DELETE FROM meta WHERE key = 'model_removed'",
				   "cannot write", err))) ||
	    (rc = tm_tx_commit(tm, err)))
		goto fail;
	res->units = tr.units;
	res->pairs = tr.npairs;
	res->full = full;
	goto done;
fail:
	tm_tx_rollback(tm);
done:
	trainer_free(&tr);
	return rc;
}

int tm_model_forget_doc(tma_tm *tm, sqlite3_int64 doc, tma_error *err)
{
	int64_t upto, gone, top;
	int rc;
	char sql[200];

	if ((rc = tm_query_int(tm, "SELECT coalesce((SELECT value FROM meta WHERE key = "
			       "'model_upto'), -1)", &upto, err)) || upto < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM unit WHERE doc = %lld AND id <= %lld",
		 (long long)doc, (long long)upto);
	if ((rc = tm_query_int(tm, sql, &gone, err)))
		return rc;
	/* Every unit above the others' newest is this document's. */
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) FROM unit WHERE doc != %lld",
		 (long long)doc);
	if ((rc = tm_query_int(tm, sql, &top, err)))
		return rc;
	if (top < upto) {
		snprintf(sql, sizeof(sql), "UPDATE meta SET value = %lld WHERE key = 'model_upto'",
			 (long long)top);
		if ((rc = tm_exec(tm, sql, "cannot write", err)))
			return rc;
	}
	if (!gone)
		return TMA_OK;
	snprintf(sql, sizeof(sql), "INSERT INTO meta (key, value) VALUES ('model_removed', %lld) "
		 "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value", (long long)gone);
	return tm_exec(tm, sql, "cannot write", err);
}

int tma_tm_model_state(tma_tm *tm, tma_model_state *st, tma_error *err)
{
	int64_t upto, n, removed;
	int rc;
	char sql[160];

	memset(st, 0, sizeof(*st));
	if ((rc = tm_query_int(tm, "SELECT coalesce((SELECT value FROM meta WHERE key = "
			       "'model_upto'), -1)", &upto, err)) ||
	    (rc = tm_query_int(tm, "SELECT coalesce((SELECT value FROM meta WHERE key = "
			       "'model_removed'), 0)", &removed, err)))
		return rc;
	st->has_model = upto >= 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM unit WHERE id > %lld",
		 (long long)(upto < 0 ? 0 : upto));
	if ((rc = tm_query_int(tm, sql, &n, err)))
		return rc;
	st->untrained = (size_t)n;
	st->removed = (size_t)removed;
	return TMA_OK;
}
