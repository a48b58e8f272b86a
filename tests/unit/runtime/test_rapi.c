/* rapi against a tiny in-test HTTP server (one pthread, loopback socket) that
 * serves canned answers in order and records every request it receives. */
#include "core/rapi.h"

#include <arpa/inet.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CANNED 8

struct canned {
    int status;
    const char *headers; /* extra header lines, each ending in \r\n */
    const char *body;    /* NULL: empty */
    size_t body_len;     /* 0: strlen(body) */
};

struct recorded {
    char head[8192]; /* request line and headers */
    char *body;
    size_t body_len;
};

struct srv {
    int lfd, port;
    pthread_t th;
    struct canned resp[MAX_CANNED];
    int nresp;
    atomic_int served, accepts; /* served counts requests recorded and answered */
    struct recorded req[MAX_CANNED];
};

static bool read_request(int fd, struct recorded *rec)
{
    size_t hl = 0;
    char *end = NULL;
    memset(rec, 0, sizeof *rec);
    while (end == NULL) {
        if (hl + 1 >= sizeof rec->head)
            return false;
        ssize_t n = recv(fd, rec->head + hl, 1, 0); /* byte by byte: never read past the head */
        if (n <= 0)
            return false;
        hl += (size_t)n;
        rec->head[hl] = '\0';
        end = strstr(rec->head, "\r\n\r\n");
    }
    size_t cl = 0;
    for (char *p = rec->head; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            cl = strtoul(p + 15, NULL, 10);
    }
    rec->body = malloc(cl + 1);
    ck_assert_ptr_nonnull(rec->body);
    size_t got = 0;
    while (got < cl) {
        ssize_t n = recv(fd, rec->body + got, cl - got, 0);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    rec->body[cl] = '\0';
    rec->body_len = cl;
    return true;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void *srv_main(void *arg)
{
    struct srv *s = arg;
    while (s->served < s->nresp) {
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            break;
        s->accepts++;
        while (s->served < s->nresp) {
            if (!read_request(fd, &s->req[s->served]))
                break;
            const struct canned *c = &s->resp[s->served];
            size_t bl = c->body ? (c->body_len ? c->body_len : strlen(c->body)) : 0;
            char head[2048];
            int hn = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n",
                              c->status, bl, c->headers ? c->headers : "");
            s->served++; /* before answering: the client may look as soon as it has the answer */
            write_all(fd, head, (size_t)hn);
            if (bl)
                write_all(fd, c->body, bl);
        }
        close(fd);
    }
    return NULL;
}

static void srv_start(struct srv *s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->lfd, 0);
    ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->lfd, 4), 0);
    ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void srv_stop(struct srv *s)
{
    shutdown(s->lfd, SHUT_RDWR);
    pthread_join(s->th, NULL);
    close(s->lfd);
    for (int i = 0; i < MAX_CANNED; i++)
        free(s->req[i].body);
}

static void client_init(struct rapi *r, const struct srv *s, size_t max_event)
{
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%d", s->port);
    ck_assert_int_eq(rapi_init(r, hp, max_event), RAPI_OK);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = head; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':')
            return true;
    }
    return false;
}

