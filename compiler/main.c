/* leec: the command line. Exit codes: 0 ok, 1 invalid input, 2 usage or I/O error,
 * 3 internal error. See `leec --help` and docs/cli.md. */
#include "diff.h"
#include "emit.h"
#include "project.h"
#include "resolve.h"
#include "schema_json.h"
#include "stock.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

struct opts {
    enum diag_format format;
    const char *root;
    const char *outdir;
    double max_memory;
    const char **keep;
    size_t nkeep;
    const char **args;
    size_t nargs;
    bool skip_other; /* validate --skip-other-yaml */
};

static const char *const usage_text =
    "usage: leec [--format text|json|github] [--root DIR] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  validate [--skip-other-yaml] [PATH...]\n"
    "                              check project files, presets and schemas (default: the "
    "catalog);\n"
    "                              --skip-other-yaml: a named YAML file that is not a leec file\n"
    "                              gets a note, not an error (for pre-commit's file lists)\n"
    "  explain FILE                resolved values with their origins, budgets, free-tier use\n"
    "  compile FILE -o DIR         write leec_config.h and leec_config.c\n"
    "  list                        tiers and presets with memory and metric figures\n"
    "  diff A B                    differences between two project files or presets\n"
    "  optimize FILE --max-memory SIZE [--keep IFACE...]\n"
    "                              richest tier per interface that fits SIZE (e.g. 64MiB)\n"
    "  schema [PROJECT]            JSON Schema of the project file (for editors); with\n"
    "                              PROJECT, its own presets (presets/, preset_dirs) too\n"
    "\n"
    "options:\n"
    "  --format FMT   diagnostics as text (default), json or github annotations\n"
    "  --root DIR     where schemas/ and presets/ are (default: $LEEC_ROOT, else the\n"
    "                 catalog installed with leec: <prefix>/share/leec)\n"
    "  --help, -h     this text (also after a command)\n"
    "  --version      print the version\n"
    "\n"
    "exit status: 0 valid, 1 invalid input, 2 usage or I/O error, 3 internal error\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "leec: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see leec --help)\n");
    va_end(ap);
    return EXIT_USAGE;
}

/* Catalog files from beside a project file: <dir>/presets/ (tiers/, features/ below it),
 * a user's own presets. Appended to *x unless already there (same real path) or part of
 * the catalog at root. */
static void add_extra(struct stock_extra **x, size_t *n, const char *root, const char *path,
                      enum stock_kind k)
{
    char rp[PATH_MAX], rq[PATH_MAX];
    if (stock_contains(root, path) || !realpath(path, rp))
        return;
    for (size_t i = 0; i < *n; i++)
        if (realpath((*x)[i].path, rq) && !strcmp(rp, rq))
            return;
    *x = xrealloc(*x, (*n + 1) * sizeof **x);
    (*x)[(*n)++] = (struct stock_extra){xstrdup(path), k};
}

/* The catalog files of a presets directory: its .yaml files, tiers/ and features/. */
static void add_presets_dir(struct stock_extra **x, size_t *n, const char *root, const char *dir)
{
    static const char *const subs[] = {"", "/tiers", "/features"};
    for (size_t s = 0; s < 3; s++) {
        struct sbuf sd = {0};
        sbuf_printf(&sd, "%s%s", dir, subs[s]);
        DIR *dp = opendir(sd.s);
        char **names = NULL;
        size_t nn = 0;
        struct dirent *de;
        while (dp && (de = readdir(dp))) {
            size_t l = strlen(de->d_name);
            if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
                continue;
            names = xrealloc(names, (nn + 1) * sizeof *names);
            names[nn++] = xstrdup(de->d_name);
        }
        if (dp)
            closedir(dp);
        for (size_t i = 0; i < nn; i++) {
            for (size_t j = i + 1; j < nn; j++)
                if (strcmp(names[i], names[j]) > 0) {
                    char *t = names[i];
                    names[i] = names[j];
                    names[j] = t;
                }
            struct sbuf f = {0};
            sbuf_printf(&f, "%s/%s", sd.s, names[i]);
            enum stock_kind k = stock_file_kind(f.s);
            if (k != SK_NONE && k != SK_PROJECT)
                add_extra(x, n, root, f.s, k);
            sbuf_free(&f);
            free(names[i]);
        }
        free(names);
        sbuf_free(&sd);
    }
}

