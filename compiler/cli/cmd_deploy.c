/* leec deploy PROJECT: one idempotent deployment through the AWS CLI — the execution
 * role (unless --role), the HA token in SSM (optional, never on a command line), the
 * function, Alexa's invoke permissions. Every step first asks what exists, so a second
 * run updates and duplicates nothing, and a run that failed half-way resumes.
 * Everything about the project comes from its facts (emit/facts.h), never the YAML. */
#include "cli/aws.h"
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/facts.h"
#include "front/util.h"
#include "model/alexa_regions.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_MAX 8192
#define ENV_MAX   32
#define ZIP_MAX   (50u << 20) /* Lambda's direct-upload limit */

struct deploy {
    struct aws aws;
    const char *project, *role_flag, *function, *zip, *token_env, *locale, *arch;
    bool token_stdin, no_alarms;
    const char *env[ENV_MAX];
    size_t nenv;
    cJSON *facts;
    char *token; /* the HA token to store; wiped and freed at the end */
    char *account, *partition, *role_arn, *function_arn;
    char *rule_arn;   /* the hourly probe's EventBridge rule (NULL: none) */
    struct sbuf done; /* what exists now, for the half-way message */
};

static const cJSON *jget(const cJSON *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += n + (path[n] == '.');
    }
    return o;
}

static const char *jstr(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The ARN AWS gave (known), else the one it will have (a dry run, or an answer without
 * it): arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. malloc'd. */
static char *arn_of(const struct deploy *dp, const char *known, const char *service,
                    const char *resource)
{
    struct sbuf a = {0};
    if (known && *known && !dp->aws.dry_run)
        sbuf_add(&a, known);
    else
        sbuf_printf(&a, "arn:%s:%s:%s:%s:%s", dp->partition ? dp->partition : "aws", service,
                    dp->aws.region, dp->account ? dp->account : "<account>", resource);
    return a.s;
}

static void note_done(struct deploy *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_done(struct deploy *dp, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    sbuf_printf(&dp->done, "  %s\n", line);
}

/* A failed step: what failed, what exists now, and that a re-run resumes. */
static int failed(struct deploy *dp, const char *step, const char *message)
{
    fprintf(stderr, "leec deploy: %s failed: %s\n", step, message);
    if (dp->done.len)
        fprintf(stderr, "what exists now (this run):\n%s", dp->done.s);
    else
        fprintf(stderr, "nothing was created or changed by this run.\n");
    fprintf(stderr, "fix the cause and run the same command again: every step checks what exists "
                    "first, so it resumes without duplicating anything.\n");
    return EXIT_USAGE;
}

/* ---- the project's facts -------------------------------------------------------------- */

static int take_facts(const struct cli *c, const char *path, const struct catalog *cat,
                      const struct project *p, const struct resolved *r, struct diag *d, void *arg)
{
    (void)c;
    (void)cat;
    (void)p;
    (void)d;
    char *text = facts_render(r, path);
    *(cJSON **)arg = cJSON_Parse(text);
    free(text);
    return *(cJSON **)arg ? EXIT_OK : EXIT_INTERNAL;
}

/* ---- checks before anything runs ------------------------------------------------------ */

static bool skill_id_ok(const char *s)
{
    regex_t re;
    if (regcomp(&re,
                "^amzn1\\.ask\\.skill\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                "[0-9a-f]{12}$",
                REG_EXTENDED | REG_NOSUB))
        return false;
    bool ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static bool region_shape_ok(const char *s)
{
    regex_t re;
    if (regcomp(&re, "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$", REG_EXTENDED | REG_NOSUB))
        return false;
    bool ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* The region serving the project's languages best (most of them). */
static const char *best_region(const cJSON *facts)
{
    const char *best = NULL;
    int most = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, jget(facts, "alexa.regions"))
    {
        int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "languages"));
        if (n > most) {
            most = n;
            best = jstr(r, "region");
        }
    }
    return best;
}

static int check_region(struct deploy *dp, char **owned)
{
    char names[96];
    alexa_regions_names(names, sizeof names);
    if (dp->locale) {
        const struct alexa_region *lr = alexa_regions_of_locale(dp->locale);
        if (!lr) {
            fprintf(stderr,
                    "leec deploy: --locale %s is not an Alexa locale with a Lambda region (the "
                    "table is in docs/deploy.md §1)\n",
                    dp->locale);
            return EXIT_USAGE;
        }
        if (dp->aws.region && strcmp(dp->aws.region, lr->name)) {
            fprintf(stderr, "leec deploy: locale %s is served from %s, not --region %s\n",
                    dp->locale, lr->name, dp->aws.region);
            return EXIT_USAGE;
        }
        dp->aws.region = lr->name;
    }
    if (!dp->aws.region) {
        *owned = aws_configured_region(&dp->aws);
        dp->aws.region = *owned;
    }
    if (!dp->aws.region) {
        const char *best = best_region(dp->facts);
        fprintf(stderr,
                "leec deploy: no region: pass --region (Alexa calls Lambda only in %s; for this "
                "project's languages: %s), or set one with `aws configure set region %s`\n",
                names, best ? best : "see docs/deploy.md §1", best ? best : "REGION");
        return EXIT_USAGE;
    }
    const char *rg = dp->aws.region;
    if (!region_shape_ok(rg)) {
        fprintf(stderr,
                "leec deploy: unknown region '%s': an AWS region looks like eu-west-1; Alexa "
                "calls Lambda only in %s\n",
                rg, names);
        return EXIT_USAGE;
    }
    if (!alexa_regions_find(rg)) {
        const char *best = best_region(dp->facts);
        fprintf(stderr,
                "leec deploy: region %s: Alexa calls Lambda only in %s (docs/deploy.md §1); "
                "this project's languages are served best from %s\n",
                rg, names, best ? best : "us-east-1");
        return EXIT_USAGE;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, jget(dp->facts, "alexa.regions"))
    {
        const char *name = jstr(r, "region");
        if (!name || strcmp(name, rg))
            continue;
        /* A language the region does not serve reaches Alexa users of another region only:
         * say so (the schema requires en, which every Alexa region serves). */
        const cJSON *served = cJSON_GetObjectItemCaseSensitive(r, "languages"), *l, *x;
        cJSON_ArrayForEach(l, jget(dp->facts, "alexa.languages"))
        {
            bool in = false;
            cJSON_ArrayForEach(x, served)
            {
                if (cJSON_IsString(x) && cJSON_IsString(l) &&
                    !strcmp(x->valuestring, l->valuestring))
                    in = true;
            }
            if (!in && cJSON_IsString(l) && cJSON_IsTrue(jget(dp->facts, "alexa.languages_set")))
                fprintf(stderr,
                        "leec deploy: note: Alexa does not serve language %s from %s; its "
                        "users reach a function in another region (docs/deploy.md §1)\n",
                        l->valuestring, rg);
        }
        if (cJSON_GetArraySize(served) == 0) {
            char *langs = cJSON_PrintUnformatted(jget(dp->facts, "alexa.languages"));
            const char *best = best_region(dp->facts);
            fprintf(stderr,
                    "leec deploy: region %s serves none of the project's languages %s: "
                    "deploy to %s (docs/deploy.md §1)\n",
                    rg, langs ? langs : "", best ? best : "another region");
            cJSON_free(langs);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* The token: from an environment variable or stdin, never argv. */
static int read_token(struct deploy *dp)
{
    if (!dp->token_env && !dp->token_stdin)
        return EXIT_OK;
    const char *src = jstr(dp->facts, "home_assistant.token.source");
    if (!src || strcmp(src, "ssm")) {
        fprintf(stderr,
                "leec deploy: the project reads no token from SSM (home_assistant.token: "
                "{ssm: /name}), so there is nowhere to store it; drop --ssm-token-%s\n",
                dp->token_env ? "from-env" : "stdin");
        return EXIT_USAGE;
    }
    struct sbuf b = {0};
    if (dp->token_env) {
        const char *v = getenv(dp->token_env);
        if (!v || !*v) {
            fprintf(stderr,
                    "leec deploy: --ssm-token-from-env %s: the variable is empty or unset\n",
                    dp->token_env);
            return EXIT_USAGE;
        }
        if (strlen(v) > TOKEN_MAX) {
            fprintf(stderr, "leec deploy: the token in %s is over %d bytes\n", dp->token_env,
                    TOKEN_MAX);
            return EXIT_USAGE;
        }
        sbuf_add(&b, v);
    } else {
        char buf[TOKEN_MAX + 2];
        size_t n = fread(buf, 1, sizeof buf, stdin);
        if (n > TOKEN_MAX) {
            explicit_bzero(buf, sizeof buf);
            fprintf(stderr, "leec deploy: the token on stdin is over %d bytes\n", TOKEN_MAX);
            return EXIT_USAGE;
        }
        sbuf_addn(&b, buf, n);
        explicit_bzero(buf, sizeof buf);
    }
    while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == '\r'))
        b.s[--b.len] = '\0';
    bool ok = b.len > 0;
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.s[i] <= ' ' || b.s[i] == 0x7f)
            ok = false;
    if (!ok) {
        if (b.s)
            explicit_bzero(b.s, b.len);
        sbuf_free(&b);
        fprintf(stderr, "leec deploy: the token is empty or holds spaces or control characters "
                        "(paste the long-lived token from Home Assistant's profile page)\n");
        return EXIT_USAGE;
    }
    dp->token = b.s;
    return EXIT_OK;
}

/* ---- steps ---------------------------------------------------------------------------- */

static void placeholder_identity(struct deploy *dp)
{
    dp->account = xstrdup("<account>");
    dp->partition = xstrdup("aws");
}

static int identity(struct deploy *dp)
{
    if (dp->aws.dry_run) {
        const char *a[] = {"get-caller-identity", NULL};
        struct aws_call c;
        aws_run(&dp->aws, "sts", a, &c);
        aws_call_free(&c);
        placeholder_identity(dp);
        return EXIT_OK;
    }
    const char *a[] = {"get-caller-identity", NULL};
    struct aws_call c;
    if (!aws_run(&dp->aws, "sts", a, &c)) {
        int rc = failed(dp, "reading the AWS account (sts get-caller-identity)", c.message);
        aws_call_free(&c);
        return rc;
    }
    const char *acct = jstr(c.json, "Account"), *arn = jstr(c.json, "Arn");
    if (!acct || !arn || strncmp(arn, "arn:", 4)) {
        aws_call_free(&c);
        return failed(dp, "reading the AWS account", "sts get-caller-identity answered no Account");
    }
    dp->account = xstrdup(acct);
    const char *p = arn + 4, *q = strchr(p, ':');
    dp->partition = q ? xstrndup(p, (size_t)(q - p)) : xstrdup("aws");
    aws_call_free(&c);
    return EXIT_OK;
}

static char *role_name(const struct deploy *dp)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%.59s-role", dp->function);
    return b.s;
}

