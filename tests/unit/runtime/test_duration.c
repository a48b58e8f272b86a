#include "custom/duration_lex.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static enum duration_status P(const char *s, uint32_t *sec)
{
    return duration_parse(s, strlen(s), sec);
}

START_TEST(good_durations)
{
    static const struct {
        const char *in;
        uint32_t sec;
        const char *hms;
    } cases[] = {
        {"PT10M", 600, "00:10:00"},         {"PT1H30M", 5400, "01:30:00"},
        {"PT45S", 45, "00:00:45"},          {"PT1H0M30S", 3630, "01:00:30"},
        {"PT2H", 7200, "02:00:00"},         {"PT90M", 5400, "01:30:00"},
        {"PT23H59M59S", 86399, "23:59:59"}, {"PT1M1S", 61, "00:01:01"},
        {"PT000010M", 600, "00:10:00"}, /* 6 digits: the most a component takes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t s = 0;
        ck_assert_msg(P(cases[i].in, &s) == DURATION_OK, "%s refused", cases[i].in);
        ck_assert_uint_eq(s, cases[i].sec);
        char out[16];
        duration_format_hms(s, out);
        ck_assert_str_eq(out, cases[i].hms);
    }
}
END_TEST

START_TEST(bad_durations)
{
    static const char *const bad[] = {"",           "P",          "PT",      "T10M",   "PT10",
                                      "PT10X",      "pt10m",      "PT-5M",   "PT1.5H", "PT10M ",
                                      " PT10M",     "PT?M",       "PT30M1H", "PT1H1H", "PTM",
                                      "PT1234567S", "10 minutes", "PPT1M",   "PT1HT1M"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t s = 7;
        ck_assert_msg(P(bad[i], &s) == DURATION_BAD, "'%s' accepted", bad[i]);
        ck_assert_uint_eq(s, 0);
    }
    uint32_t s;
    ck_assert_int_eq(P("P1D", &s), DURATION_UNSUPPORTED);
    ck_assert_int_eq(P("P1DT2H", &s), DURATION_UNSUPPORTED);
    ck_assert_int_eq(P("P2W", &s), DURATION_UNSUPPORTED);
    ck_assert_int_eq(P("P1M", &s), DURATION_UNSUPPORTED);
    ck_assert_int_eq(P("P1Y2M3D", &s), DURATION_UNSUPPORTED);
    ck_assert_int_eq(P("PT0S", &s), DURATION_ZERO);
    ck_assert_int_eq(P("PT0H0M", &s), DURATION_ZERO);
    ck_assert_int_eq(P("PT24H", &s), DURATION_TOO_LONG);
    ck_assert_int_eq(P("PT999999H", &s), DURATION_TOO_LONG);
    /* embedded NUL, over-long input, NULL */
    ck_assert_int_eq(duration_parse("PT1M\0X", 6, &s), DURATION_BAD);
    char longs[64];
    memset(longs, '1', sizeof longs);
    longs[0] = 'P';
    longs[1] = 'T';
    ck_assert_int_eq(duration_parse(longs, sizeof longs, &s), DURATION_BAD);
    ck_assert_int_eq(duration_parse(NULL, 3, &s), DURATION_BAD);
    /* not NUL-terminated input is fine */
    const char buf[5] = {'P', 'T', '5', 'M', 'Z'};
    ck_assert_int_eq(duration_parse(buf, 4, &s), DURATION_OK);
    ck_assert_uint_eq(s, 300);
}
END_TEST

START_TEST(speak)
{
    char out[64];
    duration_speak(5400, out, sizeof out);
    ck_assert_str_eq(out, "1 hour 30 minutes");
    duration_speak(61, out, sizeof out);
    ck_assert_str_eq(out, "1 minute 1 second");
    duration_speak(7200, out, sizeof out);
    ck_assert_str_eq(out, "2 hours");
    duration_speak(0, out, sizeof out);
    ck_assert_str_eq(out, "0 seconds");
    char tiny[8];
    duration_speak(3661, tiny, sizeof tiny);
    ck_assert(strlen(tiny) < sizeof tiny);
    duration_format_hms(999999, out);
    ck_assert_str_eq(out, "23:59:59");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("duration");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, good_durations);
    tcase_add_test(tc, bad_durations);
    tcase_add_test(tc, speak);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
