/* utf8: the one UTF-8 validator (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) and a cut that never splits a character. */
#ifndef LEEC_UTF8_H
#define LEEC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1-4) of the valid sequence at s (n > 0 bytes available), 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
bool utf8_valid(const char *s, size_t n);
/* The longest prefix of s[0..len) of at most max bytes that ends at a character
 * boundary: a valid sequence is never split; an invalid byte counts as one unit. */
size_t utf8_cut(const char *s, size_t len, size_t max);

#endif
