/* leec diff A B: differences between two resolved configurations (project files or
 * preset names). Exit status as `git diff --exit-code`: 0 the same, 1 different,
 * 2 usage or I/O error. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "model/schema.h"
#include "resolve/diff.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int cmd_diff(struct cli *c, struct diag *d)
{
    if (c->argc != 2 || c->argv[0][0] == '-' || c->argv[1][0] == '-')
        return cli_usage_error("diff takes two project files or preset names");
    struct catalog cat;
    /* The presets of the projects the files belong to (of the working directory's
     * project when both sides are preset names). */
    const char *files[2];
    size_t nf = 0;
    struct stat st;
    for (int i = 0; i < 2; i++)
        if (stat(c->argv[i], &st) == 0)
            files[nf++] = c->argv[i];
    int rc = workspace_load_around(&cat, c, d, files, nf);
    struct side a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (rc == EXIT_OK && load_side(&a, &cat, c->argv[0], d, &rc) &&
        load_side(&b, &cat, c->argv[1], d, &rc)) {
        /* As `git diff --exit-code`: 0 the same, 1 different (scripts test it). */
        if (diff_print(stdout, &a.r, a.has_project ? &a.p : NULL, &b.r,
                       b.has_project ? &b.p : NULL))
            rc = EXIT_INVALID;
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
