/* shape: see shape.h. */
#include "model/shape.h"

#include "expr/expr.h"
#include "expr/units.h"
#include "front/util.h"
#include "front/ycheck.h"
#include "model/catalog.h"
#include "model/values.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct walk {
    struct diag *d;
    const struct catalog *cat;
    const struct shape_hook *hooks;
    size_t nhooks;
    void *ctx;
};

static const char *article(const char *noun) { return strchr("aeiou", noun[0]) ? "an" : "a"; }

/* ---- patterns ---- */

/* The JSON Schema (ECMAScript) pattern subset the shapes use, as a POSIX ERE:
 * (?:...) groups, \s \S \d \w, escaped punctuation, and \s \d \w inside [...]. */
void *shape_pattern_compile(const char *p, char *err, size_t errsz)
{
    struct sbuf e = {0};
    bool in_class = false;
    for (size_t i = 0; p[i]; i++) {
        char c = p[i];
        if (in_class) {
            if (c == ']') {
                in_class = false;
                sbuf_add(&e, "]");
            } else if (c == '\\' && p[i + 1]) {
                char x = p[++i];
                if (x == 's')
                    sbuf_add(&e, "[:space:]");
                else if (x == 'd')
                    sbuf_add(&e, "0-9");
                else if (x == 'w')
                    sbuf_add(&e, "[:alnum:]_");
                else if (strchr("]^-", x) || !strchr(".*+?()[{}|/$\\", x)) {
                    snprintf(err, errsz, "'\\%c' in a [...] class is not supported", x);
                    sbuf_free(&e);
                    return NULL;
                } else {
                    sbuf_addn(&e, &x, 1);
                }
            } else {
                sbuf_addn(&e, &c, 1);
            }
            continue;
        }
        if (c == '[') {
            in_class = true;
            sbuf_add(&e, "[");
            if (p[i + 1] == '^')
                sbuf_add(&e, "^"), i++;
            if (p[i + 1] == ']')
                sbuf_add(&e, "]"), i++;
        } else if (c == '(' && p[i + 1] == '?') {
            if (p[i + 2] != ':') {
                snprintf(err, errsz, "'(?%c' is not supported (only (?:...) groups)", p[i + 2]);
                sbuf_free(&e);
                return NULL;
            }
            sbuf_add(&e, "(");
            i += 2;
        } else if (c == '\\' && p[i + 1]) {
            char x = p[++i];
            if (x == 's')
                sbuf_add(&e, "[[:space:]]");
            else if (x == 'S')
                sbuf_add(&e, "[^[:space:]]");
            else if (x == 'd')
                sbuf_add(&e, "[0-9]");
            else if (x == 'w')
                sbuf_add(&e, "[[:alnum:]_]");
            else if (strchr(".*+?()[]{}|^$/\\-", x))
                sbuf_printf(&e, "%s%c", x == '/' || x == '-' ? "" : "\\", x);
            else {
                snprintf(err, errsz, "'\\%c' is not supported", x);
                sbuf_free(&e);
                return NULL;
            }
        } else {
            sbuf_addn(&e, &c, 1);
        }
    }
    regex_t *re = xcalloc(1, sizeof *re);
    int rc = regcomp(re, e.s ? e.s : "", REG_EXTENDED | REG_NOSUB);
    sbuf_free(&e);
    if (rc != 0) {
        regerror(rc, re, err, errsz);
        free(re);
        return NULL;
    }
    return re;
}

void shape_pattern_free(void *re)
{
    if (re)
        regfree(re);
    free(re);
}

/* ---- the walk ---- */

static const struct shape_hook *hook_for(const struct walk *w, const char *path)
{
    for (size_t i = 0; i < w->nhooks; i++)
        if (strcmp(w->hooks[i].path, path) == 0)
            return &w->hooks[i];
    return NULL;
}

static bool run_hook(const struct walk *w, const char *path, const struct ynode *key,
                     const struct ynode *parent, struct sval *v)
{
    const struct shape_hook *h = hook_for(w, path);
    if (!h)
        return true;
    struct shape_at at = {w->d, path, key, parent, w->ctx};
    return h->check(&at, v);
}

static bool read_value(struct walk *w, const struct shape *sh, const char *path, const char *what,
                       const struct ynode *n, const struct ynode *key, const struct ynode *parent,
                       struct sval *v);

/* The name of a list item or map value in messages: its shape's doc ("a capability
 * removal"), else the container's name. */
static const char *item_what(const struct shape *of, const char *what, char *buf, size_t size)
{
    const char *doc = of->doc;
    if (!doc || !*doc)
        return what;
    if (!strncmp(doc, "a ", 2) || !strncmp(doc, "an ", 3))
        return doc;
    snprintf(buf, size, "%s %s", article(doc), doc);
    return buf;
}

