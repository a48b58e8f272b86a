/* app: the bootstrap's state, built once from a struct app_config (core/bind.c
 * fills it from the compiled tables) and the environment (no configuration file
 * is read), and the invocation loop's one step. The event handlers are in
 * smarthome/handler.c, custom/handler.c and core/health.c; core/gateway.c routes
 * to them. */
#ifndef LEEC_APP_H
#define LEEC_APP_H

#include "base/emf.h"
#include "core/config.h"
#include "core/rapi.h"
#include "core/settings.h"
#include "guard/breaker.h"
#include "guard/cache.h"
#include "guard/ratelimit.h"
#include "net/ha_client.h"

#include <stdbool.h>
#include <stdint.h>

/* Alexa waits about 8 s for a skill's answer, counted from when it sends the request.
 * Every invocation's deadline is the earlier of Lambda's and that: now + 8 s for a
 * warm invocation, and, for the first one after a cold start, app_init's start + 8 s
 * (the init ran after Alexa sent the request that caused it). docs/smart-home.md. */
#define APP_ALEXA_BUDGET_MS 8000u

struct app {
    const struct app_config *cfg;
    struct settings settings;
    struct rapi rapi;
    struct ha_client *ha;
    struct breaker ha_breaker, ssm_breaker;
    struct ratelimit *rl;
    struct cache_pool *state_cache, *response_cache;
    struct emf emf;
    char *ssm_token;      /* token fetched from SSM (secret; wiped on exit) */
    char *ssm_prev_token; /* the value before the last rotation, still redacted */
    uint64_t ssm_fetched_ms;
    struct ha_header headers[APP_MAX_HEADERS];
    size_t nheaders;
    char *header_values[APP_MAX_HEADERS];
    uint64_t invocations;
    uint64_t init_us;        /* main() entered → ready for the first /next (set by main.c) */
    uint64_t start_epoch_ms; /* when app_init began (the cold start's Alexa clock) */
    uint64_t pressure_sheds;
    uint64_t cache_lookups0, cache_hits0; /* entity cache counters at invocation start */
    double pressure_threshold;            /* RSS bytes above which to shed (set once at init) */
    bool cold;
};

/* Builds everything from cfg (kept by pointer); on failure fills why/type and
 * returns -1 (caller posts /init/error). */
int app_init(struct app *a, const struct app_config *cfg, const char **error_type, char *why,
             size_t whylen);
/* Handles one invocation end to end (response or error posted). <0: exit the process. */
int app_invoke(struct app *a, const struct rapi_invocation *inv);
void app_free(struct app *a);

#endif
