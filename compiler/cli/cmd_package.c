/* leec package PROJECT [-o function.zip] [--arch x86_64|arm64]: the Lambda zip from the
 * installed kit (cli/package.h). */
#include "cli/cli.h"
#include "cli/package.h"
#include "cli/spawn.h"

#include <stdio.h>
#include <sys/stat.h>

int cmd_package(struct cli *c, struct diag *d)
{
    struct package_opts o = {.zip = "function.zip"};
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "-o", &o.zip);
        if (!m)
            m = cli_opt_value(c, &i, "--arch", &o.arch);
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || o.project)
            return cli_usage_error("package takes one project file, [-o ZIP] and [--arch "
                                   "x86_64|arm64]");
        o.project = c->argv[i];
    }
    if (!o.project)
        return cli_usage_error("package takes one project file, [-o ZIP] and [--arch "
                               "x86_64|arm64]");
    struct package_result r;
    int rc = package_build(c, d, &o, &r);
    if (rc == EXIT_OK) {
        struct stat st;
        long long bytes = stat(o.zip, &st) == 0 ? (long long)st.st_size : -1;
        fprintf(stderr, "leec package: %s: %s, %lld bytes: bootstrap", o.zip, r.arch, bytes);
        if (r.nfiles)
            fprintf(stderr, " + %zu project file%s", r.nfiles, r.nfiles == 1 ? "" : "s");
        fprintf(stderr, " (%.1f s)\n", r.seconds);
    }
    spawn_remove_tree(r.work);
    package_result_free(&r);
    return rc;
}
