/*
 * batch.c - whole collections: many articles aligned by parallel workers,
 * stored by one writer, reported in the order given.
 *
 * An article is a set of files NAME.LANG.txt (two or three languages),
 * found under a directory, listed in a manifest, or added one by one (a
 * single `tmalign align` is a batch of one). N worker threads each run the
 * article pipeline (article.c) with their own segmenters and aligner; the
 * calling thread is the only one to touch the memory: it takes the results
 * in input order (workers run at most a window ahead), stores them in
 * grouped transactions, and hands each to the caller's callback. Output is
 * thus the same whatever the number of workers.
 *
 * Resuming: between reading and segmenting, a worker checks the article's
 * content key against those the memory held when the batch began; stored
 * content is skipped. A stop request (Ctrl-C) lets the articles under way
 * finish and be stored; nothing is half stored, since every document is
 * whole in its transaction.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "memory.h"

#define GROUP_DOCS 64          /* documents stored per transaction at most */
#define GROUP_SECONDS 1.0      /* and no transaction stays open longer */
#define MANIFEST_LINE_MAX 65536

/* ------------------------------------------------------------------ */
/* Lists of articles                                                   */

struct tma_batch_list {
	tma_batch_item *item;
	size_t n, cap;
	char **notes;
	size_t nnotes, notecap;
};

int tma_batch_list_new(tma_batch_list **out, tma_error *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? TMA_OK : tma_fail(err, TMA_ENOMEM, "out of memory");
}

static void item_free(tma_batch_item *it)
{
	int k;

	free((char *)it->name);
	for (k = 0; k < TMA_MAX_LANGS; k++)
		free((char *)it->path[k]);
}

void tma_batch_list_free(tma_batch_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		item_free(&l->item[i]);
	for (i = 0; i < l->nnotes; i++)
		free(l->notes[i]);
	free(l->item);
	free(l->notes);
	free(l);
}

size_t tma_batch_list_count(const tma_batch_list *l)
{
	return l->n;
}

const tma_batch_item *tma_batch_list_item(const tma_batch_list *l, size_t i)
{
	return i < l->n ? &l->item[i] : NULL;
}

size_t tma_batch_list_notes(const tma_batch_list *l, const char *const **notes)
{
	*notes = (const char *const *)l->notes;
	return l->nnotes;
}

/* Add a note: "WHAT (WHY)", or "WHAT: WHY" when why starts with ':'. */
static int add_note(tma_batch_list *l, const char *what, const char *why, tma_error *err)
{
	size_t n = strlen(what) + strlen(why) + 4;
	char *line = malloc(n);

	if (!line || tma_grow(&l->notes, &l->notecap, l->nnotes + 1, sizeof(char *))) {
		free(line);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if (why[0] == ':')
		snprintf(line, n, "%s%s", what, why);
	else
		snprintf(line, n, "%s (%s)", what, why);
	l->notes[l->nnotes++] = line;
	return TMA_OK;
}

int tma_batch_list_add(tma_batch_list *l, const char *name,
		       const char (*lang)[TMA_LANG_MAX], const char *const *path,
		       int nlang, tma_error *err)
{
	tma_batch_item it;
	int k, j, rc;

	if (nlang < 2 || nlang > TMA_MAX_LANGS)
		return tma_fail(err, TMA_EUSAGE, "%s: %d languages; an article has two or "
				"three", name, nlang);
	if ((rc = tma_name_check(name, "an article's name", err)))
		return rc;
	for (k = 0; k < nlang; k++)
		for (j = 0; j < k; j++)
			if (strcmp(lang[j], lang[k]) == 0)
				return tma_fail(err, TMA_EUSAGE, "%s: language %s given twice",
						name, lang[k]);
	memset(&it, 0, sizeof(it));
	it.nlang = nlang;
	it.name = tma_strdup(name);
	for (k = 0; k < nlang; k++) {
		memcpy(it.lang[k], lang[k], TMA_LANG_MAX);
		it.path[k] = tma_strdup(path[k]);
		if (!it.path[k])
			it.name = NULL;
	}
	if (!it.name || tma_grow(&l->item, &l->cap, l->n + 1, sizeof(it))) {
		item_free(&it);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	l->item[l->n++] = it;
	return TMA_OK;
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
	tma_batch_list *list;
	tma_error *err;
} walk;

/* "a" + "/" + "b", or b when a is empty; NULL when out of memory. */
static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, *a ? "/" : "", b);
	return s;
}

