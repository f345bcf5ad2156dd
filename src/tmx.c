/*
 * tmx.c - TMX 1.4b out of the memory and into it.
 *
 * Export writes with libxml2's xmlTextWriter, which escapes markup; what it
 * does not do, dropping the characters XML 1.0 forbids, tma_xml_clean does
 * first. A <tu> per unit with at least two of the languages asked (CAT tools
 * skip or reject units without a translation), props x-doc, x-score, x-type,
 * a <tuv> per language. The file validates against tmx14.dtd.
 *
 * Import reads with libxml2's xmlTextReader, streaming, with the network,
 * DTD loading and entity substitution off: an entity reference in the text
 * is an error, so neither an external entity (a local file) nor an
 * expansion bomb gets anywhere. A first pass collects the languages, the
 * second stores the units through the importer (tm.c) in one transaction.
 * Inline markup is reduced to its text: <hi> keeps its content, the codes in
 * <bpt>, <ept>, <ph>, <it>, <ut> (and their <sub>) are dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "lang.h"
#include "memory.h"
#include "text.h"
#include "tmx.h"

/* Is c allowed in an XML 1.0 document? */
static int xml_char(UChar32 c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

char *tma_xml_clean(char *out, const char *s, size_t n)
{
	int32_t i = 0, len = (int32_t)n;
	size_t k = 0;

	while (i < len) {
		int32_t start = i;
		UChar32 c;
		U8_NEXT(s, i, len, c);
		if (c < 0 || !xml_char(c))
			continue;
		if (tma_is_space(c) && k == 0)
			continue;
		memcpy(out + k, s + start, (size_t)(i - start));
		k += (size_t)(i - start);
	}
	/* Trailing white space: step back over it code point by code point. */
	while (k > 0) {
		int32_t j = (int32_t)k;
		UChar32 c;
		U8_PREV(out, 0, j, c);
		if (!tma_is_space(c))
			break;
		k = (size_t)j;
	}
	out[k] = '\0';
	return out;
}

/* ------------------------------------------------------------------ */
/* Export                                                              */

/* The units to write: the sides of the languages asked, in their order. */
typedef struct selection {
	char langs[TMA_VIEW_LANGS][TMA_LANG_MAX];
	int nlangs;                  /* 0: every language of each unit */
	const tma_side *side[TMA_VIEW_LANGS];
	int nside;                   /* the non-empty sides chosen */
} selection;

static void select_sides(selection *s, const tma_unit_view *v)
{
	int k, l;

	s->nside = 0;
	if (s->nlangs == 0) {
		for (l = 0; l < v->nside; l++)
			if (v->side[l].n > 0)
				s->side[s->nside++] = &v->side[l];
		return;
	}
	for (k = 0; k < s->nlangs; k++)
		for (l = 0; l < v->nside; l++)
			if (v->side[l].n > 0 && strcmp(v->side[l].lang, s->langs[k]) == 0)
				s->side[s->nside++] = &v->side[l];
}

typedef struct tmx_out {
	xmlTextWriterPtr w;
	selection sel;
	size_t units;
	char *clean;
	size_t ccap;
} tmx_out;

/* Cleaned copy of s in the scratch buffer; NULL when out of memory. */
static const char *clean(tmx_out *o, const char *s)
{
	size_t n = strlen(s);

	if (tma_grow(&o->clean, &o->ccap, n + 1, 1))
		return NULL;
	return tma_xml_clean(o->clean, s, n);
}

static int write_prop(xmlTextWriterPtr w, const char *type, const char *value)
{
	return xmlTextWriterStartElement(w, BAD_CAST "prop") < 0 ||
	       xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type) < 0 ||
	       xmlTextWriterWriteString(w, BAD_CAST value) < 0 ||
	       xmlTextWriterEndElement(w) < 0;
}

#define WRITE_FAILED 1

