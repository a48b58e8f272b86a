/* ssm: see ssm.h. */
#include "net/ssm.h"

#include "base/dynbuf.h"
#include "base/log.h"
#include "base/secret.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>

#include "net/ha_client.h" /* ha_host_is_loopback */

#define SSM_DEFAULT_TIMEOUT_MS 3000u
#define SSM_DEFAULT_CONNECT_MS 1000u
#define SSM_DEFAULT_MAX_REPLY  (64u << 10)

struct ssm_client {
    CURL *h;
    char *url, *region, *akid, *secret, *session, *ca_bundle;
    char sigv4[96];
    uint32_t timeout_ms, connect_ms;
    size_t max_reply;
};

const char *ssm_err_kind_name(enum ssm_err_kind k)
{
    switch (k) {
    case SSM_OK:
        return "ok";
    case SSM_ERR_CONFIG:
        return "config";
    case SSM_ERR_TRANSPORT:
        return "transport";
    case SSM_ERR_TIMEOUT:
        return "timeout";
    case SSM_ERR_AWS:
        return "aws";
    case SSM_ERR_PARSE:
        return "parse";
    case SSM_ERR_NOMEM:
        return "nomem";
    }
    return "unknown";
}

static void set_error(struct ssm_error *e, enum ssm_err_kind k, long status, const char *type,
                      const char *msg)
{
    if (!e)
        return;
    e->kind = k;
    e->http_status = status;
    snprintf(e->type, sizeof e->type, "%s", type ? type : "");
    snprintf(e->message, sizeof e->message, "%s", msg ? msg : "");
}

void ssm_settings_from_env(struct ssm_settings *s)
{
    memset(s, 0, sizeof *s);
    s->region = getenv("AWS_REGION");
    if (!s->region || !*s->region)
        s->region = getenv("AWS_DEFAULT_REGION");
    s->access_key_id = getenv("AWS_ACCESS_KEY_ID");
    s->secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
    s->session_token = getenv("AWS_SESSION_TOKEN");
    s->endpoint = getenv("LEEC_SSM_ENDPOINT");
    if (s->endpoint && !*s->endpoint)
        s->endpoint = NULL;
}

void ssm_client_free(struct ssm_client *c)
{
    if (!c)
        return;
    if (c->h)
        curl_easy_cleanup(c->h);
    free(c->url);
    free(c->region);
    free(c->ca_bundle);
    secret_free(c->akid);
    secret_free(c->secret);
    secret_free(c->session);
    free(c);
}

static bool region_ok(const char *r)
{
    if (!r || !*r || strlen(r) > 32)
        return false;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-'))
            return false;
    return true;
}

static bool printable(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == ':')
            return false;
    return true;
}

