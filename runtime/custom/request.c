/* request: see request.h. */
#include "custom/request.h"

#include "base/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *obj(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

/* -1: present but not a string or too long; 0: ok (*out NULL when absent). */
static int str(const cJSON *o, const char *k, size_t max, const char **out)
{
    *out = NULL;
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return -1;
    if (strnlen(v->valuestring, max + 1) > max)
        return -1;
    *out = v->valuestring;
    return 0;
}

static const struct {
    const char *name;
    enum cs_type type;
} types[] = {
    {"LaunchRequest", CS_LAUNCH},
    {"IntentRequest", CS_INTENT},
    {"SessionEndedRequest", CS_SESSION_ENDED},
    {"CanFulfillIntentRequest", CS_CAN_FULFILL},
    {"System.ExceptionEncountered", CS_OTHER},
};

static int parse_slots(const cJSON *intent, struct cs_request *out)
{
    const cJSON *slots = obj(intent, "slots");
    const cJSON *s;
    cJSON_ArrayForEach(s, slots)
    {
        if (!cJSON_IsObject(s) || out->nslots >= CS_SLOT_MAX)
            continue;
        struct cs_slot *sl = &out->slots[out->nslots];
        if (str(s, "name", CS_VALUE_MAX, &sl->name) || !sl->name)
            sl->name = s->string;
        if (!sl->name || strnlen(sl->name, CS_VALUE_MAX + 1) > CS_VALUE_MAX)
            return -1;
        if (str(s, "value", CS_VALUE_MAX, &sl->value))
            return -1;
        sl->resolved = sl->resolved_id = NULL;
        const cJSON *res = obj(s, "resolutions");
        const cJSON *auths =
            res ? cJSON_GetObjectItemCaseSensitive(res, "resolutionsPerAuthority") : NULL;
        if (!cJSON_IsArray(auths))
            auths = NULL;
        const cJSON *a;
        cJSON_ArrayForEach(a, auths)
        {
            const cJSON *status = obj(a, "status");
            const char *code = NULL;
            if (str(status, "code", 64, &code) || !code || strcmp(code, "ER_SUCCESS_MATCH"))
                continue;
            const cJSON *vals = cJSON_GetObjectItemCaseSensitive(a, "values");
            const cJSON *first = cJSON_IsArray(vals) ? cJSON_GetArrayItem(vals, 0) : NULL;
            const char *name = NULL;
            if (!str(obj(first, "value"), "name", CS_VALUE_MAX, &name) && name) {
                sl->resolved = name;
                const char *id = NULL;
                if (!str(obj(first, "value"), "id", CS_VALUE_MAX, &id) && id && id[0])
                    sl->resolved_id = id;
                break;
            }
        }
        out->nslots++;
    }
    return 0;
}

enum cs_reject cs_request_parse(const cJSON *event, struct cs_request *out)
{
    memset(out, 0, sizeof *out);
    out->type = CS_OTHER;
    const cJSON *req = obj(event, "request");
    if (!req)
        return CS_MALFORMED;
    if (str(event, "version", 16, &out->version) || str(req, "type", 128, &out->type_name) ||
        str(req, "requestId", CS_VALUE_MAX, &out->request_id) ||
        str(req, "timestamp", 64, &out->timestamp) || str(req, "locale", 16, &out->locale))
        return CS_MALFORMED;
    out->type = CS_OTHER;
    for (size_t i = 0; out->type_name && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(out->type_name, types[i].name) == 0)
            out->type = types[i].type;
    const cJSON *intent = obj(req, "intent");
    if (intent) {
        if (str(intent, "name", 128, &out->intent) || parse_slots(intent, out))
            return CS_MALFORMED;
    }
    const cJSON *sys = obj(obj(event, "context"), "System");
    const cJSON *session = obj(event, "session");
    if (str(obj(sys, "application"), "applicationId", CS_VALUE_MAX, &out->application_id))
        return CS_MALFORMED;
    if (!out->application_id &&
        str(obj(session, "application"), "applicationId", CS_VALUE_MAX, &out->application_id))
        return CS_MALFORMED;
    if (str(obj(sys, "user"), "accessToken", CS_TOKEN_MAX, &out->access_token))
        return CS_MALFORMED;
    if (!out->access_token &&
        str(obj(session, "user"), "accessToken", CS_TOKEN_MAX, &out->access_token))
        return CS_MALFORMED;
    if (out->access_token && !out->access_token[0])
        out->access_token = NULL;
    out->session_attributes = obj(session, "attributes");
    const cJSON *nw = session ? cJSON_GetObjectItemCaseSensitive(session, "new") : NULL;
    out->session_new = cJSON_IsTrue(nw);
    if (str(session, "sessionId", CS_VALUE_MAX, &out->session_id))
        return CS_MALFORMED;
    return CS_OK;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int num(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int cs_parse_timestamp(const char *iso, uint64_t *epoch_ms)
{
    *epoch_ms = 0;
    if (!iso || strnlen(iso, 64) >= 64)
        return -1;
    const char *p = iso;
    int Y, M, D, h, m, s, ms = 0;
    if (num(&p, 4, &Y) || *p++ != '-' || num(&p, 2, &M) || *p++ != '-' || num(&p, 2, &D) ||
        (*p != 'T' && *p != 't') || !*p++ || num(&p, 2, &h) || *p++ != ':' || num(&p, 2, &m) ||
        *p++ != ':' || num(&p, 2, &s))
        return -1;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (is_digit(*p)) {
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
            digits++;
            p++;
        }
        if (!digits || digits > 9)
            return -1;
        for (int k = digits; k < 3; k++)
            ms *= 10;
    }
    if (!(strcmp(p, "Z") == 0 || strcmp(p, "z") == 0 || strcmp(p, "+00:00") == 0))
        return -1;
    if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60)
        return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    *epoch_ms = (uint64_t)((days * 86400 + h * 3600 + m * 60 + s) * 1000 + ms);
    return 0;
}

