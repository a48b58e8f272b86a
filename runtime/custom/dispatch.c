/* custom_intents: see custom_intents.h. */
#include "custom/dispatch.h"

#include "base/clock.h"
#include "custom/duration_lex.h"
#include "custom/fuzzy.h"
#include "leec_config.h" /* LEEC_FEATURE_* macros only */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNUSED_FN __attribute__((unused))

static void sayf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sayf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static void notef(struct cs_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static UNUSED_FN void notef(struct cs_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->note, sizeof c->note, fmt, ap);
    va_end(ap);
}

static void say(struct cs_reply *r, bool end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct cs_reply *r, bool end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->speech, sizeof r->speech, fmt, ap);
    va_end(ap);
    r->end_session = end;
}

static UNUSED_FN void ask(struct cs_reply *r, const char *reprompt)
{
    r->end_session = false;
    r->has_reprompt = true;
    sayf(r->reprompt, sizeof r->reprompt, "%s", reprompt);
}

/* ---- Home Assistant ---- */

static uint64_t budget_ms(const struct cs_ctx *c)
{
    uint64_t cap = c->total_cap_ms ? c->total_cap_ms : 7500u;
    if (!c->deadline_epoch_ms)
        return cap;
    uint64_t now = c->now_epoch_ms ? c->now_epoch_ms() : clock_epoch_ms();
    uint64_t until = c->deadline_epoch_ms > now ? c->deadline_epoch_ms - now : 0;
    uint64_t left = until > c->margin_ms ? until - c->margin_ms : 0;
    return left < cap ? left : cap;
}

enum ha_fail { HF_NONE, HF_UNREACHABLE, HF_AUTH, HF_REFUSED, HF_OTHER };

/* One call; 0 when HA answered 2xx (res filled, caller frees), else -1 with
 * the failure kind in *why and a note. */
static int ha_call(struct cs_ctx *c, bool post, const char *path, const char *body,
                   struct ha_result *res, enum ha_fail *why)
{
    memset(res, 0, sizeof *res);
    *why = HF_NONE;
    if (c->breaker && !breaker_allow(c->breaker)) {
        notef(c, "breaker open: %s not called", path);
        *why = HF_UNREACHABLE;
        return -1;
    }
    uint64_t b = budget_ms(c);
    if (b < CS_MIN_BUDGET_MS) {
        if (c->breaker)
            breaker_cancel(c->breaker);
        notef(c, "only %llu ms left before the deadline: %s not called", (unsigned long long)b,
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
    if (c->breaker) {
        enum breaker_outcome o = BREAKER_SUCCESS;
        if (res->outcome == HA_TIMEOUT)
            o = BREAKER_TIMEOUT;
        else if (res->outcome == HA_HTTP_ERROR)
            o = res->http_status >= 500 ? BREAKER_HTTP_5XX : BREAKER_HTTP_4XX;
        else if (res->outcome != HA_OK && res->outcome != HA_REPLY_TOO_LARGE &&
                 res->outcome != HA_INVALID)
            o = BREAKER_TRANSPORT_ERROR;
        if (res->outcome == HA_INVALID)
            breaker_cancel(c->breaker);
        else
            breaker_record(c->breaker, o);
    }
    if (rc == 0)
        return 0;
    notef(c, "%s %s: %s, HTTP %ld", post ? "POST" : "GET", path, ha_outcome_name(res->outcome),
          res->http_status);
    if (res->outcome == HA_HTTP_ERROR)
        *why = (res->http_status == 401 || res->http_status == 403) ? HF_AUTH
               : res->http_status == 400                             ? HF_REFUSED
               : res->http_status >= 502                             ? HF_UNREACHABLE
                                                                     : HF_OTHER;
    else if (res->outcome == HA_INVALID || res->outcome == HA_REPLY_TOO_LARGE)
        *why = HF_OTHER;
    else
        *why = HF_UNREACHABLE;
    ha_result_free(res);
    return -1;
}

static void apologise(struct cs_ctx *c, struct cs_reply *r, enum ha_fail why)
{
    c->outcome = "ha_error";
    switch (why) {
    case HF_UNREACHABLE:
        say(r, true, "Sorry, Home Assistant isn't answering right now. Please try again later.");
        break;
    case HF_AUTH:
        say(r, true, "Sorry, Home Assistant refused the request. Please link your account "
                     "again in the Alexa app.");
        r->link_account = true;
        break;
    case HF_REFUSED:
        say(r, true, "Sorry, Home Assistant couldn't do that.");
        break;
    default:
        say(r, true, "Sorry, something went wrong talking to Home Assistant.");
        break;
    }
}

static UNUSED_FN cJSON *parse_reply(struct cs_ctx *c, const char *body, size_t len)
{
    struct jsonguard_error err;
    cJSON *j = jsonguard_parse(body, len, &c->reply_limits, &err);
    if (!j)
        notef(c, "Home Assistant reply: %s", err.msg);
    return j;
}

/* GET returning parsed JSON; NULL with the answer filled on failure. */
static UNUSED_FN cJSON *ha_get_json(struct cs_ctx *c, const char *path, struct cs_reply *r)
{
    struct ha_result res;
    enum ha_fail why;
    if (ha_call(c, false, path, NULL, &res, &why) != 0) {
        apologise(c, r, why);
        return NULL;
    }
    cJSON *j = parse_reply(c, res.body ? res.body : "", res.body_len);
    ha_result_free(&res);
    if (!j)
        apologise(c, r, HF_OTHER);
    return j;
}

/* POST of a JSON object; 0 ok (reply body in *reply when non-NULL; caller frees). */
static UNUSED_FN int ha_post(struct cs_ctx *c, const char *path, cJSON *data, struct cs_reply *r,
                   char **reply, size_t *reply_len)
{
    char *body = cJSON_PrintUnformatted(data);
    if (!body) {
        notef(c, "out of memory");
        apologise(c, r, HF_OTHER);
        return -1;
    }
    struct ha_result res;
    enum ha_fail why;
    int rc = ha_call(c, true, path, body, &res, &why);
    free(body);
    if (rc != 0) {
        apologise(c, r, why);
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

static UNUSED_FN int call_service(struct cs_ctx *c, const char *domain, const char *service, cJSON *data,
                        struct cs_reply *r)
{
    char path[160];
    sayf(path, sizeof path, "/api/services/%s/%s", domain, service);
    return ha_post(c, path, data, r, NULL, NULL);
}

/* The entity list, from the per-token cache or GET /api/states. */
static UNUSED_FN cJSON *states(struct cs_ctx *c, struct cs_reply *r)
{
    char scope[17];
    cache_scope_from_token(c->token ? c->token : "", scope);
    if (c->state_cache) {
        const void *v;
        size_t n;
        if (cache_get(c->state_cache, scope, "states", &v, &n) == CACHE_HIT) {
            cJSON *j = parse_reply(c, v, n);
            if (cJSON_IsArray(j)) {
                c->cache_hit = true;
                return j;
            }
            cJSON_Delete(j);
        }
    }
    struct ha_result res;
    enum ha_fail why;
    if (ha_call(c, false, "/api/states", NULL, &res, &why) != 0) {
        apologise(c, r, why);
        return NULL;
    }
    cJSON *j = parse_reply(c, res.body ? res.body : "", res.body_len);
    if (cJSON_IsArray(j) && c->state_cache)
        cache_put(c->state_cache, scope, "states", res.body, res.body_len, CACHE_TTL_DEFAULT);
    ha_result_free(&res);
    if (!cJSON_IsArray(j)) {
        cJSON_Delete(j);
        if (!c->note[0])
            notef(c, "GET /api/states: not a JSON array");
        apologise(c, r, HF_OTHER);
        return NULL;
    }
    return j;
}

/* ---- entities ---- */

static UNUSED_FN const char *ent_id(const cJSON *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "entity_id");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static UNUSED_FN const cJSON *ent_attr(const cJSON *e, const char *k)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "attributes");
    return cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, k) : NULL;
}

static UNUSED_FN const char *ent_name(const cJSON *e)
{
    const cJSON *v = ent_attr(e, "friendly_name");
    if (cJSON_IsString(v) && v->valuestring[0])
        return v->valuestring;
    const char *id = ent_id(e);
    const char *dot = id ? strchr(id, '.') : NULL;
    return dot ? dot + 1 : (id ? id : "unnamed");
}

static UNUSED_FN const char *ent_state(const cJSON *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "state");
    return cJSON_IsString(v) ? v->valuestring : "unknown";
}

