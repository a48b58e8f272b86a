/* catalog: see catalog.h. */
#include "model/catalog.h"

#include "front/util.h"
#include "front/ycheck.h"

#include <stdlib.h>
#include <string.h>

const struct ynode *catalog_load_doc(struct catalog *cat, struct diag *d, const char *path)
{
    int io = 0;
    struct ydoc *doc = ydoc_load_file(d, path, &io);
    if (!doc) {
        cat->io_errors += io != 0; /* exit 2, not "invalid" */
        return NULL;
    }
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

char *catalog_doc_text(const struct ynode *map)
{
    const struct ynode *doc = ymap_get(map, "doc");
    return xstrdup(doc && doc->kind == YN_SCALAR ? doc->str : "");
}

const struct ynode *catalog_load_named(struct catalog *cat, struct diag *d, const char *path,
                                       const char *const *keys, size_t nkeys, const char *what,
                                       const struct ynode **name_node, const char **name)
{
    const struct ynode *root = catalog_load_doc(cat, d, path);
    if (!root || !ycheck_map(d, root, what) || !ycheck_keys(d, root, keys, nkeys, what))
        return NULL;
    *name_node = yrequire(d, root, keys[0], what);
    *name = *name_node ? ystring(d, *name_node, keys[0]) : NULL;
    return *name ? root : NULL;
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

const struct retired_def *catalog_retired(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nretired; i++)
        if (strcmp(cat->retired[i].name, name) == 0)
            return &cat->retired[i];
    return NULL;
}

const struct param_def *catalog_param(const struct iface_def *iface, const char *name)
{
    for (size_t i = 0; i < iface->nparams; i++)
        if (strcmp(iface->params[i].name, name) == 0)
            return &iface->params[i];
    return NULL;
}

const struct limit_def *catalog_limit(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->nlimits; i++)
        if (strcmp(cat->limits[i].name, name) == 0)
            return &cat->limits[i];
    return NULL;
}

const struct shape *catalog_shape_key(const struct shape *s, const char *name)
{
    for (size_t i = 0; s && i < s->nkeys; i++)
        if (strcmp(s->keys[i].name, name) == 0)
            return &s->keys[i];
    return NULL;
}

const struct shape *catalog_shape(const struct catalog *cat, const char *path)
{
    const struct shape *s = &cat->sections;
    char part[64];
    while (s && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part ? n : sizeof part - 1), path);
        s = catalog_shape_key(s, part);
        path += n + (path[n] == '.');
    }
    return s;
}

const struct tier_def *catalog_tier(const struct catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->ntiers; i++)
        if (strcmp(cat->tiers[i].name, name) == 0)
            return &cat->tiers[i];
    return NULL;
}

/* ---- presets by name: a hash index (10 000 presets, chains of links) ---- */

struct name_index {
    size_t *slots; /* preset index + 1, 0 = empty */
    size_t cap;    /* power of two */
    size_t n;      /* presets[0..n) are indexed */
};

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void index_put(struct name_index *x, const struct preset_def *presets, size_t i)
{
    if ((x->n + 1) * 2 > x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        size_t *slots = xcalloc(cap, sizeof *slots);
        for (size_t k = 0; k < x->cap; k++)
            if (x->slots[k]) {
                size_t h = name_hash(presets[x->slots[k] - 1].name) & (cap - 1);
                while (slots[h])
                    h = (h + 1) & (cap - 1);
                slots[h] = x->slots[k];
            }
        free(x->slots);
        x->slots = slots;
        x->cap = cap;
    }
    size_t h = name_hash(presets[i].name) & (x->cap - 1);
    while (x->slots[h]) {
        if (!strcmp(presets[x->slots[h] - 1].name, presets[i].name))
            return; /* a second one of that name: the first is the one found */
        h = (h + 1) & (x->cap - 1);
    }
    x->slots[h] = i + 1;
}

struct name_index *catalog_index_new(void) { return xcalloc(1, sizeof(struct name_index)); }

void catalog_index_free(struct name_index *x)
{
    if (x)
        free(x->slots);
    free(x);
}

void catalog_index_reset(struct catalog *cat)
{
    if (!cat->preset_index)
        return;
    free(cat->preset_index->slots);
    memset(cat->preset_index, 0, sizeof *cat->preset_index);
}

const struct preset_def *catalog_preset_raw(const struct catalog *cat, const char *name)
{
    struct name_index *x = cat->preset_index;
    if (!x) { /* a catalog put together by hand (validate's tier check): few lookups */
        for (size_t i = 0; i < cat->npresets; i++)
            if (strcmp(cat->presets[i].name, name) == 0)
                return &cat->presets[i];
        return NULL;
    }
    for (; x->n < cat->npresets; x->n++) /* catch up with presets added since */
        index_put(x, cat->presets, x->n);
    if (!x->cap)
        return NULL;
    for (size_t h = name_hash(name) & (x->cap - 1); x->slots[h]; h = (h + 1) & (x->cap - 1))
        if (!strcmp(cat->presets[x->slots[h] - 1].name, name))
            return &cat->presets[x->slots[h] - 1];
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
