/* shed: memory-pressure shedding after each invocation. Above the threshold
 * (pressure_ratio × the function's memory size) the steps of the compiled order
 * run one by one until RSS is back under it: expire cached entries, evict half,
 * shrink the pools to half their budget, raise the log level to ERROR (restored
 * once RSS is under 90 % of the threshold). */
#ifndef LEEC_SHED_H
#define LEEC_SHED_H

#include <stddef.h>

enum shed_step { SHED_EXPIRE, SHED_EVICT, SHED_SHRINK, SHED_QUIET_LOGS };

struct shed_config {
    const enum shed_step *order;
    size_t n_order;
};

struct app;
void shed_if_needed(struct app *a);

#endif
