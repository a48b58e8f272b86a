/* schema: loads schemas/ — one interface per file (parameters, memory formula,
 * metrics, rules), baseline.yaml, retired.yaml and limits.yaml — and checks that
 * the catalog still has every parameter leec itself relies on (compiler_needs). */
#include "model/schema.h"

#include "model/catalog.h"
#include "model/shape.h"
#include "front/util.h"
#include "model/values.h"
#include "front/ycheck.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Names from schemas end up in generated C (struct fields, LEEC_<IFACE>_<PARAM>_<VALUE>
 * macros, the metric X-macro list) and in the editor schema's regular expressions: each
 * must be a C identifier, lower case for interfaces and parameters (so "my-iface" and
 * "my_iface" cannot both exist), letters and digits for metrics. */
static bool c_name(struct diag *d, const struct loc *at, const char *s, const char *what,
                   bool metric)
{
    bool ok = *s != '\0';
    for (const char *c = s; ok && *c; c++) {
        bool lower = *c >= 'a' && *c <= 'z', upper = *c >= 'A' && *c <= 'Z';
        bool digit = *c >= '0' && *c <= '9';
        ok = metric ? (upper || (c > s && (lower || digit)))
                    : (lower || (c > s && (digit || *c == '_')));
    }
    if (!ok)
        diag_error(d, at, "%s '%s' is not a name leec can put into C: use %s", what, s,
                   metric ? "letters and digits, starting with a capital (CamelCase)"
                          : "lower-case letters, digits and '_', starting with a letter");
    return ok;
}

