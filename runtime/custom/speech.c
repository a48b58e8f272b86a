/* speech: the answer text of the Custom-skill intents (see custom/intent.h). */
#include "custom/speech.h"

#include "base/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After a vsnprintf that may have cut: drops a UTF-8 sequence left incomplete at
 * the end of buf[0..n), so text is cut only at a character boundary. */
static void cut_tail(char *buf, int n, size_t len)
{
    if (n < 0 || !len) {
        if (len)
            buf[0] = '\0';
        return;
    }
    if ((size_t)n < len)
        return; /* not cut */
    size_t end = len - 1, i = end, back = 0;
    while (i > 0 && back < 3 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i > 0) {
        unsigned char c = (unsigned char)buf[i - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (c >= 0xC0 && need > back + 1)
            end = i - 1;
    }
    buf[end] = '\0';
}

void cs_sayf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    cut_tail(buf, n, len);
}

void cs_notef(struct cs_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->note, sizeof c->note, fmt, ap);
    va_end(ap);
    cut_tail(c->note, n, sizeof c->note);
}

void cs_say(struct cs_reply *r, bool end, const char *fmt, ...)
{
    char buf[sizeof r->speech + 8];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    size_t k = utf8_cut(buf, len, sizeof r->speech - 1); /* never a cut character */
    memcpy(r->speech, buf, k);
    r->speech[k] = '\0';
    r->end_session = end;
}

void cs_ask(struct cs_reply *r, const char *reprompt)
{
    r->end_session = false;
    r->has_reprompt = true;
    size_t k = utf8_cut(reprompt, strlen(reprompt), sizeof r->reprompt - 1);
    memcpy(r->reprompt, reprompt, k);
    r->reprompt[k] = '\0';
}

const char *cs_msg(const struct cs_ctx *c, enum sk_msg m)
{
    const struct sk_lang *l = c && c->lang ? c->lang : sk_lang_for(NULL);
    return (unsigned)m < SK_MSG_COUNT ? l->msg[m] : "";
}

void cs_fill_msg(const struct cs_ctx *c, char *buf, size_t len, enum sk_msg m, ...)
{
    va_list ap;
    va_start(ap, m);
    sk_vfill(buf, len, cs_msg(c, m), ap);
    va_end(ap);
}

void cs_say_msg(struct cs_ctx *c, struct cs_reply *r, bool end, enum sk_msg m, ...)
{
    va_list ap;
    va_start(ap, m);
    sk_vfill(r->speech, sizeof r->speech, cs_msg(c, m), ap);
    va_end(ap);
    r->end_session = end;
}

void cs_ask_msg(struct cs_ctx *c, struct cs_reply *r, enum sk_msg m, ...)
{
    va_list ap;
    va_start(ap, m);
    sk_vfill(r->reprompt, sizeof r->reprompt, cs_msg(c, m), ap);
    va_end(ap);
    r->end_session = false;
    r->has_reprompt = true;
}

/* A number as people say it, in the request's language: "50", "20.5", "50 percent", "50%",
 * "fifty", "fünfzig", "twenty point five" (custom/lang.h sk_number). */
int cs_spoken_number(const struct cs_ctx *c, const char *s, double *out)
{
    return sk_number(c->lang ? c->lang : sk_lang_for(NULL), s, out);
}

void cs_num_text(const struct cs_ctx *c, char *buf, size_t len, double v)
{
    sk_number_text(c->lang ? c->lang : sk_lang_for(NULL), v, buf, len);
}

/* "A", "A or B", "A, B or C" in the request's language. */
void cs_name_list(const struct cs_ctx *c, char *buf, size_t len, const char *const *names, size_t n,
                  bool or_list)
{
    sk_list(c->lang ? c->lang : sk_lang_for(NULL), buf, len, names, n, or_list);
}

bool cs_need_slot(struct cs_ctx *c, struct cs_reply *r, const char *v, enum sk_msg question)
{
    if (v)
        return true;
    c->outcome = "missing_slot";
    cs_say_msg(c, r, false, question, NULL);
    cs_ask_msg(c, r, question, NULL);
    return false;
}
