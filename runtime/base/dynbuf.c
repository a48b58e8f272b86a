/* dynbuf: see dynbuf.h. */
#include "base/dynbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DYNBUF_FIRST 4096

void dynbuf_init(struct dynbuf *d, size_t toobig)
{
    memset(d, 0, sizeof *d);
    d->toobig = toobig;
}

static int dynbuf_fail(struct dynbuf *d, int rc)
{
    if (!d->err)
        d->err = rc;
    return rc;
}

/* Room for len + n bytes and the NUL, never more than toobig + 1. */
static int dynbuf_grow(struct dynbuf *d, size_t n)
{
    if (d->len + n + 1 <= d->cap)
        return DYNBUF_OK;
    size_t cap = d->cap ? d->cap : DYNBUF_FIRST;
    while (cap < d->len + n + 1)
        cap *= 2;
    if (cap > d->toobig + 1)
        cap = d->toobig + 1;
    char *nb = realloc(d->buf, cap);
    if (!nb)
        return dynbuf_fail(d, DYNBUF_NOMEM);
    d->buf = nb;
    d->cap = cap;
    return DYNBUF_OK;
}

int dynbuf_add(struct dynbuf *d, const void *p, size_t n)
{
    if (n > d->toobig - d->len)
        return dynbuf_fail(d, DYNBUF_TOOBIG);
    int rc = dynbuf_grow(d, n);
    if (rc != DYNBUF_OK)
        return rc;
    if (n)
        memcpy(d->buf + d->len, p, n);
    d->len += n;
    d->buf[d->len] = '\0';
    return DYNBUF_OK;
}

int dynbuf_addf(struct dynbuf *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        return dynbuf_fail(d, DYNBUF_NOMEM);
    if ((size_t)k > d->toobig - d->len)
        return dynbuf_fail(d, DYNBUF_TOOBIG);
    int rc = dynbuf_grow(d, (size_t)k);
    if (rc != DYNBUF_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(d->buf + d->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    d->len += (size_t)k;
    return DYNBUF_OK;
}

int dynbuf_reserve(struct dynbuf *d, size_t n)
{
    if (n > d->toobig - d->len)
        n = d->toobig - d->len;
    size_t want = d->len + n + 1;
    if (want > d->cap) {
        char *nb = realloc(d->buf, want);
        if (!nb)
            return dynbuf_fail(d, DYNBUF_NOMEM);
        d->buf = nb;
        d->cap = want;
    }
    d->buf[d->len] = '\0';
    return DYNBUF_OK;
}

void dynbuf_reset(struct dynbuf *d)
{
    d->len = 0;
    d->err = DYNBUF_OK;
    if (d->buf)
        d->buf[0] = '\0';
}

void dynbuf_free(struct dynbuf *d)
{
    free(d->buf);
    d->buf = NULL;
    d->len = d->cap = 0;
    d->err = DYNBUF_OK;
}

char *dynbuf_take(struct dynbuf *d, size_t *len)
{
    char *p = d->buf;
    if (len)
        *len = d->len;
    d->buf = NULL;
    d->len = d->cap = 0;
    d->err = DYNBUF_OK;
    return p;
}

size_t dynbuf_curl_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    size_t n = size * nmemb;
    return dynbuf_add(ud, ptr, n) == DYNBUF_OK ? n : 0;
}
