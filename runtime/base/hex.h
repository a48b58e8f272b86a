/* hex: the one hex encoder (lower case). */
#ifndef LEEC_HEX_H
#define LEEC_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2 * n hex digits of the n bytes at p to out (no NUL); returns the end. */
static inline char *hex_put(char *out, const void *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[b[i] >> 4];
        *out++ = digits[b[i] & 15];
    }
    return out;
}

/* v as 16 hex digits, most significant first, + NUL. */
static inline void hex_u64(uint64_t v, char out[17])
{
    unsigned char b[8];
    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    *hex_put(out, b, sizeof b) = '\0';
}

#endif
