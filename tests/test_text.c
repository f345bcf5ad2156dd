/*
 * test_text.c - reading and decoding input (src/text.c).
 */
#include <unistd.h>
#include <sys/stat.h>

#include "testutil.h"

/* Decode bytes and return the first sentence's text (caller frees). */
static char *first_sentence(const char *bytes, size_t n, const char *enc)
{
	tma_error err = { 0, "" };
	tma_text *text = NULL;
	tma_segmenter *seg = NULL;
	tma_doc *doc = NULL;
	char *s;

	if (tma_text_from_bytes(&text, "in.txt", bytes, n, enc, &err) ||
	    tma_segmenter_new(&seg, "uk", &err) ||
	    tma_segment(&doc, seg, text, 0, &err))
		fail_msg("%s", err.message);
	assert_true(doc->n > 0);
	s = strdup(doc->sent[0].text);
	tma_doc_free(doc);
	tma_segmenter_free(seg);
	tma_text_free(text);
	return s;
}

static void test_invalid_utf8(void **state)
{
	const char bad[] = "Good line.\nBad \xC3\x28 here.";
	tma_text *text = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_text_from_bytes(&text, "bad.txt", bad, sizeof(bad) - 1,
					     NULL, &err), TMA_EINPUT);
	assert_null(text);
	assert_int_equal(err.code, TMA_EINPUT);
	assert_non_null(strstr(err.message, "bad.txt"));
	assert_non_null(strstr(err.message, "byte 15"));
	assert_non_null(strstr(err.message, "line 2"));

	/* A sequence cut off at the end of the file. */
	assert_int_equal(tma_text_from_bytes(&text, "cut.txt", "ab\xD0", 3, NULL, &err),
			 TMA_EINPUT);
	assert_non_null(strstr(err.message, "byte 2"));
}

static void test_nul_byte(void **state)
{
	const char bad[] = "abc\0def";
	tma_text *text = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_text_from_bytes(&text, "nul.txt", bad, 7, NULL, &err),
			 TMA_EINPUT);
	assert_non_null(strstr(err.message, "nul.txt"));
	assert_non_null(strstr(err.message, "byte 3"));
	/* UTF-16 without a byte-order mark reads as NULs, and says so. */
	assert_int_equal(tma_text_from_bytes(&text, "u16.txt", "a\0b\0", 4, NULL, &err),
			 TMA_EINPUT);
	assert_non_null(strstr(err.message, "UTF-16"));
}

static void test_legacy_encodings(void **state)
{
	/* "Привіт." in windows-1251 and KOI8-U. */
	const char cp1251[] = "\xCF\xF0\xE8\xE2\xB3\xF2.";
	const char koi8u[] = "\xF0\xD2\xC9\xD7\xA6\xD4.";
	char *s;

	(void)state;
	s = first_sentence(cp1251, sizeof(cp1251) - 1, "windows-1251");
	assert_string_equal(s, "Привіт.");
	free(s);
	s = first_sentence(koi8u, sizeof(koi8u) - 1, "koi8-u");
	assert_string_equal(s, "Привіт.");
	free(s);
}

static void test_utf16_and_bom(void **state)
{
	/* "Ok. Так." in UTF-16LE with BOM, no --encoding needed. */
	const char le[] = "\xFF\xFE" "O\0k\0.\0 \0\x22\x04\x30\x04\x3A\x04.\0";
	const char bom8[] = "\xEF\xBB\xBF" "Hi.";
	char *s;

	(void)state;
	s = first_sentence(le, sizeof(le) - 1, NULL);
	assert_string_equal(s, "Ok.");
	free(s);
	s = first_sentence(le, sizeof(le) - 1, "UTF-16");
	assert_string_equal(s, "Ok.");
	free(s);
	s = first_sentence(bom8, sizeof(bom8) - 1, NULL);
	assert_string_equal(s, "Hi.");
	free(s);
}

static void test_auto_detection(void **state)
{
	const char *uk = "Члени НАТО висловили стурбованість недавніми діями Росії на "
			 "території країн Альянсу та пообіцяли відповісти.";
	char cp[512];
	tma_text *text = NULL;
	tma_error err = { 0, "" };
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)uk;

	(void)state;
	/* Re-encode to windows-1251 by hand from the UTF-8 literal. */
	while (*p) {
		if (*p < 0x80) {
			cp[n++] = (char)*p++;
		} else {
			unsigned c = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			p += 2;
			if (c >= 0x410 && c <= 0x44F)
				cp[n++] = (char)(0xC0 + (c - 0x410));
			else if (c == 0x456)
				cp[n++] = (char)0xB3;
			else if (c == 0x457)
				cp[n++] = (char)0xBF;
			else if (c == 0x454)
				cp[n++] = (char)0xBA;
			else
				cp[n++] = '?';
		}
	}
	assert_int_equal(tma_text_from_bytes(&text, "cp.txt", cp, n, "auto", &err),
			 TMA_OK);
	assert_string_equal(tma_text_encoding(text), "windows-1251");
	assert_true(tma_text_confidence(text) > 0);
	tma_text_free(text);
}

static void test_unknown_encoding(void **state)
{
	tma_text *text = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_text_from_bytes(&text, "a.txt", "x", 1, "no-such-charset",
					     &err), TMA_EUSAGE);
	assert_non_null(strstr(err.message, "no-such-charset"));
}

static void test_files(void **state)
{
	tma_text *text = NULL;
	tma_error err = { 0, "" };
	char dir[] = "/tmp/tmalign-test-XXXXXX", path[128];
	FILE *f;

	(void)state;
	assert_int_equal(tma_text_load(&text, "fixtures", NULL, &err), TMA_EIO);
	assert_non_null(strstr(err.message, "directory"));
	assert_int_equal(tma_text_load(&text, "no/such/file.en.txt", NULL, &err),
			 TMA_EIO);
	assert_non_null(strstr(err.message, "no/such/file.en.txt"));

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.en.txt", dir);
	f = fopen(path, "w");
	fputs("Line one.\r\nLine two.", f);
	fclose(f);
	assert_int_equal(tma_text_load(&text, path, NULL, &err), TMA_OK);
	assert_int_equal(tma_text_bytes(text), 20);
	assert_string_equal(tma_text_name(text), path);
	tma_text_free(text);
	if (geteuid() != 0) {
		chmod(path, 0);
		assert_int_equal(tma_text_load(&text, path, NULL, &err), TMA_EIO);
	}
	unlink(path);
	rmdir(dir);
	tma_text_free(NULL);
}

static void test_hash_ignores_line_ends(void **state)
{
	tma_text *a = NULL, *b = NULL, *c = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_text_from_bytes(&a, "a", "x\ny", 3, NULL, &err), 0);
	assert_int_equal(tma_text_from_bytes(&b, "b", "x\r\ny", 4, NULL, &err), 0);
	assert_int_equal(tma_text_from_bytes(&c, "c", "x\ny.", 4, NULL, &err), 0);
	assert_true(tma_text_hash(a) == tma_text_hash(b));
	assert_true(tma_text_hash(a) != tma_text_hash(c));
	tma_text_free(c);
	/* An old Mac line end, a CR alone, is a line end too. */
	assert_int_equal(tma_text_from_bytes(&c, "c", "x\ry", 3, NULL, &err), 0);
	assert_true(tma_text_hash(a) == tma_text_hash(c));
	tma_text_free(a);
	tma_text_free(b);
	tma_text_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_legacy_encodings),
		cmocka_unit_test(test_utf16_and_bom),
		cmocka_unit_test(test_auto_detection),
		cmocka_unit_test(test_unknown_encoding),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_hash_ignores_line_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
