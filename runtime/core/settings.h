/* settings: the deployment-specific values, compiled defaults overridden by
 * a short fixed list of environment variables (product.md §9) and the names used
 * by the bridges people migrate from. Parsed strictly: a value that is not
 * understood is a start-up error (reported through /init/error), never a guess. */
#ifndef LEEC_SETTINGS_H
#define LEEC_SETTINGS_H

#include "smarthome/proxy.h"

#include <stdbool.h>
#include <stddef.h>

enum secret_source { SECRET_NONE, SECRET_ENV, SECRET_SSM };

/* Where a secret comes from: a variable or an SSM parameter name, never the secret. */
struct secret_ref {
    enum secret_source source;
    const char *name;
};

/* The compiled values (core/bind.c) the environment may override. */
struct settings_defaults {
    const char *ha_url; /* NULL: none compiled */
    bool tls_verify;
    const char *ca_bundle;
    enum sh_token_mode token_mode; /* SH_TOKEN_ACCOUNT_LINKING or SH_TOKEN_LONG_LIVED */
    struct secret_ref token;
    const char *const *skill_ids;
    size_t n_skill_ids;
};

#define SETTINGS_MAX_SKILL_IDS 16
#define SETTINGS_VALUE_MAX     4096 /* longest accepted environment value */

struct settings {
    const char *ha_url;        /* never NULL after settings_load */
    const char *ha_url_source; /* "project", "LEEC_HA_URL", "BASE_URL", ... */
    enum sh_token_mode token_mode;
    const char *long_lived_token;  /* from the environment; NULL if none */
    const char *long_lived_source; /* name of the variable (for logs; never the value) */
    const char *token_ssm;         /* SSM parameter name of the token, or NULL */
    bool insecure;                 /* TLS verification off (explicit opt-in only) */
    const char *insecure_source;
    const char *ca_bundle;
    bool debug;               /* DEBUG=true (HA docs' function): DEBUG logs */
    bool preconnect;          /* connect to HA during init (LEEC_HA_PRECONNECT, default true) */
    const char *ssm_endpoint; /* LEEC_SSM_ENDPOINT (tests) */
    const char *skill_ids[SETTINGS_MAX_SKILL_IDS];
    size_t nskill_ids;
    char skill_buf[SETTINGS_MAX_SKILL_IDS * 80];
};

/* Returns 0, or -1 with a message naming the variable (never its value). */
int settings_load(struct settings *s, const struct settings_defaults *d, char *err, size_t errlen);

#endif
