/*
 * batch.c - whole collections: many articles aligned by parallel workers,
 * stored by one writer, reported in the order given.
 *
 * An article is a set of files NAME.LANG.txt (two or three languages), found
 * under a directory or listed in a manifest. N worker threads each read,
 * segment and align articles with their own segmenters and aligner; the
 * calling thread is the only one to touch the memory: it takes the results
 * in input order (workers run at most a window ahead), stores them in
 * grouped transactions, and hands each to the caller's callback. Output is
 * thus the same whatever the number of workers.
 *
 * Resuming: before aligning, a worker checks the article's content (a key
 * over its languages and text hashes) against the documents the memory held
 * when the batch began; stored content is skipped. A stop request (Ctrl-C)
 * lets the articles under way finish and be stored; nothing is half stored,
 * since every document is a transaction (or a savepoint inside one).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tmalign_int.h"

#define GROUP_DOCS 64          /* documents stored per transaction at most */
#define GROUP_SECONDS 1.0      /* and no transaction stays open longer */

/* ------------------------------------------------------------------ */
/* Lists of articles                                                   */

void tma_batch_list_free(tma_batch_list *l)
{
	size_t i;
	int k;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->item[i].name);
		for (k = 0; k < l->item[i].nlang; k++)
			free(l->item[i].path[k]);
	}
	for (i = 0; i < l->nincomplete; i++)
		free(l->incomplete[i]);
	free(l->item);
	free(l->incomplete);
	memset(l, 0, sizeof(*l));
}

/* Where a language goes in an article: en, uk, ru first, then by code. */
static int lang_rank(const char *a, const char *b)
{
	static const char *const first[] = { "en", "uk", "ru" };
	int ra = 3, rb = 3, k;

	for (k = 0; k < 3; k++) {
		if (strcmp(a, first[k]) == 0)
			ra = k;
		if (strcmp(b, first[k]) == 0)
			rb = k;
	}
	return ra != rb ? ra - rb : strcmp(a, b);
}

/* A file found: its group (directory and stem), language and path. */
typedef struct found {
	char *group;
	char lang[TMA_LANG_MAX];
	char *path;
} found;

static int cmp_found(const void *x, const void *y)
{
	const found *a = x, *b = y;
	int c = strcmp(a->group, b->group);

	return c ? c : lang_rank(a->lang, b->lang);
}

typedef struct walk {
	found *f;
	size_t n, cap;
	tma_error *err;
} walk;

/* Collect every NAME.LANG.txt under root/rel, depth first. */
static int walk_dir(walk *w, const char *root, const char *rel)
{
	char dirpath[4096];
	DIR *d;
	struct dirent *e;
	int rc = TMA_OK;

	snprintf(dirpath, sizeof(dirpath), "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(dirpath);
	if (!d)
		return tma_fail(w->err, TMA_EIO, "%s: cannot read the directory: %s", dirpath,
				strerror(errno));
	while (!rc && (e = readdir(d)) != NULL) {
		char sub[4096], full[8192], stem[1024], lang[TMA_LANG_MAX];
		const char *dot;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(w, root, sub);
			continue;
		}
		dot = strrchr(e->d_name, '.');
		if (!S_ISREG(st.st_mode) || !dot || strcmp(dot, ".txt") != 0 ||
		    tma_lang_from_filename(lang, stem, sizeof(stem), e->d_name))
			continue;
		if (tma_grow(&w->f, &w->cap, w->n + 1, sizeof(found)))
			rc = tma_fail(w->err, TMA_ENOMEM, "out of memory");
		else {
			/* The article: its directory under root and its stem. */
			found *f = &w->f[w->n];
			char group[5200];
			snprintf(group, sizeof(group), "%s%s%s", rel, *rel ? "/" : "", stem);
			f->group = tma_strdup(group);
			f->path = tma_strdup(full);
			memcpy(f->lang, lang, TMA_LANG_MAX);
			if (!f->group || !f->path) {
				free(f->group);
				free(f->path);
				rc = tma_fail(w->err, TMA_ENOMEM, "out of memory");
			} else {
				w->n++;
			}
		}
	}
	closedir(d);
	return rc;
}

