/* app: see app.h. */
#include "core/app.h"

#include "abi.h"
#include "base/clock.h"
#include "base/secret.h"
#include "custom/dispatch.h"
#include "custom/request.h"
#include "base/jsonguard.h"
#include "base/log.h"
#include "base/memstat.h"
#include "smarthome/directive.h"
#include "smarthome/proxy.h"
#include "net/ssm.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum log_level level_of(enum leec_logging_level l)
{
    switch (l) {
    case LEEC_LOGGING_LEVEL_TRACE:
        return LOG_LEVEL_TRACE;
    case LEEC_LOGGING_LEVEL_DEBUG:
        return LOG_LEVEL_DEBUG;
    case LEEC_LOGGING_LEVEL_INFO:
        return LOG_LEVEL_INFO;
    case LEEC_LOGGING_LEVEL_WARN:
        return LOG_LEVEL_WARN;
    default:
        return LOG_LEVEL_ERROR;
    }
}

static enum cache_evict evict_of(enum leec_cache_eviction e)
{
    return e == LEEC_CACHE_EVICTION_LRU             ? CACHE_EVICT_LRU
           : e == LEEC_CACHE_EVICTION_LRU_TTL_FIRST ? CACHE_EVICT_LRU_TTL_FIRST
                                                    : CACHE_EVICT_LFU_LRU;
}

static struct jsonguard_limits event_limits(void)
{
    struct jsonguard_limits l = {
        .max_bytes = (size_t)leec_config.lambda.max_event,
        .max_depth = (size_t)leec_config.security.max_json_depth,
        .max_nodes = (size_t)leec_config.security.max_json_nodes,
    };
    if (l.max_depth > JSONGUARD_DEPTH_MAX)
        l.max_depth = JSONGUARD_DEPTH_MAX;
    return l;
}

/* Home Assistant replies: the same depth and node caps as events (the memory model
 * counts one tree of each), and http.max_reply bytes. */
static struct jsonguard_limits reply_limits(void)
{
    struct jsonguard_limits l = event_limits();
    l.max_bytes = (size_t)leec_config.http.max_reply;
    return l;
}

/* Reads a secret for an extra header from the environment or SSM. */
static char *fetch_secret(struct app *a, const struct leec_secret_ref *ref, uint32_t timeout_ms,
                          const char **etype, char *why, size_t whylen);