static bool endpoint_ok(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              (!strcasecmp(scheme, "https") ||
               (!strcasecmp(scheme, "http") && ha_host_is_loopback(host)));
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

struct ssm_client *ssm_client_new(const struct ssm_settings *s, struct ssm_error *err)
{
    set_error(err, SSM_OK, 0, NULL, NULL);
    if (!s || !region_ok(s->region)) {
        set_error(err, SSM_ERR_CONFIG, 0, "config", "AWS region missing or invalid");
        return NULL;
    }
    /* the secret may contain ':' is not allowed by AWS either; ':' would break USERPWD
   * but we use USERNAME/PASSWORD separately, so only the key id is checked strictly */
    if (!s->access_key_id || !printable(s->access_key_id, 128) || !s->secret_access_key ||
        !*s->secret_access_key || strlen(s->secret_access_key) > 256) {
        set_error(err, SSM_ERR_CONFIG, 0, "config", "AWS credentials missing or invalid");
        return NULL;
    }
    if (s->session_token && *s->session_token) {
        size_t n = strnlen(s->session_token, 8193);
        bool ok = n <= 8192;
        for (size_t i = 0; ok && i < n; i++)
            ok = (unsigned char)s->session_token[i] > 0x20 && s->session_token[i] != 0x7f;
        if (!ok) {
            set_error(err, SSM_ERR_CONFIG, 0, "config", "AWS session token invalid");
            return NULL;
        }
    }
    if (s->endpoint && (!endpoint_ok(s->endpoint) || strlen(s->endpoint) > 1024)) {
        set_error(err, SSM_ERR_CONFIG, 0, "config",
                  "SSM endpoint must be an https URL (or http to loopback)");
        return NULL;
    }
    struct ssm_client *c = calloc(1, sizeof *c);
    if (!c) {
        set_error(err, SSM_ERR_NOMEM, 0, "nomem", "out of memory");
        return NULL;
    }
    char url[128];
    snprintf(url, sizeof url, "https://ssm.%s.amazonaws.com/", s->region);
    c->url = strdup(s->endpoint ? s->endpoint : url);
    c->region = strdup(s->region);
    c->akid = strdup(s->access_key_id);
    c->secret = strdup(s->secret_access_key);
    if (s->session_token && *s->session_token)
        c->session = strdup(s->session_token);
    if (s->ca_bundle && *s->ca_bundle)
        c->ca_bundle = strdup(s->ca_bundle);
    c->h = curl_easy_init();
    if (!c->url || !c->region || !c->akid || !c->secret || !c->h ||
        (s->session_token && *s->session_token && !c->session) ||
        (s->ca_bundle && *s->ca_bundle && !c->ca_bundle)) {
        ssm_client_free(c);
        set_error(err, SSM_ERR_NOMEM, 0, "nomem", "out of memory");
        return NULL;
    }
    snprintf(c->sigv4, sizeof c->sigv4, "aws:amz:%s:ssm", s->region);
    c->timeout_ms = s->timeout_ms ? s->timeout_ms : SSM_DEFAULT_TIMEOUT_MS;
    c->connect_ms = s->connect_timeout_ms ? s->connect_timeout_ms : SSM_DEFAULT_CONNECT_MS;
    c->max_reply = s->max_reply_bytes ? s->max_reply_bytes : SSM_DEFAULT_MAX_REPLY;
    return c;
}

/* True when text contains any credential of c. */
static bool has_secret(const struct ssm_client *c, const char *text)
{
    if (!c)
        return false;
    return (c->akid && strstr(text, c->akid)) || (c->secret && strstr(text, c->secret)) ||
           (c->session && strstr(text, c->session));
}

static void aws_error(const struct ssm_client *c, long status, const char *body, size_t len,
                      struct ssm_error *err)
{
    char type[64] = "HTTP", msg[256];
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "__type");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (!cJSON_IsString(m))
        m = cJSON_GetObjectItemCaseSensitive(j, "Message");
    /* Credentials are looked for in the whole text before anything is cut (a cut could
     * leave a prefix no check recognises); what is kept is redacted, then cut. */
    bool withheld = false;
    if (cJSON_IsString(t) && t->valuestring) {
        const char *hash = strrchr(t->valuestring, '#'); /* "com.amazonaws...#ParameterNotFound" */
        const char *tv = hash ? hash + 1 : t->valuestring;
        if (has_secret(c, tv))
            withheld = true;
        else
            log_redact_copy(type, sizeof type, tv, strlen(tv));
    }
    if (cJSON_IsString(m) && m->valuestring && m->valuestring[0]) {
        char *canon = strstr(m->valuestring, "The Canonical String");
        if (canon)
            *canon = '\0';
        withheld |= has_secret(c, m->valuestring);
        log_redact_copy(msg, sizeof msg, m->valuestring, strlen(m->valuestring));
    } else {
        snprintf(msg, sizeof msg, "SSM answered HTTP %ld", status);
    }
    cJSON_Delete(j);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (withheld)
        snprintf(msg, sizeof msg, "SSM answered HTTP %ld (message withheld: it quoted credentials)",
                 status);
    char joined[sizeof type + sizeof msg + 2], full[256];
    snprintf(joined, sizeof joined, "%s: %s", type, msg);
    log_redact_copy(full, sizeof full, joined, strlen(joined));
    set_error(err, SSM_ERR_AWS, status, type, full);
}

