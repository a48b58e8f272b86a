#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/ha_client.h"
#include "sh_testutil.h"

static struct ha_client *client_for(int port, size_t max_reply)
{
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/prefix/", port);
    struct ha_header h[] = {{"CF-Access-Client-Secret", "sekret-value-1234"}};
    struct ha_settings s = {.base_url = url,
                            .headers = h,
                            .n_headers = 1,
                            .connect_timeout_ms = 500,
                            .max_reply_bytes = max_reply};
    struct ha_client *c = ha_client_new(&s, err, sizeof err);
    ck_assert_msg(c != NULL, "%s", err);
    return c;
}

static void setup(void)
{
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
}

START_TEST(settings_validation)
{
    char err[256];
    struct ha_settings s = {.base_url = "http://ha.example.com"};
    ck_assert_ptr_null(ha_client_new(&s, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "https"));
    s.allow_http = true;
    struct ha_client *c = ha_client_new(&s, err, sizeof err);
    ck_assert_ptr_nonnull(c);
    ha_client_free(c);
    const char *ok[] = {"https://h.example/ha", "http://localhost:8123", "http://127.1.2.3",
                        "http://[::1]:8123/"};
    for (size_t i = 0; i < 4; i++) {
        struct ha_settings t = {.base_url = ok[i]};
        c = ha_client_new(&t, err, sizeof err);
        ck_assert_msg(c != NULL, "%s: %s", ok[i], err);
        ha_client_free(c);
    }
    const char *bad[] = {"ftp://h",  "https://user:pw@h.example", "https://h/?q=1", "",
                         "nonsense", "http://128.0.0.1"};
    for (size_t i = 0; i < 6; i++) {
        struct ha_settings t = {.base_url = bad[i]};
        ck_assert_msg(ha_client_new(&t, err, sizeof err) == NULL, "%s accepted", bad[i]);
        ck_assert_ptr_null(strstr(err, "pw"));
    }
    struct ha_header h[] = {{"X-Bad", "a\r\nInjected: 1"}};
    struct ha_settings t = {.base_url = "https://h.example", .headers = h, .n_headers = 1};
    ck_assert_ptr_null(ha_client_new(&t, err, sizeof err));
    ck_assert_ptr_null(strstr(err, "Injected"));
    struct ha_settings u = {.base_url = "https://h.example", .ca_bundle = "/nonexistent/ca.pem"};
    ck_assert_ptr_null(ha_client_new(&u, err, sizeof err));
    ck_assert(ha_host_is_loopback("127.0.0.1") && ha_host_is_loopback("LOCALHOST") &&
              !ha_host_is_loopback("127.example.com") && !ha_host_is_loopback("10.0.0.1"));
}
END_TEST

START_TEST(post_ok_keepalive_and_headers)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    ls_set(s, LS_RESPOND, 200, "{\"event\":{}}", 0);
    struct ha_result r;
    const char body[] = "{\"directive\":{}}";
    ck_assert_int_eq(ha_client_post_json(c, "/api/alexa/smart_home", "TOKEN123", body,
                                         sizeof body - 1, 2000, &r),
                     0);
    ck_assert_int_eq(r.outcome, HA_OK);
    ck_assert_int_eq(r.http_status, 200);
    ck_assert_str_eq(r.body, "{\"event\":{}}");
    ck_assert_str_eq(r.content_type, "application/json");
    ck_assert_uint_eq(r.attempts, 1);
    char *req = ls_last(s);
    ck_assert_ptr_nonnull(strstr(req, "POST /prefix/api/alexa/smart_home HTTP/1.1\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "Authorization: Bearer TOKEN123\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "CF-Access-Client-Secret: sekret-value-1234\r\n"));
    ck_assert_ptr_nonnull(strstr(req, "User-Agent: leec/"));
    ck_assert_ptr_null(strcasestr(req, "Expect:"));
    ck_assert_ptr_nonnull(strstr(req, "\r\n\r\n{\"directive\":{}}"));
    free(req);
    ha_result_free(&r);
    /* second call reuses the connection */
    ck_assert_int_eq(ha_client_get(c, "/api/", "TOKEN123", 2000, &r), 0);
    ha_result_free(&r);
    ck_assert_int_eq(ls_requests(s), 2);
    ck_assert_int_eq(s->connections, 1);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

