/* values: values as written in tiers, presets and the project's overrides — syntax
 * checked against the parameter (quoted numbers, booleans, enum membership, list
 * items), numbers and booleans parsed into expressions — and constants in schemas. */
#include "model/values.h"

#include "model/catalog.h"
#include "front/util.h"
#include "front/ycheck.h"

#include <stdlib.h>
#include <string.h>

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

bool values_const_number(struct diag *d, const struct ynode *n, struct dim want, double *out)
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
        diag_error(d, &n->loc, "'%s' is not a valid %s; did you mean '%s'? (one of %s)", s, p->name,
                   sug, list);
    else
        diag_error(d, &n->loc, "'%s' is not a valid %s; expected one of %s", s, p->name, list);
    ynote_alias(d, n);
    return false;
}

/* An example of a value of type t, for messages. */
static const char *ptype_example(enum ptype t)
{
    switch (t) {
    case PT_SIZE:
        return "512KiB or 4MiB";
    case PT_DURATION:
        return "250ms, 5s or 2m";
    case PT_RATIO:
        return "0.85 or 85%";
    default:
        return "42";
    }
}

/* Would the text of a quoted scalar be a literal of this type without the quotes? */
static bool quoted_parses(const struct param_def *p, const struct ynode *n)
{
    const char *s = n->str;
    size_t i = 0;
    if (!(s[0] >= '0' && s[0] <= '9'))
        return false;
    while ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')
        i++;
    while (s[i] == ' ')
        i++;
    if (!s[i])
        return p->type == PT_INT || p->type == PT_RATIO;
    const struct unit_def *u = unit_find(s + i, strlen(s + i));
    return u && dim_eq(u->dim, ptype_dim(p->type));
}

static bool pvalue_parse_1(struct diag *d, const struct param_def *p, const struct ynode *n,
                           struct pvalue *out);

/* "10 sec", "15 minutes", "10k": a number and a word that is not a unit of the
 * parameter's type. Reported with the accepted forms (and the unit meant, when the
 * word is a common spelling of one) instead of the expression parser's "unexpected". */
static bool number_with_bad_unit(struct diag *d, const struct param_def *p, const struct ynode *n)
{
    const char *s = n->str;
    size_t i = 0;
    while ((s[i] >= '0' && s[i] <= '9') || (i && s[i] == '.'))
        i++;
    if (!i)
        return false;
    size_t num_end = i;
    while (s[i] == ' ')
        i++;
    size_t w = i;
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '%')
        i++;
    if (i == w || s[i]) /* no word, or more after it (an expression) */
        return false;
    const struct unit_def *u = unit_find(s + w, i - w);
    struct dim want = ptype_dim(p->type);
    if (u && dim_eq(u->dim, want))
        return false; /* "10 s": fine */
    const struct unit_def *meant = u ? NULL : unit_suggest(s + w, i - w);
    /* "60MB" (no space) keeps the expression's own message (did you mean 'MiB'?). */
    if (p->type != PT_INT && w == num_end && (u || meant))
        return false;
    if (p->type == PT_INT && u) /* "30s" for a count: the resolver names the dimension */
        return false;
    if (meant && !dim_eq(meant->dim, want))
        meant = NULL;
    const struct unit_def *units[8];
    size_t zero, nu = units_of_dim(want, units, 8, &zero);
    struct sbuf list = {0};
    for (size_t k = nu; k-- > 0;)
        sbuf_printf(&list, "%s%s", list.len ? (k ? ", " : " or ") : "", units[k]->name);
    if (p->type == PT_INT)
        diag_error(d, &n->loc, "%s is a whole number such as 42, without a unit; got '%s'", p->name,
                   s);
    else if (meant)
        diag_error(d, &n->loc,
                   "'%.*s' is not a unit here; write %.*s%s (a %s is a number and "
                   "one of %s, e.g. %s)",
                   (int)(i - w), s + w, (int)num_end, s, meant->name, ptype_name(p->type),
                   list.s ? list.s : "", ptype_example(p->type));
    else
        diag_error(d, &n->loc,
                   "'%.*s' is not a unit of a %s; write a number and one of %s, "
                   "e.g. %s",
                   (int)(i - w), s + w, ptype_name(p->type), list.s ? list.s : "",
                   ptype_example(p->type));
    sbuf_free(&list);
    ynote_alias(d, n);
    return true;
}

bool pvalue_parse(struct diag *d, const struct param_def *p, const struct ynode *n,
                  struct pvalue *out)
{
    bool ok = pvalue_parse_1(d, p, n, out);
    if (!ok)
        out->failed = true; /* resolve skips it quietly: reported here */
    return ok;
}

static bool pvalue_parse_1(struct diag *d, const struct param_def *p, const struct ynode *n,
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
            const char *an = p->type == PT_INT ? "an" : "a";
            if (n->kind == YN_SCALAR && quoted_parses(p, n))
                diag_error(d, &n->loc, "%s must be %s %s, got a quoted string (remove the quotes)",
                           p->name, an, ptype_name(p->type));
            else if (n->kind == YN_SCALAR)
                diag_error(d, &n->loc,
                           "%s must be %s %s such as %s, written without quotes; got the string "
                           "\"%s\"",
                           p->name, an, ptype_name(p->type), ptype_example(p->type), n->str);
            else
                diag_error(d, &n->loc, "%s must be %s %s such as %s, got %s", p->name, an,
                           ptype_name(p->type), ptype_example(p->type), ynode_kind_name(n));
            ynote_alias(d, n);
            return false;
        }
        if (ynode_scalar_kind(n) == YSK_NULL || ynode_scalar_kind(n) == YSK_BOOL) {
            diag_error(d, &n->loc, "%s must be %s %s, got %s", p->name,
                       p->type == PT_INT ? "an" : "a", ptype_name(p->type), ynode_kind_name(n));
            ynote_alias(d, n);
            return false;
        }
        if (number_with_bad_unit(d, p, n))
            return false;
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
            diag_error(d, &n->loc, "%s has %zu items, at most %zu are allowed", p->name, n->nitems,
                       p->max_items);
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
        }
        return ycheck_unique(d, n, p->name) && ok;
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
        iv[i].values =
            xcalloc(cat->ifaces[i].nparams ? cat->ifaces[i].nparams : 1, sizeof *iv[i].values);
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
            const struct param_def *p = catalog_param(f, pk->str);
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
