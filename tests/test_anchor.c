/*
 * test_anchor.c - what lines up across languages (src/anchor.c): keys of
 * words across scripts, numbers in any notation, the lexicon's concepts,
 * dictionaries, and the classes and weights of the links between docs.
 */
#include <unistd.h>

#include "testutil.h"
#include "anchor.h"

/* The features of text (one sentence a line) in lang, with the built-in lexicon. */
typedef struct side {
	tma_doc *doc;
	tma_feats *f;
} side;

static tma_lexicon *lexicon(void)
{
	tma_lexicon *lx = tma_lexicon_new();
	tma_error err = { 0, "" };

	assert_non_null(lx);
	assert_int_equal(tma_lexicon_parse(lx, tma_embedded_get("lexicon.txt"), "lexicon.txt",
					   &err), TMA_OK);
	return lx;
}

static side make_side(tma_lexicon *lx, const char *lang, const char *text)
{
	side s;
	tma_tokenizer *tk;
	tma_error err = { 0, "" };

	s.doc = segment_string(lang, text, TMA_SEG_PRESEGMENTED);
	assert_int_equal(tma_lexicon_tokenizer(&tk, lx, lang, &err), TMA_OK);
	assert_int_equal(tma_feats_build(&s.f, tk, lx, s.doc, &err), TMA_OK);
	return s;
}

static void free_side(side s)
{
	tma_feats_free(s.f);
	tma_doc_free(s.doc);
}

/* Does sentence i of f hold the key k? */
static int has_key(const tma_feats *f, size_t i, const char *k)
{
	int32_t t;

	for (t = 0; t < f->ntok[i]; t++) {
		size_t len;
		const char *key = tma_strmap_key(&f->voc, f->tok[i][t], &len);
		if (len == strlen(k) && memcmp(key, k, len) == 0)
			return 1;
	}
	return 0;
}

/* Do sentence i of A and j of B share an anchor class? */
static int linked(const tma_links *l, size_t i, size_t j)
{
	int32_t x, y;

	for (x = 0; x < l->na[i]; x++)
		for (y = 0; y < l->nb[j]; y++)
			if (l->a[i][x] == l->b[j][y])
				return 1;
	return 0;
}

/* A name in Cyrillic and in Latin gives one loose key; so do spellings. */
static void test_keys_across_scripts(void **state)
{
	tma_lexicon *lx = lexicon();
	side en = make_side(lx, "en", "President Zelensky spoke with Petr Fiala and Jozef.\n");
	side uk = make_side(lx, "uk", "Президент Зеленський говорив з Петром Фіалою і Йозефом.\n");
	side ru = make_side(lx, "ru", "Президент Зеленский говорил с Петром Фиалой.\n");

	(void)state;
	assert_true(has_key(en.f, 0, "zelenski"));
	assert_true(has_key(uk.f, 0, "zelenski"));
	assert_true(has_key(ru.f, 0, "zelenski"));
	assert_true(has_key(en.f, 0, "fiala"));
	/* j and y are both i: "Jozef", "Yozef" (Йозеф in BGN/PCGN). */
	assert_true(has_key(en.f, 0, "iozef"));
	free_side(en);
	free_side(uk);
	free_side(ru);
	tma_lexicon_free(lx);
}

/* Numbers keep their digits whatever the notation. */
static void test_numbers(void **state)
{
	tma_lexicon *lx = lexicon();
	side en = make_side(lx, "en", "It grew by 3.5 percent to 1,000 units.\n");
	side uk = make_side(lx, "uk", "Він зріс на 3,5 відсотка до 1 000 одиниць.\n");

	(void)state;
	assert_true(has_key(en.f, 0, "#35"));
	assert_true(has_key(uk.f, 0, "#35"));
	assert_true(has_key(en.f, 0, "#1000"));
	assert_true(has_key(uk.f, 0, "#1000"));
	free_side(en);
	free_side(uk);
	tma_lexicon_free(lx);
}

