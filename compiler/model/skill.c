/* skill: see model/skill.h. */
#include "model/skill.h"

#include "front/util.h"
#include "front/ycheck.h"
#include "model/alexa_regions.h"
#include "model/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const *skill_languages(const struct catalog *cat, size_t *n)
{
    const struct shape *sh = catalog_shape(cat, "alexa.languages");
    if (sh && sh->kind == SH_LIST && sh->of && sh->of->kind == SH_ENUM) {
        *n = sh->of->nvalues;
        return (const char *const *)sh->of->values;
    }
    *n = 0;
    return NULL;
}

static const struct ynode *load(struct skill *s, struct diag *d, const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/presets/skill/%s", root, rel);
    int io = 0;
    struct ydoc *doc = ydoc_load_file(d, path, &io);
    if (!doc)
        return NULL;
    s->docs = xrealloc(s->docs, (s->ndocs + 1) * sizeof *s->docs);
    s->docs[s->ndocs++] = doc;
    const struct ynode *r = ydoc_root(doc);
    if (!r || r->kind != YN_MAP) {
        struct loc at = loc_make(ydoc_source(doc), 1, 1, 0);
        diag_error(d, &at, "%s: expected a mapping", rel);
        return NULL;
    }
    return r;
}

/* A sequence of strings; NULL after a diagnostic. */
static const char **strings(struct diag *d, const struct ynode *n, const char *what, size_t *count)
{
    if (!ycheck_seq(d, n, what))
        return NULL;
    const char **out = xcalloc(n->nitems + 1, sizeof *out);
    for (size_t i = 0; i < n->nitems; i++)
        if (!(out[i] = ystring(d, n->items[i], what))) {
            free(out);
            return NULL;
        }
    *count = n->nitems;
    return out;
}

static bool load_intents(struct skill *s, struct diag *d, const struct ynode *root)
{
    static const char *const keys[] = {"intents", "builtin", "types"};
    if (!ycheck_keys(d, root, keys, 3, "intents.yaml"))
        return false;
    const struct ynode *in = yrequire(d, root, "intents", "intents.yaml");
    const struct ynode *bi = yrequire(d, root, "builtin", "intents.yaml");
    const struct ynode *ty = yrequire(d, root, "types", "intents.yaml");
    if (!in || !bi || !ty || !ycheck_map(d, in, "intents") || !ycheck_map(d, ty, "types"))
        return false;
    bool ok = true;
    s->intents = xcalloc(in->npairs + 1, sizeof *s->intents);
    for (size_t i = 0; i < in->npairs; i++) {
        struct skill_intent *it = &s->intents[s->nintents++];
        it->name = in->pairs[i].key->str;
        const struct ynode *spec = in->pairs[i].value;
        if (spec->kind == YN_SCALAR && ynode_scalar_kind(spec) == YSK_NULL)
            continue;
        static const char *const ik[] = {"feature", "slots"};
        if (!ycheck_map(d, spec, it->name) || !ycheck_keys(d, spec, ik, 2, it->name)) {
            ok = false;
            continue;
        }
        const struct ynode *f = ymap_get(spec, "feature");
        if (f && !(it->feature = ystring(d, f, "feature")))
            ok = false;
        const struct ynode *sl = ymap_get(spec, "slots");
        if (sl) {
            if (!ycheck_map(d, sl, "slots")) {
                ok = false;
                continue;
            }
            it->slots = xcalloc(sl->npairs + 1, sizeof *it->slots);
            for (size_t j = 0; j < sl->npairs; j++) {
                it->slots[j].name = sl->pairs[j].key->str;
                if (!(it->slots[j].type = ystring(d, sl->pairs[j].value, "slot type")))
                    ok = false;
            }
            it->nslots = sl->npairs;
        }
    }
    if (!(s->builtin = strings(d, bi, "builtin", &s->nbuiltin)))
        ok = false;
    s->types = xcalloc(ty->npairs + 1, sizeof *s->types);
    for (size_t i = 0; i < ty->npairs; i++)
        s->types[s->ntypes++] = ty->pairs[i].key->str;
    return ok;
}

