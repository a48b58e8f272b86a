#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/directive.h"

static struct sh_directive inspect(const char *json, cJSON **keep)
{
    struct sh_directive d;
    *keep = cJSON_Parse(json);
    sh_directive_inspect(*keep, &d);
    return d;
}

#define HDR(ns, nm, pv)                                                                 \
    "\"header\":{\"namespace\":\"" ns "\",\"name\":\"" nm "\",\"payloadVersion\":\"" pv \
    "\",\"messageId\":\"m\",\"correlationToken\":\"ct\"}"

START_TEST(classes)
{
    cJSON *j;
    struct sh_directive d;
    d = inspect("{}", &j);
    ck_assert_int_eq(d.cls, SH_NO_DIRECTIVE);
    cJSON_Delete(j);
    sh_directive_inspect(NULL, &d);
    ck_assert_int_eq(d.cls, SH_NO_DIRECTIVE);
    d = inspect("{\"directive\":{\"payload\":{}}}", &j);
    ck_assert_int_eq(d.cls, SH_MALFORMED);
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR("Alexa", "ReportState", "2") "}}", &j);
    ck_assert_int_eq(d.cls, SH_BAD_PAYLOAD_VERSION);
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR("Alexa", "ReportState",
                                       "3") ",\"endpoint\":{\"endpointId\":\"e\"}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_NO_TOKEN);
    ck_assert_str_eq(d.correlation_token, "ct");
    ck_assert_str_eq(d.endpoint_id, "e");
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR(
                    "Alexa", "ReportState",
                    "3") ",\"endpoint\":{\"scope\":{\"type\":\"Basic\",\"token\":\"t\"}}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_BAD_TOKEN_TYPE);
    ck_assert_ptr_null(d.token);
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR(
                    "Alexa", "ReportState",
                    "3") ",\"endpoint\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\"\"}}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_NO_TOKEN);
    cJSON_Delete(j);
}
END_TEST

START_TEST(token_order)
{
    cJSON *j;
    struct sh_directive d;
    d = inspect("{\"directive\":{" HDR(
                    "Alexa.PowerController", "TurnOn",
                    "3") ",\"endpoint\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\"A\"}},"
                         "\"payload\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\"C\"}}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_OK);
    ck_assert_str_eq(d.token, "A");
    ck_assert_str_eq(d.token_source, "endpoint.scope");
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR(
                    "Alexa.Authorization", "AcceptGrant",
                    "3") ",\"payload\":{\"grantee\":{\"type\":\"BearerToken\",\"token\":\"B\"},"
                         "\"scope\":{\"type\":\"BearerToken\",\"token\":\"C\"}}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_OK);
    ck_assert_str_eq(d.token, "B");
    ck_assert(d.is_accept_grant);
    ck_assert(!d.is_discovery);
    cJSON_Delete(j);
    d = inspect("{\"directive\":{" HDR(
                    "Alexa.Discovery", "Discover",
                    "3") ",\"payload\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\"C\"}}}}",
                &j);
    ck_assert_int_eq(d.cls, SH_OK);
    ck_assert_str_eq(d.token, "C");
    ck_assert_str_eq(d.token_source, "payload.scope");
    ck_assert(d.is_discovery);
    cJSON_Delete(j);
}
END_TEST

START_TEST(official_samples)
{
    static const char *files[] = {"Discovery/Discovery.request.json",
                                  "Authorization/Authorization.AcceptGrant.request.json",
                                  "PowerController/PowerController.TurnOn.request.json"};
    for (size_t i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/alexa/sample_messages/%s", LEEC_CONFORMANCE_DIR, files[i]);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        char buf[65536];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        cJSON *j = cJSON_Parse(buf);
        struct sh_directive d;
        sh_directive_inspect(j, &d);
        ck_assert_int_eq(d.cls, SH_OK);
        ck_assert_ptr_nonnull(d.token);
        cJSON_Delete(j);
    }
}
END_TEST

/* base64url without padding */
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

START_TEST(jwt)
{
    char p[256], tok[512];
    b64url("{\"iss\":\"x\",\"exp\":1000}", p);
    snprintf(tok, sizeof tok, "eyJhbGciOiJIUzI1NiJ9.%s.sig", p);
    ck_assert(jwt_visibly_expired(tok, 1000));
    ck_assert(jwt_visibly_expired(tok, 2000));
    ck_assert(!jwt_visibly_expired(tok, 999));
    b64url("{\"iss\":\"x\"}", p);
    snprintf(tok, sizeof tok, "h.%s.s", p);
    ck_assert(!jwt_visibly_expired(tok, 5000)); /* no exp */
    b64url("{\"exp\":\"1000\"}", p);
    snprintf(tok, sizeof tok, "h.%s.s", p);
    ck_assert(!jwt_visibly_expired(tok, 5000)); /* exp not a number */
    ck_assert(!jwt_visibly_expired("garbage", 5000));
    ck_assert(!jwt_visibly_expired("a..b", 5000));
    ck_assert(!jwt_visibly_expired("a.!!!.b", 5000));
    ck_assert(!jwt_visibly_expired("a.bm90IGpzb24.b", 5000));
    ck_assert(!jwt_visibly_expired(NULL, 5000));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smarthome_directive");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, classes);
    tcase_add_test(tc, token_order);
    tcase_add_test(tc, official_samples);
    tcase_add_test(tc, jwt);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
