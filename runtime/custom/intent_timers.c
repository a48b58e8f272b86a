/* intent_timers: the timers feature (timer.* entities). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include "base/log.h"
#include "custom/duration_lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The named timer, or the only one when no name was given (or the follow-up turn's choice). */
static const cJSON *find_timer(struct cs_ctx *c, const cJSON *st, const char *name,
                               struct cs_reply *r)
{
    static const char *const doms[] = {"timer"};
    if (name || c->forced_entity)
        return cs_resolve(c, st, doms, 1, name ? name : "", CS_KIND_TIMER, r);
    const cJSON *only = NULL, *x;
    size_t n = 0;
    const char *names[FUZZY_MAX_CANDIDATES], *ids[FUZZY_MAX_CANDIDATES];
    cJSON_ArrayForEach(x, st)
    {
        if (!cs_in_domain(cs_ent_id(x), "timer"))
            continue;
        if (n < FUZZY_MAX_CANDIDATES) {
            names[n] = cs_ent_name(x);
            ids[n] = cs_ent_id(x);
        }
        only = x;
        n++;
    }
    if (n == 1)
        return only;
    if (n == 0) {
        c->outcome = "no_entities";
        cs_say_msg(c, r, true, SK_NO_ENTITIES_TIMER, NULL);
        return NULL;
    }
    size_t k = n < FUZZY_MAX_CANDIDATES ? n : FUZZY_MAX_CANDIDATES;
    char list[400];
    cs_name_list(c, list, sizeof list, names, k, true);
    c->outcome = "ambiguous";
    cs_say_msg(c, r, false, SK_WHICH_TIMER, "list", list, NULL);
    cs_ask_msg(c, r, SK_WHICH_TIMER, "list", list, NULL);
    cs_pending_set(c, r, ids, names, k, false);
    return NULL;
}

static void h_start_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *dur = cs_slot_raw(q, "Duration");
    if (!cs_need_slot(c, r, dur, SK_HOW_LONG))
        return;
    uint32_t secs;
    enum duration_status ds = duration_parse(dur, strlen(dur), &secs);
    if (ds != DURATION_OK) {
        c->outcome = "invalid_value";
        char shown[64]; /* the slot is the user's text: redacted before it is cut */
        log_redact_copy(shown, sizeof shown, dur, strlen(dur));
        cs_notef(c, "duration %s refused (%d)", shown, (int)ds);
        if (ds == DURATION_UNSUPPORTED || ds == DURATION_TOO_LONG)
            cs_say_msg(c, r, true, SK_TIMER_TOO_LONG, NULL);
        else
            cs_say_msg(c, r, true, SK_TIMER_BAD_DURATION, NULL);
        return;
    }
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        char hms[16], words[64];
        duration_format_hms(secs, hms);
        sk_duration(c->lang, secs, words, sizeof words);
        cJSON *d = cs_entity_data(cs_ent_id(e));
        cJSON_AddStringToObject(d, "duration", hms);
        if (cs_call_service(c, "timer", "start", d, r) == 0) {
            c->outcome = "ok";
            cs_say_msg(c, r, true, SK_TIMER_STARTED, "name", cs_ent_name(e), "duration", words,
                       NULL);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void timer_action(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                         const char *service, enum sk_msg done)
{
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        cJSON *d = cs_entity_data(cs_ent_id(e));
        if (cs_call_service(c, "timer", service, d, r) == 0) {
            c->outcome = "ok";
            cs_say_msg(c, r, true, done, "name", cs_ent_name(e), NULL);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void h_pause_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    timer_action(c, q, r, "pause", SK_TIMER_PAUSED);
}

static void h_cancel_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    timer_action(c, q, r, "cancel", SK_TIMER_CANCELLED);
}

/* "0:45:00" → words; false when not H:MM:SS. */
static bool remaining_words(const struct cs_ctx *c, const char *s, char *out, size_t len)
{
    unsigned h, m, sec;
    char tail;
    if (!s || sscanf(s, "%u:%u:%u%c", &h, &m, &sec, &tail) != 3 || h > 9999 || m > 59 || sec > 59)
        return false;
    sk_duration(c->lang, h * 3600u + m * 60u + sec, out, len);
    return true;
}

static void h_timer_status(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        char path[300];
        cs_sayf(path, sizeof path, "/api/states/%s", cs_ent_id(e));
        cJSON *fresh = cs_ha_get_json(c, path, r);
        if (fresh) {
            const char *state = cs_ent_state(fresh);
            const cJSON *rem = cs_ent_attr(fresh, "remaining");
            char words[128];
            bool has = remaining_words(c, cJSON_IsString(rem) ? rem->valuestring : NULL, words,
                                       sizeof words);
            c->outcome = "ok";
            if (strcmp(state, "active") == 0)
                cs_say_msg(c, r, true, has ? SK_TIMER_RUNNING_LEFT : SK_TIMER_RUNNING, "name",
                           cs_ent_name(e), "duration", words, NULL);
            else if (strcmp(state, "paused") == 0)
                cs_say_msg(c, r, true, has ? SK_TIMER_PAUSED_LEFT : SK_TIMER_PAUSED_STATE, "name",
                           cs_ent_name(e), "duration", words, NULL);
            else
                cs_say_msg(c, r, true, SK_TIMER_IDLE, "name", cs_ent_name(e), NULL);
            cJSON_Delete(fresh);
        }
    }
    cJSON_Delete(st);
}

static const struct cs_intent_impl timers_intents[] = {
    {"StartTimerIntent", h_start_timer},
    {"PauseTimerIntent", h_pause_timer},
    {"CancelTimerIntent", h_cancel_timer},
    {"TimerStatusIntent", h_timer_status},
};
const struct cs_feature cs_feature_timers = {"timers", timers_intents,
                                             sizeof timers_intents / sizeof timers_intents[0]};
