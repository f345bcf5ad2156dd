/*
 * norm.c - the normal forms of words, from libraries that know a
 * language's inflection: Hunspell's stems (lemmas) from the dictionaries
 * Debian installs (hunspell-uk, hunspell-ru, hunspell-en-us, and any other
 * in /usr/share/hunspell or $DICPATH) and Snowball's stemmers
 * (libstemmer: english, russian and two dozen more).
 *
 * A word gets every form the libraries give it: all of Hunspell's lemmas
 * ("року" is "рік" and "рок"), the lemma of each part of a hyphenated word
 * ("сенатори-республіканці"), and Snowball's stem, which also stems the
 * names no dictionary holds ("Джеррарду"). Two words match when their
 * forms meet. Ukrainian has no Snowball stemmer: Russian's is used for it,
 * the two languages sharing most endings. What each language uses was
 * measured on ../shared/eval/phrases/dev.tsv (README, "Phrase lookup"): a
 * query and its text matched form for form in 0.97 of the rows for en, uk
 * and ru alike, against 0.93, 0.94 and 0.90 with Hunspell alone and 0.26,
 * 0 and 0 without normal forms. A language no library knows has the
 * folded word as its form.
 *
 * The forms of each word type are computed once and cached.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <hunspell/hunspell.h>
#include <libstemmer.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "words.h"

#define CACHE_MAX 1000000     /* word types a language caches */
#define LANGS 8               /* languages a normalizer keeps */

typedef struct lang_forms {
	char lang[TMA_LANG_MAX];
	Hunhandle *hun;
	UConverter *cnv;           /* to and from Hunspell's encoding; NULL: UTF-8 */
	struct sb_stemmer *sb;
	char about[200];
	tma_strmap words;          /* the cache: word id -> its forms */
	uint32_t *first;           /* per word id: offset of its forms in arena */
	uint8_t *count;
	size_t cap;
	char *arena;
	size_t used, acap;
} lang_forms;

struct tma_normalizer {
	lang_forms *lang[LANGS];
	int nlang;
	UCaseMap *title;
	char *out;                 /* the forms returned last */
	size_t outcap;
};

int tma_normalizer_new(tma_normalizer **out, tma_error *err)
{
	tma_normalizer *nz = calloc(1, sizeof(*nz));
	UErrorCode st = U_ZERO_ERROR;

	*out = NULL;
	if (!nz)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	nz->title = ucasemap_open("", 0, &st);
	if (U_FAILURE(st)) {
		free(nz);
		return tma_fail_icu(err, st, "cannot open a case map");
	}
	*out = nz;
	return TMA_OK;
}

static void lang_free(lang_forms *lf)
{
	if (!lf)
		return;
	if (lf->hun)
		Hunspell_destroy(lf->hun);
	if (lf->cnv)
		ucnv_close(lf->cnv);
	if (lf->sb)
		sb_stemmer_delete(lf->sb);
	tma_strmap_free(&lf->words);
	free(lf->first);
	free(lf->count);
	free(lf->arena);
	free(lf);
}

void tma_normalizer_free(tma_normalizer *nz)
{
	int k;

	if (!nz)
		return;
	for (k = 0; k < nz->nlang; k++)
		lang_free(nz->lang[k]);
	ucasemap_close(nz->title);
	free(nz->out);
	free(nz);
}

