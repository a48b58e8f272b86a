/* proxy: see proxy.h. */
#include "smarthome/proxy.h"

#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ha_breaker.h"
#include "smarthome/alexa_error.h"
#include "smarthome/directive.h"
#include "smarthome/endpoint_check.h"

static uint64_t ctx_now(const struct smarthome_ctx *ctx)
{
    if (ctx->now_epoch_ms)
        return ctx->now_epoch_ms();
    if (ctx->now_ms)
        return ctx->now_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Builds the ErrorResponse; AcceptGrant errors become ACCEPT_GRANT_FAILED. */
static int fail(struct smarthome_reply *out, const cJSON *ev, bool accept_grant,
                enum alexa_error_type t, const char *branch, const char *message)
{
    if (accept_grant)
        t = ALEXA_ERR_ACCEPT_GRANT_FAILED;
    out->branch = branch;
    out->error_type = alexa_error_type_name(t);
    out->error_namespace = alexa_error_type_namespace(t);
    out->body = alexa_error_response_t(ev, t, message, &out->len);
    return out->body ? 0 : -1;
}

static bool reply_has_event(const cJSON *j)
{
    return cJSON_IsObject(j) && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "event"));
}

bool smarthome_reply_is_alexa_event(const char *body, size_t len)
{
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    bool ok = reply_has_event(j);
    cJSON_Delete(j);
    return ok;
}

/* The note is logged: composed in full, then redacted, then cut (a cut first could
 * leave a prefix of a secret no rule recognises). */
__attribute__((format(printf, 2, 3))) static void notef(struct smarthome_reply *out,
                                                        const char *fmt, ...)
{
    char full[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(full, sizeof full, fmt, ap);
    va_end(ap);
    log_redact_copy(out->note, sizeof out->note, full, strlen(full));
}

static bool header_str(const cJSON *hdr, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(hdr, key);
    return cJSON_IsString(v) && v->valuestring && v->valuestring[0];
}

/* NULL when HA's reply may go to Alexa: strict RFC 8259 JSON in valid UTF-8, no
 * duplicate member names, a complete event.header. Otherwise why not (static text or
 * jerr->msg; never any of the reply's bytes). */
static const char *reply_not_strict(const char *body, size_t len, const cJSON *reply,
                                    struct jsonguard_error *jerr)
{
    if (jsonguard_strict(body, len, jerr) != 0 || jsonguard_duplicate_key(reply, jerr) != 0)
        return jerr->msg;
    const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(reply, "event"), "header");
    if (!cJSON_IsObject(hdr) || !header_str(hdr, "namespace") || !header_str(hdr, "name") ||
        !header_str(hdr, "messageId") || !header_str(hdr, "payloadVersion"))
        return "event.header lacks namespace, name, messageId or payloadVersion";
    return NULL;
}