START_TEST(http_errors_one_request_each)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    int statuses[] = {401, 403, 404, 500, 502, 503, 504};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        ls_set(s, LS_RESPOND, statuses[i], "{\"message\":\"x\"}", 0);
        struct ha_result r;
        ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{}", 2, 2000, &r), -1);
        ck_assert_int_eq(r.outcome, HA_HTTP_ERROR);
        ck_assert_int_eq(r.http_status, statuses[i]);
        ck_assert_uint_eq(r.attempts, 1);
        ck_assert(r.bytes_sent_maybe);
        ck_assert_int_eq(ls_requests(s), (int)i + 1);
        ha_result_free(&r);
    }
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

START_TEST(reset_and_close_never_retried)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ls_set(s, LS_RESET, 200, "", 0);
    ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r);
    ck_assert_int_eq(r.outcome, HA_RESET);
    ck_assert_uint_eq(r.attempts, 1);
    ck_assert(r.bytes_sent_maybe);
    ck_assert_int_eq(ls_requests(s), 1);
    ck_assert_ptr_null(strstr(r.error, "T\0"));
    ha_result_free(&r);
    ls_set(s, LS_CLOSE, 200, "", 0);
    ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r);
    ck_assert_int_eq(r.outcome, HA_RESET);
    ck_assert_int_eq(ls_requests(s), 2);
    ha_result_free(&r);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

/* libcurl silently resends a request when a reused connection dies before
 * any reply byte: the body rewind is refused, so HA sees exactly one POST. */
START_TEST(reused_connection_dies_no_resend)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ls_set(s, LS_RESPOND, 200, "{\"event\":{}}", 0);
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r), 0);
    ha_result_free(&r);
    ls_set(s, LS_CLOSE, 200, "", 0);
    ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r);
    ck_assert_int_ne(r.outcome, HA_OK);
    ck_assert(r.bytes_sent_maybe);
    ha_result_free(&r);
    usleep(100 * 1000);
    ck_assert_int_eq(ls_requests(s), 2);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

/* The same for a GET, which has no body rewind to refuse: libcurl's second send within
 * the transfer is aborted by the pre-request callback, so HA sees exactly one GET. */
START_TEST(reused_connection_dies_no_resend_get)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ls_set(s, LS_RESPOND, 200, "{\"version\":\"1\"}", 0);
    ck_assert_int_eq(ha_client_get(c, "/api/config", "T", 2000, &r), 0);
    ha_result_free(&r);
    ls_set(s, LS_CLOSE, 200, "", 0);
    ck_assert_int_eq(ha_client_get(c, "/api/config", "T", 2000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_RESET);
    ck_assert(r.bytes_sent_maybe);
    ck_assert_uint_eq(r.attempts, 1);
    ha_result_free(&r);
    usleep(100 * 1000);
    ck_assert_int_eq(ls_requests(s), 2);
    /* a fresh connection afterwards still works */
    ls_set(s, LS_RESPOND, 200, "{\"version\":\"1\"}", 0);
    ck_assert_int_eq(ha_client_get(c, "/api/config", "T", 2000, &r), 0);
    ha_result_free(&r);
    ck_assert_int_eq(ls_requests(s), 3);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

/* The connection made during init is the one the first request goes on; nothing is sent
 * by the connect itself. */
START_TEST(preconnect_then_request_reuses)
{
    if (!ha_client_can_preconnect())
        return; /* Debian's libcurl (non-lean build): ha_client_preconnect refuses, tested below */
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ck_assert_int_eq(ha_client_preconnect(c, 1000, &r), 0);
    ck_assert_int_eq(r.outcome, HA_OK);
    ck_assert(!r.bytes_sent_maybe);
    usleep(100 * 1000);
    ck_assert_int_eq(s->connections, 1);
    ck_assert_int_eq(ls_requests(s), 0);
    ls_set(s, LS_RESPOND, 200, "{\"event\":{}}", 0);
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r), 0);
    ha_result_free(&r);
    ck_assert_int_eq(ls_requests(s), 1);
    ck_assert_int_eq(s->connections, 1);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

