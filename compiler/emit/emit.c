/* emit: see emit.h. The structs are generated from the schemas, so a parameter
 * added to schemas/ appears in the C tables without touching the emitter. */
#include "emit/emit.h"

#include "emit/facts.h"

#include "front/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void upper(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = isalnum((unsigned char)src[i]) ? (char)toupper((unsigned char)src[i]) : '_';
    dst[i] = '\0';
}

/* CacheHitRate → CACHE_HIT_RATE */
static void metric_macro(char *dst, size_t size, const char *name)
{
    size_t o = 0;
    for (size_t i = 0; name[i] && o + 2 < size; i++) {
        if (i && isupper((unsigned char)name[i]) && islower((unsigned char)name[i - 1]))
            dst[o++] = '_';
        dst[o++] = (char)toupper((unsigned char)name[i]);
    }
    dst[o] = '\0';
}

/* A C string literal of s that any C compiler reads back byte for byte, without a
 * warning: '"' and '\\' escaped, '?' as \? (no trigraph such as ??/ can form),
 * control characters, DEL and every non-ASCII byte as a 3-digit octal escape
 * (always 3 digits, so a following digit never joins it; never \x, which would
 * swallow following hex digits). */
static void c_string(struct sbuf *b, const char *s)
{
    if (!s) {
        sbuf_add(b, "NULL");
        return;
    }
    sbuf_add(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c == '?')
            sbuf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            sbuf_printf(b, "\\%03o", c);
        else
            sbuf_addn(b, (const char *)&c, 1);
    }
    sbuf_add(b, "\"");
}

/* Text inside a generated comment: printable ASCII only, no comment end, no '?'
 * (trigraphs), no '\\' (a line splice); anything else becomes '_'. */
static void c_comment_text(char *dst, size_t size, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 1 < size; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok = c >= 0x20 && c < 0x7f && c != '?' && c != '\\' && !(c == '*' && s[1] == '/') &&
                  !(c == '/' && s[1] == '*');
        dst[o++] = ok ? (char)c : '_';
    }
    dst[o] = '\0';
}

static const char *param_ctype(const struct iface_def *f, const struct param_def *p, char *buf,
                               size_t size)
{
    const char *t = ptype_def(p->type)->ctype;
    if (t)
        return t;
    snprintf(buf, size, "enum leec_%s_%s", f->name, p->name);
    return buf;
}

static const char *field_suffix(const struct param_def *p) { return ptype_def(p->type)->c_suffix; }

/* LEEC_<IFACE>_<PARAM>[_MS]: the macro of a numeric or bool parameter. */
static void param_macro(char *dst, size_t size, const struct iface_def *f,
                        const struct param_def *p)
{
    char fu[64], pu[64], su[16];
    upper(fu, sizeof fu, f->name);
    upper(pu, sizeof pu, p->name);
    upper(su, sizeof su, field_suffix(p));
    snprintf(dst, size, "LEEC_%s_%s%s", fu, pu, su);
}

/* LEEC_<IFACE>_<PARAM>_<VALUE>: an enum constant. */
static void enum_const(char *dst, size_t size, const struct iface_def *f, const struct param_def *p,
                       const char *value)
{
    char fu[64], pu[64], vu[64];
    upper(fu, sizeof fu, f->name);
    upper(pu, sizeof pu, p->name);
    upper(vu, sizeof vu, value);
    snprintf(dst, size, "LEEC_%s_%s_%s", fu, pu, vu);
}

/* Numeric value of a parameter as a C literal. */
static void num_literal(struct sbuf *b, const struct param_def *p, const struct rvalue *v)
{
    const struct ptype_def *t = ptype_def(p->type);
    if (p->type == PT_BOOL)
        sbuf_add(b, v->b ? "1" : "0");
    else if (t->c_literal)
        sbuf_printf(b, "%s(%.0f)", t->c_literal,
                    t->c_scale == 1 ? v->num : (double)llround(v->num * t->c_scale));
    else
        sbuf_printf(b, "%.6g", v->num);
}

/* The project's path relative to the catalog root (never absolute: output must not
 * depend on where the checkout is); outside the root, just its file name. */
