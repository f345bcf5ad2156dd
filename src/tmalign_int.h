/*
 * tmalign_int.h - what the library's modules share and users must not see.
 *
 * The one internal header (SQLite's sqliteInt.h idea): the layout of the
 * opaque types that cross modules, the error helpers and small growable
 * arrays. Nothing here is part of the public contract in tmalign.h.
 */
#ifndef TMALIGN_INT_H
#define TMALIGN_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <unicode/uchar.h>
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

/* Clear err to TMA_OK with an empty message. */
void tma_error_clear(tma_error *err);

/*
 * A decoded text. u holds n UTF-16 code units of NFC text followed by a NUL;
 * off[i] is the byte offset in the input of the code unit u[i], and off[n] is
 * the input's size, so that the bytes of u[a..b) are input[off[a]..off[b]).
 */
struct tma_text {
	char *name;
	char encoding[64];
	int confidence;
	size_t nbytes;
	UChar *u;
	int32_t n;
	int32_t *off;      /* inputs are below 2 GiB: ICU's converters say so */
};

/*
 * Is c white space (Unicode White_Space, as u_isUWhiteSpace says)? The
 * checks before ICU's only skip the call for ranges that hold no white space
 * (below U+1680 only U+0085 and U+00A0 are), which keeps the hot loops fast.
 */
static inline int tma_is_space(UChar32 c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D);
	if (c != 0x85 && c != 0xA0 && c < 0x1680)
		return 0;
	return u_isUWhiteSpace(c);
}

/* Is u a line break: LF, CR, NEL, LS or PS? */
int tma_is_newline(UChar32 c);

/*
 * Convert u[0..n) to a new NUL-terminated UTF-8 string, trimming white space
 * at both ends and turning every run of white space that holds a line break
 * into one space. *len and *nchars (either may be NULL) receive the byte and
 * code point counts. Returns NULL when out of memory. The caller frees.
 */
char *tma_utf16_to_sentence(const UChar *u, int32_t n, size_t *len,
			    size_t *nchars);

/* Duplicate a string; NULL when out of memory. */
char *tma_strdup(const char *s);

/*
 * Grow *pa (elements of size elsize, *cap allocated) to hold at least need
 * elements. Returns 0 or TMA_ENOMEM; on failure *pa is unchanged.
 */
int tma_grow(void *pa, size_t *cap, size_t need, size_t elsize);

/* Add a sentence to doc, taking ownership of text. Returns 0 or TMA_ENOMEM. */
int tma_doc_push(tma_doc *doc, size_t *cap, int para, size_t start, size_t end,
		 char *text, size_t len, size_t nchars);

/* A new empty doc for lang, or NULL when out of memory. */
tma_doc *tma_doc_new(const char *lang);

/* The embedded data files (generated from src/data/ at build time). */
typedef struct tma_embedded {
	const char *name;
	const char *data;
} tma_embedded;
extern const tma_embedded tma_embedded_files[];

/* The embedded file called name, or NULL. */
const char *tma_embedded_get(const char *name);

#endif
