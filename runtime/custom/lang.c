/* lang: see custom/lang.h. */
#include "custom/lang.h"

#include "base/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SK_SCRATCH 4096u /* longest text put together before the cut */
#define SK_PAIRS   12u   /* placeholders one message can fill */

const struct sk_lang *sk_lang_for(const char *locale)
{
    if (locale && strlen(locale) >= 2)
        for (size_t i = 0; i < sk_nlangs; i++) {
            const char *c = sk_langs[i]->code;
            if (tolower((unsigned char)locale[0]) == c[0] &&
                tolower((unsigned char)locale[1]) == c[1] &&
                (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_'))
                return sk_langs[i];
        }
    return sk_langs[0];
}

const struct sk_lang *sk_lang_choose(const char *locale, const char *const *allowed, size_t n)
{
    const struct sk_lang *l = sk_lang_for(locale);
    if (!n)
        return l;
    for (size_t i = 0; i < n; i++)
        if (allowed[i] && strcmp(allowed[i], l->code) == 0)
            return l;
    return sk_langs[0];
}

/* Copies scratch[0..n) into out (len bytes), cut at a character boundary. */
static void put_cut(char *out, size_t len, const char *scratch, size_t n)
{
    if (!len)
        return;
    size_t k = utf8_cut(scratch, n, len - 1);
    memcpy(out, scratch, k);
    out[k] = '\0';
}

void sk_vfill(char *out, size_t len, const char *tmpl, va_list ap)
{
    const char *names[SK_PAIRS], *values[SK_PAIRS];
    size_t np = 0;
    for (;;) {
        const char *n = va_arg(ap, const char *);
        if (!n)
            break;
        const char *v = va_arg(ap, const char *);
        if (np < SK_PAIRS) {
            names[np] = n;
            values[np++] = v ? v : "";
        }
    }
    char buf[SK_SCRATCH];
    size_t at = 0;
    for (const char *p = tmpl ? tmpl : ""; *p && at < sizeof buf - 1;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            buf[at++] = *p++;
            continue;
        }
        size_t kl = (size_t)(close - p - 1);
        const char *val = "";
        for (size_t i = 0; i < np; i++)
            if (strlen(names[i]) == kl && memcmp(names[i], p + 1, kl) == 0) {
                val = values[i];
                break;
            }
        for (; *val && at < sizeof buf - 1; val++)
            buf[at++] = *val;
        p = close + 1;
    }
    buf[at] = '\0';
    put_cut(out, len, buf, at);
}

void sk_fill(char *out, size_t len, const char *tmpl, ...)
{
    va_list ap;
    va_start(ap, tmpl);
    sk_vfill(out, len, tmpl, ap);
    va_end(ap);
}

/* Spanish: "y" is "e" before an i- or hi- sound (not hie-, hia-), "o" is "u" before o-/ho-. */
static const char *conjunction(const struct sk_lang *l, bool or_list, const char *next)
{
    const char *w = or_list ? l->or_word : l->and_word;
    if (strcmp(l->code, "es") != 0 || !next)
        return w;
    const unsigned char *s = (const unsigned char *)next;
    if ((s[0] | 0x20) == 'h')
        s++;
    bool i_sound = (s[0] | 0x20) == 'i' || (s[0] == 0xC3 && (s[1] == 0xAD || s[1] == 0x8D));
    bool o_sound = (s[0] | 0x20) == 'o' || (s[0] == 0xC3 && (s[1] == 0xB3 || s[1] == 0x93));
    if (!or_list && i_sound && !strchr("aeiouAEIOU", s[1] ? s[1] : 'x'))
        return " e ";
    if (or_list && o_sound)
        return " u ";
    return w;
}

void sk_list(const struct sk_lang *l, char *out, size_t len, const char *const *items, size_t n,
             bool or_list)
{
    char buf[SK_SCRATCH];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0       ? ""
                          : i + 1 == n ? conjunction(l, or_list, items[i])
                                       : l->list_sep;
        int k = snprintf(buf + at, sizeof buf - at, "%s%s", sep, items[i] ? items[i] : "");
        if (k < 0)
            break;
        at += (size_t)k;
        if (at >= sizeof buf) {
            at = sizeof buf - 1;
            break;
        }
    }
    put_cut(out, len, buf, at);
}

void sk_duration(const struct sk_lang *l, unsigned seconds, char *out, size_t len)
{
    unsigned v[3] = {seconds / 3600u, seconds / 60u % 60u, seconds % 60u};
    char part[3][64];
    size_t np = 0;
    for (size_t i = 0; i < 3; i++)
        if (v[i])
            snprintf(part[np++], sizeof part[0], "%u %s", v[i], l->unit[i][v[i] == 1 ? 0 : 1]);
    char buf[256];
    if (np == 0)
        snprintf(buf, sizeof buf, "%s", l->dur_zero);
    else if (np == 1)
        snprintf(buf, sizeof buf, "%s", part[0]);
    else if (np == 2)
        snprintf(buf, sizeof buf, "%s%s%s", part[0], l->dur_last, part[1]);
    else
        snprintf(buf, sizeof buf, "%s%s%s%s%s", part[0], l->dur_sep, part[1], l->dur_last, part[2]);
    put_cut(out, len, buf, strlen(buf));
}

