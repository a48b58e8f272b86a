/* schema_json: see schema_json.h.
 *
 * The editor schema must never flag what leec accepts and should flag what JSON Schema
 * can express of what leec rejects (tests/e2e/test_editor_schema.py checks both with
 * Ajv in strict mode and yaml-language-server). So:
 *   - a numeric or boolean parameter is a literal (with its range; sizes and durations
 *     as a unit pattern generated from the range) or an expression string made only of
 *     the expression language's tokens and the names it may reference;
 *   - every key has a description (the schemas' doc text) and says its default;
 *   - a pattern never shows as a regex: errorMessage says what to write (read by
 *     yaml-language-server, and by Ajv through ajv-errors);
 *   - the fixed sections come from schemas/project.yaml (keys, types, patterns with
 *     their message, ranges, defaults); the checks project.c makes in code (http://
 *     only with allow_http, token sources, mutual TLS, forbidden headers, budget
 *     figures in pairs, the free tier's request cap) are if/then blocks added to them
 *     here, by path. */
#include "emit/schema_json.h"

#include "model/project.h"
#include "model/shape.h"
#include "resolve/resolve.h"
#include "model/schema.h"
#include "expr/units.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- regular expressions for literal ranges ---- */

/* Decimal integers of equal length from lo to hi (digit strings), as a regex. */
static void range_same_len(struct sbuf *s, const char *lo, const char *hi)
{
    size_t n = strlen(lo);
    if (strcmp(lo, hi) == 0) {
        sbuf_add(s, lo);
        return;
    }
    if (n == 1) {
        sbuf_printf(s, "[%c-%c]", lo[0], hi[0]);
        return;
    }
    if (lo[0] == hi[0]) {
        sbuf_printf(s, "%c(?:", lo[0]);
        range_same_len(s, lo + 1, hi + 1);
        sbuf_add(s, ")");
        return;
    }
    char nines[32], zeros[32];
    memset(nines, '9', n - 1);
    nines[n - 1] = '\0';
    memset(zeros, '0', n - 1);
    zeros[n - 1] = '\0';
    sbuf_printf(s, "%c(?:", lo[0]);
    range_same_len(s, lo + 1, nines);
    sbuf_add(s, ")|");
    if (hi[0] - lo[0] > 1) {
        if (hi[0] - lo[0] == 2)
            sbuf_printf(s, "%c", lo[0] + 1);
        else
            sbuf_printf(s, "[%c-%c]", lo[0] + 1, hi[0] - 1);
        sbuf_printf(s, "[0-9]{%zu}|", n - 1);
    }
    sbuf_printf(s, "%c(?:", hi[0]);
    range_same_len(s, zeros, hi + 1);
    sbuf_add(s, ")");
}

/* Non-negative integers a..b as a regex group. */
static void int_range(struct sbuf *s, unsigned long long a, unsigned long long b)
{
    sbuf_add(s, "(?:");
    bool first = true;
    for (unsigned long long lo = a; lo <= b;) {
        unsigned long long top = 9;
        while (top < lo)
            top = top * 10 + 9;
        unsigned long long hi = top < b ? top : b;
        char l[32], h[32];
        snprintf(l, sizeof l, "%llu", lo);
        snprintf(h, sizeof h, "%llu", hi);
        sbuf_printf(s, "%s(?:", first ? "" : "|");
        range_same_len(s, l, h);
        sbuf_add(s, ")");
        first = false;
        if (hi == b)
            break;
        lo = hi + 1;
    }
    sbuf_add(s, ")");
}

/* x (>= 0, at most 1e12) split into its integer part and its fraction's digits (at most
 * 9, trailing zeros dropped; rounded to nearest, so a bound is off by at most 1e-9 of
 * the unit). */
static unsigned long long split_decimal(double x, char *frac, size_t size)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.9f", x > 0 ? (x < 1e12 ? x : 1e12) : 0);
    char *dot = strchr(buf, '.');
    *dot = '\0';
    size_t n = strlen(dot + 1);
    while (n && dot[n] == '0')
        n--;
    snprintf(frac, size, "%.*s", (int)n, dot + 1);
    return strtoull(buf, NULL, 10);
}

/* Digit strings (non-empty) f with 0.f <= 0.d, and with 0.f >= 0.d. */
static void frac_le(struct sbuf *s, const char *d)
{
    if (!*d) {
        sbuf_add(s, "0+");
        return;
    }
    sbuf_add(s, "(?:");
    if (d[0] > '0')
        sbuf_printf(s, "[0-%c][0-9]*|", d[0] - 1);
    sbuf_printf(s, "%c(?:", d[0]);
    frac_le(s, d + 1);
    sbuf_add(s, ")?)");
}

static void frac_ge(struct sbuf *s, const char *d)
{
    if (!*d) {
        sbuf_add(s, "[0-9]+");
        return;
    }
    sbuf_add(s, "(?:");
    if (d[0] < '9')
        sbuf_printf(s, "[%c-9][0-9]*|", d[0] + 1);
    sbuf_printf(s, "%c", d[0]);
    if (d[1])
        frac_ge(s, d + 1);
    else
        sbuf_add(s, "[0-9]*");
    sbuf_add(s, ")");
}

/* A decimal number (leading zeros, an optional fraction) between lo and hi, followed
 * by the regex suffix: the fraction is bounded too at both ends, so 0.5625GiB does not
 * pass a 512 MiB maximum. */
