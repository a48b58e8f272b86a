#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/discovery.h"

#define EP(id, name, ifaces)                                                                      \
    "{\"endpointId\":\"" id "\",\"friendlyName\":\"" name "\",\"displayCategories\":[\"OTHER\"]," \
    "\"capabilities\":[" ifaces "]}"
#define CAP(i) "{\"type\":\"AlexaInterface\",\"interface\":\"" i "\",\"version\":\"3\"}"

static const char REPLY[] =
    "{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":\"Discover.Response\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m\"},\"payload\":{\"endpoints\":[" EP(
        "light#kitchen", "Kitchen",
        CAP("Alexa") "," CAP("Alexa.PowerController") "," CAP(
            "Alexa.ColorController")) "," EP("light#hall", "Hall",
                                             CAP("Alexa") "," CAP(
                                                 "Alexa.ColorController")) "," EP("switch#pump",
                                                                                  "Pump",
                                                                                  CAP("Alexa") "," CAP(
                                                                                      "Alexa."
                                                                                      "PowerControl"
                                                                                      "ler")) "," EP("sensor#temp",
                                                                                                     "Temp",
                                                                                                     CAP("Alexa")) "]}}}";

static cJSON *find_ep(cJSON *root, const char *id)
{
    cJSON *eps = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "event"), "payload"), "endpoints");
    cJSON *e;
    cJSON_ArrayForEach(
        e, eps) if (!strcmp(cJSON_GetObjectItem(e, "endpointId")->valuestring, id)) return e;
    return NULL;
}

START_TEST(rules_apply)
{
    const char *inc[] = {"light#*", "switch#*"};
    const char *exc[] = {"light#hall"};
    struct discovery_cap_removal caps[] = {{"light#*", "Alexa.ColorController"}};
    struct discovery_name_override names[] = {{"switch#pump", "Garden pump"}};
    struct discovery_category_override cats[] = {{"switch#pump", "SMARTPLUG"}};
    struct discovery_rules r = {inc, 2, exc, 1, caps, 1, names, 1, cats, 1};
    ck_assert(!discovery_rules_empty(&r));
    struct discovery_result res;
    ck_assert_int_eq(discovery_rewrite_text(REPLY, sizeof REPLY - 1, &r, &res), 0);
    ck_assert(res.rewritten);
    ck_assert_uint_eq(res.count_before, 4);
    ck_assert_uint_eq(res.count_after, 2);
    ck_assert_uint_eq(res.removed_capabilities, 1);
    ck_assert(!res.over_limit);
    cJSON *out = cJSON_Parse(res.json);
    ck_assert_ptr_null(find_ep(out, "light#hall"));  /* exclude wins */
    ck_assert_ptr_null(find_ep(out, "sensor#temp")); /* not included */
    cJSON *k = find_ep(out, "light#kitchen");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(k, "capabilities")), 2);
    char *ktxt = cJSON_PrintUnformatted(k);
    ck_assert_ptr_null(strstr(ktxt, "ColorController"));
    free(ktxt);
    cJSON *p = find_ep(out, "switch#pump");
    ck_assert_str_eq(cJSON_GetObjectItem(p, "friendlyName")->valuestring, "Garden pump");
    cJSON *dc = cJSON_GetObjectItem(p, "displayCategories");
    ck_assert_int_eq(cJSON_GetArraySize(dc), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(dc, 0)->valuestring, "SMARTPLUG");
    cJSON_Delete(out);
    discovery_result_free(&res);
}
END_TEST

START_TEST(empty_include_means_all)
{
    const char *exc[] = {"sensor#*"};
    struct discovery_rules r = {NULL, 0, exc, 1, NULL, 0, NULL, 0, NULL, 0};
    struct discovery_result res;
    ck_assert_int_eq(discovery_rewrite_text(REPLY, sizeof REPLY - 1, &r, &res), 0);
    ck_assert_uint_eq(res.count_after, 3);
    discovery_result_free(&res);
    struct discovery_rules none = {0};
    ck_assert(discovery_rules_empty(&none));
    ck_assert(discovery_rules_empty(NULL));
}
END_TEST

START_TEST(not_discovery_untouched)
{
    const char *exc[] = {"*"};
    struct discovery_rules r = {NULL, 0, exc, 1, NULL, 0, NULL, 0, NULL, 0};
    const char *others[] = {
        "{\"event\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"Response\"},\"payload\":{}}}",
        "not json", "[]",
        "{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":"
        "\"Discover.Response\"},\"payload\":{\"endpoints\":{}}}}"};
    for (size_t i = 0; i < 4; i++) {
        struct discovery_result res;
        ck_assert_int_eq(discovery_rewrite_text(others[i], strlen(others[i]), &r, &res), 0);
        ck_assert(!res.rewritten);
        ck_assert_ptr_null(res.json);
    }
}
END_TEST

START_TEST(over_limit_flag)
{
    size_t cap = 400 * 64 + 256;
    char *big = malloc(cap);
    size_t o = (size_t)snprintf(big, cap,
                                "{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\","
                                "\"name\":\"Discover.Response\"},\"payload\":{\"endpoints\":[");
    for (int i = 0; i < 350; i++)
        o +=
            (size_t)snprintf(big + o, cap - o, "%s{\"endpointId\":\"light#l%d\"}", i ? "," : "", i);
    o += (size_t)snprintf(big + o, cap - o, "]}}}");
    const char *exc[] = {"light#l1?"}; /* removes 10 */
    struct discovery_rules r = {NULL, 0, exc, 1, NULL, 0, NULL, 0, NULL, 0};
    struct discovery_result res;
    ck_assert_int_eq(discovery_rewrite_text(big, o, &r, &res), 0);
    ck_assert_uint_eq(res.count_before, 350);
    ck_assert_uint_eq(res.count_after, 340);
    ck_assert(res.over_limit);
    discovery_result_free(&res);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("discovery_rules");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rules_apply);
    tcase_add_test(tc, empty_include_means_all);
    tcase_add_test(tc, not_discovery_untouched);
    tcase_add_test(tc, over_limit_flag);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
