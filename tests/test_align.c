/*
 * test_align.c - the aligner (src/align.c, src/anchor.c).
 */
#include <unistd.h>

#include "testutil.h"

/* A doc of lang from NULL-terminated sentences, one paragraph each blank-separated by "". */
static tma_doc *doc_of(const char *lang, const char *const *sents)
{
	size_t n = 0, i;
	char *buf;
	tma_doc *doc;

	for (i = 0; sents[i]; i++)
		n += strlen(sents[i]) + 1;
	buf = malloc(n + 1);
	n = 0;
	for (i = 0; sents[i]; i++) {
		memcpy(buf + n, sents[i], strlen(sents[i]));
		n += strlen(sents[i]);
		buf[n++] = '\n';
	}
	buf[n] = '\0';
	doc = segment_string(lang, buf, TMA_SEG_PRESEGMENTED);
	free(buf);
	return doc;
}

static tma_aligner *aligner(void)
{
	tma_aligner *al = NULL;
	tma_error err = { 0, "" };

	if (tma_aligner_new(&al, NULL, &err))
		fail_msg("%s", err.message);
	return al;
}

/* The ladder of an alignment, "[0]:[0] [1, 2]:[1] []:[3]". */
static char *ladder(const tma_alignment *al)
{
	size_t cap = 64 + al->n * 48, used = 0, i;
	char *s = malloc(cap);
	int l, k;

	s[0] = '\0';
	for (i = 0; i < al->n; i++) {
		if (i)
			s[used++] = ' ';
		for (l = 0; l < al->nlang; l++) {
			used += (size_t)snprintf(s + used, cap - used, l ? ":[" : "[");
			for (k = 0; k < al->unit[i].count[l]; k++)
				used += (size_t)snprintf(s + used, cap - used, k ? ", %zu" : "%zu",
							 al->unit[i].start[l] + (size_t)k);
			used += (size_t)snprintf(s + used, cap - used, "]");
		}
	}
	return s;
}

/* The ladder of languages x and y of a three-way alignment (units of neither left out). */
static char *project(const tma_alignment *al, int x, int y)
{
	tma_alignment two;
	tma_unit *u = calloc(al->n + 1, sizeof(tma_unit));
	size_t i, n = 0;
	char *s;

	for (i = 0; i < al->n; i++) {
		if (!al->unit[i].count[x] && !al->unit[i].count[y])
			continue;
		u[n].start[0] = al->unit[i].start[x];
		u[n].count[0] = al->unit[i].count[x];
		u[n].start[1] = al->unit[i].start[y];
		u[n++].count[1] = al->unit[i].count[y];
	}
	two.nlang = 2;
	two.n = n;
	two.unit = u;
	s = ladder(&two);
	free(u);
	return s;
}

/* Every sentence in exactly one unit, in order; no unit empty; scores in [0, 1]. */
static void check_invariants(const tma_alignment *al, tma_doc *const *docs)
{
	size_t next[TMA_MAX_LANGS] = { 0, 0, 0 }, i;
	int l;

	for (i = 0; i < al->n; i++) {
		int total = 0;
		for (l = 0; l < al->nlang; l++) {
			assert_int_equal(al->unit[i].start[l], next[l]);
			next[l] += (size_t)al->unit[i].count[l];
			total += al->unit[i].count[l];
		}
		assert_true(total > 0);
		assert_true(al->unit[i].score >= 0 && al->unit[i].score <= 1);
	}
	for (l = 0; l < al->nlang; l++)
		assert_int_equal(next[l], docs[l]->n);
}

static char *align_ladder(tma_aligner *al, tma_doc **docs, int n)
{
	tma_alignment *a = NULL;
	tma_error err = { 0, "" };
	char *s;

	if (tma_align(&a, al, docs, n, &err))
		fail_msg("%s", err.message);
	check_invariants(a, docs);
	s = ladder(a);
	tma_alignment_free(a);
	return s;
}

/* Align docs[0..n) with the default aligner, compare the ladder, free the docs. */
static void assert_ladder(tma_doc **docs, int n, const char *want)
{
	tma_aligner *al = aligner();
	char *s = align_ladder(al, docs, n);
	int k;

	assert_string_equal(s, want);
	free(s);
	for (k = 0; k < n; k++)
		tma_doc_free(docs[k]);
	tma_aligner_free(al);
}