static void bounded_decimal(struct sbuf *s, double lo, double hi, const char *suffix)
{
    char fl[16], fh[16];
    unsigned long long a = split_decimal(lo, fl, sizeof fl), b = split_decimal(hi, fh, sizeof fh);
    if (hi < lo)
        b = a, strcpy(fh, fl);
    sbuf_add(s, "(?:0*(?:");
    bool alt = false;
    if (a == b) {
        sbuf_printf(s, "%llu", a);
        if (*fl) { /* both ends in one integer: a fraction between them */
            sbuf_add(s, "\\.(?=");
            frac_ge(s, fl);
            sbuf_printf(s, "%s$)", suffix);
            frac_le(s, fh);
        } else {
            sbuf_add(s, "(?:\\.");
            frac_le(s, fh);
            sbuf_add(s, ")?");
        }
    } else {
        if (a + 1 <= b - 1) {
            int_range(s, a + 1, b - 1);
            sbuf_add(s, "(?:\\.[0-9]+)?");
            alt = true;
        }
        sbuf_printf(s, "%s%llu", alt ? "|" : "", a);
        if (*fl) {
            sbuf_add(s, "\\.");
            frac_ge(s, fl);
        } else {
            sbuf_add(s, "(?:\\.[0-9]+)?");
        }
        sbuf_printf(s, "|%llu(?:\\.", b);
        frac_le(s, fh);
        sbuf_add(s, ")?");
    }
    sbuf_printf(s, ")%s)", suffix);
}

/* A size or duration literal between lo and hi: per unit, a decimal number bounded at
 * both ends (fraction included), an optional space, the unit. */
static char *literal_pattern(enum ptype t, double lo, double hi)
{
    const struct unit_def *u[16];
    size_t zero, n = units_of_dim(ptype_dim(t), u, 16, &zero);
    struct sbuf s = {0};
    sbuf_add(&s, "^(?:");
    for (size_t i = 0; i < n; i++) {
        double scale = u[i]->mul / u[i]->div;
        char suffix[32];
        snprintf(suffix, sizeof suffix, " ?%s", u[i]->name);
        if (i)
            sbuf_add(&s, "|");
        if (scale * ptype_def(t)->c_scale == 1) {
            /* the unit leec emits in (B, ms): a fraction of it is an error */
            double a = lo / scale, b = hi / scale;
            sbuf_add(&s, "(?:0*");
            int_range(&s, (unsigned long long)ceil(a > 0 ? (a < 1e12 ? a : 1e12) : 0),
                      (unsigned long long)floor(b > 0 ? (b < 1e12 ? b : 1e12) : 0));
            sbuf_printf(&s, "(?:\\.0+)?%s)", suffix);
        } else {
            bounded_decimal(&s, lo / scale, hi / scale, suffix);
        }
    }
    sbuf_add(&s, ")$");
    return s.s;
}

/* ---- expressions ---- */

static int longest_first(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);
    return lx != ly ? (lx < ly ? 1 : -1) : strcmp(x, y);
}

/* An expression as the lexer reads it: spaces, operators, numbers with an optional
 * unit, strings, true/false, the functions and the names interface `scope` may
 * reference. A plain literal is not an expression (it must match the literal form). */
static cJSON *expr_schema(const struct catalog *cat, const struct iface_def *scope, const char *msg)
{
    static const char *const words[] = {"min",  "max",   "sum",  "count",
                                        "ceil", "floor", "true", "false"};
    size_t n = 0, cap = 16;
    for (size_t i = 0; i < cat->nifaces; i++)
        cap += cat->ifaces[i].nparams + 1;
    char **names = xcalloc(cap, sizeof *names);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        names[n++] = xstrdup(words[i]);
    for (size_t i = 0; i < scope->nparams; i++)
        names[n++] = xstrdup(scope->params[i].name);
    for (size_t i = 0; i < cat->nifaces; i++)
        for (size_t j = 0; j < cat->ifaces[i].nparams; j++) {
            struct sbuf q = {0};
            sbuf_printf(&q, "%s.%s", cat->ifaces[i].name, cat->ifaces[i].params[j].name);
            names[n++] = q.s;
        }
    qsort(names, n, sizeof *names, longest_first);
    struct sbuf p = {0};
    /* Numbers with an optional unit from units.c's table (longest first). */
    const char *un[32];
    size_t nu = 0;
    for (size_t i = 0; i < unit_count && nu < 32; i++)
        if (unit_table[i].name[0] != '%')
            un[nu++] = unit_table[i].name;
    qsort(un, nu, sizeof *un, longest_first);
    sbuf_add(&p, "^(?:\\s|[-+*/()<>=!&|?:,%]|[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)? ?(?:");
    for (size_t i = 0; i < nu; i++)
        sbuf_printf(&p, "%s%s", i ? "|" : "", un[i]);
    sbuf_add(&p, ")?(?![A-Za-z0-9_])|\"[^\"]*\"|'[^']*'|(?:");
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(names[i], names[i - 1]) == 0)
            continue;
        if (i)
            sbuf_add(&p, "|");
        for (const char *c = names[i]; *c; c++)
            sbuf_add(&p, *c == '.' ? "\\." : (char[]){*c, 0});
    }
    sbuf_add(&p, ")(?![A-Za-z0-9_.]))+$");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "string");
    cJSON_AddStringToObject(s, "pattern", p.s);
    sbuf_free(&p);
    cJSON *lit = cJSON_AddObjectToObject(s, "not");
    cJSON_AddStringToObject(lit, "type", "string");
    cJSON_AddStringToObject(lit, "pattern", "^\\s*[0-9.]+\\s*[A-Za-z%]*\\s*$");
    cJSON_AddStringToObject(s, "errorMessage", msg);
    return s;
}

/* ---- small builders ---- */

static cJSON *obj(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON_AddBoolToObject(o, "additionalProperties", 0);
    return o;
}

static cJSON *props(cJSON *o)
{
    cJSON *p = cJSON_GetObjectItem(o, "properties");
    return p ? p : cJSON_AddObjectToObject(o, "properties");
}

static cJSON *str(const char *pattern, const char *msg, const char *doc)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "string");
    if (pattern)
        cJSON_AddStringToObject(s, "pattern", pattern);
    if (msg)
        cJSON_AddStringToObject(s, "errorMessage", msg);
    if (doc)
        cJSON_AddStringToObject(s, "description", doc);
    return s;
}

static cJSON *names_enum(const char *const *v, size_t n)
{
    return cJSON_CreateStringArray(v, (int)n);
}

/* One value of a list, for editors. The list sits inside anyOf: when a key's own schema
 * lists several values, yaml-language-server completes the key as `key: ` with no value
 * (invalid); with the list one level down it inserts `key: <snippet>` (or the default),
 * and still offers every value, each with its own doc (markdownEnumDescriptions). */
