/* presets: see presets.h. */
#include "model/presets.h"

#include "model/catalog.h"
#include "model/values.h"
#include "front/util.h"
#include "front/ycheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool presets_load_tier(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"tier", "doc", "values"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = catalog_load_named(cat, d, path, keys, 3, "a tier", &name, &ns);
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
    t->doc = catalog_doc_text(root);
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
                    diag_error(
                        d, &t->ifaces[i].values[j].loc,
                        "the user tier gives no values: set them in the project's overrides");
                    ok = false;
                }
    }
    return ok;
}

/* A user's catalog file, read with the stock ones (stock.c links it into the catalog
 * under a name starting with '~', after the stock files). */
static bool user_file(const char *path)
{
    const char *base = strrchr(path, '/');
    return (base ? base[1] : path[0]) == '~';
}

void presets_free_preset(struct preset_def *p, size_t nifaces)
{
    iface_values_free(p->overrides, nifaces);
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

/* The name a preset file that did not load gives itself: its top-level 'preset:' line,
 * read as text (the YAML may be what is broken). */
static void note_broken_preset(struct catalog *cat, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "preset:", 7))
            continue;
        char *s = line + 7, *e;
        while (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')
            s++;
        for (e = s; *e && !strchr(" \t\r\n\"'#", *e); e++)
            ;
        if (e > s) {
            cat->broken_presets =
                xrealloc(cat->broken_presets, (cat->nbroken_presets + 1) * sizeof(char *));
            cat->broken_presets[cat->nbroken_presets++] = xstrndup(s, (size_t)(e - s));
        }
        break;
    }
    if (f)
        fclose(f);
}

bool presets_load_preset(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"preset", "doc",       "base",           "extends",
                                       "tiers",  "overrides", "overrides_stock"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root = catalog_load_named(cat, d, path, keys, 7, "a preset", &name, &ns);
    if (!root) {
        note_broken_preset(cat, path);
        return false;
    }
    /* A user's preset may take a stock preset's name only when it says so. */
    const struct ynode *ovs = ymap_get(root, "overrides_stock");
    bool replace = false;
    if (ovs && !ynode_bool(ovs, &replace)) {
        diag_error(d, &ovs->loc, "overrides_stock must be true or false");
        return false;
    }
    const struct preset_def *old = catalog_preset_raw(cat, ns);
    if (ovs && !user_file(path)) {
        diag_error(d, &ovs->loc, "overrides_stock is for a project's own presets, not stock ones");
        return false;
    }
    if (old && user_file(path) && !old->user && !replace) {
        diag_error(d, &name->loc,
                   "preset '%s' is a stock preset; rename yours, or add 'overrides_stock: true' "
                   "to replace the stock one",
                   ns);
        diag_note(d, &old->loc, "the stock preset");
        return false;
    }
    if (old && (!replace || old->user)) {
        diag_error(d, &name->loc, "preset '%s' is defined twice", ns);
        diag_note(d, &old->loc, "first defined here");
        return false;
    }
    if (!old && replace) {
        diag_error(d, &ovs->loc,
                   "overrides_stock: true, but there is no stock preset '%s' to replace (leec "
                   "list shows them); remove the key",
                   ns);
        return false;
    }
    if (old) { /* the user's preset replaces the stock one, in its place */
        size_t at = (size_t)(old - cat->presets);
        presets_free_preset(&cat->presets[at], cat->nifaces);
        memmove(&cat->presets[at], &cat->presets[at + 1],
                (cat->npresets - at - 1) * sizeof *cat->presets);
        cat->npresets--;
        catalog_index_reset(cat); /* positions moved: indexed again on the next lookup */
    }
    cat->presets = xrealloc(cat->presets, (cat->npresets + 1) * sizeof *cat->presets);
    struct preset_def *p = &cat->presets[cat->npresets++];
    memset(p, 0, sizeof *p);
    p->name = xstrdup(ns);
    p->loc = name->loc;
    p->user = user_file(path);
    p->doc = catalog_doc_text(root);
    bool ok = true;
    const struct ynode *base = ymap_get(root, "base"), *ext = ymap_get(root, "extends");
    if (base && ext) {
        diag_error(d, &ext->loc, "a preset has either 'base' (a tier) or 'extends' (a preset)");
        ok = false;
    } else if (!base && !ext) {
        diag_error(d, &name->loc, "preset '%s' needs 'base' (a tier) or 'extends' (a preset)", ns);
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
                                   "preset tiers") &&
         ok;
    ok = iface_values_parse(d, cat, ymap_get(root, "overrides"), &p->overrides, "preset overrides",
                            false) &&
         ok;
    return ok;
}

bool presets_load_aliases(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"aliases"};
    static const char *const akeys[] = {"to", "doc"};
    const struct ynode *root = catalog_load_doc(cat, d, path);
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
        p->doc = catalog_doc_text(v);
        p->overrides = NULL;
    }
    return ok;
}

