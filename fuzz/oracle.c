/* oracle: see oracle.h. */
#include "oracle.h"

#include "base/jsonguard.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* base/jsonguard's strict check, when the runtime has one (weak: NULL otherwise). */
int jsonguard_strict(const char *buf, size_t len, struct jsonguard_error *err)
    __attribute__((weak));

#define STRICT_DEPTH_MAX 512

struct scan {
    const unsigned char *s;
    size_t n, i;
};

static void ws(struct scan *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static bool lit(struct scan *p, const char *w)
{
    size_t k = strlen(w);
    if (p->n - p->i < k || memcmp(p->s + p->i, w, k) != 0)
        return false;
    p->i += k;
    return true;
}

static bool hex4(struct scan *p, unsigned *v)
{
    if (p->n - p->i < 4)
        return false;
    *v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = p->s[p->i++];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a') + 10u
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A') + 10u
                                            : 16u;
        if (d == 16u)
            return false;
        *v = *v * 16u + d;
    }
    return true;
}

static bool string(struct scan *p)
{
    if (p->i >= p->n || p->s[p->i] != '"')
        return false;
    p->i++;
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++p->i >= p->n)
                return false;
            c = p->s[p->i++];
            if (c == 'u') {
                unsigned v, lo;
                if (!hex4(p, &v))
                    return false;
                if (v >= 0xDC00 && v <= 0xDFFF)
                    return false; /* a low surrogate alone */
                if (v >= 0xD800 && v <= 0xDBFF &&
                    (!lit(p, "\\u") || !hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF))
                    return false;
            } else if (c == '\0' || !strchr("\"\\/bfnrt", c)) {
                return false;
            }
            continue;
        }
        size_t l = utf8_seq_len(p->s + p->i, p->n - p->i);
        if (!l)
            return false;
        p->i += l;
    }
    return false;
}

static bool digits(struct scan *p)
{
    size_t st = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > st;
}

static bool number(struct scan *p)
{
    if (p->i < p->n && p->s[p->i] == '-')
        p->i++;
    if (p->i < p->n && p->s[p->i] == '0')
        p->i++;
    else if (!digits(p))
        return false;
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!digits(p))
            return false;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!digits(p))
            return false;
    }
    return true;
}

static bool value(struct scan *p, int depth)
{
    if (depth > STRICT_DEPTH_MAX)
        return false;
    ws(p);
    if (p->i >= p->n)
        return false;
    unsigned char c = p->s[p->i];
    if (c == '{' || c == '[') {
        unsigned char close = c == '{' ? '}' : ']';
        p->i++;
        ws(p);
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            return true;
        }
        for (;;) {
            if (c == '{') {
                ws(p);
                if (!string(p))
                    return false;
                ws(p);
                if (p->i >= p->n || p->s[p->i] != ':')
                    return false;
                p->i++;
            }
            if (!value(p, depth + 1))
                return false;
            ws(p);
            if (p->i >= p->n)
                return false;
            if (p->s[p->i] == close) {
                p->i++;
                return true;
            }
            if (p->s[p->i] != ',')
                return false;
            p->i++;
        }
    }
    if (c == '"')
        return string(p);
    if (c == 't')
        return lit(p, "true");
    if (c == 'f')
        return lit(p, "false");
    if (c == 'n')
        return lit(p, "null");
    return number(p);
}

bool oracle_have_jsonguard_strict(void) { return jsonguard_strict != NULL; }

bool oracle_json_strict(const char *s, size_t n)
{
    struct scan p = {(const unsigned char *)s, n, 0};
    bool ok = value(&p, 0);
    if (ok) {
        ws(&p);
        ok = p.i == n;
    }
    if (jsonguard_strict) {
        struct jsonguard_error err;
        if ((jsonguard_strict(s, n, &err) == 0) != ok) /* one of the two is wrong */
            oracle_fail(ok ? "jsonguard_strict refuses what the oracle's scanner accepts"
                           : "jsonguard_strict accepts what the oracle's scanner refuses",
                        s, n);
    }
    /* keep base/jsonguard.o (and its strict check, if any) linked */
    struct jsonguard_limits lim = {.max_bytes = 1, .max_depth = 1, .max_nodes = 1};
    (void)jsonguard_check("", 0, &lim, NULL);
    return ok;
}

static bool unique_in(const cJSON *o, int depth)
{
    if (depth > STRICT_DEPTH_MAX)
        return false;
    for (const cJSON *c = o ? o->child : NULL; c; c = c->next) {
        if (cJSON_IsObject(o))
            for (const cJSON *d = c->next; d; d = d->next)
                if (c->string && d->string && strcmp(c->string, d->string) == 0)
                    return false;
        if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !unique_in(c, depth + 1))
            return false;
    }
    return true;
}

bool oracle_json_unique(const cJSON *tree) { return unique_in(tree, 0); }

bool oracle_ssml(const char *s, size_t n)
{
    static const char open[] = "<speak>", close[] = "</speak>";
    const size_t lo = sizeof open - 1, lc = sizeof close - 1;
    if (n < lo + lc || memcmp(s, open, lo) != 0 || memcmp(s + n - lc, close, lc) != 0)
        return false;
    if (!utf8_valid(s, n))
        return false;
    static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = lo; i < n - lc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<' || c == '>' || c == '\0')
            return false; /* a tag the escaper should have neutralised */
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false; /* not allowed in XML */
        if (c == '&') {
            bool ok = false;
            for (size_t k = 0; k < sizeof entities / sizeof entities[0] && !ok; k++) {
                size_t l = strlen(entities[k]);
                ok = i + l <= n - lc && memcmp(s + i, entities[k], l) == 0;
            }
            if (!ok)
                return false;
        }
    }
    return true;
}

void oracle_fail(const char *what, const char *buf, size_t len)
{
    fprintf(stderr, "oracle: %s\noutput (%zu bytes): ", what, len);
    for (size_t i = 0; buf && i < len && i < 4096; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02X", c);
    }
    fputc('\n', stderr);
    abort();
}