/* Add an article (or, with one language, an incomplete set) to l. */
static int add_item(tma_batch_list *l, const char *name, char lang[][TMA_LANG_MAX],
		    char *const *paths, int nlang, tma_error *err)
{
	tma_batch_item *it;
	size_t cap;
	int k;

	if (nlang < 2 || nlang > TMA_MAX_LANGS) {
		char line[4200];
		if (nlang < 2)
			snprintf(line, sizeof(line), "%s (only %s)", name,
				 nlang ? lang[0] : "nothing");
		else
			snprintf(line, sizeof(line), "%s (%d languages; tmalign aligns "
				 "two or three)", name, nlang);
		cap = l->nincomplete;
		if (tma_grow(&l->incomplete, &cap, l->nincomplete + 1, sizeof(char *)) ||
		    !(l->incomplete[l->nincomplete] = tma_strdup(line)))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		l->nincomplete++;
		return TMA_OK;
	}
	if (tma_grow(&l->item, &l->cap, l->n + 1, sizeof(tma_batch_item)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	it = &l->item[l->n];
	memset(it, 0, sizeof(*it));
	it->name = tma_strdup(name);
	it->nlang = nlang;
	for (k = 0; k < nlang; k++) {
		memcpy(it->lang[k], lang[k], TMA_LANG_MAX);
		it->path[k] = tma_strdup(paths[k]);
	}
	l->n++;
	for (k = 0; k < nlang; k++)
		if (!it->path[k])
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	return it->name ? TMA_OK : tma_fail(err, TMA_ENOMEM, "out of memory");
}

int tma_batch_scan_dir(tma_batch_list *out, const char *dir, tma_error *err)
{
	walk w = { NULL, 0, 0, err };
	size_t i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = walk_dir(&w, dir, "");
	if (!rc && w.n)
		qsort(w.f, w.n, sizeof(found), cmp_found);
	for (i = 0; !rc && i < w.n; i = j) {
		char lang[TMA_MAX_LANGS + 2][TMA_LANG_MAX];
		char *paths[TMA_MAX_LANGS + 2];
		int nlang = 0, dup = 0;

		for (j = i; j < w.n && strcmp(w.f[j].group, w.f[i].group) == 0; j++) {
			/* ua and uk are one language: a second file of it is reported. */
			if (nlang && strcmp(lang[nlang - 1], w.f[j].lang) == 0) {
				dup = 1;
				continue;
			}
			if (nlang < TMA_MAX_LANGS + 2) {
				memcpy(lang[nlang], w.f[j].lang, TMA_LANG_MAX);
				paths[nlang++] = w.f[j].path;
			}
		}
		if (dup) {
			char line[4200];
			size_t cap = out->nincomplete;
			snprintf(line, sizeof(line), "%s (two files of one language)",
				 w.f[i].group);
			if (tma_grow(&out->incomplete, &cap, out->nincomplete + 1, sizeof(char *)) ||
			    !(out->incomplete[out->nincomplete++] = tma_strdup(line)))
				rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			continue;
		}
		rc = add_item(out, w.f[i].group, lang, paths, nlang, err);
	}
	for (i = 0; i < w.n; i++) {
		free(w.f[i].group);
		free(w.f[i].path);
	}
	free(w.f);
	if (rc)
		tma_batch_list_free(out);
	return rc;
}

int tma_batch_read_manifest(tma_batch_list *out, const char *path, tma_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, base[4096] = "";
	const char *slash = strrchr(path, '/');
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = TMA_OK;

	memset(out, 0, sizeof(*out));
	if (!f)
		return tma_fail(err, TMA_EIO, "%s: cannot open: %s", path, strerror(errno));
	/* Relative paths in a manifest file are relative to its directory. */
	if (f != stdin && slash)
		snprintf(base, sizeof(base), "%.*s/", (int)(slash - path), path);
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		char lang[TMA_MAX_LANGS + 1][TMA_LANG_MAX], *paths[TMA_MAX_LANGS + 1];
		char buf[TMA_MAX_LANGS + 1][4096], *field, *save = NULL, *name;
		int nlang = 0, k;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		name = strtok_r(line, "\t", &save);
		while ((field = strtok_r(NULL, "\t", &save)) != NULL) {
			char *eq = strchr(field, '=');
			if (nlang == TMA_MAX_LANGS + 1)
				break;
			if (eq) {
				*eq = '\0';
				if (tma_lang_normalize(lang[nlang], NULL, field)) {
					rc = tma_fail(err, TMA_EINPUT, "%s:%zu: '%s' is not a language code",
						      path, lineno, field);
					break;
				}
				field = eq + 1;
			} else if (tma_lang_from_filename(lang[nlang], NULL, 0, field)) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%zu: cannot tell the language of "
					      "'%s': write LANG=FILE", path, lineno, field);
				break;
			}
			snprintf(buf[nlang], sizeof(buf[nlang]), "%s%s",
				 field[0] == '/' ? "" : base, field);
			paths[nlang] = buf[nlang];
			for (k = 0; k < nlang; k++)
				if (strcmp(lang[k], lang[nlang]) == 0) {
					rc = tma_fail(err, TMA_EINPUT, "%s:%zu: %s given twice", path,
						      lineno, lang[nlang]);
					break;
				}
			if (rc)
				break;
			nlang++;
		}
		if (!rc && (!name || !*name || nlang == 0))
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: expected NAME<TAB>LANG=FILE...",
				      path, lineno);
		if (!rc)
			rc = add_item(out, name, lang, paths, nlang, err);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc)
		tma_batch_list_free(out);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

