/*
 * util.c - small shared helpers: strings, growable arrays, embedded data.
 */
#include <stdlib.h>
#include <string.h>

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