static UNUSED_FN bool in_domain(const char *id, const char *domain)
{
    size_t n = strlen(domain);
    return id && strncmp(id, domain, n) == 0 && id[n] == '.';
}

struct ents {
    struct fuzzy_item *items;
    const cJSON **ents;
    size_t n;
};

static UNUSED_FN int collect(const cJSON *st, const char *const *domains, size_t nd, struct ents *e)
{
    memset(e, 0, sizeof *e);
    size_t cap = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        const char *id = ent_id(x);
        bool ok = false;
        for (size_t i = 0; i < nd && !ok; i++)
            ok = in_domain(id, domains[i]);
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
        const char *id = ent_id(x);
        bool ok = false;
        for (size_t i = 0; i < nd && !ok; i++)
            ok = in_domain(id, domains[i]);
        if (!ok)
            continue;
        const cJSON *fn = ent_attr(x, "friendly_name");
        e->items[e->n] = (struct fuzzy_item){id, cJSON_IsString(fn) ? fn->valuestring : NULL};
        e->ents[e->n++] = x;
    }
    return 0;
}

static UNUSED_FN void ents_free(struct ents *e)
{
    free(e->items);
    free(e->ents);
    memset(e, 0, sizeof *e);
}

/* "A", "A or B", "A, B or C" of up to 3 names. */
static UNUSED_FN void name_list(char *buf, size_t len, const char *const *names, size_t n, const char *conj)
{
    buf[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < n && at < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? conj : ", ";
        int k = snprintf(buf + at, len - at, "%s%s", sep, names[i]);
        if (k < 0)
            break;
        at += (size_t)k;
    }
}

/* Finds the entity named `spoken` among `domains`. NULL: answered (no match,
 * ambiguous, no such entities, HA failure). */
