/*
 * test_wmodel.c - the word translation model (src/wmodel.c): EM by
 * agreement learns which words translate which from co-occurrence,
 * priors decide what the data cannot, anchors fix links, an update adds
 * to what was learned.
 */
#include "testutil.h"
#include "wmodel.h"

/* Words: source 1.. and target 101.. ids, 0 being NULL. */
enum { A = 1, B, C, D, X = 101, Y, Z, W };

static void add(tma_wm_corpus *c, const uint32_t *s, int ns, const uint32_t *t, int nt)
{
	assert_int_equal(tma_wm_corpus_add(c, s, ns, t, nt, NULL, 0), 0);
}

/* a-x, b-y, c-z: each pair shares one word with each other pair. */
static void corpus_abc(tma_wm_corpus *c)
{
	const uint32_t s1[] = { A, B }, t1[] = { X, Y };
	const uint32_t s2[] = { A, C }, t2[] = { X, Z };
	const uint32_t s3[] = { B, C }, t3[] = { Y, Z };

	memset(c, 0, sizeof(*c));
	add(c, s1, 2, t1, 2);
	add(c, s2, 2, t2, 2);
	add(c, s3, 2, t3, 2);
}

static void test_cooccurrence(void **state)
{
	tma_wm_corpus c;
	tma_wm_table tf, tb;

	(void)state;
	memset(&tf, 0, sizeof(tf));
	memset(&tb, 0, sizeof(tb));
	corpus_abc(&c);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &c, 5, 0), 0);
	assert_true(tma_wm_prob(&tf, A, X) > 2 * tma_wm_prob(&tf, A, Y));
	assert_true(tma_wm_prob(&tf, B, Y) > 2 * tma_wm_prob(&tf, B, Z));
	assert_true(tma_wm_prob(&tf, C, Z) > 2 * tma_wm_prob(&tf, C, X));
	/* The other direction learned the same links. */
	assert_true(tma_wm_prob(&tb, X, A) > 2 * tma_wm_prob(&tb, X, B));
	assert_true(tma_wm_prob(&tb, Z, C) > 2 * tma_wm_prob(&tb, Z, A));
	/* Probabilities of a row add up to at most 1. */
	assert_true(tma_wm_prob(&tf, A, X) + tma_wm_prob(&tf, A, Y) + tma_wm_prob(&tf, A, Z) <=
		    1.0001);
	tma_wm_table_free(&tf);
	tma_wm_table_free(&tb);
	tma_wm_corpus_free(&c);
}

/* One sentence cannot tell d-w from d-x: the prior does. */
static double prefers(uint32_t prior_to)
{
	const uint32_t s[] = { D }, t[] = { X, W };
	tma_wm_corpus c;
	tma_wm_table tf, tb;
	double r;

	memset(&tf, 0, sizeof(tf));
	memset(&tb, 0, sizeof(tb));
	memset(&c, 0, sizeof(c));
	add(&c, s, 1, t, 2);
	if (prior_to)
		assert_int_equal(tma_wm_prior(&tf, D, prior_to, 1.0), 0);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &c, 5, 0), 0);
	r = tma_wm_prob(&tf, D, W) / tma_wm_prob(&tf, D, X);
	tma_wm_table_free(&tf);
	tma_wm_table_free(&tb);
	tma_wm_corpus_free(&c);
	return r;
}

static void test_prior(void **state)
{
	(void)state;
	assert_true(prefers(0) > 0.9 && prefers(0) < 1.1);
	assert_true(prefers(W) > 1.5);
	assert_true(prefers(X) < 1 / 1.5);
}

/* An anchor gives a link its word's whole mass. */
static void test_anchor(void **state)
{
	const uint32_t s[] = { D, A }, t[] = { W, X }, anc[] = { 0 << 16 | 1 };
	tma_wm_corpus c;
	tma_wm_table tf, tb;

	(void)state;
	memset(&tf, 0, sizeof(tf));
	memset(&tb, 0, sizeof(tb));
	memset(&c, 0, sizeof(c));
	assert_int_equal(tma_wm_corpus_add(&c, s, 2, t, 2, anc, 1), 0);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &c, 5, 0), 0);
	assert_true(tma_wm_prob(&tf, D, X) > 2 * tma_wm_prob(&tf, D, W));
	tma_wm_table_free(&tf);
	tma_wm_table_free(&tb);
	tma_wm_corpus_free(&c);
}

/* An update adds one E step on new units to the counts held. */
static void test_update(void **state)
{
	const uint32_t s[] = { A, D }, t[] = { X, W };
	tma_wm_corpus c, more;
	tma_wm_table tf, tb;
	double before;

	(void)state;
	memset(&tf, 0, sizeof(tf));
	memset(&tb, 0, sizeof(tb));
	corpus_abc(&c);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &c, 5, 0), 0);
	assert_true(tma_wm_count(&tf, D, W) == 0);
	before = tma_wm_count(&tf, A, X);
	memset(&more, 0, sizeof(more));
	add(&more, s, 2, t, 2);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &more, 1, 1), 0);
	assert_true(tma_wm_count(&tf, A, X) > before);
	assert_true(tma_wm_count(&tf, D, W) > 0);
	/* a-x is known: d takes w rather than x. */
	assert_true(tma_wm_prob(&tf, D, W) > tma_wm_prob(&tf, D, X));
	tma_wm_table_free(&tf);
	tma_wm_table_free(&tb);
	tma_wm_corpus_free(&c);
	tma_wm_corpus_free(&more);
}

/* Stored and loaded: the counts and totals as they were. */
static void test_sorted_set(void **state)
{
	tma_wm_corpus c;
	tma_wm_table tf, tb, back;
	tma_wm_entry *e = NULL;
	size_t n = 0, k;

	(void)state;
	memset(&tf, 0, sizeof(tf));
	memset(&tb, 0, sizeof(tb));
	memset(&back, 0, sizeof(back));
	corpus_abc(&c);
	assert_int_equal(tma_wm_train_both(&tf, &tb, &c, 5, 0), 0);
	assert_int_equal(tma_wm_sorted(&tf, &e, &n), 0);
	assert_true(n >= 6);
	for (k = 1; k < n; k++) {
		uint32_t e0 = (uint32_t)((e[k - 1].key - 1) >> 32), e1 = (uint32_t)((e[k].key - 1) >> 32);
		assert_true(e0 < e1 || (e0 == e1 && e[k - 1].c >= e[k].c));
	}
	for (k = 0; k < n; k++)
		assert_int_equal(tma_wm_set(&back, (uint32_t)((e[k].key - 1) >> 32),
					    (uint32_t)(e[k].key - 1), e[k].c), 0);
	assert_float_equal(tma_wm_prob(&back, A, X), tma_wm_prob(&tf, A, X), 1e-6);
	assert_float_equal(tma_wm_prob(&back, B, Z), tma_wm_prob(&tf, B, Z), 1e-6);
	free(e);
	tma_wm_table_free(&tf);
	tma_wm_table_free(&tb);
	tma_wm_table_free(&back);
	tma_wm_corpus_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cooccurrence),
		cmocka_unit_test(test_prior),
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_sorted_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
