/* model: the types of leec's in-memory model — schemas, tiers, presets, the project
 * file, and the resolved configuration with the origin of every value. Types only:
 * the lookups and the document store live in catalog.h, the loaders in schema.h,
 * presets.h, values.h; model_load.h loads the whole catalog.
 *
 * Phases (each collects all its errors, then stops):
 *   model_load_catalog   schemas/, presets/tiers/, presets/, presets/features/ (model_load.h)
 *   project_load         the user's leec.yaml (project.h)
 *   resolve              tiers → preset chain → overrides → values, rules, budgets (resolve.h)
 * Every value keeps the struct loc it came from, so later phases can point at it. */
#ifndef LEEC_MODEL_H
#define LEEC_MODEL_H

#include "front/diag.h"
#include "expr/expr.h"
#include "expr/units.h"
#include "front/yaml_ir.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct param_def {
    char *name;
    enum ptype type;
    enum ptype item_type; /* PT_LIST: PT_ENUM or PT_STRING */
    char **values;        /* PT_ENUM / list of enum: allowed values */
    size_t nvalues;
    bool has_range;
    double min, max;  /* int: units; size: bytes; duration: seconds; ratio */
    size_t max_items; /* PT_LIST */
    char *pattern;    /* PT_STRING: the rule as a JSON Schema pattern, or NULL (leec checks in C) */
    char *doc;
    struct loc loc;
};

struct metric_def {
    char *name;        /* CloudWatch metric name */
    char *unit;        /* EMF unit */
    struct expr *when; /* evaluated in the interface's scope */
    struct loc loc;
};

struct rule_def {
    struct expr *expr;
    char *message;
    struct loc loc;
};

struct iface_def {
    char *name;
    char *doc;
    bool tiered;         /* false: features (values from feature presets) */
    bool optimize_raise; /* optimize: raise (else keep the project's tier) */
    struct param_def *params;
    size_t nparams;
    struct expr *memory; /* bytes */
    char *memory_doc;
    struct metric_def *metrics;
    size_t nmetrics;
    struct rule_def *rules;
    size_t nrules;
    const struct src_file *file;
    struct loc loc;        /* the interface's name */
    struct loc params_loc; /* its params: mapping */
};

/* A value as written somewhere (tier, preset override, project override). */
struct pvalue {
    const struct ynode *node; /* the YAML node it was parsed from */
    struct expr *expr;        /* numeric/bool types: parsed expression */
    struct loc loc;
    bool failed; /* set but unusable (already reported): resolve skips it */
};

/* values[i] for params[i] of an interface; node == NULL: not set here. */
struct iface_values {
    const struct iface_def *iface;
    struct pvalue *values;
};

struct tier_def {
    char *name;
    char *doc;
    struct iface_values *ifaces; /* one per catalog interface (same order) */
    struct loc loc;
};

struct tier_choice {   /* "cache: maximum" */
    const char *iface; /* NULL if the name is retired */
    char *iface_name;  /* as written */
    char *tier;
    struct loc loc;
};

struct preset_def {
    char *name;
    char *doc;
    char *alias_of; /* aliases: every other field empty */
    char *extends;  /* another preset */
    char *base;     /* base tier */
    struct tier_choice *tiers;
    size_t ntiers;
    struct iface_values *overrides; /* one per catalog interface */
    struct loc loc, extends_loc, base_loc, alias_loc;
    bool user; /* a project's own preset (presets/ beside it, preset_dirs) */
};

struct feature_preset_def {
    char *name;
    char *doc;
    char *extends;
    char **features;
    struct loc *feature_locs;
    size_t nfeatures;
    struct loc loc, extends_loc;
};

/* schemas/project.yaml: the shape of a fixed project-file section or key. */
enum shape_kind {
    SH_STRING,
    SH_BOOL,
    SH_INT,
    SH_DURATION,
    SH_ENUM,
    SH_OBJECT,
    SH_MAP,
    SH_LIST,
    SH_SECRET
};

struct shape {
    char *name;
    enum shape_kind kind;
    bool required;
    char *doc;
    char *pattern; /* SH_STRING: JSON Schema pattern, or NULL */
    void *re;      /* pattern compiled (model/shape.h), or NULL */
    char **values; /* SH_ENUM */
    size_t nvalues;
    bool has_min, has_max; /* SH_INT, SH_DURATION (seconds) */
    double min, max;
    char *message;      /* what to write instead, for a value the pattern/range rejects */
    char *default_text; /* the value when the key is left out, as written; NULL: none */
    char **examples;    /* SH_STRING: common values editors offer (any valid one is fine) */
    size_t nexamples;
    struct shape *keys;     /* SH_OBJECT, in the order diagnostics list them */
    const char **key_names; /* keys[i].name, for ycheck_keys */
    size_t nkeys;
    struct shape *of; /* SH_MAP values, SH_LIST items */
    char *limit;      /* name in limits.yaml, or NULL */
    char *runtime;    /* a section the bootstrap reads: its C name (leec_config.<runtime>) */
    struct loc loc;
};

/* schemas/limits.yaml: the longest list of a project-file section. */
struct limit_def {
    char *name;
    size_t max;
    char *doc;
    struct loc loc;
};

struct retired_def {
    char *name;
    char *reason;
};

struct catalog {
    struct iface_def *ifaces;
    size_t nifaces;
    struct tier_def *tiers;
    size_t ntiers;
    struct preset_def *presets;
    size_t npresets;
    struct feature_preset_def *fpresets;
    size_t nfpresets;
    struct retired_def *retired;
    size_t nretired;
    struct limit_def *limits;
    size_t nlimits;
    struct shape sections; /* schemas/project.yaml: an object, one key per section */
    double baseline_rss;   /* bytes */
    struct loc baseline_loc;
    struct ydoc **docs; /* owned YAML documents (nodes are referenced) */
    size_t ndocs;
    char *root;                      /* repository root the catalog was read from */
    unsigned io_errors;              /* files that could not be read, TMPDIR unusable: exit 2 */
    struct name_index *preset_index; /* presets by name (catalog.c) */
    /* Names of preset files that did not load (reported at the file): a preset that
     * extends one is not reported again as extending an unknown preset. */
    char **broken_presets;
    size_t nbroken_presets;
};

/* ---- resolved configuration ---- */

enum origin_kind { ORIGIN_TIER, ORIGIN_PRESET, ORIGIN_PROJECT, ORIGIN_FEATURES };

struct origin {
    enum origin_kind kind;
    const char *name; /* tier name, preset name, "project", feature preset */
    struct loc loc;   /* where the value was written */
};

struct rvalue {
    enum ptype type;
    double num; /* int, size (bytes), duration (seconds), ratio */
    bool b;
    const char *str;    /* enum / string (points into YAML nodes) */
    const char **items; /* list */
    size_t nitems;
    struct origin origin;
};

struct riface {
    const struct iface_def *def;
    const char *tier;          /* tier this interface resolved from */
    struct origin tier_origin; /* where that tier choice was made */
    struct rvalue *values;     /* def->params order */
    double memory;             /* bytes, from def->memory */
    bool *metric_on;           /* def->metrics order */
};

struct memory_item {
    const char *name; /* "baseline", interface name */
    double bytes;
    struct loc loc; /* YAML that causes it (tier/override choice or schema) */
};

struct metric_item {
    const char *name;
    const char *unit;
    const char *iface;
};

#endif
