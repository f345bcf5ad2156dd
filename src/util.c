/*
 * util.c - small shared helpers: strings, growable arrays, embedded data.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <sqlite3.h>
#include <unicode/uclean.h>
#include <unicode/utf8.h>

#include "tmalign_int.h"

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

const char *tma_embedded_get(const char *name)
{
	const tma_embedded *e;

	for (e = tma_embedded_files; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e->data;
	return NULL;
}

uint64_t tma_hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
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

void tma_cleanup(void)
{
	xmlCleanupParser();
	sqlite3_shutdown();
	u_cleanup();
}
