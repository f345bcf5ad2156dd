/*
 * test_lookup.c - exact, fuzzy and concordance lookups (src/lookup.c).
 */
#include <unistd.h>

#include "testutil.h"

static char dir[] = "/tmp/tmalign-lookup-XXXXXX";
static char path[128];
static tma_doc *docs[3];

/* The seed article, aligned and stored; the docs kept for the checks. */
static int setup(void **state)
{
	static const char *const files[3] = {
		"fixtures/nato-hybrid/nato-hybrid.en.txt",
		"fixtures/nato-hybrid/nato-hybrid.ua.txt",
		"fixtures/nato-hybrid/nato-hybrid.ru.txt",
	};
	static const char *const langs[3] = { "en", "uk", "ru" };
	tma_error err = { 0, "" };
	tma_source src[3];
	tma_aligner *al = NULL;
	tma_alignment *a = NULL;
	tma_store_result res;
	tma_tm *tm = NULL;
	int k;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/memory.db", dir);
	for (k = 0; k < 3; k++) {
		tma_text *t = NULL;
		tma_segmenter *seg = NULL;
		if (tma_text_load(&t, files[k], NULL, &err) ||
		    tma_segmenter_new(&seg, langs[k], &err) ||
		    tma_segment(&docs[k], seg, t, 0, &err))
			return -1;
		src[k].path = files[k];
		src[k].hash = tma_text_hash(t);
		tma_segmenter_free(seg);
		tma_text_free(t);
	}
	if (tma_aligner_new(&al, NULL, &err) || tma_align(&a, al, docs, 3, &err) ||
	    tma_tm_open(&tm, path, TMA_TM_CREATE, &err) ||
	    tma_tm_store(tm, "nato", docs, src, a, &res, &err))
		return -1;
	tma_tm_close(tm);
	tma_alignment_free(a);
	tma_aligner_free(al);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	int k;

	(void)state;
	for (k = 0; k < 3; k++)
		tma_doc_free(docs[k]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct session {
	tma_tm *tm;
	tma_lookup *lk;
} session;

static session open_session(void)
{
	session s = { NULL, NULL };
	tma_error err = { 0, "" };

	if (tma_tm_open(&s.tm, path, TMA_TM_READONLY, &err) ||
	    tma_lookup_new(&s.lk, s.tm, &err))
		fail_msg("%s", err.message);
	return s;
}

static void close_session(session s)
{
	tma_lookup_free(s.lk);
	tma_tm_close(s.tm);
}

static const char *trans(const tma_hit *h, const char *lang)
{
	int k;

	for (k = 0; k < h->ntrans; k++)
		if (strcmp(h->trans[k].lang, lang) == 0)
			return h->trans[k].text;
	return NULL;
}

/* The unit's Ukrainian side for English sentence i, as stored. */
static int words(const char *s)
{
	int n = 0, in = 0;

	for (; *s; s++) {
		int w = *s != ' ';
		n += w && !in;
		in = w;
	}
	return n;
}

static void test_every_sentence(void **state)
{
	session s = open_session();
	tma_error err = { 0, "" };
	size_t i, tested = 0;

	(void)state;
	for (i = 0; i < docs[0]->n; i++) {
		const char *q = docs[0]->sent[i].text;
		tma_lookup_opts o = { "en", "uk", 0, 5, 0 };
		const tma_hit *hits;
		size_t n;
		char shorter[2048];
		const char *p;
		size_t used = 0;
		int w = 0, nw = words(q);

		assert_int_equal(tma_lookup_run(s.lk, &o, q, &hits, &n, &err), TMA_OK);
		assert_true(n >= 1);
		assert_int_equal(hits[0].score, 100);
		assert_string_equal(hits[0].kind, "exact");
		assert_string_equal(hits[0].source, q);
		assert_string_equal(hits[0].doc, "nato");
		assert_non_null(trans(&hits[0], "uk"));
		assert_null(trans(&hits[0], "ru"));
		if (nw < 4)
			continue;   /* one word less would fall under 75 */
		/* The same sentence without its second word. */
		for (p = q; *p; p++) {
			if (*p == ' ')
				w++;
			if (w != 1)
				shorter[used++] = *p;
		}
		shorter[used] = '\0';
		assert_int_equal(tma_lookup_run(s.lk, &o, shorter, &hits, &n, &err), TMA_OK);
		if (n < 1 || strcmp(hits[0].source, q) != 0)
			fail_msg("'%s' did not find '%s' first", shorter, q);
		assert_true(hits[0].score >= 75);
		assert_true(hits[0].score < 100);
		assert_string_equal(hits[0].kind, "fuzzy");
		tested++;
	}
	assert_true(tested >= 10);
	close_session(s);
}

static void test_fuzzy_score_and_marks(void **state)
{
	session s = open_session();
	tma_error err = { 0, "" };
	tma_lookup_opts o = { "en", NULL, 50, 3, 0 };
	const tma_hit *hits;
	size_t n;

	(void)state;
	/* 17 words stored, 16 asked, 4 edits: 100 * (17 - 4) / 17 = 76. */
	assert_int_equal(tma_lookup_run(s.lk, &o,
		"NATO members have voiced concern over Russia's hybrid moves, which pose "
		"a danger to Alliance security.", &hits, &n, &err), TMA_OK);
	assert_true(n >= 1);
	assert_string_equal(hits[0].source, "NATO members have expressed \"deep concern\" "
			    "over Russia's hybrid actions, which pose a threat to Alliance "
			    "security.");
	assert_int_equal(hits[0].score, 76);
	assert_int_equal(hits[0].ntrans, 2);
	assert_int_equal(hits[0].nmark, 13);   /* the words kept */
	assert_memory_equal(hits[0].source + hits[0].mark[0][0], "NATO", 4);

	/* Case and punctuation only: 99, not exact. */
	assert_int_equal(tma_lookup_run(s.lk, &o, "russian PROPAGANDA!", &hits, &n, &err),
			 TMA_OK);
	assert_true(n >= 1);
	assert_int_equal(hits[0].score, 99);
	assert_string_equal(hits[0].kind, "fuzzy");
	close_session(s);
}

static void test_concordance(void **state)
{
	session s = open_session();
	tma_error err = { 0, "" };
	tma_lookup_opts o = { "uk", "en", 0, 10, 1 };
	const tma_hit *hits;
	size_t n, k;

	(void)state;
	assert_int_equal(tma_lookup_run(s.lk, &o, "де кроо", &hits, &n, &err), TMA_OK);
	assert_int_equal(n, 2);
	for (k = 0; k < n; k++) {
		assert_string_equal(hits[k].kind, "concordance");
		assert_memory_equal(hits[k].source + hits[k].at, "Де Кроо", strlen("Де Кроо"));
		assert_int_equal(hits[k].nmark, 2);
		/* Marks are byte ranges of the UTF-8 source. */
		assert_int_equal(hits[k].mark[0][0], hits[k].at);
		assert_int_equal(hits[k].mark[0][1] - hits[k].mark[0][0], strlen("Де"));
		assert_memory_equal(hits[k].source + hits[k].mark[1][0], "Кроо",
				    hits[k].mark[1][1] - hits[k].mark[1][0]);
		assert_int_equal(hits[k].mark[1][1] - hits[k].mark[1][0], strlen("Кроо"));
		assert_non_null(strstr(trans(&hits[k], "en"), "De Croo"));
	}
	/* Two letters work too. */
	assert_int_equal(tma_lookup_run(s.lk, &o, "ЄС", &hits, &n, &err), TMA_OK);
	assert_true(n >= 2);
	close_session(s);
}

static void test_query_is_data(void **state)
{
	static const char *const nasty[] = {
		"\"", "*", "(", ")", "NEAR(a b)", "a OR b", "^NATO", "'", "NATO\" OR \"",
		"x'; DROP TABLE unit; --", "sanctions* AND (Russia)", "col:text",
		"\"\"\"\"", "NOT", "AND", "+", "-", "{a b}",
	};
	session s = open_session();
	tma_error err = { 0, "" };
	tma_lookup_opts o = { "en", NULL, 0, 5, 0 };
	const tma_hit *hits;
	size_t n, k;
	int conc;

	(void)state;
	for (conc = 0; conc < 2; conc++)
		for (k = 0; k < sizeof(nasty) / sizeof(nasty[0]); k++) {
			int rc;
			o.concordance = conc;
			rc = tma_lookup_run(s.lk, &o, nasty[k], &hits, &n, &err);
			if (rc != TMA_OK && rc != TMA_EUSAGE)
				fail_msg("'%s': %s", nasty[k], err.message);
			assert_null(strstr(err.message, "syntax"));
			assert_null(strstr(err.message, "fts5"));
		}
	/* Quotes and stars are text: (NATO"*) still finds NATO, as a word. */
	o.concordance = 1;
	assert_int_equal(tma_lookup_run(s.lk, &o, "(NATO\"*)", &hits, &n, &err), TMA_OK);
	assert_true(n >= 1);
	assert_int_equal(tma_lookup_run(s.lk, &o, "NATO OR Russia", &hits, &n, &err),
			 TMA_OK);
	assert_int_equal(n, 0);   /* no sentence says "NATO or Russia" */
	/* The memory is still whole. */
	close_session(s);
	{
		tma_tm *tm = NULL;
		uint64_t d;
		assert_int_equal(tma_tm_open(&tm, path, 0, &err), TMA_OK);
		assert_int_equal(tma_tm_check(tm, &d, &err), TMA_OK);
		tma_tm_close(tm);
	}
}

static void test_bad_queries(void **state)
{
	session s = open_session();
	tma_error err = { 0, "" };
	tma_lookup_opts o = { "en", NULL, 0, 5, 0 };
	const tma_hit *hits;
	size_t n, k;
	char *longq = malloc(200001), *many = malloc(60001);

	(void)state;
	assert_int_equal(tma_lookup_run(s.lk, &o, "", &hits, &n, &err), TMA_EUSAGE);
	assert_int_equal(tma_lookup_run(s.lk, &o, " ?! ", &hits, &n, &err), TMA_EUSAGE);
	memset(longq, 'a', 200000);
	longq[200000] = '\0';
	assert_int_equal(tma_lookup_run(s.lk, &o, longq, &hits, &n, &err), TMA_EUSAGE);
	assert_non_null(strstr(err.message, "too long"));
	/* Many words: handled (the first ones count), nothing found. */
	for (k = 0; k < 60000; k += 6)
		memcpy(many + k, "word ", 5), many[k + 5] = ' ';
	many[60000] = '\0';
	assert_int_equal(tma_lookup_run(s.lk, &o, many, &hits, &n, &err), TMA_OK);
	assert_int_equal(n, 0);
	o.from = "not a language";
	assert_int_equal(tma_lookup_run(s.lk, &o, "NATO", &hits, &n, &err), TMA_EUSAGE);
	free(longq);
	free(many);
	close_session(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sentence),
		cmocka_unit_test(test_fuzzy_score_and_marks),
		cmocka_unit_test(test_concordance),
		cmocka_unit_test(test_query_is_data),
		cmocka_unit_test(test_bad_queries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
