/* dynbuf: the one growable byte buffer with a hard cap (curl's lib/curlx/dynbuf.h
 * idea). dynbuf_init() sets toobig, the most content bytes the buffer may ever
 * hold; an add that would go past it fails with DYNBUF_TOOBIG and leaves the
 * content as it was. The content is always NUL-terminated (the NUL is not
 * counted), so d->buf can be read as a string once something was added.
 * Every HTTP write callback of the runtime is dynbuf_curl_write or uses dynbuf. */
#ifndef LEEC_DYNBUF_H
#define LEEC_DYNBUF_H

#include <stddef.h>

enum dynbuf_rc { DYNBUF_OK = 0, DYNBUF_TOOBIG = -1, DYNBUF_NOMEM = -2 };

struct dynbuf {
    char *buf; /* NULL until the first add */
    size_t len, cap, toobig;
    int err; /* sticky: the first failed add's rc (dynbuf_reset clears it) */
};

void dynbuf_init(struct dynbuf *d, size_t toobig);
/* Appends n bytes; DYNBUF_OK, DYNBUF_TOOBIG (len + n > toobig) or DYNBUF_NOMEM. */
int dynbuf_add(struct dynbuf *d, const void *p, size_t n);
int dynbuf_addf(struct dynbuf *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Allocates room for n content bytes now (at most toobig), so later adds up to
 * that size do not allocate. */
int dynbuf_reserve(struct dynbuf *d, size_t n);
/* Empties the content (keeps the memory and the cap). */
void dynbuf_reset(struct dynbuf *d);
/* Frees the memory; d can be added to again (same cap). */
void dynbuf_free(struct dynbuf *d);
/* Hands the content over (caller frees; NULL if nothing was ever added); d is empty. */
char *dynbuf_take(struct dynbuf *d, size_t *len);

/* A libcurl CURLOPT_WRITEFUNCTION: ud is a struct dynbuf. Over the cap or out of
 * memory it returns 0, which aborts the transfer (CURLE_WRITE_ERROR); d->err says
 * which. */
size_t dynbuf_curl_write(char *ptr, size_t size, size_t nmemb, void *ud);

#endif
