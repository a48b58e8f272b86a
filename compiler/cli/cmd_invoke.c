/* leec invoke PROJECT --event FILE|- [--env K=V]... [--bootstrap PATH] [--arch A]
 * (or --probe: the probe event, answered as a report, cli/probe_report.h):
 * packages the project for this machine (or takes --bootstrap) and runs it once under
 * the installed Lambda emulator (cli/invoke.h). Secrets the project keeps in SSM are
 * overridden from the environment, the runtime's way (LEEC_HA_TOKEN), so the same
 * project file runs locally. */
#include "cli/cli.h"
#include "cli/invoke.h"
#include "cli/package.h"
#include "cli/probe_report.h"
#include "cli/spawn.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *host_arch(void)
{
    struct utsname u;
    if (uname(&u) == 0 && !strcmp(u.machine, "aarch64"))
        return "arm64";
    return "x86_64";
}

static bool env_given(const struct invoke_opts *io, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < io->nenv; i++)
        if (!strncmp(io->env[i], name, n) && io->env[i][n] == '=')
            return true;
    return false;
}

/* name from the environment (or --env) into the function's environment, or an error. */
static int need_var(struct invoke_opts *io, struct sbuf *keep, const char *name, const char *why)
{
    if (env_given(io, name))
        return EXIT_OK;
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr,
                "leec invoke: %s; set %s for the local run: export %s=... (or --env %s=..., "
                "which shows the value to other users in the process list)\n",
                why, name, name, name);
        return EXIT_USAGE;
    }
    if (io->nenv >= INVOKE_MAX_ENV)
        return cli_usage_error("at most %d environment variables", INVOKE_MAX_ENV);
    (void)keep;
    /* by name only: the value stays in the environment, never on a command line */
    size_t n = strlen(name) + strlen(v) + 2;
    char *kv = xmalloc(n);
    snprintf(kv, n, "%s=%s", name, v);
    io->env[io->nenv++] = kv;
    return EXIT_OK;
}

/* The project's secrets (facts `home_assistant`): each one the function needs is set. */
static int secrets_env(const char *facts_path, struct invoke_opts *io, size_t *owned_from)
{
    *owned_from = io->nenv;
    char *text = package_read_file(facts_path, 4 << 20, NULL);
    cJSON *f = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *ha = cJSON_GetObjectItemCaseSensitive(f, "home_assistant");
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(ha, "token");
    const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(tok, "source"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(tok, "name"));
    int rc = EXIT_OK;
    struct sbuf why = {0};
    if (src && name && !strcmp(src, "ssm")) {
        sbuf_printf(&why,
                    "the project reads the Home Assistant token from the SSM parameter "
                    "%s, which a local run cannot read",
                    name);
        rc = need_var(io, NULL, "LEEC_HA_TOKEN", why.s);
    } else if (src && name && !strcmp(src, "env")) {
        sbuf_printf(&why, "the project reads the Home Assistant token from %s", name);
        rc = need_var(io, NULL, name, why.s);
    }
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(ha, "headers"))
    {
        if (rc)
            break;
        const char *hs = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "source"));
        const char *hn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "name"));
        const char *hh = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "header"));
        if (hs && hn && !strcmp(hs, "env")) {
            why.len = 0;
            sbuf_printf(&why, "the project sends the header %s from %s", hh ? hh : "?", hn);
            rc = need_var(io, NULL, hn, why.s);
        } else if (hs && hn && !strcmp(hs, "ssm")) {
            fprintf(stderr,
                    "leec invoke: note: the header %s comes from the SSM parameter %s; the "
                    "runtime has no local override for it, so the function asks SSM (AWS "
                    "credentials in --env, or LEEC_SSM_ENDPOINT=URL of an SSM emulator)\n",
                    hh ? hh : "?", hn);
        }
    }
    sbuf_free(&why);
    cJSON_Delete(f);
    return rc;
}

int cmd_invoke(struct cli *c, struct diag *d)
{
    struct invoke_opts io = {0};
    const char *project = NULL, *arch = NULL, *timeout = NULL;
    bool probe = false;
    for (int i = 0; i < c->argc; i++) {
        const char *kv = NULL;
        int m = cli_opt_value(c, &i, "--event", &io.event_path);
        if (!m)
            m = cli_opt_value(c, &i, "--bootstrap", &io.bootstrap);
        if (!m)
            m = cli_opt_value(c, &i, "--arch", &arch);
        if (!m)
            m = cli_opt_value(c, &i, "--timeout", &timeout);
        if (!m && (m = cli_opt_value(c, &i, "--env", &kv)) > 0) {
            const char *eq = strchr(kv, '=');
            if (!eq || eq == kv ||
                strspn(kv, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                           "0123456789_") != (size_t)(eq - kv))
                return cli_usage_error("--env expects NAME=VALUE, got '%.*s...'",
                                       (int)(eq ? eq - kv : 0), kv);
            if (io.nenv >= INVOKE_MAX_ENV)
                return cli_usage_error("at most %d --env options", INVOKE_MAX_ENV);
            io.env[io.nenv++] = kv;
        }
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (cli_opt_flag(c, i, "--probe")) {
            probe = true;
            continue;
        }
        if (c->argv[i][0] == '-' || project)
            return cli_usage_error("invoke takes one project file, --event FILE|- and options "
                                   "(see leec --help)");
        project = c->argv[i];
    }
    if (probe && io.event_path)
        return cli_usage_error("invoke: --probe is its own event; drop --event");
    if (probe)
        io.event_text = "{\"leec_probe\":true}";
    if (!project || (!io.event_path && !probe))
        return cli_usage_error("invoke needs a project file and --event FILE|- (leec event "
                               "writes sample events), or --probe");
    if (timeout) {
        char *end;
        io.timeout_s = strtod(timeout, &end);
        if (*end || !(io.timeout_s > 0 && io.timeout_s <= 900))
            return cli_usage_error("--timeout must be 1-900 seconds, not '%s'", timeout);
    }
    struct package_opts po = {.project = project,
                              .arch = io.bootstrap ? arch : (arch ? arch : host_arch()),
                              .tables_only = io.bootstrap != NULL};
    if (!io.bootstrap && arch && strcmp(arch, host_arch()))
        fprintf(stderr,
                "leec invoke: note: running a %s bootstrap on a %s machine needs "
                "qemu-user (binfmt)\n",
                arch, host_arch());
    struct package_result r;
    int rc = package_build(c, d, &po, &r);
    size_t owned = io.nenv;
    if (rc == EXIT_OK)
        rc = secrets_env(r.facts, &io, &owned);
    struct sbuf boot = {0};
    if (rc == EXIT_OK) {
        if (!io.bootstrap) {
            sbuf_printf(&boot, "%s/bootstrap", r.stage);
            io.bootstrap = boot.s;
        }
        struct sbuf answer = {0};
        if (probe) { /* the answer goes to a file in the work directory, then the report */
            sbuf_printf(&answer, "%s/probe-answer.json", r.work);
            io.answer_file = answer.s;
        }
        rc = invoke_run(&io);
        if (probe && rc == EXIT_OK) {
            size_t n = 0;
            char *text = package_read_file(answer.s, 1 << 20, &n);
            rc = text && probe_report_print(stdout, text, n) ? EXIT_OK : EXIT_INVALID;
            free(text);
        }
        sbuf_free(&answer);
    }
    for (size_t i = owned; i < io.nenv; i++)
        free((char *)io.env[i]);
    sbuf_free(&boot);
    spawn_remove_tree(r.work);
    package_result_free(&r);
    return rc;
}
