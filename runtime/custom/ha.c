/* ha: Home Assistant calls and entity matching for the Custom-skill intents
 * (see custom/intent.h). */
#include "custom/ha.h"

#include "core/ha_breaker.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include "base/clock.h"
#include "base/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Home Assistant ---- */

uint64_t cs_budget_ms(const struct cs_ctx *c)
{
    uint64_t cap = c->total_cap_ms ? c->total_cap_ms : 7500u;
    if (!c->deadline_epoch_ms)
        return cap;
    uint64_t now = c->now_epoch_ms ? c->now_epoch_ms() : clock_epoch_ms();
    uint64_t until = c->deadline_epoch_ms > now ? c->deadline_epoch_ms - now : 0;
    uint64_t left = until > c->margin_ms ? until - c->margin_ms : 0;
    return left < cap ? left : cap;
}

/* One call; 0 when HA answered 2xx (res filled, caller frees), else -1 with
 * the failure kind in *why and a note. */
int cs_ha_call(struct cs_ctx *c, bool post, const char *path, const char *body,
               struct ha_result *res, enum ha_fail *why)
{
    memset(res, 0, sizeof *res);
    *why = HF_NONE;
    if (c->breaker && !breaker_allow(c->breaker)) {
        cs_notef(c, "breaker open: %s not called", path);
        *why = HF_UNREACHABLE;
        return -1;
    }
    uint64_t b = cs_budget_ms(c);
    if (b < CS_MIN_BUDGET_MS) {
        if (c->breaker)
            breaker_cancel(c->breaker);
        cs_notef(c, "only %llu ms left before the deadline: %s not called", (unsigned long long)b,
                 path);
        *why = HF_UNREACHABLE;
        return -1;
    }
    int rc = post ? ha_client_post_json(c->ha, path, c->token, body, strlen(body), b, res)
                  : ha_client_get(c->ha, path, c->token, b, res);
    c->ha_called = true;
    c->ha_calls++;
    c->ha_status = res->http_status;
    c->ha_ms += res->total_ms;
    if (c->breaker)
        breaker_record(c->breaker, ha_breaker_outcome(res));
    if (res->outcome == HA_HTTP_ERROR && res->http_status == 401 && c->state_cache) {
        /* HA rejects the token: what was cached under it is not served any more */
        cache_forget_token(c->state_cache, c->token);
    }
    if (rc == 0)
        return 0;
    cs_notef(c, "%s %s: %s, HTTP %ld", post ? "POST" : "GET", path, ha_outcome_name(res->outcome),
             res->http_status);
    if (res->outcome == HA_HTTP_ERROR)
        *why = (res->http_status == 401 || res->http_status == 403) ? HF_AUTH
               : res->http_status == 400                            ? HF_REFUSED
               : res->http_status >= 502                            ? HF_UNREACHABLE
                                                                    : HF_OTHER;
    else if (res->outcome == HA_INVALID || res->outcome == HA_REPLY_TOO_LARGE)
        *why = HF_OTHER;
    else
        *why = HF_UNREACHABLE;
    ha_result_free(res);
    return -1;
}

void cs_apologise(struct cs_ctx *c, struct cs_reply *r, enum ha_fail why)
{
    c->outcome = "ha_error";
    switch (why) {
    case HF_UNREACHABLE:
        cs_say_msg(c, r, true, SK_HA_UNREACHABLE, NULL);
        break;
    case HF_AUTH:
        cs_say_msg(c, r, true, SK_HA_AUTH, NULL);
        r->link_account = true;
        break;
    case HF_REFUSED:
        cs_say_msg(c, r, true, SK_HA_REFUSED, NULL);
        break;
    default:
        cs_say_msg(c, r, true, SK_HA_OTHER, NULL);
        break;
    }
}

cJSON *cs_parse_reply(struct cs_ctx *c, const char *body, size_t len)
{
    struct jsonguard_error err;
    cJSON *j = jsonguard_parse(body, len, &c->reply_limits, &err);
    if (!j)
        cs_notef(c, "Home Assistant reply: %s", err.msg);
    return j;
}

