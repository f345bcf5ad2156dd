/*
 * segment.c - paragraphs and sentences, as every later step sees them.
 *
 * Paragraphs come from line structure: a blank line ends one and, unless
 * TMA_SEG_JOIN_LINES is given, so does a single line break (scraped articles
 * put one paragraph per line). Sentences come from ICU's sentence
 * BreakIterator run over the whole text, with the plain locale: ICU's own
 * "ss=standard" suppressions match the end of a word without a word
 * boundary ("held by NATO. Then" stays joined because "O." is on the English
 * list) and have nothing for Ukrainian.
 *
 * ICU's boundaries are then corrected with exception data kept as text in
 * src/data/segment.LANG.txt (and segment.common.txt, Latin abbreviations
 * that turn up in every language), for en, uk and ru. Its classes:
 *
 *   always          never ends a sentence (Mr., вул., т. зв.)
 *   before-number   does not end one when a number follows (No. 5, ст. 15)
 *   after-word      ends one only right after a number (м. Київ / 5 м. Далі)
 *   before-name     does not end one before a capitalised word, unless that
 *                   word is a usual sentence starter (the U.S. Navy / ... in
 *                   the U.S. The)
 *   may-end         an abbreviation that may end a sentence: ICU decides
 *   starter         a word that often begins a sentence (The, У, В)
 *
 * An entry matches only on a word boundary. General rules for those
 * languages:
 *   - initials before a capitalised word that is not a starter do not end a
 *     sentence (George W. Bush, А. Б. Шевченко);
 *   - a question or exclamation mark or an ellipsis followed by a lower-case
 *     word, also after a dialogue dash or a quote, does not end one
 *     ("Підеш? — запитав він", "'Why?' he asked");
 *   - where ICU does not split, a sentence still ends before a dialogue dash
 *     and a capitalised word ("сказав він. — Ходімо"), since ICU treats
 *     dashes as continuing the sentence, and after a word, a full stop and a
 *     number ("in the city. 50 people died"), which ICU joins when a
 *     lower-case word follows the number.
 * Any other language gets ICU alone, with that locale.
 *
 * Nothing is lost: every non-white-space character of the input is in
 * exactly one sentence, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uset.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "text.h"

enum exc_class {
	EXC_ALWAYS, EXC_BEFORE_NUMBER, EXC_AFTER_WORD, EXC_BEFORE_NAME,
	EXC_MAY_END, EXC_STARTER, EXC_NCLASSES
};

typedef struct exception {
	UChar *s;          /* the abbreviation, ending in '.' (or not) */
	int32_t n;
	enum exc_class cls;
} exception;

struct tma_segmenter {
	char lang[TMA_LANG_MAX];
	UBreakIterator *brk;
	exception *exc;
	size_t nexc;
	int has_data;      /* en, uk, ru: exception data and the extra rules */
	/* Sentence-final marks in the BMP, one bit each, for fast scanning. */
	uint8_t terminal_bits[0x10000 / 8];
};

static const char *const class_names[EXC_NCLASSES] = {
	"always", "before-number", "after-word", "before-name", "may-end",
	"starter"
};

static void free_exceptions(tma_segmenter *seg)
{
	size_t i;

	for (i = 0; i < seg->nexc; i++)
		free(seg->exc[i].s);
	free(seg->exc);
	seg->exc = NULL;
	seg->nexc = 0;
}

/*
 * Parse exception data: one "CLASS ENTRY" per line, '#' starts a comment.
 * name is used in messages.
 */
