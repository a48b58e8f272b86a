/* resolve: turns a preset (and optionally a project file) into the resolved
 * configuration — every parameter's value and origin, rules checked, the memory
 * estimate with its contributors, the exact metric set, and free-tier figures.
 *
 * Order of precedence, lowest first: the preset chain's base tier, per-interface
 * tiers along the chain (root → leaf), the project's tiers, the presets'
 * overrides (root → leaf), the project's overrides. */
#ifndef LEEC_RESOLVE_H
#define LEEC_RESOLVE_H

#include "model/model.h"
#include "model/project.h"

/* Free-tier limits (per month). */
#define FREE_REQUESTS   1000000.0
#define FREE_GB_SECONDS 400000.0
#define FREE_LOG_BYTES  (5.0 * 1024 * 1024 * 1024)
#define FREE_METRICS    10

struct resolved {
    const struct catalog *cat;
    const struct project *proj;      /* NULL when resolving a preset alone */
    const char *preset_name;         /* as asked (may be an alias) */
    const struct preset_def *preset; /* after aliases */
    const struct preset_def **chain; /* root … leaf through extends */
    size_t nchain;
    const char *fpreset;
    struct riface *ifaces; /* catalog order */
    size_t nifaces;
    struct memory_item *mem;
    size_t nmem;
    double mem_total, mem_limit;
    struct metric_item *metrics;
    size_t nmetrics;
    /* free tier (project with budget usage only) */
    bool has_usage;
    double req_month, gbs_month, log_bytes_month;
};

/* Resolves `preset` (with `proj` if not NULL; else the feature preset `fpreset`).
 * Emits every error it finds; returns false if there were any. On failure r may be
 * partly filled; always call resolved_free. */
bool resolve(struct resolved *r, const struct catalog *cat, const char *preset,
             const struct project *proj, const char *fpreset, struct diag *d);
void resolved_free(struct resolved *r);

const struct riface *resolved_iface(const struct resolved *r, const char *name);
const struct rvalue *resolved_value(const struct resolved *r, const char *iface, const char *param);
/* Formats a resolved value for people ("24 MiB", "5 m", "true", "[a, b]"). */
void rvalue_format(const struct rvalue *v, char *buf, size_t size);
/* "tier standard", "preset low_latency", "project", "features smart_home". */
void origin_format(const struct origin *o, char *buf, size_t size);

#endif
