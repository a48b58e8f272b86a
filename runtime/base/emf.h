/* emf: CloudWatch Embedded Metric Format lines on stdout.
 *
 * The metric set is a static table from the caller (the compiled tables), so
 * the number of distinct metrics is fixed at build time: ndefs names × one
 * dimension set ["service"]. Metrics are addressed by table index; no metric
 * name is ever built from data (the original did, unboundedly).
 *
 * emf_flush prints one line:
 *   {"_aws":{"Timestamp":<epoch ms>,"CloudWatchMetrics":[{"Namespace":"..",
 *    "Dimensions":[["service"]],"Metrics":[{"Name":"..","Unit":".."},..]}]},
 *    "service":"..","level":"INFO","<name>":<value>,..}
 * with only the metrics put since the last flush; nothing when none was.
 * "level" (emf_set_level; omitted when NULL) is for Lambda's application-log
 * filter, which treats a JSON line without one as INFO and drops it below the
 * function's log level: the runtime sets the filter's own level, so the line
 * passes whatever the level (docs/runtime.md). To CloudWatch it is a property. */
#ifndef LEEC_EMF_H
#define LEEC_EMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define EMF_MAX_METRICS 32u /* CloudWatch allows 100 per directive; we need ~10 */

struct emf_metric_def {
    const char *name; /* 1..255 bytes, unique, not "service", "level" or "_aws" */
    const char *unit; /* one of the EMF units, see emf_unit_valid */
};

/* Public for static storage only; use the functions. */
struct emf {
    const char *ns;
    const char *service;
    const char *level; /* "level" of the line (static string), NULL: none */
    const struct emf_metric_def *defs;
    size_t ndefs;
    double value[EMF_MAX_METRICS];
    bool set[EMF_MAX_METRICS];
};

/* Validates the table (units, names, count <= EMF_MAX_METRICS); -1 on error.
 * Strings are kept by pointer (static tables). */
int emf_init(struct emf *m, const char *ns, const char *service, const struct emf_metric_def *defs,
             size_t ndefs);

/* The line's "level" (a static string such as "WARN"; NULL: none). */
void emf_set_level(struct emf *m, const char *level);

/* Sets metric id to value (last put before a flush wins). -1 for an unknown
 * id or a non-finite value (JSON has no NaN). */
int emf_put(struct emf *m, size_t id, double value);

/* Adds to metric id (counts accumulated over an invocation). */
int emf_add(struct emf *m, size_t id, double delta);

/* Prints the line (single fwrite + fflush) and forgets the values. Returns
 * the number of metrics printed, or -1 on an output or memory error. */
int emf_flush(struct emf *m, FILE *out);

/* Exact number of distinct CloudWatch metrics this set can create. */
size_t emf_distinct_count(size_t ndefs);

bool emf_unit_valid(const char *unit);

#endif
