/*
 * dict.c - bilingual dictionaries read in place (see dict.h for the
 * formats).
 *
 * dictd: the index gives each headword's entry as base64 offset and
 * length into the .dict.dz, which is gzip (dictzip adds only an index of
 * its chunks) and is read whole through zlib. An entry is its headword
 * line and a free text of translations; the translations are what is
 * left between commas, semicolons, full stops, numbering and line breaks
 * once pronunciations, labels ("_n.", "_разг.") and anything in brackets
 * are taken out, up to four words, without the headword (an example of
 * its use). What else that lets through (a definition's words) is in the
 * headword's language and meets nothing in a translation.
 *
 * Apertium: lt-print writes the compiled transducers as AT&T text, one
 * section per transducer; every path from the start to a final state is
 * an entry, its letters up to the first tag on each side ("кіт<n><m>").
 * Paths through loops (the numbers' patterns) are not followed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <unicode/uloc.h>
#include <unicode/ustring.h>
#include <zlib.h>

#include "dict.h"

#define PHRASE_MAX 4          /* words a side of an entry may have */
#define PATH_MAX_SYMBOLS 200  /* symbols of an Apertium path followed */
#define PATH_STEPS_MAX 50000000L

struct tma_dict {
	char name[1024];
	char lang[2][TMA_LANG_MAX];
	tma_strmap phrase[2];
	uint32_t (*pair)[2];
	size_t n, cap;
	tma_strmap seen;           /* pairs already added */
};

void tma_dict_free(tma_dict *d)
{
	if (!d)
		return;
	tma_strmap_free(&d->phrase[0]);
	tma_strmap_free(&d->phrase[1]);
	tma_strmap_free(&d->seen);
	free(d->pair);
	free(d);
}

const char *tma_dict_name(const tma_dict *d)
{
	return d->name;
}

const char *tma_dict_lang(const tma_dict *d, int side)
{
	return d->lang[side != 0];
}

size_t tma_dict_size(const tma_dict *d)
{
	return d->n;
}

void tma_dict_entry(const tma_dict *d, size_t k, const char **a, const char **b)
{
	size_t len;

	*a = tma_strmap_key(&d->phrase[0], d->pair[k][0], &len);
	*b = tma_strmap_key(&d->phrase[1], d->pair[k][1], &len);
}

/* Trim spaces off s[0..*n); the start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\n' ||
		      s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

/* The words of s[0..n), spaces apart. */
static int words_in(const char *s, size_t n)
{
	int w = 0, in = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int sp = s[i] == ' ';
		w += !sp && !in;
		in = !sp;
	}
	return w;
}

/*
 * Add the entry a[0..na) -> b[0..nb), trimmed, once. Phrases of more than
 * PHRASE_MAX words are left out. A phrase is kept NUL-terminated.
 */