static int add_found(walk *w, const char *rel, const char *stem, const char *lang,
		     const char *full)
{
	found *f;

	if (tma_grow(&w->f, &w->cap, w->n + 1, sizeof(found)))
		return tma_fail(w->err, TMA_ENOMEM, "out of memory");
	f = &w->f[w->n];
	f->group = join(rel, stem);
	f->path = tma_strdup(full);
	memcpy(f->lang, lang, TMA_LANG_MAX);
	if (!f->group || !f->path) {
		free(f->group);
		free(f->path);
		return tma_fail(w->err, TMA_ENOMEM, "out of memory");
	}
	w->n++;
	return TMA_OK;
}

/*
 * Collect every NAME.LANG.txt under root/rel, depth first. Links to
 * folders are not followed (a link to ".." would loop, one to /proc would
 * read the system); a folder that cannot be read is a note, unless it is
 * the root.
 */
static int walk_dir(walk *w, const char *root, const char *rel)
{
	char *dirpath = *rel ? join(root, rel) : tma_strdup(root);
	DIR *d = dirpath ? opendir(dirpath) : NULL;
	struct dirent *e;
	int rc = TMA_OK;

	if (!dirpath)
		return tma_fail(w->err, TMA_ENOMEM, "out of memory");
	if (!d) {
		char why[300];
		snprintf(why, sizeof(why), "cannot read the folder: %s", strerror(errno));
		rc = *rel ? add_note(w->list, rel, why, w->err)
			  : tma_fail(w->err, TMA_EIO, "%s: cannot read the directory: %s",
				     dirpath, strerror(errno));
		free(dirpath);
		return rc;
	}
	while (!rc && (e = readdir(d)) != NULL) {
		char *sub, *full, stem[TMA_NAME_MAX + 1], lang[TMA_LANG_MAX];
		const char *dot = strrchr(e->d_name, '.');
		struct stat st, target;

		if (e->d_name[0] == '.')
			continue;
		sub = join(rel, e->d_name);
		full = sub ? join(root, sub) : NULL;
		if (!full) {
			free(sub);
			rc = tma_fail(w->err, TMA_ENOMEM, "out of memory");
			break;
		}
		if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode) && stat(full, &target) == 0 &&
		    S_ISDIR(target.st_mode))
			rc = add_note(w->list, sub, "a link to a folder, not followed", w->err);
		else if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			rc = walk_dir(w, root, sub);
		else if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && dot &&
			 strcmp(dot, ".txt") == 0 &&
			 !tma_lang_from_filename(lang, stem, sizeof(stem), e->d_name))
			rc = add_found(w, rel, stem, lang, full);
		free(sub);
		free(full);
	}
	closedir(d);
	free(dirpath);
	return rc;
}

/* Add the files found for one group w->f[i..j) as an article, or a note. */
static int add_group(tma_batch_list *l, const found *f, size_t n, tma_error *err)
{
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX], why[64];
	const char *paths[TMA_MAX_LANGS];
	tma_error why_not = { 0, "" };
	size_t k;
	int nlang = 0;

	for (k = 0; k < n; k++) {
		/* ua and uk are one language: a second file of it is reported. */
		if (k && strcmp(f[k - 1].lang, f[k].lang) == 0)
			return add_note(l, f[0].group, "two files of one language", err);
		if (nlang < TMA_MAX_LANGS) {
			memcpy(lang[nlang], f[k].lang, TMA_LANG_MAX);
			paths[nlang] = f[k].path;
		}
		nlang++;
	}
	if (nlang < 2) {
		snprintf(why, sizeof(why), "only %s", f[0].lang);
		return add_note(l, f[0].group, why, err);
	}
	if (nlang > TMA_MAX_LANGS) {
		snprintf(why, sizeof(why), "%d languages; tmalign aligns two or three", nlang);
		return add_note(l, f[0].group, why, err);
	}
	if (tma_batch_list_add(l, f[0].group, (const char (*)[TMA_LANG_MAX])lang, paths,
			       nlang, &why_not) == TMA_OK)
		return TMA_OK;
	if (why_not.code == TMA_ENOMEM)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	return add_note(l, f[0].group, why_not.message, err);
}

int tma_batch_scan_dir(tma_batch_list *l, const char *dir, tma_error *err)
{
	walk w = { NULL, 0, 0, l, err };
	size_t i, j;
	int rc;

	rc = walk_dir(&w, dir, "");
	if (!rc && w.n)
		qsort(w.f, w.n, sizeof(found), cmp_found);
	for (i = 0; !rc && i < w.n; i = j) {
		for (j = i; j < w.n && strcmp(w.f[j].group, w.f[i].group) == 0; j++)
			;
		rc = add_group(l, &w.f[i], j - i, err);
	}
	for (i = 0; i < w.n; i++) {
		free(w.f[i].group);
		free(w.f[i].path);
	}
	free(w.f);
	return rc;
}

