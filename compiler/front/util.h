/* util: allocation that exits on failure (leec is a short-lived host tool: exit 3),
 * a growable string buffer, and "did you mean" suggestions. */
#ifndef LEEC_UTIL_H
#define LEEC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

struct sbuf {
    char *s;
    size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_free(struct sbuf *b);

/* Closest candidate by edit distance, or NULL if none is close enough. */
const char *suggest(const char *word, const char *const *candidates, size_t n);

/* "a, b or c" into buf. */
void join_names(char *buf, size_t size, const char *const *names, size_t n, const char *last_sep);

/* Human size/duration for tables: "24.0 MiB", "250 ms". */
void fmt_bytes(char *buf, size_t size, double bytes);

#endif
