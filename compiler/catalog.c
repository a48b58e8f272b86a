/* catalog: loads schemas/, presets/tiers/, presets/ and presets/features/ into the
 * model (model.h). Files are read in sorted order so output is deterministic. */
#include "model.h"
#include "util.h"
#include "ycheck.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ptype_name(enum ptype t)
{
    static const char *const names[] = {"int", "size", "duration", "ratio",
                                        "bool", "enum", "string", "list"};
    return names[t];
}

static int parse_ptype(const char *s, enum ptype *out)
{
    for (int t = PT_INT; t <= PT_LIST; t++)
        if (strcmp(s, ptype_name((enum ptype)t)) == 0) {
            *out = (enum ptype)t;
            return 1;
        }
    return 0;
}

struct expr *model_parse_expr(struct diag *d, const struct ynode *n)
{
    if (!n || n->kind != YN_SCALAR) {
        diag_error(d, n ? &n->loc : NULL, "expected an expression");
        return NULL;
    }
    struct expr_src src = {n->str, n->len, yir_scalar_loc(n, 0, 1), n->raw_mapped};
    struct expr *e = expr_parse(&src, d);
    if (!e)
        ynote_alias(d, n);
    return e;
}

/* Evaluates a constant expression (no references) for ranges and baselines. */
bool model_eval_const(struct expr *e, struct value *v, struct diag *d);
static bool no_refs(void *ctx, const char *name, size_t len, const struct loc *at,
                    struct value *out, struct diag *d)
{
    (void)ctx;
    (void)out;
    diag_error(d, at, "'%.*s': a constant is needed here", (int)len, name);
    return false;
}

bool model_eval_const(struct expr *e, struct value *v, struct diag *d)
{
    return expr_eval(e, no_refs, NULL, v, d);
}

static bool const_number(struct diag *d, const struct ynode *n, struct dim want, double *out)
{
    struct expr *e = model_parse_expr(d, n);
    if (!e)
        return false;
    struct value v;
    bool ok = expr_eval(e, no_refs, NULL, &v, d);
    if (ok && (v.kind != V_NUM || !dim_eq(v.dim, want))) {
        char got[32], exp[32];
        dim_format(v.dim, got, sizeof got);
        dim_format(want, exp, sizeof exp);
        diag_error(d, &n->loc, "expected a %s constant, got %s", exp,
                   v.kind == V_NUM ? got : "a non-number");
        ok = false;
    }
    if (ok)
        *out = v.num;
    expr_free(e);
    return ok;
}

struct dim ptype_dim(enum ptype t)
{
    return t == PT_SIZE ? DIM_BYTES : t == PT_DURATION ? DIM_SECS : DIM_NONE;
}

/* ---- directory helpers ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.yaml paths in dir (not recursive). */
static char **list_yaml(const char *dir, size_t *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    char **out = NULL;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        out = xrealloc(out, (*n + 1) * sizeof *out);
        struct sbuf b = {0};
        sbuf_printf(&b, "%s/%s", dir, de->d_name);
        out[(*n)++] = b.s;
    }
    closedir(dp);
    if (*n)
        qsort(out, *n, sizeof *out, cmp_str);
    return out;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static const struct ynode *load_doc(struct catalog *cat, struct diag *d, const char *path)
{
    int io = 0;
    struct ydoc *doc = ydoc_load_file(d, path, &io);
    if (!doc)
        return NULL;
    cat->docs = xrealloc(cat->docs, (cat->ndocs + 1) * sizeof *cat->docs);
    cat->docs[cat->ndocs++] = doc;
    const struct ynode *root = ydoc_root(doc);
    if (!root) {
        struct loc at = loc_make(ydoc_source(doc), 1, 1, 0);
        diag_error(d, &at, "empty file");
        return NULL;
    }
    return root;
}

/* The optional `doc:` text of a mapping ("" when absent). */
static char *doc_text(const struct ynode *map)
{
    const struct ynode *doc = ymap_get(map, "doc");
    return xstrdup(doc && doc->kind == YN_SCALAR ? doc->str : "");
}

/* Opens a catalog file whose top level is a mapping with only `keys`, named by its
 * first key (`tier: standard`). Returns the root, with *name_node and *name set. */