static int on_success(const struct smarthome_ctx *ctx, struct smarthome_reply *out, const cJSON *ev,
                      const struct sh_directive *d, struct ha_result *res)
{
    struct jsonguard_error jerr = {0};
    cJSON *reply = ctx->reply_limits.max_nodes
                       ? jsonguard_parse(res->body, res->body_len, &ctx->reply_limits, &jerr)
                       : cJSON_ParseWithLength(res->body, res->body_len);
    if (!reply && jerr.kind != JSONGUARD_OK && jerr.kind != JSONGUARD_SYNTAX) {
        /* Over the compiled caps: HA is alive, but its reply cannot be handled in budget. */
        out->breaker = BREAKER_SUCCESS;
        notef(out, "Home Assistant reply over the compiled caps: %s", jerr.msg);
        return fail(out, ev, d->is_accept_grant, ALEXA_ERR_INTERNAL_ERROR, "ha_reply_too_complex",
                    "Home Assistant's reply is larger or deeper than this build accepts");
    }
    if (!reply_has_event(reply)) {
        cJSON_Delete(reply);
        out->breaker = BREAKER_TRANSPORT_ERROR; /* a 2xx that is not HA's: a proxy's page */
        notef(out,
              "HA answered %ld but not with an Alexa event (content-type %s): proxy or login page?",
              res->http_status, res->content_type[0] ? res->content_type : "none");
        return fail(out, ev, d->is_accept_grant, ALEXA_ERR_BRIDGE_UNREACHABLE, "ha_not_json",
                    "Home Assistant did not answer with an Alexa message");
    }
    out->breaker = BREAKER_SUCCESS;
    const char *bad = reply_not_strict(res->body, res->body_len, reply, &jerr);
    if (bad) {
        /* HA answered (alive), but with bytes Alexa's schema does not accept. */
        cJSON_Delete(reply);
        notef(out, "Home Assistant's reply is not a valid Alexa message: %s", bad);
        return fail(out, ev, d->is_accept_grant, ALEXA_ERR_INTERNAL_ERROR, "ha_reply_invalid",
                    "Home Assistant's reply is not a valid Alexa message");
    }
    if (d->is_discovery && !discovery_rules_empty(ctx->discovery) && discovery_is_response(reply)) {
        struct discovery_result dr;
        int rc = discovery_rewrite(reply, ctx->discovery, &dr);
        /* after the rules: an override may have fixed what the check rejects */
        size_t rejected = rc == 0 ? endpoint_check_reply(reply) : 0;
        if (rejected) {
            discovery_result_free(&dr);
            dr.json = cJSON_PrintUnformatted(reply);
            dr.len = dr.json ? strlen(dr.json) : 0;
            rc = dr.json ? 0 : -1;
        }
        cJSON_Delete(reply);
        if (rc != 0) {
            discovery_result_free(&dr);
            return -1;
        }
        out->discovery_before = dr.count_before;
        out->discovery_after = dr.count_after - rejected;
        out->discovery_dropped = rejected;
        out->discovery_over_limit = dr.over_limit;
        notef(out, "discovery: %zu endpoints, %zu after rules, %zu rejected by Alexa's schema%s",
              dr.count_before, dr.count_after, rejected,
              dr.over_limit ? " (over Alexa's 300 limit)" : "");
        out->branch = "discovery_rewritten";
        out->body = dr.json;
        out->len = dr.len;
        return 0;
    }
    cJSON *eps = endpoint_check_endpoints(reply);
    if (eps) {
        /* Discover.Response (or AddOrUpdateReport): an endpoint Alexa's schema rejects
         * would make Alexa discard every device; it goes, the others stay */
        size_t n = (size_t)cJSON_GetArraySize(eps);
        size_t rejected = endpoint_check_reply(reply);
        out->discovery_before = n;
        out->discovery_after = n - rejected;
        out->discovery_dropped = rejected;
        out->discovery_over_limit = n > DISCOVERY_ALEXA_MAX_ENDPOINTS;
        if (rejected) {
            char *txt = cJSON_PrintUnformatted(reply);
            cJSON_Delete(reply);
            if (!txt)
                return -1;
            notef(out, "discovery: %zu endpoints, %zu rejected by Alexa's schema%s", n, rejected,
                  out->discovery_over_limit ? " (over Alexa's 300 limit)" : "");
            out->branch = "discovery_checked";
            out->body = txt;
            out->len = strlen(txt);
            return 0;
        }
    }
    size_t dropped = d->is_discovery ? 0 : discovery_filter_properties(reply, ctx->discovery);
    if (dropped) {
        /* properties of interfaces the rules removed from Discovery: rewritten without them */
        char *txt = cJSON_PrintUnformatted(reply);
        cJSON_Delete(reply);
        if (!txt)
            return -1;
        notef(out, "%zu propert%s of interfaces removed from Discovery dropped", dropped,
              dropped == 1 ? "y" : "ies");
        out->branch = "properties_filtered";
        out->body = txt;
        out->len = strlen(txt);
        return 0;
    }
    cJSON_Delete(reply);
    /* byte for byte: hand HA's buffer over */
    out->branch = "passthrough";
    out->body = res->body;
    out->len = res->body_len;
    res->body = NULL;
    res->body_len = 0;
    return 0;
}