/* One field of a manifest line: LANG=FILE or FILE named NAME.LANG.txt. */
static int manifest_field(char *field, const char *base, char lang[TMA_LANG_MAX],
			  char **path, const char *where, tma_error *err)
{
	char *eq = strchr(field, '=');

	if (eq) {
		*eq = '\0';
		if (tma_lang_normalize(lang, NULL, field))
			return tma_fail(err, TMA_EINPUT, "%s: '%s' is not a language code",
					where, field);
		field = eq + 1;
	} else if (tma_lang_from_filename(lang, NULL, 0, field)) {
		return tma_fail(err, TMA_EINPUT, "%s: cannot tell the language of '%s': "
				"write LANG=FILE", where, field);
	}
	*path = field[0] == '/' ? tma_strdup(field) : join(base, field);
	return *path ? TMA_OK : tma_fail(err, TMA_ENOMEM, "out of memory");
}

/* One line: NAME, then its fields, tab-separated (line is changed). */
static int manifest_line(tma_batch_list *l, char *line, const char *base,
			 const char *where, tma_error *err)
{
	char lang[TMA_MAX_LANGS][TMA_LANG_MAX], *paths[TMA_MAX_LANGS] = { NULL };
	char *field, *save = NULL, *name = strtok_r(line, "\t", &save);
	int nlang = 0, k, rc = TMA_OK;

	while (!rc && (field = strtok_r(NULL, "\t", &save)) != NULL) {
		if (nlang == TMA_MAX_LANGS) {
			rc = tma_fail(err, TMA_EINPUT, "%s: more than %d languages", where,
				      TMA_MAX_LANGS);
			break;
		}
		if ((rc = manifest_field(field, base, lang[nlang], &paths[nlang], where, err)))
			break;
		nlang++;
	}
	if (!rc && (!name || !*name || nlang < 2))
		rc = tma_fail(err, TMA_EINPUT, "%s: expected NAME<TAB>LANG=FILE<TAB>LANG=FILE"
			      "[<TAB>LANG=FILE]", where);
	if (!rc) {
		tma_error why = { 0, "" };
		rc = tma_batch_list_add(l, name, (const char (*)[TMA_LANG_MAX])lang,
					(const char *const *)paths, nlang, &why);
		if (rc == TMA_ENOMEM)
			rc = tma_fail(err, rc, "out of memory");
		else if (rc)
			rc = tma_fail(err, TMA_EINPUT, "%s: %s", where, why.message);
	}
	for (k = 0; k < nlang; k++)
		free(paths[k]);
	return rc;
}

/* A name given twice in a manifest: both lines (names from index from). */
static int manifest_repeats(const tma_batch_list *l, size_t from, const size_t *lineno,
			    const char *path, tma_error *err)
{
	tma_strmap seen;
	size_t i;
	uint32_t id;
	int added, rc = TMA_OK;

	memset(&seen, 0, sizeof(seen));
	for (i = from; i < l->n && !rc; i++) {
		const char *name = l->item[i].name;
		if (tma_strmap_intern(&seen, name, strlen(name), &id, &added))
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		else if (!added)
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: '%s' again (line %zu names it "
				      "too); an article is listed once", path,
				      lineno[i - from], name, lineno[id]);
	}
	tma_strmap_free(&seen);
	return rc;
}

int tma_batch_read_manifest(tma_batch_list *l, const char *path, tma_error *err)
{
	tma_lines *lines = NULL;
	const char *text, *slash = strrchr(path, '/');
	char *line = NULL, *base = NULL, where[TMA_NAME_MAX + 32];
	size_t n, from = l->n, *lineno = NULL, ncap = 0, i;
	int rc, got;

	/* Relative paths in a manifest file are relative to its directory. */
	if (strcmp(path, "-") != 0 && slash) {
		if ((base = malloc((size_t)(slash - path) + 1))) {
			memcpy(base, path, (size_t)(slash - path));
			base[slash - path] = '\0';
		}
	} else {
		base = tma_strdup("");
	}
	if (!base)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = tma_lines_open(&lines, path, MANIFEST_LINE_MAX, err)))
		goto done;
	while ((got = tma_lines_next(lines, &text, &n, err)) > 0) {
		if (!text[0] || text[0] == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%zu", strcmp(path, "-") ? path : "<stdin>",
			 tma_lines_number(lines));
		free(line);
		if (!(line = tma_strdup(text)) ||
		    tma_grow(&lineno, &ncap, l->n - from + 1, sizeof(size_t))) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			break;
		}
		lineno[l->n - from] = tma_lines_number(lines);
		if ((rc = manifest_line(l, line, base, where, err)))
			break;
	}
	if (!rc && got < 0)
		rc = got;
	if (!rc)
		rc = manifest_repeats(l, from, lineno, strcmp(path, "-") ? path : "<stdin>", err);
