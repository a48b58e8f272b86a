/* schema_json: see schema_json.h. Numeric values are written as YAML scalars such
 * as 4MiB or 250ms, so sizes and durations are string patterns, not numbers. */
#include "schema_json.h"

#include "project.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define SIZE_PATTERN "^[0-9]+(\\.[0-9]+)?(B|KiB|MiB|GiB)$"
#define DURATION_PATTERN "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$"

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
        s = str_schema(SIZE_PATTERN, NULL);
        break;
    case PT_DURATION:
        s = str_schema(DURATION_PATTERN, NULL);
        break;
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
        cJSON_AddItemToObject(s, "items", p->item_type == PT_ENUM
                                              ? enum_schema((const char *const *)p->values,
                                                            p->nvalues, NULL)
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

static cJSON *secret_schema(void)
{
    cJSON *o = object();
    cJSON *p = props(o);
    cJSON_AddItemToObject(p, "env", str_schema("^[A-Za-z_][A-Za-z0-9_]*$", "environment variable"));
    cJSON_AddItemToObject(p, "ssm", str_schema("^/", "SSM parameter name"));
    cJSON_AddNumberToObject(o, "minProperties", 1);
    cJSON_AddNumberToObject(o, "maxProperties", 1);
    return o;
}

static cJSON *string_list(const char *pattern)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "array");
    cJSON_AddItemToObject(s, "items", str_schema(pattern, NULL));
    return s;
}

static cJSON *string_map(void)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "object");
    cJSON_AddItemToObject(s, "additionalProperties", str_schema(NULL, NULL));
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

    cJSON *ha = object();
    cJSON *hp = props(ha);
    cJSON_AddItemToObject(hp, "url", str_schema("^https?://[^/]+.*[^/]$", "Home Assistant base URL"));
    cJSON *ah = cJSON_AddObjectToObject(hp, "allow_http");
    cJSON_AddStringToObject(ah, "type", "boolean");
    cJSON *tok = object();
    cJSON *tp = props(tok);
    static const char *const modes[] = {"account_linking", "long_lived"};
    cJSON_AddItemToObject(tp, "mode", enum_schema(modes, 2, "where the token comes from"));
    cJSON_AddItemToObject(tp, "env", str_schema("^[A-Za-z_][A-Za-z0-9_]*$", NULL));
    cJSON_AddItemToObject(tp, "ssm", str_schema("^/", NULL));
    static const char *const treq[] = {"mode"};
    required(tok, treq, 1);
    cJSON_AddItemToObject(hp, "token", tok);
    cJSON *tls = object();
    cJSON *tlp = props(tls);
    cJSON *verify = cJSON_AddObjectToObject(tlp, "verify");
    cJSON_AddStringToObject(verify, "type", "boolean");
    cJSON_AddItemToObject(tlp, "ca_bundle", str_schema(NULL, NULL));
    cJSON_AddItemToObject(tlp, "client_cert", str_schema(NULL, NULL));
    cJSON_AddItemToObject(tlp, "client_key", str_schema(NULL, NULL));
    cJSON_AddItemToObject(hp, "tls", tls);
    cJSON *hdr = cJSON_CreateObject();
    cJSON_AddStringToObject(hdr, "type", "object");
    cJSON_AddItemToObject(hdr, "additionalProperties", secret_schema());
    cJSON_AddItemToObject(hp, "headers", hdr);
    static const char *const hreq[] = {"url", "token"};
    required(ha, hreq, 2);
    cJSON_AddItemToObject(p, "home_assistant", ha);

    cJSON *alexa = object();
    cJSON *ap = props(alexa);
    cJSON_AddItemToObject(ap, "skill_ids",
                          string_list("^amzn1\\.ask\\.skill\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                      "[0-9a-f]{4}-[0-9a-f]{12}$"));
    cJSON *disc = object();
    cJSON *dp = props(disc);
    cJSON_AddItemToObject(dp, "include", string_list(NULL));
    cJSON_AddItemToObject(dp, "exclude", string_list(NULL));
    cJSON_AddItemToObject(dp, "friendly_names", string_map());
    cJSON *cats = cJSON_CreateObject();
    cJSON_AddStringToObject(cats, "type", "object");
    cJSON_AddItemToObject(cats, "additionalProperties",
                          enum_schema(alexa_display_categories, alexa_ndisplay_categories, NULL));
    cJSON_AddItemToObject(dp, "categories", cats);
    cJSON *rc = cJSON_CreateObject();
    cJSON_AddStringToObject(rc, "type", "array");
    cJSON *rci = object();
    cJSON *rcp = props(rci);
    cJSON_AddItemToObject(rcp, "endpoint", str_schema(NULL, NULL));
    cJSON_AddItemToObject(rcp, "interface", str_schema("^Alexa", NULL));
    static const char *const rreq[] = {"endpoint", "interface"};
    required(rci, rreq, 2);
    cJSON_AddItemToObject(rc, "items", rci);
    cJSON_AddItemToObject(dp, "remove_capabilities", rc);
    cJSON_AddItemToObject(ap, "discovery", disc);
    cJSON *ann = object();
    cJSON *anp = props(ann);
    cJSON_AddItemToObject(anp, "tts_entity", str_schema(NULL, NULL));
    cJSON_AddItemToObject(anp, "media_players", string_list(NULL));
    cJSON_AddItemToObject(ap, "announce", ann);
    cJSON_AddItemToObject(ap, "notify_target", str_schema(NULL, NULL));
    cJSON_AddItemToObject(p, "alexa", alexa);

    cJSON *bud = object();
    cJSON *bp = props(bud);
    cJSON *ftm = cJSON_AddObjectToObject(bp, "free_tier_metrics");
    cJSON_AddStringToObject(ftm, "type", "boolean");
    cJSON *ipd = cJSON_AddObjectToObject(bp, "invocations_per_day");
    cJSON_AddStringToObject(ipd, "type", "integer");
    cJSON_AddNumberToObject(ipd, "minimum", 0);
    cJSON_AddItemToObject(bp, "avg_duration", str_schema(DURATION_PATTERN, NULL));
    cJSON_AddItemToObject(p, "budget", bud);

    static const char *const req[] = {"leec", "preset", "features", "home_assistant"};
    required(root, req, 4);
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    size_t n = strlen(out);
    out = xrealloc(out, n + 2);
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}
