/*
 * test_batch.c - whole collections (src/batch.c): lists of articles from
 * folders and manifests, and runs that store, skip and report in order.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char dir[64];

/* Write text to dir/name, making folders on the way. */
static void put(const char *name, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* An article k in en and uk, told apart by its number, sentences of it. */
static void put_article(const char *name, int k, int sentences)
{
	size_t cap = (size_t)sentences * 128 + 1;
	char *en = calloc(1, cap), *uk = calloc(1, cap), file[256];
	size_t ne = 0, nu = 0;
	int i;

	assert_non_null(en);
	assert_non_null(uk);
	for (i = 0; i < sentences; i++) {
		ne += (size_t)snprintf(en + ne, cap - ne, "Report %d says %d people came to "
				       "the square on day %d.\n", k, i + 1, i + 10);
		nu += (size_t)snprintf(uk + nu, cap - nu, "Звіт %d каже, що %d людей прийшли "
				       "на площу в день %d.\n", k, i + 1, i + 10);
	}
	snprintf(file, sizeof(file), "%s.en.txt", name);
	put(file, en);
	snprintf(file, sizeof(file), "%s.ua.txt", name);
	put(file, uk);
	free(en);
	free(uk);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/tmalign-batch-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_list_add(void **state)
{
	const char lang[3][TMA_LANG_MAX] = { "en", "uk", "en" };
	const char *const path[3] = { "a.en", "a.uk", "b.en" };
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };
	const tma_batch_item *it;

	(void)state;
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_list_add(l, "a", lang, path, 2, &err), TMA_OK);
	assert_int_equal(tma_batch_list_add(l, "b", lang, path, 3, &err), TMA_EUSAGE);
	assert_non_null(strstr(err.message, "language en given twice"));
	assert_int_equal(tma_batch_list_add(l, "c", lang, path, 1, &err), TMA_EUSAGE);
	assert_int_equal(tma_batch_list_add(l, "tab\there", lang, path, 2, &err), TMA_EINPUT);
	assert_int_equal(tma_batch_list_count(l), 1);
	it = tma_batch_list_item(l, 0);
	assert_string_equal(it->name, "a");
	assert_string_equal(it->path[1], "a.uk");
	assert_null(tma_batch_list_item(l, 1));
	tma_batch_list_free(l);
	tma_batch_list_free(NULL);
}

/* Sets of files by name, in folders; what is not an article is a note. */
static void test_scan_dir(void **state)
{
	char sub[128];
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };
	const char *const *notes;
	size_t n;

	(void)state;
	put_article("2025/06/b", 1, 2);
	put_article("a", 2, 2);
	put("a.ru.txt", "Отчёт.\n");
	put("lonely.en.txt", "Alone.\n");
	put("two.uk.txt", "Один.\n");
	put("two.ua.txt", "Два.\n");
	put("two.en.txt", "Two.\n");
	put("notes.txt", "Not a version.\n");
	snprintf(sub, sizeof(sub), "%s/2025/06/loop", dir);
	assert_int_equal(symlink("..", sub), 0);
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_scan_dir(l, dir, &err), TMA_OK);
	assert_int_equal(tma_batch_list_count(l), 2);
	assert_string_equal(tma_batch_list_item(l, 0)->name, "2025/06/b");
	assert_string_equal(tma_batch_list_item(l, 1)->name, "a");
	/* en, uk, ru: the newsroom's order whatever the files' order. */
	assert_int_equal(tma_batch_list_item(l, 1)->nlang, 3);
	assert_string_equal(tma_batch_list_item(l, 1)->lang[0], "en");
	assert_string_equal(tma_batch_list_item(l, 1)->lang[1], "uk");
	assert_string_equal(tma_batch_list_item(l, 1)->lang[2], "ru");
	n = tma_batch_list_notes(l, &notes);
	assert_int_equal(n, 3);
	assert_string_equal(notes[0], "2025/06/loop (a link to a folder, not followed)");
	assert_string_equal(notes[1], "lonely (only en)");
	assert_string_equal(notes[2], "two (two files of one language)");
	tma_batch_list_free(l);
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_scan_dir(l, "/nonexistent-dir", &err), TMA_EIO);
	tma_batch_list_free(l);
}

static void test_manifest(void **state)
{
	char path[128];
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };

	(void)state;
	put("m/list.tsv", "# articles\n\none\ten=a.en.txt\tua=a.ua.txt\r\n"
	    "two\t/abs/b.en.txt\tb.ru.txt\n");
	snprintf(path, sizeof(path), "%s/m/list.tsv", dir);
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_read_manifest(l, path, &err), TMA_OK);
	assert_int_equal(tma_batch_list_count(l), 2);
	assert_string_equal(tma_batch_list_item(l, 0)->lang[1], "uk");
	{
		/* The whole path, without the CR of the line's CRLF. */
		const char *p1 = tma_batch_list_item(l, 0)->path[1];
		assert_true(strlen(p1) > 11);
		assert_string_equal(p1 + strlen(p1) - 11, "/m/a.ua.txt");
	}
	assert_string_equal(tma_batch_list_item(l, 1)->path[0], "/abs/b.en.txt");
	assert_string_equal(tma_batch_list_item(l, 1)->lang[1], "ru");
	/* A bad manifest adds nothing. */
	put("m/bad.tsv", "three\ten=c.en.txt\tuk=c.uk.txt\nfour\ten=d.en.txt\n");
	snprintf(path, sizeof(path), "%s/m/bad.tsv", dir);
	assert_int_equal(tma_batch_read_manifest(l, path, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "bad.tsv:2: expected NAME"));
	assert_int_equal(tma_batch_list_count(l), 2);
	put("m/twice.tsv", "x\ten=c.en.txt\tuk=c.uk.txt\n# x again\nx\ten=d.en.txt\tru=d.ru.txt\n");
	snprintf(path, sizeof(path), "%s/m/twice.tsv", dir);
	assert_int_equal(tma_batch_read_manifest(l, path, &err), TMA_EINPUT);
	assert_non_null(strstr(err.message, "twice.tsv:3: 'x' again (line 1 names it too)"));
	assert_int_equal(tma_batch_list_count(l), 2);
	tma_batch_list_free(l);
}

