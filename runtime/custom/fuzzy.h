/* fuzzy: spoken names → Home Assistant entities.
 *
 * Both sides are normalised the same way (fuzzy_normalise): ASCII lower case;
 * '_', '.', '-', and other punctuation become spaces, apostrophes vanish
 * ("kid's" → "kids"); runs of spaces collapse; the word "the" is dropped
 * anywhere; each word loses a plural ending ("ies" → "y"; "ches"/"shes"/
 * "xes"/"sses" → without "es"; a final "s" after 3+ letters, not "ss").
 *
 * fuzzy_match() compares the query with each item's friendly name and entity
 * id object part ("script.good_night" → "good night") in three tiers; the
 * first tier with any hit decides:
 *   1. equal after normalisation;
 *   2. every query word is a word of the item, or every item word is in the query;
 *   3. similarity (Levenshtein, 0..100) >= FUZZY_THRESHOLD, the best one unless
 *      another is within FUZZY_TIE_MARGIN of it.
 * One hit → FUZZY_MATCH; several → FUZZY_AMBIGUOUS with up to
 * FUZZY_MAX_CANDIDATES of them (most similar first); none → FUZZY_NONE with
 * the most similar item as suggestion (-1 if no item has any similarity).
 * Inputs are capped at FUZZY_NAME_MAX bytes (longer ones are cut). */
#ifndef LEEC_FUZZY_H
#define LEEC_FUZZY_H

#include <stddef.h>

#define FUZZY_NAME_MAX       128u
#define FUZZY_MAX_CANDIDATES 3u
#define FUZZY_THRESHOLD      75u
#define FUZZY_TIE_MARGIN     5u

struct fuzzy_item {
    const char *entity_id; /* "domain.object" (or just an object name) */
    const char *name;      /* friendly name; NULL: none */
};

enum fuzzy_kind { FUZZY_NONE, FUZZY_MATCH, FUZZY_AMBIGUOUS };

struct fuzzy_result {
    enum fuzzy_kind kind;
    size_t index;                       /* FUZZY_MATCH */
    size_t cands[FUZZY_MAX_CANDIDATES]; /* FUZZY_AMBIGUOUS */
    size_t ncands;
    long suggestion; /* FUZZY_NONE: closest item or -1 */
    unsigned score;  /* similarity of the best item, 0..100 */
};

/* Writes the normalised form of in[0..len) (NUL-terminated, at most outlen-1
 * bytes) and returns its length. */
size_t fuzzy_normalise(const char *in, size_t len, char *out, size_t outlen);

/* 0..100 on two already-normalised strings (100: equal). */
unsigned fuzzy_similarity(const char *a, const char *b);

void fuzzy_match(const char *query, const struct fuzzy_item *items, size_t n,
                 struct fuzzy_result *out);

#endif
