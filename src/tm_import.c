/*
 * tm_import.c - the importer: documents read from a file (TMX, JSON
 * Lines) put into the memory, all of one file in one transaction.
 *
 * A file brings documents one after another, each a run of units. A unit
 * the memory holds already may be skipped (dedupe, for TMX). A document
 * never silently replaces one of its name: unless the import replaces, a
 * name the memory holds gives the new document a name of its own,
 * "NAME (2)", and the result says so; a document equal to the stored one
 * (the same units) is skipped instead. The versions of a document (the
 * files it came from and their hashes) are what the file says, or the
 * file imported and a hash of the sentences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_int.h"

/* One language of the current document. */
typedef struct import_lang {
	char lang[TMA_LANG_MAX];
	int64_t pos;               /* sentences so far */
	uint64_t hash;             /* of its sentences, when no source is told */
	char *file;                /* the file it came from, when told */
	char given[17];            /* and its content hash, when told */
} import_lang;

struct tma_importer {
	tma_tm *tm;
	char *source;
	int dedupe, replace;
	tm_inserter ins;
	sqlite3_stmt *prop, *dup, *drop, *units_of;
	sqlite3_int64 doc;         /* the current document, 0 when none */
	char *asked;               /* the name it was given */
	char *named;               /* the name it is stored under */
	int nlang;
	import_lang lang[TMA_VIEW_LANGS];
	int64_t ord;
	uint64_t units_hash;       /* of its units' hashes in order */
	tma_import_result res;
	size_t notecap;
	tma_strmap seen;           /* the documents of this import */
};

/* Forget the current document's sources and names. */
static void forget_doc(tma_importer *im)
{
	int l;

	for (l = 0; l < TMA_VIEW_LANGS; l++) {
		free(im->lang[l].file);
		im->lang[l].file = NULL;
		im->lang[l].given[0] = '\0';
	}
	free(im->asked);
	free(im->named);
	im->asked = im->named = NULL;
	im->doc = 0;
}

void tma_import_result_free(tma_import_result *res)
{
	size_t k;

	if (!res)
		return;
	for (k = 0; k < res->nnotes; k++)
		free(res->notes[k]);
	free(res->notes);
	res->notes = NULL;
	res->nnotes = 0;
}

static void importer_free(tma_importer *im)
{
	forget_doc(im);
	tma_strmap_free(&im->seen);
	tm_inserter_finalize(&im->ins);
	sqlite3_finalize(im->prop);
	sqlite3_finalize(im->dup);
	sqlite3_finalize(im->drop);
	sqlite3_finalize(im->units_of);
	tma_import_result_free(&im->res);
	free(im->source);
	free(im);
}

