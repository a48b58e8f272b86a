/* speech: the Custom skill's spoken answers — plain text, catalogue messages in the
 * request's language (custom/lang.h) with their placeholders filled, questions, lists
 * and numbers as words, notes for the log line. */
#ifndef LEEC_CUSTOM_SPEECH_H
#define LEEC_CUSTOM_SPEECH_H

#include "custom/context.h"
#include "custom/lang.h"

#include <stdbool.h>
#include <stddef.h>

/* Answer text (speech.c). */
void cs_sayf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cs_notef(struct cs_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs_say(struct cs_reply *r, bool end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cs_ask(struct cs_reply *r, const char *reprompt);
/* Catalogue answers in the request's language (custom/lang.h): the message with its
 * placeholders filled from NULL-terminated (name, value) pairs. */
const char *cs_msg(const struct cs_ctx *c, enum sk_msg m);
void cs_say_msg(struct cs_ctx *c, struct cs_reply *r, bool end, enum sk_msg m, ...);
void cs_ask_msg(struct cs_ctx *c, struct cs_reply *r, enum sk_msg m, ...);
void cs_fill_msg(const struct cs_ctx *c, char *buf, size_t len, enum sk_msg m, ...);
/* "A", "A or B", "A, B or C" in the request's language. */
void cs_name_list(const struct cs_ctx *c, char *buf, size_t len, const char *const *names, size_t n,
                  bool or_list);
int cs_spoken_number(const struct cs_ctx *c, const char *s, double *out);
void cs_num_text(const struct cs_ctx *c, char *buf, size_t len, double v);
/* v, or (NULL) the question asked for it: false when it was asked. */
bool cs_need_slot(struct cs_ctx *c, struct cs_reply *r, const char *v, enum sk_msg question);

#endif