/* presets/ beside the project file, then each directory its preset_dirs: names
 * (relative to the project file; project_load checks them and reports a bad one). */
static void add_beside(struct stock_extra **x, size_t *n, const char *root, const char *project)
{
    const char *slash = strrchr(project, '/');
    struct sbuf base = {0}, dir = {0};
    if (slash)
        sbuf_addn(&base, project, (size_t)(slash - project) + 1);
    sbuf_printf(&dir, "%spresets", base.s ? base.s : "");
    add_presets_dir(x, n, root, dir.s);
    sbuf_free(&dir);
    /* Read quietly: the project is loaded (and diagnosed) after the catalog. */
    struct diag *quiet = diag_new(DIAG_TEXT, stderr);
    diag_set_quiet(quiet, 1);
    int io = 0;
    struct ydoc *doc = ydoc_load_file(quiet, project, &io);
    const struct ynode *root_node = doc ? ydoc_root(doc) : NULL;
    const struct ynode *pd =
        root_node && root_node->kind == YN_MAP ? ymap_get(root_node, "preset_dirs") : NULL;
    for (size_t i = 0; pd && pd->kind == YN_SEQ && i < pd->nitems; i++) {
        const struct ynode *it = pd->items[i];
        if (it->kind != YN_SCALAR || !*it->str)
            continue;
        struct sbuf p = {0};
        sbuf_printf(&p, "%s%s", it->str[0] == '/' ? "" : (base.s ? base.s : ""), it->str);
        add_presets_dir(x, n, root, p.s);
        sbuf_free(&p);
    }
    ydoc_free(doc);
    diag_free(quiet);
    sbuf_free(&base);
}

static void free_extras(struct stock_extra *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)x[i].path);
    free(x);
}

/* Finds the catalog (stock.h), tells diag which files are leec's own, and loads it with
 * the extra catalog files. *root_out (optional) gets the root; the caller frees it. */
static int load_catalog_with(struct catalog *cat, const struct opts *o, struct diag *d,
                             const struct stock_extra *x, size_t n, char **root_out)
{
    memset(cat, 0, sizeof *cat); /* callers free it on every path */
    char *root = stock_find_root(o->root, d);
    if (!root)
        return EXIT_USAGE;
    if (stock_is_foreign(root)) {
        struct sbuf p = {0};
        sbuf_printf(&p, "%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/");
        diag_set_stock(d, p.s);
        sbuf_free(&p);
    }
    bool ok = stock_load(cat, root, x, n, d);
    if (root_out)
        *root_out = root;
    else
        free(root);
    return ok ? EXIT_OK : EXIT_INVALID;
}

static int load_catalog(struct catalog *cat, const struct opts *o, struct diag *d)
{
    return load_catalog_with(cat, o, d, NULL, 0, NULL);
}

/* The catalog plus the presets beside the project file `project`. */
static int load_catalog_for(struct catalog *cat, const struct opts *o, struct diag *d,
                            const char *project)
{
    char *root = stock_find_root(o->root, d);
    if (!root) {
        memset(cat, 0, sizeof *cat);
        return EXIT_USAGE;
    }
    struct stock_extra *x = NULL;
    size_t n = 0;
    add_beside(&x, &n, root, project);
    free(root);
    int rc = load_catalog_with(cat, o, d, x, n, NULL);
    free_extras(x, n);
    return rc;
}

/* ---- validate ---- */

/* Files under path; out_explicit[i] tells a file named on the command line from one
 * found by walking a directory (walks skip YAML that is not a leec file). */