enum cs_reject cs_validate(const struct cs_request *r, const struct cs_policy *p,
                           uint64_t now_epoch_ms)
{
    if (!r->version || strcmp(r->version, "1.0") != 0)
        return CS_BAD_VERSION;
    if (!r->type_name)
        return CS_BAD_TYPE;
    if (p->nskill_ids == 0) {
        if (p->strict)
            return CS_NO_SKILL_IDS;
    } else {
        if (!r->application_id)
            return CS_NO_APP_ID;
        bool ok = false;
        for (size_t i = 0; i < p->nskill_ids && !ok; i++)
            ok = p->skill_ids[i] && strcmp(p->skill_ids[i], r->application_id) == 0;
        if (!ok)
            return CS_WRONG_APP_ID;
    }
    uint64_t ts;
    if (cs_parse_timestamp(r->timestamp, &ts) != 0)
        return CS_BAD_TIMESTAMP;
    uint64_t tol = p->tolerance_ms ? p->tolerance_ms : 150000u;
    uint64_t diff = ts > now_epoch_ms ? ts - now_epoch_ms : now_epoch_ms - ts;
    if (diff > tol)
        return CS_STALE;
    return CS_OK;
}

const char *cs_reject_name(enum cs_reject r)
{
    switch (r) {
    case CS_OK:
        return "ok";
    case CS_MALFORMED:
        return "malformed_request";
    case CS_BAD_VERSION:
        return "unsupported_version";
    case CS_BAD_TYPE:
        return "missing_request_type";
    case CS_NO_SKILL_IDS:
        return "no_skill_ids_configured";
    case CS_NO_APP_ID:
        return "missing_application_id";
    case CS_WRONG_APP_ID:
        return "wrong_application_id";
    case CS_BAD_TIMESTAMP:
        return "bad_timestamp";
    case CS_STALE:
        return "stale_timestamp";
    }
    return "unknown";
}

static const struct cs_slot *find_slot(const struct cs_request *r, const char *name)
{
    for (size_t i = 0; i < r->nslots; i++)
        if (r->slots[i].name && strcmp(r->slots[i].name, name) == 0)
            return &r->slots[i];
    return NULL;
}

const char *cs_slot(const struct cs_request *r, const char *name)
{
    const struct cs_slot *s = find_slot(r, name);
    if (!s)
        return NULL;
    if (s->resolved && s->resolved[0])
        return s->resolved;
    return s->value && s->value[0] ? s->value : NULL;
}

const char *cs_slot_id(const struct cs_request *r, const char *name)
{
    const struct cs_slot *s = find_slot(r, name);
    if (s && s->resolved_id)
        return s->resolved_id;
    return cs_slot(r, name);
}

const char *cs_slot_raw(const struct cs_request *r, const char *name)
{
    const struct cs_slot *s = find_slot(r, name);
    return s && s->value && s->value[0] ? s->value : NULL;
}

#define UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The next unit of text at s (NUL-terminated): *rep is what to write for it and the
 * length consumed is returned. A valid UTF-8 sequence is itself; a byte that starts
 * none (a stray continuation, an overlong form, a surrogate, a cut sequence) is
 * U+FFFD, one per byte; a C0 control other than tab, LF, CR (not allowed in XML)
 * is a space. */
static size_t text_unit(const char *s, const char **rep, size_t *replen)
{
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        *rep = " ";
        *replen = 1;
        return 1;
    }
    size_t n = utf8_seq_len((const unsigned char *)s, strnlen(s, 4));
    if (!n) {
        *rep = UTF8_REPLACEMENT;
        *replen = 3;
        return 1;
    }
    *rep = s;
    *replen = n;
    return n;
}

