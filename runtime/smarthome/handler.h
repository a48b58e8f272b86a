/* handler: the Smart Home route of the gateway — a directive, checked and
 * rate-limited per user, proxied to Home Assistant (smarthome/proxy.c) behind the
 * breaker, with the SSM token refreshed when due; logs the branch taken. */
#ifndef LEEC_SMARTHOME_HANDLER_H
#define LEEC_SMARTHOME_HANDLER_H

#include "core/gateway.h"

void smarthome_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                       struct gw_reply *out);

#endif