static UNUSED_FN const cJSON *resolve(struct cs_ctx *c, const cJSON *st, const char *const *domains,
                            size_t nd, const char *spoken, const char *what,
                            struct cs_reply *r)
{
    struct ents e;
    if (collect(st, domains, nd, &e) != 0) {
        ents_free(&e);
        notef(c, "out of memory");
        apologise(c, r, HF_OTHER);
        return NULL;
    }
    if (!e.n) {
        c->outcome = "no_entities";
        say(r, true, "I didn't find any %ss in Home Assistant.", what);
        ents_free(&e);
        return NULL;
    }
    struct fuzzy_result fr;
    fuzzy_match(spoken, e.items, e.n, &fr);
    const cJSON *found = NULL;
    if (fr.kind == FUZZY_MATCH) {
        found = e.ents[fr.index];
    } else if (fr.kind == FUZZY_AMBIGUOUS) {
        const char *names[FUZZY_MAX_CANDIDATES];
        for (size_t i = 0; i < fr.ncands; i++)
            names[i] = ent_name(e.ents[fr.cands[i]]);
        char list[400];
        name_list(list, sizeof list, names, fr.ncands, " or ");
        c->outcome = "ambiguous";
        say(r, false, "I found more than one %s called %s. Which one: %s?", what, spoken, list);
        char rp[512];
        sayf(rp, sizeof rp, "Which one: %s?", list);
        ask(r, rp);
    } else {
        c->outcome = "no_match";
        const char *art = strchr("aeiou", what[0]) ? "an" : "a";
        if (fr.suggestion >= 0)
            say(r, true, "I couldn't find %s %s called %s. The closest one is %s.", art, what,
                spoken, ent_name(e.ents[fr.suggestion]));
        else
            say(r, true, "I couldn't find %s %s called %s.", art, what, spoken);
    }
    ents_free(&e);
    return found;
}

static UNUSED_FN cJSON *entity_data(const char *entity_id)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "entity_id", entity_id);
    return d;
}

static UNUSED_FN bool need_slot(struct cs_ctx *c, struct cs_reply *r, const char *v, const char *question)
{
    if (v)
        return true;
    c->outcome = "missing_slot";
    say(r, false, "%s", question);
    ask(r, question);
    return false;
}

/* ---- intents ---- */

