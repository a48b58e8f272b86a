/* presets: presets/tiers/, the presets in presets/, presets/aliases.yaml and
 * presets/features/ — tiers with a value for every tiered parameter, presets with
 * base/extends chains, aliases, feature presets — and the links between them
 * (unknown names, cycles printed as chains). */
#ifndef LEEC_PRESETS_H
#define LEEC_PRESETS_H

#include "model/model.h"

/* Each loads one file into cat; false after diagnostics. */
bool presets_load_tier(struct catalog *cat, struct diag *d, const char *path);
bool presets_load_preset(struct catalog *cat, struct diag *d, const char *path);
bool presets_load_aliases(struct catalog *cat, struct diag *d, const char *path);
bool presets_load_fpreset(struct catalog *cat, struct diag *d, const char *path);
/* Frees what one preset owns (not the preset itself). */
void presets_free_preset(struct preset_def *p, size_t nifaces);
/* Checks that span files: every name links, no cycles, the standard tiers exist. */
bool presets_check_links(struct catalog *cat, struct diag *d);

/* Presets from one to its tier (extends and alias links), at most: a longer chain is an
 * error, so resolving stays linear. Feature presets likewise. */
#define PRESET_MAX_CHAIN 64u

#endif
