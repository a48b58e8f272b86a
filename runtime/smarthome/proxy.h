/* proxy: the Alexa Smart Home handler in proxy mode.
 *
 * A pure function of its inputs and an ha_client: classify the directive,
 * answer early errors without calling Home Assistant, otherwise POST the
 * ORIGINAL event bytes to <base>/api/alexa/smart_home within the budget and
 * map the outcome per docs/smart-home.md ("Failure → Alexa error"). No logging, no breaker
 * bookkeeping: struct smarthome_reply carries everything the caller logs and
 * feeds to the breaker.
 *
 * Mapping (branch → Alexa error):
 *   unparsable_event / no_directive / malformed_directive / bad_payload_version
 *                                     → INVALID_DIRECTIVE            (HA not called)
 *   no_token / bad_token_type         → INVALID_AUTHORIZATION_CREDENTIAL (not called)
 *   rate_limited                      → RATE_LIMIT_EXCEEDED          (not called)
 *   breaker_open / budget_exhausted   → BRIDGE_UNREACHABLE           (not called)
 *   token_unavailable (the long-lived token is needed but its SSM refresh failed)
 *                                     → BRIDGE_UNREACHABLE           (not called)
 *   passthrough (2xx + JSON object with "event", strict: see ha_reply_invalid)
 *                                     → HA's bytes unchanged
 *   ha_reply_invalid (2xx, an object with "event" that is not RFC 8259 JSON, not valid
 *            UTF-8, has a duplicate member name or an incomplete event.header: namespace,
 *            name, messageId, payloadVersion) → INTERNAL_ERROR (HA answered: breaker success)
 *   properties_filtered (context.properties / payload.change.properties of an interface
 *            the discovery rules removed from that endpoint) → rewritten without them
 *   discovery_rewritten               → rewritten Discover.Response (rules set), without
 *            the endpoints Alexa's schema rejects (endpoint_check)
 *   discovery_checked (no rules, an endpoint Alexa's schema rejects) → the reply without
 *            it (one WARN per endpoint); passthrough when every endpoint is valid
 *   ha_not_json (2xx, not JSON/no event), ha_3xx → BRIDGE_UNREACHABLE
 *   ha_401 → INVALID_AUTHORIZATION_CREDENTIAL; ha_401_expired (JWT exp passed)
 *            → EXPIRED_AUTHORIZATION_CREDENTIAL
 *   ha_403 → INVALID_AUTHORIZATION_CREDENTIAL (note: IP may be banned)
 *   ha_404 → INTERNAL_ERROR (note: alexa: smart_home: not configured or wrong base path)
 *   ha_429 → RATE_LIMIT_EXCEEDED;  ha_4xx (other) → INTERNAL_ERROR
 *   ha_500 → INTERNAL_ERROR;  ha_5xx (502/503/504/other) → BRIDGE_UNREACHABLE
 *   ha_dns / ha_connect / ha_tls / ha_timeout / ha_reset → BRIDGE_UNREACHABLE
 *   ha_too_large, ha_reply_too_complex (over http.max_reply or the JSON depth/node
 *            caps) → INTERNAL_ERROR (HA answered; the bridge could not use it)
 *   ha_invalid (local failure, nothing sent) → INTERNAL_ERROR
 * For an AcceptGrant every error is answered as Alexa.Authorization /
 * ACCEPT_GRANT_FAILED (the only type that namespace allows). */
#ifndef LEEC_SMARTHOME_PROXY_H
#define LEEC_SMARTHOME_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "smarthome/discovery.h"
#include "base/jsonguard.h"
#include "guard/breaker.h"
#include "net/ha_client.h"

#define SH_DEFAULT_PATH          "/api/alexa/smart_home"
#define SH_TOTAL_CAP_MS          7500u /* hard ceiling on one call to HA */
#define SH_DEFAULT_MIN_BUDGET_MS 100u

enum sh_token_mode {
    SH_TOKEN_ACCOUNT_LINKING = 0,       /* token from the directive (default) */
    SH_TOKEN_LONG_LIVED,                /* the configured token, always */
    SH_TOKEN_DIRECTIVE_THEN_LONG_LIVED, /* HA docs' DEBUG mode: directive token, else configured */
};

struct smarthome_ctx {
    struct ha_client *ha;
    const char *path; /* NULL: SH_DEFAULT_PATH */
    enum sh_token_mode token_mode;
    const char *long_lived_token; /* for LONG_LIVED / DIRECTIVE_THEN_LONG_LIVED */
    bool long_lived_unavailable;  /* its refresh (SSM) failed: → BRIDGE_UNREACHABLE when needed */
    uint64_t deadline_epoch_ms;   /* Lambda deadline; 0: unknown (cap only) */
    uint64_t (*now_epoch_ms)(void); /* NULL: now_ms below, or the real clock if that is 0 */
    uint64_t now_ms;
    uint32_t total_cap_ms;                   /* 0 or > 7500: 7500 */
    uint32_t margin_ms;                      /* kept back before the deadline for answering */
    uint32_t min_budget_ms;                  /* below this, don't call; 0: 100 */
    bool breaker_open;                       /* → BRIDGE_UNREACHABLE, no call */
    bool rate_limited;                       /* → RATE_LIMIT_EXCEEDED, no call */
    const struct discovery_rules *discovery; /* NULL/empty: Discover.Response passed through */
    /* Caps on Home Assistant's reply tree (the compiled http.max_reply and security.max_json_*,
   * which the memory estimate counts); max_nodes 0: no caps (unit tests only). */
    struct jsonguard_limits reply_limits;
};

struct smarthome_reply {
    char *body; /* malloc'd response for Alexa (smarthome_reply_free) */
    size_t len;
    const char *error_type; /* NULL when HA's reply is passed through */
    const char *error_namespace;
    const char *branch;          /* static string, see the table above */
    char note[256];              /* log detail; never a token */
    const char *directive_class; /* sh_class_name() */
    const char *token_source;    /* "endpoint.scope" | ... | "long_lived" | NULL */
    bool ha_called;
    enum ha_outcome ha_outcome;
    long ha_status;
    size_t ha_bytes;
    uint32_t ha_ms, connect_ms;
    unsigned attempts;
    bool bytes_sent_maybe;
    uint64_t budget_ms;
    enum breaker_outcome breaker; /* core/ha_breaker.h; BREAKER_NOT_CALLED: HA not called */
    size_t discovery_before, discovery_after;
    size_t discovery_dropped; /* endpoints Alexa's schema rejects (endpoint_check) */
    bool discovery_over_limit;
};

/* event/event_len: the raw event bytes (forwarded unchanged). parsed_event:
 * the caller's parse of them, or NULL (then parsed here). Returns 0 with
 * out->body set, -1 when out of memory. */
int smarthome_handle(const struct smarthome_ctx *ctx, const char *event, size_t event_len,
                     cJSON *parsed_event, struct smarthome_reply *out);
void smarthome_reply_free(struct smarthome_reply *out);

/* The first test a 2xx body from HA meets: true when cJSON reads a JSON object with
 * an "event" object (then passed through only if also strict, see ha_reply_invalid),
 * false otherwise (→ BRIDGE_UNREACHABLE). */
bool smarthome_reply_is_alexa_event(const char *body, size_t len);

#endif
