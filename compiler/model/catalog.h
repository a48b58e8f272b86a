/* catalog: loads everything under a root (schemas/ via schema.h, presets/ via
 * presets.h) into struct catalog, and the file helpers those loaders share. Files
 * are read in sorted order so output is deterministic. */
#ifndef LEEC_CATALOG_H
#define LEEC_CATALOG_H

#include "model/model.h"
#include "model/presets.h"
#include "model/schema.h"
#include "model/values.h"

/* Loads everything under root (schemas/, presets/). false after diagnostics. */
bool model_load_catalog(struct catalog *cat, const char *root, struct diag *d);
void model_free_catalog(struct catalog *cat);

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

#endif
