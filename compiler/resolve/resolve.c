/* resolve: see resolve.h. */
#include "resolve/resolve.h"

#include "front/util.h"
#include "front/ycheck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum eval_state { ES_TODO, ES_BUSY, ES_DONE, ES_FAILED };

/* One parameter slot during resolution. */
struct slot {
    const struct pvalue *pv; /* where its value is written (NULL: none) */
    enum eval_state state;
};

struct ctx {
    struct resolved *r;
    struct diag *d;
    struct slot **slots; /* [iface][param] */
    size_t scope;        /* interface whose bare names resolve */
};

static bool eval_slot(struct ctx *c, size_t fi, size_t pi, const struct loc *ref_at);

static bool lookup(void *vc, const char *name, size_t len, const struct loc *at, struct value *out,
                   struct diag *d)
{
    struct ctx *c = vc;
    const struct catalog *cat = c->r->cat;
    char buf[128];
    if (len >= sizeof buf) {
        diag_error(d, at, "name too long");
        return false;
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    const struct iface_def *f = &cat->ifaces[c->scope];
    const char *pname = buf;
    char *dot = strchr(buf, '.');
    if (dot) {
        *dot = '\0';
        pname = dot + 1;
        f = catalog_iface(cat, buf);
        if (!f) {
            diag_error(d, at, "unknown interface '%s' in '%.*s'", buf, (int)len, name);
            return false;
        }
    }
    const struct param_def *p = catalog_param(f, pname);
    if (!p) {
        const char **names = xcalloc(f->nparams, sizeof *names);
        for (size_t i = 0; i < f->nparams; i++)
            names[i] = f->params[i].name;
        const char *s = suggest(pname, names, f->nparams);
        diag_error(d, at, "'%s' has no parameter '%s'%s%s%s", f->name, pname,
                   s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        free(names);
        return false;
    }
    size_t fi = catalog_iface_index(cat, f), pi = (size_t)(p - f->params);
    if (!eval_slot(c, fi, pi, at))
        return false;
    const struct rvalue *rv = &c->r->ifaces[fi].values[pi];
    memset(out, 0, sizeof *out);
    switch (rv->type) {
    case PT_INT:
    case PT_SIZE:
    case PT_DURATION:
    case PT_RATIO:
        out->kind = V_NUM;
        out->num = rv->num;
        out->dim = ptype_dim(rv->type);
        break;
    case PT_BOOL:
        out->kind = V_BOOL;
        out->b = rv->b;
        break;
    case PT_ENUM:
    case PT_STRING:
        out->kind = V_STR;
        out->str = rv->str;
        out->len = strlen(rv->str);
        break;
    case PT_LIST:
        out->kind = V_LIST;
        out->len = rv->nitems;
        break;
    }
    return true;
}

static bool check_range(struct ctx *c, const struct param_def *p, const struct rvalue *rv,
                        const struct loc *at, const char *iface)
{
    if (p->type == PT_INT && rv->num != floor(rv->num)) {
        diag_error(c->d, at, "%s.%s must be a whole number", iface, p->name);
        return false;
    }
    /* Sizes are emitted in bytes and durations in milliseconds: a fraction of either
     * would be rounded by the emitter (1999.6ms passing a check that 2000 fails, 0.4B
     * passing as a budget and emitted as 0), so it is an error here. */
    const struct ptype_def *t = ptype_def(p->type);
    if (t->c_literal && t->c_scale >= 1) {
        double x = rv->num * t->c_scale;
        if (fabs(x - round(x)) > 1e-6 * fmax(1.0, fabs(x))) {
            char v[48];
            struct value a = {.kind = V_NUM, .num = rv->num, .dim = ptype_dim(p->type)};
            value_format(&a, v, sizeof v);
            diag_error(c->d, at, "%s.%s = %s is not a whole number of %s", iface, p->name, v,
                       t->c_scale == 1 ? "bytes" : "milliseconds");
            return false;
        }
    }
    if (!p->has_range)
        return true;
    if (t->c_literal) { /* whole bytes, milliseconds or numbers: compared exactly */
        double k = t->c_scale, x = round(rv->num * k);
        if (x >= round(p->min * k) && x <= round(p->max * k))
            return true;
    } else if (rv->num >= p->min - 1e-9 && rv->num <= p->max + 1e-9) {
        return true; /* a ratio: 1e-9 for what decimal fractions cannot hold exactly */
    }
    char v[48], lo[48], hi[48];
    struct value a = {.kind = V_NUM, .num = rv->num, .dim = ptype_dim(p->type)};
    struct value b = a, e = a;
    b.num = p->min;
    e.num = p->max;
    value_format(&a, v, sizeof v);
    value_format(&b, lo, sizeof lo);
    value_format(&e, hi, sizeof hi);
    if (!strcmp(v, lo) || !strcmp(v, hi)) /* rounded alike: say the exact number */
        snprintf(v, sizeof v, "%.17g%s", rv->num,
                 p->type == PT_SIZE       ? " B"
                 : p->type == PT_DURATION ? " s"
                                          : "");
    diag_error(c->d, at, "%s.%s = %s is out of range [%s, %s]", iface, p->name, v, lo, hi);
    return false;
}

/* metrics.namespace against CloudWatch's rules for a namespace (PutMetricData, EMF):
 * 1 to 255 characters among letters, digits, space and . - _ / # : (the CloudWatch
 * concepts page; other ASCII printables and non-ASCII are refused), not starting
 * with ':' (the API's pattern [^:].*) nor with "AWS/" (reserved for AWS services).
 * schemas/metrics.yaml states the same rule as a pattern for editors. */
static bool check_cloudwatch_namespace(struct ctx *c, const char *ns, const struct loc *at)
{
    size_t n = strlen(ns);
    char shown[80];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 5 < sizeof shown - 4; i++) {
        unsigned char ch = (unsigned char)ns[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\'')
            shown[k++] = (char)ch;
        else
            k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", ch);
    }
    if (k < n)
        k += (size_t)snprintf(shown + k, sizeof shown - k, "...");
    shown[k] = '\0';
    if (n == 0)
        return true; /* metrics need a namespace: the schema's rule says so when enabled */
    if (strncmp(ns, "AWS/", 4) == 0) {
        diag_error(c->d, at, "namespace '%s': names starting with 'AWS/' are reserved for AWS",
                   shown);
        return false;
    }
    if (n > 255) {
        diag_error(c->d, at, "namespace '%s': %zu characters, CloudWatch allows at most 255", shown,
                   n);
        return false;
    }
    if (ns[0] == ':') {
        diag_error(c->d, at, "namespace '%s': CloudWatch refuses a name starting with ':'", shown);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)ns[i];
        if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            strchr(" ._/#:-", ch))
            continue;
        char what[48];
        if (ch >= 0x80)
            snprintf(what, sizeof what, "a non-ASCII character (byte 0x%02x)", ch);
        else if (ch < 0x20 || ch == 0x7f)
            snprintf(what, sizeof what, "a control character (0x%02x)", ch);
        else
            snprintf(what, sizeof what, "'%c'", ch);
        diag_error(c->d, at,
                   "namespace '%s': %s at byte %zu is not allowed (CloudWatch: ASCII letters, "
                   "digits, space and . - _ / # :)",
                   shown, what, i + 1);
        return false;
    }
    return true;
}

