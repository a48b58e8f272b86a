/* libFuzzer: the input is Home Assistant's reply body. Runs the reply
 * classification and the discovery rewrite with a few rules. No network.
 * Oracle (fuzz/oracle.h): a rewrite of a strict reply (RFC 8259, valid UTF-8, no
 * duplicate member) is strict too, and rewriting it again changes nothing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/discovery.h"
#include "smarthome/proxy.h"

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    return 0;
}
