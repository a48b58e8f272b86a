#include "base/jsonguard.h"

#include <check.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static const struct jsonguard_limits lim = {
    .max_bytes = 1 << 20, .max_depth = 32, .max_nodes = 1000};

START_TEST(size_cap_message)
{
    struct jsonguard_limits big = {.max_bytes = 6291556, .max_depth = 32, .max_nodes = 10};
    size_t n = 7340032;
    char *buf = calloc(1, n);
    struct jsonguard_error err;
    ck_assert_int_eq(jsonguard_check(buf, n, &big, &err), -1);
    ck_assert_int_eq(err.kind, JSONGUARD_TOO_LARGE);
    ck_assert_str_eq(err.msg, "event is 7340032 bytes, limit 6291556");
    ck_assert_ptr_null(jsonguard_parse(buf, n, &big, &err));
    free(buf);
}
END_TEST

START_TEST(depth_cap_ignores_brackets_in_strings)
{
    char buf[128];
    struct jsonguard_error err;
    memset(buf, '[', 32);
    memset(buf + 32, ']', 32);
    ck_assert_int_eq(jsonguard_check(buf, 64, &lim, &err), 0);
    cJSON *j = jsonguard_parse(buf, 64, &lim, &err);
    ck_assert_ptr_nonnull(j);
    cJSON_Delete(j);
    memset(buf, '[', 33);
    memset(buf + 33, ']', 33);
    ck_assert_int_eq(jsonguard_check(buf, 66, &lim, &err), -1);
    ck_assert_int_eq(err.kind, JSONGUARD_TOO_DEEP);
    ck_assert_uint_eq(err.offset, 32);
    ck_assert_str_eq(err.msg, "JSON nesting deeper than 32");
    const char *s = "[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[{{{{{{{\"]";
    ck_assert_int_eq(jsonguard_check(s, strlen(s), &lim, &err), 0);
    j = jsonguard_parse(s, strlen(s), &lim, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert(cJSON_IsString(cJSON_GetArrayItem(j, 0)));
    cJSON_Delete(j);
}
END_TEST

START_TEST(node_cap)
{
    struct jsonguard_limits l = {.max_bytes = 100, .max_depth = 4, .max_nodes = 4};
    struct jsonguard_error err;
    ck_assert_int_eq(jsonguard_check("[1,2,3]", 7, &l, &err), 0); /* 3 + array */
    ck_assert_int_eq(jsonguard_check("[1,2,3,4]", 9, &l, &err), -1);
    ck_assert_int_eq(err.kind, JSONGUARD_TOO_MANY_NODES);
    ck_assert_str_eq(err.msg, "more than 4 JSON values");
    ck_assert_int_eq(jsonguard_check("[\"a,b,c,d,e,f\"]", 15, &l, &err), 0);
    ck_assert_int_eq(jsonguard_check("{\"a\":{\"b\":[]}}", 14, &l, &err), 0);
}
END_TEST

START_TEST(parse_requires_whole_buffer)
{
    struct jsonguard_error err;
    const char *s = "{\"a\":1} x";
    ck_assert_ptr_null(jsonguard_parse(s, strlen(s), &lim, &err));
    ck_assert_int_eq(err.kind, JSONGUARD_SYNTAX);
    ck_assert_str_eq(err.msg, "not valid JSON at byte 8");
    s = "{\"a\":1}  \n";
    cJSON *j = jsonguard_parse(s, strlen(s), &lim, &err);
    ck_assert_ptr_nonnull(j);
    cJSON_Delete(j);
    ck_assert_ptr_null(jsonguard_parse("", 0, &lim, &err));
    ck_assert_str_eq(err.msg, "not valid JSON at byte 0");
    ck_assert_ptr_null(jsonguard_parse("{\"a\":", 5, &lim, &err));
    ck_assert_int_eq(err.kind, JSONGUARD_SYNTAX);
    ck_assert_ptr_null(jsonguard_parse("{\"a\" 1}", 7, &lim, &err));
    ck_assert_str_eq(err.msg, "not valid JSON at byte 5");
    /* length-delimited: bytes after len are not looked at */
    j = jsonguard_parse("[1]]]garbage", 3, &lim, &err);
    ck_assert_ptr_nonnull(j);
    cJSON_Delete(j);
    ck_assert_ptr_null(jsonguard_parse("[1]\0[2]", 7, &lim, &err));
    ck_assert_str_eq(err.msg, "not valid JSON at byte 3");
}
END_TEST

START_TEST(bad_limits)
{
    struct jsonguard_limits l = {.max_bytes = 10, .max_depth = 65, .max_nodes = 1};
    struct jsonguard_error err;
    ck_assert_int_eq(jsonguard_check("1", 1, &l, &err), -1);
    ck_assert_int_eq(err.kind, JSONGUARD_BAD_LIMITS);
    l.max_depth = 0;
    ck_assert_int_eq(jsonguard_check("1", 1, &l, &err), -1);
    ck_assert_int_eq(jsonguard_check("1", 1, NULL, NULL), -1);
}
END_TEST

/* Memory measurement: hooks that model glibc's chunk sizes exactly (works
 * under ASan too) and record the peak of live bytes during a parse. */
static size_t live, peak;

static size_t glibc_chunk(size_t req)
{
    size_t c = (req + 8 + 15) & ~(size_t)15;
    return c < 32 ? 32 : c;
}

static void *count_malloc(size_t n)
{
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    live += glibc_chunk(n);
    if (live > peak)
        peak = live;
    return (char *)p + 16;
}

static void count_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)((char *)q - 16);
    live -= glibc_chunk(p[0]);
    free(p);
}

