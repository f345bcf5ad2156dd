/*
 * json.c - JSON out of the memory, JSON Lines into it, with cJSON.
 *
 * Export: one object per unit, {"doc", "tuid", LANG: [sentences]...,
 * "score", "bead", "pos": {LANG: index of the first sentence}}, the
 * languages of the unit's document (or those asked) in order; the first
 * unit of each document adds "source": {LANG: {"file", "hash"}}, the files
 * it was aligned from and their content hashes. "json" is one array,
 * "jsonl" one object a line; both stream.
 *
 * Import takes what export and `tmalign align --print jsonl` write: every
 * key that is a language tag holding an array of strings is a side; "doc"
 * names the document (else the file does), "score" and "bead" are kept,
 * and "source" becomes the document's versions (else the file imported is
 * their source): a memory merged from shards knows where each article came
 * from, and a batch over the same files skips what it holds.
 * Units of one document are consecutive lines; a document replaces one of
 * the same name. Errors name the file and line; one transaction per file.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tmalign_int.h"

typedef struct json_out {
	FILE *out;
	int lines;
	char langs[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int nlangs;
	size_t units;
	int64_t source_doc;        /* the document whose source was written */
} json_out;

#define WRITE_FAILED 1

/* Whether lang is to be written: one of those asked, or any when none was. */
static int asked(const json_out *o, const char *lang)
{
	int k;

	for (k = 0; k < o->nlangs; k++)
		if (strcmp(o->langs[k], lang) == 0)
			return 1;
	return !o->nlangs;
}

/* The sides to write: the languages asked, else all of the unit's. */
static int json_unit(const tma_unit_view *v, void *ctx)
{
	json_out *o = ctx;
	cJSON *obj = cJSON_CreateObject(), *pos = NULL;
	char tuid[300], bead[TMA_VIEW_LANGS * 4 + 1] = "";
	char *text = NULL;
	int k, l, n = o->nlangs ? o->nlangs : v->nside, any = 0, rc = WRITE_FAILED;

	if (!obj)
		return WRITE_FAILED;
	snprintf(tuid, sizeof(tuid), "%s:%lld", v->doc, (long long)v->ord);
	if (!cJSON_AddStringToObject(obj, "doc", v->doc) ||
	    !cJSON_AddStringToObject(obj, "tuid", tuid))
		goto done;
	for (k = 0; k < n; k++) {
		const char *lang = o->nlangs ? o->langs[k] : v->side[k].lang;
		const tma_side *sd = NULL;
		cJSON *arr = cJSON_AddArrayToObject(obj, lang);
		int m;

		for (l = 0; l < v->nside; l++)
			if (strcmp(v->side[l].lang, lang) == 0)
				sd = &v->side[l];
		if (!arr)
			goto done;
		snprintf(bead + strlen(bead), sizeof(bead) - strlen(bead), k ? "-%d" : "%d",
			 sd ? (sd->n > 9 ? 9 : sd->n) : 0);
		for (m = 0; sd && m < sd->n; m++) {
			cJSON *str = cJSON_CreateString(sd->sent[m]);
			if (!str)
				goto done;
			cJSON_AddItemToArray(arr, str);
			any = 1;
		}
	}
	if (!any) {
		rc = 0;   /* none of the languages asked: not written */
		goto done;
	}
	if (!cJSON_AddNumberToObject(obj, "score",
				     (double)(long)(v->score * 1000 + 0.5) / 1000) ||
	    !cJSON_AddStringToObject(obj, "bead", o->nlangs ? bead : v->bead) ||
	    !(pos = cJSON_AddObjectToObject(obj, "pos")))
		goto done;
	for (l = 0; l < v->nside; l++) {
		if (asked(o, v->side[l].lang) && v->side[l].n > 0 &&
		    !cJSON_AddNumberToObject(pos, v->side[l].lang, (double)v->side[l].pos))
			goto done;
	}
	if (v->doc_id != o->source_doc && v->nsource) {
		cJSON *src = cJSON_AddObjectToObject(obj, "source");
		if (!src)
			goto done;
		/* In the document's language order. */
		for (l = 0; l < v->nside; l++)
			for (k = 0; k < v->nsource; k++) {
				cJSON *one;
				if (strcmp(v->source[k].lang, v->side[l].lang) != 0 ||
				    !asked(o, v->side[l].lang))
					continue;
				if (!(one = cJSON_AddObjectToObject(src, v->source[k].lang)) ||
				    !cJSON_AddStringToObject(one, "file", v->source[k].file) ||
				    !cJSON_AddStringToObject(one, "hash", v->source[k].hash))
					goto done;
			}
		o->source_doc = v->doc_id;
	}
	text = cJSON_PrintUnformatted(obj);
	if (!text)
		goto done;
	if (fprintf(o->out, "%s%s", o->units && !o->lines ? ",\n" : "", text) < 0)
		goto done;
	if (o->lines && fputc('\n', o->out) == EOF)
		goto done;
	o->units++;
	rc = 0;
done:
	cJSON_free(text);
	cJSON_Delete(obj);
	return rc;
}