int app_init(struct app *a, const char **error_type, char *why, size_t whylen)
{
    uint64_t t0 = clock_mono_ms();
    memset(a, 0, sizeof *a);
    a->cold = true;
    /* The function's real memory size (it may differ from the compiled one). */
    double limit = (double)leec_config.lambda.memory_mb * 1048576.0;
    const char *ms = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    if (ms && atoi(ms) > 0)
        limit = atoi(ms) * 1048576.0;
    a->pressure_threshold = leec_config.cache.pressure_ratio * limit;
    const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
    struct log_settings ls = {
        .service = fn ? fn : "leec",
        .function_name = fn,
        .function_version = getenv("AWS_LAMBDA_FUNCTION_VERSION"),
        .min_level = level_of(leec_config.logging.level),
        .format = leec_config.logging.format == LEEC_LOGGING_FORMAT_TEXT ? LOG_FORMAT_TEXT
                                                                         : LOG_FORMAT_JSON,
        .line_cap = (size_t)leec_config.logging.line_max < LOG_LINE_MIN
                        ? LOG_LINE_MIN
                        : (size_t)leec_config.logging.line_max,
        .caller_info = leec_config.logging.caller_info,
    };
    log_init(&ls);
    *error_type = "Runtime.ConfigError";
    if (log_apply_env() != 0) {
        snprintf(why, whylen, "AWS_LAMBDA_LOG_LEVEL or AWS_LAMBDA_LOG_FORMAT has an invalid value");
        return -1;
    }
    if (settings_load(&a->settings, why, whylen) != 0)
        return -1;
    if (a->settings.debug)
        log_set_level(LOG_LEVEL_DEBUG);
    if (a->settings.long_lived_token)
        log_add_secret(a->settings.long_lived_token);

    struct breaker_config hb = {(uint32_t)leec_config.circuit_breaker.ha_failures,
                                leec_config.circuit_breaker.ha_recovery_ms,
                                (uint32_t)leec_config.circuit_breaker.ha_probes};
    struct breaker_config sb = {(uint32_t)leec_config.circuit_breaker.ssm_failures,
                                leec_config.circuit_breaker.ssm_recovery_ms,
                                (uint32_t)leec_config.circuit_breaker.ssm_probes};
    breaker_init(&a->ha_breaker, "home_assistant", &hb);
    breaker_init(&a->ssm_breaker, "ssm", &sb);
    if (leec_config.security.rate_limit) {
        struct ratelimit_config rc = {(uint32_t)leec_config.security.rate_burst,
                                      (uint32_t)leec_config.security.rate_per_minute,
                                      (uint32_t)leec_config.security.rate_users};
        a->rl = ratelimit_new(&rc);
    }
    if (leec_config.cache.enabled) {
        if (leec_config.cache.state_pool) {
            struct cache_pool_config c = {"state", (size_t)leec_config.cache.state_pool,
                                          (uint32_t)leec_config.cache.max_entries,
                                          leec_config.cache.ttl_ms,
                                          evict_of(leec_config.cache.eviction)};
            a->state_cache = cache_pool_new(&c);
        }
        if (leec_config.cache.response_pool) {
            struct cache_pool_config c = {"response", (size_t)leec_config.cache.response_pool,
                                          (uint32_t)leec_config.cache.max_entries,
                                          leec_config.cache.ttl_ms,
                                          evict_of(leec_config.cache.eviction)};
            a->response_cache = cache_pool_new(&c);
        }
    }
    if (leec_config.metrics.enabled && leec_config.metric_defs_count &&
        emf_init(&a->emf, leec_config.metrics.namespace, ls.service,
                 (const struct emf_metric_def *)leec_config.metric_defs,
                 leec_config.metric_defs_count) != 0) {
        snprintf(why, whylen, "the compiled metric table is invalid");
        *error_type = "Runtime.InternalError";
        return -1;
    }

    /* Extra headers (e.g. Cloudflare Access): values are secrets, from env or SSM. */
    for (size_t i = 0; i < leec_config.ha.headers_count && i < 8; i++) {
        char *v = fetch_secret(a, &leec_config.ha.headers[i].value, 0, error_type, why, whylen);
        if (!v)
            return -1;
        a->header_values[a->nheaders] = v;
        a->headers[a->nheaders].name = leec_config.ha.headers[i].name;
        a->headers[a->nheaders++].value = v;
        log_add_secret(v);
    }
    if (a->settings.token_ssm) {
        struct leec_secret_ref ref = {LEEC_SECRET_SSM, a->settings.token_ssm};
        a->ssm_token = fetch_secret(a, &ref, 0, error_type, why, whylen);
        if (!a->ssm_token)
            return -1;
        a->ssm_fetched_ms = clock_mono_ms();
        log_add_secret(a->ssm_token);
    }

    struct ha_settings hs = {
        .base_url = a->settings.ha_url,
        .ca_bundle = a->settings.ca_bundle,
        .client_cert = leec_config.ha.client_cert,
        .client_key = leec_config.ha.client_key,
        .insecure = a->settings.insecure,
        .allow_http = leec_config.ha.allow_http,
        .headers = a->headers,
        .n_headers = a->nheaders,
        .connect_timeout_ms = (uint32_t)leec_config.http.connect_timeout_ms,
        .max_reply_bytes = (size_t)leec_config.http.max_reply,
        .no_connect_retry = leec_config.http.connect_retries == 0,
    };
    char herr[256] = "";
    a->ha = ha_client_new(&hs, herr, sizeof herr);
    if (!a->ha) {
        snprintf(why, whylen, "Home Assistant client: %s (URL from %s)", herr,
                 a->settings.ha_url_source);
        return -1;
    }
    if (a->settings.insecure)
        log_emit(LOG_LEVEL_WARN,
                 "TLS verification is OFF for Home Assistant: anyone on the path can read tokens; "
                 "use a CA bundle instead",
                 LOG_STR("source", a->settings.insecure_source), LOG_END);

    /* Discovery rules, straight from the tables. */
    struct discovery_rules *dr = &a->discovery;
    dr->include = leec_config.alexa.discovery_include;
    dr->n_include = leec_config.alexa.discovery_include_count;
    dr->exclude = leec_config.alexa.discovery_exclude;
    dr->n_exclude = leec_config.alexa.discovery_exclude_count;
    _Static_assert(sizeof(struct discovery_cap_removal) == sizeof(struct leec_name_pair),
                   "name pair layout");
    dr->cap_removals = (const struct discovery_cap_removal *)leec_config.alexa.remove_capabilities;
    dr->n_cap_removals = leec_config.alexa.remove_capabilities_count;
    dr->names = (const struct discovery_name_override *)leec_config.alexa.friendly_names;
    dr->n_names = leec_config.alexa.friendly_names_count;
    dr->categories = (const struct discovery_category_override *)leec_config.alexa.categories;
    dr->n_categories = leec_config.alexa.categories_count;

    a->init_ms = clock_mono_ms() - t0;
    log_emit(LOG_LEVEL_INFO, "bootstrap ready", LOG_STR("version", LEEC_VERSION),
             LOG_STR("preset", leec_config.preset),
             LOG_STR("features", leec_config.feature_preset),
             LOG_STR("ha_url_source", a->settings.ha_url_source),
             LOG_UINT("memory_estimate", leec_config.budget.memory_estimate),
             LOG_UINT("rss", memstat_rss_bytes()), LOG_END);
    return 0;
}

