#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/proxy.h"
#include "sh_testutil.h"

#define TOKEN "directive-token-abc"
#define EV_TURNON                                                                              \
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.PowerController\",\"name\":\"TurnOn\"," \
    "\"payloadVersion\":\"3\",\"messageId\":\"m1\",\"correlationToken\":\"corr-1\"},"          \
    "\"endpoint\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\"" TOKEN "\"},"              \
    "\"endpointId\":\"light#kitchen\"},\"payload\":{}}}"
#define EV_GRANT                                                                                  \
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.Authorization\",\"name\":\"AcceptGrant\"," \
    "\"payloadVersion\":\"3\",\"messageId\":\"m2\"},\"payload\":{\"grant\":{\"type\":"            \
    "\"OAuth2.AuthorizationCode\",\"code\":\"c\"},\"grantee\":{\"type\":\"BearerToken\","         \
    "\"token\":\"" TOKEN "\"}}}}"
#define EV_DISCOVER                                                                        \
    "{\"directive\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":\"Discover\"," \
    "\"payloadVersion\":\"3\",\"messageId\":\"m3\"},\"payload\":{\"scope\":{\"type\":"     \
    "\"BearerToken\",\"token\":\"" TOKEN "\"}}}}"

static struct lsrv *srv;
static struct ha_client *ha;

static void setup(void)
{
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("all_proxy");
    srv = ls_start();
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv->port);
    struct ha_settings s = {.base_url = url, .connect_timeout_ms = 500, .max_reply_bytes = 8192};
    ha = ha_client_new(&s, err, sizeof err);
    ck_assert_ptr_nonnull(ha);
}

/* responses to validate, in one python run per test (teardown) */
static const char *pending[128];
static size_t n_pending;

static void queue_validate(const char *text, size_t len)
{
    ck_assert_uint_lt(n_pending, 127);
    pending[n_pending++] = write_temp(text, len);
    pending[n_pending] = NULL;
}

static void teardown(void)
{
    ha_client_free(ha);
    ls_stop(srv);
    int rc = n_pending ? schema_validate_files(pending) : 0;
    for (size_t i = 0; i < n_pending; i++) {
        unlink(pending[i]);
        free((char *)pending[i]);
    }
    n_pending = 0;
    ck_assert_msg(rc == 0, "an ErrorResponse failed schema validation");
}

/* The smallest reply forwarded unchanged: an event with a complete header. */
#define HDR_OK \
    "{\"namespace\":\"Alexa\",\"name\":\"Response\",\"payloadVersion\":\"3\",\"messageId\":\"m\"}"
#define REPLY_OK "{\"event\":{\"header\":" HDR_OK ",\"payload\":{}}}"

static struct smarthome_ctx base_ctx(void)
{
    struct smarthome_ctx c = {.ha = ha, .total_cap_ms = 2000, .margin_ms = 50};
    return c;
}

/* runs the handler; checks the response validates and, for errors, its type */
static void run(const struct smarthome_ctx *ctx, const char *event, struct smarthome_reply *out,
                const char *want_type, const char *want_branch)
{
    ck_assert_int_eq(smarthome_handle(ctx, event, strlen(event), NULL, out), 0);
    ck_assert_ptr_nonnull(out->body);
    ck_assert_uint_eq(out->len, strlen(out->body));
    ck_assert_str_eq(out->branch, want_branch);
    if (want_type) {
        ck_assert_ptr_nonnull(out->error_type);
        ck_assert_str_eq(out->error_type, want_type);
        queue_validate(out->body, out->len);
        cJSON *j = cJSON_Parse(out->body);
        const cJSON *pl = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "event"), "payload");
        ck_assert_str_eq(cJSON_GetObjectItem(pl, "type")->valuestring, want_type);
        cJSON_Delete(j);
    } else {
        ck_assert_ptr_null(out->error_type);
    }
    ck_assert_ptr_null(strstr(out->note, TOKEN));
}

