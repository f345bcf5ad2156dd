/*
 * text.c - reading an article: bytes in, NFC UTF-16 with byte offsets out.
 *
 * Every later step works on a tma_text: the input decoded by an ICU converter
 * (UTF-8 by default, any ICU charset on request, or ICU's charset detection)
 * and normalised to NFC, with, for every UTF-16 code unit, the byte offset in
 * the input it came from. The offsets let the segmenter report sentence
 * positions in the file the user gave, whatever the encoding and whatever
 * normalisation changed.
 *
 * Invariants: u[n] == 0; off has n + 1 entries, non-decreasing, and
 * off[n] == nbytes. Bad input (invalid bytes in the declared encoding, a NUL
 * byte) is an error naming the file and the byte offset; nothing is guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "text.h"

/* Inputs are addressed with 32-bit offsets by ICU's converters. */
#define MAX_INPUT TMA_TEXT_MAX

int tma_is_newline(UChar32 c)
{
	return c == 0x0A || c == 0x0D || c == 0x85 || c == 0x2028 || c == 0x2029;
}

char *tma_utf16_to_sentence(const UChar *u, int32_t n, size_t *len,
			    size_t *nchars)
{
	UChar stack[512], *buf = stack;
	UErrorCode status = U_ZERO_ERROR;
	int32_t a = 0, b = n, i, j = 0, need = 0;
	char *out;

	while (a < b) {
		UChar32 c;
		int32_t k = a;
		U16_NEXT(u, k, b, c);
		if (!tma_is_space(c))
			break;
		a = k;
	}
	while (b > a) {
		UChar32 c;
		int32_t k = b;
		U16_PREV(u, a, k, c);
		if (!tma_is_space(c))
			break;
		b = k;
	}
	if (b - a > (int32_t)(sizeof(stack) / sizeof(stack[0]))) {
		buf = malloc(sizeof(UChar) * (size_t)(b - a));
		if (!buf)
			return NULL;
	}
	for (i = a; i < b;) {
		/* A run of white space holding a line break becomes one space. */
		if (tma_is_space(u[i])) {
			int32_t k = i, nl = 0;
			while (k < b && tma_is_space(u[k]))
				nl |= tma_is_newline(u[k++]);
			if (nl) {
				buf[j++] = ' ';
				i = k;
				continue;
			}
		}
		buf[j++] = u[i++];
	}
	u_strToUTF8(NULL, 0, &need, buf, j, &status);
	status = U_ZERO_ERROR;
	out = malloc((size_t)need + 1);
	if (out) {
		u_strToUTF8(out, need + 1, NULL, buf, j, &status);
		if (U_FAILURE(status)) {
			free(out);
			out = NULL;
		} else {
			if (len)
				*len = (size_t)need;
			if (nchars)
				*nchars = (size_t)u_countChar32(buf, j);
		}
	}
	if (buf != stack)
		free(buf);
	return out;
}

/* Which line of bytes[0..off) holds the byte at off (1-based). */
static size_t line_of(const char *bytes, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		line += bytes[i] == '\n';
	return line;
}

/*
 * Will bytes beginning so be read as UTF-8, where a NUL byte cannot be
 * text? (With a UTF-16 byte-order mark or another encoding it can.)
 */
static int read_as_utf8(const char *encoding, const unsigned char *b, size_t n)
{
	if (encoding && strcmp(encoding, "UTF-8") != 0 && strcmp(encoding, "utf-8") != 0)
		return 0;
	return !(n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)));
}

/*
 * Read all of path ("-": standard input) into a new buffer. Read as UTF-8,
 * the first NUL byte stops it there; any input stops at MAX_INPUT bytes.
 */
