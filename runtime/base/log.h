/* log: the process-wide structured logger (a singleton: the one piece of
 * global mutable state the runtime has besides the test clock).
 *
 * One record = one line, written with a single fwrite + fflush.
 * JSON (the keys, JSON types and formats of @aws-lambda-powertools/logger;
 * tests/e2e/test_powertools.py compares a line with the real package's):
 *   {"level":"INFO","timestamp":"2026-01-02T03:04:05.678Z","service":"..",
 *    "sampling_rate":0,"function_name":"..","function_version":"..",
 *    "function_memory_size":"128","cold_start":true,"function_request_id":"..",
 *    "function_arn":"arn:aws:lambda:..","xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793",
 *    "location":"file.c:12","message":"..", <fields>, "truncated":true}
 *    "correlation_id":"..",
 *   (invocation keys only between log_begin/end_invocation; xray_trace_id is
 *   the Root id of the trace header, omitted without one; correlation_id is the
 *   Alexa message / request id (log_set_correlation_id), omitted before it is
 *   known; location only with caller_info; truncated only when the line cap cut
 *   something; sampling_rate is the configured sample rate, see Sampling.)
 * An error (LOG_ERR) is Powertools' error object:
 *   "error":{"name":"Runtime.InvalidEvent","location":"app.c:190",
 *            "message":"..","stack":"Runtime.InvalidEvent: ..\n    at app.c:190"}
 *   (location: the C file:line of the log call; stack: one frame, Node's shape).
 * TEXT: timestamp LEVEL request_id message key="value" key=12 ...
 *
 * Lines never exceed line_cap bytes (newline included): values are cut at a
 * character boundary, later fields dropped, "truncated":true added, and the
 * line stays valid JSON. There is no line counter: logging never goes silent
 * (the original stopped after ~55 requests).
 *
 * Sampling (Powertools' POWERTOOLS_LOGGER_SAMPLE_RATE): with a sample rate r > 0,
 * each invocation is, with probability r, logged at DEBUG whatever the level.
 *
 * DEBUG buffer (Powertools' log buffer): with debug_buffer > 0 bytes, the DEBUG lines
 * of an invocation that the level would drop are written, redacted and capped like
 * any line, into a buffer of that size (the oldest lines go when it is full) and
 * reach the output only when the invocation fails: before its first ERROR line, or
 * at log_end_invocation after log_invocation_failed. Otherwise they are discarded.
 *
 * Redaction, applied to every message, key and string value (also inside
 * LOG_JSON trees) before truncation, at every level:
 *  - registered secrets (log_add_secret, log_add_invocation_secret) -> [REDACTED]
 *  - "Bearer xxx" / "Basic xxx" -> "Bearer [REDACTED]"
 *  - a field, JSON member or "key":"value" text whose key contains
 *    (case-insensitive) authorization, token, secret, password, cookie,
 *    x-amz-security-token, cf-access-client-secret, api_key or apikey -> [REDACTED]
 */
#ifndef LEEC_LOG_H
#define LEEC_LOG_H

#include "base/redact.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LOG_LINE_MIN        512u   /* smallest line cap log_init accepts */
#define LOG_LINE_MAX        65536u /* largest; the line buffer is static */
#define LOG_LINE_DEFAULT    8192u  /* before log_init */
#define LOG_SECRETS_MAX     REDACT_SECRETS_MAX
#define LOG_INV_SECRETS_MAX REDACT_INV_SECRETS_MAX
#define LOG_SECRET_LEN_MAX  REDACT_SECRET_LEN_MAX

enum log_level {
    LOG_LEVEL_TRACE,
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_FATAL,
};

enum log_format { LOG_FORMAT_JSON, LOG_FORMAT_TEXT };

struct log_settings {
    const char *service;              /* copied, capped at 64 bytes */
    const char *function_name;        /* copied, capped at 64 bytes; NULL: omitted */
    const char *function_version;     /* copied, capped at 32 bytes; NULL: omitted */
    const char *function_memory_size; /* MB as text ("128"), capped at 15 bytes; NULL: omitted */
    enum log_level min_level;
    enum log_format format;
    size_t line_cap;     /* LOG_LINE_MIN..LOG_LINE_MAX */
    bool caller_info;    /* "location":"file.c:line" */
    double sample_rate;  /* 0..1: share of invocations logged at DEBUG */
    size_t debug_buffer; /* bytes of DEBUG lines held per invocation (0: none), <= LOG_BUFFER_MAX */
};