START_TEST(passthrough_byte_for_byte)
{
    const char reply[] = "{ \"event\" : {\"header\":{\"namespace\":\"Alexa\",\"name\":\"Response\","
                         "\"payloadVersion\":\"3\",\"messageId\":\"m-1\"},"
                         "\"payload\":{}},\n \"context\":{\"properties\":[]} }  ";
    ls_set_body(srv, reply, sizeof reply - 1, "application/json");
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_uint_eq(out.len, sizeof reply - 1);
    ck_assert_mem_eq(out.body, reply, out.len);
    ck_assert_int_eq(out.breaker, BREAKER_SUCCESS);
    ck_assert_int_eq(out.ha_status, 200);
    ck_assert(out.ha_called);
    ck_assert_int_eq(ls_requests(srv), 1);
    char *req = ls_last(srv);
    ck_assert_ptr_nonnull(strstr(req, "POST /api/alexa/smart_home HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "Authorization: Bearer " TOKEN "\r\n"));
    /* the ORIGINAL event bytes, unchanged */
    const char *b = strstr(req, "\r\n\r\n") + 4;
    ck_assert_str_eq(b, EV_TURNON);
    free(req);
    smarthome_reply_free(&out);
}
END_TEST

struct status_case {
    int status;
    const char *type, *branch, *note_part;
    enum breaker_outcome brk;
};

START_TEST(every_status_mapped_one_post_each)
{
    static const struct status_case cases[] = {
        {401, "INVALID_AUTHORIZATION_CREDENTIAL", "ha_401", "401", BREAKER_HTTP_4XX},
        {403, "INVALID_AUTHORIZATION_CREDENTIAL", "ha_403", "ip may be banned", BREAKER_HTTP_4XX},
        {404, "INTERNAL_ERROR", "ha_404", "alexa: smart_home: not configured or wrong base path",
         BREAKER_HTTP_4XX},
        {500, "INTERNAL_ERROR", "ha_500", "500", BREAKER_HTTP_5XX},
        {502, "BRIDGE_UNREACHABLE", "ha_5xx", "502", BREAKER_HTTP_5XX},
        {503, "BRIDGE_UNREACHABLE", "ha_5xx", "503", BREAKER_HTTP_5XX},
        {504, "BRIDGE_UNREACHABLE", "ha_5xx", "504", BREAKER_HTTP_5XX},
        {429, "RATE_LIMIT_EXCEEDED", "ha_429", "429", BREAKER_HTTP_4XX},
        {400, "INTERNAL_ERROR", "ha_4xx", "400", BREAKER_HTTP_4XX},
        {302, "BRIDGE_UNREACHABLE", "ha_3xx", "302", BREAKER_TRANSPORT_ERROR},
    };
    struct smarthome_ctx ctx = base_ctx();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ls_set(srv, LS_RESPOND, cases[i].status, "{\"message\":\"x\"}", 0);
        struct smarthome_reply out;
        run(&ctx, EV_TURNON, &out, cases[i].type, cases[i].branch);
        ck_assert_ptr_nonnull(strstr(out.note, cases[i].note_part));
        ck_assert_int_eq(out.breaker, cases[i].brk);
        ck_assert_int_eq(out.ha_status, cases[i].status);
        ck_assert_uint_eq(out.attempts, 1);
        ck_assert_int_eq(ls_requests(srv), (int)i + 1);
        /* echoed correlationToken and endpoint */
        ck_assert_ptr_nonnull(strstr(out.body, "\"correlationToken\":\"corr-1\""));
        ck_assert_ptr_nonnull(strstr(out.body, "\"endpointId\":\"light#kitchen\""));
        smarthome_reply_free(&out);
    }
}
END_TEST

START_TEST(not_json_and_too_large)
{
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    const char html[] = "<html>login</html>";
    ls_set(srv, LS_RESPOND, 200, NULL, 0);
    ls_set_body(srv, html, sizeof html - 1, "text/html");
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "ha_not_json");
    ck_assert_int_eq(out.breaker, BREAKER_TRANSPORT_ERROR);
    smarthome_reply_free(&out);
    ls_set(srv, LS_RESPOND, 200, "{\"no_event\":1}", 0);
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "ha_not_json");
    smarthome_reply_free(&out);
    char big[10000];
    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = 0;
    ls_set(srv, LS_RESPOND, 200, big, 0);
    run(&ctx, EV_TURNON, &out, "INTERNAL_ERROR", "ha_too_large");
    smarthome_reply_free(&out);
    ck_assert_int_eq(ls_requests(srv), 3);
}
END_TEST

