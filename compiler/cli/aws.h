/* aws: runs the AWS CLI (v1 or v2) with an argv array (cli/spawn.h, never a shell),
 * parses its JSON output with cJSON and turns its failures into messages that say what
 * to do. With dry_run, prints each command (shell-quoted) instead of running it. */
#ifndef LEEC_AWS_H
#define LEEC_AWS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

struct aws {
    const char *cli;          /* the program: --aws, $LEEC_AWS, else "aws" from PATH */
    const char *region;       /* always passed as --region */
    const char *endpoint_url; /* --endpoint-url (moto, a recorder); NULL: AWS */
    bool dry_run;
    bool trace; /* print "+ aws ..." on stderr before each command */
};

/* The outcome of one command. */
struct aws_call {
    int status;    /* the CLI's exit code; -1: could not start */
    cJSON *json;   /* its parsed stdout (NULL when empty or not JSON) */
    char *code;    /* the service's error code ("ResourceNotFoundException"), or NULL */
    char *message; /* what went wrong, saying what to do (NULL on success) */
    char *out;     /* raw stdout */
};

/* Runs `aws SERVICE ARGS... --region R --output json [--endpoint-url U]`; args is
 * NULL-terminated. Returns true on exit 0. In dry-run mode prints and returns true
 * with no json. */
bool aws_run(const struct aws *a, const char *service, const char *const *args, struct aws_call *c);
void aws_call_free(struct aws_call *c);

/* The CLI's configured region (`aws configure get region`, after $AWS_REGION and
 * $AWS_DEFAULT_REGION), or NULL. Caller frees. */
char *aws_configured_region(const struct aws *a);
/* Does this CLI's `lambda create-function` know --logging-config? (its generated
 * skeleton names LoggingConfig; read whole, no pipe to break) */
bool aws_knows_logging_config(const struct aws *a);
/* The program to run (`--aws`, else $LEEC_AWS, else "aws"). */
const char *aws_default_cli(const char *flag);
/* Shell-quotes argv into one line (for printing only). Caller frees. */
char *aws_quote_argv(const char *const *argv);

#endif
