/* leec probe FUNCTION: invokes the deployed function with the probe event
 * {"leec_probe": true} (aws lambda invoke) and prints its answer as a report: each
 * check (DNS, TCP, TLS, token, HA's Alexa endpoint) with its time and finding, and the
 * remedy for the first that failed. The answer format is docs/deploy.md's "probe". */
#include "cli/aws.h"
#include "cli/cli.h"
#include "cli/probe_report.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ANSWER_MAX (1u << 20)

static char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = xmalloc(max + 1);
    *len = fread(buf, 1, max + 1, f);
    fclose(f);
    if (*len > max) {
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

int cmd_probe(struct cli *c, struct diag *d)
{
    (void)d;
    struct aws a = {0};
    const char *fn = NULL, *aws_flag = NULL;
    for (int i = 0; i < c->argc; i++) {
        const char *v;
        int m;
        if ((m = cli_opt_value(c, &i, "--region", &v)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            a.region = v;
        } else if ((m = cli_opt_value(c, &i, "--endpoint-url", &v)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            a.endpoint_url = v;
        } else if ((m = cli_opt_value(c, &i, "--aws", &v)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            aws_flag = v;
        } else if (c->argv[i][0] == '-') {
            return cli_usage_error("probe: unknown option '%s'", c->argv[i]);
        } else if (fn) {
            return cli_usage_error("probe takes one function name or ARN");
        } else {
            fn = c->argv[i];
        }
    }
    if (!fn)
        return cli_usage_error("probe needs the function (name or ARN; leec deploy printed it)");
    a.cli = aws_default_cli(aws_flag);
    char *owned = NULL;
    if (!a.region && strncmp(fn, "arn:", 4)) {
        owned = aws_configured_region(&a);
        a.region = owned;
        if (!a.region) {
            fprintf(stderr, "leec probe: no region: pass --region (where leec deploy put the "
                            "function), or `aws configure set region REGION`\n");
            return EXIT_USAGE;
        }
    }
    const char *tmp = getenv("TMPDIR");
    struct sbuf base = {0};
    sbuf_printf(&base, "%s/leec-probe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base.s)) {
        fprintf(stderr, "leec probe: cannot create a temporary directory\n");
        sbuf_free(&base);
        free(owned);
        return EXIT_USAGE;
    }
    struct sbuf ev = {0}, out = {0}, evarg = {0};
    sbuf_printf(&ev, "%s/event.json", base.s);
    sbuf_printf(&out, "%s/answer.json", base.s);
    sbuf_printf(&evarg, "fileb://%s", ev.s);
    FILE *f = fopen(ev.s, "w");
    if (f) {
        fputs("{\"leec_probe\":true}", f);
        fclose(f);
    }
    const char *args[] = {"invoke", "--function-name", fn, "--payload", evarg.s, out.s, NULL};
    struct aws_call call;
    int rc = EXIT_OK;
    if (!aws_run(&a, "lambda", args, &call)) {
        fprintf(stderr, "leec probe: invoking %s failed: %s\n", fn, call.message);
        rc = EXIT_USAGE;
    } else {
        const char *ferr = NULL;
        const cJSON *fe = cJSON_GetObjectItemCaseSensitive(call.json, "FunctionError");
        if (cJSON_IsString(fe))
            ferr = fe->valuestring;
        size_t n = 0;
        char *answer = slurp(out.s, ANSWER_MAX, &n);
        if (!answer) {
            fprintf(stderr, "leec probe: %s gave no answer (or one over 1 MiB)\n", fn);
            rc = EXIT_USAGE;
        } else if (ferr) {
            fprintf(stderr, "leec probe: %s failed (%s): %s\n", fn, ferr, answer);
            rc = EXIT_INVALID;
        } else {
            rc = probe_report_print(stdout, answer, n) ? EXIT_OK : EXIT_INVALID;
        }
        free(answer);
    }
    aws_call_free(&call);
    unlink(ev.s);
    unlink(out.s);
    rmdir(base.s);
    sbuf_free(&ev);
    sbuf_free(&out);
    sbuf_free(&evarg);
    sbuf_free(&base);
    free(owned);
    return rc;
}