static bool load_lang_file(struct skill_lang *l, struct diag *d, const struct ynode *root)
{
    static const char *const keys[] = {"language", "locales", "samples", "types"};
    if (!ycheck_keys(d, root, keys, 4, l->code))
        return false;
    const struct ynode *lg = yrequire(d, root, "language", "language file");
    const struct ynode *lo = yrequire(d, root, "locales", "language file");
    l->samples = yrequire(d, root, "samples", "language file");
    l->types = yrequire(d, root, "types", "language file");
    if (!lg || !lo || !l->samples || !l->types || !ycheck_map(d, lo, "locales") ||
        !ycheck_map(d, l->samples, "samples") || !ycheck_map(d, l->types, "types"))
        return false;
    if (!lg->str || strcmp(lg->str, l->code)) {
        diag_error(d, &lg->loc, "language: expected '%s' (the file's name)", l->code);
        return false;
    }
    bool ok = true;
    l->locales = xcalloc(lo->npairs + 1, sizeof *l->locales);
    for (size_t i = 0; i < lo->npairs; i++) {
        struct skill_locale *x = &l->locales[l->nlocales++];
        x->code = lo->pairs[i].key->str;
        const struct ynode *v = lo->pairs[i].value;
        static const char *const lk[] = {"invocation", "spelling", "extra"};
        if (strncmp(x->code, l->code, 2) || x->code[2] != '-') {
            diag_error(d, &lo->pairs[i].key->loc, "locale '%s' is not a locale of '%s'", x->code,
                       l->code);
            ok = false;
        }
        if (!ycheck_map(d, v, x->code) || !ycheck_keys(d, v, lk, 3, x->code)) {
            ok = false;
            continue;
        }
        const struct ynode *inv = yrequire(d, v, "invocation", x->code);
        if (!inv || !(x->invocation = ystring(d, inv, "invocation")))
            ok = false;
        if (!alexa_regions_of_locale(x->code)) {
            diag_error(d, &lo->pairs[i].key->loc,
                       "Alexa serves locale '%s' from no AWS region leec knows "
                       "(compiler/model/alexa_regions.c)",
                       x->code);
            ok = false;
        }
        x->spelling = ymap_get(v, "spelling");
        x->extra = ymap_get(v, "extra");
        if ((x->spelling && !ycheck_map(d, x->spelling, "spelling")) ||
            (x->extra && !ycheck_map(d, x->extra, "extra")))
            ok = false;
    }
    return ok;
}

/* The {placeholders} of a message, sorted and joined with ','. */
static void placeholders(const char *t, char *out, size_t len)
{
    const char *names[32];
    size_t n = 0, nl[32];
    for (const char *p = t; *p; p++) {
        if (*p != '{')
            continue;
        const char *c = strchr(p, '}');
        if (!c)
            break;
        size_t k = (size_t)(c - p - 1);
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            seen = seen || (nl[i] == k && !memcmp(names[i], p + 1, k));
        if (!seen && n < 32) {
            names[n] = p + 1;
            nl[n++] = k;
        }
        p = c;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort by text */
        for (size_t j = i; j > 0; j--) {
            size_t m = nl[j] < nl[j - 1] ? nl[j] : nl[j - 1];
            int c = memcmp(names[j], names[j - 1], m);
            if (c > 0 || (c == 0 && nl[j] >= nl[j - 1]))
                break;
            const char *tn = names[j];
            size_t tl = nl[j];
            names[j] = names[j - 1];
            nl[j] = nl[j - 1];
            names[j - 1] = tn;
            nl[j - 1] = tl;
        }
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, at < len ? len - at : 0, "%s%.*s", i ? "," : "",
                               (int)nl[i], names[i]);
}

static bool is_string(const struct ynode *n)
{
    return n && n->kind == YN_SCALAR && ynode_scalar_kind(n) == YSK_STRING;
}

