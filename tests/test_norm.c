/*
 * test_norm.c - words and their normal forms (src/words.c, src/norm.c,
 * src/match.c): what lets a lookup find a phrase in any inflected form.
 */
#include "testutil.h"
#include "match.h"

/* Does folded word w of lang have form f among its normal forms? */
static int has_form(tma_normalizer *nz, const char *lang, const char *w, const char *f)
{
	tma_error err = { 0, "" };
	const char *forms;
	int n, k;
	size_t at = 0;

	assert_int_equal(tma_norms(nz, lang, w, strlen(w), &forms, &n, &err), TMA_OK);
	assert_true(n >= 1 && n <= TMA_NORMS_MAX);
	for (k = 0; k < n; k++) {
		if (strcmp(forms + at, f) == 0)
			return 1;
		at += strlen(forms + at) + 1;
	}
	return 0;
}

static void test_forms_per_language(void **state)
{
	tma_normalizer *nz = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_normalizer_new(&nz, &err), TMA_OK);
	/* Hunspell's lemmas. */
	assert_true(has_form(nz, "uk", "гібридних", "гібридний"));
	assert_true(has_form(nz, "uk", "загроз", "загроза"));
	assert_true(has_form(nz, "ru", "угрозам", "угроза"));
	assert_true(has_form(nz, "en", "threats", "threat"));
	/* Two lemmas of one form. */
	assert_true(has_form(nz, "uk", "року", "рік"));
	assert_true(has_form(nz, "uk", "року", "рок"));
	/* Each part of a hyphenated word. */
	assert_true(has_form(nz, "uk", "сенатори-республіканці", "сенатор-республіканець"));
	/* A name no dictionary holds: Snowball's stem (Russian's for uk). */
	assert_true(has_form(nz, "ru", "джеррарду", "джеррард"));
	/* A word longer than any library's (here 150 letters, 300 bytes): itself,
	 * cut at a letter's start, for every language. */
	{
		char w[301], cut[127];
		int k;
		for (k = 0; k < 150; k++)
			memcpy(w + 2 * k, "ж", 2);
		w[300] = '\0';
		snprintf(cut, sizeof(cut), "%.126s", w);
		assert_true(has_form(nz, "uk", w, cut));
		assert_true(has_form(nz, "en", w, cut));
	}
	/* A language no library knows: the word itself. */
	assert_true(has_form(nz, "sw", "habari", "habari"));
	assert_string_equal(tma_normalizer_describe(nz, "sw"), "none");
	assert_non_null(strstr(tma_normalizer_describe(nz, "uk"), "hunspell uk_UA"));
	assert_non_null(strstr(tma_normalizer_describe(nz, "uk"), "snowball russian"));
	assert_non_null(strstr(tma_normalizer_describe(nz, "en"), "snowball en"));
	tma_normalizer_free(nz);
	tma_normalizer_free(NULL);
}

/* Words, their folded forms and where they stand. */
static void test_words(void **state)
{
	static const char text[] = "«Прем'єр-міністр» Де Кроо: 3,5 ВІДСОТКА!";
	tma_words *ws = NULL;
	tma_error err = { 0, "" };
	tma_word w[16];
	int n;

	(void)state;
	assert_int_equal(tma_words_new(&ws, &err), TMA_OK);
	/* ICU keeps the apostrophe inside a word and parts a hyphenated one. */
	n = tma_words_split(ws, text, w, 16);
	assert_int_equal(n, 6);
	assert_string_equal(tma_words_folded(ws, &w[0]), "прем'єр");
	assert_int_equal(w[0].start, strlen("«"));
	assert_string_equal(tma_words_folded(ws, &w[1]), "міністр");
	assert_string_equal(tma_words_folded(ws, &w[4]), "3,5");
	assert_string_equal(tma_words_folded(ws, &w[5]), "відсотка");
	assert_int_equal(w[5].end, strlen(text) - 1);
	tma_words_free(ws);
}

/* A phrase in order, a gap of two words at most, the form typed or not. */
static void test_phrase(void **state)
{
	tma_words *ws = NULL, *wt = NULL;
	tma_normalizer *nz = NULL;
	tma_error err = { 0, "" };
	tma_mword q[8], t[32];
	int nq, nt, at[8], same;

	(void)state;
	assert_int_equal(tma_words_new(&ws, &err), TMA_OK);
	assert_int_equal(tma_words_new(&wt, &err), TMA_OK);
	assert_int_equal(tma_normalizer_new(&nz, &err), TMA_OK);
	nq = tma_mwords_of(ws, nz, "uk", "гібридні загрози", q, 8, &err);
	assert_int_equal(nq, 2);
	nt = tma_mwords_of(wt, nz, "uk", "стійкість до гібридних загроз Росії", t, 32, &err);
	assert_int_equal(tma_mword_phrase(q, nq, t, nt, 2, at, &same), 0);
	assert_int_equal(at[0], 2);
	assert_int_equal(at[1], 3);
	assert_false(same);
	nt = tma_mwords_of(wt, nz, "uk", "гібридні та інші нові загрози", t, 32, &err);
	assert_int_equal(tma_mword_phrase(q, nq, t, nt, 2, at, &same), -1);
	nt = tma_mwords_of(wt, nz, "uk", "гібридні й нові загрози, гібридні загрози", t, 32, &err);
	assert_int_equal(tma_mword_phrase(q, nq, t, nt, 2, at, &same), 0);
	assert_int_equal(at[0], 4);   /* the tighter of the two */
	assert_true(same);
	nt = tma_mwords_of(wt, nz, "uk", "загрози гібридні", t, 32, &err);
	assert_int_equal(tma_mword_phrase(q, nq, t, nt, 2, at, &same), -1);
	tma_normalizer_free(nz);
	tma_words_free(ws);
	tma_words_free(wt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms_per_language),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_phrase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
