#include "base/memstat.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(rss_and_peak_are_plausible)
{
    uint64_t rss = memstat_rss_bytes();
    uint64_t peak = memstat_peak_bytes();
    ck_assert_uint_gt(rss, 64u * 1024u);
    ck_assert_uint_gt(peak, 64u * 1024u);
    ck_assert_uint_ge(peak + 4096u * 16u, rss); /* peak is a high-water mark */
}
END_TEST

START_TEST(touching_memory_raises_rss)
{
    uint64_t before = memstat_rss_bytes();
    size_t n = 32u << 20;
    char *volatile p = malloc(n); /* volatile: keep the compiler from eliding it */
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i += 1024)
        p[i] = 1;
    uint64_t after = memstat_rss_bytes();
    ck_assert_uint_ge(after, before + (16u << 20));
    ck_assert_uint_ge(memstat_peak_bytes(), after - 4096u * 16u);
    free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memstat");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rss_and_peak_are_plausible);
    tcase_add_test(tc, touching_memory_raises_rss);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
