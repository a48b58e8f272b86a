/* Unit tests for the expression language (compiler/expr.h). */
#include "expr/expr.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- harness ------------------------------------------------------------ */

/* Resolver: a few names of every kind. */
static bool resolve(void *ctx, const char *name, size_t len, const struct loc *at,
                    struct value *out, struct diag *d)
{
    (void)ctx;
    static const char abc[] = "abc", x[] = "x";
    memset(out, 0, sizeof *out);
#define IS(s) (len == strlen(s) && memcmp(name, s, len) == 0)
    if (IS("cache_mb")) {
        out->kind = V_NUM;
        out->num = 24 * 1048576.0;
        out->dim = DIM_BYTES;
    } else if (IS("ttl")) {
        out->kind = V_NUM;
        out->num = 300;
        out->dim = DIM_SECS;
    } else if (IS("ratio")) {
        out->kind = V_NUM;
        out->num = 0.5;
    } else if (IS("lambda.memory_mb")) {
        out->kind = V_NUM;
        out->num = 512;
    } else if (IS("enabled")) {
        out->kind = V_BOOL;
        out->b = true;
    } else if (IS("off")) {
        out->kind = V_BOOL;
        out->b = false;
    } else if (IS("name")) {
        out->kind = V_STR;
        out->str = abc;
        out->len = 3;
    } else if (IS("iface.name")) {
        out->kind = V_STR;
        out->str = x;
        out->len = 1;
    } else if (IS("features.areas")) {
        out->kind = V_LIST;
        out->len = 3;
    } else {
        diag_error(d, at, "unknown name '%.*s'", (int)len, name);
        return false;
    }
#undef IS
    return true;
}

struct run {
    bool parsed, evaluated;
    struct value v;
    char *diag; /* captured diagnostics, malloc'd */
};

/* Registers "t.yaml" containing `line`, parses the text after the first `skip`
 * bytes of the line (mapped), evaluates it if it parsed. */
static struct run run_at(const char *line, size_t skip)
{
    struct run r = {0};
    size_t size = 0;
    FILE *out = open_memstream(&r.diag, &size);
    ck_assert_ptr_nonnull(out);
    struct diag *d = diag_new(DIAG_TEXT, out);
    size_t n = strlen(line);
    char *text = malloc(n + 2);
    memcpy(text, line, n);
    text[n] = '\n';
    text[n + 1] = '\0';
    const struct src_file *f = diag_add_source(d, "t.yaml", text, n + 1);
    /* The expression bytes are copied into an exact-size buffer without a NUL,
     * so ASan catches any read past the end. */
    size_t len = n - skip;
    char *buf = malloc(len ? len : 1);
    memcpy(buf, line + skip, len);
    uint32_t col = 1;
    for (size_t i = 0; i < skip; i++)
        col += ((unsigned char)line[i] & 0xC0) != 0x80;
    struct expr_src src = {buf, len, loc_make(f, 1, col, 0), true};
    struct expr *e = expr_parse(&src, d);
    free(buf);
    if (e) {
        r.parsed = true;
        r.evaluated = expr_eval(e, resolve, NULL, &r.v, d);
        if (r.evaluated && r.v.kind == V_STR) {
            /* Literal strings live in the expression: copy before freeing it. */
            char *s = malloc(r.v.len + 1);
            memcpy(s, r.v.str, r.v.len);
            s[r.v.len] = '\0';
            r.v.str = s;
        }
        expr_free(e);
    }
    diag_free(d);
    fclose(out);
    return r;
}

static struct run run(const char *text) { return run_at(text, 0); }

static void run_done(struct run *r)
{
    if (r->evaluated && r->v.kind == V_STR)
        free((char *)r->v.str);
    free(r->diag);
}

static void check_num(const char *text, double want, struct dim dim)
{
    struct run r = run(text);
    ck_assert_msg(r.evaluated, "'%s' failed: %s", text, r.diag);
    ck_assert_msg(r.v.kind == V_NUM, "'%s' is not a number", text);
    ck_assert_msg(fabs(r.v.num - want) <= 1e-9 * fmax(1, fabs(want)), "'%s' = %.17g, want %.17g",
                  text, r.v.num, want);
    ck_assert_msg(dim_eq(r.v.dim, dim), "'%s' has dim %d,%d, want %d,%d", text, r.v.dim.bytes,
                  r.v.dim.secs, dim.bytes, dim.secs);
    ck_assert_str_eq(r.diag, "");
    run_done(&r);
}