/* A pre-connected socket the server closed is found dead before the request leaves: the
 * request goes on a new connection, once. */
START_TEST(preconnect_closed_by_server_is_replaced)
{
    if (!ha_client_can_preconnect())
        return;
    struct lsrv *s = ls_start();
    pthread_mutex_lock(&s->mu);
    s->close_accepts = 1; /* the connection made by the preconnect: FIN at once */
    pthread_mutex_unlock(&s->mu);
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ck_assert_int_eq(ha_client_preconnect(c, 1000, &r), 0);
    usleep(100 * 1000); /* the FIN arrives */
    ls_set(s, LS_RESPOND, 200, "{\"event\":{}}", 0);
    int rc = ha_client_post_json(c, "/p", "T", "{\"a\":1}", 7, 2000, &r);
    ck_assert_msg(rc == 0, "%s: %s", ha_outcome_name(r.outcome), r.error);
    ck_assert_uint_eq(r.attempts, 1);
    ha_result_free(&r);
    ck_assert_int_eq(ls_requests(s), 1);
    ck_assert_int_eq(s->connections, 2);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

START_TEST(preconnect_failures)
{
    struct ha_result r;
    ck_assert_int_eq(ha_client_preconnect(NULL, 1000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_INVALID);
    struct ha_client *c = client_for(ls_closed_port(), 0);
    ck_assert_int_eq(ha_client_preconnect(c, 0, &r), -1);
    ck_assert_int_eq(r.outcome, HA_TIMEOUT);
    ck_assert_int_eq(ha_client_preconnect(c, 1000, &r), -1);
    ck_assert_int_eq(r.outcome, ha_client_can_preconnect() ? HA_CONNECT_FAILED : HA_INVALID);
    ck_assert(!r.bytes_sent_maybe);
    ck_assert_msg(r.error[0], "a reason");
    ha_client_free(c);
}
END_TEST

START_TEST(refused_retried_once)
{
    struct ha_client *c = client_for(ls_closed_port(), 0);
    struct ha_result r;
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{}", 2, 2000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_CONNECT_FAILED);
    ck_assert_uint_eq(r.attempts, 2);
    ck_assert(!r.bytes_sent_maybe);
    ha_result_free(&r);
    ha_client_free(c);
}
END_TEST

/* http.connect_retries = 0 in the tables: a refused connect is not tried again. */
START_TEST(refused_not_retried_when_disabled)
{
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ls_closed_port());
    struct ha_settings s = {.base_url = url, .connect_timeout_ms = 500, .no_connect_retry = true};
    struct ha_client *c = ha_client_new(&s, err, sizeof err);
    ck_assert_msg(c != NULL, "%s", err);
    struct ha_result r;
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{}", 2, 2000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_CONNECT_FAILED);
    ck_assert_uint_eq(r.attempts, 1);
    ha_result_free(&r);
    ha_client_free(c);
}
END_TEST

START_TEST(dns_failure)
{
    char err[256];
    struct ha_settings st = {.base_url = "https://leec-test.invalid", .connect_timeout_ms = 500};
    struct ha_client *c = ha_client_new(&st, err, sizeof err);
    struct ha_result r;
    ha_client_get(c, "/api/", "T", 1500, &r);
    ck_assert_msg(r.outcome == HA_DNS_FAILED || r.outcome == HA_TIMEOUT, "%s",
                  ha_outcome_name(r.outcome));
    ck_assert(!r.bytes_sent_maybe);
    ha_result_free(&r);
    ha_client_free(c);
}
END_TEST

START_TEST(deadline_respected)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    ls_set(s, LS_RESPOND, 200, "{}", 5000);
    struct ha_result r;
    uint64_t t0 = ls_now_ms();
    ha_client_post_json(c, "/p", "T", "{}", 2, 300, &r);
    uint64_t el = ls_now_ms() - t0;
    ck_assert_int_eq(r.outcome, HA_TIMEOUT);
    ck_assert_uint_eq(r.attempts, 1);
    ck_assert(r.bytes_sent_maybe);
    ck_assert_uint_lt(el, 450);
    ck_assert_uint_ge(el, 280);
    ck_assert_int_eq(ls_requests(s), 1);
    ha_result_free(&r);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

START_TEST(reply_too_large)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 1024);
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ls_set(s, LS_RESPOND, 200, big, 0);
    struct ha_result r;
    ha_client_post_json(c, "/p", "T", "{}", 2, 2000, &r);
    ck_assert_int_eq(r.outcome, HA_REPLY_TOO_LARGE);
    ck_assert_ptr_null(r.body);
    ck_assert_int_eq(ls_requests(s), 1);
    ha_result_free(&r);
    big[1024] = 0; /* exactly the cap is fine */
    ls_set(s, LS_RESPOND, 200, big, 0);
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{}", 2, 2000, &r), 0);
    ck_assert_uint_eq(r.body_len, 1024);
    ha_result_free(&r);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