static int read_all(char **out, size_t *nout, const char *path, const char *encoding,
		    tma_error *err)
{
	int fd = 0;
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int rc = TMA_OK;

	*out = NULL;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return tma_fail(err, TMA_EIO, "%s: cannot open: %s", path,
					strerror(errno));
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rc = tma_fail(err, TMA_EIO, "%s: is a directory, not a text file",
				      path);
			goto done;
		}
		if (S_ISREG(st.st_mode) && (size_t)st.st_size > MAX_INPUT) {
			rc = tma_fail(err, TMA_EINPUT,
				      "%s: too large (%lld bytes; at most %zu)", path,
				      (long long)st.st_size, MAX_INPUT);
			goto done;
		}
		if (S_ISREG(st.st_mode))
			cap = (size_t)st.st_size + 1;
	}
	if (cap < 4096)
		cap = 4096;
	buf = malloc(cap);
	if (!buf) {
		rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	for (;;) {
		ssize_t got;
		if (n == cap) {
			if (cap > MAX_INPUT) {
				rc = tma_fail(err, TMA_EINPUT, "%s: too large (more than %zu bytes)",
					      path, MAX_INPUT);
				goto done;
			}
			if (tma_grow(&buf, &cap, cap + 1, 1)) {
				rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", path);
				goto done;
			}
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = tma_fail(err, TMA_EIO, "%s: cannot read: %s", path,
				      strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		if (read_as_utf8(encoding, (unsigned char *)buf, n + (size_t)got)) {
			const char *z = memchr(buf + n, '\0', (size_t)got);
			if (z) {
				size_t at = (size_t)(z - buf);
				rc = tma_fail(err, TMA_EINPUT, "%s: NUL character at byte %zu "
					      "(line %zu); a UTF-16 file without a byte-order mark? "
					      "give --encoding UTF-16LE",
					      strcmp(path, "-") == 0 ? "<stdin>" : path, at,
					      line_of(buf, at));
				goto done;
			}
		}
		n += (size_t)got;
	}
	*out = buf;
	*nout = n;
	buf = NULL;
done:
	free(buf);
	if (fd > 0)
		close(fd);
	return rc;
}

/* Pick the converter: BOM sniffing for the default, ICU detection for auto. */
static int choose_encoding(tma_text *t, const char *bytes, size_t n,
			   const char *encoding, size_t *skip, tma_error *err)
{
	const unsigned char *b = (const unsigned char *)bytes;

	*skip = 0;
	t->confidence = -1;
	if (encoding && strcmp(encoding, "auto") == 0) {
		UErrorCode status = U_ZERO_ERROR;
		UCharsetDetector *det = ucsdet_open(&status);
		const UCharsetMatch *m;
		const char *name;

		ucsdet_setText(det, bytes, (int32_t)n, &status);
		m = ucsdet_detect(det, &status);
		if (U_FAILURE(status) || !m) {
			ucsdet_close(det);
			return tma_fail_icu(err, U_FAILURE(status) ? status : U_INVALID_CHAR_FOUND,
					    "%s: cannot detect the encoding", t->name);
		}
		name = ucsdet_getName(m, &status);
		t->confidence = ucsdet_getConfidence(m, &status);
		snprintf(t->encoding, sizeof(t->encoding), "%s", name ? name : "UTF-8");
		ucsdet_close(det);
		encoding = t->encoding;
	}
	if (!encoding || strcmp(encoding, "auto") == 0 ||
	    ucnv_compareNames(encoding, "UTF-8") == 0) {
		if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
			*skip = 3;
			strcpy(t->encoding, "UTF-8");
		} else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
			*skip = 2;
			strcpy(t->encoding, "UTF-16LE");
		} else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
			*skip = 2;
			strcpy(t->encoding, "UTF-16BE");
		} else if (!encoding || ucnv_compareNames(encoding, "UTF-8") == 0) {
			strcpy(t->encoding, "UTF-8");
		}
	} else if (encoding != t->encoding) {
		snprintf(t->encoding, sizeof(t->encoding), "%s", encoding);
	}
	return TMA_OK;
}

/*
 * A byte-order mark the converter passed through, or one in mid-file
 * (files glued together), is not text: U+FEFF goes, wherever it is.
 */
static void drop_boms(tma_text *t)
{
	int32_t i, k = 0;

	for (i = 0; i < t->n; i++)
		if (t->u[i] != 0xFEFF) {
			t->u[k] = t->u[i];
			t->off[k++] = t->off[i];
		}
	t->off[k] = t->off[t->n];
	t->u[k] = 0;
	t->n = k;
}

/*
 * Decode bytes[skip..n) with the converter named t->encoding into t->u and
 * t->off. A converter error stops at the first bad sequence.
 */