static cJSON *choice(const char *const *v, const char *const *docs, size_t n, const char *msg,
                     const char *snippet)
{
    cJSON *s = cJSON_CreateObject();
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "enum", names_enum(v, n));
    if (docs)
        cJSON_AddItemToObject(e, "markdownEnumDescriptions", cJSON_CreateStringArray(docs, (int)n));
    if (msg)
        cJSON_AddStringToObject(e, "errorMessage", msg);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(s, "anyOf"), e);
    if (msg)
        cJSON_AddStringToObject(s, "errorMessage", msg);
    if (snippet) {
        cJSON *sn = cJSON_CreateObject();
        cJSON_AddStringToObject(sn, "label", snippet);
        cJSON_AddStringToObject(sn, "body", snippet);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(s, "defaultSnippets"), sn);
    }
    return s;
}

static cJSON *list_of(cJSON *item, const char *doc)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "array");
    cJSON_AddItemToObject(s, "items", item);
    cJSON_AddStringToObject(s, "description", doc);
    cJSON_AddItemToObject(s, "default", cJSON_CreateArray());
    return s;
}

/* {"not": ...} never shows its errorMessage in yaml-language-server; a value that is
 * never valid is written as type array (the property's own schema requires a string).
 * Not type null: editors offer `null` as a value of a null-typed schema. */
static cJSON *never(const char *msg)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "array");
    cJSON_AddStringToObject(s, "errorMessage", msg);
    return s;
}

static cJSON *required(const char *a, const char *b)
{
    cJSON *s = cJSON_CreateObject();
    const char *v[2] = {a, b};
    cJSON_AddItemToObject(s, "required", cJSON_CreateStringArray(v, b ? 2 : 1));
    cJSON *p = cJSON_AddObjectToObject(s, "properties");
    cJSON_AddBoolToObject(p, a, 1);
    if (b)
        cJSON_AddBoolToObject(p, b, 1);
    return s;
}

static void fmt_quantity(char *buf, size_t size, enum ptype t, double v)
{
    struct value x = {.kind = V_NUM, .num = v, .dim = ptype_dim(t)};
    value_format(&x, buf, size);
}

/* ---- parameters ---- */

static const char *type_words(enum ptype t)
{
    switch (t) {
    case PT_INT:
        return "a whole number";
    case PT_SIZE:
        return "a size with a unit (B, KiB, MiB or GiB), e.g. 512KiB";
    case PT_DURATION:
        return "a duration with a unit (ms, s, m or h), e.g. 250ms or 2m";
    case PT_RATIO:
        return "a ratio such as 0.85 or 85%";
    default:
        return "true or false";
    }
}

static const char *expr_example(enum ptype t)
{
    switch (t) {
    case PT_INT:
        return "lambda.memory_mb * 2";
    case PT_SIZE:
        return "4MiB * 2";
    case PT_DURATION:
        return "1m + 30s";
    case PT_RATIO:
        return "90% - 5%";
    default:
        return "metrics.enabled && cache.enabled";
    }
}

/* The standard tier's value, as YAML wrote it: the default shown by editors (the
 * preset decides the real one, which the description says). */
static cJSON *tier_default(const struct catalog *cat, size_t fi, size_t pi, char *text, size_t size)
{
    text[0] = '\0';
    const struct tier_def *std = catalog_tier(cat, "standard");
    const struct pvalue *pv = std ? &std->ifaces[fi].values[pi] : NULL;
    if (!pv || !pv->node)
        return NULL;
    const struct ynode *n = pv->node;
    const struct param_def *p = &cat->ifaces[fi].params[pi];
    if (n->kind == YN_SEQ) {
        cJSON *a = cJSON_CreateArray();
        struct sbuf s = {0};
        sbuf_add(&s, "[");
        for (size_t i = 0; i < n->nitems; i++) {
            cJSON_AddItemToArray(a, cJSON_CreateString(n->items[i]->str));
            sbuf_printf(&s, "%s%s", i ? ", " : "", n->items[i]->str);
        }
        sbuf_add(&s, "]");
        snprintf(text, size, "%s", s.s);
        sbuf_free(&s);
        return a;
    }
    if (n->kind != YN_SCALAR)
        return NULL;
    snprintf(text, size, "%s", n->str);
    char *end;
    double v = strtod(n->str, &end);
    if (p->type == PT_BOOL && (!strcmp(n->str, "true") || !strcmp(n->str, "false")))
        return cJSON_CreateBool(!strcmp(n->str, "true"));
    if ((p->type == PT_INT || p->type == PT_RATIO) && *n->str && !*end)
        return cJSON_CreateNumber(v);
    return cJSON_CreateString(n->str);
}