/* An enum value becomes part of a macro name, upper-cased. */
static bool enum_value_name(struct diag *d, const struct loc *at, const char *s)
{
    bool ok = *s != '\0';
    for (const char *c = s; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             *c == '_';
    if (!ok)
        diag_error(d, at,
                   "enum value '%s' is not a name leec can put into C: use letters, digits and "
                   "'_'",
                   s);
    return ok;
}

static bool load_param(struct diag *d, struct param_def *p, const struct ypair *pair)
{
    static const char *const keys[] = {"type", "range",     "doc",    "values",
                                       "of",   "max_items", "pattern"};
    const struct ynode *m = pair->value;
    p->name = xstrdup(pair->key->str);
    p->loc = pair->key->loc;
    if (!c_name(d, &p->loc, p->name, "parameter", false))
        return false;
    if (!ycheck_map(d, m, "a parameter") || !ycheck_keys(d, m, keys, 7, "a parameter"))
        return false;
    const struct ynode *t = yrequire(d, m, "type", "a parameter");
    const char *ts = t ? ystring(d, t, "type") : NULL;
    if (!ts)
        return false;
    if (!ptype_parse(ts, &p->type)) {
        diag_error(d, &t->loc, "unknown parameter type '%s'", ts);
        return false;
    }
    bool ok = true;
    p->doc = catalog_doc_text(m);
    if (!ymap_get(m, "doc")) {
        diag_error(d, &p->loc, "parameter '%s' needs a doc line", p->name);
        ok = false;
    }
    const struct ynode *values = ymap_get(m, "values");
    const struct ynode *of = ymap_get(m, "of");
    if (p->type == PT_LIST) {
        const char *os = of ? ystring(d, of, "of") : NULL;
        if (!os || !ptype_parse(os, &p->item_type) ||
            (p->item_type != PT_ENUM && p->item_type != PT_STRING)) {
            diag_error(d, of ? &of->loc : &p->loc, "a list needs 'of: enum' or 'of: string'");
            return false;
        }
        const struct ynode *mi = ymap_get(m, "max_items");
        double v = 64;
        if (mi && !values_const_number(d, mi, DIM_NONE, &v)) {
            ok = false;
            v = 64;
        } else if (!(v >= 1 && v <= 1e6) || v != (double)(size_t)v) {
            /* checked before the cast: (size_t) of -1 or 1e30 is undefined */
            diag_error(d, &mi->loc, "max_items is a whole number from 1 to 1000000");
            ok = false;
            v = 64;
        }
        p->max_items = (size_t)v;
    }
    bool enumish = p->type == PT_ENUM || (p->type == PT_LIST && p->item_type == PT_ENUM);
    if (enumish) {
        if (!values || !ycheck_seq(d, values, "values") || values->nitems == 0) {
            diag_error(d, &p->loc, "enum parameter '%s' needs a non-empty 'values' list", p->name);
            return false;
        }
        p->values = xcalloc(values->nitems, sizeof *p->values);
        for (size_t i = 0; i < values->nitems; i++) {
            const char *s = ystring(d, values->items[i], "an enum value");
            p->values[p->nvalues++] = xstrdup(s ? s : "");
            if (!s || !enum_value_name(d, &values->items[i]->loc, s))
                ok = false;
            for (size_t j = 0; s && j + 1 < p->nvalues; j++) /* one macro each */
                if (!strcasecmp(p->values[j], s)) {
                    diag_error(d, &values->items[i]->loc,
                               "enum value '%s' and '%s' give the same C macro name", s,
                               p->values[j]);
                    ok = false;
                }
        }
    } else if (values) {
        diag_error(d, &values->loc, "'values' is only for enum parameters");
        ok = false;
    }
    const struct ynode *pat = ymap_get(m, "pattern");
    if (pat) {
        const char *ps = p->type == PT_STRING ? ystring(d, pat, "pattern") : NULL;
        if (p->type != PT_STRING)
            diag_error(d, &pat->loc, "'pattern' is only for string parameters");
        p->pattern = ps ? xstrdup(ps) : NULL;
        ok = ok && ps;
    }
    const struct ynode *range = ymap_get(m, "range");
    if (range) {
        if (p->type != PT_INT && p->type != PT_SIZE && p->type != PT_DURATION &&
            p->type != PT_RATIO) {
            diag_error(d, &range->loc, "'range' is only for numeric parameters");
            return false;
        }
        if (!ycheck_seq(d, range, "range") || range->nitems != 2) {
            diag_error(d, &range->loc, "range must be [min, max]");
            return false;
        }
        struct dim want = ptype_dim(p->type);
        if (!values_const_number(d, range->items[0], want, &p->min) ||
            !values_const_number(d, range->items[1], want, &p->max))
            return false;
        if (p->min > p->max) {
            diag_error(d, &range->loc, "range minimum is above its maximum");
            return false;
        }
        p->has_range = true;
    } else if (p->type == PT_RATIO) {
        p->has_range = true;
        p->min = 0;
        p->max = 1;
    }
    return ok;
}

bool schema_load_iface(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"interface", "doc",     "tiered", "params",
                                       "memory",    "metrics", "rules",  "optimize"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = catalog_load_named(cat, d, path, keys, 8, "a schema", &name, &ns);
    if (!root)
        return false;
    if (catalog_iface(cat, ns)) {
        diag_error(d, &name->loc, "interface '%s' is defined twice", ns);
        return false;
    }
    cat->ifaces = xrealloc(cat->ifaces, (cat->nifaces + 1) * sizeof *cat->ifaces);
    struct iface_def *f = &cat->ifaces[cat->nifaces++];
    memset(f, 0, sizeof *f);
    f->name = xstrdup(ns);
    bool ok = c_name(d, &name->loc, ns, "interface", false);
    f->file = name->loc.file;
    f->loc = name->loc;
    f->tiered = true;
    f->doc = catalog_doc_text(root);
    const struct ynode *tiered = ymap_get(root, "tiered");
    if (tiered && !ynode_bool(tiered, &f->tiered)) {
        diag_error(d, &tiered->loc, "tiered must be true or false");
        ok = false;
    } else if (tiered && !f->tiered && strcmp(ns, "features") != 0) {
        /* Values of an untiered interface come from a feature preset, and only the
         * features interface has those. */
        diag_error(d, &tiered->loc,
                   "only the features interface is untiered: interface '%s' takes its values "
                   "from tiers, remove 'tiered: false'",
                   ns);
        ok = false;
        f->tiered = true;
    }
    /* leec optimize: raise (a richer tier answers better: raised as far as the memory
     * allows) or keep (a richer tier costs logs, metrics or a bigger function: the
     * project's own tier stays unless lowering it is needed to fit). */
    const struct ynode *opt = ymap_get(root, "optimize");
    if (opt) {
        const char *os = ystring(d, opt, "optimize");
        if (os && (!strcmp(os, "raise") || !strcmp(os, "keep"))) {
            f->optimize_raise = !strcmp(os, "raise");
        } else if (os) {
            diag_error(d, &opt->loc, "optimize is raise or keep, got '%s'", os);
            ok = false;
        } else {
            ok = false;
        }
    }
    const struct ynode *params = yrequire(d, root, "params", "a schema");
    if (!params || !ycheck_map(d, params, "params"))
        return false;
    f->params_loc = params->loc;
    f->params = xcalloc(params->npairs, sizeof *f->params);
    for (size_t i = 0; i < params->npairs; i++) {
        if (!load_param(d, &f->params[f->nparams], &params->pairs[i]))
            ok = false;
        f->nparams++;
    }
    const struct ynode *mem = yrequire(d, root, "memory", "a schema");
    if (mem) {
        static const char *const mkeys[] = {"expr", "doc"};
        if (ycheck_map(d, mem, "memory") && ycheck_keys(d, mem, mkeys, 2, "memory")) {
            const struct ynode *e = yrequire(d, mem, "expr", "memory");
            f->memory = e ? model_parse_expr(d, e) : NULL;
            const struct ynode *md = ymap_get(mem, "doc");
            f->memory_doc = xstrdup(md && md->kind == YN_SCALAR ? md->str : "");
        }
        ok = ok && f->memory;
    } else {
        ok = false;
    }
    const struct ynode *metrics = ymap_get(root, "metrics");
    if (metrics && ycheck_seq(d, metrics, "metrics")) {
        f->metrics = xcalloc(metrics->nitems, sizeof *f->metrics);
        for (size_t i = 0; i < metrics->nitems; i++) {
            static const char *const k[] = {"name", "unit", "when"};
            const struct ynode *m = metrics->items[i];
            struct metric_def *md = &f->metrics[f->nmetrics++];
            md->loc = m->loc;
            if (!ycheck_map(d, m, "a metric") || !ycheck_keys(d, m, k, 3, "a metric")) {
                ok = false;
                continue;
            }
            const struct ynode *nm = yrequire(d, m, "name", "a metric");
            const struct ynode *un = yrequire(d, m, "unit", "a metric");
            const struct ynode *wh = yrequire(d, m, "when", "a metric");
            const char *nms = nm ? ystring(d, nm, "name") : NULL;
            const char *uns = un ? ystring(d, un, "unit") : NULL;
            md->name = xstrdup(nms ? nms : "");
            if (nms && !c_name(d, &nm->loc, nms, "metric", true))
                nms = NULL;
            md->unit = xstrdup(uns ? uns : "");
            md->when = wh ? model_parse_expr(d, wh) : NULL;
            ok = ok && nms && uns && md->when;
        }
    } else if (metrics) {
        ok = false;
    }
    const struct ynode *rules = ymap_get(root, "rules");
    if (rules && ycheck_seq(d, rules, "rules")) {
        f->rules = xcalloc(rules->nitems, sizeof *f->rules);
        for (size_t i = 0; i < rules->nitems; i++) {
            static const char *const k[] = {"expr", "message"};
            const struct ynode *r = rules->items[i];
            struct rule_def *rd = &f->rules[f->nrules++];
            rd->loc = r->loc;
            if (!ycheck_map(d, r, "a rule") || !ycheck_keys(d, r, k, 2, "a rule")) {
                ok = false;
                continue;
            }
            const struct ynode *e = yrequire(d, r, "expr", "a rule");
            const struct ynode *msg = yrequire(d, r, "message", "a rule");
            const char *ms = msg ? ystring(d, msg, "message") : NULL;
            rd->message = xstrdup(ms ? ms : "");
            rd->expr = e ? model_parse_expr(d, e) : NULL;
            ok = ok && rd->expr && ms;
        }
    } else if (rules) {
        ok = false;
    }
    return ok;
}

bool schema_load_baseline(struct catalog *cat, struct diag *d, const char *path)
{
    const struct ynode *root = catalog_load_doc(cat, d, path);
    static const char *const keys[] = {"baseline"};
    static const char *const bkeys[] = {"rss", "measured"};
    if (!root || !ycheck_map(d, root, "baseline.yaml") ||
        !ycheck_keys(d, root, keys, 1, "baseline.yaml"))
        return false;
    const struct ynode *b = yrequire(d, root, "baseline", "baseline.yaml");
    if (!b || !ycheck_map(d, b, "baseline") || !ycheck_keys(d, b, bkeys, 2, "baseline"))
        return false;
    const struct ynode *rss = yrequire(d, b, "rss", "baseline");
    if (!rss || !values_const_number(d, rss, DIM_BYTES, &cat->baseline_rss))
        return false;
    cat->baseline_loc = rss->loc;
    return true;
}

bool schema_load_retired(struct catalog *cat, struct diag *d, const char *path)
{
    const struct ynode *root = catalog_load_doc(cat, d, path);
    static const char *const keys[] = {"retired"};
    if (!root || !ycheck_map(d, root, "retired.yaml") ||
        !ycheck_keys(d, root, keys, 1, "retired.yaml"))
        return false;
    const struct ynode *r = yrequire(d, root, "retired", "retired.yaml");
    if (!r || !ycheck_map(d, r, "retired"))
        return false;
    cat->retired = xcalloc(r->npairs, sizeof *cat->retired);
    for (size_t i = 0; i < r->npairs; i++) {
        const struct ynode *v = r->pairs[i].value;
        const struct ynode *reason = v && v->kind == YN_MAP ? ymap_get(v, "reason") : NULL;
        const char *rs = reason ? ystring(d, reason, "reason") : NULL;
        if (!rs) {
            diag_error(d, &r->pairs[i].key->loc, "a retired interface needs a reason");
            return false;
        }
        cat->retired[cat->nretired].name = xstrdup(r->pairs[i].key->str);
        cat->retired[cat->nretired++].reason = xstrdup(rs);
    }
    return true;
}

bool schema_load_limits(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"limits"};
    static const char *const lkeys[] = {"max", "doc"};
    const struct ynode *root = catalog_load_doc(cat, d, path);
    if (!root || !ycheck_map(d, root, "limits.yaml") ||
        !ycheck_keys(d, root, keys, 1, "limits.yaml"))
        return false;
    const struct ynode *l = yrequire(d, root, "limits", "limits.yaml");
    if (!l || !ycheck_map(d, l, "limits"))
        return false;
    bool ok = true;
    cat->limits = xcalloc(l->npairs + 1, sizeof *cat->limits);
    for (size_t i = 0; i < l->npairs; i++) {
        const struct ynode *k = l->pairs[i].key, *v = l->pairs[i].value;
        if (!ycheck_map(d, v, "a limit") || !ycheck_keys(d, v, lkeys, 2, "a limit")) {
            ok = false;
            continue;
        }
        const struct ynode *mx = yrequire(d, v, "max", "a limit");
        double m = 0;
        if (!mx || !values_const_number(d, mx, DIM_NONE, &m)) {
            ok = false;
            continue;
        }
        if (!(m >= 0 && m <= 1e6) || m != (double)(size_t)m) {
            diag_error(d, &mx->loc, "a limit is a whole number of items, at most 1000000");
            ok = false;
            continue;
        }
        if (!c_name(d, &k->loc, k->str, "limit", false)) {
            ok = false;
            continue;
        }
        struct limit_def *ld = &cat->limits[cat->nlimits++];
        ld->name = xstrdup(k->str);
        ld->max = (size_t)m;
        ld->doc = catalog_doc_text(v);
        ld->loc = mx->loc;
    }
    return ok;
}

