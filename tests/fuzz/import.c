/*
 * import.c - fuzz targets: importing a TMX file (fuzz-tmx) or JSON Lines
 * (fuzz-jsonl, built with FUZZ_JSONL) into a memory. A failed import must
 * leave the memory empty; a good one is removed again.
 */
#include <sqlite3.h>

#include "fuzz.h"
#include "tmalign_int.h"

static int documents(tma_tm *tm)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(tma_tm_db(tm), "SELECT count(*) FROM document", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

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

	if (IMPORT(tm, path, &res, &err) == TMA_OK) {
		FUZZ_CHECK(documents(tm) == (int)res.documents);
		fuzz_empty_memory(tm);
	} else {
		FUZZ_CHECK(err.message[0] != '\0');
		FUZZ_CHECK(documents(tm) == 0);
	}
	return 0;
}