static int tmx_unit(const tma_unit_view *v, void *ctx)
{
	tmx_out *o = ctx;
	xmlTextWriterPtr w = o->w;
	char tuid[300], score[32], bead[TMA_VIEW_LANGS * 4 + 1] = "";
	const char *c;
	int k;

	select_sides(&o->sel, v);
	if (o->sel.nside < 2)
		return 0;
	snprintf(tuid, sizeof(tuid), "%s:%lld", v->doc, (long long)v->ord);
	snprintf(score, sizeof(score), "%.3f", v->score);
	for (k = 0; k < o->sel.nside; k++)
		snprintf(bead + strlen(bead), sizeof(bead) - strlen(bead), k ? "-%d" : "%d",
			 o->sel.side[k]->n > 9 ? 9 : o->sel.side[k]->n);
	if (xmlTextWriterStartElement(w, BAD_CAST "tu") < 0 ||
	    !(c = clean(o, tuid)) ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "tuid", BAD_CAST c) < 0 ||
	    !(c = clean(o, v->doc)) || write_prop(w, "x-doc", c) ||
	    write_prop(w, "x-score", score) || write_prop(w, "x-type", bead))
		return WRITE_FAILED;
	for (k = 0; k < v->nprop; k++) {
		char type[256];
		if (strcmp(v->prop[k].type, "x-doc") == 0 ||
		    strcmp(v->prop[k].type, "x-score") == 0 ||
		    strcmp(v->prop[k].type, "x-type") == 0)
			continue;
		snprintf(type, sizeof(type), "%s", clean(o, v->prop[k].type));
		if (!type[0] || !(c = clean(o, v->prop[k].value)) || write_prop(w, type, c))
			return WRITE_FAILED;
	}
	for (k = 0; k < o->sel.nside; k++) {
		const tma_side *sd = o->sel.side[k];
		if (!(c = clean(o, sd->text)) ||
		    xmlTextWriterStartElement(w, BAD_CAST "tuv") < 0 ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST sd->lang) < 0 ||
		    xmlTextWriterWriteElement(w, BAD_CAST "seg", BAD_CAST c) < 0 ||
		    xmlTextWriterEndElement(w) < 0)
			return WRITE_FAILED;
	}
	if (xmlTextWriterEndElement(w) < 0)
		return WRITE_FAILED;
	o->units++;
	return 0;
}

int tma_export_tmx(tma_tm *tm, const tma_export_opts *opts, FILE *out,
		   size_t *units, tma_error *err)
{
	tma_export_opts none = { NULL, NULL, NULL, 0 };
	tmx_out o;
	xmlOutputBufferPtr ob;
	char src[TMA_LANG_MAX], all[TMA_VIEW_LANGS * (TMA_LANG_MAX + 1)], date[32];
	time_t now = time(NULL);
	struct tm utc;
	int rc;

	if (!opts)
		opts = &none;
	memset(&o, 0, sizeof(o));
	if ((rc = tma_lang_list(opts->langs, o.sel.langs, TMA_VIEW_LANGS, &o.sel.nlangs, err)))
		return rc;
	/* srclang: asked for, else the first language asked, else the memory's. */
	if (opts->srclang) {
		if (tma_lang_normalize(src, NULL, opts->srclang))
			return tma_fail(err, TMA_EUSAGE, "'%s' is not a language code",
					opts->srclang);
	} else if (o.sel.nlangs) {
		memcpy(src, o.sel.langs[0], TMA_LANG_MAX);
	} else {
		if ((rc = tma_tm_langs(tm, opts->doc, all, sizeof(all), err)))
			return rc;
		snprintf(src, sizeof(src), "%.*s", (int)strcspn(all, ","), all);
		if (!src[0])
			strcpy(src, "*all*");
	}
	gmtime_r(&now, &utc);
	strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &utc);
	ob = xmlOutputBufferCreateFile(out, NULL);
	o.w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!o.w) {
		if (ob)
			xmlOutputBufferClose(ob);
		return tma_fail(err, TMA_ENOMEM, "cannot start the TMX writer");
	}
	xmlTextWriterSetIndent(o.w, 1);
	xmlTextWriterSetIndentString(o.w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(o.w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterWriteDTD(o.w, BAD_CAST "tmx", NULL, BAD_CAST "tmx14.dtd", NULL) < 0 ||
	    xmlTextWriterStartElement(o.w, BAD_CAST "tmx") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "version", BAD_CAST "1.4") < 0 ||
	    xmlTextWriterStartElement(o.w, BAD_CAST "header") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "creationtool", BAD_CAST "tmalign") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "creationtoolversion",
					BAD_CAST TMA_VERSION) < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "segtype", BAD_CAST "sentence") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "o-tmf", BAD_CAST "tmalign") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "adminlang", BAD_CAST "en") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "srclang", BAD_CAST src) < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "datatype", BAD_CAST "plaintext") < 0 ||
	    xmlTextWriterWriteAttribute(o.w, BAD_CAST "creationdate", BAD_CAST date) < 0 ||
	    xmlTextWriterEndElement(o.w) < 0 ||
	    xmlTextWriterStartElement(o.w, BAD_CAST "body") < 0) {
		rc = tma_fail(err, TMA_EIO, "cannot write the TMX");
		goto done;
	}
	rc = tma_tm_walk(tm, opts, tmx_unit, &o, err);
	if (rc == WRITE_FAILED)
		rc = tma_fail(err, TMA_EIO, "cannot write the TMX (disk full?)");
	if (!rc && xmlTextWriterEndDocument(o.w) < 0)
		rc = tma_fail(err, TMA_EIO, "cannot write the TMX (disk full?)");
	if (!rc && xmlTextWriterFlush(o.w) < 0)
		rc = tma_fail(err, TMA_EIO, "cannot write the TMX (disk full?)");