/* Checks one catalogue against the English one (what the runtime's tables need). */
static bool check_catalogue(struct diag *d, const struct skill_lang *l, const struct ynode *en)
{
    static const char *const keys[] = {"language", "messages", "format",
                                       "numbers",  "ordinals", "bool"};
    const struct ynode *c = l->cat;
    if (!ycheck_keys(d, c, keys, 6, "message catalogue"))
        return false;
    bool ok = true;
    const struct ynode *lg = yrequire(d, c, "language", "message catalogue");
    const struct ynode *m = yrequire(d, c, "messages", "message catalogue");
    const struct ynode *f = yrequire(d, c, "format", "message catalogue");
    const struct ynode *nu = yrequire(d, c, "numbers", "message catalogue");
    const struct ynode *o = yrequire(d, c, "ordinals", "message catalogue");
    const struct ynode *b = yrequire(d, c, "bool", "message catalogue");
    if (!lg || !m || !f || !nu || !o || !b || !ycheck_map(d, m, "messages") ||
        !ycheck_map(d, f, "format") || !ycheck_map(d, nu, "numbers") ||
        !ycheck_seq(d, o, "ordinals") || !ycheck_map(d, b, "bool"))
        return false;
    if (!lg->str || strcmp(lg->str, l->code)) {
        diag_error(d, &lg->loc, "language: expected '%s' (the file's name)", l->code);
        ok = false;
    }
    const struct ynode *ref = ymap_get(en, "messages");
    for (size_t i = 0; ref && i < ref->npairs; i++) {
        const char *k = ref->pairs[i].key->str;
        const struct ynode *v = ymap_get(m, k);
        if (!v) {
            diag_error(d, &m->loc, "message %s missing (the English catalogue has it)", k);
            ok = false;
        } else if (!is_string(v) || !v->str[strspn(v->str, " \t\n")]) {
            diag_error(d, &v->loc, "message %s: expected a non-empty text", k);
            ok = false;
        } else if (is_string(ref->pairs[i].value)) {
            char a[512], e[512];
            placeholders(v->str, a, sizeof a);
            placeholders(ref->pairs[i].value->str, e, sizeof e);
            if (strcmp(a, e)) {
                diag_error(d, &v->loc, "message %s: placeholders {%s}, English has {%s}", k, a, e);
                ok = false;
            }
        }
    }
    for (size_t i = 0; ref && i < m->npairs; i++)
        if (!ymap_get(ref, m->pairs[i].key->str)) {
            diag_error(d, &m->pairs[i].key->loc,
                       "message %s is not in the English catalogue (messages.en.yaml)",
                       m->pairs[i].key->str);
            ok = false;
        }
    static const char *const fk[] = {"list_separator", "and",           "or",
                                     "decimal",        "percent",       "duration_separator",
                                     "duration_last",  "duration_zero", "units"};
    if (!ycheck_keys(d, f, fk, 9, "format"))
        ok = false;
    for (size_t i = 0; i < 8; i++) {
        const struct ynode *v = ymap_get(f, fk[i]);
        if (!is_string(v)) {
            diag_error(d, v ? &v->loc : &f->loc, "format.%s: expected a text (quote it)", fk[i]);
            ok = false;
        }
    }
    const struct ynode *u = ymap_get(f, "units");
    static const char *const uk[] = {"hour", "minute", "second"};
    for (size_t i = 0; i < 3; i++) {
        const struct ynode *v = u && u->kind == YN_MAP ? ymap_get(u, uk[i]) : NULL;
        if (!v || v->kind != YN_SEQ || v->nitems != 2 || !is_string(v->items[0]) ||
            !is_string(v->items[1])) {
            diag_error(d, v ? &v->loc : &f->loc, "format.units.%s: expected [one, many]", uk[i]);
            ok = false;
        }
    }
    static const char *const nk[] = {"rule", "units", "tens", "hundred", "point"};
    if (!ycheck_keys(d, nu, nk, 5, "numbers"))
        ok = false;
    for (size_t i = 0; i < 5; i++) {
        const struct ynode *v = ymap_get(nu, nk[i]);
        bool good = v && (i == 0 ? is_string(v) : v->kind == YN_SEQ);
        for (size_t j = 0; good && i > 0 && j < v->nitems; j++)
            good = is_string(v->items[j]);
        if (!good) {
            diag_error(d, v ? &v->loc : &nu->loc,
                       i == 0 ? "numbers.rule: expected en, de, fr, es or it"
                              : "numbers.%s: expected a list of words (quote each)",
                       nk[i]);
            ok = false;
        }
    }
    const struct ynode *units = ymap_get(nu, "units"), *tens = ymap_get(nu, "tens");
    if (units && units->kind == YN_SEQ && (units->nitems < 10 || units->nitems > 30)) {
        diag_error(d, &units->loc, "numbers.units: the words for 0..9 (up to 0..29), found %zu",
                   units->nitems);
        ok = false;
    }
    if (tens && tens->kind == YN_SEQ && tens->nitems != 8) {
        diag_error(d, &tens->loc, "numbers.tens: the words for 20, 30, ... 90 (8), found %zu",
                   tens->nitems);
        ok = false;
    }
    if (o->nitems != 10) {
        diag_error(d, &o->loc, "ordinals: the words for 1..10 (10 lists), found %zu", o->nitems);
        ok = false;
    }
    for (size_t i = 0; i < o->nitems; i++) {
        const struct ynode *v = o->items[i];
        bool good = v->kind == YN_SEQ && v->nitems;
        for (size_t j = 0; good && j < v->nitems; j++)
            good = is_string(v->items[j]);
        if (!good) {
            diag_error(d, &v->loc, "ordinals: expected a list of words (quote each)");
            ok = false;
        }
    }
    static const char *const bk[] = {"on", "off"};
    if (!ycheck_keys(d, b, bk, 2, "bool"))
        ok = false;
    const struct ynode *on = ymap_get(b, "on"), *off = ymap_get(b, "off");
    if (!on || !off || on->kind != YN_SEQ || off->kind != YN_SEQ || !on->nitems || !off->nitems) {
        diag_error(d, &b->loc, "bool: \"on\" and \"off\" lists of words");
        return false;
    }
    for (size_t i = 0; i < on->nitems + off->nitems; i++) {
        const struct ynode *w = i < on->nitems ? on->items[i] : off->items[i - on->nitems];
        if (!is_string(w)) {
            diag_error(d, &w->loc, "bool: expected a word (quote it in the YAML)");
            ok = false;
        }
    }
    for (size_t i = 0; ok && i < on->nitems; i++)
        for (size_t j = 0; j < off->nitems; j++)
            if (!strcmp(on->items[i]->str, off->items[j]->str)) {
                diag_error(d, &off->items[j]->loc, "bool: '%s' is both an on and an off word",
                           off->items[j]->str);
                ok = false;
            }
    return ok;
}

