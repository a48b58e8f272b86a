/* facts: see facts.h. Built with cJSON, so the text is strict JSON whatever the YAML
 * held; keys in a fixed order, no timestamps, no absolute paths. */
#include "emit/facts.h"

#include "front/util.h"
#include "model/alexa_regions.h"
#include "model/schema.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *origin_json(const struct origin *o)
{
    static const char *const kinds[] = {[ORIGIN_TIER] = "tier",
                                        [ORIGIN_PRESET] = "preset",
                                        [ORIGIN_PROJECT] = "project",
                                        [ORIGIN_FEATURES] = "features"};
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "kind", kinds[o->kind]);
    if (o->name)
        cJSON_AddStringToObject(j, "name", o->name);
    if (o->loc.file) {
        cJSON_AddStringToObject(j, "file", o->loc.file->path);
        cJSON_AddNumberToObject(j, "line", o->loc.line);
    }
    return j;
}

/* A value in its base unit: sizes in bytes, durations in seconds. */
static cJSON *value_json(const struct rvalue *v)
{
    switch (v->type) {
    case PT_BOOL:
        return cJSON_CreateBool(v->b);
    case PT_ENUM:
    case PT_STRING:
        return cJSON_CreateString(v->str ? v->str : "");
    case PT_LIST: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < v->nitems; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(v->items[i]));
        return a;
    }
    default:
        return cJSON_CreateNumber(v->num);
    }
}

static cJSON *interfaces_json(const struct resolved *r)
{
    cJSON *all = cJSON_CreateObject();
    for (size_t fi = 0; fi < r->nifaces; fi++) {
        const struct riface *ri = &r->ifaces[fi];
        cJSON *f = cJSON_AddObjectToObject(all, ri->def->name);
        if (ri->tier) {
            cJSON_AddStringToObject(f, "tier", ri->tier);
            cJSON_AddItemToObject(f, "tier_origin", origin_json(&ri->tier_origin));
        }
        cJSON_AddNumberToObject(f, "memory_bytes", ri->memory);
        cJSON *params = cJSON_AddObjectToObject(f, "params");
        for (size_t pi = 0; pi < ri->def->nparams; pi++) {
            const struct rvalue *v = &ri->values[pi];
            char text[256];
            rvalue_format(v, text, sizeof text);
            cJSON *p = cJSON_AddObjectToObject(params, ri->def->params[pi].name);
            cJSON_AddStringToObject(p, "type", ptype_name(v->type));
            cJSON_AddItemToObject(p, "value", value_json(v));
            cJSON_AddStringToObject(p, "text", text);
            cJSON_AddItemToObject(p, "origin", origin_json(&v->origin));
        }
    }
    return all;
}

static cJSON *secret_json(const struct secret_ref *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "source",
                            s->kind == SECRET_SSM   ? "ssm"
                            : s->kind == SECRET_ENV ? "env"
                                                    : "none");
    if (s->kind != SECRET_NONE && s->name)
        cJSON_AddStringToObject(j, "name", s->name);
    return j;
}

static cJSON *strings_json(const char *const *items, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
    return a;
}

static bool feature_on(const struct resolved *r, const char *name)
{
    const struct rvalue *v = resolved_value(r, "features", name);
    return v && v->type == PT_BOOL && v->b;
}

