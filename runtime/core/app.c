/* app: see app.h. */
#include "core/app.h"

#include "base/clock.h"
#include "base/jsonguard.h"
#include "base/log.h"
#include "base/memstat.h"
#include "base/secret.h"
#include "core/credentials.h"
#include "core/gateway.h"
#include "core/metrics.h"
#include "core/shed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Logging first: everything after it may log. */
static int init_logging(const struct app_config *cfg, char *why, size_t whylen)
{
    const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
    struct log_settings ls = cfg->log;
    ls.service = fn ? fn : "leec";
    ls.function_name = fn;
    ls.function_version = getenv("AWS_LAMBDA_FUNCTION_VERSION");
    ls.function_memory_size = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    if (log_init(&ls) != 0) {
        snprintf(why, whylen,
                 "the compiled logging settings are invalid (or no memory for the "
                 "DEBUG buffer)");
        return -1;
    }
    int rc = log_apply_env();
    if (rc == -3) {
        snprintf(why, whylen, "POWERTOOLS_LOGGER_SAMPLE_RATE is not a number from 0 to 1");
        return -1;
    }
    if (rc != 0) {
        snprintf(why, whylen, "AWS_LAMBDA_LOG_LEVEL or AWS_LAMBDA_LOG_FORMAT has an invalid value");
        return -1;
    }
    return 0;
}

/* The "level" of the EMF lines: Lambda's application-log filter keeps a JSON line
 * whose level is at or above AWS_LAMBDA_LOG_LEVEL and counts one without a level
 * as INFO, so the filter's own level (INFO when lower or unset) always passes. */
static const char *emf_line_level(void)
{
    enum log_level lvl = LOG_LEVEL_INFO;
    const char *e = getenv("AWS_LAMBDA_LOG_LEVEL");
    if (e && log_level_parse(e, &lvl) == 0 && lvl < LOG_LEVEL_INFO)
        lvl = LOG_LEVEL_INFO;
    return log_level_name(lvl);
}

/* Breakers, the rate limiter, the cache pools and the metric table. */
static int init_guards(struct app *a, const char **error_type, char *why, size_t whylen)
{
    const struct app_config *cfg = a->cfg;
    breaker_init(&a->ha_breaker, "home_assistant", &cfg->ha_breaker);
    breaker_init(&a->ssm_breaker, "ssm", &cfg->ssm_breaker);
    if (cfg->rate_limit)
        a->rl = ratelimit_new(&cfg->rate);
    if (cfg->cache_enabled) {
        if (cfg->state_cache.byte_budget)
            a->state_cache = cache_pool_new(&cfg->state_cache);
        if (cfg->response_cache.byte_budget)
            a->response_cache = cache_pool_new(&cfg->response_cache);
    }
    const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
    if (cfg->metrics_enabled && cfg->n_metric_defs &&
        emf_init(&a->emf, cfg->metrics_namespace, fn ? fn : "leec", cfg->metric_defs,
                 cfg->n_metric_defs) != 0) {
        snprintf(why, whylen, "the compiled metric table is invalid");
        *error_type = "Runtime.InternalError";
        return -1;
    }
    emf_set_level(&a->emf, emf_line_level());
    return 0;
}

/* Extra headers (e.g. Cloudflare Access) and the SSM token: secrets, from env or SSM. */
static int init_secrets(struct app *a, const char **error_type, char *why, size_t whylen)
{
    const struct app_config *cfg = a->cfg;
    for (size_t i = 0; i < cfg->n_headers && i < APP_MAX_HEADERS; i++) {
        char *v = cred_fetch(a, &cfg->headers[i].value, 0, error_type, why, whylen);
        if (!v)
            return -1;
        a->header_values[a->nheaders] = v;
        a->headers[a->nheaders].name = cfg->headers[i].name;
        a->headers[a->nheaders++].value = v;
        log_add_secret(v);
    }
    if (a->settings.token_ssm) {
        struct secret_ref ref = {SECRET_SSM, a->settings.token_ssm};
        a->ssm_token = cred_fetch(a, &ref, 0, error_type, why, whylen);
        if (!a->ssm_token)
            return -1;
        a->ssm_fetched_ms = clock_mono_ms();
        log_add_secret(a->ssm_token);
    }
    return 0;
}

