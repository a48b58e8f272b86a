/* model_load: the whole catalog under a root, in phase order — schemas (checked for
 * what leec relies on), tiers, presets, aliases, feature presets, then the links
 * between them — and its release. Above the loaders (schema.h, presets.h), which
 * depend only on the types (model.h) and the document store (catalog.h). */
#ifndef LEEC_MODEL_LOAD_H
#define LEEC_MODEL_LOAD_H

#include "model/model.h"

/* Loads everything under root (schemas/, presets/). false after diagnostics. */
bool model_load_catalog(struct catalog *cat, const char *root, struct diag *d);
void model_free_catalog(struct catalog *cat);

#endif