static void check_bool(const char *text, bool want)
{
    struct run r = run(text);
    ck_assert_msg(r.evaluated, "'%s' failed: %s", text, r.diag);
    ck_assert_msg(r.v.kind == V_BOOL, "'%s' is not a boolean", text);
    ck_assert_msg(r.v.b == want, "'%s' = %d, want %d", text, r.v.b, want);
    run_done(&r);
}

/* Expects `line` (expression after `skip` bytes) to fail with exactly `want`. */
static void check_diag_at(const char *line, size_t skip, bool parses, const char *want)
{
    struct run r = run_at(line, skip);
    ck_assert_msg(!r.evaluated, "'%s' unexpectedly succeeded", line);
    ck_assert_msg(r.parsed == parses, "'%s': parsed=%d, want %d (%s)", line, r.parsed, parses,
                  r.diag);
    ck_assert_str_eq(r.diag, want);
    run_done(&r);
}

/* Expression alone on the line: just the message and column. */
static void check_error(const char *text, bool parses, unsigned col, const char *msg)
{
    struct run r = run(text);
    ck_assert_msg(!r.evaluated, "'%s' unexpectedly succeeded", text);
    ck_assert_msg(r.parsed == parses, "'%s': parsed=%d, want %d (%s)", text, r.parsed, parses,
                  r.diag);
    char head[512];
    snprintf(head, sizeof head, "t.yaml:1:%u: error: %s\n", col, msg);
    ck_assert_msg(strncmp(r.diag, head, strlen(head)) == 0, "'%s': got\n%swant\n%s", text, r.diag,
                  head);
    run_done(&r);
}

/* ---- literals ----------------------------------------------------------- */

START_TEST(test_literals)
{
    check_num("42", 42, DIM_NONE);
    check_num("0.85", 0.85, DIM_NONE);
    check_num("85%", 0.85, DIM_NONE);
    check_num("96B", 96, DIM_BYTES);
    check_num("512KiB", 524288, DIM_BYTES);
    check_num("24MiB", 25165824, DIM_BYTES);
    check_num("1GiB", 1073741824, DIM_BYTES);
    check_num("1.5KiB", 1536, DIM_BYTES);
    /* A space between number and unit, as explain prints them. */
    check_num("5 MiB", 5242880, DIM_BYTES);
    check_num("2 m", 120, DIM_SECS);
    check_num("2.5 m + 30 s", 180, DIM_SECS);
    check_num("1 MiB * 2", 2097152, DIM_BYTES);
    check_num("250ms", 0.25, DIM_SECS);
    check_num("5s", 5, DIM_SECS);
    check_num("5m", 300, DIM_SECS);
    check_num("1h", 3600, DIM_SECS);
    check_num("-5", -5, DIM_NONE);
    check_num("  7  ", 7, DIM_NONE);
    check_bool("true", true);
    check_bool("false", false);

    struct run r = run("'text'");
    ck_assert(r.evaluated && r.v.kind == V_STR);
    ck_assert_str_eq(r.v.str, "text");
    run_done(&r);
    r = run("\"a\\\"b\\\\c\\'d\"");
    ck_assert(r.evaluated && r.v.kind == V_STR);
    ck_assert_str_eq(r.v.str, "a\"b\\c'd");
    run_done(&r);
    r = run("''");
    ck_assert(r.evaluated && r.v.kind == V_STR && r.v.len == 0);
    run_done(&r);
}
END_TEST

