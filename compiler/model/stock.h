/* stock: where leec's own catalog (schemas/, presets/) is, and reading it together
 * with catalog files from elsewhere (a user's presets, an edited copy of a stock file).
 *
 * Search order (stock_find_root): --root, $LEEC_ROOT, then beside the executable:
 * <exe>/../share/leec (an install: cmake --install, the .deb), then the source tree
 * named by <exe dir>/leec-source-root (written by the build next to the build's leec,
 * never installed, so a copied or installed binary does not silently use a checkout). */
#ifndef LEEC_STOCK_H
#define LEEC_STOCK_H

#include "model/filekind.h"
#include "model/model.h"

#include <stdbool.h>
#include <stddef.h>

/* The catalog root as the user would type it from the current directory ("." , a
 * relative path, or absolute), or NULL after an error naming where leec looked. */
char *stock_find_root(const char *given, struct diag *d);

/* true when root is outside the current directory (absolute or ../): its files are not
 * part of the user's checkout. */
bool stock_is_foreign(const char *root);

/* Does path (any spelling) name a file of root's schemas/ or presets/? */
bool stock_contains(const char *root, const char *path);

/* What a file is, from the keys of its root mapping (model/filekind.h; silent: a file
 * that cannot be read is SK_NONE). */
enum stock_kind stock_file_kind(const char *path);
const char *stock_kind_name(enum stock_kind k, size_t count);

struct stock_extra {
    const char *path; /* as the user named it; diagnostics use this name */
    enum stock_kind kind;
};

/* model_load_catalog(root) with the extra catalog files read as part of the tree: a
 * preset beside the stock presets, a tier in presets/tiers/, ... (read after the stock
 * files, so a preset or tier named like a stock one is reported at the extra file as
 * defined twice); an alias, baseline or retired file replaces the stock one. The files
 * are read through a temporary directory of symbolic links, removed before returning;
 * diagnostics name the real files. */
bool stock_load(struct catalog *cat, const char *root, const struct stock_extra *x, size_t n,
                struct diag *d);

#endif
