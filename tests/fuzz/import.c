/*
 * import.c - fuzz targets: importing a TMX file (fuzz-tmx) or JSON Lines
 * (fuzz-jsonl, built with FUZZ_JSONL) into a memory. A failed import must
 * leave the memory empty; a good one is removed again.
 */
#include "fuzz.h"

#ifdef FUZZ_JSONL
#define SUFFIX ".jsonl"
#define IMPORT tma_import_jsonl
#else
#define SUFFIX ".tmx"
#define IMPORT tma_import_tmx
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tma_tm *tm = fuzz_scratch_memory();
	tma_import_result res;
	tma_error err = { 0, "" };
	const char *path = fuzz_scratch_file(SUFFIX, data, size);

	if (IMPORT(tm, path, NULL, &res, &err) == TMA_OK) {
		FUZZ_CHECK(fuzz_documents(tm) == (int)res.documents);
		tma_import_result_free(&res);
		fuzz_empty_memory(tm);
	} else {
		FUZZ_CHECK(err.message[0] != '\0');
		FUZZ_CHECK(fuzz_documents(tm) == 0);
	}
	return 0;
}
