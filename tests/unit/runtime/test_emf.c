#include "base/emf.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct emf_metric_def defs[] = {
    {"duration", "Milliseconds"},
    {"invocation_count", "Count"},
    {"error_count", "Count"},
    {"memory_usage", "Megabytes"},
};

/* Flushes m into memory and returns the parsed line (NULL if nothing). */
static cJSON *flush_parse(struct emf *m, int expect_n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(emf_flush(m, f), expect_n);
    fclose(f);
    cJSON *j = NULL;
    if (expect_n > 0) {
        ck_assert_uint_gt(len, 0);
        ck_assert_int_eq(buf[len - 1], '\n');
        ck_assert_ptr_null(memchr(buf, '\n', len - 1)); /* one line */
        j = cJSON_ParseWithLength(buf, len);
        ck_assert_ptr_nonnull(j);
    } else {
        ck_assert_uint_eq(len, 0);
    }
    free(buf);
    return j;
}

/* "level" only when set (Lambda's application-log filter reads it); a metric
 * cannot be called "level". */
START_TEST(level_for_the_log_filter)
{
    struct emf m;
    ck_assert_int_eq(emf_init(&m, "leec", "alexa-bridge", defs, 4), 0);
    ck_assert_int_eq(emf_put(&m, 0, 1), 0);
    cJSON *j = flush_parse(&m, 1);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "level"));
    cJSON_Delete(j);
    emf_set_level(&m, "WARN");
    ck_assert_int_eq(emf_put(&m, 0, 1), 0);
    j = flush_parse(&m, 1);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "level")->valuestring, "WARN");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(j, "duration")->valuedouble, 1);
    cJSON_Delete(j);
    static const struct emf_metric_def bad[] = {{"level", "Count"}};
    ck_assert_int_eq(emf_init(&m, "leec", "alexa-bridge", bad, 1), -1);
}
END_TEST

START_TEST(flush_prints_only_put_metrics)
{
    struct emf m;
    ck_assert_int_eq(emf_init(&m, "leec", "alexa-bridge", defs, 4), 0);
    ck_assert_int_eq(emf_put(&m, 0, 12.5), 0);
    ck_assert_int_eq(emf_add(&m, 1, 1), 0);
    ck_assert_int_eq(emf_add(&m, 1, 1), 0);
    cJSON *j = flush_parse(&m, 2);
    cJSON *aws = cJSON_GetObjectItemCaseSensitive(j, "_aws");
    cJSON *ts = cJSON_GetObjectItemCaseSensitive(aws, "Timestamp");
    ck_assert(cJSON_IsNumber(ts));
    ck_assert(ts->valuedouble > 1.6e12 && floor(ts->valuedouble) == ts->valuedouble);
    cJSON *dir = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(aws, "CloudWatchMetrics"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(dir, "Namespace")->valuestring, "leec");
    cJSON *dims = cJSON_GetObjectItemCaseSensitive(dir, "Dimensions");
    ck_assert_int_eq(cJSON_GetArraySize(dims), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetArrayItem(dims, 0), 0)->valuestring, "service");
    cJSON *metrics = cJSON_GetObjectItemCaseSensitive(dir, "Metrics");
    ck_assert_int_eq(cJSON_GetArraySize(metrics), 2);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(metrics, 0), "Name")->valuestring,
                     "duration");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(metrics, 0), "Unit")->valuestring,
                     "Milliseconds");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(metrics, 1), "Name")->valuestring,
                     "invocation_count");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "service")->valuestring, "alexa-bridge");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(j, "duration")->valuedouble, 12.5);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(j, "invocation_count")->valuedouble, 2);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "error_count"));
    cJSON_Delete(j);
    /* values are forgotten after a flush */
    ck_assert_ptr_null(flush_parse(&m, 0));
    ck_assert_int_eq(emf_put(&m, 3, 42), 0);
    j = flush_parse(&m, 1);
    ck_assert_int_eq(
        cJSON_GetArraySize(cJSON_GetObjectItem(
            cJSON_GetArrayItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(j, "_aws"), "CloudWatchMetrics"), 0),
            "Metrics")),
        1);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(j, "memory_usage")->valuedouble, 42);
    cJSON_Delete(j);
}
END_TEST

START_TEST(only_table_ids_exist)
{
    struct emf m;
    ck_assert_int_eq(emf_init(&m, "leec", "svc", defs, 4), 0);
    ck_assert_int_eq(emf_put(&m, 4, 1), -1);
    ck_assert_int_eq(emf_put(&m, (size_t)-1, 1), -1);
    ck_assert_int_eq(emf_put(&m, 0, NAN), -1);
    ck_assert_int_eq(emf_put(&m, 0, INFINITY), -1);
    ck_assert_int_eq(emf_add(&m, 9, 1), -1);
    ck_assert_ptr_null(flush_parse(&m, 0));
}
END_TEST

START_TEST(init_validates_the_table)
{
    struct emf m;
    static const struct emf_metric_def bad_unit[] = {{"x", "Milliseconds"}, {"y", "ms"}};
    static const struct emf_metric_def dup[] = {{"x", "Count"}, {"x", "Count"}};
    static const struct emf_metric_def reserved[] = {{"service", "Count"}};
    static const struct emf_metric_def empty[] = {{"", "Count"}};
    static const struct emf_metric_def rate[] = {
        {"rps", "Count/Second"}, {"bw", "Bytes/Second"}, {"pct", "Percent"}, {"n", "None"}};
    ck_assert_int_eq(emf_init(&m, "leec", "svc", bad_unit, 2), -1);
    ck_assert_int_eq(emf_init(&m, "leec", "svc", dup, 2), -1);
    ck_assert_int_eq(emf_init(&m, "leec", "svc", reserved, 1), -1);
    ck_assert_int_eq(emf_init(&m, "leec", "svc", empty, 1), -1);
    ck_assert_int_eq(emf_init(&m, "", "svc", rate, 4), -1);
    ck_assert_int_eq(emf_init(&m, "leec", "svc", rate, 4), 0);
    ck_assert(!emf_unit_valid("milliseconds"));
    ck_assert(emf_unit_valid("Terabits/Second"));
    ck_assert_uint_eq(emf_distinct_count(4), 4);
    ck_assert_uint_eq(emf_distinct_count(10), 10);
}
END_TEST

START_TEST(names_are_escaped)
{
    static const struct emf_metric_def odd[] = {{"a\"b", "Count"}};
    struct emf m;
    ck_assert_int_eq(emf_init(&m, "ns\\x", "svc\n", odd, 1), 0);
    ck_assert_int_eq(emf_put(&m, 0, 1), 0);
    cJSON *j = flush_parse(&m, 1);
    ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(j, "a\"b"));
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "service")->valuestring, "svc\n");
    cJSON_Delete(j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, flush_prints_only_put_metrics);
    tcase_add_test(tc, level_for_the_log_filter);
    tcase_add_test(tc, only_table_ids_exist);
    tcase_add_test(tc, init_validates_the_table);
    tcase_add_test(tc, names_are_escaped);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
