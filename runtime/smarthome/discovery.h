/* discovery: rewrite a Home Assistant Discover.Response.
 *
 * Rules come as plain arrays (the compiler emits them as static tables).
 * Endpoint selection is by fnmatch(3) globs on endpointId (HA's
 * "light#kitchen" form): exclude wins over include; an empty include list
 * means "all". Capability removals drop every capability whose `interface`
 * matches for endpoints matching the glob. Friendly-name and display-category
 * overrides are by exact endpointId (a category override replaces the whole
 * displayCategories array with one entry).
 *
 * If no rules are set (discovery_rules_empty), the caller must not parse at
 * all and passes Home Assistant's bytes through unchanged; smarthome_proxy
 * does exactly that. A reply that is not a Discover.Response is left
 * untouched (rewritten = false). */
#ifndef LEEC_DISCOVERY_RULES_H
#define LEEC_DISCOVERY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define DISCOVERY_ALEXA_MAX_ENDPOINTS 300

struct discovery_cap_removal {
    const char *endpoint_glob; /* "light#*" */
    const char *interface;     /* "Alexa.ColorController" (a glob too) */
};
struct discovery_name_override {
    const char *endpoint_id;
    const char *friendly_name;
};
struct discovery_category_override {
    const char *endpoint_id;
    const char *category; /* "LIGHT" */
};

struct discovery_rules {
    const char *const *include;
    size_t n_include;
    const char *const *exclude;
    size_t n_exclude;
    const struct discovery_cap_removal *cap_removals;
    size_t n_cap_removals;
    const struct discovery_name_override *names;
    size_t n_names;
    const struct discovery_category_override *categories;
    size_t n_categories;
};

struct discovery_result {
    char *json; /* malloc'd rewritten text; NULL when not rewritten */
    size_t len;
    bool rewritten;      /* false: not a Discover.Response, pass the original through */
    size_t count_before; /* endpoints in HA's reply */
    size_t count_after;  /* endpoints in the rewritten reply */
    bool over_limit;     /* count_after > 300 (Alexa ignores the excess) */
    size_t removed_capabilities;
};

bool discovery_rules_empty(const struct discovery_rules *r);

/* Rewrites `reply` IN PLACE (saves a copy of a possibly large tree) and
 * prints it into out->json. Returns 0, or -1 when out of memory. */
int discovery_rewrite(cJSON *reply, const struct discovery_rules *r, struct discovery_result *out);
/* Same from text (parsed with cJSON_ParseWithLength; unparsable → not rewritten). */
int discovery_rewrite_text(const char *text, size_t len, const struct discovery_rules *r,
                           struct discovery_result *out);
void discovery_result_free(struct discovery_result *out);

/* Discovery consistency: for a reply that carries an endpoint (Response, StateReport,
 * ChangeReport, ...), removes IN PLACE every property in context.properties and
 * event.payload.change.properties whose namespace a capability removal for that
 * endpoint matches (Alexa must not hear of an interface Discovery did not announce).
 * Returns the number removed (0: the tree is unchanged). */
size_t discovery_filter_properties(cJSON *reply, const struct discovery_rules *r);

/* True when `reply` is {"event":{"header":{"namespace":"Alexa.Discovery",
 * "name":"Discover.Response"},"payload":{"endpoints":[...]}}}. */
bool discovery_is_response(const cJSON *reply);

#endif
