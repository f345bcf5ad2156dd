/*
 * anchor.c - what in a sentence can line up across languages.
 *
 * An anchor is a token that survives translation: a number in any notation
 * (3.5, 3,5, 3 500, 1,000 all keep their digits), a name or a Latin word
 * inside Cyrillic text, a word shared by close languages (Ukrainian and
 * Russian), a question or exclamation mark, a quotation. Anchors are
 * evidence for the aligner, never constraints.
 *
 * Every word is turned into a key: transliterated to Latin by ICU (BGN/PCGN
 * for uk and ru, as the issue tracker asked: "Фіала" -> "fiala"; Any-Latin
 * otherwise), folded to ASCII (Latin-ASCII) and lower case, then spelt
 * loosely so that the spellings of one name in different scripts meet:
 * y, j -> i; w -> v; c, q -> k; ph -> f; x -> ks; doubled letters once;
 * anything but letters and digits dropped ("zelens'kyy" -> "zelenski",
 * "Zelensky" -> "zelenski").
 *
 * Keys of two documents are linked when equal or, for keys of four letters or
 * more, when their first letters agree and their prefixes (up to eight
 * letters) are within a small edit distance: "trump"/"trampa",
 * "parliament"/"parlamentu", "kroo"/"kroo". Linked keys form classes; a class
 * weighs more the rarer it is in the document (inverse document frequency),
 * so that a stray "1" or a name on every line counts for little.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "anchor.h"
#include "dict.h"
#include "text.h"

/* Most distinct words a tokenizer remembers before it starts afresh. */
#define WORD_CACHE_MAX (1u << 20)

struct tma_tokenizer {
	char lang[TMA_LANG_MAX];
	UTransliterator *tr;
	UBreakIterator *wb;
	/* Words seen (as UTF-16 bytes) and their keys: ICU's transliterators
	 * are slow and words repeat. */
	tma_strmap words;
	tma_strmap keys;
	uint32_t *key_of;  /* per word id: its key id, UINT32_MAX for none */
	size_t keycap;
	UChar *buf;        /* room to transliterate one word */
	int32_t bufcap;
};

int tma_tokenizer_new(tma_tokenizer **out, const char *lang, tma_error *err)
{
	tma_tokenizer *tk = calloc(1, sizeof(*tk));
	UErrorCode status = U_ZERO_ERROR;
	UParseError pe;
	const UChar *id;

	*out = NULL;
	if (!tk)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	snprintf(tk->lang, sizeof(tk->lang), "%s", lang);
	if (strcmp(lang, "uk") == 0)
		id = u"uk-uk_Latn/BGN; Latin-ASCII";
	else if (strcmp(lang, "ru") == 0)
		id = u"ru-ru_Latn/BGN; Latin-ASCII";
	else
		id = u"Any-Latin; Latin-ASCII";
	tk->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, &status);
	if (U_FAILURE(status)) {
		free(tk);
		return tma_fail_icu(err, status, "cannot open the transliterator for %s",
				    lang);
	}
	tk->wb = ubrk_open(UBRK_WORD, "en", NULL, 0, &status);
	if (U_FAILURE(status)) {
		tma_tokenizer_free(tk);
		return tma_fail_icu(err, status, "cannot open the word iterator");
	}
	*out = tk;
	return TMA_OK;
}

