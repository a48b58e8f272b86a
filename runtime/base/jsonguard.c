/* jsonguard: pre-parse caps (size, depth, values) and a guarded cJSON parse. */
#include "base/jsonguard.h"

#include "base/utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 4, 5))) static int jsonguard_fail(struct jsonguard_error *err,
                                                                enum jsonguard_fail kind,
                                                                size_t off, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->kind = kind;
        err->offset = off;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int jsonguard_check(const char *buf, size_t len, const struct jsonguard_limits *lim,
                    struct jsonguard_error *err)
{
    if (!lim || lim->max_depth == 0 || lim->max_depth > JSONGUARD_DEPTH_MAX ||
        lim->max_nodes == 0 || (!buf && len))
        return jsonguard_fail(err, JSONGUARD_BAD_LIMITS, 0, "invalid JSON limits");
    if (len > lim->max_bytes)
        return jsonguard_fail(err, JSONGUARD_TOO_LARGE, lim->max_bytes,
                              "event is %zu bytes, limit %zu", len, lim->max_bytes);
    size_t depth = 0, nodes = 1;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            break;
        case '[':
        case '{':
            if (++depth > lim->max_depth)
                return jsonguard_fail(err, JSONGUARD_TOO_DEEP, i, "JSON nesting deeper than %zu",
                                      lim->max_depth);
            /* an opening bracket may start one more value */
            /* fall through */
        case ',':
            if (++nodes > lim->max_nodes)
                return jsonguard_fail(err, JSONGUARD_TOO_MANY_NODES, i, "more than %zu JSON values",
                                      lim->max_nodes);
            break;
        case ']':
        case '}':
            if (depth > 0) /* unbalanced input is cJSON's to reject */
                depth--;
            break;
        default:
            break;
        }
    }
    if (err) {
        err->kind = JSONGUARD_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    return 0;
}

static int jsonguard_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

cJSON *jsonguard_parse(const char *buf, size_t len, const struct jsonguard_limits *lim,
                       struct jsonguard_error *err)
{
    if (jsonguard_check(buf, len, lim, err) != 0)
        return NULL;
    const char *end = NULL;
    /* require_null_terminated = 0: buf is length-delimited; the trailing check
     * below does the same job without reading buf[len]. */
    cJSON *root = len ? cJSON_ParseWithLengthOpts(buf, len, &end, 0) : NULL;
    if (!root) {
        size_t off = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : 0;
        jsonguard_fail(err, JSONGUARD_SYNTAX, off, "not valid JSON at byte %zu", off);
        return NULL;
    }
    size_t off = (size_t)(end - buf);
    while (off < len && jsonguard_is_space(buf[off]))
        off++;
    if (off != len) {
        cJSON_Delete(root);
        jsonguard_fail(err, JSONGUARD_SYNTAX, off, "not valid JSON at byte %zu", off);
        return NULL;
    }
    return root;
}

static size_t jsonguard_sat_mul(size_t a, size_t b)
{
    return (b && a > SIZE_MAX / b) ? SIZE_MAX : a * b;
}

