/* leec_abi: the fixed C types of the tables leec generates (leec_config.h), and
 * the version of that shape. Hand-written, like nanopb's pb.h: the generated header
 * includes this file, holds only per-project data (and the per-interface and
 * per-section structs, which are generated from schemas/), and stops the build with #error when it was
 * generated for another LEEC_ABI_VERSION_RUNTIME.
 *
 * Bump LEEC_ABI_VERSION_RUNTIME together with LEEC_ABI_VERSION in compiler/emit.h
 * whenever a type here, or the shape of a generated struct, changes. */
#ifndef LEEC_ABI_TYPES_H
#define LEEC_ABI_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEEC_ABI_VERSION_RUNTIME 3

/* Where a secret is read at run time; the tables never hold a secret itself. */
enum leec_secret_source { LEEC_SECRET_NONE, LEEC_SECRET_ENV, LEEC_SECRET_SSM };

struct leec_secret_ref {
    enum leec_secret_source source;
    const char *name; /* variable or SSM parameter name, never the secret */
};

/* An entry of a map of secrets (home_assistant.headers: at most LEEC_MAX_HEADERS, from
 * schemas/limits.yaml): the name, and the value by reference. */
struct leec_secret_pair {
    const char *key;
    struct leec_secret_ref value;
};

/* An entry of a map of names (entity id → friendly name). */
struct leec_name_pair {
    const char *key;
    const char *value;
};

/* The project file's sections the bootstrap reads (struct leec_ha_config, struct
 * leec_alexa_config) are generated from their shapes in schemas/project.yaml, with
 * LEEC_<SECTION>_FIELDS(X): leec_config.h, made of the element types above. */

/* One CloudWatch metric the bootstrap can emit (leec_config.metric_defs). */
struct leec_metric_def {
    const char *name;
    const char *unit;
};

/* The tier each interface resolved from, for the health answer and logs. */
struct leec_tier_choice {
    const char *iface;
    const char *tier;
};

/* Budgets as leec computed them (bytes). */
struct leec_budget {
    uint64_t memory_estimate;
    uint64_t memory_limit;
    uint64_t memory_baseline;
    size_t metric_count;
};

#endif
