/* leec skill PROJECT -o DIR [--function-arn ARN]... [--locales L,...]: the skill packages
 * for the ASK CLI / SMAPI, from the project's facts (alexa.skills, languages) and the
 * Custom skill's sources (presets/skill/):
 *   DIR/smart-home/skill-package/skill.json            Smart Home manifest
 *   DIR/custom/skill-package/skill.json                Custom manifest
 *   DIR/custom/skill-package/interactionModels/custom/<locale>.json
 *   DIR/<kind>/account-linking.<NA|EU|FE>.json         SMAPI accountLinkingRequest for
 *                                                      Home Assistant, per Alexa region
 * Alexa calls the function in the AWS region serving each locale (NA us-east-1, EU
 * eu-west-1, FE us-west-2): one --function-arn per region; the locales default to the
 * project's locales those functions serve. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/emit.h"
#include "emit/facts.h"
#include "emit/skill_model.h"
#include "front/util.h"
#include "model/alexa_regions.h"
#include "model/project.h"
#include "model/skill.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ARNS    3u
#define MAX_LOCALES 64u

/* What a skill manifest and Home Assistant's account linking call each AWS region of
 * model/alexa_regions (the one locale → region table): the manifest's region key, and the
 * client ID = the origin Alexa redirects to after the login (Home Assistant's Alexa guide). */
static const struct skill_region {
    const char *name, *aws, *client_id;
} regions[] = {
    {"NA", "us-east-1", "https://pitangui.amazon.com/"},
    {"EU", "eu-west-1", "https://layla.amazon.com/"},
    {"FE", "us-west-2", "https://alexa.amazon.co.jp/"},
};

struct skill_args {
    const char *outdir;
    const char *arns[MAX_ARNS];
    size_t narns;
    const char *locales; /* comma-separated, or NULL */
};

/* arn:aws:lambda:REGION:ACCOUNT(12 digits):function:NAME[:QUALIFIER]; the region into
 * region (size 32). */
static bool arn_ok(const char *a, char *region)
{
    static const char pre[] = "arn:aws:lambda:";
    if (strlen(a) > 256 || strncmp(a, pre, sizeof pre - 1))
        return false;
    const char *r = a + sizeof pre - 1, *c = strchr(r, ':');
    if (!c || c == r || (size_t)(c - r) >= 32)
        return false;
    for (const char *p = r; p < c; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    memcpy(region, r, (size_t)(c - r));
    region[c - r] = '\0';
    const char *acct = c + 1;
    for (int i = 0; i < 12; i++)
        if (acct[i] < '0' || acct[i] > '9')
            return false;
    if (strncmp(acct + 12, ":function:", 10))
        return false;
    const char *name = acct + 22;
    size_t n = strcspn(name, ":");
    if (!n || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_'))
            return false;
    if (name[n] == ':') { /* qualifier: version or alias */
        const char *q = name + n + 1;
        size_t ql = strlen(q);
        if (!ql || ql > 128)
            return false;
        for (size_t i = 0; i < ql; i++)
            if (!((q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z') ||
                  (q[i] >= '0' && q[i] <= '9') || q[i] == '-' || q[i] == '_' || q[i] == '$'))
                return false;
    }
    return true;
}

static int mkdirs(const char *path, struct diag *d)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf) {
        diag_error(d, NULL, "output path too long: %s", path);
        return EXIT_USAGE;
    }
    strcpy(buf, path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char was = *p;
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) {
                diag_error(d, NULL, "cannot create directory '%s': %s (choose a writable -o DIR)",
                           buf, strerror(errno));
                return EXIT_USAGE;
            }
            *p = was;
            if (!was)
                break;
        }
    }
    return EXIT_OK;
}

static int write_json(const char *dir, const char *name, cJSON *j, struct diag *d)
{
    int rc = mkdirs(dir, d);
    char *t = rc ? NULL : cJSON_Print(j);
    if (t) {
        struct sbuf b = {0};
        sbuf_add(&b, t);
        sbuf_add(&b, "\n");
        rc = emit_write_file(dir, name, b.s, d) ? EXIT_USAGE : EXIT_OK;
        sbuf_free(&b);
        cJSON_free(t);
    }
    cJSON_Delete(j);
    return rc;
}

struct chosen {
    const struct skill_locale *loc[MAX_LOCALES];
    const struct skill_lang *lang[MAX_LOCALES];
    size_t n;
    const char *arn[3]; /* per region (regions[] order), NULL: none */
};

static cJSON *endpoint(const char *arn)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "endpoint"), "uri", arn);
    return e;
}

