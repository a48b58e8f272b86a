/* request: the Alexa Custom-skill request and response, without Home
 * Assistant and without the compiled tables (so the fuzzer links it alone).
 *
 * Request (https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html):
 *   {"version":"1.0","session":{...,"application":{"applicationId"},"attributes":{..}},
 *    "context":{"System":{"application":{"applicationId"},"user":{"accessToken"}}},
 *    "request":{"type","requestId","timestamp","locale","intent":{"name","slots":{..}}}}
 * cs_request_parse() points into the caller's cJSON tree (no copies); strings
 * longer than CS_VALUE_MAX bytes are refused, at most CS_SLOT_MAX slots are kept.
 *
 * Validation (cs_validate), in this order, Home Assistant never called on a refusal:
 *   version "1.0"                      else CS_BAD_VERSION
 *   request.type known                 else CS_BAD_TYPE
 *   applicationId (context.System or session) in the allowed list; no list and
 *   strict validation                  → CS_NO_SKILL_IDS; missing → CS_NO_APP_ID;
 *   not in the list                    → CS_WRONG_APP_ID
 *   timestamp parses and |now - ts| <= tolerance, else CS_BAD_TIMESTAMP / CS_STALE
 *
 * Response: {"version":"1.0","sessionAttributes":{..},"response":{"outputSpeech":
 *   {"type":"PlainText","text"} | {"type":"SSML","ssml":"<speak>..</speak>"},
 *   "reprompt":{"outputSpeech":..}, "shouldEndSession":bool}}. */
#ifndef LEEC_CUSTOM_SKILL_H
#define LEEC_CUSTOM_SKILL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CS_SLOT_MAX   8u
#define CS_VALUE_MAX  1024u /* longest accepted string in the request (ids, slot values) */
#define CS_TOKEN_MAX  8192u /* longest accepted accessToken */
#define CS_SPEECH_MAX 6000u /* spoken text is cut (at a character boundary) beyond this */

enum cs_type {
    CS_LAUNCH,
    CS_INTENT,
    CS_SESSION_ENDED,
    CS_CAN_FULFILL,
    CS_OTHER, /* System.ExceptionEncountered, AudioPlayer.*, ...: answered empty */
};

struct cs_slot {
    const char *name;
    const char *value;       /* what Alexa heard; NULL when not filled */
    const char *resolved;    /* first entity-resolution value name (ER_SUCCESS_MATCH), or NULL */
    const char *resolved_id; /* that value's id (language-independent), or NULL */
};

struct cs_request {
    const char *version;
    const char *type_name;
    enum cs_type type;
    const char *request_id, *timestamp, *locale;
    const char *intent; /* IntentRequest / CanFulfillIntentRequest */
    struct cs_slot slots[CS_SLOT_MAX];
    size_t nslots;
    const char *application_id;
    const char *access_token;        /* secret: never log */
    const cJSON *session_attributes; /* object or NULL */
    bool session_new;
    const char *session_id; /* session.sessionId, or NULL */
};

enum cs_reject {
    CS_OK = 0,
    CS_MALFORMED, /* not an object, request not an object, over-long strings */
    CS_BAD_VERSION,
    CS_BAD_TYPE,
    CS_NO_SKILL_IDS, /* strict validation and no allowed skill IDs configured */
    CS_NO_APP_ID,
    CS_WRONG_APP_ID,
    CS_BAD_TIMESTAMP,
    CS_STALE,
};

struct cs_policy {
    const char *const *skill_ids;
    size_t nskill_ids;
    bool strict;           /* no skill IDs configured → refuse (else accept any) */
    uint64_t tolerance_ms; /* 0: 150000 */
};

/* Fills out from event (pointers into it). Returns CS_OK or CS_MALFORMED. */
enum cs_reject cs_request_parse(const cJSON *event, struct cs_request *out);
enum cs_reject cs_validate(const struct cs_request *r, const struct cs_policy *p,
                           uint64_t now_epoch_ms);
const char *cs_reject_name(enum cs_reject r); /* "wrong_application_id", ... */

/* The slot's resolved value, else its spoken value; NULL when absent or empty. */
const char *cs_slot(const struct cs_request *r, const char *name);
/* The resolved value's id (e.g. "on" for "an", "allume", "enciende"), else cs_slot(). */
const char *cs_slot_id(const struct cs_request *r, const char *name);
/* The spoken value only (e.g. for AMAZON.DURATION, AMAZON.SearchQuery). */
const char *cs_slot_raw(const struct cs_request *r, const char *name);

/* "2026-11-22T10:00:00Z", optional fraction, "Z" or "+00:00". 0 ok, -1 bad. */
int cs_parse_timestamp(const char *iso, uint64_t *epoch_ms);

/* SSML text escaping of & < > " ' (the rest copied). Returns the length
 * written (NUL-terminated, never more than outlen-1 bytes, never a cut escape
 * or a cut UTF-8 sequence). */
size_t cs_ssml_escape(const char *in, char *out, size_t outlen);

struct cs_answer {
    const char *speech;   /* plain text; capped at CS_SPEECH_MAX */
    bool ssml;            /* send as SSML (escaped) instead of PlainText */
    const char *reprompt; /* non-NULL: reprompt (the session stays open) */
    bool end_session;
    const cJSON *session_attributes; /* copied into the answer; NULL: none */
    bool empty;                      /* {"version":"1.0","response":{}} (SessionEndedRequest) */
    const char *can_fulfill;         /* "YES"/"NO"/"MAYBE": CanFulfillIntentRequest answer */
    bool link_account;               /* add a LinkAccount card (no usable token) */
};

/* malloc'd JSON (caller frees) and its length; NULL when out of memory. */
char *cs_response_build(const struct cs_answer *a, size_t *len);

#endif
