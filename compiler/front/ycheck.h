/* ycheck: strict shape checks on the located YAML IR, with "did you mean" for
 * unknown keys. Every function emits a located error and returns false/NULL. */
#ifndef LEEC_YCHECK_H
#define LEEC_YCHECK_H

#include "front/diag.h"
#include "front/yaml_ir.h"

bool ycheck_map(struct diag *d, const struct ynode *n, const char *what);
bool ycheck_seq(struct diag *d, const struct ynode *n, const char *what);
/* Every key of map must be in allowed; unknown ones get "did you mean". */
bool ycheck_keys(struct diag *d, const struct ynode *map, const char *const *allowed, size_t n,
                 const char *what);
/* A key that must be present. */
const struct ynode *yrequire(struct diag *d, const struct ynode *map, const char *key,
                             const char *what);
/* A scalar used as a name or text: plain or quoted, not null/bool/number when plain. */
const char *ystring(struct diag *d, const struct ynode *n, const char *what);
/* Each scalar item of seq written again is an error at itself ("listed twice in what")
 * with a note at the first one: reported once, in n log n. */
bool ycheck_unique(struct diag *d, const struct ynode *seq, const char *what);
/* Reports where an error inside alias-expanded data came from. */
void ynote_alias(struct diag *d, const struct ynode *n);

#endif
