/* credentials: the secrets the bootstrap needs at run time — extra-header values
 * and the long-lived token — read from the environment or fetched from SSM
 * (breaker-protected), and the refresh of an SSM token once it is older than
 * the compiled cache TTL. */
#ifndef LEEC_CREDENTIALS_H
#define LEEC_CREDENTIALS_H

#include "core/settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct rapi_invocation;

/* A copy of the secret (free with secret_free), or NULL with why and *etype set.
 * timeout_ms bounds the SSM call (0: ssm.c's defaults, 1 s connect / 3 s total). */
char *cred_fetch(struct app *a, const struct secret_ref *ref, uint32_t timeout_ms,
                 const char **etype, char *why, size_t whylen);

/* Fetches the SSM token again when it is older than the TTL, with at most half of
 * what is left before the deadline (minus the margin). Returns false when a
 * refresh was due and failed: the caller must not use the stale token. */
bool cred_refresh_token(struct app *a, const struct rapi_invocation *inv);

/* The prologue both skill handlers share. */
/* The long-lived token to use now: the SSM value — fetched again first when older than
 * the compiled TTL and the request will use it (may_refresh) — else the environment's.
 * *unavailable: a refresh was due and failed; the caller answers without calling Home
 * Assistant, never with the stale token. */
const char *cred_long_lived_token(struct app *a, const struct rapi_invocation *inv,
                                  bool may_refresh, bool *unavailable);
/* The per-user rate limit (the scope is a hash of the token, never the token): false
 * when this token's user is over the compiled rate. No limiter or no token: true. */
bool cred_user_allowed(struct app *a, const char *token);

#endif
