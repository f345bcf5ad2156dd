/*
 * test_segment.c - sentence and paragraph splitting (src/segment.c).
 */
#include <dirent.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/unorm2.h>

#include "testutil.h"

#define S(...) __VA_ARGS__, (const char *)NULL

/* Segment input and assert its sentences (NULL-terminated list after flags). */
static void check(const char *lang, const char *input, unsigned flags, ...)
{
	tma_doc *doc = segment_string(lang, input, flags);
	va_list ap;

	va_start(ap, flags);
	assert_sentences_v(doc, input, ap);
	va_end(ap);
	tma_doc_free(doc);
}

static void test_english_abbreviations(void **state)
{
	(void)state;
	check("en", "Mr. Smith met Dr. Jones. They talked.", 0,
	      S("Mr. Smith met Dr. Jones.", "They talked."));
	check("en", "Sen. Warren spoke at 10 a.m. on Friday. She left.", 0,
	      S("Sen. Warren spoke at 10 a.m. on Friday.", "She left."));
	check("en", "See No. 5 on the list. It is long.", 0,
	      S("See No. 5 on the list.", "It is long."));
	check("en", "Roe v. Wade was decided in 1973. It stands.", 0,
	      S("Roe v. Wade was decided in 1973.", "It stands."));
	check("en", "Brands such as Dr. PawPaw sell well.", 0,
	      S("Brands such as Dr. PawPaw sell well."));
}

static void test_word_boundary(void **state)
{
	(void)state;
	/* ICU's own English list has "O." and joins these. */
	check("en", "The base is held by NATO. Then it fell.", 0,
	      S("The base is held by NATO.", "Then it fell."));
	check("en", "They met at the UNO. Then they left.", 0,
	      S("They met at the UNO.", "Then they left."));
	/* "p." is a page, but "Top." ends a sentence. */
	check("en", "He reached the top. People cheered.", 0,
	      S("He reached the top.", "People cheered."));
}

static void test_us_before_names(void **state)
{
	(void)state;
	check("en", "The U.S. Navy said so. It was late.", 0,
	      S("The U.S. Navy said so.", "It was late."));
	check("en", "He lives in the U.S. The rest is history.", 0,
	      S("He lives in the U.S.", "The rest is history."));
}

static void test_initials(void **state)
{
	(void)state;
	check("en", "George W. Bush spoke. Then he left.", 0,
	      S("George W. Bush spoke.", "Then he left."));
	check("en", "Puff Daddy, P. Diddy or Diddy. He changed it.", 0,
	      S("Puff Daddy, P. Diddy or Diddy.", "He changed it."));
	check("en", "J.K. Rowling wrote it. It sold.", 0,
	      S("J.K. Rowling wrote it.", "It sold."));
	check("uk", "А. Б. Шевченко написав листа. Далі було тихо.", 0,
	      S("А. Б. Шевченко написав листа.", "Далі було тихо."));
	check("ru", "Статью написал И. И. Иванов. Она вышла вчера.", 0,
	      S("Статью написал И. И. Иванов.", "Она вышла вчера."));
	/* A letter before a usual sentence starter is not an initial. */
	check("uk", "Він змінив ім'я на Є. У суботу він це оголосив.", 0,
	      S("Він змінив ім'я на Є.", "У суботу він це оголосив."));
}

static void test_numbers(void **state)
{
	(void)state;
	check("en", "Sales rose 3.5 percent to 1,000.50 pounds. Profits fell.", 0,
	      S("Sales rose 3.5 percent to 1,000.50 pounds.", "Profits fell."));
	check("en", "They arrived in the city. 50 people were waiting.", 0,
	      S("They arrived in the city.", "50 people were waiting."));
	check("uk", "Він переміг у фіналі. 41-річний спортсмен радів.", 0,
	      S("Він переміг у фіналі.", "41-річний спортсмен радів."));
	check("uk", "Ціна зросла до 3,5 млн. грн за рік.", 0,
	      S("Ціна зросла до 3,5 млн. грн за рік."));
}

static void test_ellipsis_and_marks(void **state)
{
	(void)state;
	check("en", "He waited... and waited. Then he left.", 0,
	      S("He waited... and waited.", "Then he left."));
	check("en", "Wait… then go. Fine.", 0, S("Wait… then go.", "Fine."));
	check("en", "\"Why?\" he asked. Nobody knew.", 0,
	      S("\"Why?\" he asked.", "Nobody knew."));
	check("en", "Is it over? Yes! It is.", 0,
	      S("Is it over?", "Yes!", "It is."));
}