#if LEEC_FEATURE_AUTOMATION || LEEC_FEATURE_SCRIPTS
static void run_named(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                      const char *slot, const char *domain, const char *service,
                      const char *what, const char *done)
{
    const char *name = cs_slot(q, slot);
    char question[128];
    sayf(question, sizeof question, "Which %s?", what);
    if (!need_slot(c, r, name, question))
        return;
    cJSON *st = states(c, r);
    if (!st)
        return;
    const char *doms[] = {domain};
    const cJSON *e = resolve(c, st, doms, 1, name, what, r);
    if (e) {
        cJSON *d = entity_data(ent_id(e));
        if (call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            say(r, true, "%s %s.", done, ent_name(e));
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void list_names(struct cs_ctx *c, struct cs_reply *r, const char *domain,
                       const char *what)
{
    cJSON *st = states(c, r);
    if (!st)
        return;
    const char *names[CS_LIST_NAMES];
    size_t n = 0, total = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        if (!in_domain(ent_id(x), domain))
            continue;
        if (n < CS_LIST_NAMES)
            names[n++] = ent_name(x);
        total++;
    }
    c->outcome = "ok";
    if (!total) {
        say(r, true, "You don't have any %ss.", what);
    } else {
        char list[800];
        name_list(list, sizeof list, names, n, " and ");
        if (total > n)
            say(r, true, "You have %zu %ss. The first %zu are: %s.", total, what, n, list);
        else
            say(r, true, "You have %zu %s%s: %s.", total, what, total == 1 ? "" : "s", list);
    }
    cJSON_Delete(st);
}
#endif

#if LEEC_FEATURE_AUTOMATION
static void h_trigger_automation(struct cs_ctx *c, const struct cs_request *q,
                                 struct cs_reply *r)
{
    run_named(c, q, r, "Automation", "automation", "trigger", "automation", "Triggered");
}
static void h_list_automations(struct cs_ctx *c, const struct cs_request *q,
                               struct cs_reply *r)
{
    (void)q;
    list_names(c, r, "automation", "automation");
}
#endif

#if LEEC_FEATURE_SCRIPTS
static void h_run_script(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    run_named(c, q, r, "Script", "script", "turn_on", "script", "Running");
}
static void h_list_scripts(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    list_names(c, r, "script", "script");
}
#endif

/* A number as people say it: "50", "20.5", "50 percent", "50%". */
static UNUSED_FN int spoken_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return -1;
    while (*end == ' ')
        end++;
    if (*end && strcmp(end, "%") != 0 && strcmp(end, "percent") != 0 &&
        strcmp(end, "degrees") != 0)
        return -1;
    *out = v;
    return 0;
}

static UNUSED_FN void num_text(char *buf, size_t len, double v)
{
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
        sayf(buf, len, "%lld", (long long)llround(v));
    else
        sayf(buf, len, "%g", v);
}

static UNUSED_FN double attr_num(const cJSON *e, const char *k, double dflt)
{
    const cJSON *v = ent_attr(e, k);
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

#if LEEC_FEATURE_INPUT_HELPERS
static const char *const helper_domains[] = {"input_boolean", "input_select", "input_number",
                                             "input_text"};

static int bool_word(const char *v)
{
    static const char *const on[] = {"on", "true", "yes", "enable", "enabled", "activate"};
    static const char *const off[] = {"off", "false", "no", "disable", "disabled",
                                      "deactivate"};
    char n[64];
    fuzzy_normalise(v, strlen(v), n, sizeof n);
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
        if (strcmp(n, on[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
        if (strcmp(n, off[i]) == 0)
            return 0;
    return -1;
}

static void set_select(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    const cJSON *opts = ent_attr(e, "options");
    size_t n = 0;
    struct fuzzy_item items[64];
    const cJSON *o;
    if (!cJSON_IsArray(opts))
        opts = NULL;
    cJSON_ArrayForEach(o, opts)
    {
        if (cJSON_IsString(o) && n < 64)
            items[n++] = (struct fuzzy_item){NULL, o->valuestring};
    }
    struct fuzzy_result fr;
    fuzzy_match(value, items, n, &fr);
    if (fr.kind != FUZZY_MATCH) {
        const char *names[64];
        size_t k = n < 8 ? n : 8;
        for (size_t i = 0; i < k; i++)
            names[i] = items[i].name;
        char list[600];
        name_list(list, sizeof list, names, k, " or ");
        c->outcome = "invalid_value";
        say(r, true, "%s can be %s.", ent_name(e), list);
        return;
    }
    cJSON *d = entity_data(ent_id(e));
    cJSON_AddStringToObject(d, "option", items[fr.index].name);
    if (call_service(c, "input_select", "select_option", d, r) == 0) {
        c->outcome = "ok";
        say(r, true, "%s is now %s.", ent_name(e), items[fr.index].name);
    }
    cJSON_Delete(d);
}

static void set_number(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double lo = attr_num(e, "min", 0), hi = attr_num(e, "max", 100), step = attr_num(e, "step", 1);
    char a[32], b[32], s[32];
    num_text(a, sizeof a, lo);
    num_text(b, sizeof b, hi);
    num_text(s, sizeof s, step);
    double v;
    if (spoken_number(value, &v) != 0) {
        c->outcome = "invalid_value";
        say(r, true, "%s needs a number from %s to %s.", ent_name(e), a, b);
        return;
    }
    if (v < lo - 1e-9 || v > hi + 1e-9) {
        c->outcome = "invalid_value";
        say(r, true, "%s can be set from %s to %s.", ent_name(e), a, b);
        return;
    }
    if (step > 0) {
        double k = (v - lo) / step;
        if (fabs(k - round(k)) > 1e-6) {
            c->outcome = "invalid_value";
            say(r, true, "%s goes from %s to %s in steps of %s.", ent_name(e), a, b, s);
            return;
        }
    }
    cJSON *d = entity_data(ent_id(e));
    cJSON_AddNumberToObject(d, "value", v);
    char vt[32];
    num_text(vt, sizeof vt, v);
    if (call_service(c, "input_number", "set_value", d, r) == 0) {
        c->outcome = "ok";
        say(r, true, "%s is now %s.", ent_name(e), vt);
    }
    cJSON_Delete(d);
}

static void set_text(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double mx = attr_num(e, "max", 100), mn = attr_num(e, "min", 0);
    size_t len = strlen(value);
    if ((double)len > mx || (double)len < mn) {
        char a[32], b[32];
        num_text(a, sizeof a, mn);
        num_text(b, sizeof b, mx);
        c->outcome = "invalid_value";
        say(r, true, "%s takes %s to %s characters.", ent_name(e), a, b);
        return;
    }
    cJSON *d = entity_data(ent_id(e));
    cJSON_AddStringToObject(d, "value", value);
    if (call_service(c, "input_text", "set_value", d, r) == 0) {
        c->outcome = "ok";
        say(r, true, "%s is set.", ent_name(e));
    }
    cJSON_Delete(d);
}

static void h_set_input_helper(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *name = cs_slot(q, "Helper");
    if (!need_slot(c, r, name, "Which setting?"))
        return;
    const char *value = cs_slot(q, "Value");
    if (!need_slot(c, r, value, "What should I set it to?"))
        return;
    cJSON *st = states(c, r);
    if (!st)
        return;
    const cJSON *e = resolve(c, st, helper_domains, 4, name, "setting", r);
    if (e) {
        const char *id = ent_id(e);
        if (in_domain(id, "input_boolean")) {
            int on = bool_word(value);
            if (on < 0) {
                c->outcome = "invalid_value";
                say(r, true, "I can turn %s on or off.", ent_name(e));
            } else {
                cJSON *d = entity_data(id);
                if (call_service(c, "input_boolean", on ? "turn_on" : "turn_off", d, r) == 0) {
                    c->outcome = "ok";
                    say(r, true, "%s is now %s.", ent_name(e), on ? "on" : "off");
                }
                cJSON_Delete(d);
            }
        } else if (in_domain(id, "input_select")) {
            set_select(c, e, value, r);
        } else if (in_domain(id, "input_number")) {
            set_number(c, e, value, r);
        } else {
            set_text(c, e, cs_slot_raw(q, "Value") ? cs_slot_raw(q, "Value") : value, r);
        }
    }
    cJSON_Delete(st);
}

static void h_get_input_helper(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *name = cs_slot(q, "Helper");
    if (!need_slot(c, r, name, "Which setting?"))
        return;
    cJSON *st = states(c, r);
    if (!st)
        return;
    const cJSON *e = resolve(c, st, helper_domains, 4, name, "setting", r);
    if (e) {
        /* fresh state, not the cached list */
        char path[300];
        sayf(path, sizeof path, "/api/states/%s", ent_id(e));
        cJSON *fresh = ha_get_json(c, path, r);
        if (fresh) {
            const cJSON *u = ent_attr(fresh, "unit_of_measurement");
            const char *state = ent_state(fresh);
            char vt[64];
            sayf(vt, sizeof vt, "%s", state);
            if (in_domain(ent_id(e), "input_number")) {
                char *end;
                double v = strtod(state, &end);
                if (end != state)
                    num_text(vt, sizeof vt, v);
            }
            c->outcome = "ok";
            if (in_domain(ent_id(e), "input_text") && !state[0])
                say(r, true, "%s is empty.", ent_name(e));
            else
                say(r, true, "%s is %s%s%s.", ent_name(e), vt, cJSON_IsString(u) ? " " : "",
                    cJSON_IsString(u) ? (strcmp(u->valuestring, "%") == 0 ? "percent"
                                                                          : u->valuestring)
                                      : "");
            cJSON_Delete(fresh);
        }
    }
    cJSON_Delete(st);
}
#endif

#if LEEC_FEATURE_NOTIFICATIONS || LEEC_FEATURE_AREAS
/* The entity ids of an area via POST /api/template; the area name is reduced
 * to letters, digits and spaces (nothing can escape the template string).
 * Returns a cJSON array of strings, or NULL (answered). */
static cJSON *area_entities(struct cs_ctx *c, const char *area, struct cs_reply *r)
{
    char clean[65];
    size_t n = 0;
    for (const char *p = area; *p && n < sizeof clean - 1; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
            clean[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        else if (n && clean[n - 1] != ' ')
            clean[n++] = ' ';
    }
    while (n && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    if (!n) {
        c->outcome = "invalid_value";
        say(r, true, "I didn't catch which room.");
        return NULL;
    }
    char tpl[160];
    sayf(tpl, sizeof tpl, "{{ area_entities('%s') }}", clean);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "template", tpl);
    char *out = NULL;
    size_t len = 0;
    int rc = ha_post(c, "/api/template", d, r, &out, &len);
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
#endif

#if LEEC_FEATURE_AREAS
static void h_area_control(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *area = cs_slot(q, "Area");
    if (!need_slot(c, r, area, "Which room?"))
        return;
    const char *action = cs_slot(q, "Action");
    int on = action ? (strcmp(action, "on") == 0 ? 1 : strcmp(action, "off") == 0 ? 0 : -1) : -1;
    if (on < 0) {
        c->outcome = "invalid_value";
        say(r, true, "I can turn things in a room on or off.");
        return;
    }
    static const struct {
        const char *spoken, *domain, *plural;
    } kinds[] = {{"light", "light", "lights"},      {"switch", "switch", "switches"},
                 {"fan", "fan", "fans"},            {"cover", "cover", "covers"},
                 {"media player", "media_player", "media players"}};
    const char *dt = cs_slot(q, "DeviceType");
    char dn[64];
    fuzzy_normalise(dt ? dt : "everything", dt ? strlen(dt) : 10, dn, sizeof dn);
    int kind = -1; /* -1: everything */
    if (strcmp(dn, "everything") && strcmp(dn, "all") && strcmp(dn, "thing") && dn[0]) {
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(dn, kinds[i].spoken) == 0)
                kind = (int)i;
        if (kind < 0) {
            c->outcome = "invalid_value";
            say(r, true, "I can switch lights, switches, fans, covers or media players, or "
                         "everything in a room.");
            return;
        }
    }
    cJSON *ids = area_entities(c, area, r);
    if (!ids)
        return;
    cJSON *targets = cJSON_CreateArray();
    const char *first_domain = NULL;
    bool mixed = false;
    const cJSON *x;
    cJSON_ArrayForEach(x, ids)
    {
        const char *id = x->valuestring;
        bool ok = false;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !ok; i++)
            ok = (kind < 0 || (size_t)kind == i) && in_domain(id, kinds[i].domain);
        if (!ok)
            continue;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (in_domain(id, kinds[i].domain)) {
                if (first_domain && strcmp(first_domain, kinds[i].domain) != 0)
                    mixed = true;
                if (!first_domain)
                    first_domain = kinds[i].domain;
            }
        cJSON_AddItemToArray(targets, cJSON_CreateString(id));
    }
    const char *what = kind < 0 ? "devices" : kinds[kind].plural;
    if (!cJSON_GetArraySize(targets)) {
        c->outcome = "no_match";
        say(r, true, "I didn't find any %s in the %s.", what, area);
    } else {
        const char *domain = mixed ? "homeassistant" : first_domain;
        const char *service = on ? "turn_on" : "turn_off";
        if (!mixed && strcmp(domain, "cover") == 0)
            service = on ? "open_cover" : "close_cover";
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "entity_id", cJSON_Duplicate(targets, true));
        if (call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            say(r, true, "Turned %s %s in the %s.", on ? "on" : "off",
                kind < 0 ? "everything" : kinds[kind].plural, area);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(targets);
    cJSON_Delete(ids);
}
#endif

#if LEEC_FEATURE_NOTIFICATIONS
static void h_announce(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *msg = cs_slot_raw(q, "Message");
    if (!need_slot(c, r, msg, "What should I announce?"))
        return;
    const char *room = cs_slot(q, "Room");
    cJSON *st = states(c, r);
    if (!st)
        return;
    cJSON *players = cJSON_CreateArray();
    const char *tts = c->tts_entity;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        if (!tts && in_domain(ent_id(x), "tts"))
            tts = ent_id(x);
    }
    if (room) {
        cJSON *ids = area_entities(c, room, r);
        if (!ids)
            goto out;
        cJSON_ArrayForEach(x, ids)
        {
            if (in_domain(x->valuestring, "media_player"))
                cJSON_AddItemToArray(players, cJSON_CreateString(x->valuestring));
        }
        cJSON_Delete(ids);
        if (!cJSON_GetArraySize(players)) {
            c->outcome = "no_match";
            say(r, true, "I didn't find a speaker in the %s.", room);
            goto out;
        }
    } else if (c->n_media_players) {
        for (size_t i = 0; i < c->n_media_players; i++)
            cJSON_AddItemToArray(players, cJSON_CreateString(c->media_players[i]));
    } else {
        cJSON_ArrayForEach(x, st)
        {
            if (in_domain(ent_id(x), "media_player"))
                cJSON_AddItemToArray(players, cJSON_CreateString(ent_id(x)));
        }
    }
    if (!tts || !cJSON_GetArraySize(players)) {
        c->outcome = "no_entities";
        say(r, true, "I can't announce anything: Home Assistant has no %s.",
            tts ? "speakers" : "text-to-speech service");
        goto out;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "entity_id", tts);
    cJSON_AddItemToObject(d, "media_player_entity_id", cJSON_Duplicate(players, true));
    cJSON_AddStringToObject(d, "message", msg);
    if (call_service(c, "tts", "speak", d, r) == 0) {
        c->outcome = "ok";
        if (room)
            say(r, true, "Announced in the %s.", room);
        else
            say(r, true, "Announced.");
    }
    cJSON_Delete(d);
out:
    cJSON_Delete(players);
    cJSON_Delete(st);
}

static void h_notify(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *msg = cs_slot_raw(q, "Message");
    if (!need_slot(c, r, msg, "What should the notification say?"))
        return;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "message", msg);
    cJSON_AddStringToObject(d, "title", "Alexa");
    if (call_service(c, "notify", c->notify_target ? c->notify_target : "notify", d, r) == 0) {
        c->outcome = "ok";
        say(r, true, "Notification sent.");
    }
    cJSON_Delete(d);
}
#endif

#if LEEC_FEATURE_TIMERS
/* The named timer, or the only one when no name was given. */
static const cJSON *find_timer(struct cs_ctx *c, const cJSON *st, const char *name,
                               struct cs_reply *r)
{
    static const char *const doms[] = {"timer"};
    if (name)
        return resolve(c, st, doms, 1, name, "timer", r);
    const cJSON *only = NULL, *x;
    size_t n = 0;
    const char *names[FUZZY_MAX_CANDIDATES];
    cJSON_ArrayForEach(x, st)
    {
        if (!in_domain(ent_id(x), "timer"))
            continue;
        if (n < FUZZY_MAX_CANDIDATES)
            names[n] = ent_name(x);
        only = x;
        n++;
    }
    if (n == 1)
        return only;
    if (n == 0) {
        c->outcome = "no_entities";
        say(r, true, "I didn't find any timers in Home Assistant.");
        return NULL;
    }
    char list[400];
    name_list(list, sizeof list, names, n < FUZZY_MAX_CANDIDATES ? n : FUZZY_MAX_CANDIDATES,
              " or ");
    c->outcome = "ambiguous";
    say(r, false, "Which timer: %s?", list);
    ask(r, r->speech);
    return NULL;
}

static void h_start_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *dur = cs_slot_raw(q, "Duration");
    if (!need_slot(c, r, dur, "For how long?"))
        return;
    uint32_t secs;
    enum duration_status ds = duration_parse(dur, strlen(dur), &secs);
    if (ds != DURATION_OK) {
        c->outcome = "invalid_value";
        notef(c, "duration %.32s refused (%d)", dur, (int)ds);
        if (ds == DURATION_UNSUPPORTED || ds == DURATION_TOO_LONG)
            say(r, true, "Sorry, I can only set timers shorter than a day.");
        else
            say(r, true, "Sorry, I didn't catch how long the timer should run.");
        return;
    }
    cJSON *st = states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        char hms[16], words[64];
        duration_format_hms(secs, hms);
        duration_speak(secs, words, sizeof words);
        cJSON *d = entity_data(ent_id(e));
        cJSON_AddStringToObject(d, "duration", hms);
        if (call_service(c, "timer", "start", d, r) == 0) {
            c->outcome = "ok";
            say(r, true, "Started the %s timer for %s.", ent_name(e), words);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void timer_action(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                         const char *service, const char *done)
{
    cJSON *st = states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        cJSON *d = entity_data(ent_id(e));
        if (call_service(c, "timer", service, d, r) == 0) {
            c->outcome = "ok";
            say(r, true, "%s the %s timer.", done, ent_name(e));
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void h_pause_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    timer_action(c, q, r, "pause", "Paused");
}

static void h_cancel_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    timer_action(c, q, r, "cancel", "Cancelled");
}

/* "0:45:00" → words; false when not H:MM:SS. */
static bool remaining_words(const char *s, char *out, size_t len)
{
    unsigned h, m, sec;
    char tail;
    if (!s || sscanf(s, "%u:%u:%u%c", &h, &m, &sec, &tail) != 3 || h > 9999 || m > 59 ||
        sec > 59)
        return false;
    duration_speak(h * 3600u + m * 60u + sec, out, len);
    return true;
}

static void h_timer_status(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    cJSON *st = states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        char path[300];
        sayf(path, sizeof path, "/api/states/%s", ent_id(e));
        cJSON *fresh = ha_get_json(c, path, r);
        if (fresh) {
            const char *state = ent_state(fresh);
            const cJSON *rem = ent_attr(fresh, "remaining");
            char words[64];
            bool has = remaining_words(cJSON_IsString(rem) ? rem->valuestring : NULL, words,
                                       sizeof words);
            c->outcome = "ok";
            if (strcmp(state, "active") == 0)
                say(r, true, "The %s timer is running%s%s%s.", ent_name(e),
                    has ? ", with " : "", has ? words : "", has ? " left" : "");
            else if (strcmp(state, "paused") == 0)
                say(r, true, "The %s timer is paused%s%s%s.", ent_name(e),
                    has ? ", with " : "", has ? words : "", has ? " left" : "");
            else
                say(r, true, "The %s timer isn't running.", ent_name(e));
            cJSON_Delete(fresh);
        }
    }
    cJSON_Delete(st);
}
#endif

#if LEEC_FEATURE_CONVERSATION
static void h_conversation(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *text = cs_slot_raw(q, "Query");
    if (!need_slot(c, r, text, "What should I ask Home Assistant?"))
        return;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "text", text);
    if (q->locale && strlen(q->locale) >= 2) {
        char lang[3] = {q->locale[0], q->locale[1], '\0'};
        cJSON_AddStringToObject(d, "language", lang);
    }
    const cJSON *cid = r->attrs ? cJSON_GetObjectItemCaseSensitive(r->attrs, "conversation_id")
                                : NULL;
    if (cJSON_IsString(cid) && strlen(cid->valuestring) < 256)
        cJSON_AddStringToObject(d, "conversation_id", cid->valuestring);
    char *out = NULL;
    size_t len = 0;
    int rc = ha_post(c, "/api/conversation/process", d, r, &out, &len);
    cJSON_Delete(d);
    if (rc != 0)
        return;
    cJSON *j = parse_reply(c, out ? out : "", len);
    free(out);
    const cJSON *sp = NULL, *resp = j ? cJSON_GetObjectItemCaseSensitive(j, "response") : NULL;
    if (cJSON_IsObject(resp)) {
        const cJSON *speech = cJSON_GetObjectItemCaseSensitive(resp, "speech");
        const cJSON *plain = cJSON_IsObject(speech)
                                 ? cJSON_GetObjectItemCaseSensitive(speech, "plain")
                                 : NULL;
        sp = cJSON_IsObject(plain) ? cJSON_GetObjectItemCaseSensitive(plain, "speech") : NULL;
    }
    if (!cJSON_IsString(sp)) {
        if (!c->note[0])
            notef(c, "conversation reply without response.speech.plain.speech");
        apologise(c, r, HF_OTHER);
        cJSON_Delete(j);
        return;
    }
    c->outcome = "ok";
    r->ssml = true; /* Home Assistant's text, escaped */
    bool more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "continue_conversation"));
    say(r, !more, "%s", sp->valuestring[0] ? sp->valuestring : "Done.");
    if (more)
        ask(r, "Go on.");
    const cJSON *ncid = cJSON_GetObjectItemCaseSensitive(j, "conversation_id");
    if (cJSON_IsString(ncid) && strlen(ncid->valuestring) < 256 && r->attrs) {
        cJSON_DeleteItemFromObjectCaseSensitive(r->attrs, "conversation_id");
        cJSON_AddStringToObject(r->attrs, "conversation_id", ncid->valuestring);
    }
    cJSON_Delete(j);
}
#endif

static void h_status(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    cJSON *ping = ha_get_json(c, "/api/", r);
    if (!ping)
        return;
    cJSON_Delete(ping);
    cJSON *cfg = ha_get_json(c, "/api/config", r);
    if (!cfg)
        return;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, "version");
    c->outcome = "ok";
    if (cJSON_IsString(v) && strlen(v->valuestring) < 64)
        say(r, true, "Home Assistant is running, version %s.", v->valuestring);
    else
        say(r, true, "Home Assistant is running.");
    cJSON_Delete(cfg);
}

