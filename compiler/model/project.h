/* project: the user's leec.yaml — preset, features, tiers and overrides, the Home
 * Assistant connection (secrets only by reference), Alexa skill IDs, discovery rules
 * and the free-tier budget inputs. Strings point into the YAML document. */
#ifndef LEEC_PROJECT_H
#define LEEC_PROJECT_H

#include "model/catalog.h"
#include "model/shape.h"

enum token_mode { TOKEN_ACCOUNT_LINKING, TOKEN_LONG_LIVED };

struct secret_ref {
    enum secret_kind kind;
    const char *name; /* environment variable or SSM parameter name */
    struct loc loc;
};

struct header_def {
    const char *name;
    struct secret_ref value;
};

struct name_pair { /* endpoint glob or id → value */
    const char *key;
    const char *value;
    struct loc loc;
};

struct project {
    const struct src_file *file;
    struct ydoc *doc;
    const char *preset;
    struct loc preset_loc;
    const char *fpreset;
    struct loc fpreset_loc;
    const char **features_add, **features_remove;
    struct loc *add_locs, *remove_locs;
    size_t nadd, nremove;
    struct tier_choice *tiers;
    size_t ntiers;
    struct iface_values *overrides;
    /* The fixed sections as read against schemas/project.yaml (model/shape.h), one item
     * per section in its order; the fields below are copied from it. */
    struct sval sections;
    /* home_assistant */
    const char *ha_url;
    struct loc ha_url_loc;
    bool allow_http;
    enum token_mode token_mode;
    struct secret_ref token;
    bool tls_verify;
    struct loc tls_verify_loc;
    const char *ca_bundle, *client_cert, *client_key;
    struct header_def *headers;
    size_t nheaders;
    /* alexa */
    const char **skill_ids;
    size_t nskill_ids;
    const char **include, **exclude;
    size_t ninclude, nexclude;
    struct name_pair *friendly_names, *categories, *remove_caps;
    size_t nfriendly, ncategories, nremove_caps;
    const char *tts_entity, *notify_target;
    const char **media_players;
    size_t nmedia_players;
    const char **languages; /* alexa.languages; none: every catalogue language */
    size_t nlanguages;
    /* budget */
    bool free_tier_metrics;
    struct loc free_tier_loc;
    double invocations_per_day;
    double avg_duration; /* seconds */
    bool has_usage;
    struct loc budget_loc;   /* invocations_per_day's value, else the budget map */
    bool allow_paid;         /* an estimate over the free tier is accepted */
    bool alarms;             /* alarms.enabled (default true) */
    const char *alarm_email; /* alarms.email, or NULL */
    struct loc allow_paid_loc;
};

/* Loads and checks a project file against the catalog. false after diagnostics;
 * *io_error set when the file could not be read. */
bool project_load(struct project *p, const struct catalog *cat, const char *path, struct diag *d,
                  int *io_error);
void project_free(struct project *p, const struct catalog *cat);
/* After a failed project_load: is enough of the file read to resolve it anyway (to
 * report the errors resolution finds too)? Values that failed are skipped. */
bool project_resolvable(const struct project *p);

#endif
