/* workspace: the catalog files that come with a project, and load → resolve. */
#include "cli/workspace.h"

#include "front/util.h"
#include "front/yaml_ir.h"
#include "model/project.h"

#include "model/filekind.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void workspace_add_file(struct workspace_files *w, const char *root, const char *path,
                        enum stock_kind k)
{
    char rp[PATH_MAX];
    if (stock_contains(root, path) || !realpath(path, rp))
        return;
    /* Listed already? The real paths are kept (sorted), so that a presets directory of
     * thousands of files is not n^2 realpath calls. */
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(w->reals[mid], rp);
        if (!c)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    w->reals = xrealloc(w->reals, (w->n + 1) * sizeof *w->reals);
    memmove(w->reals + lo + 1, w->reals + lo, (w->n - lo) * sizeof *w->reals);
    w->reals[lo] = xstrdup(rp);
    w->items = xrealloc(w->items, (w->n + 1) * sizeof *w->items);
    w->items[w->n++] = (struct stock_extra){xstrdup(path), k};
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The catalog files of a presets directory: its .yaml files, tiers/ and features/. A
 * directory that is there but cannot be read, a file that cannot be read and anything
 * named *.yaml that is not a regular file (a FIFO would block, a device never ends) are
 * errors (exit 2), never skipped in silence. */
static void add_presets_dir(struct workspace_files *w, const char *root, const char *dir)
{
    static const char *const subs[] = {"", "/tiers", "/features"};
    for (size_t s = 0; s < 3; s++) {
        struct sbuf sd = {0};
        sbuf_printf(&sd, "%s%s", dir, subs[s]);
        DIR *dp = opendir(sd.s);
        if (!dp && errno != ENOENT && errno != ENOTDIR) {
            if (w->d)
                diag_error(w->d, NULL, "cannot read the presets directory '%s': %s", sd.s,
                           strerror(errno));
            w->io_errors++;
        }
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
        if (nn)
            qsort(names, nn, sizeof *names, cmp_name);
        for (size_t i = 0; i < nn; i++) {
            struct sbuf f = {0};
            sbuf_printf(&f, "%s/%s", sd.s, names[i]);
            struct stat st;
            int io = 0;
            if (stat(f.s, &st) != 0) {
                if (w->d)
                    diag_error(w->d, NULL, "cannot read '%s': %s", f.s, strerror(errno));
                w->io_errors++;
            } else if (!S_ISREG(st.st_mode)) {
                if (w->d)
                    diag_error(w->d, NULL,
                               "'%s' is not a regular file (a FIFO, a device, ...): not read "
                               "with the presets; remove it",
                               f.s);
                w->io_errors++;
            } else {
                enum stock_kind k = filekind_of_file(w->d, f.s, &io);
                if (io > 0)
                    w->io_errors++;
                else if (io < 0)
                    w->bad_files++;
                if (k != SK_NONE && k != SK_PROJECT)
                    workspace_add_file(w, root, f.s, k);
            }
            sbuf_free(&f);
            free(names[i]);
        }
        free(names);
        sbuf_free(&sd);
    }
}

/* presets/ beside the project file, then each directory its preset_dirs: names
 * (relative to the project file; project_load checks them and reports a bad one). */
void workspace_add_beside(struct workspace_files *w, const char *root, const char *project)
{
    const char *slash = strrchr(project, '/');
    struct sbuf base = {0}, dir = {0};
    if (slash)
        sbuf_addn(&base, project, (size_t)(slash - project) + 1);
    sbuf_printf(&dir, "%spresets", base.s ? base.s : "");
    add_presets_dir(w, root, dir.s);
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
        add_presets_dir(w, root, p.s);
        sbuf_free(&p);
    }
    ydoc_free(doc);
    diag_free(quiet);
    sbuf_free(&base);
}

void workspace_files_free(struct workspace_files *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free((char *)w->items[i].path);
        free(w->reals[i]);
    }
    free(w->items);
    free(w->reals);
    w->reals = NULL;
    w->items = NULL;
    w->n = 0;
}

/* `abs` (absolute) as the user would type it from the working directory: relative
 * when it shares a prefix with it, at most 4 levels up; absolute otherwise. */
static char *relative_to_cwd(const char *abs)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return xstrdup(abs);
    size_t common = 0; /* length of the common directory prefix */
    for (size_t i = 0;; i++) {
        bool end_c = !cwd[i] || cwd[i] == '/', end_a = !abs[i] || abs[i] == '/';
        if (end_c && end_a)
            common = i;
        if (!cwd[i] || !abs[i] || cwd[i] != abs[i])
            break;
    }
    size_t ups = 0;
    for (const char *s = cwd + common; *s; s++)
        ups += *s == '/';
    if (ups > 4 || common == 0)
        return xstrdup(abs);
    struct sbuf b = {0};
    for (size_t i = 0; i < ups; i++)
        sbuf_add(&b, "../");
    const char *rest = abs + common;
    sbuf_add(&b, *rest == '/' ? rest + 1 : rest);
    return b.s ? b.s : xstrdup(".");
}