/* The dictionary of lang: its preferred region first, else any; "" when none. */
static void find_dictionary(const char *lang, char *base, size_t n)
{
	static const char *const preferred[][2] = {
		{ "en", "en_US" }, { "uk", "uk_UA" }, { "ru", "ru_RU" }, { "de", "de_DE" },
		{ "fr", "fr_FR" },
	};
	const char *env = getenv("DICPATH");
	char dirs[2][1024], pattern[1200];
	size_t k;
	int nd = 0, d;

	base[0] = '\0';
	if (env && *env && strlen(env) < 1000)
		snprintf(dirs[nd++], 1000, "%s", env);
	snprintf(dirs[nd++], sizeof(dirs[0]), "/usr/share/hunspell");
	for (d = 0; d < nd; d++) {
		glob_t g;
		for (k = 0; k < sizeof(preferred) / sizeof(preferred[0]); k++) {
			FILE *f;
			if (strcmp(preferred[k][0], lang) != 0)
				continue;
			snprintf(pattern, sizeof(pattern), "%.1000s/%s.dic", dirs[d], preferred[k][1]);
			if ((f = fopen(pattern, "r"))) {
				fclose(f);
				snprintf(base, n, "%.*s", (int)(strlen(pattern) - 4), pattern);
				return;
			}
		}
		snprintf(pattern, sizeof(pattern), "%.1000s/%s_*.dic", dirs[d], lang);
		if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
			snprintf(base, n, "%.*s", (int)(strlen(g.gl_pathv[0]) - 4), g.gl_pathv[0]);
			globfree(&g);
			return;
		}
		globfree(&g);
	}
}

/* The libraries for lang, loaded now. */
static int open_lang(tma_normalizer *nz, const char *lang, lang_forms **out, tma_error *err)
{
	lang_forms *lf = calloc(1, sizeof(*lf));
	char base[1100], aff[1200], dic[1200];
	const char *slash;

	if (!lf)
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	snprintf(lf->lang, sizeof(lf->lang), "%s", lang);
	find_dictionary(lang, base, sizeof(base));
	if (base[0]) {
		snprintf(aff, sizeof(aff), "%s.aff", base);
		snprintf(dic, sizeof(dic), "%s.dic", base);
		lf->hun = Hunspell_create(aff, dic);
	}
	if (lf->hun) {
		const char *enc = Hunspell_get_dic_encoding(lf->hun);
		UErrorCode st = U_ZERO_ERROR;
		if (enc && ucnv_compareNames(enc, "UTF-8") != 0) {
			lf->cnv = ucnv_open(enc, &st);
			if (U_FAILURE(st)) {
				Hunspell_destroy(lf->hun);
				lf->hun = NULL;
				lf->cnv = NULL;
			}
		}
	}
	/* Ukrainian has no Snowball stemmer; Russian's shares its endings. */
	lf->sb = sb_stemmer_new(strcmp(lang, "uk") == 0 ? "ru" : lang, "UTF_8");
	slash = base[0] ? strrchr(base, '/') : NULL;
	snprintf(lf->about, sizeof(lf->about), "%s%.64s%s%s%s",
		 lf->hun ? "hunspell " : "", lf->hun ? (slash ? slash + 1 : base) : "",
		 lf->hun && lf->sb ? ", " : "", lf->sb ? "snowball " : "",
		 lf->sb ? (strcmp(lang, "uk") == 0 ? "russian" : lang) : "");
	if (!lf->hun && !lf->sb)
		snprintf(lf->about, sizeof(lf->about), "none");
	if (nz->nlang == LANGS) {
		lang_free(nz->lang[0]);
		memmove(nz->lang, nz->lang + 1, sizeof(nz->lang[0]) * (LANGS - 1));
		nz->nlang--;
	}
	nz->lang[nz->nlang++] = lf;
	*out = lf;
	return TMA_OK;
}

static int lang_of(tma_normalizer *nz, const char *lang, lang_forms **out, tma_error *err)
{
	int k;

	for (k = 0; k < nz->nlang; k++)
		if (strcmp(nz->lang[k]->lang, lang) == 0) {
			*out = nz->lang[k];
			return TMA_OK;
		}
	return open_lang(nz, lang, out, err);
}

const char *tma_normalizer_describe(tma_normalizer *nz, const char *lang)
{
	lang_forms *lf;

	return lang_of(nz, lang, &lf, NULL) ? "none" : lf->about;
}

/* The forms being collected for one word: NUL-separated, distinct. */
typedef struct forms {
	char buf[TMA_NORMS_MAX][128];
	int n;
} forms;

