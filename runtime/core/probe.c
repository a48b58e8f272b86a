/* probe: see probe.h. DNS, TCP and TLS come from one libcurl connect-only transfer
 * (its name-lookup/connect/app-connect times and its error tell which step failed);
 * the certificate is read through the TLS library (wolfSSL's verify callback, which
 * sees it even when verification fails; CURLINFO_CERTINFO with OpenSSL/GnuTLS). The
 * token and the Alexa endpoint go through the function's own HA client (same TLS
 * settings, extra headers and caps; it never re-sends a request). */
#define _GNU_SOURCE /* strptime, timegm */
#include "core/probe.h"

#include "base/clock.h"
#include "core/app.h"
#include "net/ha_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef LEEC_TLS_WOLFSSL
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#endif

#define PROBE_CONNECT_MS 3000u /* a reachable HA connects well within this */
#define PROBE_STEP_MS    4000u
#define PROBE_MARGIN_MS  300u /* left for answering before Lambda's deadline */

struct cert_seen {
    bool have;
    char subject[256];
    char not_after[32]; /* 2026-01-31 */
    long days_left;
    int verify_error; /* the TLS library's error at depth 0 (0: none) */
};

struct probe {
    cJSON *checks;
    bool ok;
    const char *remedy_static;
    char remedy[512];
};

static void add_check(struct probe *p, const char *name, bool ok, double ms, const char *finding)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "check", name);
    cJSON_AddBoolToObject(c, "ok", ok);
    cJSON_AddNumberToObject(c, "ms", ms < 0 ? 0 : (double)(long)(ms + 0.5));
    cJSON_AddStringToObject(c, "finding", finding);
    cJSON_AddItemToArray(p->checks, c);
    if (!ok)
        p->ok = false;
}

static uint64_t remaining_ms(const struct rapi_invocation *inv)
{
    if (!inv->deadline_ms)
        return PROBE_STEP_MS * 3;
    int64_t left = inv->deadline_ms - (int64_t)clock_epoch_ms() - PROBE_MARGIN_MS;
    return left > 0 ? (uint64_t)left : 0;
}

static void days_from_tm(struct cert_seen *cs, struct tm *tm)
{
    strftime(cs->not_after, sizeof cs->not_after, "%Y-%m-%d", tm);
    time_t exp = timegm(tm);
    cs->days_left = (long)((exp - time(NULL)) / 86400);
}

#ifdef LEEC_TLS_WOLFSSL
/* wolfSSL calls this for every certificate of the chain (WOLFSSL_ALWAYS_VERIFY_CB),
 * failures included; the verdict stays the library's (preverify is returned as is). */
static struct cert_seen *ctx_cert; /* the probe runs one transfer at a time */

static int verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
    struct cert_seen *cs = ctx_cert;
    WOLFSSL_X509 *x = wolfSSL_X509_STORE_CTX_get_current_cert(store);
    if (cs && x && wolfSSL_X509_STORE_CTX_get_error_depth(store) == 0) {
        cs->have = true;
        if (!wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_subject_name(x), cs->subject,
                                       (int)sizeof cs->subject))
            cs->subject[0] = '\0';
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const WOLFSSL_ASN1_TIME *na = wolfSSL_X509_get_notAfter(x);
        if (na && wolfSSL_ASN1_TIME_to_tm(na, &tm) == WOLFSSL_SUCCESS)
            days_from_tm(cs, &tm);
        if (!preverify)
            cs->verify_error = wolfSSL_X509_STORE_CTX_get_error(store);
    }
    return preverify;
}

static CURLcode sslctx_cb(CURL *h, void *sslctx, void *arg)
{
    (void)h;
    ctx_cert = arg;
    WOLFSSL_CTX *ctx = sslctx;
    int mode = wolfSSL_CTX_get_verify_mode(ctx);
    wolfSSL_CTX_set_verify(ctx, mode, verify_cb);
    return CURLE_OK;
}
#endif

#ifndef LEEC_TLS_WOLFSSL
/* CURLINFO_CERTINFO (OpenSSL, GnuTLS, ...): "Subject:..." and "Expire date:..." */
static void certinfo(CURL *h, struct cert_seen *cs)
{
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1)
        return;
    for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
        if (!strncmp(s->data, "Subject:", 8)) {
            snprintf(cs->subject, sizeof cs->subject, "%s", s->data + 8);
            cs->have = true;
        } else if (!strncmp(s->data, "Expire date:", 12)) {
            struct tm tm;
            memset(&tm, 0, sizeof tm);
            const char *v = s->data + 12;
            while (*v == ' ')
                v++;
            /* OpenSSL: "Jan 31 12:00:00 2026 GMT"; GnuTLS: "2026-01-31 12:00:00 GMT" */
            if (strptime(v, "%b %d %H:%M:%S %Y", &tm) || strptime(v, "%Y-%m-%d %H:%M:%S", &tm))
                days_from_tm(cs, &tm);
        }
    }
}
#endif