static char *role_policy(const struct deploy *dp)
{
    const char *pt = dp->partition, *rg = dp->aws.region, *ac = dp->account;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *st = cJSON_AddArrayToObject(doc, "Statement");
    char buf[512];
    /* AWSLambdaBasicExecutionRole, narrowed to this function's log group */
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "Sid", "CreateLogGroup");
    cJSON_AddStringToObject(s, "Effect", "Allow");
    cJSON_AddStringToObject(s, "Action", "logs:CreateLogGroup");
    snprintf(buf, sizeof buf, "arn:%s:logs:%s:%s:log-group:/aws/lambda/%s", pt, rg, ac,
             dp->function);
    cJSON_AddStringToObject(s, "Resource", buf);
    cJSON_AddItemToArray(st, s);
    s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "Sid", "WriteLogs");
    cJSON_AddStringToObject(s, "Effect", "Allow");
    const char *acts[] = {"logs:CreateLogStream", "logs:PutLogEvents"};
    cJSON_AddItemToObject(s, "Action", cJSON_CreateStringArray(acts, 2));
    snprintf(buf, sizeof buf, "arn:%s:logs:%s:%s:log-group:/aws/lambda/%s:*", pt, rg, ac,
             dp->function);
    cJSON_AddStringToObject(s, "Resource", buf);
    cJSON_AddItemToArray(st, s);
    const cJSON *params = jget(dp->facts, "secrets.ssm_parameters");
    if (cJSON_GetArraySize(params) > 0) {
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "Sid", "ProjectSsmParameters");
        cJSON_AddStringToObject(s, "Effect", "Allow");
        cJSON_AddStringToObject(s, "Action", "ssm:GetParameter");
        cJSON *res = cJSON_AddArrayToObject(s, "Resource");
        const cJSON *p;
        cJSON_ArrayForEach(p, params)
        {
            if (!cJSON_IsString(p))
                continue;
            const char *n = p->valuestring;
            while (*n == '/')
                n++;
            snprintf(buf, sizeof buf, "arn:%s:ssm:%s:%s:parameter/%s", pt, rg, ac, n);
            cJSON_AddItemToArray(res, cJSON_CreateString(buf));
        }
        cJSON_AddItemToArray(st, s);
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "Sid", "DecryptThroughSsmOnly");
        cJSON_AddStringToObject(s, "Effect", "Allow");
        cJSON_AddStringToObject(s, "Action", "kms:Decrypt");
        snprintf(buf, sizeof buf, "arn:%s:kms:%s:%s:key/*", pt, rg, ac);
        cJSON_AddStringToObject(s, "Resource", buf);
        cJSON *cond = cJSON_AddObjectToObject(s, "Condition");
        cJSON *eq = cJSON_AddObjectToObject(cond, "StringEquals");
        snprintf(buf, sizeof buf, "ssm.%s.amazonaws.com", rg);
        cJSON_AddStringToObject(eq, "kms:ViaService", buf);
        cJSON_AddItemToArray(st, s);
    }
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

