/* skill_messages: the Custom skill's message catalogue as C tables (leec_messages.c,
 * written by `leec compile` beside leec_config.c) for the project's languages only:
 * struct sk_lang per language (runtime/custom/lang_tables.h owns the types and the
 * message enum; the file asserts the enum has the catalogue's count and names every key,
 * so a message added on one side only is a build error) and sk_langs[], English first.
 * Number words 0..100 are composed here from each catalogue's units, tens and rule. */
#ifndef LEEC_SKILL_MESSAGES_H
#define LEEC_SKILL_MESSAGES_H

#include "model/skill.h"

/* The C text (malloc'd) for the languages codes[0..n) (English is always first). */
char *skill_messages_render(const struct skill *s, const char *const *codes, size_t n);

/* Number words of one catalogue: word → value 0..100 (hyphens kept; callers normalise).
 * Returns the count; words[i] malloc'd, caller frees with skill_words_free. */
struct skill_word {
    char *word;
    int value;
};
size_t skill_number_words(const struct skill_lang *l, struct skill_word **out);
void skill_words_free(struct skill_word *w, size_t n);

#endif
