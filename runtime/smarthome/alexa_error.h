/* alexa_error: schema-valid Alexa Smart Home ErrorResponses.
 *
 * Every ErrorResponse leec sends goes through here. The output validates
 * against the official alexa_smart_home_message_schema.json (draft-04):
 *   event.header   {namespace, name "ErrorResponse", messageId (fresh UUID v4),
 *                   correlationToken (only when the directive had a non-empty,
 *                   valid one: the schema makes it optional but minLength 1),
 *                   payloadVersion "3"}
 *   event.endpoint {endpointId, scope} echoed when the directive's endpointId
 *                   matches the schema's pattern (scope only when it is a
 *                   BearerToken with a non-empty token)
 *   event.payload  {type, message}
 * No logging, no global state. */
#ifndef LEEC_ALEXA_ERROR_H
#define LEEC_ALEXA_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

/* X(enum suffix, namespace). Only types whose schema branch needs nothing
 * beyond {type, message}. */
#define ALEXA_ERROR_TYPES(X)                     \
    X(INVALID_DIRECTIVE, "Alexa")                \
    X(INVALID_AUTHORIZATION_CREDENTIAL, "Alexa") \
    X(EXPIRED_AUTHORIZATION_CREDENTIAL, "Alexa") \
    X(BRIDGE_UNREACHABLE, "Alexa")               \
    X(INTERNAL_ERROR, "Alexa")                   \
    X(ENDPOINT_UNREACHABLE, "Alexa")             \
    X(RATE_LIMIT_EXCEEDED, "Alexa")              \
    X(NO_SUCH_ENDPOINT, "Alexa")                 \
    X(INVALID_VALUE, "Alexa")                    \
    X(VALUE_OUT_OF_RANGE, "Alexa")               \
    X(TEMPERATURE_VALUE_OUT_OF_RANGE, "Alexa")   \
    X(INSUFFICIENT_PERMISSIONS, "Alexa")         \
    X(ENDPOINT_BUSY, "Alexa")                    \
    X(ENDPOINT_LOW_POWER, "Alexa")               \
    X(ALREADY_IN_OPERATION, "Alexa")             \
    X(NOT_IN_OPERATION, "Alexa")                 \
    X(NOT_CALIBRATED, "Alexa")                   \
    X(POWER_LEVEL_NOT_SUPPORTED, "Alexa")        \
    X(CLOUD_CONTROL_DISABLED, "Alexa")           \
    X(FIRMWARE_OUT_OF_DATE, "Alexa")             \
    X(HARDWARE_MALFUNCTION, "Alexa")             \
    X(TOO_MANY_FAILED_ATTEMPTS, "Alexa")         \
    X(PARTNER_OUTAGE, "Alexa")                   \
    X(ACCEPT_GRANT_FAILED, "Alexa.Authorization")

enum alexa_error_type {
#define ALEXA_ERR_ENUM_(n, ns) ALEXA_ERR_##n,
    ALEXA_ERROR_TYPES(ALEXA_ERR_ENUM_)
#undef ALEXA_ERR_ENUM_
        ALEXA_ERR_COUNT
};

#define ALEXA_ERROR_MESSAGE_MAX     512 /* bytes kept of a message (UTF-8 safe cut) */
#define ALEXA_CORRELATION_TOKEN_MAX 65536

const char *alexa_error_type_name(enum alexa_error_type t);      /* "BRIDGE_UNREACHABLE" */
const char *alexa_error_type_namespace(enum alexa_error_type t); /* "Alexa" */
/* ALEXA_ERR_* for (namespace_, type), or -1 when that pair is not supported. */
int alexa_error_type_lookup(const char *namespace_, const char *type);

/* Fresh random UUID v4 (getrandom(2)), lowercase, NUL-terminated. */
void alexa_uuid4(char out[37]);

/* malloc'd JSON text of an ErrorResponse; *len (if non-NULL) gets strlen.
 * directive_event: the whole incoming event ({"directive":{...}}), may be NULL
 * or malformed (then nothing is echoed). namespace_/type must be a supported
 * pair (see ALEXA_ERROR_TYPES); an unsupported pair is answered as
 * Alexa/INTERNAL_ERROR so the result is always schema-valid. message may be
 * NULL; it is cut at ALEXA_ERROR_MESSAGE_MAX bytes and invalid UTF-8 is
 * replaced by '?'. Returns NULL only when out of memory. */
char *alexa_error_response(const cJSON *directive_event, const char *namespace_, const char *type,
                           const char *message, size_t *len);

/* Same, by enum. */
char *alexa_error_response_t(const cJSON *directive_event, enum alexa_error_type t,
                             const char *message, size_t *len);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool alexa_utf8_valid(const char *s, size_t n);

#endif
