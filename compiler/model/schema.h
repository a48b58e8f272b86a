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

#endif