static int add_pair(tma_dict *d, const char *a, size_t na, const char *b, size_t nb,
		    tma_error *err)
{
	char key[8];
	uint32_t ia, ib, id;
	int added;

	a = trim(a, &na);
	b = trim(b, &nb);
	if (!na || !nb || words_in(a, na) > PHRASE_MAX || words_in(b, nb) > PHRASE_MAX ||
	    tma_utf8_bad(a, na) >= 0 || tma_utf8_bad(b, nb) >= 0)
		return TMA_OK;
	{
		char *ta = malloc(na + 1), *tb = malloc(nb + 1);
		int rc = ta && tb ? 0 : 1;
		if (!rc) {
			memcpy(ta, a, na);
			ta[na] = '\0';
			memcpy(tb, b, nb);
			tb[nb] = '\0';
			rc = tma_strmap_intern(&d->phrase[0], ta, na + 1, &ia, NULL) ||
			     tma_strmap_intern(&d->phrase[1], tb, nb + 1, &ib, NULL);
		}
		free(ta);
		free(tb);
		if (rc)
			return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	memcpy(key, &ia, 4);
	memcpy(key + 4, &ib, 4);
	if (tma_strmap_intern(&d->seen, key, 8, &id, &added))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	if (!added)
		return TMA_OK;
	if (tma_grow(&d->pair, &d->cap, d->n + 1, sizeof(d->pair[0])))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	d->pair[d->n][0] = ia;
	d->pair[d->n][1] = ib;
	d->n++;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Languages                                                           */

/* The code of the language whose English name is name[0..n) ("Russian"). */
static int lang_of_name(const char *name, size_t n, char out[TMA_LANG_MAX])
{
	const char *const *iso = uloc_getISOLanguages();
	UChar want[64], have[64];
	int32_t wn = 0;
	UErrorCode st = U_ZERO_ERROR;

	u_strFromUTF8(want, 64, &wn, name, (int32_t)n, &st);
	if (U_FAILURE(st) || wn >= 64 || wn < 3)
		return TMA_ENOTFOUND;
	for (; *iso; iso++) {
		int32_t hn;
		st = U_ZERO_ERROR;
		hn = uloc_getDisplayLanguage(*iso, "en", have, 64, &st);
		if (U_SUCCESS(st) && hn == wn && u_strncasecmp(have, want, wn, 0) == 0)
			return tma_lang_normalize(out, NULL, *iso);
	}
	return TMA_ENOTFOUND;
}

/*
 * The languages a file's name gives: "...-eng-rus.index",
 * "rus-ukr.autobil.bin". 0 when it gives two.
 */
static int langs_of_path(const char *path, char a[TMA_LANG_MAX], char b[TMA_LANG_MAX])
{
	const char *base = strrchr(path, '/');
	char stem[256], *dot, *dash;

	base = base ? base + 1 : path;
	snprintf(stem, sizeof(stem), "%s", base);
	if ((dot = strchr(stem, '.')))
		*dot = '\0';
	if (!(dash = strrchr(stem, '-')) || dash == stem)
		return TMA_ENOTFOUND;
	*dash = '\0';
	if (tma_lang_normalize(b, NULL, dash + 1))
		return TMA_ENOTFOUND;
	dash = strrchr(stem, '-');
	return tma_lang_normalize(a, NULL, dash ? dash + 1 : stem) ? TMA_ENOTFOUND : TMA_OK;
}

/* "Mueller English-Russian Dictionary": the two languages named in it. */
static int langs_of_text(const char *s, size_t n, char a[TMA_LANG_MAX], char b[TMA_LANG_MAX])
{
	size_t i;

	for (i = 1; i + 1 < n; i++) {
		size_t x = i, y = i + 1;
		if (s[i] != '-')
			continue;
		while (x > 0 && s[x - 1] != ' ' && s[x - 1] != '\n')
			x--;
		while (y < n && s[y] != ' ' && s[y] != '\n')
			y++;
		if (lang_of_name(s + x, i - x, a) == TMA_OK &&
		    lang_of_name(s + i + 1, y - i - 1, b) == TMA_OK)
			return TMA_OK;
	}
	return TMA_ENOTFOUND;
}

/* ------------------------------------------------------------------ */
/* dictd                                                               */

/* A dictd number (base64 digits); -1 when it is not one. */
static long b64_number(const char *s, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	long v = 0;
	size_t i;

	if (!n || n > 8)
		return -1;
	for (i = 0; i < n; i++) {
		const char *p = s[i] ? strchr(digits, s[i]) : NULL;
		if (!p)
			return -1;
		v = v * 64 + (p - digits);
	}
	return v;
}

/* The whole of a gzip (or plain) file, NUL-terminated, into *out. */
static int read_gz(const char *path, char **out, size_t *n, tma_error *err)
{
	gzFile gz = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int got;

	*out = NULL;
	if (!gz)
		return tma_fail(err, TMA_EIO, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		if (tma_grow(&buf, &cap, len + 65536 + 1, 1)) {
			gzclose(gz);
			free(buf);
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		}
		if ((got = gzread(gz, buf + len, 65536)) <= 0)
			break;
		len += (size_t)got;
	}
	if (got < 0) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);
		int rc = tma_fail(err, TMA_EINPUT, "%s: not a readable dictionary (byte %zu: %s)",
				  path, len, msg);
		gzclose(gz);
		free(buf);
		return rc;
	}
	gzclose(gz);
	buf[len] = '\0';
	*out = buf;
	*n = len;
	return TMA_OK;
}