/* Fold UTF-8 s into a form (when new and there is room). */
static void add_form(forms *f, const char *s, size_t len)
{
	UChar u[128], fold[128];
	int32_t nu = 0, nf, n8 = 0, k;
	UErrorCode st = U_ZERO_ERROR;
	char out[128];

	if (f->n == TMA_NORMS_MAX || len == 0 || len >= 128)
		return;
	u_strFromUTF8(u, 128, &nu, s, (int32_t)len, &st);
	nf = U_SUCCESS(st) ? u_strFoldCase(fold, 128, u, nu, U_FOLD_CASE_DEFAULT, &st) : 0;
	if (U_SUCCESS(st))
		u_strToUTF8(out, sizeof(out), &n8, fold, nf, &st);
	if (U_FAILURE(st) || n8 <= 0 || n8 >= 128)
		return;
	out[n8] = '\0';
	for (k = 0; k < f->n; k++)
		if (strcmp(f->buf[k], out) == 0)
			return;
	memcpy(f->buf[f->n++], out, (size_t)n8 + 1);
}

/* Convert s between UTF-8 and Hunspell's encoding (to != 0: into it). */
static int convert(const lang_forms *lf, int to, const char *s, char *out, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t len;

	if (!lf->cnv) {
		snprintf(out, n, "%s", s);
		return 0;
	}
	len = to ? ucnv_fromAlgorithmic(lf->cnv, UCNV_UTF8, out, (int32_t)n, s, -1, &st)
		 : ucnv_toAlgorithmic(UCNV_UTF8, lf->cnv, out, (int32_t)n, s, -1, &st);
	return U_SUCCESS(st) && len < (int32_t)n ? 0 : -1;
}

/*
 * Do a word and a lemma begin with the same letter (case aside)? Hunspell
 * strips prefixes as well as suffixes ("republican" -> "publican",
 * "невеликий" -> "великий"): another word, not a form of this one.
 */
static int same_start(const char *w, const char *lemma)
{
	int32_t i = 0, j = 0;
	UChar32 a, b;

	U8_NEXT(w, i, -1, a);
	U8_NEXT(lemma, j, -1, b);
	return a >= 0 && b >= 0 && u_foldCase(a, U_FOLD_CASE_DEFAULT) == u_foldCase(b, U_FOLD_CASE_DEFAULT);
}

/* Hunspell's lemmas of w that are its forms, into f; how many. */
static int hunspell_stems(const lang_forms *lf, const char *w, forms *f)
{
	char in[512], out[512], **list = NULL;
	int n, k, kept;

	if (!lf->hun || convert(lf, 1, w, in, sizeof(in)))
		return 0;
	n = Hunspell_stem(lf->hun, &list, in);
	for (k = 0, kept = 0; k < n; k++)
		if (!convert(lf, 0, list[k], out, sizeof(out)) && same_start(w, out)) {
			add_form(f, out, strlen(out));
			kept++;
		}
	if (n > 0)
		Hunspell_free_list(lf->hun, &list, n);
	return kept;
}

/* Snowball's stem of w (folded) into buf; 0, or -1 when there is none. */
static int snowball_stem(const lang_forms *lf, const char *w, size_t len, char *buf,
			 size_t n)
{
	const sb_symbol *s;

	if (!lf->sb || !(s = sb_stemmer_stem(lf->sb, (const sb_symbol *)w, (int)len)))
		return -1;
	snprintf(buf, n, "%.*s", sb_stemmer_length(lf->sb), (const char *)s);
	return 0;
}

/* The forms of one part of a word: Hunspell's first lemma, else Snowball's. */
static void part_form(tma_normalizer *nz, const lang_forms *lf, const char *part,
		      char *out, size_t n)
{
	forms f;

	f.n = 0;
	if (hunspell_stems(lf, part, &f) == 0) {
		char title[128];
		UErrorCode st = U_ZERO_ERROR;
		int32_t len = ucasemap_utf8ToTitle(nz->title, title, sizeof(title), part, -1, &st);
		if (U_SUCCESS(st) && len < (int32_t)sizeof(title))
			hunspell_stems(lf, title, &f);
	}
	if (f.n > 0 || snowball_stem(lf, part, strlen(part), out, n) != 0)
		snprintf(out, n, "%s", f.n > 0 ? f.buf[0] : part);
}