/* What deploying the project needs, in the shape leec deploy / package / skill read. */
static void project_json(cJSON *root, const struct resolved *r)
{
    const struct project *p = r->proj;
    cJSON *ha = cJSON_AddObjectToObject(root, "home_assistant");
    cJSON_AddStringToObject(ha, "url", p->ha_url ? p->ha_url : "");
    cJSON *tok = secret_json(&p->token);
    cJSON_AddStringToObject(tok, "mode",
                            p->token_mode == TOKEN_LONG_LIVED ? "long_lived" : "account_linking");
    cJSON_AddItemToObject(ha, "token", tok);
    cJSON *tls = cJSON_AddObjectToObject(ha, "tls");
    cJSON_AddBoolToObject(tls, "verify", p->tls_verify);
    /* Files the bootstrap opens at run time, relative to the project file: they go
     * into the zip at the same relative path (Lambda starts in /var/task). */
    cJSON *files = cJSON_CreateArray();
    const char *const tls_files[][2] = {{"ca_bundle", p->ca_bundle},
                                        {"client_cert", p->client_cert},
                                        {"client_key", p->client_key}};
    for (size_t i = 0; i < 3; i++)
        if (tls_files[i][1]) {
            cJSON_AddStringToObject(tls, tls_files[i][0], tls_files[i][1]);
            cJSON_AddItemToArray(files, cJSON_CreateString(tls_files[i][1]));
        }
    cJSON *headers = cJSON_AddArrayToObject(ha, "headers");
    for (size_t i = 0; i < p->nheaders; i++) {
        cJSON *h = secret_json(&p->headers[i].value);
        cJSON_AddStringToObject(h, "header", p->headers[i].name);
        cJSON_AddItemToArray(headers, h);
    }

    cJSON *ax = cJSON_AddObjectToObject(root, "alexa");
    cJSON_AddItemToObject(ax, "skill_ids", strings_json(p->skill_ids, p->nskill_ids));
    cJSON *skills = cJSON_AddObjectToObject(ax, "skills");
    cJSON_AddBoolToObject(skills, "smart_home", feature_on(r, "devices"));
    cJSON_AddBoolToObject(skills, "custom", feature_on(r, "response"));
    cJSON_AddBoolToObject(ax, "languages_set", p->nlanguages > 0);
    if (p->nlanguages) {
        cJSON_AddItemToObject(ax, "languages", strings_json(p->languages, p->nlanguages));
    } else { /* default: every catalogue language (the schema's list) */
        const struct shape *s = catalog_shape(r->cat, "alexa.languages");
        cJSON_AddItemToObject(ax, "languages",
                              s && s->of
                                  ? strings_json((const char *const *)s->of->values, s->of->nvalues)
                                  : cJSON_CreateArray());
    }

    /* Where Alexa calls the function, per region: its locales and the project's
     * languages it serves (leec deploy refuses a region that serves none of them). */
    cJSON *langs = cJSON_GetObjectItemCaseSensitive(ax, "languages");
    cJSON *regions = cJSON_AddArrayToObject(ax, "regions");
    for (size_t i = 0; i < alexa_regions_count; i++) {
        const struct alexa_region *ar = &alexa_regions[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "region", ar->name);
        cJSON_AddStringToObject(o, "area", ar->area);
        size_t nl = 0;
        while (ar->locales[nl])
            nl++;
        cJSON_AddItemToObject(o, "locales", strings_json(ar->locales, nl));
        cJSON *served = cJSON_AddArrayToObject(o, "languages");
        const cJSON *l;
        cJSON_ArrayForEach(l, langs)
        {
            if (cJSON_IsString(l) && alexa_regions_serves(ar, l->valuestring))
                cJSON_AddItemToArray(served, cJSON_CreateString(l->valuestring));
        }
        cJSON_AddItemToArray(regions, o);
    }

    /* Every secret by name: the execution role may read exactly these parameters. */
    cJSON *ssm = cJSON_CreateArray(), *env = cJSON_CreateArray();
    const struct secret_ref *refs[1 + 64];
    size_t nrefs = 0;
    refs[nrefs++] = &p->token;
    for (size_t i = 0; i < p->nheaders && nrefs < sizeof refs / sizeof refs[0]; i++)
        refs[nrefs++] = &p->headers[i].value;
    for (size_t i = 0; i < nrefs; i++)
        if (refs[i]->kind != SECRET_NONE && refs[i]->name)
            cJSON_AddItemToArray(refs[i]->kind == SECRET_SSM ? ssm : env,
                                 cJSON_CreateString(refs[i]->name));
    cJSON *sec = cJSON_AddObjectToObject(root, "secrets");
    cJSON_AddItemToObject(sec, "ssm_parameters", ssm);
    cJSON_AddItemToObject(sec, "environment", env);
    cJSON_AddItemToObject(root, "files", files);

    /* What leec deploy and the template set up to watch the function. */
    cJSON *al = cJSON_AddObjectToObject(root, "alarms");
    cJSON_AddBoolToObject(al, "enabled", p->alarms);
    if (p->alarm_email)
        cJSON_AddStringToObject(al, "email", p->alarm_email);
}

