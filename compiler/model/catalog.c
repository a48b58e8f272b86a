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
