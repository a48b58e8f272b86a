/* schema_json: see schema_json.h. Numeric values are written as YAML scalars such
 * as 4MiB or 250ms, so sizes and durations are string patterns, not numbers. The
 * interfaces come from schemas/<iface>.yaml, the fixed sections (home_assistant,
 * alexa, budget) from schemas/project.yaml. */
#include "schema_json.h"

#include "project.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static cJSON *str_schema(const char *pattern, const char *doc)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "string");
    if (pattern)
        cJSON_AddStringToObject(s, "pattern", pattern);
    if (doc)
        cJSON_AddStringToObject(s, "description", doc);
    return s;
}

static cJSON *enum_schema(const char *const *values, size_t n, const char *doc)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddItemToObject(s, "enum", cJSON_CreateStringArray(values, (int)n));
    if (doc)
        cJSON_AddStringToObject(s, "description", doc);
    return s;
}

static cJSON *param_schema(const struct param_def *p)
{
    cJSON *s;
    switch (p->type) {
    case PT_INT:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", "integer");
        if (p->has_range) {
            cJSON_AddNumberToObject(s, "minimum", p->min);
            cJSON_AddNumberToObject(s, "maximum", p->max);
        }
        break;
    case PT_SIZE:
    case PT_DURATION: {
        char pat[128];
        units_pattern(ptype_dim(p->type), pat, sizeof pat);
        s = str_schema(pat, NULL);
        break;
    }
    case PT_RATIO:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", "number");
        cJSON_AddNumberToObject(s, "minimum", p->min);
        cJSON_AddNumberToObject(s, "maximum", p->max);
        break;
    case PT_BOOL:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", "boolean");
        break;
    case PT_ENUM:
        s = enum_schema((const char *const *)p->values, p->nvalues, NULL);
        break;
    case PT_STRING:
        s = str_schema(NULL, NULL);
        break;
    default: {
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", "array");
        cJSON_AddNumberToObject(s, "maxItems", (double)p->max_items);
        cJSON_AddBoolToObject(s, "uniqueItems", 1);
        cJSON_AddItemToObject(s, "items",
                              p->item_type == PT_ENUM
                                  ? enum_schema((const char *const *)p->values, p->nvalues, NULL)
                                  : str_schema(NULL, NULL));
        break;
    }
    }
    cJSON_AddStringToObject(s, "description", p->doc);
    return s;
}

static cJSON *object(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON_AddBoolToObject(o, "additionalProperties", 0);
    return o;
}

static cJSON *props(cJSON *o) { return cJSON_AddObjectToObject(o, "properties"); }

static void required(cJSON *o, const char *const *names, int n)
{
    cJSON_AddItemToObject(o, "required", cJSON_CreateStringArray(names, n));
}

/* {env: VARIABLE} or {ssm: /parameter/name}: exactly one. */
static cJSON *secret_schema(const char *doc)
{
    cJSON *o = object();
    cJSON *p = props(o);
    cJSON_AddItemToObject(p, "env", str_schema("^[A-Za-z_][A-Za-z0-9_]*$", "environment variable"));
    cJSON_AddItemToObject(p, "ssm", str_schema("^/", "SSM parameter name"));
    cJSON_AddNumberToObject(o, "minProperties", 1);
    cJSON_AddNumberToObject(o, "maxProperties", 1);
    if (doc && *doc)
        cJSON_AddStringToObject(o, "description", doc);
    return o;
}

/* A project-file section or key from schemas/project.yaml. */
static cJSON *shape_schema(const struct catalog *cat, const struct shape *sh)
{
    const char *doc = sh->doc && *sh->doc ? sh->doc : NULL;
    cJSON *s;
    char pat[128];
    switch (sh->kind) {
    case SH_STRING:
        return str_schema(sh->pattern, doc);
    case SH_DURATION:
        units_pattern(DIM_SECS, pat, sizeof pat);
        return str_schema(pat, doc);
    case SH_ENUM:
        return enum_schema((const char *const *)sh->values, sh->nvalues, doc);
    case SH_SECRET:
        return secret_schema(doc);
    case SH_BOOL:
    case SH_INT:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", sh->kind == SH_BOOL ? "boolean" : "integer");
        if (sh->has_min)
            cJSON_AddNumberToObject(s, "minimum", sh->min);
        break;
    case SH_OBJECT: {
        s = object();
        cJSON *p = props(s);
        cJSON *req = cJSON_CreateArray();
        for (size_t i = 0; i < sh->nkeys; i++) {
            cJSON_AddItemToObject(p, sh->keys[i].name, shape_schema(cat, &sh->keys[i]));
            if (sh->keys[i].required)
                cJSON_AddItemToArray(req, cJSON_CreateString(sh->keys[i].name));
        }
        if (cJSON_GetArraySize(req))
            cJSON_AddItemToObject(s, "required", req);
        else
            cJSON_Delete(req);
        break;
    }
    case SH_MAP:
    case SH_LIST:
    default:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", sh->kind == SH_MAP ? "object" : "array");
        cJSON_AddItemToObject(s, sh->kind == SH_MAP ? "additionalProperties" : "items",
                              shape_schema(cat, sh->of));
        break;
    }
    const struct limit_def *lim = sh->limit ? catalog_limit(cat, sh->limit) : NULL;
    if (lim)
        cJSON_AddNumberToObject(s, sh->kind == SH_MAP ? "maxProperties" : "maxItems",
                                (double)lim->max);
    if (doc)
        cJSON_AddStringToObject(s, "description", doc);
    return s;
}