bool presets_load_fpreset(struct catalog *cat, struct diag *d, const char *path)
{
    static const char *const keys[] = {"feature_preset", "doc", "extends", "features"};
    const struct ynode *name;
    const char *ns;
    const struct ynode *root =
        catalog_load_named(cat, d, path, keys, 4, "a feature preset", &name, &ns);
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
    f->doc = catalog_doc_text(root);
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
        if (fi && !catalog_param(fi, s)) {
            const char **names = xcalloc(fi->nparams, sizeof *names);
            for (size_t q = 0; q < fi->nparams; q++)
                names[q] = fi->params[q].name;
            const char *sug = suggest(s, names, fi->nparams);
            if (sug)
                diag_error(d, &feats->items[i]->loc, "unknown feature '%s'; did you mean '%s'?", s,
                           sug);
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

/* Two values as written (a scalar's text, a list's items). */
static bool same_value(const struct ynode *a, const struct ynode *b)
{
    if (!a || !b || a->kind != b->kind)
        return a == b;
    if (a->kind == YN_SCALAR)
        return strcmp(a->str, b->str) == 0;
    if (a->kind != YN_SEQ || a->nitems != b->nitems)
        return false;
    for (size_t i = 0; i < a->nitems; i++)
        if (!same_value(a->items[i], b->items[i]))
            return false;
    return true;
}

/* minimum < standard < performance < maximum: a tier that gives an interface exactly
 * the values of the tier below it makes the choice between them meaningless (and
 * `leec optimize` pick the richer name for nothing). */
static bool tiers_strictly_ordered(const struct catalog *cat, struct diag *d)
{
    static const char *const order[] = {"minimum", "standard", "performance", "maximum"};
    bool ok = true;
    for (size_t k = 1; k < 4; k++) {
        const struct tier_def *lo = catalog_tier(cat, order[k - 1]),
                              *hi = catalog_tier(cat, order[k]);
        if (!lo || !hi || !lo->ifaces || !hi->ifaces)
            continue;
        for (size_t fi = 0; fi < cat->nifaces; fi++) {
            const struct iface_def *f = &cat->ifaces[fi];
            if (!f->tiered || !f->nparams)
                continue;
            bool same = true;
            for (size_t pi = 0; same && pi < f->nparams; pi++)
                same = same_value(lo->ifaces[fi].values[pi].node, hi->ifaces[fi].values[pi].node);
            if (!same)
                continue;
            const struct loc *at =
                hi->ifaces[fi].values[0].node ? &hi->ifaces[fi].values[0].loc : &hi->loc;
            diag_error(d, at,
                       "tier '%s' gives %s exactly the values of tier '%s': tiers are strictly "
                       "ordered (minimum < standard < performance < maximum), so change at "
                       "least one",
                       order[k], f->name, order[k - 1]);
            diag_note(d, lo->ifaces[fi].values[0].node ? &lo->ifaces[fi].values[0].loc : &lo->loc,
                      "tier '%s' for %s", order[k - 1], f->name);
            ok = false;
        }
    }
    return ok;
}

bool presets_check_links(struct catalog *cat, struct diag *d)
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
            ok = false;
            bool broken = false; /* its own errors were reported: no cascade */
            for (size_t k = 0; k < cat->nbroken_presets; k++)
                broken = broken || !strcmp(cat->broken_presets[k], target);
            if (broken)
                continue;
            const char **pnames = xcalloc(cat->npresets + cat->nbroken_presets + 1, sizeof *pnames);
            size_t np = 0;
            for (size_t k = 0; k < cat->npresets; k++)
                if (k != i)
                    pnames[np++] = cat->presets[k].name;
            for (size_t k = 0; k < cat->nbroken_presets; k++)
                pnames[np++] = cat->broken_presets[k];
            const char *s = suggest(target, pnames, np);
            diag_error(d, tl, "unknown preset '%s'%s%s%s", target, s ? "; did you mean '" : "",
                       s ? s : "", s ? "'?" : " (leec list shows them all)");
            free(pnames);
            continue;
        }
        /* Cycles through extends/alias: walk and print the whole chain. The walk stops
         * past PRESET_MAX_CHAIN: a longer chain is an error, reported once, at the
         * preset that makes it too long (so linear in the catalog). */
        const struct preset_def *q = p;
        size_t steps = 0;
        while (q && (q->alias_of || q->extends)) {
            q = catalog_preset_raw(cat, q->alias_of ? q->alias_of : q->extends);
            steps++;
            if (q && q != p && steps == PRESET_MAX_CHAIN) {
                if (!q->alias_of && !q->extends) {
                    diag_error(
                        d, tl,
                        "preset '%s' is %u links (extends, alias) from the preset that names "
                        "its tier: at most %u are allowed (extend a preset nearer the tier)",
                        p->name, PRESET_MAX_CHAIN, PRESET_MAX_CHAIN - 1);
                    ok = false;
                }
                break;
            }
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
        for (size_t steps = 0; q && q->extends; steps++) {
            q = catalog_fpreset(cat, q->extends);
            if (q && q != f && steps + 1 == PRESET_MAX_CHAIN) {
                if (!q->extends) { /* reported once, at the one that makes it too long */
                    diag_error(d, &f->extends_loc,
                               "feature preset '%s' is %u feature presets away from the first: "
                               "at most %u are allowed",
                               f->name, PRESET_MAX_CHAIN, PRESET_MAX_CHAIN - 1);
                    ok = false;
                }
                break;
            }
            if (q == f) {
                diag_error(d, &f->extends_loc, "feature preset '%s' extends itself through a cycle",
                           f->name);
                ok = false;
                break;
            }
        }
    }
    for (const char *req[] = {"minimum", "standard", "performance", "maximum", "user", NULL},
                    **r = req;
         *r; r++)
        if (!catalog_tier(cat, *r)) {
            diag_error(d, NULL, "tier '%s' is missing from presets/tiers/", *r);
            ok = false;
        }
    return tiers_strictly_ordered(cat, d) && ok;
}