/* An order-free key of an article's content: its (language, hash) pairs. */
static uint64_t content_key(char lang[][TMA_LANG_MAX], const uint64_t *hash, int n)
{
	uint64_t key = (uint64_t)n;
	int k;

	for (k = 0; k < n; k++) {
		char pair[64];
		int len = snprintf(pair, sizeof(pair), "%s=%016llx", lang[k],
				   (unsigned long long)hash[k]);
		key += tma_hash(pair, (size_t)len);
	}
	return key;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* The content keys of the documents a memory holds, sorted. */
static int stored_keys(tma_tm *tm, uint64_t **out, size_t *n, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = tma_tm_db(tm);
	size_t cap = 0;
	sqlite3_int64 doc = -1;
	char lang[TMA_VIEW_LANGS][TMA_LANG_MAX];
	uint64_t hash[TMA_VIEW_LANGS];
	int nl = 0, rc;

	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(db, "SELECT doc, lang, hash FROM version ORDER BY doc", -1,
				&st, NULL);
	for (;;) {
		int row = rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW;
		sqlite3_int64 d = row ? sqlite3_column_int64(st, 0) : -2;
		if (d != doc && nl) {
			if (tma_grow(out, &cap, *n + 1, sizeof(uint64_t))) {
				rc = SQLITE_NOMEM;
				break;
			}
			(*out)[(*n)++] = content_key(lang, hash, nl);
			nl = 0;
		}
		if (!row)
			break;
		doc = d;
		rc = SQLITE_OK;
		if (nl < TMA_VIEW_LANGS) {
			snprintf(lang[nl], TMA_LANG_MAX, "%s", sqlite3_column_text(st, 1));
			hash[nl++] = strtoull((const char *)sqlite3_column_text(st, 2), NULL, 16);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return tma_fail(err, rc == SQLITE_NOMEM ? TMA_ENOMEM : TMA_EDB,
				"%s: cannot read the stored documents", tma_tm_path(tm));
	}
	if (*n)
		qsort(*out, *n, sizeof(uint64_t), cmp_u64);
	return TMA_OK;
}

/* What a worker made of one article. */
typedef struct slot {
	int ready;
	int status;
	char message[1024];
	tma_doc *docs[TMA_MAX_LANGS];
	tma_source src[TMA_MAX_LANGS];
	tma_alignment *al;
} slot;

typedef struct shared {
	const tma_batch_list *list;
	const tma_batch_opts *o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;             /* the next article to take */
	size_t written;          /* articles handed over so far */
	size_t window;
	slot *slots;             /* window slots, article i in slots[i % window] */
	const uint64_t *keys;    /* content already stored, sorted */
	size_t nkeys;
	int failed;              /* a worker could not even start */
	char failure[1024];
} shared;

/* A worker's own segmenters, one per language met. */
typedef struct worker {
	shared *sh;
	tma_aligner *aligner;
	tma_segmenter *seg[8];
	char seglang[8][TMA_LANG_MAX];
	int nseg;
} worker;

static tma_segmenter *segmenter_for(worker *w, const char *lang, tma_error *err)
{
	int k;

	for (k = 0; k < w->nseg; k++)
		if (strcmp(w->seglang[k], lang) == 0)
			return w->seg[k];
	if (w->nseg == 8) {
		tma_segmenter_free(w->seg[0]);
		memmove(w->seg, w->seg + 1, sizeof(w->seg[0]) * 7);
		memmove(w->seglang, w->seglang + 1, sizeof(w->seglang[0]) * 7);
		w->nseg--;
	}
	if (tma_segmenter_new(&w->seg[w->nseg], lang, err))
		return NULL;
	memcpy(w->seglang[w->nseg], lang, TMA_LANG_MAX);
	return w->seg[w->nseg++];
}

/* Read, segment and align article i into s. */
static void process(worker *w, size_t i, slot *s)
{
	const tma_batch_item *it = &w->sh->list->item[i];
	const tma_batch_opts *o = w->sh->o;
	tma_error err = { 0, "" };
	uint64_t hash[TMA_MAX_LANGS];
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX];
	tma_text *text[TMA_MAX_LANGS] = { NULL, NULL, NULL };
	int k, rc = TMA_OK;

	for (k = 0; k < it->nlang && !rc; k++) {
		rc = tma_text_load(&text[k], it->path[k], o->encoding, &err);
		if (!rc) {
			hash[k] = tma_text_hash(text[k]);
			memcpy(lang[k], it->lang[k], TMA_LANG_MAX);
			s->src[k].path = it->path[k];
			s->src[k].hash = hash[k];
		}
	}
	if (!rc && w->sh->nkeys) {
		uint64_t key = content_key(lang, hash, it->nlang);
		if (bsearch(&key, w->sh->keys, w->sh->nkeys, sizeof(uint64_t), cmp_u64)) {
			s->status = TMA_BATCH_SKIPPED;
			snprintf(s->message, sizeof(s->message), "already stored");
			goto done;
		}
	}
	for (k = 0; k < it->nlang && !rc; k++) {
		tma_segmenter *seg = segmenter_for(w, it->lang[k], &err);
		rc = seg ? tma_segment(&s->docs[k], seg, text[k], o->seg_flags, &err) : err.code;
	}
	if (!rc)
		rc = tma_check_versions(s->docs, s->src, it->nlang, &err);
	if (!rc)
		rc = tma_align(&s->al, w->aligner, s->docs, it->nlang, &err);
	s->status = rc;
	if (rc)
		snprintf(s->message, sizeof(s->message), "%s", err.message);
done:
	for (k = 0; k < it->nlang; k++)
		tma_text_free(text[k]);
}

static void slot_clear(slot *s)
{
	int k;

	for (k = 0; k < TMA_MAX_LANGS; k++)
		tma_doc_free(s->docs[k]);
	tma_alignment_free(s->al);
	memset(s, 0, sizeof(*s));
}

static void *work(void *arg)
{
	worker *w = arg;
	shared *sh = w->sh;

	for (;;) {
		size_t i;
		slot *s;

		pthread_mutex_lock(&sh->mu);
		while (sh->next < sh->list->n && sh->next >= sh->written + sh->window &&
		       !(sh->o->stop && *sh->o->stop))
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->next >= sh->list->n || (sh->o->stop && *sh->o->stop)) {
			pthread_mutex_unlock(&sh->mu);
			break;
		}
		i = sh->next++;
		pthread_mutex_unlock(&sh->mu);
		s = &sh->slots[i % sh->window];
		process(w, i, s);
		pthread_mutex_lock(&sh->mu);
		s->ready = 1;
		pthread_cond_broadcast(&sh->cv);
		pthread_mutex_unlock(&sh->mu);
	}
	pthread_mutex_lock(&sh->mu);
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	return NULL;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Store a finished article (the calling thread only); fills r. */
static int store(const tma_batch_opts *o, const tma_batch_item *it, slot *s,
		 tma_batch_result *r, int *in_group, double *group_start,
		 size_t *group_docs, size_t *pending, tma_batch_summary *sum,
		 tma_error *err)
{
	int rc;

	if (!*in_group) {
		if ((rc = tma_tm_begin(o->tm, err)))
			return rc;
		*in_group = 1;
		*group_start = seconds();
		*group_docs = 0;
		*pending = 0;
	}
	rc = tma_tm_store(o->tm, it->name, s->docs, s->src, s->al, &r->store, err);
	if (rc == TMA_EINPUT || rc == TMA_EUSAGE) {
		/* This article's own trouble: reported, the batch goes on. */
		r->status = rc;
		snprintf(s->message, sizeof(s->message), "%s", err->message);
		r->message = s->message;
		return TMA_OK;
	}
	if (rc)
		return rc;
	(*group_docs)++;
	if (!r->store.same_as[0])
		(*pending)++;
	if (*group_docs >= GROUP_DOCS || seconds() - *group_start >= GROUP_SECONDS) {
		*in_group = 0;
		if ((rc = tma_tm_commit(o->tm, err)))
			return rc;
		sum->stored += *pending;
	}
	return TMA_OK;
}

int tma_batch_run(const tma_batch_list *list, const tma_batch_opts *opts,
		  tma_batch_summary *sum, tma_error *err)
{
	shared sh;
	worker *w = NULL;
	pthread_t *th = NULL;
	uint64_t *keys = NULL;
	size_t nkeys = 0, i;
	int jobs = opts->jobs, k, started = 0, rc = TMA_OK, in_group = 0;
	double group_start = 0;
	size_t group_docs = 0, pending = 0;

	memset(sum, 0, sizeof(*sum));
	memset(&sh, 0, sizeof(sh));
	if (jobs <= 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cores > 0 ? (int)cores : 1;
	}
	if (opts->tm && (rc = stored_keys(opts->tm, &keys, &nkeys, err)))
		return rc;
	sh.list = list;
	sh.o = opts;
	/* Room for the workers to go on while a group commits. */
	sh.window = (size_t)jobs * 4 + (opts->tm ? GROUP_DOCS : 0);
	sh.keys = keys;
	sh.nkeys = nkeys;
	sh.slots = calloc(sh.window, sizeof(slot));
	w = calloc((size_t)jobs, sizeof(worker));
	th = calloc((size_t)jobs, sizeof(pthread_t));
	if (!sh.slots || !w || !th) {
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		goto done;
	}
	pthread_mutex_init(&sh.mu, NULL);
	pthread_cond_init(&sh.cv, NULL);
	for (k = 0; k < jobs; k++) {
		w[k].sh = &sh;
		if ((rc = tma_aligner_new(&w[k].aligner, &opts->align, err)))
			goto stop;
		/* One job is this thread's: each article is aligned, then stored. */
		if (jobs == 1)
			break;
		if (pthread_create(&th[k], NULL, work, &w[k]) != 0) {
			rc = tma_fail(err, TMA_ERROR, "cannot start a worker thread");
			goto stop;
		}
		started++;
	}
	/* The writer: articles in order, as each becomes ready. */
	for (i = 0; i < list->n; i++) {
		slot *s = &sh.slots[i % sh.window];
		tma_batch_result r;

		if (jobs == 1 && !(opts->stop && *opts->stop)) {
			sh.next = i + 1;
			process(&w[0], i, s);
			s->ready = 1;
		}
		pthread_mutex_lock(&sh.mu);
		while (!s->ready && !(opts->stop && *opts->stop && sh.next <= i))
			pthread_cond_wait(&sh.cv, &sh.mu);
		pthread_mutex_unlock(&sh.mu);
		if (!s->ready) {
			sum->interrupted = 1;   /* stopped before this article began */
			break;
		}
		memset(&r, 0, sizeof(r));
		r.index = i;
		r.item = &list->item[i];
		r.status = s->status;
		r.message = s->message[0] ? s->message : NULL;
		r.al = s->al;
		r.docs = s->docs;
		r.src = s->src;
		if (r.status == TMA_OK && opts->tm &&
		    (rc = store(opts, r.item, s, &r, &in_group, &group_start, &group_docs,
			       &pending, sum, err)))
			goto stop;
		if (r.status == TMA_OK && opts->tm && r.store.same_as[0])
			r.status = TMA_BATCH_SKIPPED;
		sum->done++;
		if (r.status == TMA_OK) {
			sum->aligned++;
			sum->units += s->al->n;
		} else if (r.status == TMA_BATCH_SKIPPED) {
			sum->skipped++;
		} else {
			sum->failed++;
		}
		if (opts->on_result && opts->on_result(&r, opts->ctx)) {
			sum->interrupted = 1;
			pthread_mutex_lock(&sh.mu);
			sh.written = i + 1;
			slot_clear(s);
			pthread_cond_broadcast(&sh.cv);
			pthread_mutex_unlock(&sh.mu);
			break;
		}
		pthread_mutex_lock(&sh.mu);
		slot_clear(s);
		sh.written = i + 1;
		pthread_cond_broadcast(&sh.cv);
		pthread_mutex_unlock(&sh.mu);
	}
stop:
	if (in_group) {
		if (rc)
			tma_tm_rollback(opts->tm);
		else if (!(rc = tma_tm_commit(opts->tm, err)))
			sum->stored += pending;
	}
	/* Let the workers go: no more room will come. */
	pthread_mutex_lock(&sh.mu);
	sh.next = list->n;
	pthread_cond_broadcast(&sh.cv);
	pthread_mutex_unlock(&sh.mu);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&sh.mu);
	pthread_cond_destroy(&sh.cv);
	if (opts->stop && *opts->stop && sum->done < list->n)
		sum->interrupted = 1;
done:
	for (i = 0; sh.slots && i < sh.window; i++)
		slot_clear(&sh.slots[i]);
	for (k = 0; w && k < jobs; k++) {
		int j;
		tma_aligner_free(w[k].aligner);
		for (j = 0; j < w[k].nseg; j++)
			tma_segmenter_free(w[k].seg[j]);
	}
	free(sh.slots);
	free(w);
	free(th);
	free(keys);
	return rc;
}
