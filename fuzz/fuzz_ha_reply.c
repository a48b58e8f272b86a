/* libFuzzer: the input is Home Assistant's reply body. Runs the reply
 * classification and the discovery rewrite with a few rules. No network.
 * Oracle (fuzz/oracle.h): a rewrite of a strict reply (RFC 8259, valid UTF-8, no
 * duplicate member) is strict too, and rewriting it again changes nothing.
 * With the strict Home Assistant replies of issue 12 item 1 linked (jsonguard_strict
 * present), the input is also served as HA's 200 reply on a loopback server
 * (tests/unit/runtime/sh_testutil.h) to smarthome_handle for a ReportState and a
 * Discover: whatever Alexa gets - HA's bytes passed through, the rewrite, or an
 * ErrorResponse - is strict JSON in valid UTF-8 with no duplicate member and a
 * complete event.header (namespace, name, messageId, payloadVersion). */
#define _GNU_SOURCE /* memmem in sh_testutil.h */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/discovery.h"
#include "smarthome/proxy.h"

#include "oracle.h"
#define LEEC_CONFORMANCE_DIR "" /* sh_testutil.h's schema check is not used here */
#include "../tests/unit/runtime/sh_testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_TOKEN "fuzz-token-0123456789"
static const char *const events[] = {
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\",\"correlationToken\":\"c1\"},"
    "\"endpoint\":{\"endpointId\":\"light#kitchen\",\"scope\":{\"type\":\"BearerToken\","
    "\"token\":\"" FZ_TOKEN "\"}},\"payload\":{}}}",
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":\"Discover\","
    "\"payloadVersion\":\"3\",\"messageId\":\"m2\"},\"payload\":{\"scope\":{\"type\":"
    "\"BearerToken\",\"token\":\"" FZ_TOKEN "\"}}}}",
};

static void check_alexa_answer(const struct smarthome_reply *out)
{
    const char *b = out->body;
    size_t n = out->len;
    ORACLE_REQUIRE(b && n == strlen(b), "no answer, or a wrong length", b, n);
    ORACLE_REQUIRE(oracle_json_strict(b, n), "the answer to Alexa is not strict JSON in UTF-8", b,
                   n);
    cJSON *j = cJSON_ParseWithLength(b, n);
    ORACLE_REQUIRE(oracle_json_unique(j), "the answer to Alexa has a duplicate member", b, n);
    const cJSON *h =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "event"), "header");
    static const char *const need[] = {"namespace", "name", "messageId", "payloadVersion"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        ORACLE_REQUIRE(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(h, need[i])),
                       "the answer to Alexa has an incomplete event.header", b, n);
    cJSON_Delete(j);
}

/* HA's reply through the Smart Home handler (see the top of the file). */
static void through_proxy(const char *text, size_t size, const struct discovery_rules *r)
{
    static struct lsrv *srv;
    static struct ha_client *ha;
    if (!srv) {
        unsetenv("http_proxy");
        unsetenv("HTTP_PROXY");
        unsetenv("all_proxy");
        srv = ls_start();
        char url[64], err[256];
        snprintf(url, sizeof url, "http://127.0.0.1:%d", srv->port);
        struct ha_settings st = {
            .base_url = url, .connect_timeout_ms = 500, .max_reply_bytes = 1u << 20};
        ha = ha_client_new(&st, err, sizeof err);
        if (!ha)
            abort();
    }
    ls_set_body(srv, text, size, "application/json");
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        struct smarthome_ctx ctx = {.ha = ha,
                                    .total_cap_ms = 2000,
                                    .margin_ms = 50,
                                    .discovery = i ? r : NULL,
                                    .reply_limits = {1u << 20, 32, 40000}};
        struct smarthome_reply out;
        if (smarthome_handle(&ctx, events[i], strlen(events[i]), NULL, &out) != 0)
            abort();
        check_alexa_answer(&out);
        smarthome_reply_free(&out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    const char *text = (const char *)data;
    (void)smarthome_reply_is_alexa_event(text, size);
    static const char *const inc[] = {"light#*", "switch#*", "*#kitchen*"};
    static const char *const exc[] = {"light#hall", "*[0-9]"};
    static const struct discovery_cap_removal caps[] = {{"light#*", "Alexa.ColorController"},
                                                        {"*", "Alexa.*Sensor"}};
    static const struct discovery_name_override names[] = {{"switch#pump", "Garden pump"}};
    static const struct discovery_category_override cats[] = {{"switch#pump", "SMARTPLUG"}};
    static const struct discovery_rules r = {inc, 3, exc, 2, caps, 2, names, 1, cats, 1};
    struct discovery_result res;
    if (discovery_rewrite_text(text, size, &r, &res) == 0 && res.rewritten) {
        if (res.count_after > res.count_before || !res.json)
            abort();
        if (oracle_json_strict(text, size)) {
            cJSON *in = cJSON_ParseWithLength(text, size);
            cJSON *outj = cJSON_ParseWithLength(res.json, res.len);
            if (oracle_json_unique(in)) {
                ORACLE_REQUIRE(oracle_json_strict(res.json, res.len),
                               "the rewrite of a strict reply is not strict", res.json, res.len);
                ORACLE_REQUIRE(oracle_json_unique(outj),
                               "the rewrite of a strict reply has a duplicate member", res.json,
                               res.len);
            }
            cJSON_Delete(in);
            cJSON_Delete(outj);
        }
        /* the rewrite must itself be a Discover.Response again */
        struct discovery_result again;
        if (discovery_rewrite_text(res.json, res.len, &r, &again) != 0 || !again.rewritten ||
            again.count_after != res.count_after)
            abort();
        discovery_result_free(&again);
    }
    discovery_result_free(&res);
    if (oracle_have_jsonguard_strict() && size <= 65536)
        through_proxy(text, size, &r);
    return 0;
}
