/* sections: see sections.h. Only the kinds model/schema.c lets a runtime section have
 * reach here: scalars and secrets, objects (flattened), lists of names or of objects
 * (an item struct), maps of names or of secrets. */
#include "emit/sections.h"

#include "emit/ctext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one section's walk writes into. */
struct out {
    const char *rt;      /* the section's C name: "ha" */
    struct sbuf *types;  /* enums and item structs, ahead of the struct */
    struct sbuf *fields; /* the struct's body */
    struct sbuf *xs;     /* LEEC_<RT>_FIELDS's entries; NULL inside an item struct */
};

static void field_name(char *dst, size_t size, const char *prefix, const struct shape *k)
{
    snprintf(dst, size, "%s%s%s", prefix, k->name, k->kind == SH_DURATION ? "_ms" : "");
}

/* LEEC_HA_TOKEN_MODE_LONG_LIVED */
static void enum_const(char *dst, size_t size, const char *rt, const char *field, const char *v)
{
    char ru[64], fu[128], vu[128];
    ctext_upper(ru, sizeof ru, rt);
    ctext_upper(fu, sizeof fu, field);
    ctext_upper(vu, sizeof vu, v);
    snprintf(dst, size, "LEEC_%s_%s_%s", ru, fu, vu);
}

static void render_enum(struct out *o, const char *field, const struct shape *k)
{
    sbuf_printf(o->types, "enum leec_%s_%s {", o->rt, field);
    for (size_t i = 0; i < k->nvalues; i++) {
        char c[400];
        enum_const(c, sizeof c, o->rt, field, k->values[i]);
        sbuf_printf(o->types, "%s %s", i ? "," : "", c);
    }
    sbuf_add(o->types, " };\n");
    /* By suffix, for the runtime's own enum to be checked against (core/bind.c). */
    char ru[64], fu[128];
    ctext_upper(ru, sizeof ru, o->rt);
    ctext_upper(fu, sizeof fu, field);
    sbuf_printf(o->types, "#define LEEC_%s_%s_VALUES(X)", ru, fu);
    for (size_t i = 0; i < k->nvalues; i++) {
        char vu[128];
        ctext_upper(vu, sizeof vu, k->values[i]);
        sbuf_printf(o->types, " X(%s)", vu);
    }
    sbuf_add(o->types, "\n");
}

static void type_fields(struct out *o, const struct shape *sh, const char *prefix,
                        const char *path);

static void type_field(struct out *o, const struct shape *k, const char *prefix, const char *path)
{
    char f[160], p[256], c[256];
    field_name(f, sizeof f, prefix, k);
    snprintf(p, sizeof p, "%s.%s", path, k->name);
    if (k->kind == SH_OBJECT) {
        char sub[176];
        snprintf(sub, sizeof sub, "%s_", f);
        type_fields(o, k, sub, p);
        return;
    }
    ctext_comment(c, sizeof c, p);
    switch (k->kind) {
    case SH_STRING:
        sbuf_printf(o->fields, "    const char *%s; /* %s */\n", f, c);
        break;
    case SH_BOOL:
        sbuf_printf(o->fields, "    bool %s; /* %s */\n", f, c);
        break;
    case SH_INT:
        sbuf_printf(o->fields, "    int64_t %s; /* %s */\n", f, c);
        break;
    case SH_DURATION:
        sbuf_printf(o->fields, "    uint64_t %s; /* %s */\n", f, c);
        break;
    case SH_ENUM:
        render_enum(o, f, k);
        sbuf_printf(o->fields, "    enum leec_%s_%s %s; /* %s */\n", o->rt, f, f, c);
        break;
    case SH_SECRET:
        sbuf_printf(o->fields, "    struct leec_secret_ref %s; /* %s: a reference */\n", f, c);
        break;
    case SH_LIST:
        if (k->of->kind == SH_OBJECT) {
            struct sbuf item = {0};
            struct out io = {o->rt, o->types, &item, NULL};
            char ip[264];
            snprintf(ip, sizeof ip, "%s[]", p);
            type_fields(&io, k->of, "", ip);
            sbuf_printf(o->types, "struct leec_%s_%s_item {\n%s};\n", o->rt, f, item.s);
            sbuf_free(&item);
            sbuf_printf(o->fields, "    const struct leec_%s_%s_item *%s; /* %s */\n", o->rt, f, f,
                        c);
        } else {
            sbuf_printf(o->fields, "    const char *const *%s; /* %s */\n", f, c);
        }
        sbuf_printf(o->fields, "    size_t %s_count;\n", f);
        break;
    case SH_MAP:
    default:
        sbuf_printf(o->fields,
                    "    const struct leec_%s_pair *%s; /* %s */\n    size_t %s_count;\n",
                    k->of->kind == SH_SECRET ? "secret" : "name", f, c, f);
        break;
    }
    if (o->xs)
        sbuf_printf(o->xs, " \\\n    X(%s)", f);
}

