#include "core/envparse.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(bool_accepts_the_six_words_in_any_case)
{
    static const struct {
        const char *s;
        bool v;
    } ok[] = {{"true", true}, {"TRUE", true}, {"True", true},   {"1", true},
              {"yes", true},  {"YeS", true},  {"false", false}, {"False", false},
              {"0", false},   {"no", false},  {"NO", false}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        bool v = !ok[i].v;
        ck_assert_msg(envparse_bool(ok[i].s, &v) == 0, "%s", ok[i].s);
        ck_assert_msg(v == ok[i].v, "%s", ok[i].s);
    }
}
END_TEST

START_TEST(bool_rejects_garbage)
{
    static const char *const bad[] = {"False ", " true", "ture",  "",   "2",     "y", "n",
                                      "on",     "off",   "truee", "01", "yes\n", "t"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool v = true;
        ck_assert_msg(envparse_bool(bad[i], &v) == -1, "'%s' accepted", bad[i]);
        ck_assert(v); /* untouched */
    }
    bool v;
    ck_assert_int_eq(envparse_bool(NULL, &v), -1);
}
END_TEST

START_TEST(u64_is_strict)
{
    uint64_t v = 7;
    ck_assert_int_eq(envparse_u64("0", 10, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(envparse_u64("18446744073709551615", UINT64_MAX, &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(envparse_u64("18446744073709551616", UINT64_MAX, &v), -1);
    ck_assert_int_eq(envparse_u64("11", 10, &v), -1);
    ck_assert_int_eq(envparse_u64("10", 10, &v), 0);
    static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1.0", "0x10", "1e3", "abc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(envparse_u64(bad[i], UINT64_MAX, &v) == -1, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(duration_requires_a_unit)
{
    uint64_t ms = 0;
    ck_assert_int_eq(envparse_duration_ms("250ms", UINT64_MAX, &ms), 0);
    ck_assert_uint_eq(ms, 250);
    ck_assert_int_eq(envparse_duration_ms("5s", UINT64_MAX, &ms), 0);
    ck_assert_uint_eq(ms, 5000);
    ck_assert_int_eq(envparse_duration_ms("2m", UINT64_MAX, &ms), 0);
    ck_assert_uint_eq(ms, 120000);
    ck_assert_int_eq(envparse_duration_ms("1h", UINT64_MAX, &ms), 0);
    ck_assert_uint_eq(ms, 3600000);
    ck_assert_int_eq(envparse_duration_ms("0s", UINT64_MAX, &ms), 0);
    ck_assert_uint_eq(ms, 0);
    ck_assert_int_eq(envparse_duration_ms("9s", 8000, &ms), -1);
    static const char *const bad[] = {"250",
                                      "",
                                      "s",
                                      "5 s",
                                      "5S",
                                      "5sec",
                                      "-5s",
                                      "5.5s",
                                      " 5s",
                                      "5s ",
                                      "5ms5",
                                      "99999999999999999999ms",
                                      "18446744073709551615h"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(envparse_duration_ms(bad[i], UINT64_MAX, &ms) == -1, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(list_trims_and_caps)
{
    char items[4][16];
    const char *why = NULL;
    int n = envparse_list(" amzn1.a , b,c\t", &items[0][0], sizeof items[0], 4, &why);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(items[0], "amzn1.a");
    ck_assert_str_eq(items[1], "b");
    ck_assert_str_eq(items[2], "c");
    n = envparse_list("one", &items[0][0], sizeof items[0], 4, &why);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(items[0], "one");
    /* exactly 15 bytes fits a 16-byte slot, 16 does not */
    ck_assert_int_eq(envparse_list("123456789012345", &items[0][0], 16, 4, &why), 1);
    ck_assert_int_eq(envparse_list("1234567890123456", &items[0][0], 16, 4, &why), -1);
    ck_assert_str_eq(why, "list item too long");
    ck_assert_int_eq(envparse_list("a,b,c,d", &items[0][0], 16, 4, &why), 4);
    ck_assert_int_eq(envparse_list("a,b,c,d,e", &items[0][0], 16, 4, &why), -1);
    ck_assert_str_eq(why, "too many items in list");
    static const char *const bad[] = {"", " ", "a,,b", "a,", ",a", "a, ,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        ck_assert_msg(envparse_list(bad[i], &items[0][0], 16, 4, &why) == -1, "'%s'", bad[i]);
        ck_assert_str_eq(why, "empty item in list");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("envparse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bool_accepts_the_six_words_in_any_case);
    tcase_add_test(tc, bool_rejects_garbage);
    tcase_add_test(tc, u64_is_strict);
    tcase_add_test(tc, duration_requires_a_unit);
    tcase_add_test(tc, list_trims_and_caps);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