void sk_number_text(const struct sk_lang *l, double v, char *out, size_t len)
{
    char buf[64];
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15) {
        snprintf(buf, sizeof buf, "%lld", (long long)llround(v));
    } else {
        char raw[40];
        snprintf(raw, sizeof raw, "%g", v);
        size_t at = 0;
        for (const char *p = raw; *p && at < sizeof buf - 8; p++) {
            if (*p == '.') {
                for (const char *d = l->decimal; *d && at < sizeof buf - 8; d++)
                    buf[at++] = *d;
            } else {
                buf[at++] = *p;
            }
        }
        buf[at] = '\0';
    }
    put_cut(out, len, buf, strlen(buf));
}

size_t sk_normalise(const char *in, char *out, size_t len)
{
    size_t at = 0;
    if (!len)
        return 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    bool space = true; /* no leading space */
    while (*s && at + 3 < len) {
        unsigned char ch = *s;
        if (ch < 0x80) {
            if (isalnum(ch) || ch == '\'') {
                out[at++] = (char)tolower(ch);
                space = false;
            } else if (!space) {
                out[at++] = ' ';
                space = true;
            }
            s++;
            continue;
        }
        size_t l = utf8_seq_len(s, strlen((const char *)s));
        if (!l) {
            s++;
            continue;
        }
        if (l == 2 && ch == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97) {
            out[at++] = (char)ch; /* Latin-1 capital → small: second byte + 0x20 */
            out[at++] = (char)(s[1] + 0x20);
        } else {
            if (at + l >= len) /* a whole character and the NUL must fit: stop before it */
                break;
            memcpy(out + at, s, l);
            at += l;
        }
        space = false;
        s += l;
    }
    while (at && out[at - 1] == ' ')
        at--;
    out[at] = '\0';
    return at;
}

static int word_value(const struct sk_word *w, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].word, s) == 0)
            return w[i].value;
    return -1;
}

static int number_word(const struct sk_lang *l, const char *s)
{
    int v = word_value(l->numbers, l->nnumbers, s);
    if (v < 0 && l != sk_langs[0])
        v = word_value(sk_langs[0]->numbers, sk_langs[0]->nnumbers, s);
    return v;
}

static const char *const unit_words[] = {"percent", "degrees", "degree"};

/* A unit word after a number: "percent", "degrees", the language's percent word. */
static bool is_unit(const struct sk_lang *l, const char *w)
{
    char pw[64];
    sk_normalise(l->percent, pw, sizeof pw);
    if (strcmp(w, pw) == 0)
        return true;
    for (size_t i = 0; i < sizeof unit_words / sizeof unit_words[0]; i++)
        if (strcmp(w, unit_words[i]) == 0)
            return true;
    return false;
}

/* Drops a trailing unit word ("percent", "pour cent") from a normalised text. */
static void strip_unit(const struct sk_lang *l, char *n)
{
    size_t nl = strlen(n);
    for (size_t sp = nl; sp > 0; sp--)
        if (n[sp - 1] == ' ' && is_unit(l, n + sp)) {
            n[sp - 1] = '\0';
            return;
        }
}

int sk_number(const struct sk_lang *l, const char *s, double *out)
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    /* digits, with '.' or ',' as the decimal sign */
    char d[64];
    size_t k = 0;
    for (const char *p = s; *p && k < sizeof d - 1; p++)
        d[k++] =
            (*p == ',' && p > s && isdigit((unsigned char)p[-1]) && isdigit((unsigned char)p[1]))
                ? '.'
                : *p;
    d[k] = '\0';
    char *end;
    double v = strtod(d, &end);
    if (end != d && isfinite(v) && (isdigit((unsigned char)d[0]) || d[0] == '-' || d[0] == '.')) {
        char rest[64];
        sk_normalise(end, rest, sizeof rest);
        if (!rest[0] || is_unit(l, rest)) {
            *out = v;
            return 0;
        }
        return -1;
    }
    /* words */
    char n[160];
    sk_normalise(s, n, sizeof n);
    strip_unit(l, n);
    int w = number_word(l, n);
    if (w >= 0) {
        *out = w;
        return 0;
    }
    for (size_t i = 0; i < l->npoints; i++) {
        char pat[40];
        snprintf(pat, sizeof pat, " %s ", l->points[i]);
        char *at = strstr(n, pat);
        if (!at)
            continue;
        *at = '\0';
        int whole = number_word(l, n);
        const char *frac = at + strlen(pat);
        int f = number_word(l, frac);
        if (whole < 0 || f < 0)
            return -1;
        double div = f < 10 ? 10 : f < 100 ? 100 : 1000;
        *out = whole + f / div;
        return 0;
    }
    return -1;
}

int sk_ordinal(const struct sk_lang *l, const char *s)
{
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    if (isdigit((unsigned char)*s)) {
        long v = strtol(s, NULL, 10);
        return v > 0 && v < 100 ? (int)v : 0;
    }
    char n[160];
    sk_normalise(s, n, sizeof n);
    int number = 0;
    for (char *tok = strtok(n, " "); tok; tok = strtok(NULL, " ")) {
        int v = word_value(l->ordinals, l->nordinals, tok);
        if (v < 0 && l != sk_langs[0])
            v = word_value(sk_langs[0]->ordinals, sk_langs[0]->nordinals, tok);
        if (v > 0)
            return v;
        int w = number_word(l, tok);
        if (w > 0 && w <= 10 && !number)
            number = w; /* "number two", "nummer zwei" */
    }
    return number;
}

int sk_bool(const struct sk_lang *l, const char *s)
{
    char n[64];
    sk_normalise(s, n, sizeof n);
    int v = word_value(l->bools, l->nbools, n);
    if (v < 0 && l != sk_langs[0])
        v = word_value(sk_langs[0]->bools, sk_langs[0]->nbools, n);
    return v;
}
