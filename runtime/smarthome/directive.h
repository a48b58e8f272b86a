/* directive: read-only inspection of an Alexa Smart Home event.
 *
 * Pointers in struct sh_directive point into the caller's cJSON tree and are
 * valid as long as that tree is. Classification order: directive shape
 * (NO_DIRECTIVE / MALFORMED / BAD_PAYLOAD_VERSION) first, then the token
 * (NO_TOKEN / BAD_TOKEN_TYPE); the token class lets a caller in a
 * long-lived-token mode carry on. Token lookup order (as Home Assistant's own
 * Lambda does): directive.endpoint.scope, directive.payload.grantee
 * (AcceptGrant), directive.payload.scope (Discover); the first of those
 * objects that exists decides, and its `type` must be "BearerToken". */
#ifndef LEEC_SMARTHOME_DIRECTIVE_H
#define LEEC_SMARTHOME_DIRECTIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

enum sh_class {
    SH_OK = 0,
    SH_NO_DIRECTIVE,        /* not an object, or no "directive" object */
    SH_MALFORMED,           /* directive without header/namespace/name strings */
    SH_BAD_PAYLOAD_VERSION, /* header.payloadVersion missing or != "3" */
    SH_NO_TOKEN,            /* no scope object / token missing or empty */
    SH_BAD_TOKEN_TYPE,      /* scope.type != "BearerToken" */
};

#define SH_TOKEN_MAX 8192 /* longer tokens are treated as NO_TOKEN */

struct sh_directive {
    enum sh_class cls;
    const cJSON *directive, *header, *endpoint, *payload; /* NULL if absent */
    const char *namespace_, *name, *payload_version, *message_id;
    const char *correlation_token; /* NULL if absent */
    const char *endpoint_id;       /* NULL if absent */
    const char *token;             /* NULL unless a BearerToken was found */
    const char *token_source; /* "endpoint.scope" | "payload.grantee" | "payload.scope" | NULL */
    bool is_accept_grant;     /* Alexa.Authorization / AcceptGrant */
    bool is_discovery;        /* Alexa.Discovery / Discover */
};

void sh_directive_inspect(const cJSON *event, struct sh_directive *out);
const char *sh_class_name(enum sh_class c); /* "ok", "no_directive", ... */

/* True when token is a JWT whose payload has a numeric `exp` <= now.
 * Only decodes (base64url) the payload; no signature check. Garbage → false. */
bool jwt_visibly_expired(const char *token, uint64_t now_epoch_s);

#endif
