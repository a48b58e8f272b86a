/* schema: schemas/ — interfaces with their parameters, memory formulas, metrics and
 * rules; the measured baseline; retired interfaces; project-file limits — and the
 * table of what leec itself relies on, checked once the schemas are loaded. */
#ifndef LEEC_SCHEMA_H
#define LEEC_SCHEMA_H

#include "model/model.h"

/* Most fixed sections schemas/project.yaml may describe. */
#define SCHEMA_MAX_SECTIONS 16

/* Each loads one file into cat; false after diagnostics. */
bool schema_load_iface(struct catalog *cat, struct diag *d, const char *path);
bool schema_load_baseline(struct catalog *cat, struct diag *d, const char *path);
bool schema_load_retired(struct catalog *cat, struct diag *d, const char *path);
bool schema_load_limits(struct catalog *cat, struct diag *d, const char *path);
bool schema_load_project(struct catalog *cat, struct diag *d, const char *path);
void schema_free_shape(struct shape *s);
/* Every parameter, type, enum value and limit the compiler reads by name exists;
 * else a located error naming the schema and what leec needs it for. */
bool schema_check_needs(const struct catalog *cat, struct diag *d);

const struct iface_def *catalog_iface(const struct catalog *cat, const char *name);
size_t catalog_iface_index(const struct catalog *cat, const struct iface_def *iface);
const struct retired_def *catalog_retired(const struct catalog *cat, const char *name);
const struct limit_def *catalog_limit(const struct catalog *cat, const char *name);
/* A key of an object shape, or NULL. */
const struct shape *shape_key(const struct shape *s, const char *name);
/* "home_assistant.token" → its shape, or NULL. */
const struct shape *catalog_shape(const struct catalog *cat, const char *path);
const struct param_def *iface_param(const struct iface_def *iface, const char *name);

#endif
