/* cli: what every leec command shares — exit codes, the global options, the
 * command's own arguments and the small option reader each command uses.
 * One file per command (cli/cmd_*.c); main.c only dispatches. */
#ifndef LEEC_CLI_H
#define LEEC_CLI_H

#include "front/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

struct cli {
    enum diag_format format; /* --format (diagnostics; explain's data) */
    const char *root;        /* --root: the catalog */
    char **argv;             /* the command's own arguments, global options removed */
    int argc;
};

/* "leec: <message>\n(see leec --help)" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option reader: at argv[*i], "--name VALUE" or "--name=VALUE". Returns 1 and sets
 * *val (advancing *i past VALUE) on a match, 0 when argv[*i] is another word, -1
 * (after a usage message) when VALUE is missing. */
int cli_opt_value(struct cli *c, int *i, const char *name, const char **val);
/* argv[*i] is "--name" (a flag). */
bool cli_opt_flag(const struct cli *c, int i, const char *name);

/* The commands: each parses c->argv itself. */
int cmd_validate(struct cli *c, struct diag *d);
int cmd_explain(struct cli *c, struct diag *d);
int cmd_compile(struct cli *c, struct diag *d);
int cmd_list(struct cli *c, struct diag *d);
int cmd_diff(struct cli *c, struct diag *d);
int cmd_optimize(struct cli *c, struct diag *d);
int cmd_schema(struct cli *c, struct diag *d);
int cmd_deploy(struct cli *c, struct diag *d);
int cmd_probe(struct cli *c, struct diag *d);
int cmd_init(struct cli *c, struct diag *d);
int cmd_skill(struct cli *c, struct diag *d);
int cmd_package(struct cli *c, struct diag *d);
int cmd_invoke(struct cli *c, struct diag *d);
int cmd_event(struct cli *c, struct diag *d);

#endif