static void h_help(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    say(r, false, "You can say things like: trigger morning routine, run the good night "
                  "script, turn off everything in the kitchen, or ask if Home Assistant is "
                  "running. What would you like to do?");
    ask(r, "What would you like to do?");
}

static void h_stop(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    say(r, true, "Goodbye.");
}

static void h_fallback(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "fallback";
    say(r, false, "Sorry, I didn't get that. You can say help to hear what I can do.");
    ask(r, "What would you like to do?");
}

typedef void (*cs_intent_fn)(struct cs_ctx *, const struct cs_request *, struct cs_reply *);

#if LEEC_FEATURE_AUTOMATION
#define F_AUTOMATION(f) f
#else
#define F_AUTOMATION(f) NULL
#endif
#if LEEC_FEATURE_SCRIPTS
#define F_SCRIPTS(f) f
#else
#define F_SCRIPTS(f) NULL
#endif
#if LEEC_FEATURE_INPUT_HELPERS
#define F_INPUT_HELPERS(f) f
#else
#define F_INPUT_HELPERS(f) NULL
#endif
#if LEEC_FEATURE_NOTIFICATIONS
#define F_NOTIFICATIONS(f) f
#else
#define F_NOTIFICATIONS(f) NULL
#endif
#if LEEC_FEATURE_AREAS
#define F_AREAS(f) f
#else
#define F_AREAS(f) NULL
#endif
#if LEEC_FEATURE_TIMERS
#define F_TIMERS(f) f
#else
#define F_TIMERS(f) NULL
#endif
#if LEEC_FEATURE_CONVERSATION
#define F_CONVERSATION(f) f
#else
#define F_CONVERSATION(f) NULL
#endif

