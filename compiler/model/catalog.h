/* catalog: the document store every loader reads its YAML through (the catalog owns
 * the documents, so every node and location stays valid) and the lookups by name
 * every later phase uses. Depends only on the model's types: the loaders (schema.h,
 * presets.h) include it, never the reverse (model_load.h runs them). */
#ifndef LEEC_CATALOG_H
#define LEEC_CATALOG_H

#include "model/model.h"

/* For the loaders: the root of one YAML file, owned by the catalog (NULL after a
 * diagnostic). */
const struct ynode *catalog_load_doc(struct catalog *cat, struct diag *d, const char *path);
/* A file whose top level is a mapping with only `keys`, named by its first key
 * (`tier: standard`); *name_node and *name are set. */
const struct ynode *catalog_load_named(struct catalog *cat, struct diag *d, const char *path,
                                       const char *const *keys, size_t nkeys, const char *what,
                                       const struct ynode **name_node, const char **name);
/* The optional `doc:` text of a mapping, malloc'd ("" when absent). */
char *catalog_doc_text(const struct ynode *map);

/* Lookups by name; NULL when unknown. */
const struct iface_def *catalog_iface(const struct catalog *cat, const char *name);
size_t catalog_iface_index(const struct catalog *cat, const struct iface_def *iface);
const struct param_def *catalog_param(const struct iface_def *iface, const char *name);
const struct retired_def *catalog_retired(const struct catalog *cat, const char *name);
const struct limit_def *catalog_limit(const struct catalog *cat, const char *name);
const struct tier_def *catalog_tier(const struct catalog *cat, const char *name);
/* Follows aliases. */
const struct preset_def *catalog_preset(const struct catalog *cat, const char *name);
/* By name, through cat->preset_index (a hash; NULL: a linear search). */
const struct preset_def *catalog_preset_raw(const struct catalog *cat, const char *name);
/* The index: made by model_load_catalog, freed with the catalog; reset after presets
 * move in the array (it catches up with appended ones by itself). */
struct name_index *catalog_index_new(void);
void catalog_index_free(struct name_index *x);
void catalog_index_reset(struct catalog *cat);
const struct feature_preset_def *catalog_fpreset(const struct catalog *cat, const char *name);
/* A key of an object shape. */
const struct shape *catalog_shape_key(const struct shape *s, const char *name);
/* "home_assistant.token" → its shape. */
const struct shape *catalog_shape(const struct catalog *cat, const char *path);

#endif
