#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "net/ssm.h"
#include "sh_testutil.h"

#define AKID    "AKIDEXAMPLE123"
#define SECRET  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SESSION "FwoGZXIvYXdzSESSIONTOKEN0123456789"

static struct lsrv *srv;

static void setup(void)
{
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("all_proxy");
    srv = ls_start();
}

static void teardown(void) { ls_stop(srv); }

static struct ssm_client *client(const char *session)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv->port);
    struct ssm_settings s = {.region = "eu-west-1",
                             .endpoint = url,
                             .access_key_id = AKID,
                             .secret_access_key = SECRET,
                             .session_token = session,
                             .timeout_ms = 2000};
    struct ssm_error e;
    struct ssm_client *c = ssm_client_new(&s, &e);
    ck_assert_msg(c != NULL, "%s", e.message);
    return c;
}

/* Writes the raw request next to the build for the later SigV4 verifier. */
static void save_raw(const char *req)
{
    const char *dir = getenv("LEEC_SSM_CAPTURE_DIR");
    if (!dir)
        return;
    char p[512];
    snprintf(p, sizeof p, "%s/ssm_request.http", dir);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(req, f);
        fclose(f);
    }
}

START_TEST(get_parameter_signed)
{
    ls_set(srv, LS_RESPOND, 200,
           "{\"Parameter\":{\"Name\":\"/leec/ha_token\",\"Type\":\"SecureString\","
           "\"Value\":\"the-secret-value\",\"Version\":3}}",
           0);
    struct ssm_client *c = client(SESSION);
    char *v = NULL;
    struct ssm_error e;
    ck_assert_msg(ssm_get_parameter(c, "/leec/ha_token", &v, &e) == 0, "%s", e.message);
    ck_assert_str_eq(v, "the-secret-value");
    ssm_value_free(v);
    char *req = ls_last(srv);
    save_raw(req);
    ck_assert_ptr_nonnull(strstr(req, "POST / HTTP/1.1\r\n"));
    ck_assert_ptr_nonnull(strcasestr(req, "\r\nX-Amz-Target: AmazonSSM.GetParameter\r\n"));
    ck_assert_ptr_nonnull(strcasestr(req, "\r\nContent-Type: application/x-amz-json-1.1\r\n"));
    ck_assert_ptr_nonnull(strcasestr(req, "\r\nx-amz-security-token: " SESSION "\r\n"));
    ck_assert_ptr_nonnull(strcasestr(req, "\r\nx-amz-date: "));
    const char *auth = strstr(req, "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=" AKID "/");
    ck_assert_ptr_nonnull(auth);
    char line[1024];
    const char *eol = strstr(auth + 2, "\r\n");
    snprintf(line, sizeof line, "%.*s", (int)(eol - auth - 2), auth + 2);
    /* Credential=AKID/YYYYMMDD/eu-west-1/ssm/aws4_request */
    const char *cred = strstr(line, "Credential=" AKID "/") + strlen("Credential=" AKID "/");
    for (int i = 0; i < 8; i++)
        ck_assert(cred[i] >= '0' && cred[i] <= '9');
    ck_assert_int_eq(strncmp(cred + 8, "/eu-west-1/ssm/aws4_request,", 28), 0);
    const char *sh = strstr(line, "SignedHeaders=");
    ck_assert_ptr_nonnull(sh);
    ck_assert_ptr_nonnull(strstr(sh, "x-amz-security-token"));
    ck_assert_ptr_nonnull(strstr(sh, "x-amz-target"));
    ck_assert_ptr_nonnull(strstr(sh, "host"));
    /* every signed header is really sent (curl signs e.g. an empty "Expect:"
   * without sending it, which AWS rejects) */
    char names[512];
    snprintf(names, sizeof names, "%.*s", (int)strcspn(sh + 14, ","), sh + 14);
    for (char *save = NULL, *n = strtok_r(names, ";", &save); n; n = strtok_r(NULL, ";", &save)) {
        char want[128];
        snprintf(want, sizeof want, "\r\n%s:", n);
        ck_assert_msg(strcasestr(req, want) != NULL, "signed header %s not sent", n);
    }
    const char *sig = strstr(line, "Signature=");
    ck_assert_ptr_nonnull(sig);
    ck_assert_uint_eq(strlen(sig + 10), 64);
    ck_assert_ptr_null(strstr(req, SECRET)); /* the secret is never sent */
    const char *body = strstr(req, "\r\n\r\n") + 4;
    cJSON *j = cJSON_Parse(body);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "Name")->valuestring, "/leec/ha_token");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "WithDecryption")));
    cJSON_Delete(j);
    free(req);
    ssm_client_free(c);
}
END_TEST