START_TEST(bad_inputs_not_sent)
{
    struct lsrv *s = ls_start();
    struct ha_client *c = client_for(s->port, 0);
    struct ha_result r;
    ck_assert_int_eq(ha_client_post_json(c, "/p", "bad\r\nX: y", "{}", 2, 2000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_INVALID);
    ck_assert_uint_eq(r.attempts, 0);
    ha_result_free(&r);
    ck_assert_int_eq(ha_client_post_json(c, "no-slash", "T", "{}", 2, 2000, &r), -1);
    ha_result_free(&r);
    ck_assert_int_eq(ha_client_post_json(c, "/p", "T", "{}", 2, 0, &r), -1);
    ck_assert_int_eq(r.outcome, HA_TIMEOUT);
    ha_result_free(&r);
    ck_assert_int_eq(ls_requests(s), 0);
    ha_client_free(c);
    ls_stop(s);
}
END_TEST

/* ---- HTTPS: openssl CLI makes a CA + server cert; python3 serves TLS ---- */

static char tls_dir[64];
static pid_t tls_pid;
static int tls_port;

static const char PY_TLS[] =
    "import http.server,ssl,sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "  protocol_version='HTTP/1.1'\n"
    "  def do_POST(self):\n"
    "    n=int(self.headers.get('Content-Length',0)); self.rfile.read(n)\n"
    "    b=b'{\"event\":{\"tls\":true}}'\n"
    "    self.send_response(200); self.send_header('Content-Type','application/json')\n"
    "    self.send_header('Content-Length',str(len(b))); self.end_headers(); self.wfile.write(b)\n"
    "  do_GET=do_POST\n"
    "  def log_message(self,*a): pass\n"
    "s=http.server.HTTPServer(('127.0.0.1',0),H)\n"
    "c=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1],sys.argv[2])\n"
    "s.socket=c.wrap_socket(s.socket,server_side=True)\n"
    "print(s.server_address[1],flush=True)\n"
    "s.serve_forever()\n";

static void tls_setup(void)
{
    setup();
    snprintf(tls_dir, sizeof tls_dir, "/tmp/leec_tls_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tls_dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout ca.key -out ca.crt -subj /CN=leec-test-ca -days 2 2>/dev/null && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout srv.key -out srv.csr -subj /CN=localhost 2>/dev/null && "
             "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
             "-out srv.crt -days 2 -extfile ext.cnf 2>/dev/null",
             tls_dir);
    ck_assert_int_eq(system(cmd), 0);
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    tls_pid = fork();
    if (tls_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* dies with the test even if teardown doesn't run */
        dup2(pfd[1], 1);
        close(pfd[0]);
        char crt[128], key[128];
        snprintf(crt, sizeof crt, "%s/srv.crt", tls_dir);
        snprintf(key, sizeof key, "%s/srv.key", tls_dir);
        execl("/usr/bin/python3", "python3", "-c", PY_TLS, crt, key, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    char line[32] = "";
    size_t n = 0;
    while (n < sizeof line - 1 && !strchr(line, '\n')) {
        ssize_t k = read(pfd[0], line + n, sizeof line - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        line[n] = 0;
    }
    close(pfd[0]);
    tls_port = atoi(line);
    ck_assert_int_gt(tls_port, 0);
}

static void tls_teardown(void)
{
    if (tls_pid > 0) {
        kill(tls_pid, SIGTERM);
        waitpid(tls_pid, NULL, 0);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tls_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static struct ha_client *tls_client(const char *ca, bool insecure)
{
    char url[64], err[256], cafile[128];
    snprintf(url, sizeof url, "https://localhost:%d", tls_port);
    snprintf(cafile, sizeof cafile, "%s/%s", tls_dir, ca ? ca : "");
    struct ha_settings s = {.base_url = url, .ca_bundle = ca ? cafile : NULL, .insecure = insecure};
    struct ha_client *c = ha_client_new(&s, err, sizeof err);
    ck_assert_msg(c != NULL, "%s", err);
    return c;
}

START_TEST(tls_good_ca)
{
    struct ha_client *c = tls_client("ca.crt", false);
    struct ha_result r;
    ck_assert_msg(ha_client_post_json(c, "/api/alexa/smart_home", "T", "{}", 2, 3000, &r) == 0,
                  "%s: %s", ha_outcome_name(r.outcome), r.error);
    ck_assert_str_eq(r.body, "{\"event\":{\"tls\":true}}");
    ha_result_free(&r);
    ck_assert_int_eq(ha_client_get(c, "/api/", "T", 3000, &r), 0); /* reused */
    ha_result_free(&r);
    ha_client_free(c);
}
END_TEST

START_TEST(tls_no_ca_fails)
{
    struct ha_client *c = tls_client(NULL, false);
    struct ha_result r;
    ck_assert_int_eq(ha_client_post_json(c, "/api/alexa/smart_home", "T", "{}", 2, 3000, &r), -1);
    ck_assert_int_eq(r.outcome, HA_TLS_FAILED);
    ck_assert_uint_eq(r.attempts, 1);
    ck_assert(!r.bytes_sent_maybe);
    ha_result_free(&r);
    ha_client_free(c);
    /* explicit opt-in only */
    c = tls_client(NULL, true);
    ck_assert_int_eq(ha_client_post_json(c, "/api/alexa/smart_home", "T", "{}", 2, 3000, &r), 0);
    ha_result_free(&r);
    ha_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ha_client");
    TCase *tc = tcase_create("http");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, settings_validation);
    tcase_add_test(tc, preconnect_then_request_reuses);
    tcase_add_test(tc, preconnect_closed_by_server_is_replaced);
    tcase_add_test(tc, preconnect_failures);
    tcase_add_test(tc, post_ok_keepalive_and_headers);
    tcase_add_test(tc, http_errors_one_request_each);
    tcase_add_test(tc, reset_and_close_never_retried);
    tcase_add_test(tc, reused_connection_dies_no_resend);
    tcase_add_test(tc, reused_connection_dies_no_resend_get);
    tcase_add_test(tc, refused_retried_once);
    tcase_add_test(tc, refused_not_retried_when_disabled);
    tcase_add_test(tc, dns_failure);
    tcase_add_test(tc, deadline_respected);
    tcase_add_test(tc, reply_too_large);
    tcase_add_test(tc, bad_inputs_not_sent);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("https");
    tcase_add_checked_fixture(tt, tls_setup, tls_teardown);
    tcase_set_timeout(tt, 20);
    tcase_add_test(tt, tls_good_ca);
    tcase_add_test(tt, tls_no_ca_fails);
    suite_add_tcase(s, tt);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