static void project_rel(const struct resolved *r, const char *project_path, char *buf, size_t size)
{
    char root[PATH_MAX], proj[PATH_MAX];
    const char *base = strrchr(project_path, '/');
    snprintf(buf, size, "%s", base ? base + 1 : project_path);
    if (!realpath(r->cat->root, root) || !realpath(project_path, proj))
        return;
    size_t rl = strlen(root);
    if (strncmp(proj, root, rl) == 0 && proj[rl] == '/')
        snprintf(buf, size, "%s", proj + rl + 1);
}

static void banner(struct sbuf *b, const struct resolved *r, const char *proj_rel)
{
    char path[PATH_MAX], preset[256], fpreset[256];
    c_comment_text(path, sizeof path, proj_rel);
    c_comment_text(preset, sizeof preset, r->preset_name);
    c_comment_text(fpreset, sizeof fpreset, r->fpreset);
    sbuf_printf(b,
                "/* Generated by leec %s from %s (preset %s, features %s)\n"
                " * with schemas/ and presets/. DO NOT EDIT: run `leec compile`. */\n",
                LEEC_VERSION, path, preset, fpreset);
}

static void render_abi(struct sbuf *b)
{
    sbuf_add(b, "#ifndef LEEC_CONFIG_H\n#define LEEC_CONFIG_H\n\n"
                "/* The fixed types (secret and header refs, the project-file sections,\n"
                " * budgets) and LEEC_ABI_VERSION_RUNTIME: runtime/leec_abi.h. */\n"
                "#include \"leec_abi.h\"\n\n");
    sbuf_printf(b, "#define LEEC_ABI_VERSION %d\n#define LEEC_GEN_VERSION \"%s\"\n",
                LEEC_ABI_VERSION, LEEC_VERSION);
    sbuf_add(b, "#if LEEC_ABI_VERSION_RUNTIME != LEEC_ABI_VERSION\n"
                "#error \"leec_config.h was generated for another runtime ABI (leec_abi.h): rerun "
                "leec compile\"\n"
                "#endif\n\n");
}

/* Excluded features are compiled out with #if LEEC_FEATURE_x; LEEC_FEATURES(X)
 * lists every known feature, X(name, ENABLED). */
static void render_features(struct sbuf *b, const struct resolved *r)
{
    const struct riface *fe = resolved_iface(r, "features");
    for (size_t i = 0; i < fe->def->nparams; i++) {
        char u[64];
        upper(u, sizeof u, fe->def->params[i].name);
        sbuf_printf(b, "#define LEEC_FEATURE_%s %d\n", u, fe->values[i].b ? 1 : 0);
    }
    sbuf_add(b, "\n/* Every known feature: X(name, ENABLED 0/1). */\n#define LEEC_FEATURES(X)");
    for (size_t i = 0; i < fe->def->nparams; i++)
        sbuf_printf(b, " \\\n    X(%s, %d)", fe->def->params[i].name, fe->values[i].b ? 1 : 0);
    sbuf_add(b, "\n\n");
}

/* Whether feature preset fp (with its extends chain) turns feature on; *size counts
 * the features it turns on. */
static bool fpreset_has(const struct catalog *cat, const struct feature_preset_def *fp,
                        const char *feature, size_t *size)
{
    bool has = false;
    *size = 0;
    for (size_t hops = 0; fp && hops <= cat->nfpresets; hops++) {
        for (size_t i = 0; i < fp->nfeatures; i++) {
            has = has || strcmp(fp->features[i], feature) == 0;
            (*size)++;
        }
        fp = fp->extends ? catalog_fpreset(cat, fp->extends) : NULL;
    }
    return has;
}

/* LEEC_FEATURE_PRESETS(X), X(name, "preset"): the smallest feature preset that has
 * each feature (what a "not in this build" answer names), from presets/features/. */
static void render_feature_presets(struct sbuf *b, const struct resolved *r)
{
    const struct iface_def *fe = resolved_iface(r, "features")->def;
    sbuf_add(b, "/* The smallest feature preset with each feature: X(name, \"preset\"). */\n"
                "#define LEEC_FEATURE_PRESETS(X)");
    for (size_t i = 0; i < fe->nparams; i++) {
        const char *best = NULL;
        size_t best_size = 0;
        for (size_t k = 0; k < r->cat->nfpresets; k++) {
            const struct feature_preset_def *fp = &r->cat->fpresets[k];
            size_t n;
            if (fpreset_has(r->cat, fp, fe->params[i].name, &n) &&
                (!best || n < best_size || (n == best_size && strcmp(fp->name, best) < 0))) {
                best = fp->name;
                best_size = n;
            }
        }
        if (best) {
            sbuf_printf(b, " \\\n    X(%s, ", fe->params[i].name);
            c_string(b, best);
            sbuf_add(b, ")");
        }
    }
    sbuf_add(b, "\n\n");
}

