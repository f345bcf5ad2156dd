/*
 * manifest.c - fuzz target: reading a manifest of articles. A good one
 * gives articles of two or three distinct languages with names fit to
 * store; a bad one is refused with a message and adds nothing.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_scratch_file(".tsv", data, size);
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };
	size_t i;
	int k, j;

	if (tma_batch_list_new(&l, &err))
		abort();
	if (tma_batch_read_manifest(l, path, &err) == TMA_OK) {
		for (i = 0; i < tma_batch_list_count(l); i++) {
			const tma_batch_item *it = tma_batch_list_item(l, i);
			FUZZ_CHECK(it->nlang >= 2 && it->nlang <= TMA_MAX_LANGS);
			FUZZ_CHECK(it->name[0] && !strchr(it->name, '\t'));
			for (k = 0; k < it->nlang; k++)
				for (j = 0; j < k; j++)
					FUZZ_CHECK(strcmp(it->lang[j], it->lang[k]) != 0);
		}
	} else {
		FUZZ_CHECK(err.message[0] != '\0');
		FUZZ_CHECK(tma_batch_list_count(l) == 0);
	}
	tma_batch_list_free(l);
	return 0;
}