/* A reply within the byte cap but over the compiled node cap is refused before cJSON
 * builds a tree the memory estimate does not count. */
START_TEST(reply_over_node_cap)
{
    struct smarthome_ctx ctx = base_ctx();
    ctx.reply_limits =
        (struct jsonguard_limits){.max_bytes = 65536, .max_depth = 32, .max_nodes = 50};
    struct smarthome_reply out;
    char body[4096];
    size_t n =
        (size_t)snprintf(body, sizeof body, "{\"event\":{\"header\":" HDR_OK ",\"payload\":[");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s1", i ? "," : "");
    snprintf(body + n, sizeof body - n, "]}}");
    ls_set(srv, LS_RESPOND, 200, body, 0);
    run(&ctx, EV_TURNON, &out, "INTERNAL_ERROR", "ha_reply_too_complex");
    ck_assert_int_eq(out.breaker, BREAKER_SUCCESS);
    smarthome_reply_free(&out);
    ctx.reply_limits.max_nodes = 1000; /* the same reply within the cap passes through */
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    smarthome_reply_free(&out);
}
END_TEST

static void b64url(const char *in, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        out[o++] = t[(v >> 18) & 63];
        out[o++] = t[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = t[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = t[v & 63];
    }
    out[o] = 0;
}

START_TEST(expired_jwt_401)
{
    char pl[128], jwt[256], ev[2048];
    b64url("{\"exp\":1600000000}", pl);
    snprintf(jwt, sizeof jwt, "eyJhbGciOiJIUzI1NiJ9.%s.c2ln", pl);
    snprintf(ev, sizeof ev,
             "{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
             "\"payloadVersion\":\"3\",\"messageId\":\"m\"},\"endpoint\":{\"scope\":{\"type\":"
             "\"BearerToken\",\"token\":\"%s\"},\"endpointId\":\"e1\"},\"payload\":{}}}",
             jwt);
    ls_set(srv, LS_RESPOND, 401, "401: Unauthorized", 0);
    struct smarthome_ctx ctx = base_ctx();
    ctx.now_ms = 1700000000000ull;
    struct smarthome_reply out;
    run(&ctx, ev, &out, "EXPIRED_AUTHORIZATION_CREDENTIAL", "ha_401_expired");
    smarthome_reply_free(&out);
    ctx.now_ms = 1500000000000ull; /* not yet expired */
    run(&ctx, ev, &out, "INVALID_AUTHORIZATION_CREDENTIAL", "ha_401");
    smarthome_reply_free(&out);
}
END_TEST

START_TEST(early_errors_make_no_call)
{
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    struct {
        const char *ev, *type, *branch;
    } cases[] = {
        {"not json", "INVALID_DIRECTIVE", "unparsable_event"},
        {"{\"foo\":1}", "INVALID_DIRECTIVE", "no_directive"},
        {"{\"directive\":{\"payload\":{}}}", "INVALID_DIRECTIVE", "malformed_directive"},
        {"{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
         "\"payloadVersion\":\"2\",\"messageId\":\"m\",\"correlationToken\":\"c\"}}}",
         "INVALID_DIRECTIVE", "bad_payload_version"},
        {"{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
         "\"payloadVersion\":\"3\",\"messageId\":\"m\"},\"endpoint\":{\"endpointId\":\"e\"}}}",
         "INVALID_AUTHORIZATION_CREDENTIAL", "no_token"},
        {"{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
         "\"payloadVersion\":\"3\",\"messageId\":\"m\"},\"endpoint\":{\"endpointId\":\"e\","
         "\"scope\":{\"type\":\"Basic\",\"token\":\"x\"}}}}",
         "INVALID_AUTHORIZATION_CREDENTIAL", "bad_token_type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run(&ctx, cases[i].ev, &out, cases[i].type, cases[i].branch);
        ck_assert(!out.ha_called);
        ck_assert_int_eq(out.breaker, BREAKER_NOT_CALLED);
        smarthome_reply_free(&out);
    }
    ctx.rate_limited = true;
    run(&ctx, EV_TURNON, &out, "RATE_LIMIT_EXCEEDED", "rate_limited");
    smarthome_reply_free(&out);
    ctx.rate_limited = false;
    ctx.breaker_open = true;
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "breaker_open");
    smarthome_reply_free(&out);
    ctx.breaker_open = false;
    ctx.now_ms = 1000000;
    ctx.deadline_epoch_ms = 1000000 + 120; /* 120 - 50 margin = 70 < 100 */
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "budget_exhausted");
    ck_assert_uint_eq(out.budget_ms, 70);
    smarthome_reply_free(&out);
    ctx.deadline_epoch_ms = 1000000 - 5; /* already past */
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "budget_exhausted");
    smarthome_reply_free(&out);
    ck_assert_int_eq(ls_requests(srv), 0);
}
END_TEST