struct measured {
    size_t modeled; /* peak bytes, glibc chunk model */
    size_t arena;   /* mallinfo2 in-use delta (0 under ASan) */
    int ok;
};

static struct measured measure(const char *buf, size_t len)
{
    struct jsonguard_limits l = {.max_bytes = SIZE_MAX, .max_depth = 64, .max_nodes = SIZE_MAX};
    struct measured m = {0, 0, 0};
    cJSON_Hooks h = {count_malloc, count_free};
    live = peak = 0;
    cJSON_InitHooks(&h);
    cJSON *j = jsonguard_parse(buf, len, &l, NULL);
    m.modeled = peak;
    m.ok = j != NULL;
    cJSON_Delete(j);
    cJSON_InitHooks(NULL);
    ck_assert_uint_eq(live, 0);
    if (!UNDER_ASAN) { /* the real allocator, real chunks */
        struct mallinfo2 a = mallinfo2();
        j = jsonguard_parse(buf, len, &l, NULL);
        struct mallinfo2 b = mallinfo2();
        m.arena = b.uordblks > a.uordblks ? b.uordblks - a.uordblks : 0;
        cJSON_Delete(j);
    }
    return m;
}

static char *repeat(const char *open, const char *item, size_t n, const char *close, size_t *len)
{
    size_t il = strlen(item), cap = strlen(open) + n * (il + 1) + strlen(close) + 1;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "%s", open);
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        memcpy(p, item, il);
        p += il;
    }
    p += sprintf(p, "%s", close);
    *len = (size_t)(p - s);
    return s;
}

static void check_bound(const char *what, const char *buf, size_t len, int expect_ok)
{
    struct measured m = measure(buf, len);
    size_t bound = jsonguard_tree_bytes_bound(len);
    ck_assert_msg(m.ok == expect_ok, "%s: parse result", what);
    ck_assert_msg(m.modeled <= bound, "%s: modeled %zu > bound %zu", what, m.modeled, bound);
    ck_assert_msg(m.arena <= bound, "%s: measured %zu > bound %zu", what, m.arena, bound);
}