static void type_fields(struct out *o, const struct shape *sh, const char *prefix, const char *path)
{
    for (size_t i = 0; i < sh->nkeys; i++)
        type_field(o, &sh->keys[i], prefix, path);
}

void sections_render_types(struct sbuf *b, const struct catalog *cat)
{
    for (size_t i = 0; i < cat->sections.nkeys; i++) {
        const struct shape *s = &cat->sections.keys[i];
        if (!s->runtime)
            continue;
        struct sbuf types = {0}, fields = {0}, xs = {0};
        struct out o = {s->runtime, &types, &fields, &xs};
        type_fields(&o, s, "", s->name);
        char ru[64], name[128];
        ctext_upper(ru, sizeof ru, s->runtime);
        ctext_comment(name, sizeof name, s->name);
        sbuf_printf(b,
                    "\n/* The project file's %s section, from its shape in schemas/project.yaml.\n"
                    " * LEEC_%s_FIELDS(X): every field, which core/bind.c binds one by one. */\n",
                    name, ru);
        if (types.len)
            sbuf_add(b, types.s);
        sbuf_printf(b, "struct leec_%s_config {\n%s};\n#define LEEC_%s_FIELDS(X)%s\n", s->runtime,
                    fields.s ? fields.s : "", ru, xs.s ? xs.s : "");
        sbuf_free(&types);
        sbuf_free(&fields);
        sbuf_free(&xs);
    }
}

void sections_render_members(struct sbuf *b, const struct catalog *cat)
{
    for (size_t i = 0; i < cat->sections.nkeys; i++)
        if (cat->sections.keys[i].runtime)
            sbuf_printf(b, "    struct leec_%s_config %s;\n", cat->sections.keys[i].runtime,
                        cat->sections.keys[i].runtime);
}

/* ---- values ---- */

/* The value of a scalar: as read, else the shape's default; NULL when neither. */
static const struct sval *scalar_of(const struct shape *k, const struct sval *v, struct sval *def)
{
    if (v && v->set && v->ok)
        return v;
    if (!k->default_text || k->kind == SH_DURATION)
        return NULL;
    *def = (struct sval){.shape = k, .set = true};
    if (k->kind == SH_BOOL)
        def->b = strcmp(k->default_text, "true") == 0;
    else if (k->kind == SH_INT)
        def->num = strtod(k->default_text, NULL);
    else
        def->str = k->default_text;
    return def;
}

static size_t count_ok(const struct sval *v)
{
    size_t n = 0;
    for (size_t i = 0; v && i < v->n; i++)
        n += v->items[i].ok;
    return n;
}

static void init_fields(struct sbuf *init, struct sbuf *arrays, const char *rt,
                        const struct shape *sh, const struct sval *v, const char *prefix,
                        const char *indent);
static void render_entries(struct sbuf *arrays, const char *rt, const char *f,
                           const struct shape *k, const struct sval *v);

/* A list or map with a limit (schemas/limits.yaml): the C compiler re-checks it. */
static void limit_assert(struct sbuf *arrays, const char *rt, const char *f, const struct shape *k)
{
    if (!k->limit)
        return;
    char lu[64];
    ctext_upper(lu, sizeof lu, k->limit);
    sbuf_printf(arrays,
                "_Static_assert(sizeof %s_%s / sizeof %s_%s[0] <= LEEC_MAX_%s,\n"
                "               \"%s: more entries than schemas/limits.yaml allows\");\n",
                rt, f, rt, f, lu, f);
}

static void render_array(struct sbuf *arrays, const char *rt, const char *f, const struct shape *k,
                         const struct sval *v)
{
    render_entries(arrays, rt, f, k, v);
    limit_assert(arrays, rt, f, k);
}