static const char trust_policy[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
    "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

/* Looks a resource up with a get-* call: *exists, and c filled for the caller to read and
 * free; the not_found error code means absent. Any other failure: what failed and why,
 * c freed, the exit code. A dry run only prints the call: absent. */
static int lookup(struct deploy *dp, const char *service, const char *const *args,
                  const char *not_found, const char *what, struct aws_call *c, bool *exists)
{
    *exists = aws_run(&dp->aws, service, args, c);
    if (dp->aws.dry_run || *exists || (c->code && !strcmp(c->code, not_found)))
        return EXIT_OK;
    int rc = failed(dp, what, c->message);
    aws_call_free(c);
    return rc;
}

static int ensure_role(struct deploy *dp, bool *created)
{
    *created = false;
    if (dp->role_flag) {
        dp->role_arn = xstrdup(dp->role_flag);
        return EXIT_OK;
    }
    int rc = identity(dp);
    if (rc)
        return rc;
    char *name = role_name(dp);
    struct aws_call c;
    const char *get[] = {"get-role", "--role-name", name, NULL};
    if (dp->aws.dry_run)
        printf("# the execution role %s: created when get-role finds none\n", name);
    bool exists;
    rc = lookup(dp, "iam", get, "NoSuchEntity", "looking up the execution role", &c, &exists);
    if (rc) {
        free(name);
        return rc;
    }
    if (exists && !dp->aws.dry_run) {
        const char *arn = jstr(c.json, "Role.Arn");
        dp->role_arn = xstrdup(arn ? arn : "");
    }
    aws_call_free(&c);
    if (!exists || dp->aws.dry_run) {
        const char *create[] = {"create-role",
                                "--role-name",
                                name,
                                "--description",
                                "leec: execution role of the Lambda function (leec deploy)",
                                "--assume-role-policy-document",
                                trust_policy,
                                NULL};
        if (!aws_run(&dp->aws, "iam", create, &c)) {
            rc = failed(dp, "creating the execution role", c.message);
            aws_call_free(&c);
            free(name);
            return rc;
        }
        const char *arn = jstr(c.json, "Role.Arn");
        free(dp->role_arn);
        if (dp->aws.dry_run) {
            struct sbuf b = {0};
            sbuf_printf(&b, "arn:aws:iam::%s:role/%s", dp->account, name);
            dp->role_arn = b.s;
        } else {
            dp->role_arn = xstrdup(arn ? arn : "");
        }
        aws_call_free(&c);
        *created = true;
        note_done(dp, "IAM role %s (created now)", name);
    }
    char *policy = role_policy(dp);
    const char *put[] = {"put-role-policy",   "--role-name", name, "--policy-name", "leec",
                         "--policy-document", policy,        NULL};
    bool ok = aws_run(&dp->aws, "iam", put, &c);
    free(policy);
    if (!ok) {
        rc = failed(dp, "writing the execution role's policy", c.message);
        aws_call_free(&c);
        free(name);
        return rc;
    }
    aws_call_free(&c);
    note_done(dp, "IAM role %s with its policy 'leec' (logs, SSM parameters)", name);
    if (*created) {
        const char *wait[] = {"wait", "role-exists", "--role-name", name, NULL};
        aws_run(&dp->aws, "iam", wait, &c);
        aws_call_free(&c);
    }
    free(name);
    return EXIT_OK;
}

/* The token goes to SSM through a 0600 file the CLI reads (--cli-input-json), never argv. */
static int store_token(struct deploy *dp)
{
    if (!dp->token)
        return EXIT_OK;
    const char *name = jstr(dp->facts, "home_assistant.token.name");
    if (dp->aws.dry_run) {
        printf("# the token (read from %s) goes into a 0600 temporary file, never a command "
               "line:\n",
               dp->token_env ? dp->token_env : "stdin");
        const char *a[] = {"put-parameter", "--cli-input-json",
                           "file://<0600 temp file: Name, Type SecureString, Value ****, "
                           "Overwrite>",
                           NULL};
        struct aws_call c;
        aws_run(&dp->aws, "ssm", a, &c);
        aws_call_free(&c);
        return EXIT_OK;
    }
    const char *tmp = getenv("TMPDIR");
    struct sbuf path = {0};
    sbuf_printf(&path, "%s/leec-ssm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path.s);
    if (fd < 0) {
        sbuf_free(&path);
        return failed(dp, "storing the token", "cannot create a temporary file (TMPDIR)");
    }
    fchmod(fd, 0600);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Name", name);
    cJSON_AddStringToObject(in, "Description", "Home Assistant long-lived token (leec deploy)");
    cJSON_AddStringToObject(in, "Value", dp->token);
    cJSON_AddStringToObject(in, "Type", "SecureString");
    cJSON_AddBoolToObject(in, "Overwrite", true);
    char *text = cJSON_PrintUnformatted(in);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "Value");
    explicit_bzero(v->valuestring, strlen(v->valuestring));
    cJSON_Delete(in);
    size_t n = strlen(text);
    bool wrote = write(fd, text, n) == (ssize_t)n;
    explicit_bzero(text, n);
    cJSON_free(text);
    close(fd);
    struct sbuf arg = {0};
    sbuf_printf(&arg, "file://%s", path.s);
    struct aws_call c = {0};
    bool ok = wrote;
    if (wrote) {
        const char *a[] = {"put-parameter", "--cli-input-json", arg.s, NULL};
        ok = aws_run(&dp->aws, "ssm", a, &c);
    }
    unlink(path.s);
    sbuf_free(&path);
    sbuf_free(&arg);
    if (!ok) {
        int rc = failed(dp, "storing the token in SSM",
                        c.message ? c.message : "cannot write the temporary file");
        aws_call_free(&c);
        return rc;
    }
    aws_call_free(&c);
    note_done(dp, "SSM SecureString %s (the token, stored now)", name);
    return EXIT_OK;
}

static char *environment_json(const struct deploy *dp)
{
    cJSON *e = cJSON_CreateObject();
    cJSON *vars = cJSON_AddObjectToObject(e, "Variables");
    for (size_t i = 0; i < dp->nenv; i++) {
        const char *eq = strchr(dp->env[i], '=');
        char *k = xstrndup(dp->env[i], (size_t)(eq - dp->env[i]));
        cJSON_DeleteItemFromObjectCaseSensitive(vars, k);
        cJSON_AddStringToObject(vars, k, eq + 1);
        free(k);
    }
    char *text = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    return text;
}

/* --logging-config from the project's logging.format / logging.level. */
static char *logging_config(const struct deploy *dp)
{
    const char *fmt = jstr(dp->facts, "interfaces.logging.params.format.value");
    const char *lvl = jstr(dp->facts, "interfaces.logging.params.level.value");
    struct sbuf b = {0};
    if (fmt && !strcmp(fmt, "text"))
        sbuf_add(&b, "LogFormat=Text");
    else
        sbuf_printf(&b, "LogFormat=JSON,ApplicationLogLevel=%s,SystemLogLevel=WARN",
                    lvl ? lvl : "INFO");
    return b.s;
}

static bool is_role_not_ready(const struct aws_call *c)
{
    return c->code && !strcmp(c->code, "InvalidParameterValueException") && c->message &&
           (strstr(c->message, "cannot be assumed") || strstr(c->message, "role"));
}

static int ensure_function(struct deploy *dp, bool role_created, bool logconf)
{
    char mem[32], tmo[32];
    const cJSON *m = jget(dp->facts, "lambda.memory_mb"), *t = jget(dp->facts, "lambda.timeout_s");
    snprintf(mem, sizeof mem, "%.0f", cJSON_IsNumber(m) ? m->valuedouble : 128.0);
    snprintf(tmo, sizeof tmo, "%.0f", cJSON_IsNumber(t) ? t->valuedouble : 8.0);
    const char *arch = dp->arch ? dp->arch : jstr(dp->facts, "lambda.architecture");
    if (!arch)
        arch = "x86_64";
    struct sbuf zip = {0};
    sbuf_printf(&zip, "fileb://%s", dp->zip);
    char *env = environment_json(dp);
    char *lc = logconf ? logging_config(dp) : NULL;
    const char *F = dp->function;
    struct aws_call c;
    int rc = EXIT_OK;

    const char *get[] = {"get-function", "--function-name", F, NULL};
    if (dp->aws.dry_run)
        printf("# the function %s: created when get-function finds none, else updated\n", F);
    bool exists;
    rc = lookup(dp, "lambda", get, "ResourceNotFoundException", "looking up the function", &c,
                &exists);
    if (rc)
        goto out;
    if (exists && !dp->aws.dry_run)
        dp->function_arn = xstrdup(jstr(c.json, "Configuration.FunctionArn")
                                       ? jstr(c.json, "Configuration.FunctionArn")
                                       : "");
    aws_call_free(&c);

    if (!exists || dp->aws.dry_run) {
        if (dp->aws.dry_run)
            printf("# when it does not exist:\n");
        const char *create[32] = {"create-function",
                                  "--function-name",
                                  F,
                                  "--runtime",
                                  "provided.al2023",
                                  "--handler",
                                  "bootstrap",
                                  "--architectures",
                                  arch,
                                  "--memory-size",
                                  mem,
                                  "--timeout",
                                  tmo,
                                  "--role",
                                  dp->role_arn,
                                  "--zip-file",
                                  zip.s,
                                  "--environment",
                                  env,
                                  NULL};
        if (lc) {
            create[19] = "--logging-config";
            create[20] = lc;
        }
        /* A role made a moment ago may not be assumable yet (IAM propagates within
         * seconds): retry that one answer, for about a minute. */
        for (int attempt = 0;; attempt++) {
            if (aws_run(&dp->aws, "lambda", create, &c))
                break;
            if (role_created && is_role_not_ready(&c) && attempt < 15) {
                fprintf(stderr, "leec deploy: the new role is not usable yet (IAM propagation); "
                                "retrying in 4 s\n");
                aws_call_free(&c);
                sleep(4);
                continue;
            }
            rc = failed(dp, "creating the function", c.message);
            aws_call_free(&c);
            goto out;
        }
        if (!dp->aws.dry_run) {
            const char *arn = jstr(c.json, "FunctionArn");
            free(dp->function_arn);
            dp->function_arn = xstrdup(arn ? arn : "");
        }
        aws_call_free(&c);
        note_done(dp, "Lambda function %s (created now)", F);
        const char *wait[] = {"wait", "function-active", "--function-name", F, NULL};
        if (!aws_run(&dp->aws, "lambda", wait, &c)) {
            rc = failed(dp, "waiting for the new function to be active", c.message);
            aws_call_free(&c);
            goto out;
        }
        aws_call_free(&c);
    }
    if (exists || dp->aws.dry_run) {
        if (dp->aws.dry_run)
            printf("# when it exists:\n");
        const char *code[] = {"update-function-code",
                              "--function-name",
                              F,
                              "--architectures",
                              arch,
                              "--zip-file",
                              zip.s,
                              NULL};
        const char *wait[] = {"wait", "function-updated", "--function-name", F, NULL};
        const char *conf[32] = {"update-function-configuration",
                                "--function-name",
                                F,
                                "--runtime",
                                "provided.al2023",
                                "--handler",
                                "bootstrap",
                                "--memory-size",
                                mem,
                                "--timeout",
                                tmo,
                                "--role",
                                dp->role_arn,
                                "--environment",
                                env,
                                NULL};
        if (lc) {
            conf[15] = "--logging-config";
            conf[16] = lc;
        }
        const char *const *steps[] = {wait, code, wait, conf, wait};
        const char *what[] = {"waiting for an earlier update to finish", "updating the code",
                              "waiting for the code update", "updating the configuration",
                              "waiting for the configuration update"};
        for (size_t i = 0; i < 5; i++) {
            if (!aws_run(&dp->aws, "lambda", steps[i], &c)) {
                rc = failed(dp, what[i], c.message);
                aws_call_free(&c);
                goto out;
            }
            aws_call_free(&c);
            if (i == 1)
                note_done(dp, "Lambda function %s (code updated now)", F);
            if (i == 3)
                note_done(dp, "Lambda function %s (configuration updated now)", F);
        }
    }
out:
    sbuf_free(&zip);
    free(env);
    free(lc);
    return rc;
}

/* One statement per skill ID and skill kind the project serves, and one for the hourly
 * probe's rule. */
struct perm {
    char sid[100];
    const char *principal, *token, *source_arn;
};

static size_t wanted_permissions(const struct deploy *dp, struct perm *out, size_t max)
{
    size_t n = 0;
    bool sh = cJSON_IsTrue(jget(dp->facts, "alexa.skills.smart_home"));
    bool cu = cJSON_IsTrue(jget(dp->facts, "alexa.skills.custom"));
    const cJSON *id;
    cJSON_ArrayForEach(id, jget(dp->facts, "alexa.skill_ids"))
    {
        const char *s = id->valuestring;
        const char *uuid = s + strlen("amzn1.ask.skill.");
        if (sh && n < max) {
            snprintf(out[n].sid, sizeof out[n].sid, "alexa-smart-home-%s", uuid);
            out[n].principal = "alexa-connectedhome.amazon.com";
            out[n].source_arn = NULL;
            out[n++].token = s;
        }
        if (cu && n < max) {
            snprintf(out[n].sid, sizeof out[n].sid, "alexa-custom-skill-%s", uuid);
            out[n].principal = "alexa-appkit.amazon.com";
            out[n].source_arn = NULL;
            out[n++].token = s;
        }
    }
    if (dp->rule_arn && n < max) {
        snprintf(out[n].sid, sizeof out[n].sid, "leec-probe-schedule");
        out[n].principal = "events.amazonaws.com";
        out[n].token = NULL;
        out[n++].source_arn = dp->rule_arn;
    }
    return n;
}

/* AWS answers {"Principal": {"Service": ...}, "Condition": {"StringEquals":
 * {"lambda:EventSourceToken": ID}}} (or {"ArnLike": {"AWS:SourceArn": ARN}}); moto keeps the
 * principal as a string and drops the condition. The statement id names the skill or the
 * rule, so a statement without any condition is ours as written; one with another token or
 * source is not. */
static bool statement_matches(const cJSON *st, const struct perm *p)
{
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(st, "Principal");
    const char *svc = cJSON_IsString(pr) ? pr->valuestring : jstr(pr, "Service");
    if (!svc || strcmp(svc, p->principal))
        return false;
    const cJSON *cond = cJSON_GetObjectItemCaseSensitive(st, "Condition");
    if (!cond)
        return true;
    if (p->token) {
        const char *tok = jstr(jget(cond, "StringEquals"), "lambda:EventSourceToken");
        return tok && !strcmp(tok, p->token);
    }
    const char *src = jstr(jget(cond, "ArnLike"), "AWS:SourceArn");
    return src && !strcmp(src, p->source_arn);
}

static bool ours(const char *sid)
{
    return !strncmp(sid, "alexa-smart-home", 16) || !strncmp(sid, "alexa-custom-skill", 18) ||
           !strcmp(sid, "leec-probe-schedule");
}

static int ensure_permissions(struct deploy *dp)
{
    struct perm want[64];
    size_t n = wanted_permissions(dp, want, 64);
    const char *F = dp->function;
    struct aws_call c;
    const char *get[] = {"get-policy", "--function-name", F, NULL};
    if (dp->aws.dry_run)
        printf("# invoke permissions (Alexa, the hourly probe): added when get-policy lacks "
               "them\n");
    bool have;
    int rc = lookup(dp, "lambda", get, "ResourceNotFoundException", "reading the function's policy",
                    &c, &have);
    if (rc)
        return rc;
    cJSON *policy = NULL;
    if (have && !dp->aws.dry_run && jstr(c.json, "Policy"))
        policy = cJSON_Parse(jstr(c.json, "Policy"));
    aws_call_free(&c);
    const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(policy, "Statement");
    bool keep[64] = {0};
    /* Remove our statements that are stale (another ID, another principal) or unwanted. */
    const cJSON *st;
    cJSON_ArrayForEach(st, stmts)
    {
        const char *sid = jstr(st, "Sid");
        if (!sid || !ours(sid))
            continue;
        bool good = false;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(want[i].sid, sid) && statement_matches(st, &want[i]))
                good = keep[i] = true;
        if (good)
            continue;
        const char *rm[] = {"remove-permission", "--function-name", F, "--statement-id", sid, NULL};
        if (!aws_run(&dp->aws, "lambda", rm, &c)) {
            rc = failed(dp, "removing a stale invoke permission", c.message);
            aws_call_free(&c);
            cJSON_Delete(policy);
            return rc;
        }
        aws_call_free(&c);
        note_done(dp, "permission %s removed (not in the project any more)", sid);
    }
    for (size_t i = 0; i < n; i++) {
        if (keep[i])
            continue;
        const char *add[] = {"add-permission",
                             "--function-name",
                             F,
                             "--statement-id",
                             want[i].sid,
                             "--action",
                             "lambda:InvokeFunction",
                             "--principal",
                             want[i].principal,
                             want[i].token ? "--event-source-token" : "--source-arn",
                             want[i].token ? want[i].token : want[i].source_arn,
                             NULL};
        if (!aws_run(&dp->aws, "lambda", add, &c)) {
            rc = failed(dp, "adding an invoke permission", c.message);
            aws_call_free(&c);
            cJSON_Delete(policy);
            return rc;
        }
        aws_call_free(&c);
        note_done(dp, "permission %s (%s, %s)", want[i].sid, want[i].principal,
                  want[i].token ? want[i].token : want[i].source_arn);
    }
    cJSON_Delete(policy);
    return EXIT_OK;
}

