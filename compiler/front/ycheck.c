/* ycheck: see ycheck.h. */
#include "front/ycheck.h"

#include "front/util.h"

#include <stdlib.h>
#include <string.h>

static const char *article(const char *noun) { return strchr("aeiou", noun[0]) ? "an" : "a"; }

void ynote_alias(struct diag *d, const struct ynode *n)
{
    if (n && n->alias_loc.file)
        yir_note_alias(d, n);
}

/* `key:` with nothing after it (what an editor leaves when a section is started): an
 * empty section, the same as leaving the key out. An explicit null or ~ is not. */
static bool left_empty(const struct ynode *n)
{
    return n && n->kind == YN_SCALAR && n->style == YS_PLAIN && n->len == 0 && !n->alias_name;
}

bool ycheck_map(struct diag *d, const struct ynode *n, const char *what)
{
    if (n && (n->kind == YN_MAP || left_empty(n)))
        return true;
    const char *k = n ? ynode_kind_name(n) : "nothing";
    diag_error(d, n ? &n->loc : NULL, "%s must be a mapping, got %s %s", what, article(k), k);
    ynote_alias(d, n);
    return false;
}

bool ycheck_seq(struct diag *d, const struct ynode *n, const char *what)
{
    if (n && (n->kind == YN_SEQ || left_empty(n)))
        return true;
    const char *k = n ? ynode_kind_name(n) : "nothing";
    diag_error(d, n ? &n->loc : NULL, "%s must be a list, got %s %s", what, article(k), k);
    ynote_alias(d, n);
    return false;
}

bool ycheck_keys(struct diag *d, const struct ynode *map, const char *const *allowed, size_t n,
                 const char *what)
{
    bool ok = true;
    for (size_t i = 0; i < map->npairs; i++) {
        const struct ynode *k = map->pairs[i].key;
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(k->str, allowed[j]) == 0;
        if (found)
            continue;
        ok = false;
        const char *s = suggest(k->str, allowed, n);
        if (s) {
            diag_error(d, &k->loc, "unknown key '%s' in %s; did you mean '%s'?", k->str, what, s);
        } else {
            char list[512];
            join_names(list, sizeof list, allowed, n, " or ");
            diag_error(d, &k->loc, "unknown key '%s' in %s; expected one of %s", k->str, what,
                       list);
        }
        ynote_alias(d, k);
    }
    return ok;
}

const struct ynode *yrequire(struct diag *d, const struct ynode *map, const char *key,
                             const char *what)
{
    const struct ynode *v = ymap_get(map, key);
    if (!v)
        diag_error(d, &map->loc, "%s needs '%s'", what, key);
    return v;
}

const char *ystring(struct diag *d, const struct ynode *n, const char *what)
{
    if (n && n->kind == YN_SCALAR) {
        enum yscalar_kind k = ynode_scalar_kind(n);
        if (k == YSK_STRING)
            return n->str;
        diag_error(d, &n->loc, "%s must be a string, got %s", what, ynode_kind_name(n));
        ynote_alias(d, n);
        return NULL;
    }
    const char *k = n ? ynode_kind_name(n) : "nothing";
    diag_error(d, n ? &n->loc : NULL, "%s must be a string, got %s %s", what, article(k), k);
    ynote_alias(d, n);
    return NULL;
}

static const struct ynode *const *dup_items;

static int dup_cmp(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(dup_items[i]->str, dup_items[j]->str);
    return c ? c : (i > j) - (i < j);
}

/* Sorted, so a list of n copies is n - 1 errors in n log n, not n^2 / 2 notes. */
bool ycheck_unique(struct diag *d, const struct ynode *n, const char *what)
{
    size_t *idx = xmalloc((n->nitems ? n->nitems : 1) * sizeof *idx), m = 0;
    for (size_t i = 0; i < n->nitems; i++)
        if (n->items[i]->kind == YN_SCALAR)
            idx[m++] = i;
    dup_items = (const struct ynode *const *)n->items;
    qsort(idx, m, sizeof *idx, dup_cmp);
    bool *dup = xcalloc(n->nitems ? n->nitems : 1, sizeof *dup);
    size_t *first = xmalloc((n->nitems ? n->nitems : 1) * sizeof *first);
    for (size_t k = 0, g = 0; k < m; k++) {
        if (k == 0 || strcmp(n->items[idx[k]]->str, n->items[idx[g]]->str) != 0)
            g = k;
        else
            dup[idx[k]] = true;
        first[idx[k]] = idx[g];
    }
    bool ok = true;
    for (size_t i = 0; i < n->nitems; i++) /* in source order */
        if (dup[i]) {
            diag_error(d, &n->items[i]->loc, "'%s' is listed twice in %s", n->items[i]->str, what);
            diag_note(d, &n->items[first[i]]->loc, "first listed here");
            ok = false;
        }
    free(idx);
    free(dup);
    free(first);
    return ok;
}
