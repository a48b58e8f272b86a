/* handler: see handler.h. */
#include "custom/handler.h"

#include "base/clock.h"
#include "base/log.h"
#include "core/app.h"
#include "core/credentials.h"
#include "custom/dispatch.h"
#include "custom/ha.h"
#include "custom/lang.h"
#include "custom/request.h"

#include <stdio.h>
#include <string.h>

static const char *cs_error_type(enum cs_reject r)
{
    switch (r) {
    case CS_NO_SKILL_IDS:
    case CS_NO_APP_ID:
    case CS_WRONG_APP_ID:
        return "Security.SkillIdMismatch";
    case CS_BAD_TIMESTAMP:
    case CS_STALE:
        return "Security.StaleRequest";
    default:
        return "Custom.InvalidRequest";
    }
}

void custom_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                    struct gw_reply *out)
{
    out->ns = "custom";
    struct cs_request q;
    enum cs_reject rej = cs_request_parse(event, &q);
    out->name = q.intent ? q.intent : q.type_name;
    if (q.access_token)
        log_add_invocation_secret(q.access_token);
    if (rej == CS_OK) {
        struct cs_policy pol = {
            .skill_ids = (const char *const *)a->settings.skill_ids,
            .nskill_ids = a->settings.nskill_ids,
            .strict = a->cfg->strict_skill_ids,
            .tolerance_ms = a->cfg->timestamp_tolerance_ms,
        };
        rej = cs_validate(&q, &pol, clock_epoch_ms());
    }
    if (rej != CS_OK) {
        out->security_rejected = rej >= CS_NO_SKILL_IDS;
        out->error_type = cs_error_type(rej);
        snprintf(out->error_msg, sizeof out->error_msg,
                 "Custom-skill request refused (%s); Home Assistant not called",
                 cs_reject_name(rej));
        log_emit(LOG_LEVEL_WARN, "custom skill request refused",
                 LOG_STR("reason", cs_reject_name(rej)),
                 LOG_STR("application_id", q.application_id),
                 LOG_STR("request_timestamp", q.timestamp), LOG_END);
        return;
    }
    /* A failed refresh of the SSM token is an apology without calling HA. */
    bool token_unavailable;
    const char *ll =
        cred_long_lived_token(a, inv, !q.access_token && q.type == CS_INTENT, &token_unavailable);
    const char *token = q.access_token ? q.access_token : ll;
    bool limited = q.type == CS_INTENT && !cred_user_allowed(a, token);
    struct cs_ctx ctx = {
        .ha = a->ha,
        .breaker = &a->ha_breaker,
        .state_cache = a->state_cache,
        .token = token,
        .deadline_epoch_ms = inv->deadline_ms > 0 ? (uint64_t)inv->deadline_ms : 0,
        .now_epoch_ms = clock_epoch_ms,
        .total_cap_ms = a->cfg->total_timeout_ms,
        .margin_ms = a->cfg->deadline_margin_ms,
        .tts_entity = a->cfg->tts_entity,
        .media_players = a->cfg->media_players,
        .n_media_players = a->cfg->n_media_players,
        .notify_target = a->cfg->notify_target,
        .languages = a->cfg->languages,
        .n_languages = a->cfg->n_languages,
        .lang = sk_lang_choose(q.locale, a->cfg->languages, a->cfg->n_languages),
        .features = a->cfg->intent_features,
        .n_features = a->cfg->n_intent_features,
        .feature_presets = a->cfg->feature_presets,
        .n_feature_presets = a->cfg->n_feature_presets,
        .reply_limits = a->cfg->reply_limits,
    };
    struct cs_reply rep;
    if (limited) {
        memset(&rep, 0, sizeof rep);
        ctx.outcome = "rate_limited";
        sk_fill(
            rep.speech, sizeof rep.speech,
            sk_lang_choose(q.locale, a->cfg->languages, a->cfg->n_languages)->msg[SK_RATE_LIMITED],
            NULL);
        rep.end_session = true;
        out->rate_limited = true;
    } else if (token_unavailable) {
        memset(&rep, 0, sizeof rep);
        cs_apologise(&ctx, &rep, HF_UNREACHABLE);
        snprintf(ctx.note, sizeof ctx.note, "the long-lived token could not be fetched from SSM");
    } else {
        cs_dispatch(&ctx, &q, &rep);
    }
    struct cs_answer ans;
    cs_reply_answer(&rep, &ans);
    out->body = cs_response_build(&ans, &out->len);
    cs_reply_free(&rep);
    if (ctx.missing_feature)
        log_emit(LOG_LEVEL_INFO, "feature not included in this build", LOG_STR("intent", q.intent),
                 LOG_STR("feature", ctx.missing_feature),
                 LOG_STR("feature_preset_adding_it", ctx.feature_preset),
                 LOG_STR("this_build", a->cfg->health.feature_preset), LOG_END);
    bool failed = strcmp(ctx.outcome, "ha_error") == 0;
    log_emit(failed ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "custom skill",
             LOG_STR("request_type", q.type_name), LOG_STR("intent", q.intent),
             LOG_STR("outcome", ctx.outcome),
             LOG_STR("bearer_from", q.access_token ? "account_linking"
                                    : token        ? "long_lived"
                                                   : "none"),
             LOG_UINT("ha_calls", ctx.ha_calls), LOG_INT("ha_status", ctx.ha_status),
             LOG_UINT("ha_ms", ctx.ha_ms), LOG_BOOL("states_cache_hit", ctx.cache_hit),
             LOG_STR("note", ctx.note[0] ? ctx.note : NULL), LOG_END);
    if (!out->body) {
        out->error_type = "Runtime.OutOfMemory";
        snprintf(out->error_msg, sizeof out->error_msg, "could not build the answer");
    }
    out->ha_status = (int)ctx.ha_status;
    out->ha_called = ctx.ha_called;
    out->ha_ms = ctx.ha_ms;
    out->alexa_error = failed ? "HA_ERROR" : NULL;
}
