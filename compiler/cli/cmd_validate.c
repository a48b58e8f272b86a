/* leec validate [--skip-other-yaml] [-v] [PATH...]: every file named is read and
 * checked; directories are walked (YAML that is not a leec file is skipped and counted
 * in one line; -v names each). No PATH: the project of the working directory, else the
 * catalog alone. A file inside a project is read with that project's presets. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "model/skill.h"
#include "front/util.h"
#include "front/yaml_ir.h"
#include "model/filekind.h"
#include "model/project.h"
#include "model/values.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The files a run reads. A walk follows links but enters each directory and reads each
 * file once (device + inode: a link back up, "a -> ." and "b -> .", cannot loop or
 * repeat), lists only regular .yaml and .yml files (a FIFO or a device named like YAML is
 * an error, never opened) and stops at WALK_MAX_DEPTH. */
#define WALK_MAX_DEPTH 64u

struct walk {
    struct diag *d;
    char **files;
    bool *named; /* named on the command line (a walk skips YAML that is not leec's) */
    size_t n;
    struct devino {
        dev_t dev;
        ino_t ino;
        bool used;
    } * seen;
    size_t seen_cap, nseen;
    int rc; /* EXIT_USAGE after an I/O problem */
};

/* Adds (dev, ino) to the visited set; false if it was there. */
static bool walk_first_visit(struct walk *w, const struct stat *st)
{
    if ((w->nseen + 1) * 2 > w->seen_cap) {
        size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
        struct devino *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < w->seen_cap; i++)
            if (w->seen[i].used) {
                size_t h = ((size_t)w->seen[i].ino * 31u + (size_t)w->seen[i].dev) & (cap - 1);
                while (t[h].used)
                    h = (h + 1) & (cap - 1);
                t[h] = w->seen[i];
            }
        free(w->seen);
        w->seen = t;
        w->seen_cap = cap;
    }
    size_t h = ((size_t)st->st_ino * 31u + (size_t)st->st_dev) & (w->seen_cap - 1);
    for (; w->seen[h].used; h = (h + 1) & (w->seen_cap - 1))
        if (w->seen[h].dev == st->st_dev && w->seen[h].ino == st->st_ino)
            return false;
    w->seen[h] = (struct devino){st->st_dev, st->st_ino, true};
    w->nseen++;
    return true;
}