/* apis.<kind>: the default endpoint (the first region's) and one per region. */
static void apis(cJSON *api, const struct chosen *ch)
{
    const char *first = NULL;
    cJSON *rg = cJSON_CreateObject();
    for (size_t i = 0; i < 3; i++)
        if (ch->arn[i]) {
            first = first ? first : ch->arn[i];
            cJSON_AddItemToObject(rg, regions[i].name, endpoint(ch->arn[i]));
        }
    cJSON_AddStringToObject(cJSON_AddObjectToObject(api, "endpoint"), "uri", first);
    cJSON_AddItemToObject(api, "regions", rg);
}

static cJSON *manifest(const struct chosen *ch, bool smart_home)
{
    cJSON *env = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(env, "manifest");
    cJSON_AddStringToObject(m, "manifestVersion", "1.0");
    cJSON *pub = cJSON_AddObjectToObject(m, "publishingInformation");
    cJSON *locs = cJSON_AddObjectToObject(pub, "locales");
    for (size_t i = 0; i < ch->n; i++) {
        cJSON *l = cJSON_AddObjectToObject(locs, ch->loc[i]->code);
        cJSON_AddStringToObject(
            l, "name", smart_home ? "Home Assistant (leec)" : "Home Assistant voice (leec)");
        cJSON_AddStringToObject(l, "summary",
                                smart_home ? "Your own Home Assistant's devices, through leec"
                                           : "Automations, scripts and helpers of your own "
                                             "Home Assistant, through leec");
        cJSON_AddStringToObject(l, "description",
                                "A private skill for one Home Assistant: a leec Lambda "
                                "function bridges Alexa to it.");
        cJSON *ex = cJSON_AddArrayToObject(l, "examplePhrases");
        if (!smart_home) {
            char phrase[160];
            snprintf(phrase, sizeof phrase, "Alexa, open %s", ch->loc[i]->invocation);
            cJSON_AddItemToArray(ex, cJSON_CreateString(phrase));
        }
        cJSON_AddArrayToObject(l, "keywords");
    }
    cJSON_AddBoolToObject(pub, "isAvailableWorldwide", false);
    cJSON_AddStringToObject(pub, "testingInstructions",
                            "Private skill: link a Home Assistant account to test.");
    cJSON_AddStringToObject(pub, "category", "SMART_HOME");
    cJSON *pc = cJSON_AddObjectToObject(m, "privacyAndCompliance");
    cJSON_AddBoolToObject(pc, "allowsPurchases", false);
    cJSON_AddBoolToObject(pc, "usesPersonalInfo", false);
    cJSON_AddBoolToObject(pc, "isChildDirected", false);
    cJSON_AddBoolToObject(pc, "isExportCompliant", true);
    cJSON_AddBoolToObject(pc, "containsAds", false);
    cJSON *api = cJSON_AddObjectToObject(m, "apis");
    if (smart_home) {
        cJSON *sh = cJSON_AddObjectToObject(api, "smartHome");
        apis(sh, ch);
        cJSON_AddStringToObject(sh, "protocolVersion", "3");
        /* "Send Alexa Events": Home Assistant's proactive state reports */
        cJSON *perm = cJSON_AddArrayToObject(m, "permissions");
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", "alexa::async_event:write");
        cJSON_AddItemToArray(perm, p);
    } else {
        cJSON *cu = cJSON_AddObjectToObject(api, "custom");
        apis(cu, ch);
    }
    return env;
}

static cJSON *account_linking(const char *ha_url, const struct skill_region *rg)
{
    struct sbuf url = {0};
    cJSON *env = cJSON_CreateObject();
    cJSON *a = cJSON_AddObjectToObject(env, "accountLinkingRequest");
    cJSON_AddStringToObject(a, "type", "AUTH_CODE");
    sbuf_printf(&url, "%s/auth/authorize", ha_url);
    cJSON_AddStringToObject(a, "authorizationUrl", url.s);
    url.len = 0;
    sbuf_printf(&url, "%s/auth/token", ha_url);
    cJSON_AddStringToObject(a, "accessTokenUrl", url.s);
    sbuf_free(&url);
    /* Home Assistant's IndieAuth: the client id is the origin Alexa redirects to */
    cJSON_AddStringToObject(a, "clientId", rg->client_id);
    /* Home Assistant does not check it; SMAPI requires one (not a secret) */
    cJSON_AddStringToObject(a, "clientSecret", "home-assistant-ignores-this");
    cJSON_AddStringToObject(a, "accessTokenScheme", "REQUEST_BODY_CREDENTIALS");
    cJSON *sc = cJSON_AddArrayToObject(a, "scopes");
    cJSON_AddItemToArray(sc, cJSON_CreateString("smart_home"));
    cJSON_AddArrayToObject(a, "domains");
    cJSON_AddBoolToObject(a, "skipOnEnablement", false);
    return env;
}

/* The index in regions[] of the AWS region serving a locale; -1 when none does. */
static int region_index(const char *locale)
{
    const struct alexa_region *r = alexa_regions_of_locale(locale);
    for (int i = 0; r && i < 3; i++)
        if (!strcmp(regions[i].aws, r->name))
            return i;
    return -1;
}