int tma_importer_begin(tma_importer **out, tma_tm *tm, const char *source,
		       int dedupe, int replace, tma_error *err)
{
	tma_importer *im = calloc(1, sizeof(*im));
	int rc;

	*out = NULL;
	if (!im || !(im->source = tma_strdup(source))) {
		free(im);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	im->tm = tm;
	im->dedupe = dedupe;
	im->replace = replace;
	if ((rc = tm_tx_begin(tm, err)) || (rc = tm_inserter_prepare(tm, &im->ins, err)) ||
	    (rc = tm_prepare(tm, &im->prop,
		"INSERT INTO unit_prop (unit, type, value) VALUES (?1, ?2, ?3)", err)) ||
	    (rc = tm_prepare(tm, &im->dup, "SELECT 1 FROM unit WHERE hash = ?1 LIMIT 1",
			     err)) ||
	    (rc = tm_prepare(tm, &im->drop, "DELETE FROM document WHERE id = ?1", err)) ||
	    (rc = tm_prepare(tm, &im->units_of,
		"SELECT u.hash FROM unit u JOIN document d ON d.id = u.doc "
		"WHERE d.name = ?1 ORDER BY u.ord", err))) {
		tm_tx_rollback(tm);
		importer_free(im);
		return rc;
	}
	*out = im;
	return TMA_OK;
}

/* Add a note to the result: what became of a document's name. */
static int note(tma_importer *im, tma_error *err, const char *fmt, const char *a,
		const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *line = malloc(n);

	if (!line || tma_grow(&im->res.notes, &im->notecap, im->res.nnotes + 1,
			      sizeof(char *))) {
		free(line);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	snprintf(line, n, fmt, a, b);
	im->res.notes[im->res.nnotes++] = line;
	return TMA_OK;
}

/* The hash of the unit hashes of the stored document called name, in order. */
static int stored_units_hash(tma_importer *im, const char *name, uint64_t *out,
			     tma_error *err)
{
	int rc;

	*out = TMA_HASH_SEED;
	sqlite3_bind_text(im->units_of, 1, name, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(im->units_of)) == SQLITE_ROW)
		*out = tma_hash_mix(*out, (uint64_t)sqlite3_column_int64(im->units_of, 0));
	sqlite3_reset(im->units_of);
	return rc == SQLITE_DONE ? TMA_OK : tm_fail(im->tm, err, rc, "cannot read");
}

static int drop_doc(tma_importer *im, tma_error *err)
{
	int rc;

	if ((rc = tm_model_forget_doc(im->tm, im->doc, err)))
		return rc;
	sqlite3_bind_int64(im->drop, 1, im->doc);
	return tm_step(im->tm, im->drop, err);
}

/* The versions of the current document. */
static int store_versions(tma_importer *im, tma_error *err)
{
	int l, rc;

	for (l = 0; l < im->nlang; l++) {
		const import_lang *il = &im->lang[l];
		char hash[24];
		if (il->given[0])
			snprintf(hash, sizeof(hash), "%s", il->given);
		else
			snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)il->hash);
		sqlite3_bind_int64(im->ins.version, 1, im->doc);
		sqlite3_bind_text(im->ins.version, 2, il->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->ins.version, 3, il->file ? il->file : im->source, -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(im->ins.version, 4, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(im->ins.version, 5, il->pos);
		if ((rc = tm_step(im->tm, im->ins.version, err)))
			return rc;
	}
	return tm_set_content(im->tm, im->doc, err);
}

/*
 * Close the current document: nothing when it is empty; dropped when it
 * repeats the stored document it was renamed away from; else its versions.
 */
static int finish_doc(tma_importer *im, tma_error *err)
{
	int rc = TMA_OK;

	if (!im->doc)
		return TMA_OK;
	if (im->ord == 0) {
		rc = drop_doc(im, err);
	} else if (strcmp(im->asked, im->named) != 0) {
		uint64_t stored;
		if (!(rc = stored_units_hash(im, im->asked, &stored, err)) &&
		    stored == im->units_hash) {
			im->res.units -= (size_t)im->ord;
			im->res.skipped_docs++;
			rc = drop_doc(im, err);
			if (!rc)
				rc = note(im, err, "%s: in the memory already%s", im->asked, "");
		} else if (!rc && !(rc = store_versions(im, err))) {
			im->res.documents++;
			rc = note(im, err, "%s: the memory holds a document of that name; "
				  "imported as '%s' (--replace replaces it)", im->asked,
				  im->named);
		}
	} else if (!(rc = store_versions(im, err))) {
		im->res.documents++;
	}
	forget_doc(im);
	return rc;
}

int tma_importer_source(tma_importer *im, const char *lang, const char *file,
			const char *hash, tma_error *err)
{
	int l;
	size_t k;

	for (l = 0; l < im->nlang && strcmp(im->lang[l].lang, lang) != 0; l++)
		;
	if (!im->doc || l == im->nlang)
		return tma_fail(err, TMA_EINPUT, "\"source\" names %s, which is not one of "
				"the document's languages", lang);
	if (!file[0])
		return tma_fail(err, TMA_EINPUT, "the source file in %s is empty", lang);
	for (k = 0; hash && hash[k] && strchr("0123456789abcdef", hash[k]); k++)
		;
	if (hash && (k != 16 || hash[k]))
		return tma_fail(err, TMA_EINPUT, "the source hash in %s is not 16 hex digits",
				lang);
	free(im->lang[l].file);
	if (!(im->lang[l].file = tma_strdup(file)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	snprintf(im->lang[l].given, sizeof(im->lang[l].given), "%s", hash ? hash : "");
	return TMA_OK;
}

/* Is a document called name stored (before this import or in it)? */
static int name_taken(tma_importer *im, const char *name, int *taken, tma_error *err)
{
	int rc;

	sqlite3_bind_text(im->ins.have, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(im->ins.have);
	sqlite3_reset(im->ins.have);
	*taken = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? TMA_OK
						     : tm_fail(im->tm, err, rc, "cannot read");
}

/* The name to store im->asked under: itself, or the first free "NAME (k)". */
static int choose_name(tma_importer *im, tma_error *err)
{
	size_t n = strlen(im->asked) + 24;
	int rc, taken, k, gone;

	if (im->replace) {
		if ((rc = tm_remove_doc(im->tm, &im->ins, im->asked, &gone, err)))
			return rc;
		im->named = tma_strdup(im->asked);
		return im->named ? TMA_OK : tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if (!(im->named = malloc(n)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	strcpy(im->named, im->asked);
	for (k = 2;; k++) {
		if ((rc = name_taken(im, im->named, &taken, err)) || !taken)
			return rc;
		snprintf(im->named, n, "%s (%d)", im->asked, k);
	}
}

int tma_importer_doc(tma_importer *im, const char *name, const char *const *langs,
		     int nlang, tma_error *err)
{
	char joined[TMA_VIEW_LANGS * (TMA_LANG_MAX + 1)] = "";
	int l, k, rc, added;
	uint32_t id;

	if ((rc = finish_doc(im, err)) || (rc = tma_name_check(name, "a document name", err)))
		return rc;
	if (tma_strmap_intern(&im->seen, name, strlen(name), &id, &added))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (!added)
		return tma_fail(err, TMA_EINPUT, "document '%s' again, after another one: "
				"the units of a document must come together", name);
	if (nlang < 1 || nlang > TMA_VIEW_LANGS)
		return tma_fail(err, TMA_EINPUT, "%s: %d languages in one document",
				im->source, nlang);
	im->nlang = nlang;
	for (l = 0; l < nlang; l++) {
		for (k = 0; k < l; k++)
			if (strcmp(langs[k], langs[l]) == 0)
				return tma_fail(err, TMA_EINPUT, "%s: language %s twice in one "
						"document", im->source, langs[l]);
		snprintf(im->lang[l].lang, TMA_LANG_MAX, "%s", langs[l]);
		im->lang[l].pos = 0;
		im->lang[l].hash = TMA_HASH_SEED;
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
			 l ? "," : "", im->lang[l].lang);
	}
	im->ord = 0;
	im->units_hash = TMA_HASH_SEED;
	if (!(im->asked = tma_strdup(name)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((rc = choose_name(im, err)))
		return rc;
	sqlite3_bind_text(im->ins.doc, 1, im->named, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->ins.doc, 2, joined, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->ins.doc, 3, "import", -1, SQLITE_STATIC);
	sqlite3_bind_null(im->ins.doc, 4);
	if ((rc = tm_step(im->tm, im->ins.doc, err)))
		return rc;
	im->doc = sqlite3_last_insert_rowid(im->tm->db);
	return TMA_OK;
}

/* map[k]: the document's language of the unit's side k. */
static int map_sides(tma_importer *im, const tma_import_unit *u, int *map,
		     int *counts, tma_error *err)
{
	int k, l, nonempty = 0;

	for (k = 0; k < u->nside; k++) {
		for (l = 0; l < im->nlang && strcmp(im->lang[l].lang, u->side[k].lang) != 0; l++)
			;
		if (l == im->nlang)
			return tma_fail(err, TMA_EINPUT, "%s: language %s is not one of the "
					"document's", im->source, u->side[k].lang);
		map[k] = l;
		counts[l] += u->side[k].n;
		nonempty += u->side[k].n > 0;
	}
	return nonempty;
}

/* Is a unit of hash h stored already (counted as skipped)? */
static int duplicate(tma_importer *im, uint64_t h, int *dup, tma_error *err)
{
	int rc;

	*dup = 0;
	if (!im->dedupe)
		return TMA_OK;
	sqlite3_bind_int64(im->dup, 1, (sqlite3_int64)h);
	rc = sqlite3_step(im->dup);
	sqlite3_reset(im->dup);
	if (rc == SQLITE_ROW) {
		im->res.skipped++;
		*dup = 1;
		return TMA_OK;
	}
	return rc == SQLITE_DONE ? TMA_OK
				 : tm_fail(im->tm, err, rc, "cannot look for duplicates");
}

static int insert_sentence(tma_importer *im, sqlite3_int64 uid, int l,
			   const char *text, tma_error *err)
{
	import_lang *il = &im->lang[l];
	size_t len = strlen(text);
	int rc;

	il->hash = tma_hash_mix(il->hash, tma_hash(text, len));
	sqlite3_bind_int64(im->ins.sentence, 1, uid);
	sqlite3_bind_int64(im->ins.sentence, 2, im->doc);
	sqlite3_bind_text(im->ins.sentence, 3, il->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(im->ins.sentence, 4, 0);
	sqlite3_bind_int64(im->ins.sentence, 5, il->pos++);
	sqlite3_bind_null(im->ins.sentence, 6);
	sqlite3_bind_null(im->ins.sentence, 7);
	sqlite3_bind_text(im->ins.sentence, 8, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(im->ins.sentence, 9, (sqlite3_int64)tma_text_key(text));
	if ((rc = tm_step(im->tm, im->ins.sentence, err)))
		return rc;
	tm_fts_note(im->tm);
	return tm_index_text(im->tm, il->lang, text, err);
}

int tma_importer_unit(tma_importer *im, const tma_import_unit *u, tma_error *err)
{
	int counts[TMA_VIEW_LANGS] = { 0 }, map[TMA_VIEW_LANGS], l, k, m, rc, dup;
	uint64_t h = TMA_HASH_SEED;
	char bead[TMA_VIEW_LANGS * 4 + 1] = "";
	sqlite3_int64 uid;

	if (!im->doc)
		return tma_fail(err, TMA_ERROR, "%s: a unit outside a document", im->source);
	if (u->nside > TMA_VIEW_LANGS)
		return tma_fail(err, TMA_EINPUT, "%s: a unit of more than %d languages",
				im->source, TMA_VIEW_LANGS);
	if ((rc = map_sides(im, u, map, counts, err)) <= 0)
		return rc;
	/* The hash in the document's language order, as tma_tm_store makes it. */
	for (l = 0; l < im->nlang; l++)
		for (k = 0; k < u->nside; k++)
			if (map[k] == l)
				h = tm_unit_hash_side(h, im->lang[l].lang, u->side[k].sent,
						      u->side[k].n);
	if ((rc = duplicate(im, h, &dup, err)) || dup)
		return rc;
	if (u->bead)
		snprintf(bead, sizeof(bead), "%s", u->bead);
	else
		for (l = 0; l < im->nlang; l++)
			snprintf(bead + strlen(bead), sizeof(bead) - strlen(bead),
				 l ? "-%d" : "%d", counts[l] > 9 ? 9 : counts[l]);
	sqlite3_bind_int64(im->ins.unit, 1, im->doc);
	sqlite3_bind_int64(im->ins.unit, 2, im->ord);
	sqlite3_bind_double(im->ins.unit, 3, u->score < 0 ? 1.0 : u->score);
	sqlite3_bind_text(im->ins.unit, 4, bead, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->ins.unit, 5, (sqlite3_int64)h);
	if ((rc = tm_step(im->tm, im->ins.unit, err)))
		return rc;
	uid = sqlite3_last_insert_rowid(im->tm->db);
	for (l = 0; l < im->nlang; l++)
		for (k = 0; k < u->nside; k++)
			for (m = 0; map[k] == l && m < u->side[k].n; m++)
				if ((rc = insert_sentence(im, uid, l, u->side[k].sent[m], err)))
					return rc;
	for (k = 0; k < u->nprop; k++) {
		sqlite3_bind_int64(im->prop, 1, uid);
		sqlite3_bind_text(im->prop, 2, u->prop[k].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->prop, 3, u->prop[k].value, -1, SQLITE_STATIC);
		if ((rc = tm_step(im->tm, im->prop, err)))
			return rc;
	}
	im->units_hash = tma_hash_mix(im->units_hash, h);
	im->ord++;
	im->res.units++;
	return TMA_OK;
}

int tma_importer_end(tma_importer *im, int commit, tma_import_result *res,
		     tma_error *err)
{
	int rc = TMA_OK;

	if (commit && !(rc = finish_doc(im, err)))
		rc = tm_tx_commit(im->tm, err);
	if (!commit || rc) {
		tm_tx_rollback(im->tm);
		tma_import_result_free(&im->res);
		memset(&im->res, 0, sizeof(im->res));
	}
	if (res) {
		*res = im->res;
		memset(&im->res, 0, sizeof(im->res));
	}
	importer_free(im);
	return rc;
}
