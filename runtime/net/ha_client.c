/* ha_client: see ha_client.h. */
#include "net/ha_client.h"

#include "base/clock.h"
#include "base/dynbuf.h"
#include "base/log.h"
#include "base/secret.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#ifndef LEEC_VERSION
#define LEEC_VERSION "0"
#endif

#define HA_DEFAULT_CONNECT_MS 2000u
#define HA_DEFAULT_MAX_REPLY  (4u << 20)
#define HA_DEFAULT_MAX_IDLE_S 30u
#define HA_MIN_RETRY_MS       50u /* don't start a second attempt with less left */

struct ha_client {
    CURL *h;
    char *base; /* no trailing '/' */
    char *ca_bundle, *client_cert, *client_key, *user_agent;
    char **extra; /* "Name: value" lines (secrets) */
    size_t n_extra;
    bool insecure;
    uint32_t connect_ms;
    size_t max_reply;
    long max_idle_s;
    unsigned max_attempts; /* 1, or 2 when a failed connect may be retried once */
};

struct rd_state { /* request body */
    const char *data;
    size_t len, pos;
    bool handed_over; /* all bytes given to curl at least once */
    bool rewind_refused;
    bool request_started; /* libcurl was about to send the request: bytes may have left */
};

/* CURLOPT_PREREQFUNCTION: called once the connection (and TLS) is up, right before
 * the request is sent. From here on the request may reach HA, whatever error the
 * transfer ends with (a 300 KB response header is CURLE_OUT_OF_MEMORY, sent all the
 * same). A second call within one transfer is libcurl re-sending the request on a
 * new connection after a reused one died (a GET has no body rewind to refuse): HA may
 * have read the first copy, so the transfer is aborted instead. */
static int prereq_cb(void *ud, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                     int conn_local_port)
{
    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    struct rd_state *r = ud;
    if (r->request_started)
        return CURL_PREREQFUNC_ABORT;
    r->request_started = true;
    return CURL_PREREQFUNC_OK;
}

const char *ha_outcome_name(enum ha_outcome o)
{
    switch (o) {
    case HA_OK:
        return "ok";
    case HA_HTTP_ERROR:
        return "http_error";
    case HA_CONNECT_FAILED:
        return "connect_failed";
    case HA_DNS_FAILED:
        return "dns_failed";
    case HA_TLS_FAILED:
        return "tls_failed";
    case HA_TIMEOUT:
        return "timeout";
    case HA_RESET:
        return "reset";
    case HA_REPLY_TOO_LARGE:
        return "reply_too_large";
    case HA_INVALID:
        return "invalid";
    }
    return "unknown";
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

bool ha_host_is_loopback(const char *host)
{
    if (!host)
        return false;
    if (!strcasecmp(host, "localhost") || !strcmp(host, "::1") || !strcmp(host, "[::1]"))
        return true;
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) == 1)
        return (ntohl(a.s_addr) >> 24) == 127;
    return false;
}

static bool header_value_ok(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 && *v != '\t')
            return false;
    return true;
}