/* ---- project-file sections ---- */

static const char *const shape_kinds[] = {"string", "bool", "int",  "duration", "enum",
                                          "object", "map",  "list", "secret"};

static bool load_shape(struct diag *d, struct shape *sh, const char *name, const struct ynode *m)
{
    static const char *const keys[] = {"type",    "doc",     "required", "pattern", "values",
                                       "min",     "max",     "keys",     "of",      "limit",
                                       "message", "default", "examples", "runtime"};
    sh->name = xstrdup(name);
    sh->loc = m->loc;
    if (!ycheck_map(d, m, "a shape") || !ycheck_keys(d, m, keys, 14, "a shape"))
        return false;
    const struct ynode *t = yrequire(d, m, "type", "a shape");
    const char *ts = t ? ystring(d, t, "type") : NULL;
    if (!ts)
        return false;
    size_t k = 0;
    while (k < sizeof shape_kinds / sizeof shape_kinds[0] && strcmp(shape_kinds[k], ts) != 0)
        k++;
    if (k == sizeof shape_kinds / sizeof shape_kinds[0]) {
        char list[256];
        join_names(list, sizeof list, shape_kinds, k, " or ");
        diag_error(d, &t->loc, "unknown shape type '%s'; expected one of %s", ts, list);
        return false;
    }
    sh->kind = (enum shape_kind)k;
    sh->doc = catalog_doc_text(m);
    bool ok = true;
    const struct ynode *n;
    if ((n = ymap_get(m, "required")) && !ynode_bool(n, &sh->required)) {
        diag_error(d, &n->loc, "required must be true or false");
        ok = false;
    }
    if ((n = ymap_get(m, "pattern"))) {
        const char *ps = ystring(d, n, "pattern");
        sh->pattern = ps ? xstrdup(ps) : NULL;
        ok = ok && ps;
        /* leec checks values against the pattern too (model/shape.c): it must compile. */
        char err[160];
        if (ps && sh->kind != SH_STRING) {
            diag_error(d, &n->loc, "a pattern is for a string shape");
            ok = false;
        } else if (ps && !(sh->re = shape_pattern_compile(ps, err, sizeof err))) {
            diag_error(d, &n->loc, "pattern '%s' cannot be used: %s", ps, err);
            ok = false;
        }
    }
    if ((n = ymap_get(m, "runtime"))) {
        const char *rs = ystring(d, n, "runtime");
        sh->runtime = rs ? xstrdup(rs) : NULL;
        ok = ok && rs;
    }
    if ((n = ymap_get(m, "limit"))) {
        const char *ls = ystring(d, n, "limit");
        sh->limit = ls ? xstrdup(ls) : NULL;
        ok = ok && ls;
    }
    struct dim dim = sh->kind == SH_DURATION ? DIM_SECS : DIM_NONE;
    if ((n = ymap_get(m, "min"))) {
        sh->has_min = values_const_number(d, n, dim, &sh->min);
        ok = ok && sh->has_min;
    }
    if ((n = ymap_get(m, "max"))) {
        sh->has_max = values_const_number(d, n, dim, &sh->max);
        ok = ok && sh->has_max;
    }
    if ((n = ymap_get(m, "message"))) {
        const char *ms = ystring(d, n, "message");
        sh->message = ms ? xstrdup(ms) : NULL;
        ok = ok && ms;
    }
    if ((n = ymap_get(m, "default"))) {
        if (n->kind == YN_SCALAR) {
            sh->default_text = xstrdup(n->str);
        } else {
            diag_error(d, &n->loc, "default is a scalar, as a project file would write it");
            ok = false;
        }
    }
    if ((n = ymap_get(m, "examples"))) {
        if (sh->kind != SH_STRING || !ycheck_seq(d, n, "examples")) {
            if (sh->kind != SH_STRING)
                diag_error(d, &n->loc, "examples are for a string shape");
            return false;
        }
        sh->examples = xcalloc(n->nitems + 1, sizeof *sh->examples);
        for (size_t i = 0; i < n->nitems; i++) {
            const char *es = ystring(d, n->items[i], "an example");
            sh->examples[sh->nexamples++] = xstrdup(es ? es : "");
            ok = ok && es;
        }
    }
    if ((n = ymap_get(m, "values"))) {
        if (!ycheck_seq(d, n, "values"))
            return false;
        sh->values = xcalloc(n->nitems + 1, sizeof *sh->values);
        for (size_t i = 0; i < n->nitems; i++) {
            const char *vs = ystring(d, n->items[i], "an enum value");
            sh->values[sh->nvalues++] = xstrdup(vs ? vs : "");
            ok = ok && vs;
        }
    } else if (sh->kind == SH_ENUM) {
        diag_error(d, &m->loc, "an enum shape needs 'values'");
        ok = false;
    }
    if ((n = ymap_get(m, "keys"))) {
        if (!ycheck_map(d, n, "keys"))
            return false;
        sh->keys = xcalloc(n->npairs + 1, sizeof *sh->keys);
        sh->key_names = xcalloc(n->npairs + 1, sizeof *sh->key_names);
        for (size_t i = 0; i < n->npairs; i++) {
            ok = load_shape(d, &sh->keys[i], n->pairs[i].key->str, n->pairs[i].value) && ok;
            sh->key_names[i] = sh->keys[i].name;
            sh->nkeys++;
        }
    } else if (sh->kind == SH_OBJECT) {
        diag_error(d, &m->loc, "an object shape needs 'keys'");
        ok = false;
    }
    if ((n = ymap_get(m, "of"))) {
        sh->of = xcalloc(1, sizeof *sh->of);
        ok = load_shape(d, sh->of, "", n) && ok;
    } else if (sh->kind == SH_MAP || sh->kind == SH_LIST) {
        diag_error(d, &m->loc, "a %s shape needs 'of'", shape_kinds[sh->kind]);
        ok = false;
    }
    return ok;
}

