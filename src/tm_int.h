/*
 * tm_int.h - the memory module's internals, shared by its files and by no
 * other: the handle, the one map of SQLite failures to tmalign's errors,
 * small statement helpers, the transaction rules and the full-text index
 * queue.
 *
 *   tm_open.c    opening, creating (atomically) and migrating a memory
 *   tm_store.c   storing aligned documents, removing, transactions
 *   tm_import.c  the importer: documents from files, one transaction
 *   tm_read.c    walking units, listing documents, stats, content keys
 *   tm_check.c   integrity: SQLite's checks and the memory's own invariants
 *   tm_search.c  the searches lookup is made of
 *   tm_words.c   the index of word forms, for lookup in any inflection
 */
#ifndef TMALIGN_TM_INT_H
#define TMALIGN_TM_INT_H

#include <sqlite3.h>

#include "memory.h"

#define BUSY_TIMEOUT_MS 60000

/* tma_tm_store's statements, prepared once per memory (see tm_store.c). */
typedef struct tm_inserter {
	sqlite3_stmt *doc, *version, *unit, *sentence, *have, *del, *content;
} tm_inserter;

/* The word index's tools on a handle (tm_words.c). */
typedef struct tm_words tm_words;

struct tma_tm {
	sqlite3 *db;
	char *path;
	int readonly;
	/*
	 * Opened with TMA_TM_CREATE where no file was: db is an empty memory
	 * in RAM until the first write makes the file (tm_materialize).
	 */
	int pending;
	int in_group;             /* tma_tm_begin opened a transaction */
	tm_inserter *ins;         /* NULL until the first store */
	sqlite3_int64 fts_from;   /* first sentence not in the full-text index */
	char *same_as;            /* tma_store_result.same_as, kept here */
	tm_words *words;          /* NULL until the first word is indexed */
};

/*
 * The code and message for SQLite's failure rc on tm, "PATH: WHAT: SQLITE'S
 * WORDS (HINT)"; returns the code. The one place SQLite's codes become
 * tmalign's.
 */
int tm_fail(tma_tm *tm, tma_error *err, int rc, const char *what);

/* Run sql; what says in a message what was being done. */
int tm_exec(tma_tm *tm, const char *sql, const char *what, tma_error *err);

/* Prepare sql into *st. */
int tm_prepare(tma_tm *tm, sqlite3_stmt **st, const char *sql, tma_error *err);

/* Step a prepared write once and reset it; SQLITE_DONE becomes TMA_OK. */
int tm_step(tma_tm *tm, sqlite3_stmt *st, tma_error *err);

/*
 * A single integer from sql into *out (0 when there is no row).
 */
int tm_query_int(tma_tm *tm, const char *sql, int64_t *out, tma_error *err);

/*
 * Make the file of a memory opened as pending (TMA_TM_CREATE where there
 * was none): built aside and linked into place, so that no process ever
 * sees a half-made memory and two creating at once both end up in the
 * same file. A no-op for a memory that has its file.
 */
int tm_materialize(tma_tm *tm, tma_error *err);

/*
 * Transactions. Every change is one: BEGIN IMMEDIATE (two writers never
 * deadlock upgrading their locks), or part of the caller's group
 * (tma_tm_begin). On failure everything since the begin is rolled back.
 */
int tm_tx_begin(tma_tm *tm, tma_error *err);
int tm_tx_commit(tma_tm *tm, tma_error *err);
void tm_tx_rollback(tma_tm *tm);

/*
 * The full-text index is filled once per transaction (tm/schema.sql,
 * migration 5): tm_fts_note records that a sentence was just inserted,
 * tm_fts_flush indexes all since, before a commit and before a removal.
 */
void tm_fts_note(tma_tm *tm);
int tm_fts_flush(tma_tm *tm, tma_error *err);

/* The statements that store documents (tm_store.c); freeing NULL is a no-op. */
int tm_inserter_prepare(tma_tm *tm, tm_inserter *ins, tma_error *err);
void tm_inserter_finalize(tm_inserter *ins);

/*
 * Remove the document called name if there is one; *gone says whether.
 * Sentences waiting for the index are indexed first (see tm_fts_flush).
 */
int tm_remove_doc(tma_tm *tm, tm_inserter *ins, const char *name, int *gone,
		  tma_error *err);

/*
 * Before document doc is deleted: the word model remembers how many of
 * the units it learned from go (a full training forgets them), and its
 * mark of the last unit learned moves below the ids SQLite may hand out
 * again, so that the next training learns the units stored after.
 */
int tm_model_forget_doc(tma_tm *tm, sqlite3_int64 doc, tma_error *err);

/*
 * The hash of a unit: for each language in the document's order, the
 * language and its sentences joined by spaces; a unit hashes the same
 * whether it was aligned (several sentences) or imported (one segment).
 * tm_unit_hash_side adds one side to h (from TMA_HASH_SEED).
 */
uint64_t tm_unit_hash_side(uint64_t h, const char *lang, const char *const *sent,
			   int n);

/*
 * Add the words of a stored sentence of lang, with their normal forms, to
 * the word index, inside the caller's transaction.
 */
int tm_index_text(tma_tm *tm, const char *lang, const char *text, tma_error *err);

/* Forget the words a handle wrote (its transaction rolled back); free. */
void tm_words_forget(tma_tm *tm);
void tm_words_free(tm_words *tw);

/* Register tmalign's SQL functions (tmalign_key, tmalign_content) on db. */
int tm_register_functions(sqlite3 *db);

/* The content key of a document, from its versions (tm_read.c). */
int tm_set_content(tma_tm *tm, sqlite3_int64 doc, tma_error *err);

#endif