size_t cs_ssml_escape(const char *in, char *out, size_t outlen)
{
    if (!outlen)
        return 0;
    size_t o = 0;
    for (const char *p = in ? in : ""; *p;) {
        const char *rep;
        size_t n, used;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            rep = NULL;
            break;
        }
        if (rep) {
            n = strlen(rep);
            used = 1;
        } else {
            used = text_unit(p, &rep, &n);
        }
        if (o + n >= outlen)
            break; /* never a cut escape or a cut character */
        memcpy(out + o, rep, n);
        o += n;
        p += used;
    }
    out[o] = '\0';
    return o;
}

/* Copies at most max bytes of s as valid UTF-8 (invalid bytes become U+FFFD, see
 * text_unit), never cutting a character. */
static char *capped(const char *s, size_t max)
{
    char *c = malloc(max + 1);
    if (!c)
        return NULL;
    size_t o = 0;
    while (*s) {
        const char *rep;
        size_t n, used = text_unit(s, &rep, &n);
        if (o + n > max)
            break;
        memcpy(c + o, rep, n);
        o += n;
        s += used;
    }
    c[o] = '\0';
    return c;
}

static cJSON *speech(const char *text, bool ssml)
{
    cJSON *o = cJSON_CreateObject();
    char *t = capped(text ? text : "", CS_SPEECH_MAX);
    if (!o || !t) {
        free(t);
        cJSON_Delete(o);
        return NULL;
    }
    if (ssml) {
        size_t cap = strlen(t) * 6 + 32;
        char *buf = malloc(cap);
        if (!buf) {
            free(t);
            cJSON_Delete(o);
            return NULL;
        }
        memcpy(buf, "<speak>", 7);
        size_t n = cs_ssml_escape(t, buf + 7, cap - 7 - 9);
        memcpy(buf + 7 + n, "</speak>", 9);
        cJSON_AddStringToObject(o, "type", "SSML");
        cJSON_AddStringToObject(o, "ssml", buf);
        free(buf);
    } else {
        cJSON_AddStringToObject(o, "type", "PlainText");
        cJSON_AddStringToObject(o, "text", t);
    }
    free(t);
    return o;
}

/* s as valid UTF-8 (each invalid byte a U+FFFD), from cJSON_malloc; NULL: no memory. */
static char *utf8_repaired(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *r = cJSON_malloc(n * 3 + 1);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq_len((const unsigned char *)s + i, n - i);
        if (l) {
            memcpy(r + o, s + i, l);
            o += l;
            i += l;
        } else {
            memcpy(r + o, UTF8_REPLACEMENT, 3);
            o += 3;
            i++;
        }
    }
    r[o] = '\0';
    return r;
}

/* The session attributes come back from the request as they were sent; every
 * member name and string that is not valid UTF-8 is repaired (the answer must be
 * valid UTF-8). -1 when out of memory. */
static int repair_tree(cJSON *j, int depth)
{
    if (depth > 64)
        return -1;
    for (cJSON *c = j ? j->child : NULL; c; c = c->next) {
        if (c->string && !(c->type & cJSON_StringIsConst) &&
            !utf8_valid(c->string, strlen(c->string))) {
            char *r = utf8_repaired(c->string);
            if (!r)
                return -1;
            cJSON_free(c->string);
            c->string = r;
        }
        if (cJSON_IsString(c) && c->valuestring &&
            !utf8_valid(c->valuestring, strlen(c->valuestring))) {
            char *r = utf8_repaired(c->valuestring);
            if (!r)
                return -1;
            cJSON_free(c->valuestring);
            c->valuestring = r;
        }
        if (repair_tree(c, depth + 1) != 0)
            return -1;
    }
    return 0;
}

char *cs_response_build(const struct cs_answer *a, size_t *len)
{
    *len = 0;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "version", "1.0");
    if (a->session_attributes && !a->empty) {
        cJSON *attrs = cJSON_Duplicate(a->session_attributes, true);
        if (attrs && repair_tree(attrs, 0) != 0) {
            cJSON_Delete(attrs);
            attrs = NULL; /* never send what could not be repaired */
        }
        cJSON_AddItemToObject(root, "sessionAttributes", attrs);
    }
    cJSON *resp = cJSON_AddObjectToObject(root, "response");
    if (!a->empty && resp) {
        if (a->can_fulfill) {
            cJSON *cf = cJSON_AddObjectToObject(resp, "canFulfillIntent");
            cJSON_AddStringToObject(cf, "canFulfill", a->can_fulfill);
        } else {
            cJSON_AddItemToObject(resp, "outputSpeech", speech(a->speech, a->ssml));
            bool end = a->end_session && !a->reprompt;
            if (a->reprompt) {
                cJSON *rp = cJSON_AddObjectToObject(resp, "reprompt");
                cJSON_AddItemToObject(rp, "outputSpeech", speech(a->reprompt, a->ssml));
            }
            if (a->link_account) {
                cJSON *card = cJSON_AddObjectToObject(resp, "card");
                cJSON_AddStringToObject(card, "type", "LinkAccount");
            }
            cJSON_AddBoolToObject(resp, "shouldEndSession", end);
        }
    }
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (out)
        *len = strlen(out);
    return out;
}