/* GET returning parsed JSON; NULL with the answer filled on failure. */
cJSON *cs_ha_get_json(struct cs_ctx *c, const char *path, struct cs_reply *r)
{
    struct ha_result res;
    enum ha_fail why;
    if (cs_ha_call(c, false, path, NULL, &res, &why) != 0) {
        cs_apologise(c, r, why);
        return NULL;
    }
    cJSON *j = cs_parse_reply(c, res.body ? res.body : "", res.body_len);
    ha_result_free(&res);
    if (!j)
        cs_apologise(c, r, HF_OTHER);
    return j;
}

/* POST of a JSON object; 0 ok (reply body in *reply when non-NULL; caller frees). */
int cs_ha_post(struct cs_ctx *c, const char *path, cJSON *data, struct cs_reply *r, char **reply,
               size_t *reply_len)
{
    char *body = cJSON_PrintUnformatted(data);
    if (!body) {
        cs_notef(c, "out of memory");
        cs_apologise(c, r, HF_OTHER);
        return -1;
    }
    struct ha_result res;
    enum ha_fail why;
    int rc = cs_ha_call(c, true, path, body, &res, &why);
    free(body);
    if (rc != 0) {
        cs_apologise(c, r, why);
        return -1;
    }
    if (reply) {
        *reply = res.body;
        *reply_len = res.body_len;
        res.body = NULL;
    }
    ha_result_free(&res);
    return 0;
}

int cs_call_service(struct cs_ctx *c, const char *domain, const char *service, cJSON *data,
                    struct cs_reply *r)
{
    char path[160];
    cs_sayf(path, sizeof path, "/api/services/%s/%s", domain, service);
    return cs_ha_post(c, path, data, r, NULL, NULL);
}

/* The entity list, from the per-token cache or GET /api/states. */
cJSON *cs_states(struct cs_ctx *c, struct cs_reply *r)
{
    char scope[17];
    cache_scope_from_token(c->token ? c->token : "", scope);
    if (c->state_cache) {
        const void *v;
        size_t n;
        if (cache_get(c->state_cache, scope, "states", &v, &n) == CACHE_HIT) {
            cJSON *j = cs_parse_reply(c, v, n);
            if (cJSON_IsArray(j)) {
                c->cache_hit = true;
                return j;
            }
            cJSON_Delete(j);
        }
    }
    struct ha_result res;
    enum ha_fail why;
    if (cs_ha_call(c, false, "/api/states", NULL, &res, &why) != 0) {
        cs_apologise(c, r, why);
        return NULL;
    }
    cJSON *j = cs_parse_reply(c, res.body ? res.body : "", res.body_len);
    if (cJSON_IsArray(j) && c->state_cache)
        cache_put(c->state_cache, scope, "states", res.body, res.body_len, CACHE_TTL_DEFAULT);
    ha_result_free(&res);
    if (!cJSON_IsArray(j)) {
        cJSON_Delete(j);
        if (!c->note[0])
            cs_notef(c, "GET /api/states: not a JSON array");
        cs_apologise(c, r, HF_OTHER);
        return NULL;
    }
    return j;
}

/* ---- entities ---- */

const char *cs_ent_id(const cJSON *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "entity_id");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *cs_ent_attr(const cJSON *e, const char *k)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "attributes");
    return cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, k) : NULL;
}

const char *cs_ent_name(const cJSON *e)
{
    const cJSON *v = cs_ent_attr(e, "friendly_name");
    if (cJSON_IsString(v) && v->valuestring[0])
        return v->valuestring;
    const char *id = cs_ent_id(e);
    const char *dot = id ? strchr(id, '.') : NULL;
    return dot ? dot + 1 : (id ? id : "unnamed");
}

const char *cs_ent_state(const cJSON *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "state");
    return cJSON_IsString(v) ? v->valuestring : "unknown";
}

bool cs_in_domain(const char *id, const char *domain)
{
    size_t n = strlen(domain);
    return id && strncmp(id, domain, n) == 0 && id[n] == '.';
}

