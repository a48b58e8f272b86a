/* gateway: see gateway.h. */
#include "core/gateway.h"

#include "core/health.h"
#include "core/probe.h"
#include "custom/handler.h"
#include "smarthome/handler.h"

#include <stdio.h>

static const struct gw_route routes[] = {
    {EV_SMART_HOME, "smart_home", smarthome_handler},
    {EV_CUSTOM_SKILL, "custom_skill", custom_handler},
    {EV_HEALTH, "health", health_handler},
    {EV_PROBE, "probe", probe_handler},
    {EV_UNKNOWN, "unknown", gateway_unknown},
};

enum event_kind gateway_classify(const cJSON *event)
{
    if (!cJSON_IsObject(event))
        return EV_UNKNOWN;
    const cJSON *hc = cJSON_GetObjectItemCaseSensitive(event, "health_check");
    if (cJSON_IsTrue(hc))
        return EV_HEALTH;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(event, "leec_probe")))
        return EV_PROBE;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(event, "directive")))
        return EV_SMART_HOME;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(event, "request")) &&
        cJSON_IsString(cJSON_GetObjectItemCaseSensitive(event, "version")))
        return EV_CUSTOM_SKILL;
    return EV_UNKNOWN;
}

const struct gw_route *gateway_route(enum event_kind kind)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (routes[i].kind == kind)
            return &routes[i];
    return &routes[sizeof routes / sizeof routes[0] - 1];
}

void gateway_unknown(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                     struct gw_reply *out)
{
    (void)a;
    (void)inv;
    (void)event;
    out->error_type = "Gateway.UnknownEvent";
    snprintf(out->error_msg, sizeof out->error_msg,
             "not an Alexa Smart Home directive, an Alexa Custom skill request or "
             "{\"health_check\": true} or {\"leec_probe\": true}");
}
