/* Unit tests for model/shape: the JSON Schema pattern subset as POSIX ERE, and a
 * section read against the real schemas/project.yaml shapes (LEEC_SOURCE_DIR). */
#include "model/catalog.h"
#include "model/model_load.h"
#include "model/shape.h"

#include "diag_capture.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct catalog Cat;
static struct ydoc *Doc;

static void setup(void)
{
    open_diag();
    ck_assert_msg(model_load_catalog(&Cat, LEEC_SOURCE_DIR, D), "%s", diag_text());
}

static void teardown(void)
{
    ydoc_free(Doc);
    Doc = NULL;
    model_free_catalog(&Cat);
    close_diag();
}

static bool matches(const char *pattern, const char *s)
{
    char err[160];
    void *re = shape_pattern_compile(pattern, err, sizeof err);
    ck_assert_msg(re != NULL, "%s: %s", pattern, err);
    bool m = regexec(re, s, 0, NULL, 0) == 0;
    shape_pattern_free(re);
    return m;
}

START_TEST(pattern_subset)
{
    ck_assert(matches("^(?:ab)+$", "abab"));
    ck_assert(!matches("^(?:ab)+$", "aba"));
    ck_assert(matches("^\\S+$", "a/b"));
    ck_assert(!matches("^\\S+$", "a b"));
    ck_assert(matches("^[^/\\s]$", "x"));
    ck_assert(!matches("^[^/\\s]$", "/"));
    ck_assert(!matches("^[^/\\s]$", " "));
    ck_assert(matches("^[^/\\s]$", "s")); /* \s in a class is white space, not 's' */
    ck_assert(matches("^\\d{2}\\.\\d$", "12.5"));
    ck_assert(!matches("^\\d{2}\\.\\d$", "12x5"));
    ck_assert(matches("^\\[[0-9a-f:]+\\]$", "[::1]"));
    char err[160];
    ck_assert_ptr_null(shape_pattern_compile("^(?=a)", err, sizeof err));
    ck_assert_ptr_null(shape_pattern_compile("^\\p{L}$", err, sizeof err));
}
END_TEST

/* The schema's own patterns: each compiled at load, and what they take. */
START_TEST(schema_patterns)
{
    const struct shape *url = catalog_shape(&Cat, "home_assistant.url");
    ck_assert_ptr_nonnull(url->re);
    ck_assert(regexec(url->re, "https://ha.example.org:8123", 0, NULL, 0) == 0);
    ck_assert(regexec(url->re, "https://[fe80::1]:8123/base", 0, NULL, 0) == 0);
    ck_assert(regexec(url->re, "https://ha.example.org/", 0, NULL, 0) != 0);
    ck_assert(regexec(url->re, "https://ha.example.org:65536", 0, NULL, 0) != 0);
    ck_assert(regexec(url->re, "https://user@ha.example.org", 0, NULL, 0) != 0);
    const struct shape *mail = catalog_shape(&Cat, "alarms.email");
    ck_assert(regexec(mail->re, "me@example.org", 0, NULL, 0) == 0);
    ck_assert(regexec(mail->re, "me@.example.org", 0, NULL, 0) != 0);
    ck_assert(regexec(mail->re, "me@example.org.", 0, NULL, 0) != 0);
    ck_assert(regexec(mail->re, "me@example", 0, NULL, 0) != 0);
    ck_assert(regexec(mail->re, "m e@example.org", 0, NULL, 0) != 0);
    const struct shape *id = catalog_shape(&Cat, "alexa.skill_ids")->of;
    ck_assert(regexec(id->re, "amzn1.ask.skill.00000000-0000-0000-0000-000000000000", 0, NULL, 0) ==
              0);
    ck_assert(regexec(id->re, "amzn1xask.skill.00000000-0000-0000-0000-000000000000", 0, NULL, 0) !=
              0);
}
END_TEST

static const struct ynode *yaml(const char *text)
{
    ydoc_free(Doc);
    char *copy = strdup(text);
    const struct src_file *src = diag_add_source(D, "t.yaml", copy, strlen(copy));
    ck_assert_ptr_nonnull(src);
    Doc = ydoc_load_source(D, src);
    ck_assert_msg(Doc != NULL, "%s", diag_text());
    return ydoc_root(Doc);
}