int cs_collect(const cJSON *st, const char *const *domains, size_t nd, struct cs_ents *e)
{
    memset(e, 0, sizeof *e);
    size_t cap = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        const char *id = cs_ent_id(x);
        bool ok = false;
        for (size_t i = 0; i < nd && !ok; i++)
            ok = cs_in_domain(id, domains[i]);
        if (ok)
            cap++;
    }
    if (cap > CS_MAX_ENTITIES)
        cap = CS_MAX_ENTITIES;
    if (!cap)
        return 0;
    e->items = calloc(cap, sizeof *e->items);
    e->ents = calloc(cap, sizeof *e->ents);
    if (!e->items || !e->ents)
        return -1;
    cJSON_ArrayForEach(x, st)
    {
        if (e->n >= cap)
            break;
        const char *id = cs_ent_id(x);
        bool ok = false;
        for (size_t i = 0; i < nd && !ok; i++)
            ok = cs_in_domain(id, domains[i]);
        if (!ok)
            continue;
        const cJSON *fn = cs_ent_attr(x, "friendly_name");
        e->items[e->n] = (struct fuzzy_item){id, cJSON_IsString(fn) ? fn->valuestring : NULL};
        e->ents[e->n++] = x;
    }
    return 0;
}

void cs_ents_free(struct cs_ents *e)
{
    free(e->items);
    free(e->ents);
    memset(e, 0, sizeof *e);
}

static const enum sk_msg kind_msgs[][4] = {
    /* no entities, ambiguous, not found, not found but a close one */
    [CS_KIND_AUTOMATION] = {SK_NO_ENTITIES_AUTOMATION, SK_AMBIGUOUS_AUTOMATION,
                            SK_NOT_FOUND_AUTOMATION, SK_CLOSEST_AUTOMATION},
    [CS_KIND_SCRIPT] = {SK_NO_ENTITIES_SCRIPT, SK_AMBIGUOUS_SCRIPT, SK_NOT_FOUND_SCRIPT,
                        SK_CLOSEST_SCRIPT},
    [CS_KIND_SETTING] = {SK_NO_ENTITIES_SETTING, SK_AMBIGUOUS_SETTING, SK_NOT_FOUND_SETTING,
                         SK_CLOSEST_SETTING},
    [CS_KIND_TIMER] = {SK_NO_ENTITIES_TIMER, SK_AMBIGUOUS_TIMER, SK_NOT_FOUND_TIMER,
                       SK_CLOSEST_TIMER},
};

/* Finds the entity named `spoken` among `domains` (or the follow-up turn's choice,
 * ctx->forced_entity). NULL: answered (no match, ambiguous, no such entities, HA failure);
 * an ambiguity or a close name is remembered as a question for the next turn. */
