/* envparse: strict parsing of environment values (product.md §9).
 *
 * Nothing is guessed: a value that is not exactly one of the accepted forms is
 * an error (-1), which the caller turns into a start-up error (/init/error).
 * No surrounding whitespace, no signs, no trailing garbage, no overflow.
 * (The original treated any non-empty string as true: NOT_VERIFY_SSL=False
 * switched TLS verification off.) */
#ifndef LEEC_ENVPARSE_H
#define LEEC_ENVPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* true/false, 1/0, yes/no, case-insensitive. */
int envparse_bool(const char *s, bool *out);

/* Decimal digits only, value <= max. */
int envparse_u64(const char *s, uint64_t max, uint64_t *out);

/* <digits><unit> with unit ms, s, m or h (lower case); the unit is required
 * ("250" is an error: milliseconds or seconds?). Result in ms, <= max_ms. */
int envparse_duration_ms(const char *s, uint64_t max_ms, uint64_t *out_ms);

/* Comma-separated list. Spaces and tabs around items are trimmed; an empty
 * item ("a,,b", "a,", "" or " ") is an error. Items are copied into
 * items[i * item_cap] (NUL-terminated, so an item holds item_cap-1 bytes at
 * most; longer is an error), at most max_items (more is an error).
 * Returns the item count, or -1 with *why set to a static reason (why may be
 * NULL). */
int envparse_list(const char *s, char *items, size_t item_cap, size_t max_items, const char **why);

#endif