/* ---- the function watches itself (docs/deploy.md "Alarms") ------------------------------ */

/* Runs one command; on failure reports the step. */
static int step(struct deploy *dp, const char *service, const char *const *args, const char *what,
                struct aws_call *c)
{
    if (aws_run(&dp->aws, service, args, c))
        return EXIT_OK;
    int rc = failed(dp, what, c->message);
    aws_call_free(c);
    return rc;
}

/* The log group with a retention (Lambda would create it without one: logs kept forever). */
static int ensure_log_group(struct deploy *dp)
{
    if (dp->no_alarms) /* --no-alarms: IAM, SSM and Lambda calls only */
        return EXIT_OK;
    struct sbuf g = {0};
    sbuf_printf(&g, "/aws/lambda/%s", dp->function);
    struct aws_call c;
    const char *create[] = {"create-log-group", "--log-group-name", g.s, NULL};
    if (dp->aws.dry_run)
        printf("# the log group, kept 14 days (an existing one is fine)\n");
    if (!aws_run(&dp->aws, "logs", create, &c) &&
        !(c.code && !strcmp(c.code, "ResourceAlreadyExistsException"))) {
        int rc = failed(dp, "creating the log group", c.message);
        aws_call_free(&c);
        sbuf_free(&g);
        return rc;
    }
    aws_call_free(&c);
    const char *keep[] = {
        "put-retention-policy", "--log-group-name", g.s, "--retention-in-days", "14", NULL};
    int rc = step(dp, "logs", keep, "setting the log retention", &c);
    if (!rc) {
        aws_call_free(&c);
        note_done(dp, "log group %s (14 days)", g.s);
    }
    sbuf_free(&g);
    return rc;
}