static const struct intent_def {
    const char *name;
    cs_intent_fn fn; /* NULL: feature not compiled in */
    const char *feature, *preset;
    bool needs_token;
} intents[] = {
    {"TriggerAutomationIntent", F_AUTOMATION(h_trigger_automation), "automation",
     "automation_basic", true},
    {"ListAutomationsIntent", F_AUTOMATION(h_list_automations), "automation",
     "automation_basic", true},
    {"RunScriptIntent", F_SCRIPTS(h_run_script), "scripts", "automation_basic", true},
    {"ListScriptsIntent", F_SCRIPTS(h_list_scripts), "scripts", "automation_basic", true},
    {"SetInputHelperIntent", F_INPUT_HELPERS(h_set_input_helper), "input_helpers",
     "smart_home", true},
    {"GetInputHelperIntent", F_INPUT_HELPERS(h_get_input_helper), "input_helpers",
     "smart_home", true},
    {"MakeAnnouncementIntent", F_NOTIFICATIONS(h_announce), "notifications", "full", true},
    {"SendNotificationIntent", F_NOTIFICATIONS(h_notify), "notifications", "full", true},
    {"AreaControlIntent", F_AREAS(h_area_control), "areas", "smart_home", true},
    {"StartTimerIntent", F_TIMERS(h_start_timer), "timers", "full", true},
    {"PauseTimerIntent", F_TIMERS(h_pause_timer), "timers", "full", true},
    {"CancelTimerIntent", F_TIMERS(h_cancel_timer), "timers", "full", true},
    {"TimerStatusIntent", F_TIMERS(h_timer_status), "timers", "full", true},
    {"ConversationIntent", F_CONVERSATION(h_conversation), "conversation", "voice_control",
     true},
    {"HomeAssistantStatusIntent", h_status, NULL, NULL, true},
    {"AMAZON.HelpIntent", h_help, NULL, NULL, false},
    {"AMAZON.CancelIntent", h_stop, NULL, NULL, false},
    {"AMAZON.StopIntent", h_stop, NULL, NULL, false},
    {"AMAZON.NavigateHomeIntent", h_help, NULL, NULL, false},
    {"AMAZON.FallbackIntent", h_fallback, NULL, NULL, false},
};

