/* model_load: see model_load.h. */
#include "model/model_load.h"
#include "model/catalog.h"

#include "front/util.h"
#include "model/presets.h"
#include "model/schema.h"
#include "model/values.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

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

static bool load_dir(struct catalog *cat, struct diag *d, const char *dir,
                     bool (*fn)(struct catalog *, struct diag *, const char *),
                     const char *const *skip)
{
    size_t n;
    char **files = list_yaml(dir, &n);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/') + 1;
        bool skipped = false;
        for (const char *const *k = skip; *k && !skipped; k++)
            skipped = strcmp(base, *k) == 0;
        if (skipped)
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
    /* schemas/ files that describe no interface, read on their own below. */
    static const char *const not_interfaces[] = {"baseline.yaml", "limits.yaml", "project.yaml",
                                                 "retired.yaml", NULL};
    static const char *const aliases[] = {"aliases.yaml", NULL};
    static const char *const none[] = {NULL};
    memset(cat, 0, sizeof *cat);
    cat->root = xstrdup(root);
    cat->preset_index = catalog_index_new();
    struct sbuf p = {0};
    bool ok = true;
    sbuf_printf(&p, "%s%sschemas", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, schema_load_iface, not_interfaces) && ok;
    if (cat->nifaces == 0) {
        diag_error(d, NULL, "no interface schemas found in %s", p.s);
        sbuf_free(&p);
        return false;
    }
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/baseline.yaml", ROOT_PREFIX(root));
    ok = schema_load_baseline(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/retired.yaml", ROOT_PREFIX(root));
    ok = schema_load_retired(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/limits.yaml", ROOT_PREFIX(root));
    ok = schema_load_limits(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%sschemas/project.yaml", ROOT_PREFIX(root));
    ok = schema_load_project(cat, d, p.s) && ok;
    ok = ok && schema_check_needs(cat, d);
    if (!ok) {
        sbuf_free(&p);
        return false;
    }
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/tiers", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, presets_load_tier, none) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, presets_load_preset, aliases) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/aliases.yaml", ROOT_PREFIX(root));
    ok = presets_load_aliases(cat, d, p.s) && ok;
    p.len = 0;
    sbuf_printf(&p, "%s%spresets/features", ROOT_PREFIX(root));
    ok = load_dir(cat, d, p.s, presets_load_fpreset, none) && ok;
    sbuf_free(&p);
    return presets_check_links(cat, d) && ok;
}

void model_free_catalog(struct catalog *cat)
{
    catalog_index_free(cat->preset_index);
    cat->preset_index = NULL;
    for (size_t i = 0; i < cat->nifaces; i++) {
        struct iface_def *f = &cat->ifaces[i];
        for (size_t j = 0; j < f->nparams; j++) {
            free(f->params[j].name);
            free(f->params[j].doc);
            free(f->params[j].pattern);
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
    for (size_t i = 0; i < cat->npresets; i++)
        presets_free_preset(&cat->presets[i], cat->nifaces);
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
    for (size_t i = 0; i < cat->nlimits; i++) {
        free(cat->limits[i].name);
        free(cat->limits[i].doc);
    }
    free(cat->limits);
    schema_free_shape(&cat->sections);
    free(cat->ifaces);
    free(cat->tiers);
    free(cat->presets);
    free(cat->fpresets);
    for (size_t i = 0; i < cat->ndocs; i++)
        ydoc_free(cat->docs[i]);
    free(cat->docs);
    free(cat->root);
    for (size_t i = 0; i < cat->nbroken_presets; i++)
        free(cat->broken_presets[i]);
    free(cat->broken_presets);
    memset(cat, 0, sizeof *cat);
}
