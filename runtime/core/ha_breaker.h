/* ha_breaker: what a call to Home Assistant did, as its circuit breaker counts it. The
 * one mapping both skills use (smarthome/proxy.c, custom/ha.c):
 *   nothing sent (HA_INVALID)                    not called: the slot is given back
 *   2xx, or a reply over max_reply               success: Home Assistant answered
 *   4xx                                          success (the breaker counts 4xx so)
 *   5xx                                          HTTP 5xx
 *   1xx/3xx (a redirect: a proxy or login page)  transport error: HA was not reached
 *   timeout                                      timeout
 *   DNS, connect, TLS, reset                     transport error */
#ifndef LEEC_HA_BREAKER_H
#define LEEC_HA_BREAKER_H

#include "guard/breaker.h"
#include "net/ha_client.h"

enum breaker_outcome ha_breaker_outcome(const struct ha_result *res);

#endif
