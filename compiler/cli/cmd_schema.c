/* leec schema [--project FILE | FILE]: the JSON Schema of the project file, for
 * editors, with the presets of the project (FILE, else the one the working directory
 * belongs to). */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/schema_json.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_schema(struct cli *c, struct diag *d)
{
    const char *project = NULL;
    for (int i = 0; i < c->argc; i++) {
        const char *v = NULL;
        int m = cli_opt_value(c, &i, "--project", &v);
        if (m < 0)
            return EXIT_USAGE;
        if ((!m && c->argv[i][0] == '-') || project)
            return cli_usage_error("schema takes at most one project file (--project FILE)");
        project = m ? v : c->argv[i];
    }
    struct catalog cat;
    int rc = workspace_load_around(&cat, c, d, &project, project ? 1 : 0);
    if (rc == EXIT_OK) {
        char *s = schema_json_render(&cat);
        fputs(s, stdout);
        free(s);
    }
    model_free_catalog(&cat);
    return rc;
}