static size_t jsonguard_sat_add(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

size_t jsonguard_tree_bytes_bound(size_t len)
{
    size_t units = jsonguard_sat_add(len, JSONGUARD_DEPTH_MAX + 4) / 2;
    return jsonguard_sat_mul(JSONGUARD_NODE_COST, units);
}

size_t jsonguard_tree_bytes_bound_limits(const struct jsonguard_limits *lim)
{
    size_t by_len = jsonguard_tree_bytes_bound(lim->max_bytes);
    size_t per_node = JSONGUARD_NODE_COST + 2 * JSONGUARD_MALLOC_OVERHEAD;
    size_t by_nodes = jsonguard_sat_add(
        jsonguard_sat_mul(jsonguard_sat_add(lim->max_nodes, 1), per_node), lim->max_bytes);
    return by_len < by_nodes ? by_len : by_nodes;
}

/* ---- strictness ------------------------------------------------------- */

static int jsonguard_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* \uXXXX at buf[i] ('\\' at i): the code unit, or -1. */
static long jsonguard_u_escape(const char *buf, size_t len, size_t i)
{
    if (len - i < 6 || buf[i] != '\\' || buf[i + 1] != 'u')
        return -1;
    long v = 0;
    for (size_t k = 2; k < 6; k++) {
        int h = jsonguard_hexval(buf[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A string at buf[*i] (the opening quote); *i ends after the closing quote. */
static int jsonguard_strict_string(const char *buf, size_t len, size_t *i,
                                   struct jsonguard_error *err)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t p = *i + 1;
    while (p < len) {
        unsigned char c = u[p];
        if (c == '"') {
            *i = p + 1;
            return 0;
        }
        if (c < 0x20)
            return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p,
                                  "raw control character 0x%02x in a string at byte %zu", c, p);
        if (c == '\\') {
            if (p + 1 >= len)
                break;
            char e = buf[p + 1];
            if (e == 'u') {
                long cu = jsonguard_u_escape(buf, len, p);
                if (cu < 0)
                    return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p,
                                          "bad \\u escape at byte %zu", p);
                if (cu >= 0xDC00 && cu <= 0xDFFF)
                    return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p,
                                          "lone low surrogate escape at byte %zu", p);
                if (cu >= 0xD800 && cu <= 0xDBFF) {
                    long lo = jsonguard_u_escape(buf, len, p + 6);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p,
                                              "unpaired surrogate escape at byte %zu", p);
                    p += 12;
                } else {
                    p += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p, "bad escape at byte %zu", p);
            p += 2;
            continue;
        }
        size_t l = utf8_seq_len(u + p, len - p);
        if (!l)
            return jsonguard_fail(err, JSONGUARD_BAD_UTF8, p, "invalid UTF-8 at byte %zu", p);
        p += l;
    }
    return jsonguard_fail(err, JSONGUARD_NOT_STRICT, len, "unterminated string");
}

static bool jsonguard_digit(char c) { return c >= '0' && c <= '9'; }

/* number = [ minus ] int [ frac ] [ exp ] (RFC 8259 section 6) */
static int jsonguard_strict_number(const char *buf, size_t len, size_t *i,
                                   struct jsonguard_error *err)
{
    size_t p = *i, start = p;
    if (p < len && buf[p] == '-')
        p++;
    if (p < len && buf[p] == '0')
        p++;
    else if (p < len && buf[p] >= '1' && buf[p] <= '9')
        while (p < len && jsonguard_digit(buf[p]))
            p++;
    else
        return jsonguard_fail(err, JSONGUARD_NOT_STRICT, start, "bad number at byte %zu", start);
    if (p < len && buf[p] == '.') {
        p++;
        if (p >= len || !jsonguard_digit(buf[p]))
            return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p, "bad number at byte %zu", p);
        while (p < len && jsonguard_digit(buf[p]))
            p++;
    }
    if (p < len && (buf[p] == 'e' || buf[p] == 'E')) {
        p++;
        if (p < len && (buf[p] == '+' || buf[p] == '-'))
            p++;
        if (p >= len || !jsonguard_digit(buf[p]))
            return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p, "bad number at byte %zu", p);
        while (p < len && jsonguard_digit(buf[p]))
            p++;
    }
    if (p < len && jsonguard_digit(buf[p])) /* "01" */
        return jsonguard_fail(err, JSONGUARD_NOT_STRICT, p, "leading zero at byte %zu", p);
    *i = p;
    return 0;
}

static size_t jsonguard_ws(const char *buf, size_t len, size_t i)
{
    while (i < len && jsonguard_is_space(buf[i]))
        i++;
    return i;
}

