/*
 * test_check.c - are the versions of an article what they claim to be
 * (src/check.c)?
 */
#include "testutil.h"

static const char en[] =
	"The council met in Brussels on Tuesday to discuss the budget for the next "
	"year and the sanctions against the aggressor.\n";
static const char uk[] =
	"Рада зібралася в Брюсселі у вівторок, щоб обговорити бюджет на наступний рік "
	"і санкції проти країни-агресора. Їхні міністри погодилися. Це рішення "
	"ухвалили після тривалої дискусії і голосування в Євросоюзі.\n";
static const char ru[] =
	"Совет собрался в Брюсселе во вторник, чтобы обсудить бюджет на следующий год "
	"и санкции против страны-агрессора. Их министры согласились, это объявлено. "
	"Эти меры были приняты быстро, и вы скоро увидите, что мы были правы.\n";

/* Check docs a (as lang_a) and b (as lang_b); the error code. */
static int check2(const char *lang_a, const char *a, const char *lang_b, const char *b,
		  tma_error *err)
{
	tma_doc *docs[2];
	tma_source src[2] = { { "a.txt", 1 }, { "b.txt", 2 } };
	int rc;

	docs[0] = segment_string(lang_a, a, 0);
	docs[1] = segment_string(lang_b, b, 0);
	if (strcmp(a, b) == 0)
		src[1].hash = src[0].hash;
	rc = tma_check_versions(docs, src, 2, err);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
	return rc;
}

static void test_right_versions(void **state)
{
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(check2("en", en, "uk", uk, &err), TMA_OK);
	assert_int_equal(check2("uk", uk, "ru", ru, &err), TMA_OK);
	/* Two copies of one text, however short, are refused; too few letters
	 * to judge a script are let through. */
	assert_int_equal(check2("en", "Yes.\n", "uk", "Yes.\n", &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "hold the same text"));
	assert_int_equal(check2("en", "OK.\n", "uk", "Так.\n", &err), TMA_OK);
}

static void test_wrong_versions(void **state)
{
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(check2("en", en, "uk", en, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "a.txt and b.txt hold the same text"));
	assert_int_equal(check2("en", ru, "uk", uk, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "a.txt: given as en"));
	assert_non_null(strstr(err.message, "Cyrillic"));
	assert_int_equal(check2("en", en, "uk", ru, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "b.txt: given as uk"));
	assert_non_null(strstr(err.message, "only Russian has"));
	assert_int_equal(check2("en", en, "ru", uk, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "b.txt: given as ru"));
	assert_int_equal(check2("en", "\n \n", "uk", uk, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "a.txt: no text in it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right_versions),
		cmocka_unit_test(test_wrong_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
