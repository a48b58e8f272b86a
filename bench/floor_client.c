/* floor_client: the performance floor for a Lambda custom runtime.
 *
 * A raw-socket Runtime API client: no libcurl, no JSON, one keep-alive TCP
 * connection (reopened only if the server closes it). It loops on
 * GET /2018-06-01/runtime/invocation/next and echoes each event back as the
 * response. The real bootstrap is compared with this (init time to the first
 * /next, per-invocation time, RSS).
 *
 * With FLOOR_HA_URL set (https://HOST:PORT, built with OpenSSL: -DFLOOR_TLS -lssl -lcrypto)
 * it is instead the floor of a Smart Home proxy: each event is POSTed as is to
 * FLOOR_HA_URL/api/alexa/smart_home (Authorization: Bearer FLOOR_HA_TOKEN) over one new,
 * verified TLS connection (FLOOR_CA_BUNDLE: the CA file; peer and host name or IP address
 * verified) opened in the invocation, and Home Assistant's reply body is the response:
 * one handshake and one POST, no JSON parsing (bench/first_answer.py).
 *
 * Build: cc -O2 -Wall -Wextra -Werror [-DFLOOR_TLS] bench/floor_client.c -o floor_client
 *        [-lssl -lcrypto]
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
#ifdef FLOOR_TLS
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif

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

#ifdef FLOOR_TLS
/* One verified HTTPS POST of body to ha_url + path; the reply body (Content-Length) is
 * returned in *out (malloc'd). A new connection and handshake every call. */
static int ha_post(const char *ha_url, const char *token, const char *ca, const char *body,
                   size_t blen, char **out, size_t *olen)
{
    char h[256], p[16];
    const char *hp = ha_url + 8; /* after https:// */
    const char *col = strrchr(hp, ':');
    if (strncmp(ha_url, "https://", 8) != 0 || col == NULL || (size_t)(col - hp) >= sizeof h ||
        strlen(col + 1) >= sizeof p)
        return -1;
    memcpy(h, hp, (size_t)(col - hp));
    h[col - hp] = '\0';
    snprintf(p, sizeof p, "%s", col + 1);
    char *slash = strchr(p, '/');
    if (slash)
        *slash = '\0';

    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(h, p, &hints, &res) != 0)
        return -1;
    int s = -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0)
            continue;
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(s);
        s = -1;
    }
    freeaddrinfo(res);
    if (s < 0)
        return -1;
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    int rc = -1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = NULL;
    char *b = NULL;
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        goto done;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    ssl = SSL_new(ctx);
    if (ssl == NULL)
        goto done;
    unsigned char addr[16];
    if (inet_pton(AF_INET, h, addr) == 1 || inet_pton(AF_INET6, h, addr) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), h);
    } else {
        SSL_set_tlsext_host_name(ssl, h);
        SSL_set1_host(ssl, h);
    }
    SSL_set_fd(ssl, s);
    if (SSL_connect(ssl) != 1 || SSL_get_verify_result(ssl) != X509_V_OK)
        goto done;

    char head[1024];
    int hn = snprintf(head, sizeof head,
                      "POST /api/alexa/smart_home HTTP/1.1\r\nHost: %s:%s\r\n"
                      "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      h, p, token, blen);
    if (hn < 0 || (size_t)hn >= sizeof head)
        goto done;
    /* one TLS record for head and body, as libcurl sends a small POST */
    char *req = malloc((size_t)hn + blen);
    if (req == NULL)
        goto done;
    memcpy(req, head, (size_t)hn);
    memcpy(req + hn, body, blen);
    int w = SSL_write(ssl, req, (int)((size_t)hn + blen));
    free(req);
    if (w <= 0)
        goto done;

    size_t cap = 65536, len = 0;
    b = malloc(cap + 1);
    if (b == NULL)
        goto done;
    size_t cl = 0, hl = 0;
    for (;;) {
        if (len == cap) {
            char *nb = realloc(b, cap * 2 + 1);
            if (nb == NULL)
                goto done;
            b = nb;
            cap *= 2;
        }
        int n = SSL_read(ssl, b + len, (int)(cap - len));
        if (n <= 0)
            break;
        len += (size_t)n;
        b[len] = '\0';
        if (hl == 0) {
            char *e = strstr(b, "\r\n\r\n");
            if (e == NULL)
                continue;
            hl = (size_t)(e - b) + 4;
            for (char *l = strstr(b, "\r\n"); l != NULL && l < e; l = strstr(l + 2, "\r\n"))
                if (strncasecmp(l + 2, "Content-Length:", 15) == 0)
                    cl = strtoul(l + 17, NULL, 10);
        }
        if (hl > 0 && len >= hl + cl)
            break;
    }
    if (hl == 0 || len < hl + cl)
        goto done;
    memmove(b, b + hl, cl);
    b[cl] = '\0';
    *out = b;
    *olen = cl;
    b = NULL;
    rc = 0;
done:
    free(b);
    if (ssl != NULL) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    SSL_CTX_free(ctx);
    close(s);
    return rc;
}
#endif

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
#ifdef FLOOR_TLS
    const char *ha_url = getenv("FLOOR_HA_URL");
    const char *ha_token = getenv("FLOOR_HA_TOKEN");
    const char *ha_ca = getenv("FLOOR_CA_BUNDLE");
#else
    if (getenv("FLOOR_HA_URL") != NULL) {
        fprintf(stderr, "floor_client: built without TLS (OpenSSL): FLOOR_HA_URL unsupported\n");
        return 2;
    }
#endif

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
#ifdef FLOOR_TLS
        if (ha_url != NULL) {
            char *reply;
            size_t rlen2;
            if (ha_post(ha_url, ha_token ? ha_token : "", ha_ca ? ha_ca : "", event, elen, &reply,
                        &rlen2) < 0) {
                fprintf(stderr, "floor_client: the HTTPS POST failed\n");
                return 1;
            }
            free(event);
            event = reply;
            elen = rlen2;
        }
#endif
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