int tma_export_json(tma_tm *tm, const tma_export_opts *opts, int lines,
		    FILE *out, size_t *units, tma_error *err)
{
	json_out o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.source_doc = -1;
	o.lines = lines;
	if ((rc = tma_lang_list(opts ? opts->langs : NULL, o.langs, &o.nlangs, err)))
		return rc;
	if (!lines && fputs("[\n", out) == EOF)
		return tma_fail(err, TMA_EIO, "cannot write the JSON");
	rc = tma_tm_walk(tm, opts, json_unit, &o, err);
	if (rc == WRITE_FAILED)
		rc = tma_fail(err, TMA_EIO, "cannot write the JSON (disk full?)");
	if (!rc && !lines && fputs(o.units ? "\n]\n" : "]\n", out) == EOF)
		rc = tma_fail(err, TMA_EIO, "cannot write the JSON");
	if (units)
		*units = o.units;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

/* Keys of a unit object that are not languages. */
static int reserved(const char *key)
{
	static const char *const keys[] = { "doc", "tuid", "score", "bead", "pos", "source",
					    NULL };
	int k;

	for (k = 0; keys[k]; k++)
		if (strcmp(key, keys[k]) == 0)
			return 1;
	return 0;
}

/* "source": {LANG: {"file": "...", "hash": "..."}}, the document's versions. */
static int import_source(tma_importer *im, const cJSON *source, tma_error *err)
{
	const cJSON *one;

	if (!cJSON_IsObject(source))
		return tma_fail(err, TMA_EINPUT, "\"source\" must be an object of languages");
	cJSON_ArrayForEach(one, source) {
		const cJSON *file = cJSON_GetObjectItemCaseSensitive(one, "file");
		const cJSON *hash = cJSON_GetObjectItemCaseSensitive(one, "hash");
		char lang[TMA_LANG_MAX];
		int rc;

		if (tma_lang_normalize(lang, NULL, one->string))
			return tma_fail(err, TMA_EINPUT, "\"source\": '%s' is not a language "
					"code", one->string);
		if (!cJSON_IsString(file) || (hash && !cJSON_IsString(hash)))
			return tma_fail(err, TMA_EINPUT, "\"source\" of %s needs \"file\" (and "
					"\"hash\") as strings", lang);
		if ((rc = tma_importer_source(im, lang, file->valuestring,
					      hash ? hash->valuestring : NULL, err)))
			return rc;
	}
	return TMA_OK;
}

/* Read one line of any length into *buf; returns its length or -1 at EOF. */
static long read_line(FILE *f, char **buf, size_t *cap)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF) {
		if (tma_grow(buf, cap, n + 2, 1))
			return -2;
		if (c == '\n')
			break;
		(*buf)[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return -1;
	(*buf)[n] = '\0';
	return (long)n;
}

int tma_import_jsonl(tma_tm *tm, const char *path, tma_import_result *res,
		     tma_error *err)
{
	FILE *f = fopen(path, "r");
	tma_importer *im = NULL;
	char *buf = NULL, doc[256] = "", fallback[256];
	const char *base = strrchr(path, '/'), *dot;
	size_t cap = 0, lineno = 0;
	long n;
	int rc = TMA_OK;

	memset(res, 0, sizeof(*res));
	if (!f)
		return tma_fail(err, TMA_EIO, "%s: cannot open", path);
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(fallback, sizeof(fallback), "%.*s",
		 (int)(dot && dot > base ? dot - base : (long)strlen(base)), base);
	if ((rc = tma_importer_begin(&im, tm, path, 0, err))) {
		fclose(f);
		return rc;
	}
	while ((n = read_line(f, &buf, &cap)) >= 0) {
		tma_import_unit u;
		const char *langs[TMA_VIEW_LANGS];
		const char *sents[TMA_VIEW_LANGS * 8];
		int nsent = 0;
		cJSON *obj, *item, *name;
		long bad;

		lineno++;
		if (strspn(buf, " \t\r") == (size_t)n)
			continue;
		if ((bad = tma_utf8_bad(buf, (size_t)n)) >= 0) {
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: %s at byte %ld of the line",
				      path, lineno, buf[bad] ? "invalid UTF-8" : "a NUL byte", bad);
			break;
		}
		obj = cJSON_ParseWithLength(buf, (size_t)n);
		if (!cJSON_IsObject(obj)) {
			cJSON_Delete(obj);
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: not a JSON object", path, lineno);
			break;
		}
		memset(&u, 0, sizeof(u));
		u.score = -1;
		cJSON_ArrayForEach(item, obj) {
			char lang[TMA_LANG_MAX];
			cJSON *s;
			if (!item->string || reserved(item->string))
				continue;
			if (!cJSON_IsArray(item) || tma_lang_normalize(lang, NULL, item->string)) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%zu: \"%s\" is neither a language "
					      "with a list of sentences nor a known field", path,
					      lineno, item->string);
				break;
			}
			if (u.nside == TMA_VIEW_LANGS) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%zu: too many languages", path,
					      lineno);
				break;
			}
			snprintf(u.side[u.nside].lang, TMA_LANG_MAX, "%s", lang);
			u.side[u.nside].sent = sents + nsent;
			cJSON_ArrayForEach(s, item) {
				if (!cJSON_IsString(s) || nsent == TMA_VIEW_LANGS * 8) {
					rc = tma_fail(err, TMA_EINPUT, "%s:%zu: \"%s\" must hold "
						      "strings", path, lineno, item->string);
					break;
				}
				sents[nsent++] = s->valuestring;
				u.side[u.nside].n++;
			}
			if (rc)
				break;
			langs[u.nside] = u.side[u.nside].lang;
			u.nside++;
		}
		item = cJSON_GetObjectItemCaseSensitive(obj, "score");
		if (!rc && item) {
			if (!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > 1)
				rc = tma_fail(err, TMA_EINPUT, "%s:%zu: score must be a number "
					      "from 0 to 1", path, lineno);
			else
				u.score = item->valuedouble;
		}
		item = cJSON_GetObjectItemCaseSensitive(obj, "bead");
		if (!rc && cJSON_IsString(item))
			u.bead = item->valuestring;
		name = cJSON_GetObjectItemCaseSensitive(obj, "doc");
		if (!rc && u.nside == 0)
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: a unit without languages", path,
				      lineno);
		if (!rc) {
			const char *dn = cJSON_IsString(name) && name->valuestring[0]
					 ? name->valuestring : fallback;
			if (strcmp(dn, doc) != 0) {
				snprintf(doc, sizeof(doc), "%s", dn);
				rc = tma_importer_doc(im, doc, langs, u.nside, err);
			}
		}
		item = cJSON_GetObjectItemCaseSensitive(obj, "source");
		if (!rc && item)
			rc = import_source(im, item, err);
		if (!rc)
			rc = tma_importer_unit(im, &u, err);
		if (rc && err && !strstr(err->message, path)) {
			char where[300];
			size_t wl = (size_t)snprintf(where, sizeof(where), "%s:%zu: ", path,
						     lineno), ml = strlen(err->message);
			if (wl < sizeof(where) && wl + ml < sizeof(err->message)) {
				memmove(err->message + wl, err->message, ml + 1);
				memcpy(err->message, where, wl);
			}
		}
		cJSON_Delete(obj);
		if (rc)
			break;
	}
	if (!rc && n == -2)
		rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", path);
	if (!rc && ferror(f))
		rc = tma_fail(err, TMA_EIO, "%s: cannot read", path);
	fclose(f);
	free(buf);
	if (rc) {
		tma_importer_end(im, 0, res, NULL);
		return rc;
	}
	return tma_importer_end(im, 1, res, err);
}