START_TEST(no_session_token)
{
    ls_set(srv, LS_RESPOND, 200, "{\"Parameter\":{\"Value\":\"x\"}}", 0);
    struct ssm_client *c = client(NULL);
    char *v = NULL;
    struct ssm_error e;
    ck_assert_int_eq(ssm_get_parameter(c, "p", &v, &e), 0);
    ssm_value_free(v);
    char *req = ls_last(srv);
    ck_assert_ptr_null(strcasestr(req, "x-amz-security-token"));
    free(req);
    ssm_client_free(c);
}
END_TEST

START_TEST(errors)
{
    struct ssm_client *c = client(SESSION);
    char *v = NULL;
    struct ssm_error e;
    ls_set(srv, LS_RESPOND, 400,
           "{\"__type\":\"ParameterNotFound\",\"message\":\"no such parameter\"}", 0);
    ck_assert_int_eq(ssm_get_parameter(c, "/nope", &v, &e), -1);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(e.kind, SSM_ERR_AWS);
    ck_assert_int_eq(e.http_status, 400);
    ck_assert_str_eq(e.type, "ParameterNotFound");
    ck_assert_ptr_nonnull(strstr(e.message, "ParameterNotFound"));
    /* AWS quotes the canonical request (with the session token) on a bad signature */
    ls_set(srv, LS_RESPOND, 400,
           "{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\",\"message\":"
           "\"The request signature we calculated does not match. x-amz-security-token:" SESSION
           "\"}",
           0);
    ck_assert_int_eq(ssm_get_parameter(c, "/p", &v, &e), -1);
    ck_assert_str_eq(e.type, "InvalidSignatureException");
    ck_assert_ptr_null(strstr(e.message, SESSION));
    ck_assert_ptr_null(strstr(e.message, AKID));
    ls_set(srv, LS_RESPOND, 200, "{\"Parameter\":{}}", 0);
    ck_assert_int_eq(ssm_get_parameter(c, "/p", &v, &e), -1);
    ck_assert_int_eq(e.kind, SSM_ERR_PARSE);
    ls_set(srv, LS_RESPOND, 200, "{}", 3000);
    uint64_t t0 = ls_now_ms();
    ck_assert_int_eq(ssm_get_parameter(c, "/p", &v, &e), -1);
    ck_assert_uint_lt(ls_now_ms() - t0, 2500);
    ck_assert_int_eq(e.kind, SSM_ERR_TIMEOUT);
    ck_assert_int_eq(ssm_get_parameter(c, "", &v, &e), -1);
    ck_assert_int_eq(e.kind, SSM_ERR_CONFIG);
    ssm_client_free(c);
}
END_TEST

START_TEST(config_checks)
{
    struct ssm_error e;
    struct ssm_settings s = {
        .region = "eu-west-1", .access_key_id = AKID, .secret_access_key = SECRET};
    struct ssm_client *c = ssm_client_new(&s, &e);
    ck_assert_ptr_nonnull(c);
    ssm_client_free(c);
    s.region = "eu west";
    ck_assert_ptr_null(ssm_client_new(&s, &e));
    s.region = "eu-west-1";
    s.endpoint = "http://ssm.example.com/";
    ck_assert_ptr_null(ssm_client_new(&s, &e));
    s.endpoint = NULL;
    s.secret_access_key = NULL;
    ck_assert_ptr_null(ssm_client_new(&s, &e));
    ck_assert_ptr_null(strstr(e.message, AKID));
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("LEEC_SSM_ENDPOINT", "http://127.0.0.1:1/", 1);
    struct ssm_settings env;
    ssm_settings_from_env(&env);
    ck_assert_str_eq(env.region, "us-east-1");
    ck_assert_str_eq(env.endpoint, "http://127.0.0.1:1/");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ssm");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, get_parameter_signed);
    tcase_add_test(tc, no_session_token);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, config_checks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