/* Numeric and bool parameters as macros, for #if and _Static_assert. */
static void render_param_macros(struct sbuf *b, const struct resolved *r)
{
    const struct catalog *cat = r->cat;
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        if (!f->tiered)
            continue;
        for (size_t pi = 0; pi < f->nparams; pi++) {
            const struct param_def *p = &f->params[pi];
            if (p->type > PT_BOOL)
                continue;
            char m[160];
            param_macro(m, sizeof m, f, p);
            sbuf_printf(b, "#define %s ", m);
            num_literal(b, p, &r->ifaces[fi].values[pi]);
            sbuf_add(b, "\n");
        }
    }
}

/* schemas/limits.yaml: LEEC_MAX_<NAME> and LEEC_LIMITS(X), X(name, MAX). */
static void render_limits(struct sbuf *b, const struct catalog *cat)
{
    sbuf_add(b, "\n/* Longest lists of the project file (schemas/limits.yaml). */\n");
    for (size_t i = 0; i < cat->nlimits; i++) {
        char u[64];
        upper(u, sizeof u, cat->limits[i].name);
        sbuf_printf(b, "#define LEEC_MAX_%s %zu\n", u, cat->limits[i].max);
    }
    sbuf_add(b, "#define LEEC_LIMITS(X)");
    for (size_t i = 0; i < cat->nlimits; i++)
        sbuf_printf(b, " \\\n    X(%s, %zu)", cat->limits[i].name, cat->limits[i].max);
    sbuf_add(b, "\n");
}

static void render_budget_macros(struct sbuf *b, const struct resolved *r)
{
    sbuf_add(b, "\n/* Budgets (bytes) as leec computed them; leec_config.c re-checks them. */\n");
    sbuf_printf(b, "#define LEEC_MEMORY_BASELINE UINT64_C(%.0f)\n", ceil(r->mem[0].bytes));
    for (size_t i = 1; i < r->nmem; i++) {
        char u[64];
        upper(u, sizeof u, r->mem[i].name);
        sbuf_printf(b, "#define LEEC_MEMORY_%s UINT64_C(%.0f)\n", u, ceil(r->mem[i].bytes));
    }
    sbuf_add(b, "#define LEEC_MEMORY_ESTIMATE (LEEC_MEMORY_BASELINE");
    for (size_t i = 1; i < r->nmem; i++) {
        char u[64];
        upper(u, sizeof u, r->mem[i].name);
        sbuf_printf(b, " + LEEC_MEMORY_%s", u);
    }
    sbuf_add(b, ")\n#define LEEC_MEMORY_LIMIT (LEEC_LAMBDA_MEMORY_MB * UINT64_C(1048576) - "
                "LEEC_LAMBDA_HEADROOM)\n");
    sbuf_printf(b, "#define LEEC_METRIC_COUNT %zu\n", r->nmetrics);
    sbuf_printf(b, "#define LEEC_FREE_TIER_METRICS %d\n\n",
                !r->proj || r->proj->free_tier_metrics ? 1 : 0);
}

/* Index of a metric in leec_config.metric_defs, or -1 when not compiled in. */
static long metric_id(const struct resolved *r, const char *name)
{
    for (size_t k = 0; k < r->nmetrics; k++)
        if (strcmp(r->metrics[k].name, name) == 0)
            return (long)k;
    return -1;
}

/* LEEC_METRIC_<NAME> ids and LEEC_METRICS(X), X(Name, "Unit", ID) for every metric
 * the schemas know, ID -1 when it is not compiled in. */