START_TEST(next_parses_headers_case_insensitively)
{
    static struct srv s;
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){
        200,
        "lambda-runtime-aws-request-id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
        "LAMBDA-RUNTIME-DEADLINE-MS:   1542409706888  \r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:123456789012:function:f\r\n"
        "lambda-runtime-trace-id: "
        "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\n"
        "Lambda-Runtime-Client-Context: {\"client\":1}\r\n"
        "Lambda-Runtime-Cognito-Identity: {\"cognitoIdentityId\":\"x\"}\r\n"
        "Lambda-Runtime-Aws-Tenant-Id: tenant-7\r\n"
        "X-Unknown-Header: whatever\r\n",
        "{\"hello\":\"world\"}", 0};
    s.nresp = 1;
    srv_start(&s);
    struct rapi r;
    struct rapi_invocation inv;
    client_init(&r, &s, 1024);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK);
    ck_assert_str_eq(inv.request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
    ck_assert(inv.deadline_ms == 1542409706888LL);
    ck_assert_str_eq(inv.invoked_function_arn, "arn:aws:lambda:eu-west-1:123456789012:function:f");
    ck_assert_str_eq(inv.trace_id,
                     "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
    ck_assert_str_eq(inv.client_context, "{\"client\":1}");
    ck_assert_str_eq(inv.cognito_identity, "{\"cognitoIdentityId\":\"x\"}");
    ck_assert_str_eq(inv.tenant_id, "tenant-7");
    ck_assert_str_eq(inv.event, "{\"hello\":\"world\"}");
    ck_assert_uint_eq(inv.event_len, 17);
    ck_assert(!inv.too_large);
    ck_assert(!inv.header_truncated);
    ck_assert(starts_with(s.req[0].head, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"));
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(trace_env_set_and_unset)
{
    static struct srv s;
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){200,
                                "Lambda-Runtime-Aws-Request-Id: a1\r\n"
                                "Lambda-Runtime-Deadline-Ms: 5\r\n"
                                "Lambda-Runtime-Trace-Id: Root=1-abc\r\n",
                                "{}", 0};
    s.resp[1] = (struct canned){200, "Lambda-Runtime-Aws-Request-Id: a2\r\n", "{}", 0};
    s.nresp = 2;
    srv_start(&s);
    struct rapi r;
    struct rapi_invocation inv;
    client_init(&r, &s, 1024);
    unsetenv("_X_AMZN_TRACE_ID");
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK);
    rapi_set_trace_env(&inv);
    ck_assert_ptr_nonnull(getenv("_X_AMZN_TRACE_ID"));
    ck_assert_str_eq(getenv("_X_AMZN_TRACE_ID"), "Root=1-abc");
    ck_assert(inv.deadline_ms == 5);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK);
    ck_assert_str_eq(inv.request_id, "a2");
    ck_assert_str_eq(inv.trace_id, "");
    ck_assert(inv.deadline_ms == 0);
    rapi_set_trace_env(&inv);
    ck_assert_ptr_null(getenv("_X_AMZN_TRACE_ID"));
    ck_assert_int_eq(s.accepts, 1); /* one kept-alive connection */
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(oversized_event_is_drained_and_flagged)
{
    static struct srv s;
    static char big[5000];
    memset(&s, 0, sizeof s);
    memset(big, 'x', sizeof big);
    s.resp[0] = (struct canned){200, "Lambda-Runtime-Aws-Request-Id: big-1\r\n", big, sizeof big};
    s.resp[1] = (struct canned){200, "Lambda-Runtime-Aws-Request-Id: ok-2\r\n", "[1,2]", 0};
    s.resp[2] = (struct canned){200, "Lambda-Runtime-Aws-Request-Id: edge-3\r\n", big, 1024};
    s.nresp = 3;
    srv_start(&s);
    struct rapi r;
    struct rapi_invocation inv;
    client_init(&r, &s, 1024);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK);
    ck_assert(inv.too_large);
    ck_assert_str_eq(inv.request_id, "big-1");
    ck_assert_uint_eq(inv.event_len, 0);
    ck_assert_str_eq(inv.event, "");
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK);
    ck_assert(!inv.too_large);
    ck_assert_str_eq(inv.event, "[1,2]");
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_OK); /* exactly the cap is accepted */
    ck_assert(!inv.too_large);
    ck_assert_uint_eq(inv.event_len, 1024);
    ck_assert_int_eq(s.accepts, 1);
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(next_without_request_id_or_bad_status_is_protocol_error)
{
    static struct srv s;
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){200, "X: y\r\n", "{}", 0};
    s.resp[1] = (struct canned){200, "Lambda-Runtime-Aws-Request-Id: ../../x\r\n", "{}", 0};
    s.resp[2] = (struct canned){403, NULL, "{}", 0};
    s.resp[3] = (struct canned){500, NULL, "{}", 0};
    s.nresp = 4;
    srv_start(&s);
    struct rapi r;
    struct rapi_invocation inv;
    client_init(&r, &s, 1024);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_EPROTO);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_EPROTO);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_EPROTO);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_EFATAL);
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(respond_posts_json_without_expect)
{
    static struct srv s;
    /* 2 MB: above curl's Expect: 100-continue threshold, so the header must be removed. */
    size_t n = 2u * 1024u * 1024u;
    char *body = malloc(n);
    ck_assert_ptr_nonnull(body);
    memset(body, 'a', n);
    body[0] = '"';
    body[n - 1] = '"';
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){202, NULL, "{\"status\":\"OK\"}", 0};
    s.nresp = 1;
    srv_start(&s);
    struct rapi r;
    client_init(&r, &s, 1024);
    ck_assert_int_eq(rapi_respond(&r, "req-1", body, n), RAPI_OK);
    const char *h = s.req[0].head;
    ck_assert(starts_with(h, "POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\n"));
    ck_assert(!has_header(h, "Expect"));
    ck_assert(strstr(h, "Content-Type: application/json\r\n") != NULL);
    ck_assert(strstr(h, "Content-Length: 2097152\r\n") != NULL);
    ck_assert_uint_eq(s.req[0].body_len, n);
    ck_assert(memcmp(s.req[0].body, body, n) == 0);
    free(body);
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(respond_too_large_and_413)
{
    static struct srv s;
    size_t n = RAPI_MAX_RESPONSE_BYTES + 1;
    char *body = calloc(1, n);
    ck_assert_ptr_nonnull(body);
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){
        413, "Content-Type: application/json\r\n",
        "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\","
        "\"errorType\":\"RequestEntityTooLarge\"}",
        0};
    s.resp[1] = (struct canned){202, NULL, NULL, 0};
    s.nresp = 2;
    srv_start(&s);
    struct rapi r;
    client_init(&r, &s, 1024);
    /* Refused locally: nothing reaches the server. */
    ck_assert_int_eq(rapi_respond(&r, "req-2", body, n), RAPI_ETOOLARGE);
    ck_assert_int_eq(s.served, 0);
    /* The server's 413 is reported the same way; the caller then posts an error. */
    ck_assert_int_eq(rapi_respond(&r, "req-2", "{}", 2), RAPI_ETOOLARGE);
    ck_assert_int_eq(rapi_error(&r, "req-2", "Function.ResponseSizeTooLarge", "too big"), RAPI_OK);
    ck_assert_int_eq(s.served, 2);
    ck_assert(strstr(s.req[1].head, "/invocation/req-2/error ") != NULL);
    free(body);
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(error_body_and_header)
{
    static struct srv s;
    memset(&s, 0, sizeof s);
    s.resp[0] = (struct canned){202, NULL, "{\"status\":\"OK\"}", 0};
    s.resp[1] = (struct canned){500, NULL, "{}", 0};
    s.resp[2] = (struct canned){202, NULL, NULL, 0};
    s.nresp = 3;
    srv_start(&s);
    struct rapi r;
    client_init(&r, &s, 1024);
    ck_assert_int_eq(rapi_error(&r, "req-3", "Handler.BadEvent", "event is \"not\" JSON\n"),
                     RAPI_OK);
    const struct recorded *q = &s.req[0];
    ck_assert(starts_with(q->head, "POST /2018-06-01/runtime/invocation/req-3/error HTTP/1.1\r\n"));
    ck_assert(strstr(q->head, "\r\nLambda-Runtime-Function-Error-Type: Handler.BadEvent\r\n") !=
              NULL);
    ck_assert(!has_header(q->head, "Expect"));
    ck_assert(strstr(q->head, "Content-Type: application/json\r\n") != NULL);
    cJSON *o = cJSON_ParseWithLength(q->body, q->body_len);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "errorMessage")->valuestring,
                     "event is \"not\" JSON\n");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "errorType")->valuestring,
                     "Handler.BadEvent");
    cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "stackTrace");
    ck_assert(cJSON_IsArray(st) && cJSON_GetArraySize(st) == 0);
    ck_assert_int_eq(cJSON_GetArraySize(o), 3);
    cJSON_Delete(o);

    /* 500 means "exit now". */
    ck_assert_int_eq(rapi_error(&r, "req-4", "Runtime.X", "m"), RAPI_EFATAL);

    /* Init error: same shape, different path; a header-unsafe type is sanitized. */
    ck_assert_int_eq(rapi_init_error(&r, "Runtime.Bad\r\nX: y", "no config"), RAPI_OK);
    q = &s.req[2];
    ck_assert(starts_with(q->head, "POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"));
    ck_assert(strstr(q->head, "\r\nLambda-Runtime-Function-Error-Type: Runtime.Bad__X:_y\r\n") !=
              NULL);
    ck_assert(!has_header(q->head, "X"));
    ck_assert_int_eq(s.accepts, 1);
    rapi_cleanup(&r);
    srv_stop(&s);
}
END_TEST

