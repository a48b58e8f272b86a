/* workspace: which catalog files come with a project — the stock catalog (stock.h)
 * plus the presets beside a project file (its presets/ and preset_dirs:) — and the
 * load → resolve sequence every command that takes one project file runs. */
#ifndef LEEC_WORKSPACE_H
#define LEEC_WORKSPACE_H

#include "cli/cli.h"
#include "model/model_load.h"
#include "model/stock.h"
#include "resolve/resolve.h"

/* A growing list of catalog files outside the stock root. */
struct workspace_files {
    struct stock_extra *items;
    char **reals; /* the items' real paths, sorted (not in items' order) */
    size_t n;
    struct diag *d;     /* where problems reading the presets are reported (NULL: silent) */
    unsigned io_errors; /* unreadable files and directories: workspace_load says exit 2 */
    unsigned bad_files; /* files over the size cap: exit 1 */
};

/* Adds one catalog file unless it is already listed (same real path) or part of the
 * catalog at root. */
void workspace_add_file(struct workspace_files *w, const char *root, const char *path,
                        enum stock_kind k);
/* Adds presets/ beside the project file and each of its preset_dirs:. */
void workspace_add_beside(struct workspace_files *w, const char *root, const char *project);
void workspace_files_free(struct workspace_files *w);

/* Finds the catalog, marks leec's own files for diag, loads it with the extra files.
 * EXIT_OK, EXIT_INVALID or EXIT_USAGE; cat is always safe to free. *root_out
 * (optional) gets the root (caller frees). */
int workspace_load(struct catalog *cat, const struct cli *c, struct diag *d,
                   const struct workspace_files *w, char **root_out);
/* The catalog alone, or with the presets beside `project`. */
int workspace_load_stock(struct catalog *cat, const struct cli *c, struct diag *d);
int workspace_load_for(struct catalog *cat, const struct cli *c, struct diag *d,
                       const char *project);

/* Loads the catalog for `project`, the project, resolves it and on success calls fn. */
typedef int (*workspace_project_fn)(const struct cli *c, const char *path,
                                    const struct catalog *cat, const struct project *p,
                                    const struct resolved *r, struct diag *d, void *arg);
int workspace_with_project(const struct cli *c, struct diag *d, const char *project,
                           workspace_project_fn fn, void *arg);

#endif
