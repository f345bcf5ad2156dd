/*
 * util.h - what every module of the library shares: errors, strings,
 * growable arrays, the one hash, a string interner, the embedded data files
 * and UTF-8 checks. Nothing here is part of the public contract in
 * tmalign.h; each module has its own header for what it offers the others.
 */
#ifndef TMALIGN_UTIL_H
#define TMALIGN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <unicode/utypes.h>

#include "tmalign.h"

#if defined(__GNUC__)
#define TMA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TMA_PRINTF(f, a)
#endif

/*
 * Fill err (when not NULL) with code and a printf-style message and return
 * code, so that callers can write `return tma_fail(err, TMA_EIO, ...)`.
 */
int tma_fail(tma_error *err, int code, const char *fmt, ...) TMA_PRINTF(3, 4);

/* As tma_fail for an ICU status: the message ends with u_errorName(status). */
int tma_fail_icu(tma_error *err, UErrorCode status, const char *fmt, ...)
	TMA_PRINTF(3, 4);

/* Duplicate a string; NULL when out of memory. */
char *tma_strdup(const char *s);

/*
 * Grow *pa (elements of size elsize, *cap allocated) to hold at least need
 * elements. Returns 0 or TMA_ENOMEM; on failure *pa is unchanged.
 */
int tma_grow(void *pa, size_t *cap, size_t need, size_t elsize);

/*
 * The one hash of tmalign: 64-bit FNV-1a. tma_hash of n bytes from the
 * start; tma_hash_more continues h over n more bytes, so that a hash over
 * pieces equals the hash of their concatenation.
 */
#define TMA_HASH_SEED 1469598103934665603ULL
uint64_t tma_hash_more(uint64_t h, const void *p, size_t n);

static inline uint64_t tma_hash(const void *p, size_t n)
{
	return tma_hash_more(TMA_HASH_SEED, p, n);
}

/*
 * Mix the 64-bit value v into h as one FNV step (v in the place of a
 * byte): how hashes of parts are combined into the hash of a whole.
 */
#define TMA_HASH_PRIME 1099511628211ULL
static inline uint64_t tma_hash_mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * TMA_HASH_PRIME;
}

/*
 * A string interner: each distinct key gets a dense id from 0. Keys are
 * copied into an arena. Zero-initialise, free with tma_strmap_free.
 */
typedef struct tma_strmap {
	uint32_t *slot;      /* id + 1 per slot, 0 when empty */
	uint32_t cap;        /* slots, a power of two */
	uint32_t n;          /* keys */
	uint32_t *off;       /* arena offset of key id */
	uint32_t *len;       /* length of key id */
	size_t idcap;
	char *arena;
	size_t used, acap;
} tma_strmap;

/*
 * The id of key[0..len) in m, adding it when new (*added, when not NULL, says
 * so). Returns 0 or TMA_ENOMEM.
 */
int tma_strmap_intern(tma_strmap *m, const char *key, size_t len,
		      uint32_t *id, int *added);

/* The id of key[0..len), or UINT32_MAX when absent. */
uint32_t tma_strmap_find(const tma_strmap *m, const char *key, size_t len);

/* Key id of m (not NUL-terminated); *len gets its length. */
static inline const char *tma_strmap_key(const tma_strmap *m, uint32_t id,
					 size_t *len)
{
	*len = m->len[id];
	return m->arena + m->off[id];
}

void tma_strmap_free(tma_strmap *m);

/*
 * The offset of the first byte of s[0..n) that is not part of valid UTF-8,
 * or of a NUL byte; -1 when there is none.
 */
long tma_utf8_bad(const char *s, size_t n);

/*
 * Is name fit to name a document: 1 to TMA_NAME_MAX bytes of valid UTF-8
 * without control characters (a tab or a line break would break every
 * listing)? TMA_EINPUT with the reason when not; what says where the name
 * came from, for the message.
 */
#define TMA_NAME_MAX 4096
int tma_name_check(const char *name, const char *what, tma_error *err);

/*
 * The name of a file without its folders and its last extension
 * ("a/b.tmx" gives "b"), into out (n bytes): what an imported file's
 * document is called when nothing names it.
 */
void tma_path_stem(char *out, size_t n, const char *path);

/* The embedded data files (generated from src/data/ at build time). */
typedef struct tma_embedded {
	const char *name;
	const char *data;
} tma_embedded;
extern const tma_embedded tma_embedded_files[];

/* The embedded file called name, or NULL. */
const char *tma_embedded_get(const char *name);

#endif