static cJSON *param_schema(const struct catalog *cat, size_t fi, size_t pi)
{
    const struct iface_def *f = &cat->ifaces[fi];
    const struct param_def *p = &f->params[pi];
    char range[128] = "", lo[48], hi[48];
    if (p->has_range && p->type != PT_LIST) {
        fmt_quantity(lo, sizeof lo, p->type, p->min);
        fmt_quantity(hi, sizeof hi, p->type, p->max);
        snprintf(range, sizeof range, " from %s to %s", lo, hi);
    }
    char msg[512];
    cJSON *s = cJSON_CreateObject();
    switch (p->type) {
    case PT_ENUM: {
        char list[400];
        join_names(list, sizeof list, (const char *const *)p->values, p->nvalues, " or ");
        snprintf(msg, sizeof msg, "%s.%s is %s", f->name, p->name, list);
        cJSON_Delete(s); /* the default (below) is what completing the key inserts */
        s = choice((const char *const *)p->values, NULL, p->nvalues, msg, NULL);
        break;
    }
    case PT_STRING:
        cJSON_AddStringToObject(s, "type", "string");
        if (p->pattern) { /* the rule leec checks in C; the doc says it in words */
            cJSON_AddStringToObject(s, "pattern", p->pattern);
            snprintf(msg, sizeof msg, "%s.%s: %s", f->name, p->name, p->doc ? p->doc : "");
            cJSON_AddStringToObject(s, "errorMessage", msg);
        }
        break;
    case PT_LIST: {
        cJSON_AddStringToObject(s, "type", "array");
        cJSON_AddNumberToObject(s, "maxItems", (double)p->max_items);
        cJSON_AddBoolToObject(s, "uniqueItems", 1);
        cJSON *it = cJSON_AddObjectToObject(s, "items");
        if (p->item_type == PT_ENUM) {
            cJSON_AddItemToObject(it, "enum",
                                  names_enum((const char *const *)p->values, p->nvalues));
            char list[400];
            join_names(list, sizeof list, (const char *const *)p->values, p->nvalues, " or ");
            snprintf(msg, sizeof msg, "%s.%s lists %s", f->name, p->name, list);
            cJSON_AddStringToObject(it, "errorMessage", msg);
        } else {
            cJSON_AddStringToObject(it, "type", "string");
        }
        break;
    }
    default: {
        if (p->type == PT_BOOL)
            snprintf(msg, sizeof msg,
                     "%s.%s is true or false (lower case, no quotes), or an expression such as "
                     "%s",
                     f->name, p->name, expr_example(p->type));
        else
            snprintf(msg, sizeof msg,
                     "%s.%s is %s%s, no quotes, or an expression (docs/expressions.md) such as %s",
                     f->name, p->name, type_words(p->type), range, expr_example(p->type));
        cJSON *any = cJSON_AddArrayToObject(s, "anyOf");
        cJSON *lit = cJSON_CreateObject();
        if (p->type == PT_INT || p->type == PT_RATIO) {
            cJSON_AddStringToObject(lit, "type", p->type == PT_INT ? "integer" : "number");
            if (p->has_range) {
                cJSON_AddNumberToObject(lit, "minimum", p->min);
                cJSON_AddNumberToObject(lit, "maximum", p->max);
            }
        } else if (p->type == PT_BOOL) {
            cJSON_AddStringToObject(lit, "type", "boolean");
        } else {
            char *pat =
                literal_pattern(p->type, p->has_range ? p->min : 0, p->has_range ? p->max : 1e12);
            cJSON_AddStringToObject(lit, "type", "string");
            cJSON_AddStringToObject(lit, "pattern", pat);
            free(pat);
        }
        cJSON_AddStringToObject(lit, "errorMessage", msg);
        cJSON_AddItemToArray(any, lit);
        if (p->type == PT_RATIO) {
            struct sbuf pct = {0};
            sbuf_add(&pct, "^");
            bounded_decimal(&pct, p->has_range ? p->min * 100 : 0,
                            p->has_range ? p->max * 100 : 100, "%");
            sbuf_add(&pct, "$");
            cJSON_AddItemToArray(any, str(pct.s, msg, NULL));
            sbuf_free(&pct);
        }
        cJSON_AddItemToArray(any, expr_schema(cat, f, msg));
        cJSON_AddStringToObject(s, "errorMessage", msg);
        break;
    }
    }
    char deftext[256];
    cJSON *def = tier_default(cat, fi, pi, deftext, sizeof deftext);
    struct sbuf d = {0};
    sbuf_printf(&d, "%s\n\nDefault: set by the preset's tier", p->doc ? p->doc : "");
    if (def)
        sbuf_printf(&d, " (standard: %s)", deftext);
    sbuf_add(&d, ".");
    if (*range)
        sbuf_printf(&d, " Range:%s.", range);
    cJSON_AddStringToObject(s, "description", d.s);
    sbuf_free(&d);
    if (def)
        cJSON_AddItemToObject(s, "default", def);
    return s;
}

/* ---- the project file ---- */

static void add_features(cJSON *p, const struct catalog *cat)
{
    const char **fp = xcalloc(cat->nfpresets + 1, sizeof *fp);
    const char **fp_docs = xcalloc(cat->nfpresets + 1, sizeof *fp_docs);
    for (size_t i = 0; i < cat->nfpresets; i++) {
        fp[i] = cat->fpresets[i].name;
        fp_docs[i] = cat->fpresets[i].doc ? cat->fpresets[i].doc : "";
    }
    const struct iface_def *fi = catalog_iface(cat, "features");
    const char **feats = xcalloc(fi->nparams + 1, sizeof *feats);
    for (size_t i = 0; i < fi->nparams; i++)
        feats[i] = fi->params[i].name;
    char fplist[512], flist[512];
    join_names(fplist, sizeof fplist, fp, cat->nfpresets, " or ");
    join_names(flist, sizeof flist, feats, fi->nparams, " or ");
    char msg[700];
    cJSON *features = cJSON_AddObjectToObject(p, "features");
    cJSON_AddStringToObject(features, "description",
                            "Which Home Assistant features are compiled in: a feature preset "
                            "(presets/features/) or {preset, add, remove}. Required, no default.");
    cJSON *one = cJSON_AddArrayToObject(features, "oneOf");
    /* Completing `features` inserts `features: <a feature preset>` (yaml-language-server
     * writes the bare key, without ':', for a oneOf without a snippet). */
    const char *start = catalog_fpreset(cat, "smart_home") ? "smart_home" : fp[0];
    if (start) {
        cJSON *sn = cJSON_CreateObject();
        cJSON_AddStringToObject(sn, "label", start);
        cJSON_AddStringToObject(sn, "body", start);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(features, "defaultSnippets"), sn);
    }
    cJSON *name = cJSON_CreateObject();
    cJSON_AddItemToObject(name, "enum", names_enum(fp, cat->nfpresets));
    cJSON_AddItemToObject(name, "markdownEnumDescriptions",
                          cJSON_CreateStringArray(fp_docs, (int)cat->nfpresets));
    snprintf(msg, sizeof msg, "a feature preset: %s", fplist);
    cJSON_AddStringToObject(name, "errorMessage", msg);
    cJSON_AddStringToObject(name, "description", "A feature preset. Required, no default.");
    cJSON_AddItemToArray(one, name);
    cJSON *o = obj();
    cJSON_AddStringToObject(o, "description", "A feature preset with features added or removed.");
    cJSON *op = props(o);
    cJSON *pr = cJSON_AddObjectToObject(op, "preset");
    cJSON_AddItemToObject(pr, "enum", names_enum(fp, cat->nfpresets));
    cJSON_AddStringToObject(pr, "errorMessage", msg);
    cJSON_AddStringToObject(pr, "description",
                            "The feature preset to start from. Required, no default.");
    for (int k = 0; k < 2; k++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddItemToObject(it, "enum", names_enum(feats, fi->nparams));
        snprintf(msg, sizeof msg, "a feature: %s", flist);
        cJSON_AddStringToObject(it, "errorMessage", msg);
        cJSON_AddItemToObject(op, k ? "remove" : "add",
                              list_of(it, k ? "Features taken out of the preset's. Default: none."
                                            : "Features added to the preset's. Default: none."));
    }
    static const char *const req[] = {"preset"};
    cJSON_AddItemToObject(o, "required", cJSON_CreateStringArray(req, 1));
    cJSON_AddItemToArray(one, o);
    free(fp);
    free(fp_docs);
    free(feats);
}

