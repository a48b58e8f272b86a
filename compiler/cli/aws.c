/* aws: see aws.h. The CLI is the AWS client (credentials, SigV4, retries): leec only
 * decides what to run and reads what comes back. */
#include "cli/aws.h"

#include "cli/spawn.h"
#include "front/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *aws_default_cli(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *e = getenv("LEEC_AWS");
    return e && *e ? e : "aws";
}

char *aws_quote_argv(const char *const *argv)
{
    struct sbuf b = {0};
    sbuf_add(&b, "");
    for (size_t i = 0; argv[i]; i++) {
        const char *a = argv[i];
        bool plain = *a != '\0';
        for (const char *p = a; *p; p++)
            if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,@+-",
                        *p))
                plain = false;
        if (i)
            sbuf_add(&b, " ");
        if (plain) {
            sbuf_add(&b, a);
            continue;
        }
        sbuf_add(&b, "'");
        for (const char *p = a; *p; p++)
            if (*p == '\'')
                sbuf_add(&b, "'\\''");
            else
                sbuf_addn(&b, p, 1);
        sbuf_add(&b, "'");
    }
    return b.s;
}

/* "An error occurred (Code) when calling ..." → Code */
static char *error_code(const char *err)
{
    const char *p = strstr(err, "An error occurred (");
    if (!p)
        return NULL;
    p += strlen("An error occurred (");
    const char *q = strchr(p, ')');
    return q && q > p && q - p < 128 ? xstrndup(p, (size_t)(q - p)) : NULL;
}

/* The CLI's stderr, trimmed to its last non-empty lines. */
static char *trimmed(const char *err)
{
    size_t n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' ' || err[n - 1] == '\r'))
        n--;
    const char *start = err;
    if (n > 2000)
        start = err + n - 2000;
    while (start < err + n && (*start == '\n' || *start == ' ' || *start == '\r'))
        start++;
    return xstrndup(start, (size_t)(err + n - start));
}

static char *explain(const struct aws *a, const struct spawn_output *r, const char *code)
{
    struct sbuf b = {0};
    if (r->status < 0) {
        if (r->start_errno == ENOENT)
            sbuf_printf(&b,
                        "the AWS CLI '%s' is not installed: apt-get install awscli (Debian), or "
                        "install AWS CLI v2 and put it in PATH, or name it with --aws PATH",
                        a->cli);
        else
            sbuf_printf(&b, "cannot run the AWS CLI '%s': %s", a->cli, strerror(r->start_errno));
        return b.s;
    }
    const char *e = r->err;
    if (strstr(e, "Unable to locate credentials") || strstr(e, "NoCredentialsError"))
        sbuf_add(&b, "no AWS credentials: run `aws configure` (an access key of an IAM user "
                     "allowed to manage IAM roles, Lambda, SSM, CloudWatch and EventBridge; "
                     "docs/deploy.md), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                     "AWS_SECRET_ACCESS_KEY");
    else if (code && (!strcmp(code, "InvalidClientTokenId") ||
                      !strcmp(code, "UnrecognizedClientException") ||
                      !strcmp(code, "SignatureDoesNotMatch") || !strcmp(code, "ExpiredToken") ||
                      !strcmp(code, "ExpiredTokenException")))
        sbuf_printf(&b,
                    "AWS rejected the credentials (%s): run `aws configure` with a valid access "
                    "key (or renew the session of AWS_PROFILE)",
                    code);
    else if (code && (!strcmp(code, "AccessDenied") || !strcmp(code, "AccessDeniedException")))
        sbuf_printf(&b,
                    "AWS refused it (%s): the credentials' IAM user or role needs the "
                    "permissions docs/deploy.md lists. AWS said: %s",
                    code, e);
    else if (strstr(e, "Could not connect to the endpoint URL"))
        sbuf_printf(&b, "cannot reach AWS in %s (%s): check the region and the network",
                    a->region ? a->region : "the region", a->endpoint_url ? a->endpoint_url : "");
    else {
        char *t = trimmed(e);
        sbuf_printf(&b, "the AWS CLI failed (exit %d): %s", r->status, *t ? t : "(no message)");
        free(t);
    }
    /* the CLI's own words end with a newline sometimes */
    while (b.len && b.s[b.len - 1] == '\n')
        b.s[--b.len] = '\0';
    return b.s;
}

static const char **full_argv(const struct aws *a, const char *service, const char *const *args)
{
    size_t n = 0;
    while (args[n])
        n++;
    const char **v = xcalloc(n + 12, sizeof *v);
    size_t k = 0;
    v[k++] = a->cli;
    v[k++] = service;
    for (size_t i = 0; i < n; i++)
        v[k++] = args[i];
    if (a->region) {
        v[k++] = "--region";
        v[k++] = a->region;
    }
    if (a->endpoint_url) {
        v[k++] = "--endpoint-url";
        v[k++] = a->endpoint_url;
    }
    v[k++] = "--output";
    v[k++] = "json";
    return v;
}

bool aws_run(const struct aws *a, const char *service, const char *const *args, struct aws_call *c)
{
    memset(c, 0, sizeof *c);
    const char **argv = full_argv(a, service, args);
    if (a->dry_run || a->trace) {
        char *line = aws_quote_argv(argv);
        if (a->dry_run)
            printf("%s\n", line);
        else
            fprintf(stderr, "+ %s\n", line);
        free(line);
        if (a->dry_run) {
            free(argv);
            return true;
        }
    }
    struct spawn_output r;
    spawn_capture(argv, &r);
    free(argv);
    c->status = r.status;
    if (r.out_len)
        c->json = cJSON_ParseWithLength(r.out, r.out_len);
    c->out = r.out;
    r.out = NULL;
    if (r.status != 0) {
        c->code = error_code(r.err);
        c->message = explain(a, &r, c->code);
    }
    spawn_output_free(&r);
    return c->status == 0;
}

void aws_call_free(struct aws_call *c)
{
    cJSON_Delete(c->json);
    free(c->code);
    free(c->message);
    free(c->out);
    memset(c, 0, sizeof *c);
}

char *aws_configured_region(const struct aws *a)
{
    const char *env[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(env[i]);
        if (v && *v)
            return xstrdup(v);
    }
    const char *argv[] = {a->cli, "configure", "get", "region", NULL};
    struct spawn_output r;
    spawn_capture(argv, &r);
    char *out = NULL;
    if (r.status == 0) {
        size_t n = r.out_len;
        while (n && (r.out[n - 1] == '\n' || r.out[n - 1] == ' '))
            n--;
        if (n && n < 64)
            out = xstrndup(r.out, n);
    }
    spawn_output_free(&r);
    return out;
}

bool aws_knows_logging_config(const struct aws *a)
{
    const char *argv[] = {a->cli, "lambda", "create-function", "--generate-cli-skeleton", NULL};
    struct spawn_output r;
    spawn_capture(argv, &r);
    bool yes = r.status == 0 && strstr(r.out, "\"LoggingConfig\"") != NULL;
    spawn_output_free(&r);
    return yes;
}