done:
	xmlFreeTextWriter(o.w);
	free(o.clean);
	if (units)
		*units = o.units;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                              */

typedef struct tmx_in {
	const char *path;
	xmlTextReaderPtr r;
	char error[512];              /* libxml2's first complaint */
	int error_line;
} tmx_in;

static void reader_error(void *ctx, xmlErrorPtr e)
{
	tmx_in *in = ctx;

	if (in->error[0] || !e)
		return;
	snprintf(in->error, sizeof(in->error), "%s", e->message ? e->message : "error");
	in->error[strcspn(in->error, "\n")] = '\0';
	in->error_line = e->line;
}

static int open_reader(tmx_in *in, tma_error *err)
{
	in->error[0] = '\0';
	in->r = xmlReaderForFile(in->path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (!in->r)
		return tma_fail(err, TMA_EIO, "%s: cannot open", in->path);
	xmlTextReaderSetStructuredErrorHandler(in->r, reader_error, in);
	/* Belt and braces: no entity substitution, no DTD. */
	xmlTextReaderSetParserProp(in->r, XML_PARSER_SUBST_ENTITIES, 0);
	xmlTextReaderSetParserProp(in->r, XML_PARSER_LOADDTD, 0);
	return TMA_OK;
}

/* The line of the node the reader is on (of its start tag for an end tag). */
static int line(const tmx_in *in)
{
	xmlNodePtr node = xmlTextReaderCurrentNode(in->r);
	long n = node ? xmlGetLineNo(node) : -1;

	return n > 0 ? (int)n : xmlTextReaderGetParserLineNumber(in->r);
}

/* The reader's failure as an error naming the file and line. */
static int read_failed(tmx_in *in, tma_error *err)
{
	return tma_fail(err, TMA_EINPUT, "%s:%d: %s", in->path,
			in->error_line ? in->error_line : line(in),
			in->error[0] ? in->error : "not well-formed XML");
}

static int is(const xmlChar *name, const char *what)
{
	return name && xmlStrcmp(name, BAD_CAST what) == 0;
}

/* The language of the current <tuv>, normalised; *full gets the full tag. */
static int tuv_lang(tmx_in *in, char lang[TMA_LANG_MAX], char *full, size_t n,
		    tma_error *err)
{
	xmlChar *tag = xmlTextReaderGetAttribute(in->r, BAD_CAST "xml:lang");
	char region[TMA_LANG_MAX];
	int rc = TMA_OK;

	if (!tag)
		tag = xmlTextReaderGetAttribute(in->r, BAD_CAST "lang");
	if (!tag)
		return tma_fail(err, TMA_EINPUT, "%s:%d: <tuv> without xml:lang", in->path,
				line(in));
	if (tma_lang_normalize(lang, region, (const char *)tag))
		rc = tma_fail(err, TMA_EINPUT, "%s:%d: '%s' is not a language code",
			      in->path, line(in), (const char *)tag);
	snprintf(full, n, "%s", region[0] ? (const char *)tag : "");
	xmlFree(tag);
	return rc;
}

/* An entity reference in the text: refused, never expanded. */
static int entity_refused(tmx_in *in, tma_error *err)
{
	const xmlChar *name = xmlTextReaderConstName(in->r);

	return tma_fail(err, TMA_EINPUT, "%s:%d: entity &%s; refused (tmalign expands "
			"no entities)", in->path, line(in), name ? (const char *)name : "?");
}

/* First pass: the check of the root and the languages, first seen first. */
static int scan_langs(tmx_in *in, char langs[][TMA_LANG_MAX], int *nlang,
		      tma_error *err)
{
	int ret, rc = TMA_OK, root = 1;

	*nlang = 0;
	while ((ret = xmlTextReaderRead(in->r)) == 1) {
		int type = xmlTextReaderNodeType(in->r);
		const xmlChar *name = xmlTextReaderConstName(in->r);
		char lang[TMA_LANG_MAX], full[64];
		int k;

		if (type == XML_READER_TYPE_ENTITY_REFERENCE)
			return entity_refused(in, err);
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (root) {
			xmlChar *v = xmlTextReaderGetAttribute(in->r, BAD_CAST "version");
			root = 0;
			if (!is(name, "tmx")) {
				xmlFree(v);
				return tma_fail(err, TMA_EINPUT, "%s:%d: not TMX (the root is <%s>)",
						in->path, line(in), (const char *)name);
			}
			if (!v || strncmp((const char *)v, "1.", 2) != 0) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%d: TMX version %s is not "
					      "supported (tmalign reads 1.1 to 1.4)", in->path,
					      line(in), v ? (const char *)v : "(none)");
				xmlFree(v);
				return rc;
			}
			xmlFree(v);
			continue;
		}
		if (!is(name, "tuv"))
			continue;
		if ((rc = tuv_lang(in, lang, full, sizeof(full), err)))
			return rc;
		for (k = 0; k < *nlang && strcmp(langs[k], lang) != 0; k++)
			;
		if (k == *nlang) {
			if (*nlang == TMA_VIEW_LANGS)
				return tma_fail(err, TMA_EINPUT, "%s:%d: more than %d languages",
						in->path, line(in), TMA_VIEW_LANGS);
			memcpy(langs[(*nlang)++], lang, TMA_LANG_MAX);
		}
	}
	if (ret < 0)
		return read_failed(in, err);
	if (root)
		return tma_fail(err, TMA_EINPUT, "%s: empty, not TMX", in->path);
	return TMA_OK;
}