static int load_exceptions(tma_segmenter *seg, const char *data,
			   const char *name, tma_error *err)
{
	size_t cap = 0, line = 0;
	const char *p = data;

	while (*p) {
		const char *eol = strchr(p, '\n'), *sp, *e;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		exception x;
		UErrorCode status = U_ZERO_ERROR;
		int32_t need = 0;
		int c;

		line++;
		e = p + len;
		while (e > p && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
			e--;
		if (e == p || *p == '#')
			goto next;
		sp = memchr(p, ' ', (size_t)(e - p));
		if (!sp)
			return tma_fail(err, TMA_ERROR, "%s:%zu: expected CLASS ENTRY", name,
					line);
		for (c = 0; c < EXC_NCLASSES; c++)
			if (strlen(class_names[c]) == (size_t)(sp - p) &&
			    memcmp(class_names[c], p, (size_t)(sp - p)) == 0)
				break;
		if (c == EXC_NCLASSES)
			return tma_fail(err, TMA_ERROR, "%s:%zu: unknown class", name, line);
		while (*sp == ' ')
			sp++;
		x.cls = (enum exc_class)c;
		u_strFromUTF8(NULL, 0, &need, sp, (int32_t)(e - sp), &status);
		status = U_ZERO_ERROR;
		x.s = malloc(sizeof(UChar) * ((size_t)need + 1));
		if (!x.s)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		u_strFromUTF8(x.s, need + 1, &x.n, sp, (int32_t)(e - sp), &status);
		if (U_FAILURE(status) ||
		    tma_grow(&seg->exc, &cap, seg->nexc + 1, sizeof(exception))) {
			free(x.s);
			return tma_fail(err, TMA_ENOMEM, "%s:%zu: cannot load", name, line);
		}
		seg->exc[seg->nexc++] = x;
next:
		p = eol ? eol + 1 : e;
		if (!eol)
			break;
	}
	return TMA_OK;
}

/*
 * Fill seg->terminal_bits from ICU's Sentence_Break=STerm and ATerm sets (and
 * the ellipsis). Only the BMP is kept: a mark outside it is not searched for.
 */
static int build_terminal_bits(tma_segmenter *seg, tma_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	USet *set = uset_openPattern(
		u"[[:Sentence_Break=STerm:][:Sentence_Break=ATerm:]\u2026]", -1,
		&status);
	int32_t i, n;

	if (U_FAILURE(status))
		return tma_fail_icu(err, status, "cannot build the set of final marks");
	n = uset_getItemCount(set);
	for (i = 0; i < n; i++) {
		UChar32 lo, hi, c;
		if (uset_getItem(set, i, &lo, &hi, NULL, 0, &status) != 0)
			continue;
		for (c = lo; c <= hi && c < 0x10000; c++)
			seg->terminal_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	uset_close(set);
	return TMA_OK;
}

int tma_segmenter_new(tma_segmenter **out, const char *lang, tma_error *err)
{
	tma_segmenter *seg;
	UErrorCode status = U_ZERO_ERROR;
	char name[64];
	const char *data;
	int rc;

	*out = NULL;
	seg = calloc(1, sizeof(*seg));
	if (!seg)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (tma_lang_normalize(seg->lang, NULL, lang)) {
		free(seg);
		return tma_fail(err, TMA_EUSAGE, "'%s' is not a language code", lang);
	}
	seg->brk = ubrk_open(UBRK_SENTENCE, seg->lang, NULL, 0, &status);
	if (U_FAILURE(status)) {
		free(seg);
		return tma_fail_icu(err, status, "cannot open the sentence iterator for %s",
				    lang);
	}
	if ((rc = build_terminal_bits(seg, err))) {
		tma_segmenter_free(seg);
		return rc;
	}
	snprintf(name, sizeof(name), "segment.%s.txt", seg->lang);
	data = tma_embedded_get(name);
	if (data) {
		seg->has_data = 1;
		if ((rc = load_exceptions(seg, data, name, err)) ||
		    (rc = load_exceptions(seg, tma_embedded_get("segment.common.txt"),
					  "segment.common.txt", err))) {
			tma_segmenter_free(seg);
			return rc;
		}
	}
	*out = seg;
	return TMA_OK;
}

void tma_segmenter_free(tma_segmenter *seg)
{
	if (!seg)
		return;
	ubrk_close(seg->brk);
	free_exceptions(seg);
	free(seg);
}

tma_doc *tma_doc_new(const char *lang)
{
	tma_doc *doc = calloc(1, sizeof(*doc));

	if (doc)
		snprintf(doc->lang, sizeof(doc->lang), "%s", lang);
	return doc;
}

void tma_doc_free(tma_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->n; i++)
		free(doc->sent[i].text);
	free(doc->sent);
	free(doc);
}

int tma_doc_push(tma_doc *doc, size_t *cap, int para, size_t start, size_t end,
		 char *text, size_t len, size_t nchars)
{
	tma_sentence *s;

	if (tma_grow(&doc->sent, cap, doc->n + 1, sizeof(tma_sentence))) {
		free(text);
		return TMA_ENOMEM;
	}
	s = &doc->sent[doc->n++];
	s->para = para;
	s->start = start;
	s->end = end;
	s->text = text;
	s->len = len;
	s->nchars = nchars;
	if (para + 1 > doc->npara)
		doc->npara = para + 1;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Character classes, all from ICU's properties.                       */

static int is_space(UChar32 c) { return tma_is_space(c); }

static int is_quote(UChar32 c)
{
	return u_hasBinaryProperty(c, UCHAR_QUOTATION_MARK);
}

/* Closing punctuation that may follow a sentence's final mark. */
static int is_close(UChar32 c)
{
	int8_t t = u_charType(c);
	return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION || is_quote(c);
}

static int is_dash(UChar32 c) { return u_charType(c) == U_DASH_PUNCTUATION; }

/* What may stand before the first letter of a sentence: quotes, dashes. */
static int is_opening(UChar32 c)
{
	int8_t t = u_charType(c);
	return t == U_START_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
	       is_dash(c) || is_quote(c);
}

static int is_upper(UChar32 c) { return u_isupper(c) || u_istitle(c); }

/* A sentence's final mark: . ? ! and the like, and the ellipsis. */
static int is_terminal(UChar32 c)
{
	int32_t sb;

	if (c < 0x80)
		return c == '.' || c == '?' || c == '!';
	sb = u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK);
	return sb == U_SB_STERM || sb == U_SB_ATERM || c == 0x2026;
}

/* Does a word character (letter, digit or mark) stand at u[i]? */
static int is_word(const UChar *u, int32_t i, int32_t n)
{
	UChar32 c;

	if (i < 0 || i >= n)
		return 0;
	U16_GET(u, 0, i, n, c);
	return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK;
}

/* ------------------------------------------------------------------ */
/* Exception data.                                                     */

/*
 * Does exception x end exactly at u[end-1], starting on a word boundary? A
 * space in the entry matches any run of white space in the text, or none.
 * The first letter of an entry longer than one letter matches either case.
 * *startp gets the match start.
 */
static int exc_match(const exception *x, const UChar *u, int32_t end,
		     int32_t *startp)
{
	int32_t i = x->n - 1, j = end - 1;

	while (i >= 0) {
		if (x->s[i] == ' ') {
			while (j >= 0 && is_space(u[j]))
				j--;
			i--;
			continue;
		}
		if (j < 0)
			return 0;
		if (u[j] != x->s[i] &&
		    !(i == 0 && x->n > 2 && u_tolower(u[j]) == u_tolower(x->s[i])))
			return 0;
		i--;
		j--;
	}
	if (j >= 0 && (is_word(u, j, end) || u[j] == '.' || u[j] == '-' ||
		       u[j] == 0x2019 || u[j] == '\''))
		return 0;
	*startp = j + 1;
	return 1;
}

/* What the next sentence would start with. */
typedef struct next_word {
	UChar32 first;     /* first letter or digit, or 0 */
	int32_t start;     /* where that word starts */
	int32_t len;       /* its length in code units (letters and marks) */
	int dash;          /* a dash stood before it */
} next_word;

static next_word look_ahead(const UChar *u, int32_t b, int32_t n)
{
	next_word w = { 0, 0, 0, 0 };

	while (b < n) {
		int32_t at = b;
		UChar32 c;

		U16_NEXT(u, b, n, c);
		if (is_space(c))
			continue;
		if (is_opening(c)) {
			w.dash |= is_dash(c);
			continue;
		}
		if (u_isalnum(c)) {
			w.first = c;
			w.start = at;
			while (b < n && is_word(u, b, n))
				U16_FWD_1(u, b, n);
			w.len = b - at;
		}
		break;
	}
	return w;
}

/*
 * Is the next word a usual sentence starter? A letter followed by a full
 * stop is an initial, never a starter.
 */
static int is_starter(const tma_segmenter *seg, const UChar *u, int32_t n,
		      const next_word *w)
{
	int32_t end = w->start + w->len;
	size_t k;

	if (!w->len || (end < n && u[end] == '.'))
		return 0;
	for (k = 0; k < seg->nexc; k++) {
		const exception *x = &seg->exc[k];
		if (x->cls == EXC_STARTER && x->n == w->len &&
		    memcmp(x->s, u + w->start, sizeof(UChar) * (size_t)x->n) == 0)
			return 1;
	}
	return 0;
}

/* Is the token ending at u[end-1] a number? */
static int number_before(const UChar *u, int32_t end)
{
	while (end > 0 && is_space(u[end - 1]))
		end--;
	return end > 0 && u_isdigit(u[end - 1]);
}

/* What a full stop's word says about the break after it. */
enum verdict { V_NONE, V_BREAK, V_KEEP_TOGETHER };

/*
 * Check every exception that matches before the full stop at u[t-1]: one
 * that holds the sentence together wins; a match that does not still means
 * the word is an abbreviation, not initials (V_BREAK).
 */
static enum verdict exceptions_say(const tma_segmenter *seg, const UChar *u,
				   int32_t t, int32_t n, const next_word *next)
{
	enum verdict v = V_NONE;
	int32_t xs;
	size_t k;

	for (k = 0; k < seg->nexc; k++) {
		const exception *x = &seg->exc[k];
		int hold = 0;

		if (x->cls == EXC_STARTER || !exc_match(x, u, t, &xs))
			continue;
		switch (x->cls) {
		case EXC_ALWAYS:
			hold = 1;
			break;
		case EXC_BEFORE_NUMBER:
			hold = next->first && u_isdigit(next->first);
			break;
		case EXC_AFTER_WORD:
			hold = !number_before(u, xs);
			break;
		case EXC_BEFORE_NAME:
			hold = next->first && is_upper(next->first) &&
			       !is_starter(seg, u, n, next);
			break;
		default:
			break;
		}
		if (hold)
			return V_KEEP_TOGETHER;
		v = V_BREAK;
	}
	return v;
}

/*
 * Are u[a..t) (t just past a '.') initials: one upper-case letter after a
 * space or an opening mark, optionally preceded by more "X." initials?
 */
static int initials_before(const UChar *u, int32_t a, int32_t t)
{
	int32_t p = t - 1;   /* the '.' */

	if (p - 1 < a || !is_upper(u[p - 1]) || U16_IS_SURROGATE(u[p - 1]))
		return 0;
	if (p - 2 < a)
		return 1;
	if (u[p - 2] == '.')
		return initials_before(u, a, p - 1);
	return is_space(u[p - 2]) || is_opening(u[p - 2]);
}

/* ------------------------------------------------------------------ */
/* The rules.                                                          */

/*
 * Should a sentence boundary at b be dropped? u[a..b) is the sentence so
 * far; b is where the next one would start.
 */
static int suppress(const tma_segmenter *seg, const UChar *u, int32_t a,
		    int32_t b, int32_t n)
{
	int32_t e = b, t;
	UChar32 term;
	next_word next;
	enum verdict v;

	while (e > a && is_space(u[e - 1]))
		e--;
	t = e;
	while (t > a && is_close(u[t - 1]))
		t--;
	if (t <= a)
		return 0;
	term = u[t - 1];
	next = look_ahead(u, b, n);
	if (term == '?' || term == '!' || term == 0x2026 ||
	    (term == '.' && t != e)) {
		/* "Підеш? — запитав він", "'Why?' he asked", «Так.» — сказав */
		return next.first && u_islower(next.first);
	}
	if (term != '.' || !seg->has_data)
		return 0;
	v = exceptions_say(seg, u, t, n, &next);
	if (v != V_NONE)
		return v == V_KEEP_TOGETHER;
	return next.first && is_upper(next.first) && initials_before(u, a, t) &&
	       !is_starter(seg, u, n, &next);
}

/*
 * Does u[a..p) hold the dash that opens an author's remark inside direct
 * speech: a dash after a comma, a quote or a final mark, with or without
 * a space between ("«Так», — сказав", "Так, — сказав", "«Так»,— сказав")?
 */
static int remark_opened(const UChar *u, int32_t a, int32_t p)
{
	int32_t i;

	for (i = p - 1; i > a; i--) {
		int32_t k = i - 1;
		if (!is_dash(u[i]))
			continue;
		if (is_space(u[k]) && k > a)
			k--;
		if (u[k] == ',' || is_close(u[k]) || is_terminal(u[k]))
			return 1;
	}
	return 0;
}

/*
 * A boundary ICU does not make after the final mark at u[p]: at a dialogue
 * dash followed by a capitalised word ("він. — Ходімо"), or, after
 * a full stop that follows a word, before a number ("in the city. 50 people
 * died"). Returns where the next sentence would start, or -1. u[a..e) is
 * the ICU sentence holding u[p].
 */
static int32_t missed_boundary(const UChar *u, int32_t a, int32_t p, int32_t e)
{
	int32_t q = p + 1, c;
	next_word w;

	if (!is_terminal(u[p]) || p == a)
		return -1;
	while (q < e && is_close(u[q]))
		q++;
	if (q >= e || !is_space(u[q]))
		return -1;
	while (q < e && is_space(u[q]))
		q++;
	if (q >= e)
		return -1;
	c = q;
	if (is_dash(u[q])) {
		if (q + 1 >= e || !is_space(u[q + 1]))
			return -1;
		w = look_ahead(u, q, e);
		if (!w.first || !is_upper(w.first))
			return -1;
		/*
		 * «Мова, — сказав він. — Далі»: the author's words are framed
		 * by two dashes and the closing one stays with them.
		 */
		if (remark_opened(u, a, p)) {
			for (c = q + 1; c < e && is_space(u[c]); c++)
				;
		}
		return c;
	}
	if (u[p] == '.' && u_isdigit(u[q]) &&
	    (u_isalpha(u[p - 1]) || is_close(u[p - 1])))
		return c;
	return -1;
}

/*
 * Gaps between sentences: does u[a..b) hold a line break (which, in the
 * working text, always means a paragraph break)?
 */
static int has_newline(const UChar *u, int32_t a, int32_t b)
{
	for (; a < b; a++)
		if (tma_is_newline(u[a]))
			return 1;
	return 0;
}

typedef struct emitter {
	tma_doc *doc;
	size_t cap;
	const tma_text *text;
	const UChar *w;    /* the working text (single line breaks may be spaces) */
	int para;
	int32_t last_end;  /* end of the previous sentence in w */
	/* Does the gap w[a..b) between two sentences end a paragraph? */
	int (*para_break)(const UChar *w, int32_t a, int32_t b);
} emitter;

/* Add w[a..b) as a sentence unless it is only white space. */
static int emit(emitter *em, int32_t a, int32_t b)
{
	const UChar *w = em->w;
	size_t len, nchars;
	char *s;

	while (a < b && is_space(w[a]))
		a++;
	while (b > a && is_space(w[b - 1]))
		b--;
	if (a == b)
		return TMA_OK;
	if (em->doc->n > 0 && em->para_break(w, em->last_end, a))
		em->para++;
	em->last_end = b;
	/* The text itself comes from the input, where line breaks still are. */
	s = tma_utf16_to_sentence(em->text->u + a, b - a, &len, &nchars);
	if (!s)
		return TMA_ENOMEM;
	return tma_doc_push(em->doc, &em->cap, em->para,
			    (size_t)em->text->off[a], (size_t)em->text->off[b], s, len,
			    nchars);
}

/*
 * The working text for TMA_SEG_JOIN_LINES: a copy of u where each single
 * line break (between two lines that are not blank) is a space, so that only
 * blank lines still break. Returns NULL when out of memory.
 */
static UChar *join_lines(const UChar *u, int32_t n)
{
	UChar *w = malloc(sizeof(UChar) * ((size_t)n + 1));
	int32_t i = 0;

	if (!w)
		return NULL;
	memcpy(w, u, sizeof(UChar) * ((size_t)n + 1));
	while (i < n) {
		int32_t eol, next, k, blank = 1, next_blank = 1;

		while (i < n && !tma_is_newline(u[i]))
			blank &= is_space(u[i++]) != 0;
		eol = i;
		if (i < n && u[i] == '\r' && i + 1 < n && u[i + 1] == '\n')
			i++;
		if (i < n)
			i++;
		next = i;
		if (eol == n || blank)
			continue;
		for (k = next; k < n && !tma_is_newline(u[k]); k++)
			next_blank &= is_space(u[k]) != 0;
		if (!next_blank)
			for (k = eol; k < next; k++)
				w[k] = ' ';
	}
	return w;
}

/* Every line is a sentence; a blank line ends a paragraph. */
static int segment_lines(emitter *em, int32_t n)
{
	int32_t i = 0;
	int rc;

	while (i < n) {
		int32_t a = i;
		while (i < n && !tma_is_newline(em->w[i]))
			i++;
		if ((rc = emit(em, a, i)))
			return rc;
		if (i < n && em->w[i] == '\r' && i + 1 < n && em->w[i + 1] == '\n')
			i++;
		i++;
	}
	return TMA_OK;
}

/* A blank line in the gap w[a..b): two line breaks (CRLF counting as one). */
static int blank_line_between(const UChar *w, int32_t a, int32_t b)
{
	int nl = 0;

	for (; a < b; a++) {
		if (w[a] == '\r' && a + 1 < b && w[a + 1] == '\n')
			continue;
		nl += tma_is_newline(w[a]);
	}
	return nl >= 2;
}

static int segment_sentences(emitter *em, tma_segmenter *seg, int32_t n,
			     tma_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	const UChar *w = em->w;
	int32_t a = 0, b, p;
	int rc;

	ubrk_setText(seg->brk, w, n, &status);
	if (U_FAILURE(status))
		return tma_fail_icu(err, status, "%s: cannot segment", em->text->name);
	for (b = ubrk_following(seg->brk, 0); b != UBRK_DONE;
	     b = ubrk_next(seg->brk)) {
		int32_t e = b;
		while (e > a && is_space(w[e - 1]))
			e--;
		if (b < n && !has_newline(w, e, b) && suppress(seg, w, a, b, n))
			continue;
		/* Split where ICU did not, unless the rules hold it together. */
		if (seg->has_data)
			for (p = a + 1; p < e; p++) {
				int32_t c;
				if (!(seg->terminal_bits[w[p] >> 3] & (1u << (w[p] & 7))))
					continue;
				c = missed_boundary(w, a, p, e);
				if (c < 0 || suppress(seg, w, a, c, n))
					continue;
				if ((rc = emit(em, a, c)))
					return rc;
				a = c;
			}
		if ((rc = emit(em, a, b)))
			return rc;
		a = b;
	}
	ubrk_setText(seg->brk, NULL, 0, &status);
	return TMA_OK;
}

int tma_segment(tma_doc **out, tma_segmenter *seg, const tma_text *text,
		unsigned flags, tma_error *err)
{
	emitter em;
	UChar *joined = NULL;
	int rc;

	*out = NULL;
	memset(&em, 0, sizeof(em));
	em.text = text;
	em.w = text->u;
	em.doc = tma_doc_new(seg->lang);
	if (!em.doc)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if ((flags & TMA_SEG_JOIN_LINES) && !(flags & TMA_SEG_PRESEGMENTED)) {
		joined = join_lines(text->u, text->n);
		if (!joined) {
			rc = tma_fail(err, TMA_ENOMEM, "out of memory");
			goto done;
		}
		em.w = joined;
	}
	em.para_break = (flags & TMA_SEG_PRESEGMENTED) ? blank_line_between
							: has_newline;
	if (flags & TMA_SEG_PRESEGMENTED)
		rc = segment_lines(&em, text->n);
	else
		rc = segment_sentences(&em, seg, text->n, err);
	if (rc == TMA_ENOMEM)
		tma_fail(err, rc, "%s: out of memory", text->name);
done:
	free(joined);
	if (rc) {
		tma_doc_free(em.doc);
		return rc;
	}
	*out = em.doc;
	return TMA_OK;
}