void tma_tokenizer_free(tma_tokenizer *tk)
{
	if (!tk)
		return;
	if (tk->tr)
		utrans_close(tk->tr);
	if (tk->wb)
		ubrk_close(tk->wb);
	tma_strmap_free(&tk->words);
	tma_strmap_free(&tk->keys);
	free(tk->key_of);
	free(tk->buf);
	free(tk);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

#define KEY_MAX 48
#define COGNATE_DICE 0.6     /* bigrams two keys share, for cognates */

/*
 * The loose spelling of a transliterated, lower-cased word u[0..n) into key
 * (at most KEY_MAX bytes). Returns the key's length; 0 when nothing is left.
 */
static size_t word_key(const UChar *u, int32_t n, char *key)
{
	size_t k = 0;
	int32_t i;

	for (i = 0; i < n && k + 2 < KEY_MAX; i++) {
		UChar c = u[i];
		char ch;

		if (c >= 0x80) {
			/* A script ICU could not make Latin: keep it as it is. */
			char buf[8];
			int32_t len = 0;
			UErrorCode st = U_ZERO_ERROR;
			u_strToUTF8(buf, sizeof(buf), &len, u + i, 1, &st);
			if (U_SUCCESS(st) && k + (size_t)len < KEY_MAX) {
				memcpy(key + k, buf, (size_t)len);
				k += (size_t)len;
			}
			continue;
		}
		c = (UChar)u_tolower(c);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		ch = (char)c;
		switch (ch) {
		case 'y': case 'j': ch = 'i'; break;
		case 'w': ch = 'v'; break;
		case 'c': case 'q': ch = 'k'; break;
		case 'x':
			key[k++] = 'k';
			ch = 's';
			break;
		case 'h':
			if (k > 0 && key[k - 1] == 'p') {
				key[k - 1] = 'f';
				continue;
			}
			break;
		default: break;
		}
		if (k > 0 && key[k - 1] == ch)
			continue;
		key[k++] = ch;
	}
	return k;
}

/*
 * "#" and the digits of a number token, in any script's digits ("3,5" and
 * "3.5" both give "#35").
 */
static size_t number_key(const UChar *u, int32_t n, char *key)
{
	size_t k = 0;
	int32_t i;

	key[k++] = '#';
	for (i = 0; i < n && k + 1 < KEY_MAX; i++) {
		int32_t d = u_charDigitValue(u[i]);
		if (d >= 0 && d <= 9)
			key[k++] = (char)('0' + d);
	}
	return k > 1 ? k : 0;
}

/*
 * Is a word token a name: capitalised and not the sentence's first word, or
 * in capitals throughout (NATO, MWP)? Names and numbers without a
 * counterpart in the other document are evidence that a sentence has no
 * translation there.
 */
static int is_strong(const UChar *u, int32_t n, int first)
{
	int32_t i, upper = 0;

	if (n < 2 || !u_isupper(u[0]))
		return 0;
	for (i = 0; i < n; i++)
		upper += u_isupper(u[i]) != 0;
	return !first || upper == n;
}

static int is_quote_char(UChar32 c)
{
	return c != '\'' && u_hasBinaryProperty(c, UCHAR_QUOTATION_MARK);
}

/*
 * The key of word w[0..n) as it stands in the text: transliterated, loosely
 * spelt (word_key), remembered for the next time. Returns its length, 0
 * when the word gives no key; -1 when out of memory.
 */
static int cached_key(tma_tokenizer *tk, const UChar *w, int32_t n,
		      char key[KEY_MAX])
{
	UErrorCode st = U_ZERO_ERROR;
	uint32_t wid, kid = UINT32_MAX;
	int32_t len, limit;
	size_t klen = 0;
	int added;

	if (tk->words.n >= WORD_CACHE_MAX) {
		tma_strmap_free(&tk->words);
		tma_strmap_free(&tk->keys);
	}
	if (tma_strmap_intern(&tk->words, (const char *)w, sizeof(UChar) * (size_t)n,
			      &wid, &added) ||
	    tma_grow(&tk->key_of, &tk->keycap, tk->words.n, sizeof(uint32_t)))
		return -1;
	if (!added) {
		const char *k;
		if (tk->key_of[wid] == UINT32_MAX)
			return 0;
		k = tma_strmap_key(&tk->keys, tk->key_of[wid], &klen);
		memcpy(key, k, klen);
		return (int)klen;
	}
	if (tk->bufcap < 4 * n + 16) {
		free(tk->buf);
		tk->bufcap = 4 * n + 16;
		tk->buf = malloc(sizeof(UChar) * (size_t)tk->bufcap);
		if (!tk->buf) {
			tk->bufcap = 0;
			return -1;
		}
	}
	memcpy(tk->buf, w, sizeof(UChar) * (size_t)n);
	len = limit = n;
	utrans_transUChars(tk->tr, tk->buf, &len, tk->bufcap, 0, &limit, &st);
	if (U_SUCCESS(st))
		klen = word_key(tk->buf, len, key);
	if (klen >= 2 && tma_strmap_intern(&tk->keys, key, klen, &kid, NULL))
		return -1;
	tk->key_of[wid] = klen >= 2 ? kid : UINT32_MAX;
	return klen >= 2 ? (int)klen : 0;
}

int tma_keys_cognate(const char *a, int na, const char *b, int nb)
{
	int i, j, common = 0;
	unsigned char used[TMA_KEY_MAX];

	if (na < 5 || nb < 5 || a[0] == '#' || b[0] == '#' || a[0] != b[0])
		return 0;
	/* Dice's coefficient over the letter bigrams of the two keys. */
	memset(used, 0, sizeof(used));
	for (i = 0; i + 1 < na; i++)
		for (j = 0; j + 1 < nb; j++)
			if (!used[j] && a[i] == b[j] && a[i + 1] == b[j + 1]) {
				used[j] = 1;
				common++;
				break;
			}
	return 2.0 * common >= COGNATE_DICE * (double)(na - 1 + nb - 1);
}

int tma_keys_anchor(const char *a, int na, int upper_a, const char *b, int nb, int upper_b)
{
	if (na <= 0 || nb <= 0)
		return 0;
	if (a[0] == '#' || b[0] == '#')
		return na == nb && memcmp(a, b, (size_t)na) == 0;
	if (na == nb && memcmp(a, b, (size_t)na) == 0)
		return na >= 3;
	return upper_a && upper_b && tma_keys_similar(a, (size_t)na, b, (size_t)nb);
}

int tma_word_key(tma_tokenizer *tk, const char *w, size_t len, char key[TMA_KEY_MAX])
{
	UChar u[128];
	int32_t n = 0;
	UErrorCode st = U_ZERO_ERROR;

	u_strFromUTF8(u, 128, &n, w, (int32_t)len, &st);
	if (U_FAILURE(st) || n > 128)
		return 0;
	if (n > 0 && u_isdigit(u[0]))
		return (int)number_key(u, n, key);
	return cached_key(tk, u, n, key);
}

/* ------------------------------------------------------------------ */
/* The lexicon                                                         */

#define STEM_EXTRA 4   /* letters a stem may be followed by */

typedef struct lex_entry {
	uint32_t concept;
	uint32_t next;     /* next entry of the same form, or UINT32_MAX */
} lex_entry;

typedef struct lex_lang {
	char lang[TMA_LANG_MAX];
	tma_strmap forms[2];     /* [0] whole words, [1] stems */
	uint32_t *head[2];       /* per form id: first entry */
	size_t headcap[2];
} lex_lang;

#define MAX_TOKENIZERS 8

struct tma_lexicon {
	lex_lang *langs;
	size_t nlang, langcap;
	lex_entry *entries;
	size_t nentries, entcap;
	tma_strmap concepts;     /* "@name" keys */
	tma_tokenizer *tk[MAX_TOKENIZERS]; /* made on first use, oldest replaced */
	int ntk;
};

tma_lexicon *tma_lexicon_new(void)
{
	return calloc(1, sizeof(tma_lexicon));
}

void tma_lexicon_free(tma_lexicon *lx)
{
	size_t i;
	int k;

	if (!lx)
		return;
	for (i = 0; i < lx->nlang; i++)
		for (k = 0; k < 2; k++) {
			tma_strmap_free(&lx->langs[i].forms[k]);
			free(lx->langs[i].head[k]);
		}
	free(lx->langs);
	free(lx->entries);
	tma_strmap_free(&lx->concepts);
	for (k = 0; k < lx->ntk; k++)
		tma_tokenizer_free(lx->tk[k]);
	free(lx);
}

int tma_lexicon_tokenizer(tma_tokenizer **out, tma_lexicon *lx, const char *lang,
			  tma_error *err)
{
	int i, rc;

	for (i = 0; i < lx->ntk; i++)
		if (strcmp(lx->tk[i]->lang, lang) == 0) {
			*out = lx->tk[i];
			return TMA_OK;
		}
	if (lx->ntk == MAX_TOKENIZERS) {
		tma_tokenizer_free(lx->tk[0]);
		memmove(lx->tk, lx->tk + 1, sizeof(lx->tk[0]) * (MAX_TOKENIZERS - 1));
		lx->ntk--;
	}
	if ((rc = tma_tokenizer_new(&lx->tk[lx->ntk], lang, err)))
		return rc;
	*out = lx->tk[lx->ntk++];
	return TMA_OK;
}

static lex_lang *lex_find(const tma_lexicon *lx, const char *lang)
{
	size_t i;

	for (i = 0; lx && i < lx->nlang; i++)
		if (strcmp(lx->langs[i].lang, lang) == 0)
			return &lx->langs[i];
	return NULL;
}

/* The key of a form (UTF-8) as text in language tk's would give. */
static size_t form_key(tma_tokenizer *tk, const char *form, size_t n,
		       char key[KEY_MAX])
{
	UChar u[4 * KEY_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t len = 0, limit;

	u_strFromUTF8(u, KEY_MAX, &len, form, (int32_t)n, &st);
	if (U_FAILURE(st))
		return 0;
	limit = len;
	utrans_transUChars(tk->tr, u, &len, (int32_t)(sizeof(u) / sizeof(u[0])), 0,
			   &limit, &st);
	if (U_FAILURE(st))
		return 0;
	return word_key(u, len, key);
}

/* Record that form (stem when is_stem) of language lang means concept. */
static int lex_add(tma_lexicon *lx, const char *lang, const char *concept,
		   size_t nconcept, const char *form, size_t nform, int is_stem,
		   tma_error *err)
{
	lex_lang *ll = lex_find(lx, lang);
	char key[KEY_MAX], ckey[KEY_MAX + 1];
	tma_tokenizer *tk;
	size_t klen;
	uint32_t fid, cid;
	int added, rc;

	if (!ll) {
		if (tma_grow(&lx->langs, &lx->langcap, lx->nlang + 1, sizeof(lex_lang)))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		ll = &lx->langs[lx->nlang++];
		memset(ll, 0, sizeof(*ll));
		snprintf(ll->lang, sizeof(ll->lang), "%s", lang);
	}
	if ((rc = tma_lexicon_tokenizer(&tk, lx, lang, err)))
		return rc;
	klen = form_key(tk, form, nform, key);
	if (klen < 2 || nconcept + 1 >= sizeof(ckey))
		return TMA_OK;
	ckey[0] = '@';
	memcpy(ckey + 1, concept, nconcept);
	if (tma_strmap_intern(&lx->concepts, ckey, nconcept + 1, &cid, NULL) ||
	    tma_strmap_intern(&ll->forms[is_stem], key, klen, &fid, &added) ||
	    tma_grow(&ll->head[is_stem], &ll->headcap[is_stem], ll->forms[is_stem].n,
		     sizeof(uint32_t)) ||
	    tma_grow(&lx->entries, &lx->entcap, lx->nentries + 1, sizeof(lex_entry)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (added)
		ll->head[is_stem][fid] = UINT32_MAX;
	lx->entries[lx->nentries].concept = cid;
	lx->entries[lx->nentries].next = ll->head[is_stem][fid];
	ll->head[is_stem][fid] = (uint32_t)lx->nentries++;
	return TMA_OK;
}

int tma_lexicon_parse(tma_lexicon *lx, const char *data, const char *name,
		      tma_error *err)
{
	const char *p = data;
	size_t line = 0;
	int rc;

	while (p && *p) {
		const char *eol = strchr(p, '\n'), *end = eol ? eol : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p)), *col;
		size_t nconcept;

		line++;
		if (*p == '#' || p == end)
			goto next;
		if (!tab)
			return tma_fail(err, TMA_ERROR, "%s:%zu: expected CONCEPT<TAB>LANG:forms",
					name, line);
		nconcept = (size_t)(tab - p);
		for (col = tab + 1; col < end;) {
			const char *cend = memchr(col, '\t', (size_t)(end - col)), *colon, *f;
			char lang[TMA_LANG_MAX];

			if (!cend)
				cend = end;
			colon = memchr(col, ':', (size_t)(cend - col));
			if (!colon || (size_t)(colon - col) >= sizeof(lang))
				return tma_fail(err, TMA_ERROR, "%s:%zu: expected LANG:forms",
						name, line);
			memcpy(lang, col, (size_t)(colon - col));
			lang[colon - col] = '\0';
			for (f = colon + 1; f < cend;) {
				const char *fend = memchr(f, ',', (size_t)(cend - f));
				size_t nf;
				int stem;
				if (!fend)
					fend = cend;
				nf = (size_t)(fend - f);
				stem = nf > 0 && f[nf - 1] == '*';
				if ((rc = lex_add(lx, lang, p, nconcept, f, nf - (size_t)stem,
						  stem, err)))
					return rc;
				f = fend + 1;
			}
			col = cend + 1;
		}
next:
		p = eol ? eol + 1 : NULL;
	}
	return TMA_OK;
}

int tma_lexicon_load_dict(tma_lexicon *lx, const char *spec, const char *src,
			  const char *tgt, tma_error *err)
{
	tma_dict *d;
	const char *la, *lb;
	size_t k;
	int rc = TMA_OK, swap;

	if ((rc = tma_dict_open(&d, spec, src, tgt, err)))
		return rc;
	la = tma_dict_lang(d, 0);
	lb = tma_dict_lang(d, 1);
	swap = strcmp(la, tgt) == 0 && strcmp(lb, src) == 0;
	if (!swap && (strcmp(la, src) != 0 || strcmp(lb, tgt) != 0)) {
		rc = tma_fail(err, TMA_EUSAGE, "%s: a dictionary of %s-%s, not of %s-%s",
			      tma_dict_name(d), la, lb, src, tgt);
		tma_dict_free(d);
		return rc;
	}
	/* The source word is the concept; phrases of several words are not used. */
	for (k = 0; k < tma_dict_size(d) && !rc; k++) {
		const char *a, *b, *s, *t;
		tma_dict_entry(d, k, &a, &b);
		s = swap ? b : a;
		t = swap ? a : b;
		if (strchr(s, ' ') || strchr(t, ' '))
			continue;
		if (!(rc = lex_add(lx, src, s, strlen(s), s, strlen(s), 0, err)))
			rc = lex_add(lx, tgt, s, strlen(s), t, strlen(t), 0, err);
	}
	tma_dict_free(d);
	return rc;
}

/* Call add for each concept key of word key[0..len) in ll. */
static int lex_lookup(const tma_lexicon *lx, const lex_lang *ll, const char *key,
		      size_t len, uint32_t *out, int max)
{
	int n = 0, k;
	size_t l;

	for (k = 0; k < 2 && n < max; k++) {
		for (l = len; l >= 2 && n < max; l--) {
			uint32_t fid = tma_strmap_find(&ll->forms[k], key, l), e;
			if (k == 0 && l < len)
				break;
			if (k == 1 && len - l > STEM_EXTRA)
				break;
			if (fid == UINT32_MAX)
				continue;
			for (e = ll->head[k][fid]; e != UINT32_MAX && n < max;
			     e = lx->entries[e].next)
				out[n++] = lx->entries[e].concept;
			if (k == 1)
				break;   /* the longest stem that matches decides */
		}
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Features of a doc                                                   */

void tma_feats_free(tma_feats *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->tok[i]);
	free(f->tok);
	free(f->ntok);
	free(f->len);
	free(f->para_end);
	free(f->df);
	free(f->strong);
	tma_strmap_free(&f->voc);
	free(f);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort ids[0..n) and drop repeats; returns the new count. */
static int32_t sort_unique(uint32_t *ids, int32_t n)
{
	int32_t i, k = 0;

	if (n > 1)
		qsort(ids, (size_t)n, sizeof(uint32_t), cmp_u32);
	for (i = 0; i < n; i++)
		if (k == 0 || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	return k;
}

typedef struct scratch {
	UChar *u;
	int32_t cap;
	uint32_t *ids;
	size_t idcap;
} scratch;

/*
 * Add key to the doc's vocabulary and to the sentence's ids; strong says the
 * token is a number or a name (see is_strong).
 */
static int add_key(tma_feats *f, scratch *s, int32_t *nids, const char *key,
		   size_t len, int strong)
{
	uint32_t id;
	int added;

	if (!len)
		return TMA_OK;
	if (tma_strmap_intern(&f->voc, key, len, &id, &added) ||
	    tma_grow(&s->ids, &s->idcap, (size_t)*nids + 1, sizeof(uint32_t)))
		return TMA_ENOMEM;
	if (added) {
		size_t c2 = f->dfcap;
		if (tma_grow(&f->df, &f->dfcap, f->voc.n, sizeof(uint32_t)) ||
		    tma_grow(&f->strong, &c2, f->voc.n, 1))
			return TMA_ENOMEM;
		f->df[id] = 0;
		f->strong[id] = 0;
	}
	f->strong[id] |= (uint8_t)strong;
	s->ids[(*nids)++] = id;
	return TMA_OK;
}

/* Tokenize sentence text (UTF-8) into f->tok[i]. */
static int sentence_tokens(tma_feats *f, size_t i, tma_tokenizer *tk,
			   const tma_lexicon *lx, const lex_lang *ll,
			   const char *text, scratch *s, tma_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, cap, a, b, nids = 0, prev_num_end = -1, k, words = 0;
	char key[KEY_MAX], prev_key[KEY_MAX];
	size_t prev_len = 0;
	int rc, quote = 0, question = 0, exclaim = 0;

	u_strFromUTF8(NULL, 0, &n, text, -1, &st);
	st = U_ZERO_ERROR;
	cap = n + 1;
	if (s->cap < cap) {
		free(s->u);
		s->u = malloc(sizeof(UChar) * (size_t)cap);
		s->cap = s->u ? cap : 0;
		if (!s->u)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	u_strFromUTF8(s->u, s->cap, &n, text, -1, &st);
	for (k = 0; k < n; k++) {
		quote |= is_quote_char(s->u[k]);
		question |= s->u[k] == '?';
		exclaim |= s->u[k] == '!';
	}
	ubrk_setText(tk->wb, s->u, n, &st);
	if (U_FAILURE(st))
		return tma_fail_icu(err, st, "cannot tokenize");
	for (a = ubrk_first(tk->wb), b = ubrk_next(tk->wb); b != UBRK_DONE;
	     a = b, b = ubrk_next(tk->wb)) {
		int32_t status = ubrk_getRuleStatus(tk->wb);
		size_t len;
		int strong, got;

		if (status < UBRK_WORD_NUMBER)
			continue;
		if (status < UBRK_WORD_NUMBER_LIMIT) {
			len = number_key(s->u + a, b - a, key);
			/* "3 500": a group of three digits after a number and a space. */
			if (prev_num_end >= 0 && a == prev_num_end + 1 && len == 4 &&
			    prev_len + 3 < KEY_MAX) {
				memcpy(prev_key + prev_len, key + 1, 3);
				prev_len += 3;
				nids--;
				if ((rc = add_key(f, s, &nids, prev_key, prev_len, 1)))
					return tma_fail(err, rc, "out of memory");
				prev_num_end = b;
				continue;
			}
			memcpy(prev_key, key, len);
			prev_len = len;
			prev_num_end = b;
			strong = 1;
		} else {
			strong = is_strong(s->u + a, b - a, words++ == 0);
			got = cached_key(tk, s->u + a, b - a, key);
			if (got < 0)
				return tma_fail(err, TMA_ENOMEM, "out of memory");
			if (got < 2)
				continue;
			len = (size_t)got;
		}
		if ((rc = add_key(f, s, &nids, key, len, strong)))
			return tma_fail(err, rc, "out of memory");
		if (ll && key[0] != '#') {
			uint32_t concepts[4];
			int c, nc = lex_lookup(lx, ll, key, len, concepts, 4);
			for (c = 0; c < nc; c++) {
				size_t clen;
				const char *ck = tma_strmap_key(&lx->concepts, concepts[c], &clen);
				if ((rc = add_key(f, s, &nids, ck, clen, 0)))
					return tma_fail(err, rc, "out of memory");
			}
		}
	}
	ubrk_setText(tk->wb, NULL, 0, &st);
	/* A question without one in the other text is evidence too. */
	if ((quote && (rc = add_key(f, s, &nids, "\"", 1, 0))) ||
	    (question && (rc = add_key(f, s, &nids, "?", 1, 1))) ||
	    (exclaim && (rc = add_key(f, s, &nids, "!", 1, 1))))
		return tma_fail(err, rc, "out of memory");
	nids = sort_unique(s->ids, nids);
	f->tok[i] = malloc(sizeof(uint32_t) * (size_t)(nids ? nids : 1));
	if (!f->tok[i])
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (nids)
		memcpy(f->tok[i], s->ids, sizeof(uint32_t) * (size_t)nids);
	f->ntok[i] = nids;
	for (k = 0; k < nids; k++)
		f->df[s->ids[k]]++;
	return TMA_OK;
}

int tma_feats_build(tma_feats **out, tma_tokenizer *tk, const tma_lexicon *lx,
		    const tma_doc *doc, tma_error *err)
{
	tma_feats *f = calloc(1, sizeof(*f));
	scratch s = { NULL, 0, NULL, 0 };
	size_t i, n = doc->n;
	int rc = TMA_OK;

	*out = NULL;
	if (!f)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	f->n = n;
	f->len = calloc(n + 1, sizeof(int32_t));
	f->para_end = calloc(n + 1, 1);
	f->tok = calloc(n + 1, sizeof(uint32_t *));
	f->ntok = calloc(n + 1, sizeof(int32_t));
	if (!f->len || !f->para_end || !f->tok || !f->ntok) {
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		f->len[i] = (int32_t)doc->sent[i].nchars;
		f->para_end[i] = i + 1 == n || doc->sent[i + 1].para != doc->sent[i].para;
		if ((rc = sentence_tokens(f, i, tk, lx, lex_find(lx, tk->lang),
					  doc->sent[i].text, &s, err)))
			goto done;
	}
done:
	free(s.u);
	free(s.ids);
	if (rc) {
		tma_feats_free(f);
		return rc;
	}
	*out = f;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Links between two docs                                              */

/* Edit distance of a[0..na) and b[0..nb), both at most KEY_MAX long. */
static int edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	int row[KEY_MAX + 1], i, j;

	for (j = 0; j <= (int)nb; j++)
		row[j] = j;
	for (i = 1; i <= (int)na; i++) {
		int diag = row[0];
		row[0] = i;
		for (j = 1; j <= (int)nb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

/*
 * The letters (a-z, one bit each) among the first 4, 5, ... 8 bytes of a
 * key: masks[l - 4] for the first l.
 */
#define NMASK 5

static void letter_masks(uint32_t *masks, const char *k, size_t n)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (i < n && k[i] >= 'a' && k[i] <= 'z')
			m |= 1u << (k[i] - 'a');
		if (i >= 3)
			masks[i - 3] = m;
	}
}

/* Are two word keys spellings of one word (see the top of this file)? */
int tma_keys_similar(const char *a, size_t na, const char *b, size_t nb)
{
	size_t l = na < nb ? na : nb;

	if (na == nb && memcmp(a, b, na) == 0)
		return 1;
	if (l < 4 || a[0] == '#' || b[0] == '#' || a[0] != b[0])
		return 0;
	if (l > 8)
		l = 8;
	return edit_distance(a, l, b, l) <= (int)(l / 4);
}

/* The weight of something found in df of nsent sentences: rarer weighs more. */
static double idf(double nsent, uint32_t df)
{
	double w = log((nsent + 1) / ((double)df + 1));
	return w < 0.1 ? 0.1 : w;
}

/* Union-find over A's and B's vocabulary ids (B's after A's). */
static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void unite(uint32_t *parent, uint32_t x, uint32_t y)
{
	x = find(parent, x);
	y = find(parent, y);
	if (x != y)
		parent[x < y ? y : x] = x < y ? x : y;
}

void tma_links_free(tma_links *l)
{
	if (!l)
		return;
	free(l->a ? l->a[0] : NULL);
	free(l->b ? l->b[0] : NULL);
	free(l->a);
	free(l->b);
	free(l->na);
	free(l->nb);
	free(l->wa);
	free(l->wb);
	free(l->ua);
	free(l->ub);
	free(l->weight);
	free(l);
}

/*
 * For one side: every sentence's sorted distinct classes, keeping only the
 * linked ones; all lists share one block (lists[0]).
 */
static int side_anchors(uint32_t ***lists, int32_t **counts, float **totals,
			float **unlinked, const tma_feats *f, uint32_t base,
			uint32_t *parent, const uint32_t *klass, const uint8_t *linked,
			const float *weight, double nsent)
{
	size_t i, total = 0, used = 0;
	uint32_t *block;

	for (i = 0; i < f->n; i++)
		total += (size_t)f->ntok[i];
	*lists = calloc(f->n + 1, sizeof(uint32_t *));
	*counts = calloc(f->n + 1, sizeof(int32_t));
	*totals = calloc(f->n + 1, sizeof(float));
	*unlinked = calloc(f->n + 1, sizeof(float));
	block = malloc(sizeof(uint32_t) * (total + 1));
	if (!*lists || !*counts || !*totals || !*unlinked || !block) {
		free(block);
		return TMA_ENOMEM;
	}
	for (i = 0; i < f->n; i++) {
		int32_t k, m = 0;
		uint32_t *dst = block + used;
		for (k = 0; k < f->ntok[i]; k++) {
			uint32_t id = f->tok[i][k], c = klass[find(parent, base + id)];
			if (linked[c])
				dst[m++] = c;
			else if (f->strong[id])
				(*unlinked)[i] += (float)idf(nsent, f->df[id]);
		}
		m = sort_unique(dst, m);
		(*lists)[i] = dst;   /* (*lists)[0] == block: freed through it */
		(*counts)[i] = m;
		for (k = 0; k < m; k++)
			(*totals)[i] += weight[dst[k]];
		used += (size_t)m;
	}
	(*lists)[0] = block;
	return TMA_OK;
}

int tma_links_build(tma_links **out, const tma_feats *a, const tma_feats *b,
		    tma_error *err)
{
	uint32_t na = a->voc.n, nb = b->voc.n, i, j, nclass = 0;
	uint32_t *parent = NULL, *klass = NULL, *df = NULL, *first = NULL, *next = NULL;
	uint32_t *mask = NULL;
	uint8_t *side = NULL, *linked = NULL;
	tma_links *l = NULL;
	int rc = TMA_ENOMEM;

	*out = NULL;
	parent = malloc(sizeof(uint32_t) * (na + nb + 1));
	klass = malloc(sizeof(uint32_t) * (na + nb + 1));
	side = calloc(na + nb + 1, 1);
	first = malloc(sizeof(uint32_t) * 256);
	next = malloc(sizeof(uint32_t) * (nb + 1));
	mask = malloc(sizeof(uint32_t) * NMASK * (nb + 1));
	l = calloc(1, sizeof(*l));
	if (!parent || !klass || !side || !first || !next || !mask || !l)
		goto done;
	for (i = 0; i < na + nb; i++)
		parent[i] = i;
	/* B's keys in buckets by first byte, for the fuzzy comparisons. */
	for (i = 0; i < 256; i++)
		first[i] = UINT32_MAX;
	for (j = nb; j-- > 0;) {
		size_t len;
		const char *k = tma_strmap_key(&b->voc, j, &len);
		unsigned char c = (unsigned char)k[0];
		next[j] = first[c];
		first[c] = j;
	}
	for (j = 0; j < nb; j++) {
		size_t lb;
		const char *kb = tma_strmap_key(&b->voc, j, &lb);
		letter_masks(mask + NMASK * j, kb, lb);
	}
	for (i = 0; i < na; i++) {
		size_t la, lb;
		const char *ka = tma_strmap_key(&a->voc, i, &la);
		uint32_t exact = tma_strmap_find(&b->voc, ka, la), ma[NMASK];

		if (exact != UINT32_MAX)
			unite(parent, i, na + exact);
		if (la < 4 || ka[0] == '#')
			continue;
		letter_masks(ma, ka, la);
		for (j = first[(unsigned char)ka[0]]; j != UINT32_MAX; j = next[j]) {
			const char *kb;
			size_t pre;

			if (j == exact)
				continue;
			kb = tma_strmap_key(&b->voc, j, &lb);
			/*
			 * keys_similar compares the first l bytes with at most
			 * two edits, and one edit changes at most two letters of
			 * the set those bytes hold: a cheap test first.
			 */
			pre = la < lb ? la : lb;
			if (pre > 8)
				pre = 8;
			if (pre >= 4 &&
			    __builtin_popcount(ma[pre - 4] ^ mask[NMASK * j + pre - 4]) > 4)
				continue;
			if (tma_keys_similar(ka, la, kb, lb))
				unite(parent, i, na + j);
		}
	}
	/* Classes: dense ids for the roots; linked when both sides are in. */
	for (i = 0; i < na + nb; i++)
		klass[i] = UINT32_MAX;
	for (i = 0; i < na + nb; i++) {
		uint32_t r = find(parent, i);
		if (klass[r] == UINT32_MAX)
			klass[r] = nclass++;
		side[klass[r]] |= i < na ? 1 : 2;
	}
	linked = calloc(nclass + 1, 1);
	df = calloc(nclass + 1, sizeof(uint32_t));
	l->weight = calloc(nclass + 1, sizeof(float));
	if (!linked || !df || !l->weight)
		goto done;
	for (i = 0; i < nclass; i++)
		linked[i] = side[i] == 3;
	for (i = 0; i < na + nb; i++) {
		uint32_t c = klass[find(parent, i)];
		df[c] += i < na ? a->df[i] : b->df[i - na];
	}
	for (i = 0; i < nclass; i++)
		l->weight[i] = (float)idf((double)(a->n + b->n), df[i]);
	l->nclass = nclass;
	if (side_anchors(&l->a, &l->na, &l->wa, &l->ua, a, 0, parent, klass, linked,
			 l->weight, (double)(a->n + b->n)) ||
	    side_anchors(&l->b, &l->nb, &l->wb, &l->ub, b, na, parent, klass, linked,
			 l->weight, (double)(a->n + b->n)))
		goto done;
	*out = l;
	l = NULL;
	rc = TMA_OK;
done:
	if (rc)
		tma_fail(err, rc, "out of memory");
	tma_links_free(l);
	free(parent);
	free(klass);
	free(side);
	free(first);
	free(next);
	free(mask);
	free(linked);
	free(df);
	return rc;
}
