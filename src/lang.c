/*
 * lang.c - language tags as tmalign keeps them.
 *
 * The memory, the TMX and every output use the bare primary language subtag
 * in lower case ("uk", "en", "ru"). Input may say "uk-UA", "UK", "en_US" or
 * the newsroom's "ua", which is an alias of "uk" and is never written out.
 * Parsing is ICU's BCP 47 parser, and a language must be one ICU knows
 * (has an ISO 639 code for); only the alias is ours.
 */
#include <string.h>

#include <unicode/uloc.h>

#include "lang.h"

int tma_lang_normalize(char out[TMA_LANG_MAX], char region[TMA_LANG_MAX],
		       const char *tag)
{
	char tmp[64], loc[ULOC_FULLNAME_CAPACITY];
	UErrorCode status = U_ZERO_ERROR;
	int32_t parsed = 0, len;
	size_t i, n;

	out[0] = '\0';
	if (region)
		region[0] = '\0';
	if (!tag || !*tag || (n = strlen(tag)) >= sizeof(tmp))
		return TMA_EUSAGE;
	for (i = 0; i <= n; i++)
		tmp[i] = tag[i] == '_' ? '-' : tag[i];
	uloc_forLanguageTag(tmp, loc, sizeof(loc), &parsed, &status);
	if (U_FAILURE(status) || parsed != (int32_t)n)
		return TMA_EUSAGE;
	len = uloc_getLanguage(loc, out, TMA_LANG_MAX, &status);
	if (U_FAILURE(status) || len < 2 || len > 8)
		return TMA_EUSAGE;
	if (strcmp(out, "ua") == 0)
		strcpy(out, "uk");
	/* Well-formed is not enough: "xx" or "und" name no language. */
	if (!uloc_getISO3Language(out)[0])
		return TMA_EUSAGE;
	if (region) {
		uloc_getCountry(loc, region, TMA_LANG_MAX, &status);
		if (U_FAILURE(status))
			region[0] = '\0';
	}
	return TMA_OK;
}

int tma_lang_from_filename(char out[TMA_LANG_MAX], char *stem, size_t stem_size,
			   const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot_txt, *dot_lang;
	char tag[TMA_LANG_MAX];
	size_t n;

	base = base ? base + 1 : path;
	dot_txt = strrchr(base, '.');
	if (!dot_txt || dot_txt == base)
		return TMA_ENOTFOUND;
	for (dot_lang = dot_txt - 1; dot_lang > base && *dot_lang != '.'; dot_lang--)
		;
	if (*dot_lang != '.' || dot_lang == base)
		return TMA_ENOTFOUND;
	n = (size_t)(dot_txt - dot_lang - 1);
	if (n == 0 || n >= sizeof(tag))
		return TMA_ENOTFOUND;
	memcpy(tag, dot_lang + 1, n);
	tag[n] = '\0';
	if (tma_lang_normalize(out, NULL, tag) != TMA_OK)
		return TMA_ENOTFOUND;
	if (stem && stem_size) {
		n = (size_t)(dot_lang - base);
		if (n >= stem_size)
			n = stem_size - 1;
		memcpy(stem, base, n);
		stem[n] = '\0';
	}
	return TMA_OK;
}

int tma_lang_list(const char *spec, char langs[][TMA_LANG_MAX], int max, int *n,
		  tma_error *err)
{
	const char *p = spec;
	int k;

	*n = 0;
	while (p && *p) {
		char tag[64];
		size_t len = strcspn(p, ",");
		if (len >= sizeof(tag))
			return tma_fail(err, TMA_EUSAGE, "'%.*s...' is not a language code",
					20, p);
		if (*n == max)
			return tma_fail(err, TMA_EUSAGE, "more than %d languages in '%s'", max,
					spec);
		memcpy(tag, p, len);
		tag[len] = '\0';
		if (tma_lang_normalize(langs[*n], NULL, tag))
			return tma_fail(err, TMA_EUSAGE, "'%s' is not a language code", tag);
		for (k = 0; k < *n; k++)
			if (strcmp(langs[k], langs[*n]) == 0)
				return tma_fail(err, TMA_EUSAGE, "'%s' names %s twice", spec,
						langs[k]);
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	return TMA_OK;
}