START_TEST(test_bad_literals)
{
    check_error("5MB", false, 1,
                "unknown unit 'MB'; did you mean 'MiB'? (sizes are binary: 1 MiB = 1024 KiB = "
                "1048576 B)");
    check_error("1 + 3kb", false, 5,
                "unknown unit 'kb'; did you mean 'KiB'? (sizes are binary: 1 MiB = 1024 KiB = "
                "1048576 B)");
    check_error("5min", false, 1,
                "unknown unit 'min'; did you mean 'm'? (durations are ms, s, m "
                "and h)");
    check_error("10x", false, 1, "unknown unit 'x' (use B, KiB, MiB, GiB, ms, s, m, h or %)");
    check_error("1 + 'abc", false, 5, "unterminated string");
    check_error("\"abc\\\"", false, 1, "unterminated string");
    check_error("'a\\nb'", false, 3,
                "unknown escape '\\n' in string (only \\\", \\' and \\\\ are allowed)");
    check_error("1 # 2", false, 3, "unexpected character '#'");
    check_error("1 + \xc3\xa9", false, 5, "unexpected character '\xc3\xa9'");
    check_error("a = 1", false, 3, "unexpected '=' (use '==' to compare)");
    check_error("a & b", false, 3, "unexpected '&' (use '&&')");
    check_error(".5", false, 1, "unexpected character '.'");
}
END_TEST

/* The lexer reads only `len` bytes: no NUL terminator, and NUL is an ordinary byte. */
START_TEST(test_not_nul_terminated)
{
    FILE *null = fopen("/dev/null", "w");
    struct diag *d = diag_new(DIAG_TEXT, null);
    char *buf = malloc(3);
    memcpy(buf, "1+2", 3);
    struct expr_src src = {buf, 3, {0}, false};
    struct expr *e = expr_parse(&src, d);
    ck_assert_ptr_nonnull(e);
    struct value v;
    ck_assert(expr_eval(e, resolve, NULL, &v, d));
    ck_assert(v.kind == V_NUM && v.num == 3);
    expr_free(e);

    /* Trailing bytes after len are not part of the expression. */
    memcpy(buf, "7s*", 3);
    src.len = 2;
    e = expr_parse(&src, d);
    ck_assert_ptr_nonnull(e);
    ck_assert(expr_eval(e, resolve, NULL, &v, d));
    ck_assert(v.num == 7 && dim_eq(v.dim, DIM_SECS));
    expr_free(e);

    /* A string running to the end of the buffer. */
    memcpy(buf, "'ab", 3);
    src.len = 3;
    ck_assert_ptr_null(expr_parse(&src, d));
    /* An identifier running to the end. */
    memcpy(buf, "abc", 3);
    e = expr_parse(&src, d);
    ck_assert_ptr_nonnull(e);
    expr_free(e);
    free(buf);

    /* An embedded NUL is an error, not the end. */
    src.text = "1\0+";
    src.len = 3;
    ck_assert_ptr_null(expr_parse(&src, d));
    ck_assert_uint_eq(diag_error_count(d), 2);
    diag_free(d);
    fclose(null);
}
END_TEST

START_TEST(test_nul_byte_message)
{
    char *msg = NULL;
    size_t size;
    FILE *out = open_memstream(&msg, &size);
    struct diag *d = diag_new(DIAG_TEXT, out);
    char *text = strdup("x: 1\n");
    const struct src_file *f = diag_add_source(d, "t.yaml", text, 5);
    struct expr_src src = {"1\0", 2, loc_make(f, 1, 4, 0), true};
    ck_assert_ptr_null(expr_parse(&src, d));
    diag_free(d);
    fclose(out);
    ck_assert_str_eq(msg, "t.yaml:1:5: error: unexpected byte 0x00\n  x: 1\n      ^\n");
    free(msg);
}
END_TEST

/* ---- operators ---------------------------------------------------------- */

