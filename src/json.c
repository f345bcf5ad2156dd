/*
 * json.c - units as JSON, with cJSON: out of the memory (export), out of a
 * fresh alignment (`align --print jsonl`), and JSON Lines into the memory.
 *
 * One writer makes every unit object: {"doc", "tuid", LANG: [sentences]...,
 * "score", "bead", "pos": {LANG: index of the first sentence}}, the
 * languages of the unit's document (or those asked) in order; the first
 * unit of each document adds "source": {LANG: {"file", "hash"}}, the files
 * it was aligned from and their content hashes. "json" is one array,
 * "jsonl" one object a line; both stream.
 *
 * Import takes what that writer writes: every key that is a language tag
 * holding an array of strings is a side; "doc" names the document (else
 * the file does), "score" is kept, and "source" becomes the document's
 * versions (else the file imported is their source): a memory merged from
 * shards knows where each article came from, and a batch over the same
 * files skips what it holds. Units of one document are consecutive lines.
 * Errors name the file and line; one transaction per file.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lang.h"
#include "memory.h"

/* ------------------------------------------------------------------ */
/* The unit writer                                                     */

typedef struct json_out {
	FILE *out;
	int lines;
	char langs[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int nlangs;                /* 0: every language of each unit */
	size_t units;
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

/* The side of v in lang, or NULL. */
static const tma_side *side_in(const tma_unit_view *v, const char *lang)
{
	int l;

	for (l = 0; l < v->nside; l++)
		if (strcmp(v->side[l].lang, lang) == 0)
			return &v->side[l];
	return NULL;
}

/*
 * The sides to write, in order, as arrays of obj; their bead in bead.
 * Returns how many sentences they hold, or -1 when out of memory.
 */
static int add_sides(cJSON *obj, const json_out *o, const tma_unit_view *v, char *bead,
		     size_t nbead)
{
	int n = o->nlangs ? o->nlangs : v->nside, k, m, any = 0;

	bead[0] = '\0';
	for (k = 0; k < n; k++) {
		const char *lang = o->nlangs ? o->langs[k] : v->side[k].lang;
		const tma_side *sd = side_in(v, lang);
		cJSON *arr = cJSON_AddArrayToObject(obj, lang);
		if (!arr)
			return -1;
		snprintf(bead + strlen(bead), nbead - strlen(bead), k ? "-%d" : "%d",
			 sd ? (sd->n > 9 ? 9 : sd->n) : 0);
		for (m = 0; sd && m < sd->n; m++) {
			cJSON *str = cJSON_CreateString(sd->sent[m]);
			if (!str)
				return -1;
			cJSON_AddItemToArray(arr, str);
			any++;
		}
	}
	return any;
}

/* "pos" and, on a document's first unit, "source". */
static int add_places(cJSON *obj, const json_out *o, const tma_unit_view *v)
{
	cJSON *pos = cJSON_AddObjectToObject(obj, "pos"), *src;
	int l, k;

	if (!pos)
		return -1;
	for (l = 0; l < v->nside; l++)
		if (asked(o, v->side[l].lang) && v->side[l].n > 0 &&
		    !cJSON_AddNumberToObject(pos, v->side[l].lang, (double)v->side[l].pos))
			return -1;
	if (!v->first || !v->nsource)
		return 0;
	if (!(src = cJSON_AddObjectToObject(obj, "source")))
		return -1;
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
				return -1;
		}
	return 0;
}

/* Write one unit; units without any of the languages asked are not written. */
static int json_unit(const tma_unit_view *v, void *ctx)
{
	json_out *o = ctx;
	cJSON *obj = cJSON_CreateObject();
	char tuid[64], bead[TMA_VIEW_LANGS * 4 + 1];
	char *text = NULL;
	int rc = WRITE_FAILED, any;

	if (!obj)
		return WRITE_FAILED;
	snprintf(tuid, sizeof(tuid), ":%lld", (long long)v->ord);
	if (!cJSON_AddStringToObject(obj, "doc", v->doc) ||
	    !(text = malloc(strlen(v->doc) + strlen(tuid) + 1)))
		goto done;
	strcat(strcpy(text, v->doc), tuid);
	if (!cJSON_AddStringToObject(obj, "tuid", text))
		goto done;
	free(text);
	text = NULL;
	if ((any = add_sides(obj, o, v, bead, sizeof(bead))) <= 0) {
		rc = any < 0 ? WRITE_FAILED : 0;
		goto done;
	}
	if (!cJSON_AddNumberToObject(obj, "score",
				     (double)(long)(v->score * 1000 + 0.5) / 1000) ||
	    !cJSON_AddStringToObject(obj, "bead", o->nlangs ? bead : v->bead) ||
	    add_places(obj, o, v) || !(text = cJSON_PrintUnformatted(obj)))
		goto done;
	if (fprintf(o->out, "%s%s", o->units && !o->lines ? ",\n" : "", text) < 0 ||
	    (o->lines && fputc('\n', o->out) == EOF))
		goto done;
	o->units++;
	rc = 0;
done:
	if (text)
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
	o.lines = lines;
	if ((rc = tma_lang_list(opts ? opts->langs : NULL, o.langs, TMA_VIEW_LANGS,
				&o.nlangs, err)))
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
/* A fresh alignment                                                   */

/* The views of an alignment's units, one at a time. */
typedef struct align_views {
	tma_side side[TMA_MAX_LANGS];
	tma_view_source source[TMA_MAX_LANGS];
	char hash[TMA_MAX_LANGS][17];
	const char **sent;         /* the unit's sentences, side after side */
	char *joined;              /* and each side's joined text */
	size_t sentcap, joincap;
} align_views;

/* Fill the sides of unit u (of al, over docs) into av. */
static int unit_sides(align_views *av, const tma_unit *u, const tma_alignment *al,
		      tma_doc *const *docs)
{
	size_t need = 0, nsent = 0, at = 0;
	int l, k;

	for (l = 0; l < al->nlang; l++)
		for (k = 0; k < u->count[l]; k++) {
			need += docs[l]->sent[u->start[l] + (size_t)k].len + 1;
			nsent++;
		}
	if (tma_grow(&av->sent, &av->sentcap, nsent + 1, sizeof(char *)) ||
	    tma_grow(&av->joined, &av->joincap, need + TMA_MAX_LANGS, 1))
		return TMA_ENOMEM;
	for (l = 0, nsent = 0; l < al->nlang; l++) {
		tma_side *sd = &av->side[l];
		char *j = av->joined + at;
		memcpy(sd->lang, al->lang[l], TMA_LANG_MAX);
		sd->n = u->count[l];
		sd->pos = (int64_t)u->start[l];
		sd->sent = av->sent + nsent;
		sd->text = j;
		for (k = 0; k < u->count[l]; k++) {
			const tma_sentence *s = &docs[l]->sent[u->start[l] + (size_t)k];
			av->sent[nsent++] = s->text;
			if (k)
				*j++ = ' ';
			memcpy(j, s->text, s->len);
			j += s->len;
		}
		*j++ = '\0';
		at = (size_t)(j - av->joined);
	}
	return TMA_OK;
}

int tma_alignment_write_jsonl(FILE *out, const char *name, tma_doc *const *docs,
			      const tma_source *src, const tma_alignment *al,
			      tma_error *err)
{
	align_views av;
	json_out o;
	size_t i;
	int l, rc = TMA_OK;

	memset(&av, 0, sizeof(av));
	memset(&o, 0, sizeof(o));
	o.out = out;
	o.lines = 1;
	for (l = 0; l < al->nlang; l++) {
		snprintf(av.hash[l], sizeof(av.hash[l]), "%016llx",
			 (unsigned long long)src[l].hash);
		av.source[l].lang = al->lang[l];
		av.source[l].file = src[l].path;
		av.source[l].hash = av.hash[l];
	}
	for (i = 0; i < al->n && !rc; i++) {
		tma_unit_view v;
		char bead[16];
		memset(&v, 0, sizeof(v));
		if (unit_sides(&av, &al->unit[i], al, docs)) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			break;
		}
		v.doc = name;
		v.first = i == 0;
		v.nsource = al->nlang;
		v.source = av.source;
		v.ord = (int64_t)i;
		v.score = al->unit[i].score;
		v.bead = tma_unit_bead(&al->unit[i], al->nlang, bead);
		v.nside = al->nlang;
		v.side = av.side;
		if (json_unit(&v, &o))
			rc = tma_fail(err, TMA_EIO, "cannot write the JSON Lines");
	}
	free(av.sent);
	free(av.joined);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

#define JSONL_LINE_MAX ((size_t)16 << 20)

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

/*
 * The offset in s[0..n) of a \u0000 escape inside a JSON string, or -1:
 * cJSON would cut the string there, and the memory holds no NUL.
 */
static long nul_escape(const char *s, size_t n)
{
	size_t i;
	int in_string = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			in_string = !in_string;
		} else if (in_string && s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
				return (long)i;
			i++;   /* the escaped character */
		}
	}
	return -1;
}

