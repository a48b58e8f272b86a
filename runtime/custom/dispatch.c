/* dispatch: the intent table (intent → feature; the feature preset that adds it comes from
 * the schemas via cs_ctx.feature_presets) and cs_dispatch; see custom/dispatch.h. The built-in intents (status, help,
 * stop, fallback) are here; every feature's intents are in intent_<feature>.c. */
#include "custom/dispatch.h"

#include "custom/ha.h"
#include "custom/intents.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include "base/clock.h"

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
        cs_say_msg(c, r, true, SK_STATUS_VERSION, "version", v->valuestring, NULL);
    else
        cs_say_msg(c, r, true, SK_STATUS_RUNNING, NULL);
    cJSON_Delete(cfg);
}

static void h_help(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say_msg(c, r, false, SK_HELP, NULL);
    cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
}

static void h_stop(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say_msg(c, r, true, SK_GOODBYE, NULL);
}

/* AMAZON.NavigateHomeIntent ("go home"): the user leaves the skill for the Alexa home; the
 * session ends (and any open question with it). */
static void h_navigate_home(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say_msg(c, r, true, SK_GOODBYE, NULL);
}

static void h_fallback(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "fallback";
    cs_say_msg(c, r, false, SK_FALLBACK, NULL);
    cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
}

static const struct intent_def *find_intent(const char *name);

static void run_intent(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r);

/* Answers the question with candidate i: the asking intent again, with its slots, taking
 * that entity. */
static void pending_choose(struct cs_ctx *c, const struct cs_request *q, const struct cs_pending *p,
                           size_t i, struct cs_reply *r)
{
    struct cs_request q2 = *q;
    q2.intent = p->intent;
    q2.nslots = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, p->slots)
    {
        if (q2.nslots < CS_SLOT_MAX)
            q2.slots[q2.nslots++] = (struct cs_slot){x->string, x->valuestring, NULL, NULL};
    }
    c->forced_entity = p->ids[i];
    c->req = &q2;
    run_intent(c, &q2, r);
    c->forced_entity = NULL;
    c->req = q;
}

static void ask_again(struct cs_ctx *c, const struct cs_pending *p, struct cs_reply *r,
                      enum sk_msg m)
{
    char list[400], count[8];
    cs_name_list(c, list, sizeof list, p->names, p->n, true);
    snprintf(count, sizeof count, "%zu", p->n);
    c->outcome = "ambiguous";
    cs_say_msg(c, r, false, m, "list", list, "count", count, NULL);
    cs_ask_msg(c, r, SK_WHICH_ONE, "list", list, NULL);
    if (r->attrs && c->req && c->req->session_attributes) /* the question stays open */
        cJSON_AddItemToObject(r->attrs, CS_PENDING_KEY,
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
                                                  c->req->session_attributes, CS_PENDING_KEY),
                                              true));
}

static void refuse_stale(struct cs_ctx *c, struct cs_reply *r)
{
    c->outcome = "stale_question";
    cs_notef(c, "session attribute %s stale, foreign or malformed: ignored", CS_PENDING_KEY);
    cs_say_msg(c, r, false, SK_SELECT_EXPIRED, NULL);
    cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
}

/* SelectIntent {Ordinal, Choice}: "the second one", "Kitchen Lights Off". */
static void h_select(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    struct cs_pending p;
    enum cs_pending_state st = cs_pending_get(c, q, &p);
    if (st == CS_PENDING_OK && !find_intent(p.intent))
        st = CS_PENDING_BAD;
    if (st == CS_PENDING_BAD) {
        refuse_stale(c, r);
        return;
    }
    if (st == CS_PENDING_NONE) {
        c->outcome = "nothing_to_select";
        cs_say_msg(c, r, false, SK_SELECT_NOTHING, NULL);
        cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
        return;
    }
    const char *ord = cs_slot(q, "Ordinal"), *choice = cs_slot(q, "Choice");
    int k = ord ? sk_ordinal(c->lang, ord) : 0;
    if (!k && choice)
        k = sk_ordinal(c->lang, choice); /* "the second one" heard as a name */
    if (k > 0) {
        if ((size_t)k > p.n) {
            ask_again(c, &p, r, SK_SELECT_OUT_OF_RANGE);
            return;
        }
        pending_choose(c, q, &p, (size_t)k - 1, r);
        return;
    }
    if (choice) {
        struct fuzzy_item items[FUZZY_MAX_CANDIDATES];
        for (size_t i = 0; i < p.n; i++)
            items[i] = (struct fuzzy_item){p.ids[i], p.names[i]};
        struct fuzzy_result fr;
        fuzzy_match(choice, items, p.n, &fr);
        if (fr.kind == FUZZY_MATCH) {
            pending_choose(c, q, &p, fr.index, r);
            return;
        }
    }
    ask_again(c, &p, r, SK_WHICH_ONE);
}

