#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/alexa_error.h"
#include "sh_testutil.h"

static const char *const DIRECTIVES[4] = {
    /* no endpoint, no correlationToken */
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":\"Discover\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\"},\"payload\":{}}}",
    /* correlationToken only */
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.Authorization\",\"name\":\"AcceptGrant\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\",\"correlationToken\":\"ct+/"
    "==\"},\"payload\":{}}}",
    /* endpoint only */
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.PowerController\",\"name\":\"TurnOn\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\"},\"endpoint\":{\"scope\":{\"type\":"
    "\"BearerToken\",\"token\":\"tok\"},\"endpointId\":\"light#kitchen\",\"cookie\":{}},"
    "\"payload\":{}}}",
    /* both */
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.PowerController\",\"name\":\"TurnOn\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\",\"correlationToken\":\"abc\"},\"endpoint\":"
    "{\"scope\":{\"type\":\"BearerToken\",\"token\":\"tok\"},\"endpointId\":\"switch#x\"},"
    "\"payload\":{}}}",
};

START_TEST(all_types_validate)
{
    const char *paths[ALEXA_ERR_COUNT * 4 + 1];
    size_t n = 0;
    for (int t = 0; t < ALEXA_ERR_COUNT; t++) {
        for (int d = 0; d < 4; d++) {
            cJSON *ev = cJSON_Parse(DIRECTIVES[d]);
            ck_assert_ptr_nonnull(ev);
            size_t len = 0;
            char *txt =
                alexa_error_response(ev, alexa_error_type_namespace((enum alexa_error_type)t),
                                     alexa_error_type_name((enum alexa_error_type)t), "msg", &len);
            ck_assert_ptr_nonnull(txt);
            ck_assert_uint_eq(len, strlen(txt));
            cJSON *j = cJSON_Parse(txt);
            const cJSON *ev2 = cJSON_GetObjectItem(j, "event");
            const cJSON *h = cJSON_GetObjectItem(ev2, "header");
            ck_assert_str_eq(cJSON_GetObjectItem(h, "name")->valuestring, "ErrorResponse");
            ck_assert_str_eq(cJSON_GetObjectItem(h, "namespace")->valuestring,
                             alexa_error_type_namespace((enum alexa_error_type)t));
            ck_assert_int_eq(cJSON_HasObjectItem(h, "correlationToken"), d == 1 || d == 3);
            ck_assert_int_eq(cJSON_HasObjectItem(ev2, "endpoint"), d >= 2);
            ck_assert_str_eq(
                cJSON_GetObjectItem(cJSON_GetObjectItem(ev2, "payload"), "type")->valuestring,
                alexa_error_type_name((enum alexa_error_type)t));
            if (d == 3) {
                ck_assert_str_eq(cJSON_GetObjectItem(h, "correlationToken")->valuestring, "abc");
                const cJSON *ep = cJSON_GetObjectItem(ev2, "endpoint");
                ck_assert_str_eq(cJSON_GetObjectItem(ep, "endpointId")->valuestring, "switch#x");
                ck_assert(!cJSON_HasObjectItem(ep, "cookie"));
            }
            cJSON_Delete(j);
            paths[n++] = write_temp(txt, len);
            free(txt);
            cJSON_Delete(ev);
        }
    }
    paths[n] = NULL;
    ck_assert_int_eq(schema_validate_files(paths), 0);
    for (size_t i = 0; i < n; i++) {
        unlink(paths[i]);
        free((char *)paths[i]);
    }
}
END_TEST

START_TEST(malformed_inputs_still_valid)
{
    const char *evs[] = {
        "[]",
        "{\"directive\":5}",
        "{\"directive\":{\"header\":[]}}",
        "{\"directive\":{\"header\":{\"correlationToken\":\"\"},\"endpoint\":{\"endpointId\":\"bad "
        "id!\"}}}",
        "{\"directive\":{\"header\":{\"correlationToken\":7},\"endpoint\":{\"endpointId\":\"ok\","
        "\"scope\":{\"type\":\"Other\",\"token\":\"t\"}}}}",
        "{\"directive\":{\"endpoint\":{\"endpointId\":\"ok\",\"scope\":{\"type\":\"BearerToken\","
        "\"token\":\"\"}}}}",
    };
    size_t n = sizeof evs / sizeof evs[0];
    const char *paths[16];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON *ev = cJSON_Parse(evs[i]);
        char *txt =
            alexa_error_response(ev, "Alexa", "INVALID_DIRECTIVE", "bad \xff\xfe utf8", NULL);
        ck_assert_ptr_nonnull(txt);
        ck_assert_ptr_null(strstr(txt, "correlationToken"));
        ck_assert_ptr_null(strstr(txt, "scope"));
        ck_assert_ptr_null(strstr(txt, "bad id"));
        paths[k++] = write_temp(txt, strlen(txt));
        free(txt);
        cJSON_Delete(ev);
    }
    /* NULL event, unsupported pair, NULL message, long message */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    char *a = alexa_error_response(NULL, "Alexa", "NOPE", NULL, NULL);
    ck_assert_ptr_nonnull(strstr(a, "INTERNAL_ERROR"));
    char *b = alexa_error_response(NULL, "Alexa", "ACCEPT_GRANT_FAILED", big, NULL);
    ck_assert_ptr_nonnull(strstr(b, "INTERNAL_ERROR")); /* wrong namespace for that type */
    char *c = alexa_error_response(NULL, "Alexa.Authorization", "ACCEPT_GRANT_FAILED", big, NULL);
    ck_assert_uint_lt(strlen(c), ALEXA_ERROR_MESSAGE_MAX + 300);
    paths[k++] = write_temp(a, strlen(a));
    paths[k++] = write_temp(b, strlen(b));
    paths[k++] = write_temp(c, strlen(c));
    free(a);
    free(b);
    free(c);
    paths[k] = NULL;
    ck_assert_int_eq(schema_validate_files(paths), 0);
    for (size_t i = 0; i < k; i++) {
        unlink(paths[i]);
        free((char *)paths[i]);
    }
}
END_TEST

START_TEST(uuid4_format_and_unique)
{
    char a[37], b[37];
    alexa_uuid4(a);
    alexa_uuid4(b);
    ck_assert_uint_eq(strlen(a), 36);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(a[8], '-');
    ck_assert_int_eq(a[14], '4');
    ck_assert(strchr("89ab", a[19]) != NULL);
}
END_TEST

START_TEST(lookup)
{
    ck_assert_int_eq(alexa_error_type_lookup("Alexa", "BRIDGE_UNREACHABLE"),
                     ALEXA_ERR_BRIDGE_UNREACHABLE);
    ck_assert_int_eq(alexa_error_type_lookup("Alexa.Authorization", "ACCEPT_GRANT_FAILED"),
                     ALEXA_ERR_ACCEPT_GRANT_FAILED);
    ck_assert_int_eq(alexa_error_type_lookup("Alexa", "ACCEPT_GRANT_FAILED"), -1);
    ck_assert_int_eq(alexa_error_type_lookup(NULL, "X"), -1);
    ck_assert(alexa_utf8_valid("h\xc3\xa9", 3));
    ck_assert(!alexa_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    ck_assert(!alexa_utf8_valid("\xc0\xaf", 2));     /* overlong */
    /* the validator itself can fail */
    ck_assert_int_ne(schema_validate_text("{\"event\":{}}", 12), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alexa_error");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, all_types_validate);
    tcase_add_test(tc, malformed_inputs_still_valid);
    tcase_add_test(tc, uuid4_format_and_unique);
    tcase_add_test(tc, lookup);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