static int init_ha_client(struct app *a, char *why, size_t whylen)
{
    const struct app_config *cfg = a->cfg;
    struct ha_settings hs = {
        .base_url = a->settings.ha_url,
        .ca_bundle = a->settings.ca_bundle,
        .client_cert = cfg->client_cert,
        .client_key = cfg->client_key,
        .insecure = a->settings.insecure,
        .allow_http = cfg->allow_http,
        .headers = a->headers,
        .n_headers = a->nheaders,
        .connect_timeout_ms = cfg->connect_timeout_ms,
        .max_reply_bytes = cfg->max_reply,
        .no_connect_retry = cfg->no_connect_retry,
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
    return 0;
}

/* Lambda runs init at a full CPU and the first invocation at the function's share
 * (128/1769 of a CPU at 128 MB): the DNS lookup, the TCP connect and the TLS handshake
 * with Home Assistant are done here, so the first request only sends. Bounded, and a
 * failure only costs the bounded time: the first request connects again. */
#define APP_PRECONNECT_MAX_MS 1000u

static void preconnect_ha(struct app *a)
{
    uint32_t budget = a->cfg->connect_timeout_ms;
    if (!budget || budget > APP_PRECONNECT_MAX_MS)
        budget = APP_PRECONNECT_MAX_MS;
    struct ha_result res;
    if (ha_client_preconnect(a->ha, budget, &res) == 0)
        log_emit(LOG_LEVEL_INFO, "connected to Home Assistant during init",
                 LOG_UINT("connect_ms", res.connect_ms), LOG_UINT("total_ms", res.total_ms),
                 LOG_END);
    else
        log_emit(LOG_LEVEL_WARN,
                 "Home Assistant not reached during init; the first request connects again",
                 LOG_STR("outcome", ha_outcome_name(res.outcome)), LOG_STR("error", res.error),
                 LOG_UINT("total_ms", res.total_ms), LOG_END);
}

int app_init(struct app *a, const struct app_config *cfg, const char **error_type, char *why,
             size_t whylen)
{
    memset(a, 0, sizeof *a);
    a->start_epoch_ms = clock_epoch_ms();
    a->cfg = cfg;
    a->cold = true;
    /* The function's real memory size (it may differ from the compiled one). */
    double limit = (double)cfg->memory_mb * 1048576.0;
    const char *ms = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    if (ms && atoi(ms) > 0)
        limit = atoi(ms) * 1048576.0;
    a->pressure_threshold = cfg->pressure_ratio * limit;
    *error_type = "Runtime.ConfigError";
    if (init_logging(cfg, why, whylen) != 0)
        return -1;
    if (settings_load(&a->settings, &cfg->settings, why, whylen) != 0)
        return -1;
    if (a->settings.debug)
        log_set_level(LOG_LEVEL_DEBUG);
    if (a->settings.long_lived_token)
        log_add_secret(a->settings.long_lived_token);
    if (init_guards(a, error_type, why, whylen) != 0 ||
        init_secrets(a, error_type, why, whylen) != 0 || init_ha_client(a, why, whylen) != 0)
        return -1;
    if (a->settings.preconnect)
        preconnect_ha(a);

    log_emit(LOG_LEVEL_INFO, "bootstrap ready", LOG_STR("version", LEEC_VERSION),
             LOG_STR("preset", cfg->health.preset), LOG_STR("features", cfg->health.feature_preset),
             LOG_STR("ha_url_source", a->settings.ha_url_source),
             LOG_UINT("memory_estimate", cfg->health.memory_estimate),
             LOG_UINT("rss", memstat_rss_bytes()), LOG_END);
    return 0;
}

/* Powertools' correlation_id: what Alexa's own logs and the skill's reply carry - a
 * directive's header.messageId, a Custom-skill request's requestId. */
static const char *correlation_of(const cJSON *event)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(event, "directive");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "header"),
                                                      "messageId");
    if (!d)
        v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(event, "request"),
                                             "requestId");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The event → the route's handler → rep (a body or an invocation error). */
