/* config: everything the runtime takes from the compiled tables, in the runtime's
 * own types. core/bind.c fills it and is the only file that reads leec_config;
 * every module gets its part as its own small struct (log_settings,
 * breaker_config, cache_pool_config, ...), so each can be built and unit-tested
 * without the tables. */
#ifndef LEEC_CONFIG_RT_H
#define LEEC_CONFIG_RT_H

#include "base/emf.h"
#include "base/jsonguard.h"
#include "base/log.h"
#include "core/settings.h"
#include "core/shed.h"
#include "custom/dispatch.h"
#include "guard/breaker.h"
#include "guard/cache.h"
#include "guard/ratelimit.h"
#include "smarthome/discovery.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APP_MAX_HEADERS 8 /* extra Home Assistant headers (LEEC_MAX_HEADERS; bind.c checks) */

/* An extra header sent to Home Assistant; its value is a secret (env or SSM). */
struct app_header_def {
    const char *name;
    struct secret_ref value;
};

/* Every metric the runtime produces, by its CloudWatch name. The schemas declare the
 * same set (LEEC_METRICS in the tables): core/bind.c fails to compile when a declared
 * metric has no producer here, or a produced one is not declared (so the free-tier
 * count leec prints is the truth). */
#define APP_METRICS(X)      \
    X(CacheHitRate)         \
    X(PressureSheds)        \
    X(BreakerOpen)          \
    X(Invocations)          \
    X(Errors)               \
    X(Duration)             \
    X(MemoryUsed)           \
    X(HomeAssistantLatency) \
    X(SecurityRejections)   \
    X(RateLimited)          \
    X(ColdStart)

enum app_metric {
#define APP_METRIC_ENUM(name) APP_METRIC_##name,
    APP_METRICS(APP_METRIC_ENUM)
#undef APP_METRIC_ENUM
        APP_METRIC_COUNT
};

/* Metric ids in the EMF table, by enum app_metric; -1: not in this build. */
struct metric_ids {
    long of[APP_METRIC_COUNT];
};

struct health_tier {
    const char *iface, *tier;
};

/* What the health answer reports about the build. */
struct health_info {
    const char *project, *preset, *feature_preset;
    long abi;
    const char *const *features; /* "devices", ... */
    size_t n_features;
    const struct health_tier *tiers;
    size_t n_tiers;
    uint64_t memory_estimate, memory_limit, memory_baseline;
    size_t metric_count;
};

struct app_config {
    /* Lambda */
    uint64_t memory_mb; /* compiled; AWS_LAMBDA_FUNCTION_MEMORY_SIZE wins */
    uint64_t max_event;
    /* logging (service and function names come from the environment) */
    struct log_settings log;
    bool log_summary, log_events;
    /* deployment values the environment may override */
    struct settings_defaults settings;
    /* guards */
    struct breaker_config ha_breaker, ssm_breaker;
    bool rate_limit;
    struct ratelimit_config rate;
    bool cache_enabled;
    struct cache_pool_config state_cache, response_cache; /* byte_budget 0: no pool */
    double pressure_ratio;                                /* of the memory size: shed above */
    struct shed_config shed;
    /* metrics */
    bool metrics_enabled;
    const char *metrics_namespace;
    const struct emf_metric_def *metric_defs;
    size_t n_metric_defs;
    struct metric_ids metric;
    /* input caps */
    struct jsonguard_limits event_limits, reply_limits;
    /* Home Assistant client */
    const char *client_cert, *client_key;
    bool allow_http;
    const struct app_header_def *headers;
    size_t n_headers;
    uint32_t connect_timeout_ms, total_timeout_ms, deadline_margin_ms;
    size_t max_reply;
    bool no_connect_retry;
    uint64_t token_ttl_ms; /* an SSM token older than this is fetched again */
    /* Smart Home */
    struct discovery_rules discovery;
    /* Custom skill */
    bool strict_skill_ids;
    uint64_t timestamp_tolerance_ms;
    const char *tts_entity;
    const char *const *media_players;
    size_t n_media_players;
    const char *notify_target;
    const char *const *languages; /* alexa.languages; none: every compiled-in language */
    size_t n_languages;
    const struct cs_feature *const *intent_features;
    size_t n_intent_features;
    const struct cs_feature_preset *feature_presets; /* every feature → its smallest preset */
    size_t n_feature_presets;
    /* health */
    struct health_info health;
};

#endif