START_TEST(test_precedence)
{
    check_num("1 + 2 * 3", 7, DIM_NONE);
    check_num("(1 + 2) * 3", 9, DIM_NONE);
    check_num("10 - 4 - 3", 3, DIM_NONE);
    check_num("100 / 10 / 5", 2, DIM_NONE);
    check_num("2 * 3 / 4", 1.5, DIM_NONE);
    check_num("2 * -3", -6, DIM_NONE);
    check_num("-(2 + 3) * 2", -10, DIM_NONE);
    check_num("- 2 * 3", -6, DIM_NONE);
    check_num("1 - -1", 2, DIM_NONE);
    check_bool("1 + 1 == 2", true);
    check_bool("1 < 2 == 2 < 3", true);
    check_bool("true || false && false", true);
    check_bool("(true || false) && false", false);
    check_bool("!false && false", false);
    check_bool("!(false && false)", true);
    check_bool("1 + 2 > 2 && 3 < 4", true);
    check_num("false ? 1 : true ? 2 : 3", 2, DIM_NONE);
    check_num("true ? false ? 1 : 2 : 3", 2, DIM_NONE);
    check_num("1 < 2 ? 10 : 20", 10, DIM_NONE);
    check_num("false || true ? 1 : 2", 1, DIM_NONE);
}
END_TEST

START_TEST(test_operators)
{
    check_num("3 + 4", 7, DIM_NONE);
    check_num("1MiB + 512KiB", 1572864, DIM_BYTES);
    check_num("1h - 30m", 1800, DIM_SECS);
    check_num("6 * 7", 42, DIM_NONE);
    check_num("1MiB * 2", 2097152, DIM_BYTES);
    check_num("1MiB / 1KiB", 1024, DIM_NONE);
    check_num("1MiB / 2s", 524288, ((struct dim){1, -1}));
    check_num("2s * 3s", 6, ((struct dim){0, 2}));
    check_num("1 / 4s", 0.25, ((struct dim){0, -1}));
    check_num("7 / 2", 3.5, DIM_NONE);
    check_num("-ttl", -300, DIM_SECS);
    check_bool("1 < 2", true);
    check_bool("2 < 2", false);
    check_bool("2 <= 2", true);
    check_bool("3 <= 2", false);
    check_bool("3 > 2", true);
    check_bool("2 > 2", false);
    check_bool("2 >= 2", true);
    check_bool("1 >= 2", false);
    check_bool("1KiB == 1024B", true);
    check_bool("1KiB != 1024B", false);
    check_bool("250ms < 1s", true);
    check_bool("true == true", true);
    check_bool("true != false", true);
    check_bool("'abc' == name", true);
    check_bool("'abd' == name", false);
    check_bool("'ab' != name", true);
    check_bool("\"x\" == iface.name", true);
    check_bool("true && true", true);
    check_bool("true && false", false);
    check_bool("false || false", false);
    check_bool("false || true", true);
    check_bool("!true", false);
    check_bool("!!true", true);
    /* Short circuit: the right side is not evaluated. */
    check_bool("false && 1 / 0 > 1", false);
    check_bool("true || nope", true);
}
END_TEST

START_TEST(test_functions)
{
    check_num("min(3, 1, 2)", 1, DIM_NONE);
    check_num("max(1MiB, 3MiB, 2MiB)", 3145728, DIM_BYTES);
    check_num("sum(1s, 250ms, 1m)", 61.25, DIM_SECS);
    check_num("sum(5)", 5, DIM_NONE);
    check_num("ceil(2.1)", 3, DIM_NONE);
    check_num("floor(2.9)", 2, DIM_NONE);
    check_num("ceil(cache_mb / 1MiB / 5)", 5, DIM_NONE);
    check_num("count(true, false, true)", 2, DIM_NONE);
    check_num("count(enabled, off, features.areas)", 4, DIM_NONE);
    check_num("count(features.areas)", 3, DIM_NONE);
    check_num("max(min(1, 2), 0) + 1", 2, DIM_NONE);

    check_error("foo(1)", false, 1,
                "unknown function 'foo' (known: min, max, sum, count, ceil, floor)");
    check_error("1 + a.min(1)", false, 5,
                "unknown function 'a.min' (known: min, max, sum, count, ceil, floor)");
    check_error("min()", false, 1, "'min' needs at least one argument");
    check_error("ceil(1, 2)", false, 1, "'ceil' takes exactly one argument, got 2");
    check_error("ceil(1MiB)", true, 1, "'ceil' needs a dimensionless number, got a number (bytes)");
    check_error("floor(true)", true, 1, "'floor' needs a dimensionless number, got a boolean");
    check_error("min(1MiB, 1s)", true, 1,
                "'min' needs arguments of one dimension, got bytes and seconds (argument 2)");
    check_error("sum(1, 'a')", true, 1, "'sum' needs numbers, got a string (argument 2)");
    check_error("count(true, 1)", true, 1,
                "'count' needs booleans or lists, got a number (argument 2)");
}
END_TEST