char *schema_json_render(const struct catalog *cat)
{
    cJSON *root = object();
    cJSON_AddStringToObject(root, "$schema", "http://json-schema.org/draft-07/schema#");
    cJSON_AddStringToObject(root, "$id", "https://leec.dev/schema/project-1.json");
    cJSON_AddStringToObject(root, "title", "leec project file");
    cJSON *p = props(root);
    cJSON *ver = cJSON_AddObjectToObject(p, "leec");
    cJSON_AddNumberToObject(ver, "const", 1);

    const char **presets = xcalloc(cat->npresets + 1, sizeof *presets);
    for (size_t i = 0; i < cat->npresets; i++)
        presets[i] = cat->presets[i].name;
    cJSON_AddItemToObject(p, "preset", enum_schema(presets, cat->npresets, "configuration preset"));
    free(presets);

    const char **fp = xcalloc(cat->nfpresets + 1, sizeof *fp);
    for (size_t i = 0; i < cat->nfpresets; i++)
        fp[i] = cat->fpresets[i].name;
    const struct iface_def *fi = catalog_iface(cat, "features");
    const char **feats = xcalloc(fi->nparams + 1, sizeof *feats);
    for (size_t i = 0; i < fi->nparams; i++)
        feats[i] = fi->params[i].name;
    cJSON *features = cJSON_AddObjectToObject(p, "features");
    cJSON *one = cJSON_AddArrayToObject(features, "oneOf");
    cJSON_AddItemToArray(one, enum_schema(fp, cat->nfpresets, "feature preset"));
    cJSON *fobj = object();
    cJSON *fprops = props(fobj);
    cJSON_AddItemToObject(fprops, "preset", enum_schema(fp, cat->nfpresets, NULL));
    for (int k = 0; k < 2; k++) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "type", "array");
        cJSON_AddItemToObject(l, "items", enum_schema(feats, fi->nparams, NULL));
        cJSON_AddItemToObject(fprops, k ? "remove" : "add", l);
    }
    static const char *const freq[] = {"preset"};
    required(fobj, freq, 1);
    cJSON_AddItemToArray(one, fobj);
    free(fp);
    free(feats);

    const char **tiers = xcalloc(cat->ntiers + 1, sizeof *tiers);
    for (size_t i = 0; i < cat->ntiers; i++)
        tiers[i] = cat->tiers[i].name;
    cJSON *tobj = object();
    cJSON *tprops = props(tobj);
    cJSON *oobj = object();
    cJSON *oprops = props(oobj);
    for (size_t i = 0; i < cat->nifaces; i++) {
        const struct iface_def *f = &cat->ifaces[i];
        if (!f->tiered)
            continue;
        cJSON_AddItemToObject(tprops, f->name, enum_schema(tiers, cat->ntiers, f->doc));
        cJSON *io = object();
        cJSON_AddStringToObject(io, "description", f->doc);
        cJSON *ip = props(io);
        for (size_t j = 0; j < f->nparams; j++)
            cJSON_AddItemToObject(ip, f->params[j].name, param_schema(&f->params[j]));
        cJSON_AddItemToObject(oprops, f->name, io);
    }
    free(tiers);
    cJSON_AddItemToObject(p, "tiers", tobj);
    cJSON_AddItemToObject(p, "overrides", oobj);

    for (size_t i = 0; i < cat->sections.nkeys; i++)
        cJSON_AddItemToObject(p, cat->sections.keys[i].name,
                              shape_schema(cat, &cat->sections.keys[i]));

    cJSON *req = cJSON_CreateArray();
    static const char *const fixed[] = {"leec", "preset", "features"};
    for (size_t i = 0; i < 3; i++)
        cJSON_AddItemToArray(req, cJSON_CreateString(fixed[i]));
    for (size_t i = 0; i < cat->sections.nkeys; i++)
        if (cat->sections.keys[i].required)
            cJSON_AddItemToArray(req, cJSON_CreateString(cat->sections.keys[i].name));
    cJSON_AddItemToObject(root, "required", req);
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    size_t n = strlen(out);
    out = xrealloc(out, n + 2);
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}