/*
 * The lexicon links words of different languages by concept, and the
 * links join exactly the sentences that translate each other here.
 */
static void test_links(void **state)
{
	tma_lexicon *lx = lexicon();
	side en = make_side(lx, "en",
			    "Last year the council met in Brussels.\n"
			    "The minister resigned on Tuesday.\n"
			    "NATO promised 40 billion.\n");
	side uk = make_side(lx, "uk",
			    "Міністр пішов у відставку у вівторок.\n"
			    "Минулого року рада зібралася в Брюсселі.\n"
			    "НАТО пообіцяло 40 мільярдів.\n");
	tma_links *l = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_links_build(&l, en.f, uk.f, &err), TMA_OK);
	assert_true(linked(l, 0, 1));    /* year, Brussels */
	assert_true(linked(l, 2, 2));    /* NATO, 40, billion */
	assert_false(linked(l, 2, 0));
	assert_false(linked(l, 0, 2));
	/* NATO, 40 and billion: three classes of this sentence. */
	assert_int_equal(l->na[2], 3);
	assert_true(l->wa[2] > 0);
	tma_links_free(l);
	free_side(en);
	free_side(uk);
	tma_lexicon_free(lx);
}

/* A name only one side has counts as unlinked: evidence of a gap. */
static void test_unlinked_names(void **state)
{
	tma_lexicon *lx = lexicon();
	side en = make_side(lx, "en", "The talks with Orban failed.\nIt rained.\n");
	side uk = make_side(lx, "uk", "Переговори провалилися.\nЙшов дощ.\n");
	tma_links *l = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_links_build(&l, en.f, uk.f, &err), TMA_OK);
	assert_true(l->ua[0] > 0);
	assert_true(l->ua[1] == 0);
	tma_links_free(l);
	free_side(en);
	free_side(uk);
	tma_lexicon_free(lx);
}

static const char *write_file(const char *name, const char *data, size_t n)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/tmalign-anchor-%d-%s", (int)getpid(), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

/* A hunalign dictionary links its words; a bad one is refused with the line. */
static void test_dictionary(void **state)
{
	static const char dict[] = "зброю @ weapon\nбагато слів @ many words\n";
	static const char bad[] = "зброя @ weapon\nno separator here\n";
	static const char nul[] = "зброя @ weapon\n\0\0\0\0\n";
	tma_lexicon *lx = tma_lexicon_new();
	tma_error err = { 0, "" };
	tma_links *l = NULL;
	side en, uk;
	const char *p;

	(void)state;
	p = write_file("a.dic", dict, sizeof(dict) - 1);
	assert_int_equal(tma_lexicon_load_dict(lx, p, "en", "uk", &err), TMA_OK);
	unlink(p);
	en = make_side(lx, "en", "They sent a weapon.\nIt rained.\n");
	uk = make_side(lx, "uk", "Йшов дощ.\nВони надіслали зброю.\n");
	assert_int_equal(tma_links_build(&l, en.f, uk.f, &err), TMA_OK);
	assert_true(linked(l, 0, 1));
	tma_links_free(l);
	free_side(en);
	free_side(uk);
	p = write_file("bad.dic", bad, sizeof(bad) - 1);
	assert_int_equal(tma_lexicon_load_dict(lx, p, "en", "uk", &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, ":2: expected 'target @ source'"));
	unlink(p);
	p = write_file("nul.dic", nul, sizeof(nul) - 1);
	assert_int_equal(tma_lexicon_load_dict(lx, p, "en", "uk", &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "NUL"));
	unlink(p);
	assert_int_equal(tma_lexicon_load_dict(lx, "/nonexistent.dic", "en", "uk", &err),
			 TMA_EIO);
	assert_non_null(strstr(err.message, "/nonexistent.dic"));
	tma_lexicon_free(lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_across_scripts),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_unlinked_names),
		cmocka_unit_test(test_dictionary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