START_TEST(test_conditional)
{
    check_num("enabled ? 1MiB : 2MiB", 1048576, DIM_BYTES);
    check_num("off ? 1MiB : 2MiB", 2097152, DIM_BYTES);
    /* Only the chosen branch is evaluated. */
    check_num("enabled ? 1 : 1 / 0", 1, DIM_NONE);
    check_num("off ? nope : 2", 2, DIM_NONE);
    check_error("1 ? 2 : 3", true, 3, "condition of '?' must be a boolean, got a number");
    check_error("ttl ? 2 : 3", true, 5,
                "condition of '?' must be a boolean, got a number (seconds)");
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_unit_error_exact)
{
    check_diag_at("memory: cache_mb + 5s", 8, true,
                  "t.yaml:1:18: error: cannot add bytes and seconds\n"
                  "  memory: cache_mb + 5s\n"
                  "                   ^\n");
    check_diag_at("  m: 5s - cache_mb", 5, true,
                  "t.yaml:1:9: error: cannot subtract bytes from seconds\n"
                  "    m: 5s - cache_mb\n"
                  "          ^\n");
    /* Columns count characters, not bytes. */
    check_diag_at("\xc3\xa9t\xc3\xa9: '\xc3\xa9' == 1", 7, true,
                  "t.yaml:1:10: error: cannot compare a string and a number\n"
                  "  \xc3\xa9t\xc3\xa9: '\xc3\xa9' == 1\n"
                  "           ^~\n");
    check_diag_at("x: cache_mb && true", 3, true,
                  "t.yaml:1:13: error: '&&' needs booleans, got a number (bytes)\n"
                  "  x: cache_mb && true\n"
                  "              ^~\n");
}
END_TEST

START_TEST(test_type_errors)
{
    check_error("1MiB + 5s", true, 6, "cannot add bytes and seconds");
    check_error("1MiB + 5", true, 6, "cannot add bytes and dimensionless");
    check_error("1 + true", true, 3, "'+' needs numbers, got a boolean");
    check_error("'a' * true", true, 5, "'*' needs numbers, got a string and a boolean");
    check_error("1s < 1B", true, 4, "cannot compare seconds and bytes");
    check_error("1s >= true", true, 4, "'>=' needs numbers, got a boolean");
    check_error("1s == 1B", true, 4, "cannot compare seconds and bytes");
    check_error("name == 1", true, 6, "cannot compare a string and a number");
    check_error("features.areas == features.areas", true, 16, "cannot compare a list and a list");
    check_error("1 || true", true, 3, "'||' needs booleans, got a number");
    check_error("true && 'x'", true, 6, "'&&' needs booleans, got a string");
    check_error("ttl && 1B", true, 5,
                "'&&' needs booleans, got a number (seconds) and a number (bytes)");
    check_error("!1s", true, 1, "'!' needs a boolean, got a number (seconds)");
    check_error("-true", true, 1, "'-' needs a number, got a boolean");
    check_error("1 + (2 - 2s)", true, 8, "cannot subtract seconds from dimensionless");
}
END_TEST

START_TEST(test_division_by_zero)
{
    check_error("1 / 0", true, 3, "division by zero");
    check_error("1MiB / (2s - 2s)", true, 6, "division by zero");
    check_error("1e", false, 1, "unknown unit 'e' (use B, KiB, MiB, GiB, ms, s, m, h or %)");
}
END_TEST

