#include "base/clock.h"
#include "guard/ratelimit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t now_ms;

static void setup(void)
{
    now_ms = 5000000;
    clock_set_fake(&now_ms);
}

static void teardown(void) { clock_set_fake(NULL); }

START_TEST(burst_then_refill)
{
    struct ratelimit_config cfg = {.capacity = 5, .refill_per_minute = 60, .slots = 8};
    struct ratelimit *rl = ratelimit_new(&cfg);
    ck_assert_ptr_nonnull(rl);
    for (int i = 0; i < 5; i++)
        ck_assert(ratelimit_allow(rl, "alice"));
    ck_assert(!ratelimit_allow(rl, "alice"));
    now_ms += 999;
    ck_assert(!ratelimit_allow(rl, "alice"));
    now_ms += 1; /* 60/min = one per second */
    ck_assert(ratelimit_allow(rl, "alice"));
    ck_assert(!ratelimit_allow(rl, "alice"));
    now_ms += 3600000; /* never above capacity */
    for (int i = 0; i < 5; i++)
        ck_assert(ratelimit_allow(rl, "alice"));
    ck_assert(!ratelimit_allow(rl, "alice"));
    ratelimit_free(rl);
}
END_TEST

START_TEST(slow_refill_is_not_lost_to_rounding)
{
    struct ratelimit_config cfg = {.capacity = 1, .refill_per_minute = 1, .slots = 2};
    struct ratelimit *rl = ratelimit_new(&cfg);
    ck_assert(ratelimit_allow(rl, "u"));
    int allowed = 0;
    for (int i = 0; i < 6000; i++) { /* 60 s in 10 ms steps, asking each time */
        now_ms += 10;
        allowed += ratelimit_allow(rl, "u");
    }
    ck_assert_int_eq(allowed, 1);
    ratelimit_free(rl);
}
END_TEST

START_TEST(users_are_independent)
{
    struct ratelimit_config cfg = {.capacity = 2, .refill_per_minute = 0, .slots = 4};
    struct ratelimit *rl = ratelimit_new(&cfg);
    ck_assert(ratelimit_allow(rl, "a"));
    ck_assert(ratelimit_allow(rl, "a"));
    ck_assert(!ratelimit_allow(rl, "a"));
    ck_assert(ratelimit_allow(rl, "b"));
    ck_assert(ratelimit_allow(rl, NULL));
    ck_assert(ratelimit_allow(rl, ""));
    ck_assert(!ratelimit_allow(rl, NULL)); /* NULL and "" are the same bucket */
    ratelimit_free(rl);
}
END_TEST

START_TEST(full_table_evicts_least_recently_used)
{
    struct ratelimit_config cfg = {.capacity = 1, .refill_per_minute = 0, .slots = 3};
    struct ratelimit *rl = ratelimit_new(&cfg);
    ck_assert(ratelimit_allow(rl, "a"));
    ck_assert(ratelimit_allow(rl, "b"));
    ck_assert(ratelimit_allow(rl, "c"));
    ck_assert(!ratelimit_allow(rl, "a")); /* a is now most recent */
    ck_assert(ratelimit_allow(rl, "d"));  /* evicts b (LRU) */
    ck_assert(!ratelimit_allow(rl, "a")); /* a kept its empty bucket */
    ck_assert(!ratelimit_allow(rl, "c"));
    ck_assert(!ratelimit_allow(rl, "d"));
    ck_assert(ratelimit_allow(rl, "b")); /* b was forgotten: fresh bucket */
    ratelimit_free(rl);
}
END_TEST

START_TEST(many_users_small_table)
{
    struct ratelimit_config cfg = {.capacity = 3, .refill_per_minute = 6, .slots = 16};
    struct ratelimit *rl = ratelimit_new(&cfg);
    ck_assert_uint_ge(ratelimit_bytes(&cfg), 16 * 8);
    char name[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "user%d", i % 40);
        (void)ratelimit_allow(rl, name);
        now_ms += 7;
    }
    ratelimit_free(rl);
    ratelimit_free(NULL);
    struct ratelimit_config bad = {.capacity = 0, .refill_per_minute = 1, .slots = 1};
    ck_assert_ptr_null(ratelimit_new(&bad));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, burst_then_refill);
    tcase_add_test(tc, slow_refill_is_not_lost_to_rounding);
    tcase_add_test(tc, users_are_independent);
    tcase_add_test(tc, full_table_evicts_least_recently_used);
    tcase_add_test(tc, many_users_small_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
