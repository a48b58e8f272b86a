/* dispatch: the Custom-skill intents → Home Assistant REST calls and
 * spoken answers (the handler names are the intent names of
 * examples/interaction-model.json). See docs/custom-skill.md.
 *
 * Built per feature: each feature's intents are in custom/intent_<feature>.c,
 * exported as a struct cs_feature; the caller passes the features compiled into
 * this build (ctx->features, chosen by core/bind.c), so an excluded feature's
 * file is never linked. Its intents answer "that feature isn't included in this
 * build" and report the feature and the feature preset that adds it
 * (ctx->missing_feature, ctx->feature_preset).
 *
 * Never reads the generated tables: the caller passes every setting in struct
 * cs_ctx. No logging: the caller logs
 * ctx->outcome, ctx->note (never a token) and the HA figures.
 *
 * Rules: names are matched with fuzzy.h against a per-token cached GET
 * /api/states (pool state_cache, key "states", scope cache_scope_from_token);
 * only that read-only list is cached, never a service call or a timer state.
 * Ambiguity → the question names up to 3 candidates (session stays open), no
 * match → the closest name is suggested; invalid values → the answer says
 * what is allowed; in all of these Home Assistant's services are not called.
 * Every call's budget = min(deadline - now - margin, total cap); below
 * CS_MIN_BUDGET_MS no call is made. No call is ever repeated. */
#ifndef LEEC_CUSTOM_INTENTS_H
#define LEEC_CUSTOM_INTENTS_H

#include "guard/breaker.h"
#include "guard/cache.h"
#include "custom/request.h"
#include "net/ha_client.h"
#include "base/jsonguard.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define CS_MIN_BUDGET_MS  100u
#define CS_MAX_ENTITIES   2000u          /* entities of one kind considered for matching */
#define CS_LIST_NAMES     10u            /* names spoken by the list intents */
#define CS_PENDING_TTL_MS 300000u        /* a "which one?" question is answerable this long */
#define CS_PENDING_KEY    "leec_pending" /* session attribute holding the question */

struct cs_ctx;
struct cs_reply;
struct sk_lang;
typedef void (*cs_intent_fn)(struct cs_ctx *, const struct cs_request *, struct cs_reply *);
struct cs_intent_impl {
    const char *intent; /* "StartTimerIntent" */
    cs_intent_fn fn;
};
/* One feature's intents (custom/intent_<feature>.c). */
struct cs_feature {
    const char *name; /* "timers": as in the intent table */
    const struct cs_intent_impl *intents;
    size_t n_intents;
};
/* The smallest feature preset with a feature (LEEC_FEATURE_PRESETS, via bind.c). */
struct cs_feature_preset {
    const char *feature, *preset;
};
extern const struct cs_feature cs_feature_automation, cs_feature_scripts, cs_feature_input_helpers,
    cs_feature_notifications, cs_feature_areas, cs_feature_timers, cs_feature_conversation;

struct cs_ctx {
    /* in */
    struct ha_client *ha;
    struct breaker *breaker;        /* NULL: none */
    struct cache_pool *state_cache; /* NULL: no cache */
    const char *token;              /* secret; NULL: none (answers "link your account") */
    uint64_t deadline_epoch_ms;     /* 0: unknown */
    uint64_t (*now_epoch_ms)(void); /* NULL: clock_epoch_ms */
    uint32_t total_cap_ms, margin_ms;
    const char *tts_entity; /* NULL: the first tts.* entity */
    const char *const *media_players;
    size_t n_media_players;
    const char *notify_target;    /* NULL: "notify" */
    const char *const *languages; /* answer languages of this build ("en", "de"); none: all */
    size_t n_languages;
    struct jsonguard_limits reply_limits;
    const struct cs_feature *const *features; /* compiled into this build */
    size_t n_features;
    const struct cs_feature_preset *feature_presets; /* every feature → its smallest preset */
    size_t n_feature_presets;
    /* set by cs_dispatch */
    const struct sk_lang *lang;   /* the request's language (custom/lang.h) */
    const struct cs_request *req; /* the request being answered */
    const char *forced_entity;    /* a follow-up turn's choice: cs_resolve takes it */
    /* out (for the log line and metrics) */
    const char *outcome; /* "ok", "ambiguous", "no_match", "invalid_value", ... */
    const char *missing_feature, *feature_preset;
    char note[256];
    bool ha_called;
    unsigned ha_calls;
    long ha_status; /* of the last call */
    uint32_t ha_ms; /* all calls */
    bool cache_hit;
};

struct cs_reply {
    char speech[1024];
    char reprompt[512];
    bool has_reprompt, end_session, ssml, empty, link_account;
    const char *can_fulfill;
    cJSON *attrs; /* session attributes (owned) */
};

/* The validated request → *out (free with cs_reply_free). */
void cs_dispatch(struct cs_ctx *ctx, const struct cs_request *req, struct cs_reply *out);
void cs_reply_free(struct cs_reply *r);
/* cs_reply → cs_answer (pointers into r). */
void cs_reply_answer(const struct cs_reply *r, struct cs_answer *a);

#endif