static void walk_add(struct walk *w, const char *path, bool named)
{
    w->files = xrealloc(w->files, (w->n + 1) * sizeof *w->files);
    w->named = xrealloc(w->named, (w->n + 1) * sizeof *w->named);
    w->named[w->n] = named;
    w->files[w->n++] = xstrdup(path);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool yaml_name(const char *name)
{
    size_t l = strlen(name);
    return (l > 5 && !strcmp(name + l - 5, ".yaml")) || (l > 4 && !strcmp(name + l - 4, ".yml"));
}

static void walk_dir(struct walk *w, const char *path, unsigned depth)
{
    DIR *dp = opendir(path);
    if (!dp) {
        diag_error(w->d, NULL, "cannot read the directory '%s': %s", path, strerror(errno));
        w->rc = EXIT_USAGE;
        return;
    }
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
    if (nn)
        qsort(names, nn, sizeof *names, cmp_name);
    for (size_t i = 0; i < nn; i++) {
        struct sbuf p = {0};
        if (strcmp(path, ".") && strcmp(path, "./")) /* "." walks as "presets/x.yaml" */
            sbuf_printf(&p, "%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/");
        sbuf_add(&p, names[i]);
        bool yaml = yaml_name(names[i]);
        struct stat st;
        if (stat(p.s, &st) != 0) {
            if (yaml) { /* a dangling or looping link named like YAML */
                diag_error(w->d, NULL, "cannot open '%s': %s", p.s, strerror(errno));
                w->rc = EXIT_USAGE;
            }
        } else if (S_ISDIR(st.st_mode)) {
            if (!walk_first_visit(w, &st)) {
                /* walked already (a link to it or above it) */
            } else if (depth >= WALK_MAX_DEPTH) {
                diag_error(w->d, NULL,
                           "'%s' is more than %u directories deep: not walked (name a "
                           "directory further down)",
                           p.s, WALK_MAX_DEPTH);
                w->rc = EXIT_USAGE;
            } else {
                walk_dir(w, p.s, depth + 1);
            }
        } else if (!yaml) {
            /* not YAML */
        } else if (!S_ISREG(st.st_mode)) {
            diag_error(w->d, NULL,
                       "'%s' is %s, not a file: not read (a walk reads regular files only; "
                       "remove it or name it on the command line)",
                       p.s,
                       S_ISFIFO(st.st_mode)   ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "special");
            w->rc = EXIT_USAGE;
        } else if (walk_first_visit(w, &st)) {
            walk_add(w, p.s, false);
        }
        sbuf_free(&p);
        free(names[i]);
    }
    free(names);
}

/* A path named on the command line: a directory is walked, anything else is read as
 * named (a pipe such as /dev/stdin too, once; diag_read_text refuses devices). */
static void collect(struct walk *w, const char *path, const struct stat *st)
{
    if (S_ISDIR(st->st_mode)) {
        if (walk_first_visit(w, st))
            walk_dir(w, path, 1);
        return;
    }
    if (S_ISREG(st->st_mode) && !walk_first_visit(w, st))
        return; /* the same file again */
    walk_add(w, path, true);
}

/* Every tier's values on their own (units, ranges, expressions): a tier no stock
 * preset is based on is otherwise never evaluated. Each resolves as a preset with
 * that base tier and nothing else; run once the presets are valid, so an error
 * is reported once, at the tier's line. */
static bool resolve_every_tier(const struct catalog *cat, struct diag *d)
{
    struct catalog tmp = *cat;
    tmp.preset_index = NULL; /* the extra preset below changes its name */
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

int cmd_validate(struct cli *c, struct diag *d)
{
    bool skip_other = false; /* --skip-other-yaml: pre-commit's file lists */
    bool verbose = false;    /* -v: each skipped file named, not just counted */
    size_t skipped = 0;
    const char **paths = xcalloc((size_t)c->argc + 1, sizeof *paths);
    size_t npaths = 0;
    for (int i = 0; i < c->argc; i++) {
        if (cli_opt_flag(c, i, "--skip-other-yaml"))
            skip_other = true;
        else if (cli_opt_flag(c, i, "-v") || cli_opt_flag(c, i, "--verbose"))
            verbose = true;
        else if (c->argv[i][0] == '-' && c->argv[i][1]) {
            free(paths);
            return cli_usage_error("validate: unknown option '%s'", c->argv[i]);
        } else
            paths[npaths++] = c->argv[i];
    }
    /* No argument inside a user's repository: its project (with its presets), not
     * just the stock catalog. */
    char *own = npaths ? NULL : workspace_find_project(".");
    if (own)
        paths[npaths++] = own;
    int rc = EXIT_OK;
    struct walk w = {.d = d};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            diag_error(d, NULL, "cannot open '%s': %s", paths[i], strerror(errno));
            rc = EXIT_USAGE;
            continue;
        }
        collect(&w, paths[i], &st);
    }
    free(paths);
    free(own);
    free(w.seen);
    if (w.rc != EXIT_OK)
        rc = w.rc;
    char **files = w.files;
    bool *named = w.named;
    size_t nfiles = w.n;
    char *root = stock_find_root(c->root, d);
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
    int *unreadable = xcalloc(nfiles ? nfiles : 1, sizeof *unreadable);
    struct workspace_files x = {.d = d};
    size_t counts[SK_RETIRED + 1] = {0};
    bool ok = true;
    for (size_t i = 0; i < nfiles; i++) {
        kinds[i] = filekind_of_file(NULL, files[i], &unreadable[i]); /* reported below */
        if (kinds[i] == SK_PROJECT) {
            workspace_add_beside(&x, root, files[i]);
            counts[SK_PROJECT]++;
        } else if (kinds[i] != SK_NONE) {
            if (!stock_contains(root, files[i]))
                workspace_add_file(&x, root, files[i], kinds[i]);
        }
    }
    /* A file inside a user's project (pre-commit names only the staged ones) is read
     * with that project's presets: presets/ beside its leec.yaml and its preset_dirs. */
    for (size_t i = 0; i < nfiles; i++)
        if (kinds[i] != SK_NONE)
            workspace_add_project_of(&x, root, files[i]);
    for (size_t i = 0; i < x.n; i++)
        counts[x.items[i].kind == SK_BASELINE || x.items[i].kind == SK_RETIRED ? SK_SCHEMA
                                                                               : x.items[i].kind]++;
    struct catalog cat;
    int lrc = workspace_load(&cat, c, d, &x, NULL);
    struct diag *fallback_d = NULL;
    if (lrc == EXIT_INVALID && x.n) {
        /* A broken user preset must not hide the project's own errors: the projects are
         * still checked, against the catalog without the files that had errors (read
         * quietly: their errors are out already). */
        struct workspace_files good = {0};
        for (size_t i = 0; i < x.n; i++)
            if (!diag_errors_in(d, x.items[i].path)) {
                workspace_add_file(&good, root, x.items[i].path, x.items[i].kind);
            }
        if (good.n < x.n) {
            struct catalog fallback;
            fallback_d = diag_new(DIAG_TEXT, stderr);
            diag_set_quiet(fallback_d, 1);
            if (workspace_load(&fallback, c, fallback_d, &good, NULL) == EXIT_OK) {
                model_free_catalog(&cat);
                cat = fallback;
                lrc = EXIT_OK;
                ok = false; /* the broken files were reported */
            } else {
                model_free_catalog(&fallback);
            }
        }
        workspace_files_free(&good);
    }
    workspace_files_free(&x);
    if (lrc == EXIT_USAGE) {
        rc = lrc;
        goto out;
    }
    if (lrc != EXIT_OK)
        ok = false;
    else if (ok && !resolve_all_presets(&cat, d))
        ok = false;
    if (lrc == EXIT_OK) { /* the Custom skill's sources, which compile and skill read */
        struct skill s;
        if (!skill_load(&s, &cat, cat.root, d))
            ok = false;
        skill_free(&s);
    }
    for (size_t i = 0; lrc == EXIT_OK && i < nfiles; i++) {
        if (kinds[i] != SK_PROJECT && kinds[i] != SK_NONE)
            continue; /* read with the catalog above */
        if (kinds[i] == SK_NONE && (!named[i] || skip_other)) {
            /* Other YAML (a Home Assistant configuration, CI workflows, templates):
             * counted in one line; -v names each. */
            if (!unreadable[i]) /* one that cannot be read is an error, never skipped */
                skipped++;
            if (!verbose && !unreadable[i])
                continue;
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
    struct sbuf skip = {0};
    if (skipped && !verbose)
        sbuf_printf(&skip,
                    "skipped %zu YAML file%s that %s (no top-level 'leec:', 'preset:', "
                    "'tier:' ... key; -v names %s)",
                    skipped, skipped == 1 ? "" : "s",
                    skipped == 1 ? "is not a leec file" : "are not leec files",
                    skipped == 1 ? "it" : "them");
    bool valid = rc == EXIT_OK && ok && diag_error_count(d) == 0;
    if (skip.len && !valid && c->format == DIAG_TEXT)
        fprintf(stderr, "leec: %s\n", skip.s);
    if (valid && c->format == DIAG_TEXT) {
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
                "%zu feature presets): valid%s%s\n",
                line.len ? line.s : "", line.len ? " and " : "", root, cat.nifaces, cat.ntiers,
                cat.npresets, cat.nfpresets, skip.len ? "; " : "", skip.len ? skip.s : "");
        sbuf_free(&line);
    }
    sbuf_free(&skip);
out:
    model_free_catalog(&cat);
    diag_free(fallback_d); /* after the catalog: its locations point into these sources */
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(named);
    free(kinds);
    free(unreadable);
    free(root);
    if (rc != EXIT_OK)
        return rc;
    return ok && diag_error_count(d) == 0 ? EXIT_OK : EXIT_INVALID;
}
