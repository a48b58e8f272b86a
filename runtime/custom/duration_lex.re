/* duration_lex: see duration_lex.h. The input is copied into a NUL-terminated
 * buffer of at most DURATION_MAX_INPUT bytes; the NUL is a sentinel (a NUL
 * inside the input ends the scan early and is refused by the length check). */
#include "custom/duration_lex.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Adds digits [b, e) times mul to *acc; -1 when more than 6 digits. */
static int component(const char *b, const char *e, uint32_t mul, uint64_t *acc)
{
    if (e - b > 6)
        return -1;
    uint64_t v = 0;
    for (const char *p = b; p < e; p++)
        v = v * 10u + (uint64_t)(*p - '0');
    *acc += v * mul;
    return 0;
}

enum duration_status duration_parse(const char *s, size_t len, uint32_t *seconds)
{
    *seconds = 0;
    if (!s || len == 0 || len > DURATION_MAX_INPUT)
        return DURATION_BAD;
    char buf[DURATION_MAX_INPUT + 1];
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strlen(buf) != len)
        return DURATION_BAD;
    /* Tokens in order: "P", then "T", then components H, M, S (each at most once,
     * in that order). Date components (Y, M before T, W, D) are recognised only
     * to say "unsupported". */
    const char *YYCURSOR = buf, *YYMARKER = NULL, *tok;
    (void)YYMARKER;
    enum { ST_START, ST_P, ST_T } st = ST_START;
    int last = 0; /* 0 none, 1 H, 2 M, 3 S */
    bool date = false, any = false;
    uint64_t acc = 0;
    for (;;) {
        tok = YYCURSOR;
        /*!re2c
            re2c:define:YYCTYPE = char;
            re2c:yyfill:enable = 0;

            d = [0-9]+;

            "\x00" {
                if (st == ST_START || (!any && !date))
                    return DURATION_BAD;
                if (st == ST_T && last == 0)
                    return DURATION_BAD;
                break;
            }
            "P" {
                if (st != ST_START)
                    return DURATION_BAD;
                st = ST_P;
                continue;
            }
            "T" {
                if (st != ST_P)
                    return DURATION_BAD;
                st = ST_T;
                continue;
            }
            d [YWD] {
                if (st != ST_P)
                    return DURATION_BAD;
                date = true;
                continue;
            }
            d [HMS] {
                if (st == ST_P && YYCURSOR[-1] == 'M') { /* months */
                    date = true;
                    continue;
                }
                if (st != ST_T)
                    return DURATION_BAD;
                const char *u = YYCURSOR - 1;
                int which = *u == 'H' ? 1 : *u == 'M' ? 2 : 3;
                if (which <= last)
                    return DURATION_BAD;
                last = which;
                if (component(tok, u, which == 1 ? 3600u : which == 2 ? 60u : 1u, &acc))
                    return DURATION_BAD;
                any = true;
                continue;
            }
            * { return DURATION_BAD; }
        */
    }
    if (date)
        return DURATION_UNSUPPORTED;
    if (acc == 0)
        return DURATION_ZERO;
    if (acc > DURATION_MAX_SECONDS)
        return DURATION_TOO_LONG;
    *seconds = (uint32_t)acc;
    return DURATION_OK;
}

void duration_format_hms(uint32_t seconds, char out[16])
{
    if (seconds > DURATION_MAX_SECONDS)
        seconds = DURATION_MAX_SECONDS;
    snprintf(out, 16, "%02u:%02u:%02u", (unsigned)(seconds / 3600u),
             (unsigned)(seconds / 60u % 60u), (unsigned)(seconds % 60u));
}

static size_t add_unit(char *out, size_t outlen, size_t at, uint32_t v, const char *unit)
{
    if (!v || at >= outlen)
        return at;
    int n = snprintf(out + at, outlen - at, "%s%u %s%s", at ? " " : "", (unsigned)v, unit,
                     v == 1 ? "" : "s");
    return n < 0 ? at : at + (size_t)n;
}

void duration_speak(uint32_t seconds, char *out, size_t outlen)
{
    if (!outlen)
        return;
    out[0] = '\0';
    size_t at = 0;
    at = add_unit(out, outlen, at, seconds / 3600u, "hour");
    at = add_unit(out, outlen, at, seconds / 60u % 60u, "minute");
    at = add_unit(out, outlen, at, seconds % 60u, "second");
    if (!at)
        snprintf(out, outlen, "0 seconds");
}
