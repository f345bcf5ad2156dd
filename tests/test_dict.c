/*
 * test_dict.c - bilingual dictionaries read in place (src/dict.c): dictd
 * files, hunalign's word lists and compiled Apertium dictionaries, the
 * languages each says or is given, and errors that name the file.
 * The small dictionaries are in fixtures/dicts.
 */
#include <unistd.h>

#include "testutil.h"
#include "dict.h"

#define DICTS "fixtures/dicts/"

/* Does d hold the entry a -> b? */
static int has_entry(const tma_dict *d, const char *a, const char *b)
{
	size_t k;

	for (k = 0; k < tma_dict_size(d); k++) {
		const char *x, *y;
		tma_dict_entry(d, k, &x, &y);
		if (strcmp(x, a) == 0 && strcmp(y, b) == 0)
			return 1;
	}
	return 0;
}

static tma_dict *open_ok(const char *spec, const char *src, const char *tgt)
{
	tma_dict *d = NULL;
	tma_error err = { 0, "" };

	if (tma_dict_open(&d, spec, src, tgt, &err) != TMA_OK)
		fail_msg("%s: %s", spec, err.message);
	return d;
}

/* FreeDict's layout: senses numbered, labels and brackets left out. */
static void test_dictd(void **state)
{
	tma_dict *d = open_ok(DICTS "tiny-eng-ukr.index", NULL, NULL);

	(void)state;
	assert_string_equal(tma_dict_lang(d, 0), "en");
	assert_string_equal(tma_dict_lang(d, 1), "uk");
	assert_true(has_entry(d, "threat", "загроза"));
	assert_true(has_entry(d, "threat", "погроза"));
	assert_true(has_entry(d, "hybrid", "гібрид"));
	assert_true(has_entry(d, "hybrid", "гібридний"));
	assert_true(has_entry(d, "supreme court", "верховний суд"));
	assert_true(has_entry(d, "alliance", "союз"));
	/* Not the label, the bracket, the pronunciation, the description. */
	assert_false(has_entry(d, "hybrid", "біол"));
	assert_false(has_entry(d, "alliance", "союз військовий"));
	assert_false(has_entry(d, "alliance", "військовий"));
	assert_false(has_entry(d, "00-database-short", "Tiny English-Ukrainian test dictionary"));
	/* An example holding the headword is not a translation of it. */
	assert_false(has_entry(d, "threat", "threat of war — загроза війни"));
	assert_false(has_entry(d, "threat", "threat of war"));
	tma_dict_free(d);

	/* The .dict file names it too; and installed by name. */
	d = open_ok(DICTS "tiny-eng-ukr.dict", NULL, NULL);
	assert_true(has_entry(d, "threat", "загроза"));
	tma_dict_free(d);
	setenv("TMALIGN_DICT_PATH", "/nonexistent:" DICTS, 1);
	d = open_ok("tiny-eng-ukr", NULL, NULL);
	assert_true(has_entry(d, "alliance", "альянс"));
	tma_dict_free(d);
}

/* Languages from the description when the name does not say them. */
static void test_dictd_langs(void **state)
{
	tma_dict *d = open_ok(DICTS "tiny.index", NULL, NULL);

	(void)state;
	assert_string_equal(tma_dict_lang(d, 0), "en");
	assert_string_equal(tma_dict_lang(d, 1), "uk");
	assert_true(has_entry(d, "alliance", "альянс"));
	tma_dict_free(d);
	/* Given languages win, ua read as uk. */
	d = open_ok("ru-ua=" DICTS "tiny.index", NULL, NULL);
	assert_string_equal(tma_dict_lang(d, 0), "ru");
	assert_string_equal(tma_dict_lang(d, 1), "uk");
	tma_dict_free(d);
}

static void test_hunalign(void **state)
{
	tma_dict *d = open_ok("en-uk=" DICTS "hunalign-en-uk.txt", NULL, NULL);
	tma_error err = { 0, "" };

	(void)state;
	assert_true(has_entry(d, "threat", "загроза"));
	assert_true(has_entry(d, "supreme court", "верховний суд"));
	assert_int_equal(tma_dict_size(d), 3);
	tma_dict_free(d);
	d = open_ok(DICTS "hunalign-en-uk.txt", "en", "uk");
	assert_string_equal(tma_dict_lang(d, 1), "uk");
	tma_dict_free(d);
	/* Without languages: refused, saying how to give them. */
	assert_int_equal(tma_dict_open(&d, DICTS "hunalign-en-uk.txt", NULL, NULL, &err),
			 TMA_EINPUT);
	assert_null(d);
	assert_non_null(strstr(err.message, "hunalign-en-uk.txt"));
	assert_non_null(strstr(err.message, "SRC-TGT="));
}

