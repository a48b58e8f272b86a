/* rapi: the Lambda Runtime API client. See rapi.h. */
#include "core/rapi.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RAPI_CONNECT_TIMEOUT_MS 2000L
#define RAPI_ERROR_TYPE_MAX     128
#define RAPI_INITIAL_BUF        (64u * 1024u)
#define RAPI_RESP_KEEP          255u

static const char empty_event[] = "";

const char *rapi_strerror(int status)
{
    switch (status) {
    case RAPI_OK:
        return "ok";
    case RAPI_ETRANSPORT:
        return "Runtime API transport error";
    case RAPI_EPROTO:
        return "unexpected Runtime API answer";
    case RAPI_ETOOLARGE:
        return "payload too large";
    case RAPI_EFATAL:
        return "Runtime API asked the runtime to exit";
    case RAPI_ENOMEM:
        return "out of memory";
    case RAPI_EINVAL:
        return "invalid argument";
    default:
        return "unknown error";
    }
}

const char *rapi_last_error(const struct rapi *r) { return r->errbuf; }

/* A request id goes into a URL path: accept only a conservative alphabet. */
static bool valid_request_id(const char *id)
{
    size_t n = 0;
    if (id == NULL || *id == '\0')
        return false;
    for (const char *p = id; *p; p++, n++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok || n + 1 >= RAPI_ID_MAX)
            return false;
    }
    return true;
}

int rapi_init(struct rapi *r, const char *host_port, size_t max_event_bytes)
{
    if (r == NULL)
        return RAPI_EINVAL;
    memset(r, 0, sizeof *r);
    if (host_port == NULL || *host_port == '\0' || max_event_bytes == 0 ||
        max_event_bytes >= SIZE_MAX / 2)
        return RAPI_EINVAL;
    for (const char *p = host_port; *p; p++)
        if (*p == '/' || *p == '?' || *p == '#' || *p == '@' || (unsigned char)*p <= ' ' ||
            (unsigned char)*p >= 0x7f)
            return RAPI_EINVAL;
    int n = snprintf(r->base, sizeof r->base, "http://%s/2018-06-01/runtime/", host_port);
    if (n < 0 || (size_t)n >= sizeof r->base - 64)
        return RAPI_EINVAL;
    dynbuf_init(&r->event, max_event_bytes);
    dynbuf_init(&r->resp, RAPI_RESP_KEEP);
    /* the event buffer is allocated once here and reused (dynbuf_reset keeps it) */
    size_t first = max_event_bytes < RAPI_INITIAL_BUF ? max_event_bytes : RAPI_INITIAL_BUF;
    if (dynbuf_reserve(&r->event, first) != DYNBUF_OK)
        return RAPI_ENOMEM;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dynbuf_free(&r->event);
        return RAPI_ENOMEM;
    }
    r->curl = curl_easy_init();
    if (r->curl == NULL) {
        curl_global_cleanup();
        dynbuf_free(&r->event);
        return RAPI_ENOMEM;
    }
    return RAPI_OK;
}

void rapi_cleanup(struct rapi *r)
{
    if (r == NULL)
        return;
    if (r->curl != NULL) {
        curl_easy_cleanup(r->curl);
        curl_global_cleanup();
    }
    dynbuf_free(&r->event);
    dynbuf_free(&r->resp);
    memset(r, 0, sizeof *r);
}

/* Options every call needs after curl_easy_reset. */
static void set_common(struct rapi *r, const char *url)
{
    CURL *c = r->curl;
    r->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, RAPI_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
}

static bool build_url(const struct rapi *r, char *out, size_t outsz, const char *a, const char *b,
                      const char *c)
{
    int n = snprintf(out, outsz, "%s%s%s%s", r->base, a, b ? b : "", c ? c : "");
    return n > 0 && (size_t)n < outsz;
}

/* ---- GET /next ---- */