static const struct ynode *load_named(struct catalog *cat, struct diag *d, const char *path,
                                      const char *const *keys, size_t nkeys, const char *what,
                                      const struct ynode **name_node, const char **name)
{
    const struct ynode *root = load_doc(cat, d, path);
    if (!root || !ycheck_map(d, root, what) || !ycheck_keys(d, root, keys, nkeys, what))
        return NULL;
    *name_node = yrequire(d, root, keys[0], what);
    *name = *name_node ? ystring(d, *name_node, keys[0]) : NULL;
    return *name ? root : NULL;
}

/* ---- schemas ---- */

static bool load_param(struct diag *d, struct param_def *p, const struct ypair *pair)
{
    static const char *const keys[] = {"type", "range", "doc", "values", "of", "max_items"};
    const struct ynode *m = pair->value;
    p->name = xstrdup(pair->key->str);
    p->loc = pair->key->loc;
    if (!ycheck_map(d, m, "a parameter") || !ycheck_keys(d, m, keys, 6, "a parameter"))
        return false;
    const struct ynode *t = yrequire(d, m, "type", "a parameter");
    const char *ts = t ? ystring(d, t, "type") : NULL;
    if (!ts)
        return false;
    if (!parse_ptype(ts, &p->type)) {
        diag_error(d, &t->loc, "unknown parameter type '%s'", ts);
        return false;
    }
    bool ok = true;
    p->doc = doc_text(m);
    if (!ymap_get(m, "doc")) {
        diag_error(d, &p->loc, "parameter '%s' needs a doc line", p->name);
        ok = false;
    }
    const struct ynode *values = ymap_get(m, "values");
    const struct ynode *of = ymap_get(m, "of");
    if (p->type == PT_LIST) {
        const char *os = of ? ystring(d, of, "of") : NULL;
        if (!os || !parse_ptype(os, &p->item_type) ||
            (p->item_type != PT_ENUM && p->item_type != PT_STRING)) {
            diag_error(d, of ? &of->loc : &p->loc, "a list needs 'of: enum' or 'of: string'");
            return false;
        }
        const struct ynode *mi = ymap_get(m, "max_items");
        double v = 64;
        if (mi && !const_number(d, mi, DIM_NONE, &v))
            ok = false;
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
            ok = ok && s;
        }
    } else if (values) {
        diag_error(d, &values->loc, "'values' is only for enum parameters");
        ok = false;
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
        if (!const_number(d, range->items[0], want, &p->min) ||
            !const_number(d, range->items[1], want, &p->max))
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

static bool load_schema(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"interface", "doc", "tiered", "params",
                                       "memory", "metrics", "rules"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = load_named(cat, d, path, keys, 7, "a schema", &name, &ns);
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
    f->file = name->loc.file;
    f->tiered = true;
    bool ok = true;
    f->doc = doc_text(root);
    const struct ynode *tiered = ymap_get(root, "tiered");
    if (tiered && !ynode_bool(tiered, &f->tiered)) {
        diag_error(d, &tiered->loc, "tiered must be true or false");
        ok = false;
    }
    const struct ynode *params = yrequire(d, root, "params", "a schema");
    if (!params || !ycheck_map(d, params, "params"))
        return false;
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

static bool load_baseline(struct catalog *cat, struct diag *d, const char *path)
{
    const struct ynode *root = load_doc(cat, d, path);
    static const char *const keys[] = {"baseline"};
    static const char *const bkeys[] = {"rss", "measured"};
    if (!root || !ycheck_map(d, root, "baseline.yaml") ||
        !ycheck_keys(d, root, keys, 1, "baseline.yaml"))
        return false;
    const struct ynode *b = yrequire(d, root, "baseline", "baseline.yaml");
    if (!b || !ycheck_map(d, b, "baseline") || !ycheck_keys(d, b, bkeys, 2, "baseline"))
        return false;
    const struct ynode *rss = yrequire(d, b, "rss", "baseline");
    if (!rss || !const_number(d, rss, DIM_BYTES, &cat->baseline_rss))
        return false;
    cat->baseline_loc = rss->loc;
    return true;
}

static bool load_retired(struct catalog *cat, struct diag *d, const char *path)
{
    const struct ynode *root = load_doc(cat, d, path);
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

/* ---- values (tiers, presets, project overrides) ---- */

static bool is_enum_value(const struct param_def *p, const char *s, struct diag *d,
                          const struct ynode *n)
{
    for (size_t i = 0; i < p->nvalues; i++)
        if (strcmp(p->values[i], s) == 0)
            return true;
    const char *sug = suggest(s, (const char *const *)p->values, p->nvalues);
    char list[512];
    join_names(list, sizeof list, (const char *const *)p->values, p->nvalues, " or ");
    if (sug)
        diag_error(d, &n->loc, "'%s' is not a valid %s; did you mean '%s'?", s, p->name, sug);
    else
        diag_error(d, &n->loc, "'%s' is not a valid %s; expected one of %s", s, p->name, list);
    ynote_alias(d, n);
    return false;
}

bool pvalue_parse(struct diag *d, const struct param_def *p, const struct ynode *n,
                  struct pvalue *out)
{
    memset(out, 0, sizeof *out);
    out->node = n;
    out->loc = n->loc;
    switch (p->type) {
    case PT_BOOL:
        if (n->kind == YN_SCALAR && n->style == YS_PLAIN) {
            bool b;
            if (ynode_bool(n, &b))
                return (out->expr = model_parse_expr(d, n)) != NULL;
            if (ynode_looks_like_bool(n)) {
                diag_error(d, &n->loc, "'%s' is not a boolean here: booleans are true or false",
                           n->str);
                ynote_alias(d, n);
                return false;
            }
            /* An expression such as `!cache.enabled`. */
            if (ynode_scalar_kind(n) == YSK_STRING)
                return (out->expr = model_parse_expr(d, n)) != NULL;
        }
        diag_error(d, &n->loc, "%s must be true or false, got %s", p->name, ynode_kind_name(n));
        ynote_alias(d, n);
        return false;
    case PT_INT:
    case PT_SIZE:
    case PT_DURATION:
    case PT_RATIO:
        if (n->kind != YN_SCALAR || n->style != YS_PLAIN) {
            const char *what = n->kind == YN_SCALAR ? "a quoted string" : ynode_kind_name(n);
            diag_error(d, &n->loc, "%s must be %s %s, got %s%s", p->name,
                       p->type == PT_INT ? "an" : "a", ptype_name(p->type), what,
                       n->kind == YN_SCALAR ? " (remove the quotes)" : "");
            ynote_alias(d, n);
            return false;
        }
        if (ynode_scalar_kind(n) == YSK_NULL || ynode_scalar_kind(n) == YSK_BOOL) {
            diag_error(d, &n->loc, "%s must be %s %s, got %s", p->name,
                       p->type == PT_INT ? "an" : "a", ptype_name(p->type), ynode_kind_name(n));
            ynote_alias(d, n);
            return false;
        }
        return (out->expr = model_parse_expr(d, n)) != NULL;
    case PT_ENUM:
    case PT_STRING: {
        const char *s = ystring(d, n, p->name);
        if (!s)
            return false;
        return p->type == PT_STRING || is_enum_value(p, s, d, n);
    }
    case PT_LIST: {
        if (!ycheck_seq(d, n, p->name))
            return false;
        bool ok = true;
        if (n->nitems > p->max_items) {
            diag_error(d, &n->loc, "%s has %zu items, at most %zu are allowed", p->name,
                       n->nitems, p->max_items);
            ok = false;
        }
        for (size_t i = 0; i < n->nitems; i++) {
            const char *s = ystring(d, n->items[i], "a list item");
            if (!s) {
                ok = false;
                continue;
            }
            if (p->item_type == PT_ENUM && !is_enum_value(p, s, d, n->items[i]))
                ok = false;
            for (size_t j = 0; j < i; j++)
                if (n->items[j]->kind == YN_SCALAR && strcmp(n->items[j]->str, s) == 0) {
                    diag_error(d, &n->items[i]->loc, "'%s' is listed twice in %s", s, p->name);
                    diag_note(d, &n->items[j]->loc, "first listed here");
                    ok = false;
                }
        }
        return ok;
    }
    }
    return false;
}

/* Parses {iface: {param: value}} into one iface_values per catalog interface. */
bool iface_values_parse(struct diag *d, const struct catalog *cat, const struct ynode *map,
                        struct iface_values **out, const char *what, bool allow_untiered)
{
    struct iface_values *iv = xcalloc(cat->nifaces, sizeof *iv);
    *out = iv;
    for (size_t i = 0; i < cat->nifaces; i++) {
        iv[i].iface = &cat->ifaces[i];
        iv[i].values = xcalloc(cat->ifaces[i].nparams ? cat->ifaces[i].nparams : 1,
                               sizeof *iv[i].values);
    }
    if (!map)
        return true;
    if (!ycheck_map(d, map, what))
        return false;
    bool ok = true;
    for (size_t i = 0; i < map->npairs; i++) {
        const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
        const struct iface_def *f = catalog_iface(cat, k->str);
        if (!f || (!f->tiered && !allow_untiered)) {
            const char **names = xcalloc(cat->nifaces, sizeof *names);
            size_t nn = 0;
            for (size_t j = 0; j < cat->nifaces; j++)
                if (cat->ifaces[j].tiered || allow_untiered)
                    names[nn++] = cat->ifaces[j].name;
            const char *sug = suggest(k->str, names, nn);
            const struct retired_def *r = catalog_retired(cat, k->str);
            if (f)
                diag_error(d, &k->loc, "'%s' is not set by tiers or overrides; use 'features:'",
                           k->str);
            else if (r)
                diag_error(d, &k->loc, "interface '%s' is retired (%s) and has no parameters",
                           k->str, r->reason);
            else if (sug)
                diag_error(d, &k->loc, "unknown interface '%s' in %s; did you mean '%s'?", k->str,
                           what, sug);
            else
                diag_error(d, &k->loc, "unknown interface '%s' in %s", k->str, what);
            free(names);
            ok = false;
            continue;
        }
        if (!ycheck_map(d, v, k->str)) {
            ok = false;
            continue;
        }
        struct iface_values *dst = &iv[catalog_iface_index(cat, f)];
        for (size_t j = 0; j < v->npairs; j++) {
            const struct ynode *pk = v->pairs[j].key, *pv = v->pairs[j].value;
            const struct param_def *p = iface_param(f, pk->str);
            if (!p) {
                const char **names = xcalloc(f->nparams, sizeof *names);
                for (size_t q = 0; q < f->nparams; q++)
                    names[q] = f->params[q].name;
                const char *sug = suggest(pk->str, names, f->nparams);
                if (sug)
                    diag_error(d, &pk->loc, "'%s' has no parameter '%s'; did you mean '%s'?",
                               f->name, pk->str, sug);
                else
                    diag_error(d, &pk->loc, "'%s' has no parameter '%s'", f->name, pk->str);
                ynote_alias(d, pk);
                free(names);
                ok = false;
                continue;
            }
            if (!pvalue_parse(d, p, pv, &dst->values[p - f->params]))
                ok = false;
        }
    }
    return ok;
}

void iface_values_free(struct iface_values *iv, size_t n)
{
    if (!iv)
        return;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < iv[i].iface->nparams; j++)
            expr_free(iv[i].values[j].expr);
        free(iv[i].values);
    }
    free(iv);
}

/* ---- tiers ---- */

static bool load_tier(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"tier", "doc", "values"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = load_named(cat, d, path, keys, 3, "a tier", &name, &ns);
    if (!root)
        return false;
    if (catalog_tier(cat, ns)) {
        diag_error(d, &name->loc, "tier '%s' is defined twice", ns);
        return false;
    }
    cat->tiers = xrealloc(cat->tiers, (cat->ntiers + 1) * sizeof *cat->tiers);
    struct tier_def *t = &cat->tiers[cat->ntiers++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(ns);
    t->loc = name->loc;
    t->doc = doc_text(root);
    const struct ynode *values = yrequire(d, root, "values", "a tier");
    if (!values)
        return false;
    bool ok = iface_values_parse(d, cat, values, &t->ifaces, "tier values", false);
    /* A tier other than `user` gives every parameter of every tiered interface. */
    if (ok && strcmp(ns, "user") != 0) {
        for (size_t i = 0; i < cat->nifaces; i++) {
            const struct iface_def *f = &cat->ifaces[i];
            if (!f->tiered)
                continue;
            for (size_t j = 0; j < f->nparams; j++)
                if (!t->ifaces[i].values[j].node) {
                    diag_error(d, &t->loc, "tier '%s' gives no value for %s.%s", ns, f->name,
                               f->params[j].name);
                    ok = false;
                }
        }
    } else if (ok) {
        for (size_t i = 0; i < cat->nifaces; i++)
            for (size_t j = 0; j < cat->ifaces[i].nparams; j++)
                if (t->ifaces[i].values[j].node) {
                    diag_error(d, &t->ifaces[i].values[j].loc,
                               "the user tier gives no values: set them in the project's overrides");
                    ok = false;
                }
    }
    return ok;
}

/* ---- presets ---- */

bool parse_tier_choices_public(struct diag *d, const struct catalog *cat, const struct ynode *m,
                               struct tier_choice **out, size_t *n, const char *what)
{
    *out = NULL;
    *n = 0;
    if (!m)
        return true;
    if (!ycheck_map(d, m, what))
        return false;
    bool ok = true;
    *out = xcalloc(m->npairs, sizeof **out);
    for (size_t i = 0; i < m->npairs; i++) {
        const struct ynode *k = m->pairs[i].key, *v = m->pairs[i].value;
        struct tier_choice *tc = &(*out)[(*n)++];
        tc->iface_name = xstrdup(k->str);
        tc->loc = k->loc;
        const struct iface_def *f = catalog_iface(cat, k->str);
        const char *tier = ystring(d, v, "a tier name");
        tc->tier = xstrdup(tier ? tier : "");
        if (!tier) {
            ok = false;
            continue;
        }
        if (f && f->tiered) {
            tc->iface = f->name;
        } else if (!catalog_retired(cat, k->str)) {
            const char **names = xcalloc(cat->nifaces, sizeof *names);
            size_t nn = 0;
            for (size_t j = 0; j < cat->nifaces; j++)
                if (cat->ifaces[j].tiered)
                    names[nn++] = cat->ifaces[j].name;
            const char *sug = suggest(k->str, names, nn);
            if (sug)
                diag_error(d, &k->loc, "unknown interface '%s' in %s; did you mean '%s'?", k->str,
                           what, sug);
            else
                diag_error(d, &k->loc, "unknown interface '%s' in %s", k->str, what);
            free(names);
            ok = false;
        }
        tc->loc = v->loc;
    }
    return ok;
}

static bool load_preset(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"preset", "doc", "base", "extends", "tiers", "overrides"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = load_named(cat, d, path, keys, 6, "a preset", &name, &ns);
    if (!root)
        return false;
    if (catalog_preset_raw(cat, ns)) {
        diag_error(d, &name->loc, "preset '%s' is defined twice", ns);
        return false;
    }
    cat->presets = xrealloc(cat->presets, (cat->npresets + 1) * sizeof *cat->presets);
    struct preset_def *p = &cat->presets[cat->npresets++];
    memset(p, 0, sizeof *p);
    p->name = xstrdup(ns);
    p->loc = name->loc;
    p->doc = doc_text(root);
    bool ok = true;
    const struct ynode *base = ymap_get(root, "base"), *ext = ymap_get(root, "extends");
    if (base && ext) {
        diag_error(d, &ext->loc, "a preset has either 'base' (a tier) or 'extends' (a preset)");
        ok = false;
    } else if (!base && !ext) {
        diag_error(d, &name->loc, "preset '%s' needs 'base' (a tier) or 'extends' (a preset)",
                   ns);
        ok = false;
    }
    if (base) {
        const char *s = ystring(d, base, "base");
        p->base = s ? xstrdup(s) : NULL;
        p->base_loc = base->loc;
        ok = ok && s;
    }
    if (ext) {
        const char *s = ystring(d, ext, "extends");
        p->extends = s ? xstrdup(s) : NULL;
        p->extends_loc = ext->loc;
        ok = ok && s;
    }
    ok = parse_tier_choices_public(d, cat, ymap_get(root, "tiers"), &p->tiers, &p->ntiers,
                            "preset tiers") && ok;
    ok = iface_values_parse(d, cat, ymap_get(root, "overrides"), &p->overrides,
                            "preset overrides", false) && ok;
    return ok;
}

static bool load_aliases(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"aliases"};
    static const char *const akeys[] = {"to", "doc"};
    const struct ynode *root = load_doc(cat, d, path);
    if (!root || !ycheck_map(d, root, "aliases.yaml") ||
        !ycheck_keys(d, root, keys, 1, "aliases.yaml"))
        return false;
    const struct ynode *a = yrequire(d, root, "aliases", "aliases.yaml");
    if (!a || !ycheck_map(d, a, "aliases"))
        return false;
    bool ok = true;
    for (size_t i = 0; i < a->npairs; i++) {
        const struct ynode *k = a->pairs[i].key, *v = a->pairs[i].value;
        if (!ycheck_map(d, v, "an alias") || !ycheck_keys(d, v, akeys, 2, "an alias")) {
            ok = false;
            continue;
        }
        const struct ynode *to = yrequire(d, v, "to", "an alias");
        const char *ts = to ? ystring(d, to, "to") : NULL;
        if (!ts) {
            ok = false;
            continue;
        }
        if (catalog_preset_raw(cat, k->str)) {
            diag_error(d, &k->loc, "alias '%s' has the name of a preset", k->str);
            ok = false;
            continue;
        }
        cat->presets = xrealloc(cat->presets, (cat->npresets + 1) * sizeof *cat->presets);
        struct preset_def *p = &cat->presets[cat->npresets++];
        memset(p, 0, sizeof *p);
        p->name = xstrdup(k->str);
        p->loc = k->loc;
        p->alias_of = xstrdup(ts);
        p->alias_loc = to->loc;
        p->doc = doc_text(v);
        p->overrides = NULL;
    }
    return ok;
}

static bool load_fpreset(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"feature_preset", "doc", "extends", "features"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = load_named(cat, d, path, keys, 4, "a feature preset", &name, &ns);
    if (!root)
        return false;
    if (catalog_fpreset(cat, ns)) {
        diag_error(d, &name->loc, "feature preset '%s' is defined twice", ns);
        return false;
    }
    cat->fpresets = xrealloc(cat->fpresets, (cat->nfpresets + 1) * sizeof *cat->fpresets);
    struct feature_preset_def *f = &cat->fpresets[cat->nfpresets++];
    memset(f, 0, sizeof *f);
    f->name = xstrdup(ns);
    f->loc = name->loc;
    f->doc = doc_text(root);
    bool ok = true;
    const struct ynode *ext = ymap_get(root, "extends");
    if (ext) {
        const char *s = ystring(d, ext, "extends");
        f->extends = s ? xstrdup(s) : NULL;
        f->extends_loc = ext->loc;
        ok = s != NULL;
    }
    const struct ynode *feats = yrequire(d, root, "features", "a feature preset");
    if (!feats || !ycheck_seq(d, feats, "features"))
        return false;
    const struct iface_def *fi = catalog_iface(cat, "features");
    f->features = xcalloc(feats->nitems, sizeof *f->features);
    f->feature_locs = xcalloc(feats->nitems, sizeof *f->feature_locs);
    for (size_t i = 0; i < feats->nitems; i++) {
        const char *s = ystring(d, feats->items[i], "a feature");
        if (!s) {
            ok = false;
            continue;
        }
        if (fi && !iface_param(fi, s)) {
            const char **names = xcalloc(fi->nparams, sizeof *names);
            for (size_t q = 0; q < fi->nparams; q++)
                names[q] = fi->params[q].name;
            const char *sug = suggest(s, names, fi->nparams);
            if (sug)
                diag_error(d, &feats->items[i]->loc, "unknown feature '%s'; did you mean '%s'?",
                           s, sug);
            else
                diag_error(d, &feats->items[i]->loc, "unknown feature '%s'", s);
            free(names);
            ok = false;
        }
        f->feature_locs[f->nfeatures] = feats->items[i]->loc;
        f->features[f->nfeatures++] = xstrdup(s);
    }
    return ok;
}

/* ---- lookups ---- */

const struct iface_def *catalog_iface(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nifaces; i++)
        if (strcmp(cat->ifaces[i].name, name) == 0)
            return &cat->ifaces[i];
    return NULL;
}

