/* handler: the Custom-skill route of the gateway — the request parsed and
 * validated (custom/request.c), rate-limited per user, dispatched to its intent
 * (custom/dispatch.c) and answered; logs the outcome. Refusals by security checks
 * (application id, timestamp) and malformed requests are answered with an
 * invocation error, the way Alexa expects a skill to refuse a request that is not
 * meant for it: Alexa then tells the user there was a problem with the skill, and
 * Home Assistant is never called. See docs/custom-skill.md. */
#ifndef LEEC_CUSTOM_HANDLER_H
#define LEEC_CUSTOM_HANDLER_H

#include "core/gateway.h"

void custom_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                    struct gw_reply *out);

#endif