bool schema_load_project(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"sections"};
    const struct ynode *root = catalog_load_doc(cat, d, path);
    if (!root || !ycheck_map(d, root, "project.yaml") ||
        !ycheck_keys(d, root, keys, 1, "project.yaml"))
        return false;
    const struct ynode *s = yrequire(d, root, "sections", "project.yaml");
    if (!s || !ycheck_map(d, s, "sections"))
        return false;
    if (s->npairs > SCHEMA_MAX_SECTIONS) {
        diag_error(d, &s->loc, "%zu sections; a project file has at most %d", s->npairs,
                   SCHEMA_MAX_SECTIONS);
        return false;
    }
    struct shape *top = &cat->sections;
    top->name = xstrdup("");
    top->kind = SH_OBJECT;
    top->loc = s->loc;
    top->keys = xcalloc(s->npairs + 1, sizeof *top->keys);
    top->key_names = xcalloc(s->npairs + 1, sizeof *top->key_names);
    bool ok = true;
    for (size_t i = 0; i < s->npairs; i++) {
        ok = load_shape(d, &top->keys[i], s->pairs[i].key->str, s->pairs[i].value) && ok;
        top->key_names[i] = top->keys[i].name;
        top->nkeys++;
    }
    return ok;
}

void schema_free_shape(struct shape *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nkeys; i++)
        schema_free_shape(&s->keys[i]);
    for (size_t i = 0; i < s->nvalues; i++)
        free(s->values[i]);
    if (s->of) {
        schema_free_shape(s->of);
        free(s->of);
    }
    free(s->keys);
    free(s->key_names);
    free(s->values);
    free(s->name);
    free(s->doc);
    free(s->pattern);
    shape_pattern_free(s->re);
    free(s->limit);
    free(s->runtime);
    free(s->message);
    free(s->default_text);
    for (size_t i = 0; i < s->nexamples; i++)
        free(s->examples[i]);
    free(s->examples);
}

