/* leec schema [PROJECT]: the JSON Schema of the project file, for editors. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/schema_json.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_schema(struct cli *c, struct diag *d)
{
    if (c->argc > 1 || (c->argc && c->argv[0][0] == '-'))
        return cli_usage_error("schema takes at most one project file");
    struct catalog cat;
    int rc =
        c->argc ? workspace_load_for(&cat, c, d, c->argv[0]) : workspace_load_stock(&cat, c, d);
    if (rc == EXIT_OK) {
        char *s = schema_json_render(&cat);
        fputs(s, stdout);
        free(s);
    }
    model_free_catalog(&cat);
    return rc;
}
