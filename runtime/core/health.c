/* health: see health.h. */
#include "core/health.h"

#include "base/memstat.h"
#include "core/app.h"

#include <string.h>

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

static void add_build(cJSON *o, const struct health_info *h)
{
    cJSON_AddStringToObject(o, "version", LEEC_VERSION);
    cJSON_AddNumberToObject(o, "abi", (double)h->abi);
    cJSON_AddStringToObject(o, "project", h->project);
    cJSON_AddStringToObject(o, "preset", h->preset);
    cJSON_AddStringToObject(o, "feature_preset", h->feature_preset);
    cJSON *feats = cJSON_AddArrayToObject(o, "features");
    for (size_t i = 0; i < h->n_features; i++)
        cJSON_AddItemToArray(feats, cJSON_CreateString(h->features[i]));
    cJSON *tiers = cJSON_AddObjectToObject(o, "tiers");
    for (size_t i = 0; i < h->n_tiers; i++)
        cJSON_AddStringToObject(tiers, h->tiers[i].iface, h->tiers[i].tier);
    cJSON *b = cJSON_AddObjectToObject(o, "budget");
    cJSON_AddNumberToObject(b, "memory_estimate", (double)h->memory_estimate);
    cJSON_AddNumberToObject(b, "memory_limit", (double)h->memory_limit);
    cJSON_AddNumberToObject(b, "memory_baseline", (double)h->memory_baseline);
    cJSON_AddNumberToObject(b, "metric_count", (double)h->metric_count);
}

void health_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                    struct gw_reply *out)
{
    (void)inv;
    (void)event;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    add_build(o, &a->cfg->health);
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
    cJSON_AddNumberToObject(o, "init_ms", (double)a->init_us / 1000.0);
    out->body = cJSON_PrintUnformatted(o);
    out->len = out->body ? strlen(out->body) : 0;
    out->ns = "health";
    cJSON_Delete(o);
}