static void render_metrics(struct sbuf *b, const struct resolved *r)
{
    const struct catalog *cat = r->cat;
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        for (size_t i = 0; i < f->nmetrics; i++) {
            char m[64];
            metric_macro(m, sizeof m, f->metrics[i].name);
            sbuf_printf(b, "#define LEEC_METRIC_%s %ld\n", m, metric_id(r, f->metrics[i].name));
        }
    }
    sbuf_add(b, "\n/* Every metric the schemas know: X(Name, \"Unit\", ID), ID -1 when not\n"
                " * compiled in. */\n#define LEEC_METRICS(X)");
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        for (size_t i = 0; i < f->nmetrics; i++) {
            sbuf_printf(b, " \\\n    X(%s, ", f->metrics[i].name);
            c_string(b, f->metrics[i].unit);
            sbuf_printf(b, ", %ld)", metric_id(r, f->metrics[i].name));
        }
    }
    sbuf_add(b, "\n\n");
}

static void render_enums(struct sbuf *b, const struct catalog *cat)
{
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        for (size_t pi = 0; pi < f->nparams; pi++) {
            const struct param_def *p = &f->params[pi];
            if (!p->nvalues)
                continue;
            sbuf_printf(b, "enum leec_%s_%s {", f->name, p->name);
            for (size_t k = 0; k < p->nvalues; k++) {
                char c[224];
                enum_const(c, sizeof c, f, p, p->values[k]);
                sbuf_printf(b, "%s %s", k ? "," : "", c);
            }
            sbuf_add(b, " };\n");
            /* The values by suffix, for the runtime's own enum to be checked against
             * (core/bind.c): a value added here without one there is a compile error. */
            char fu[64], pu[64];
            upper(fu, sizeof fu, f->name);
            upper(pu, sizeof pu, p->name);
            sbuf_printf(b, "#define LEEC_%s_%s_VALUES(X)", fu, pu);
            for (size_t k = 0; k < p->nvalues; k++) {
                char vu[64];
                upper(vu, sizeof vu, p->values[k]);
                sbuf_printf(b, " X(%s)", vu);
            }
            sbuf_add(b, "\n");
        }
    }
}

/* One struct per interface, generated from its schema, and struct leec_config. */
static void render_structs(struct sbuf *b, const struct catalog *cat)
{
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        sbuf_printf(b, "\nstruct leec_%s_config {\n", f->name);
        for (size_t pi = 0; pi < f->nparams; pi++) {
            const struct param_def *p = &f->params[pi];
            char tb[96];
            const char *t = param_ctype(f, p, tb, sizeof tb);
            if (p->type == PT_LIST && p->item_type == PT_ENUM)
                sbuf_printf(b, "    const %s *%s;\n    size_t %s_count;\n", t, p->name, p->name);
            else if (p->type == PT_LIST)
                sbuf_printf(b, "    const char *const *%s;\n    size_t %s_count;\n", p->name,
                            p->name);
            else
                sbuf_printf(b, "    %s%s%s%s;\n", t, t[strlen(t) - 1] == '*' ? "" : " ", p->name,
                            field_suffix(p));
        }
        sbuf_add(b, "};\n");
    }
    sbuf_add(b, "\nstruct leec_config {\n    const char *project;\n    const char *preset;\n"
                "    const char *feature_preset;\n    const struct leec_tier_choice *tiers;\n"
                "    size_t tiers_count;\n");
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        sbuf_printf(b, "    struct leec_%s_config %s;\n", cat->ifaces[fi].name,
                    cat->ifaces[fi].name);
    sbuf_add(b, "    struct leec_ha_config ha;\n    struct leec_alexa_config alexa;\n"
                "    const struct leec_metric_def *metric_defs;\n    size_t metric_defs_count;\n"
                "    struct leec_budget budget;\n};\n\n"
                "extern const struct leec_config leec_config;\n\n#endif\n");
}

static void render_header(struct sbuf *b, const struct resolved *r, const char *proj_rel)
{
    banner(b, r, proj_rel);
    render_abi(b);
    render_features(b, r);
    render_feature_presets(b, r);
    render_param_macros(b, r);
    render_limits(b, r->cat);
    render_budget_macros(b, r);
    render_metrics(b, r);
    render_enums(b, r->cat);
    render_structs(b, r->cat);
}

static void string_array(struct sbuf *b, const char *name, const char *const *items, size_t n)
{
    if (!n)
        return;
    sbuf_printf(b, "static const char *const %s[] = {", name);
    for (size_t i = 0; i < n; i++) {
        sbuf_add(b, i ? ", " : "");
        c_string(b, items[i]);
    }
    sbuf_add(b, "};\n");
}