/* The forms of folded word w (see the top of this file). */
static void compute(tma_normalizer *nz, const lang_forms *lf, const char *w, size_t len,
		    forms *f)
{
	char word[128], stem[128], joined[256], part[128];
	const char *p;
	size_t at = 0;

	f->n = 0;
	if (len >= sizeof(word)) {
		/* No library's word: itself, cut at a character's start. */
		const uint8_t *s = (const uint8_t *)w;
		int32_t cut = (int32_t)sizeof(word) - 1;
		U8_TRUNCATE_IF_INCOMPLETE(s, 0, cut);
		snprintf(f->buf[0], sizeof(f->buf[0]), "%.*s", (int)cut, w);
		f->n = 1;
		return;
	}
	snprintf(word, sizeof(word), "%.*s", (int)len, w);
	if (hunspell_stems(lf, word, f) == 0) {
		/* Names are capitalised in the dictionaries: "Джеймса". */
		char title[128];
		UErrorCode st = U_ZERO_ERROR;
		int32_t tl = ucasemap_utf8ToTitle(nz->title, title, sizeof(title), word, -1, &st);
		if (U_SUCCESS(st) && tl < (int32_t)sizeof(title))
			hunspell_stems(lf, title, f);
	}
	if (strchr(word, '-')) {
		joined[0] = '\0';
		for (p = word; *p; p += *p == '-') {
			size_t pl = strcspn(p, "-");
			snprintf(part, sizeof(part), "%.*s", (int)pl, p);
			part_form(nz, lf, part, stem, sizeof(stem));
			at += (size_t)snprintf(joined + at, sizeof(joined) - at, "%s%s",
					       at ? "-" : "", stem);
			p += pl;
			if (at >= sizeof(joined))
				break;
		}
		add_form(f, joined, strlen(joined));
	}
	if (snowball_stem(lf, word, len, stem, sizeof(stem)) == 0)
		add_form(f, stem, strlen(stem));
	if (f->n == 0)
		add_form(f, word, len);
	if (f->n == 0) {
		/* Not foldable (not UTF-8): the word as it is. */
		snprintf(f->buf[0], sizeof(f->buf[0]), "%s", word);
		f->n = 1;
	}
}

/* Remember the forms of word id of lf. */
static int keep(lang_forms *lf, uint32_t id, const forms *f)
{
	size_t need = 0, c1 = lf->cap, c2 = lf->cap;
	int k;

	for (k = 0; k < f->n; k++)
		need += strlen(f->buf[k]) + 1;
	if (tma_grow(&lf->first, &c1, (size_t)id + 1, sizeof(uint32_t)) ||
	    tma_grow(&lf->count, &c2, (size_t)id + 1, 1) ||
	    tma_grow(&lf->arena, &lf->acap, lf->used + need, 1))
		return TMA_ENOMEM;
	lf->cap = c1 < c2 ? c1 : c2;
	lf->first[id] = (uint32_t)lf->used;
	lf->count[id] = (uint8_t)f->n;
	for (k = 0; k < f->n; k++) {
		size_t l = strlen(f->buf[k]) + 1;
		memcpy(lf->arena + lf->used, f->buf[k], l);
		lf->used += l;
	}
	return TMA_OK;
}

int tma_norms(tma_normalizer *nz, const char *lang, const char *w, size_t len,
	      const char **out, int *n, tma_error *err)
{
	lang_forms *lf;
	uint32_t id;
	int added, rc;
	forms f;
	size_t size;

	if ((rc = lang_of(nz, lang, &lf, err)))
		return rc;
	if (lf->words.n >= CACHE_MAX) {
		tma_strmap_free(&lf->words);
		lf->used = 0;
	}
	if (tma_strmap_intern(&lf->words, w, len, &id, &added))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (added) {
		compute(nz, lf, w, len, &f);
		if (keep(lf, id, &f))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	/* A copy: the cache's arena may move at the next call. */
	{
		const char *p = lf->arena + lf->first[id];
		int k;
		for (k = 0, size = 0; k < lf->count[id]; k++)
			size += strlen(p + size) + 1;
		if (tma_grow(&nz->out, &nz->outcap, size, 1))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		memcpy(nz->out, p, size);
	}
	*out = nz->out;
	*n = lf->count[id];
	return TMA_OK;
}