static void collect(const char *path, char ***out, bool **out_explicit, size_t *n,
                    bool explicit_arg)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dp = opendir(path);
        if (!dp)
            return;
        char **names = NULL;
        size_t nn = 0;
        struct dirent *de;
        while ((de = readdir(dp))) {
            if (de->d_name[0] == '.')
                continue;
            names = xrealloc(names, (nn + 1) * sizeof *names);
            names[nn++] = xstrdup(de->d_name);
        }
        closedir(dp);
        for (size_t i = 0; i + 1 < nn; i++)
            for (size_t j = i + 1; j < nn; j++)
                if (strcmp(names[i], names[j]) > 0) {
                    char *t = names[i];
                    names[i] = names[j];
                    names[j] = t;
                }
        for (size_t i = 0; i < nn; i++) {
            struct sbuf p = {0};
            if (strcmp(path, ".") && strcmp(path, "./")) /* "." walks as "presets/x.yaml" */
                sbuf_printf(&p, "%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/");
            sbuf_add(&p, names[i]);
            struct stat s2;
            size_t l = strlen(names[i]);
            if (stat(p.s, &s2) == 0 &&
                (S_ISDIR(s2.st_mode) || (l > 5 && !strcmp(names[i] + l - 5, ".yaml")) ||
                 (l > 4 && !strcmp(names[i] + l - 4, ".yml"))))
                collect(p.s, out, out_explicit, n, false);
            sbuf_free(&p);
            free(names[i]);
        }
        free(names);
        return;
    }
    *out = xrealloc(*out, (*n + 1) * sizeof **out);
    *out_explicit = xrealloc(*out_explicit, (*n + 1) * sizeof **out_explicit);
    (*out_explicit)[*n] = explicit_arg;
    (*out)[(*n)++] = xstrdup(path);
}

/* Every tier's values on their own (units, ranges, expressions): a tier no stock
 * preset is based on is otherwise never evaluated. Each resolves as a preset with
 * that base tier and nothing else; run once the presets are valid, so an error
 * is reported once, at the tier's line. */
static bool resolve_every_tier(const struct catalog *cat, struct diag *d)
{
    struct catalog tmp = *cat;
    tmp.presets = xcalloc(cat->npresets + 1, sizeof *tmp.presets);
    if (cat->npresets)
        memcpy(tmp.presets, cat->presets, cat->npresets * sizeof *tmp.presets);
    tmp.npresets = cat->npresets + 1;
    struct preset_def *p = &tmp.presets[cat->npresets];
    bool ok = iface_values_parse(d, cat, NULL, &p->overrides, "tier", false);
    char name[96];
    for (size_t i = 0; ok && i < cat->ntiers; i++) {
        const struct tier_def *t = &cat->tiers[i];
        if (!strcmp(t->name, "user"))
            continue; /* gives no values */
        snprintf(name, sizeof name, "(tier %s)", t->name);
        p->name = name;
        p->base = t->name;
        p->loc = p->base_loc = t->loc;
        struct resolved r;
        if (!resolve(&r, &tmp, name, NULL, "full", d))
            ok = false;
        resolved_free(&r);
    }
    iface_values_free(p->overrides, cat->nifaces);
    free(tmp.presets);
    return ok;
}

static bool resolve_all_presets(const struct catalog *cat, struct diag *d)
{
    bool ok = true;
    for (size_t i = 0; i < cat->npresets; i++) {
        struct resolved r;
        if (cat->presets[i].alias_of)
            continue; /* resolves exactly as its target */
        if (!resolve(&r, cat, cat->presets[i].name, NULL, "full", d))
            ok = false;
        resolved_free(&r);
    }
    return ok && resolve_every_tier(cat, d);
}

