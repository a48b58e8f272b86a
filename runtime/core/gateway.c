/* gateway: see gateway.h. The handlers live in app.c; gateway_classify in
 * gateway_classify.c (so it links without app.c). */
#include "core/gateway.h"

#include "core/app.h"

static const struct gw_route routes[] = {
    {EV_SMART_HOME, "smart_home", app_handle_smart_home},
    {EV_CUSTOM_SKILL, "custom_skill", app_handle_custom_skill},
    {EV_HEALTH, "health", app_handle_health},
    {EV_UNKNOWN, "unknown", app_handle_unknown},
};

const struct gw_route *gateway_route(enum event_kind kind)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (routes[i].kind == kind)
            return &routes[i];
    return &routes[sizeof routes / sizeof routes[0] - 1];
}
