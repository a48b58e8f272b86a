/* context: what every Custom-skill module shares — the request context (struct cs_ctx:
 * the settings the handler passes in, the request being answered, what is reported back
 * for the log line and metrics), the answer being built (struct cs_reply), and the
 * feature and intent types. Types only. */
#ifndef LEEC_CUSTOM_CONTEXT_H
#define LEEC_CUSTOM_CONTEXT_H

#include "base/jsonguard.h"
#include "custom/request.h"
#include "guard/breaker.h"
#include "guard/cache.h"
#include "net/ha_client.h"

#include <cjson/cJSON.h>
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

/* The kinds of named entity, for the per-kind messages. */
enum cs_kind { CS_KIND_AUTOMATION, CS_KIND_SCRIPT, CS_KIND_SETTING, CS_KIND_TIMER };

#endif