/* ---- what leec itself relies on ---- */

/* Parameters and limits the compiler reads by name (memory model, emitted checks,
 * log estimate, project-file limits). A schema that renames one must fail here with
 * a located error, never later with a NULL. */
static const char *const log_levels[] = {"INFO", "DEBUG", "TRACE", NULL};
static const struct need {
    const char *iface, *param; /* param NULL: a limit in limits.yaml named iface */
    enum ptype type;
    const char *const *values; /* enum values that must exist (NULL-terminated) */
    const char *why;
} compiler_needs[] = {
    {"lambda", "memory_mb", PT_INT, NULL, "the memory limit (memory_mb minus headroom)"},
    {"lambda", "headroom", PT_SIZE, NULL, "the memory limit (memory_mb minus headroom)"},
    {"lambda", "timeout", PT_DURATION, NULL,
     "the emitted check that timeout covers http.total_timeout"},
    {"lambda", "max_event", PT_SIZE, NULL,
     "the emitted check against Lambda's 6 MiB payload limit"},
    {"lambda", "max_response", PT_SIZE, NULL,
     "the emitted check against Lambda's 6 MiB payload limit"},
    {"http", "max_reply", PT_SIZE, NULL,
     "the emitted check that a reply fits in lambda.max_response"},
    {"http", "total_timeout", PT_DURATION, NULL, "the emitted checks of the Home Assistant budget"},
    {"http", "connect_timeout", PT_DURATION, NULL,
     "the emitted checks of the Home Assistant budget"},
    {"metrics", "enabled", PT_BOOL, NULL, "the metric set (none when false)"},
    {"logging", "level", PT_ENUM, log_levels, "the free-tier log volume estimate"},
    {"logging", "summary", PT_BOOL, NULL, "the free-tier log volume estimate"},
    {"logging", "line_max", PT_SIZE, NULL, "the free-tier log volume estimate"},
};

