/* settings: see settings.h. */
#include "core/settings.h"

#include "core/envparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int too_long(const char *name, const char *v, char *err, size_t errlen)
{
    if (v && strlen(v) > SETTINGS_VALUE_MAX) {
        snprintf(err, errlen, "%s is longer than %d bytes", name, SETTINGS_VALUE_MAX);
        return 1;
    }
    return 0;
}

static int flag(const char *name, bool *out, bool *seen, char *err, size_t errlen)
{
    const char *v = getenv(name);
    if (!v)
        return 0;
    if (envparse_bool(v, out) != 0) {
        snprintf(err, errlen,
                 "%s must be true, false, 1, 0, yes or no (case-insensitive); refusing to guess",
                 name);
        return -1;
    }
    if (seen)
        *seen = true;
    return 0;
}

static int load_url(struct settings *s, const struct settings_defaults *d, char *err, size_t errlen)
{
    /* Base URL: leec's own name wins over the migration names, which win over the tables. */
    s->ha_url = d->ha_url;
    s->ha_url_source = "project";
    static const char *const urls[] = {"LEEC_HA_URL", "HOME_ASSISTANT_URL", "BASE_URL"};
    for (size_t i = 0; i < 3; i++)
        if (env(urls[i])) {
            s->ha_url = env(urls[i]);
            s->ha_url_source = urls[i];
            break;
        }
    if (!s->ha_url) {
        snprintf(err, errlen, "no Home Assistant URL: set home_assistant.url or LEEC_HA_URL");
        return -1;
    }
    size_t ul = strlen(s->ha_url);
    if ((strncmp(s->ha_url, "https://", 8) && strncmp(s->ha_url, "http://", 7)) || ul < 9) {
        snprintf(err, errlen, "%s must be an http(s):// URL", s->ha_url_source);
        return -1;
    }
    return 0;
}

static int load_tls(struct settings *s, const struct settings_defaults *d, char *err, size_t errlen)
{
    /* TLS: verification stays on unless explicitly turned off. */
    s->insecure = !d->tls_verify;
    s->insecure_source = s->insecure ? "project" : NULL;
    bool seen = false, v = false;
    if (flag("NOT_VERIFY_SSL", &v, &seen, err, errlen))
        return -1;
    if (seen && v) {
        s->insecure = true;
        s->insecure_source = "NOT_VERIFY_SSL";
    }
    seen = false;
    if (flag("SKIP_CERTIFICATE_VERIFICATION", &v, &seen, err, errlen))
        return -1;
    if (seen && v) {
        s->insecure = true;
        s->insecure_source = "SKIP_CERTIFICATE_VERIFICATION";
    }
    s->ca_bundle = env("LEEC_CA_BUNDLE") ? env("LEEC_CA_BUNDLE") : d->ca_bundle;
    if (flag("DEBUG", &s->debug, NULL, err, errlen))
        return -1;
    return 0;
}

static int load_token(struct settings *s, const struct settings_defaults *d, char *err,
                      size_t errlen)
{
    /* Token. */
    s->token_mode = d->token_mode;
    if (d->token.source == SECRET_ENV) {
        s->long_lived_token = env(d->token.name);
        s->long_lived_source = d->token.name;
        if (!s->long_lived_token) {
            snprintf(err, errlen, "the long-lived token variable %s is not set", d->token.name);
            return -1;
        }
    } else if (d->token.source == SECRET_SSM) {
        s->token_ssm = d->token.name;
    }
    if (env("LEEC_HA_TOKEN_SSM")) {
        s->token_ssm = env("LEEC_HA_TOKEN_SSM");
        s->token_mode = SH_TOKEN_LONG_LIVED;
    }
    /* haaska-go: its token is used for every request. */
    if (env("HOME_ASSISTANT_TOKEN")) {
        s->long_lived_token = env("HOME_ASSISTANT_TOKEN");
        s->long_lived_source = "HOME_ASSISTANT_TOKEN";
        s->token_mode = SH_TOKEN_LONG_LIVED;
        s->token_ssm = NULL;
    }
    /* HA docs' function: the long-lived token only with DEBUG and no token in the directive. */
    if (env("LONG_LIVED_ACCESS_TOKEN") && s->debug && !env("HOME_ASSISTANT_TOKEN")) {
        s->long_lived_token = env("LONG_LIVED_ACCESS_TOKEN");
        s->long_lived_source = "LONG_LIVED_ACCESS_TOKEN";
        s->token_mode = SH_TOKEN_DIRECTIVE_THEN_LONG_LIVED;
    }
    /* leec's own fallback token: used when a directive carries none. */
    if (env("LEEC_HA_TOKEN")) {
        s->long_lived_token = env("LEEC_HA_TOKEN");
        s->long_lived_source = "LEEC_HA_TOKEN";
        if (s->token_mode == SH_TOKEN_ACCOUNT_LINKING)
            s->token_mode = SH_TOKEN_DIRECTIVE_THEN_LONG_LIVED;
        s->token_ssm = NULL;
    }
    if (s->token_mode == SH_TOKEN_LONG_LIVED && !s->long_lived_token && !s->token_ssm) {
        snprintf(err, errlen,
                 "long-lived token mode but no token: set LEEC_HA_TOKEN or LEEC_HA_TOKEN_SSM");
        return -1;
    }
    s->ssm_endpoint = env("LEEC_SSM_ENDPOINT");
    return 0;
}

static int load_skill_ids(struct settings *s, const struct settings_defaults *d, char *err,
                          size_t errlen)
{
    /* Skill IDs: the environment replaces the compiled list. */
    const char *ids = getenv("LEEC_SKILL_IDS");
    if (ids) {
        const char *why = NULL;
        int n = envparse_list(ids, s->skill_buf, 80, SETTINGS_MAX_SKILL_IDS, &why);
        if (n < 0) {
            snprintf(err, errlen, "LEEC_SKILL_IDS: %s", why ? why : "not a comma-separated list");
            return -1;
        }
        for (int i = 0; i < n; i++) {
            const char *id = s->skill_buf + (size_t)i * 80;
            if (strncmp(id, "amzn1.ask.skill.", 16) != 0) {
                snprintf(err, errlen, "LEEC_SKILL_IDS: item %d is not an Alexa skill ID", i + 1);
                return -1;
            }
            s->skill_ids[s->nskill_ids++] = id;
        }
    } else {
        for (size_t i = 0; i < d->n_skill_ids && i < SETTINGS_MAX_SKILL_IDS; i++)
            s->skill_ids[s->nskill_ids++] = d->skill_ids[i];
    }
    return 0;
}

int settings_load(struct settings *s, const struct settings_defaults *d, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    static const char *const all[] = {"LEEC_HA_URL",        "LEEC_HA_TOKEN",
                                      "LEEC_HA_TOKEN_SSM",  "LEEC_SKILL_IDS",
                                      "LEEC_SSM_ENDPOINT",  "LEEC_CA_BUNDLE",
                                      "BASE_URL",           "LONG_LIVED_ACCESS_TOKEN",
                                      "HOME_ASSISTANT_URL", "HOME_ASSISTANT_TOKEN",
                                      "LEEC_HA_PRECONNECT"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (too_long(all[i], getenv(all[i]), err, errlen))
            return -1;

    if (load_url(s, d, err, errlen) || load_tls(s, d, err, errlen) ||
        load_token(s, d, err, errlen) || load_skill_ids(s, d, err, errlen))
        return -1;
    /* false: no connection during init (the first request connects) */
    s->preconnect = true;
    if (flag("LEEC_HA_PRECONNECT", &s->preconnect, NULL, err, errlen))
        return -1;
    return 0;
}