static int map_result(const struct smarthome_ctx *ctx, struct smarthome_reply *out, const cJSON *ev,
                      const struct sh_directive *d, const char *token, struct ha_result *res)
{
    bool ag = d->is_accept_grant;
    long st = res->http_status;
    out->breaker = ha_breaker_outcome(res);
    switch (res->outcome) {
    case HA_OK:
        return on_success(ctx, out, ev, d, res);
    case HA_HTTP_ERROR:
        break;
    case HA_DNS_FAILED:
    case HA_CONNECT_FAILED:
    case HA_TLS_FAILED:
    case HA_RESET:
    case HA_TIMEOUT: {
        static const char *const names[] = {[HA_DNS_FAILED] = "ha_dns",
                                            [HA_CONNECT_FAILED] = "ha_connect",
                                            [HA_TLS_FAILED] = "ha_tls",
                                            [HA_RESET] = "ha_reset",
                                            [HA_TIMEOUT] = "ha_timeout"};
        notef(out, "%s after %u attempt(s): %s%s", ha_outcome_name(res->outcome), res->attempts,
              res->error,
              res->outcome == HA_TLS_FAILED ? " (set a CA bundle for a private certificate)" : "");
        return fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, names[res->outcome],
                    "Home Assistant could not be reached");
    }
    case HA_REPLY_TOO_LARGE:
        notef(out, "HA reply exceeds max_reply_bytes");
        return fail(out, ev, ag, ALEXA_ERR_INTERNAL_ERROR, "ha_too_large",
                    "Home Assistant's reply was too large");
    case HA_INVALID:
    default:
        notef(out, "request not sent: %s", res->error);
        return fail(out, ev, ag, ALEXA_ERR_INTERNAL_ERROR, "ha_invalid", "internal error");
    }

    if (st == 401) {
        if (jwt_visibly_expired(token, ctx_now(ctx) / 1000u)) {
            notef(out, "HA 401: token expired");
            return fail(out, ev, ag, ALEXA_ERR_EXPIRED_AUTHORIZATION_CREDENTIAL, "ha_401_expired",
                        "the access token has expired");
        }
        notef(out, "HA 401: token rejected");
        return fail(out, ev, ag, ALEXA_ERR_INVALID_AUTHORIZATION_CREDENTIAL, "ha_401",
                    "Home Assistant rejected the access token");
    }
    if (st == 403) {
        notef(out, "HA 403: ip may be banned (after failed logins; see ip_bans.yaml)");
        return fail(out, ev, ag, ALEXA_ERR_INVALID_AUTHORIZATION_CREDENTIAL, "ha_403",
                    "Home Assistant refused the request");
    }
    if (st == 404) {
        notef(out, "HA 404: alexa: smart_home: not configured or wrong base path");
        return fail(out, ev, ag, ALEXA_ERR_INTERNAL_ERROR, "ha_404",
                    "Home Assistant's Alexa Smart Home API was not found");
    }
    if (st == 429) {
        notef(out, "HA (or a proxy in front) 429");
        return fail(out, ev, ag, ALEXA_ERR_RATE_LIMIT_EXCEEDED, "ha_429", "too many requests");
    }
    if (st == 500) {
        notef(out, "HA 500 (bad payloadVersion or invalid JSON?)");
        return fail(out, ev, ag, ALEXA_ERR_INTERNAL_ERROR, "ha_500",
                    "Home Assistant failed to handle the directive");
    }
    if (st >= 500) {
        notef(out, "HA %ld (proxy or HA down)", st);
        return fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, "ha_5xx",
                    "Home Assistant could not be reached");
    }
    if (st >= 400) {
        notef(out, "HA %ld", st);
        return fail(out, ev, ag, ALEXA_ERR_INTERNAL_ERROR, "ha_4xx",
                    "Home Assistant refused the directive");
    }
    notef(out, "HA answered %ld (redirect to a login page?)", st);
    return fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, "ha_3xx",
                "Home Assistant could not be reached");
}