static void add_tiers_overrides(cJSON *p, const struct catalog *cat)
{
    const char **tiers = xcalloc(cat->ntiers + 1, sizeof *tiers);
    const char **tier_docs = xcalloc(cat->ntiers + 1, sizeof *tier_docs);
    for (size_t i = 0; i < cat->ntiers; i++) {
        tiers[i] = cat->tiers[i].name;
        tier_docs[i] = cat->tiers[i].doc ? cat->tiers[i].doc : "";
    }
    /* Offered: every tier but `user` (which gives no values: chosen alone, leec asks for
     * all of them in overrides), listed last. */
    size_t nshown = 0;
    bool has_user = false;
    const char **shown = xcalloc(cat->ntiers + 1, sizeof *shown);
    const char **shown_docs = xcalloc(cat->ntiers + 1, sizeof *shown_docs);
    for (size_t i = 0; i < cat->ntiers; i++) {
        if (!strcmp(tiers[i], "user")) {
            has_user = true;
            continue;
        }
        shown[nshown] = tiers[i];
        shown_docs[nshown++] = tier_docs[i];
    }
    char tlist[256], msg[400];
    join_names(tlist, sizeof tlist, tiers, cat->ntiers, " or ");
    cJSON *t = obj();
    cJSON_AddStringToObject(t, "description",
                            "A tier per interface on top of the preset's (leec list shows the "
                            "tiers). Default: the preset's tiers.");
    cJSON *tp = props(t);
    cJSON *o = obj();
    cJSON_AddStringToObject(o, "description",
                            "Single values on top of the preset and the tiers: {interface: "
                            "{parameter: value}}. Default: none.");
    cJSON *op = props(o);
    for (size_t i = 0; i < cat->nifaces; i++) {
        const struct iface_def *f = &cat->ifaces[i];
        if (!f->tiered)
            continue;
        snprintf(msg, sizeof msg, "a tier: %s", tlist);
        cJSON *e = choice(shown, shown_docs, nshown, msg, "standard");
        if (has_user) /* accepted, not offered: it needs every value in overrides */
            cJSON_AddItemToArray(cJSON_GetObjectItem(e, "anyOf"), str("^user$", msg, NULL));
        struct sbuf d = {0};
        sbuf_printf(&d, "%s\n\nDefault: the preset's tier for %s.", f->doc, f->name);
        cJSON_AddStringToObject(e, "description", d.s);
        sbuf_free(&d);
        cJSON_AddItemToObject(tp, f->name, e);
        cJSON *io = obj();
        cJSON_AddStringToObject(io, "description", f->doc);
        cJSON *ip = props(io);
        for (size_t j = 0; j < f->nparams; j++)
            cJSON_AddItemToObject(ip, f->params[j].name, param_schema(cat, i, j));
        cJSON_AddItemToObject(op, f->name, io);
    }
    /* leec accepts a retired interface under tiers: (with a warning) and ignores it:
     * accepted here too, but as a pattern, which editors do not offer as a key. */
    if (cat->nretired) {
        struct sbuf pat = {0}, d = {0};
        sbuf_add(&pat, "^(");
        for (size_t i = 0; i < cat->nretired; i++) {
            sbuf_printf(&pat, "%s%s", i ? "|" : "", cat->retired[i].name);
            sbuf_printf(&d, "%s%s (%s)", i ? "; " : "", cat->retired[i].name,
                        cat->retired[i].reason);
        }
        sbuf_add(&pat, ")$");
        cJSON *r = cJSON_CreateObject();
        struct sbuf desc = {0};
        sbuf_printf(&desc, "Retired interface: accepted and ignored, leec warns (%s).", d.s);
        cJSON_AddStringToObject(r, "description", desc.s);
        cJSON_AddItemToObject(cJSON_AddObjectToObject(t, "patternProperties"), pat.s, r);
        sbuf_free(&pat);
        sbuf_free(&d);
        sbuf_free(&desc);
    }
    free(tiers);
    free(tier_docs);
    free(shown);
    free(shown_docs);
    cJSON_AddItemToObject(p, "tiers", t);
    cJSON_AddItemToObject(p, "overrides", o);
}

static cJSON *secret_schema(void)
{
    cJSON *o = obj();
    cJSON_AddStringToObject(o, "description",
                            "A secret by reference: {env: VARIABLE} or {ssm: /parameter/name}, "
                            "never the value.");
    cJSON *p = props(o);
    cJSON_AddItemToObject(p, "env",
                          str(SHAPE_ENV_PATTERN, SHAPE_ENV_MESSAGE,
                              "Environment variable holding the value. Default: none."));
    cJSON_AddItemToObject(p, "ssm",
                          str(SHAPE_SSM_PATTERN, SHAPE_SSM_MESSAGE,
                              "SSM parameter holding the value. Default: none."));
    cJSON_AddNumberToObject(o, "minProperties", 1);
    cJSON_AddNumberToObject(o, "maxProperties", 1);
    cJSON_AddStringToObject(o, "errorMessage",
                            "a header value is a secret: give {env: VARIABLE} or {ssm: "
                            "/parameter/name}, never the value");
    return o;
}