/* A value that is one word naming no parameter ("lots", "ten"): said as a value of
 * the wrong form, not as a reference to a parameter that does not exist. */
static bool unknown_word(const struct iface_def *f, const struct ynode *n)
{
    if (!n || n->kind != YN_SCALAR || !n->str[0] || (n->str[0] >= '0' && n->str[0] <= '9'))
        return false;
    for (const char *q = n->str; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' ||
              (*q >= '0' && *q <= '9')))
            return false; /* an operator or a dotted name: the expression's own errors */
    if (!strcmp(n->str, "true") || !strcmp(n->str, "false"))
        return false;
    return catalog_param(f, n->str) == NULL;
}

static bool eval_slot(struct ctx *c, size_t fi, size_t pi, const struct loc *ref_at)
{
    struct slot *s = &c->slots[fi][pi];
    const struct iface_def *f = &c->r->cat->ifaces[fi];
    const struct param_def *p = &f->params[pi];
    struct rvalue *rv = &c->r->ifaces[fi].values[pi];
    if (s->state == ES_DONE)
        return true;
    if (s->state == ES_FAILED)
        return false;
    if (s->state == ES_BUSY) {
        diag_error(c->d, ref_at, "%s.%s depends on itself", f->name, p->name);
        return false;
    }
    if (!s->pv) {
        s->state = ES_FAILED;
        return false; /* missing value already reported */
    }
    s->state = ES_BUSY;
    bool ok = true;
    rv->type = p->type;
    const struct ynode *n = s->pv->node;
    switch (p->type) {
    case PT_ENUM:
    case PT_STRING:
        rv->str = n->str;
        if (strcmp(f->name, "metrics") == 0 && strcmp(p->name, "namespace") == 0 && rv->str &&
            !check_cloudwatch_namespace(c, rv->str, &s->pv->loc)) {
            ynote_alias(c->d, n);
            ok = false;
        }
        break;
    case PT_LIST:
        rv->nitems = n->nitems;
        rv->items = xcalloc(n->nitems + 1, sizeof *rv->items);
        for (size_t i = 0; i < n->nitems; i++)
            rv->items[i] = n->items[i]->str;
        break;
    default: {
        if (unknown_word(f, n)) {
            static const char *const example[] = {[PT_INT] = "42",
                                                  [PT_SIZE] = "512KiB or 4MiB",
                                                  [PT_DURATION] = "250ms, 5s or 2m",
                                                  [PT_RATIO] = "0.85 or 85%"};
            if (p->type == PT_BOOL)
                diag_error(c->d, &s->pv->loc, "%s.%s is true or false; got '%s'", f->name, p->name,
                           n->str);
            else
                diag_error(c->d, &s->pv->loc,
                           "%s.%s is a %s such as %s; '%s' is neither a number nor a parameter "
                           "name",
                           f->name, p->name,
                           p->type == PT_INT ? "whole number" : ptype_name(p->type),
                           example[p->type], n->str);
            ynote_alias(c->d, n);
            ok = false;
            break;
        }
        size_t saved = c->scope;
        c->scope = fi;
        struct value v;
        ok = expr_eval(s->pv->expr, lookup, c, &v, c->d);
        c->scope = saved;
        if (!ok)
            break;
        if (p->type == PT_BOOL) {
            if (v.kind != V_BOOL) {
                diag_error(c->d, &s->pv->loc, "%s.%s must be true or false", f->name, p->name);
                ok = false;
            }
            rv->b = v.b;
            break;
        }
        struct dim want = ptype_dim(p->type);
        if (v.kind != V_NUM || !dim_eq(v.dim, want)) {
            char got[48] = "not a number";
            if (v.kind == V_NUM) {
                char dim[32];
                dim_format(v.dim, dim, sizeof dim);
                snprintf(got, sizeof got, "in %s", dim);
            }
            const char *hint = p->type == PT_SIZE       ? " (write e.g. 512KiB or 4MiB)"
                               : p->type == PT_DURATION ? " (write e.g. 250ms, 5s or 2m)"
                                                        : "";
            diag_error(c->d, &s->pv->loc, "%s.%s is %s %s, but this value is %s%s", f->name,
                       p->name, p->type == PT_INT ? "an" : "a", ptype_name(p->type),
                       v.kind == V_NUM && dim_eq(v.dim, DIM_NONE) ? "a plain number" : got, hint);
            ynote_alias(c->d, n);
            ok = false;
            break;
        }
        rv->num = v.num;
        ok = check_range(c, p, rv, &s->pv->loc, f->name);
        if (!ok)
            ynote_alias(c->d, n);
        break;
    }
    }
    s->state = ok ? ES_DONE : ES_FAILED;
    return ok;
}

