/* leec optimize FILE --max-memory SIZE [--keep IFACE...]: the tiers that fit SIZE, with
 * the project's own as the goal (schemas' optimize: raise | keep), printed as the
 * tiers: block to paste into the project file. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "front/util.h"
#include "model/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Interfaces varied at once: 4^7 = 16384 resolves, a few seconds. */
#define OPT_MAX_VARY 7

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
    size_t *vary = xcalloc(cat.nifaces + 1, sizeof *vary), nv = 0;
    int *cur = xcalloc(cat.nifaces + 1, sizeof *cur); /* the project's own tier (its goal) */
    for (size_t fi = 0; fi < cat.nifaces; fi++) {
        const struct riface *ri = &base.ifaces[fi];
        bool kept = !ri->tier || tier_rank(ri->tier) < 0;
        for (size_t k = 0; k < nkeep; k++)
            if (!strcmp(keep[k], ri->def->name))
                kept = true;
        if (!kept) {
            cur[nv] = tier_rank(ri->tier);
            vary[nv++] = fi;
        }
    }
    for (size_t k = 0; k < nkeep; k++)
        if (!catalog_iface(&cat, keep[k])) {
            diag_error(d, NULL, "--keep: unknown interface '%s'", keep[k]);
            rc = EXIT_USAGE;
        }
    /* The search is exhaustive, 4^nv resolves: capped (and said) rather than running for
     * hours or overflowing its counter (4^32 is 0 in 64 bits). */
    if (rc == EXIT_OK && nv > OPT_MAX_VARY) {
        diag_error(d, NULL,
                   "optimize varies at most %d interfaces at once (4^%d tier combinations); "
                   "this project has %zu: name the ones to leave alone with --keep IFACE...",
                   OPT_MAX_VARY, OPT_MAX_VARY, nv);
        rc = EXIT_USAGE;
    }
    /* Exhaustive search over 4^nv combinations (7 interfaces: 16384), quietly. The
     * project's own tiers are the goal: an interface whose schema says `optimize: raise`
     * (a richer tier answers better) scores its tier's rank; one that says keep (a
     * richer tier costs log bytes, metrics or a bigger function) scores a large penalty
     * per step away from the project's tier, so it moves only when the others cannot
     * make room. Ties: the smaller estimate. */
    struct tier_choice *saved = p.tiers;
    size_t nsaved = p.ntiers;
    struct tier_choice *tc = xcalloc(nsaved + nv, sizeof *tc);
    static const char *const names[] = {"minimum", "standard", "performance", "maximum"};
    size_t total = rc == EXIT_OK ? (size_t)1 << (2 * nv) : 0;
    long best = 0;
    bool found = false;
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
            score += cat.ifaces[vary[i]].optimize_raise ? t : -100L * labs((long)(t - cur[i]));
        }
        p.tiers = tc;
        p.ntiers = nsaved + nv;
        struct resolved r;
        bool good = resolve(&r, &cat, p.preset, &p, NULL, quiet) && r.mem_total <= max_memory;
        if (good && (!found || score > best || (score == best && r.mem_total < best_mem))) {
            found = true;
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
        char lim[32], was[32];
        fmt_bytes(lim, sizeof lim, max_memory);
        fmt_bytes(was, sizeof was, base.mem_total);
        if (!found) {
            diag_error(d, NULL,
                       "no tier combination fits %s (the rules and budgets hold for none); "
                       "raise --max-memory or lambda.memory_mb",
                       lim);
            rc = EXIT_INVALID;
        } else {
            char m[32];
            fmt_bytes(m, sizeof m, best_mem);
            int pick[OPT_MAX_VARY + 1];
            size_t digits = best_combo, nchanged = 0;
            for (size_t i = 0; i < nv; i++) {
                pick[i] = (int)(digits % 4);
                digits /= 4;
                nchanged += pick[i] != cur[i];
            }
            printf("# leec optimize %s --max-memory %s: estimate %s of %s (the project's tiers: "
                   "%s; searched %zu combinations)\n",
                   project, size, m, lim, was, total);
            printf("# raised as far as it fits:");
            for (size_t i = 0; i < nv; i++)
                if (cat.ifaces[vary[i]].optimize_raise)
                    printf(" %s", cat.ifaces[vary[i]].name);
            printf("; kept at the project's tier unless needed to fit:");
            for (size_t i = 0; i < nv; i++)
                if (!cat.ifaces[vary[i]].optimize_raise)
                    printf(" %s", cat.ifaces[vary[i]].name);
            printf(" (schemas/*.yaml optimize:)\n");
            if (!nchanged) {
                printf("# nothing to change: the project's tiers are the best that fit\n");
            } else {
                printf("# paste over the tiers: block of %s (then: leec validate %s):\n"
                       "tiers:\n",
                       project, project);
                /* The project's own entries first (so the paste loses none), then the
                 * changed interfaces it does not name. */
                for (size_t k = 0; k < nsaved; k++) {
                    if (!saved[k].iface)
                        continue; /* retired: leec ignores it */
                    size_t i = 0;
                    while (i < nv && strcmp(cat.ifaces[vary[i]].name, saved[k].iface))
                        i++;
                    char key[64];
                    snprintf(key, sizeof key, "%s:", saved[k].iface_name);
                    if (i < nv && pick[i] != cur[i])
                        printf("  %-16s %-12s # was %s\n", key, names[pick[i]], names[cur[i]]);
                    else
                        printf("  %-16s %s\n", key, saved[k].tier);
                }
                for (size_t i = 0; i < nv; i++) {
                    bool named = false;
                    for (size_t k = 0; k < nsaved; k++)
                        named = named || (saved[k].iface &&
                                          !strcmp(saved[k].iface, cat.ifaces[vary[i]].name));
                    if (!named && pick[i] != cur[i]) {
                        char key[64];
                        snprintf(key, sizeof key, "%s:", cat.ifaces[vary[i]].name);
                        printf("  %-16s %-12s # was %s (preset %s)\n", key, names[pick[i]],
                               names[cur[i]], base.preset_name);
                    }
                }
            }
            rc = EXIT_OK;
        }
    }
    resolved_free(&base);
    project_free(&p, &cat);
    model_free_catalog(&cat);
    free(keep);
    free(vary);
    free(cur);
    return rc;
}
