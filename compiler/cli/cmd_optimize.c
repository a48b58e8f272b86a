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

#define OPT_EXHAUSTIVE 7

static const char *const tier_names[] = {"minimum", "standard", "performance", "maximum"};

struct opt {
    const struct catalog *cat;
    struct project *p;
    const size_t *vary;
    size_t nv;
    double max_memory;
    struct diag *quiet;
    struct tier_choice *saved, *tc;
    size_t nsaved;
};

/* Does the project fit with vary[i] on tier tiers[i]? *mem gets the estimate. */
static bool opt_fits(struct opt *o, const int *tiers, double *mem)
{
    if (!o->tc)
        o->tc = xcalloc(o->nsaved + o->nv + 1, sizeof *o->tc);
    if (o->nsaved)
        memcpy(o->tc, o->saved, o->nsaved * sizeof *o->tc);
    for (size_t i = 0; i < o->nv; i++)
        o->tc[o->nsaved + i] = (struct tier_choice){
            o->cat->ifaces[o->vary[i]].name, NULL, (char *)tier_names[tiers[i]], {0}};
    o->p->tiers = o->tc;
    o->p->ntiers = o->nsaved + o->nv;
    struct resolved r;
    bool good =
        resolve(&r, o->cat, o->p->preset, o->p, NULL, o->quiet) && r.mem_total <= o->max_memory;
    *mem = r.mem_total;
    resolved_free(&r);
    return good;
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
    size_t *vary = xcalloc(cat.nifaces + 1, sizeof *vary), nv = 0;
    for (size_t fi = 0; fi < cat.nifaces; fi++) {
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
    /* Up to OPT_EXHAUSTIVE varying interfaces every combination is tried (4^7 = 16384);
     * beyond that (a user's catalog can have dozens) a greedy climb: from every
     * interface on minimum, raise the one tier step that costs the least memory and
     * still fits, until none does. Rejected combinations (rules, budget) go to a silent
     * diag of their own, so they neither print nor count as errors of this command. */
    struct opt o = {.cat = &cat,
                    .p = &p,
                    .vary = vary,
                    .nv = nv,
                    .max_memory = max_memory,
                    .quiet = diag_new(c->format, stderr)};
    diag_set_quiet(o.quiet, 1);
    o.saved = p.tiers;
    o.nsaved = p.ntiers;
    int *tiers = xcalloc(nv + 1, sizeof *tiers), *best = xcalloc(nv + 1, sizeof *best);
    bool found = false, greedy = nv > OPT_EXHAUSTIVE;
    long best_score = -1;
    double best_mem = 0, mem;
    size_t tried = 0;
    if (rc != EXIT_OK) {
        /* --keep named an unknown interface */
    } else if (!greedy) {
        size_t total = (size_t)1 << (2 * nv);
        for (size_t combo = 0; combo < total; combo++) {
            long score = 0;
            for (size_t i = 0, digits = combo; i < nv; i++, digits /= 4)
                score += tiers[i] = (int)(digits % 4);
            tried++;
            if (opt_fits(&o, tiers, &mem) &&
                (score > best_score || (score == best_score && mem < best_mem))) {
                best_score = score;
                best_mem = mem;
                memcpy(best, tiers, nv * sizeof *tiers);
                found = true;
            }
        }
    } else if ((tried = 1, opt_fits(&o, tiers, &best_mem))) {
        found = true;
        for (;;) {
            size_t pick = nv;
            double pick_mem = 0;
            for (size_t i = 0; i < nv; i++) {
                if (tiers[i] == 3)
                    continue;
                tiers[i]++;
                tried++;
                if (opt_fits(&o, tiers, &mem) && (pick == nv || mem < pick_mem)) {
                    pick = i;
                    pick_mem = mem;
                }
                tiers[i]--;
            }
            if (pick == nv)
                break;
            tiers[pick]++;
            best_mem = pick_mem;
        }
        memcpy(best, tiers, nv * sizeof *tiers);
    }
    diag_free(o.quiet);
    p.tiers = o.saved;
    p.ntiers = o.nsaved;
    free(o.tc);
    if (rc == EXIT_OK) {
        char lim[32];
        fmt_bytes(lim, sizeof lim, max_memory);
        if (!found) {
            diag_error(d, NULL,
                       "no tier combination fits %s (not even with every interface that may "
                       "vary on its minimum tier)",
                       lim);
            rc = EXIT_INVALID;
        } else {
            char m[32];
            fmt_bytes(m, sizeof m, best_mem);
            if (greedy)
                printf("# best fit for %s: estimate %s (%zu interfaces vary, more than %d: "
                       "searched greedily, %zu combinations, not every one)\ntiers:\n",
                       lim, m, nv, OPT_EXHAUSTIVE, tried);
            else
                printf("# best fit for %s: estimate %s (searched %zu combinations)\ntiers:\n", lim,
                       m, tried);
            for (size_t i = 0; i < nv; i++)
                printf("  %s: %s\n", cat.ifaces[vary[i]].name, tier_names[best[i]]);
            rc = EXIT_OK;
        }
    }
    free(tiers);
    free(best);
    free(vary);
    resolved_free(&base);
    project_free(&p, &cat);
    model_free_catalog(&cat);
    free(keep);
    return rc;
}