START_TEST(deadline_respected)
{
    ls_set(srv, LS_RESPOND, 200, REPLY_OK, 5000);
    struct smarthome_ctx ctx = base_ctx();
    ctx.total_cap_ms = 7500;
    ctx.margin_ms = 100;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    ctx.deadline_epoch_ms = now + 400; /* budget = 300 ms */
    struct smarthome_reply out;
    uint64_t t0 = ls_now_ms();
    ck_assert_int_eq(smarthome_handle(&ctx, EV_TURNON, strlen(EV_TURNON), NULL, &out), 0);
    uint64_t el = ls_now_ms() - t0;
    ck_assert_uint_lt(el, 400);
    ck_assert_str_eq(out.branch, "ha_timeout");
    ck_assert_str_eq(out.error_type, "BRIDGE_UNREACHABLE");
    queue_validate(out.body, out.len);
    ck_assert_uint_le(out.budget_ms, 300);
    ck_assert_uint_ge(out.budget_ms, 250);
    ck_assert_int_eq(out.breaker, BREAKER_TIMEOUT);
    ck_assert(out.bytes_sent_maybe);
    ck_assert_int_eq(ls_requests(srv), 1);
    smarthome_reply_free(&out);
}
END_TEST

START_TEST(transport_failures)
{
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    ls_set(srv, LS_RESET, 200, "", 0);
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "ha_reset");
    ck_assert_uint_eq(out.attempts, 1);
    ck_assert_int_eq(out.breaker, BREAKER_TRANSPORT_ERROR);
    smarthome_reply_free(&out);
    ck_assert_int_eq(ls_requests(srv), 1);
    /* refused: one retry, then BRIDGE_UNREACHABLE */
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ls_closed_port());
    struct ha_settings s = {.base_url = url, .connect_timeout_ms = 300};
    struct ha_client *dead = ha_client_new(&s, err, sizeof err);
    ctx.ha = dead;
    run(&ctx, EV_TURNON, &out, "BRIDGE_UNREACHABLE", "ha_connect");
    ck_assert_uint_eq(out.attempts, 2);
    ck_assert(!out.bytes_sent_maybe);
    smarthome_reply_free(&out);
    /* AcceptGrant failing in transport */
    run(&ctx, EV_GRANT, &out, "ACCEPT_GRANT_FAILED", "ha_connect");
    ck_assert_str_eq(out.error_namespace, "Alexa.Authorization");
    ck_assert_ptr_nonnull(strstr(out.body, "\"namespace\":\"Alexa.Authorization\""));
    smarthome_reply_free(&out);
    ha_client_free(dead);
}
END_TEST