static void apply_default(const struct shape *sh, struct sval *v)
{
    const char *t = sh->default_text;
    if (!t)
        return;
    v->set = true;
    if (sh->kind == SH_BOOL)
        v->b = strcmp(t, "true") == 0;
    else if (sh->kind == SH_INT)
        v->num = strtod(t, NULL);
    else
        v->str = t;
}

static bool read_bool(struct walk *w, const struct ynode *n, const char *what, struct sval *v)
{
    if (ynode_bool(n, &v->b))
        return true;
    if (ynode_looks_like_bool(n))
        diag_error(w->d, &n->loc, "'%s' is not a boolean here: booleans are true or false", n->str);
    else
        diag_error(w->d, &n->loc, "%s must be true or false, got %s", what, ynode_kind_name(n));
    ynote_alias(w->d, n);
    return false;
}

/* A constant number of the shape's dimension (usage figures do not depend on the
 * configuration: no references). */
static bool read_number(struct walk *w, const struct shape *sh, const struct ynode *n,
                        const char *what, struct sval *v)
{
    struct param_def pd = {.name = (char *)what,
                           .type = sh->kind == SH_DURATION ? PT_DURATION : PT_INT};
    struct pvalue pv;
    if (!pvalue_parse(w->d, &pd, n, &pv))
        return false;
    struct value val;
    bool good = pv.expr && expr_is_literal(pv.expr) && model_eval_const(pv.expr, &val, w->d) &&
                val.kind == V_NUM && dim_eq(val.dim, ptype_dim(pd.type));
    expr_free(pv.expr);
    if (!good) {
        diag_error(w->d, &n->loc, "%s must be %s", what,
                   sh->kind == SH_DURATION ? "a duration such as 150ms" : "a number");
        return false;
    }
    v->num = val.num;
    return true;
}

static bool check_range(struct walk *w, const struct shape *sh, const char *path,
                        const struct sval *v)
{
    if ((!sh->has_min || v->num >= sh->min) && (!sh->has_max || v->num <= sh->max))
        return true;
    struct value got = {
        .kind = V_NUM, .num = v->num, .dim = sh->kind == SH_DURATION ? DIM_SECS : DIM_NONE};
    struct value lo = got, hi = got;
    lo.num = sh->min;
    hi.num = sh->max;
    char g[48], l[48] = "-inf", h[48] = "inf";
    value_format(&got, g, sizeof g);
    if (sh->has_min)
        value_format(&lo, l, sizeof l);
    if (sh->has_max)
        value_format(&hi, h, sizeof h);
    diag_error(w->d, &v->loc, "%s = %s is out of range [%s, %s]", path, g, l, h);
    return false;
}

static bool check_enum(struct walk *w, const struct shape *sh, const char *what,
                       const struct sval *v)
{
    for (size_t i = 0; i < sh->nvalues; i++)
        if (strcmp(sh->values[i], v->str) == 0)
            return true;
    const char *const *vals = (const char *const *)sh->values;
    const char *s = suggest(v->str, vals, sh->nvalues);
    struct sbuf m = {0};
    if (sh->message)
        sbuf_printf(&m, "'%s' is not %s", v->str, sh->message);
    else
        sbuf_printf(&m, "'%s' is not a valid %s", v->str, what);
    if (s) {
        sbuf_printf(&m, "; did you mean '%s'?", s);
    } else if (sh->nvalues <= 12) { /* a long list (display categories) helps nobody */
        char list[512];
        join_names(list, sizeof list, vals, sh->nvalues, " or ");
        sbuf_printf(&m, "; expected one of %s", list);
    }
    diag_error(w->d, &v->loc, "%s", m.s);
    sbuf_free(&m);
    return false;
}

static bool check_pattern(struct walk *w, const struct shape *sh, const char *what,
                          const struct sval *v)
{
    if (!sh->re || regexec(sh->re, v->str, 0, NULL, 0) == 0)
        return true;
    if (sh->message)
        diag_error(w->d, &v->loc, "'%s' is not %s", v->str, sh->message);
    else
        diag_error(w->d, &v->loc, "'%s' is not a valid %s", v->str, what);
    return false;
}

/* SHAPE_ENV_PATTERN */
static bool env_name(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (const char *c = s; *c; c++)
        if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
              (*c >= '0' && *c <= '9')))
            return false;
    return true;
}