static const char *const EN[] = {
	"NATO accuses Russia of malicious actions against Alliance countries",
	"NATO members have expressed concern over Russia's recent actions on the territory of 32 Alliance countries.",
	"Prime Minister Alexander De Croo said Russia was bribing members of the European Parliament.",
	"The inflation rate rose to 3.5 percent, and 1,000 people lost their jobs.",
	"Petr Fiala of Czechia called for new sanctions against Russia on Tuesday.",
	"Why does it matter?",
	"The summit will take place in Brussels next week.",
	NULL
};

static const char *const UK[] = {
	"НАТО звинуватило Росію у зловмисних діях проти країн Альянсу",
	"Члени НАТО висловили стурбованість недавніми діями Росії на території 32 країн Альянсу.",
	"Прем'єр-міністр Александр Де Кроо заявив, що Росія підкуповувала членів Європарламенту.",
	"Інфляція зросла до 3,5 відсотка, і 1 000 людей втратили роботу.",
	"Петр Фіала з Чехії закликав у вівторок запровадити нові санкції проти Росії.",
	"Чому це важливо?",
	"Саміт відбудеться в Брюсселі наступного тижня.",
	NULL
};

static void test_one_to_one(void **state)
{
	tma_doc *docs[2] = { doc_of("en", EN), doc_of("uk", UK) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[2] [3]:[3] [4]:[4] [5]:[5] [6]:[6]");
}

static void test_deletion_and_insertion(void **state)
{
	/* Ukrainian leaves out sentence 2 and adds a "Read also" line. */
	static const char *const uk[] = {
		"НАТО звинуватило Росію у зловмисних діях проти країн Альянсу",
		"Члени НАТО висловили стурбованість недавніми діями Росії на території 32 країн Альянсу.",
		"Інфляція зросла до 3,5 відсотка, і 1 000 людей втратили роботу.",
		"Читайте також: Зеленський зустрівся з Байденом у Вашингтоні",
		"Петр Фіала з Чехії закликав у вівторок запровадити нові санкції проти Росії.",
		"Чому це важливо?",
		"Саміт відбудеться в Брюсселі наступного тижня.",
		NULL
	};
	tma_doc *docs[2] = { doc_of("en", EN), doc_of("uk", uk) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[] [3]:[2] []:[3] [4]:[4] [5]:[5] [6]:[6]");
}

static void test_merge(void **state)
{
	/* Russian joins sentences 3 and 4 of the English into one. */
	static const char *const ru[] = {
		"НАТО обвинило Россию во враждебных действиях против стран Альянса",
		"Члены НАТО выразили обеспокоенность недавними действиями России на территории 32 стран Альянса.",
		"Премьер-министр Александр Де Кроо заявил, что Россия подкупала членов Европарламента.",
		"Инфляция выросла до 3,5 процента, 1000 человек потеряли работу, а Петр Фиала из Чехии во вторник призвал ввести новые санкции против России.",
		"Почему это важно?",
		"Саммит пройдет в Брюсселе на следующей неделе.",
		NULL
	};
	tma_doc *docs[2] = { doc_of("en", EN), doc_of("ru", ru) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[2] [3, 4]:[3] [5]:[4] [6]:[5]");
}

static void test_three_languages(void **state)
{
	/* Ukrainian splits sentence 2 in two; Russian leaves out sentence 5. */
	static const char *const uk[] = {
		"НАТО звинуватило Росію у зловмисних діях проти країн Альянсу",
		"Члени НАТО висловили стурбованість недавніми діями Росії на території 32 країн Альянсу.",
		"Про це заявив прем'єр-міністр Александр Де Кроо.",
		"За його словами, Росія підкуповувала членів Європарламенту.",
		"Інфляція зросла до 3,5 відсотка, і 1 000 людей втратили роботу.",
		"Петр Фіала з Чехії закликав у вівторок запровадити нові санкції проти Росії.",
		"Чому це важливо?",
		"Саміт відбудеться в Брюсселі наступного тижня.",
		NULL
	};
	static const char *const ru[] = {
		"НАТО обвинило Россию во враждебных действиях против стран Альянса",
		"Члены НАТО выразили обеспокоенность недавними действиями России на территории 32 стран Альянса.",
		"Премьер-министр Александр Де Кроо заявил, что Россия подкупала членов Европарламента.",
		"Инфляция выросла до 3,5 процента, и 1000 человек потеряли работу.",
		"Петр Фиала из Чехии во вторник призвал ввести новые санкции против России.",
		"Саммит пройдет в Брюсселе на следующей неделе.",
		NULL
	};
	tma_doc *docs[3] = { doc_of("en", EN), doc_of("uk", uk), doc_of("ru", ru) };
	const char *const pairs[3] = {
		"[0]:[0] [1]:[1] [2]:[2, 3] [3]:[4] [4]:[5] [5]:[6] [6]:[7]",
		"[0]:[0] [1]:[1] [2]:[2] [3]:[3] [4]:[4] [5]:[] [6]:[5]",
		"[0]:[0] [1]:[1] [2, 3]:[2] [4]:[3] [5]:[4] [6]:[] [7]:[5]",
	};
	static const int pl[3][2] = { { 0, 1 }, { 0, 2 }, { 1, 2 } };
	tma_aligner *al = aligner();
	tma_alignment *a = NULL;
	tma_error err = { 0, "" };
	int k;

	(void)state;
	if (tma_align(&a, al, docs, 3, &err))
		fail_msg("%s", err.message);
	/* Each pair inside the triple is that pair aligned alone. */
	for (k = 0; k < 3; k++) {
		tma_doc *two[2] = { docs[pl[k][0]], docs[pl[k][1]] };
		char *alone = align_ladder(al, two, 2), *inside = project(a, pl[k][0], pl[k][1]);
		assert_string_equal(alone, pairs[k]);
		assert_string_equal(inside, pairs[k]);
		free(alone);
		free(inside);
	}
	tma_alignment_free(a);
	tma_aligner_free(al);
	assert_ladder(docs, 3, "[0]:[0]:[0] [1]:[1]:[1] [2]:[2, 3]:[2] [3]:[4]:[3] "
			       "[4]:[5]:[4] [5]:[6]:[] [6]:[7]:[5]");
}

static void test_stray_number(void **state)
{
	/* A "1" in an unrelated place must not pull the path off course. */
	static const char *const en[] = {
		"The first round of talks ended without a deal.",
		"Both sides will meet again in Geneva.",
		"Officials said 1 delegate had left early.",
		"The next meeting is planned for the spring.",
		"Observers expect little progress.",
		NULL
	};
	static const char *const uk[] = {
		"Перший раунд перемовин завершився без угоди.",
		"Обидві сторони знову зустрінуться в Женеві.",
		"За словами посадовців, один делегат поїхав раніше.",
		"Наступну зустріч заплановано на весну.",
		"Спостерігачі очікують 1 невеликого прогресу.",
		NULL
	};
	tma_doc *docs[2] = { doc_of("en", en), doc_of("uk", uk) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[2] [3]:[3] [4]:[4]");
}

static void test_empty_side(void **state)
{
	static const char *const none[] = { NULL };
	tma_aligner *al = aligner();
	tma_doc *docs[2] = { doc_of("en", EN), doc_of("uk", none) };
	char *s;

	(void)state;
	s = align_ladder(al, docs, 2);
	assert_string_equal(s, "[0]:[] [1]:[] [2]:[] [3]:[] [4]:[] [5]:[] [6]:[]");
	free(s);
	tma_doc_free(docs[1]);
	docs[1] = doc_of("uk", none);
	tma_doc_free(docs[0]);
	docs[0] = doc_of("en", none);
	s = align_ladder(al, docs, 2);
	assert_string_equal(s, "");
	free(s);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
	tma_aligner_free(al);
}


/*
 * Paragraphs are hints, not walls: one version in one paragraph where the
 * other has three aligns sentence by sentence; a merge across the other's
 * paragraph end is taken when the lengths and names ask for it.
 */
static void test_paragraph_on_one_side(void **state)
{
	static const char *const en[] = {
		"The council met in Brussels on Tuesday.",
		"Ministers discussed the budget for 2025.",
		"",
		"Petr Fiala asked for more sanctions.",
		"Alexander De Croo agreed with him.",
		"",
		"The next meeting is in March.",
		NULL
	};
	static const char *const uk[] = {
		"Рада зібралася в Брюсселі у вівторок.",
		"Міністри обговорили бюджет на 2025 рік.",
		"Петр Фіала попросив більше санкцій.",
		"Александр Де Кроо погодився з ним.",
		"Наступна зустріч відбудеться в березні.",
		NULL
	};
	static const char *const ru[] = {
		"Совет собрался в Брюсселе во вторник.",
		"Министры обсудили бюджет на 2025 год, и Петр Фиала попросил больше санкций.",
		"",
		"Александр Де Кроо согласился с ним.",
		"",
		"Следующая встреча состоится в марте.",
		NULL
	};
	tma_doc *docs[2] = { doc_of("en", en), doc_of("uk", uk) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[2] [3]:[3] [4]:[4]");
	docs[0] = doc_of("en", en);
	docs[1] = doc_of("ru", ru);
	assert_ladder(docs, 2, "[0]:[0] [1, 2]:[1] [3]:[2] [4]:[3]");
}

/*
 * Ties: two identical sentences in a row on both sides align in order,
 * first with first, whatever the search meets first.
 */
static void test_ties(void **state)
{
	static const char *const en[] = {
		"Read also:", "Read also:", "NATO met in Brussels on Tuesday.", NULL
	};
	static const char *const uk[] = {
		"Читайте також:", "Читайте також:", "НАТО зібралося в Брюсселі у вівторок.", NULL
	};
	tma_doc *docs[2] = { doc_of("en", en), doc_of("uk", uk) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] [2]:[2]");
}

/* Sentence i of a generated document: a number and a name make it unique. */
static void gen_sentence(char *buf, size_t n, const char *lang, int i)
{
	static const char *const en_words[] = { "the council", "a report", "the court",
		"officials", "the minister", "voters", "the city", "researchers" };
	static const char *const uk_words[] = { "рада", "звіт", "суд", "посадовці",
		"міністр", "виборці", "місто", "дослідники" };
	const char *w = strcmp(lang, "en") == 0 ? en_words[i % 8] : uk_words[i % 8];
	int pad = (i * 7919) % 40, k;
	size_t used;

	used = (size_t)snprintf(buf, n, "%s %d Zorg%d", w, 1000 + i, i);
	for (k = 0; k < pad && used + 3 < n; k++)
		used += (size_t)snprintf(buf + used, n - used, " %s", k % 2 ? "ab" : "c");
	snprintf(buf + used, n - used, ".");
}

static void test_long_document_band(void **state)
{
	/*
	 * 600 sentences; English has 60 extra at its start and Ukrainian 60
	 * extra at its end, so the path leaves the diagonal by 60 and the band
	 * has to widen. Everything else is 1-1.
	 */
	enum { N = 600, X = 60 };
	char **en = calloc(N + X + 1, sizeof(char *)), **uk = calloc(N + X + 1, sizeof(char *));
	tma_aligner *al = aligner();
	tma_alignment *a = NULL;
	tma_error err = { 0, "" };
	tma_doc *docs[2];
	size_t i, ones = 0, gaps = 0;
	char buf[256];

	(void)state;
	for (i = 0; i < X; i++) {
		gen_sentence(buf, sizeof(buf), "en", 5000 + (int)i);
		en[i] = strdup(buf);
	}
	for (i = 0; i < N; i++) {
		gen_sentence(buf, sizeof(buf), "en", (int)i);
		en[X + i] = strdup(buf);
		gen_sentence(buf, sizeof(buf), "uk", (int)i);
		uk[i] = strdup(buf);
	}
	for (i = 0; i < X; i++) {
		gen_sentence(buf, sizeof(buf), "uk", 7000 + (int)i);
		uk[N + i] = strdup(buf);
	}
	docs[0] = doc_of("en", (const char *const *)en);
	docs[1] = doc_of("uk", (const char *const *)uk);
	assert_int_equal(tma_align(&a, al, docs, 2, &err), TMA_OK);
	check_invariants(a, docs);
	for (i = 0; i < a->n; i++) {
		const tma_unit *u = &a->unit[i];
		if (u->count[0] == 1 && u->count[1] == 1) {
			assert_int_equal(u->start[0], u->start[1] + X);
			ones++;
		} else {
			gaps++;
		}
	}
	assert_int_equal(ones, N);
	assert_int_equal(gaps, 2 * X);
	tma_alignment_free(a);
	for (i = 0; i < N + X; i++) {
		free(en[i]);
		free(uk[i]);
	}
	free(en);
	free(uk);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
	tma_aligner_free(al);
}

static void test_other_language_pair(void **state)
{
	/* No lexicon for German and French: numbers, names and cognates do it. */
	static const char *const de[] = {
		"Die Regierung in Berlin hat 2019 neue Regeln beschlossen.",
		"Bundeskanzlerin Angela Merkel sprach am Montag im Parlament.",
		"Die Opposition kritisierte den Plan scharf.",
		"Mehr als 4000 Menschen demonstrierten in München.",
		NULL
	};
	static const char *const fr[] = {
		"Le gouvernement à Berlin a adopté de nouvelles règles en 2019.",
		"La chancelière Angela Merkel a parlé lundi au Parlement.",
		"Le porte-parole Jean Dupont a refusé de commenter.",
		"L'opposition a vivement critiqué le plan.",
		"Plus de 4000 personnes ont manifesté à Munich.",
		NULL
	};
	tma_doc *docs[2] = { doc_of("de", de), doc_of("fr", fr) };

	(void)state;
	assert_ladder(docs, 2, "[0]:[0] [1]:[1] []:[2] [2]:[3] [3]:[4]");
}

static void test_bead_and_errors(void **state)
{
	tma_unit u = { { 0, 0, 0 }, { 1, 2, 0 }, 0.5 };
	tma_aligner *al = aligner();
	tma_alignment *a = NULL;
	tma_error err = { 0, "" };
	tma_doc *docs[1] = { doc_of("en", EN) };
	char buf[16];

	(void)state;
	assert_string_equal(tma_unit_bead(&u, 3, buf), "1-2-0");
	assert_string_equal(tma_unit_bead(&u, 2, buf), "1-2");
	assert_int_equal(tma_align(&a, al, docs, 1, &err), TMA_EUSAGE);
	assert_null(a);
	tma_doc_free(docs[0]);
	tma_aligner_free(al);
	tma_aligner_free(NULL);
	tma_alignment_free(NULL);
}

static void test_dictionary(void **state)
{
	/*
	 * Which English sentence has no counterpart: lengths cannot tell, a
	 * hunalign dictionary can (and without it the aligner guesses wrong).
	 */
	static const char *const en[] = {
		"Blue skies.", "Green grass grows.", "Red roses bloom.",
		"Green grass, blue skies.", NULL };
	static const char *const xx[] = {
		"Sinie nebo.", "Chervoni trojandy.", "Zelena trava, sinie nebo.", NULL };
	char path[] = "/tmp/tmalign-dict-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	tma_align_opts opts = { path, "en", "de", 0 };
	tma_aligner *al = NULL;
	tma_alignment *a = NULL;
	tma_error err = { 0, "" };
	tma_doc *docs[2] = { doc_of("en", en), doc_of("de", xx) };
	char *s;

	(void)state;
	fputs("sinie @ blue\nnebo @ skies\nzelena @ green\ntrava @ grass\n"
	      "chervoni @ red\ntrojandy @ roses\nmulti word @ phrase here\n", f);
	fclose(f);
	assert_int_equal(tma_aligner_new(&al, &opts, &err), TMA_OK);
	assert_int_equal(tma_align(&a, al, docs, 2, &err), TMA_OK);
	s = ladder(a);
	assert_string_equal(s, "[0]:[0] [1]:[] [2]:[1] [3]:[2]");
	free(s);
	tma_alignment_free(a);
	tma_aligner_free(al);

	al = aligner();
	s = align_ladder(al, docs, 2);
	assert_string_not_equal(s, "[0]:[0] [1]:[] [2]:[1] [3]:[2]");
	free(s);
	tma_aligner_free(al);

	opts.dictionary = "/no/such/dict.txt";
	assert_int_equal(tma_aligner_new(&al, &opts, &err), TMA_EIO);
	assert_non_null(strstr(err.message, "/no/such/dict.txt"));
	unlink(path);
	tma_doc_free(docs[0]);
	tma_doc_free(docs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_to_one),
		cmocka_unit_test(test_deletion_and_insertion),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_three_languages),
		cmocka_unit_test(test_stray_number),
		cmocka_unit_test(test_paragraph_on_one_side),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_empty_side),
		cmocka_unit_test(test_long_document_band),
		cmocka_unit_test(test_other_language_pair),
		cmocka_unit_test(test_bead_and_errors),
		cmocka_unit_test(test_dictionary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
