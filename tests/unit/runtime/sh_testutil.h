/* Test helpers for the smarthome tests (header-only, static inline):
 * a loopback HTTP/1.1 server on a pthread that answers with a chosen
 * status/body/delay, or resets/closes; counts requests and keeps the raw
 * bytes of the last one. Plus: Alexa schema validation via python3. */
#ifndef LEEC_SH_TESTUTIL_H
#define LEEC_SH_TESTUTIL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <strings.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum ls_mode { LS_RESPOND, LS_RESET, LS_CLOSE };

#define LS_MAX_CONN 8
#define LS_REQ_MAX  (256 * 1024)

struct ls_conn {
    int fd;
    char *buf;
    size_t len;
};

struct lsrv {
    int lfd, port, stop[2];
    pthread_t th;
    pthread_mutex_t mu;
    /* behaviour */
    enum ls_mode mode;
    int status, delay_ms;
    int close_accepts; /* close the next N connections as soon as they are accepted (FIN) */
    char *body;
    size_t body_len;
    char ctype[64];
    /* stats */
    int requests, connections;
    char *last_req;
    size_t last_req_len;
    struct ls_conn c[LS_MAX_CONN];
};

static inline void ls_set(struct lsrv *s, enum ls_mode mode, int status, const char *body,
                          int delay_ms)
{
    pthread_mutex_lock(&s->mu);
    s->mode = mode;
    s->status = status;
    s->delay_ms = delay_ms;
    free(s->body);
    s->body_len = body ? strlen(body) : 0;
    s->body = strdup(body ? body : "");
    snprintf(s->ctype, sizeof s->ctype, "application/json");
    pthread_mutex_unlock(&s->mu);
}

static inline void ls_set_body(struct lsrv *s, const char *b, size_t n, const char *ctype)
{
    pthread_mutex_lock(&s->mu);
    free(s->body);
    s->body = malloc(n + 1);
    memcpy(s->body, b, n);
    s->body[n] = 0;
    s->body_len = n;
    snprintf(s->ctype, sizeof s->ctype, "%s", ctype);
    pthread_mutex_unlock(&s->mu);
}