static int decode(tma_text *t, const char *bytes, size_t n, size_t skip,
		  tma_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	UConverter *cnv = ucnv_open(t->encoding, &status);
	const char *src, *limit = bytes + n;
	size_t cap = n - skip + 16, used = 0;
	int32_t *offs = NULL;
	int rc = TMA_OK;

	if (U_FAILURE(status))
		return tma_fail(err, TMA_EUSAGE, "%s: unknown encoding '%s' (ICU: %s)",
				t->name, t->encoding, u_errorName(status));
	ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
	t->u = malloc(sizeof(UChar) * cap);
	offs = malloc(sizeof(int32_t) * cap);
	if (!t->u || !offs) {
		rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", t->name);
		goto done;
	}
	src = bytes + skip;
	for (;;) {
		UChar *dst = t->u + used;
		const char *before = src;
		int32_t i, nout;

		status = U_ZERO_ERROR;
		ucnv_toUnicode(cnv, &dst, t->u + cap - 1, &src, limit, offs + used,
			       1, &status);
		nout = (int32_t)(dst - (t->u + used));
		for (i = 0; i < nout; i++)
			offs[used + i] += (int32_t)(before - bytes);
		used += (size_t)nout;
		if (status == U_BUFFER_OVERFLOW_ERROR) {
			size_t c1 = cap, c2 = cap;
			if (tma_grow(&t->u, &c1, cap * 2, sizeof(UChar)) ||
			    tma_grow(&offs, &c2, cap * 2, sizeof(int32_t))) {
				rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", t->name);
				goto done;
			}
			cap = c1 < c2 ? c1 : c2;
			continue;
		}
		if (U_FAILURE(status)) {
			char bad[32];
			int8_t nbad = sizeof(bad);
			UErrorCode s2 = U_ZERO_ERROR;
			size_t at;

			ucnv_getInvalidChars(cnv, bad, &nbad, &s2);
			at = (size_t)(src - bytes) - (U_SUCCESS(s2) ? (size_t)nbad : 0);
			rc = tma_fail(err, TMA_EINPUT,
				      "%s: invalid %s at byte %zu (line %zu)%s", t->name,
				      t->encoding, at, line_of(bytes, at),
				      t->confidence < 0 && strcmp(t->encoding, "UTF-8") == 0
				      ? "; give --encoding NAME (e.g. windows-1251) or --encoding auto"
				      : "");
			goto done;
		}
		break;
	}
	t->n = (int32_t)used;
	t->u[used] = 0;
	offs[used] = (int32_t)n;
	t->off = offs;
	offs = NULL;
	drop_boms(t);
done:
	free(offs);
	ucnv_close(cnv);
	return rc;
}

/* Report the first NUL character: decoded NULs map back to their bytes. */
static int check_nul(const tma_text *t, const char *bytes, tma_error *err)
{
	int32_t i;

	for (i = 0; i < t->n; i++)
		if (t->u[i] == 0) {
			size_t at = (size_t)t->off[i];
			return tma_fail(err, TMA_EINPUT,
					"%s: NUL character at byte %zu (line %zu)%s",
					t->name, at, line_of(bytes, at),
					strcmp(t->encoding, "UTF-8") == 0
					? "; a UTF-16 file without a byte-order mark? give --encoding UTF-16LE"
					: "");
		}
	return TMA_OK;
}

/* Grow the parallel arrays *pu and *poff together to hold need entries. */
static int grow2(UChar **pu, int32_t **poff, size_t *cap, size_t need)
{
	size_t c1 = *cap, c2 = *cap;

	if (tma_grow(pu, &c1, need, sizeof(UChar)) ||
	    tma_grow(poff, &c2, need, sizeof(int32_t)))
		return TMA_ENOMEM;
	*cap = c1 < c2 ? c1 : c2;
	return TMA_OK;
}

/*
 * Normalise t->u to NFC, keeping the offsets: each quick-check "yes" span is
 * copied as is; every chunk between two normalisation boundaries that needs
 * work is normalised alone (chunks between boundaries normalise
 * independently) and its output units take the offset of its first unit.
 */