static void test_quotes(void **state)
{
	(void)state;
	check("uk", "«Ми готові», — сказав він. Далі була тиша.", 0,
	      S("«Ми готові», — сказав він.", "Далі була тиша."));
	check("uk", "Він сказав: «Так.» Потім пішов.", 0,
	      S("Він сказав: «Так.»", "Потім пішов."));
	check("de", "Er sagte: „Nein.“ Dann ging er.", 0,
	      S("Er sagte: „Nein.“", "Dann ging er."));
	check("en", "\"These are facts. We act,\" the statement reads.", 0,
	      S("\"These are facts.", "We act,\" the statement reads."));
}

static void test_dialogue_dashes(void **state)
{
	(void)state;
	check("uk", "— Підеш? — запитав він.", 0, S("— Підеш? — запитав він."));
	check("ru", "«Ты придёшь?» — спросил он.", 0,
	      S("«Ты придёшь?» — спросил он."));
	/* Author's words framed by two dashes keep the closing one. */
	check("uk", "«Це правда, — сказав він. — Ходімо звідси».", 0,
	      S("«Це правда, — сказав він. —", "Ходімо звідси»."));
	/* A dash that opens new speech starts the sentence. */
	check("uk", "Він мовчав. — Ходімо! Так.", 0,
	      S("Він мовчав.", "— Ходімо!", "Так."));
}

static void test_ukrainian_abbreviations(void **state)
{
	(void)state;
	check("uk", "Він живе на вул. Хрещатик у м. Київ. Далі тихо.", 0,
	      S("Він живе на вул. Хрещатик у м. Київ.", "Далі тихо."));
	check("uk", "Університет ім. Шевченка, проф. Петренко, т. зв. Великий план.", 0,
	      S("Університет ім. Шевченка, проф. Петренко, т. зв. Великий план."));
	check("uk", "Див. Додаток 1 та ст. 15 Конституції. Це важливо.", 0,
	      S("Див. Додаток 1 та ст. 15 Конституції.", "Це важливо."));
	check("uk", "Відстань становила 5 м. Далі була стіна.", 0,
	      S("Відстань становила 5 м.", "Далі була стіна."));
	check("uk", "Мітинг був у 2014 р. Тоді все змінилося.", 0,
	      S("Мітинг був у 2014 р.", "Тоді все змінилося."));
	check("uk", "MWP (від англ. Member of the Welsh Parliament).", 0,
	      S("MWP (від англ. Member of the Welsh Parliament)."));
}

static void test_russian_abbreviations(void **state)
{
	(void)state;
	check("ru", "Он приехал в г. Москва вчера. Потом уехал.", 0,
	      S("Он приехал в г. Москва вчера.", "Потом уехал."));
	check("ru", "Это было в 2014 г. Путин тогда молчал.", 0,
	      S("Это было в 2014 г.", "Путин тогда молчал."));
	check("ru", "Г-н Иванов, т. е. директор, пришёл. Все встали.", 0,
	      S("Г-н Иванов, т. е. директор, пришёл.", "Все встали."));
	check("ru", "Цена 5 тыс. руб. за штуку.", 0, S("Цена 5 тыс. руб. за штуку."));
}

static void test_other_language_plain_icu(void **state)
{
	(void)state;
	/* No data for French: ICU alone, so Mr. does break here. */
	check("fr", "Il est venu. Elle est partie.", 0,
	      S("Il est venu.", "Elle est partie."));
	check("fr", "M. Dupont est venu.", 0, S("M.", "Dupont est venu."));
}

static void test_paragraphs(void **state)
{
	tma_doc *doc;

	(void)state;
	doc = segment_string("en", "Title line\nFirst one. Second one.\n\nThird.\n", 0);
	assert_sentences(doc, "Title line", "First one.", "Second one.", "Third.",
			 (const char *)NULL);
	assert_int_equal(doc->sent[0].para, 0);
	assert_int_equal(doc->sent[1].para, 1);
	assert_int_equal(doc->sent[2].para, 1);
	assert_int_equal(doc->sent[3].para, 2);
	assert_int_equal(doc->npara, 3);
	tma_doc_free(doc);

	/* Hard-wrapped text: single line breaks are spaces. */
	doc = segment_string("en", "A sentence that\nwraps here. And\r\nanother.\n\n  \nNew para.",
			     TMA_SEG_JOIN_LINES);
	assert_sentences(doc, "A sentence that wraps here.", "And another.",
			 "New para.", (const char *)NULL);
	assert_int_equal(doc->sent[1].para, 0);
	assert_int_equal(doc->sent[2].para, 1);
	tma_doc_free(doc);

	/* Without --join-lines the same text breaks at every line. */
	doc = segment_string("en", "A sentence that\nwraps here.", 0);
	assert_sentences(doc, "A sentence that", "wraps here.", (const char *)NULL);
	tma_doc_free(doc);
}

