/* gateway_classify: the event-kind decision of the gateway (see gateway.h), in a file
 * of its own so code that only classifies (the fuzz target, unit tests) links it from
 * leec_rt without pulling the handlers in app.c and the compiled tables they use. */
#include "core/gateway.h"

enum event_kind gateway_classify(const cJSON *event)
{
    if (!cJSON_IsObject(event))
        return EV_UNKNOWN;
    const cJSON *hc = cJSON_GetObjectItemCaseSensitive(event, "health_check");
    if (cJSON_IsTrue(hc))
        return EV_HEALTH;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(event, "directive")))
        return EV_SMART_HOME;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(event, "request")) &&
        cJSON_IsString(cJSON_GetObjectItemCaseSensitive(event, "version")))
        return EV_CUSTOM_SKILL;
    return EV_UNKNOWN;
}
