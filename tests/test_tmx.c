/*
 * test_tmx.c - TMX and JSON export and import (src/tmx.c, src/json.c).
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "memory.h"
#include "tmx.h"

static char dir[] = "/tmp/tmalign-tmx-XXXXXX";

static const char *path_in(const char *name)
{
	static char buf[8][256];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static tma_tm *fresh_tm(const char *name)
{
	tma_tm *tm = NULL;
	tma_error err = { 0, "" };

	unlink(path_in(name));
	if (tma_tm_open(&tm, path_in(name), TMA_TM_CREATE, &err))
		fail_msg("%s", err.message);
	return tm;
}

#define HEADER "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" " \
	"segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" " \
	"datatype=\"plaintext\"/><body>\n"
#define FOOTER "</body></tmx>\n"

/* Everything the memory holds, one line a unit: "lang=text|lang=text score". */
static int dump_unit(const tma_unit_view *v, void *ctx)
{
	char *out = ctx;
	int l;

	for (l = 0; l < v->nside; l++)
		if (v->side[l].n)
			snprintf(out + strlen(out), 65536 - strlen(out), "%s=%s|",
				 v->side[l].lang, v->side[l].text);
	snprintf(out + strlen(out), 65536 - strlen(out), " %.3f\n", v->score);
	return 0;
}

static char *dump(tma_tm *tm)
{
	char *out = calloc(1, 65536);
	tma_error err = { 0, "" };

	if (tma_tm_walk(tm, NULL, dump_unit, out, &err))
		fail_msg("%s", err.message);
	return out;
}

static int import_string(tma_tm *tm, const char *name, const char *tmx,
			 tma_import_result *res, tma_error *err)
{
	write_file(path_in(name), tmx, strlen(tmx));
	return tma_import_tmx(tm, path_in(name), NULL, res, err);
}

static void test_import_basics(void **state)
{
	tma_tm *tm = fresh_tm("a.db");
	tma_import_result res;
	tma_error err = { 0, "" };
	char *d;

	(void)state;
	assert_int_equal(import_string(tm, "basics.tmx", HEADER
		"<tu tuid=\"1\"><prop type=\"x-note\">kept</prop>"
		"<tuv xml:lang=\"UK-ua\"><seg>Привіт, <hi>світе</hi>!</seg></tuv>"
		"<tuv xml:lang=\"en-US\"><seg> Hello, <bpt i=\"1\">&lt;b&gt;</bpt>world"
		"<ept i=\"1\">&lt;/b&gt;</ept>!\n </seg></tuv></tu>\n"
		"<tu><tuv xml:lang=\"ua\"><seg>Два <ph>{0}</ph>речення.</seg></tuv>"
		"<tuv xml:lang=\"ru\"><seg>Два предложения.</seg></tuv>"
		"<tuv xml:lang=\"EN\"><seg><![CDATA[Two sentences.]]></seg></tuv></tu>\n"
		FOOTER, &res, &err), TMA_OK);
	assert_int_equal(res.documents, 1);
	assert_int_equal(res.units, 2);
	d = dump(tm);
	assert_string_equal(d,
		"uk=Привіт, світе!|en=Hello, world!| 1.000\n"
		"uk=Два речення.|en=Two sentences.|ru=Два предложения.| 1.000\n");
	free(d);

	/* The same units again, under another file name: all skipped. */
	assert_int_equal(import_string(tm, "again.tmx", HEADER
		"<tu><tuv xml:lang=\"uk\"><seg>Привіт, світе!</seg></tuv>"
		"<tuv xml:lang=\"en\"><seg>Hello, world!</seg></tuv></tu>" FOOTER,
		&res, &err), TMA_OK);
	assert_int_equal(res.units, 0);
	assert_int_equal(res.skipped, 1);
	assert_int_equal(res.documents, 0);
	tma_tm_close(tm);
}

static void test_utf16(void **state)
{
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
		"<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" "
		"segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" "
		"datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"en\"><seg>Hi.</seg></tuv>"
		"<tuv xml:lang=\"ru\"><seg>Привет.</seg></tuv></tu></body></tmx>";
	tma_tm *tm = fresh_tm("u16.db");
	tma_import_result res;
	tma_error err = { 0, "" };
	char buf[2048], *d;
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)xml;

	(void)state;
	/* UTF-16LE with a byte-order mark, made from the UTF-8 above. */
	buf[n++] = (char)0xFF;
	buf[n++] = (char)0xFE;
	while (*p) {
		unsigned c;
		if (*p < 0x80) {
			c = *p++;
		} else {
			c = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			p += 2;
		}
		buf[n++] = (char)(c & 0xFF);
		buf[n++] = (char)(c >> 8);
	}
	write_file(path_in("u16.tmx"), buf, n);
	assert_int_equal(tma_import_tmx(tm, path_in("u16.tmx"), NULL, &res, &err), TMA_OK);
	d = dump(tm);
	assert_string_equal(d, "en=Hi.|ru=Привет.| 1.000\n");
	free(d);
	tma_tm_close(tm);
}

/* Import must fail, say where, and store nothing. */
static void refused(const char *name, const char *tmx, const char *want)
{
	tma_tm *tm = fresh_tm("refused.db");
	tma_import_result res;
	tma_error err = { 0, "" };
	char *d;

	assert_int_not_equal(import_string(tm, name, tmx, &res, &err), TMA_OK);
	if (!strstr(err.message, want))
		fail_msg("%s: message \"%s\" lacks \"%s\"", name, err.message, want);
	assert_non_null(strstr(err.message, name));
	d = dump(tm);
	assert_string_equal(d, "");
	free(d);
	tma_tm_close(tm);
}

