/* ssm: SSM Parameter Store GetParameter without an SDK.
 *
 * POST https://ssm.<region>.amazonaws.com/ (or settings.endpoint, e.g.
 * LEEC_SSM_ENDPOINT for tests) signed by libcurl (CURLOPT_AWS_SIGV4
 * "aws:amz:<region>:ssm"), headers X-Amz-Target: AmazonSSM.GetParameter,
 * Content-Type: application/x-amz-json-1.1 and x-amz-security-token (when a
 * session token is set; curl signs it). Body {"Name":..,"WithDecryption":true}.
 * One attempt, bounded by timeout_ms. Error text never contains credentials
 * (AWS's SignatureDoesNotMatch text quotes the canonical request, which holds
 * the session token: such text is withheld). No logging. */
#ifndef LEEC_SSM_H
#define LEEC_SSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ssm_settings {
    const char *region;   /* AWS_REGION */
    const char *endpoint; /* NULL: https://ssm.<region>.amazonaws.com/ ; http only to loopback */
    const char *access_key_id;     /* AWS_ACCESS_KEY_ID */
    const char *secret_access_key; /* AWS_SECRET_ACCESS_KEY */
    const char *session_token;     /* AWS_SESSION_TOKEN, optional */
    const char *ca_bundle;         /* optional */
    uint32_t timeout_ms;           /* 0: 3000 */
    uint32_t connect_timeout_ms;   /* 0: 1000 */
    size_t max_reply_bytes;        /* 0: 64 KiB (SSM values are <= 8 KiB) */
};

enum ssm_err_kind {
    SSM_OK = 0,
    SSM_ERR_CONFIG,    /* settings or name invalid */
    SSM_ERR_TRANSPORT, /* dns/connect/tls/reset */
    SSM_ERR_TIMEOUT,
    SSM_ERR_AWS,   /* HTTP error from SSM: type = __type (e.g. ParameterNotFound) */
    SSM_ERR_PARSE, /* 200 without Parameter.Value */
    SSM_ERR_NOMEM,
};

struct ssm_error {
    enum ssm_err_kind kind;
    long http_status;
    char type[64];     /* "ParameterNotFound", "AccessDeniedException", curl code name... */
    char message[256]; /* human-readable, credential-free */
};

#define SSM_MAX_NAME 2048

struct ssm_client;

/* Fills s from the environment (pointers into environ; s is zeroed first):
 * AWS_REGION (else AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, LEEC_SSM_ENDPOINT. */
void ssm_settings_from_env(struct ssm_settings *s);

struct ssm_client *ssm_client_new(const struct ssm_settings *s, struct ssm_error *err);
void ssm_client_free(struct ssm_client *c); /* wipes the credentials */

/* 0 and *value_out (malloc'd, free with ssm_value_free) on success;
 * -1 and err filled otherwise. */
int ssm_get_parameter(struct ssm_client *c, const char *name, char **value_out,
                      struct ssm_error *err);
void ssm_value_free(char *value);
/* The reply half of ssm_get_parameter (body of at most max_reply_bytes): the value of a
 * 200 {"Parameter":{"Value":...}}, else -1 with err from AWS's error JSON (messages
 * quoting c's credentials are withheld; c may be NULL). Separate for the fuzzer. */
int ssm_parse_reply(const struct ssm_client *c, long status, const char *body, size_t len,
                    char **value_out, struct ssm_error *err); /* zeroes, then frees */
const char *ssm_err_kind_name(enum ssm_err_kind k);

#endif