static bool header_name_ok(const char *n)
{
    if (!*n)
        return false;
    for (; *n; n++) {
        unsigned char c = (unsigned char)*n;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static char *dup_opt(const char *s, bool *oom)
{
    if (!s || !*s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

void ha_client_free(struct ha_client *c)
{
    if (!c)
        return;
    if (c->h)
        curl_easy_cleanup(c->h);
    free(c->base);
    free(c->ca_bundle);
    free(c->client_cert);
    free(c->client_key);
    free(c->user_agent);
    for (size_t i = 0; i < c->n_extra; i++)
        secret_free(c->extra[i]);
    free(c->extra);
    free(c);
}

static bool check_file(const char *what, const char *path, char *err, size_t errlen)
{
    if (!path || !*path || access(path, R_OK) == 0)
        return true;
    if (err && errlen)
        snprintf(err, errlen, "%s not readable: %s", what, path);
    return false;
}

/* Validates base_url; returns false with a reason. */
static bool check_base_url(const struct ha_settings *s, char *err, size_t errlen)
{
    if (!s->base_url || !*s->base_url) {
        set_err(err, errlen, "base_url is empty");
        return false;
    }
    if (strlen(s->base_url) > HA_MAX_URL / 2) {
        set_err(err, errlen, "base_url too long");
        return false;
    }
    CURLU *u = curl_url();
    if (!u) {
        set_err(err, errlen, "out of memory");
        return false;
    }
    bool ok = false;
    char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL, *query = NULL, *frag = NULL;
    if (curl_url_set(u, CURLUPART_URL, s->base_url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        set_err(err, errlen, "base_url is not a valid URL");
        goto out;
    }
    curl_url_get(u, CURLUPART_USER, &user, 0);
    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
    if (user || pass) {
        set_err(err, errlen, "base_url must not contain credentials");
        goto out;
    }
    if (query || frag) {
        set_err(err, errlen, "base_url must not have a query or fragment");
        goto out;
    }
    if (strcasecmp(scheme, "https") == 0) {
        ok = true;
    } else if (strcasecmp(scheme, "http") == 0) {
        ok = s->allow_http || ha_host_is_loopback(host);
        if (!ok)
            set_err(err, errlen, "base_url uses http:// to a non-loopback host (https required)");
    } else {
        set_err(err, errlen, "base_url scheme must be https (or http to loopback)");
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(pass);
    curl_free(query);
    curl_free(frag);
    curl_url_cleanup(u);
    return ok;
}

struct ha_client *ha_client_new(const struct ha_settings *s, char *err, size_t errlen)
{
    if (!s) {
        set_err(err, errlen, "no settings");
        return NULL;
    }
    if (!check_base_url(s, err, errlen) || !check_file("ca_bundle", s->ca_bundle, err, errlen) ||
        !check_file("client_cert", s->client_cert, err, errlen) ||
        !check_file("client_key", s->client_key, err, errlen))
        return NULL;
    if ((s->client_key && *s->client_key) && !(s->client_cert && *s->client_cert)) {
        set_err(err, errlen, "client_key given without client_cert");
        return NULL;
    }
    if (s->n_headers > HA_MAX_HEADERS || (s->n_headers && !s->headers)) {
        set_err(err, errlen, "too many extra headers");
        return NULL;
    }
    for (size_t i = 0; i < s->n_headers; i++) {
        const struct ha_header *hd = &s->headers[i];
        if (!hd->name || !hd->value || !header_name_ok(hd->name) || !header_value_ok(hd->value) ||
            strlen(hd->name) + strlen(hd->value) + 3 > HA_MAX_HEADER_LINE ||
            !strcasecmp(hd->name, "Authorization") || !strcasecmp(hd->name, "Host") ||
            !strcasecmp(hd->name, "Content-Length")) {
            /* name only: the value is a secret */
            if (err && errlen)
                snprintf(err, errlen, "extra header %zu (%.64s) is invalid", i,
                         hd->name ? hd->name : "?");
            return NULL;
        }
    }

    struct ha_client *c = calloc(1, sizeof *c);
    if (!c) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    bool oom = false;
    c->base = dup_opt(s->base_url, &oom);
    c->ca_bundle = dup_opt(s->ca_bundle, &oom);
    c->client_cert = dup_opt(s->client_cert, &oom);
    c->client_key = dup_opt(s->client_key, &oom);
    c->user_agent = dup_opt(s->user_agent ? s->user_agent : "leec/" LEEC_VERSION, &oom);
    if (s->n_headers) {
        c->extra = calloc(s->n_headers, sizeof *c->extra);
        oom |= !c->extra;
        for (size_t i = 0; c->extra && i < s->n_headers; i++) {
            size_t n = strlen(s->headers[i].name) + strlen(s->headers[i].value) + 3;
            c->extra[i] = malloc(n);
            if (!c->extra[i]) {
                oom = true;
                break;
            }
            snprintf(c->extra[i], n, "%s: %s", s->headers[i].name, s->headers[i].value);
            c->n_extra = i + 1;
        }
    }
    c->h = curl_easy_init();
    if (oom || !c->h || !c->base) {
        ha_client_free(c);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    size_t bl = strlen(c->base);
    while (bl > 0 && c->base[bl - 1] == '/')
        c->base[--bl] = '\0';
    c->insecure = s->insecure;
    c->connect_ms = s->connect_timeout_ms ? s->connect_timeout_ms : HA_DEFAULT_CONNECT_MS;
    c->max_reply = s->max_reply_bytes ? s->max_reply_bytes : HA_DEFAULT_MAX_REPLY;
    c->max_idle_s = s->max_idle_conn_s ? (long)s->max_idle_conn_s : (long)HA_DEFAULT_MAX_IDLE_S;
    c->max_attempts = s->no_connect_retry ? 1u : 2u;
    return c;
}

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    struct rd_state *r = ud;
    size_t room = size * nitems, left = r->len - r->pos;
    size_t n = left < room ? left : room;
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    if (r->pos == r->len)
        r->handed_over = true;
    return n;
}

/* libcurl rewinds the body to resend a request (e.g. on a reused connection
 * that died before answering). Once the whole body was handed over the
 * server may have acted on it: refuse, so the request is never repeated. */
static int seek_cb(void *ud, curl_off_t offset, int origin)
{
    struct rd_state *r = ud;
    if (origin != SEEK_SET || offset != 0 || r->handed_over) {
        r->rewind_refused = true;
        return CURL_SEEKFUNC_FAIL;
    }
    r->pos = 0;
    return CURL_SEEKFUNC_OK;
}

static enum ha_outcome classify(CURLcode rc, bool too_large)
{
    switch (rc) {
    case CURLE_OK:
        return HA_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return HA_DNS_FAILED;
    case CURLE_COULDNT_CONNECT:
        return HA_CONNECT_FAILED;
    case CURLE_OPERATION_TIMEDOUT:
        return HA_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
        return HA_TLS_FAILED;
    case CURLE_WRITE_ERROR:
        return too_large ? HA_REPLY_TOO_LARGE : HA_INVALID;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_FAILED_INIT:
        return HA_INVALID;
    default:
        return HA_RESET; /* recv/send errors, empty or garbled reply, rewind refused */
    }
}

/* A failure that happened before any connection existed: nothing can have
 * reached the server. */
static bool before_connect(CURLcode rc, curl_off_t connect_us, long request_size,
                           const struct rd_state *r)
{
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
        rc == CURLE_COULDNT_CONNECT)
        return true;
    return rc == CURLE_OPERATION_TIMEDOUT && connect_us == 0 && request_size == 0 && r->pos == 0;
}

static bool path_ok(const char *p)
{
    if (!p || p[0] != '/' || strlen(p) > HA_MAX_URL / 2)
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '#')
            return false;
    return true;
}

static bool token_ok(const char *t)
{
    if (!t)
        return true;
    size_t n = strnlen(t, HA_MAX_TOKEN + 1);
    if (n == 0 || n > HA_MAX_TOKEN)
        return false;
    return header_value_ok(t);
}

/* The error text must not carry secrets: if curl ever echoed one, fall back
 * to the generic message. */
static void safe_error(const struct ha_client *c, const char *token, const char *ebuf, CURLcode rc,
                       char *out, size_t outlen)
{
    const char *msg = ebuf[0] ? ebuf : curl_easy_strerror(rc);
    bool leak = token && strstr(msg, token);
    for (size_t i = 0; !leak && i < c->n_extra; i++) {
        const char *v = strchr(c->extra[i], ':');
        v = v ? v + 2 : "";
        leak = strlen(v) >= 4 && strstr(msg, v);
    }
    const char *keep = leak ? curl_easy_strerror(rc) : msg;
    log_redact_copy(out, outlen, keep, strlen(keep)); /* redacted before it is cut */
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
}

static void free_headers(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        if (p->data)
            secret_wipe(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

/* The request's headers: the extra ones, then Accept/Content-Type and the bearer
 * token (wiped from every copy when the list is freed). NULL: out of memory. */
static struct curl_slist *build_headers(const struct ha_client *c, bool post, const char *token)
{
    char auth[HA_MAX_TOKEN + 32];
    struct curl_slist *hdrs = NULL, *tmp;
    bool oom = false;
#define ADD_HDR(s)                                         \
    do {                                                   \
        if (!oom && !(tmp = curl_slist_append(hdrs, (s)))) \
            oom = true;                                    \
        else if (!oom)                                     \
            hdrs = tmp;                                    \
    } while (0)
    for (size_t i = 0; i < c->n_extra; i++)
        ADD_HDR(c->extra[i]);
    ADD_HDR("Expect:");
    ADD_HDR("Accept: application/json");
    if (post)
        ADD_HDR("Content-Type: application/json");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        ADD_HDR(auth);
        secret_wipe(auth, sizeof auth);
    }
#undef ADD_HDR
    if (oom) {
        free_headers(hdrs);
        return NULL;
    }
    return hdrs;
}

/* The options a connection is matched on, the same for the connection made during
 * init and every request (curl reuses a connection only for equal TLS options):
 * left ms for the whole attempt. */
static void setup_connection(const struct ha_client *c, CURL *h, const char *url, char *ebuf,
                             uint64_t left)
{
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(c->connect_ms < left ? c->connect_ms : left));
    curl_easy_setopt(h, CURLOPT_MAXAGE_CONN, c->max_idle_s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
    if (c->client_cert)
        curl_easy_setopt(h, CURLOPT_SSLCERT, c->client_cert);
    if (c->client_key)
        curl_easy_setopt(h, CURLOPT_SSLKEY, c->client_key);
    if (c->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

/* One attempt's options on the (reset) easy handle: left ms for the whole attempt. */
static void setup_transfer(const struct ha_client *c, CURL *h, const char *url,
                           struct curl_slist *hdrs, char *ebuf, uint64_t left, struct dynbuf *w,
                           struct rd_state *r, bool post, size_t len)
{
    setup_connection(c, h, url, ebuf, left);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, prereq_cb);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, r);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, dynbuf_curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_reply);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(h, CURLOPT_READDATA, r);
        curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
        curl_easy_setopt(h, CURLOPT_SEEKDATA, r);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
}

/* Checks the request and builds its URL; -1 with res->error set. */
static int check_request(const struct ha_client *c, bool post, const char *path, const char *token,
                         const char *body, size_t len, uint64_t budget_ms, char *url, size_t urlcap,
                         struct ha_result *res)
{
    memset(res, 0, sizeof *res);
    res->outcome = HA_INVALID;
    if (!c || !c->h) {
        snprintf(res->error, sizeof res->error, "no client");
        return -1;
    }
    if (!path_ok(path) || !token_ok(token) || (post && !body && len)) {
        snprintf(res->error, sizeof res->error, "invalid path, token or body");
        return -1;
    }
    if ((size_t)snprintf(url, urlcap, "%s%s", c->base, path) >= urlcap) {
        snprintf(res->error, sizeof res->error, "url too long");
        return -1;
    }
    if (budget_ms == 0) {
        res->outcome = HA_TIMEOUT;
        snprintf(res->error, sizeof res->error, "no time left");
        return -1;
    }
    return 0;
}

static int do_request(struct ha_client *c, bool post, const char *path, const char *token,
                      const char *body, size_t len, uint64_t budget_ms, struct ha_result *res)
{
    char url[HA_MAX_URL];
    if (check_request(c, post, path, token, body, len, budget_ms, url, sizeof url, res) != 0)
        return -1;
    struct curl_slist *hdrs = build_headers(c, post, token);
    if (!hdrs) {
        snprintf(res->error, sizeof res->error, "out of memory");
        return -1;
    }

    uint64_t t0 = clock_mono_ms();
    CURLcode rc = CURLE_OK;
    struct dynbuf w;
    dynbuf_init(&w, c->max_reply);
    bool too_large = false;
    struct rd_state r = {0};
    char ebuf[CURL_ERROR_SIZE];
    for (unsigned attempt = 1; attempt <= c->max_attempts; attempt++) {
        uint64_t spent = clock_mono_ms() - t0;
        if (spent >= budget_ms)
            break;
        uint64_t left = budget_ms - spent;
        dynbuf_free(&w);
        too_large = false;
        memset(&r, 0, sizeof r);
        r.data = body ? body : "";
        r.len = post ? len : 0;
        ebuf[0] = '\0';

        CURL *h = c->h;
        setup_transfer(c, h, url, hdrs, ebuf, left, &w, &r, post, len);
        rc = curl_easy_perform(h);
        res->attempts = attempt;
        curl_off_t connect_us = 0;
        long request_size = 0, status = 0;
        curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        res->connect_ms = (uint32_t)(connect_us / 1000);
        res->curl_code = (int)rc;
        res->http_status = status;
        too_large = w.err == DYNBUF_TOOBIG;
        if (rc == CURLE_FILESIZE_EXCEEDED) {
            too_large = true;
            rc = CURLE_WRITE_ERROR;
        }
        res->outcome = classify(rc, too_large);
        if (rc == CURLE_OK) {
            const char *ct = NULL;
            curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
            if (ct) /* redacted before it is cut (it is logged) */
                log_redact_copy(res->content_type, sizeof res->content_type, ct, strlen(ct));
            res->outcome = (status >= 200 && status < 300) ? HA_OK : HA_HTTP_ERROR;
            res->bytes_sent_maybe = true;
            break;
        }
        /* Sent or not is whether bytes may have left, not the error's category. */
        bool sent = r.request_started || request_size > 0 || r.pos > 0;
        bool pre = !sent && before_connect(rc, connect_us, request_size, &r);
        res->bytes_sent_maybe = sent;
        if (sent && res->outcome == HA_INVALID)
            res->outcome = HA_RESET; /* e.g. a reply curl could not take: HA got the request */
        safe_error(c, token, ebuf, rc, res->error, sizeof res->error);
        spent = clock_mono_ms() - t0;
        if (!pre || attempt == c->max_attempts || spent + HA_MIN_RETRY_MS > budget_ms)
            break;
    }
    res->total_ms = (uint32_t)(clock_mono_ms() - t0);
    if (res->attempts == 0) {
        res->outcome = HA_TIMEOUT;
        snprintf(res->error, sizeof res->error, "no time left");
    }
    /* don't leave pointers to our stack in the handle */
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(c->h, CURLOPT_READDATA, NULL);
    curl_easy_setopt(c->h, CURLOPT_SEEKDATA, NULL);
    free_headers(hdrs);
    if (res->outcome == HA_OK || res->outcome == HA_HTTP_ERROR) {
        size_t blen = 0;
        char *b = dynbuf_take(&w, &blen);
        res->body = b ? b : calloc(1, 1);
        res->body_len = blen;
        if (!res->body) {
            res->outcome = HA_INVALID;
            snprintf(res->error, sizeof res->error, "out of memory");
        }
    } else {
        dynbuf_free(&w);
    }
    return res->outcome == HA_OK ? 0 : -1;
}

int ha_client_post_json(struct ha_client *c, const char *path, const char *bearer_token,
                        const char *body, size_t len, uint64_t budget_ms, struct ha_result *res)
{
    return do_request(c, true, path, bearer_token, body, len, budget_ms, res);
}

int ha_client_get(struct ha_client *c, const char *path, const char *bearer_token,
                  uint64_t budget_ms, struct ha_result *res)
{
    return do_request(c, false, path, bearer_token, NULL, 0, budget_ms, res);
}

int ha_client_preconnect(struct ha_client *c, uint64_t budget_ms, struct ha_result *res)
{
    memset(res, 0, sizeof *res);
    res->outcome = HA_INVALID;
    if (!c || !c->h) {
        snprintf(res->error, sizeof res->error, "no client");
        return -1;
    }
    if (budget_ms == 0) {
        res->outcome = HA_TIMEOUT;
        snprintf(res->error, sizeof res->error, "no time left");
        return -1;
    }
    char url[HA_MAX_URL];
    if ((size_t)snprintf(url, sizeof url, "%s/", c->base) >= sizeof url) {
        snprintf(res->error, sizeof res->error, "url too long");
        return -1;
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    uint64_t t0 = clock_mono_ms();
    setup_connection(c, c->h, url, ebuf, budget_ms);
    /* DNS, TCP and TLS (verified) only: no request byte is sent, and the connection
     * stays in the handle's cache for the next request (deps/patches) */
    curl_easy_setopt(c->h, CURLOPT_CONNECT_ONLY, 1L);
    CURLcode rc = curl_easy_perform(c->h);
    curl_off_t connect_us = 0;
    curl_easy_getinfo(c->h, CURLINFO_APPCONNECT_TIME_T, &connect_us);
    if (connect_us == 0)
        curl_easy_getinfo(c->h, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c->h, CURLOPT_CONNECT_ONLY, 0L);
    res->attempts = 1;
    res->curl_code = (int)rc;
    res->connect_ms = (uint32_t)(connect_us / 1000);
    res->total_ms = (uint32_t)(clock_mono_ms() - t0);
    res->outcome = classify(rc, false);
    if (rc != CURLE_OK)
        safe_error(c, NULL, ebuf, rc, res->error, sizeof res->error);
    return rc == CURLE_OK ? 0 : -1;
}

void ha_result_free(struct ha_result *res)
{
    if (!res)
        return;
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
}
