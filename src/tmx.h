/*
 * tmx.h - what tmx.c offers beyond tmalign.h (its tests use it too).
 */
#ifndef TMALIGN_TMX_H
#define TMALIGN_TMX_H

#include <stddef.h>

/*
 * Copy UTF-8 s[0..n) to out (room for n + 1 bytes) without the characters
 * XML 1.0 forbids and without white space at either end. Returns out.
 */
char *tma_xml_clean(char *out, const char *s, size_t n);

#endif