static bool check_need(const struct catalog *cat, struct diag *d, const struct need *n)
{
    if (!n->param) {
        if (catalog_limit(cat, n->iface))
            return true;
        diag_error(d, NULL, "schemas/limits.yaml has no limit '%s', which leec needs for %s",
                   n->iface, n->why);
        return false;
    }
    const struct iface_def *f = catalog_iface(cat, n->iface);
    if (!f) {
        diag_error(d, NULL, "schemas/ defines no interface '%s'; leec needs %s.%s (%s) for %s",
                   n->iface, n->iface, n->param, ptype_name(n->type), n->why);
        return false;
    }
    const struct param_def *p = catalog_param(f, n->param);
    if (!p) {
        diag_error(d, &f->params_loc,
                   "interface '%s' has no parameter '%s' (%s); leec needs it for %s", f->name,
                   n->param, ptype_name(n->type), n->why);
        return false;
    }
    if (p->type != n->type) {
        diag_error(d, &p->loc, "%s.%s is a %s, but leec reads it as a %s for %s", f->name, p->name,
                   ptype_name(p->type), ptype_name(n->type), n->why);
        return false;
    }
    for (const char *const *v = n->values; v && *v; v++) {
        bool found = false;
        for (size_t i = 0; i < p->nvalues && !found; i++)
            found = strcmp(p->values[i], *v) == 0;
        if (!found) {
            diag_error(d, &p->loc, "%s.%s has no value '%s'; leec needs it for %s", f->name,
                       p->name, *v, n->why);
            return false;
        }
    }
    return true;
}

