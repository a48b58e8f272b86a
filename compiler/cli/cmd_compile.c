/* leec compile FILE -o DIR: leec_config.h, leec_config.c and leec_facts.json. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/emit.h"

#include <string.h>

static int write_tables(const struct cli *c, const char *path, const struct catalog *cat,
                        const struct project *p, const struct resolved *r, struct diag *d,
                        void *outdir)
{
    (void)c;
    (void)cat;
    (void)p;
    return emit_config(r, path, outdir, d);
}

int cmd_compile(struct cli *c, struct diag *d)
{
    const char *project = NULL, *outdir = NULL;
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "-o", &outdir);
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || project)
            return cli_usage_error("compile takes one project file and -o DIR");
        project = c->argv[i];
    }
    if (!project || !outdir)
        return cli_usage_error("compile takes one project file and -o DIR");
    return workspace_with_project(c, d, project, write_tables, (void *)outdir);
}