/* AMAZON.YesIntent: "did you mean X?" → X; with several candidates, which one. */
static void h_yes(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    struct cs_pending p;
    enum cs_pending_state st = cs_pending_get(c, q, &p);
    if (st == CS_PENDING_OK && !find_intent(p.intent))
        st = CS_PENDING_BAD;
    if (st == CS_PENDING_BAD) {
        refuse_stale(c, r);
    } else if (st == CS_PENDING_NONE) {
        c->outcome = "nothing_to_select";
        cs_say_msg(c, r, false, SK_SELECT_NOTHING, NULL);
        cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
    } else if (p.n == 1) {
        pending_choose(c, q, &p, 0, r);
    } else {
        ask_again(c, &p, r, SK_WHICH_ONE);
    }
}

/* AMAZON.NoIntent: the question is dropped; the session stays open for something else. */
static void h_no(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    c->outcome = "ok";
    cs_say_msg(c, r, false, SK_NO_THANKS, NULL);
    cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
}

static const struct intent_def {
    const char *name;
    cs_intent_fn fn; /* built-in intents; NULL: the feature's (cs_ctx.features) */
    const char *feature;
    bool needs_token;
} intents[] = {
#define CS_FEATURE_NAME(f) \
    (#f[0] == 'n' && #f[1] == 'o' && #f[2] == 'n' && #f[3] == 'e' ? NULL : #f)
#define INTENT_ROW(id, name, feature, token, handler) \
    {name, handler, CS_FEATURE_NAME(feature), token},
    CS_INTENTS(INTENT_ROW)
#undef INTENT_ROW
#undef CS_FEATURE_NAME
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

/* The smallest feature preset that adds feature (from the schemas); NULL: unknown. */
static const char *feature_preset(const struct cs_ctx *c, const char *feature)
{
    for (size_t i = 0; i < c->n_feature_presets; i++)
        if (strcmp(c->feature_presets[i].feature, feature) == 0)
            return c->feature_presets[i].preset;
    return NULL;
}

static const struct intent_def *find_intent(const char *name)
{
    for (size_t i = 0; name && i < sizeof intents / sizeof intents[0]; i++)
        if (strcmp(intents[i].name, name) == 0)
            return &intents[i];
    return NULL;
}

/* The intent q->intent: not built, no token, or its handler. */
static void run_intent(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
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
        c->feature_preset = feature_preset(c, d->feature);
        cs_say_msg(c, r, true, SK_NOT_BUILT, NULL);
        return;
    }
    if (d->needs_token && !c->token) {
        c->outcome = "no_token";
        r->link_account = true;
        cs_say_msg(c, r, true, SK_LINK_ACCOUNT, NULL);
        return;
    }
    fn(c, q, r);
}

void cs_dispatch(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    memset(r, 0, sizeof *r);
    c->outcome = "ok";
    c->lang = sk_lang_choose(q->locale, c->languages, c->n_languages);
    c->req = q;
    c->forced_entity = NULL;
    r->attrs =
        q->session_attributes ? cJSON_Duplicate(q->session_attributes, true) : cJSON_CreateObject();
    /* an open question is answered by this turn or dropped (h_select/h_yes put it back when
     * they ask again) */
    if (r->attrs)
        cJSON_DeleteItemFromObjectCaseSensitive(r->attrs, CS_PENDING_KEY);
    switch (q->type) {
    case CS_LAUNCH:
        cs_say_msg(c, r, false, SK_LAUNCH, NULL);
        cs_ask_msg(c, r, SK_LAUNCH_REPROMPT, NULL);
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
    run_intent(c, q, r);
    /* a session that stays open always has a reprompt (Amazon: the user gets a second
     * chance to answer) */
    if (!r->end_session && !r->has_reprompt)
        cs_ask_msg(c, r, SK_WHAT_NOW, NULL);
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