/* ---- assembling the sources of each value ---- */

static void set_slot(struct ctx *c, size_t fi, size_t pi, const struct pvalue *pv, struct origin o)
{
    if (!pv->node)
        return;
    c->slots[fi][pi].pv = pv;
    /* A value that failed to parse was reported there; what depends on it stays quiet. */
    c->slots[fi][pi].state = pv->failed ? ES_FAILED : ES_TODO;
    o.loc = pv->loc;
    c->r->ifaces[fi].values[pi].origin = o;
}

static bool build_chain(struct resolved *r, struct diag *d, const struct loc *at)
{
    const struct preset_def *p = r->preset;
    size_t n = 0;
    const struct preset_def **rev = xcalloc(r->cat->npresets + 1, sizeof *rev);
    while (p && n <= r->cat->npresets) {
        rev[n++] = p;
        if (!p->extends)
            break;
        p = catalog_preset(r->cat, p->extends);
    }
    if (!p || n > r->cat->npresets) {
        diag_error(d, at, "preset '%s' does not resolve to a tier", r->preset_name);
        free(rev);
        return false;
    }
    r->chain = xcalloc(n, sizeof *r->chain);
    for (size_t i = 0; i < n; i++)
        r->chain[i] = rev[n - 1 - i];
    r->nchain = n;
    free(rev);
    return true;
}

static bool assign_features(struct ctx *c, const char *fpreset)
{
    struct resolved *r = c->r;
    const struct iface_def *fi = catalog_iface(r->cat, "features");
    size_t fidx = catalog_iface_index(r->cat, fi);
    struct riface *ri = &r->ifaces[fidx];
    for (size_t i = 0; i < fi->nparams; i++) {
        ri->values[i].type = PT_BOOL;
        ri->values[i].b = false;
        ri->values[i].origin.kind = ORIGIN_FEATURES;
        ri->values[i].origin.name = fpreset;
        c->slots[fidx][i].state = ES_DONE;
    }
    /* The extends chain, root first, so the leaf's locations win. */
    const struct feature_preset_def *chain[64];
    size_t n = 0;
    for (const struct feature_preset_def *f = catalog_fpreset(r->cat, fpreset); f && n < 64;
         f = f->extends ? catalog_fpreset(r->cat, f->extends) : NULL)
        chain[n++] = f;
    while (n--) {
        const struct feature_preset_def *f = chain[n];
        for (size_t i = 0; i < f->nfeatures; i++) {
            const struct param_def *p = catalog_param(fi, f->features[i]);
            if (!p)
                continue;
            struct rvalue *v = &ri->values[p - fi->params];
            v->b = true;
            v->origin.name = f->name;
            v->origin.loc = f->feature_locs[i];
        }
    }
    const struct project *pj = r->proj;
    for (size_t k = 0; pj && k < 2; k++) {
        const char **list = k ? pj->features_remove : pj->features_add;
        size_t cnt = k ? pj->nremove : pj->nadd;
        for (size_t i = 0; i < cnt; i++) {
            const struct param_def *p = catalog_param(fi, list[i]);
            if (!p)
                continue;
            struct rvalue *v = &ri->values[p - fi->params];
            v->b = k == 0;
            v->origin.kind = ORIGIN_PROJECT;
            v->origin.name = "project";
            v->origin.loc = k ? pj->remove_locs[i] : pj->add_locs[i];
        }
    }
    return true;
}

static const struct loc *best_loc(const struct resolved *r)
{
    if (r->proj)
        return &r->proj->preset_loc;
    return &r->preset->loc;
}

