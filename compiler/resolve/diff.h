/* diff: `leec diff A B` — every resolved field of two projects (or presets) that
 * differs: the preset and feature preset, tiers and parameters (with the origin of the
 * new value), features, the Home Assistant connection (URL, allow_http, token mode
 * and source, TLS, header names and sources), skill IDs, discovery rules, announce and
 * notify targets, the budget, and the memory and metric totals. */
#ifndef LEEC_DIFF_H
#define LEEC_DIFF_H

#include "model/project.h"
#include "resolve/resolve.h"

#include <stdio.h>

/* pa/pb: the project files behind a/b, or NULL (a preset alone). Returns the number
 * of differences printed. */
size_t diff_print(FILE *out, const struct resolved *a, const struct project *pa,
                  const struct resolved *b, const struct project *pb);

#endif