static void copy_value(struct rapi_invocation *inv, char *dst, size_t cap, const char *v, size_t n)
{
    if (n >= cap) {
        inv->header_truncated = true;
        dst[0] = '\0';
        return;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static bool name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static int64_t parse_ms(const char *v, size_t n)
{
    int64_t x = 0;
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

static size_t next_header_cb(char *data, size_t size, size_t nitems, void *userdata)
{
    struct rapi *r = userdata;
    struct rapi_invocation *inv = r->cur;
    size_t total = size * nitems;
    const char *line = data, *end = data + total;

    while (end > line && (end[-1] == '\r' || end[-1] == '\n'))
        end--;
    if ((size_t)(end - line) >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (e.g. after a 1xx): forget what an earlier one said. */
        memset(inv, 0, sizeof *inv);
        inv->event = empty_event;
        r->too_large = false;
        dynbuf_reset(&r->event);
        return total;
    }
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (colon == NULL)
        return total;
    size_t nlen = (size_t)(colon - line);
    while (nlen > 0 && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
        nlen--;
    const char *v = colon + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    const char *vend = end;
    while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
        vend--;
    size_t vlen = (size_t)(vend - v);

    if (name_is(line, nlen, "Lambda-Runtime-Aws-Request-Id")) {
        copy_value(inv, inv->request_id, sizeof inv->request_id, v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Deadline-Ms")) {
        inv->deadline_ms = parse_ms(v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Invoked-Function-Arn")) {
        copy_value(inv, inv->invoked_function_arn, sizeof inv->invoked_function_arn, v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Trace-Id")) {
        copy_value(inv, inv->trace_id, sizeof inv->trace_id, v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Client-Context")) {
        copy_value(inv, inv->client_context, sizeof inv->client_context, v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Cognito-Identity")) {
        copy_value(inv, inv->cognito_identity, sizeof inv->cognito_identity, v, vlen);
    } else if (name_is(line, nlen, "Lambda-Runtime-Aws-Tenant-Id")) {
        copy_value(inv, inv->tenant_id, sizeof inv->tenant_id, v, vlen);
    } else if (name_is(line, nlen, "Content-Length")) {
        int64_t cl = parse_ms(v, vlen);
        if (cl > 0 && (uint64_t)cl > r->event.toobig)
            r->too_large = true; /* drain without buffering */
    }
    return total;
}

/* An event over the cap is drained, not buffered: the caller answers an error. */
static size_t next_body_cb(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct rapi *r = userdata;
    size_t n = size * nmemb;
    if (r->too_large)
        return n;
    int rc = dynbuf_add(&r->event, data, n);
    if (rc == DYNBUF_TOOBIG) {
        r->too_large = true;
        dynbuf_reset(&r->event);
        return n;
    }
    return rc == DYNBUF_OK ? n : 0; /* 0 aborts the transfer: CURLE_WRITE_ERROR */
}

int rapi_next(struct rapi *r, struct rapi_invocation *inv)
{
    char url[512];
    if (r == NULL || r->curl == NULL || inv == NULL)
        return RAPI_EINVAL;
    if (!build_url(r, url, sizeof url, "invocation/next", NULL, NULL))
        return RAPI_EINVAL;
    memset(inv, 0, sizeof *inv);
    inv->event = empty_event;
    r->cur = inv;
    dynbuf_reset(&r->event);
    r->too_large = false;

    CURL *c = r->curl;
    curl_easy_reset(c);
    set_common(r, url);
    /* Long poll: no CURLOPT_TIMEOUT, no LOW_SPEED limits. */
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, next_header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, next_body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);

    CURLcode res = curl_easy_perform(c);
    r->cur = NULL;
    if (res == CURLE_WRITE_ERROR && !r->too_large)
        return RAPI_ENOMEM;
    if (res != CURLE_OK)
        return RAPI_ETRANSPORT;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 500)
        return RAPI_EFATAL;
    if (status != 200 || !valid_request_id(inv->request_id))
        return RAPI_EPROTO;
    inv->too_large = r->too_large;
    if (r->too_large) {
        dynbuf_reset(&r->event);
        inv->event = empty_event;
        inv->event_len = 0;
    } else {
        inv->event = r->event.buf ? r->event.buf : empty_event;
        inv->event_len = r->event.len;
    }
    return RAPI_OK;
}

/* ---- POSTs ---- */

/* Keeps the first RAPI_RESP_KEEP bytes of the answer and drains the rest. */
static size_t post_body_cb(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct rapi *r = userdata;
    size_t n = size * nmemb;
    size_t room = r->resp.toobig - r->resp.len;
    dynbuf_add(&r->resp, data, n < room ? n : room);
    return n;
}

/* error_type is already sanitized (or NULL: no error-type header). */
static int post(struct rapi *r, const char *url, const char *body, size_t len,
                const char *error_type)
{
    CURL *c = r->curl;
    struct curl_slist *h = NULL, *t;
    char eh[sizeof "Lambda-Runtime-Function-Error-Type: " + RAPI_ERROR_TYPE_MAX];

    t = curl_slist_append(h, "Expect:");
    if (t == NULL)
        return RAPI_ENOMEM;
    h = t;
    t = curl_slist_append(h, "Content-Type: application/json");
    if (t == NULL)
        goto nomem;
    h = t;
    if (error_type != NULL) {
        snprintf(eh, sizeof eh, "Lambda-Runtime-Function-Error-Type: %s", error_type);
        t = curl_slist_append(h, eh);
        if (t == NULL)
            goto nomem;
        h = t;
    }

    dynbuf_reset(&r->resp);
    curl_easy_reset(c);
    set_common(r, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body != NULL ? body : "");
    /* Sets Content-Length. */
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body != NULL ? len : 0));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, post_body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);

    CURLcode res = curl_easy_perform(c);
    /* The list must outlive the transfer; drop the pointer from the handle too. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    if (res != CURLE_OK)
        return RAPI_ETRANSPORT;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    switch (status) {
    case 202:
        return RAPI_OK;
    case 413:
        return RAPI_ETOOLARGE;
    case 500:
        return RAPI_EFATAL;
    default:
        return RAPI_EPROTO;
    }
nomem:
    curl_slist_free_all(h);
    return RAPI_ENOMEM;
}

int rapi_respond(struct rapi *r, const char *request_id, const char *body, size_t len)
{
    char url[512];
    if (r == NULL || r->curl == NULL || !valid_request_id(request_id) || (body == NULL && len != 0))
        return RAPI_EINVAL;
    if (len > RAPI_MAX_RESPONSE_BYTES)
        return RAPI_ETOOLARGE;
    if (!build_url(r, url, sizeof url, "invocation/", request_id, "/response"))
        return RAPI_EINVAL;
    return post(r, url, body, len, NULL);
}

/* Header-safe Category.Reason: printable ASCII without spaces, capped. */
static void sanitize_type(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    if (in != NULL)
        for (; *in && n + 1 < cap; in++) {
            unsigned char ch = (unsigned char)*in;
            out[n++] = (ch > ' ' && ch < 0x7f) ? (char)ch : '_';
        }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, cap, "%s", "Runtime.Unknown");
}

static int post_error(struct rapi *r, const char *url, const char *error_type, const char *message)
{
    char type[RAPI_ERROR_TYPE_MAX];
    sanitize_type(type, sizeof type, error_type);

    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return RAPI_ENOMEM;
    if (cJSON_AddStringToObject(o, "errorMessage", message != NULL ? message : "") == NULL ||
        cJSON_AddStringToObject(o, "errorType", type) == NULL ||
        cJSON_AddArrayToObject(o, "stackTrace") == NULL) {
        cJSON_Delete(o);
        return RAPI_ENOMEM;
    }
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (body == NULL)
        return RAPI_ENOMEM;
    int rc = post(r, url, body, strlen(body), type);
    cJSON_free(body);
    return rc;
}

int rapi_error(struct rapi *r, const char *request_id, const char *error_type, const char *message)
{
    char url[512];
    if (r == NULL || r->curl == NULL || !valid_request_id(request_id))
        return RAPI_EINVAL;
    if (!build_url(r, url, sizeof url, "invocation/", request_id, "/error"))
        return RAPI_EINVAL;
    return post_error(r, url, error_type, message);
}

int rapi_init_error(struct rapi *r, const char *error_type, const char *message)
{
    char url[512];
    if (r == NULL || r->curl == NULL)
        return RAPI_EINVAL;
    if (!build_url(r, url, sizeof url, "init/error", NULL, NULL))
        return RAPI_EINVAL;
    return post_error(r, url, error_type, message);
}

void rapi_set_trace_env(const struct rapi_invocation *inv)
{
    if (inv != NULL && inv->trace_id[0] != '\0')
        setenv("_X_AMZN_TRACE_ID", inv->trace_id, 1);
    else
        unsetenv("_X_AMZN_TRACE_ID");
}
