/* bind: the one place that reads the generated tables (leec_config.h, through
 * abi.h) and turns them into a struct app_config (core/config.h). Linked into
 * bootstrap only, next to the generated leec_config.c: leec_rt never sees the
 * tables. */
#ifndef LEEC_BIND_H
#define LEEC_BIND_H

#include "core/config.h"

/* Fills *cfg (pointers into the tables or into storage that lives as long as the
 * process). Returns 0, or -1 when out of memory. */
int bind_app_config(struct app_config *cfg);

#endif