/* The project-file shapes model/project.c reads by path (its hooks and the copy into
 * struct project): a schema that renames or retypes one fails here, located. */
static const struct shape_need {
    const char *path;
    enum shape_kind kind;
} shape_needs[] = {
    {"home_assistant", SH_OBJECT},
    {"home_assistant.url", SH_STRING},
    {"home_assistant.allow_http", SH_BOOL},
    {"home_assistant.token", SH_OBJECT},
    {"home_assistant.token.mode", SH_ENUM},
    {"home_assistant.token.env", SH_STRING},
    {"home_assistant.token.ssm", SH_STRING},
    {"home_assistant.tls", SH_OBJECT},
    {"home_assistant.tls.verify", SH_BOOL},
    {"home_assistant.tls.ca_bundle", SH_STRING},
    {"home_assistant.tls.client_cert", SH_STRING},
    {"home_assistant.tls.client_key", SH_STRING},
    {"home_assistant.headers", SH_MAP},
    {"alexa", SH_OBJECT},
    {"alexa.skill_ids", SH_LIST},
    {"alexa.discovery", SH_OBJECT},
    {"alexa.discovery.include", SH_LIST},
    {"alexa.discovery.exclude", SH_LIST},
    {"alexa.discovery.friendly_names", SH_MAP},
    {"alexa.discovery.categories", SH_MAP},
    {"alexa.discovery.remove_capabilities", SH_LIST},
    {"alexa.announce", SH_OBJECT},
    {"alexa.announce.tts_entity", SH_STRING},
    {"alexa.announce.media_players", SH_LIST},
    {"alexa.notify_target", SH_STRING},
    {"alexa.languages", SH_LIST},
    {"budget", SH_OBJECT},
    {"budget.free_tier_metrics", SH_BOOL},
    {"budget.allow_paid", SH_BOOL},
    {"budget.invocations_per_day", SH_INT},
    {"budget.avg_duration", SH_DURATION},
    {"alarms", SH_OBJECT},
    {"alarms.enabled", SH_BOOL},
    {"alarms.email", SH_STRING},
};

static bool c_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* A section the bootstrap reads becomes C types and tables (emit/sections.c): its key
 * names are C identifiers, and each kind is one the emitter has a C type for. */
static bool check_runtime_shape(struct diag *d, const struct shape *sh, bool in_item)
{
    bool ok = true;
    for (size_t i = 0; i < sh->nkeys; i++) {
        const struct shape *k = &sh->keys[i];
        if (k->runtime) {
            diag_error(d, &k->loc, "'runtime' names a whole section, not the key '%s'", k->name);
            ok = false;
        }
        if (!c_ident(k->name)) {
            diag_error(d, &k->loc,
                       "'%s' becomes a C field of the runtime's tables: lower case letters, "
                       "digits and _",
                       k->name);
            ok = false;
        }
        ok = check_runtime_shape(d, k, in_item) && ok;
    }
    const struct shape *of = sh->of;
    if (sh->kind == SH_LIST || sh->kind == SH_MAP) {
        bool names = of->kind == SH_STRING || of->kind == SH_ENUM;
        bool fits = in_item               ? false
                    : sh->kind == SH_LIST ? names || of->kind == SH_OBJECT
                                          : names || of->kind == SH_SECRET;
        if (!fits) {
            diag_error(d, &sh->loc, "the runtime's tables have no C type for a %s of %s%s",
                       shape_kinds[sh->kind], shape_kinds[of->kind],
                       in_item ? " inside a list item" : "");
            ok = false;
        } else if (of->kind == SH_OBJECT) {
            ok = check_runtime_shape(d, of, true) && ok;
        }
    }
    return ok;
}

