/* gateway: one static dispatch table from event kind to handler. The kind is
 * decided from the parsed event's shape; an unknown shape gets an invocation
 * error with errorType Gateway.UnknownEvent. */
#ifndef LEEC_GATEWAY_H
#define LEEC_GATEWAY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum event_kind { EV_SMART_HOME, EV_CUSTOM_SKILL, EV_HEALTH, EV_PROBE, EV_UNKNOWN };

/* What a handler produced: a response body, or an invocation error. */
struct gw_reply {
    char *body; /* malloc'd response JSON; NULL for an invocation error */
    size_t len;
    const char *error_type; /* invocation error type (Category.Reason) when body is NULL */
    char error_msg[256];
    /* for the summary line and metrics */
    const char *ns, *name, *endpoint_id;
    const char *alexa_error; /* mapped Alexa error type, NULL on success */
    int ha_status;
    bool ha_called;
    double ha_ms;
    bool breaker_open, rate_limited, security_rejected;
};

struct app;
struct rapi_invocation;
typedef void (*gw_handler)(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                           struct gw_reply *out);

struct gw_route {
    enum event_kind kind;
    const char *name; /* "smart_home", ... (summary lines, health) */
    gw_handler handler;
};

enum event_kind gateway_classify(const cJSON *event);
/* The route of kind (EV_UNKNOWN's for a kind without one). The handlers are
 * smarthome/handler.c, custom/handler.c, core/health.c, core/probe.c and
 * gateway_unknown. */
const struct gw_route *gateway_route(enum event_kind kind);
/* An event of no known shape: Gateway.UnknownEvent. */
void gateway_unknown(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                     struct gw_reply *out);

#endif