static void pair_array(struct sbuf *b, const char *name, const struct name_pair *p, size_t n)
{
    if (!n)
        return;
    sbuf_printf(b, "static const struct leec_name_pair %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        sbuf_add(b, "    {");
        c_string(b, p[i].key);
        sbuf_add(b, ", ");
        c_string(b, p[i].value);
        sbuf_add(b, "},\n");
    }
    sbuf_add(b, "};\n");
}

static void array_ref(struct sbuf *b, const char *field, const char *name, size_t n)
{
    if (n)
        sbuf_printf(b, "        .%s = %s,\n        .%s_count = %zu,\n", field, name, field, n);
}

static const char *secret_src(enum secret_kind k)
{
    return k == SECRET_ENV   ? "LEEC_SECRET_ENV"
           : k == SECRET_SSM ? "LEEC_SECRET_SSM"
                             : "LEEC_SECRET_NONE";
}

/* Budgets and fits, re-checked by the C compiler, and the range of every numeric
 * parameter. */
static void render_asserts(struct sbuf *b, const struct resolved *r)
{
    const struct catalog *cat = r->cat;
    sbuf_add(b, "_Static_assert(LEEC_MEMORY_ESTIMATE <= LEEC_MEMORY_LIMIT,\n"
                "               \"memory estimate exceeds lambda.memory_mb minus headroom\");\n"
                "_Static_assert(!LEEC_FREE_TIER_METRICS || LEEC_METRIC_COUNT <= 10,\n"
                "               \"more custom metrics than the free tier's 10\");\n"
                "_Static_assert(LEEC_LAMBDA_MAX_EVENT <= UINT64_C(6291556), \"event cap above "
                "Lambda's limit\");\n"
                "_Static_assert(LEEC_LAMBDA_MAX_RESPONSE <= UINT64_C(6291556), \"response cap "
                "above Lambda's limit\");\n"
                "_Static_assert(LEEC_LAMBDA_MAX_RESPONSE >= LEEC_HTTP_MAX_REPLY, \"a "
                "passed-through reply must fit\");\n"
                "_Static_assert(LEEC_HTTP_TOTAL_TIMEOUT_MS + 500 <= LEEC_LAMBDA_TIMEOUT_MS,\n"
                "               \"the function timeout must cover the Home Assistant budget\");\n"
                "_Static_assert(LEEC_HTTP_CONNECT_TIMEOUT_MS < LEEC_HTTP_TOTAL_TIMEOUT_MS, "
                "\"connect within total\");\n"
                "_Static_assert(LEEC_HTTP_TOTAL_TIMEOUT_MS <= 7500, \"Alexa waits about 8 s\");\n");
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        if (!f->tiered)
            continue;
        for (size_t pi = 0; pi < f->nparams; pi++) {
            const struct param_def *p = &f->params[pi];
            if (!p->has_range || p->type == PT_RATIO)
                continue;
            char m[160];
            param_macro(m, sizeof m, f, p);
            double k = ptype_def(p->type)->c_scale;
            sbuf_printf(b, "_Static_assert(%s >= %.0f && %s <= %.0f, \"%s.%s range\");\n", m,
                        p->min * k, m, p->max * k, f->name, p->name);
        }
    }
    if (r->proj && r->proj->nheaders)
        sbuf_add(b, "_Static_assert(sizeof ha_headers / sizeof ha_headers[0] <= LEEC_MAX_HEADERS,\n"
                    "               \"more extra headers than schemas/limits.yaml allows\");\n");
    sbuf_add(b, "\n");
}

