/* diff: see diff.h. */
#include "resolve/diff.h"

#include "expr/expr.h"
#include "expr/units.h"
#include "front/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
    FILE *f;
    size_t n;
};

static const char *or_none(const char *s) { return s && *s ? s : "(none)"; }

static void change(struct out *o, const char *label, const char *a, const char *b)
{
    if (strcmp(or_none(a), or_none(b)) == 0)
        return;
    fprintf(o->f, "  %s: %s -> %s\n", label, or_none(a), or_none(b));
    o->n++;
}

static bool listed(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* Items added (+) and removed (-); a list with the same items in another order says so. */
static void list_change(struct out *o, const char *label, const char *const *a, size_t na,
                        const char *const *b, size_t nb, bool ordered)
{
    size_t before = o->n;
    for (size_t i = 0; i < nb; i++)
        if (!listed(a, na, b[i])) {
            fprintf(o->f, "  %s: + %s\n", label, b[i]);
            o->n++;
        }
    for (size_t i = 0; i < na; i++)
        if (!listed(b, nb, a[i])) {
            fprintf(o->f, "  %s: - %s\n", label, a[i]);
            o->n++;
        }
    if (ordered && o->n == before && na == nb)
        for (size_t i = 0; i < na; i++)
            if (strcmp(a[i], b[i]) != 0) {
                fprintf(o->f, "  %s: order changed\n", label);
                o->n++;
                break;
            }
}

/* ---- the project file's sections, walked along their shapes (schemas/project.yaml):
 * every key is compared, so a key added there shows here without a change. ---- */

/* A scalar's text: as written, else its default, else NULL ("(none)"). */
static const char *scalar_text(char *buf, size_t size, const struct shape *sh, const struct sval *v)
{
    bool has = v && v->set && v->ok;
    if (!has && !sh->default_text)
        return NULL;
    switch (sh->kind) {
    case SH_BOOL:
        return (has ? v->b : strcmp(sh->default_text, "true") == 0) ? "true" : "false";
    case SH_INT:
    case SH_DURATION: {
        if (!has)
            return sh->default_text;
        struct value x = {
            .kind = V_NUM, .num = v->num, .dim = sh->kind == SH_DURATION ? DIM_SECS : DIM_NONE};
        value_format(&x, buf, size);
        return buf;
    }
    case SH_SECRET:
        if (!has)
            return NULL;
        snprintf(buf, size, "%s %s", v->secret == SECRET_ENV ? "env" : "ssm", v->str);
        return buf;
    default:
        return has ? v->str : sh->default_text;
    }
}

/* A list item: its text, or an object item's values joined ("light#* Alexa.X"). */
static char *item_text(const struct shape *of, const struct sval *v)
{
    struct sbuf s = {0};
    char buf[160];
    if (of->kind == SH_OBJECT) {
        for (size_t i = 0; i < of->nkeys && i < v->n; i++) {
            const char *t = scalar_text(buf, sizeof buf, &of->keys[i], &v->items[i]);
            if (t)
                sbuf_printf(&s, "%s%s", s.len ? " " : "", t);
        }
    } else {
        const char *t = scalar_text(buf, sizeof buf, of, v);
        sbuf_add(&s, t ? t : "");
    }
    return s.s ? s.s : xstrdup("");
}

/* The accepted entries of a list or map (NULL: none). */
static size_t entries(const struct sval *v) { return v && v->set && v->ok ? v->n : 0; }

static void list_diff(struct out *o, const char *path, const struct shape *sh, const struct sval *a,
                      const struct sval *b)
{
    size_t na = entries(a), nb = entries(b);
    const char **x = xcalloc(na + 1, sizeof *x), **y = xcalloc(nb + 1, sizeof *y);
    for (size_t i = 0; i < na; i++)
        x[i] = item_text(sh->of, &a->items[i]);
    for (size_t i = 0; i < nb; i++)
        y[i] = item_text(sh->of, &b->items[i]);
    list_change(o, path, x, na, y, nb, sh->of->kind != SH_OBJECT);
    for (size_t i = 0; i < na; i++)
        free((char *)x[i]);
    for (size_t i = 0; i < nb; i++)
        free((char *)y[i]);
    free(x);
    free(y);
}

static const struct sval *map_entry(const struct sval *m, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(m->keys[i]->str, key) == 0)
            return &m->items[i];
    return NULL;
}

/* Entries added, changed and removed; a map of secrets names its keys bare (header
 * names), a map of names quotes them (entity ids). */