static bool metric_compiled(const struct deploy *dp, const char *name)
{
    if (!cJSON_IsTrue(jget(dp->facts, "metrics.enabled")))
        return false;
    const cJSON *m;
    cJSON_ArrayForEach(m, jget(dp->facts, "metrics.names"))
    {
        const char *n = jstr(m, "name");
        if (n && !strcmp(n, name))
            return true;
    }
    return false;
}

static int put_alarm(struct deploy *dp, const char *name, const char *desc, const char *ns,
                     const char *metric, const char *dims, const char *topic)
{
    const char *a[40] = {"put-metric-alarm",
                         "--alarm-name",
                         name,
                         "--alarm-description",
                         desc,
                         "--namespace",
                         ns,
                         "--metric-name",
                         metric,
                         "--dimensions",
                         dims,
                         "--statistic",
                         "Sum",
                         "--period",
                         "3600",
                         "--evaluation-periods",
                         "1",
                         "--threshold",
                         "1",
                         "--comparison-operator",
                         "GreaterThanOrEqualToThreshold",
                         "--treat-missing-data",
                         "notBreaching",
                         NULL};
    if (topic) {
        a[23] = "--alarm-actions";
        a[24] = topic;
        a[25] = "--ok-actions";
        a[26] = topic;
    }
    struct aws_call c;
    int rc = step(dp, "cloudwatch", a, "creating an alarm", &c);
    if (!rc) {
        aws_call_free(&c);
        note_done(dp, "CloudWatch alarm %s (%s %s)", name, ns, metric);
    }
    return rc;
}