START_TEST(test_syntax_errors)
{
    check_error("1 +", false, 3, "expected an operand after '+'");
    check_error("1 + * 2", false, 5, "expected an operand after '+'");
    check_error("(1 + 2", false, 1, "unclosed '('");
    check_error("min(1, (2)", false, 4, "unclosed '('");
    check_error("1 + 2)", false, 6, "unexpected ')'");
    check_error("(1 + 2))", false, 8, "unexpected ')'");
    check_error("1 2", false, 3, "unexpected '2'");
    check_error("a b", false, 3, "unexpected 'b'");
    check_error("1 + 2 foo", false, 7, "unexpected 'foo'");
    check_error("* 2", false, 1, "unexpected '*'");
    check_error("()", false, 2, "expected an operand after '('");
    check_error("min(1,)", false, 7, "expected an operand after ','");
    check_error("true ? 1", false, 9, "unexpected end of expression");
    check_error("true ? 1 :", false, 10, "expected an operand after ':'");
    check_error("", false, 1, "empty expression");
    check_error("   ", false, 4, "empty expression");
    check_error("1 : 2", false, 3, "unexpected ':'");
}
END_TEST

START_TEST(test_references)
{
    check_num("cache_mb * 2", 48 * 1048576.0, DIM_BYTES);
    check_num("cache_mb / 1MiB", 24, DIM_NONE);
    check_num("lambda.memory_mb * ratio", 256, DIM_NONE);
    check_bool("ttl > 4m && enabled", true);
    check_error("1 + nope", true, 5, "unknown name 'nope'");
    check_error("a.b.c", true, 1, "unknown name 'a.b.c'");
}
END_TEST

static void collect(void *ctx, const char *name, size_t len, const struct loc *at)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 256 - n, "%.*s@%u,", (int)len, name, at->col);
}

START_TEST(test_refs_and_literals)
{
    struct diag *d = diag_new(DIAG_TEXT, stderr);
    char *text = strdup("v: a.b + min(c, d) * a.b\n");
    const struct src_file *f = diag_add_source(d, "t.yaml", text, strlen(text));
    struct expr_src src = {text + 3, strlen(text) - 4, loc_make(f, 1, 4, 0), true};
    struct expr *e = expr_parse(&src, d);
    ck_assert_ptr_nonnull(e);
    char buf[256] = "";
    expr_foreach_ref(e, collect, buf);
    ck_assert_str_eq(buf, "a.b@4,c@14,d@17,a.b@22,");
    ck_assert(!expr_is_literal(e));
    ck_assert_uint_eq(expr_loc(e)->line, 1);
    ck_assert_uint_eq(expr_loc(e)->col, 4);
    ck_assert_ptr_eq(expr_loc(e)->file, f);
    expr_free(e);

    static const char *lits[] = {"5", "5MiB", "'x'", "true", "-3s"};
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        struct expr_src s2 = {lits[i], strlen(lits[i]), {0}, false};
        e = expr_parse(&s2, d);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg(expr_is_literal(e), "%s", lits[i]);
        expr_free(e);
    }
    static const char *nonlits[] = {"x", "(1+2)", "min(1)", "!true", "- x"};
    for (size_t i = 0; i < sizeof nonlits / sizeof nonlits[0]; i++) {
        struct expr_src s2 = {nonlits[i], strlen(nonlits[i]), {0}, false};
        e = expr_parse(&s2, d);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg(!expr_is_literal(e), "%s", nonlits[i]);
        expr_free(e);
    }
    ck_assert_uint_eq(diag_error_count(d), 0);
    diag_free(d);
}
END_TEST

/* Unmapped sources: every diagnostic is at the base location. */
START_TEST(test_unmapped)
{
    char *msg = NULL;
    size_t size;
    FILE *out = open_memstream(&msg, &size);
    struct diag *d = diag_new(DIAG_TEXT, out);
    char *text = strdup("k: |\n  1 +\n");
    const struct src_file *f = diag_add_source(d, "t.yaml", text, strlen(text));
    struct expr_src src = {"1 + ", 4, loc_make(f, 1, 4, 1), false};
    ck_assert_ptr_null(expr_parse(&src, d));
    diag_free(d);
    fclose(out);
    ck_assert_str_eq(msg, "t.yaml:1:4: error: expected an operand after '+'\n  k: |\n     ^\n");
    free(msg);
}
END_TEST

/* ---- caps --------------------------------------------------------------- */

