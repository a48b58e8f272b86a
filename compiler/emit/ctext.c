/* ctext: see ctext.h. */
#include "emit/ctext.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void ctext_upper(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = isalnum((unsigned char)src[i]) ? (char)toupper((unsigned char)src[i]) : '_';
    dst[i] = '\0';
}

/* A C string literal of s that any C compiler reads back byte for byte, without a
 * warning: '"' and '\\' escaped, '?' as \? (no trigraph such as ??/ can form),
 * control characters, DEL and every non-ASCII byte as a 3-digit octal escape
 * (always 3 digits, so a following digit never joins it; never \x, which would
 * swallow following hex digits). */
void ctext_string(struct sbuf *b, const char *s)
{
    if (!s) {
        sbuf_add(b, "NULL");
        return;
    }
    sbuf_add(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c == '?')
            sbuf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            sbuf_printf(b, "\\%03o", c);
        else
            sbuf_addn(b, (const char *)&c, 1);
    }
    sbuf_add(b, "\"");
}

/* Text inside a generated comment: printable ASCII only, no comment end, no '?'
 * (trigraphs), no '\\' (a line splice); anything else becomes '_'. */
void ctext_comment(char *dst, size_t size, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 1 < size; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok = c >= 0x20 && c < 0x7f && c != '?' && c != '\\' && !(c == '*' && s[1] == '/') &&
                  !(c == '/' && s[1] == '*');
        dst[o++] = ok ? (char)c : '_';
    }
    dst[o] = '\0';
}