/* ---- the fixed sections (schemas/project.yaml) ---- */

static const char *shape_words(const struct shape *sh)
{
    switch (sh->kind) {
    case SH_BOOL:
        return "true or false";
    case SH_INT:
        return "a whole number";
    case SH_DURATION:
        return "a duration such as 150ms";
    default:
        return NULL;
    }
}

static cJSON *shape_default(const struct shape *sh)
{
    const char *t = sh->default_text;
    if (!t)
        return NULL;
    if (sh->kind == SH_BOOL)
        return cJSON_CreateBool(strcmp(t, "true") == 0);
    if (sh->kind == SH_INT)
        return cJSON_CreateNumber(strtod(t, NULL));
    return cJSON_CreateString(t);
}

/* A section or key: its JSON Schema, description "doc. Default: ...". */
static cJSON *shape_schema(const struct catalog *cat, const struct shape *sh)
{
    cJSON *s = NULL;
    switch (sh->kind) {
    case SH_STRING:
        s = str(sh->pattern, sh->pattern ? sh->message : NULL, NULL);
        if (sh->nexamples) /* offered, and what completing the key inserts */
            cJSON_AddItemToObject(
                s, "examples",
                cJSON_CreateStringArray((const char *const *)sh->examples, (int)sh->nexamples));
        break;
    case SH_DURATION: {
        char *pat =
            literal_pattern(PT_DURATION, sh->has_min ? sh->min : 0, sh->has_max ? sh->max : 1e12);
        s = str(pat, sh->message ? sh->message : "a duration such as 150ms", NULL);
        free(pat);
        break;
    }
    case SH_ENUM: {
        char list[1024];
        join_names(list, sizeof list, (const char *const *)sh->values, sh->nvalues, " or ");
        struct sbuf m = {0};
        if (sh->message)
            sbuf_add(&m, sh->message);
        else
            sbuf_printf(&m, "one of %s", list);
        s = choice((const char *const *)sh->values, NULL, sh->nvalues, m.s,
                   sh->default_text ? NULL : sh->values[0]);
        sbuf_free(&m);
        break;
    }
    case SH_SECRET:
        s = secret_schema();
        break;
    case SH_BOOL:
    case SH_INT:
        s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "type", sh->kind == SH_BOOL ? "boolean" : "integer");
        if (sh->has_min)
            cJSON_AddNumberToObject(s, "minimum", sh->min);
        if (sh->has_max)
            cJSON_AddNumberToObject(s, "maximum", sh->max);
        if (sh->message)
            cJSON_AddStringToObject(s, "errorMessage", sh->message);
        break;
    case SH_OBJECT: {
        s = obj();
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
        cJSON *item = shape_schema(cat, sh->of);
        if (sh->kind == SH_LIST) {
            /* leec: no item twice, no empty name (model/shape.c) */
            cJSON_AddBoolToObject(s, "uniqueItems", 1);
            if (sh->of->kind == SH_STRING && !cJSON_GetObjectItem(item, "minLength"))
                cJSON_AddNumberToObject(item, "minLength", 1);
            if (!strcmp(sh->name, "languages")) { /* model/project.c: "must hold en" */
                cJSON *has = cJSON_AddObjectToObject(s, "contains");
                cJSON_AddStringToObject(has, "const", "en");
            }
        }
        cJSON_AddItemToObject(s, sh->kind == SH_MAP ? "additionalProperties" : "items", item);
        break;
    }
    const struct limit_def *lim = sh->limit ? catalog_limit(cat, sh->limit) : NULL;
    if (lim)
        cJSON_AddNumberToObject(s, sh->kind == SH_MAP ? "maxProperties" : "maxItems",
                                (double)lim->max);
    struct sbuf d = {0};
    sbuf_add(&d, sh->doc && *sh->doc ? sh->doc : sh->name);
    if (d.len && d.s[d.len - 1] != '.')
        sbuf_add(&d, ".");
    const char *words = shape_words(sh);
    if (sh->has_min && sh->has_max && words) {
        char lo[48], hi[48];
        struct value l = {
            .kind = V_NUM, .num = sh->min, .dim = sh->kind == SH_DURATION ? DIM_SECS : DIM_NONE};
        struct value h = l;
        h.num = sh->max;
        value_format(&l, lo, sizeof lo);
        value_format(&h, hi, sizeof hi);
        sbuf_printf(&d, " From %s to %s.", lo, hi);
    }
    if (sh->required)
        sbuf_add(&d, " Required, no default.");
    else if (sh->default_text)
        sbuf_printf(&d, " Default: %s.", sh->default_text);
    else if (sh->kind == SH_LIST || sh->kind == SH_MAP)
        sbuf_add(&d, " Default: none (empty).");
    else
        sbuf_add(&d, " Default: none.");
    cJSON_AddStringToObject(s, "description", d.s);
    sbuf_free(&d);
    cJSON *def = shape_default(sh);
    /* A list left out is empty, or (a list of values, such as languages) all of them;
     * said as the default so that completing the key inserts a valid list. */
    if (!def && sh->kind == SH_LIST && !sh->required)
        def =
            sh->of && sh->of->kind == SH_ENUM
                ? cJSON_CreateStringArray((const char *const *)sh->of->values, (int)sh->of->nvalues)
                : cJSON_CreateArray();
    if (def)
        cJSON_AddItemToObject(s, "default", def);
    return s;
}

/* The JSON node of a section path ("home_assistant.tls"), or NULL. */
static cJSON *at_path(cJSON *root_props, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    cJSON *node = NULL, *pr = root_props;
    for (char *part = strtok(buf, "."); part; part = strtok(NULL, ".")) {
        node = pr ? cJSON_GetObjectItem(pr, part) : NULL;
        if (!node)
            return NULL;
        pr = cJSON_GetObjectItem(node, "properties");
    }
    return node;
}

/* The checks project.c makes in code, as JSON Schema on the shapes' output. Each is
 * reported where leec reports it (the url, the offending key, the token's mode). */