done:
	if (rc) {
		/* Nothing of a malformed manifest stays. */
		for (i = from; i < l->n; i++)
			item_free(&l->item[i]);
		l->n = from;
	}
	tma_lines_close(lines);
	free(line);
	free(lineno);
	free(base);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

/* What a worker made of one article. */
typedef struct slot {
	int ready;
	int status;
	char message[1024];
	tma_article art;
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
} shared;

/* A worker: its thread's pipeline. */
typedef struct worker {
	shared *sh;
	tma_article_maker *maker;
} worker;

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Run the pipeline on article i into s. */
static void process(worker *w, size_t i, slot *s)
{
	const tma_batch_item *it = &w->sh->list->item[i];
	const tma_batch_opts *o = w->sh->o;
	tma_error err = { 0, "" };
	int rc = tma_article_read(&s->art, it, o->encoding, &err);

	if (!rc && w->sh->nkeys &&
	    bsearch(&s->art.content, w->sh->keys, w->sh->nkeys, sizeof(uint64_t), cmp_u64)) {
		s->status = TMA_BATCH_SKIPPED;
		snprintf(s->message, sizeof(s->message), "already stored");
		return;
	}
	if (!rc)
		rc = tma_article_align(&s->art, w->maker, o->seg_flags, &err);
	s->status = rc;
	if (rc)
		snprintf(s->message, sizeof(s->message), "%s", err.message);
}

static void slot_clear(slot *s)
{
	tma_article_clear(&s->art);
	memset(s, 0, sizeof(*s));
}

