/* linewriter: the capped, escaping, redacting writer every log line goes through
 * (see base/linewriter.h). */
#include "base/linewriter.h"

#include "base/redact.h"
#include "base/utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LOG_JSON_DEPTH_MAX 32

bool lw_put(struct lw *w, const char *s, size_t n)
{
    if (w->full || w->len + n + w->reserve > w->limit) {
        w->full = true;
        return false;
    }
    if (w->buf)
        memcpy(w->buf + w->len, s, n);
    w->len += n;
    return true;
}

/* For closers covered by reserve (always fits). */
static void lw_force(struct lw *w, const char *s, size_t n)
{
    if (w->buf)
        memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* Emits one character (or UTF-8 sequence) escaped for mode; returns the input
 * bytes consumed. Each unit is all-or-nothing, so a cut never splits an
 * escape or a character. */
static size_t lw_unit(struct lw *w, const char *s, size_t n, enum lw_mode mode)
{
    unsigned char c = (unsigned char)s[0];
    char tmp[8];
    if (mode == LW_RAW) {
        lw_put(w, s, 1);
        return 1;
    }
    if (c == '"' || c == '\\') {
        tmp[0] = '\\';
        tmp[1] = (char)c;
        lw_put(w, tmp, 2);
        return 1;
    }
    if (c < 0x20) {
        const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (e)
            lw_put(w, e, 2);
        else {
            int k = snprintf(tmp, sizeof tmp, mode == LW_JSON ? "\\u%04x" : "\\x%02x", c);
            lw_put(w, tmp, (size_t)k);
        }
        return 1;
    }
    if (c < 0x80) {
        lw_put(w, s, 1);
        return 1;
    }
    size_t u = utf8_seq_len((const unsigned char *)s, n);
    if (u) {
        lw_put(w, s, u);
        return u;
    }
    if (mode == LW_JSON)
        lw_put(w, "\\ufffd", 6);
    else {
        int k = snprintf(tmp, sizeof tmp, "\\x%02x", c);
        lw_put(w, tmp, (size_t)k);
    }
    return 1;
}

/* Copies s[i..to) (n bytes in all) with every registered secret replaced, even one
 * that starts inside the range and runs past it; returns where it stopped (>= to
 * unless w filled up). Every byte the writer copies goes through here. */
static size_t lw_checked(struct lw *w, const char *s, size_t n, size_t i, size_t to,
                         enum lw_mode mode)
{
    while (i < to && !w->full) {
        size_t m = redact_secret_match(s + i, n - i);
        if (m) {
            lw_put(w, REDACT_MARKER, sizeof REDACT_MARKER - 1);
            i += m;
            continue;
        }
        i += lw_unit(w, s + i, n - i, mode);
    }
    return i;
}

/* The end of a redacted range [from, end) grown over every registered secret that
 * starts inside it and runs past it: a token with a byte outside the Bearer alphabet
 * ("tok?rest") or a quote inside a key-like value must not leave its tail behind. */
static size_t redact_extend(const char *s, size_t n, size_t from, size_t end)
{
    for (size_t p = from; p < end; p++) {
        size_t m = redact_secret_match(s + p, n - p);
        if (m && p + m > end)
            end = p + m;
    }
    return end;
}

/* Redacting copy of s[0..n) into w, escaped for mode, until w is full. */
void lw_text(struct lw *w, const char *s, size_t n, enum lw_mode mode)
{
    size_t i = 0;
    while (i < n && !w->full) {
        size_t m = redact_secret_match(s + i, n - i);
        if (m) {
            lw_put(w, REDACT_MARKER, sizeof REDACT_MARKER - 1);
            i += m;
            continue;
        }
        size_t end;
        if (((s[i] == 'b' || s[i] == 'B') && (m = redact_auth_match(s, n, i, &end)) > 0) ||
            (s[i] == '"' && (m = redact_kv_match(s, n, i, &end)) > 0)) {
            /* the scheme / the key are kept, but checked like any other text: a key
             * may hold a secret ("<token> token":"x") */
            size_t k = lw_checked(w, s, n, i, i + m, mode);
            end = redact_extend(s, n, i + m, end);
            lw_put(w, REDACT_MARKER, sizeof REDACT_MARKER - 1);
            i = k > end ? k : end; /* a kv value's closing quote is emitted as text */
            continue;
        }
        i += lw_unit(w, s + i, n - i, mode);
    }
}

size_t lw_redact_copy(char *dst, size_t cap, const char *src, size_t n)
{
    if (!dst || cap == 0)
        return 0;
    struct lw w = {.buf = dst, .limit = cap - 1};
    lw_text(&w, src ? src : "", src ? n : 0, LW_RAW);
    size_t len = w.len;
    if (w.full) { /* the cut may have split a character: drop its lead bytes */
        size_t k = len, back = 0;
        while (back < 3 && k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80) {
            k--;
            back++;
        }
        if (k > 0 && (unsigned char)dst[k - 1] >= 0xC0 &&
            utf8_seq_len((const unsigned char *)dst + k - 1, len - (k - 1)) == 0)
            len = k - 1;
    }
    dst[len] = '\0';
    return len;
}

/* A complete string value: opening quote must fit, content may be cut, the
 * closing quote always fits. */
bool lw_string(struct lw *w, const char *s, size_t n, enum lw_mode mode)
{
    size_t save = w->len;
    if (!lw_put(w, "\"", 1) || w->len + 1 + w->reserve > w->limit) {
        w->len = save;
        w->full = true;
        return false;
    }
    w->reserve++;
    lw_text(w, s, n, mode);
    w->reserve--;
    lw_force(w, "\"", 1);
    return true;
}

void lw_number(struct lw *w, double d)
{
    char tmp[40];
    int k;
    if (!isfinite(d))
        k = snprintf(tmp, sizeof tmp, "null");
    else if (d == floor(d) && fabs(d) < 9007199254740992.0)
        k = snprintf(tmp, sizeof tmp, "%lld", (long long)d);
    else
        k = snprintf(tmp, sizeof tmp, "%.15g", d);
    lw_put(w, tmp, (size_t)k);
}

/* A cJSON tree, redacted; truncation keeps it valid (every opened container
 * reserves its closer). */
void lw_json(struct lw *w, const cJSON *j, int depth)
{
    if (depth > LOG_JSON_DEPTH_MAX) {
        lw_string(w, "[too deep]", 10, LW_JSON);
        return;
    }
    if (cJSON_IsString(j)) {
        lw_string(w, j->valuestring, strlen(j->valuestring), LW_JSON);
    } else if (cJSON_IsNumber(j)) {
        lw_number(w, j->valuedouble);
    } else if (cJSON_IsBool(j)) {
        cJSON_IsTrue(j) ? lw_put(w, "true", 4) : lw_put(w, "false", 5);
    } else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        bool obj = cJSON_IsObject(j);
        if (!lw_put(w, obj ? "{" : "[", 1))
            return;
        w->reserve++;
        bool first = true;
        for (const cJSON *c = j->child; c && !w->full; c = c->next) {
            size_t save = w->len;
            if (!first)
                lw_put(w, ",", 1);
            if (obj) {
                const char *k = c->string ? c->string : "";
                lw_string(w, k, strlen(k), LW_JSON);
                lw_put(w, ":", 1);
            }
            if (w->full) { /* no dangling separator or key */
                w->len = save;
                break;
            }
            size_t vsave = w->len;
            if (obj &&
                redact_key_sensitive(c->string ? c->string : "", c->string ? strlen(c->string) : 0))
                lw_string(w, REDACT_MARKER, sizeof REDACT_MARKER - 1, LW_RAW);
            else
                lw_json(w, c, depth + 1);
            if (w->len == vsave) { /* value did not start */
                w->len = save;
                break;
            }
            first = false;
        }
        w->reserve--;
        lw_force(w, obj ? "}" : "]", 1);
    } else {
        lw_put(w, "null", 4);
    }
}
