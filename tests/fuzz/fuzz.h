/*
 * fuzz.h - what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; built with clang's -fsanitize=fuzzer it is a
 * libFuzzer program (`make fuzz`), built with driver.c it replays the
 * inputs kept under tests/fuzz/ as a test (`make test`).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tmalign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: report and abort, so that the fuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",      \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

/* Write data to a scratch file of this process; returns its path. */
const char *fuzz_scratch_file(const char *suffix, const uint8_t *data, size_t size);

/* A scratch memory of this process, new and empty on the first call. */
tma_tm *fuzz_scratch_memory(void);

/* Remove every document of the scratch memory. */
void fuzz_empty_memory(tma_tm *tm);

/* How many documents a memory holds. */
int fuzz_documents(tma_tm *tm);

#endif
