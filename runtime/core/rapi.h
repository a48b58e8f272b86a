/* rapi: the AWS Lambda Runtime API client (docs/runtime.md; the contract is AWS's Lambda Runtime API).
 *
 * One libcurl easy handle for the process lifetime: curl_easy_reset between
 * calls keeps the connection cache, so every call reuses one keep-alive
 * connection. Proxy variables are ignored (NOPROXY "*"). GET /next has no
 * timeout of any kind (the process may be frozen inside it for minutes); only
 * the connect step is bounded. POSTs send an empty `Expect:` (no 100-continue
 * round trip), `Content-Type: application/json` and `Content-Length`.
 *
 * Caps: the event body is capped at max_event_bytes (a larger event is drained
 * and flagged too_large, so the caller answers an invocation error); every
 * header value has a fixed cap; a response above RAPI_MAX_RESPONSE_BYTES is
 * refused locally. Not thread-safe: one struct rapi per process. */
#ifndef LEEC_RAPI_H
#define LEEC_RAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/dynbuf.h"

#include <curl/curl.h>

/* Lambda's limit on a response payload: 6 MiB + 100 B. */
#define RAPI_MAX_RESPONSE_BYTES 6291556u
/* Suggested bound for retrying /next after RAPI_ETRANSPORT before exiting non-zero. */
#define RAPI_NEXT_RETRIES       3

enum rapi_status {
    RAPI_OK = 0,
    RAPI_ETRANSPORT =
        -1,           /* no HTTP answer (connect/IO error): retry /next a bounded number of times */
    RAPI_EPROTO = -2, /* unexpected HTTP status, missing or invalid request id */
    RAPI_ETOOLARGE =
        -3, /* response over RAPI_MAX_RESPONSE_BYTES (refused locally or 413): post an error */
    RAPI_EFATAL = -4, /* HTTP 500 from the Runtime API: exit now */
    RAPI_ENOMEM = -5,
    RAPI_EINVAL = -6 /* bad argument (host_port, request id, NULL) */
};

/* Header value caps (bytes, including the NUL). A longer value is dropped and
 * header_truncated set; a request id that does not fit is RAPI_EPROTO. */
#define RAPI_ID_MAX    128
#define RAPI_ARN_MAX   256
#define RAPI_TRACE_MAX 512
#define RAPI_CTX_MAX   4096 /* Lambda caps client context at 3583 bytes (base64) */

struct rapi_invocation {
    char request_id[RAPI_ID_MAX];
    int64_t deadline_ms; /* epoch milliseconds; 0 when missing or not a number */
    char invoked_function_arn[RAPI_ARN_MAX];
    char trace_id[RAPI_TRACE_MAX];       /* "" when absent */
    char client_context[RAPI_CTX_MAX];   /* "" when absent */
    char cognito_identity[RAPI_CTX_MAX]; /* "" when absent */
    char tenant_id[RAPI_ID_MAX];         /* "" when absent */
    const char *event; /* NUL-terminated, owned by struct rapi; valid until the next rapi_next */
    size_t event_len;
    bool too_large;        /* event exceeded max_event_bytes: drained, event is "" */
    bool header_truncated; /* some known header was longer than its cap and dropped */
};

/* Private state: use the functions below, not the fields. */
struct rapi {
    CURL *curl;
    char base[320];      /* http://host:port/2018-06-01/runtime/ */
    struct dynbuf event; /* event body (cap max_event_bytes), reused */
    bool too_large;
    struct rapi_invocation *cur;
    struct dynbuf resp; /* start of the last POST answer (RAPI_RESP_KEEP bytes), for diagnostics */
    char errbuf[CURL_ERROR_SIZE];
};

/* host_port is AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001"). Returns RAPI_OK,
 * RAPI_EINVAL or RAPI_ENOMEM; on failure nothing needs cleaning up. */
int rapi_init(struct rapi *r, const char *host_port, size_t max_event_bytes);

/* GET /runtime/invocation/next (blocks, no timeout). RAPI_OK: inv is filled (check
 * inv->too_large). RAPI_ETRANSPORT: retry boundedly. RAPI_EFATAL: 500, exit.
 * RAPI_EPROTO: other status, or no valid request id. */
int rapi_next(struct rapi *r, struct rapi_invocation *inv);

/* POST /runtime/invocation/{id}/response. RAPI_OK on 202; RAPI_ETOOLARGE when
 * len > RAPI_MAX_RESPONSE_BYTES (nothing sent) or on 413: post an error instead;
 * RAPI_EFATAL on 500. */
int rapi_respond(struct rapi *r, const char *request_id, const char *body, size_t len);

/* POST /runtime/invocation/{id}/error with header Lambda-Runtime-Function-Error-Type
 * and body {"errorMessage":message,"errorType":error_type,"stackTrace":[]}.
 * error_type is "Category.Reason" (NULL/empty: "Runtime.Unknown"). RAPI_EFATAL on 500. */
int rapi_error(struct rapi *r, const char *request_id, const char *error_type, const char *message);

/* POST /runtime/init/error (same header and body); the caller exits afterwards. */
int rapi_init_error(struct rapi *r, const char *error_type, const char *message);

/* Sets _X_AMZN_TRACE_ID from inv->trace_id, or unsets it when absent. */
void rapi_set_trace_env(const struct rapi_invocation *inv);

/* Last transport error text ("" if none), for logs. */
const char *rapi_last_error(const struct rapi *r);
const char *rapi_strerror(int status);

void rapi_cleanup(struct rapi *r);

#endif