START_TEST(tree_bound_holds_for_worst_shapes)
{
    static const struct {
        const char *what, *open, *item, *close;
        int ok;
    } shapes[] = {
        {"numbers", "[", "1", "]", 1},
        {"empty strings", "[", "\"\"", "]", 1},
        {"short strings", "[", "\"ab\"", "]", 1},
        {"escaped strings", "[", "\"\\n\\u00e9\"", "]", 1},
        {"empty-key members", "{", "\"\":1", "}", 1},
        {"string members", "{", "\"\":\"\"", "}", 1},
        {"empty objects", "[", "{}", "]", 1},
        {"literals", "[", "null", "]", 1},
        {"unterminated", "[", "1", ",", 0},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (size_t n = 1; n <= 100000; n *= 10) {
            size_t len;
            char *s = repeat(shapes[i].open, shapes[i].item, n, shapes[i].close, &len);
            check_bound(shapes[i].what, s, len, shapes[i].ok);
            free(s);
        }
    }
    /* deep and unclosed (a failed parse holds every open container) */
    char deep[200];
    memset(deep, '[', 64);
    check_bound("deep unclosed", deep, 64, 0);
    memset(deep + 64, ']', 64);
    check_bound("deep", deep, 128, 1);
    check_bound("scalar", "1", 1, 1);
    check_bound("empty string", "\"\"", 2, 1);
}
END_TEST

START_TEST(tree_bound_is_not_wasteful)
{
    size_t len;
    char *s = repeat("[", "1", 100000, "]", &len);
    struct measured m = measure(s, len);
    size_t bound = jsonguard_tree_bytes_bound(len);
    /* 80-byte chunks per node against a 96-byte charge: within 25 % */
    ck_assert_msg(bound <= m.modeled + m.modeled / 4, "bound %zu vs modeled %zu", bound, m.modeled);
    if (!UNDER_ASAN) {
        ck_assert_uint_ge(m.arena, 100000 * 80); /* glibc really holds 80 B per node */
        ck_assert_msg(bound <= m.arena + m.arena / 4, "bound %zu vs measured %zu", bound, m.arena);
    }
    free(s);
}
END_TEST

START_TEST(limits_bound)
{
    struct jsonguard_limits l = {.max_bytes = 262144, .max_depth = 32, .max_nodes = 10000};
    size_t b = jsonguard_tree_bytes_bound_limits(&l);
    ck_assert_uint_lt(b, jsonguard_tree_bytes_bound(l.max_bytes));
    ck_assert_uint_eq(b, 10001 * (JSONGUARD_NODE_COST + 64) + 262144);
    /* a node-capped input still fits it */
    size_t len;
    char *s = repeat("[", "\"\"", 9999, "]", &len);
    struct jsonguard_error err;
    ck_assert_int_eq(jsonguard_check(s, len, &l, &err), 0);
    struct measured m = measure(s, len);
    ck_assert_uint_le(m.modeled, b);
    free(s);
}
END_TEST

static int strict(const char *s)
{
    struct jsonguard_error err;
    return jsonguard_strict(s, strlen(s), &err);
}

static int strict_n(const char *s, size_t n, enum jsonguard_fail *kind)
{
    struct jsonguard_error err = {0};
    int rc = jsonguard_strict(s, n, &err);
    *kind = err.kind;
    return rc;
}

START_TEST(strict_accepts_rfc8259)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        "0",
        "-0",
        "1.5e3",
        "-1.25E-2",
        "\"\"",
        "true",
        "false",
        "null",
        " {\"a\" : [1, 2, {\"b\": null}], \"c\": "
        "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"}\r\n",
        "{\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"}",
        "[[[[]]]]",
        "{\"a\":{}}",
        "[0,1e5,1E+2]",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(strict(ok[i]) == 0, "%s", ok[i]);
}
END_TEST

