/*
 * testutil.h - helpers shared by the cmocka unit tests.
 *
 * Tests run from the repository root (make test does so), so fixtures are
 * found at fixtures/.
 */
#ifndef TMALIGN_TESTUTIL_H
#define TMALIGN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tmalign.h"

/* Segment a UTF-8 string as language lang with flags; fails the test on error. */
static inline tma_doc *segment_string(const char *lang, const char *s,
				      unsigned flags)
{
	tma_error err = { 0, "" };
	tma_text *text = NULL;
	tma_segmenter *seg = NULL;
	tma_doc *doc = NULL;

	if (tma_text_from_bytes(&text, "test", s, strlen(s), NULL, &err) ||
	    tma_segmenter_new(&seg, lang, &err) ||
	    tma_segment(&doc, seg, text, flags, &err))
		fail_msg("segmenting failed: %s", err.message);
	tma_segmenter_free(seg);
	tma_text_free(text);
	return doc;
}

/*
 * Assert that doc has exactly the sentences in ap (a NULL-terminated list of
 * strings); ctx, when not NULL, names the input in failure messages.
 */
static inline void assert_sentences_v(const tma_doc *doc, const char *ctx,
				      va_list ap)
{
	const char *want;
	size_t i = 0;

	if (!ctx)
		ctx = "";
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= doc->n)
			fail_msg("[%s] sentence %zu missing: wanted \"%s\"", ctx, i,
				 want);
		if (strcmp(doc->sent[i].text, want) != 0)
			fail_msg("[%s] sentence %zu: got \"%s\", wanted \"%s\"", ctx,
				 i, doc->sent[i].text, want);
		i++;
	}
	if (i != doc->n)
		fail_msg("[%s] %zu sentences, wanted %zu; extra: \"%s\"", ctx,
			 doc->n, i, doc->sent[i].text);
}

/* Assert that doc has exactly the sentences given (NULL-terminated list). */
static inline void assert_sentences(const tma_doc *doc, ...)
{
	va_list ap;

	va_start(ap, doc);
	assert_sentences_v(doc, NULL, ap);
	va_end(ap);
}

/* The contents of a file as a NUL-terminated string (caller frees). */
static inline char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1))) {
		*n = fread(buf, 1, (size_t)size, f);
		buf[*n] = '\0';
	}
	fclose(f);
	return buf;
}

#endif