#define LOG_BUFFER_MAX (1u << 20)

/* -1 (settings unchanged) on an invalid level, format, line cap, sample rate or
 * buffer size, or when the buffer cannot be allocated. Keeps the output stream and
 * the registered secrets. */
int log_init(const struct log_settings *s);

/* Honours AWS_LAMBDA_LOG_FORMAT (Text|JSON) and AWS_LAMBDA_LOG_LEVEL
 * (TRACE..FATAL), case-insensitive, and POWERTOOLS_LOGGER_SAMPLE_RATE (a number
 * from 0 to 1), when set. 0 ok; -1 invalid level, -2 invalid format, -3 invalid
 * sample rate (start-up error); nothing is changed on error. */
int log_apply_env(void);
double log_sample_rate(void);

/* Output stream (NULL: stdout). Tests use open_memstream. */
void log_set_output(FILE *out);

/* Forgets all secrets and settings (back to the defaults); frees memory. */
void log_shutdown(void);

/* Registers a secret value (copied). -1 if empty, too long or the table is
 * full. Process secrets stay until log_remove_secret or log_shutdown; invocation
 * secrets (e.g. the linked-account token of a directive) until log_end_invocation.
 * A full table is an error, never silent: an ERROR line says so and, until the
 * secret could have left the logs (log_end_invocation for the invocation table,
 * log_shutdown for the process table), every string field and JSON field value of
 * every line is written as [REDACTED] (messages and numbers stay). */
int log_add_secret(const char *value);
int log_add_invocation_secret(const char *value);
/* Forgets (and wipes) a process secret that is no longer needed, e.g. an SSM
 * token two rotations old. 0 when it was registered, -1 otherwise. */
int log_remove_secret(const char *value);
/* Registers, as invocation secrets, every non-empty string under one of Alexa's
 * token members (token, accessToken, apiAccessToken, consentToken) whatever its
 * length, every string of at least 8 bytes under another sensitive key (see the key
 * rule) anywhere in an event, and the code of an
 * AcceptGrant's grant: call it before any line about the event is written, so a
 * token repeated elsewhere (a payload field, a member name, the endpointId, a
 * second scope) is redacted there too. -1 when one did not fit (see above). */
int log_add_event_secrets(const cJSON *event);
/* Redacts src[0..n) by every rule above, then cuts the result at a character
 * boundary to fit cap bytes (NUL included) - redaction first, so no prefix of a
 * secret survives a cut. Returns the length written. For text kept in a
 * fixed-size buffer before it is logged (a note, an error message). */
size_t log_redact_copy(char *dst, size_t cap, const char *src, size_t n);

/* Per-invocation context (copied; capped at 64 / 128 bytes). Draws the sampling
 * decision. log_end_invocation writes the DEBUG buffer when the invocation failed
 * (log_invocation_failed or an ERROR line) and empties it. */
void log_begin_invocation(const char *request_id, const char *xray_trace_id, bool cold_start);
void log_end_invocation(void);
/* The invocation's correlation id (copied, capped at 128 bytes; NULL or "": none):
 * a Smart Home directive's header.messageId, a Custom-skill request.requestId. */
void log_set_correlation_id(const char *id);
/* The invocation ends in an error (an Alexa error answer, an invocation error). */
void log_invocation_failed(void);
/* This invocation was sampled (logged at DEBUG). */
bool log_sampled(void);
/* The invocation's function ARN (Lambda-Runtime-Invoked-Function-Arn; copied,
 * capped at 255 bytes; NULL or "": omitted); call after log_begin_invocation,
 * forgotten by log_end_invocation. */
void log_set_function_arn(const char *function_arn);

/* Level shedding: memory pressure raises the minimum level. */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
bool log_enabled(enum log_level lvl);
const char *log_level_name(enum log_level lvl); /* "TRACE".."FATAL" */
int log_level_parse(const char *s, enum log_level *out);

