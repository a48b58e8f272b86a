/* leec optimize FILE --max-memory SIZE [--keep IFACE...]: the richest tier per interface
 * that fits. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "front/util.h"
#include "model/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tier_rank(const char *t)
{
    static const char *const order[] = {"minimum", "standard", "performance", "maximum"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(order[i], t))
            return i;
    return -1;
}

int cmd_optimize(struct cli *c, struct diag *d)
{
    const char *project = NULL, *size = NULL;
    const char **keep = xcalloc((size_t)c->argc + 1, sizeof *keep);
    size_t nkeep = 0;
    double max_memory = 0;
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "--max-memory", &size);
        if (m < 0) {
            free(keep);
            return EXIT_USAGE;
        }
        if (m) {
            if (!units_parse(size, DIM_BYTES, &max_memory) || max_memory <= 0) {
                free(keep);
                return cli_usage_error("--max-memory needs a size such as 64MiB");
            }
        } else if (cli_opt_flag(c, i, "--keep")) {
            while (i + 1 < c->argc && c->argv[i + 1][0] != '-')
                keep[nkeep++] = c->argv[++i];
        } else if (c->argv[i][0] == '-' || project) {
            free(keep);
            return cli_usage_error("optimize takes one project file and --max-memory SIZE");
        } else {
            project = c->argv[i];
        }
    }
    if (!project || max_memory <= 0) {
        free(keep);
        return cli_usage_error("optimize takes one project file and --max-memory SIZE");
    }
    struct catalog cat;
    int rc = workspace_load_for(&cat, c, d, project);
    struct project p;
    memset(&p, 0, sizeof p);
    int io = 0;
    if (rc == EXIT_OK && !project_load(&p, &cat, project, d, &io))
        rc = io ? EXIT_USAGE : EXIT_INVALID;
    if (rc != EXIT_OK) {
        project_free(&p, &cat);
        model_free_catalog(&cat);
        free(keep);
        return rc;
    }
    /* Interfaces to vary: tiered ones not kept and not on the user tier. */
    struct resolved base;
    if (!resolve(&base, &cat, p.preset, &p, NULL, d)) {
        resolved_free(&base);
        project_free(&p, &cat);
        model_free_catalog(&cat);
        free(keep);
        return EXIT_INVALID;
    }
    size_t vary[32], nv = 0;
    for (size_t fi = 0; fi < cat.nifaces && nv < 32; fi++) {
        const struct riface *ri = &base.ifaces[fi];
        bool kept = !ri->tier || tier_rank(ri->tier) < 0;
        for (size_t k = 0; k < nkeep; k++)
            if (!strcmp(keep[k], ri->def->name))
                kept = true;
        if (!kept)
            vary[nv++] = fi;
    }
    for (size_t k = 0; k < nkeep; k++)
        if (!catalog_iface(&cat, keep[k])) {
            diag_error(d, NULL, "--keep: unknown interface '%s'", keep[k]);
            rc = EXIT_USAGE;
        }
    /* Exhaustive search over 4^nv combinations (7 interfaces: 16384), quietly. */
    struct tier_choice *saved = p.tiers;
    size_t nsaved = p.ntiers;
    struct tier_choice *tc = xcalloc(nsaved + nv, sizeof *tc);
    static const char *const names[] = {"minimum", "standard", "performance", "maximum"};
    size_t total = 1;
    for (size_t i = 0; i < nv; i++)
        total *= 4;
    long best = -1;
    size_t best_combo = 0;
    double best_mem = 0;
    /* Rejected combinations (rules, budget) are reported to a silent diag of their own,
     * so they neither print nor count as errors of this command. */
    struct diag *quiet = diag_new(c->format, stderr);
    diag_set_quiet(quiet, 1);
    for (size_t combo = 0; rc == EXIT_OK && combo < total; combo++) {
        if (nsaved)
            memcpy(tc, saved, nsaved * sizeof *tc);
        size_t digits = combo;
        long score = 0;
        for (size_t i = 0; i < nv; i++) {
            int t = (int)(digits % 4);
            digits /= 4;
            tc[nsaved + i] =
                (struct tier_choice){cat.ifaces[vary[i]].name, NULL, (char *)names[t], {0}};
            score += t;
        }
        p.tiers = tc;
        p.ntiers = nsaved + nv;
        struct resolved r;
        bool good = resolve(&r, &cat, p.preset, &p, NULL, quiet) && r.mem_total <= max_memory;
        if (good && (score > best || (score == best && r.mem_total < best_mem))) {
            best = score;
            best_combo = combo;
            best_mem = r.mem_total;
        }
        resolved_free(&r);
    }
    diag_free(quiet);
    p.tiers = saved;
    p.ntiers = nsaved;
    free(tc);
    if (rc == EXIT_OK) {
        char lim[32];
        fmt_bytes(lim, sizeof lim, max_memory);
        if (best < 0) {
            fprintf(stderr, "leec: no tier combination fits %s\n", lim);
            rc = EXIT_INVALID;
        } else {
            char m[32];
            fmt_bytes(m, sizeof m, best_mem);
            printf("# best fit for %s: estimate %s (searched %zu combinations)\ntiers:\n", lim, m,
                   total);
            size_t digits = best_combo;
            for (size_t i = 0; i < nv; i++) {
                printf("  %s: %s\n", cat.ifaces[vary[i]].name, names[digits % 4]);
                digits /= 4;
            }
            rc = EXIT_OK;
        }
    }
    resolved_free(&base);
    project_free(&p, &cat);
    model_free_catalog(&cat);
    free(keep);
    return rc;
}
