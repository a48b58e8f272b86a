/* speech: the answer text of the Custom-skill intents (see custom/intent.h). */
#include "custom/intent.h"

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

/* A number as people say it: "50", "20.5", "50 percent", "50%". */
int cs_spoken_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return -1;
    while (*end == ' ')
        end++;
    if (*end && strcmp(end, "%") != 0 && strcmp(end, "percent") != 0 && strcmp(end, "degrees") != 0)
        return -1;
    *out = v;
    return 0;
}

void cs_num_text(char *buf, size_t len, double v)
{
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
        cs_sayf(buf, len, "%lld", (long long)llround(v));
    else
        cs_sayf(buf, len, "%g", v);
}

double cs_attr_num(const cJSON *e, const char *k, double dflt)
{
    const cJSON *v = cs_ent_attr(e, k);
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    if (cJSON_IsString(v)) {
        char *end;
        double d = strtod(v->valuestring, &end);
        if (end != v->valuestring)
            return d;
    }
    return dflt;
}
