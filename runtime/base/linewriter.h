/* linewriter: the writer of base/log.c's lines (internal to base/log.c).
 *
 * Every byte of a log line goes through it: it escapes for the line's format,
 * redacts every registered secret (keys and member names included) before any
 * cut, never splits an escape or a UTF-8 character, and keeps room for the
 * closers it has promised, so a line cut at its cap is still valid JSON. */
#ifndef LEEC_LINEWRITER_H
#define LEEC_LINEWRITER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum lw_mode { LW_JSON, LW_TEXT, LW_RAW };

struct lw {
    char *buf; /* NULL: count only */
    size_t len;
    size_t limit;   /* bytes usable for content */
    size_t reserve; /* bytes kept for closers already promised */
    bool full;      /* something did not fit: stop, mark truncated */
};

/* Appends n bytes unless they (plus the reserve) overflow the limit: then full. */
bool lw_put(struct lw *w, const char *s, size_t n);
/* Redacting copy of s[0..n), escaped for mode, until w is full. */
void lw_text(struct lw *w, const char *s, size_t n, enum lw_mode mode);
/* A quoted string value: the closing quote always fits, the content may be cut. */
bool lw_string(struct lw *w, const char *s, size_t n, enum lw_mode mode);
/* A JSON number (null when not finite). */
void lw_number(struct lw *w, double d);
/* Redacts src[0..n) by every rule, then cuts the result at a character boundary to fit
 * cap bytes (NUL included): base/log.h log_redact_copy. */
size_t lw_redact_copy(char *dst, size_t cap, const char *src, size_t n);
/* A cJSON tree, redacted (member names too); a cut keeps it valid JSON. */
void lw_json(struct lw *w, const cJSON *j, int depth);

#endif