static void test_hostile(void **state)
{
	(void)state;
	refused("xxe.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [ <!ENTITY x SYSTEM "
		"\"file:///etc/passwd\"> ]>\n<tmx version=\"1.4\"><header/><body><tu>"
		"<tuv xml:lang=\"en\"><seg>a &x; b</seg></tuv></tu></body></tmx>",
		"entity &x; refused");
	refused("bomb.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n"
		"<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		"<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		"<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		"<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n]>\n"
		"<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&h;"
		"</seg></tuv></tu></body></tmx>", "bomb.tmx:");
	refused("version.tmx", "<tmx version=\"2.0\"><header/><body/></tmx>",
		"TMX version 2.0 is not supported");
	refused("noseg.tmx", HEADER "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>\n"
		"<tuv xml:lang=\"uk\"></tuv></tu>" FOOTER, "noseg.tmx:4: <tuv> without <seg>");
	refused("badlang.tmx", HEADER "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>\n"
		"<tuv xml:lang=\"not a language!\"><seg>b</seg></tuv></tu>" FOOTER,
		"'not a language!' is not a language code");
	refused("broken.tmx", HEADER "<tu><tuv xml:lang=\"en\"><seg>a</tuv></tu>" FOOTER,
		"broken.tmx:");
	refused("latin1.tmx", HEADER "<tu><tuv xml:lang=\"en\"><seg>caf\xE9</seg></tuv>"
		"</tu>" FOOTER, "latin1.tmx:");
	refused("html.tmx", "<html><body/></html>", "not TMX");
}

/* Align the fixture, store it, export TMX and JSON, check and re-import. */
static void test_round_trip(void **state)
{
	static const char *const files[3] = {
		"fixtures/nato-hybrid/nato-hybrid.en.txt",
		"fixtures/nato-hybrid/nato-hybrid.ua.txt",
		"fixtures/nato-hybrid/nato-hybrid.ru.txt",
	};
	static const char *const langs[3] = { "en", "uk", "ru" };
	tma_tm *tm = fresh_tm("orig.db"), *copy = NULL;
	tma_doc *docs[3];
	tma_source src[3];
	tma_aligner *al = NULL;
	tma_alignment *a = NULL;
	tma_store_result sr;
	tma_import_result ir;
	tma_error err = { 0, "" };
	size_t units = 0;
	char *d1, *d2, *json;
	FILE *f;
	int k;

	(void)state;
	for (k = 0; k < 3; k++) {
		tma_text *t = NULL;
		tma_segmenter *seg = NULL;
		assert_int_equal(tma_text_load(&t, files[k], NULL, &err), TMA_OK);
		assert_int_equal(tma_segmenter_new(&seg, langs[k], &err), TMA_OK);
		assert_int_equal(tma_segment(&docs[k], seg, t, 0, &err), TMA_OK);
		src[k].path = files[k];
		src[k].hash = tma_text_hash(t);
		tma_segmenter_free(seg);
		tma_text_free(t);
	}
	assert_int_equal(tma_aligner_new(&al, NULL, &err), TMA_OK);
	assert_int_equal(tma_align(&a, al, docs, 3, &err), TMA_OK);
	assert_int_equal(tma_tm_store(tm, "nato", docs, src, a, &sr, &err), TMA_OK);

	f = fopen(path_in("out.tmx"), "w");
	assert_int_equal(tma_export_tmx(tm, NULL, f, &units, &err), TMA_OK);
	fclose(f);
	assert_int_equal(units, a->n - 1);   /* the unit in Ukrainian only is left out */

	copy = fresh_tm("copy.db");
	assert_int_equal(tma_import_tmx(copy, path_in("out.tmx"), NULL, &ir, &err), TMA_OK);
	assert_int_equal(ir.units, units);
	/* The units a TMX can carry come back the same. */
	d1 = dump(tm);
	d2 = dump(copy);
	{
		/* Leave out the single-language unit of the original. */
		char *p = d1, *q;
		while ((q = strchr(p, '\n')) != NULL) {
			if (strncmp(p, "uk=Читайте", strlen("uk=Читайте")) == 0) {
				memmove(p, q + 1, strlen(q + 1) + 1);
				break;
			}
			p = q + 1;
		}
	}
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);

	/* JSON Lines: the same units again, into a third memory. */
	f = fopen(path_in("out.jsonl"), "w");
	assert_int_equal(tma_export_json(tm, NULL, 1, f, &units, &err), TMA_OK);
	fclose(f);
	assert_int_equal(units, a->n);
	tma_tm_close(copy);
	copy = fresh_tm("copy2.db");
	assert_int_equal(tma_import_jsonl(copy, path_in("out.jsonl"), NULL, &ir, &err), TMA_OK);
	assert_int_equal(ir.units, a->n);
	d1 = dump(tm);
	d2 = dump(copy);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);

	/* The JSON array form parses as one array. */
	f = fopen(path_in("out.json"), "w");
	assert_int_equal(tma_export_json(tm, NULL, 0, f, &units, &err), TMA_OK);
	fclose(f);
	json = read_file(path_in("out.json"), &units);
	assert_true(json[0] == '[');
	assert_non_null(strstr(json, "\"doc\":\"nato\""));
	free(json);

	tma_tm_close(copy);
	tma_tm_close(tm);
	tma_alignment_free(a);
	tma_aligner_free(al);
	for (k = 0; k < 3; k++)
		tma_doc_free(docs[k]);
}

static void test_xml_clean(void **state)
{
	char out[64];
	const char in[] = "  a\x01" "b\x0B\tc\xEF\xBF\xBE" "d\xC2\xA0 ";

	(void)state;
	assert_string_equal(tma_xml_clean(out, in, strlen(in)), "ab\tcd");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_basics),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_xml_clean),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
