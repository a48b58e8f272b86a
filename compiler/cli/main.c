/* leec: the command line. Global options (--format, --root, --help, --version) may
 * stand anywhere; every other argument belongs to the command, which parses it
 * (cli/cmd_*.c). Exit codes: 0 ok, 1 invalid input, 2 usage or I/O error, 3 internal
 * error. See `leec --help` and docs/cli.md. */
#include "cli/cli.h"
#include "front/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage_text =
    "usage: leec [--format text|json|github] [--root DIR] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  validate [--skip-other-yaml] [-v] [PATH...]\n"
    "                              check project files, presets and schemas (default: the\n"
    "                              project of the working directory, else the catalog);\n"
    "                              --skip-other-yaml: a named YAML file that is not a leec file\n"
    "                              is skipped, not an error (for pre-commit's file lists);\n"
    "                              skipped files are counted in one line, -v names each\n"
    "  explain FILE                resolved values with their origins, budgets, free-tier use;\n"
    "                              with --format json: the same as data (docs/facts.md)\n"
    "  compile FILE -o DIR         write leec_config.h, leec_config.c, leec_facts.json and\n"
    "                              leec_messages.c (the Custom skill's answers)\n"
    "  list [--project FILE]       tiers and presets with memory and metric figures\n"
    "  diff A B                    differences between two project files or presets\n"
    "                              (exit 0 the same, 1 different, as git diff --exit-code)\n"
    "  optimize FILE --max-memory SIZE [--keep IFACE...]\n"
    "                              the tiers that fit SIZE (e.g. 64MiB) with the project's\n"
    "                              own as the goal, as a tiers: block to paste\n"
    "  schema [--project FILE]     JSON Schema of the project file (for editors), with\n"
    "                              the project's own presets (docs/editor.md)\n"
    "  init [DIR] [--ha-url URL] [--skill-id ID]\n"
    "                              a starter repository: leec.yaml, presets/, the editor\n"
    "                              schema, pre-commit and GitHub workflow (never overwrites)\n"
    "  skill FILE -o DIR [--function-arn ARN...] [--function NAME] [--locales L,...]\n"
    "                              skill packages for the ASK CLI/SMAPI: skill.json, the\n"
    "                              interaction models, Home Assistant account linking;\n"
    "                              default ARN: the function leec deploy made\n"
    "  package PROJECT [-o ZIP] [--arch x86_64|arm64]\n"
    "                              the Lambda zip (static bootstrap + the project's files)\n"
    "                              from the prebuilt runtime; default function.zip and the\n"
    "                              project's lambda.architecture\n"
    "  invoke PROJECT --event FILE|- [--env K=V]... [--bootstrap PATH] [--arch A]\n"
    "                              run the function once locally under the Lambda Runtime\n"
    "                              API emulator (packages it first without --bootstrap)\n"
    "  event KIND [OPTIONS] [-o FILE]\n"
    "                              a sample event: discover, directive, launch, intent,\n"
    "                              health (leec event alone lists their options)\n"
    "  deploy PROJECT [--region R] [--role ARN] [--function NAME] [--zip function.zip]\n"
    "         [--endpoint-url URL] [--dry-run] [--ssm-token-from-env VAR | --ssm-token-stdin]\n"
    "         [--locale xx-YY] [--env K=V...] [--arch A] [--no-alarms] [--aws PATH]\n"
    "                              create or update the function, its role, Alexa's\n"
    "                              permissions, alarms and hourly probe (AWS CLI; idempotent)\n"
    "  probe FUNCTION [--region R] [--endpoint-url URL] [--aws PATH]\n"
    "                              invoke the deployed function's probe: DNS, TCP, TLS, token\n"
    "                              and HA's Alexa endpoint, with a remedy for what fails\n"
    "\n"
    "options:\n"
    "  --format FMT   diagnostics as text (default), json or github annotations\n"
    "  --root DIR     where schemas/ and presets/ are (default: $LEEC_ROOT, else the\n"
    "                 catalog installed with leec: <prefix>/share/leec)\n"
    "  --help, -h     this text (also after a command)\n"
    "  --version      print the version\n"
    "\n"
    "A file belongs to the project of the nearest leec.yaml at or above it: every\n"
    "command reads that project's presets (presets/ beside it, preset_dirs:).\n"
    "\n"
    "exit status: 0 valid, 1 invalid input, 2 usage or I/O error, 3 internal error\n";

static const struct command {
    const char *name;
    int (*fn)(struct cli *, struct diag *);
    bool data_on_stdout; /* with --format json, the data goes to stdout, diagnostics to stderr */
} commands[] = {
    {"validate", cmd_validate, false}, {"explain", cmd_explain, true},
    {"compile", cmd_compile, false},   {"list", cmd_list, false},
    {"diff", cmd_diff, false},         {"optimize", cmd_optimize, false},
    {"schema", cmd_schema, true},      {"init", cmd_init, false},
    {"skill", cmd_skill, false},       {"package", cmd_package, false},
    {"invoke", cmd_invoke, false},     {"event", cmd_event, false},
    {"deploy", cmd_deploy, false},     {"probe", cmd_probe, false},
};

int main(int argc, char **argv)
{
    struct cli c = {0};
    c.argv = xcalloc((size_t)argc + 1, sizeof *c.argv);
    const char *cmd = NULL;
    bool help = false;
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help = true;
        } else if (!strcmp(a, "--version")) {
            printf("leec %s\n", LEEC_VERSION);
            goto done;
        } else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
            if (!strcmp(v, "text"))
                c.format = DIAG_TEXT;
            else if (!strcmp(v, "json"))
                c.format = DIAG_JSON;
            else if (!strcmp(v, "github"))
                c.format = DIAG_GITHUB;
            else {
                rc = cli_usage_error("unknown format '%s' (text, json or github)", v);
                goto done;
            }
        } else if (!strcmp(a, "--root")) {
            if (i + 1 >= argc) {
                rc = cli_usage_error("--root needs a directory");
                goto done;
            }
            c.root = argv[++i];
        } else if (!cmd && a[0] == '-' && a[1]) {
            rc = cli_usage_error("unknown option '%s'", a);
            goto done;
        } else if (!cmd) {
            cmd = a;
        } else {
            c.argv[c.argc++] = argv[i];
        }
    }
    if (help || !cmd) {
        fputs(usage_text, help ? stdout : stderr);
        rc = help ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) {
            /* JSON data and a JSON diagnostics array cannot share stdout */
            bool to_stdout =
                c.format == DIAG_GITHUB || (c.format == DIAG_JSON && !commands[i].data_on_stdout);
            struct diag *d = diag_new(c.format, to_stdout ? stdout : stderr);
            rc = commands[i].fn(&c, d);
            if (rc == EXIT_OK && diag_error_count(d))
                rc = EXIT_INVALID;
            /* For the commands whose exit 1 means "the input is invalid" (diff's 1 is
             * "they differ", probe's "the probe failed": said in their own output). */
            bool says_why = !strcmp(cmd, "validate") || !strcmp(cmd, "compile") ||
                            !strcmp(cmd, "explain") || !strcmp(cmd, "optimize");
            if (says_why && rc == EXIT_INVALID && !diag_error_count(d)) {
                /* "invalid" always says why; a path that does not is leec's bug */
                diag_error(d, NULL,
                           "internal error: the input was found invalid but no error was "
                           "reported; please report this with the input");
                rc = EXIT_INTERNAL;
            }
            diag_finish(d);
            diag_free(d);
            goto done;
        }
    rc = cli_usage_error("unknown command '%s'", cmd);
done:
    free(c.argv);
    return rc;
}
