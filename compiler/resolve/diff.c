/* diff: see diff.h. */
#include "resolve/diff.h"

#include "front/util.h"

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

static void pairs_change(struct out *o, const char *label, const struct name_pair *a, size_t na,
                         const struct name_pair *b, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        const struct name_pair *m = NULL;
        for (size_t j = 0; j < na && !m; j++)
            if (strcmp(a[j].key, b[i].key) == 0)
                m = &a[j];
        if (!m) {
            fprintf(o->f, "  %s: + \"%s\": %s\n", label, b[i].key, b[i].value);
            o->n++;
        } else if (strcmp(m->value, b[i].value) != 0) {
            fprintf(o->f, "  %s.\"%s\": %s -> %s\n", label, b[i].key, m->value, b[i].value);
            o->n++;
        }
    }
    for (size_t i = 0; i < na; i++) {
        bool kept = false;
        for (size_t j = 0; j < nb && !kept; j++)
            kept = strcmp(a[i].key, b[j].key) == 0;
        if (!kept) {
            fprintf(o->f, "  %s: - \"%s\"\n", label, a[i].key);
            o->n++;
        }
    }
}

/* "endpoint interface" strings of the capability removals, for list_change. */
static const char **caps(const struct project *p, size_t *n)
{
    *n = p ? p->nremove_caps : 0;
    const char **v = xcalloc(*n + 1, sizeof *v);
    for (size_t i = 0; i < *n; i++) {
        struct sbuf s = {0};
        sbuf_printf(&s, "%s %s", p->remove_caps[i].key, p->remove_caps[i].value);
        v[i] = s.s;
    }
    return v;
}

static void free_strs(const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)v[i]);
    free(v);
}

static void secret_text(char *buf, size_t size, const struct secret_ref *s)
{
    if (s->kind == SECRET_ENV)
        snprintf(buf, size, "env %s", s->name);
    else if (s->kind == SECRET_SSM)
        snprintf(buf, size, "ssm %s", s->name);
    else
        snprintf(buf, size, "(none)");
}

static void token_text(char *buf, size_t size, const struct project *p)
{
    if (!p) {
        snprintf(buf, size, "(none)");
        return;
    }
    if (p->token_mode == TOKEN_ACCOUNT_LINKING) {
        snprintf(buf, size, "account_linking");
        return;
    }
    char s[160];
    secret_text(s, sizeof s, &p->token);
    snprintf(buf, size, "long_lived, %s", s);
}

static void headers_change(struct out *o, const struct project *a, const struct project *b)
{
    size_t na = a ? a->nheaders : 0, nb = b ? b->nheaders : 0;
    char x[160], y[160];
    for (size_t i = 0; i < nb; i++) {
        const struct header_def *m = NULL;
        for (size_t j = 0; j < na && !m; j++)
            if (strcasecmp(a->headers[j].name, b->headers[i].name) == 0)
                m = &a->headers[j];
        secret_text(y, sizeof y, &b->headers[i].value);
        if (!m) {
            fprintf(o->f, "  home_assistant.headers: + %s (%s)\n", b->headers[i].name, y);
            o->n++;
            continue;
        }
        secret_text(x, sizeof x, &m->value);
        if (strcmp(x, y) != 0) {
            fprintf(o->f, "  home_assistant.headers.%s: %s -> %s\n", b->headers[i].name, x, y);
            o->n++;
        }
    }
    for (size_t i = 0; i < na; i++) {
        bool kept = false;
        for (size_t j = 0; j < nb && !kept; j++)
            kept = strcasecmp(a->headers[i].name, b->headers[j].name) == 0;
        if (!kept) {
            fprintf(o->f, "  home_assistant.headers: - %s\n", a->headers[i].name);
            o->n++;
        }
    }
}

static void bool_change(struct out *o, const char *label, bool a, bool b)
{
    change(o, label, a ? "true" : "false", b ? "true" : "false");
}

static void budget_text(char *inv, char *dur, size_t size, const struct project *p)
{
    if (!p || !p->has_usage) {
        snprintf(inv, size, "(none)");
        snprintf(dur, size, "(none)");
        return;
    }
    snprintf(inv, size, "%.0f", p->invocations_per_day);
    struct value v = {.kind = V_NUM, .num = p->avg_duration, .dim = {0, 1}};
    value_format(&v, dur, size);
}

/* The project-file fields that are not parameters. A preset alone has none of them:
 * compared with a project, each shows as (none). */
static void project_fields(struct out *o, const struct project *a, const struct project *b)
{
    static const struct project empty = {.tls_verify = true, .free_tier_metrics = true};
    const struct project *x = a ? a : &empty, *y = b ? b : &empty;
    change(o, "home_assistant.url", x->ha_url, y->ha_url);
    bool_change(o, "home_assistant.allow_http", x->allow_http, y->allow_http);
    char t1[200], t2[200];
    token_text(t1, sizeof t1, a);
    token_text(t2, sizeof t2, b);
    change(o, "home_assistant.token", t1, t2);
    bool_change(o, "home_assistant.tls.verify", x->tls_verify, y->tls_verify);
    change(o, "home_assistant.tls.ca_bundle", x->ca_bundle, y->ca_bundle);
    change(o, "home_assistant.tls.client_cert", x->client_cert, y->client_cert);
    change(o, "home_assistant.tls.client_key", x->client_key, y->client_key);
    headers_change(o, a, b);
    list_change(o, "alexa.skill_ids", x->skill_ids, x->nskill_ids, y->skill_ids, y->nskill_ids,
                false);
    list_change(o, "alexa.discovery.include", x->include, x->ninclude, y->include, y->ninclude,
                true);
    list_change(o, "alexa.discovery.exclude", x->exclude, x->nexclude, y->exclude, y->nexclude,
                true);
    pairs_change(o, "alexa.discovery.friendly_names", x->friendly_names, x->nfriendly,
                 y->friendly_names, y->nfriendly);
    pairs_change(o, "alexa.discovery.categories", x->categories, x->ncategories, y->categories,
                 y->ncategories);
    size_t nca, ncb;
    const char **ca = caps(a, &nca), **cb = caps(b, &ncb);
    list_change(o, "alexa.discovery.remove_capabilities", ca, nca, cb, ncb, false);
    free_strs(ca, nca);
    free_strs(cb, ncb);
    change(o, "alexa.announce.tts_entity", x->tts_entity, y->tts_entity);
    list_change(o, "alexa.announce.media_players", x->media_players, x->nmedia_players,
                y->media_players, y->nmedia_players, true);
    change(o, "alexa.notify_target", x->notify_target, y->notify_target);
    char i1[64], d1[64], i2[64], d2[64];
    budget_text(i1, d1, sizeof i1, a);
    budget_text(i2, d2, sizeof i2, b);
    change(o, "budget.invocations_per_day", i1, i2);
    change(o, "budget.avg_duration", d1, d2);
    bool_change(o, "budget.free_tier_metrics", x->free_tier_metrics, y->free_tier_metrics);
    bool_change(o, "budget.allow_paid", x->allow_paid, y->allow_paid);
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
        project_fields(&o, pa, pb);
    char m1[32], m2[32];
    fmt_bytes(m1, sizeof m1, a->mem_total);
    fmt_bytes(m2, sizeof m2, b->mem_total);
    fprintf(f, "memory estimate: %s -> %s\nmetrics: %zu -> %zu\n%zu difference%s\n", m1, m2,
            a->nmetrics, b->nmetrics, o.n, o.n == 1 ? "" : "s");
    return o.n;
}