int ssm_parse_reply(const struct ssm_client *c, long status, const char *body, size_t len,
                    char **value_out, struct ssm_error *err)
{
    *value_out = NULL;
    if (status != 200) {
        aws_error(c, status, body, len, err);
        return -1;
    }
    int ret = -1;
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "Parameter");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "Value");
    if (cJSON_IsString(v) && v->valuestring) {
        *value_out = strdup(v->valuestring);
        if (*value_out)
            ret = 0;
        else
            set_error(err, SSM_ERR_NOMEM, status, "nomem", "out of memory");
        secret_wipe(v->valuestring, strlen(v->valuestring));
    } else {
        set_error(err, SSM_ERR_PARSE, status, "parse", "SSM reply without Parameter.Value");
    }
    cJSON_Delete(j);
    return ret;
}

int ssm_get_parameter(struct ssm_client *c, const char *name, char **value_out,
                      struct ssm_error *err)
{
    set_error(err, SSM_OK, 0, NULL, NULL);
    if (value_out)
        *value_out = NULL;
    if (!c || !value_out || !name || !*name || strnlen(name, SSM_MAX_NAME + 1) > SSM_MAX_NAME) {
        set_error(err, SSM_ERR_CONFIG, 0, "config", "invalid parameter name");
        return -1;
    }
    cJSON *req = cJSON_CreateObject();
    char *body = NULL;
    if (req && cJSON_AddStringToObject(req, "Name", name) &&
        cJSON_AddTrueToObject(req, "WithDecryption"))
        body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    char tokhdr[8192 + 32];
    struct curl_slist *hdrs = NULL, *tmp;
    bool oom = !body;
    /* No "Expect:" suppression header here: curl would sign it (as an empty
   * header) without sending it, and AWS would reject the signature. The body
   * (<= ~2 KiB) is far below curl's 1 MiB Expect threshold anyway. */
    const char *lines[3] = {"X-Amz-Target: AmazonSSM.GetParameter",
                            "Content-Type: application/x-amz-json-1.1", NULL};
    if (c->session) {
        snprintf(tokhdr, sizeof tokhdr, "x-amz-security-token: %s", c->session);
        lines[2] = tokhdr;
    }
    for (size_t i = 0; !oom && i < 3 && lines[i]; i++) {
        tmp = curl_slist_append(hdrs, lines[i]);
        if (!tmp)
            oom = true;
        else
            hdrs = tmp;
    }
    secret_wipe(tokhdr, sizeof tokhdr);
    if (oom) {
        free(body);
        for (struct curl_slist *p = hdrs; p; p = p->next)
            secret_wipe(p->data, strlen(p->data));
        curl_slist_free_all(hdrs);
        set_error(err, SSM_ERR_NOMEM, 0, "nomem", "out of memory");
        return -1;
    }

    struct dynbuf b;
    dynbuf_init(&b, c->max_reply);
    char ebuf[CURL_ERROR_SIZE] = "";
    CURL *h = c->h;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_ms);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, c->sigv4);
    curl_easy_setopt(h, CURLOPT_USERNAME, c->akid);
    curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, dynbuf_curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "leec");
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    /* drop pointers to stack data and credentials from the handle */
    curl_easy_reset(h);
    for (struct curl_slist *p = hdrs; p; p = p->next)
        secret_wipe(p->data, strlen(p->data));
    curl_slist_free_all(hdrs);
    free(body);

    int ret = -1;
    if (rc != CURLE_OK) {
        const char *m = ebuf[0] ? ebuf : curl_easy_strerror(rc);
        if (has_secret(c, m))
            m = curl_easy_strerror(rc);
        char msg[200];
        /* Truncation is fine: curl's messages are at most CURL_ERROR_SIZE (256). */
        size_t ml = strnlen(b.err == DYNBUF_TOOBIG ? "SSM reply too large" : m, sizeof msg - 1);
        memcpy(msg, b.err == DYNBUF_TOOBIG ? "SSM reply too large" : m, ml);
        msg[ml] = '\0';
        set_error(err, rc == CURLE_OPERATION_TIMEDOUT ? SSM_ERR_TIMEOUT : SSM_ERR_TRANSPORT, status,
                  curl_easy_strerror(rc), msg);
    } else {
        ret = ssm_parse_reply(c, status, b.buf, b.len, value_out, err);
    }
    secret_wipe(b.buf, b.len);
    dynbuf_free(&b);
    return ret;
}

void ssm_value_free(char *value) { secret_free(value); }