static bool assign_values(struct ctx *c)
{
    struct resolved *r = c->r;
    const struct catalog *cat = r->cat;
    bool ok = true;
    const struct preset_def *root = r->chain[0];
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        struct riface *ri = &r->ifaces[fi];
        if (!f->tiered)
            continue;
        ri->tier = root->base;
        ri->tier_origin = (struct origin){ORIGIN_PRESET, root->name, root->base_loc};
        for (size_t k = 0; k < r->nchain; k++)
            for (size_t t = 0; t < r->chain[k]->ntiers; t++) {
                const struct tier_choice *tc = &r->chain[k]->tiers[t];
                if (tc->iface && strcmp(tc->iface, f->name) == 0) {
                    ri->tier = tc->tier;
                    ri->tier_origin = (struct origin){ORIGIN_PRESET, r->chain[k]->name, tc->loc};
                }
            }
        if (r->proj)
            for (size_t t = 0; t < r->proj->ntiers; t++) {
                const struct tier_choice *tc = &r->proj->tiers[t];
                /* An unknown tier was reported by project_load; keep the preset's. */
                if (tc->iface && strcmp(tc->iface, f->name) == 0 && catalog_tier(cat, tc->tier)) {
                    ri->tier = tc->tier;
                    ri->tier_origin = (struct origin){ORIGIN_PROJECT, "project", tc->loc};
                }
            }
        const struct tier_def *td = catalog_tier(cat, ri->tier);
        struct sbuf missing = {0};
        size_t nmissing = 0;
        for (size_t pi = 0; pi < f->nparams; pi++) {
            if (td)
                set_slot(c, fi, pi, &td->ifaces[fi].values[pi],
                         (struct origin){ORIGIN_TIER, td->name, {0}});
            for (size_t k = 0; k < r->nchain; k++)
                if (r->chain[k]->overrides)
                    set_slot(c, fi, pi, &r->chain[k]->overrides[fi].values[pi],
                             (struct origin){ORIGIN_PRESET, r->chain[k]->name, {0}});
            if (r->proj)
                set_slot(c, fi, pi, &r->proj->overrides[fi].values[pi],
                         (struct origin){ORIGIN_PROJECT, "project", {0}});
            if (!c->slots[fi][pi].pv) {
                sbuf_printf(&missing, "%s%s", nmissing ? ", " : "", f->params[pi].name);
                nmissing++;
                c->slots[fi][pi].state = ES_FAILED;
                ok = false;
            }
        }
        if (nmissing)
            diag_error(c->d, &ri->tier_origin.loc,
                       "%s is on the '%s' tier, which gives no values: set %s in overrides.%s "
                       "(%zu missing)",
                       f->name, ri->tier, missing.s, f->name, nmissing);
        sbuf_free(&missing);
    }
    return ok;
}

/* ---- rules, memory, metrics ---- */

struct note_ctx {
    struct ctx *c;
    size_t scope;
    bool only_overrides;           /* skip values that come straight from a tier */
    const struct loc *primary;     /* the error's own location: not noted again */
    const struct rvalue *seen[16]; /* each value noted once */
    size_t nseen;
};

/* The resolved value a reference names ("ttl" in scope, or "cache.ttl"), or NULL. */
static const struct rvalue *ref_value(const struct resolved *r, size_t scope, const char *name,
                                      size_t len, const struct iface_def **fo,
                                      const struct param_def **po)
{
    char buf[128];
    if (len >= sizeof buf)
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    const struct iface_def *f = &r->cat->ifaces[scope];
    const char *pname = buf;
    char *dot = strchr(buf, '.');
    if (dot) {
        *dot = '\0';
        pname = dot + 1;
        f = catalog_iface(r->cat, buf);
    }
    const struct param_def *p = f ? catalog_param(f, pname) : NULL;
    if (!p)
        return NULL;
    *fo = f;
    *po = p;
    return &r->ifaces[catalog_iface_index(r->cat, f)].values[p - f->params];
}

static void note_ref(void *vn, const char *name, size_t len, const struct loc *at)
{
    (void)at;
    struct note_ctx *nc = vn;
    const struct iface_def *f;
    const struct param_def *p;
    const struct rvalue *rv = ref_value(nc->c->r, nc->scope, name, len, &f, &p);
    if (!rv)
        return;
    if (nc->only_overrides && (rv->origin.kind == ORIGIN_TIER || !rv->origin.loc.file))
        return;
    const struct loc *l = &rv->origin.loc, *pr = nc->primary;
    if (pr && l->file == pr->file && l->line == pr->line && l->col == pr->col)
        return;
    for (size_t i = 0; i < nc->nseen; i++)
        if (nc->seen[i] == rv)
            return;
    if (nc->nseen < sizeof nc->seen / sizeof nc->seen[0])
        nc->seen[nc->nseen++] = rv;
    char v[64], o[96];
    rvalue_format(rv, v, sizeof v);
    origin_format(&rv->origin, o, sizeof o);
    diag_note(nc->c->d, &rv->origin.loc, "%s.%s = %s (%s)", f->name, p->name, v, o);
}

/* Where a failed rule is reported: the first value it reads that the project file sets
 * (else the caller falls back to the project's features or preset line). */
struct rule_at {
    struct ctx *c;
    size_t scope;
    const struct loc *at;
};