/* Fields. */
enum log_field_type {
    LOG_FT_END,
    LOG_FT_STR,  /* NUL-terminated; NULL prints null */
    LOG_FT_STRN, /* n bytes */
    LOG_FT_INT,
    LOG_FT_UINT,
    LOG_FT_DBL,
    LOG_FT_BOOL,
    LOG_FT_JSON,  /* const cJSON *, printed redacted */
    LOG_FT_ERROR, /* "error": {name, location, message, stack}; see LOG_ERR */
};

struct log_field {
    const char *key;
    enum log_field_type type;
    size_t n;
    union {
        const char *s;
        long long i;
        unsigned long long u;
        double d;
        bool b;
        const cJSON *j;
    } v;
    const char *name; /* LOG_FT_ERROR: the error's name */
    const char *file; /* LOG_FT_ERROR: the call's file (n: its line) */
};

#define LOG_STR(k, x) ((struct log_field){.key = (k), .type = LOG_FT_STR, .v.s = (x)})
#define LOG_STRN(k, x, len) \
    ((struct log_field){.key = (k), .type = LOG_FT_STRN, .n = (len), .v.s = (x)})
#define LOG_INT(k, x)  ((struct log_field){.key = (k), .type = LOG_FT_INT, .v.i = (x)})
#define LOG_UINT(k, x) ((struct log_field){.key = (k), .type = LOG_FT_UINT, .v.u = (x)})
#define LOG_DBL(k, x)  ((struct log_field){.key = (k), .type = LOG_FT_DBL, .v.d = (x)})
#define LOG_BOOL(k, x) ((struct log_field){.key = (k), .type = LOG_FT_BOOL, .v.b = (x)})
#define LOG_JSON(k, x) ((struct log_field){.key = (k), .type = LOG_FT_JSON, .v.j = (x)})
#define LOG_END        ((struct log_field){.key = NULL, .type = LOG_FT_END})

/* An error, as Powertools logs one: LOG_ERR("Runtime.InvalidEvent", why). The
 * location is the line of the LOG_ERR (the log call). */
#define LOG_ERR(nm, msg)                      \
    ((struct log_field){.key = "error",       \
                        .type = LOG_FT_ERROR, \
                        .v.s = (msg),         \
                        .name = (nm),         \
                        .file = __FILE__,     \
                        .n = __LINE__})

/* The fields follow msg and end with LOG_END (the LOG_xxx macros add it).
 * Fields named like a reserved key (level, message, ...) get a "field_" prefix. */
void log_emit(enum log_level lvl, const char *msg, ...);
void log_emit_at(enum log_level lvl, const char *file, int line, const char *msg, ...);
void log_emit_fields(enum log_level lvl, const char *file, int line, const char *msg,
                     const struct log_field *fields, size_t nfields);

/*   LOG_INFO("ha call", LOG_STR("endpoint", ep), LOG_INT("status", 200));
 * Arguments are not evaluated when the level is disabled. */
#define LOG_AT(lvl, ...)                                                  \
    do {                                                                  \
        if (log_enabled(lvl))                                             \
            log_emit_at((lvl), __FILE__, __LINE__, __VA_ARGS__, LOG_END); \
    } while (0)
#define LOG_TRACE(...) LOG_AT(LOG_LEVEL_TRACE, __VA_ARGS__)
#define LOG_DEBUG(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_INFO(...)  LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_WARN(...)  LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_ERROR(...) LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_FATAL(...) LOG_AT(LOG_LEVEL_FATAL, __VA_ARGS__)

/* One line per invocation, at INFO, message "invocation". NULL strings and a
 * zero ha_status are omitted. */
struct log_summary {
    const char *kind;      /* smart_home, custom_skill, health, unknown */
    const char *namespace; /* directive namespace / request type */
    const char *name;      /* directive name / intent */
    const char *endpoint_id;
    int ha_status; /* HTTP status from Home Assistant, 0: no call */
    uint64_t bytes_in, bytes_out, duration_ms;
    const char *error_type; /* mapped Alexa error type, NULL: success */
};
void log_summary(const struct log_summary *s);

/* Redacts a JSON tree in place (pass a copy: cJSON_Duplicate): members with a
 * sensitive key become "[REDACTED]", strings are scanned for secrets and
 * Bearer tokens. -1 on allocation failure (the tree is then partly redacted). */
int log_redact_json(cJSON *obj);

#endif