/* Growable text. */
typedef struct text_buf {
	char *s;
	size_t n, cap;
} text_buf;

static int text_add(text_buf *t, const char *s, size_t n)
{
	if (tma_grow(&t->s, &t->cap, t->n + n + 1, 1))
		return TMA_ENOMEM;
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
	return TMA_OK;
}

/*
 * The text of the <seg> the reader is on, markup reduced: appends to t.
 * Leaves the reader on the </seg>.
 */
static int seg_text(tmx_in *in, text_buf *t, tma_error *err)
{
	int depth = xmlTextReaderDepth(in->r), skip = -1, ret;

	if (xmlTextReaderIsEmptyElement(in->r))
		return TMA_OK;
	while ((ret = xmlTextReaderRead(in->r)) == 1) {
		int type = xmlTextReaderNodeType(in->r), d = xmlTextReaderDepth(in->r);
		const xmlChar *name = xmlTextReaderConstName(in->r);

		if (type == XML_READER_TYPE_END_ELEMENT && d == depth)
			return TMA_OK;
		if (type == XML_READER_TYPE_ENTITY_REFERENCE)
			return entity_refused(in, err);
		if (skip >= 0) {
			if (type == XML_READER_TYPE_END_ELEMENT && d == skip)
				skip = -1;
			continue;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			if ((is(name, "bpt") || is(name, "ept") || is(name, "ph") ||
			     is(name, "it") || is(name, "ut") || is(name, "sub")) &&
			    !xmlTextReaderIsEmptyElement(in->r))
				skip = d;
			continue;
		}
		if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		    type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			const xmlChar *v = xmlTextReaderConstValue(in->r);
			if (v && text_add(t, (const char *)v, strlen((const char *)v)))
				return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
	}
	return ret < 0 ? read_failed(in, err)
		       : tma_fail(err, TMA_EINPUT, "%s: ends inside a <seg>", in->path);
}

/*
 * A segment as a sentence: NFC, without forbidden characters, white space
 * runs that hold a line break made one space, trimmed. Returns a new string.
 */
