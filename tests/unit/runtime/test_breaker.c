#include "guard/breaker.h"
#include "base/clock.h"
#include "core/ha_breaker.h"

#include <check.h>
#include <stdlib.h>

static uint64_t now_ms;
static struct breaker b;

static void setup(void)
{
    now_ms = 1000000;
    clock_set_fake(&now_ms);
    struct breaker_config cfg = {
        .failure_threshold = 3, .recovery_ms = 20000, .half_open_max_probes = 2};
    ck_assert_int_eq(breaker_init(&b, "home_assistant", &cfg), 0);
}

static void teardown(void) { clock_set_fake(NULL); }

static void fail_n(int n, enum breaker_outcome o)
{
    for (int i = 0; i < n; i++) {
        ck_assert(breaker_allow(&b));
        breaker_record(&b, o);
    }
}

START_TEST(invalid_config_is_refused)
{
    struct breaker x;
    struct breaker_config cfg = {0, 1000, 1};
    ck_assert_int_eq(breaker_init(&x, "x", &cfg), -1);
    cfg = (struct breaker_config){1, 1000, 0};
    ck_assert_int_eq(breaker_init(&x, "x", &cfg), -1);
}
END_TEST

START_TEST(opens_after_threshold_consecutive_failures)
{
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
    fail_n(2, BREAKER_TRANSPORT_ERROR);
    fail_n(1, BREAKER_SUCCESS); /* resets the run */
    fail_n(2, BREAKER_TIMEOUT);
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
    fail_n(1, BREAKER_HTTP_5XX);
    ck_assert_int_eq(breaker_state(&b), BREAKER_OPEN);
    ck_assert_str_eq(breaker_state_name(breaker_state(&b)), "open");
    ck_assert(!breaker_allow(&b));
    ck_assert(!breaker_allow(&b));
    struct breaker_stats st;
    breaker_get_stats(&b, &st);
    ck_assert_uint_eq(st.opens, 1);
    ck_assert_uint_eq(st.rejections, 2);
    ck_assert_uint_eq(st.failures, 5);
    ck_assert_uint_eq(st.successes, 1);
}
END_TEST

START_TEST(http_4xx_is_not_a_failure)
{
    fail_n(10, BREAKER_HTTP_4XX);
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
    fail_n(2, BREAKER_HTTP_5XX);
    fail_n(1, BREAKER_HTTP_4XX);
    fail_n(2, BREAKER_HTTP_5XX);
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
}
END_TEST

START_TEST(half_open_after_recovery_and_probe_success_closes)
{
    fail_n(3, BREAKER_TIMEOUT);
    now_ms += 19999;
    ck_assert(!breaker_allow(&b));
    ck_assert_int_eq(breaker_state(&b), BREAKER_OPEN);
    now_ms += 1;
    ck_assert_int_eq(breaker_state(&b), BREAKER_HALF_OPEN);
    ck_assert_str_eq(breaker_state_name(BREAKER_HALF_OPEN), "half_open");
    ck_assert(breaker_allow(&b));  /* probe 1 */
    ck_assert(breaker_allow(&b));  /* probe 2 */
    ck_assert(!breaker_allow(&b)); /* max 2 outstanding */
    breaker_record(&b, BREAKER_SUCCESS);
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
    ck_assert(breaker_allow(&b));
    breaker_record(&b, BREAKER_SUCCESS);
    /* closed again: needs a full new run of failures to open */
    fail_n(2, BREAKER_TIMEOUT);
    ck_assert_int_eq(breaker_state(&b), BREAKER_CLOSED);
}
END_TEST

START_TEST(probe_failure_reopens_and_restarts_timer)
{
    fail_n(3, BREAKER_HTTP_5XX);
    now_ms += 20000;
    ck_assert(breaker_allow(&b));
    now_ms += 5000;
    breaker_record(&b, BREAKER_TRANSPORT_ERROR);
    ck_assert_int_eq(breaker_state(&b), BREAKER_OPEN);
    now_ms += 19999; /* counted from the probe failure, not the first opening */
    ck_assert(!breaker_allow(&b));
    now_ms += 1;
    ck_assert(breaker_allow(&b));
    struct breaker_stats st;
    breaker_get_stats(&b, &st);
    ck_assert_uint_eq(st.opens, 2);
}
END_TEST

START_TEST(cancelled_probe_frees_its_slot)
{
    fail_n(3, BREAKER_HTTP_5XX);
    now_ms += 20000;
    ck_assert(breaker_allow(&b));
    ck_assert(breaker_allow(&b));
    ck_assert(!breaker_allow(&b));
    breaker_cancel(&b);
    ck_assert(breaker_allow(&b));
    ck_assert_int_eq(breaker_state(&b), BREAKER_HALF_OPEN);
}
END_TEST

