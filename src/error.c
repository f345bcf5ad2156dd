/*
 * error.c - how errors travel: a code and a message in a tma_error.
 *
 * Library functions never print. They fill the caller's tma_error (which may
 * be NULL) and return its negative code; the CLI decides what to show.
 */
#include <stdio.h>
#include <string.h>

#include <unicode/utypes.h>

#include "util.h"

const char *tma_strerror(int code)
{
	switch (code) {
	case TMA_OK: return "success";
	case TMA_ENOMEM: return "out of memory";
	case TMA_EIO: return "input/output error";
	case TMA_EINPUT: return "bad input";
	case TMA_EUSAGE: return "bad usage";
	case TMA_EDB: return "memory database error";
	case TMA_ENOTFOUND: return "not found";
	case TMA_EVERSION: return "unsupported version";
	case TMA_EBUSY: return "memory is busy";
	case TMA_EFULL: return "disk full";
	case TMA_EINTR: return "interrupted";
	default: return "internal error";
	}
}

static void vset(tma_error *err, int code, const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int tma_fail(tma_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int tma_fail_icu(tma_error *err, UErrorCode status, const char *fmt, ...)
{
	va_list ap;
	int code = status == U_MEMORY_ALLOCATION_ERROR ? TMA_ENOMEM : TMA_ERROR;
	size_t used;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	used = strlen(err->message);
	snprintf(err->message + used, sizeof(err->message) - used, " (ICU: %s)",
		 u_errorName(status));
	return code;
}
