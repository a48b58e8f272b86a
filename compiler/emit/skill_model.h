/* skill_model: the Custom skill's interaction model of one locale, from model/skill.h.
 * A sample is a pattern — "(a|b|)" is "a", "b" or nothing, so "(trigger|fire) the
 * {Automation}( automation|)" is four samples —, respelled per locale (colour); slot
 * values get the locale's extra values and synonyms; only the intents whose feature is
 * compiled in go in (and the slot types they use). The text is the SMAPI
 * InteractionModelData ({"interactionModel": {"languageModel": ...}}). */
#ifndef LEEC_SKILL_MODEL_H
#define LEEC_SKILL_MODEL_H

#include "model/skill.h"
#include "resolve/resolve.h"

/* The model as JSON text ending in a newline (malloc'd); NULL after a diagnostic (an
 * extra synonym for an unknown value). r: the resolved project (its features), NULL for
 * every intent. */
char *skill_model_render(const struct skill *s, const struct skill_lang *l,
                         const struct skill_locale *loc, const struct resolved *r, struct diag *d);

/* "(a|b|)x" expanded into out (each a malloc'd string, duplicates dropped); the count. */
size_t skill_expand(const char *pattern, char ***out, size_t *n, size_t *cap);

#endif