static char *repeat(const char *pre, unsigned n, const char *mid, const char *post)
{
    size_t lp = strlen(pre), lm = strlen(mid), lq = strlen(post);
    char *s = malloc(n * (lp + lq) + lm + 1), *p = s;
    for (unsigned i = 0; i < n; i++, p += lp)
        memcpy(p, pre, lp);
    memcpy(p, mid, lm);
    p += lm;
    for (unsigned i = 0; i < n; i++, p += lq)
        memcpy(p, post, lq);
    *p = '\0';
    return s;
}

START_TEST(test_depth)
{
    char *s = repeat("(", EXPR_MAX_DEPTH, "1", ")");
    check_num(s, 1, DIM_NONE);
    free(s);
    s = repeat("(", EXPR_MAX_DEPTH + 1, "1", ")");
    check_error(s, false, EXPR_MAX_DEPTH + 1, "expression is nested more than 64 levels deep");
    free(s);
    /* Unbalanced and far too deep: stops at the cap, no stack overflow. */
    s = repeat("(", 4000, "", "");
    check_error(s, false, EXPR_MAX_DEPTH + 1, "expression is nested more than 64 levels deep");
    free(s);
    s = repeat("-(", 60, "1", ")");
    check_num(s, 1, DIM_NONE);
    free(s);
    s = repeat("!", 100, "true", "");
    check_error(s, false, 36, "expression is nested more than 64 levels deep");
    free(s);
    s = repeat("! ", 2000, "true", "");
    {
        struct run r = run(s);
        ck_assert(!r.parsed);
        ck_assert_ptr_nonnull(strstr(r.diag, "expression is nested more than 64 levels deep"));
        run_done(&r);
    }
    free(s);
    s = repeat("true ? 1 : ", 70, "2", "");
    {
        struct run r = run(s);
        ck_assert(!r.parsed);
        ck_assert_ptr_nonnull(strstr(r.diag, "expression is nested more than 64 levels deep"));
        run_done(&r);
    }
    free(s);
    s = repeat("min(", 70, "1", ")");
    {
        struct run r = run(s);
        ck_assert(!r.parsed);
        ck_assert_ptr_nonnull(strstr(r.diag, "expression is nested more than 64 levels deep"));
        run_done(&r);
    }
    free(s);
    s = repeat("1 + ", 60, "1", "");
    check_num(s, 61, DIM_NONE);
    free(s);
}
END_TEST

/* Depth counts nesting, not terms: a flat chain of one precedence is one level. */
START_TEST(test_flat_chains)
{
    char *s = repeat("1 + ", 199, "1", "");
    check_num(s, 200, DIM_NONE);
    free(s);
    s = repeat("1 - ", 199, "1", "");
    check_num(s, -198, DIM_NONE);
    free(s);
    s = repeat("2 * ", 199, "1", "");
    check_num(s, ldexp(1, 199), DIM_NONE);
    free(s);
    s = repeat("1 + 2 * ", 150, "1", "");
    check_num(s, 301, DIM_NONE);
    free(s);
    s = repeat("true && ", 150, "true", "");
    {
        struct run r = run(s);
        ck_assert_msg(r.parsed, "%s", r.diag);
        run_done(&r);
    }
    free(s);
    /* the longest chain the byte cap allows */
    s = repeat("1+", (EXPR_MAX_BYTES - 1) / 2, "1", "");
    check_num(s, (EXPR_MAX_BYTES - 1) / 2 + 1, DIM_NONE);
    free(s);
    /* nesting to the right still counts each level */
    s = repeat("1 + (", 70, "1", ")");
    {
        struct run r = run(s);
        ck_assert(!r.parsed);
        ck_assert_ptr_nonnull(strstr(r.diag, "expression is nested more than 64 levels deep"));
        run_done(&r);
    }
    free(s);
}
END_TEST

START_TEST(test_too_long)
{
    char *s = repeat(" ", EXPR_MAX_BYTES, "1", "");
    check_error(s, false, 1, "expression is longer than 4096 bytes");
    free(s);
    s = repeat(" ", EXPR_MAX_BYTES - 1, "1", "");
    check_num(s, 1, DIM_NONE);
    free(s);
    s = repeat("1", 400, "", "");
    check_error(s, false, 1, "number '11111111111111111111111111111111' is too large");
    free(s);
    check_error("1GiB * 1GiB * 1GiB * 1GiB * 1GiB * 1GiB * 1GiB * 1GiB * 1GiB * 1GiB", true, 62,
                "'*' gives a dimension with an exponent beyond 9");
}
END_TEST