static bool in_list(const cJSON *arr, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) if (cJSON_IsString(e) && !strcmp(e->valuestring, s)) return true;
    return false;
}

/* Which locales, each served by a given function; false after a diagnostic. */
static bool choose(struct chosen *ch, const struct skill *s, const cJSON *langs,
                   const struct skill_args *a, struct diag *d)
{
    for (size_t i = 0; i < a->narns; i++) {
        char reg[32];
        if (!arn_ok(a->arns[i], reg)) {
            diag_error(d, NULL,
                       "--function-arn '%s' is not a Lambda function ARN "
                       "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, as leec deploy prints it)",
                       a->arns[i]);
            return false;
        }
        int k = -1;
        for (int j = 0; j < 3; j++)
            if (!strcmp(reg, regions[j].aws) && alexa_regions_find(reg))
                k = j;
        if (k < 0) {
            diag_error(d, NULL,
                       "--function-arn '%s' is in %s: Alexa calls skill functions only in "
                       "us-east-1 (NA), eu-west-1 (EU) and us-west-2 (FE); deploy there "
                       "(leec deploy --region)",
                       a->arns[i], reg);
            return false;
        }
        if (ch->arn[k]) {
            diag_error(d, NULL, "two --function-arn for %s (%s): give one per region",
                       regions[k].name, regions[k].aws);
            return false;
        }
        ch->arn[k] = a->arns[i];
    }
    bool ok = true;
    if (a->locales) {
        char *list = xstrdup(a->locales);
        for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
            const struct skill_locale *hit = NULL;
            const struct skill_lang *hl = NULL;
            for (size_t i = 0; i < s->nlangs; i++)
                for (size_t j = 0; j < s->langs[i].nlocales; j++)
                    if (!strcmp(s->langs[i].locales[j].code, t)) {
                        hit = &s->langs[i].locales[j];
                        hl = &s->langs[i];
                    }
            if (!hit) {
                diag_error(d, NULL, "--locales: '%s' is not a locale of the skill's languages", t);
                ok = false;
                continue;
            }
            if (!in_list(langs, hl->code)) {
                diag_error(d, NULL,
                           "--locales: %s is %s, which the project leaves out (alexa.languages)", t,
                           hl->code);
                ok = false;
                continue;
            }
            int k = region_index(hit->code);
            if (k < 0 || !ch->arn[k]) {
                diag_error(d, NULL,
                           "--locales: %s is served from %s (%s): deploy the function there "
                           "too and give its --function-arn",
                           t, k < 0 ? "?" : regions[k].name, k < 0 ? "?" : regions[k].aws);
                ok = false;
                continue;
            }
            if (ch->n < MAX_LOCALES) {
                ch->loc[ch->n] = hit;
                ch->lang[ch->n++] = hl;
            }
        }
        free(list);
        return ok && ch->n;
    }
    for (size_t i = 0; i < s->nlangs; i++) {
        if (!in_list(langs, s->langs[i].code))
            continue;
        for (size_t j = 0; j < s->langs[i].nlocales && ch->n < MAX_LOCALES; j++)
            if (region_index(s->langs[i].locales[j].code) >= 0 &&
                ch->arn[region_index(s->langs[i].locales[j].code)]) {
                ch->loc[ch->n] = &s->langs[i].locales[j];
                ch->lang[ch->n++] = &s->langs[i];
            }
    }
    if (!ch->n) {
        struct sbuf m = {0};
        for (size_t i = 0; i < alexa_regions_count; i++) {
            sbuf_printf(&m, "%s%s:", i ? "; " : "", alexa_regions[i].name);
            for (const char *const *l = alexa_regions[i].locales; *l; l++)
                sbuf_printf(&m, " %s", *l);
        }
        diag_error(d, NULL,
                   "none of the project's locales is served from the region of the given "
                   "function (%s)",
                   m.s);
        sbuf_free(&m);
        return false;
    }
    return true;
}