/* What a run handed over: names and unit counts, in order. */
typedef struct seen {
	char names[256][32];
	size_t units[256];
	int status[256];
	size_t n;
	tma_tm *tm;
	int stored_before[256];   /* documents in the memory at the callback */
} seen;

static int docs_count(const tma_doc_info *d, void *ctx)
{
	(void)d;
	(*(int *)ctx)++;
	return 0;
}

static int on_result(const tma_batch_result *r, void *ctx)
{
	seen *s = ctx;
	tma_error err = { 0, "" };
	int n = 0;

	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", r->item->name);
	s->units[s->n] = r->al ? r->al->n : 0;
	s->status[s->n] = r->status;
	if (s->tm)
		tma_tm_list(s->tm, docs_count, &n, &err);
	s->stored_before[s->n++] = n;
	return 0;
}

static seen *run(tma_batch_list *l, int jobs, tma_tm *tm, int resume, int group,
		 tma_batch_summary *sum)
{
	seen *s = calloc(1, sizeof(*s));
	tma_batch_opts o;
	tma_error err = { 0, "" };

	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	o.tm = tm;
	o.resume = resume;
	o.group = group;
	o.on_result = on_result;
	o.ctx = s;
	s->tm = tm;
	if (tma_batch_run(l, &o, sum, &err))
		fail_msg("%s", err.message);
	return s;
}

/*
 * More articles than the workers' window (4 a worker, 64 more when
 * storing), the first one slow: every worker setting gives the same
 * results, in the list's order, each with its own units.
 */
static void test_order_beyond_window(void **state)
{
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };
	tma_batch_summary sum;
	char path[128];
	seen *one, *two;
	tma_tm *tm = NULL;
	size_t i;

	(void)state;
	put_article("w/000", 0, 3000);
	for (i = 1; i < 150; i++) {
		char name[32];
		snprintf(name, sizeof(name), "w/%03zu", i);
		put_article(name, (int)i, 1 + (int)(i % 4));
	}
	snprintf(path, sizeof(path), "%s/w", dir);
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_scan_dir(l, path, &err), TMA_OK);
	assert_int_equal(tma_batch_list_count(l), 150);
	one = run(l, 1, NULL, 0, 0, &sum);
	assert_int_equal(sum.aligned, 150);
	snprintf(path, sizeof(path), "%s/w.db", dir);
	assert_int_equal(tma_tm_open(&tm, path, TMA_TM_CREATE, &err), TMA_OK);
	two = run(l, 2, tm, 1, 0, &sum);
	assert_int_equal(sum.stored, 150);
	assert_int_equal(one->n, 150);
	assert_int_equal(two->n, 150);
	for (i = 0; i < 150; i++) {
		assert_string_equal(one->names[i], two->names[i]);
		assert_int_equal(one->units[i], two->units[i]);
		assert_int_equal(one->units[i], i == 0 ? 3000 : 1 + i % 4);
	}
	free(one);
	free(two);
	/* Again, resuming: everything is skipped as stored. */
	two = run(l, 2, tm, 1, 0, &sum);
	assert_int_equal(sum.skipped, 150);
	assert_int_equal(sum.aligned, 0);
	assert_int_equal(two->status[3], TMA_BATCH_SKIPPED);
	free(two);
	tma_tm_close(tm);
	tma_batch_list_free(l);
}

/* Stored one by one (group 1), an article is in the memory at its callback. */
static void test_group_of_one(void **state)
{
	tma_batch_list *l = NULL;
	tma_error err = { 0, "" };
	tma_batch_summary sum;
	char path[128];
	tma_tm *tm = NULL;
	seen *s;

	(void)state;
	put_article("g/a", 1, 3);
	put_article("g/b", 2, 3);
	snprintf(path, sizeof(path), "%s/g", dir);
	assert_int_equal(tma_batch_list_new(&l, &err), TMA_OK);
	assert_int_equal(tma_batch_scan_dir(l, path, &err), TMA_OK);
	snprintf(path, sizeof(path), "%s/g.db", dir);
	assert_int_equal(tma_tm_open(&tm, path, TMA_TM_CREATE, &err), TMA_OK);
	s = run(l, 1, tm, 0, 1, &sum);
	assert_int_equal(s->stored_before[0], 1);
	assert_int_equal(s->stored_before[1], 2);
	assert_int_equal(sum.stored, 2);
	free(s);
	/* Without resuming, the same articles are aligned and stored again. */
	s = run(l, 1, tm, 0, 1, &sum);
	assert_int_equal(sum.aligned, 2);
	assert_int_equal(sum.stored, 2);
	free(s);
	tma_tm_close(tm);
	tma_batch_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_add),
		cmocka_unit_test_setup_teardown(test_scan_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_beyond_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_of_one, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
