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

/* The project a path belongs to: the nearest leec.yaml (a project file) in the
 * path's directory (the path itself when it is a directory) or above it, up to the
 * top of the git repository the path is in (a directory holding .git). Returned
 * relative to the working directory when below it or near it ("leec.yaml",
 * "../leec.yaml"), so diagnostics read as the user types paths; NULL when none.
 * Caller frees. Every command uses this one notion (docs/cli.md). */
char *workspace_find_project(const char *path);
/* Adds the presets of the project `path` belongs to (workspace_find_project): its
 * presets/ and preset_dirs:. Returns true when a project was found. */
bool workspace_add_project_of(struct workspace_files *w, const char *root, const char *path);

/* Finds the catalog, marks leec's own files for diag, loads it with the extra files.
 * EXIT_OK, EXIT_INVALID or EXIT_USAGE; cat is always safe to free. *root_out
 * (optional) gets the root (caller frees). */
int workspace_load(struct catalog *cat, const struct cli *c, struct diag *d,
                   const struct workspace_files *w, char **root_out);
/* The catalog with the presets beside `project` and those of the project it belongs to. */
int workspace_load_for(struct catalog *cat, const struct cli *c, struct diag *d,
                       const char *project);

/* The catalog with the presets of the projects `paths` belong to (each a project
 * file, or any file or directory inside a project); with n == 0, of the project the
 * working directory belongs to (list, schema, diff of two preset names). */
int workspace_load_around(struct catalog *cat, const struct cli *c, struct diag *d,
                          const char *const *paths, size_t n);

/* Loads the catalog for `project`, the project, resolves it and on success calls fn. */
typedef int (*workspace_project_fn)(const struct cli *c, const char *path,
                                    const struct catalog *cat, const struct project *p,
                                    const struct resolved *r, struct diag *d, void *arg);
int workspace_with_project(const struct cli *c, struct diag *d, const char *project,
                           workspace_project_fn fn, void *arg);

/* A workspace_project_fn: what `leec compile` writes into the directory arg
 * (leec_config.h/.c, leec_facts.json, leec_messages.c); leec package uses it too
 * (cli/cmd_compile.c). */
int compile_write_tables(const struct cli *c, const char *path, const struct catalog *cat,
                         const struct project *p, const struct resolved *r, struct diag *d,
                         void *outdir);

#endif