static bool check_shapes(const struct catalog *cat, struct diag *d)
{
    bool ok = true;
    for (size_t i = 0; i < cat->sections.nkeys; i++) {
        const struct shape *s = &cat->sections.keys[i];
        if (!s->runtime)
            continue;
        bool named = c_ident(s->runtime) && !catalog_iface(cat, s->runtime);
        for (size_t j = 0; j < i; j++)
            named = named && !(cat->sections.keys[j].runtime &&
                               !strcmp(cat->sections.keys[j].runtime, s->runtime));
        if (!named) {
            diag_error(d, &s->loc,
                       "section '%s' has runtime name '%s': a C name (lower case letters, digits "
                       "and _) that no interface or other section has",
                       s->name, s->runtime);
            ok = false;
        }
        if (s->kind != SH_OBJECT) {
            diag_error(d, &s->loc, "a section the runtime reads is an object");
            ok = false;
        }
        ok = check_runtime_shape(d, s, false) && ok;
    }
    for (size_t i = 0; i < sizeof shape_needs / sizeof shape_needs[0]; i++) {
        const struct shape *s = catalog_shape(cat, shape_needs[i].path);
        if (s && s->kind == shape_needs[i].kind)
            continue;
        diag_error(d, &cat->sections.loc, "schemas/project.yaml %s '%s' as %s %s, which leec reads",
                   s ? "does not describe" : "has no", shape_needs[i].path,
                   shape_needs[i].kind == SH_OBJECT ? "an" : "a", shape_kinds[shape_needs[i].kind]);
        ok = false;
    }
    const struct shape *cats = catalog_shape(cat, "alexa.discovery.categories");
    if (cats && cats->kind == SH_MAP && cats->of->kind != SH_ENUM) {
        diag_error(d, &cats->loc, "alexa.discovery.categories must be a map of enum values");
        ok = false;
    }
    const struct shape *rc = catalog_shape(cat, "alexa.discovery.remove_capabilities");
    if (rc && rc->kind == SH_LIST &&
        (rc->of->kind != SH_OBJECT || !catalog_shape_key(rc->of, "endpoint") ||
         !catalog_shape_key(rc->of, "interface"))) {
        diag_error(d, &rc->loc,
                   "alexa.discovery.remove_capabilities must be a list of objects with endpoint "
                   "and interface");
        ok = false;
    }
    const struct shape *h0 = catalog_shape(cat, "home_assistant.headers");
    if (h0 && h0->kind == SH_MAP && h0->of->kind != SH_SECRET) {
        diag_error(d, &h0->loc, "home_assistant.headers must be a map of secrets");
        ok = false;
    }
    const struct shape *h = catalog_shape(cat, "home_assistant.headers");
    if (h && h->kind == SH_MAP && (!h->limit || !catalog_limit(cat, h->limit))) {
        diag_error(d, &h->loc, "home_assistant.headers needs a 'limit' named in limits.yaml");
        ok = false;
    }
    return ok;
}

bool schema_check_needs(const struct catalog *cat, struct diag *d)
{
    bool ok = check_shapes(cat, d);
    const struct iface_def *fe = catalog_iface(cat, "features");
    const struct iface_def *la = catalog_iface(cat, "lambda");
    if (!fe || !la) {
        diag_error(d, NULL, "schemas/ must define the 'lambda' and 'features' interfaces");
        return false;
    }
    if (fe->tiered) {
        diag_error(d, &fe->loc, "the features interface must say 'tiered: false'");
        ok = false;
    }
    for (size_t i = 0; i < fe->nparams; i++)
        if (fe->params[i].type != PT_BOOL) {
            diag_error(d, &fe->params[i].loc, "feature '%s' must be a bool", fe->params[i].name);
            ok = false;
        }
    for (size_t i = 0; i < sizeof compiler_needs / sizeof compiler_needs[0]; i++)
        ok = check_need(cat, d, &compiler_needs[i]) && ok;
    return ok;
}
