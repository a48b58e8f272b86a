/* credentials: see credentials.h. */
#include "core/credentials.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/secret.h"
#include "core/app.h"
#include "net/ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cred_fetch(struct app *a, const struct secret_ref *ref, uint32_t timeout_ms,
                 const char **etype, char *why, size_t whylen)
{
    if (ref->source == SECRET_ENV) {
        const char *v = getenv(ref->name);
        if (!v || !*v) {
            snprintf(why, whylen, "environment variable %s is not set", ref->name);
            return NULL;
        }
        return strdup(v);
    }
    if (!breaker_allow(&a->ssm_breaker)) {
        snprintf(why, whylen, "SSM breaker is open");
        *etype = "Runtime.SecretUnavailable";
        return NULL;
    }
    struct ssm_settings ss;
    ssm_settings_from_env(&ss);
    if (a->settings.ssm_endpoint)
        ss.endpoint = a->settings.ssm_endpoint;
    /* AWS's public CAs: the zip ships them at certs/ca-certificates.crt (Makefile.deploy),
     * because Debian's compiled-in CA path does not exist on Amazon Linux. The Home
     * Assistant CA bundle may be a private CA, so it is not used here. */
    char ssm_ca[512];
    const char *task_root = getenv("LAMBDA_TASK_ROOT");
    if (task_root &&
        snprintf(ssm_ca, sizeof ssm_ca, "%s/certs/ca-certificates.crt", task_root) <
            (int)sizeof ssm_ca &&
        access(ssm_ca, R_OK) == 0)
        ss.ca_bundle = ssm_ca;
    ss.timeout_ms = timeout_ms;
    ss.connect_timeout_ms = timeout_ms && timeout_ms < 1000 ? timeout_ms : 0;
    struct ssm_error err = {0};
    struct ssm_client *c = ssm_client_new(&ss, &err);
    char *value = NULL;
    if (!c || ssm_get_parameter(c, ref->name, &value, &err) != 0) {
        breaker_record(&a->ssm_breaker, err.http_status >= 500   ? BREAKER_HTTP_5XX
                                        : err.http_status >= 400 ? BREAKER_HTTP_4XX
                                                                 : BREAKER_TRANSPORT_ERROR);
        snprintf(why, whylen, "SSM parameter %s: %s (%s)", ref->name, err.message,
                 ssm_err_kind_name(err.kind));
        *etype = "Runtime.SecretUnavailable";
        ssm_client_free(c);
        return NULL;
    }
    breaker_record(&a->ssm_breaker, BREAKER_SUCCESS);
    ssm_client_free(c);
    /* A value pasted into the console often ends with a newline: trailing blanks are
     * never part of a token or header value (docs/smart-home.md), so they are trimmed. */
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r' ||
                     value[n - 1] == '\n'))
        n--;
    if (n == 0) {
        ssm_value_free(value);
        snprintf(why, whylen, "SSM parameter %s is empty (or only whitespace)", ref->name);
        *etype = "Runtime.SecretUnavailable";
        return NULL;
    }
    char *copy = strndup(value, n);
    ssm_value_free(value);
    if (!copy) {
        snprintf(why, whylen, "out of memory");
        *etype = "Runtime.OutOfMemory";
    }
    return copy;
}

const char *cred_long_lived_token(struct app *a, const struct rapi_invocation *inv,
                                  bool may_refresh, bool *unavailable)
{
    *unavailable = false;
    if (may_refresh && a->ssm_token && a->settings.token_ssm &&
        clock_mono_ms() - a->ssm_fetched_ms >= a->cfg->token_ttl_ms)
        *unavailable = !cred_refresh_token(a, inv);
    return a->ssm_token ? a->ssm_token : a->settings.long_lived_token;
}

bool cred_user_allowed(struct app *a, const char *token)
{
    if (!a->rl || !token)
        return true;
    char scope[17];
    cache_scope_from_token(token, scope);
    return ratelimit_allow(a->rl, scope);
}

bool cred_refresh_token(struct app *a, const struct rapi_invocation *inv)
{
    const char *etype = NULL;
    char why[384] = "";
    uint64_t t0 = clock_mono_ms();
    struct secret_ref ref = {SECRET_SSM, a->settings.token_ssm};
    uint64_t margin = a->cfg->deadline_margin_ms;
    /* at most half of what is left before deadline - margin: the rest is HA's */
    uint64_t now = clock_epoch_ms(), left = 3000;
    if (inv->deadline_ms > 0)
        left = (uint64_t)inv->deadline_ms > now + margin
                   ? ((uint64_t)inv->deadline_ms - now - margin) / 2
                   : 0;
    char *fresh = NULL;
    if (left >= 50)
        fresh = cred_fetch(a, &ref, left < 3000 ? (uint32_t)left : 3000u, &etype, why, sizeof why);
    else
        snprintf(why, sizeof why, "no time left before the deadline to refresh from SSM");
    if (!fresh) {
        log_emit(LOG_LEVEL_WARN, "ssm token refresh failed",
                 LOG_ERR(etype ? etype : "SSM.RefreshFailed", why),
                 LOG_UINT("ms", clock_mono_ms() - t0), LOG_END);
        return false;
    }
    if (strcmp(fresh, a->ssm_token) != 0) {
        /* Rotated: the table keeps the new value and the one before it (it may still be
         * valid in HA and show up somewhere); older values are dropped, so rotations never
         * fill it up. */
        log_add_secret(fresh);
        if (a->ssm_prev_token) {
            log_remove_secret(a->ssm_prev_token);
            secret_free(a->ssm_prev_token);
        }
        a->ssm_prev_token = a->ssm_token;
        a->ssm_token = fresh;
    } else {
        secret_free(fresh);
    }
    a->ssm_fetched_ms = clock_mono_ms();
    log_emit(LOG_LEVEL_INFO, "ssm token refreshed", LOG_STR("parameter", ref.name),
             LOG_UINT("ms", a->ssm_fetched_ms - t0), LOG_END);
    return true;
}
