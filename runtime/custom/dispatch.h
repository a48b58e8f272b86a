/* custom_intents: the Custom-skill intents → Home Assistant REST calls and
 * spoken answers (the handler names are the intent names of
 * examples/interaction-model.json). See docs/custom-skill.md.
 *
 * Compiled per feature: an intent whose feature is excluded (LEEC_FEATURE_X
 * == 0 in the generated leec_config.h) has no code here; it answers "that
 * feature isn't included in this build" and reports the feature and the
 * feature preset that adds it (ctx->missing_feature, ctx->feature_preset).
 *
 * Uses the macros of leec_config.h only, never the leec_config tables: the
 * caller passes every setting in struct cs_ctx. No logging: the caller logs
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
#include <stdbool.h>
#include <stdint.h>

#define CS_MIN_BUDGET_MS 100u
#define CS_MAX_ENTITIES 2000u  /* entities of one kind considered for matching */
#define CS_LIST_NAMES 10u      /* names spoken by the list intents */

struct cs_ctx {
    /* in */
    struct ha_client *ha;
    struct breaker *breaker;         /* NULL: none */
    struct cache_pool *state_cache;  /* NULL: no cache */
    const char *token;               /* secret; NULL: none (answers "link your account") */
    uint64_t deadline_epoch_ms;      /* 0: unknown */
    uint64_t (*now_epoch_ms)(void);  /* NULL: clock_epoch_ms */
    uint32_t total_cap_ms, margin_ms;
    const char *tts_entity;          /* NULL: the first tts.* entity */
    const char *const *media_players;
    size_t n_media_players;
    const char *notify_target;       /* NULL: "notify" */
    struct jsonguard_limits reply_limits;
    /* out (for the log line and metrics) */
    const char *outcome;             /* "ok", "ambiguous", "no_match", "invalid_value", ... */
    const char *missing_feature, *feature_preset;
    char note[256];
    bool ha_called;
    unsigned ha_calls;
    long ha_status;                  /* of the last call */
    uint32_t ha_ms;                  /* all calls */
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
