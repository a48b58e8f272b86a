/* leec_abi: the fixed C types of the tables leec generates (leec_config.h), and
 * the version of that shape. Hand-written, like nanopb's pb.h: the generated header
 * includes this file, holds only per-project data (and the per-interface structs,
 * which are generated from schemas/), and stops the build with #error when it was
 * generated for another LEEC_ABI_VERSION_RUNTIME.
 *
 * Bump LEEC_ABI_VERSION_RUNTIME together with LEEC_ABI_VERSION in compiler/emit.h
 * whenever a type here, or the shape of a generated struct, changes. */
#ifndef LEEC_ABI_TYPES_H
#define LEEC_ABI_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEEC_ABI_VERSION_RUNTIME 2

/* home_assistant.token.mode */
enum leec_token_mode { LEEC_TOKEN_ACCOUNT_LINKING, LEEC_TOKEN_LONG_LIVED };

/* Where a secret is read at run time; the tables never hold a secret itself. */
enum leec_secret_source { LEEC_SECRET_NONE, LEEC_SECRET_ENV, LEEC_SECRET_SSM };

struct leec_secret_ref {
    enum leec_secret_source source;
    const char *name; /* variable or SSM parameter name, never the secret */
};

/* home_assistant.headers: at most LEEC_MAX_HEADERS (schemas/limits.yaml). */
struct leec_header_def {
    const char *name;
    struct leec_secret_ref value;
};

struct leec_name_pair {
    const char *key;
    const char *value;
};

/* The project file's home_assistant section. */
struct leec_ha_config {
    const char *url;
    bool allow_http;
    enum leec_token_mode token_mode;
    struct leec_secret_ref token;
    bool tls_verify;
    const char *ca_bundle;
    const char *client_cert;
    const char *client_key;
    const struct leec_header_def *headers;
    size_t headers_count;
};

/* The project file's alexa section. */
struct leec_alexa_config {
    const char *const *skill_ids;
    size_t skill_ids_count;
    const char *const *discovery_include;
    size_t discovery_include_count;
    const char *const *discovery_exclude;
    size_t discovery_exclude_count;
    const struct leec_name_pair *friendly_names;
    size_t friendly_names_count;
    const struct leec_name_pair *categories;
    size_t categories_count;
    const struct leec_name_pair *remove_capabilities; /* endpoint glob → interface */
    size_t remove_capabilities_count;
    const char *tts_entity;
    const char *const *media_players;
    size_t media_players_count;
    const char *notify_target;
    const char *const *languages; /* Custom-skill answer languages; none: all compiled in */
    size_t languages_count;
};

/* One CloudWatch metric the bootstrap can emit (leec_config.metric_defs). */
struct leec_metric_def {
    const char *name;
    const char *unit;
};

/* The tier each interface resolved from, for the health answer and logs. */
struct leec_tier_choice {
    const char *iface;
    const char *tier;
};

/* Budgets as leec computed them (bytes). */
struct leec_budget {
    uint64_t memory_estimate;
    uint64_t memory_limit;
    uint64_t memory_baseline;
    size_t metric_count;
};

#endif