/* The sentences of one line, in one growing array. */
typedef struct line_sides {
	tma_import_side side[TMA_VIEW_LANGS];
	const char **sent;
	size_t nsent, cap;
	size_t first[TMA_VIEW_LANGS];
} line_sides;

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

/* The sides of obj (its language keys) into u and ls. */
static int read_sides(const cJSON *obj, tma_import_unit *u, line_sides *ls,
		      tma_error *err)
{
	const cJSON *item, *s;
	int k;

	ls->nsent = 0;
	cJSON_ArrayForEach(item, obj) {
		tma_import_side *sd = &ls->side[u->nside];
		if (!item->string || reserved(item->string))
			continue;
		if (u->nside == TMA_VIEW_LANGS)
			return tma_fail(err, TMA_EINPUT, "more than %d languages", TMA_VIEW_LANGS);
		if (!cJSON_IsArray(item) || tma_lang_normalize(sd->lang, NULL, item->string))
			return tma_fail(err, TMA_EINPUT, "\"%s\" is neither a language with a "
					"list of sentences nor a known field", item->string);
		for (k = 0; k < u->nside; k++)
			if (strcmp(ls->side[k].lang, sd->lang) == 0)
				return tma_fail(err, TMA_EINPUT, "language %s twice", sd->lang);
		sd->n = 0;
		ls->first[u->nside] = ls->nsent;
		cJSON_ArrayForEach(s, item) {
			if (!cJSON_IsString(s))
				return tma_fail(err, TMA_EINPUT, "\"%s\" must hold strings",
						item->string);
			if (tma_grow(&ls->sent, &ls->cap, ls->nsent + 1, sizeof(char *)))
				return tma_fail(err, TMA_ENOMEM, "out of memory");
			ls->sent[ls->nsent++] = s->valuestring;
			sd->n++;
		}
		u->nside++;
	}
	for (k = 0; k < u->nside; k++)
		ls->side[k].sent = ls->sent + ls->first[k];
	u->side = ls->side;
	if (u->nside == 0)
		return tma_fail(err, TMA_EINPUT, "a unit without languages");
	return TMA_OK;
}