static void rule_at_ref(void *vr, const char *name, size_t len, const struct loc *at)
{
    (void)at;
    struct rule_at *ra = vr;
    const struct iface_def *f;
    const struct param_def *p;
    if (ra->at)
        return;
    const struct rvalue *rv = ref_value(ra->c->r, ra->scope, name, len, &f, &p);
    if (rv && ra->c->r->proj && rv->origin.kind == ORIGIN_PROJECT && rv->origin.loc.file &&
        rv->origin.loc.file == ra->c->r->proj->file)
        ra->at = &rv->origin.loc;
}

static bool check_rules(struct ctx *c)
{
    bool ok = true;
    const struct catalog *cat = c->r->cat;
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        for (size_t i = 0; i < f->nrules; i++) {
            struct value v;
            c->scope = fi;
            if (!expr_eval(f->rules[i].expr, lookup, c, &v, c->d)) {
                ok = false;
                continue;
            }
            if (v.kind != V_BOOL) {
                diag_error(c->d, &f->rules[i].loc, "a rule must be a condition (true or false)");
                ok = false;
                continue;
            }
            if (v.b)
                continue;
            ok = false;
            struct rule_at ra = {c, fi, NULL};
            expr_foreach_ref(f->rules[i].expr, rule_at_ref, &ra);
            const struct loc *at = ra.at;
            if (!at && c->r->proj && !f->tiered)
                at = &c->r->proj->fpreset_loc;
            diag_error(c->d, at ? at : best_loc(c->r), "%s: %s", f->name, f->rules[i].message);
            struct note_ctx nc = {c, fi, false, NULL, {0}, 0};
            expr_foreach_ref(f->rules[i].expr, note_ref, &nc);
            diag_note(c->d, &f->rules[i].loc, "rule defined here");
        }
    }
    return ok;
}

/* Who set the values an interface's memory reads: the project's biggest one (the
 * primary location of an over-budget error) and the tier's parameter names. */
struct mem_blame {
    struct ctx *c;
    size_t scope;
    const struct loc *at;        /* the project's biggest value */
    const struct loc *first_set; /* the first value set above the tier */
    double best_num;
    struct sbuf tier_params;
    char what[96];
};

/* Is name one of the ", "-separated names in list? */
static bool name_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *e = strstr(p, ", ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p = e ? e + 2 : NULL;
    }
    return false;
}

static void mem_blame_ref(void *vb, const char *name, size_t len, const struct loc *at)
{
    (void)at;
    struct mem_blame *b = vb;
    const struct iface_def *f;
    const struct param_def *p;
    const struct rvalue *rv = ref_value(b->c->r, b->scope, name, len, &f, &p);
    if (!rv)
        return;
    if (rv->origin.kind == ORIGIN_TIER) {
        /* Each parameter once; the interface's own without its prefix. */
        char key[96];
        if (f == &b->c->r->cat->ifaces[b->scope])
            snprintf(key, sizeof key, "%s", p->name);
        else
            snprintf(key, sizeof key, "%s.%s", f->name, p->name);
        if (!name_listed(b->tier_params.s, key))
            sbuf_printf(&b->tier_params, "%s%s", b->tier_params.len ? ", " : "", key);
        return;
    }
    if (!rv->origin.loc.file)
        return;
    if (!b->first_set)
        b->first_set = &rv->origin.loc;
    const struct project *pj = b->c->r->proj;
    if (!pj || rv->origin.kind != ORIGIN_PROJECT || rv->origin.loc.file != pj->file)
        return;
    double v = rv->type == PT_SIZE ? rv->num : 0;
    if (!b->at || v > b->best_num) {
        b->at = &rv->origin.loc;
        b->best_num = v;
        char val[64];
        rvalue_format(rv, val, sizeof val);
        snprintf(b->what, sizeof b->what, "%s.%s (%s here)", f->name, p->name, val);
    }
}