/* ---- formatting --------------------------------------------------------- */

static void check_fmt(double num, struct dim dim, const char *want)
{
    struct value v = {.kind = V_NUM, .num = num, .dim = dim};
    char buf[64];
    value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
}

START_TEST(test_format)
{
    char buf[64];
    dim_format(DIM_BYTES, buf, sizeof buf);
    ck_assert_str_eq(buf, "bytes");
    dim_format(DIM_SECS, buf, sizeof buf);
    ck_assert_str_eq(buf, "seconds");
    dim_format(DIM_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "dimensionless");
    dim_format((struct dim){1, 1}, buf, sizeof buf);
    ck_assert_str_eq(buf, "bytes*seconds");
    dim_format((struct dim){0, -1}, buf, sizeof buf);
    ck_assert_str_eq(buf, "1/seconds");
    dim_format((struct dim){1, -1}, buf, sizeof buf);
    ck_assert_str_eq(buf, "bytes/seconds");
    dim_format((struct dim){2, 0}, buf, sizeof buf);
    ck_assert_str_eq(buf, "bytes^2");
    dim_format((struct dim){-1, -2}, buf, sizeof buf);
    ck_assert_str_eq(buf, "1/(bytes*seconds^2)");
    dim_format(DIM_BYTES, buf, 3);
    ck_assert_str_eq(buf, "by");

    check_fmt(25165824, DIM_BYTES, "24 MiB");
    check_fmt(1536, DIM_BYTES, "1.5 KiB");
    check_fmt(1073741824, DIM_BYTES, "1 GiB");
    check_fmt(96, DIM_BYTES, "96 B");
    check_fmt(1000, DIM_BYTES, "1000 B");
    check_fmt(1100, DIM_BYTES, "1100 B");
    check_fmt(0, DIM_BYTES, "0 B");
    check_fmt(-2048, DIM_BYTES, "-2 KiB");
    check_fmt(0.25, DIM_SECS, "250 ms");
    check_fmt(300, DIM_SECS, "5 m");
    check_fmt(90, DIM_SECS, "1.5 m");
    check_fmt(100, DIM_SECS, "100 s");
    check_fmt(3600, DIM_SECS, "1 h");
    check_fmt(5, DIM_SECS, "5 s");
    check_fmt(0, DIM_SECS, "0 s");
    check_fmt(0.85, DIM_NONE, "0.85");
    check_fmt(42, DIM_NONE, "42");
    check_fmt(1e6, DIM_NONE, "1000000");
    check_fmt(0.1 + 0.2, DIM_NONE, "0.3");
    check_fmt(-1.5, DIM_NONE, "-1.5");
    check_fmt(3, ((struct dim){1, -1}), "3 bytes/seconds");

    struct value v = {.kind = V_BOOL, .b = true};
    value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, "true");
    v.b = false;
    value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, "false");
    v = (struct value){.kind = V_STR, .str = "xy", .len = 1};
    value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, "\"x\"");
    v = (struct value){.kind = V_LIST, .len = 3};
    value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, "a list of 3");

    ck_assert(dim_eq(DIM_BYTES, (struct dim){1, 0}));
    ck_assert(!dim_eq(DIM_BYTES, DIM_SECS));
}
END_TEST

static Suite *expr_suite(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_literals);
    tcase_add_test(tc, test_bad_literals);
    tcase_add_test(tc, test_not_nul_terminated);
    tcase_add_test(tc, test_nul_byte_message);
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_functions);
    tcase_add_test(tc, test_conditional);
    tcase_add_test(tc, test_unit_error_exact);
    tcase_add_test(tc, test_type_errors);
    tcase_add_test(tc, test_division_by_zero);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_references);
    tcase_add_test(tc, test_refs_and_literals);
    tcase_add_test(tc, test_unmapped);
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_flat_chains);
    tcase_add_test(tc, test_too_long);
    tcase_add_test(tc, test_format);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(expr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