START_TEST(transport_error_and_bad_arguments)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%d", ntohs(a.sin_port));
    close(fd); /* nobody listens there now */

    struct rapi r;
    struct rapi_invocation inv;
    ck_assert_int_eq(rapi_init(&r, hp, 1024), RAPI_OK);
    ck_assert_int_eq(rapi_next(&r, &inv), RAPI_ETRANSPORT);
    ck_assert_str_ne(rapi_last_error(&r), "");
    ck_assert_int_eq(rapi_respond(&r, "a/b", "{}", 2), RAPI_EINVAL);
    ck_assert_int_eq(rapi_respond(&r, "", "{}", 2), RAPI_EINVAL);
    rapi_cleanup(&r);
    ck_assert_int_eq(rapi_init(&r, "", 1024), RAPI_EINVAL);
    ck_assert_int_eq(rapi_init(&r, "host:1/evil", 1024), RAPI_EINVAL);
    ck_assert_int_eq(rapi_init(&r, NULL, 1024), RAPI_EINVAL);
}
END_TEST

static Suite *rapi_suite(void)
{
    Suite *s = suite_create("rapi");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, next_parses_headers_case_insensitively);
    tcase_add_test(tc, trace_env_set_and_unset);
    tcase_add_test(tc, oversized_event_is_drained_and_flagged);
    tcase_add_test(tc, next_without_request_id_or_bad_status_is_protocol_error);
    tcase_add_test(tc, respond_posts_json_without_expect);
    tcase_add_test(tc, respond_too_large_and_413);
    tcase_add_test(tc, error_body_and_header);
    tcase_add_test(tc, transport_error_and_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rapi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