static int cmd_validate(const struct opts *o, struct diag *d)
{
    char **files = NULL;
    bool *named = NULL;
    size_t nfiles = 0;
    int rc = EXIT_OK;
    for (size_t i = 0; i < o->nargs; i++) {
        struct stat st;
        if (stat(o->args[i], &st) != 0) {
            diag_error(d, NULL, "cannot open '%s': %s", o->args[i], strerror(errno));
            rc = EXIT_USAGE;
            continue;
        }
        collect(o->args[i], &files, &named, &nfiles, true);
    }
    char *root = stock_find_root(o->root, d);
    if (!root) {
        for (size_t i = 0; i < nfiles; i++)
            free(files[i]);
        free(files);
        free(named);
        return EXIT_USAGE;
    }
    /* Every file is read: catalog files outside the catalog root (a user's presets, an
     * edited copy of a stock file) are loaded with the catalog, project files after it,
     * with the presets beside them. Stock files named again were checked by the load. */
    enum stock_kind *kinds = xcalloc(nfiles ? nfiles : 1, sizeof *kinds);
    struct stock_extra *x = NULL;
    size_t nx = 0, counts[SK_RETIRED + 1] = {0};
    bool ok = true;
    for (size_t i = 0; i < nfiles; i++) {
        kinds[i] = stock_file_kind(files[i]);
        if (kinds[i] == SK_PROJECT) {
            add_beside(&x, &nx, root, files[i]);
            counts[SK_PROJECT]++;
        } else if (kinds[i] != SK_NONE) {
            if (!stock_contains(root, files[i]))
                add_extra(&x, &nx, root, files[i], kinds[i]);
        }
    }
    for (size_t i = 0; i < nx; i++)
        counts[x[i].kind == SK_BASELINE || x[i].kind == SK_RETIRED ? SK_SCHEMA : x[i].kind]++;
    struct catalog cat;
    int lrc = load_catalog_with(&cat, o, d, x, nx, NULL);
    free_extras(x, nx);
    if (lrc == EXIT_USAGE) {
        rc = lrc;
        goto out;
    }
    if (lrc != EXIT_OK)
        ok = false;
    else if (!resolve_all_presets(&cat, d))
        ok = false;
    for (size_t i = 0; lrc == EXIT_OK && i < nfiles; i++) {
        if (kinds[i] != SK_PROJECT && kinds[i] != SK_NONE)
            continue; /* read with the catalog above */
        if (kinds[i] == SK_NONE && (!named[i] || o->skip_other)) {
            /* Other YAML in a directory (CI workflows, templates): said, not counted. */
            int io = 0;
            const struct src_file *src = diag_read_file(d, files[i], 1 << 20, &io);
            struct loc at = loc_make(src, 1, 1, 0);
            if (src)
                diag_note(d, &at,
                          "skipped: not a leec file (no top-level 'leec:', 'preset:', "
                          "'tier:' ... key)");
            else if (io)
                rc = EXIT_USAGE;
            continue;
        }
        if (kinds[i] == SK_NONE) {
            int io = 0;
            /* Still parse it, so YAML errors are reported, then say what it lacks. */
            struct ydoc *doc = ydoc_load_file(d, files[i], &io);
            if (io) {
                rc = EXIT_USAGE;
            } else if (doc && !ydoc_root(doc)) {
                struct loc at = loc_make(ydoc_source(doc), 1, 1, 0);
                diag_error(d, &at, "empty file: a project file starts with 'leec: 1'");
                ok = false;
            } else if (doc) {
                struct loc at = loc_make(ydoc_source(doc), 1, 1, 0);
                diag_error(d, &at,
                           "not a leec file: a project file starts with 'leec: 1' (catalog files "
                           "with preset:, tier:, interface: ...)");
                ok = false;
            } else {
                ok = false; /* YAML errors, reported */
            }
            ydoc_free(doc);
            continue;
        }
        struct project p;
        int io = 0;
        bool good = project_load(&p, &cat, files[i], d, &io);
        if (io)
            rc = EXIT_USAGE;
        /* Resolved even after errors, so that every independent error is reported. */
        if (good || project_resolvable(&p)) {
            struct resolved r;
            good = resolve(&r, &cat, p.preset, &p, NULL, d) && good;
            resolved_free(&r);
        }
        project_free(&p, &cat);
        ok = ok && good;
    }
    if (rc == EXIT_OK && ok && diag_error_count(d) == 0 && o->format == DIAG_TEXT) {
        /* leec: validated 1 project file, 2 presets and the catalog in ../.. (...): valid */
        struct sbuf line = {0};
        static const enum stock_kind order[] = {SK_PROJECT, SK_PRESET,  SK_TIER,
                                                SK_FPRESET, SK_ALIASES, SK_SCHEMA};
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            if (counts[order[k]])
                sbuf_printf(&line, "%s%zu %s", line.len ? ", " : "", counts[order[k]],
                            stock_kind_name(order[k], counts[order[k]]));
        fprintf(stderr,
                "leec: validated %s%sthe catalog in %s (%zu interfaces, %zu tiers, %zu presets, "
                "%zu feature presets): valid\n",
                line.len ? line.s : "", line.len ? " and " : "", root, cat.nifaces, cat.ntiers,
                cat.npresets, cat.nfpresets);
        sbuf_free(&line);
    }
    model_free_catalog(&cat);
out:
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(named);
    free(kinds);
    free(root);
    if (rc != EXIT_OK)
        return rc;
    return ok && diag_error_count(d) == 0 ? EXIT_OK : EXIT_INVALID;
}