static bool compute_memory(struct ctx *c)
{
    struct resolved *r = c->r;
    const struct catalog *cat = r->cat;
    bool ok = true;
    r->mem = xcalloc(cat->nifaces + 1, sizeof *r->mem);
    r->mem[0] = (struct memory_item){"baseline", cat->baseline_rss, cat->baseline_loc};
    r->nmem = 1;
    r->mem_total = cat->baseline_rss;
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        struct value v;
        c->scope = fi;
        if (!expr_eval(f->memory, lookup, c, &v, c->d)) {
            ok = false;
            continue;
        }
        if (v.kind != V_NUM || !dim_eq(v.dim, DIM_BYTES) || v.num < 0) {
            diag_error(c->d, expr_loc(f->memory), "the memory of %s must be a size in bytes",
                       f->name);
            ok = false;
            continue;
        }
        r->ifaces[fi].memory = v.num;
        struct loc at = r->ifaces[fi].tier_origin.loc.file ? r->ifaces[fi].tier_origin.loc
                                                           : *expr_loc(f->memory);
        r->mem[r->nmem++] = (struct memory_item){f->name, v.num, at};
        r->mem_total += v.num;
    }
    if (!ok)
        return false;
    const struct rvalue *mb = resolved_value(r, "lambda", "memory_mb");
    const struct rvalue *hr = resolved_value(r, "lambda", "headroom");
    r->mem_limit = mb->num * 1024.0 * 1024.0 - hr->num;
    if (r->mem_total <= r->mem_limit)
        return true;
    if (r->mem_limit <= 0) { /* not "the limit is -402653184 B": say which value is wrong */
        char hrs[32];
        fmt_bytes(hrs, sizeof hrs, hr->num);
        const struct loc *at = hr->origin.loc.file ? &hr->origin.loc : best_loc(r);
        diag_error(c->d, at,
                   "lambda.headroom = %s leaves no memory for the bootstrap: memory_mb is %.0f MB; "
                   "lower the headroom or raise memory_mb",
                   hrs, mb->num);
        if (mb->origin.loc.file)
            diag_note(c->d, &mb->origin.loc, "lambda.memory_mb = %.0f set here", mb->num);
        return false;
    }
    char tot[32], lim[32], mbs[32], hrs[32];
    fmt_bytes(tot, sizeof tot, r->mem_total);
    fmt_bytes(lim, sizeof lim, r->mem_limit);
    fmt_bytes(hrs, sizeof hrs, hr->num);
    snprintf(mbs, sizeof mbs, "%.0f MB", mb->num);
    /* Contributors, biggest first (the baseline included). */
    size_t *order = xcalloc(r->nmem, sizeof *order);
    for (size_t i = 0; i < r->nmem; i++)
        order[i] = i;
    for (size_t i = 1; i < r->nmem; i++)
        for (size_t j = i; j > 0 && r->mem[order[j]].bytes > r->mem[order[j - 1]].bytes; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    /* The primary location: the biggest contributor the project set. */
    struct mem_blame top = {0};
    for (size_t k = 0; k < r->nmem && !top.at; k++) {
        if (order[k] == 0)
            continue;
        const struct riface *ri = resolved_iface(r, r->mem[order[k]].name);
        struct mem_blame b = {.c = c, .scope = catalog_iface_index(cat, ri->def)};
        expr_foreach_ref(ri->def->memory, mem_blame_ref, &b);
        if (b.at)
            top = b;
        else if (r->proj && ri->tier_origin.kind == ORIGIN_PROJECT) {
            top = b;
            top.at = &ri->tier_origin.loc;
            snprintf(top.what, sizeof top.what, "tiers.%s (%s)", ri->def->name, ri->tier);
        }
        sbuf_free(&b.tier_params); /* the primary location needs only at and what */
        top.tier_params = (struct sbuf){0};
    }
    const struct loc *at = top.at;
    if (!at && r->proj && mb->origin.kind == ORIGIN_PROJECT)
        at = &mb->origin.loc;
    const struct loc *primary = at ? at : best_loc(r);
    diag_error(c->d, primary,
               "memory budget exceeded: the estimate is %s but the limit is %s (memory_mb %s "
               "minus headroom %s)",
               tot, lim, mbs, hrs);
    for (size_t k = 0; k < r->nmem; k++) {
        const struct memory_item *m = &r->mem[order[k]];
        if (m->bytes < r->mem_total * 0.01)
            continue;
        char b[32];
        fmt_bytes(b, sizeof b, m->bytes);
        int pct = (int)(m->bytes * 100.0 / r->mem_total + 0.5);
        if (order[k] == 0) {
            diag_note(c->d, &m->loc, "baseline: %s, %d%% (measured bootstrap)", b, pct);
            continue;
        }
        const struct riface *ri = resolved_iface(r, m->name);
        struct mem_blame mbl = {.c = c, .scope = catalog_iface_index(cat, ri->def)};
        expr_foreach_ref(ri->def->memory, mem_blame_ref, &mbl);
        /* The tier is named only for what it sets. */
        if (mbl.tier_params.len)
            diag_note(c->d, &ri->tier_origin.loc, "%s: %s, %d%% (tier %s sets %s)", m->name, b, pct,
                      ri->tier, mbl.tier_params.s);
        else
            diag_note(c->d, mbl.first_set ? mbl.first_set : &m->loc, "%s: %s, %d%%", m->name, b,
                      pct);
        sbuf_free(&mbl.tier_params);
        struct note_ctx nc = {c, catalog_iface_index(cat, ri->def), true, primary, {0}, 0};
        expr_foreach_ref(ri->def->memory, note_ref, &nc);
    }
    free(order);
    if (mb->origin.loc.file)
        diag_note(c->d, &mb->origin.loc, "lambda.memory_mb = %.0f set here", mb->num);
    double need = ceil((r->mem_total + hr->num) / (1024.0 * 1024.0));
    struct sbuf help = {0};
    if (top.at)
        sbuf_printf(&help, "lower %s, ", top.what);
    sbuf_printf(&help, "raise lambda.memory_mb to %.0f or more", need);
    /* headroom is memory kept free of the pools (libcurl, TLS, the reply being built):
     * lowering it fits more only while some stays. */
    double hr_fit = floor((mb->num * 1024.0 * 1024.0 - r->mem_total) / (1024.0 * 1024.0));
    if (hr_fit >= 8.0 && hr_fit * 1024.0 * 1024.0 < hr->num) {
        char h[32];
        fmt_bytes(h, sizeof h, hr_fit * 1024.0 * 1024.0);
        sbuf_printf(&help, ", lower lambda.headroom (%s) to %s", hrs, h);
    }
    diag_help(c->d,
              "%s, or let leec pick the richest tiers that fit: leec optimize %s --max-memory "
              "%.0fMiB",
              help.s, r->proj ? r->proj->file->path : "FILE",
              floor(r->mem_limit / (1024.0 * 1024.0)));
    sbuf_free(&help);
    return false;
}