/* Compiled with lttoolbox's lt-comp, listed with its lt-print. */
static void test_apertium(void **state)
{
	char dir[] = "/tmp/tmalign-dict-XXXXXX", cmd[512], bin[256];
	tma_dict *d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/rus-ukr.autobil.bin", dir);
	snprintf(cmd, sizeof(cmd), "lt-comp lr " DICTS "rus-ukr.dix %s >/dev/null", bin);
	assert_int_equal(system(cmd), 0);
	d = open_ok(bin, NULL, NULL);
	assert_string_equal(tma_dict_lang(d, 0), "ru");
	assert_string_equal(tma_dict_lang(d, 1), "uk");
	assert_true(has_entry(d, "угроза", "загроза"));
	assert_true(has_entry(d, "гибридный", "гібридний"));
	assert_true(has_entry(d, "союз", "союз"));
	assert_int_equal(tma_dict_size(d), 3);
	tma_dict_free(d);
	unlink(bin);
	rmdir(dir);
}

/* Missing, empty or foreign files: an error naming the file and the place. */
static void test_errors(void **state)
{
	char dir[] = "/tmp/tmalign-dict-XXXXXX", path[256], data[256];
	tma_dict *d = NULL;
	tma_error err = { 0, "" };
	FILE *f;

	(void)state;
	assert_int_equal(tma_dict_open(&d, "no-such-dictionary", NULL, NULL, &err), TMA_EIO);
	assert_non_null(strstr(err.message, "no-such-dictionary"));
	assert_null(d);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad-eng-ukr.index", dir);
	snprintf(data, sizeof(data), "%s/bad-eng-ukr.dict", dir);
	f = fopen(data, "w");
	assert_non_null(f);
	fputs("threat\nзагроза\n", f);
	fclose(f);
	/* An entry that reaches past the data. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("threat\tA\tBA\n", f);
	fclose(f);
	assert_int_equal(tma_dict_open(&d, path, NULL, NULL, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "bad-eng-ukr.index:1:"));
	/* Not an index line at all, on line 2. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("threat\tA\tQ\nnonsense\n", f);
	fclose(f);
	assert_int_equal(tma_dict_open(&d, path, NULL, NULL, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "bad-eng-ukr.index:2:"));
	/* The data file missing. */
	unlink(data);
	assert_int_equal(tma_dict_open(&d, path, NULL, NULL, &err), TMA_EIO);
	assert_non_null(strstr(err.message, "bad-eng-ukr.dict"));
	/* A .bin that is no Apertium dictionary. */
	snprintf(data, sizeof(data), "%s/eng-ukr.autobil.bin", dir);
	f = fopen(data, "w");
	assert_non_null(f);
	fputs("not a transducer", f);
	fclose(f);
	assert_int_equal(tma_dict_open(&d, data, NULL, NULL, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "eng-ukr.autobil.bin"));
	assert_null(d);
	unlink(data);
	unlink(path);
	rmdir(dir);
}

/* What is installed between two languages, either way round. */
static void test_installed(void **state)
{
	char **found = NULL;
	size_t n = 0, k;
	tma_error err = { 0, "" };
	int hit = 0;

	(void)state;
	setenv("TMALIGN_DICT_PATH", DICTS, 1);
	assert_int_equal(tma_dict_installed("uk", "en", &found, &n, &err), TMA_OK);
	for (k = 0; k < n; k++) {
		hit += strstr(found[k], "tiny") != NULL;
		free(found[k]);
	}
	free(found);
	assert_int_equal(hit, 2);
	assert_int_equal(tma_dict_installed("de", "fr", &found, &n, &err), TMA_OK);
	assert_int_equal(n, 0);
	free(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dictd),
		cmocka_unit_test(test_dictd_langs),
		cmocka_unit_test(test_hunalign),
		cmocka_unit_test(test_apertium),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_installed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
