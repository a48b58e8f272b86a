/* jsonguard: pre-parse caps (size, depth, values) and a guarded cJSON parse. */
#include "base/jsonguard.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

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