int jsonguard_strict(const char *buf, size_t len, struct jsonguard_error *err)
{
    /* stack[d]: '{' or '['; want: what may come next */
    char stack[JSONGUARD_DEPTH_MAX];
    size_t depth = 0;
    enum { W_VALUE, W_KEY_OR_END, W_KEY, W_COLON, W_COMMA_OR_END, W_VALUE_OR_END } want = W_VALUE;
    if (!buf && len)
        return jsonguard_fail(err, JSONGUARD_BAD_LIMITS, 0, "no buffer");
    size_t i = jsonguard_ws(buf, len, 0);
    for (;;) {
        if (i >= len)
            return jsonguard_fail(err, JSONGUARD_NOT_STRICT, len, "unexpected end of JSON");
        char c = buf[i];
        switch (want) {
        case W_KEY_OR_END:
        case W_KEY:
            if (c == '}' && want == W_KEY_OR_END)
                goto close;
            if (c != '"')
                return jsonguard_fail(err, JSONGUARD_NOT_STRICT, i,
                                      "expected a member name at byte %zu", i);
            if (jsonguard_strict_string(buf, len, &i, err) != 0)
                return -1;
            want = W_COLON;
            i = jsonguard_ws(buf, len, i);
            continue;
        case W_COLON:
            if (c != ':')
                return jsonguard_fail(err, JSONGUARD_NOT_STRICT, i, "expected ':' at byte %zu", i);
            want = W_VALUE;
            i = jsonguard_ws(buf, len, i + 1);
            continue;
        case W_COMMA_OR_END:
            if (c == ',') {
                want = stack[depth - 1] == '{' ? W_KEY : W_VALUE;
                i = jsonguard_ws(buf, len, i + 1);
                continue;
            }
            if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '['))
                goto close;
            return jsonguard_fail(err, JSONGUARD_NOT_STRICT, i,
                                  "expected ',' or a closing bracket at byte %zu", i);
        case W_VALUE_OR_END:
            if (c == ']')
                goto close;
            /* fall through */
        case W_VALUE:
            break;
        }
        /* a value */
        if (c == '{' || c == '[') {
            if (depth >= JSONGUARD_DEPTH_MAX)
                return jsonguard_fail(err, JSONGUARD_TOO_DEEP, i, "JSON nesting deeper than %u",
                                      JSONGUARD_DEPTH_MAX);
            stack[depth++] = c;
            want = c == '{' ? W_KEY_OR_END : W_VALUE_OR_END;
            i = jsonguard_ws(buf, len, i + 1);
            continue;
        }
        if (c == '"') {
            if (jsonguard_strict_string(buf, len, &i, err) != 0)
                return -1;
        } else if (c == '-' || jsonguard_digit(c)) {
            if (jsonguard_strict_number(buf, len, &i, err) != 0)
                return -1;
        } else {
            static const char *const lits[] = {"true", "false", "null"};
            size_t k = 0, ll = 0;
            for (; k < 3; k++) {
                ll = strlen(lits[k]);
                if (len - i >= ll && memcmp(buf + i, lits[k], ll) == 0)
                    break;
            }
            if (k == 3)
                return jsonguard_fail(err,
                                      (unsigned char)c >= 0x80 &&
                                              !utf8_seq_len((const unsigned char *)buf + i, len - i)
                                          ? JSONGUARD_BAD_UTF8
                                          : JSONGUARD_NOT_STRICT,
                                      i, "unexpected byte 0x%02x at byte %zu", (unsigned char)c, i);
            i += ll;
        }
        goto after_value;
    close:
        depth--;
        i++;
    after_value:
        i = jsonguard_ws(buf, len, i);
        if (depth == 0)
            break;
        want = W_COMMA_OR_END;
    }
    if (i != len)
        return jsonguard_fail(err, JSONGUARD_NOT_STRICT, i,
                              "bytes after the JSON value at byte %zu", i);
    if (err) {
        err->kind = JSONGUARD_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    return 0;
}

/* ---- duplicate member names ------------------------------------------- */

static int jsonguard_cmp_names(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x ? x : "", y ? y : "");
}

static int jsonguard_dup_node(const cJSON *j, int depth, struct jsonguard_error *err)
{
    if (depth > 1000) /* cJSON's own nesting limit */
        return 0;
    if (cJSON_IsObject(j)) {
        size_t n = 0;
        for (const cJSON *c = j->child; c; c = c->next)
            n++;
        if (n > 1) {
            const char **names = malloc(n * sizeof *names);
            if (!names)
                return jsonguard_fail(err, JSONGUARD_DUPLICATE_KEY, 0,
                                      "out of memory checking member names");
            size_t k = 0;
            for (const cJSON *c = j->child; c; c = c->next)
                names[k++] = c->string;
            qsort(names, n, sizeof *names, jsonguard_cmp_names);
            for (k = 1; k < n; k++)
                if (jsonguard_cmp_names(&names[k - 1], &names[k]) == 0) {
                    /* the name itself is not quoted: it may be anything, a secret too */
                    jsonguard_fail(err, JSONGUARD_DUPLICATE_KEY, 0,
                                   "duplicate member name at depth %d", depth);
                    free(names);
                    return -1;
                }
            free(names);
        }
    }
    if (cJSON_IsObject(j) || cJSON_IsArray(j))
        for (const cJSON *c = j->child; c; c = c->next)
            if (jsonguard_dup_node(c, depth + 1, err) != 0)
                return -1;
    return 0;
}

int jsonguard_duplicate_key(const cJSON *tree, struct jsonguard_error *err)
{
    if (jsonguard_dup_node(tree, 0, err) != 0)
        return -1;
    if (err) {
        err->kind = JSONGUARD_OK;
        err->offset = 0;
        err->msg[0] = '\0';
    }
    return 0;
}