static const struct gw_route *handle_event(struct app *a, const struct rapi_invocation *inv,
                                           cJSON **event, struct gw_reply *rep)
{
    const struct gw_route *route = gateway_route(EV_UNKNOWN);
    if (inv->too_large) {
        rep->error_type = "Runtime.EventTooLarge";
        snprintf(rep->error_msg, sizeof rep->error_msg, "event larger than %llu bytes",
                 (unsigned long long)a->cfg->max_event);
        return route;
    }
    struct jsonguard_error jerr;
    *event = jsonguard_parse(inv->event, inv->event_len, &a->cfg->event_limits, &jerr);
    if (!*event) {
        rep->error_type = "Runtime.InvalidEvent";
        snprintf(rep->error_msg, sizeof rep->error_msg, "%s", jerr.msg);
        return route;
    }
    /* every token in the event is a secret before any line about the event is written */
    log_add_event_secrets(*event);
    log_set_correlation_id(correlation_of(*event));
    route = gateway_route(gateway_classify(*event));
    if (a->cfg->log_events && log_enabled(LOG_LEVEL_DEBUG))
        log_emit(LOG_LEVEL_DEBUG, "event", LOG_JSON("event", *event), LOG_END);
    route->handler(a, inv, *event, rep);
    return route;
}

/* Posts the answer (or the invocation error); -1: the runtime API is gone. */
static int post_reply(struct app *a, const struct rapi_invocation *inv, struct gw_reply *rep)
{
    int rc = 0;
    if (rep->body) {
        int r = rapi_respond(&a->rapi, inv->request_id, rep->body, rep->len);
        if (r == RAPI_ETOOLARGE) {
            rep->error_type = "Runtime.ResponseTooLarge";
            r = rapi_error(&a->rapi, inv->request_id, rep->error_type,
                           "the response is larger than Lambda accepts");
        }
        if (r == RAPI_EFATAL)
            rc = -1;
    } else {
        if (!rep->error_type)
            rep->error_type = "Runtime.InternalError";
        if (rapi_error(&a->rapi, inv->request_id, rep->error_type, rep->error_msg) == RAPI_EFATAL)
            rc = -1;
        log_emit(LOG_LEVEL_ERROR, "invocation error", LOG_STR("error_type", rep->error_type),
                 LOG_ERR(rep->error_type, rep->error_msg), LOG_END);
    }
    return rc;
}

/* The invocation with its deadline on Alexa's clock (APP_ALEXA_BUDGET_MS). */
static void alexa_deadline(const struct app *a, const struct rapi_invocation *inv,
                           struct rapi_invocation *eff)
{
    *eff = *inv;
    uint64_t alexa = (a->cold ? a->start_epoch_ms : clock_epoch_ms()) + APP_ALEXA_BUDGET_MS;
    if (inv->deadline_ms <= 0 || (uint64_t)inv->deadline_ms > alexa)
        eff->deadline_ms = (int64_t)alexa;
}

int app_invoke(struct app *a, const struct rapi_invocation *lambda_inv)
{
    uint64_t t0 = clock_mono_ms();
    static struct rapi_invocation eff; /* ~9 KiB: not on the stack */
    alexa_deadline(a, lambda_inv, &eff);
    const struct rapi_invocation *inv = &eff;
    rapi_set_trace_env(inv);
    log_begin_invocation(inv->request_id, inv->trace_id, a->cold);
    log_set_function_arn(inv->invoked_function_arn);
    struct gw_reply rep = {0};
    cJSON *event = NULL;
    metrics_begin(a);
    const struct gw_route *route = handle_event(a, inv, &event, &rep);
    size_t out_bytes = rep.body ? rep.len : 0;
    if (!rep.body || rep.alexa_error)
        log_invocation_failed(); /* the DEBUG buffer, if any, is written */
    int rc = post_reply(a, inv, &rep);
    uint64_t ms = clock_mono_ms() - t0;
    if (a->cfg->log_summary) {
        struct log_summary s = {route->name,
                                rep.ns,
                                rep.name,
                                rep.endpoint_id,
                                rep.ha_status,
                                inv->event_len,
                                out_bytes,
                                ms,
                                rep.alexa_error ? rep.alexa_error
                                                : (rep.body ? NULL : rep.error_type)};
        log_summary(&s);
    }
    metrics_record(a, &rep, ms);
    free(rep.body);
    cJSON_Delete(event);
    shed_if_needed(a);
    if (a->cfg->metrics_enabled)
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
    secret_free(a->ssm_prev_token);
    rapi_cleanup(&a->rapi);
    log_shutdown();
}
