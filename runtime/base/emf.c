/* emf: Embedded Metric Format, static metric tables only. */
#include "base/emf.h"

#include "base/clock.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The units CloudWatch accepts (MetricDatum.Unit). */
static const char *const emf_units[] = {
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
};

bool emf_unit_valid(const char *unit)
{
    if (!unit)
        return false;
    for (size_t i = 0; i < sizeof emf_units / sizeof emf_units[0]; i++)
        if (strcmp(unit, emf_units[i]) == 0)
            return true;
    return false;
}

size_t emf_distinct_count(size_t ndefs) { return ndefs * 1u; /* one dimension set: ["service"] */ }

int emf_init(struct emf *m, const char *ns, const char *service, const struct emf_metric_def *defs,
             size_t ndefs)
{
    memset(m, 0, sizeof *m);
    if (!ns || !*ns || strlen(ns) > 255 || !service || !*service || (!defs && ndefs) ||
        ndefs > EMF_MAX_METRICS)
        return -1;
    for (size_t i = 0; i < ndefs; i++) {
        const char *n = defs[i].name;
        if (!n || !*n || strlen(n) > 255 || !emf_unit_valid(defs[i].unit))
            return -1;
        /* would collide with the root keys of the line */
        if (strcmp(n, "service") == 0 || strcmp(n, "level") == 0 || strcmp(n, "_aws") == 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(n, defs[k].name) == 0)
                return -1;
    }
    m->ns = ns;
    m->service = service;
    m->defs = defs;
    m->ndefs = ndefs;
    return 0;
}

void emf_set_level(struct emf *m, const char *level) { m->level = level; }

int emf_put(struct emf *m, size_t id, double value)
{
    if (id >= m->ndefs || !isfinite(value))
        return -1;
    m->value[id] = value;
    m->set[id] = true;
    return 0;
}

int emf_add(struct emf *m, size_t id, double delta)
{
    if (id >= m->ndefs || !isfinite(delta))
        return -1;
    double v = (m->set[id] ? m->value[id] : 0.0) + delta;
    if (!isfinite(v))
        return -1;
    m->value[id] = v;
    m->set[id] = true;
    return 0;
}

/* Builds the EMF object; NULL on allocation failure. */
static cJSON *emf_build(const struct emf *m)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *aws = cJSON_AddObjectToObject(root, "_aws");
    if (!aws || !cJSON_AddNumberToObject(aws, "Timestamp", (double)clock_epoch_ms()))
        goto fail;
    cJSON *cwm = cJSON_AddArrayToObject(aws, "CloudWatchMetrics");
    cJSON *dir = cJSON_CreateObject();
    if (!cwm || !dir || !cJSON_AddItemToArray(cwm, dir)) {
        cJSON_Delete(dir);
        goto fail;
    }
    cJSON *dims = cJSON_AddArrayToObject(dir, "Dimensions");
    cJSON *set = cJSON_CreateArray();
    if (!cJSON_AddStringToObject(dir, "Namespace", m->ns) || !dims || !set ||
        !cJSON_AddItemToArray(dims, set)) {
        cJSON_Delete(set);
        goto fail;
    }
    cJSON *dname = cJSON_CreateString("service");
    if (!dname || !cJSON_AddItemToArray(set, dname)) {
        cJSON_Delete(dname);
        goto fail;
    }
    cJSON *metrics = cJSON_AddArrayToObject(dir, "Metrics");
    if (!metrics || !cJSON_AddStringToObject(root, "service", m->service) ||
        (m->level && !cJSON_AddStringToObject(root, "level", m->level)))
        goto fail;
    for (size_t i = 0; i < m->ndefs; i++) {
        if (!m->set[i])
            continue;
        cJSON *md = cJSON_CreateObject();
        if (!md || !cJSON_AddItemToArray(metrics, md)) {
            cJSON_Delete(md);
            goto fail;
        }
        if (!cJSON_AddStringToObject(md, "Name", m->defs[i].name) ||
            !cJSON_AddStringToObject(md, "Unit", m->defs[i].unit) ||
            !cJSON_AddNumberToObject(root, m->defs[i].name, m->value[i]))
            goto fail;
    }
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

int emf_flush(struct emf *m, FILE *out)
{
    int n = 0;
    for (size_t i = 0; i < m->ndefs; i++)
        n += m->set[i];
    if (n == 0)
        return 0;
    cJSON *root = emf_build(m);
    /* Values are forgotten even on failure: a metric line is best effort and
     * must not grow or repeat. */
    memset(m->set, 0, sizeof m->set);
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return -1;
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the NUL: one fwrite for the whole line */
    int rc = (fwrite(text, 1, len + 1, out) == len + 1 && fflush(out) == 0) ? n : -1;
    cJSON_free(text);
    return rc;
}
