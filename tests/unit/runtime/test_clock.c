#include "base/clock.h"

#include <check.h>
#include <stdlib.h>

START_TEST(real_clock_moves_forward)
{
    uint64_t a = clock_mono_ms();
    uint64_t b = clock_mono_ms();
    ck_assert_uint_ge(b, a);
    ck_assert_uint_gt(clock_epoch_ms(), 1600000000000ull); /* after 2020 */
}
END_TEST

START_TEST(fake_clock_is_read_at_each_call)
{
    uint64_t t = 1000;
    clock_set_fake(&t);
    ck_assert_uint_eq(clock_mono_ms(), 1000);
    t += 250;
    ck_assert_uint_eq(clock_mono_ms(), 1250);
    clock_set_fake(NULL);
    ck_assert_uint_ne(clock_mono_ms(), 1250);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, real_clock_moves_forward);
    tcase_add_test(tc, fake_clock_is_read_at_each_call);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