size_t catalog_iface_index(const struct catalog *cat, const struct iface_def *iface)
{
    return (size_t)(iface - cat->ifaces);
}

const struct tier_def *catalog_tier(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->ntiers; i++)
        if (strcmp(cat->tiers[i].name, name) == 0)
            return &cat->tiers[i];
    return NULL;
}

const struct preset_def *catalog_preset_raw(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->npresets; i++)
        if (strcmp(cat->presets[i].name, name) == 0)
            return &cat->presets[i];
    return NULL;
}

const struct preset_def *catalog_preset(const struct catalog *cat, const char *name)
{
    const struct preset_def *p = catalog_preset_raw(cat, name);
    for (size_t hops = 0; p && p->alias_of && hops < cat->npresets; hops++)
        p = catalog_preset_raw(cat, p->alias_of);
    return p && !p->alias_of ? p : NULL;
}

const struct feature_preset_def *catalog_fpreset(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nfpresets; i++)
        if (strcmp(cat->fpresets[i].name, name) == 0)
            return &cat->fpresets[i];
    return NULL;
}

const struct retired_def *catalog_retired(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nretired; i++)
        if (strcmp(cat->retired[i].name, name) == 0)
            return &cat->retired[i];
    return NULL;
}

const struct param_def *iface_param(const struct iface_def *iface, const char *name)
{
    for (size_t i = 0; i < iface->nparams; i++)
        if (strcmp(iface->params[i].name, name) == 0)
            return &iface->params[i];
    return NULL;
}

