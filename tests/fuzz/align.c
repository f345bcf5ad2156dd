/*
 * align.c - fuzz target: aligning random articles. The input is two or
 * three texts separated by a NUL byte; the first byte picks the languages.
 * Whatever the texts, every sentence must be in exactly one unit, in order.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "en", "uk", "ru", "de" };
	static tma_aligner *al;
	static tma_segmenter *seg[4];
	tma_error err = { 0, "" };
	tma_doc *docs[3] = { NULL, NULL, NULL };
	tma_alignment *a = NULL;
	const char *p, *end;
	int n = 0, k, l;

	if (size < 2 || size > 200000)
		return 0;
	if (!al && tma_aligner_new(&al, NULL, &err))
		abort();
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (n < 3 && p <= end) {
		const char *q = memchr(p, '\0', (size_t)(end - p));
		tma_text *text = NULL;
		if (!q)
			q = end;
		l = (data[0] >> (2 * n)) & 3;
		if (n > 0 && strcmp(langs[l], docs[n - 1]->lang) == 0)
			l = (l + 1) & 3;
		if (!seg[l] && tma_segmenter_new(&seg[l], langs[l], &err))
			abort();
		if (tma_text_from_bytes(&text, "fuzz", p, (size_t)(q - p), NULL, &err) ||
		    tma_segment(&docs[n], seg[l], text, 0, &err)) {
			tma_text_free(text);
			goto done;
		}
		tma_text_free(text);
		n++;
		p = q + 1;
	}
	if (n < 2 || (n == 3 && (strcmp(docs[2]->lang, docs[0]->lang) == 0)))
		goto done;
	if (tma_align(&a, al, docs, n, &err) == TMA_OK) {
		size_t next[3] = { 0, 0, 0 }, i;
		for (i = 0; i < a->n; i++) {
			int some = 0;
			for (k = 0; k < n; k++) {
				FUZZ_CHECK(a->unit[i].start[k] == next[k] || a->unit[i].count[k] == 0);
				FUZZ_CHECK(a->unit[i].score >= 0 && a->unit[i].score <= 1);
				if (a->unit[i].count[k]) {
					next[k] += (size_t)a->unit[i].count[k];
					some = 1;
				}
			}
			FUZZ_CHECK(some);
		}
		for (k = 0; k < n; k++)
			FUZZ_CHECK(next[k] == docs[k]->n);
		tma_alignment_free(a);
	}
done:
	for (k = 0; k < 3; k++)
		tma_doc_free(docs[k]);
	return 0;
}