/* The arrays of list parameters, the tier choices and the metric table. */
static void render_catalog_arrays(struct sbuf *b, const struct resolved *r)
{
    const struct catalog *cat = r->cat;
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        for (size_t pi = 0; pi < f->nparams; pi++) {
            const struct param_def *p = &f->params[pi];
            const struct rvalue *v = &r->ifaces[fi].values[pi];
            if (p->type != PT_LIST || !v->nitems)
                continue;
            char nm[128];
            snprintf(nm, sizeof nm, "%s_%s", f->name, p->name);
            if (p->item_type != PT_ENUM) {
                string_array(b, nm, v->items, v->nitems);
                continue;
            }
            sbuf_printf(b, "static const enum leec_%s_%s %s[] = {", f->name, p->name, nm);
            for (size_t i = 0; i < v->nitems; i++) {
                char c[224];
                enum_const(c, sizeof c, f, p, v->items[i]);
                sbuf_printf(b, "%s%s", i ? ", " : "", c);
            }
            sbuf_add(b, "};\n");
        }
    }
    sbuf_add(b, "static const struct leec_tier_choice tiers[] = {\n");
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        if (r->ifaces[fi].tier) {
            sbuf_add(b, "    {");
            c_string(b, cat->ifaces[fi].name);
            sbuf_add(b, ", ");
            c_string(b, r->ifaces[fi].tier);
            sbuf_add(b, "},\n");
        }
    sbuf_add(b, "};\n");
    if (r->nmetrics) {
        sbuf_add(b, "static const struct leec_metric_def metric_defs[] = {\n");
        for (size_t i = 0; i < r->nmetrics; i++) {
            sbuf_add(b, "    {");
            c_string(b, r->metrics[i].name);
            sbuf_add(b, ", ");
            c_string(b, r->metrics[i].unit);
            sbuf_add(b, "},\n");
        }
        sbuf_add(b, "};\n");
    }
}

/* The arrays of the project file's home_assistant and alexa sections. */
static void render_project_arrays(struct sbuf *b, const struct project *pj)
{
    if (pj->nheaders) {
        sbuf_add(b, "static const struct leec_header_def ha_headers[] = {\n");
        for (size_t i = 0; i < pj->nheaders; i++) {
            sbuf_add(b, "    {");
            c_string(b, pj->headers[i].name);
            sbuf_printf(b, ", {%s, ", secret_src(pj->headers[i].value.kind));
            c_string(b, pj->headers[i].value.name);
            sbuf_add(b, "}},\n");
        }
        sbuf_add(b, "};\n");
    }
    string_array(b, "skill_ids", pj->skill_ids, pj->nskill_ids);
    string_array(b, "discovery_include", pj->include, pj->ninclude);
    string_array(b, "discovery_exclude", pj->exclude, pj->nexclude);
    pair_array(b, "friendly_names", pj->friendly_names, pj->nfriendly);
    pair_array(b, "categories", pj->categories, pj->ncategories);
    pair_array(b, "remove_capabilities", pj->remove_caps, pj->nremove_caps);
    string_array(b, "media_players", pj->media_players, pj->nmedia_players);
    string_array(b, "languages", pj->languages, pj->nlanguages);
}

/* .<iface> = {...} for every interface, from its schema. */
static void render_iface_init(struct sbuf *b, const struct iface_def *f, const struct riface *ri)
{
    sbuf_printf(b, "    .%s = {\n", f->name);
    for (size_t pi = 0; pi < f->nparams; pi++) {
        const struct param_def *p = &f->params[pi];
        const struct rvalue *v = &ri->values[pi];
        if (p->type == PT_LIST) {
            if (v->nitems)
                sbuf_printf(b, "        .%s = %s_%s,\n        .%s_count = %zu,\n", p->name, f->name,
                            p->name, p->name, v->nitems);
            continue;
        }
        sbuf_printf(b, "        .%s%s = ", p->name, field_suffix(p));
        char c[224];
        if (p->type == PT_ENUM) {
            enum_const(c, sizeof c, f, p, v->str);
            sbuf_add(b, c);
        } else if (p->type == PT_STRING) {
            c_string(b, v->str);
        } else if (!f->tiered) {
            sbuf_add(b, v->b ? "true" : "false");
        } else {
            param_macro(c, sizeof c, f, p);
            sbuf_add(b, c);
        }
        sbuf_add(b, ",\n");
    }
    sbuf_add(b, "    },\n");
}

static void string_field(struct sbuf *b, const char *field, const char *value)
{
    if (!value)
        return;
    sbuf_printf(b, "        .%s = ", field);
    c_string(b, value);
    sbuf_add(b, ",\n");
}