static int hook_calls;

static bool refuse_url(const struct shape_at *at, struct sval *v)
{
    hook_calls++;
    diag_error(at->d, &v->loc, "hook says no");
    return false;
}

START_TEST(read_defaults_and_values)
{
    const struct ynode *root = yaml("home_assistant:\n"
                                    "  url: https://ha.example.org\n"
                                    "  token: {mode: long_lived, ssm: /leec/t}\n"
                                    "  headers: {X-A: {env: A_B}}\n");
    const struct shape *sh = catalog_shape(&Cat, "home_assistant");
    struct sval v;
    ck_assert_msg(shape_read(D, &Cat, sh, "home_assistant", ymap_get(root, "home_assistant"), root,
                             NULL, 0, NULL, &v),
                  "%s", diag_text());
    ck_assert_str_eq(shape_get(&v, "url")->str, "https://ha.example.org");
    ck_assert(shape_get(&v, "url")->loc.line == 2);
    ck_assert(!shape_get(&v, "allow_http")->b);      /* default false */
    ck_assert(shape_get(&v, "tls.verify")->b);       /* default true, tls left out */
    ck_assert(!shape_get(&v, "tls.verify")->node);   /* ... and not written */
    ck_assert(!shape_get(&v, "tls.ca_bundle")->set); /* no default */
    ck_assert_str_eq(shape_get(&v, "token.mode")->str, "long_lived");
    ck_assert_str_eq(shape_get(&v, "token.ssm")->str, "/leec/t");
    const struct sval *h = shape_get(&v, "headers");
    ck_assert_uint_eq(h->n, 1);
    ck_assert_str_eq(h->keys[0]->str, "X-A");
    ck_assert_int_eq(h->items[0].secret, SECRET_ENV);
    ck_assert_str_eq(h->items[0].str, "A_B");
    ck_assert_ptr_null(shape_get(&v, "nothing.here"));
    shape_free(&v);
}
END_TEST

/* Every error in the section, each at its value; a hook replaces the pattern check. */
START_TEST(read_reports_every_error)
{
    const struct ynode *root = yaml("alexa:\n"
                                    "  skill_ids: [nope, nope]\n"
                                    "  discovery: {categories: {a: LAMP}}\n"
                                    "  languages: [en, xx]\n"
                                    "  notify: x\n");
    struct sval v;
    ck_assert(!shape_read(D, &Cat, catalog_shape(&Cat, "alexa"), "alexa", ymap_get(root, "alexa"),
                          root, NULL, 0, NULL, &v));
    const char *t = diag_text();
    ck_assert_msg(strstr(t, "t.yaml:5:3: error: unknown key 'notify' in alexa"), "%s", t);
    ck_assert_msg(strstr(t, "t.yaml:2:21: error: 'nope' is listed twice in skill_ids"), "%s", t);
    ck_assert_msg(strstr(t, "t.yaml:2:15: error: 'nope' is not an Alexa skill ID"), "%s", t);
    ck_assert_msg(strstr(t, "'LAMP' is not an Alexa display category"), "%s", t);
    ck_assert_msg(strstr(t, "'xx' is not a Custom-skill language; expected one of en, de"), "%s",
                  t);
    ck_assert(!shape_get(&v, "languages")->items[1].ok);
    ck_assert(shape_get(&v, "languages")->items[0].ok);
    shape_free(&v);

    root = yaml("home_assistant: {url: 'not a url'}\n");
    static const struct shape_hook hooks[] = {{"home_assistant.url", refuse_url}};
    hook_calls = 0;
    ck_assert(!shape_read(D, &Cat, catalog_shape(&Cat, "home_assistant"), "home_assistant",
                          ymap_get(root, "home_assistant"), root, hooks, 1, NULL, &v));
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_msg(strstr(diag_text(), "hook says no"), "%s", diag_text());
    ck_assert_msg(!strstr(diag_text(), "is not the Home Assistant base URL"), "%s", diag_text());
    shape_free(&v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("shape");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pattern_subset);
    tcase_add_test(tc, schema_patterns);
    tcase_add_test(tc, read_defaults_and_values);
    tcase_add_test(tc, read_reports_every_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