START_TEST(not_called_gives_the_probe_slot_back)
{
    fail_n(3, BREAKER_TIMEOUT);
    now_ms += 20000;
    ck_assert(breaker_allow(&b));
    ck_assert(breaker_allow(&b));
    ck_assert(!breaker_allow(&b));
    struct breaker_stats before, after;
    breaker_get_stats(&b, &before);
    breaker_record(&b, BREAKER_NOT_CALLED);
    breaker_get_stats(&b, &after);
    ck_assert_uint_eq(after.failures, before.failures);   /* neither a failure */
    ck_assert_uint_eq(after.successes, before.successes); /* nor a success */
    ck_assert(breaker_allow(&b));                         /* the slot is free again */
    ck_assert_int_eq(breaker_state(&b), BREAKER_HALF_OPEN);
}
END_TEST

/* The one mapping of a Home Assistant result to the breaker (both skills use it). */
START_TEST(ha_results_map_once)
{
    static const struct {
        enum ha_outcome o;
        long status;
        enum breaker_outcome want;
    } cases[] = {
        {HA_OK, 200, BREAKER_SUCCESS},
        {HA_REPLY_TOO_LARGE, 200, BREAKER_SUCCESS},
        {HA_HTTP_ERROR, 401, BREAKER_HTTP_4XX},
        {HA_HTTP_ERROR, 404, BREAKER_HTTP_4XX},
        {HA_HTTP_ERROR, 500, BREAKER_HTTP_5XX},
        {HA_HTTP_ERROR, 503, BREAKER_HTTP_5XX},
        {HA_HTTP_ERROR, 302, BREAKER_TRANSPORT_ERROR},
        {HA_HTTP_ERROR, 101, BREAKER_TRANSPORT_ERROR},
        {HA_TIMEOUT, 0, BREAKER_TIMEOUT},
        {HA_DNS_FAILED, 0, BREAKER_TRANSPORT_ERROR},
        {HA_CONNECT_FAILED, 0, BREAKER_TRANSPORT_ERROR},
        {HA_TLS_FAILED, 0, BREAKER_TRANSPORT_ERROR},
        {HA_RESET, 0, BREAKER_TRANSPORT_ERROR},
        {HA_INVALID, 0, BREAKER_NOT_CALLED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ha_result r = {.outcome = cases[i].o, .http_status = cases[i].status};
        ck_assert_msg(ha_breaker_outcome(&r) == cases[i].want, "case %zu (%s %ld): outcome %d", i,
                      ha_outcome_name(cases[i].o), cases[i].status, (int)ha_breaker_outcome(&r));
    }
}
END_TEST

START_TEST(lost_probes_are_reclaimed_after_recovery_time)
{
    fail_n(3, BREAKER_HTTP_5XX);
    now_ms += 20000;
    ck_assert(breaker_allow(&b));
    ck_assert(breaker_allow(&b));
    now_ms += 19999;
    ck_assert(!breaker_allow(&b));
    now_ms += 1;
    ck_assert(breaker_allow(&b));
}
END_TEST

START_TEST(threshold_one_single_probe)
{
    struct breaker x;
    struct breaker_config cfg = {1, 30000, 1};
    ck_assert_int_eq(breaker_init(&x, "ssm", &cfg), 0);
    ck_assert_str_eq(breaker_name(&x), "ssm");
    ck_assert(breaker_allow(&x));
    breaker_record(&x, BREAKER_TIMEOUT);
    ck_assert(!breaker_allow(&x));
    now_ms += 30000;
    ck_assert(breaker_allow(&x));
    ck_assert(!breaker_allow(&x));
    breaker_record(&x, BREAKER_HTTP_4XX);
    ck_assert_int_eq(breaker_state(&x), BREAKER_CLOSED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("breaker");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, invalid_config_is_refused);
    tcase_add_test(tc, opens_after_threshold_consecutive_failures);
    tcase_add_test(tc, http_4xx_is_not_a_failure);
    tcase_add_test(tc, half_open_after_recovery_and_probe_success_closes);
    tcase_add_test(tc, probe_failure_reopens_and_restarts_timer);
    tcase_add_test(tc, cancelled_probe_frees_its_slot);
    tcase_add_test(tc, not_called_gives_the_probe_slot_back);
    tcase_add_test(tc, ha_results_map_once);
    tcase_add_test(tc, lost_probes_are_reclaimed_after_recovery_time);
    tcase_add_test(tc, threshold_one_single_probe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
