/* metrics: see metrics.h. */
#include "core/metrics.h"

#include "base/memstat.h"
#include "core/app.h"

static void put_metric(struct app *a, long id, double v)
{
    if (id >= 0 && a->cfg->metrics_enabled)
        emf_put(&a->emf, (size_t)id, v);
}

void metrics_record(struct app *a, const struct gw_reply *rep, uint64_t ms)
{
    if (!a->cfg->metrics_enabled)
        return;
    const struct metric_ids *m = &a->cfg->metric;
    put_metric(a, m->invocations, 1);
    put_metric(a, m->errors, (rep->alexa_error || !rep->body) ? 1 : 0);
    put_metric(a, m->duration, (double)ms);
    put_metric(a, m->memory_used, (double)memstat_rss_bytes());
    if (a->cold) /* Powertools' ColdStart: the environment's first invocation */
        put_metric(a, m->cold_start, 1);
    if (rep->ha_called)
        put_metric(a, m->ha_latency, rep->ha_ms);
    if (rep->breaker_open)
        put_metric(a, m->breaker_open, 1);
    if (rep->rate_limited)
        put_metric(a, m->rate_limited, 1);
    if (rep->security_rejected)
        put_metric(a, m->security_rejections, 1);
}
