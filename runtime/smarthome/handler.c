/* handler: see handler.h. */
#include "smarthome/handler.h"

#include "base/clock.h"
#include "base/log.h"
#include "core/app.h"
#include "core/credentials.h"
#include "smarthome/directive.h"
#include "smarthome/proxy.h"

#include <stdio.h>
#include <string.h>

void smarthome_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                       struct gw_reply *out)
{
    struct sh_directive dir;
    sh_directive_inspect(event, &dir);
    if (dir.token) /* redacted from every log line of this invocation, whatever its key */
        log_add_invocation_secret(dir.token);
    out->ns = dir.namespace_;
    out->name = dir.name;
    out->endpoint_id = dir.endpoint_id;
    bool limited = dir.token && !cred_user_allowed(a, dir.token);
    /* A failed refresh of the SSM token answers BRIDGE_UNREACHABLE: no stale token. */
    bool token_unavailable;
    const char *ll = cred_long_lived_token(
        a, inv, dir.cls == SH_OK || dir.cls == SH_NO_TOKEN || dir.cls == SH_BAD_TOKEN_TYPE,
        &token_unavailable);
    bool allowed = !limited && breaker_allow(&a->ha_breaker);
    struct smarthome_ctx ctx = {
        .ha = a->ha,
        .token_mode = a->settings.token_mode,
        .long_lived_token = ll,
        .long_lived_unavailable = token_unavailable,
        .deadline_epoch_ms = inv->deadline_ms > 0 ? (uint64_t)inv->deadline_ms : 0,
        .now_epoch_ms = clock_epoch_ms,
        .total_cap_ms = a->cfg->total_timeout_ms,
        .margin_ms = a->cfg->deadline_margin_ms,
        .breaker_open = !limited && !allowed,
        .rate_limited = limited,
        .discovery = discovery_rules_empty(&a->cfg->discovery) ? NULL : &a->cfg->discovery,
        .reply_limits = a->cfg->reply_limits,
    };
    struct smarthome_reply rep;
    smarthome_handle(&ctx, inv->event, inv->event_len, event, &rep);
    if (allowed) /* a call not made gives back the slot breaker_allow took */
        breaker_record(&a->ha_breaker, rep.breaker);
    if (rep.ha_status == 401) /* HA rejects this token: nothing cached under it is served */
        cache_forget_token(
            a->state_cache,
            rep.token_source && strcmp(rep.token_source, "long_lived") == 0 ? ll : dir.token);
    log_emit(rep.error_type ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "smart home branch",
             LOG_STR("branch", rep.branch), LOG_STR("directive_class", rep.directive_class),
             LOG_STR("bearer_from", rep.token_source), LOG_INT("ha_status", rep.ha_status),
             LOG_STR("ha_outcome", rep.ha_called ? ha_outcome_name(rep.ha_outcome) : "not_called"),
             LOG_UINT("ha_bytes", rep.ha_bytes), LOG_UINT("ha_ms", rep.ha_ms),
             LOG_UINT("attempts", rep.attempts), LOG_UINT("budget_ms", rep.budget_ms),
             LOG_STR("note", rep.note[0] ? rep.note : NULL), LOG_END);
    if (rep.discovery_before || rep.discovery_after)
        log_emit(rep.discovery_over_limit ? LOG_LEVEL_WARN : LOG_LEVEL_INFO, "discovery",
                 LOG_UINT("endpoints_from_ha", rep.discovery_before),
                 LOG_UINT("endpoints_sent", rep.discovery_after),
                 LOG_UINT("endpoints_dropped", rep.discovery_dropped), LOG_UINT("bytes", rep.len),
                 LOG_BOOL("over_alexa_limit_300", rep.discovery_over_limit), LOG_END);
    out->body = rep.body;
    out->len = rep.len;
    rep.body = NULL;
    out->alexa_error = rep.error_type;
    out->ha_status = (int)rep.ha_status;
    out->ha_called = rep.ha_called;
    out->ha_ms = rep.ha_ms;
    out->breaker_open = ctx.breaker_open;
    out->rate_limited = limited;
    smarthome_reply_free(&rep);
}