static void map_diff(struct out *o, const char *path, const struct shape *sh, const struct sval *a,
                     const struct sval *b)
{
    size_t na = entries(a), nb = entries(b);
    bool bare = sh->of->kind == SH_SECRET;
    const char *q = bare ? "" : "\"";
    char x[200], y[200];
    for (size_t i = 0; i < nb; i++) {
        const char *key = b->keys[i]->str;
        const struct sval *m = na ? map_entry(a, na, key) : NULL;
        const char *ty = scalar_text(y, sizeof y, sh->of, &b->items[i]);
        if (!m) {
            if (bare)
                fprintf(o->f, "  %s: + %s (%s)\n", path, key, or_none(ty));
            else
                fprintf(o->f, "  %s: + \"%s\": %s\n", path, key, or_none(ty));
            o->n++;
            continue;
        }
        const char *tx = scalar_text(x, sizeof x, sh->of, m);
        if (strcmp(or_none(tx), or_none(ty)) != 0) {
            fprintf(o->f, "  %s.%s%s%s: %s -> %s\n", path, q, key, q, or_none(tx), or_none(ty));
            o->n++;
        }
    }
    for (size_t i = 0; i < na; i++)
        if (!(nb && map_entry(b, nb, a->keys[i]->str))) {
            fprintf(o->f, "  %s: - %s%s%s\n", path, q, a->keys[i]->str, q);
            o->n++;
        }
}

static void section_diff(struct out *o, const char *path, const struct shape *sh,
                         const struct sval *a, const struct sval *b)
{
    char x[200], y[200];
    switch (sh->kind) {
    case SH_OBJECT:
        for (size_t i = 0; i < sh->nkeys; i++) {
            struct sbuf kp = {0};
            sbuf_printf(&kp, "%s.%s", path, sh->keys[i].name);
            section_diff(o, kp.s, &sh->keys[i], a && i < a->n ? &a->items[i] : NULL,
                         b && i < b->n ? &b->items[i] : NULL);
            sbuf_free(&kp);
        }
        break;
    case SH_LIST:
        list_diff(o, path, sh, a, b);
        break;
    case SH_MAP:
        map_diff(o, path, sh, a, b);
        break;
    default:
        change(o, path, scalar_text(x, sizeof x, sh, a), scalar_text(y, sizeof y, sh, b));
        break;
    }
}

/* The fixed sections. A preset alone has none of them: compared with a project, each
 * shows as (none), or as its default. */
static void project_fields(struct out *o, const struct catalog *cat, const struct project *a,
                           const struct project *b)
{
    for (size_t i = 0; i < cat->sections.nkeys; i++) {
        const struct shape *sh = &cat->sections.keys[i];
        section_diff(o, sh->name, sh, a && i < a->sections.n ? &a->sections.items[i] : NULL,
                     b && i < b->sections.n ? &b->sections.items[i] : NULL);
    }
}

static void chain_text(struct sbuf *s, const struct resolved *r)
{
    for (size_t i = r->nchain; i-- > 0;)
        sbuf_printf(s, "%s%s", s->len ? " <- " : "", r->chain[i]->name);
}

size_t diff_print(FILE *f, const struct resolved *a, const struct project *pa,
                  const struct resolved *b, const struct project *pb)
{
    struct out o = {f, 0};
    const struct catalog *cat = a->cat;
    struct sbuf c1 = {0}, c2 = {0};
    chain_text(&c1, a);
    chain_text(&c2, b);
    change(&o, "preset", c1.s, c2.s);
    sbuf_free(&c1);
    sbuf_free(&c2);
    change(&o, "features (preset)", a->fpreset, b->fpreset);
    for (size_t fi = 0; fi < cat->nifaces; fi++) {
        const struct riface *x = &a->ifaces[fi], *y = &b->ifaces[fi];
        if ((x->tier || y->tier) && strcmp(x->tier ? x->tier : "", y->tier ? y->tier : "")) {
            char o2[160];
            origin_format(&y->tier_origin, o2, sizeof o2);
            fprintf(f, "%s: tier %s -> %s  (%s)\n", x->def->name, or_none(x->tier),
                    or_none(y->tier), o2);
            o.n++;
        }
        for (size_t pi = 0; pi < x->def->nparams; pi++) {
            char v1[96], v2[96];
            rvalue_format(&x->values[pi], v1, sizeof v1);
            rvalue_format(&y->values[pi], v2, sizeof v2);
            if (strcmp(v1, v2)) {
                char o2[160];
                origin_format(&y->values[pi].origin, o2, sizeof o2);
                fprintf(f, "  %s.%s: %s -> %s  (%s)\n", x->def->name, x->def->params[pi].name, v1,
                        v2, o2);
                o.n++;
            }
        }
    }
    if (pa || pb)
        project_fields(&o, cat, pa, pb);
    char m1[32], m2[32];
    fmt_bytes(m1, sizeof m1, a->mem_total);
    fmt_bytes(m2, sizeof m2, b->mem_total);
    fprintf(f, "memory estimate: %s -> %s\nmetrics: %zu -> %zu\n%zu difference%s\n", m1, m2,
            a->nmetrics, b->nmetrics, o.n, o.n == 1 ? "" : "s");
    return o.n;
}
