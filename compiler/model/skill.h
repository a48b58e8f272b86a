/* skill: the Custom skill's sources in presets/skill/ — intents.yaml (intents, slots,
 * slot types, the feature each intent needs), lang/<language>.yaml (locales with their
 * invocation names, spelling and extra slot values; sample patterns; slot values) and
 * messages.<language>.yaml (the answers, list and duration words, number words,
 * ordinals, on/off words). The languages are the schema's alexa.languages enum (the one
 * list); every one of them must have both files. Loading checks each catalogue against
 * the English one (same keys and placeholders) with located errors. The emitters
 * (emit/skill_model.c, emit/skill_messages.c) read only this. */
#ifndef LEEC_SKILL_H
#define LEEC_SKILL_H

#include "front/diag.h"
#include "front/yaml_ir.h"
#include "model/model.h"

#include <stdbool.h>
#include <stddef.h>

struct skill_slot {
    const char *name, *type;
};

struct skill_intent {
    const char *name;
    const char *feature; /* NULL: always in */
    struct skill_slot *slots;
    size_t nslots;
};

struct skill_locale {
    const char *code;             /* "en-US" */
    const char *invocation;       /* "home bridge" */
    const char *region;           /* NA, EU or FE: the Alexa region serving the locale */
    const struct ynode *spelling; /* mapping word → word, or NULL */
    const struct ynode *extra;    /* mapping type → extra values/synonyms, or NULL */
};

struct skill_lang {
    const char *code; /* "en" */
    struct skill_locale *locales;
    size_t nlocales;
    const struct ynode *samples; /* lang/<l>.yaml samples: intent → [patterns] */
    const struct ynode *types;   /* lang/<l>.yaml types: type → [values] */
    const struct ynode *cat;     /* messages.<l>.yaml, checked */
};

struct skill {
    struct ydoc **docs;
    size_t ndocs;
    struct skill_intent *intents;
    size_t nintents;
    const char **builtin;
    size_t nbuiltin;
    const char **types; /* custom slot types, in order */
    size_t ntypes;
    struct skill_lang *langs; /* the schema's order; English first */
    size_t nlangs;
};

/* Loads presets/skill/ under root for the languages of the catalog's alexa.languages
 * enum. false after diagnostics; *io (optional) tells a missing file. */
bool skill_load(struct skill *s, const struct catalog *cat, const char *root, struct diag *d);
void skill_free(struct skill *s);

const struct skill_lang *skill_lang(const struct skill *s, const char *code);

/* The catalogue languages (the schema's alexa.languages enum); n = 0 when the schema has
 * none. */
const char *const *skill_languages(const struct catalog *cat, size_t *n);

/* The message keys of the English catalogue, in order (the runtime's enum sk_msg). */
const struct ynode *skill_messages(const struct skill_lang *l);

#endif
