/* leec explain FILE: every resolved value with its origin, the budgets and free-tier use;
 * with --format json the same as data (emit/facts.h), diagnostics on stderr. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/facts.h"
#include "front/util.h"
#include "model/project.h"
#include "model/schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void bar(FILE *out, double part, double whole, int width)
{
    int n = whole > 0 ? (int)lround(part / whole * width) : 0;
    if (part > 0 && n == 0)
        n = 1;
    for (int i = 0; i < n && i < width * 2; i++)
        fputs("#", out);
}

static void print_budget(FILE *out, const struct resolved *r)
{
    char lim[32], tot[32], hr[32];
    fmt_bytes(lim, sizeof lim, r->mem_limit);
    fmt_bytes(tot, sizeof tot, r->mem_total);
    fmt_bytes(hr, sizeof hr, resolved_value(r, "lambda", "headroom")->num);
    fprintf(out, "\nmemory budget: %s of %s (%.0f MB - %s headroom)\n", tot, lim,
            resolved_value(r, "lambda", "memory_mb")->num, hr);
    for (size_t i = 0; i < r->nmem; i++) {
        char b[32];
        fmt_bytes(b, sizeof b, r->mem[i].bytes);
        fprintf(out, "  %-16s %11s  ", r->mem[i].name, b);
        bar(out, r->mem[i].bytes, r->mem_limit, 50);
        fputc('\n', out);
    }
    fprintf(out, "  %-16s %11s  ", "total", tot);
    bar(out, r->mem_total, r->mem_limit, 50);
    fprintf(out, "  %.0f%%\n  %-16s %11s  ", r->mem_total / r->mem_limit * 100.0, "limit", lim);
    bar(out, r->mem_limit, r->mem_limit, 50);
    fputs("|\n", out);
    if (r->mem_total > r->mem_limit) {
        char over[32];
        fmt_bytes(over, sizeof over, r->mem_total - r->mem_limit);
        fprintf(out, "  over budget by %s (the error below says what to change)\n", over);
    }
    fprintf(out, "\nmetrics: %zu custom metrics (free tier: %d)\n", r->nmetrics, FREE_METRICS);
    for (size_t i = 0; i < r->nmetrics; i++)
        fprintf(out, "  %-22s %-13s from %s\n", r->metrics[i].name, r->metrics[i].unit,
                r->metrics[i].iface);
    if (r->has_usage) {
        const struct project *p = r->proj;
        fprintf(out, "\nfree tier per month (%.0f invocations/day of %.0f ms):\n",
                p->invocations_per_day, p->avg_duration * 1000.0);
        fprintf(out, "  %-12s %14.0f of %10.0f  %6.2f%%\n", "requests", r->req_month, FREE_REQUESTS,
                r->req_month / FREE_REQUESTS * 100.0);
        fprintf(out, "  %-12s %14.1f of %10.0f  %6.2f%%\n", "GB-seconds", r->gbs_month,
                FREE_GB_SECONDS, r->gbs_month / FREE_GB_SECONDS * 100.0);
        char lb[32], fl[32];
        fmt_bytes(lb, sizeof lb, r->log_bytes_month);
        fmt_bytes(fl, sizeof fl, FREE_LOG_BYTES);
        fprintf(out, "  %-12s %14s of %10s  %6.2f%%\n", "log bytes", lb, fl,
                r->log_bytes_month / FREE_LOG_BYTES * 100.0);
        fprintf(out, "  %-12s %14zu of %10d\n", "metrics", r->nmetrics, FREE_METRICS);
        if (p->allow_paid)
            fprintf(out,
                    "  budget.allow_paid: true (%s:%u): an estimate over the free tier is "
                    "accepted\n",
                    p->allow_paid_loc.file->path, p->allow_paid_loc.line);
    }
}

static void print_resolved(FILE *out, const struct resolved *r)
{
    for (size_t fi = 0; fi < r->nifaces; fi++) {
        const struct riface *ri = &r->ifaces[fi];
        char o[160];
        if (ri->tier) {
            origin_format(&ri->tier_origin, o, sizeof o);
            fprintf(out, "\n%s: tier %s (%s)\n", ri->def->name, ri->tier, o);
        } else {
            fprintf(out, "\n%s: feature preset %s\n", ri->def->name, r->fpreset);
        }
        for (size_t pi = 0; pi < ri->def->nparams; pi++) {
            char v[96];
            rvalue_format(&ri->values[pi], v, sizeof v);
            origin_format(&ri->values[pi].origin, o, sizeof o);
            fprintf(out, "  %-20s %-18s %s\n", ri->def->params[pi].name, v, o);
        }
    }
}

static int print_explain(const struct cli *c, const char *path, const struct catalog *cat,
                         const struct project *p, const struct resolved *r, struct diag *d,
                         void *arg)
{
    (void)d;
    (void)arg;
    if (c->format == DIAG_JSON) {
        char *json = facts_render(r, path);
        fputs(json, stdout);
        free(json);
        return EXIT_OK;
    }
    const struct preset_def *pd = r->preset;
    printf("%s: preset %s%s%s%s, features %s\n", path, r->preset_name,
           pd != catalog_preset_raw(cat, r->preset_name) ? " (alias of " : "",
           pd != catalog_preset_raw(cat, r->preset_name) ? pd->name : "",
           pd != catalog_preset_raw(cat, r->preset_name) ? ")" : "", r->fpreset);
    printf("preset chain:");
    for (size_t i = 0; i < r->nchain; i++)
        printf("%s %s", i ? " ->" : "", r->chain[i]->name);
    printf(" (base tier %s)\n", r->chain[0]->base);
    for (size_t i = 0; i < p->ntiers; i++)
        if (!p->tiers[i].iface) {
            const struct retired_def *rt = catalog_retired(cat, p->tiers[i].iface_name);
            printf("retired: %s (%s)\n", p->tiers[i].iface_name, rt ? rt->reason : "");
        }
    for (size_t k = 0; k < r->nchain; k++)
        for (size_t i = 0; i < r->chain[k]->ntiers; i++)
            if (!r->chain[k]->tiers[i].iface) {
                const struct retired_def *rt =
                    catalog_retired(cat, r->chain[k]->tiers[i].iface_name);
                printf("retired: %s in preset %s (%s)\n", r->chain[k]->tiers[i].iface_name,
                       r->chain[k]->name, rt ? rt->reason : "");
            }
    print_resolved(stdout, r);
    print_budget(stdout, r);
    return EXIT_OK;
}

int cmd_explain(struct cli *c, struct diag *d)
{
    if (c->argc != 1 || c->argv[0][0] == '-')
        return cli_usage_error("explain takes one project file");
    const char *path = c->argv[0];
    if (c->format == DIAG_JSON) /* facts of a valid project only (docs/facts.md) */
        return workspace_with_project(c, d, path, print_explain, NULL);
    /* Text: the values and the budget table whenever they could be computed — over
     * budget or against a rule is exactly when they are needed — then the diagnostics. */
    struct catalog cat;
    int rc = workspace_load_for(&cat, c, d, path);
    if (rc != EXIT_OK) {
        model_free_catalog(&cat);
        return rc;
    }
    struct project p;
    int io = 0;
    if (!project_load(&p, &cat, path, d, &io)) {
        project_free(&p, &cat);
        model_free_catalog(&cat);
        return io ? EXIT_USAGE : EXIT_INVALID;
    }
    struct diag *quiet = diag_new(c->format, stderr);
    diag_set_quiet(quiet, 1);
    struct resolved r;
    bool ok = resolve(&r, &cat, p.preset, &p, NULL, quiet);
    diag_free(quiet);
    if (ok || (r.nmem && r.mem_limit > 0)) {
        print_explain(c, path, &cat, &p, &r, d, NULL);
        fflush(stdout);
    }
    resolved_free(&r);
    /* Again, reporting: the warnings, or the errors after the table. */
    if (!resolve(&r, &cat, p.preset, &p, NULL, d))
        rc = EXIT_INVALID;
    resolved_free(&r);
    project_free(&p, &cat);
    model_free_catalog(&cat);
    return rc;
}
