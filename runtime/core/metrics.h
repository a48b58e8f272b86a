/* metrics: the EMF values of one invocation (put before the flush at its end). */
#ifndef LEEC_METRICS_H
#define LEEC_METRICS_H

#include "core/gateway.h"

#include <stdint.h>

struct app;
/* Before the handler: remembers the entity cache's counters (CacheHitRate). */
void metrics_begin(struct app *a);
void metrics_record(struct app *a, const struct gw_reply *rep, uint64_t ms);

#endif