static void add_section_rules(cJSON *p, const struct catalog *cat)
{
    cJSON *ha = at_path(p, "home_assistant");
    cJSON *url = at_path(p, "home_assistant.url");
    if (url && !cJSON_GetObjectItem(url, "default"))
        /* The value an editor inserts for the required url (a new file's whole-file item):
         * a placeholder that validates, to replace with the house's own address. leec has
         * no default: the key is required. */
        cJSON_AddStringToObject(url, "default", "https://homeassistant.example.org:8123");
    if (ha && at_path(p, "home_assistant.allow_http")) {
        /* http:// that is not loopback needs allow_http: true. */
        cJSON *nt = cJSON_AddObjectToObject(cJSON_AddObjectToObject(ha, "if"), "not");
        static const char *const ahreq[] = {"allow_http"};
        cJSON_AddItemToObject(nt, "required", cJSON_CreateStringArray(ahreq, 1));
        cJSON_AddTrueToObject(cJSON_AddObjectToObject(props(nt), "allow_http"), "const");
        cJSON *then = cJSON_AddObjectToObject(ha, "then");
        cJSON_AddItemToObject(props(then), "url",
                              str("^(?!http://)|^http://(127\\.|localhost(:|/|$)|\\[::1\\])",
                                  "plain http:// sends the token unencrypted; use https:// or "
                                  "set allow_http: true",
                                  NULL));
    }
    cJSON *tok = at_path(p, "home_assistant.token");
    if (tok) {
        static const char *const treq[] = {"mode"};
        cJSON *all = cJSON_AddArrayToObject(tok, "allOf");
        cJSON *r1 = cJSON_CreateObject();
        cJSON *if1 = cJSON_AddObjectToObject(r1, "if");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(props(if1), "mode"), "const",
                                "account_linking");
        cJSON_AddItemToObject(if1, "required", cJSON_CreateStringArray(treq, 1));
        cJSON *t1 = props(cJSON_AddObjectToObject(r1, "then"));
        cJSON_AddItemToObject(t1, "env",
                              never("account_linking takes the token from each "
                                    "directive; remove 'env'"));
        cJSON_AddItemToObject(t1, "ssm",
                              never("account_linking takes the token from each "
                                    "directive; remove 'ssm'"));
        cJSON_AddItemToArray(all, r1);
        cJSON *r2 = cJSON_CreateObject();
        cJSON *if2 = cJSON_AddObjectToObject(r2, "if");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(props(if2), "mode"), "const", "long_lived");
        cJSON_AddItemToObject(if2, "required", cJSON_CreateStringArray(treq, 1));
        cJSON *any = cJSON_AddArrayToObject(cJSON_AddObjectToObject(r2, "then"), "anyOf");
        cJSON_AddItemToArray(any, required("env", NULL));
        cJSON_AddItemToArray(any, required("ssm", NULL));
        cJSON *m2 = cJSON_CreateObject();
        cJSON_AddItemToObject(props(m2), "mode",
                              never("a long-lived token needs exactly one of 'env' or 'ssm'"));
        cJSON_AddItemToArray(any, m2);
        cJSON_AddItemToArray(all, r2);
        cJSON *r3 = cJSON_CreateObject();
        cJSON_AddItemToObject(r3, "if", required("env", "ssm"));
        cJSON_AddItemToObject(props(cJSON_AddObjectToObject(r3, "then")), "mode",
                              never("a token needs exactly one of 'env' or 'ssm', not both"));
        cJSON_AddItemToArray(all, r3);
        /* Editors offer the one mode that fits: long_lived once env or ssm is there,
         * account_linking otherwise. The list itself is a pattern (accepted, not
         * offered); each rule's `then` offers its mode. */
        cJSON *mode = at_path(p, "home_assistant.token.mode");
        cJSON *mode_any = mode ? cJSON_GetObjectItem(mode, "anyOf") : NULL;
        cJSON *mode_enum = mode_any ? cJSON_GetArrayItem(mode_any, 0) : NULL;
        if (mode_enum) {
            cJSON_DeleteItemFromObject(mode, "defaultSnippets"); /* would offer one mode */
            cJSON *msg = cJSON_GetObjectItem(mode_enum, "errorMessage");
            cJSON_ReplaceItemInArray(
                mode_any, 0,
                str("^(account_linking|long_lived)$", msg ? msg->valuestring : NULL, NULL));
            for (int k = 0; k < 2; k++) {
                const char *m = k ? "account_linking" : "long_lived";
                cJSON *r = cJSON_CreateObject();
                cJSON *src = cJSON_CreateArray();
                cJSON_AddItemToArray(src, required("env", NULL));
                cJSON_AddItemToArray(src, required("ssm", NULL));
                cJSON *rif = cJSON_AddObjectToObject(r, "if");
                if (k) /* neither env nor ssm */
                    cJSON_AddItemToObject(cJSON_AddObjectToObject(rif, "not"), "anyOf", src);
                else
                    cJSON_AddItemToObject(rif, "anyOf", src);
                cJSON *lm =
                    cJSON_AddObjectToObject(props(cJSON_AddObjectToObject(r, "then")), "mode");
                cJSON_AddItemToObject(lm, "enum", cJSON_CreateStringArray(&m, 1));
                cJSON_AddStringToObject(lm, "errorMessage",
                                        k ? "a long-lived token needs exactly one of 'env' or "
                                            "'ssm'"
                                          : "a token from env or ssm is mode: long_lived "
                                            "(account_linking takes it from each directive)");
                cJSON_AddItemToArray(all, r);
            }
        }
    }
    cJSON *tls = at_path(p, "home_assistant.tls");
    if (tls) {
        cJSON *tall = cJSON_AddArrayToObject(tls, "allOf");
        for (int k = 0; k < 2; k++) {
            const char *has = k ? "client_key" : "client_cert";
            const char *lacks = k ? "client_cert" : "client_key";
            cJSON *r = cJSON_CreateObject();
            cJSON *rif = required(has, NULL);
            cJSON_AddItemToObject(rif, "not", required(lacks, NULL));
            cJSON_AddItemToObject(r, "if", rif);
            cJSON_AddItemToObject(props(cJSON_AddObjectToObject(r, "then")), has,
                                  never("client_cert and client_key go together (mutual TLS)"));
            cJSON_AddItemToArray(tall, r);
        }
    }
    cJSON *hdr = at_path(p, "home_assistant.headers");
    if (hdr)
        cJSON_AddItemToObject(
            hdr, "propertyNames",
            str("^(?!(?:[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]|[Hh][Oo][Ss][Tt]|"
                "[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh])$)[-_A-Za-z0-9]+$",
                "this header cannot be set as an extra header (not Authorization, Host or "
                "Content-Length; letters, digits, - and _)",
                NULL));
    cJSON *bu = at_path(p, "budget");
    if (bu && at_path(p, "budget.invocations_per_day") && at_path(p, "budget.avg_duration")) {
        cJSON *dep = cJSON_AddObjectToObject(bu, "dependencies");
        static const char *const a[] = {"avg_duration"}, *const b[] = {"invocations_per_day"};
        cJSON_AddItemToObject(dep, "invocations_per_day", cJSON_CreateStringArray(a, 1));
        cJSON_AddItemToObject(dep, "avg_duration", cJSON_CreateStringArray(b, 1));
    }
    if (bu && at_path(p, "budget.allow_paid")) {
        /* Without allow_paid, requests alone cap the rate at the free tier's (GB-seconds
         * and logs depend on the resolved configuration: leec checks those). */
        cJSON *nt = cJSON_AddObjectToObject(cJSON_AddObjectToObject(bu, "if"), "not");
        static const char *const apreq[] = {"allow_paid"};
        cJSON_AddItemToObject(nt, "required", cJSON_CreateStringArray(apreq, 1));
        cJSON_AddTrueToObject(cJSON_AddObjectToObject(props(nt), "allow_paid"), "const");
        cJSON *cap = cJSON_AddObjectToObject(props(cJSON_AddObjectToObject(bu, "then")),
                                             "invocations_per_day");
        cJSON_AddStringToObject(cap, "type", "integer");
        cJSON_AddNumberToObject(cap, "maximum", floor(FREE_REQUESTS / 30.0));
        char capmsg[200];
        snprintf(capmsg, sizeof capmsg,
                 "over %.0f a day is over the free tier's %.0f requests a month: lower it or "
                 "set budget.allow_paid: true",
                 floor(FREE_REQUESTS / 30.0), FREE_REQUESTS);
        cJSON_AddStringToObject(cap, "errorMessage", capmsg);
    }
    (void)cat;
}