static int stopping(const shared *sh)
{
	return sh->o->stop && *sh->o->stop;
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
		       !stopping(sh))
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->next >= sh->list->n || stopping(sh)) {
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

/* The writer's grouped transaction. */
typedef struct group {
	int open;
	double start;
	size_t docs;               /* stored in it */
	size_t pending;            /* of them new, counted when it commits */
} group;

/* Store a finished article (the calling thread only); fills r. */
static int store(const tma_batch_opts *o, const tma_batch_item *it, slot *s,
		 tma_batch_result *r, group *g, tma_batch_summary *sum, tma_error *err)
{
	int rc;

	if (o->group == 1) {
		/* Each document its own transaction, committed before its callback. */
		rc = tma_tm_store(o->tm, it->name, s->art.docs, s->art.src, s->art.al,
				  &r->store, err);
		if (rc == TMA_EINPUT || rc == TMA_EUSAGE) {
			r->status = rc;
			snprintf(s->message, sizeof(s->message), "%s", err->message);
			r->message = s->message;
			return TMA_OK;
		}
		if (!rc && !r->store.same_as)
			sum->stored++;
		return rc;
	}
	if (!g->open) {
		if ((rc = tma_tm_begin(o->tm, err)))
			return rc;
		g->open = 1;
		g->start = seconds();
		g->docs = g->pending = 0;
	}
	rc = tma_tm_store(o->tm, it->name, s->art.docs, s->art.src, s->art.al, &r->store,
			  err);
	if (rc == TMA_EINPUT || rc == TMA_EUSAGE) {
		/* Refused before anything was written: the group goes on. */
		r->status = rc;
		snprintf(s->message, sizeof(s->message), "%s", err->message);
		r->message = s->message;
		return TMA_OK;
	}
	if (rc)
		return rc;
	g->docs++;
	if (!r->store.same_as)
		g->pending++;
	if (g->docs >= (o->group > 0 ? (size_t)o->group : GROUP_DOCS) ||
	    seconds() - g->start >= GROUP_SECONDS) {
		g->open = 0;
		if ((rc = tma_tm_commit(o->tm, err)))
			return rc;
		sum->stored += g->pending;
	}
	return TMA_OK;
}

/* The result of article i from its slot, stored when there is a memory. */
static int hand_over(shared *sh, size_t i, slot *s, group *g, tma_batch_summary *sum,
		     tma_error *err)
{
	const tma_batch_opts *o = sh->o;
	tma_batch_result r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.index = i;
	r.item = &sh->list->item[i];
	r.status = s->status;
	r.message = s->message[0] ? s->message : NULL;
	r.al = s->art.al;
	r.docs = s->art.docs;
	r.src = s->art.src;
	if (r.status == TMA_OK && o->tm && (rc = store(o, r.item, s, &r, g, sum, err)))
		return rc;
	if (r.status == TMA_OK && o->tm && r.store.same_as)
		r.status = TMA_BATCH_SKIPPED;
	sum->done++;
	if (r.status == TMA_OK) {
		sum->aligned++;
		sum->units += s->art.al->n;
	} else if (r.status == TMA_BATCH_SKIPPED) {
		sum->skipped++;
	} else {
		sum->failed++;
	}
	if (o->on_result && o->on_result(&r, o->ctx)) {
		sum->interrupted = 1;
		return 1;
	}
	return TMA_OK;
}

/* Take article i: wait for it (or make it, with one job), hand it over. */
static int take(shared *sh, worker *w0, int jobs, size_t i, group *g,
		tma_batch_summary *sum, tma_error *err)
{
	slot *s = &sh->slots[i % sh->window];
	int rc;

	if (jobs == 1 && !stopping(sh)) {
		sh->next = i + 1;
		process(w0, i, s);
		s->ready = 1;
	}
	pthread_mutex_lock(&sh->mu);
	while (!s->ready && !(stopping(sh) && sh->next <= i))
		pthread_cond_wait(&sh->cv, &sh->mu);
	pthread_mutex_unlock(&sh->mu);
	if (!s->ready) {
		sum->interrupted = 1;   /* stopped before this article began */
		return 1;
	}
	rc = hand_over(sh, i, s, g, sum, err);
	pthread_mutex_lock(&sh->mu);
	slot_clear(s);
	sh->written = i + 1;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	return rc;
}

/* Start the workers (none with one job: the caller's thread works). */
static int start_workers(shared *sh, worker *w, pthread_t *th, int jobs, int *started,
			 tma_error *err)
{
	int k, rc;

	for (k = 0; k < jobs; k++) {
		w[k].sh = sh;
		if ((rc = tma_article_maker_new(&w[k].maker, &sh->o->align, err)))
			return rc;
		if (jobs == 1)
			break;
		if (pthread_create(&th[k], NULL, work, &w[k]) != 0)
			return tma_fail(err, TMA_ERROR, "cannot start a worker thread");
		(*started)++;
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
	int jobs = opts->jobs, k, started = 0, rc = TMA_OK;
	group g = { 0, 0, 0, 0 };

	memset(sum, 0, sizeof(*sum));
	memset(&sh, 0, sizeof(sh));
	if (jobs <= 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cores > 0 ? (int)cores : 1;
	}
	if ((size_t)jobs > list->n)
		jobs = list->n > 0 ? (int)list->n : 1;
	if (opts->tm && opts->resume &&
	    (rc = tma_tm_content_keys(opts->tm, &keys, &nkeys, err)))
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
		free(sh.slots);
		free(w);
		free(th);
		free(keys);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&sh.mu, NULL);
	pthread_cond_init(&sh.cv, NULL);
	rc = start_workers(&sh, w, th, jobs, &started, err);
	/* The writer: articles in order, as each becomes ready. */
	for (i = 0; !rc && i < list->n; i++)
		rc = take(&sh, &w[0], jobs, i, &g, sum, err);
	if (rc > 0)
		rc = TMA_OK;   /* stopped: by the callback or a stop request */
	if (g.open && rc)
		tma_tm_rollback(opts->tm);
	else if (g.open && !(rc = tma_tm_commit(opts->tm, err)))
		sum->stored += g.pending;
	/* Let the workers go: no more room will come. */
	pthread_mutex_lock(&sh.mu);
	sh.next = list->n;
	pthread_cond_broadcast(&sh.cv);
	pthread_mutex_unlock(&sh.mu);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&sh.mu);
	pthread_cond_destroy(&sh.cv);
	if (stopping(&sh) && sum->done < list->n)
		sum->interrupted = 1;
	for (i = 0; i < sh.window; i++)
		slot_clear(&sh.slots[i]);
	for (k = 0; k < jobs; k++)
		tma_article_maker_free(w[k].maker);
	free(sh.slots);
	free(w);
	free(th);
	free(keys);
	return rc;
}