/* timeout_ms: bound on the SSM call (0: ssm.c's defaults, 1 s connect / 3 s total). */
static char *fetch_secret(struct app *a, const struct leec_secret_ref *ref, uint32_t timeout_ms,
                          const char **etype, char *why, size_t whylen)
{
    if (ref->source == LEEC_SECRET_ENV) {
        const char *v = getenv(ref->name);
        if (!v || !*v) {
            snprintf(why, whylen, "environment variable %s is not set", ref->name);
            return NULL;
        }
        return strdup(v);
    }
    if (!breaker_allow(&a->ssm_breaker)) {
        snprintf(why, whylen, "SSM breaker is open");
        *etype = "Runtime.SecretUnavailable";
        return NULL;
    }
    struct ssm_settings ss;
    ssm_settings_from_env(&ss);
    if (a->settings.ssm_endpoint)
        ss.endpoint = a->settings.ssm_endpoint;
    /* AWS's public CAs: the zip ships them at certs/ca-certificates.crt (Makefile.deploy),
     * because Debian's compiled-in CA path does not exist on Amazon Linux. The Home
     * Assistant CA bundle may be a private CA, so it is not used here. */
    char ssm_ca[512];
    const char *task_root = getenv("LAMBDA_TASK_ROOT");
    if (task_root && snprintf(ssm_ca, sizeof ssm_ca, "%s/certs/ca-certificates.crt", task_root) <
                         (int)sizeof ssm_ca &&
        access(ssm_ca, R_OK) == 0)
        ss.ca_bundle = ssm_ca;
    ss.timeout_ms = timeout_ms;
    ss.connect_timeout_ms = timeout_ms && timeout_ms < 1000 ? timeout_ms : 0;
    struct ssm_error err = {0};
    struct ssm_client *c = ssm_client_new(&ss, &err);
    char *value = NULL;
    if (!c || ssm_get_parameter(c, ref->name, &value, &err) != 0) {
        breaker_record(&a->ssm_breaker, err.http_status >= 500 ? BREAKER_HTTP_5XX
                                        : err.http_status >= 400 ? BREAKER_HTTP_4XX
                                                                 : BREAKER_TRANSPORT_ERROR);
        snprintf(why, whylen, "SSM parameter %s: %s (%s)", ref->name, err.message,
                 ssm_err_kind_name(err.kind));
        *etype = "Runtime.SecretUnavailable";
        ssm_client_free(c);
        return NULL;
    }
    breaker_record(&a->ssm_breaker, BREAKER_SUCCESS);
    ssm_client_free(c);
    char *copy = strdup(value);
    ssm_value_free(value);
    return copy;
}