/* What a JSON Lines import keeps between lines. */
typedef struct jsonl_in {
	const char *path;
	tma_importer *im;
	char doc[TMA_NAME_MAX + 1];  /* the current document */
	char fallback[TMA_NAME_MAX + 1];
	line_sides ls;
} jsonl_in;

/* One unit object into the import. */
static int import_object(jsonl_in *in, const cJSON *obj, tma_error *err)
{
	tma_import_unit u;
	const char *langs[TMA_VIEW_LANGS];
	const cJSON *item;
	int rc, k;

	memset(&u, 0, sizeof(u));
	u.score = -1;
	if ((rc = read_sides(obj, &u, &in->ls, err)))
		return rc;
	item = cJSON_GetObjectItemCaseSensitive(obj, "score");
	if (item) {
		if (!cJSON_IsNumber(item) || !(item->valuedouble >= 0 && item->valuedouble <= 1))
			return tma_fail(err, TMA_EINPUT, "score must be a number from 0 to 1");
		u.score = item->valuedouble;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "doc");
	if (item && !cJSON_IsString(item))
		return tma_fail(err, TMA_EINPUT, "\"doc\" must be a string");
	item = item && item->valuestring[0] ? item : NULL;
	if (strcmp(item ? item->valuestring : in->fallback, in->doc) != 0) {
		if (item && strlen(item->valuestring) > TMA_NAME_MAX)
			return tma_name_check(item->valuestring, "\"doc\"", err);
		snprintf(in->doc, sizeof(in->doc), "%s", item ? item->valuestring : in->fallback);
		for (k = 0; k < u.nside; k++)
			langs[k] = u.side[k].lang;
		if ((rc = tma_importer_doc(in->im, in->doc, langs, u.nside, err)))
			return rc;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "source");
	if (item && (rc = import_source(in->im, item, err)))
		return rc;
	return tma_importer_unit(in->im, &u, err);
}

