/* The fuzz targets' output checks (fuzz/oracle.c) on known texts, so an oracle that
 * accepts everything (or nothing) is caught here rather than trusted. */
#include "../../../fuzz/oracle.c"

#include <check.h>

static bool strict(const char *s) { return oracle_json_strict(s, strlen(s)); }

START_TEST(json_strict_accepts_rfc8259)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        " {\"a\":[1,-0,0.5,1e9,-1.5E-3,true,false,null,\"\"]}\r\n\t ",
        "\"x\"",
        "0",
        "{\"\\u00e9\\ud83c\\udf75\\\"\\\\\\/\\b\\f\\n\\r\\t\":\"caf\xC3\xA9 \xF0\x9F\x8D\xB5\"}",
        "[[[[[]]]]]",
        "-12.0e+5"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(strict(ok[i]), "refused: %s", ok[i]);
}
END_TEST

START_TEST(json_strict_refuses_the_rest)
{
    static const char *const bad[] = {"",
                                      " ",
                                      "\xEF\xBB\xBF{}",
                                      "\x01{}",
                                      "{}x",
                                      "{} {}",
                                      "{,}",
                                      "[1,]",
                                      "{\"a\":1,}",
                                      "{'a':1}",
                                      "{a:1}",
                                      "01",
                                      "+1",
                                      "1.",
                                      ".5",
                                      "1e",
                                      "-",
                                      "tru",
                                      "True",
                                      "nul",
                                      "NaN",
                                      "\"\x01\"",
                                      "\"\t\"",
                                      "\"\\x41\"",
                                      "\"\\u12\"",
                                      "\"\\ud800\"",
                                      "\"\\udc00\"",
                                      "\"\\ud800\\u0041\"",
                                      "\"\xC0\xAF\"",
                                      "\"\xED\xA0\x80\"",
                                      "\"\xF4\x90\x80\x80\"",
                                      "\"\xE2\x82\"",
                                      "\"abc",
                                      "[1 2]",
                                      "{\"a\" 1}",
                                      "\x0B[]",
                                      "[\f]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!strict(bad[i]), "accepted case %zu", i);
    ck_assert(!oracle_json_strict("{}\0", 3)); /* a NUL after the value */
    ck_assert(!oracle_json_strict("[\"a\0b\"]", 7));
}
END_TEST

START_TEST(json_unique)
{
    cJSON *j = cJSON_Parse("{\"a\":1,\"b\":{\"c\":1,\"d\":[{\"e\":1,\"f\":2}]}}");
    ck_assert(oracle_json_unique(j));
    cJSON_Delete(j);
    j = cJSON_Parse("{\"a\":1,\"b\":{\"c\":1,\"d\":[{\"e\":1,\"e\":2}]}}");
    ck_assert(!oracle_json_unique(j));
    cJSON_Delete(j);
    j = cJSON_Parse("{\"a\":1,\"\\u0061\":2}"); /* the same name, escaped */
    ck_assert(!oracle_json_unique(j));
    cJSON_Delete(j);
}
END_TEST

static bool ssml(const char *s) { return oracle_ssml(s, strlen(s)); }

START_TEST(ssml_balanced_and_escaped)
{
    ck_assert(ssml("<speak></speak>"));
    ck_assert(ssml("<speak>Tom &amp; Jerry &lt;b&gt; &quot;q&quot; it&apos;s caf\xC3\xA9</speak>"));
    ck_assert(!ssml("<speak>hi"));
    ck_assert(!ssml("hi</speak>"));
    ck_assert(!ssml("<speak><audio src=\"x\"/></speak>"));
    ck_assert(!ssml("<speak>\xC0<audio src=\"x\"/></speak>"));
    ck_assert(!ssml("<speak>a</speak><speak>b</speak>"));
    ck_assert(!ssml("<speak>a > b</speak>"));
    ck_assert(!ssml("<speak>R&D</speak>"));
    ck_assert(!ssml("<speak>&amp</speak>"));
    ck_assert(!ssml("<speak>\x01</speak>"));
    ck_assert(!ssml("<speak>\xE5\x8C</speak>"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz_oracle");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, json_strict_accepts_rfc8259);
    tcase_add_test(tc, json_strict_refuses_the_rest);
    tcase_add_test(tc, json_unique);
    tcase_add_test(tc, ssml_balanced_and_escaped);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
