/* ctext: C source text the emitters write: string literals, identifiers and comment
 * text that any C compiler reads back as meant. */
#ifndef LEEC_CTEXT_H
#define LEEC_CTEXT_H

#include "front/util.h"

#include <stddef.h>

/* src with every character that is not a letter or digit as '_', upper case. */
void ctext_upper(char *dst, size_t size, const char *src);
/* A C string literal of s ("NULL" for NULL). */
void ctext_string(struct sbuf *b, const char *s);
/* s as text inside a generated comment. */
void ctext_comment(char *dst, size_t size, const char *s);

#endif