/* One line: checked, parsed, imported; errors get "PATH:LINE: " first. */
static int import_line(jsonl_in *in, const char *line, size_t n, size_t lineno,
		       tma_error *err)
{
	cJSON *obj;
	long bad;
	int rc;

	if ((bad = tma_utf8_bad(line, n)) >= 0)
		return tma_fail(err, TMA_EINPUT, "%s:%zu: invalid UTF-8 at byte %ld of the line",
				in->path, lineno, bad);
	if ((bad = nul_escape(line, n)) >= 0)
		return tma_fail(err, TMA_EINPUT, "%s:%zu: a NUL character (\\u0000) at byte "
				"%ld of the line", in->path, lineno, bad);
	obj = cJSON_ParseWithLength(line, n);
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return tma_fail(err, TMA_EINPUT, "%s:%zu: not a JSON object", in->path, lineno);
	}
	rc = import_object(in, obj, err);
	cJSON_Delete(obj);
	if (rc && err && strncmp(err->message, in->path, strlen(in->path)) != 0) {
		char msg[sizeof(err->message)];
		size_t at, len;
		memcpy(msg, err->message, sizeof(msg));
		snprintf(err->message, sizeof(err->message), "%s:%zu: ", in->path, lineno);
		at = strlen(err->message);
		len = strlen(msg);
		if (at + len >= sizeof(err->message))
			len = sizeof(err->message) - at - 1;
		memcpy(err->message + at, msg, len);
		err->message[at + len] = '\0';
	}
	return rc;
}

int tma_import_jsonl(tma_tm *tm, const char *path, const tma_import_opts *opts,
		     tma_import_result *res, tma_error *err)
{
	jsonl_in *in = calloc(1, sizeof(*in));
	tma_lines *lines = NULL;
	const char *line;
	size_t n;
	int rc, got;

	memset(res, 0, sizeof(*res));
	if (!in)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	in->path = path;
	tma_path_stem(in->fallback, sizeof(in->fallback), path);
	if ((rc = tma_lines_open(&lines, path, JSONL_LINE_MAX, err)) ||
	    (rc = tma_importer_begin(&in->im, tm, path, 0, opts && opts->replace, err)))
		goto done;
	while ((got = tma_lines_next(lines, &line, &n, err)) > 0)
		if (strspn(line, " \t\r") != n &&
		    (rc = import_line(in, line, n, tma_lines_number(lines), err)))
			break;
	if (!rc && got < 0)
		rc = got;
	if (rc)
		tma_importer_end(in->im, 0, res, NULL);
	else
		rc = tma_importer_end(in->im, 1, res, err);
done:
	tma_lines_close(lines);
	free(in->ls.sent);
	free(in);
	return rc;
}
