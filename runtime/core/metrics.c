/* metrics: see metrics.h. */
#include "core/metrics.h"

#include "base/memstat.h"
#include "core/app.h"

static void put_metric(struct app *a, long id, double v)
{
    if (id >= 0 && a->cfg->metrics_enabled)
        emf_put(&a->emf, (size_t)id, v);
}

/* Lookups and hits of the entity cache so far (every cache_get outcome counts). */
static void cache_counts(const struct app *a, uint64_t *lookups, uint64_t *hits)
{
    *lookups = *hits = 0;
    if (!a->state_cache)
        return;
    struct cache_stats st;
    cache_get_stats(a->state_cache, &st);
    *lookups = st.hits + st.misses + st.expired_gets;
    *hits = st.hits;
}

void metrics_begin(struct app *a) { cache_counts(a, &a->cache_lookups0, &a->cache_hits0); }

void metrics_record(struct app *a, const struct gw_reply *rep, uint64_t ms)
{
    if (!a->cfg->metrics_enabled)
        return;
    const long *m = a->cfg->metric.of;
    put_metric(a, m[APP_METRIC_Invocations], 1);
    put_metric(a, m[APP_METRIC_Errors], (rep->alexa_error || !rep->body) ? 1 : 0);
    put_metric(a, m[APP_METRIC_Duration], (double)ms);
    put_metric(a, m[APP_METRIC_MemoryUsed], (double)memstat_rss_bytes());
    if (a->cold) /* Powertools' ColdStart: the environment's first invocation */
        put_metric(a, m[APP_METRIC_ColdStart], 1);
    if (rep->ha_called)
        put_metric(a, m[APP_METRIC_HomeAssistantLatency], rep->ha_ms);
    if (rep->breaker_open)
        put_metric(a, m[APP_METRIC_BreakerOpen], 1);
    if (rep->rate_limited)
        put_metric(a, m[APP_METRIC_RateLimited], 1);
    if (rep->security_rejected)
        put_metric(a, m[APP_METRIC_SecurityRejections], 1);
    /* Hits per lookup of the entity cache in this invocation; an invocation that looked
     * nothing up says nothing (CloudWatch averages the invocations that did). */
    uint64_t lookups, hits;
    cache_counts(a, &lookups, &hits);
    if (lookups > a->cache_lookups0)
        put_metric(a, m[APP_METRIC_CacheHitRate],
                   100.0 * (double)(hits - a->cache_hits0) / (double)(lookups - a->cache_lookups0));
}