char *schema_json_render(const struct catalog *cat)
{
    cJSON *root = obj();
    cJSON_AddStringToObject(root, "$schema", "http://json-schema.org/draft-07/schema#");
    cJSON_AddStringToObject(root, "$id", "https://leec.dev/schema/project-1.json");
    cJSON_AddStringToObject(root, "title", "leec project file");
    cJSON_AddStringToObject(root, "description",
                            "A leec project file (leec.yaml): a preset, features, tiers and "
                            "overrides, the Home Assistant connection, Alexa settings and the "
                            "budget.");
    cJSON *p = props(root);
    cJSON *ver = cJSON_AddObjectToObject(p, "leec");
    cJSON_AddNumberToObject(ver, "const", 1);
    cJSON_AddStringToObject(ver, "errorMessage",
                            "write leec: 1 (a plain number, no quotes): this leec reads format 1");
    cJSON_AddStringToObject(ver, "description",
                            "Project file format; this leec reads 1. Required, no default: write "
                            "`leec: 1`.");

    const char **presets = xcalloc(cat->npresets + 1, sizeof *presets);
    char **pdocs = xcalloc(cat->npresets + 1, sizeof *pdocs);
    for (size_t i = 0; i < cat->npresets; i++) {
        const struct preset_def *pd = &cat->presets[i];
        presets[i] = pd->name;
        struct sbuf doc = {0};
        if (pd->alias_of)
            sbuf_printf(&doc, "Alias of `%s`. ", pd->alias_of);
        sbuf_add(&doc, pd->doc ? pd->doc : "");
        sbuf_printf(&doc, "%s", pd->user ? "\n\n(this project's own preset)" : "");
        pdocs[i] = doc.s ? doc.s : xstrdup("");
    }
    /* The catalog's presets with the project's own (each with its own doc). */
    cJSON *pr =
        choice(presets, (const char *const *)pdocs, cat->npresets,
               "not a preset leec knows: leec list shows them (a project's own "
               "presets: run leec schema inside the project, or leec schema --project "
               "FILE)",
               catalog_preset_raw(cat, "production_balanced") ? "production_balanced" : presets[0]);
    cJSON_AddItemToObject(p, "preset", pr);
    cJSON_AddStringToObject(pr, "description",
                            "The configuration preset the project starts from (leec list shows "
                            "them). Required, no default.");
    for (size_t i = 0; i < cat->npresets; i++)
        free(pdocs[i]);
    free(pdocs);
    free(presets);
    /* project.c check_preset_dirs: directories of the project's own presets */
    cJSON *pd = cJSON_AddObjectToObject(p, "preset_dirs");
    cJSON_AddStringToObject(pd, "type", "array");
    cJSON_AddBoolToObject(pd, "uniqueItems", 1);
    cJSON *pdi = cJSON_AddObjectToObject(pd, "items");
    cJSON_AddStringToObject(pdi, "type", "string");
    cJSON_AddNumberToObject(pdi, "minLength", 1);
    cJSON_AddItemToObject(pd, "default", cJSON_CreateArray()); /* completing inserts [] */
    cJSON_AddStringToObject(pd, "description",
                            "Directories of the project's own presets, relative to the project "
                            "file (presets/ beside it is always read). Default: none (empty).");
    add_features(p, cat);
    add_tiers_overrides(p, cat);
    for (size_t i = 0; i < cat->sections.nkeys; i++)
        cJSON_AddItemToObject(p, cat->sections.keys[i].name,
                              shape_schema(cat, &cat->sections.keys[i]));
    add_section_rules(p, cat);

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
