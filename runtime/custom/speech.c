/* speech: the answer text of the Custom-skill intents (see custom/intent.h). */
#include "custom/intent.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_sayf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

void cs_notef(struct cs_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->note, sizeof c->note, fmt, ap);
    va_end(ap);
}

void cs_say(struct cs_reply *r, bool end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->speech, sizeof r->speech, fmt, ap);
    va_end(ap);
    r->end_session = end;
}

void cs_ask(struct cs_reply *r, const char *reprompt)
{
    r->end_session = false;
    r->has_reprompt = true;
    cs_sayf(r->reprompt, sizeof r->reprompt, "%s", reprompt);
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