bool skill_load(struct skill *s, const struct catalog *cat, const char *root, struct diag *d)
{
    memset(s, 0, sizeof *s);
    size_t n;
    const char *const *codes = skill_languages(cat, &n);
    if (!n || strcmp(codes[0], "en")) {
        diag_error(d, NULL,
                   "schemas/project.yaml: alexa.languages must be an enum of the catalogue "
                   "languages, en first");
        return false;
    }
    const struct ynode *ir = load(s, d, root, "intents.yaml");
    bool ok = ir && load_intents(s, d, ir);
    s->langs = xcalloc(n, sizeof *s->langs);
    for (size_t i = 0; i < n; i++) {
        struct skill_lang *l = &s->langs[s->nlangs++];
        l->code = codes[i];
        char rel[64];
        snprintf(rel, sizeof rel, "lang/%s.yaml", l->code);
        const struct ynode *lr = load(s, d, root, rel);
        ok = lr && load_lang_file(l, d, lr) && ok;
        snprintf(rel, sizeof rel, "messages.%s.yaml", l->code);
        l->cat = load(s, d, root, rel);
        ok = l->cat && ok;
    }
    for (size_t i = 0; ok && i < s->nlangs; i++)
        ok = check_catalogue(d, &s->langs[i], s->langs[0].cat) && ok;
    return ok;
}

void skill_free(struct skill *s)
{
    for (size_t i = 0; i < s->nintents; i++)
        free(s->intents[i].slots);
    free(s->intents);
    free(s->builtin);
    free(s->types);
    for (size_t i = 0; i < s->nlangs; i++)
        free(s->langs[i].locales);
    free(s->langs);
    for (size_t i = 0; i < s->ndocs; i++)
        ydoc_free(s->docs[i]);
    free(s->docs);
    memset(s, 0, sizeof *s);
}

const struct skill_lang *skill_lang(const struct skill *s, const char *code)
{
    for (size_t i = 0; i < s->nlangs; i++)
        if (!strcmp(s->langs[i].code, code))
            return &s->langs[i];
    return NULL;
}

const struct ynode *skill_messages(const struct skill_lang *l)
{
    return ymap_get(l->cat, "messages");
}