static bool compute_metrics(struct ctx *c)
{
    struct resolved *r = c->r;
    const struct catalog *cat = r->cat;
    bool ok = true;
    const struct rvalue *en = resolved_value(r, "metrics", "enabled");
    size_t cap = 0;
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        cap += cat->ifaces[fi].nmetrics;
    r->metrics = xcalloc(cap + 1, sizeof *r->metrics);
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct iface_def *f = &cat->ifaces[fi];
        r->ifaces[fi].metric_on = xcalloc(f->nmetrics + 1, sizeof(bool));
        for (size_t i = 0; i < f->nmetrics; i++) {
            struct value v;
            c->scope = fi;
            if (!expr_eval(f->metrics[i].when, lookup, c, &v, c->d)) {
                ok = false;
                continue;
            }
            if (v.kind != V_BOOL) {
                diag_error(c->d, &f->metrics[i].loc, "a metric's 'when' must be a condition");
                ok = false;
                continue;
            }
            if (v.b && en && en->b) {
                r->ifaces[fi].metric_on[i] = true;
                r->metrics[r->nmetrics++] =
                    (struct metric_item){f->metrics[i].name, f->metrics[i].unit, f->name};
            }
        }
    }
    bool free_tier = !r->proj || r->proj->free_tier_metrics;
    if (ok && free_tier && r->nmetrics > FREE_METRICS) {
        diag_error(c->d, best_loc(r),
                   "metric budget exceeded: %zu custom metrics, the free tier has %d (set "
                   "budget.free_tier_metrics: false to pay for the rest)",
                   r->nmetrics, FREE_METRICS);
        const struct iface_def *mf = catalog_iface(cat, "metrics");
        for (size_t i = 0; i < mf->nparams; i++) {
            const struct rvalue *rv = &r->ifaces[catalog_iface_index(cat, mf)].values[i];
            if (rv->type == PT_BOOL && rv->b && strcmp(mf->params[i].name, "enabled") != 0)
                diag_note(c->d, &rv->origin.loc, "metrics.%s = true", mf->params[i].name);
        }
        ok = false;
    }
    return ok;
}

static bool compute_free_tier(struct resolved *r, struct diag *d)
{
    const struct project *p = r->proj;
    if (!p || !p->has_usage)
        return true;
    r->has_usage = true;
    r->req_month = p->invocations_per_day * 30.0;
    double billed_s = ceil(p->avg_duration * 1000.0) / 1000.0;
    r->gbs_month = r->req_month * billed_s * resolved_value(r, "lambda", "memory_mb")->num / 1024.0;
    /* Lambda's START/END/REPORT lines (~350 B) plus the runtime's own lines. */
    const char *lvl = resolved_value(r, "logging", "level")->str;
    bool summary = resolved_value(r, "logging", "summary")->b;
    double per = 350.0;
    if (summary && (!strcmp(lvl, "INFO") || !strcmp(lvl, "DEBUG") || !strcmp(lvl, "TRACE")))
        per += 420.0;
    if (!strcmp(lvl, "DEBUG") || !strcmp(lvl, "TRACE"))
        per += 2.0 * resolved_value(r, "logging", "line_max")->num;
    per += (double)r->nmetrics * 60.0 + (r->nmetrics ? 200.0 : 0.0);
    r->log_bytes_month = r->req_month * per;
    if (p->allow_paid)
        return true;
    struct sbuf over = {0};
    if (r->req_month > FREE_REQUESTS)
        sbuf_printf(&over, "%.0f requests a month (free: %.0f)", r->req_month, FREE_REQUESTS);
    if (r->gbs_month > FREE_GB_SECONDS)
        sbuf_printf(&over, "%s%.0f GB-seconds a month (free: %.0f)", over.len ? ", " : "",
                    r->gbs_month, FREE_GB_SECONDS);
    if (r->log_bytes_month > FREE_LOG_BYTES) {
        char b[32], f[32];
        fmt_bytes(b, sizeof b, r->log_bytes_month);
        fmt_bytes(f, sizeof f, FREE_LOG_BYTES);
        sbuf_printf(&over, "%s%s of logs a month (free: %s)", over.len ? ", " : "", b, f);
    }
    if (!over.len)
        return true;
    diag_error(d, &p->budget_loc, "the estimate is over the AWS free tier: %s", over.s);
    sbuf_free(&over);
    diag_help(d,
              "lower budget.invocations_per_day or budget.avg_duration, lower "
              "lambda.memory_mb or the log level, or set budget.allow_paid: true to accept paying "
              "for the rest");
    return false;
}

