/* cli: see cli.h (the option reader every command uses; main.c dispatches). In the
 * library, not in main.c, so that tests and fuzz targets can run a command in process. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "leec: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see leec --help)\n");
    va_end(ap);
    return EXIT_USAGE;
}

int cli_opt_value(struct cli *c, int *i, const char *name, const char **val)
{
    const char *a = c->argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n))
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= c->argc) {
        cli_usage_error("%s needs a value", name);
        return -1;
    }
    *val = c->argv[++*i];
    return 1;
}

bool cli_opt_flag(const struct cli *c, int i, const char *name)
{
    return !strcmp(c->argv[i], name);
}