/* ---- handlers ---- */

void app_handle_unknown(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                        struct gw_reply *out)
{
    (void)a;
    (void)inv;
    (void)event;
    out->error_type = "Gateway.UnknownEvent";
    snprintf(out->error_msg, sizeof out->error_msg,
             "not an Alexa Smart Home directive, an Alexa Custom skill request or "
             "{\"health_check\": true}");
}

static uint64_t real_now(void) { return clock_epoch_ms(); }

/* ---- Alexa Custom skill (docs/custom-skill.md) ----
 * Refusals by security checks (application id, timestamp) and malformed requests
 * are answered with an invocation error, the way Alexa expects a skill to refuse
 * a request that is not meant for it: Alexa then tells the user there was a
 * problem with the skill, and Home Assistant is never called. */
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

void app_handle_custom_skill(struct app *a, const struct rapi_invocation *inv, cJSON *event,
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
            .strict = leec_config.security.validation == LEEC_SECURITY_VALIDATION_STRICT,
            .tolerance_ms = leec_config.security.timestamp_tolerance_ms,
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
    const char *ll = a->ssm_token ? a->ssm_token : a->settings.long_lived_token;
    const char *token = q.access_token ? q.access_token : ll;
    bool limited = false;
    if (a->rl && token && q.type == CS_INTENT) {
        char scope[17];
        cache_scope_from_token(token, scope);
        limited = !ratelimit_allow(a->rl, scope);
    }
    struct cs_ctx ctx = {
        .ha = a->ha,
        .breaker = &a->ha_breaker,
        .state_cache = a->state_cache,
        .token = token,
        .deadline_epoch_ms = inv->deadline_ms > 0 ? (uint64_t)inv->deadline_ms : 0,
        .now_epoch_ms = real_now,
        .total_cap_ms = (uint32_t)leec_config.http.total_timeout_ms,
        .margin_ms = (uint32_t)leec_config.http.deadline_margin_ms,
        .tts_entity = leec_config.alexa.tts_entity,
        .media_players = leec_config.alexa.media_players,
        .n_media_players = leec_config.alexa.media_players_count,
        .notify_target = leec_config.alexa.notify_target,
        .reply_limits = reply_limits(),
    };
    struct cs_reply rep;
    if (limited) {
        memset(&rep, 0, sizeof rep);
        ctx.outcome = "rate_limited";
        snprintf(rep.speech, sizeof rep.speech,
                 "You're asking a lot right now. Please try again in a minute.");
        rep.end_session = true;
        out->rate_limited = true;
    } else {
        cs_dispatch(&ctx, &q, &rep);
    }
    struct cs_answer ans;
    cs_reply_answer(&rep, &ans);
    out->body = cs_response_build(&ans, &out->len);
    cs_reply_free(&rep);
    if (ctx.missing_feature)
        log_emit(LOG_LEVEL_INFO, "feature not included in this build",
                 LOG_STR("intent", q.intent), LOG_STR("feature", ctx.missing_feature),
                 LOG_STR("feature_preset_adding_it", ctx.feature_preset),
                 LOG_STR("this_build", leec_config.feature_preset), LOG_END);
    bool failed = strcmp(ctx.outcome, "ha_error") == 0;
    log_emit(failed ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "custom skill",
             LOG_STR("request_type", q.type_name), LOG_STR("intent", q.intent),
             LOG_STR("outcome", ctx.outcome), LOG_STR("bearer_from",
                                                       q.access_token ? "account_linking"
                                                       : token      ? "long_lived"
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

static bool skill_allowed(const struct app *a, const char *id)
{
    if (a->settings.nskill_ids == 0)
        return true;
    for (size_t i = 0; id && i < a->settings.nskill_ids; i++)
        if (strcmp(a->settings.skill_ids[i], id) == 0)
            return true;
    return false;
}

void app_handle_smart_home(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                           struct gw_reply *out)
{
    struct sh_directive dir;
    sh_directive_inspect(event, &dir);
    if (dir.token) /* redacted from every log line of this invocation, whatever its key */
        log_add_invocation_secret(dir.token);
    out->ns = dir.namespace_;
    out->name = dir.name;
    out->endpoint_id = dir.endpoint_id;
    /* Rate limit per user: the scope is a hash of the token, never the token. */
    bool limited = false;
    if (a->rl && dir.token) {
        char scope[17];
        cache_scope_from_token(dir.token, scope);
        limited = !ratelimit_allow(a->rl, scope);
    }
    /* The long-lived token from SSM is fetched again once older than the compiled cache
     * TTL (breaker-protected). A failed refresh answers BRIDGE_UNREACHABLE: no stale token. */
    bool token_unavailable = false;
    if (a->ssm_token && a->settings.token_ssm &&
        clock_mono_ms() - a->ssm_fetched_ms >= leec_config.cache.ttl_ms &&
        (dir.cls == SH_OK || dir.cls == SH_NO_TOKEN || dir.cls == SH_BAD_TOKEN_TYPE)) {
        const char *etype = NULL;
        char why[384] = "";
        uint64_t t0 = clock_mono_ms();
        struct leec_secret_ref ref = {LEEC_SECRET_SSM, a->settings.token_ssm};
        /* at most half of what is left before deadline - margin: the rest is HA's */
        uint64_t now = real_now(), left = 3000;
        if (inv->deadline_ms > 0)
            left = (uint64_t)inv->deadline_ms > now + leec_config.http.deadline_margin_ms
                       ? ((uint64_t)inv->deadline_ms - now - leec_config.http.deadline_margin_ms) / 2
                       : 0;
        char *fresh = NULL;
        if (left >= 50)
            fresh = fetch_secret(a, &ref, left < 3000 ? (uint32_t)left : 3000u, &etype, why,
                                 sizeof why);
        else
            snprintf(why, sizeof why, "no time left before the deadline to refresh from SSM");
        if (fresh) {
            log_add_secret(fresh);
            secret_free(a->ssm_token);
            a->ssm_token = fresh;
            a->ssm_fetched_ms = clock_mono_ms();
            log_emit(LOG_LEVEL_INFO, "ssm token refreshed", LOG_STR("parameter", ref.name),
                     LOG_UINT("ms", a->ssm_fetched_ms - t0), LOG_END);
        } else {
            token_unavailable = true;
            log_emit(LOG_LEVEL_WARN, "ssm token refresh failed", LOG_STR("error", why),
                     LOG_UINT("ms", clock_mono_ms() - t0), LOG_END);
        }
    }
    bool allowed = !limited && breaker_allow(&a->ha_breaker);
    const char *ll = a->ssm_token ? a->ssm_token : a->settings.long_lived_token;
    struct smarthome_ctx ctx = {
        .ha = a->ha,
        .token_mode = a->settings.token_mode,
        .long_lived_token = ll,
        .long_lived_unavailable = token_unavailable,
        .deadline_epoch_ms = inv->deadline_ms > 0 ? (uint64_t)inv->deadline_ms : 0,
        .now_epoch_ms = real_now,
        .total_cap_ms = (uint32_t)leec_config.http.total_timeout_ms,
        .margin_ms = (uint32_t)leec_config.http.deadline_margin_ms,
        .breaker_open = !limited && !allowed,
        .rate_limited = limited,
        .discovery = discovery_rules_empty(&a->discovery) ? NULL : &a->discovery,
        .reply_limits = reply_limits(),
    };
    struct smarthome_reply rep;
    smarthome_handle(&ctx, inv->event, inv->event_len, event, &rep);
    switch (rep.breaker) {
    case SH_BREAKER_NOT_CALLED:
        if (allowed)
            breaker_cancel(&a->ha_breaker);
        break;
    case SH_BREAKER_SUCCESS:
        breaker_record(&a->ha_breaker, BREAKER_SUCCESS);
        break;
    case SH_BREAKER_HTTP_4XX:
        breaker_record(&a->ha_breaker, BREAKER_HTTP_4XX);
        break;
    case SH_BREAKER_HTTP_5XX:
        breaker_record(&a->ha_breaker, BREAKER_HTTP_5XX);
        break;
    case SH_BREAKER_TIMEOUT:
        breaker_record(&a->ha_breaker, BREAKER_TIMEOUT);
        break;
    case SH_BREAKER_TRANSPORT:
        breaker_record(&a->ha_breaker, BREAKER_TRANSPORT_ERROR);
        break;
    }
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
                 LOG_UINT("endpoints_sent", rep.discovery_after), LOG_UINT("bytes", rep.len),
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
    (void)skill_allowed;
}

static void add_cache_stats(cJSON *o, const char *name, const struct cache_pool *p)
{
    if (!p)
        return;
    struct cache_stats st;
    cache_get_stats(p, &st);
    cJSON *c = cJSON_AddObjectToObject(o, name);
    cJSON_AddNumberToObject(c, "hits", (double)st.hits);
    cJSON_AddNumberToObject(c, "misses", (double)st.misses);
    cJSON_AddNumberToObject(c, "evictions", (double)st.evictions);
    cJSON_AddNumberToObject(c, "entries", (double)st.entries);
    cJSON_AddNumberToObject(c, "bytes", (double)st.bytes);
}

void app_handle_health(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                       struct gw_reply *out)
{
    (void)inv;
    (void)event;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddStringToObject(o, "version", LEEC_VERSION);
    cJSON_AddNumberToObject(o, "abi", LEEC_ABI_VERSION);
    cJSON_AddStringToObject(o, "project", leec_config.project);
    cJSON_AddStringToObject(o, "preset", leec_config.preset);
    cJSON_AddStringToObject(o, "feature_preset", leec_config.feature_preset);
    cJSON *feats = cJSON_AddArrayToObject(o, "features");
#define FEAT(x, name)                                                                              \
    if (LEEC_FEATURE_##x)                                                                          \
        cJSON_AddItemToArray(feats, cJSON_CreateString(name));
    FEAT(DEVICES, "devices")
    FEAT(ALEXA, "alexa")
    FEAT(RESPONSE, "response")
    FEAT(CONVERSATION, "conversation")
    FEAT(AUTOMATION, "automation")
    FEAT(SCRIPTS, "scripts")
    FEAT(INPUT_HELPERS, "input_helpers")
    FEAT(NOTIFICATIONS, "notifications")
    FEAT(AREAS, "areas")
    FEAT(TIMERS, "timers")
#undef FEAT
    cJSON *tiers = cJSON_AddObjectToObject(o, "tiers");
    for (size_t i = 0; i < leec_config.tiers_count; i++)
        cJSON_AddStringToObject(tiers, leec_config.tiers[i].iface, leec_config.tiers[i].tier);
    cJSON *b = cJSON_AddObjectToObject(o, "budget");
    cJSON_AddNumberToObject(b, "memory_estimate", (double)leec_config.budget.memory_estimate);
    cJSON_AddNumberToObject(b, "memory_limit", (double)leec_config.budget.memory_limit);
    cJSON_AddNumberToObject(b, "memory_baseline", (double)leec_config.budget.memory_baseline);
    cJSON_AddNumberToObject(b, "metric_count", (double)leec_config.budget.metric_count);
    cJSON_AddNumberToObject(o, "rss_bytes", (double)memstat_rss_bytes());
    cJSON_AddNumberToObject(o, "peak_rss_bytes", (double)memstat_peak_bytes());
    cJSON *br = cJSON_AddObjectToObject(o, "breakers");
    cJSON_AddStringToObject(br, "home_assistant",
                            breaker_state_name(breaker_state(&a->ha_breaker)));
    cJSON_AddStringToObject(br, "ssm", breaker_state_name(breaker_state(&a->ssm_breaker)));
    cJSON *cs = cJSON_AddObjectToObject(o, "cache");
    add_cache_stats(cs, "state", a->state_cache);
    add_cache_stats(cs, "response", a->response_cache);
    cJSON_AddBoolToObject(o, "cold_start", a->cold);
    cJSON_AddNumberToObject(o, "invocations", (double)a->invocations);
    cJSON_AddNumberToObject(o, "init_ms", (double)a->init_ms);
    out->body = cJSON_PrintUnformatted(o);
    out->len = out->body ? strlen(out->body) : 0;
    out->ns = "health";
    cJSON_Delete(o);
}

/* ---- memory pressure ---- */

/* quiet_logs raises the log level for as long as memory stays high; once RSS is back
 * under 90 % of the threshold the level in force before is restored (otherwise one
 * spike would silence the summary lines for the rest of the environment's life). */
static bool logs_quieted;
static enum log_level level_before_quiet;

static void shed_if_needed(struct app *a)
{
    double threshold = a->pressure_threshold;
    if (logs_quieted && (double)memstat_rss_bytes() <= 0.9 * threshold) {
        log_set_level(level_before_quiet);
        logs_quieted = false;
        log_emit(LOG_LEVEL_INFO, "memory pressure over: log level restored",
                 LOG_STR("level", log_level_name(level_before_quiet)), LOG_END);
    }
    for (size_t i = 0; i < leec_config.cache.shed_order_count; i++) {
        uint64_t rss = memstat_rss_bytes();
        if ((double)rss <= threshold)
            return;
        switch (leec_config.cache.shed_order[i]) {
        case LEEC_CACHE_SHED_ORDER_EXPIRE:
            if (a->state_cache)
                cache_expire_all(a->state_cache);
            if (a->response_cache)
                cache_expire_all(a->response_cache);
            break;
        case LEEC_CACHE_SHED_ORDER_EVICT:
            if (a->state_cache)
                cache_evict_fraction(a->state_cache, 0.5);
            if (a->response_cache)
                cache_evict_fraction(a->response_cache, 0.5);
            break;
        case LEEC_CACHE_SHED_ORDER_SHRINK:
            if (a->state_cache)
                cache_shrink(a->state_cache, (size_t)leec_config.cache.state_pool / 2);
            if (a->response_cache)
                cache_shrink(a->response_cache, (size_t)leec_config.cache.response_pool / 2);
            break;
        case LEEC_CACHE_SHED_ORDER_QUIET_LOGS:
            if (!logs_quieted) {
                level_before_quiet = log_get_level();
                logs_quieted = true;
            }
            if (log_get_level() < LOG_LEVEL_ERROR)
                log_set_level(LOG_LEVEL_ERROR);
            break;
        }
        malloc_trim(0);
        a->pressure_sheds++;
        if (LEEC_METRIC_PRESSURE_SHEDS >= 0)
            emf_add(&a->emf, (size_t)LEEC_METRIC_PRESSURE_SHEDS, 1);
        log_emit(LOG_LEVEL_WARN, "memory pressure: shedding", LOG_UINT("rss", rss),
                 LOG_DBL("threshold", threshold), LOG_UINT("step", i), LOG_END);
    }
}

/* ---- one invocation ---- */

static void put_metric(struct app *a, long id, double v)
{
    if (id >= 0 && leec_config.metrics.enabled)
        emf_put(&a->emf, (size_t)id, v);
}

int app_invoke(struct app *a, const struct rapi_invocation *inv)
{
    uint64_t t0 = clock_mono_ms();
    rapi_set_trace_env(inv);
    log_begin_invocation(inv->request_id, inv->trace_id, a->cold);
    struct gw_reply rep = {0};
    const struct gw_route *route = gateway_route(EV_UNKNOWN);
    cJSON *event = NULL;
    if (inv->too_large) {
        rep.error_type = "Runtime.EventTooLarge";
        snprintf(rep.error_msg, sizeof rep.error_msg, "event larger than %llu bytes",
                 (unsigned long long)leec_config.lambda.max_event);
    } else {
        struct jsonguard_limits lim = event_limits();
        struct jsonguard_error jerr;
        event = jsonguard_parse(inv->event, inv->event_len, &lim, &jerr);
        if (!event) {
            rep.error_type = "Runtime.InvalidEvent";
            snprintf(rep.error_msg, sizeof rep.error_msg, "%s", jerr.msg);
        } else {
            route = gateway_route(gateway_classify(event));
            if (leec_config.logging.log_events && log_enabled(LOG_LEVEL_DEBUG))
                log_emit(LOG_LEVEL_DEBUG, "event", LOG_JSON("event", event), LOG_END);
            route->handler(a, inv, event, &rep);
        }
    }
    int rc = 0;
    size_t out_bytes = 0;
    if (rep.body) {
        out_bytes = rep.len;
        int r = rapi_respond(&a->rapi, inv->request_id, rep.body, rep.len);
        if (r == RAPI_ETOOLARGE) {
            rep.error_type = "Runtime.ResponseTooLarge";
            r = rapi_error(&a->rapi, inv->request_id, rep.error_type,
                           "the response is larger than Lambda accepts");
        }
        if (r == RAPI_EFATAL)
            rc = -1;
    } else {
        if (!rep.error_type)
            rep.error_type = "Runtime.InternalError";
        if (rapi_error(&a->rapi, inv->request_id, rep.error_type, rep.error_msg) == RAPI_EFATAL)
            rc = -1;
        log_emit(LOG_LEVEL_ERROR, "invocation error", LOG_STR("error_type", rep.error_type),
                 LOG_STR("error", rep.error_msg), LOG_END);
    }
    uint64_t ms = clock_mono_ms() - t0;
    if (leec_config.logging.summary) {
        struct log_summary s = {route->name, rep.ns, rep.name, rep.endpoint_id, rep.ha_status,
                                inv->event_len, out_bytes, ms,
                                rep.alexa_error ? rep.alexa_error
                                                : (rep.body ? NULL : rep.error_type)};
        log_summary(&s);
    }
    if (leec_config.metrics.enabled) {
        put_metric(a, LEEC_METRIC_INVOCATIONS, 1);
        put_metric(a, LEEC_METRIC_ERRORS, (rep.alexa_error || !rep.body) ? 1 : 0);
        put_metric(a, LEEC_METRIC_DURATION, (double)ms);
        put_metric(a, LEEC_METRIC_MEMORY_USED, (double)memstat_rss_bytes());
        if (rep.ha_called)
            put_metric(a, LEEC_METRIC_HOME_ASSISTANT_LATENCY, rep.ha_ms);
        if (rep.breaker_open)
            put_metric(a, LEEC_METRIC_BREAKER_OPEN, 1);
        if (rep.rate_limited)
            put_metric(a, LEEC_METRIC_RATE_LIMITED, 1);
        if (rep.security_rejected)
            put_metric(a, LEEC_METRIC_SECURITY_REJECTIONS, 1);
    }
    free(rep.body);
    cJSON_Delete(event);
    shed_if_needed(a);
    if (leec_config.metrics.enabled)
        emf_flush(&a->emf, stdout);
    log_end_invocation();
    a->invocations++;
    a->cold = false;
    return rc;
}

void app_free(struct app *a)
{
    ha_client_free(a->ha);
    ratelimit_free(a->rl);
    cache_pool_free(a->state_cache);
    cache_pool_free(a->response_cache);
    for (size_t i = 0; i < a->nheaders; i++)
        secret_free(a->header_values[i]);
    secret_free(a->ssm_token);
    rapi_cleanup(&a->rapi);
    log_shutdown();
}
