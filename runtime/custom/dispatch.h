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
#ifndef LEEC_CUSTOM_DISPATCH_H
#define LEEC_CUSTOM_DISPATCH_H

#include "custom/context.h"

/* The validated request → *out (free with cs_reply_free). */
void cs_dispatch(struct cs_ctx *ctx, const struct cs_request *req, struct cs_reply *out);
void cs_reply_free(struct cs_reply *r);
/* cs_reply → cs_answer (pointers into r). */
void cs_reply_answer(const struct cs_reply *r, struct cs_answer *a);

#endif
