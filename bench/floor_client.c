/* floor_client: the performance floor for a Lambda custom runtime.
 *
 * A raw-socket Runtime API client: no libcurl, no JSON, one keep-alive TCP
 * connection (reopened only if the server closes it). It loops on
 * GET /2018-06-01/runtime/invocation/next and echoes each event back as the
 * response. The real bootstrap is compared with this (init time to the first
 * /next, per-invocation time, RSS).
 *
 * Build: cc -O2 -Wall -Wextra -Werror bench/floor_client.c -o floor_client
 * Run:   AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 ./floor_client */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_BODY (16u * 1024u * 1024u)
#define HEAD_MAX 16384

static char host[256], port[16];
static int fd = -1;
static char rbuf[65536];
static size_t rpos, rlen;

static int connect_api(void)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rpos = rlen = 0;
    return 0;
}

static int send_all(const struct iovec *iov_in, int n)
{
    struct iovec iov[2];
    memcpy(iov, iov_in, (size_t)n * sizeof *iov);
    struct iovec *v = iov;
    while (n > 0) {
        ssize_t w = writev(fd, v, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (n > 0 && (size_t)w >= v->iov_len) {
            w -= (ssize_t)v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + w;
            v->iov_len -= (size_t)w;
        }
    }
    return 0;
}

static int fill(void)
{
    if (rpos == rlen)
        rpos = rlen = 0;
    for (;;) {
        ssize_t n = read(fd, rbuf + rlen, sizeof rbuf - rlen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        rlen += (size_t)n;
        return 0;
    }
}

/* Reads a response: status, Content-Length body (malloc'd into *body), request id. */
static int read_response(int *status, char **body, size_t *blen, char *rid, size_t ridsz)
{
    char head[HEAD_MAX];
    size_t hl = 0;
    for (;;) {
        while (rpos < rlen) {
            if (hl + 1 >= sizeof head)
                return -1;
            head[hl++] = rbuf[rpos++];
            if (hl >= 4 && memcmp(head + hl - 4, "\r\n\r\n", 4) == 0)
                goto have_head;
        }
        if (fill() < 0)
            return -1;
    }
have_head:
    head[hl] = '\0';
    if (strncmp(head, "HTTP/1.", 7) != 0)
        return -1;
    *status = atoi(head + 9);
    size_t cl = 0;
    if (rid)
        rid[0] = '\0';
    for (char *line = strstr(head, "\r\n") + 2; *line != '\r'; line = strstr(line, "\r\n") + 2) {
        char *colon = strchr(line, ':');
        char *eol = strstr(line, "\r\n");
        if (colon == NULL || colon > eol)
            continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t nlen = (size_t)(colon - line), vlen = (size_t)(eol - v);
        if (nlen == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
            cl = strtoul(v, NULL, 10);
        } else if (rid && nlen == 29 &&
                   strncasecmp(line, "Lambda-Runtime-Aws-Request-Id", 29) == 0 && vlen < ridsz) {
            memcpy(rid, v, vlen);
            rid[vlen] = '\0';
        }
    }
    if (cl > MAX_BODY)
        return -1;
    char *b = malloc(cl + 1);
    if (b == NULL)
        return -1;
    size_t got = 0;
    while (got < cl) {
        if (rpos == rlen && fill() < 0) {
            free(b);
            return -1;
        }
        size_t k = rlen - rpos < cl - got ? rlen - rpos : cl - got;
        memcpy(b + got, rbuf + rpos, k);
        rpos += k;
        got += k;
    }
    b[cl] = '\0';
    *body = b;
    *blen = cl;
    return 0;
}

static int request(const char *method, const char *path, const char *body, size_t blen, int *status,
                   char **rbody, size_t *rblen, char *rid, size_t ridsz)
{
    char head[512];
    int hn;
    if (body != NULL)
        hn = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n",
                      method, path, host, port, blen);
    else
        hn = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", method, path,
                      host, port);
    if (hn < 0 || (size_t)hn >= sizeof head)
        return -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (fd < 0 && connect_api() < 0)
            return -1;
        struct iovec iov[2] = {{head, (size_t)hn}, {(void *)body, blen}};
        if (send_all(iov, body != NULL && blen > 0 ? 2 : 1) == 0 &&
            read_response(status, rbody, rblen, rid, ridsz) == 0)
            return 0;
        close(fd); /* server closed the kept-alive connection: reconnect once */
        fd = -1;
    }
    return -1;
}

int main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL) {
        fprintf(stderr, "floor_client: AWS_LAMBDA_RUNTIME_API is not set\n");
        return 2;
    }
    const char *colon = strrchr(api, ':');
    if (colon == NULL || (size_t)(colon - api) >= sizeof host || strlen(colon + 1) >= sizeof port) {
        fprintf(stderr, "floor_client: bad AWS_LAMBDA_RUNTIME_API\n");
        return 2;
    }
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';
    strcpy(port, colon + 1);

    for (;;) {
        int status;
        char *event, *ack, rid[128], path[256];
        size_t elen, alen;
        if (request("GET", "/2018-06-01/runtime/invocation/next", NULL, 0, &status, &event, &elen,
                    rid, sizeof rid) < 0) {
            fprintf(stderr, "floor_client: /next failed\n");
            return 1;
        }
        if (status != 200 || rid[0] == '\0') {
            fprintf(stderr, "floor_client: /next answered %d\n", status);
            free(event);
            return 1;
        }
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/response", rid);
        int rc = request("POST", path, event, elen, &status, &ack, &alen, NULL, 0);
        free(event);
        if (rc < 0) {
            fprintf(stderr, "floor_client: /response failed\n");
            return 1;
        }
        free(ack);
        if (status == 500)
            return 1;
    }
}
