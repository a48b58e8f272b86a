/* ha_client: HTTP(S) client to Home Assistant on one reusable curl handle.
 *
 * One easy handle per client: connections (keep-alive) and TLS sessions are
 * reused across calls (curl_easy_reset keeps both). Rules:
 *  - total time of a call <= budget_ms, connect <= connect_timeout_ms;
 *  - never a second request once request bytes may have reached the server;
 *    at most ONE retry, only for a failure before the connection existed
 *    (resolve failure, refused, connect timeout with nothing sent), and only
 *    when time remains;
 *  - the request body is fed by a read callback that refuses to rewind once
 *    it has been handed over completely, so libcurl's own silent resend on a
 *    reused connection that died cannot duplicate a POST;
 *  - replies capped at max_reply_bytes (HA_REPLY_TOO_LARGE);
 *  - proxies from the environment are honoured; no redirects; HTTP/1.1;
 *    "Expect: 100-continue" disabled;
 *  - the Authorization header is built per call (stack buffer, curl's copy
 *    zeroed after the call) and never appears in a result; extra header
 *    values are secrets and never appear in any diagnostic text.
 * No logging; the caller logs struct ha_result. */
#ifndef LEEC_HA_CLIENT_H
#define LEEC_HA_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ha_header {
    const char *name;  /* e.g. "CF-Access-Client-Id" */
    const char *value; /* secret */
};

struct ha_settings {
    const char *base_url;  /* https://host[:port][/prefix]; http only for loopback or allow_http */
    const char *ca_bundle; /* optional PEM file (CURLOPT_CAINFO; the system CA path stays) */
    const char *client_cert;         /* optional mTLS certificate (PEM) */
    const char *client_key;          /* optional mTLS key (PEM) */
    bool insecure;                   /* explicit opt-in: no certificate/host verification */
    bool allow_http;                 /* allow http:// to a non-loopback host */
    const struct ha_header *headers; /* extra headers, n_headers of them */
    size_t n_headers;
    const char *user_agent;      /* NULL: "leec/<LEEC_VERSION>" */
    uint32_t connect_timeout_ms; /* 0: 2000 */
    size_t max_reply_bytes;      /* 0: 4 MiB */
    uint32_t max_idle_conn_s;    /* don't reuse connections idle longer; 0: 30 */
    bool no_connect_retry;       /* http.connect_retries = 0: never a second connect attempt */
};

#define HA_MAX_HEADERS     8
#define HA_MAX_URL         2048
#define HA_MAX_TOKEN       8192
#define HA_MAX_HEADER_LINE 4096

enum ha_outcome {
    HA_OK = 0,          /* 2xx */
    HA_HTTP_ERROR,      /* any other status; http_status set */
    HA_CONNECT_FAILED,  /* refused / unreachable */
    HA_DNS_FAILED,      /* host (or proxy) not resolved */
    HA_TLS_FAILED,      /* handshake or verification */
    HA_TIMEOUT,         /* budget or connect timeout reached */
    HA_RESET,           /* reset, closed, empty or garbled reply */
    HA_REPLY_TOO_LARGE, /* body > max_reply_bytes */
    HA_INVALID,         /* bad arguments (path, token) or local failure; nothing sent */
};

struct ha_result {
    enum ha_outcome outcome;
    long http_status; /* 0 when no status line was received */
    char *body;       /* malloc'd, NUL-terminated, owned by the caller (ha_result_free) */
    size_t body_len;
    char content_type[128];
    unsigned attempts; /* 0 (not tried), 1 or 2 */
    uint32_t connect_ms;
    uint32_t total_ms;     /* all attempts */
    bool bytes_sent_maybe; /* request bytes may have reached the server: libcurl was about
                          * to send (CURLOPT_PREREQFUNCTION ran), counted request bytes or
                          * took body bytes; decided this way, never from the error's
                          * category. When set, the outcome is never HA_INVALID. */
    int curl_code;         /* CURLcode of the last attempt */
    char error[256];       /* curl's message; never contains headers or the token */
};

struct ha_client;

/* Validates settings and copies everything it keeps. On failure returns NULL
 * and writes a reason (no secrets) to err. */
struct ha_client *ha_client_new(const struct ha_settings *s, char *err, size_t errlen);
void ha_client_free(struct ha_client *c);

/* path is appended to base_url ("/api/alexa/smart_home"). bearer_token may
 * be NULL (no Authorization header). Returns 0 when the outcome is HA_OK,
 * -1 otherwise; res is always filled (free with ha_result_free). */
int ha_client_post_json(struct ha_client *c, const char *path, const char *bearer_token,
                        const char *body, size_t len, uint64_t budget_ms, struct ha_result *res);
int ha_client_get(struct ha_client *c, const char *path, const char *bearer_token,
                  uint64_t budget_ms, struct ha_result *res);
/* Resolves the host and connects (TLS handshake and verification included) without
 * sending anything, within budget_ms: the next request on this client reuses the
 * connection if it is still in place (an idle connection is checked before any byte
 * of a request leaves; a closed one is replaced by a new connection). Called during
 * Lambda's init, which runs at a full CPU. 0 when connected; res says what failed
 * (bytes_sent_maybe is never set: no request exists). */
int ha_client_preconnect(struct ha_client *c, uint64_t budget_ms, struct ha_result *res);
void ha_result_free(struct ha_result *res);

const char *ha_outcome_name(enum ha_outcome o); /* "ok", "http_error", ... */

/* True for 127.0.0.0/8, ::1, [::1] and "localhost". */
bool ha_host_is_loopback(const char *host);

#endif