static bool is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

static double span_ms(curl_off_t a, curl_off_t b) { return b > a ? (double)(b - a) / 1000.0 : 0.0; }

/* DNS, TCP, TLS. Returns false at the first failure (remedy set). */
static bool probe_connect(struct app *a, const struct rapi_invocation *inv, struct probe *p)
{
    const char *url = a->settings.ha_url;
    char host[256] = "", port[16] = "", scheme[16] = "";
    CURLU *u = curl_url();
    char *v = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
        if (curl_url_get(u, CURLUPART_HOST, &v, 0) == CURLUE_OK) {
            snprintf(host, sizeof host, "%s", v);
            curl_free(v);
        }
        if (curl_url_get(u, CURLUPART_PORT, &v, CURLU_DEFAULT_PORT) == CURLUE_OK) {
            snprintf(port, sizeof port, "%s", v);
            curl_free(v);
        }
        if (curl_url_get(u, CURLUPART_SCHEME, &v, 0) == CURLUE_OK) {
            snprintf(scheme, sizeof scheme, "%s", v);
            curl_free(v);
        }
    }
    curl_url_cleanup(u);
    bool tls = !strcmp(scheme, "https");
    char f[512];

    CURL *h = curl_easy_init();
    if (!h) {
        add_check(p, "dns", false, 0, "cannot start libcurl (out of memory)");
        p->remedy_static = "raise lambda.memory_mb";
        return false;
    }
    uint64_t left = remaining_ms(inv);
    uint64_t budget = left < PROBE_STEP_MS ? left : PROBE_STEP_MS;
    struct cert_seen cs;
    memset(&cs, 0, sizeof cs);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(budget < PROBE_CONNECT_MS ? budget : PROBE_CONNECT_MS));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(budget ? budget : 1));
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (a->settings.ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, a->settings.ca_bundle);
    if (a->cfg->client_cert)
        curl_easy_setopt(h, CURLOPT_SSLCERT, a->cfg->client_cert);
    if (a->cfg->client_key)
        curl_easy_setopt(h, CURLOPT_SSLKEY, a->cfg->client_key);
    if (a->settings.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
#ifdef LEEC_TLS_WOLFSSL
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, sslctx_cb);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &cs);
#else
    curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
#endif
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(h);
#ifndef LEEC_TLS_WOLFSSL
    certinfo(h, &cs);
#endif
    curl_off_t t_dns = 0, t_tcp = 0, t_tls = 0;
    curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &t_dns);
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t_tcp);
    curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &t_tls);
    char *ip = NULL;
    curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
    char ipbuf[64];
    snprintf(ipbuf, sizeof ipbuf, "%s", ip && *ip ? ip : "");
    curl_easy_cleanup(h);
#ifdef LEEC_TLS_WOLFSSL
    ctx_cert = NULL;
