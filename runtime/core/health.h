/* health: the answer to {"health_check": true} — build, budget, memory,
 * breakers, caches and counters. */
#ifndef LEEC_HEALTH_H
#define LEEC_HEALTH_H

#include "core/gateway.h"

void health_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                    struct gw_reply *out);

#endif
