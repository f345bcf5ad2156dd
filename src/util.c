/*
 * util.c - small shared helpers: strings, growable arrays, embedded data.
 */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/utf8.h>

#include "memory.h"
#include "util.h"

char *tma_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

int tma_grow(void *pa, size_t *cap, size_t need, size_t elsize)
{
	void **pp = pa;
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return TMA_OK;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elsize)
		return TMA_ENOMEM;
	p = realloc(*pp, ncap * elsize);
	if (!p)
		return TMA_ENOMEM;
	*pp = p;
	*cap = ncap;
	return TMA_OK;
}

void tma_path_stem(char *out, size_t n, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(out, n, "%.*s", (int)(dot && dot > base ? dot - base : (long)strlen(base)),
		 base);
}

const char *tma_embedded_get(const char *name)
{
	const tma_embedded *e;

	for (e = tma_embedded_files; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e->data;
	return NULL;
}

uint64_t tma_hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = tma_hash_mix(h, b[i]);
	return h;
}

static int strmap_rehash(tma_strmap *m, uint32_t ncap)
{
	uint32_t *slot = calloc(ncap, sizeof(uint32_t));
	uint32_t id;

	if (!slot)
		return TMA_ENOMEM;
	for (id = 0; id < m->n; id++) {
		uint32_t h = (uint32_t)tma_hash(m->arena + m->off[id], m->len[id]);
		while (slot[h & (ncap - 1)])
			h++;
		slot[h & (ncap - 1)] = id + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->cap = ncap;
	return TMA_OK;
}

uint32_t tma_strmap_find(const tma_strmap *m, const char *key, size_t len)
{
	uint32_t h, s;

	if (!m->cap)
		return UINT32_MAX;
	for (h = (uint32_t)tma_hash(key, len);; h++) {
		s = m->slot[h & (m->cap - 1)];
		if (!s)
			return UINT32_MAX;
		if (m->len[s - 1] == len && memcmp(m->arena + m->off[s - 1], key, len) == 0)
			return s - 1;
	}
}

int tma_strmap_intern(tma_strmap *m, const char *key, size_t len,
		      uint32_t *id, int *added)
{
	uint32_t found = tma_strmap_find(m, key, len), h;
	size_t c1, c2;

	if (added)
		*added = found == UINT32_MAX;
	if (found != UINT32_MAX) {
		*id = found;
		return TMA_OK;
	}
	if ((m->n + 1) * 2 > m->cap &&
	    strmap_rehash(m, m->cap ? m->cap * 2 : 64))
		return TMA_ENOMEM;
	c1 = c2 = m->idcap;
	if (tma_grow(&m->off, &c1, m->n + 1, sizeof(uint32_t)) ||
	    tma_grow(&m->len, &c2, m->n + 1, sizeof(uint32_t)) ||
	    tma_grow(&m->arena, &m->acap, m->used + len + 1, 1))
		return TMA_ENOMEM;
	m->idcap = c1 < c2 ? c1 : c2;
	memcpy(m->arena + m->used, key, len);
	m->off[m->n] = (uint32_t)m->used;
	m->len[m->n] = (uint32_t)len;
	m->used += len;
	for (h = (uint32_t)tma_hash(key, len); m->slot[h & (m->cap - 1)]; h++)
		;
	m->slot[h & (m->cap - 1)] = m->n + 1;
	*id = m->n++;
	return TMA_OK;
}

void tma_strmap_free(tma_strmap *m)
{
	free(m->slot);
	free(m->off);
	free(m->len);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

long tma_utf8_bad(const char *s, size_t n)
{
	int32_t at = 0, len = (int32_t)n, start;
	UChar32 c;

	while (at < len) {
		start = at;
		U8_NEXT(s, at, len, c);
		if (c <= 0)
			return start;
	}
	return -1;
}

int tma_name_check(const char *name, const char *what, tma_error *err)
{
	size_t n = name ? strlen(name) : 0;
	int32_t at = 0;
	long bad;

	if (n == 0)
		return tma_fail(err, TMA_EINPUT, "%s must not be empty", what);
	if (n > TMA_NAME_MAX)
		return tma_fail(err, TMA_EINPUT, "%s of %zu bytes is too long (at most %d): "
				"%.60s...", what, n, TMA_NAME_MAX, name);
	if ((bad = tma_utf8_bad(name, n)) >= 0)
		return tma_fail(err, TMA_EINPUT, "%s is not UTF-8 (byte %ld)", what, bad);
	while (at < (int32_t)n) {
		int32_t start = at;
		UChar32 c;
		U8_NEXT(name, at, (int32_t)n, c);
		if (u_iscntrl(c))
			return tma_fail(err, TMA_EINPUT, "%s holds a control character (U+%04X "
					"at byte %d), which would break listings", what,
					(unsigned)c, start);
	}
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

#define LINE_CHUNK 65536

struct tma_lines {
	FILE *f;
	int own;                   /* f was opened here */
	char *name;
	size_t max;
	char *buf;                 /* what was read and not yet given */
	size_t start, end, cap;
	char *line;                /* the line given last */
	size_t linecap;
	size_t number;             /* of the line given last, from 1 */
	uint64_t offset;           /* bytes of the input given so far */
	int eof, stopped;
};

int tma_lines_open(tma_lines **out, const char *path, size_t max, tma_error *err)
{
	tma_lines *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->name = tma_strdup(strcmp(path, "-") == 0 ? "<stdin>" : path)) ||
	    !(r->buf = malloc(LINE_CHUNK))) {
		tma_lines_close(r);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	r->cap = LINE_CHUNK;
	r->max = max;
	if (strcmp(path, "-") == 0) {
		r->f = stdin;
	} else if (!(r->f = fopen(path, "rb"))) {
		int e = errno;
		tma_lines_close(r);
		return tma_fail(err, TMA_EIO, "%s: cannot open: %s", path, strerror(e));
	} else {
		r->own = 1;
	}
	*out = r;
	return TMA_OK;
}

void tma_lines_close(tma_lines *r)
{
	if (!r)
		return;
	if (r->own)
		fclose(r->f);
	free(r->name);
	free(r->buf);
	free(r->line);
	free(r);
}

size_t tma_lines_number(const tma_lines *r)
{
	return r->number;
}

/* Read more into the buffer; 0 at the end of the input, -1 on an error. */
static int fill(tma_lines *r)
{
	size_t got;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap && tma_grow(&r->buf, &r->cap, r->cap + 1, 1))
		return -1;
	got = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
	r->end += got;
	if (got == 0) {
		r->eof = 1;
		return ferror(r->f) ? -1 : 0;
	}
	return 1;
}

/* The line ends at buf[at..): its NUL, if any, stops everything. */
static int nul_in(tma_lines *r, size_t from, size_t to, tma_error *err)
{
	const char *z = memchr(r->buf + from, '\0', to - from);

	if (!z)
		return TMA_OK;
	r->stopped = 1;
	return tma_fail(err, TMA_EINPUT, "%s:%zu: a NUL byte (byte %llu of the input); "
			"not text, stopped reading", r->name, r->number,
			(unsigned long long)(r->offset + (uint64_t)(z - r->buf - r->start)));
}

int tma_lines_next(tma_lines *r, const char **line, size_t *len, tma_error *err)
{
	size_t scanned = 0, skipped = 0, n;
	char *nl;
	int got, rc;

	*line = NULL;
	*len = 0;
	if (r->stopped)
		return 0;
	r->number++;
	for (;;) {
		nl = memchr(r->buf + r->start + scanned, '\n', r->end - r->start - scanned);
		n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
		if ((rc = nul_in(r, r->start + scanned, r->start + n, err)))
			return rc;
		scanned = n;
		if (nl || n > r->max)
			break;
		if ((got = fill(r)) < 0) {
			r->stopped = 1;
			return tma_fail(err, TMA_EIO, "%s: cannot read: %s", r->name,
					strerror(errno));
		}
		if (got == 0)
			break;
	}
	if (!nl && n == 0 && r->eof) {
		r->number--;
		return 0;
	}
	if (n > r->max) {
		/* Too long: the rest of the line goes unread, within a bound. */
		while (!nl) {
			skipped += r->end - r->start;
			r->offset += r->end - r->start;
			r->start = r->end;
			if (skipped > 16 * r->max || (got = fill(r)) <= 0) {
				r->stopped = 1;
				return tma_fail(err, TMA_EINPUT, "%s:%zu: a line of more than %zu "
						"bytes, and no end to it; stopped reading",
						r->name, r->number, r->max);
			}
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
			if ((rc = nul_in(r, r->start, r->start + n, err)))
				return rc;
		}
		r->offset += (uint64_t)(nl - (r->buf + r->start)) + 1;
		r->start = (size_t)(nl - r->buf) + 1;
		return tma_fail(err, TMA_EINPUT, "%s:%zu: the line is too long (at most %zu "
				"bytes)", r->name, r->number, r->max);
	}
	if (tma_grow(&r->line, &r->linecap, n + 1, 1)) {
		r->stopped = 1;
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	memcpy(r->line, r->buf + r->start, n);
	r->offset += n + (nl ? 1 : 0);
	r->start += n + (nl ? 1 : 0);
	if (n > 0 && r->line[n - 1] == '\r')
		n--;
	r->line[n] = '\0';
	*line = r->line;
	*len = n;
	return 1;
}

void tma_cleanup(void)
{
	xmlCleanupParser();
	tma_tm_shutdown();
	u_cleanup();
}
