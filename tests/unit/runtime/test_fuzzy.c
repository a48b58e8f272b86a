#include "custom/fuzzy.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *norm(const char *s)
{
    static char out[FUZZY_NAME_MAX + 1];
    fuzzy_normalise(s, strlen(s), out, sizeof out);
    return out;
}

START_TEST(normalisation)
{
    ck_assert_str_eq(norm("The Kitchen Lights"), "kitchen light");
    ck_assert_str_eq(norm("  kitchen   LIGHT!! "), "kitchen light");
    ck_assert_str_eq(norm("good_night"), "good night");
    ck_assert_str_eq(norm("script.good_night"), "script good night");
    ck_assert_str_eq(norm("Kid's Room"), "kid room");
    ck_assert_str_eq(norm("Kid\xe2\x80\x99s Room"), "kid room");
    ck_assert_str_eq(norm("switches"), "switch");
    ck_assert_str_eq(norm("batteries"), "battery");
    ck_assert_str_eq(norm("boxes"), "box");
    ck_assert_str_eq(norm("glass"), "glass");
    ck_assert_str_eq(norm("bus"), "bus");
    ck_assert_str_eq(norm("status"), "status");
    ck_assert_str_eq(norm("the the"), "");
    ck_assert_str_eq(norm("theatre"), "theatre");
    ck_assert_str_eq(norm(""), "");
    char small[6];
    fuzzy_normalise("kitchen light", 13, small, sizeof small);
    ck_assert_str_eq(small, "kitch");
    /* capped input */
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char out[FUZZY_NAME_MAX + 1];
    ck_assert_uint_le(fuzzy_normalise(big, strlen(big), out, sizeof out), FUZZY_NAME_MAX);
}
END_TEST

START_TEST(similarity)
{
    ck_assert_uint_eq(fuzzy_similarity("abc", "abc"), 100);
    ck_assert_uint_eq(fuzzy_similarity("", ""), 100);
    ck_assert_uint_eq(fuzzy_similarity("abc", ""), 0);
    ck_assert_uint_eq(fuzzy_similarity("morning routine", "morning routin"), 93);
}
END_TEST

static const struct fuzzy_item autos[] = {
    {"automation.morning", "Morning Routine"},
    {"automation.night_lights", "Night Lights"},
    {"automation.kitchen_light_on", "Kitchen Light On"},
    {"automation.kitchen_light_off", "Kitchen Light Off"},
    {"automation.dup_a", "Party"},
    {"automation.dup_b", "Party"},
};
#define N (sizeof autos / sizeof autos[0])

START_TEST(exact_and_forms)
{
    struct fuzzy_result r;
    fuzzy_match("morning routine", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 0);
    fuzzy_match("The Morning Routines!", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 0);
    fuzzy_match("morning", autos, N, &r); /* object id / word subset */
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 0);
    fuzzy_match("night light", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 1);
    fuzzy_match("kitchen light off", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 3);
    fuzzy_match("mornin routine", autos, N, &r); /* misheard */
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
    ck_assert_uint_eq(r.index, 0);
}
END_TEST

START_TEST(ambiguous)
{
    struct fuzzy_result r;
    fuzzy_match("kitchen light", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_AMBIGUOUS);
    ck_assert_uint_eq(r.ncands, 2);
    ck_assert((r.cands[0] == 2 && r.cands[1] == 3) || (r.cands[0] == 3 && r.cands[1] == 2));
    fuzzy_match("party", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_AMBIGUOUS);
    ck_assert_uint_eq(r.ncands, 2);
    /* at most FUZZY_MAX_CANDIDATES */
    struct fuzzy_item many[6];
    for (size_t i = 0; i < 6; i++)
        many[i] = (struct fuzzy_item){"light.x", "Lamp"};
    fuzzy_match("lamp", many, 6, &r);
    ck_assert_int_eq(r.kind, FUZZY_AMBIGUOUS);
    ck_assert_uint_eq(r.ncands, FUZZY_MAX_CANDIDATES);
}
END_TEST

START_TEST(no_match)
{
    struct fuzzy_result r;
    fuzzy_match("garage door", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_NONE);
    ck_assert_int_ge(r.suggestion, 0);
    fuzzy_match("mourning routing table", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_NONE);
    ck_assert_int_eq(r.suggestion, 0);
    fuzzy_match("", autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_NONE);
    fuzzy_match(NULL, autos, N, &r);
    ck_assert_int_eq(r.kind, FUZZY_NONE);
    fuzzy_match("x", NULL, 0, &r);
    ck_assert_int_eq(r.kind, FUZZY_NONE);
    ck_assert_int_eq(r.suggestion, -1);
    struct fuzzy_item noname = {"input_boolean.guest_mode", NULL};
    fuzzy_match("guest mode", &noname, 1, &r);
    ck_assert_int_eq(r.kind, FUZZY_MATCH);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzzy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, normalisation);
    tcase_add_test(tc, similarity);
    tcase_add_test(tc, exact_and_forms);
    tcase_add_test(tc, ambiguous);
    tcase_add_test(tc, no_match);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