START_TEST(strict_rejects_what_cjson_tolerates)
{
    static const char *const bad[] = {
        "{\"a\":\"x\x01y\"}",
        "{\"a\":\"x\ny\"}",
        "\x01{}",
        "\x0b{}",
        "{}\x0b",
        "\xef\xbb\xbf{}",
        "01",
        "+1",
        "1.",
        ".5",
        "1e",
        "-",
        "--1",
        "{\"a\":1,}",
        "[1,]",
        "{'a':1}",
        "{\"a\" 1}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "{1:2}",
        "tru",
        "nul",
        "True",
        "NaN",
        "Infinity",
        "\"\\x41\"",
        "\"\\u00g0\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"abc",
        "{",
        "[",
        "{}{}",
        "{} x",
        "",
        "   ",
        "{\"a\":1]",
        "[1}",
        "}",
        "]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(strict(bad[i]) == -1, "%s", bad[i]);
    enum jsonguard_fail k;
    ck_assert_int_eq(strict_n("{}\0", 3, &k), -1); /* a NUL after the value */
    ck_assert_int_eq(strict_n("\0{}", 3, &k), -1);
    ck_assert_int_eq(k, JSONGUARD_NOT_STRICT);
}
END_TEST

START_TEST(strict_utf8)
{
    static const char *const bad[] = {
        "\"\xff\"",         "\"\xc0\xaf\"",         "\"\xe0\x80\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
        "\"\x80\"",         "{\"\xfe\":1}",         "\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum jsonguard_fail k;
        ck_assert_msg(strict_n(bad[i], strlen(bad[i]), &k) == -1, "%zu", i);
        ck_assert_msg(k == JSONGUARD_BAD_UTF8, "%zu: kind %d", i, (int)k);
    }
}
END_TEST

START_TEST(strict_depth)
{
    char deep[2 * JSONGUARD_DEPTH_MAX + 3];
    size_t n = 0;
    for (unsigned i = 0; i < JSONGUARD_DEPTH_MAX; i++)
        deep[n++] = '[';
    for (unsigned i = 0; i < JSONGUARD_DEPTH_MAX; i++)
        deep[n++] = ']';
    enum jsonguard_fail k;
    ck_assert_int_eq(strict_n(deep, n, &k), 0);
    char deeper[2 * JSONGUARD_DEPTH_MAX + 3];
    n = 0;
    for (unsigned i = 0; i <= JSONGUARD_DEPTH_MAX; i++)
        deeper[n++] = '[';
    for (unsigned i = 0; i <= JSONGUARD_DEPTH_MAX; i++)
        deeper[n++] = ']';
    ck_assert_int_eq(strict_n(deeper, n, &k), -1);
    ck_assert_int_eq(k, JSONGUARD_TOO_DEEP);
}
END_TEST

static int dup(const char *s)
{
    cJSON *j = cJSON_Parse(s);
    ck_assert_ptr_nonnull(j);
    struct jsonguard_error err;
    int rc = jsonguard_duplicate_key(j, &err);
    if (rc)
        ck_assert_int_eq(err.kind, JSONGUARD_DUPLICATE_KEY);
    cJSON_Delete(j);
    return rc;
}

START_TEST(duplicate_keys)
{
    ck_assert_int_eq(dup("{\"a\":1,\"b\":{\"a\":1},\"c\":[{\"a\":1},{\"a\":2}]}"), 0);
    ck_assert_int_eq(dup("{\"a\":1,\"a\":2}"), -1);
    ck_assert_int_eq(dup("{\"x\":[{\"b\":{\"c\":1,\"d\":2,\"c\":3}}]}"), -1);
    ck_assert_int_eq(dup("{\"a\":1,\"\\u0061\":2}"), -1); /* the same name, escaped */
    ck_assert_int_eq(dup("{\"a\":1,\"A\":2}"), 0);        /* case matters */
    ck_assert_int_eq(dup("[1,2,1]"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsonguard");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, size_cap_message);
    tcase_add_test(tc, depth_cap_ignores_brackets_in_strings);
    tcase_add_test(tc, node_cap);
    tcase_add_test(tc, parse_requires_whole_buffer);
    tcase_add_test(tc, bad_limits);
    tcase_add_test(tc, tree_bound_holds_for_worst_shapes);
    tcase_add_test(tc, tree_bound_is_not_wasteful);
    tcase_add_test(tc, limits_bound);
    tcase_add_test(tc, strict_accepts_rfc8259);
    tcase_add_test(tc, strict_rejects_what_cjson_tolerates);
    tcase_add_test(tc, strict_utf8);
    tcase_add_test(tc, strict_depth);
    tcase_add_test(tc, duplicate_keys);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