/* SNS topic + e-mail subscription (alarms.email), two alarms, the hourly probe rule. All
 * idempotent: create-topic returns the existing topic, a subscription is added only when
 * the address is not subscribed, put-metric-alarm / put-rule / put-targets overwrite. */
static int ensure_watch(struct deploy *dp)
{
    if (dp->no_alarms || !cJSON_IsTrue(jget(dp->facts, "alarms.enabled")))
        return EXIT_OK;
    const char *F = dp->function;
    const char *email = jstr(dp->facts, "alarms.email");
    struct aws_call c;
    int rc;
    char *topic = NULL;
    struct sbuf name = {0};
    if (email) {
        sbuf_printf(&name, "%s-alarms", F);
        if (dp->aws.dry_run)
            printf("# alarms are mailed to %s (SNS; AWS mails a confirmation link first)\n", email);
        const char *mk[] = {"create-topic", "--name", name.s, NULL};
        if ((rc = step(dp, "sns", mk, "creating the alarm topic", &c)))
            goto out;
        topic = arn_of(dp, jstr(c.json, "TopicArn"), "sns", name.s);
        aws_call_free(&c);
        note_done(dp, "SNS topic %s", topic);
        const char *ls[] = {"list-subscriptions-by-topic", "--topic-arn", topic, NULL};
        if ((rc = step(dp, "sns", ls, "listing the topic's subscriptions", &c)))
            goto out;
        bool subscribed = false;
        const cJSON *sub;
        cJSON_ArrayForEach(sub, jget(c.json, "Subscriptions"))
        {
            const char *ep = jstr(sub, "Endpoint"), *pr = jstr(sub, "Protocol");
            if (ep && pr && !strcmp(pr, "email") && !strcasecmp(ep, email))
                subscribed = true;
        }
        aws_call_free(&c);
        if (!subscribed || dp->aws.dry_run) {
            const char *subs[] = {"subscribe",  "--topic-arn", topic,
                                  "--protocol", "email",       "--notification-endpoint",
                                  email,        NULL};
            if ((rc = step(dp, "sns", subs, "subscribing the alarm e-mail", &c)))
                goto out;
            aws_call_free(&c);
            note_done(dp, "e-mail subscription %s (confirm the link AWS mailed)", email);
        }
    }
    struct sbuf an = {0}, dims = {0}, desc = {0};
    sbuf_printf(&an, "%s-errors", F);
    sbuf_printf(&dims, "Name=FunctionName,Value=%s", F);
    sbuf_printf(&desc,
                "leec: %s failed (an error, a timeout, or the hourly probe of Home Assistant: "
                "run leec probe %s --region %s)",
                F, F, dp->aws.region);
    if (dp->aws.dry_run)
        printf("# alarms (free tier: 10)\n");
    rc = put_alarm(dp, an.s, desc.s, "AWS/Lambda", "Errors", dims.s, topic);
    /* Home Assistant failures, from the compiled metric set (never typed twice): the
     * breaker opens after consecutive failures. */
    const char *ns = jstr(dp->facts, "metrics.namespace");
    if (!rc && ns && metric_compiled(dp, "BreakerOpen")) {
        an.len = dims.len = desc.len = 0;
        sbuf_printf(&an, "%s-home-assistant", F);
        sbuf_printf(&dims, "Name=service,Value=%s", F);
        sbuf_printf(&desc, "leec: calls to Home Assistant failed until the breaker opened (%s)", F);
        rc = put_alarm(dp, an.s, desc.s, ns, "BreakerOpen", dims.s, topic);
    }
    sbuf_free(&an);
    sbuf_free(&dims);
    sbuf_free(&desc);
    if (rc)
        goto out;

    /* The hourly probe: an EventBridge rule invoking the function with the probe event. */
    name.len = 0;
    sbuf_printf(&name, "%.58s-probe", F /* EventBridge: 64 at most */);
    if (dp->aws.dry_run)
        printf("# the hourly probe of Home Assistant (a failure is an error: the errors alarm)\n");
    const char *rule[] = {"put-rule",
                          "--name",
                          name.s,
                          "--schedule-expression",
                          "rate(1 hour)",
                          "--state",
                          "ENABLED",
                          "--description",
                          "leec: hourly probe of Home Assistant (leec deploy)",
                          NULL};
    if ((rc = step(dp, "events", rule, "creating the hourly probe rule", &c)))
        goto out;
    struct sbuf rule_res = {0};
    sbuf_printf(&rule_res, "rule/%s", name.s);
    dp->rule_arn = arn_of(dp, jstr(c.json, "RuleArn"), "events", rule_res.s);
    sbuf_free(&rule_res);
    aws_call_free(&c);
    cJSON *targets = cJSON_CreateArray();
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "Id", "leec-probe");
    struct sbuf fn_res = {0};
    sbuf_printf(&fn_res, "function:%s", F);
    char *fa = dp->function_arn && *dp->function_arn ? xstrdup(dp->function_arn)
                                                     : arn_of(dp, NULL, "lambda", fn_res.s);
    sbuf_free(&fn_res);
    cJSON_AddStringToObject(t, "Arn", fa);
    cJSON_AddStringToObject(t, "Input", "{\"leec_probe\":true,\"scheduled\":true}");
    cJSON_AddItemToArray(targets, t);
    char *tj = cJSON_PrintUnformatted(targets);
    cJSON_Delete(targets);
    const char *put[] = {"put-targets", "--rule", name.s, "--targets", tj, NULL};
    rc = step(dp, "events", put, "pointing the hourly probe at the function", &c);
    cJSON_free(tj);
    free(fa);
    if (!rc) {
        aws_call_free(&c);
        note_done(dp, "EventBridge rule %s (hourly probe)", name.s);
    }