/* ---- explain ---- */

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

/* Loads the catalog and the one project file in o->args, resolves it, and on
 * success calls fn. Exit codes as documented in --help. */
typedef int (*project_fn)(const struct opts *o, const struct catalog *cat, const struct project *p,
                          const struct resolved *r, struct diag *d);

static int with_project(const struct opts *o, struct diag *d, project_fn fn)
{
    struct catalog cat;
    int rc = load_catalog_for(&cat, o, d, o->args[0]);
    if (rc == EXIT_OK) {
        struct project p;
        int io = 0;
        if (project_load(&p, &cat, o->args[0], d, &io)) {
            struct resolved r;
            rc = resolve(&r, &cat, p.preset, &p, NULL, d) ? fn(o, &cat, &p, &r, d) : EXIT_INVALID;
            resolved_free(&r);
        } else {
            rc = io ? EXIT_USAGE : EXIT_INVALID;
        }
        project_free(&p, &cat);
    }
    model_free_catalog(&cat);
    return rc;
}

static int print_explain(const struct opts *o, const struct catalog *cat, const struct project *p,
                         const struct resolved *r, struct diag *d)
{
    (void)d;
    const struct preset_def *pd = r->preset;
    printf("%s: preset %s%s%s%s, features %s\n", o->args[0], r->preset_name,
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

static int cmd_explain(const struct opts *o, struct diag *d)
{
    if (o->nargs != 1)
        return usage_error("explain takes one project file");
    return with_project(o, d, print_explain);
}

/* ---- compile ---- */

static int write_tables(const struct opts *o, const struct catalog *cat, const struct project *p,
                        const struct resolved *r, struct diag *d)
{
    (void)cat;
    (void)p;
    return emit_config(r, o->args[0], o->outdir, d);
}

static int cmd_compile(const struct opts *o, struct diag *d)
{
    if (o->nargs != 1 || !o->outdir)
        return usage_error("compile takes one project file and -o DIR");
    return with_project(o, d, write_tables);
}

/* ---- list ---- */

static int cmd_list(const struct opts *o, struct diag *d)
{
    struct catalog cat;
    int rc = load_catalog(&cat, o, d);
    if (rc != EXIT_OK) {
        model_free_catalog(&cat);
        return rc;
    }
    printf("tiers:\n");
    for (size_t i = 0; i < cat.ntiers; i++)
        printf("  %-14s %s\n", cat.tiers[i].name, cat.tiers[i].doc);
    printf("\npresets (memory estimate with the full feature set; metrics):\n");
    for (size_t i = 0; i < cat.npresets; i++) {
        const struct preset_def *p = &cat.presets[i];
        struct resolved r;
        if (resolve(&r, &cat, p->name, NULL, "full", d)) {
            char m[32];
            fmt_bytes(m, sizeof m, r.mem_total);
            if (p->alias_of)
                printf("  %-26s %10s %3zu  alias of %s\n", p->name, m, r.nmetrics, r.preset->name);
            else
                printf("  %-26s %10s %3zu  %s\n", p->name, m, r.nmetrics, p->doc);
        } else {
            rc = EXIT_INVALID;
        }
        resolved_free(&r);
    }
    printf("\nfeature presets:\n");
    for (size_t i = 0; i < cat.nfpresets; i++)
        printf("  %-18s %s\n", cat.fpresets[i].name, cat.fpresets[i].doc);
    if (cat.nretired)
        printf("\nretired interfaces:\n");
    for (size_t i = 0; i < cat.nretired; i++)
        printf("  %-18s %s\n", cat.retired[i].name, cat.retired[i].reason);
    model_free_catalog(&cat);
    return rc;
}

/* ---- diff ---- */

struct side {
    struct project p;
    bool has_project;
    struct resolved r;
};

static bool load_side(struct side *s, const struct catalog *cat, const char *arg, struct diag *d,
                      int *rc)
{
    memset(s, 0, sizeof *s);
    struct stat st;
    if (stat(arg, &st) == 0) {
        int io = 0;
        s->has_project = true;
        if (!project_load(&s->p, cat, arg, d, &io)) {
            *rc = io ? EXIT_USAGE : EXIT_INVALID;
            return false;
        }
        return resolve(&s->r, cat, s->p.preset, &s->p, NULL, d) || (*rc = EXIT_INVALID, false);
    }
    if (!catalog_preset(cat, arg)) {
        diag_error(d, NULL, "'%s' is neither a file nor a preset", arg);
        *rc = EXIT_USAGE;
        return false;
    }
    return resolve(&s->r, cat, arg, NULL, "full", d) || (*rc = EXIT_INVALID, false);
}

static int cmd_diff(const struct opts *o, struct diag *d)
{
    if (o->nargs != 2)
        return usage_error("diff takes two project files or preset names");
    struct catalog cat;
    int rc = load_catalog(&cat, o, d);
    struct side a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (rc == EXIT_OK && load_side(&a, &cat, o->args[0], d, &rc) &&
        load_side(&b, &cat, o->args[1], d, &rc)) {
        diff_print(stdout, &a.r, a.has_project ? &a.p : NULL, &b.r, b.has_project ? &b.p : NULL);
    }
    resolved_free(&a.r);
    resolved_free(&b.r);
    if (a.has_project)
        project_free(&a.p, &cat);
    if (b.has_project)
        project_free(&b.p, &cat);
    model_free_catalog(&cat);
    return rc;
}

/* ---- optimize ---- */

static int tier_rank(const char *t)
{
    static const char *const order[] = {"minimum", "standard", "performance", "maximum"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(order[i], t))
            return i;
    return -1;
}

static int cmd_optimize(const struct opts *o, struct diag *d)
{
    if (o->nargs != 1 || o->max_memory <= 0)
        return usage_error("optimize takes one project file and --max-memory SIZE");
    struct catalog cat;
    int rc = load_catalog_for(&cat, o, d, o->args[0]);
    struct project p;
    memset(&p, 0, sizeof p);
    int io = 0;
    if (rc == EXIT_OK && !project_load(&p, &cat, o->args[0], d, &io))
        rc = io ? EXIT_USAGE : EXIT_INVALID;
    if (rc != EXIT_OK) {
        project_free(&p, &cat);
        model_free_catalog(&cat);
        return rc;
    }
    /* Interfaces to vary: tiered ones not kept and not on the user tier. */
    struct resolved base;
    if (!resolve(&base, &cat, p.preset, &p, NULL, d)) {
        resolved_free(&base);
        project_free(&p, &cat);
        model_free_catalog(&cat);
        return EXIT_INVALID;
    }
    size_t vary[32], nv = 0;
    for (size_t fi = 0; fi < cat.nifaces && nv < 32; fi++) {
        const struct riface *ri = &base.ifaces[fi];
        bool keep = !ri->tier || tier_rank(ri->tier) < 0;
        for (size_t k = 0; k < o->nkeep; k++)
            if (!strcmp(o->keep[k], ri->def->name))
                keep = true;
        if (!keep)
            vary[nv++] = fi;
    }
    for (size_t k = 0; k < o->nkeep; k++)
        if (!catalog_iface(&cat, o->keep[k])) {
            diag_error(d, NULL, "--keep: unknown interface '%s'", o->keep[k]);
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
    struct diag *quiet = diag_new(o->format, stderr);
    diag_set_quiet(quiet, 1);
    for (size_t combo = 0; rc == EXIT_OK && combo < total; combo++) {
        if (nsaved)
            memcpy(tc, saved, nsaved * sizeof *tc);
        size_t c = combo;
        long score = 0;
        for (size_t i = 0; i < nv; i++) {
            int t = (int)(c % 4);
            c /= 4;
            tc[nsaved + i] =
                (struct tier_choice){cat.ifaces[vary[i]].name, NULL, (char *)names[t], {0}};
            score += t;
        }
        p.tiers = tc;
        p.ntiers = nsaved + nv;
        struct resolved r;
        bool good = resolve(&r, &cat, p.preset, &p, NULL, quiet) && r.mem_total <= o->max_memory;
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
        fmt_bytes(lim, sizeof lim, o->max_memory);
        if (best < 0) {
            fprintf(stderr, "leec: no tier combination fits %s\n", lim);
            rc = EXIT_INVALID;
        } else {
            char m[32];
            fmt_bytes(m, sizeof m, best_mem);
            printf("# best fit for %s: estimate %s (searched %zu combinations)\ntiers:\n", lim, m,
                   total);
            size_t c = best_combo;
            for (size_t i = 0; i < nv; i++) {
                printf("  %s: %s\n", cat.ifaces[vary[i]].name, names[c % 4]);
                c /= 4;
            }
            rc = EXIT_OK;
        }
    }
    resolved_free(&base);
    project_free(&p, &cat);
    model_free_catalog(&cat);
    return rc;
}

static int cmd_schema(const struct opts *o, struct diag *d)
{
    if (o->nargs > 1)
        return usage_error("schema takes at most one project file");
    struct catalog cat;
    int rc = o->nargs ? load_catalog_for(&cat, o, d, o->args[0]) : load_catalog(&cat, o, d);
    if (rc == EXIT_OK) {
        char *s = schema_json_render(&cat);
        fputs(s, stdout);
        free(s);
    }
    model_free_catalog(&cat);
    return rc;
}

static bool parse_size(const char *s, double *out) { return units_parse(s, DIM_BYTES, out); }

int main(int argc, char **argv)
{
    struct opts o = {0};
    o.args = xcalloc((size_t)argc, sizeof *o.args);
    o.keep = xcalloc((size_t)argc, sizeof *o.keep);
    const char *cmd = NULL;
    bool help = false;
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help = true;
        } else if (!strcmp(a, "--version")) {
            printf("leec %s\n", LEEC_VERSION);
            goto done;
        } else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
            if (!strcmp(v, "text"))
                o.format = DIAG_TEXT;
            else if (!strcmp(v, "json"))
                o.format = DIAG_JSON;
            else if (!strcmp(v, "github"))
                o.format = DIAG_GITHUB;
            else {
                rc = usage_error("unknown format '%s' (text, json or github)", v);
                goto done;
            }
        } else if (!strcmp(a, "--root")) {
            if (i + 1 >= argc) {
                rc = usage_error("--root needs a directory");
                goto done;
            }
            o.root = argv[++i];
        } else if (!strcmp(a, "-o")) {
            if (i + 1 >= argc) {
                rc = usage_error("-o needs a directory");
                goto done;
            }
            o.outdir = argv[++i];
        } else if (!strcmp(a, "--max-memory")) {
            if (i + 1 >= argc || !parse_size(argv[i + 1], &o.max_memory)) {
                rc = usage_error("--max-memory needs a size such as 64MiB");
                goto done;
            }
            i++;
        } else if (!strcmp(a, "--skip-other-yaml")) {
            o.skip_other = true;
        } else if (!strcmp(a, "--keep")) {
            while (i + 1 < argc && argv[i + 1][0] != '-')
                o.keep[o.nkeep++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option '%s'", a);
            goto done;
        } else if (!cmd) {
            cmd = a;
        } else {
            o.args[o.nargs++] = a;
        }
    }
    if (help || !cmd) {
        fputs(usage_text, help ? stdout : stderr);
        rc = help ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    static const struct {
        const char *name;
        int (*fn)(const struct opts *, struct diag *);
    } cmds[] = {{"validate", cmd_validate}, {"explain", cmd_explain}, {"compile", cmd_compile},
                {"list", cmd_list},         {"diff", cmd_diff},       {"optimize", cmd_optimize},
                {"schema", cmd_schema}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) {
            struct diag *d = diag_new(o.format, o.format == DIAG_TEXT ? stderr : stdout);
            rc = cmds[i].fn(&o, d);
            if (rc == EXIT_OK && diag_error_count(d))
                rc = EXIT_INVALID;
            diag_finish(d);
            diag_free(d);
            goto done;
        }
    rc = usage_error("unknown command '%s'", cmd);
done:
    free(o.args);
    free(o.keep);
    return rc;
}
