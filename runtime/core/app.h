/* app: the bootstrap's state, built once from the compiled tables and the
 * environment (no configuration file is read), and the event handlers. */
#ifndef LEEC_APP_H
#define LEEC_APP_H

#include "guard/breaker.h"
#include "guard/cache.h"
#include "smarthome/discovery.h"
#include "base/emf.h"
#include "core/gateway.h"
#include "net/ha_client.h"
#include "core/rapi.h"
#include "guard/ratelimit.h"
#include "core/settings.h"

#include <stdbool.h>
#include <stdint.h>

struct app {
    struct settings settings;
    struct rapi rapi;
    struct ha_client *ha;
    struct breaker ha_breaker, ssm_breaker;
    struct ratelimit *rl;
    struct cache_pool *state_cache, *response_cache;
    struct emf emf;
    struct discovery_rules discovery;
    char *ssm_token;          /* token fetched from SSM (secret; wiped on exit) */
    uint64_t ssm_fetched_ms;
    struct ha_header headers[8];
    size_t nheaders;
    char *header_values[8];
    uint64_t invocations;
    uint64_t init_ms;         /* process start → ready */
    uint64_t pressure_sheds;
    double pressure_threshold; /* RSS bytes above which to shed (set once at init) */
    bool cold;
};

/* Builds everything; on failure fills why/type and returns -1 (caller posts /init/error). */
int app_init(struct app *a, const char **error_type, char *why, size_t whylen);
/* Handles one invocation end to end (response or error posted). <0: exit the process. */
int app_invoke(struct app *a, const struct rapi_invocation *inv);
void app_free(struct app *a);

void app_handle_smart_home(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                           struct gw_reply *out);
void app_handle_custom_skill(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                             struct gw_reply *out);
void app_handle_health(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                       struct gw_reply *out);
void app_handle_unknown(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                        struct gw_reply *out);

#endif