#endif

    /* DNS */
    if (rc == CURLE_COULDNT_RESOLVE_HOST || (rc == CURLE_OPERATION_TIMEDOUT && !*ipbuf)) {
        snprintf(f, sizeof f, "%s does not resolve (%s)", host,
                 rc == CURLE_OPERATION_TIMEDOUT ? "timed out" : "no such name");
        add_check(p, "dns", false, span_ms(0, t_dns), f);
        snprintf(p->remedy, sizeof p->remedy,
                 "check the host name of home_assistant.url (%s) and that it has a public DNS "
                 "record: Lambda resolves through public DNS, not your home network's",
                 host);
        return false;
    }
    snprintf(f, sizeof f, "%s resolves to %s", host, *ipbuf ? ipbuf : "an address");
    add_check(p, "dns", true, span_ms(0, t_dns), f);

    /* TCP */
    if (rc == CURLE_COULDNT_CONNECT || (rc == CURLE_OPERATION_TIMEDOUT && !t_tcp) ||
        (rc != CURLE_OK && !is_tls_error(rc) && !t_tcp)) {
        /* bounded fields: the finding fits f whatever curl says */
        snprintf(f, sizeof f, "no connection to %.200s port %.8s: %.250s", *ipbuf ? ipbuf : host,
                 port,
                 rc == CURLE_OPERATION_TIMEDOUT ? "timed out (dropped by a firewall?)"
                 : *cerr                        ? cerr
                                                : curl_easy_strerror(rc));
        add_check(
            p, "tcp", false,
            span_ms(t_dns, rc == CURLE_OPERATION_TIMEDOUT ? (curl_off_t)budget * 1000 : t_tcp), f);
        snprintf(p->remedy, sizeof p->remedy,
                 "Home Assistant is not reachable from the internet on port %s: forward the port "
                 "on your router / open the firewall to %s, or use a tunnel (Nabu Casa, "
                 "Cloudflare Tunnel: docs/deploy.md)",
                 port, host);
        return false;
    }
    snprintf(f, sizeof f, "connected to %s port %s", *ipbuf ? ipbuf : host, port);
    add_check(p, "tcp", true, span_ms(t_dns, t_tcp), f);

    /* TLS */
    if (!tls) {
        add_check(p, "tls", true, 0,
                  "plain HTTP (no TLS): allowed for a loopback address or "
                  "home_assistant.allow_http only");
        return true;
    }
    char cert[400] = "";
    if (cs.have)
        snprintf(cert, sizeof cert, "certificate %s, expires %s (%ld days)",
                 cs.subject[0] ? cs.subject : "(no subject)", cs.not_after[0] ? cs.not_after : "?",
                 cs.days_left);
    else
        snprintf(cert, sizeof cert, "certificate details not available from this TLS library");
    if (rc != CURLE_OK) {
        snprintf(f, sizeof f, "verification failed: %.200s; %.280s",
                 *cerr ? cerr : curl_easy_strerror(rc), cert);
        add_check(p, "tls", false, span_ms(t_tcp, t_tls), f);
        if (cs.have && cs.not_after[0] && cs.days_left < 0)
            snprintf(p->remedy, sizeof p->remedy,
                     "the certificate expired on %s: renew it (Let's Encrypt: check the renewal "
                     "add-on or certbot) and restart Home Assistant or the proxy",
                     cs.not_after);
        else
            p->remedy_static =
                "Home Assistant's certificate is not trusted for this host name: use a publicly "
                "trusted certificate whose name matches home_assistant.url, or, for a private CA, "
                "set home_assistant.tls.ca_bundle to its PEM file (packaged with the function)";
        return false;
    }
    if (a->settings.insecure)
        snprintf(f, sizeof f, "NOT verified (tls.verify: false): %s", cert);
    else if (cs.have && cs.days_left < 14)
        snprintf(f, sizeof f, "verified; %s: renew it soon", cert);
    else
        snprintf(f, sizeof f, "verified; %s", cert);
    add_check(p, "tls", true, span_ms(t_tcp, t_tls), f);
    return true;
}

static const char *probe_token(const struct app *a)
{
    if (a->ssm_token)
        return a->ssm_token;
    return a->settings.long_lived_token;
}

