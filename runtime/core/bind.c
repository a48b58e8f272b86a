/* bind: see bind.h. The only runtime file that includes the generated tables; the
 * table enums are checked against the runtime's own enums at compile time, and table
 * structs are copied into the runtime's structs, never cast to a look-alike. */
#include "core/bind.h"

#include "abi.h"

#include <stdlib.h>

/* The runtime owns its enums; each table enum must have the same values in the same
 * order (LEEC_<IFACE>_<PARAM>_VALUES from the tables): a schema value the runtime lacks
 * is an undeclared identifier here, a reordered one a failed assertion. The copies
 * below are then plain casts, with no default: branch to hide drift. */
#define SAME_LEVEL(v) \
    _Static_assert((int)LEEC_LOGGING_LEVEL_##v == (int)LOG_LEVEL_##v, "logging.level " #v);
LEEC_LOGGING_LEVEL_VALUES(SAME_LEVEL)
#undef SAME_LEVEL
#define SAME_FORMAT(v) \
    _Static_assert((int)LEEC_LOGGING_FORMAT_##v == (int)LOG_FORMAT_##v, "logging.format " #v);
LEEC_LOGGING_FORMAT_VALUES(SAME_FORMAT)
#undef SAME_FORMAT
#define SAME_EVICT(v) \
    _Static_assert((int)LEEC_CACHE_EVICTION_##v == (int)CACHE_EVICT_##v, "cache.eviction " #v);
LEEC_CACHE_EVICTION_VALUES(SAME_EVICT)
#undef SAME_EVICT
#define SAME_SHED(v) \
    _Static_assert((int)LEEC_CACHE_SHED_ORDER_##v == (int)SHED_##v, "cache.shed_order " #v);
LEEC_CACHE_SHED_ORDER_VALUES(SAME_SHED)
#undef SAME_SHED

static enum log_level level_of(enum leec_logging_level l) { return (enum log_level)l; }
static enum cache_evict evict_of(enum leec_cache_eviction e) { return (enum cache_evict)e; }
static enum shed_step shed_of(enum leec_cache_shed_order s) { return (enum shed_step)s; }

static struct secret_ref secret_of(const struct leec_secret_ref *r)
{
    struct secret_ref out = {SECRET_NONE, r->name};
    if (r->source == LEEC_SECRET_ENV)
        out.source = SECRET_ENV;
    else if (r->source == LEEC_SECRET_SSM)
        out.source = SECRET_SSM;
    return out;
}

/* n elements of size sz that live as long as the process (never freed); a
 * non-NULL pointer even for n == 0. */
static void *forever(size_t n, size_t sz) { return calloc(n ? n : 1, sz); }

/* The runtime's header arrays are sized for the schema's limit (schemas/limits.yaml). */
_Static_assert(
    LEEC_MAX_HEADERS == APP_MAX_HEADERS && APP_MAX_HEADERS <= HA_MAX_HEADERS,
    "extra-header limits disagree: schemas/limits.yaml vs core/config.h / net/ha_client.h");

/* ... and one the runtime produces that the schemas do not declare (it would never be
 * counted against the free tier's 10 metrics). */
#define BIND_METRIC_COUNT(name, unit, id) +1
_Static_assert(0 LEEC_METRICS(BIND_METRIC_COUNT) == APP_METRIC_COUNT,
               "core/config.h APP_METRICS and the schemas' metrics disagree");
#undef BIND_METRIC_COUNT

/* Every known feature, in the schema's order (LEEC_FEATURES from the tables). */
#define FEAT_COUNT(name, on) +1
enum { BIND_N_FEATURES = 0 LEEC_FEATURES(FEAT_COUNT) };
#undef FEAT_COUNT

/* The features compiled in, by name (the health answer). */
static size_t bind_feature_names(const char **out)
{
    size_t n = 0;
#define FEAT(name, on) \
    if (on)            \
        out[n++] = #name;
    LEEC_FEATURES(FEAT)
#undef FEAT
    return n;
}

/* Feature → the smallest feature preset that has it (the "not in this build" answer). */
static const struct cs_feature_preset feature_presets[] = {
#define FP(name, preset) {#name, preset},
    LEEC_FEATURE_PRESETS(FP)
#undef FP
};

/* The Custom-skill features compiled in: only these intent files are linked. */
static const struct cs_feature *const intent_features[] = {
#if LEEC_FEATURE_AUTOMATION
    &cs_feature_automation,
#endif
#if LEEC_FEATURE_SCRIPTS
    &cs_feature_scripts,
#endif
#if LEEC_FEATURE_INPUT_HELPERS
    &cs_feature_input_helpers,
#endif
#if LEEC_FEATURE_NOTIFICATIONS
    &cs_feature_notifications,
#endif
#if LEEC_FEATURE_AREAS
    &cs_feature_areas,
#endif
#if LEEC_FEATURE_TIMERS
    &cs_feature_timers,
#endif
#if LEEC_FEATURE_CONVERSATION
    &cs_feature_conversation,
#endif
    NULL,
};

static int bind_guards(struct app_config *cfg)
{
    const struct leec_circuit_breaker_config *cb = &leec_config.circuit_breaker;
    cfg->ha_breaker = (struct breaker_config){(uint32_t)cb->ha_failures, cb->ha_recovery_ms,
                                              (uint32_t)cb->ha_probes};
    cfg->ssm_breaker = (struct breaker_config){(uint32_t)cb->ssm_failures, cb->ssm_recovery_ms,
                                               (uint32_t)cb->ssm_probes};
    const struct leec_security_config *sec = &leec_config.security;
    cfg->rate_limit = sec->rate_limit;
    cfg->rate = (struct ratelimit_config){(uint32_t)sec->rate_burst, (uint32_t)sec->rate_per_minute,
                                          (uint32_t)sec->rate_users};
    const struct leec_cache_config *ca = &leec_config.cache;
    cfg->cache_enabled = ca->enabled;
    cfg->state_cache =
        (struct cache_pool_config){"state", (size_t)ca->state_pool, (uint32_t)ca->max_entries,
                                   ca->ttl_ms, evict_of(ca->eviction)};
    cfg->response_cache =
        (struct cache_pool_config){"response", (size_t)ca->response_pool, (uint32_t)ca->max_entries,
                                   ca->ttl_ms, evict_of(ca->eviction)};
    cfg->pressure_ratio = ca->pressure_ratio;
    cfg->token_ttl_ms = ca->ttl_ms;
    enum shed_step *order = forever(ca->shed_order_count, sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < ca->shed_order_count; i++)
        order[i] = shed_of(ca->shed_order[i]);
    cfg->shed = (struct shed_config){order, ca->shed_order_count};
    return 0;
}

static int bind_metrics(struct app_config *cfg)
{
    cfg->metrics_enabled = leec_config.metrics.enabled;
    cfg->metrics_namespace = leec_config.metrics.namespace;
    struct emf_metric_def *defs = forever(leec_config.metric_defs_count, sizeof *defs);
    if (!defs)
        return -1;
    for (size_t i = 0; i < leec_config.metric_defs_count; i++)
        defs[i] = (struct emf_metric_def){leec_config.metric_defs[i].name,
                                          leec_config.metric_defs[i].unit};
    cfg->metric_defs = defs;
    cfg->n_metric_defs = leec_config.metric_defs_count;
    /* A metric the schemas declare that the runtime does not produce: APP_METRIC_<Name>
     * is undeclared here, a compile error (core/config.h APP_METRICS). */
#define BIND_METRIC(name, unit, id) cfg->metric.of[APP_METRIC_##name] = (id);
    LEEC_METRICS(BIND_METRIC)
#undef BIND_METRIC
    return 0;
}

/* ---- the project file's sections ----
 * struct leec_ha_config and struct leec_alexa_config are generated from the shapes in
 * schemas/project.yaml, with LEEC_HA_FIELDS(X) and LEEC_ALEXA_FIELDS(X). Each field has
 * its binder here, bind_<section>_<field>, and the binders are called through those
 * lists: a key added to project.yaml without a binder is an undeclared identifier
 * below, and a binder whose key is gone reads a field that no longer exists. */

/* home_assistant.token.mode: the runtime's enum has the schema's values, in order. */
#define SAME_TOKEN_MODE(v)                                           \
    _Static_assert((int)LEEC_HA_TOKEN_MODE_##v == (int)SH_TOKEN_##v, \
                   "home_assistant.token.mode " #v);
LEEC_HA_TOKEN_MODE_VALUES(SAME_TOKEN_MODE)
#undef SAME_TOKEN_MODE

static int bind_ha_url(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->settings.ha_url = ha->url;
    return 0;
}

static int bind_ha_allow_http(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->allow_http = ha->allow_http;
    return 0;
}

/* Left out, the token block is zero: account linking, the schema's first mode. */
static int bind_ha_token_mode(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->settings.token_mode = (enum sh_token_mode)ha->token_mode;
    return 0;
}

/* The token by reference only: the variable's or the SSM parameter's name. */
static int bind_ha_token_env(struct app_config *cfg, const struct leec_ha_config *ha)
{
    if (ha->token_env)
        cfg->settings.token = (struct secret_ref){SECRET_ENV, ha->token_env};
    return 0;
}

static int bind_ha_token_ssm(struct app_config *cfg, const struct leec_ha_config *ha)
{
    if (ha->token_ssm)
        cfg->settings.token = (struct secret_ref){SECRET_SSM, ha->token_ssm};
    return 0;
}

static int bind_ha_tls_verify(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->settings.tls_verify = ha->tls_verify;
    return 0;
}

static int bind_ha_tls_ca_bundle(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->settings.ca_bundle = ha->tls_ca_bundle;
    return 0;
}

static int bind_ha_tls_client_cert(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->client_cert = ha->tls_client_cert;
    return 0;
}

static int bind_ha_tls_client_key(struct app_config *cfg, const struct leec_ha_config *ha)
{
    cfg->client_key = ha->tls_client_key;
    return 0;
}

static int bind_ha_headers(struct app_config *cfg, const struct leec_ha_config *ha)
{
    size_t nh = ha->headers_count < APP_MAX_HEADERS ? ha->headers_count : APP_MAX_HEADERS;
    struct app_header_def *hd = forever(nh, sizeof *hd);
    if (!hd)
        return -1;
    for (size_t i = 0; i < nh; i++)
        hd[i] = (struct app_header_def){ha->headers[i].key, secret_of(&ha->headers[i].value)};
    cfg->headers = hd;
    cfg->n_headers = nh;
    return 0;
}

static int bind_alexa_skill_ids(struct app_config *cfg, const struct leec_alexa_config *al)
{
    cfg->settings.skill_ids = al->skill_ids;
    cfg->settings.n_skill_ids = al->skill_ids_count;
    return 0;
}

static int bind_alexa_discovery_include(struct app_config *cfg, const struct leec_alexa_config *al)
{
    cfg->discovery.include = al->discovery_include;
    cfg->discovery.n_include = al->discovery_include_count;
    return 0;
}

static int bind_alexa_discovery_exclude(struct app_config *cfg, const struct leec_alexa_config *al)
{
    cfg->discovery.exclude = al->discovery_exclude;
    cfg->discovery.n_exclude = al->discovery_exclude_count;
    return 0;
}

static int bind_alexa_discovery_friendly_names(struct app_config *cfg,
                                               const struct leec_alexa_config *al)
{
    struct discovery_name_override *nm = forever(al->discovery_friendly_names_count, sizeof *nm);
    if (!nm)
        return -1;
    for (size_t i = 0; i < al->discovery_friendly_names_count; i++)
        nm[i] = (struct discovery_name_override){al->discovery_friendly_names[i].key,
                                                 al->discovery_friendly_names[i].value};
    cfg->discovery.names = nm;
    cfg->discovery.n_names = al->discovery_friendly_names_count;
    return 0;
}

static int bind_alexa_discovery_categories(struct app_config *cfg,
                                           const struct leec_alexa_config *al)
{
    struct discovery_category_override *ct = forever(al->discovery_categories_count, sizeof *ct);
    if (!ct)
        return -1;
    for (size_t i = 0; i < al->discovery_categories_count; i++)
        ct[i] = (struct discovery_category_override){al->discovery_categories[i].key,
                                                     al->discovery_categories[i].value};
    cfg->discovery.categories = ct;
    cfg->discovery.n_categories = al->discovery_categories_count;
    return 0;
}

static int bind_alexa_discovery_remove_capabilities(struct app_config *cfg,
                                                    const struct leec_alexa_config *al)
{
    size_t n = al->discovery_remove_capabilities_count;
    struct discovery_cap_removal *cr = forever(n, sizeof *cr);
    if (!cr)
        return -1;
    for (size_t i = 0; i < n; i++)
        cr[i] = (struct discovery_cap_removal){al->discovery_remove_capabilities[i].endpoint,
                                               al->discovery_remove_capabilities[i].interface};
    cfg->discovery.cap_removals = cr;
    cfg->discovery.n_cap_removals = n;
    return 0;
}

static int bind_alexa_announce_tts_entity(struct app_config *cfg,
                                          const struct leec_alexa_config *al)
{
    cfg->tts_entity = al->announce_tts_entity;
    return 0;
}

static int bind_alexa_announce_media_players(struct app_config *cfg,
                                             const struct leec_alexa_config *al)
{
    cfg->media_players = al->announce_media_players;
    cfg->n_media_players = al->announce_media_players_count;
    return 0;
}

static int bind_alexa_notify_target(struct app_config *cfg, const struct leec_alexa_config *al)
{
    cfg->notify_target = al->notify_target;
    return 0;
}

static int bind_alexa_languages(struct app_config *cfg, const struct leec_alexa_config *al)
{
    cfg->languages = al->languages;
    cfg->n_languages = al->languages_count;
    return 0;
}

static int bind_sections(struct app_config *cfg)
{
#define BIND_HA(field) bind_ha_##field,
    static int (*const ha[])(struct app_config *,
                             const struct leec_ha_config *) = {LEEC_HA_FIELDS(BIND_HA)};
#undef BIND_HA
#define BIND_ALEXA(field) bind_alexa_##field,
    static int (*const alexa[])(struct app_config *,
                                const struct leec_alexa_config *) = {LEEC_ALEXA_FIELDS(BIND_ALEXA)};
#undef BIND_ALEXA
    for (size_t i = 0; i < sizeof ha / sizeof ha[0]; i++)
        if (ha[i](cfg, &leec_config.ha))
            return -1;
    for (size_t i = 0; i < sizeof alexa / sizeof alexa[0]; i++)
        if (alexa[i](cfg, &leec_config.alexa))
            return -1;
    return 0;
}

static void bind_http(struct app_config *cfg)
{
    const struct leec_http_config *http = &leec_config.http;
    cfg->connect_timeout_ms = (uint32_t)http->connect_timeout_ms;
    cfg->total_timeout_ms = (uint32_t)http->total_timeout_ms;
    cfg->deadline_margin_ms = (uint32_t)http->deadline_margin_ms;
    cfg->max_reply = (size_t)http->max_reply;
    cfg->no_connect_retry = http->connect_retries == 0;
}

static int bind_health(struct health_info *h)
{
    static const char *features[BIND_N_FEATURES];
    struct health_tier *tiers = forever(leec_config.tiers_count, sizeof *tiers);
    if (!tiers)
        return -1;
    for (size_t i = 0; i < leec_config.tiers_count; i++)
        tiers[i] = (struct health_tier){leec_config.tiers[i].iface, leec_config.tiers[i].tier};
    *h = (struct health_info){
        .project = leec_config.project,
        .preset = leec_config.preset,
        .feature_preset = leec_config.feature_preset,
        .abi = LEEC_ABI_VERSION,
        .features = features,
        .n_features = bind_feature_names(features),
        .tiers = tiers,
        .n_tiers = leec_config.tiers_count,
        .memory_estimate = leec_config.budget.memory_estimate,
        .memory_limit = leec_config.budget.memory_limit,
        .memory_baseline = leec_config.budget.memory_baseline,
        .metric_count = leec_config.budget.metric_count,
    };
    return 0;
}

int bind_app_config(struct app_config *cfg)
{
    *cfg = (struct app_config){0};
    cfg->memory_mb = (uint64_t)leec_config.lambda.memory_mb;
    cfg->max_event = leec_config.lambda.max_event;
    const struct leec_logging_config *lg = &leec_config.logging;
    cfg->log = (struct log_settings){
        .min_level = level_of(lg->level),
        .format = (enum log_format)lg->format,
        .line_cap = (size_t)lg->line_max < LOG_LINE_MIN ? LOG_LINE_MIN : (size_t)lg->line_max,
        .caller_info = lg->caller_info,
        .sample_rate = lg->sample_rate,
        .debug_buffer = (size_t)lg->debug_buffer,
    };
    cfg->log_summary = lg->summary;
    cfg->log_events = lg->log_events;
    cfg->event_limits = (struct jsonguard_limits){
        .max_bytes = (size_t)leec_config.lambda.max_event,
        .max_depth = (size_t)leec_config.security.max_json_depth,
        .max_nodes = (size_t)leec_config.security.max_json_nodes,
    };
    if (cfg->event_limits.max_depth > JSONGUARD_DEPTH_MAX)
        cfg->event_limits.max_depth = JSONGUARD_DEPTH_MAX;
    /* Home Assistant replies: the same depth and node caps as events (the memory
     * model counts one tree of each), and http.max_reply bytes. */
    cfg->reply_limits = cfg->event_limits;
    cfg->reply_limits.max_bytes = (size_t)leec_config.http.max_reply;
    cfg->strict_skill_ids = leec_config.security.validation == LEEC_SECURITY_VALIDATION_STRICT;
    cfg->timestamp_tolerance_ms = leec_config.security.timestamp_tolerance_ms;
    cfg->intent_features = intent_features;
    cfg->n_intent_features = sizeof intent_features / sizeof intent_features[0] - 1;
    cfg->feature_presets = feature_presets;
    cfg->n_feature_presets = sizeof feature_presets / sizeof feature_presets[0];
    bind_http(cfg);
    if (bind_guards(cfg) || bind_metrics(cfg) || bind_sections(cfg) || bind_health(&cfg->health))
        return -1;
    return 0;
}