const cJSON *cs_resolve(struct cs_ctx *c, const cJSON *st, const char *const *domains, size_t nd,
                        const char *spoken, enum cs_kind kind, struct cs_reply *r)
{
    struct cs_ents e;
    if (cs_collect(st, domains, nd, &e) != 0) {
        cs_ents_free(&e);
        cs_notef(c, "out of memory");
        cs_apologise(c, r, HF_OTHER);
        return NULL;
    }
    if (!e.n) {
        c->outcome = "no_entities";
        cs_say_msg(c, r, true, kind_msgs[kind][0], NULL);
        cs_ents_free(&e);
        return NULL;
    }
    const cJSON *found = NULL;
    if (c->forced_entity) {
        for (size_t i = 0; i < e.n && !found; i++)
            if (strcmp(e.items[i].entity_id, c->forced_entity) == 0)
                found = e.ents[i];
        c->forced_entity = NULL;
        if (found) {
            cs_ents_free(&e);
            return found;
        }
    }
    struct fuzzy_result fr;
    fuzzy_match(spoken, e.items, e.n, &fr);
    if (fr.kind == FUZZY_MATCH) {
        found = e.ents[fr.index];
    } else if (fr.kind == FUZZY_AMBIGUOUS) {
        const char *names[FUZZY_MAX_CANDIDATES], *ids[FUZZY_MAX_CANDIDATES];
        for (size_t i = 0; i < fr.ncands; i++) {
            names[i] = cs_ent_name(e.ents[fr.cands[i]]);
            ids[i] = cs_ent_id(e.ents[fr.cands[i]]);
        }
        char list[400];
        cs_name_list(c, list, sizeof list, names, fr.ncands, true);
        c->outcome = "ambiguous";
        cs_say_msg(c, r, false, kind_msgs[kind][1], "spoken", spoken, "list", list, NULL);
        cs_ask_msg(c, r, SK_WHICH_ONE, "list", list, NULL);
        cs_pending_set(c, r, ids, names, fr.ncands, false);
    } else {
        c->outcome = "no_match";
        if (fr.suggestion >= 0) {
            const cJSON *near = e.ents[fr.suggestion];
            const char *name = cs_ent_name(near), *id = cs_ent_id(near);
            char a[512], q[256];
            cs_fill_msg(c, a, sizeof a, kind_msgs[kind][3], "spoken", spoken, "name", name, NULL);
            cs_fill_msg(c, q, sizeof q, SK_DID_YOU_MEAN, "name", name, NULL);
            cs_say(r, false, "%s %s", a, q);
            cs_ask(r, q);
            cs_pending_set(c, r, &id, &name, 1, true);
        } else {
            cs_say_msg(c, r, true, kind_msgs[kind][2], "spoken", spoken, NULL);
        }
    }
    cs_ents_free(&e);
    return found;
}

cJSON *cs_entity_data(const char *entity_id)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "entity_id", entity_id);
    return d;
}

/* The entity ids of an area via POST /api/template; the area name is reduced
 * to letters, digits and spaces (nothing can escape the template string).
 * Returns a cJSON array of strings, or NULL (answered). */
cJSON *cs_area_entities(struct cs_ctx *c, const char *area, struct cs_reply *r)
{
    char clean[65];
    size_t n = 0;
    for (const char *p = area; *p && n < sizeof clean - 1;) {
        unsigned char ch = (unsigned char)*p;
        size_t l = ch >= 0x80 ? utf8_seq_len((const unsigned char *)p, strlen(p)) : 0;
        if (l && n + l < sizeof clean) { /* "küche", "salle à manger": letters, not quotes */
            memcpy(clean + n, p, l);
            n += l;
            p += l;
            continue;
        }
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
            clean[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        else if (n && clean[n - 1] != ' ')
            clean[n++] = ' ';
        p += l ? l : 1;
    }
    while (n && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    if (!n) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_ROOM_UNCLEAR, NULL);
        return NULL;
    }
    char tpl[160];
    cs_sayf(tpl, sizeof tpl, "{{ area_entities('%s') }}", clean);
    return cs_template_list(c, tpl, r);
}

/* POST /api/template of a template rendering a list of strings; a cJSON array of them, or
 * NULL (answered). */
cJSON *cs_template_list(struct cs_ctx *c, const char *tpl, struct cs_reply *r)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "template", tpl);
    char *out = NULL;
    size_t len = 0;
    int rc = cs_ha_post(c, "/api/template", d, r, &out, &len);
    cJSON_Delete(d);
    if (rc != 0)
        return NULL;
    /* The answer is a rendered list: ['light.kitchen', 'switch.coffee_maker'] */
    cJSON *ids = cJSON_CreateArray();
    const char *p = out ? out : "";
    while (*p && cJSON_GetArraySize(ids) < (int)CS_MAX_ENTITIES) {
        if (*p != '\'' && *p != '"') {
            p++;
            continue;
        }
        char qch = *p++;
        const char *e = strchr(p, qch);
        if (!e)
            break;
        size_t k = (size_t)(e - p);
        if (k > 0 && k < 256) {
            char id[256];
            memcpy(id, p, k);
            id[k] = '\0';
            cJSON_AddItemToArray(ids, cJSON_CreateString(id));
        }
        p = e + 1;
    }
    free(out);
    return ids;
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
