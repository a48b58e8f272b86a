/* diff: `leec diff A B` — every resolved field of two projects (or presets) that
 * differs: the preset and feature preset, tiers and parameters (with the origin of the
 * new value), features, every key of the project file's fixed sections (walked along
 * their shapes in schemas/project.yaml: the Home Assistant connection, secrets by
 * source and name, Alexa, budget, alarms), and the memory and metric totals. */
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
