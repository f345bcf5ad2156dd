/*
 * lookup.c - fuzz target: lookup queries against a small memory (the
 * bundled article, aligned once). The first byte picks the kind of
 * lookup, the language and the threshold; the rest is the query.
 */
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_ARTICLE
#define FUZZ_ARTICLE "fixtures/nato-hybrid/nato-hybrid"
#endif

static tma_lookup *session(void)
{
	static tma_lookup *lk;
	static const char *const langs[] = { "en", "uk", "ru" };
	tma_error err = { 0, "" };
	tma_doc *docs[3];
	tma_text *text;
	tma_segmenter *seg;
	tma_aligner *al;
	tma_alignment *a;
	tma_source src[3];
	tma_store_result res;
	char path[512];
	int k;

	if (lk)
		return lk;
	for (k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s.%s.txt", FUZZ_ARTICLE,
			 k == 1 ? "ua" : langs[k]);
		if (tma_text_load(&text, path, NULL, &err) ||
		    tma_segmenter_new(&seg, langs[k], &err) ||
		    tma_segment(&docs[k], seg, text, 0, &err)) {
			fprintf(stderr, "fuzz: %s\n", err.message);
			abort();
		}
		src[k].path = FUZZ_ARTICLE;
		src[k].hash = tma_text_hash(text);
		tma_segmenter_free(seg);
		tma_text_free(text);
	}
	if (tma_aligner_new(&al, NULL, &err) || tma_align(&a, al, docs, 3, &err) ||
	    tma_tm_store(fuzz_scratch_memory(), "article", docs, src, a, &res, &err) ||
	    tma_lookup_new(&lk, fuzz_scratch_memory(), &err)) {
		fprintf(stderr, "fuzz: %s\n", err.message);
		abort();
	}
	tma_alignment_free(a);
	tma_aligner_free(al);
	for (k = 0; k < 3; k++)
		tma_doc_free(docs[k]);
	return lk;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "en", "uk", "ru", "de" };
	tma_lookup *lk = session();
	tma_lookup_opts o;
	tma_error err = { 0, "" };
	const tma_hit *hits;
	size_t nhits = 0, i;
	char *query;
	int rc;

	if (size < 1 || size > 100000)
		return 0;
	query = malloc(size);
	if (!query)
		return 0;
	memcpy(query, data + 1, size - 1);
	query[size - 1] = '\0';
	memset(&o, 0, sizeof(o));
	o.from = langs[data[0] & 3];
	o.concordance = (data[0] >> 2) & 1;
	o.min = 50 + (data[0] >> 3) * 50 / 31;
	rc = tma_lookup_run(lk, &o, query, &hits, &nhits, &err);
	FUZZ_CHECK(rc == TMA_OK || rc == TMA_EUSAGE || rc == TMA_EINPUT);
	for (i = 0; rc == TMA_OK && i < nhits; i++) {
		FUZZ_CHECK(hits[i].score >= 0 && hits[i].score <= 100);
		FUZZ_CHECK(hits[i].source && hits[i].doc);
		FUZZ_CHECK(hits[i].at <= strlen(hits[i].source));
	}
	free(query);
	return 0;
}