/* The headword of an entry: its first line up to a pronunciation or tag. */
static size_t headword(const char *e, size_t n)
{
	size_t i;

	for (i = 0; i < n && e[i] != '\n'; i++)
		if (e[i] == ' ' && i + 1 < n && (e[i + 1] == '/' || e[i + 1] == '[' ||
						 e[i + 1] == '<'))
			break;
	return i;
}

/* Does s[0..n) hold w[0..wn) as a word? */
static int holds_word(const char *s, size_t n, const char *w, size_t wn)
{
	size_t i;

	for (i = 0; wn && i + wn <= n; i++)
		if (memcmp(s + i, w, wn) == 0 && (i == 0 || s[i - 1] == ' ') &&
		    (i + wn == n || s[i + wn] == ' '))
			return 1;
	return 0;
}

/*
 * The translations of one entry e[0..n) (see the top of the file), added
 * as entries of its headword.
 */
static int dictd_entry(tma_dict *d, const char *e, size_t n, tma_error *err)
{
	size_t hn = headword(e, n), i, k = 0, seg = 0;
	const char *head = e;
	char *body;
	int rc = TMA_OK, depth = 0;

	head = trim(head, &hn);
	if (!hn || words_in(head, hn) > PHRASE_MAX)
		return TMA_OK;
	for (i = 0; i < n && e[i] != '\n'; i++)
		;
	if (!(body = malloc(n - i + 2)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	/* The body with brackets, labels and numbering made separators. */
	for (; i < n; i++) {
		char c = e[i];
		if (c == '(' || c == '[' || c == '{' || c == '<') {
			depth++;
			continue;
		}
		if (c == ')' || c == ']' || c == '}' || c == '>') {
			if (depth > 0) {
				depth--;
				continue;
			}
			/* "1)", "а)": a number of a sense. */
			while (k > seg && body[k - 1] != ' ')
				k--;
			body[k++] = ',';
			continue;
		}
		if (depth)
			continue;
		if (c == '_' && (k == 0 || body[k - 1] == ' ' || body[k - 1] == ',')) {
			while (i + 1 < n && e[i + 1] != ' ' && e[i + 1] != '\n')
				i++;
			continue;
		}
		if (c == ',' || c == ';' || c == ':' || c == '.' || c == '\n' || c == '/' ||
		    c == '!' || c == '?') {
			body[k++] = ',';
			seg = k;
			continue;
		}
		if (c == '\t' || c == '\r')
			c = ' ';
		/* A digit starts a number of a sense ("1.") or of an example. */
		if (c >= '0' && c <= '9')
			continue;
		body[k++] = c;
	}
	body[k] = '\0';
	for (i = 0, seg = 0; i <= k && !rc; i++) {
		size_t sn;
		const char *s;
		if (i < k && body[i] != ',')
			continue;
		sn = i - seg;
		s = trim(body + seg, &sn);
		seg = i + 1;
		/* "= shortbread" refers; an example holds the headword. */
		if (sn < 2 || s[0] == '=' || s[0] == '-' || holds_word(s, sn, head, hn))
			continue;
		rc = add_pair(d, head, hn, s, sn, err);
	}
	free(body);
	return rc;
}

/* The dictd dictionary of index (NAME.index; the data NAME.dict.dz). */
static int open_dictd(tma_dict *d, const char *index, int need_langs, tma_error *err)
{
	char data_path[1100], *data = NULL;
	const char *line;
	size_t dn = 0, ln, base_len = strlen(index) - strlen(".index");
	tma_lines *lines = NULL;
	int rc, got;

	snprintf(data_path, sizeof(data_path), "%.*s.dict.dz", (int)base_len, index);
	if (access(data_path, R_OK) != 0)
		snprintf(data_path, sizeof(data_path), "%.*s.dict", (int)base_len, index);
	if ((rc = read_gz(data_path, &data, &dn, err)))
		return rc;
	if ((rc = tma_lines_open(&lines, index, 1 << 16, err))) {
		free(data);
		return rc;
	}
	while ((got = tma_lines_next(lines, &line, &ln, err)) > 0) {
		const char *t1 = memchr(line, '\t', ln), *t2, *t3;
		long off, len;
		size_t wl;
		if (!t1 || !(t2 = memchr(t1 + 1, '\t', ln - (size_t)(t1 + 1 - line)))) {
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: not a dictd index line "
				      "(word, offset, length)", index, tma_lines_number(lines));
			break;
		}
		t3 = memchr(t2 + 1, '\t', ln - (size_t)(t2 + 1 - line));
		off = b64_number(t1 + 1, (size_t)(t2 - t1 - 1));
		len = b64_number(t2 + 1, (size_t)((t3 ? t3 : line + ln) - t2 - 1));
		if (off < 0 || len < 0 || (size_t)off + (size_t)len > dn) {
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: an entry outside %s (%zu bytes)",
				      index, tma_lines_number(lines), data_path, dn);
			break;
		}
		wl = (size_t)(t1 - line);
		if (need_langs && ((wl == 17 && memcmp(line, "00-database-short", 17) == 0) ||
				   (wl == 15 && memcmp(line, "00databaseshort", 15) == 0)))
			need_langs = langs_of_text(data + off, (size_t)len, d->lang[0], d->lang[1]);
		/* "00-database-info" and the like describe the dictionary. */
		if (wl >= 2 && line[0] == '0' && line[1] == '0')
			continue;
		if ((rc = dictd_entry(d, data + off, (size_t)len, err)))
			break;
	}
	if (!rc && got < 0)
		rc = got;
	if (!rc && need_langs)
		rc = tma_fail(err, TMA_EINPUT, "%s: the dictionary's languages are unknown: give "
			      "them as SRC-TGT=%s", index, index);
	tma_lines_close(lines);
	free(data);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Apertium                                                            */

typedef struct att_arc {
	uint32_t to, in, out;      /* symbols: ids of syms */
} att_arc;

typedef struct att {
	tma_strmap syms;
	uint32_t eps;
	att_arc *arc;              /* of the section being read, by state */
	size_t narc, arccap;
	uint32_t *from;            /* per arc: its state */
	size_t fromcap;
	uint32_t *first;           /* per state: its first arc (sorted), + 1 */
	size_t firstcap;
	unsigned char *final, *on_path;
	size_t nstates, statecap, oncap;
	char in[1024], out[1024];
	long steps;
} att;

static int att_sym(att *t, const char *s, size_t n, uint32_t *id)
{
	return tma_strmap_intern(&t->syms, s, n, id, NULL);
}

static int sym_is_tag(const att *t, uint32_t id)
{
	size_t n;
	const char *s = tma_strmap_key(&t->syms, id, &n);
	return n > 1 && s[0] == '<';
}

/* Append symbol id to buf (at *len) unless a tag ended it (*tagged). */
static void att_append(const att *t, uint32_t id, char *buf, size_t *len, int *tagged)
{
	size_t n;
	const char *s;

	if (id == t->eps || *tagged)
		return;
	if (sym_is_tag(t, id)) {
		*tagged = 1;
		return;
	}
	s = tma_strmap_key(&t->syms, id, &n);
	if (n == 1 && s[0] == '#')
		return;          /* Apertium's mark of a word that inflects inside */
	if (*len + n + 1 < sizeof(t->in)) {
		memcpy(buf + *len, s, n);
		*len += n;
	}
}

static int att_walk(tma_dict *d, att *t, uint32_t state, size_t ni, size_t no, int ti,
		    int to, int depth, tma_error *err)
{
	uint32_t k;
	int rc;

	if (++t->steps > PATH_STEPS_MAX)
		return tma_fail(err, TMA_EINPUT, "%s: too many paths to list", d->name);
	if (t->final[state] && ni && no &&
	    (rc = add_pair(d, t->in, ni, t->out, no, err)))
		return rc;
	if (depth >= PATH_MAX_SYMBOLS || !t->first[state])
		return TMA_OK;
	for (k = t->first[state] - 1; k < t->narc && t->from[k] == state; k++) {
		const att_arc *a = &t->arc[k];
		size_t si = ni, so = no, n;
		int xi = ti, xo = to;
		const char *s;
		if (t->on_path[a->to])
			continue;
		/* Digits are the numbers' patterns: not words of a dictionary. */
		s = tma_strmap_key(&t->syms, a->in, &n);
		if (n == 1 && s[0] >= '0' && s[0] <= '9')
			continue;
		att_append(t, a->in, t->in, &si, &xi);
		att_append(t, a->out, t->out, &so, &xo);
		t->on_path[a->to] = 1;
		rc = att_walk(d, t, a->to, si, so, xi, xo, depth + 1, err);
		t->on_path[a->to] = 0;
		if (rc)
			return rc;
	}
	return TMA_OK;
}

static int cmp_arc_index(const void *x, const void *y, void *ctx)
{
	const uint32_t *from = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return from[a] < from[b] ? -1 : from[a] > from[b] ? 1 : a < b ? -1 : a > b;
}

/* Every path of the section read into t, as entries; t made ready for more. */
static int att_section(tma_dict *d, att *t, tma_error *err)
{
	uint32_t *order = NULL, *from = NULL;
	att_arc *arc = NULL;
	size_t k;
	int rc = TMA_OK;

	if (!t->narc)
		goto done;
	order = malloc(sizeof(uint32_t) * t->narc);
	from = malloc(sizeof(uint32_t) * t->narc);
	arc = malloc(sizeof(att_arc) * t->narc);
	if (!order || !from || !arc ||
	    tma_grow(&t->first, &t->firstcap, t->nstates + 1, sizeof(uint32_t)) ||
	    tma_grow(&t->on_path, &t->oncap, t->nstates + 1, 1)) {
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
		goto done;
	}
	for (k = 0; k < t->narc; k++)
		order[k] = (uint32_t)k;
	qsort_r(order, t->narc, sizeof(uint32_t), cmp_arc_index, t->from);
	for (k = 0; k < t->narc; k++) {
		arc[k] = t->arc[order[k]];
		from[k] = t->from[order[k]];
	}
	memcpy(t->arc, arc, sizeof(att_arc) * t->narc);
	memcpy(t->from, from, sizeof(uint32_t) * t->narc);
	memset(t->first, 0, sizeof(uint32_t) * (t->nstates + 1));
	memset(t->on_path, 0, t->nstates + 1);
	for (k = t->narc; k-- > 0;)
		t->first[t->from[k]] = (uint32_t)k + 1;
	t->on_path[0] = 1;
	rc = att_walk(d, t, 0, 0, 0, 0, 0, 0, err);
done:
	free(order);
	free(from);
	free(arc);
	t->narc = 0;
	if (t->final)
		memset(t->final, 0, t->statecap);
	t->nstates = 0;
	return rc;
}

/* Room for state s in t's per-state arrays. */
static int att_state(att *t, uint32_t s)
{
	size_t old = t->statecap;

	if (s >= UINT32_MAX - 1 || tma_grow(&t->final, &t->statecap, (size_t)s + 2, 1))
		return TMA_ENOMEM;
	if (t->statecap > old)
		memset(t->final + old, 0, t->statecap - old);
	if ((size_t)s + 1 > t->nstates)
		t->nstates = (size_t)s + 1;
	return TMA_OK;
}

/* Parse a state number; -1 when s[0..n) is not one. */
static long att_number(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One line of lt-print's output ("from to in out weight", "state weight", "--"). */
static int att_line(tma_dict *d, att *t, char *line, size_t n, size_t no, tma_error *err)
{
	char *f[5];
	size_t fl[5];
	int nf = 0;
	size_t i, start = 0;
	long from, to;

	if (n == 2 && line[0] == '-' && line[1] == '-')
		return att_section(d, t, err);
	for (i = 0; i <= n && nf < 5; i++)
		if (i == n || line[i] == '\t') {
			f[nf] = line + start;
			fl[nf++] = i - start;
			start = i + 1;
		}
	if (nf >= 1 && nf <= 2 && (from = att_number(f[0], fl[0])) >= 0) {
		if (att_state(t, (uint32_t)from))
			return tma_fail(err, TMA_ENOMEM, "out of memory");
		t->final[from] = 1;
		return TMA_OK;
	}
	if (nf < 4 || (from = att_number(f[0], fl[0])) < 0 || (to = att_number(f[1], fl[1])) < 0)
		return tma_fail(err, TMA_EINPUT, "%s: lt-print's line %zu is not an arc", d->name,
				no);
	if (att_state(t, (uint32_t)(from > to ? from : to)) ||
	    tma_grow(&t->arc, &t->arccap, t->narc + 1, sizeof(att_arc)) ||
	    tma_grow(&t->from, &t->fromcap, t->narc + 1, sizeof(uint32_t)) ||
	    att_sym(t, f[2], fl[2], &t->arc[t->narc].in) ||
	    att_sym(t, f[3], fl[3], &t->arc[t->narc].out))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	t->arc[t->narc].to = (uint32_t)to;
	t->from[t->narc++] = (uint32_t)from;
	return TMA_OK;
}

static int open_apertium(tma_dict *d, const char *path, tma_error *err)
{
	int fd[2], status, rc = TMA_OK;
	pid_t pid;
	FILE *in;
	char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t got;
	att t;

	memset(&t, 0, sizeof(t));
	if (access(path, R_OK) != 0)
		return tma_fail(err, TMA_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (pipe(fd) != 0)
		return tma_fail(err, TMA_EIO, "cannot run lt-print: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return tma_fail(err, TMA_EIO, "cannot run lt-print: %s", strerror(errno));
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("lt-print", "lt-print", path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	if (!(in = fdopen(fd[0], "r"))) {
		close(fd[0]);
		waitpid(pid, &status, 0);
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	}
	if (att_sym(&t, "ε", strlen("ε"), &t.eps))
		rc = tma_fail(err, TMA_ENOMEM, "out of memory");
	while (!rc && (got = getline(&line, &cap, in)) >= 0) {
		size_t n = (size_t)got;
		no++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n)
			rc = att_line(d, &t, line, n, no, err);
	}
	if (!rc)
		rc = att_section(d, &t, err);
	fclose(in);
	waitpid(pid, &status, 0);
	if (!rc && WIFEXITED(status) && WEXITSTATUS(status) == 127)
		rc = tma_fail(err, TMA_EIO, "%s: cannot run lt-print to read it (Debian's "
			      "lttoolbox-dev package has it)", path);
	else if (!rc && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = tma_fail(err, TMA_EINPUT, "%s: not a compiled Apertium dictionary "
			      "(lt-print fails)", path);
	else if (!rc && !d->n)
		rc = tma_fail(err, TMA_EINPUT, "%s: no entries", path);
	free(line);
	tma_strmap_free(&t.syms);
	free(t.arc);
	free(t.from);
	free(t.first);
	free(t.final);
	free(t.on_path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* hunalign                                                            */

static int open_hunalign(tma_dict *d, const char *path, tma_error *err)
{
	tma_lines *lines = NULL;
	const char *text;
	size_t n;
	int rc, got;
	long bad;

	if ((rc = tma_lines_open(&lines, path, 4096, err)))
		return rc;
	while ((got = tma_lines_next(lines, &text, &n, err)) > 0) {
		const char *at;
		size_t k;
		if (!n)
			continue;
		if ((bad = tma_utf8_bad(text, n)) >= 0) {
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: invalid UTF-8 at byte %ld of the "
				      "line", path, tma_lines_number(lines), bad);
			break;
		}
		for (at = NULL, k = 0; k + 3 <= n; k++)
			if (memcmp(text + k, " @ ", 3) == 0) {
				at = text + k;
				break;
			}
		if (!at) {
			rc = tma_fail(err, TMA_EINPUT, "%s:%zu: expected 'target @ source'", path,
				      tma_lines_number(lines));
			break;
		}
		if ((rc = add_pair(d, at + 3, n - k - 3, text, k, err)))
			break;
	}
	if (!rc && got < 0)
		rc = got;
	tma_lines_close(lines);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

static const char *const default_dirs = "/usr/share/dictd:/usr/share/apertium";

static int ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), e = strlen(end);

	return n >= e && strcmp(s + n - e, end) == 0;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The Apertium dictionary in a package folder (apertium-rus-ukr). */
static int apertium_in(const char *dir, const char *pkg, char *out, size_t n)
{
	const char *pair = strncmp(pkg, "apertium-", 9) == 0 ? pkg + 9 : pkg;

	snprintf(out, n, "%s/%s/%s.autobil.bin", dir, pkg, pair);
	return is_file(out);
}

/* The file of an installed dictionary called name, into path. */
static int find_installed(const char *name, char *path, size_t n)
{
	const char *dirs = getenv("TMALIGN_DICT_PATH");
	const char *at;

	if (!dirs || !*dirs)
		dirs = default_dirs;
	if (strchr(name, '/'))
		return 0;
	for (at = dirs; *at;) {
		const char *end = strchr(at, ':');
		size_t len = end ? (size_t)(end - at) : strlen(at);
		char dir[512];
		snprintf(dir, sizeof(dir), "%.*s", (int)len, at);
		at += len + (end != NULL);
		if (!len)
			continue;
		snprintf(path, n, "%s/%s.index", dir, name);
		if (is_file(path))
			return 1;
		if (apertium_in(dir, name, path, n))
			return 1;
	}
	return 0;
}

int tma_dict_open(tma_dict **out, const char *spec, const char *src, const char *tgt,
		  tma_error *err)
{
	char path[1024], a[TMA_LANG_MAX] = "", b[TMA_LANG_MAX] = "";
	const char *colon = strchr(spec, '='), *file = spec;
	tma_dict *d;
	int rc, given = 0;

	*out = NULL;
	/* "en-ru=FILE" gives the languages. */
	if (colon && colon - spec < 2 * TMA_LANG_MAX) {
		char lp[2 * TMA_LANG_MAX], *dash;
		snprintf(lp, sizeof(lp), "%.*s", (int)(colon - spec), spec);
		if ((dash = strchr(lp, '-'))) {
			*dash = '\0';
			if (tma_lang_normalize(a, NULL, lp) == TMA_OK &&
			    tma_lang_normalize(b, NULL, dash + 1) == TMA_OK) {
				given = 1;
				file = colon + 1;
			}
		}
	}
	if (!given && src && tgt && (tma_lang_normalize(a, NULL, src) ||
				     tma_lang_normalize(b, NULL, tgt)))
		return tma_fail(err, TMA_EUSAGE, "%s: not languages: %s, %s", spec, src, tgt);
	/* A path as given (a pipe too: --dict /dev/stdin), else an installed name. */
	if (strchr(file, '/') || is_file(file))
		snprintf(path, sizeof(path), "%s", file);
	else if (!find_installed(file, path, sizeof(path)))
		return tma_fail(err, TMA_EIO, "%s: no such file, nor an installed dictionary of "
				"that name", file);
	if (ends_with(path, ".dict.dz") || ends_with(path, ".dict")) {
		char idx[1024];
		snprintf(idx, sizeof(idx), "%.*s.index",
			 (int)(strlen(path) - (ends_with(path, ".dz") ? 8 : 5)), path);
		snprintf(path, sizeof(path), "%s", idx);
	}
	if (!(d = calloc(1, sizeof(*d))))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	snprintf(d->name, sizeof(d->name), "%s", path);
	if (given || (src && tgt)) {
		snprintf(d->lang[0], TMA_LANG_MAX, "%s", a);
		snprintf(d->lang[1], TMA_LANG_MAX, "%s", b);
	}
	if (ends_with(path, ".index")) {
		int need = !given && langs_of_path(path, d->lang[0], d->lang[1]) != TMA_OK;
		rc = open_dictd(d, path, need, err);
	} else if (ends_with(path, ".bin")) {
		if (!given && langs_of_path(path, d->lang[0], d->lang[1]) != TMA_OK)
			rc = tma_fail(err, TMA_EINPUT, "%s: the dictionary's languages are "
				      "unknown: give them as SRC-TGT=%s", path, path);
		else
			rc = open_apertium(d, path, err);
	} else if (!d->lang[0][0]) {
		rc = tma_fail(err, TMA_EINPUT, "%s: the dictionary's languages are unknown: "
			      "give them as SRC-TGT=%s", path, path);
	} else {
		rc = open_hunalign(d, path, err);
	}
	if (rc) {
		tma_dict_free(d);
		return rc;
	}
	*out = d;
	return TMA_OK;
}

/* ------------------------------------------------------------------ */
/* Installed dictionaries                                              */

/* The languages of a dictd dictionary, from its name or its description. */
static int dictd_langs(const char *index, char a[TMA_LANG_MAX], char b[TMA_LANG_MAX])
{
	tma_dict *d;
	tma_error err;

	if (langs_of_path(index, a, b) == TMA_OK)
		return TMA_OK;
	/* Read only to learn the languages; a broken file is not offered. */
	if (tma_dict_open(&d, index, NULL, NULL, &err))
		return TMA_ENOTFOUND;
	snprintf(a, TMA_LANG_MAX, "%s", d->lang[0]);
	snprintf(b, TMA_LANG_MAX, "%s", d->lang[1]);
	tma_dict_free(d);
	return TMA_OK;
}

static int add_found(char ***out, size_t *n, size_t *cap, const char *path, const char *x,
		     const char *y, const char *a, const char *b, tma_error *err)
{
	char *s;

	if (!((strcmp(x, a) == 0 && strcmp(y, b) == 0) || (strcmp(x, b) == 0 && strcmp(y, a) == 0)))
		return TMA_OK;
	if (tma_grow(out, cap, *n + 1, sizeof(char *)) || !(s = tma_strdup(path)))
		return tma_fail(err, TMA_ENOMEM, "out of memory");
	(*out)[(*n)++] = s;
	return TMA_OK;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int tma_dict_installed(const char *a, const char *b, char ***out, size_t *n, tma_error *err)
{
	const char *dirs = getenv("TMALIGN_DICT_PATH"), *at;
	size_t cap = 0;
	int rc = TMA_OK;

	*out = NULL;
	*n = 0;
	if (!dirs || !*dirs)
		dirs = default_dirs;
	for (at = dirs; *at && !rc;) {
		const char *end = strchr(at, ':');
		size_t len = end ? (size_t)(end - at) : strlen(at);
		char dir[512], path[1200], x[TMA_LANG_MAX], y[TMA_LANG_MAX];
		struct dirent *e;
		DIR *dh;
		snprintf(dir, sizeof(dir), "%.*s", (int)len, at);
		at += len + (end != NULL);
		if (!len || !(dh = opendir(dir)))
			continue;
		while (!rc && (e = readdir(dh))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (ends_with(e->d_name, ".index")) {
				if (dictd_langs(path, x, y) == TMA_OK)
					rc = add_found(out, n, &cap, path, x, y, a, b, err);
			} else if (strncmp(e->d_name, "apertium-", 9) == 0 &&
				   apertium_in(dir, e->d_name, path, sizeof(path)) &&
				   langs_of_path(path, x, y) == TMA_OK) {
				rc = add_found(out, n, &cap, path, x, y, a, b, err);
			}
		}
		closedir(dh);
	}
	if (rc) {
		while (*n)
			free((*out)[--*n]);
		free(*out);
		*out = NULL;
		return rc;
	}
	if (*n)
		qsort(*out, *n, sizeof(char *), cmp_str);
	return TMA_OK;
}