static void test_presegmented(void **state)
{
	tma_doc *doc;

	(void)state;
	doc = segment_string("en", "One. Two.\nThree\n\nFour\n", TMA_SEG_PRESEGMENTED);
	assert_sentences(doc, "One. Two.", "Three", "Four", (const char *)NULL);
	assert_int_equal(doc->sent[1].para, 0);
	assert_int_equal(doc->sent[2].para, 1);
	tma_doc_free(doc);
}

static void test_byte_offsets(void **state)
{
	/* BOM, CRLF, two-byte letters: offsets are into the input bytes. */
	const char *in = "\xEF\xBB\xBF" "Привіт. Ok.\r\nДалі.";
	tma_doc *doc;

	(void)state;
	doc = segment_string("uk", in, 0);
	assert_sentences(doc, "Привіт.", "Ok.", "Далі.", (const char *)NULL);
	assert_int_equal(doc->sent[0].start, 3);
	assert_int_equal(doc->sent[0].end, 3 + strlen("Привіт."));
	assert_int_equal(doc->sent[1].start, 3 + strlen("Привіт. "));
	assert_memory_equal(in + doc->sent[2].start, "Далі.", strlen("Далі."));
	assert_int_equal(doc->sent[2].end, strlen(in));
	assert_int_equal(doc->sent[0].nchars, 7);
	tma_doc_free(doc);
}

static void test_nfc(void **state)
{
	/* "é" decomposed becomes one code point; offsets still cover it. */
	const char *in = "Cafe\xCC\x81 ouvert. Oui.";
	tma_doc *doc;

	(void)state;
	doc = segment_string("fr", in, 0);
	assert_sentences(doc, "Caf\xC3\xA9 ouvert.", "Oui.", (const char *)NULL);
	assert_int_equal(doc->sent[0].start, 0);
	assert_int_equal(doc->sent[0].end, strlen("Cafe\xCC\x81 ouvert."));
	assert_int_equal(doc->sent[0].nchars, 12);
	tma_doc_free(doc);
}

/* The non-white-space code points of s, as UTF-32, NFC. */
static UChar32 *dense(const char *s, size_t n, int32_t *len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t un = 0, i = 0, k = 0, nn;
	UChar *u, *nfcbuf;
	UChar32 *out;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);

	u_strFromUTF8(NULL, 0, &un, s, (int32_t)n, &st);
	st = U_ZERO_ERROR;
	u = malloc(sizeof(UChar) * ((size_t)un + 1));
	u_strFromUTF8(u, un + 1, NULL, s, (int32_t)n, &st);
	nfcbuf = malloc(sizeof(UChar) * ((size_t)un * 3 + 1));
	nn = unorm2_normalize(nfc, u, un, nfcbuf, un * 3 + 1, &st);
	assert_true(U_SUCCESS(st));
	out = malloc(sizeof(UChar32) * ((size_t)nn + 1));
	while (i < nn) {
		UChar32 c;
		U16_NEXT(nfcbuf, i, nn, c);
		if (!u_isUWhiteSpace(c) && c != 0xFEFF)
			out[k++] = c;
	}
	free(u);
	free(nfcbuf);
	*len = k;
	return out;
}

