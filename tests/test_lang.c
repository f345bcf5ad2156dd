/*
 * test_lang.c - language tags and file names (src/lang.c).
 */
#include "testutil.h"
#include "lang.h"

static void expect(const char *tag, const char *lang, const char *region)
{
	char out[TMA_LANG_MAX], reg[TMA_LANG_MAX];

	if (tma_lang_normalize(out, reg, tag) != TMA_OK)
		fail_msg("'%s' was refused", tag);
	assert_string_equal(out, lang);
	assert_string_equal(reg, region);
}

static void test_normalize(void **state)
{
	char out[TMA_LANG_MAX];

	(void)state;
	expect("uk", "uk", "");
	expect("ua", "uk", "");
	expect("UA", "uk", "");
	expect("uk-UA", "uk", "UA");
	expect("UK", "uk", "");
	expect("en-US", "en", "US");
	expect("en_GB", "en", "GB");
	expect("ru", "ru", "");
	expect("sr-Latn-RS", "sr", "RS");
	assert_int_equal(tma_lang_normalize(out, NULL, ""), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "e"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "en us"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "12"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, NULL), TMA_EUSAGE);
	/* Well-formed tags that name no language. */
	assert_int_equal(tma_lang_normalize(out, NULL, "xx"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "und"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "qaa"), TMA_EUSAGE);
	assert_int_equal(tma_lang_normalize(out, NULL, "yue"), TMA_OK);
	assert_string_equal(out, "yue");
}

static void test_filename(void **state)
{
	char lang[TMA_LANG_MAX], stem[64];

	(void)state;
	assert_int_equal(tma_lang_from_filename(lang, stem, sizeof(stem),
						"dir/nato-hybrid.ua.txt"), TMA_OK);
	assert_string_equal(lang, "uk");
	assert_string_equal(stem, "nato-hybrid");
	assert_int_equal(tma_lang_from_filename(lang, NULL, 0, "a.b.en.txt"), TMA_OK);
	assert_string_equal(lang, "en");
	assert_int_equal(tma_lang_from_filename(lang, NULL, 0, "article.txt"),
			 TMA_ENOTFOUND);
	assert_int_equal(tma_lang_from_filename(lang, NULL, 0, ".en.txt"),
			 TMA_ENOTFOUND);
	assert_int_equal(tma_lang_from_filename(lang, NULL, 0, "x.v2.txt"),
			 TMA_ENOTFOUND);
}

/* A list of languages as --langs takes it. */
static void test_list(void **state)
{
	char langs[TMA_VIEW_LANGS][TMA_LANG_MAX], many[TMA_VIEW_LANGS * 3 + 8] = "";
	tma_error err = { 0, "" };
	int n = -1, k;

	(void)state;
	assert_int_equal(tma_lang_list("ua,EN-us,ru", langs, TMA_VIEW_LANGS, &n, &err), TMA_OK);
	assert_int_equal(n, 3);
	assert_string_equal(langs[0], "uk");
	assert_string_equal(langs[1], "en");
	assert_string_equal(langs[2], "ru");
	assert_int_equal(tma_lang_list(NULL, langs, TMA_VIEW_LANGS, &n, &err), TMA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(tma_lang_list("en,xx!", langs, TMA_VIEW_LANGS, &n, &err), TMA_EUSAGE);
	assert_non_null(strstr(err.message, "'xx!' is not a language code"));
	/* A language twice is a mistake (it would write two keys of one name). */
	assert_int_equal(tma_lang_list("en,uk,EN", langs, TMA_VIEW_LANGS, &n, &err),
			 TMA_EUSAGE);
	assert_non_null(strstr(err.message, "names en twice"));
	for (k = 0; k < 3; k++)
		strcat(many, k ? ",ru" : "en");
	assert_int_equal(tma_lang_list("en,uk,ru", langs, 2, &n, &err), TMA_EUSAGE);
	assert_non_null(strstr(err.message, "more than 2 languages"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
