/* endpoint_check: drops, from a Discover.Response or an AddOrUpdateReport, every
 * endpoint Alexa's Smart Home message schema rejects, so one broken Home Assistant
 * entity cannot empty the device list (Alexa discards a whole reply that fails its
 * schema). Each dropped endpoint gets one WARN line naming its endpointId and the
 * rule it breaks; the others are kept in order. At most ENDPOINT_CHECK_MAX endpoints
 * are kept (the schema's maxItems); later ones are dropped the same way.
 *
 * The rules are data: the tables in endpoint_check.c are Amazon's schema
 * (tests/conformance/alexa/validation_schemas/) written down as C, and
 * tests/unit/runtime/test_endpoint_check.c derives them from that schema again and
 * fails when the two disagree (docs/smart-home.md says why this is not compiled).
 * The check is bounded: each endpoint is walked once, strings once, and the
 * duplicate-id check compares with at most ENDPOINT_CHECK_MAX kept endpoints. */
#ifndef LEEC_ENDPOINT_CHECK_H
#define LEEC_ENDPOINT_CHECK_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define ENDPOINT_CHECK_MAX 300

/* The rule an endpoint breaks (written to why, "friendlyName: 1..128 characters"),
 * or false when the schema accepts it. */
bool endpoint_check_one(const cJSON *ep, char *why, size_t whylen);

/* The endpoints array of a Discover.Response / AddOrUpdateReport, NULL otherwise. */
cJSON *endpoint_check_endpoints(const cJSON *reply);

/* Drops IN PLACE every endpoint of reply's endpoints array that breaks a rule, is a
 * second endpoint with an id already kept, or comes after the 300th kept one; one
 * WARN line each. Returns how many were dropped (0: the tree is unchanged). */
size_t endpoint_check_reply(cJSON *reply);

/* The tables, for the test that compares them with Amazon's schema. */
struct endpoint_check_string {
    const char *field;   /* endpointId, manufacturerName, ... */
    unsigned min, max;   /* length in characters (code points), as JSON Schema counts */
    const char *pattern; /* the schema's pattern text, NULL: none */
};
struct endpoint_check_interface {
    const char *interface; /* "Alexa.PowerController" */
    const char *version;   /* the version as a string: "3" */
    long int_version;      /* the version as an integer: 3, or one of the two below */
    const char *required;  /* members required besides interface, type, version (blank-separated) */
    const char *supported; /* names properties.supported may list (blank-separated), NULL: any */
};
#define ENDPOINT_CHECK_NO_INT  (-1L) /* the version must be a string */
#define ENDPOINT_CHECK_ANY_INT (-2L) /* any integer version is accepted */

struct endpoint_check_tables {
    const char *const *required; /* the endpoint's required members */
    size_t n_required;
    const struct endpoint_check_string *strings;
    size_t n_strings;
    const char *const *categories;
    size_t n_categories;
    const char *const *connection_types;
    size_t n_connection_types;
    const char *const *connection_members;
    size_t n_connection_members;
    const char *const *attributes; /* additionalAttributes' members */
    size_t n_attributes;
    unsigned attribute_max;
    const char *capability_type; /* the enum of a known interface's "type" */
    const char *capability_type_pattern;
    const struct endpoint_check_interface *interfaces;
    size_t n_interfaces;
    unsigned max_endpoints;
};
const struct endpoint_check_tables *endpoint_check_tables(void);

#endif