START_TEST(token_modes)
{
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    ls_set(srv, LS_RESPOND, 200, REPLY_OK, 0);
    const char *no_tok =
        "{\"directive\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"ReportState\","
        "\"payloadVersion\":\"3\",\"messageId\":\"m\"},\"endpoint\":{\"endpointId\":\"e\"}}}";
    ctx.long_lived_token = "LLT-999";
    ctx.token_mode = SH_TOKEN_LONG_LIVED;
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_str_eq(out.token_source, "long_lived");
    smarthome_reply_free(&out);
    char *req = ls_last(srv);
    ck_assert_ptr_nonnull(strstr(req, "Authorization: Bearer LLT-999\r\n"));
    free(req);
    ctx.token_mode = SH_TOKEN_DIRECTIVE_THEN_LONG_LIVED;
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_str_eq(out.token_source, "endpoint.scope");
    smarthome_reply_free(&out);
    run(&ctx, no_tok, &out, NULL, "passthrough");
    ck_assert_str_eq(out.token_source, "long_lived");
    smarthome_reply_free(&out);
    ctx.token_mode = SH_TOKEN_ACCOUNT_LINKING;
    run(&ctx, no_tok, &out, "INVALID_AUTHORIZATION_CREDENTIAL", "no_token");
    smarthome_reply_free(&out);
    ctx.token_mode = SH_TOKEN_LONG_LIVED;
    ctx.long_lived_token = NULL;
    run(&ctx, EV_TURNON, &out, "INVALID_AUTHORIZATION_CREDENTIAL", "no_token");
    smarthome_reply_free(&out);
    ck_assert_int_eq(ls_requests(srv), 3);
}
END_TEST

static const char DISC_REPLY[] =
    "{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":\"Discover.Response\","
    "\"payloadVersion\":\"3\",\"messageId\":\"0a58ace0-e6ab-47de-b6af-b600b5ab8a7a\"},"
    "\"payload\":{\"endpoints\":[{\"endpointId\":\"light#a\",\"manufacturerName\":\"HA\","
    "\"friendlyName\":\"A\",\"description\":\"d\",\"displayCategories\":[\"LIGHT\"],"
    "\"capabilities\":[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"3\"}]},"
    "{\"endpointId\":\"switch#b\",\"manufacturerName\":\"HA\",\"friendlyName\":\"B\","
    "\"description\":\"d\",\"displayCategories\":[\"SWITCH\"],\"capabilities\":[{\"type\":"
    "\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"3\"}]}]}}}";

START_TEST(discovery_rules_applied)
{
    ls_set(srv, LS_RESPOND, 200, DISC_REPLY, 0);
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    run(&ctx, EV_DISCOVER, &out, NULL, "passthrough"); /* no rules: bytes unchanged */
    ck_assert_str_eq(out.body, DISC_REPLY);
    ck_assert_uint_eq(out.discovery_after, 2);
    smarthome_reply_free(&out);
    const char *exc[] = {"switch#*"};
    struct discovery_name_override names[] = {{"light#a", "Lamp"}};
    struct discovery_rules r = {NULL, 0, exc, 1, NULL, 0, names, 1, NULL, 0};
    ctx.discovery = &r;
    run(&ctx, EV_DISCOVER, &out, NULL, "discovery_rewritten");
    ck_assert_uint_eq(out.discovery_before, 2);
    ck_assert_uint_eq(out.discovery_after, 1);
    ck_assert_ptr_null(strstr(out.body, "switch#b"));
    ck_assert_ptr_nonnull(strstr(out.body, "\"friendlyName\":\"Lamp\""));
    queue_validate(out.body, out.len);
    smarthome_reply_free(&out);
    /* rules never touch other directives */
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_str_eq(out.body, DISC_REPLY);
    smarthome_reply_free(&out);
}
END_TEST

START_TEST(caller_parsed_event)
{
    ls_set(srv, LS_RESPOND, 200, REPLY_OK, 0);
    struct smarthome_ctx ctx = base_ctx();
    struct smarthome_reply out;
    cJSON *j = cJSON_Parse(EV_TURNON);
    ck_assert_int_eq(smarthome_handle(&ctx, EV_TURNON, strlen(EV_TURNON), j, &out), 0);
    ck_assert_str_eq(out.branch, "passthrough");
    smarthome_reply_free(&out);
    cJSON_Delete(j);
}
END_TEST

