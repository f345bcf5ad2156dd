/*
 * segment.c - fuzz target: reading and segmenting arbitrary bytes. The
 * first byte picks the language, the flags and the encoding.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "en", "uk", "ru", "de" };
	static const char *const encodings[] = { NULL, NULL, "auto", "windows-1251" };
	static tma_segmenter *seg[4];
	tma_error err = { 0, "" };
	tma_text *text = NULL;
	tma_doc *doc = NULL;
	unsigned flags;
	int l;
	size_t i;

	if (size < 1)
		return 0;
	l = data[0] & 3;
	flags = (data[0] >> 2) & 3;
	if (!seg[l] && tma_segmenter_new(&seg[l], langs[l], &err))
		abort();
	if (tma_text_from_bytes(&text, "fuzz", (const char *)data + 1, size - 1,
				encodings[(data[0] >> 4) & 3], &err) == TMA_OK &&
	    tma_segment(&doc, seg[l], text, flags, &err) == TMA_OK) {
		for (i = 0; i < doc->n; i++) {
			const tma_sentence *s = &doc->sent[i];
			FUZZ_CHECK(s->start <= s->end);
			FUZZ_CHECK(i == 0 || doc->sent[i - 1].end <= s->start);
			FUZZ_CHECK(s->len == strlen(s->text) && s->len > 0);
			FUZZ_CHECK(i == 0 || doc->sent[i - 1].para <= s->para);
		}
		tma_doc_free(doc);
	}
	tma_text_free(text);
	return 0;
}