static int normalize(tma_text *t, tma_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
	UChar *nu = NULL;
	int32_t *noff = NULL;
	size_t cap = 0, used = 0;
	int32_t pos = 0, span;
	int rc = TMA_OK;

	if (U_FAILURE(status))
		return tma_fail_icu(err, status, "%s: cannot load NFC data", t->name);
	span = unorm2_spanQuickCheckYes(nfc, t->u, t->n, &status);
	if (U_FAILURE(status) || span == t->n)
		return U_FAILURE(status)
		       ? tma_fail_icu(err, status, "%s: cannot normalise", t->name)
		       : TMA_OK;
	if (grow2(&nu, &noff, &cap, (size_t)t->n + 64))
		goto nomem;
	while (pos < t->n) {
		int32_t end, k, got;
		UChar32 c;

		status = U_ZERO_ERROR;
		span = unorm2_spanQuickCheckYes(nfc, t->u + pos, t->n - pos, &status);
		if (grow2(&nu, &noff, &cap, used + (size_t)span + 1))
			goto nomem;
		memcpy(nu + used, t->u + pos, sizeof(UChar) * (size_t)span);
		memcpy(noff + used, t->off + pos, sizeof(int32_t) * (size_t)span);
		used += (size_t)span;
		pos += span;
		if (pos >= t->n)
			break;
		end = pos;
		U16_NEXT(t->u, end, t->n, c);
		while (end < t->n) {
			k = end;
			U16_NEXT(t->u, k, t->n, c);
			if (unorm2_hasBoundaryBefore(nfc, c))
				break;
			end = k;
		}
		for (;;) {
			status = U_ZERO_ERROR;
			got = unorm2_normalize(nfc, t->u + pos, end - pos, nu + used,
					       (int32_t)(cap - used), &status);
			if (status != U_BUFFER_OVERFLOW_ERROR)
				break;
			if (grow2(&nu, &noff, &cap, used + (size_t)got + 1))
				goto nomem;
		}
		if (U_FAILURE(status)) {
			rc = tma_fail_icu(err, status, "%s: cannot normalise at byte %d",
					  t->name, t->off[pos]);
			goto done;
		}
		for (k = 0; k < got; k++)
			noff[used + (size_t)k] = t->off[pos];
		used += (size_t)got;
		pos = end;
	}
	if (grow2(&nu, &noff, &cap, used + 1))
		goto nomem;
	nu[used] = 0;
	noff[used] = t->off[t->n];
	free(t->u);
	free(t->off);
	t->u = nu;
	t->off = noff;
	t->n = (int32_t)used;
	return TMA_OK;
nomem:
	rc = tma_fail(err, TMA_ENOMEM, "%s: out of memory", t->name);
done:
	free(nu);
	free(noff);
	return rc;
}

int tma_text_from_bytes(tma_text **out, const char *name, const char *bytes,
			size_t n, const char *encoding, tma_error *err)
{
	tma_text *t;
	size_t skip;
	int rc;

	*out = NULL;
	if (n > MAX_INPUT)
		return tma_fail(err, TMA_EINPUT, "%s: too large (%zu bytes; at most %zu)",
				name, n, MAX_INPUT);
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = tma_strdup(name))) {
		free(t);
		return tma_fail(err, TMA_ENOMEM, "%s: out of memory", name);
	}
	t->nbytes = n;
	if ((rc = choose_encoding(t, bytes, n, encoding, &skip, err)) ||
	    (rc = decode(t, bytes, n, skip, err)) ||
	    (rc = check_nul(t, bytes, err)) ||
	    (rc = normalize(t, err))) {
		tma_text_free(t);
		return rc;
	}
	*out = t;
	return TMA_OK;
}

int tma_text_load(tma_text **out, const char *path, const char *encoding,
		  tma_error *err)
{
	char *bytes = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = read_all(&bytes, &n, path, encoding, err)))
		return rc;
	rc = tma_text_from_bytes(out, strcmp(path, "-") == 0 ? "<stdin>" : path,
				 bytes, n, encoding, err);
	free(bytes);
	return rc;
}

const char *tma_text_name(const tma_text *t) { return t->name; }
const char *tma_text_encoding(const tma_text *t) { return t->encoding; }
int tma_text_confidence(const tma_text *t) { return t->confidence; }
size_t tma_text_bytes(const tma_text *t) { return t->nbytes; }

uint64_t tma_text_hash(const tma_text *t)
{
	uint64_t h = TMA_HASH_SEED;
	int32_t i;

	/* FNV-1a over the text as UTF-16LE, line ends made LF. */
	for (i = 0; i < t->n; i++) {
		UChar c = t->u[i];
		unsigned char le[2];
		if (c == '\r') {
			if (i + 1 < t->n && t->u[i + 1] == '\n')
				continue;
			c = '\n';
		}
		le[0] = (unsigned char)(c & 0xFF);
		le[1] = (unsigned char)(c >> 8);
		h = tma_hash_more(h, le, 2);
	}
	return h;
}

void tma_text_free(tma_text *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->u);
	free(t->off);
	free(t);
}
