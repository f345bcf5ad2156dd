/*
 * tm_read.c - reading the memory: units one by one in document order (for
 * export), the list of documents, figures, the languages held, and the
 * content keys a batch skips stored articles by.
 *
 * The walk streams: one statement gives the units, and for each the
 * sentences, properties and (once per document) the versions are read into
 * buffers that are reused from unit to unit, so that memory does not grow
 * with the memory's size.
 */
#include <stdlib.h>
#include <string.h>

#include "tm_int.h"

/* Texts of one unit or document, addressed by offset while they are read. */
typedef struct arena {
	char *s;
	size_t used, cap;
} arena;

/* Copy s[0..n) and a NUL into a; returns its offset, or -1 when out of memory. */
static long arena_add(arena *a, const char *s, size_t n)
{
	size_t at = a->used;

	if (tma_grow(&a->s, &a->cap, a->used + n + 1, 1))
		return -1;
	memcpy(a->s + at, s, n);
	a->s[at + n] = '\0';
	a->used += n + 1;
	return (long)at;
}

/* Column c of st into a; -1 when out of memory. */
static long arena_column(arena *a, sqlite3_stmt *st, int c)
{
	const char *s = (const char *)sqlite3_column_text(st, c);

	return arena_add(a, s ? s : "", (size_t)sqlite3_column_bytes(st, c));
}

/* One sentence of the unit being read: its side and where its text is. */
typedef struct sent_at {
	int side;
	long off;
} sent_at;

typedef struct walker {
	tma_tm *tm;
	sqlite3_stmt *units, *sents, *props, *vers;
	int have_props;
	/* The current document's versions. */
	int64_t doc;
	arena vtext;
	long voff[TMA_VIEW_LANGS][3];
	tma_view_source source[TMA_VIEW_LANGS];
	int nsource;
	/* The current unit. */
	tma_side side[TMA_VIEW_LANGS];
	int nside;
	arena stext;               /* its sentences, then each side's joined text */
	sent_at *sent;
	size_t nsent, sentcap;
	const char **ptrs;         /* the sentences grouped by side */
	size_t ptrcap;
	arena ptext;               /* its properties */
	long poff[TMA_VIEW_PROPS][2];
	tma_prop prop[TMA_VIEW_PROPS];
	int nprop;
} walker;

static void walker_free(walker *w)
{
	sqlite3_finalize(w->units);
	sqlite3_finalize(w->sents);
	sqlite3_finalize(w->props);
	sqlite3_finalize(w->vers);
	free(w->vtext.s);
	free(w->stext.s);
	free(w->ptext.s);
	free(w->sent);
	free(w->ptrs);
}

static int walker_prepare(walker *w, const tma_export_opts *opts, tma_error *err)
{
	int64_t any;
	int rc;

	if ((rc = tm_query_int(w->tm, "SELECT EXISTS (SELECT 1 FROM unit_prop)", &any, err)))
		return rc;
	w->have_props = any != 0;
	if ((rc = tm_prepare(w->tm, &w->units,
		"SELECT u.id, d.name, d.langs, u.ord, u.score, u.bead, d.id, u.hash FROM unit u "
		"JOIN document d ON d.id = u.doc WHERE (?1 IS NULL OR d.name = ?1) "
		"AND u.score >= ?2 ORDER BY u.doc, u.ord", err)) ||
	    (rc = tm_prepare(w->tm, &w->sents,
		"SELECT lang, pos, text FROM sentence WHERE unit = ?1 ORDER BY lang, pos",
		err)) ||
	    (rc = tm_prepare(w->tm, &w->props,
		"SELECT type, value FROM unit_prop WHERE unit = ?1 ORDER BY rowid", err)) ||
	    (rc = tm_prepare(w->tm, &w->vers,
		"SELECT lang, source, hash FROM version WHERE doc = ?1 ORDER BY lang", err)))
		return rc;
	if (opts && opts->doc)
		sqlite3_bind_text(w->units, 1, opts->doc, -1, SQLITE_STATIC);
	sqlite3_bind_double(w->units, 2, opts ? opts->min_score : 0.0);
	return TMA_OK;
}