static char *normalize_seg(const char *s, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	UChar *u = NULL, *v = NULL;
	int32_t nu = 0, nv;
	char *out = NULL, *cleaned = malloc(n + 1);
	size_t len;

	if (!cleaned)
		return NULL;
	tma_xml_clean(cleaned, s, n);
	u_strFromUTF8(NULL, 0, &nu, cleaned, -1, &st);
	st = U_ZERO_ERROR;
	u = malloc(sizeof(UChar) * ((size_t)nu + 1));
	v = malloc(sizeof(UChar) * ((size_t)nu * 3 + 1));
	if (u && v) {
		u_strFromUTF8(u, nu + 1, NULL, cleaned, -1, &st);
		nv = unorm2_normalize(nfc, u, nu, v, nu * 3 + 1, &st);
		if (U_SUCCESS(st))
			out = tma_utf16_to_sentence(v, nv, &len, NULL);
	}
	free(u);
	free(v);
	free(cleaned);
	return out;
}

/* One <tu> being read. */
typedef struct tu_state {
	tma_import_unit unit;
	tma_import_side side[TMA_VIEW_LANGS];
	tma_prop prop[TMA_VIEW_PROPS];
	char *texts[TMA_VIEW_LANGS * 4];
	const char *sents[TMA_VIEW_LANGS][4];
	int ntext;
	text_buf props;               /* "type\0value\0" pairs */
	size_t prop_off[TMA_VIEW_PROPS][2];
} tu_state;

static void tu_reset(tu_state *s)
{
	int k;

	for (k = 0; k < s->ntext; k++)
		free(s->texts[k]);
	s->ntext = 0;
	memset(&s->unit, 0, sizeof(s->unit));
	s->unit.score = -1;
	s->unit.side = s->side;
	s->unit.prop = s->prop;
	s->props.n = 0;
}

static int tu_prop(tu_state *s, const char *type, const char *value)
{
	int k = s->unit.nprop;

	if (k == TMA_VIEW_PROPS)
		return TMA_OK;
	s->prop_off[k][0] = s->props.n;
	if (text_add(&s->props, type, strlen(type)))
		return TMA_ENOMEM;
	s->props.n++;   /* keep its terminating NUL */
	s->prop_off[k][1] = s->props.n;
	if (text_add(&s->props, value, strlen(value)))
		return TMA_ENOMEM;
	s->props.n++;
	s->unit.nprop++;
	return TMA_OK;
}

/* Add a segment of language lang to the unit. */
static int tu_seg(tu_state *s, const char *lang, char *text)
{
	int k;

	for (k = 0; k < s->unit.nside && strcmp(s->side[k].lang, lang) != 0; k++)
		;
	if (k == s->unit.nside) {
		if (k == TMA_VIEW_LANGS) {
			free(text);
			return TMA_OK;
		}
		memset(&s->side[k], 0, sizeof(s->side[k]));
		snprintf(s->side[k].lang, TMA_LANG_MAX, "%s", lang);
		s->side[k].sent = s->sents[k];
		s->unit.nside++;
	}
	if (s->side[k].n == 4 || s->ntext == TMA_VIEW_LANGS * 4) {
		free(text);   /* a fifth variant of one language: not kept */
		return TMA_OK;
	}
	s->texts[s->ntext++] = text;
	s->sents[k][s->side[k].n++] = text;
	return TMA_OK;
}

