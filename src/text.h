/*
 * text.h - decoded texts and the sentences made of them: what text.c and
 * segment.c offer the other modules.
 */
#ifndef TMALIGN_TEXT_H
#define TMALIGN_TEXT_H

#include <unicode/uchar.h>

#include "util.h"

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

/* A new empty doc for lang, or NULL when out of memory. */
tma_doc *tma_doc_new(const char *lang);

/* Add a sentence to doc, taking ownership of text. Returns 0 or TMA_ENOMEM. */
int tma_doc_push(tma_doc *doc, size_t *cap, int para, size_t start, size_t end,
		 char *text, size_t len, size_t nchars);

#endif