static void render_ha_init(struct sbuf *b, const struct project *pj)
{
    sbuf_add(b, "    .ha = {\n");
    if (!pj) {
        sbuf_add(b, "        .tls_verify = true,\n    },\n");
        return;
    }
    sbuf_add(b, "        .url = ");
    c_string(b, pj->ha_url);
    sbuf_printf(b, ",\n        .allow_http = %s,\n", pj->allow_http ? "true" : "false");
    sbuf_printf(b, "        .token_mode = %s,\n",
                pj->token_mode == TOKEN_LONG_LIVED ? "LEEC_TOKEN_LONG_LIVED"
                                                   : "LEEC_TOKEN_ACCOUNT_LINKING");
    sbuf_printf(b, "        .token = {%s, ", secret_src(pj->token.kind));
    c_string(b, pj->token.name);
    sbuf_printf(b, "},\n        .tls_verify = %s,\n", pj->tls_verify ? "true" : "false");
    string_field(b, "ca_bundle", pj->ca_bundle);
    string_field(b, "client_cert", pj->client_cert);
    string_field(b, "client_key", pj->client_key);
    array_ref(b, "headers", "ha_headers", pj->nheaders);
    sbuf_add(b, "    },\n");
}

/* Left out when the project sets nothing there: `.alexa = {}` is not ISO C11. */
static void render_alexa_init(struct sbuf *out, const struct project *pj)
{
    struct sbuf fields = {0}, *b = &fields;
    if (pj) {
        array_ref(b, "skill_ids", "skill_ids", pj->nskill_ids);
        array_ref(b, "discovery_include", "discovery_include", pj->ninclude);
        array_ref(b, "discovery_exclude", "discovery_exclude", pj->nexclude);
        array_ref(b, "friendly_names", "friendly_names", pj->nfriendly);
        array_ref(b, "categories", "categories", pj->ncategories);
        array_ref(b, "remove_capabilities", "remove_capabilities", pj->nremove_caps);
        string_field(b, "tts_entity", pj->tts_entity);
        array_ref(b, "media_players", "media_players", pj->nmedia_players);
        string_field(b, "notify_target", pj->notify_target);
        array_ref(b, "languages", "languages", pj->nlanguages);
    }
    if (fields.len)
        sbuf_printf(out, "    .alexa = {\n%s    },\n", fields.s);
    sbuf_free(&fields);
}

static void render_source(struct sbuf *b, const struct resolved *r, const char *proj_rel)
{
    const struct catalog *cat = r->cat;
    banner(b, r, proj_rel);
    sbuf_add(b, "#include \"leec_config.h\"\n\n");
    if (r->proj)
        render_project_arrays(b, r->proj);
    render_asserts(b, r);
    render_catalog_arrays(b, r);
    size_t ntiers = 0;
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        ntiers += r->ifaces[fi].tier != NULL;
    sbuf_add(b, "\nconst struct leec_config leec_config = {\n    .project = ");
    c_string(b, proj_rel);
    sbuf_add(b, ",\n    .preset = ");
    c_string(b, r->preset_name);
    sbuf_add(b, ",\n    .feature_preset = ");
    c_string(b, r->fpreset);
    sbuf_printf(b, ",\n    .tiers = tiers,\n    .tiers_count = %zu,\n", ntiers);
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        render_iface_init(b, &cat->ifaces[fi], &r->ifaces[fi]);
    render_ha_init(b, r->proj);
    render_alexa_init(b, r->proj);
    if (r->nmetrics)
        sbuf_printf(b, "    .metric_defs = metric_defs,\n    .metric_defs_count = %zu,\n",
                    r->nmetrics);
    sbuf_add(b, "    .budget = {\n        .memory_estimate = LEEC_MEMORY_ESTIMATE,\n"
                "        .memory_limit = LEEC_MEMORY_LIMIT,\n"
                "        .memory_baseline = LEEC_MEMORY_BASELINE,\n"
                "        .metric_count = LEEC_METRIC_COUNT,\n    },\n};\n");
}

void emit_render(const struct resolved *r, const char *project_path, char **header, char **source)
{
    char rel[512];
    project_rel(r, project_path ? project_path : "(preset)", rel, sizeof rel);
    struct sbuf h = {0}, c = {0};
    render_header(&h, r, rel);
    render_source(&c, r, rel);
    *header = h.s;
    *source = c.s;
}

/* The output files are staged under unique names (mkstemp: parallel compiles never share
 * a temporary), fsync'ed, and only when every one is written are they renamed into place,
 * under an flock on the output directory so that two leec processes writing the same
 * directory never leave a .h from one and a .c from the other. A file that already holds
 * exactly the new content is left alone (its timestamp too). */
struct staged {
    const char *name, *text;
    char *path, *tmp; /* tmp NULL: unchanged */
};