/* ---- checks that span files ---- */

static bool check_links(struct catalog *cat, struct diag *d)
{
    bool ok = true;
    const char **tnames = xcalloc(cat->ntiers + 1, sizeof *tnames);
    for (size_t i = 0; i < cat->ntiers; i++)
        tnames[i] = cat->tiers[i].name;
    for (size_t i = 0; i < cat->npresets; i++) {
        const struct preset_def *p = &cat->presets[i];
        if (p->base && !catalog_tier(cat, p->base)) {
            const char *s = suggest(p->base, tnames, cat->ntiers);
            diag_error(d, &p->base_loc, "unknown tier '%s'%s%s%s", p->base,
                       s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            ok = false;
        }
        for (size_t j = 0; j < p->ntiers; j++)
            if (!catalog_tier(cat, p->tiers[j].tier)) {
                const char *s = suggest(p->tiers[j].tier, tnames, cat->ntiers);
                diag_error(d, &p->tiers[j].loc, "unknown tier '%s'%s%s%s", p->tiers[j].tier,
                           s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
                ok = false;
            }
        const char *target = p->alias_of ? p->alias_of : p->extends;
        const struct loc *tl = p->alias_of ? &p->alias_loc : &p->extends_loc;
        if (target && !catalog_preset_raw(cat, target)) {
            diag_error(d, tl, "unknown preset '%s'", target);
            ok = false;
            continue;
        }
        /* Cycles through extends/alias: walk and print the whole chain. */
        const struct preset_def *q = p;
        size_t steps = 0;
        while (q && (q->alias_of || q->extends) && steps <= cat->npresets) {
            q = catalog_preset_raw(cat, q->alias_of ? q->alias_of : q->extends);
            steps++;
            if (q == p) {
                struct sbuf chain = {0};
                const struct preset_def *r = p;
                sbuf_add(&chain, r->name);
                do {
                    r = catalog_preset_raw(cat, r->alias_of ? r->alias_of : r->extends);
                    sbuf_printf(&chain, " -> %s", r->name);
                } while (r != p);
                diag_error(d, tl, "preset cycle: %s", chain.s);
                sbuf_free(&chain);
                ok = false;
                break;
            }
        }
    }
    free(tnames);
    for (size_t i = 0; i < cat->nfpresets; i++) {
        const struct feature_preset_def *f = &cat->fpresets[i];
        if (f->extends && !catalog_fpreset(cat, f->extends)) {
            diag_error(d, &f->extends_loc, "unknown feature preset '%s'", f->extends);
            ok = false;
            continue;
        }
        const struct feature_preset_def *q = f;
        for (size_t steps = 0; q && q->extends && steps <= cat->nfpresets; steps++) {
            q = catalog_fpreset(cat, q->extends);
            if (q == f) {
                diag_error(d, &f->extends_loc, "feature preset '%s' extends itself through a cycle",
                           f->name);
                ok = false;
                break;
            }
        }
    }
    for (const char *req[] = {"minimum", "standard", "performance", "maximum", "user", NULL},
         **r = req; *r; r++)
        if (!catalog_tier(cat, *r)) {
            diag_error(d, NULL, "tier '%s' is missing from presets/tiers/", *r);
            ok = false;
        }
    return ok;
}

static bool load_dir(struct catalog *cat, struct diag *d, const char *dir,
                     bool (*fn)(struct catalog *, struct diag *, const char *),
                     const char *skip1, const char *skip2, const char *skip3)
{
    size_t n;
    char **files = list_yaml(dir, &n);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/') + 1;
        if ((skip1 && !strcmp(base, skip1)) || (skip2 && !strcmp(base, skip2)) ||
            (skip3 && !strcmp(base, skip3)))
            continue;
        if (!fn(cat, d, files[i]))
            ok = false;
    }
    free_list(files, n);
    return ok;
}

/* "." reads as "schemas/x.yaml", anything else as "root/schemas/x.yaml". */
#define ROOT_PREFIX(root) (strcmp((root), ".") ? (root) : ""), (strcmp((root), ".") ? "/" : "")

bool model_load_catalog(struct catalog *cat, const char *root, struct diag *d)
{
    memset(cat, 0, sizeof *cat);
    cat->root = xstrdup(root);
    struct sbuf p = {0};
    bool ok = true;
    sbuf_printf(&p, "%s%sschemas", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, load_schema, "baseline.yaml", "retired.yaml", NULL) && ok;
    if (cat->nifaces == 0) {
        diag_error(d, NULL, "no interface schemas found in %s", p.s);
        sbuf_free(&p);
        return false;
    }
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/baseline.yaml", ROOT_PREFIX(root));
    ok = load_baseline(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/retired.yaml", ROOT_PREFIX(root));
    ok = load_retired(cat, d, p.s) && ok;
    if (!catalog_iface(cat, "features") || !catalog_iface(cat, "lambda")) {
        diag_error(d, NULL, "schemas/ must define the 'lambda' and 'features' interfaces");
        ok = false;
    }
    if (!ok) {
        sbuf_free(&p);
        return false;
    }
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/tiers", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, load_tier, NULL, NULL, NULL) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, load_preset, "aliases.yaml", NULL, NULL) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/aliases.yaml", ROOT_PREFIX(root));
    ok = load_aliases(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/features", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, load_fpreset, NULL, NULL, NULL) && ok;
    sbuf_free(&p);
    return check_links(cat, d) && ok;
}

void model_free_catalog(struct catalog *cat)
{
    for (size_t i = 0; i < cat->nifaces; i++) {
        struct iface_def *f = &cat->ifaces[i];
        for (size_t j = 0; j < f->nparams; j++) {
            free(f->params[j].name);
            free(f->params[j].doc);
            for (size_t k = 0; k < f->params[j].nvalues; k++)
                free(f->params[j].values[k]);
            free(f->params[j].values);
        }
        free(f->params);
        expr_free(f->memory);
        free(f->memory_doc);
        for (size_t j = 0; j < f->nmetrics; j++) {
            free(f->metrics[j].name);
            free(f->metrics[j].unit);
            expr_free(f->metrics[j].when);
        }
        free(f->metrics);
        for (size_t j = 0; j < f->nrules; j++) {
            expr_free(f->rules[j].expr);
            free(f->rules[j].message);
        }
        free(f->rules);
        free(f->name);
        free(f->doc);
    }
    for (size_t i = 0; i < cat->ntiers; i++) {
        iface_values_free(cat->tiers[i].ifaces, cat->nifaces);
        free(cat->tiers[i].name);
        free(cat->tiers[i].doc);
    }
    for (size_t i = 0; i < cat->npresets; i++) {
        struct preset_def *p = &cat->presets[i];
        iface_values_free(p->overrides, cat->nifaces);
        for (size_t j = 0; j < p->ntiers; j++) {
            free(p->tiers[j].iface_name);
            free(p->tiers[j].tier);
        }
        free(p->tiers);
        free(p->name);
        free(p->doc);
        free(p->alias_of);
        free(p->extends);
        free(p->base);
    }
    for (size_t i = 0; i < cat->nfpresets; i++) {
        struct feature_preset_def *f = &cat->fpresets[i];
        for (size_t j = 0; j < f->nfeatures; j++)
            free(f->features[j]);
        free(f->features);
        free(f->feature_locs);
        free(f->name);
        free(f->doc);
        free(f->extends);
    }
    for (size_t i = 0; i < cat->nretired; i++) {
        free(cat->retired[i].name);
        free(cat->retired[i].reason);
    }
    free(cat->retired);
    free(cat->ifaces);
    free(cat->tiers);
    free(cat->presets);
    free(cat->fpresets);
    for (size_t i = 0; i < cat->ndocs; i++)
        ydoc_free(cat->docs[i]);
    free(cat->docs);
    free(cat->root);
    memset(cat, 0, sizeof *cat);
}
