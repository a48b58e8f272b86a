/* leec list [--project FILE]: tiers, presets (memory and metric figures), feature
 * presets — the stock ones and those of the project (FILE, else the one the working
 * directory belongs to). */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "front/util.h"

#include <stdio.h>

int cmd_list(struct cli *c, struct diag *d)
{
    const char *project = NULL;
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "--project", &project);
        if (m < 0)
            return EXIT_USAGE;
        if (!m)
            return cli_usage_error("list takes only --project FILE");
    }
    struct catalog cat;
    int rc = workspace_load_around(&cat, c, d, &project, project ? 1 : 0);
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
