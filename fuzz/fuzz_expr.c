/* libFuzzer target: parse arbitrary bytes as an expression (mapped onto a
 * registered source so locations are computed), evaluate against a resolver
 * that knows one name of each kind, format the result, free everything. */
#include "expr/expr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool resolve(void *ctx, const char *name, size_t len, const struct loc *at,
                    struct value *out, struct diag *d)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
#define IS(s) (len == sizeof s - 1 && memcmp(name, s, len) == 0)
    if (IS("mem") || IS("lambda.memory_mb")) {
        out->kind = V_NUM;
        out->num = 128.0 * 1048576;
        out->dim = DIM_BYTES;
    } else if (IS("ttl")) {
        out->kind = V_NUM;
        out->num = 0.25;
        out->dim = DIM_SECS;
    } else if (IS("n")) {
        out->kind = V_NUM;
        out->num = 3;
    } else if (IS("on") || IS("iface.on")) {
        out->kind = V_BOOL;
        out->b = true;
    } else if (IS("s")) {
        out->kind = V_STR;
        out->str = "abc";
        out->len = 3;
    } else if (IS("features.areas")) {
        out->kind = V_LIST;
        out->len = 4;
    } else {
        diag_error(d, at, "unknown name '%.*s'", (int)len, name);
        return false;
    }
#undef IS
    return true;
}

static void on_ref(void *ctx, const char *name, size_t len, const struct loc *at)
{
    size_t *total = ctx;
    *total += len + at->col;
    if (len)
        *total += (unsigned char)name[len - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    struct diag *d = diag_new(DIAG_TEXT, null);
    /* The registered source holds a prefix plus the bytes, so carets are printed. */
    static const char prefix[] = "key: ";
    char *text = malloc(sizeof prefix + size + 1);
    memcpy(text, prefix, sizeof prefix - 1);
    if (size)
        memcpy(text + sizeof prefix - 1, data, size);
    text[sizeof prefix - 1 + size] = '\n';
    text[sizeof prefix + size] = '\0';
    const struct src_file *f = diag_add_source(d, "fuzz.yaml", text, sizeof prefix + size);

    /* Parse straight from a copy of exactly `size` bytes (no NUL). */
    char *buf = malloc(size ? size : 1);
    if (size)
        memcpy(buf, data, size);
    struct expr_src src = {buf, size, loc_make(f, 1, sizeof prefix, 0), true};
    struct expr *e = expr_parse(&src, d);
    free(buf);
    if (e) {
        size_t total = 0;
        expr_foreach_ref(e, on_ref, &total);
        (void)expr_is_literal(e);
        (void)expr_loc(e);
        struct value v;
        if (expr_eval(e, resolve, NULL, &v, d)) {
            char out[128], dim[64];
            value_format(&v, out, sizeof out);
            value_format(&v, out, 5);
            if (v.kind == V_NUM)
                dim_format(v.dim, dim, sizeof dim);
        }
        expr_free(e);
    }
    diag_free(d);
    return 0;
}
