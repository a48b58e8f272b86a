/* lang: the Custom skill's words per language. The message catalogue
 * (presets/skill/messages.<lang>.yaml) is compiled in as the static tables leec writes
 * (leec_messages.c, the project's languages only; types in custom/lang_tables.h); this
 * file picks
 * a language by the request's locale (fallback English) and says numbers,
 * durations and lists in it, and reads number words, ordinals and on/off words.
 *
 * Every output is NUL-terminated, never longer than its buffer, and never ends
 * in a cut UTF-8 character (base/utf8.h utf8_cut). */
#ifndef LEEC_CUSTOM_LANG_H
#define LEEC_CUSTOM_LANG_H

#include "custom/lang_tables.h"

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

/* "de-DE", "de" → German; unknown, NULL or a language not compiled in → English. */
const struct sk_lang *sk_lang_for(const char *locale);

/* As sk_lang_for, among the languages named in allowed[0..n) only ("en", "de"; n == 0: every
 * compiled-in language); a language not allowed → English. */
const struct sk_lang *sk_lang_choose(const char *locale, const char *const *allowed, size_t n);

/* tmpl with every {name} replaced by the value given for it in the NULL-terminated
 * (name, value) pairs that follow; an unknown placeholder becomes "". */
void sk_fill(char *out, size_t len, const char *tmpl, ...);
void sk_vfill(char *out, size_t len, const char *tmpl, va_list ap);

/* "A", "A and B", "A, B and C" (or_list: "or"); Spanish y/e, o/u before the next word. */
void sk_list(const struct sk_lang *l, char *out, size_t len, const char *const *items, size_t n,
             bool or_list);
/* "1 hour 30 minutes", "1 Stunde und 30 Minuten", ... ("0 seconds" for 0). */
void sk_duration(const struct sk_lang *l, unsigned seconds, char *out, size_t len);
/* 50 → "50", 20.5 → "20,5" in languages with a decimal comma. */
void sk_number_text(const struct sk_lang *l, double v, char *out, size_t len);

/* A number as people say it: "50", "20.5", "20,5", "50 percent", "50%", "fifty",
 * "fünfzig", "twenty point five", "vingt virgule cinq". 0 ok, -1 not a number. */
int sk_number(const struct sk_lang *l, const char *s, double *out);
/* A position: "2", "2nd", "2.", "second", "the second one", "der zweite" → 2;
 * 0 when none. */
int sk_ordinal(const struct sk_lang *l, const char *s);
/* 1 on ("on", "an", "allumé", ...), 0 off, -1 neither (the language's words,
 * then English). */
int sk_bool(const struct sk_lang *l, const char *s);

/* Lower case (ASCII and Latin-1 letters), '-', '_' and punctuation as spaces, runs of spaces
 * as one, no leading/trailing space. Returns the length written. */
size_t sk_normalise(const char *in, char *out, size_t len);

#endif