/* {env: VARIABLE} or {ssm: /parameter/name}: the reference, never the secret. */
static bool read_secret(struct walk *w, const struct ynode *n, const char *what, struct sval *v)
{
    static const char *const keys[] = {"env", "ssm"};
    if (n->kind == YN_SCALAR) {
        diag_error(
            w->d, &n->loc,
            "%s is a secret: give {env: VARIABLE} or {ssm: /parameter/name}, never the value",
            what);
        return false;
    }
    if (!ycheck_map(w->d, n, what))
        return false;
    bool ok = ycheck_keys(w->d, n, keys, 2, what);
    const struct ynode *env = ymap_get(n, "env"), *ssm = ymap_get(n, "ssm");
    if ((env != NULL) == (ssm != NULL)) {
        diag_error(w->d, &n->loc, "%s needs exactly one of 'env' or 'ssm'", what);
        return false;
    }
    const struct ynode *r = env ? env : ssm;
    const char *s = ystring(w->d, r, env ? "env" : "ssm");
    if (!s)
        return false;
    v->secret = env ? SECRET_ENV : SECRET_SSM;
    v->str = s;
    v->loc = r->loc;
    if (ssm && s[0] != '/') {
        diag_error(w->d, &r->loc, "'%s' is not " SHAPE_SSM_MESSAGE, s);
        return false;
    }
    if (env && !env_name(s)) {
        diag_error(w->d, &r->loc, "'%s' is not " SHAPE_ENV_MESSAGE, s);
        return false;
    }
    return ok;
}

static bool read_scalar(struct walk *w, const struct shape *sh, const char *path, const char *what,
                        const struct ynode *n, const struct ynode *key, const struct ynode *parent,
                        struct sval *v)
{
    bool ok;
    switch (sh->kind) {
    case SH_BOOL:
        ok = read_bool(w, n, what, v);
        break;
    case SH_INT:
    case SH_DURATION:
        ok = read_number(w, sh, n, what, v);
        break;
    case SH_SECRET:
        ok = read_secret(w, n, what, v);
        break;
    default:
        ok = (v->str = ystring(w->d, n, what)) != NULL;
        break;
    }
    if (!ok || !run_hook(w, path, key, parent, v))
        return false;
    if (sh->kind == SH_INT || sh->kind == SH_DURATION)
        return check_range(w, sh, path, v);
    if (sh->kind == SH_ENUM)
        return check_enum(w, sh, what, v);
    if (sh->kind == SH_STRING)
        return check_pattern(w, sh, what, v);
    return true;
}

static bool too_many(struct walk *w, const struct shape *sh, const char *path,
                     const struct ynode *n, size_t count)
{
    const struct limit_def *lim = sh->limit ? catalog_limit(w->cat, sh->limit) : NULL;
    if (!lim || count <= lim->max)
        return false;
    diag_error(w->d, &n->loc, "%s has %zu entries, at most %zu are allowed", path, count, lim->max);
    diag_note(w->d, &lim->loc, "the limit the runtime is built for");
    return true;
}

static bool read_object(struct walk *w, const struct shape *sh, const char *path, const char *what,
                        const struct ynode *n, struct sval *v, bool *typed)
{
    v->items = xcalloc(sh->nkeys + 1, sizeof *v->items);
    v->n = sh->nkeys;
    bool ok = true;
    *typed = n != NULL;
    if (n && !ycheck_map(w->d, n, what)) {
        ok = false;
        n = NULL; /* its keys are defaults, not read */
        *typed = false;
    } else if (n && !ycheck_keys(w->d, n, sh->key_names, sh->nkeys, what)) {
        ok = false;
    }
    for (size_t i = 0; i < sh->nkeys; i++) {
        const struct shape *ks = &sh->keys[i];
        const struct ypair *pr = n ? ymap_pair(n, ks->name) : NULL;
        if (n && !pr && ks->required) {
            diag_error(w->d, &n->loc, "%s needs '%s'", what, ks->name);
            ok = false;
        }
        struct sbuf kp = {0};
        sbuf_printf(&kp, "%s%s%s", path, *path ? "." : "", ks->name);
        ok = read_value(w, ks, kp.s, ks->name, pr ? pr->value : NULL, pr ? pr->key : NULL, n,
                        &v->items[i]) &&
             ok;
        sbuf_free(&kp);
    }
    return ok;
}

