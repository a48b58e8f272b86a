/* sections: the project file's sections the bootstrap reads (the shapes in
 * schemas/project.yaml with `runtime:`) as C, derived from the shapes: in
 * leec_config.h each section's struct, its enums and LEEC_<SECTION>_FIELDS(X), the list
 * core/bind.c binds field by field; in leec_config.c the section's values. Keys are
 * flattened into field names (home_assistant.token.mode → ha.token_mode). */
#ifndef LEEC_SECTIONS_H
#define LEEC_SECTIONS_H

#include "front/util.h"
#include "model/project.h"

/* The enums, item structs, section structs and field lists. */
void sections_render_types(struct sbuf *b, const struct catalog *cat);
/* The members of struct leec_config, one per section. */
void sections_render_members(struct sbuf *b, const struct catalog *cat);
/* The sections' values: the static arrays their lists and maps point to into arrays,
 * their designated initializers in leec_config into init (pj NULL: defaults only). */
void sections_render_values(struct sbuf *arrays, struct sbuf *init, const struct catalog *cat,
                            const struct project *pj);

#endif