char *workspace_find_project(const char *path)
{
    char dir[PATH_MAX];
    struct stat st;
    if (!realpath(path, dir) || stat(dir, &st) != 0)
        return NULL;
    if (!S_ISDIR(st.st_mode)) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            return NULL;
        slash[slash == dir] = '\0'; /* "/x.yaml" -> "/" */
    }
    for (;;) {
        struct sbuf f = {0};
        sbuf_printf(&f, "%s%sleec.yaml", dir, dir[1] ? "/" : "");
        if (stat(f.s, &st) == 0 && S_ISREG(st.st_mode) && stock_file_kind(f.s) == SK_PROJECT) {
            char *r = relative_to_cwd(f.s);
            sbuf_free(&f);
            return r;
        }
        /* Not above the repository the file is in: its projects are its own. */
        sbuf_free(&f);
        sbuf_printf(&f, "%s%s.git", dir, dir[1] ? "/" : "");
        bool repo_top = stat(f.s, &st) == 0;
        sbuf_free(&f);
        char *slash = strrchr(dir, '/');
        if (repo_top || !slash || !dir[1])
            return NULL;
        slash[slash == dir] = '\0';
    }
}

bool workspace_add_project_of(struct workspace_files *w, const char *root, const char *path)
{
    char *proj = workspace_find_project(path);
    if (!proj)
        return false;
    workspace_add_beside(w, root, proj);
    free(proj);
    return true;
}

int workspace_load(struct catalog *cat, const struct cli *c, struct diag *d,
                   const struct workspace_files *w, char **root_out)
{
    memset(cat, 0, sizeof *cat); /* callers free it on every path */
    char *root = stock_find_root(c->root, d);
    if (!root)
        return EXIT_USAGE;
    if (stock_is_foreign(root)) {
        struct sbuf p = {0};
        sbuf_printf(&p, "%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/");
        diag_set_stock(d, p.s);
        sbuf_free(&p);
    }
    bool ok = stock_load(cat, root, w ? w->items : NULL, w ? w->n : 0, d);
    if (root_out)
        *root_out = root;
    else
        free(root);
    if ((w && w->io_errors) || cat->io_errors)
        return EXIT_USAGE;
    return ok && !(w && w->bad_files) ? EXIT_OK : EXIT_INVALID;
}

int workspace_load_for(struct catalog *cat, const struct cli *c, struct diag *d,
                       const char *project)
{
    char *root = stock_find_root(c->root, d);
    if (!root) {
        memset(cat, 0, sizeof *cat);
        return EXIT_USAGE;
    }
    struct workspace_files w = {.d = d};
    workspace_add_beside(&w, root, project);
    workspace_add_project_of(&w, root, project);
    free(root);
    int rc = workspace_load(cat, c, d, &w, NULL);
    workspace_files_free(&w);
    return rc;
}

int workspace_load_around(struct catalog *cat, const struct cli *c, struct diag *d,
                          const char *const *paths, size_t n)
{
    char *root = stock_find_root(c->root, d);
    if (!root) {
        memset(cat, 0, sizeof *cat);
        return EXIT_USAGE;
    }
    struct workspace_files w = {.d = d};
    for (size_t i = 0; i < n; i++) {
        if (stock_file_kind(paths[i]) == SK_PROJECT)
            workspace_add_beside(&w, root, paths[i]);
        workspace_add_project_of(&w, root, paths[i]);
    }
    if (!n)
        workspace_add_project_of(&w, root, ".");
    free(root);
    int rc = workspace_load(cat, c, d, &w, NULL);
    workspace_files_free(&w);
    return rc;
}

int workspace_with_project(const struct cli *c, struct diag *d, const char *project,
                           workspace_project_fn fn, void *arg)
{
    struct catalog cat;
    int rc = workspace_load_for(&cat, c, d, project);
    if (rc == EXIT_OK) {
        struct project p;
        int io = 0;
        if (project_load(&p, &cat, project, d, &io)) {
            struct resolved r;
            rc = resolve(&r, &cat, p.preset, &p, NULL, d) ? fn(c, project, &cat, &p, &r, d, arg)
                                                          : EXIT_INVALID;
            resolved_free(&r);
        } else {
            rc = io ? EXIT_USAGE : EXIT_INVALID;
        }
        project_free(&p, &cat);
    }
    model_free_catalog(&cat);
    return rc;
}