static inline int ls_requests(struct lsrv *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* copy of the raw bytes of the last request (malloc'd, NUL-terminated) */
static inline char *ls_last(struct lsrv *s)
{
    pthread_mutex_lock(&s->mu);
    char *r = malloc(s->last_req_len + 1);
    memcpy(r, s->last_req ? s->last_req : "", s->last_req_len);
    r[s->last_req_len] = 0;
    pthread_mutex_unlock(&s->mu);
    return r;
}

static inline void ls_drop(struct ls_conn *c, bool reset)
{
    if (reset) {
        struct linger l = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(c->fd);
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
    c->len = 0;
}

/* returns length of a complete request in c->buf, or 0 */
static inline size_t ls_complete(const struct ls_conn *c)
{
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t hl = (size_t)(end - c->buf) + 4, cl = 0;
    for (char *p = c->buf; p < end; p++) {
        if ((p == c->buf || p[-1] == '\n') && !strncasecmp(p, "Content-Length:", 15))
            cl = strtoul(p + 15, NULL, 10);
    }
    return c->len >= hl + cl ? hl + cl : 0;
}

/* returns false when stopped */
static inline bool ls_sleep(struct lsrv *s, int ms)
{
    struct pollfd p = {s->stop[0], POLLIN, 0};
    return poll(&p, 1, ms) == 0;
}

static inline void ls_serve(struct lsrv *s, struct ls_conn *c, size_t n)
{
    pthread_mutex_lock(&s->mu);
    s->requests++;
    free(s->last_req);
    s->last_req = malloc(n + 1);
    memcpy(s->last_req, c->buf, n);
    s->last_req[n] = 0;
    s->last_req_len = n;
    enum ls_mode mode = s->mode;
    int delay = s->delay_ms, status = s->status;
    char *body = malloc(s->body_len + 1);
    memcpy(body, s->body ? s->body : "", s->body_len);
    size_t blen = s->body_len;
    char ctype[64];
    memcpy(ctype, s->ctype, sizeof ctype);
    pthread_mutex_unlock(&s->mu);
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
    if (delay && !ls_sleep(s, delay)) {
        free(body);
        return;
    }
    if (mode == LS_RESET || mode == LS_CLOSE) {
        ls_drop(c, mode == LS_RESET);
    } else {
        char hdr[512];
        int hl = snprintf(hdr, sizeof hdr,
                          "HTTP/1.1 %d Test\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                          "Connection: keep-alive\r\n\r\n",
                          status, ctype, blen);
        if (send(c->fd, hdr, (size_t)hl, MSG_NOSIGNAL) < 0 ||
            (blen && send(c->fd, body, blen, MSG_NOSIGNAL) < 0))
            ls_drop(c, false);
    }
    free(body);
}

static inline void *ls_thread(void *arg)
{
    struct lsrv *s = arg;
    for (;;) {
        struct pollfd p[2 + LS_MAX_CONN];
        int map[2 + LS_MAX_CONN], n = 0;
        p[n] = (struct pollfd){s->stop[0], POLLIN, 0};
        map[n++] = -2;
        p[n] = (struct pollfd){s->lfd, POLLIN, 0};
        map[n++] = -1;
        for (int i = 0; i < LS_MAX_CONN; i++)
            if (s->c[i].fd >= 0) {
                p[n] = (struct pollfd){s->c[i].fd, POLLIN, 0};
                map[n++] = i;
            }
        if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (p[1].revents & POLLIN) {
            int fd = accept(s->lfd, NULL, NULL);
            int slot = -1;
            for (int i = 0; i < LS_MAX_CONN && fd >= 0; i++)
                if (s->c[i].fd < 0) {
                    slot = i;
                    break;
                }
            if (slot < 0) {
                if (fd >= 0)
                    close(fd);
            } else {
                /* header and body are two sends: without this, Nagle and the client's
                 * delayed ACK hold every reply ~40 ms */
                int nd = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof nd);
                pthread_mutex_lock(&s->mu);
                s->connections++;
                bool drop = s->close_accepts > 0;
                if (drop)
                    s->close_accepts--;
                pthread_mutex_unlock(&s->mu);
                if (drop)
                    close(fd);
                else
                    s->c[slot].fd = fd;
            }
        }
        for (int k = 2; k < n; k++) {
            if (!p[k].revents)
                continue;
            struct ls_conn *c = &s->c[map[k]];
            if (c->fd < 0)
                continue;
            char tmp[16384];
            ssize_t r = recv(c->fd, tmp, sizeof tmp, 0);
            if (r <= 0) {
                ls_drop(c, false);
                continue;
            }
            if (c->len + (size_t)r > LS_REQ_MAX) {
                ls_drop(c, true);
                continue;
            }
            c->buf = realloc(c->buf, c->len + (size_t)r + 1);
            memcpy(c->buf + c->len, tmp, (size_t)r);
            c->len += (size_t)r;
            size_t done;
            while (c->fd >= 0 && (done = ls_complete(c)) > 0)
                ls_serve(s, c, done);
        }
    }
    return NULL;
}

static inline struct lsrv *ls_start(void)
{
    struct lsrv *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    for (int i = 0; i < LS_MAX_CONN; i++)
        s->c[i].fd = -1;
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(s->lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->lfd, 16) != 0)
        abort();
    socklen_t al = sizeof a;
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    if (pipe(s->stop) != 0)
        abort();
    ls_set(s, LS_RESPOND, 200, "{}", 0);
    pthread_create(&s->th, NULL, ls_thread, s);
    return s;
}

static inline void ls_stop(struct lsrv *s)
{
    if (write(s->stop[1], "x", 1) != 1)
        abort();
    pthread_join(s->th, NULL);
    for (int i = 0; i < LS_MAX_CONN; i++)
        if (s->c[i].fd >= 0)
            ls_drop(&s->c[i], false);
    close(s->lfd);
    close(s->stop[0]);
    close(s->stop[1]);
    free(s->body);
    free(s->last_req);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* A loopback port with nothing listening (connect → refused). */
static inline int ls_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    return ntohs(a.sin_port);
}

static inline uint64_t ls_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define ALEXA_SCHEMA \
    LEEC_CONFORMANCE_DIR "/alexa/validation_schemas/alexa_smart_home_message_schema.json"

/* Validates every file (NULL-terminated list) against the official schema in
 * one python3 run; returns the exit status (0: all valid). */
static inline int schema_validate_files(const char *const *paths)
{
    char cmd[65536];
    size_t o =
        (size_t)snprintf(cmd, sizeof cmd,
                         "/usr/bin/python3 -c 'import json,sys,jsonschema\n"
                         "s=json.load(open(sys.argv[1]))\nv=jsonschema.Draft4Validator(s)\nbad=0\n"
                         "for p in sys.argv[2:]:\n"
                         "  e=list(v.iter_errors(json.load(open(p))))\n"
                         "  if e: bad=1; print(p, e[0].message[:300], file=sys.stderr)\n"
                         "sys.exit(bad)' '%s'",
                         ALEXA_SCHEMA);
    for (size_t i = 0; paths[i]; i++)
        o += (size_t)snprintf(cmd + o, sizeof cmd - o, " '%s'", paths[i]);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

/* Writes text to a fresh temp file; returns its malloc'd path. */
static inline char *write_temp(const char *text, size_t len)
{
    char *path = strdup("/tmp/leec_sh_XXXXXX.json");
    int fd = mkstemps(path, 5);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        abort();
    close(fd);
    return path;
}

/* Validates one JSON text; returns python's exit status. */
static inline int schema_validate_text(const char *text, size_t len)
{
    char *p = write_temp(text, len);
    const char *paths[2] = {p, NULL};
    int rc = schema_validate_files(paths);
    unlink(p);
    free(p);
    return rc;
}

#endif
