/* leec diff A B: differences between two resolved configurations (project files or
 * preset names). */
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
    int rc = workspace_load_stock(&cat, c, d);
    struct side a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (rc == EXIT_OK && load_side(&a, &cat, c->argv[0], d, &rc) &&
        load_side(&b, &cat, c->argv[1], d, &rc)) {
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
