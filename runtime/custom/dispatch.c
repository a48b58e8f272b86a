/* dispatch: the intent table (intent → feature → the feature preset that adds it)
 * and cs_dispatch; see custom/dispatch.h. The built-in intents (status, help,
 * stop, fallback) are here; every feature's intents are in intent_<feature>.c. */
#include "custom/intent.h"

#include <stdio.h>
#include <string.h>

static void h_status(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    cJSON *ping = cs_ha_get_json(c, "/api/", r);
    if (!ping)
        return;
    cJSON_Delete(ping);
    cJSON *cfg = cs_ha_get_json(c, "/api/config", r);
    if (!cfg)
        return;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, "version");
    c->outcome = "ok";
    if (cJSON_IsString(v) && strlen(v->valuestring) < 64)
        cs_say(r, true, "Home Assistant is running, version %s.", v->valuestring);
    else
        cs_say(r, true, "Home Assistant is running.");
    cJSON_Delete(cfg);
}

static void h_help(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say(r, false,
           "You can say things like: trigger morning routine, run the good night "
           "script, turn off everything in the kitchen, or ask if Home Assistant is "
           "running. What would you like to do?");
    cs_ask(r, "What would you like to do?");
}

static void h_stop(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say(r, true, "Goodbye.");
}

static void h_fallback(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "fallback";
    cs_say(r, false, "Sorry, I didn't get that. You can say help to hear what I can do.");
    cs_ask(r, "What would you like to do?");
}

static const struct intent_def {
    const char *name;
    cs_intent_fn fn; /* built-in intents; NULL: the feature's (cs_ctx.features) */
    const char *feature, *preset;
    bool needs_token;
} intents[] = {
    {"TriggerAutomationIntent", NULL, "automation", "automation_basic", true},
    {"ListAutomationsIntent", NULL, "automation", "automation_basic", true},
    {"RunScriptIntent", NULL, "scripts", "automation_basic", true},
    {"ListScriptsIntent", NULL, "scripts", "automation_basic", true},
    {"SetInputHelperIntent", NULL, "input_helpers", "smart_home", true},
    {"GetInputHelperIntent", NULL, "input_helpers", "smart_home", true},
    {"MakeAnnouncementIntent", NULL, "notifications", "full", true},
    {"SendNotificationIntent", NULL, "notifications", "full", true},
    {"AreaControlIntent", NULL, "areas", "smart_home", true},
    {"StartTimerIntent", NULL, "timers", "full", true},
    {"PauseTimerIntent", NULL, "timers", "full", true},
    {"CancelTimerIntent", NULL, "timers", "full", true},
    {"TimerStatusIntent", NULL, "timers", "full", true},
    {"ConversationIntent", NULL, "conversation", "voice_control", true},
    {"HomeAssistantStatusIntent", h_status, NULL, NULL, true},
    {"AMAZON.HelpIntent", h_help, NULL, NULL, false},
    {"AMAZON.CancelIntent", h_stop, NULL, NULL, false},
    {"AMAZON.StopIntent", h_stop, NULL, NULL, false},
    {"AMAZON.NavigateHomeIntent", h_help, NULL, NULL, false},
    {"AMAZON.FallbackIntent", h_fallback, NULL, NULL, false},
};

/* The handler of intent d in this build: built in, or from its feature when the
 * feature is compiled in (ctx->features); NULL: not built. */
static cs_intent_fn intent_fn(const struct cs_ctx *c, const struct intent_def *d)
{
    if (!d->feature)
        return d->fn;
    for (size_t i = 0; i < c->n_features; i++) {
        const struct cs_feature *f = c->features[i];
        if (strcmp(f->name, d->feature) != 0)
            continue;
        for (size_t k = 0; k < f->n_intents; k++)
            if (strcmp(f->intents[k].intent, d->name) == 0)
                return f->intents[k].fn;
    }
    return NULL;
}

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
    r->attrs =
        q->session_attributes ? cJSON_Duplicate(q->session_attributes, true) : cJSON_CreateObject();
    switch (q->type) {
    case CS_LAUNCH:
        cs_say(r, false, "Home Assistant is listening. What would you like to do?");
        cs_ask(r, "What would you like to do? You can say help.");
        return;
    case CS_SESSION_ENDED:
    case CS_OTHER:
        r->empty = true;
        return;
    case CS_CAN_FULFILL: {
        const struct intent_def *d = find_intent(q->intent);
        r->can_fulfill = d && intent_fn(c, d) ? "MAYBE" : "NO";
        return;
    }
    case CS_INTENT:
        break;
    }
    const struct intent_def *d = find_intent(q->intent);
    if (!d) {
        c->outcome = "unknown_intent";
        cs_notef(c, "unknown intent");
        h_fallback(c, q, r);
        c->outcome = "unknown_intent";
        return;
    }
    cs_intent_fn fn = intent_fn(c, d);
    if (!fn) {
        c->outcome = "not_built";
        c->missing_feature = d->feature;
        c->feature_preset = d->preset;
        cs_say(r, true, "Sorry, that feature isn't included in this build.");
        return;
    }
    if (d->needs_token && !c->token) {
        c->outcome = "no_token";
        r->link_account = true;
        cs_say(r, true, "Please link your Home Assistant account in the Alexa app first.");
        return;
    }
    fn(c, q, r);
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