static const struct intent_def *find_intent(const char *name)
{
    for (size_t i = 0; name && i < sizeof intents / sizeof intents[0]; i++)
        if (strcmp(intents[i].name, name) == 0)
            return &intents[i];
    return NULL;
}

void cs_dispatch(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    memset(r, 0, sizeof *r);
    c->outcome = "ok";
    r->attrs = q->session_attributes ? cJSON_Duplicate(q->session_attributes, true)
                                     : cJSON_CreateObject();
    switch (q->type) {
    case CS_LAUNCH:
        say(r, false, "Home Assistant is listening. What would you like to do?");
        ask(r, "What would you like to do? You can say help.");
        return;
    case CS_SESSION_ENDED:
    case CS_OTHER:
        r->empty = true;
        return;
    case CS_CAN_FULFILL: {
        const struct intent_def *d = find_intent(q->intent);
        r->can_fulfill = d && (d->fn || !d->feature) ? "MAYBE" : "NO";
        return;
    }
    case CS_INTENT:
        break;
    }
    const struct intent_def *d = find_intent(q->intent);
    if (!d) {
        c->outcome = "unknown_intent";
        notef(c, "unknown intent");
        h_fallback(c, q, r);
        c->outcome = "unknown_intent";
        return;
    }
    if (!d->fn) {
        c->outcome = "not_built";
        c->missing_feature = d->feature;
        c->feature_preset = d->preset;
        say(r, true, "Sorry, that feature isn't included in this build.");
        return;
    }
    if (d->needs_token && !c->token) {
        c->outcome = "no_token";
        r->link_account = true;
        say(r, true, "Please link your Home Assistant account in the Alexa app first.");
        return;
    }
    d->fn(c, q, r);
}

void cs_reply_free(struct cs_reply *r)
{
    cJSON_Delete(r->attrs);
    r->attrs = NULL;
}

void cs_reply_answer(const struct cs_reply *r, struct cs_answer *a)
{
    memset(a, 0, sizeof *a);
    a->speech = r->speech;
    a->ssml = r->ssml;
    a->reprompt = r->has_reprompt && !r->end_session ? r->reprompt : NULL;
    a->end_session = r->end_session;
    a->session_attributes = r->attrs;
    a->empty = r->empty;
    a->can_fulfill = r->can_fulfill;
    a->link_account = r->link_account;
}
