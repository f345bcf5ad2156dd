/*
 * check.c - are these versions of one article what they claim to be?
 *
 * Before aligning, each version must hold text; no two may be the same
 * text; and each must be written in its language's script: an English file
 * given as uk, or a Russian one given as en, is refused rather than
 * aligned into nonsense. ICU tells the scripts of a language (uscript_
 * getCode) and of every letter. Ukrainian and Russian share their script;
 * the letters only one of them has (і ї є ґ against ы э ъ ё) tell them
 * apart.
 */
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "util.h"

#define MIN_LETTERS 40     /* fewer letters than this are not judged */
#define MIN_SHARE 0.5      /* share of letters in the language's scripts */
#define MIN_MARKED 8       /* uk/ru: letters of one of the two, at least */

typedef struct letters {
	size_t all, own;   /* letters; those in the language's scripts */
	size_t uk, ru;     /* letters only Ukrainian, only Russian has */
	UScriptCode most;  /* the script most letters are in */
} letters;

static void count_letters(letters *c, const tma_doc *doc, const UScriptCode *own,
			  int nown)
{
	static const UChar32 uk_only[] = { 0x456, 0x457, 0x454, 0x491 };
	static const UChar32 ru_only[] = { 0x44B, 0x44D, 0x44A, 0x451 };
	size_t per[USCRIPT_CODE_LIMIT];
	size_t i, best = 0;
	int k;

	memset(c, 0, sizeof(*c));
	memset(per, 0, sizeof(per));
	for (i = 0; i < doc->n; i++) {
		const char *s = doc->sent[i].text;
		int32_t at = 0, len = (int32_t)doc->sent[i].len;
		while (at < len) {
			UChar32 ch;
			UErrorCode st = U_ZERO_ERROR;
			UScriptCode sc;
			U8_NEXT(s, at, len, ch);
			if (ch < 0 || !u_isalpha(ch))
				continue;
			sc = uscript_getScript(ch, &st);
			if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
				continue;
			c->all++;
			if (sc >= 0 && sc < USCRIPT_CODE_LIMIT)
				per[sc]++;
			for (k = 0; k < nown; k++)
				if (sc == own[k])
					c->own++;
			ch = u_tolower(ch);
			for (k = 0; k < 4; k++) {
				c->uk += ch == uk_only[k];
				c->ru += ch == ru_only[k];
			}
		}
	}
	c->most = USCRIPT_INVALID_CODE;
	for (k = 0; k < USCRIPT_CODE_LIMIT; k++)
		if (per[k] > best) {
			best = per[k];
			c->most = (UScriptCode)k;
		}
}

/* Is doc, given as language doc->lang, written as that language is? */
static int check_script(const tma_doc *doc, const char *path, tma_error *err)
{
	UScriptCode own[8];
	UErrorCode st = U_ZERO_ERROR;
	int nown = uscript_getCode(doc->lang, own, 8, &st);
	letters c;

	if (U_FAILURE(st) || nown <= 0)
		return TMA_OK;   /* a language ICU knows no script of */
	count_letters(&c, doc, own, nown);
	if (c.all < MIN_LETTERS)
		return TMA_OK;
	if ((double)c.own < MIN_SHARE * (double)c.all)
		return tma_fail(err, TMA_EINPUT, "%s: given as %s, but %.0f%% of its "
				"letters are %s; is it the right file?", path, doc->lang,
				100.0 * (double)(c.all - c.own) / (double)c.all,
				c.most == USCRIPT_INVALID_CODE ? "in another script"
							       : uscript_getName(c.most));
	if (strcmp(doc->lang, "uk") == 0 && c.ru >= MIN_MARKED && c.ru > 4 * c.uk)
		return tma_fail(err, TMA_EINPUT, "%s: given as uk, but it has %zu letters "
				"only Russian has (ы э ъ ё) and %zu only Ukrainian has "
				"(і ї є ґ); is it the right file?", path, c.ru, c.uk);
	if (strcmp(doc->lang, "ru") == 0 && c.uk >= MIN_MARKED && c.uk > 4 * c.ru)
		return tma_fail(err, TMA_EINPUT, "%s: given as ru, but it has %zu letters "
				"only Ukrainian has (і ї є ґ) and %zu only Russian has "
				"(ы э ъ ё); is it the right file?", path, c.uk, c.ru);
	return TMA_OK;
}

int tma_check_versions(tma_doc *const *docs, const tma_source *src, int n,
		       tma_error *err)
{
	int k, j, rc;

	for (k = 0; k < n; k++)
		if (docs[k]->n == 0)
			return tma_fail(err, TMA_EINPUT, "%s: no text in it (empty, or white "
					"space only)", src[k].path);
	for (k = 0; k < n; k++)
		for (j = k + 1; j < n; j++)
			if (src[k].hash == src[j].hash)
				return tma_fail(err, TMA_EINPUT, "%s and %s hold the same text; "
						"each language needs its own version",
						src[k].path, src[j].path);
	for (k = 0; k < n; k++)
		if ((rc = check_script(docs[k], src[k].path, err)))
			return rc;
	return TMA_OK;
}