static bool probe_http(struct app *a, const struct rapi_invocation *inv, struct probe *p)
{
    const char *tok = probe_token(a);
    char f[512];
    struct ha_result r;
    uint64_t left = remaining_ms(inv);
    ha_client_get(a->ha, "/api/", tok, left < PROBE_STEP_MS ? left : PROBE_STEP_MS, &r);
    long st = r.http_status;
    double ms = r.total_ms;
    if (r.outcome != HA_OK && r.outcome != HA_HTTP_ERROR) {
        snprintf(f, sizeof f, "GET /api/: %s (%s)", ha_outcome_name(r.outcome), r.error);
        ha_result_free(&r);
        add_check(p, "token", false, ms, f);
        p->remedy_static = "the connection works but the HTTP request failed: check a proxy in "
                           "front of Home Assistant (timeouts, request size)";
        return false;
    }
    ha_result_free(&r);
    if (!tok) {
        if (st == 401) {
            add_check(p, "token", true, ms,
                      "account linking: no token is stored (Alexa sends each user's); "
                      "Home Assistant's API answers 401 without one, as it should");
        } else {
            snprintf(f, sizeof f, "GET /api/ without a token answered %ld, not 401", st);
            add_check(p, "token", false, ms, f);
            p->remedy_static = "the URL does not lead to Home Assistant's API (a proxy or "
                               "login page in between?): check home_assistant.url";
            return false;
        }
    } else if (st == 200) {
        add_check(p, "token", true, ms, "GET /api/: 200, the token is accepted");
    } else if (st == 401) {
        add_check(p, "token", false, ms, "GET /api/: 401, Home Assistant rejects the token");
        p->remedy_static =
            "create a new long-lived access token (Home Assistant: your profile → Security) and "
            "store it: leec deploy PROJECT --ssm-token-stdin (or the token's environment "
            "variable)";
        return false;
    } else if (st == 403) {
        add_check(p, "token", false, ms, "GET /api/: 403, this address is banned");
        p->remedy_static = "Home Assistant banned the function's address after failed logins: "
                           "remove it from ip_bans.yaml and restart Home Assistant";
        return false;
    } else {
        snprintf(f, sizeof f, "GET /api/ answered %ld", st);
        add_check(p, "token", false, ms, f);
        p->remedy_static = "the URL does not lead to Home Assistant's API (a proxy or login "
                           "page in between?): check home_assistant.url";
        return false;
    }

    /* The endpoint accepts POST only: a GET changes nothing and tells 405 (there) from
     * 404 (the alexa integration's smart_home is not configured). */
    left = remaining_ms(inv);
    ha_client_get(a->ha, "/api/alexa/smart_home", tok, left < PROBE_STEP_MS ? left : PROBE_STEP_MS,
                  &r);
    st = r.http_status;
    ms = r.total_ms;
    bool transport = r.outcome != HA_OK && r.outcome != HA_HTTP_ERROR;
    if (transport)
        snprintf(f, sizeof f, "GET /api/alexa/smart_home: %s (%s)", ha_outcome_name(r.outcome),
                 r.error);
    ha_result_free(&r);
    if (transport) {
        add_check(p, "alexa_endpoint", false, ms, f);
        p->remedy_static = "the request failed after the API answered: check a proxy in front "
                           "of Home Assistant";
        return false;
    }
    if (!tok && st == 401) {
        add_check(p, "alexa_endpoint", true, ms,
                  "not checked: needs a user's token (account linking); if discovery finds "
                  "nothing, check that configuration.yaml has `alexa: smart_home:`");
    } else if (st == 405 || st == 200 || st == 400) {
        snprintf(f, sizeof f, "/api/alexa/smart_home exists (%ld to a GET)", st);
        add_check(p, "alexa_endpoint", true, ms, f);
    } else if (st == 404) {
        add_check(p, "alexa_endpoint", false, ms,
                  "/api/alexa/smart_home: 404, Home Assistant's Alexa Smart Home endpoint is off");
        p->remedy_static = "add `alexa:` with `smart_home:` to Home Assistant's "
                           "configuration.yaml and restart Home Assistant";
        return false;
    } else {
        snprintf(f, sizeof f, "/api/alexa/smart_home answered %ld to a GET", st);
        add_check(p, "alexa_endpoint", false, ms, f);
        p->remedy_static = "unexpected answer: check Home Assistant's log and any proxy in front";
        return false;
    }
    return true;
}

void probe_handler(struct app *a, const struct rapi_invocation *inv, cJSON *event,
                   struct gw_reply *out)
{
    struct probe p = {.checks = cJSON_CreateArray(), .ok = true};
    if (probe_connect(a, inv, &p))
        probe_http(a, inv, &p);
    /* The hourly schedule (leec deploy) sends "scheduled": true: a failure is then an
     * invocation error, which Lambda's Errors metric counts and the errors alarm sees. */
    if (!p.ok && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(event, "scheduled"))) {
        const cJSON *last = cJSON_GetArrayItem(p.checks, cJSON_GetArraySize(p.checks) - 1);
        const cJSON *check = cJSON_GetObjectItemCaseSensitive(last, "check");
        const cJSON *finding = cJSON_GetObjectItemCaseSensitive(last, "finding");
        out->error_type = "Probe.Failed";
        /* what failed, then the remedy: cut to the error message's size */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s. %s",
                 cJSON_IsString(check) ? check->valuestring : "probe",
                 cJSON_IsString(finding) ? finding->valuestring : "failed",
                 p.remedy_static ? p.remedy_static : p.remedy);
        size_t n = strlen(msg);
        if (n >= sizeof out->error_msg)
            n = sizeof out->error_msg - 1;
        memcpy(out->error_msg, msg, n);
        out->error_msg[n] = '\0';
        out->ns = "probe";
        out->name = "failed";
        cJSON_Delete(p.checks);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "leec_probe", 1);
    cJSON_AddBoolToObject(o, "ok", p.ok);
    cJSON_AddStringToObject(o, "url", a->settings.ha_url);
    cJSON_AddItemToObject(o, "checks", p.checks);
    if (!p.ok)
        cJSON_AddStringToObject(o, "remedy", p.remedy_static ? p.remedy_static : p.remedy);
    out->body = cJSON_PrintUnformatted(o);
    out->len = out->body ? strlen(out->body) : 0;
    out->ns = "probe";
    out->name = p.ok ? "ok" : "failed";
    cJSON_Delete(o);
}