out:
    free(topic);
    sbuf_free(&name);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

static int parse(struct cli *c, struct deploy *dp)
{
    const char *aws_flag = NULL;
    for (int i = 0; i < c->argc; i++) {
        const char *v;
        int m;
#define OPT(name, dst)                               \
    if ((m = cli_opt_value(c, &i, name, &v)) != 0) { \
        if (m < 0)                                   \
            return EXIT_USAGE;                       \
        dst = v;                                     \
        continue;                                    \
    }
        OPT("--region", dp->aws.region)
        OPT("--role", dp->role_flag)
        OPT("--function", dp->function)
        OPT("--zip", dp->zip)
        OPT("--endpoint-url", dp->aws.endpoint_url)
        OPT("--ssm-token-from-env", dp->token_env)
        OPT("--locale", dp->locale)
        OPT("--aws", aws_flag)
        OPT("--arch", dp->arch)
#undef OPT
        if ((m = cli_opt_value(c, &i, "--env", &v)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            if (!strchr(v, '=') || v[0] == '=')
                return cli_usage_error("--env takes NAME=VALUE, not '%s'", v);
            if (dp->nenv == ENV_MAX)
                return cli_usage_error("at most %d --env", ENV_MAX);
            dp->env[dp->nenv++] = v;
            continue;
        }
        if (cli_opt_flag(c, i, "--dry-run")) {
            dp->aws.dry_run = true;
            continue;
        }
        if (cli_opt_flag(c, i, "--no-alarms")) {
            dp->no_alarms = true;
            continue;
        }
        if (cli_opt_flag(c, i, "--ssm-token-stdin")) {
            dp->token_stdin = true;
            continue;
        }
        if (c->argv[i][0] == '-')
            return cli_usage_error("deploy: unknown option '%s'", c->argv[i]);
        if (dp->project)
            return cli_usage_error("deploy takes one project file");
        dp->project = c->argv[i];
    }
    if (!dp->project)
        return cli_usage_error("deploy needs a project file (leec deploy leec.yaml)");
    if (dp->token_env && dp->token_stdin)
        return cli_usage_error("--ssm-token-from-env and --ssm-token-stdin: pick one");
    if (dp->arch && strcmp(dp->arch, "x86_64") && strcmp(dp->arch, "arm64"))
        return cli_usage_error("--arch is x86_64 or arm64, not '%s'", dp->arch);
    if (!dp->function)
        dp->function = AWS_DEFAULT_FUNCTION;
    if (!dp->zip)
        dp->zip = "function.zip";
    dp->aws.cli = aws_default_cli(aws_flag);
    dp->aws.trace = !dp->aws.dry_run;
    regex_t re;
    bool fn_ok = !regcomp(&re, "^[A-Za-z0-9_-]{1,64}$", REG_EXTENDED | REG_NOSUB) &&
                 !regexec(&re, dp->function, 0, NULL, 0);
    regfree(&re);
    if (!fn_ok)
        return cli_usage_error("--function '%s': 1-64 letters, digits, - or _", dp->function);
    if (dp->role_flag) {
        bool ok =
            !regcomp(&re, "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$",
                     REG_EXTENDED | REG_NOSUB) &&
            !regexec(&re, dp->role_flag, 0, NULL, 0);
        regfree(&re);
        if (!ok)
            return cli_usage_error("--role '%s' is not an IAM role ARN "
                                   "(arn:aws:iam::<12-digit account>:role/<name>)",
                                   dp->role_flag);
    }
    return EXIT_OK;
}

static int check_zip(const struct deploy *dp)
{
    if (dp->aws.dry_run)
        return EXIT_OK;
    struct stat st;
    if (stat(dp->zip, &st) || !S_ISREG(st.st_mode)) {
        fprintf(stderr,
                "leec deploy: %s: %s: build it first (leec package %s -o %s, or "
                "make -f Makefile.deploy package), or name it with --zip\n",
                dp->zip, errno == ENOENT ? "no such file" : "not a file", dp->project, dp->zip);
        return EXIT_USAGE;
    }
    if ((unsigned long long)st.st_size > ZIP_MAX) {
        fprintf(stderr, "leec deploy: %s is over Lambda's 50 MB direct-upload limit\n", dp->zip);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int check_skills(const struct deploy *dp)
{
    const cJSON *ids = jget(dp->facts, "alexa.skill_ids");
    /* The function may come first (its ARN goes into the new skill): without a skill ID
     * it is deployed with no Alexa permission, and a later run adds it. */
    if (cJSON_GetArraySize(ids) == 0)
        fprintf(stderr,
                "leec deploy: note: %s names no skill yet (alexa.skill_ids is empty): Alexa "
                "cannot call the function until you create the skill (developer.amazon.com → "
                "Alexa; docs/deploy.md), copy its ID (amzn1.ask.skill.<uuid>) into "
                "alexa.skill_ids and run leec deploy again\n",
                dp->project);
    const cJSON *id;
    cJSON_ArrayForEach(id, ids)
    {
        if (!cJSON_IsString(id) || !skill_id_ok(id->valuestring)) {
            fprintf(stderr,
                    "leec deploy: alexa.skill_ids: '%s' is not a skill ID "
                    "(amzn1.ask.skill.<uuid>, lower case, from the developer console)\n",
                    cJSON_IsString(id) ? id->valuestring : "?");
            return EXIT_USAGE;
        }
    }
    if (!cJSON_IsTrue(jget(dp->facts, "alexa.skills.smart_home")) &&
        !cJSON_IsTrue(jget(dp->facts, "alexa.skills.custom"))) {
        fprintf(stderr, "leec deploy: the project serves no skill (features devices and response "
                        "are both off): Alexa would have nothing to call\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static void next_steps(const struct deploy *dp)
{
    const char *arn = dp->function_arn && *dp->function_arn ? dp->function_arn : NULL;
    if (dp->aws.dry_run)
        printf("# dry run: nothing was run\n");
    else
        printf("deployed: %s\n", arn ? arn : dp->function);
    printf("\nnext:\n");
    if (cJSON_GetArraySize(jget(dp->facts, "alexa.skill_ids")) == 0)
        printf("  0. Create the skill (developer.amazon.com → Alexa → Create skill, or `leec "
               "skill`), put its ID into alexa.skill_ids of %s and run leec deploy again: until "
               "then Alexa may not call the function.\n",
               dp->project);
    printf("  1. In the Alexa developer console (developer.amazon.com → your skill → Smart Home "
           "/ Endpoint), paste the ARN above as the default endpoint (the region %s), or let "
           "`leec skill %s -o skill/` write the skill package with it.\n",
           dp->aws.region, dp->project);
    printf("  2. Link the account (Smart Home skills need it; docs/deploy.md §3), enable the "
           "skill in the Alexa app and discover devices.\n");
    printf("  3. If Alexa says a device is not responding: leec probe %s --region %s\n",
           dp->function, dp->aws.region);
}

int cmd_deploy(struct cli *c, struct diag *d)
{
    struct deploy dp = {0};
    int rc = parse(c, &dp);
    if (rc)
        return rc;
    rc = workspace_with_project(c, d, dp.project, take_facts, &dp.facts);
    if (rc)
        return rc;
    char *region_owned = NULL;
    bool role_created = false;
    if ((rc = check_skills(&dp)) || (rc = check_region(&dp, &region_owned)) ||
        (rc = check_zip(&dp)) || (rc = read_token(&dp)))
        goto out;
    bool logconf = aws_knows_logging_config(&dp.aws);
    if (!logconf && !dp.aws.dry_run)
        fprintf(stderr,
                "leec deploy: note: this AWS CLI cannot set Lambda's LoggingConfig: the function "
                "keeps Lambda's default log format (the bootstrap still writes its JSON lines); a "
                "newer AWS CLI sets it\n");
    if (dp.aws.dry_run)
        printf("# leec deploy %s --dry-run: function %s in %s; nothing is run\n", dp.project,
               dp.function, dp.aws.region);
    if ((rc = ensure_role(&dp, &role_created)) || (rc = store_token(&dp)) ||
        (rc = ensure_function(&dp, role_created, logconf)) || (rc = ensure_log_group(&dp)) ||
        (rc = ensure_watch(&dp)) || (rc = ensure_permissions(&dp)))
        goto out;
    next_steps(&dp);
out:
    if (dp.token) {
        explicit_bzero(dp.token, strlen(dp.token));
        free(dp.token);
    }
    cJSON_Delete(dp.facts);
    free(region_owned);
    free(dp.account);
    free(dp.partition);
    free(dp.role_arn);
    free(dp.function_arn);
    free(dp.rule_arn);
    sbuf_free(&dp.done);
    return rc;
}