static int write_package(const struct cli *c, const char *path, const struct catalog *cat,
                         const struct project *p, const struct resolved *r, struct diag *d,
                         void *arg)
{
    (void)c;
    const struct skill_args *a = arg;
    char *facts_text = facts_render(r, path);
    cJSON *facts = cJSON_Parse(facts_text);
    free(facts_text);
    cJSON *alexa = cJSON_GetObjectItemCaseSensitive(facts, "alexa");
    cJSON *skills = cJSON_GetObjectItemCaseSensitive(alexa, "skills");
    cJSON *langs = cJSON_GetObjectItemCaseSensitive(alexa, "languages");
    cJSON *ids = cJSON_GetObjectItemCaseSensitive(alexa, "skill_ids");
    bool sh = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(skills, "smart_home"));
    bool cu = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(skills, "custom"));
    int rc = EXIT_OK;
    struct skill s;
    struct chosen ch = {0};
    if (!p->ha_url) {
        diag_error(d, NULL, "%s: home_assistant.url is needed (account linking goes there)", path);
        rc = EXIT_INVALID;
        goto out_facts;
    }
    if (!sh && !cu) {
        diag_error(d, NULL,
                   "%s serves no skill: its features include neither devices (Smart Home) nor "
                   "response (Custom)",
                   path);
        rc = EXIT_INVALID;
        goto out_facts;
    }
    if (!skill_load(&s, cat, cat->root, d)) {
        rc = EXIT_INVALID;
        goto out;
    }
    if (!choose(&ch, &s, langs, a, d)) {
        rc = EXIT_INVALID;
        goto out;
    }
    struct sbuf dir = {0};
    for (int kind = 0; kind < 2 && !rc; kind++) {
        bool smart = kind == 0;
        if ((smart && !sh) || (!smart && !cu))
            continue;
        const char *k = smart ? "smart-home" : "custom";
        dir.len = 0;
        sbuf_printf(&dir, "%s/%s/skill-package", a->outdir, k);
        rc = write_json(dir.s, "skill.json", manifest(&ch, smart), d);
        for (size_t i = 0; !smart && !rc && i < ch.n; i++) {
            char *m = skill_model_render(&s, ch.lang[i], ch.loc[i], r, d);
            if (!m) {
                rc = EXIT_INVALID;
                break;
            }
            dir.len = 0;
            sbuf_printf(&dir, "%s/custom/skill-package/interactionModels/custom", a->outdir);
            char name[64];
            snprintf(name, sizeof name, "%s.json", ch.loc[i]->code);
            rc = mkdirs(dir.s, d);
            if (!rc && emit_write_file(dir.s, name, m, d))
                rc = EXIT_USAGE;
            free(m);
        }
        bool link = smart || p->token_mode == TOKEN_ACCOUNT_LINKING;
        for (int g = 0; link && !rc && g < 3; g++) {
            if (!ch.arn[g])
                continue;
            dir.len = 0;
            sbuf_printf(&dir, "%s/%s", a->outdir, k);
            char name[64];
            snprintf(name, sizeof name, "account-linking.%s.json", regions[g].name);
            rc = write_json(dir.s, name, account_linking(p->ha_url, &regions[g]), d);
        }
        if (!rc) {
            printf("wrote %s/%s: skill-package/skill.json (%s skill, %zu locale%s)%s\n", a->outdir,
                   k, smart ? "Smart Home" : "Custom", ch.n, ch.n == 1 ? "" : "s",
                   link ? ", account-linking.<region>.json" : "");
        }
    }
    sbuf_free(&dir);
    if (!rc) {
        printf("next (ASK CLI, per skill directory):\n"
               "  ask smapi create-skill-for-vendor --manifest file:skill-package/skill.json\n"
               "  ask smapi set-interaction-model --skill-id ID --stage development "
               "--locale LOCALE \\\n"
               "      --interaction-model file:skill-package/interactionModels/custom/LOCALE.json"
               "   (Custom skill)\n"
               "  ask smapi update-account-linking-info --skill-id ID --stage development \\\n"
               "      --account-linking-request file:account-linking.REGION.json"
               "   (REGION: where your Amazon account is)\n");
        if (!cJSON_GetArraySize(ids))
            printf("then add the skill ID to alexa.skill_ids in %s and run leec deploy again "
                   "(it lets the skill call the function)\n",
                   path);
    }
out:
    skill_free(&s);
out_facts:
    cJSON_Delete(facts);
    return rc;
}

int cmd_skill(struct cli *c, struct diag *d)
{
    const char *project = NULL;
    struct skill_args a = {0};
    for (int i = 0; i < c->argc; i++) {
        const char *v;
        int m = cli_opt_value(c, &i, "-o", &a.outdir);
        if (!m)
            m = cli_opt_value(c, &i, "--locales", &a.locales);
        if (!m && (m = cli_opt_value(c, &i, "--function-arn", &v)) > 0) {
            if (a.narns == MAX_ARNS)
                return cli_usage_error("--function-arn: at most one per Alexa region (3)");
            a.arns[a.narns++] = v;
        }
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || project)
            return cli_usage_error("skill takes one project file, -o DIR and --function-arn ARN");
        project = c->argv[i];
    }
    if (!project || !a.outdir)
        return cli_usage_error("skill takes one project file, -o DIR and --function-arn ARN");
    if (!a.narns)
        return cli_usage_error(
            "skill needs --function-arn ARN: the function leec deploy created (it prints the "
            "ARN; or: aws lambda get-function --function-name NAME --query "
            "Configuration.FunctionArn)");
    return workspace_with_project(c, d, project, write_package, &a);
}