/* What cJSON tolerates but Alexa does not: INTERNAL_ERROR, HA counted alive. */
START_TEST(loose_replies_are_not_forwarded)
{
    static const struct {
        const char *body;
        size_t len;
    } bad[] = {
#define B(s) {s, sizeof s - 1}
        B("{\"event\":{}}"),
        B("{\"event\":{\"header\":{\"namespace\":\"Alexa\",\"name\":\"Response\"},\"payload\":{}}"
          "}"),
        B("\xef\xbb\xbf" REPLY_OK),
        B("\x01" REPLY_OK),
        B("{\"event\":{\"header\":" HDR_OK ",\"payload\":{\"s\":\"a\x01"
          "b\"}}}"),
        B("{\"event\":{\"header\":" HDR_OK ",\"payload\":{\"s\":\"\xff\"}}}"),
        B("{\"event\":{\"header\":" HDR_OK ",\"payload\":{\"a\":1,\"a\":2}}}"),
        B("{\"event\":{\"header\":" HDR_OK ",\"payload\":{}},\"event\":{}}"),
        B("{\"event\":{\"header\":" HDR_OK ",\"payload\":{\"n\":01}}}"),
#undef B
    };
    struct smarthome_ctx ctx = base_ctx();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ls_set_body(srv, bad[i].body, bad[i].len, "application/json");
        struct smarthome_reply out;
        run(&ctx, EV_TURNON, &out, "INTERNAL_ERROR", "ha_reply_invalid");
        ck_assert_int_eq(out.breaker, BREAKER_SUCCESS);
        ck_assert_msg(!memmem(out.note, strlen(out.note), "\xff", 1), "note quotes the reply");
        smarthome_reply_free(&out);
    }
    ls_set(srv, LS_RESPOND, 200, REPLY_OK, 0);
    struct smarthome_reply out;
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_str_eq(out.body, REPLY_OK);
    smarthome_reply_free(&out);
}
END_TEST

/* Properties of an interface the discovery rules removed from that endpoint are dropped
 * from every reply; other endpoints' replies pass byte for byte. */
START_TEST(removed_interface_properties_dropped)
{
    static const struct discovery_cap_removal rm[] = {
        {"light#*", "Alexa.ColorTemperatureController"}};
    struct discovery_rules rules = {.cap_removals = rm, .n_cap_removals = 1};
    struct smarthome_ctx ctx = base_ctx();
    ctx.discovery = &rules;
#define PROP(ns, n, v) "{\"namespace\":\"" ns "\",\"name\":\"" n "\",\"value\":" v "}"
    const char *light =
        "{\"event\":{\"header\":" HDR_OK ",\"endpoint\":{\"endpointId\":\"light#k\"},"
        "\"payload\":{\"change\":{\"properties\":[" PROP(
            "Alexa.ColorTemperatureController", "colorTemperatureInKelvin",
            "3000") "]}}},"
                    "\"context\":{\"properties\":[" PROP(
                        "Alexa.PowerController", "powerState",
                        "\"ON\"") "," PROP("Alexa.ColorTemperatureController",
                                           "colorTemperatureInKelvin", "3000") "]}}";
    ls_set(srv, LS_RESPOND, 200, light, 0);
    struct smarthome_reply out;
    run(&ctx, EV_TURNON, &out, NULL, "properties_filtered");
    ck_assert_ptr_null(strstr(out.body, "ColorTemperature"));
    ck_assert_ptr_nonnull(strstr(out.body, "\"powerState\""));
    smarthome_reply_free(&out);
    char other[1024];
    snprintf(other, sizeof other, "%s", light);
    memcpy(strstr(other, "light#k"), "lamp#kk", 7);
    ls_set(srv, LS_RESPOND, 200, other, 0);
    run(&ctx, EV_TURNON, &out, NULL, "passthrough");
    ck_assert_str_eq(out.body, other);
    smarthome_reply_free(&out);
#undef PROP
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smarthome_proxy");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, passthrough_byte_for_byte);
    tcase_add_test(tc, loose_replies_are_not_forwarded);
    tcase_add_test(tc, removed_interface_properties_dropped);
    tcase_add_test(tc, every_status_mapped_one_post_each);
    tcase_add_test(tc, not_json_and_too_large);
    tcase_add_test(tc, reply_over_node_cap);
    tcase_add_test(tc, expired_jwt_401);
    tcase_add_test(tc, early_errors_make_no_call);
    tcase_add_test(tc, deadline_respected);
    tcase_add_test(tc, transport_failures);
    tcase_add_test(tc, token_modes);
    tcase_add_test(tc, discovery_rules_applied);
    tcase_add_test(tc, caller_parsed_event);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
