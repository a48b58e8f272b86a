/* probe: the answer to {"leec_probe": true} — can this function reach Home Assistant?
 * Checked from where the function runs, in order, stopping at the first failure: DNS
 * of the HA host, TCP connect, TLS verification (certificate subject and expiry), the
 * token (GET /api/: 200 vs 401) and HA's Alexa Smart Home endpoint (GET on the
 * POST-only /api/alexa/smart_home: 405 = it exists, 404 = `alexa: smart_home:` is
 * missing; nothing is ever posted to it). Each check has its time and a finding; a
 * failure has a remedy. The token never appears in the answer or a log line.
 *
 * Answer: {"leec_probe": 1, "ok": bool, "url": HA base URL, "checks": [{"check":
 * "dns"|"tcp"|"tls"|"token"|"alexa_endpoint", "ok": bool, "ms": n, "finding": text}],
 * "remedy": text (when not ok)}. With "scheduled": true (the hourly rule leec deploy makes),
 * a failure is an invocation error Probe.Failed instead, so Lambda's Errors metric and its
 * alarm see it. docs/deploy.md "Probe". */
#ifndef LEEC_PROBE_H
#define LEEC_PROBE_H

#include "core/gateway.h"

void probe_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                   struct gw_reply *out);

#endif