static bool same_content(const char *path, const char *text)
{
    size_t len = strlen(text);
    FILE *old = fopen(path, "rb");
    if (!old)
        return false;
    char *buf = xmalloc(len + 2);
    size_t n = fread(buf, 1, len + 1, old);
    fclose(old);
    bool same = n == len && memcmp(buf, text, len) == 0;
    free(buf);
    return same;
}

/* Writes the file's new content to a temporary beside it (always: whether it differs
 * from the file in place is decided under the lock, when nothing else can change it). */
static int stage(const char *dir, struct staged *s, struct diag *d)
{
    struct sbuf p = {0}, t = {0};
    sbuf_printf(&p, "%s/%s", dir, s->name);
    s->path = p.s;
    sbuf_printf(&t, "%s/.%s.XXXXXX", dir, s->name);
    int fd = mkstemp(t.s);
    size_t len = strlen(s->text);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f || fwrite(s->text, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0 ||
        fchmod(fileno(f), 0644) != 0) {
        diag_error(d, NULL, "cannot write '%s': %s", t.s, strerror(errno));
        if (f)
            fclose(f);
        else if (fd >= 0)
            close(fd);
        if (fd >= 0)
            unlink(t.s);
        sbuf_free(&t);
        return 2;
    }
    fclose(f);
    s->tmp = t.s;
    return 0;
}

/* One file on its own (rename is atomic): unchanged content is left alone. */
static int same_content_or_stage(const char *dir, struct staged *s, struct diag *d)
{
    struct sbuf p = {0};
    sbuf_printf(&p, "%s/%s", dir, s->name);
    bool same = same_content(p.s, s->text);
    sbuf_free(&p);
    if (same)
        return 0; /* s->tmp stays NULL: nothing to rename */
    return stage(dir, s, d);
}

int emit_write_file(const char *dir, const char *name, const char *text, struct diag *d)
{
    struct staged s = {name, text, NULL, NULL};
    int rc = same_content_or_stage(dir, &s, d);
    if (!rc && s.tmp && rename(s.tmp, s.path) != 0) {
        diag_error(d, NULL, "cannot replace '%s': %s", s.path, strerror(errno));
        unlink(s.tmp);
        rc = 2;
    }
    free(s.tmp);
    free(s.path);
    return rc;
}

int emit_config(const struct resolved *r, const char *project_path, const char *outdir,
                struct diag *d)
{
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        diag_error(d, NULL, "cannot create '%s': %s", outdir, strerror(errno));
        return 2;
    }
    char *h, *c;
    emit_render(r, project_path, &h, &c);
    char rel[512];
    project_rel(r, project_path, rel, sizeof rel);
    char *facts = facts_render(r, rel);
    struct staged files[] = {
        {"leec_config.h", h, NULL, NULL},
        {"leec_config.c", c, NULL, NULL},
        {"leec_facts.json", facts, NULL, NULL},
    };
    enum { NFILES = sizeof files / sizeof files[0] };
    int rc = 0;
    for (size_t i = 0; i < NFILES && !rc; i++)
        rc = stage(outdir, &files[i], d);
    /* the lock is on the directory itself: no lock file left beside the output */
    int lfd = rc ? -1 : open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!rc && (lfd < 0 || flock(lfd, LOCK_EX) != 0)) {
        diag_error(d, NULL, "cannot lock '%s': %s", outdir, strerror(errno));
        rc = 2;
    }
    for (size_t i = 0; i < NFILES; i++) {
        bool moved = false;
        /* under the lock: a file that already holds exactly this content keeps its mtime */
        if (files[i].tmp && !rc && same_content(files[i].path, files[i].text)) {
            unlink(files[i].tmp);
            free(files[i].tmp);
            files[i].tmp = NULL;
        }
        if (files[i].tmp && !rc) {
            moved = rename(files[i].tmp, files[i].path) == 0;
            if (!moved) {
                diag_error(d, NULL, "cannot replace '%s': %s", files[i].path, strerror(errno));
                rc = 2;
            }
        }
        if (files[i].tmp && !moved)
            unlink(files[i].tmp);
        free(files[i].tmp);
        free(files[i].path);
    }
    if (lfd >= 0)
        close(lfd); /* releases the lock */
    free(h);
    free(c);
    free(facts);
    return rc;
}