/* Second pass: every <tu> into the importer. */
static int read_units(tmx_in *in, tma_importer *im, tma_error *err)
{
	tu_state s;
	text_buf t = { NULL, 0, 0 };
	char lang[TMA_LANG_MAX] = "", full[64] = "";
	int ret, rc = TMA_OK, in_tu = 0, in_tuv = 0, have_seg = 0, k;

	memset(&s, 0, sizeof(s));
	tu_reset(&s);
	while ((ret = xmlTextReaderRead(in->r)) == 1) {
		int type = xmlTextReaderNodeType(in->r);
		const xmlChar *name = xmlTextReaderConstName(in->r);

		if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
			rc = entity_refused(in, err);
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT && is(name, "tu")) {
			tu_reset(&s);
			in_tu = 1;
		} else if (type == XML_READER_TYPE_ELEMENT && in_tu && is(name, "prop") &&
			   !in_tuv) {
			xmlChar *ptype = xmlTextReaderGetAttribute(in->r, BAD_CAST "type");
			xmlChar *value = xmlTextReaderReadString(in->r);
			if (ptype && value) {
				if (strcmp((const char *)ptype, "x-score") == 0) {
					char *end;
					double sc = strtod((const char *)value, &end);
					if (end != (char *)value && sc >= 0 && sc <= 1)
						s.unit.score = sc;
				} else if (strcmp((const char *)ptype, "x-type") != 0) {
					rc = tu_prop(&s, (const char *)ptype, (const char *)value);
				}
			}
			xmlFree(ptype);
			xmlFree(value);
			if (rc) {
				rc = tma_fail(err, rc, "out of memory");
				break;
			}
		} else if (type == XML_READER_TYPE_ELEMENT && in_tu && is(name, "tuv")) {
			if ((rc = tuv_lang(in, lang, full, sizeof(full), err)))
				break;
			in_tuv = 1;
			have_seg = 0;
			if (xmlTextReaderIsEmptyElement(in->r)) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%d: <tuv> without <seg>",
					      in->path, line(in));
				break;
			}
		} else if (type == XML_READER_TYPE_ELEMENT && in_tuv && is(name, "seg")) {
			char *text;
			t.n = 0;
			if ((rc = text_add(&t, "", 0)) || (rc = seg_text(in, &t, err)))
				break;
			text = normalize_seg(t.s, t.n);
			if (!text) {
				rc = tma_fail(err, TMA_ENOMEM, "out of memory");
				break;
			}
			have_seg = 1;
			if (!*text) {
				free(text);
			} else {
				tu_seg(&s, lang, text);
				if (full[0]) {
					char ptype[TMA_LANG_MAX + 8];
					snprintf(ptype, sizeof(ptype), "x-lang:%s", lang);
					if (tu_prop(&s, ptype, full)) {
						rc = tma_fail(err, TMA_ENOMEM, "out of memory");
						break;
					}
				}
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT && is(name, "tuv")) {
			in_tuv = 0;
			if (!have_seg) {
				rc = tma_fail(err, TMA_EINPUT, "%s:%d: <tuv> without <seg>",
					      in->path, line(in));
				break;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT && is(name, "tu")) {
			in_tu = 0;
			for (k = 0; k < s.unit.nprop; k++) {
				s.prop[k].type = s.props.s + s.prop_off[k][0];
				s.prop[k].value = s.props.s + s.prop_off[k][1];
			}
			if ((rc = tma_importer_unit(im, &s.unit, err))) {
				if (err)
					snprintf(err->message + strlen(err->message),
						 sizeof(err->message) - strlen(err->message),
						 " (%s:%d)", in->path, line(in));
				break;
			}
		}
	}
	if (!rc && ret < 0)
		rc = read_failed(in, err);
	tu_reset(&s);
	free(t.s);
	free(s.props.s);
	return rc;
}

int tma_import_tmx(tma_tm *tm, const char *path, const tma_import_opts *opts,
		   tma_import_result *res, tma_error *err)
{
	tmx_in in;
	tma_importer *im = NULL;
	char langs[TMA_VIEW_LANGS][TMA_LANG_MAX], name[TMA_NAME_MAX + 1];
	const char *lp[TMA_VIEW_LANGS];
	int nlang = 0, rc, k;

	memset(res, 0, sizeof(*res));
	memset(&in, 0, sizeof(in));
	in.path = path;
	if ((rc = open_reader(&in, err)))
		return rc;
	rc = scan_langs(&in, langs, &nlang, err);
	xmlFreeTextReader(in.r);
	in.r = NULL;
	if (rc)
		return rc;
	for (k = 0; k < nlang; k++)
		lp[k] = langs[k];
	tma_path_stem(name, sizeof(name), path);
	if ((rc = open_reader(&in, err)))
		return rc;
	if (!(rc = tma_importer_begin(&im, tm, path, 1, opts && opts->replace, err))) {
		if (nlang)
			rc = tma_importer_doc(im, name, lp, nlang, err);
		if (!rc)
			rc = read_units(&in, im, err);
		if (rc)
			tma_importer_end(im, 0, res, NULL);
		else
			rc = tma_importer_end(im, 1, res, err);
	}
	xmlFreeTextReader(in.r);
	return rc;
}