int smarthome_handle(const struct smarthome_ctx *ctx, const char *event, size_t event_len,
                     cJSON *parsed_event, struct smarthome_reply *out)
{
    memset(out, 0, sizeof *out);
    out->ha_outcome = HA_INVALID;
    out->breaker = BREAKER_NOT_CALLED;
    cJSON *own = NULL;
    const cJSON *ev = parsed_event;
    if (!ev && event)
        ev = own = cJSON_ParseWithLength(event, event_len);
    int rc;
    struct sh_directive d;
    sh_directive_inspect(ev, &d);
    out->directive_class = sh_class_name(d.cls);
    bool ag = d.is_accept_grant;

    if (!ev) {
        rc = fail(out, NULL, false, ALEXA_ERR_INVALID_DIRECTIVE, "unparsable_event",
                  "the event is not valid JSON");
        goto done;
    }
    if (d.cls == SH_NO_DIRECTIVE || d.cls == SH_MALFORMED || d.cls == SH_BAD_PAYLOAD_VERSION) {
        rc = fail(out, ev, ag, ALEXA_ERR_INVALID_DIRECTIVE, sh_class_name(d.cls),
                  d.cls == SH_BAD_PAYLOAD_VERSION ? "only payloadVersion 3 is supported"
                                                  : "not an Alexa Smart Home directive");
        goto done;
    }

    /* token */
    const char *token = NULL;
    const char *llt =
        ctx->long_lived_token && *ctx->long_lived_token ? ctx->long_lived_token : NULL;
    switch (ctx->token_mode) {
    case SH_TOKEN_LONG_LIVED:
        token = llt;
        break;
    case SH_TOKEN_DIRECTIVE_THEN_LONG_LIVED:
        /* like HA's own function: a scope with a wrong type is an error even here */
        token = d.cls == SH_OK ? d.token : d.cls == SH_NO_TOKEN ? llt : NULL;
        break;
    case SH_TOKEN_ACCOUNT_LINKING:
    default:
        token = d.cls == SH_OK ? d.token : NULL;
        break;
    }
    out->token_source = token == NULL ? NULL : token == llt ? "long_lived" : d.token_source;
    if (!token) {
        const char *branch = d.cls == SH_BAD_TOKEN_TYPE ? "bad_token_type" : "no_token";
        rc = fail(out, ev, ag, ALEXA_ERR_INVALID_AUTHORIZATION_CREDENTIAL, branch,
                  d.cls == SH_BAD_TOKEN_TYPE ? "the scope is not a BearerToken"
                                             : "no access token in the directive");
        if (ctx->token_mode == SH_TOKEN_LONG_LIVED)
            notef(out, "no long-lived token configured");
        goto done;
    }
    if (token == llt && ctx->long_lived_unavailable) {
        notef(out, "the long-lived token could not be fetched from SSM");
        rc = fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, "token_unavailable",
                  "the bridge could not get its Home Assistant token");
        goto done;
    }
    if (ctx->rate_limited) {
        rc = fail(out, ev, ag, ALEXA_ERR_RATE_LIMIT_EXCEEDED, "rate_limited",
                  "too many requests, try again later");
        goto done;
    }
    if (ctx->breaker_open) {
        rc = fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, "breaker_open",
                  "Home Assistant is unavailable");
        goto done;
    }

    /* budget = min(deadline - now - margin, cap) */
    uint64_t cap = ctx->total_cap_ms && ctx->total_cap_ms <= SH_TOTAL_CAP_MS ? ctx->total_cap_ms
                                                                             : SH_TOTAL_CAP_MS;
    uint64_t budget = cap;
    if (ctx->deadline_epoch_ms) {
        uint64_t now = ctx_now(ctx);
        uint64_t until = ctx->deadline_epoch_ms > now ? ctx->deadline_epoch_ms - now : 0;
        uint64_t left = until > ctx->margin_ms ? until - ctx->margin_ms : 0;
        if (left < budget)
            budget = left;
    }
    out->budget_ms = budget;
    uint32_t min_budget = ctx->min_budget_ms ? ctx->min_budget_ms : SH_DEFAULT_MIN_BUDGET_MS;
    if (budget < min_budget) {
        notef(out, "only %llu ms left before the deadline", (unsigned long long)budget);
        rc = fail(out, ev, ag, ALEXA_ERR_BRIDGE_UNREACHABLE, "budget_exhausted",
                  "no time left to reach Home Assistant");
        goto done;
    }

    struct ha_result res;
    out->ha_called = true;
    ha_client_post_json(ctx->ha, ctx->path ? ctx->path : SH_DEFAULT_PATH, token, event, event_len,
                        budget, &res);
    out->ha_outcome = res.outcome;
    out->ha_status = res.http_status;
    out->ha_bytes = res.body_len;
    out->ha_ms = res.total_ms;
    out->connect_ms = res.connect_ms;
    out->attempts = res.attempts;
    out->bytes_sent_maybe = res.bytes_sent_maybe;
    if (res.outcome == HA_INVALID && res.attempts == 0)
        out->ha_called = false;
    rc = map_result(ctx, out, ev, &d, token, &res);
    ha_result_free(&res);

done:
    cJSON_Delete(own);
    return rc;
}

void smarthome_reply_free(struct smarthome_reply *out)
{
    if (!out)
        return;
    free(out->body);
    out->body = NULL;
    out->len = 0;
}