/* Joined, the sentences are the input up to white space. */
static void assert_lossless(const char *lang, const char *input, size_t n,
			    unsigned flags, const char *what)
{
	tma_error err = { 0, "" };
	tma_text *text = NULL;
	tma_segmenter *seg = NULL;
	tma_doc *doc = NULL;
	char *joined;
	size_t cap = n * 2 + 16, used = 0, i;
	UChar32 *a, *b;
	int32_t na, nb;

	if (tma_text_from_bytes(&text, what, input, n, NULL, &err) ||
	    tma_segmenter_new(&seg, lang, &err) ||
	    tma_segment(&doc, seg, text, flags, &err))
		fail_msg("%s: %s", what, err.message);
	joined = malloc(cap);
	for (i = 0; i < doc->n; i++) {
		assert_true(doc->sent[i].len > 0);
		assert_true(doc->sent[i].start < doc->sent[i].end);
		if (i > 0)
			assert_true(doc->sent[i].start >= doc->sent[i - 1].end);
		memcpy(joined + used, doc->sent[i].text, doc->sent[i].len);
		used += doc->sent[i].len;
		joined[used++] = ' ';
	}
	a = dense(input, n, &na);
	b = dense(joined, used, &nb);
	if (na != nb || memcmp(a, b, sizeof(UChar32) * (size_t)na) != 0)
		fail_msg("%s (%s, flags %u): sentences do not join to the input", what,
			 lang, flags);
	free(a);
	free(b);
	free(joined);
	tma_doc_free(doc);
	tma_segmenter_free(seg);
	tma_text_free(text);
}

static void walk_fixtures(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[1024], lang[TMA_LANG_MAX];
		size_t n;
		char *buf;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			walk_fixtures(path, count);
			continue;
		}
		if (tma_lang_from_filename(lang, NULL, 0, path) != TMA_OK)
			continue;
		buf = read_file(path, &n);
		assert_non_null(buf);
		if (memchr(buf, 0, n) == NULL && n > 0) {
			assert_lossless(lang, buf, n, 0, path);
			assert_lossless(lang, buf, n, TMA_SEG_JOIN_LINES, path);
			(*count)++;
		}
		free(buf);
	}
	closedir(d);
}

static void test_lossless_fixtures(void **state)
{
	int count = 0;

	(void)state;
	walk_fixtures("fixtures", &count);
	assert_true(count >= 3);
}

/* Random text from an alphabet rich in what the rules look at. */
static void test_lossless_random(void **state)
{
	static const char *const alphabet[] = {
		"a", "B", "z", "Я", "ї", "Ж", "é", "e\xCC\x81", " ", "  ", "\n", "\n\n",
		"\r\n", "\t", ".", ". ", "? ", "! ", "…", "...", "«", "»", "„", "“",
		"\"", "'", "— ", " – ", "-", ",", "1", "42", "3.5", "Mr. ", "U.S. ",
		"т. зв. ", "м. ", "р. ", "г. ", "No. ", "А. ", "\xC2\xA0", "\xE2\x80\x8B",
		"(", ")", ":", ";", "\xF0\x9F\x98\x80", "The ", "У ",
	};
	const size_t na = sizeof(alphabet) / sizeof(alphabet[0]);
	const char *langs[] = { "en", "uk", "ru", "fr" };
	uint32_t seed = 12345;
	char buf[4096];
	int round;

	(void)state;
	for (round = 0; round < 400; round++) {
		size_t used = 0;
		int k, len = 1 + (int)(seed % 120);
		for (k = 0; k < len; k++) {
			const char *piece;
			seed = seed * 1103515245u + 12345u;
			piece = alphabet[(seed >> 16) % na];
			if (used + strlen(piece) >= sizeof(buf))
				break;
			memcpy(buf + used, piece, strlen(piece));
			used += strlen(piece);
		}
		buf[used] = '\0';
		assert_lossless(langs[round % 4], buf, used,
				round % 3 == 0 ? TMA_SEG_JOIN_LINES : 0, buf);
	}
}

static void test_bad_language(void **state)
{
	tma_segmenter *seg = NULL;
	tma_error err = { 0, "" };

	(void)state;
	assert_int_equal(tma_segmenter_new(&seg, "not a lang", &err), TMA_EUSAGE);
	assert_null(seg);
	assert_non_null(strstr(err.message, "not a lang"));
	assert_int_equal(tma_segmenter_new(&seg, "ua", &err), TMA_OK);
	tma_segmenter_free(seg);
	tma_segmenter_free(NULL);
	tma_doc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english_abbreviations),
		cmocka_unit_test(test_word_boundary),
		cmocka_unit_test(test_us_before_names),
		cmocka_unit_test(test_initials),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ellipsis_and_marks),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_dialogue_dashes),
		cmocka_unit_test(test_ukrainian_abbreviations),
		cmocka_unit_test(test_russian_abbreviations),
		cmocka_unit_test(test_other_language_plain_icu),
		cmocka_unit_test(test_paragraphs),
		cmocka_unit_test(test_presegmented),
		cmocka_unit_test(test_byte_offsets),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_lossless_fixtures),
		cmocka_unit_test(test_lossless_random),
		cmocka_unit_test(test_bad_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