static bool read_list(struct walk *w, const struct shape *sh, const char *path, const char *what,
                      const struct ynode *n, struct sval *v)
{
    if (!ycheck_seq(w->d, n, what))
        return false;
    bool ok = !too_many(w, sh, path, n, n->nitems);
    bool scalar = sh->of->kind != SH_OBJECT && sh->of->kind != SH_LIST && sh->of->kind != SH_MAP &&
                  sh->of->kind != SH_SECRET;
    /* A name listed twice is a mistake (a skill ID, an entity, a language). */
    if (scalar && !ycheck_unique(w->d, n, what))
        ok = false;
    v->items = xcalloc(n->nitems + 1, sizeof *v->items);
    char buf[160];
    const char *iw = item_what(sh->of, what, buf, sizeof buf);
    struct sbuf ip = {0};
    sbuf_printf(&ip, "%s[]", path);
    for (size_t i = 0; i < n->nitems; i++) {
        const struct ynode *it = n->items[i];
        struct sval *iv = &v->items[v->n++];
        if (sh->of->kind == SH_STRING && it->kind == YN_SCALAR && it->len == 0 &&
            ynode_scalar_kind(it) == YSK_STRING) {
            diag_error(w->d, &it->loc, "an empty string in %s: give a name or remove it", what);
            iv->shape = sh->of;
            iv->loc = it->loc;
            ok = false;
            continue;
        }
        ok = read_value(w, sh->of, ip.s, sh->of->kind == SH_OBJECT ? iw : what, it, NULL, n, iv) &&
             ok;
    }
    sbuf_free(&ip);
    return ok;
}

static bool read_map(struct walk *w, const struct shape *sh, const char *path, const char *what,
                     const struct ynode *n, struct sval *v)
{
    if (!ycheck_map(w->d, n, what))
        return false;
    bool ok = !too_many(w, sh, path, n, n->npairs);
    v->items = xcalloc(n->npairs + 1, sizeof *v->items);
    v->keys = xcalloc(n->npairs + 1, sizeof *v->keys);
    char buf[160];
    const char *iw = item_what(sh->of, what, buf, sizeof buf);
    struct sbuf ip = {0};
    sbuf_printf(&ip, "%s[]", path);
    for (size_t i = 0; i < n->npairs; i++) {
        v->keys[v->n] = n->pairs[i].key;
        ok = read_value(w, sh->of, ip.s, sh->of->kind == SH_SECRET ? iw : what, n->pairs[i].value,
                        n->pairs[i].key, n, &v->items[v->n]) &&
             ok;
        v->n++;
    }
    sbuf_free(&ip);
    return ok;
}

static bool read_value(struct walk *w, const struct shape *sh, const char *path, const char *what,
                       const struct ynode *n, const struct ynode *key, const struct ynode *parent,
                       struct sval *v)
{
    v->shape = sh;
    v->node = n;
    v->loc = n ? n->loc : parent ? parent->loc : sh->loc;
    v->set = n != NULL;
    bool ok, typed = true;
    if (sh->kind == SH_OBJECT) {
        ok = read_object(w, sh, path, what, n, v, &typed);
    } else if (!n) {
        apply_default(sh, v);
        v->ok = true;
        return true;
    } else if (sh->kind == SH_LIST) {
        ok = read_list(w, sh, path, what, n, v);
    } else if (sh->kind == SH_MAP) {
        ok = read_map(w, sh, path, what, n, v);
    } else {
        v->ok = read_scalar(w, sh, path, what, n, key, parent, v);
        if (!v->ok && sh->kind == SH_BOOL) /* rejected: later phases see the default */
            apply_default(sh, v);
        return v->ok;
    }
    /* Containers: the code checks once every child is read (of one that is there, of
     * the right kind). */
    if (sh->kind != SH_OBJECT)
        typed = v->items != NULL;
    if (typed)
        ok = run_hook(w, path, key, parent, v) && ok;
    v->ok = ok;
    return ok;
}

bool shape_read(struct diag *d, const struct catalog *cat, const struct shape *sh, const char *path,
                const struct ynode *n, const struct ynode *parent, const struct shape_hook *hooks,
                size_t nhooks, void *ctx, struct sval *out)
{
    struct walk w = {d, cat, hooks, nhooks, ctx};
    memset(out, 0, sizeof *out);
    return read_value(&w, sh, path, sh->name && *sh->name ? sh->name : path, n, NULL, parent, out);
}

void shape_free(struct sval *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        shape_free(&v->items[i]);
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

const struct sval *shape_get(const struct sval *v, const char *path)
{
    while (v && *path) {
        size_t len = strcspn(path, ".");
        const struct sval *next = NULL;
        if (v->shape && v->shape->kind == SH_OBJECT)
            for (size_t i = 0; i < v->n && !next; i++)
                if (strlen(v->shape->keys[i].name) == len &&
                    !strncmp(v->shape->keys[i].name, path, len))
                    next = &v->items[i];
        v = next;
        path += len + (path[len] == '.');
    }
    return v;
}