static cJSON *budget_json(const struct resolved *r)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(b, "memory");
    cJSON_AddNumberToObject(m, "total_bytes", r->mem_total);
    cJSON_AddNumberToObject(m, "limit_bytes", r->mem_limit);
    cJSON *items = cJSON_AddArrayToObject(m, "contributors");
    for (size_t i = 0; i < r->nmem; i++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "name", r->mem[i].name);
        cJSON_AddNumberToObject(it, "bytes", r->mem[i].bytes);
        cJSON_AddItemToArray(items, it);
    }
    cJSON *mt = cJSON_AddObjectToObject(b, "metrics");
    cJSON_AddNumberToObject(mt, "count", (double)r->nmetrics);
    cJSON_AddNumberToObject(mt, "free_tier", FREE_METRICS);
    if (r->has_usage) {
        cJSON *ft = cJSON_AddObjectToObject(b, "free_tier_month");
        cJSON_AddNumberToObject(ft, "requests", r->req_month);
        cJSON_AddNumberToObject(ft, "requests_free", FREE_REQUESTS);
        cJSON_AddNumberToObject(ft, "gb_seconds", r->gbs_month);
        cJSON_AddNumberToObject(ft, "gb_seconds_free", FREE_GB_SECONDS);
        cJSON_AddNumberToObject(ft, "log_bytes", r->log_bytes_month);
        cJSON_AddNumberToObject(ft, "log_bytes_free", FREE_LOG_BYTES);
    }
    return b;
}

char *facts_render(const struct resolved *r, const char *project_path)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "leec_facts", LEEC_FACTS_VERSION);
    cJSON_AddStringToObject(root, "leec_version", LEEC_VERSION);
    if (project_path)
        cJSON_AddStringToObject(root, "project", project_path);
    cJSON_AddStringToObject(root, "preset", r->preset_name);
    if (r->preset && strcmp(r->preset->name, r->preset_name))
        cJSON_AddStringToObject(root, "alias_of", r->preset->name);
    cJSON *chain = cJSON_AddArrayToObject(root, "preset_chain");
    for (size_t i = 0; i < r->nchain; i++)
        cJSON_AddItemToArray(chain, cJSON_CreateString(r->chain[i]->name));
    cJSON_AddStringToObject(root, "feature_preset", r->fpreset);
    cJSON *feats = cJSON_AddArrayToObject(root, "features");
    const struct riface *fe = resolved_iface(r, "features");
    for (size_t i = 0; fe && i < fe->def->nparams; i++)
        if (fe->values[i].type == PT_BOOL && fe->values[i].b)
            cJSON_AddItemToArray(feats, cJSON_CreateString(fe->def->params[i].name));

    const struct rvalue *mem = resolved_value(r, "lambda", "memory_mb");
    const struct rvalue *tmo = resolved_value(r, "lambda", "timeout");
    const struct rvalue *arch = resolved_value(r, "lambda", "architecture");
    cJSON *lam = cJSON_AddObjectToObject(root, "lambda");
    if (mem)
        cJSON_AddNumberToObject(lam, "memory_mb", mem->num);
    if (tmo) /* Lambda takes whole seconds: rounded up, never shorter than compiled */
        cJSON_AddNumberToObject(lam, "timeout_s", (double)(long long)(tmo->num + 0.999999));
    if (arch && arch->str)
        cJSON_AddStringToObject(lam, "architecture", arch->str);

    if (r->proj)
        project_json(root, r);

    cJSON *metrics = cJSON_CreateObject();
    const struct rvalue *ns = resolved_value(r, "metrics", "namespace");
    const struct rvalue *on = resolved_value(r, "metrics", "enabled");
    cJSON_AddBoolToObject(metrics, "enabled", on && on->type == PT_BOOL && on->b);
    if (ns && ns->str)
        cJSON_AddStringToObject(metrics, "namespace", ns->str);
    cJSON *list = cJSON_AddArrayToObject(metrics, "names");
    for (size_t i = 0; i < r->nmetrics; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", r->metrics[i].name);
        cJSON_AddStringToObject(m, "unit", r->metrics[i].unit);
        cJSON_AddStringToObject(m, "interface", r->metrics[i].iface);
        cJSON_AddItemToArray(list, m);
    }
    cJSON_AddItemToObject(root, "metrics", metrics);
    cJSON_AddItemToObject(root, "budget", budget_json(r));
    cJSON_AddItemToObject(root, "interfaces", interfaces_json(r));

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        fputs("leec: out of memory\n", stderr);
        exit(3);
    }
    size_t n = strlen(text);
    char *out = xmalloc(n + 2);
    memcpy(out, text, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    cJSON_free(text);
    return out;
}