bool resolve(struct resolved *r, const struct catalog *cat, const char *preset,
             const struct project *proj, const char *fpreset, struct diag *d)
{
    memset(r, 0, sizeof *r);
    r->cat = cat;
    r->proj = proj;
    r->preset_name = preset;
    r->preset = catalog_preset(cat, preset);
    r->fpreset = proj ? proj->fpreset : fpreset;
    r->nifaces = cat->nifaces;
    r->ifaces = xcalloc(cat->nifaces, sizeof *r->ifaces);
    struct ctx c = {r, d, xcalloc(cat->nifaces, sizeof *c.slots), 0};
    for (size_t i = 0; i < cat->nifaces; i++) {
        r->ifaces[i].def = &cat->ifaces[i];
        r->ifaces[i].values = xcalloc(cat->ifaces[i].nparams + 1, sizeof *r->ifaces[i].values);
        c.slots[i] = xcalloc(cat->ifaces[i].nparams + 1, sizeof **c.slots);
    }
    bool ok = false;
    /* An unknown preset in a project was reported by project_load: the project's own
     * values are still checked, on top of the standard tier, and nothing else is. */
    struct preset_def stand_in = {.name = "(unknown preset)", .base = "standard"};
    bool values_only = false;
    if (!r->preset && proj && catalog_tier(cat, "standard")) {
        stand_in.base_loc = proj->preset_loc;
        r->preset = &stand_in;
        values_only = true;
    }
    /* Likewise an unknown feature preset: rules over features would only echo it. */
    if (proj && r->preset && (!r->fpreset || !catalog_fpreset(cat, r->fpreset)))
        values_only = true;
    if (!r->preset) {
        diag_error(d, proj ? &proj->preset_loc : NULL, "unknown preset '%s'", preset);
        goto out;
    }
    if (!build_chain(r, d, proj ? &proj->preset_loc : &r->preset->loc))
        goto out;
    assign_features(&c, r->fpreset);
    ok = assign_values(&c);
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        for (size_t pi = 0; pi < cat->ifaces[fi].nparams; pi++)
            if (c.slots[fi][pi].state == ES_TODO && !eval_slot(&c, fi, pi, NULL))
                ok = false;
    for (size_t fi = 0; fi < cat->nifaces; fi++)
        for (size_t pi = 0; pi < cat->ifaces[fi].nparams; pi++)
            if (c.slots[fi][pi].state == ES_FAILED)
                ok = false;
    if (values_only) {
        ok = false;
        if (r->preset == &stand_in)
            r->preset = NULL;
        free(r->chain);
        r->chain = NULL;
        r->nchain = 0;
    }
    if (!ok)
        goto out;
    ok = check_rules(&c);
    ok = compute_memory(&c) && ok;
    ok = compute_metrics(&c) && ok;
    if (ok)
        ok = compute_free_tier(r, d);
out:
    for (size_t i = 0; i < cat->nifaces; i++)
        free(c.slots[i]);
    free(c.slots);
    return ok;
}

void resolved_free(struct resolved *r)
{
    for (size_t i = 0; i < r->nifaces; i++) {
        for (size_t j = 0; j < r->ifaces[i].def->nparams; j++)
            free(r->ifaces[i].values[j].items);
        free(r->ifaces[i].values);
        free(r->ifaces[i].metric_on);
    }
    free(r->ifaces);
    free(r->chain);
    free(r->mem);
    free(r->metrics);
    memset(r, 0, sizeof *r);
}

const struct riface *resolved_iface(const struct resolved *r, const char *name)
{
    for (size_t i = 0; i < r->nifaces; i++)
        if (strcmp(r->ifaces[i].def->name, name) == 0)
            return &r->ifaces[i];
    return NULL;
}

const struct rvalue *resolved_value(const struct resolved *r, const char *iface, const char *param)
{
    const struct riface *ri = resolved_iface(r, iface);
    const struct param_def *p = ri ? catalog_param(ri->def, param) : NULL;
    return p ? &ri->values[p - ri->def->params] : NULL;
}

void rvalue_format(const struct rvalue *v, char *buf, size_t size)
{
    switch (v->type) {
    case PT_BOOL:
        snprintf(buf, size, "%s", v->b ? "true" : "false");
        break;
    case PT_ENUM:
    case PT_STRING:
        snprintf(buf, size, "%s", v->str ? v->str : "");
        break;
    case PT_LIST: {
        struct sbuf b = {0};
        sbuf_add(&b, "[");
        for (size_t i = 0; i < v->nitems; i++)
            sbuf_printf(&b, "%s%s", i ? ", " : "", v->items[i]);
        sbuf_add(&b, "]");
        snprintf(buf, size, "%s", b.s);
        sbuf_free(&b);
        break;
    }
    default: {
        struct value x = {.kind = V_NUM, .num = v->num, .dim = ptype_dim(v->type)};
        value_format(&x, buf, size);
        break;
    }
    }
}

void origin_format(const struct origin *o, char *buf, size_t size)
{
    const char *kind = o->kind == ORIGIN_TIER       ? "tier "
                       : o->kind == ORIGIN_PRESET   ? "preset "
                       : o->kind == ORIGIN_FEATURES ? "features "
                                                    : "";
    if (o->loc.file)
        snprintf(buf, size, "%s%s, %s:%u", kind, o->name ? o->name : "", o->loc.file->path,
                 o->loc.line);
    else
        snprintf(buf, size, "%s%s", kind, o->name ? o->name : "");
}