static void render_entries(struct sbuf *arrays, const char *rt, const char *f,
                           const struct shape *k, const struct sval *v)
{
    if (k->kind == SH_LIST && k->of->kind == SH_OBJECT) {
        sbuf_printf(arrays, "static const struct leec_%s_%s_item %s_%s[] = {\n", rt, f, rt, f);
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i].ok) {
                sbuf_add(arrays, "    {\n");
                init_fields(arrays, NULL, rt, k->of, &v->items[i], "", "        ");
                sbuf_add(arrays, "    },\n");
            }
        sbuf_add(arrays, "};\n");
    } else if (k->kind == SH_LIST) {
        sbuf_printf(arrays, "static const char *const %s_%s[] = {", rt, f);
        const char *sep = "";
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i].ok) {
                sbuf_add(arrays, sep);
                ctext_string(arrays, v->items[i].str);
                sep = ", ";
            }
        sbuf_add(arrays, "};\n");
    } else {
        bool secret = k->of->kind == SH_SECRET;
        sbuf_printf(arrays, "static const struct leec_%s_pair %s_%s[] = {\n",
                    secret ? "secret" : "name", rt, f);
        for (size_t i = 0; i < v->n; i++) {
            const struct sval *e = &v->items[i];
            if (!e->ok)
                continue;
            sbuf_add(arrays, "    {");
            ctext_string(arrays, v->keys[i]->str);
            if (secret)
                sbuf_printf(arrays, ", {%s, ",
                            e->secret == SECRET_ENV ? "LEEC_SECRET_ENV" : "LEEC_SECRET_SSM");
            else
                sbuf_add(arrays, ", ");
            ctext_string(arrays, e->str);
            sbuf_add(arrays, secret ? "}},\n" : "},\n");
        }
        sbuf_add(arrays, "};\n");
    }
}

static void init_field(struct sbuf *init, struct sbuf *arrays, const char *rt,
                       const struct shape *k, const struct sval *v, const char *prefix,
                       const char *indent)
{
    char f[160];
    field_name(f, sizeof f, prefix, k);
    if (k->kind == SH_OBJECT) {
        char sub[176];
        snprintf(sub, sizeof sub, "%s_", f);
        init_fields(init, arrays, rt, k, v, sub, indent);
        return;
    }
    if (k->kind == SH_LIST || k->kind == SH_MAP) {
        size_t n = count_ok(v);
        if (!n || !arrays)
            return;
        render_array(arrays, rt, f, k, v);
        sbuf_printf(init, "%s.%s = %s_%s,\n%s.%s_count = %zu,\n", indent, f, rt, f, indent, f, n);
        return;
    }
    struct sval def;
    const struct sval *s = scalar_of(k, v, &def);
    if (!s)
        return;
    sbuf_printf(init, "%s.%s = ", indent, f);
    char c[400];
    switch (k->kind) {
    case SH_BOOL:
        sbuf_add(init, s->b ? "true" : "false");
        break;
    case SH_INT:
        sbuf_printf(init, "INT64_C(%.0f)", s->num);
        break;
    case SH_DURATION:
        sbuf_printf(init, "UINT64_C(%lld)", llround(s->num * 1000));
        break;
    case SH_ENUM:
        enum_const(c, sizeof c, rt, f, s->str);
        sbuf_add(init, c);
        break;
    case SH_SECRET:
        sbuf_printf(init, "{%s, ", s->secret == SECRET_ENV ? "LEEC_SECRET_ENV" : "LEEC_SECRET_SSM");
        ctext_string(init, s->str);
        sbuf_add(init, "}");
        break;
    default:
        ctext_string(init, s->str);
        break;
    }
    sbuf_add(init, ",\n");
}

static void init_fields(struct sbuf *init, struct sbuf *arrays, const char *rt,
                        const struct shape *sh, const struct sval *v, const char *prefix,
                        const char *indent)
{
    for (size_t i = 0; i < sh->nkeys; i++)
        init_field(init, arrays, rt, &sh->keys[i], v && i < v->n ? &v->items[i] : NULL, prefix,
                   indent);
}

/* The value tree of section i, or NULL (no project: defaults only). */
static const struct sval *section_value(const struct project *pj, size_t i)
{
    return pj && i < pj->sections.n ? &pj->sections.items[i] : NULL;
}

void sections_render_values(struct sbuf *arrays, struct sbuf *init, const struct catalog *cat,
                            const struct project *pj)
{
    for (size_t i = 0; i < cat->sections.nkeys; i++) {
        const struct shape *s = &cat->sections.keys[i];
        if (!s->runtime)
            continue;
        struct sbuf fields = {0};
        init_fields(&fields, arrays, s->runtime, s, section_value(pj, i), "", "        ");
        /* Left out when nothing is set: `.alexa = {}` is not ISO C11. */
        if (fields.len)
            sbuf_printf(init, "    .%s = {\n%s    },\n", s->runtime, fields.s);
        sbuf_free(&fields);
    }
}
