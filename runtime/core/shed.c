/* shed: see shed.h. */
#include "core/shed.h"

#include "base/log.h"
#include "base/memstat.h"
#include "core/app.h"

#include <malloc.h>
#include <stdbool.h>

/* quiet_logs raises the log level for as long as memory stays high; once RSS is back
 * under 90 % of the threshold the level in force before is restored (otherwise one
 * spike would silence the summary lines for the rest of the environment's life). */
static bool logs_quieted;
static enum log_level level_before_quiet;

static void shed_step(struct app *a, enum shed_step step)
{
    switch (step) {
    case SHED_EXPIRE:
        if (a->state_cache)
            cache_expire_all(a->state_cache);
        if (a->response_cache)
            cache_expire_all(a->response_cache);
        break;
    case SHED_EVICT:
        if (a->state_cache)
            cache_evict_fraction(a->state_cache, 0.5);
        if (a->response_cache)
            cache_evict_fraction(a->response_cache, 0.5);
        break;
    case SHED_SHRINK:
        if (a->state_cache)
            cache_shrink(a->state_cache, a->cfg->state_cache.byte_budget / 2);
        if (a->response_cache)
            cache_shrink(a->response_cache, a->cfg->response_cache.byte_budget / 2);
        break;
    case SHED_QUIET_LOGS:
        if (!logs_quieted) {
            level_before_quiet = log_get_level();
            logs_quieted = true;
        }
        if (log_get_level() < LOG_LEVEL_ERROR)
            log_set_level(LOG_LEVEL_ERROR);
        break;
    }
}

void shed_if_needed(struct app *a)
{
    double threshold = a->pressure_threshold;
    if (logs_quieted && (double)memstat_rss_bytes() <= 0.9 * threshold) {
        log_set_level(level_before_quiet);
        logs_quieted = false;
        log_emit(LOG_LEVEL_INFO, "memory pressure over: log level restored",
                 LOG_STR("level", log_level_name(level_before_quiet)), LOG_END);
    }
    const struct shed_config *sc = &a->cfg->shed;
    for (size_t i = 0; i < sc->n_order; i++) {
        uint64_t rss = memstat_rss_bytes();
        if ((double)rss <= threshold)
            return;
        shed_step(a, sc->order[i]);
        malloc_trim(0);
        a->pressure_sheds++;
        long id = a->cfg->metric.of[APP_METRIC_PressureSheds];
        if (id >= 0)
            emf_add(&a->emf, (size_t)id, 1);
        log_emit(LOG_LEVEL_WARN, "memory pressure: shedding", LOG_UINT("rss", rss),
                 LOG_DBL("threshold", threshold), LOG_UINT("step", i), LOG_END);
    }
}
