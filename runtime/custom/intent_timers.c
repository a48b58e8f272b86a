/* intent_timers: the timers feature (timer.* entities). */
#include "custom/intent.h"

#include "base/log.h"
#include "custom/duration_lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The named timer, or the only one when no name was given. */
static const cJSON *find_timer(struct cs_ctx *c, const cJSON *st, const char *name,
                               struct cs_reply *r)
{
    static const char *const doms[] = {"timer"};
    if (name)
        return cs_resolve(c, st, doms, 1, name, "timer", r);
    const cJSON *only = NULL, *x;
    size_t n = 0;
    const char *names[FUZZY_MAX_CANDIDATES];
    cJSON_ArrayForEach(x, st)
    {
        if (!cs_in_domain(cs_ent_id(x), "timer"))
            continue;
        if (n < FUZZY_MAX_CANDIDATES)
            names[n] = cs_ent_name(x);
        only = x;
        n++;
    }
    if (n == 1)
        return only;
    if (n == 0) {
        c->outcome = "no_entities";
        cs_say(r, true, "I didn't find any timers in Home Assistant.");
        return NULL;
    }
    char list[400];
    cs_name_list(list, sizeof list, names, n < FUZZY_MAX_CANDIDATES ? n : FUZZY_MAX_CANDIDATES,
                 " or ");
    c->outcome = "ambiguous";
    cs_say(r, false, "Which timer: %s?", list);
    cs_ask(r, r->speech);
    return NULL;
}

static void h_start_timer(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *dur = cs_slot_raw(q, "Duration");
    if (!cs_need_slot(c, r, dur, "For how long?"))
        return;
    uint32_t secs;
    enum duration_status ds = duration_parse(dur, strlen(dur), &secs);
    if (ds != DURATION_OK) {
        c->outcome = "invalid_value";
        char shown[64]; /* the slot is the user's text: redacted before it is cut */
        log_redact_copy(shown, sizeof shown, dur, strlen(dur));
        cs_notef(c, "duration %s refused (%d)", shown, (int)ds);
        if (ds == DURATION_UNSUPPORTED || ds == DURATION_TOO_LONG)
            cs_say(r, true, "Sorry, I can only set timers shorter than a day.");
        else
            cs_say(r, true, "Sorry, I didn't catch how long the timer should run.");
        return;
    }
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        char hms[16], words[64];
        duration_format_hms(secs, hms);
        duration_speak(secs, words, sizeof words);
        cJSON *d = cs_entity_data(cs_ent_id(e));
        cJSON_AddStringToObject(d, "duration", hms);
        if (cs_call_service(c, "timer", "start", d, r) == 0) {
            c->outcome = "ok";
            cs_say(r, true, "Started the %s timer for %s.", cs_ent_name(e), words);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void timer_action(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                         const char *service, const char *done)
{
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = find_timer(c, st, cs_slot(q, "Name"), r);
    if (e) {
        cJSON *d = cs_entity_data(cs_ent_id(e));
        if (cs_call_service(c, "timer", service, d, r) == 0) {
            c->outcome = "ok";
            cs_say(r, true, "%s the %s timer.", done, cs_ent_name(e));
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
    if (!s || sscanf(s, "%u:%u:%u%c", &h, &m, &sec, &tail) != 3 || h > 9999 || m > 59 || sec > 59)
        return false;
    duration_speak(h * 3600u + m * 60u + sec, out, len);
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
            char words[64];
            bool has =
                remaining_words(cJSON_IsString(rem) ? rem->valuestring : NULL, words, sizeof words);
            c->outcome = "ok";
            if (strcmp(state, "active") == 0)
                cs_say(r, true, "The %s timer is running%s%s%s.", cs_ent_name(e),
                       has ? ", with " : "", has ? words : "", has ? " left" : "");
            else if (strcmp(state, "paused") == 0)
                cs_say(r, true, "The %s timer is paused%s%s%s.", cs_ent_name(e),
                       has ? ", with " : "", has ? words : "", has ? " left" : "");
            else
                cs_say(r, true, "The %s timer isn't running.", cs_ent_name(e));
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