/* The versions of document doc, read once per document. */
static int load_versions(walker *w, int64_t doc, tma_error *err)
{
	int rc, k, c;

	w->doc = doc;
	w->vtext.used = 0;
	w->nsource = 0;
	sqlite3_bind_int64(w->vers, 1, doc);
	while ((rc = sqlite3_step(w->vers)) == SQLITE_ROW && w->nsource < TMA_VIEW_LANGS) {
		for (c = 0; c < 3; c++)
			if ((w->voff[w->nsource][c] = arena_column(&w->vtext, w->vers, c)) < 0)
				break;
		if (c < 3) {
			sqlite3_reset(w->vers);
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
		w->nsource++;
	}
	sqlite3_reset(w->vers);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return tm_fail(w->tm, err, rc, "cannot read");
	for (k = 0; k < w->nsource; k++) {
		w->source[k].lang = w->vtext.s + w->voff[k][0];
		w->source[k].file = w->vtext.s + w->voff[k][1];
		w->source[k].hash = w->vtext.s + w->voff[k][2];
	}
	return TMA_OK;
}

/* The sides of the unit: one per language of "en,uk,ru", all empty. */
static void empty_sides(walker *w, const char *langs)
{
	const char *p = langs;

	w->nside = 0;
	while (*p && w->nside < TMA_VIEW_LANGS) {
		size_t len = strcspn(p, ",");
		tma_side *sd = &w->side[w->nside++];
		memset(sd, 0, sizeof(*sd));
		snprintf(sd->lang, TMA_LANG_MAX, "%.*s", (int)len, p);
		p += len;
		if (*p == ',')
			p++;
	}
}

/* Which side holds lang, or -1. */
static int side_of(const walker *w, const char *lang)
{
	int l;

	for (l = 0; l < w->nside; l++)
		if (strcmp(w->side[l].lang, lang) == 0)
			return l;
	return -1;
}

/*
 * The unit's sentences into its sides: each side's sentences (sent, in
 * order) and their text joined by spaces.
 */
static int load_sentences(walker *w, int64_t unit, tma_error *err)
{
	size_t k, at = 0;
	long joined[TMA_VIEW_LANGS];
	int rc, l;

	w->stext.used = 0;
	w->nsent = 0;
	sqlite3_bind_int64(w->sents, 1, unit);
	while ((rc = sqlite3_step(w->sents)) == SQLITE_ROW) {
		int s = side_of(w, (const char *)sqlite3_column_text(w->sents, 0));
		if (s < 0)
			continue;
		if (w->side[s].n++ == 0)
			w->side[s].pos = sqlite3_column_int64(w->sents, 1);
		if (tma_grow(&w->sent, &w->sentcap, w->nsent + 1, sizeof(sent_at)) ||
		    (w->sent[w->nsent].off = arena_column(&w->stext, w->sents, 2)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		w->sent[w->nsent++].side = s;
	}
	sqlite3_reset(w->sents);
	if (rc == SQLITE_NOMEM)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (rc != SQLITE_DONE)
		return tm_fail(w->tm, err, rc, "cannot read");
	/* Each side's joined text, after the sentences in the same arena. */
	for (l = 0; l < w->nside; l++) {
		size_t start = w->stext.used, len = 0;
		if ((joined[l] = arena_add(&w->stext, "", 0)) < 0)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		for (k = 0; k < w->nsent; k++) {
			const char *s;
			size_t n;
			if (w->sent[k].side != l)
				continue;
			n = strlen(w->stext.s + w->sent[k].off);
			if (tma_grow(&w->stext.s, &w->stext.cap, start + len + n + 2, 1))
				return tma_fail(err, TMA_ENOMEM, "out of memory");
			s = w->stext.s + w->sent[k].off;
			if (len)
				w->stext.s[start + len++] = ' ';
			memcpy(w->stext.s + start + len, s, n);
			len += n;
			w->stext.s[start + len] = '\0';
		}
		w->stext.used = start + len + 1;
	}
	if (tma_grow(&w->ptrs, &w->ptrcap, w->nsent + 1, sizeof(char *)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	for (l = 0; l < w->nside; l++) {
		w->side[l].text = w->stext.s + joined[l];
		w->side[l].sent = w->ptrs + at;
		for (k = 0; k < w->nsent; k++)
			if (w->sent[k].side == l)
				w->ptrs[at++] = w->stext.s + w->sent[k].off;
	}
	return TMA_OK;
}

/* The unit's properties (at most TMA_VIEW_PROPS). */
static int load_props(walker *w, int64_t unit, tma_error *err)
{
	int rc, k;

	w->nprop = 0;
	w->ptext.used = 0;
	if (!w->have_props)
		return TMA_OK;
	sqlite3_bind_int64(w->props, 1, unit);
	while ((rc = sqlite3_step(w->props)) == SQLITE_ROW && w->nprop < TMA_VIEW_PROPS) {
		if ((w->poff[w->nprop][0] = arena_column(&w->ptext, w->props, 0)) < 0 ||
		    (w->poff[w->nprop][1] = arena_column(&w->ptext, w->props, 1)) < 0) {
			sqlite3_reset(w->props);
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
		w->nprop++;
	}
	sqlite3_reset(w->props);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return tm_fail(w->tm, err, rc, "cannot read");
	for (k = 0; k < w->nprop; k++) {
		w->prop[k].type = w->ptext.s + w->poff[k][0];
		w->prop[k].value = w->ptext.s + w->poff[k][1];
	}
	return TMA_OK;
}

/* The unit the units statement is on, as a view. */
static int load_unit(walker *w, tma_unit_view *v, tma_error *err)
{
	sqlite3_stmt *st = w->units;
	int64_t id = sqlite3_column_int64(st, 0), doc = sqlite3_column_int64(st, 6);
	int rc;

	memset(v, 0, sizeof(*v));
	v->first = doc != w->doc;
	if (v->first && (rc = load_versions(w, doc, err)))
		return rc;
	empty_sides(w, (const char *)sqlite3_column_text(st, 2));
	if ((rc = load_sentences(w, id, err)) || (rc = load_props(w, id, err)))
		return rc;
	v->doc = (const char *)sqlite3_column_text(st, 1);
	v->doc_id = doc;
	v->nsource = w->nsource;
	v->source = w->source;
	v->ord = sqlite3_column_int64(st, 3);
	v->hash = sqlite3_column_int64(st, 7);
	v->score = sqlite3_column_double(st, 4);
	v->bead = (const char *)sqlite3_column_text(st, 5);
	v->nside = w->nside;
	v->side = w->side;
	v->nprop = w->nprop;
	v->prop = w->prop;
	return TMA_OK;
}

int tma_tm_walk(tma_tm *tm, const tma_export_opts *opts, tma_view_cb cb,
		void *ctx, tma_error *err)
{
	walker w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.tm = tm;
	w.doc = -1;
	if ((rc = walker_prepare(&w, opts, err)))
		goto done;
	while ((rc = sqlite3_step(w.units)) == SQLITE_ROW) {
		tma_unit_view v;
		if ((rc = load_unit(&w, &v, err)) || (rc = cb(&v, ctx)))
			goto done;
	}
	rc = rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot read");
done:
	walker_free(&w);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Documents, languages, figures                                       */

int tma_tm_list(tma_tm *tm, int (*cb)(const tma_doc_info *, void *), void *ctx,
		tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = tm_prepare(tm, &st,
		"SELECT d.name, d.langs, d.origin, d.created, "
		"(SELECT count(*) FROM unit u WHERE u.doc = d.id) "
		"FROM document d ORDER BY d.name", err);

	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tma_doc_info info;
		int stop;
		info.name = (const char *)sqlite3_column_text(st, 0);
		info.langs = (const char *)sqlite3_column_text(st, 1);
		info.origin = (const char *)sqlite3_column_text(st, 2);
		info.created = (const char *)sqlite3_column_text(st, 3);
		info.units = (size_t)sqlite3_column_int64(st, 4);
		if ((stop = cb(&info, ctx)) != 0) {
			sqlite3_finalize(st);
			return stop;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot list");
}

/* Is lang one of the comma-separated list[0..n)? */
static int in_list(const char *list, const char *lang, size_t len)
{
	const char *p = list;

	while (*p) {
		size_t l = strcspn(p, ",");
		if (l == len && memcmp(p, lang, len) == 0)
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

int tma_tm_langs(tma_tm *tm, const char *doc, char *out, size_t n, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = tm_prepare(tm, &st,
		"SELECT langs FROM document WHERE ?1 IS NULL OR name = ?1 ORDER BY id", err);

	out[0] = '\0';
	if (rc)
		return rc;
	if (doc)
		sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		while (*p) {
			size_t len = strcspn(p, ","), ol = strlen(out);
			if (!in_list(out, p, len) && ol + len + 2 < n)
				snprintf(out + ol, n - ol, "%s%.*s", ol ? "," : "", (int)len, p);
			p += len;
			if (*p == ',')
				p++;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot read");
}

/* Add n units holding the languages given by langs and bead to the pairs. */
static int count_pairs(tma_stats *s, size_t *cap, const char *langs, const char *bead,
		       size_t n)
{
	char lang[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int have[TMA_VIEW_LANGS], nl = 0, x, y, k;
	const char *p = langs, *b = bead;

	while (*p && nl < TMA_VIEW_LANGS) {
		size_t len = strcspn(p, ",");
		snprintf(lang[nl], TMA_LANG_MAX, "%.*s", (int)len, p);
		have[nl++] = atoi(b) > 0;
		b += strcspn(b, "-");
		if (*b == '-')
			b++;
		p += len;
		if (*p == ',')
			p++;
	}
	for (x = 0; x < nl; x++)
		for (y = 0; y < nl; y++) {
			if (!have[x] || !have[y] || strcmp(lang[x], lang[y]) >= 0)
				continue;
			for (k = 0; k < s->npairs; k++)
				if (strcmp(s->pairs[k].a, lang[x]) == 0 &&
				    strcmp(s->pairs[k].b, lang[y]) == 0)
					break;
			if (k == s->npairs) {
				if (tma_grow(&s->pairs, cap, (size_t)k + 1, sizeof(s->pairs[0])))
					return TMA_ENOMEM;
				memset(&s->pairs[k], 0, sizeof(s->pairs[k]));
				memcpy(s->pairs[k].a, lang[x], TMA_LANG_MAX);
				memcpy(s->pairs[k].b, lang[y], TMA_LANG_MAX);
				s->npairs++;
			}
			s->pairs[k].units += n;
		}
	return TMA_OK;
}

void tma_stats_free(tma_stats *s)
{
	if (!s)
		return;
	free(s->pairs);
	free(s);
}

int tma_tm_stats(tma_tm *tm, tma_stats **out, tma_error *err)
{
	tma_stats *s = calloc(1, sizeof(*s));
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int64_t v;
	int rc;

	*out = NULL;
	if (!s)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = tm_query_int(tm, "SELECT count(*) FROM document", &v, err)))
		goto done;
	s->documents = (size_t)v;
	if ((rc = tm_query_int(tm, "SELECT count(*) FROM unit", &v, err)))
		goto done;
	s->units = (size_t)v;
	if ((rc = tm_query_int(tm, "SELECT count(*) FROM sentence", &v, err)))
		goto done;
	s->sentences = (size_t)v;
	if ((rc = tm_prepare(tm, &st, "SELECT d.langs, u.bead, count(*) FROM unit u "
			     "JOIN document d ON u.doc = d.id GROUP BY d.langs, u.bead", err)))
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (count_pairs(s, &cap, (const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1),
				(size_t)sqlite3_column_int64(st, 2))) {
			rc = SQLITE_NOMEM;
			break;
		}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		rc = tm_fail(tm, err, rc, "cannot count");
		goto done;
	}
	if ((rc = tm_prepare(tm, &st, "SELECT min(CAST(score * 10 AS INTEGER), 9), "
			     "count(*) FROM unit GROUP BY 1", err)))
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int bin = sqlite3_column_int(st, 0);
		if (bin >= 0 && bin < 10)
			s->histogram[bin] = (size_t)sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_DONE ? TMA_OK : tm_fail(tm, err, rc, "cannot count");
done:
	sqlite3_finalize(st);
	if (rc) {
		tma_stats_free(s);
		return rc;
	}
	*out = s;
	return TMA_OK;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

int tma_tm_content_keys(tma_tm *tm, uint64_t **out, size_t *n, tma_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = tm_prepare(tm, &st, "SELECT content FROM document WHERE content IS NOT NULL",
			     err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tma_grow(out, &cap, *n + 1, sizeof(uint64_t))) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*out)[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc == SQLITE_NOMEM ? tma_fail(err, TMA_ENOMEM, "out of memory")
					  : tm_fail(tm, err, rc, "cannot read the stored documents");
	}
	if (*n)
		qsort(*out, *n, sizeof(uint64_t), cmp_u64);
	return TMA_OK;
}
