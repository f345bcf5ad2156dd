/*
 * words.c - the words of a text: ICU's word break iterator finds them
 * (tokens whose rule status says letters or digits), ICU's full case
 * folding makes their forms, and UTF-16 offsets are mapped back to the
 * bytes of the UTF-8 text so that words can be marked where they stand.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "words.h"

struct tma_words {
	UBreakIterator *wb;
	UChar *u;                  /* the text in UTF-16 */
	int32_t *u8off;            /* the UTF-8 offset of each UTF-16 unit */
	int32_t ucap;
	char *folded;              /* the words' folded forms, NUL-separated */
	size_t fcap;
};

int tma_words_new(tma_words **out, tma_error *err)
{
	tma_words *ws = calloc(1, sizeof(*ws));
	UErrorCode st = U_ZERO_ERROR;

	*out = NULL;
	if (!ws)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	ws->wb = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
	if (U_FAILURE(st)) {
		free(ws);
		return tma_fail_icu(err, st, "cannot open the word iterator");
	}
	*out = ws;
	return TMA_OK;
}

void tma_words_free(tma_words *ws)
{
	if (!ws)
		return;
	ubrk_close(ws->wb);
	free(ws->u);
	free(ws->u8off);
	free(ws->folded);
	free(ws);
}

/* s[0..n) as UTF-16 in ws->u with the byte offset of each unit; its length. */
static int32_t to_utf16(tma_words *ws, const char *s, int32_t n)
{
	int32_t k = 0, i;

	if (ws->ucap < n + 1) {
		free(ws->u);
		free(ws->u8off);
		ws->ucap = n + 1;
		ws->u = malloc(sizeof(UChar) * (size_t)ws->ucap);
		ws->u8off = malloc(sizeof(int32_t) * ((size_t)ws->ucap + 1));
		if (!ws->u || !ws->u8off) {
			ws->ucap = 0;
			return -1;
		}
	}
	for (i = 0; i < n;) {
		int32_t at = i, from = k;
		UChar32 c;

		U8_NEXT(s, i, n, c);
		if (c < 0)
			c = 0xFFFD;
		U16_APPEND_UNSAFE(ws->u, k, c);
		while (from < k)
			ws->u8off[from++] = at;
	}
	ws->u8off[k] = n;
	return k;
}

int tma_words_split(tma_words *ws, const char *s, tma_word *w, int max)
{
	UErrorCode st = U_ZERO_ERROR;
	size_t slen = strlen(s), fo = 0;
	int32_t n, a, b;
	int k = 0;

	if (slen > INT32_MAX / 4)
		slen = INT32_MAX / 4;
	if ((n = to_utf16(ws, s, (int32_t)slen)) < 0 ||
	    tma_grow(&ws->folded, &ws->fcap, slen * 3 + 16, 1))
		return -1;
	ubrk_setText(ws->wb, ws->u, n, &st);
	for (a = ubrk_first(ws->wb), b = ubrk_next(ws->wb); b != UBRK_DONE && k < max;
	     a = b, b = ubrk_next(ws->wb)) {
		UChar fold[128];
		int32_t fl, f8l = 0;

		if (ubrk_getRuleStatus(ws->wb) < UBRK_WORD_NUMBER)
			continue;
		st = U_ZERO_ERROR;
		fl = u_strFoldCase(fold, 128, ws->u + a, b - a, U_FOLD_CASE_DEFAULT, &st);
		if (U_FAILURE(st) || fl > 128) {
			st = U_ZERO_ERROR;
			fl = b - a < 128 ? b - a : 128;
			memcpy(fold, ws->u + a, sizeof(UChar) * (size_t)fl);
		}
		if (tma_grow(&ws->folded, &ws->fcap, fo + 4 * (size_t)fl + 2, 1))
			return -1;
		u_strToUTF8(ws->folded + fo, (int32_t)(ws->fcap - fo), &f8l, fold, fl, &st);
		if (U_FAILURE(st))
			continue;
		w[k].start = (size_t)ws->u8off[a];
		w[k].end = (size_t)ws->u8off[b];
		w[k].fold = fo;
		w[k].flen = (size_t)f8l;
		w[k].hash = tma_hash(ws->folded + fo, (size_t)f8l);
		fo += (size_t)f8l;
		ws->folded[fo++] = '\0';
		k++;
	}
	ubrk_setText(ws->wb, NULL, 0, &st);
	return k;
}

const char *tma_words_folded(const tma_words *ws, const tma_word *w)
{
	return ws->folded + w->fold;
}
