/* log: structured, capped, redacted log lines. */
#include "base/log.h"

#include "base/clock.h"
#include "base/linewriter.h"
#include "base/redact.h"
#include "base/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_TAIL 24 /* room for ,"truncated":true}\n or " truncated=true\n" */

static struct {
    char service[65], fname[65], fversion[33], fmem[16];
    enum log_level min;
    enum log_format fmt;
    size_t cap;
    bool caller;
    FILE *out;
    bool in_inv, cold;
    char req[65], trace[129], arn[256], corr[129];
    double rate;  /* sample rate, 0..1 */
    bool sampled; /* this invocation logs at DEBUG */
    bool failed;  /* this invocation ends in an error: its DEBUG buffer is written */
    bool forcing; /* the buffer's eviction note: written whatever the level */
    uint64_t rng; /* sampling draws (splitmix64), seeded on first use */
    char *buf;    /* the invocation's DEBUG lines (buf_cap bytes, 0: no buffer) */
    size_t buf_cap, buf_len, buf_evicted;
    char line[LOG_LINE_MAX];
} L = {.service = "service_undefined",
       .min = LOG_LEVEL_INFO,
       .fmt = LOG_FORMAT_JSON,
       .cap = LOG_LINE_DEFAULT};

static const char *const log_names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

const char *log_level_name(enum log_level lvl)
{
    return (unsigned)lvl <= LOG_LEVEL_FATAL ? log_names[lvl] : "UNKNOWN";
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (int i = 0; s && i <= LOG_LEVEL_FATAL; i++) {
        if (strcasecmp(s, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

static void log_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool log_rate_ok(double r) { return isfinite(r) && r >= 0.0 && r <= 1.0; }

/* The DEBUG buffer at cap bytes (0: none); -1 when out of memory (unchanged). */
static int log_buffer_resize(size_t cap)
{
    if (cap == L.buf_cap)
        return 0;
    char *b = NULL;
    if (cap && !(b = malloc(cap)))
        return -1;
    free(L.buf);
    L.buf = b;
    L.buf_cap = cap;
    L.buf_len = L.buf_evicted = 0;
    return 0;
}

int log_init(const struct log_settings *s)
{
    if (!s || (unsigned)s->min_level > LOG_LEVEL_FATAL ||
        (s->format != LOG_FORMAT_JSON && s->format != LOG_FORMAT_TEXT) ||
        s->line_cap < LOG_LINE_MIN || s->line_cap > LOG_LINE_MAX || !log_rate_ok(s->sample_rate) ||
        s->debug_buffer > LOG_BUFFER_MAX || log_buffer_resize(s->debug_buffer) != 0)
        return -1;
    L.rate = s->sample_rate;
    log_copy(L.service, sizeof L.service, s->service ? s->service : "service_undefined");
    log_copy(L.fname, sizeof L.fname, s->function_name);
    log_copy(L.fversion, sizeof L.fversion, s->function_version);
    log_copy(L.fmem, sizeof L.fmem, s->function_memory_size);
    L.min = s->min_level;
    L.fmt = s->format;
    L.cap = s->line_cap;
    L.caller = s->caller_info;
    return 0;
}

int log_apply_env(void)
{
    const char *lv = getenv("AWS_LAMBDA_LOG_LEVEL");
    const char *fm = getenv("AWS_LAMBDA_LOG_FORMAT");
    const char *sr = getenv("POWERTOOLS_LOGGER_SAMPLE_RATE");
    enum log_level lvl = L.min;
    enum log_format fmt = L.fmt;
    double rate = L.rate;
    if (lv && log_level_parse(lv, &lvl) != 0)
        return -1;
    if (sr) {
        char *end = NULL;
        rate = strtod(sr, &end);
        if (!*sr || !end || *end || !log_rate_ok(rate))
            return -3;
    }
    if (fm) {
        if (strcasecmp(fm, "JSON") == 0)
            fmt = LOG_FORMAT_JSON;
        else if (strcasecmp(fm, "Text") == 0)
            fmt = LOG_FORMAT_TEXT;
        else
            return -2;
    }
    L.min = lvl;
    L.fmt = fmt;
    L.rate = rate;
    return 0;
}

double log_sample_rate(void) { return L.rate; }

void log_set_output(FILE *out) { L.out = out; }

void log_shutdown(void)
{
    redact_forget_secrets();
    log_copy(L.service, sizeof L.service, "service_undefined");
    L.fname[0] = L.fversion[0] = L.fmem[0] = '\0';
    L.min = LOG_LEVEL_INFO;
    L.fmt = LOG_FORMAT_JSON;
    L.cap = LOG_LINE_DEFAULT;
    L.caller = false;
    L.out = NULL;
    L.in_inv = L.sampled = L.failed = false;
    L.rate = 0;
    L.corr[0] = '\0';
    log_buffer_resize(0);
}

/* The Root id of an X-Ray trace header ("Root=1-..;Parent=..;Sampled=1" ->
 * "1-.."), as Powertools reports it; "" without a Root. */
static void log_trace_root(char *dst, size_t cap, const char *h)
{
    dst[0] = '\0';
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, ";");
        if (n > 5 && strncmp(p, "Root=", 5) == 0) {
            n -= 5;
            if (n > cap - 1)
                n = cap - 1;
            memcpy(dst, p + 5, n);
            dst[n] = '\0';
            return;
        }
        p += n;
    }
}

/* A uniform draw in [0, 1): splitmix64, seeded from the clock, the pid and an
 * address (sampling needs spread, not secrecy). */
static double log_draw(void)
{
    if (!L.rng)
        L.rng = clock_epoch_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&L;
    uint64_t z = (L.rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

void log_begin_invocation(const char *request_id, const char *xray_trace_id, bool cold_start)
{
    log_copy(L.req, sizeof L.req, request_id);
    log_trace_root(L.trace, sizeof L.trace, xray_trace_id);
    L.arn[0] = L.corr[0] = '\0';
    L.cold = cold_start;
    L.in_inv = true;
    L.failed = false;
    L.buf_len = L.buf_evicted = 0;
    L.sampled = L.rate > 0 && log_draw() < L.rate;
}

static void log_out(const char *s, size_t n)
{
    FILE *out = L.out ? L.out : stdout;
    fwrite(s, 1, n, out);
    fflush(out);
}

/* Writes the held DEBUG lines (after a note when some were evicted) and empties the
 * buffer. */
static void log_buffer_flush(void)
{
    size_t evicted = L.buf_evicted;
    L.buf_evicted = 0;
    if (evicted) {
        L.forcing = true;
        log_emit(LOG_LEVEL_WARN,
                 "some buffered DEBUG lines were evicted (logging.debug_buffer is full)",
                 LOG_UINT("evicted_lines", evicted), LOG_END);
        L.forcing = false;
    }
    if (L.buf_len)
        log_out(L.buf, L.buf_len);
    L.buf_len = 0;
}

/* Holds one line; the oldest lines go to make room (the latest, nearest the error,
 * matter most). A line larger than the whole buffer is dropped. */
static void log_buffer_put(const char *s, size_t n)
{
    if (n > L.buf_cap) {
        L.buf_evicted++;
        return;
    }
    size_t drop = 0;
    while (L.buf_len - drop + n > L.buf_cap) {
        const char *nl = memchr(L.buf + drop, '\n', L.buf_len - drop);
        drop = nl ? (size_t)(nl - L.buf) + 1 : L.buf_len;
        L.buf_evicted++;
    }
    if (drop) {
        memmove(L.buf, L.buf + drop, L.buf_len - drop);
        L.buf_len -= drop;
    }
    memcpy(L.buf + L.buf_len, s, n);
    L.buf_len += n;
}

void log_end_invocation(void)
{
    if (L.failed)
        log_buffer_flush();
    L.in_inv = L.sampled = L.failed = false;
    L.buf_len = L.buf_evicted = 0;
    L.req[0] = L.trace[0] = L.arn[0] = L.corr[0] = '\0';
    redact_forget_invocation_secrets();
}

void log_set_correlation_id(const char *id) { log_copy(L.corr, sizeof L.corr, id); }

void log_invocation_failed(void) { L.failed = true; }

bool log_sampled(void) { return L.sampled; }

void log_set_function_arn(const char *function_arn) { log_copy(L.arn, sizeof L.arn, function_arn); }

void log_set_level(enum log_level lvl)
{
    if ((unsigned)lvl <= LOG_LEVEL_FATAL)
        L.min = lvl;
}

enum log_level log_get_level(void) { return L.min; }

/* A DEBUG line of an invocation is written when it is sampled, or held when there is
 * a buffer. */
bool log_enabled(enum log_level lvl)
{
    return lvl >= L.min || L.forcing ||
           (L.in_inv && lvl == LOG_LEVEL_DEBUG && (L.sampled || L.buf_cap));
}

static const char *log_basename(const char *f)
{
    const char *b = strrchr(f, '/');
    return b ? b + 1 : f;
}

static bool log_reserved(const char *k)
{
    static const char *const r[] = {"level",
                                    "message",
                                    "timestamp",
                                    "service",
                                    "cold_start",
                                    "function_name",
                                    "function_version",
                                    "function_request_id",
                                    "xray_trace_id",
                                    "location",
                                    "truncated",
                                    "function_arn",
                                    "function_memory_size",
                                    "sampling_rate",
                                    "correlation_id"};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (strcmp(k, r[i]) == 0)
            return true;
    return false;
}

static void lw_key(struct lw *w, const char *k, bool json)
{
    const char *prefix = log_reserved(k) ? "field_" : "";
    char name[96];
    int n = snprintf(name, sizeof name, "%s%s", prefix, k);
    size_t nl = n < 0 ? 0 : (size_t)n >= sizeof name ? sizeof name - 1 : (size_t)n;
    if (json) {
        lw_put(w, ",", 1);
        lw_string(w, name, nl, LW_JSON);
        lw_put(w, ":", 1);
    } else {
        lw_put(w, " ", 1);
        lw_text(w, name, nl, LW_TEXT);
        lw_put(w, "=", 1);
    }
}

static void lw_field(struct lw *w, const struct log_field *f, bool json)
{
    const char *key = f->key ? f->key : "field";
    size_t save = w->len;
    lw_key(w, key, json);
    if (w->full) {
        w->len = save;
        return;
    }
    size_t vsave = w->len;
    enum lw_mode mode = json ? LW_JSON : LW_TEXT;
    char tmp[40];
    int k = 0;
    bool text = f->type == LOG_FT_STR || f->type == LOG_FT_STRN || f->type == LOG_FT_JSON;
    if (redact_key_sensitive(key, strlen(key)) || (text && f->v.s && redact_overflowed())) {
        /* a secret the full table could not take may be anywhere: no text at all */
        lw_string(w, REDACT_MARKER, sizeof REDACT_MARKER - 1, LW_RAW);
    } else {
        switch (f->type) {
        case LOG_FT_STR:
        case LOG_FT_STRN:
            if (!f->v.s)
                lw_put(w, "null", 4);
            else
                lw_string(w, f->v.s, f->type == LOG_FT_STR ? strlen(f->v.s) : f->n, mode);
            break;
        case LOG_FT_INT:
            k = snprintf(tmp, sizeof tmp, "%lld", f->v.i);
            lw_put(w, tmp, (size_t)k);
            break;
        case LOG_FT_UINT:
            k = snprintf(tmp, sizeof tmp, "%llu", f->v.u);
            lw_put(w, tmp, (size_t)k);
            break;
        case LOG_FT_DBL:
            lw_number(w, f->v.d);
            break;
        case LOG_FT_BOOL:
            f->v.b ? lw_put(w, "true", 4) : lw_put(w, "false", 5);
            break;
        case LOG_FT_JSON:
            if (json)
                lw_json(w, f->v.j, 0);
            else {
                /* TEXT: the JSON as a JSON line writes it (member names and values
                 * redacted before cJSON-style escaping could hide a secret), quoted */
                char *jt = malloc(w->limit + 1);
                struct lw t = {.buf = jt, .limit = w->limit};
                if (jt)
                    lw_json(&t, f->v.j, 0);
                lw_string(w, jt ? jt : "null", jt ? t.len : 4, LW_TEXT);
                free(jt);
            }
            break;
        case LOG_FT_END:
        case LOG_FT_ERROR: /* lw_error */
            break;
        }
    }
    if (w->len == vsave)
        w->len = save;
}

/* LOG_ERR: Powertools' error object, written as a LOG_JSON field (so it is
 * redacted and cut like any JSON field); the message alone without memory. */
static void lw_error(struct lw *w, const struct log_field *f, bool json)
{
    char loc[96];
    snprintf(loc, sizeof loc, "%s:%d", f->file ? log_basename(f->file) : "", (int)f->n);
    const char *name = f->name ? f->name : "Error";
    const char *msg = f->v.s ? f->v.s : "";
    size_t sl = strlen(name) + strlen(msg) + strlen(loc) + 16;
    char *stack = malloc(sl);
    cJSON *o = cJSON_CreateObject();
    if (stack)
        snprintf(stack, sl, "%s: %s\n    at %s", name, msg, loc);
    struct log_field e = LOG_STR("error", msg);
    if (stack && o && cJSON_AddStringToObject(o, "name", name) &&
        cJSON_AddStringToObject(o, "location", loc) && cJSON_AddStringToObject(o, "message", msg) &&
        cJSON_AddStringToObject(o, "stack", stack))
        e = LOG_JSON("error", o);
    lw_field(w, &e, json);
    cJSON_Delete(o);
    free(stack);
}

static void log_timestamp(char out[32])
{
    uint64_t ms = clock_epoch_ms();
    time_t sec = (time_t)(ms / 1000u);
    struct tm tm;
    gmtime_r(&sec, &tm);
    /* strftime: fixed-width fields, so the length is known (gcc cannot prove it for %d). */
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03uZ", (unsigned)(ms % 1000u));
}

static void log_write(const char *file, int line, enum log_level lvl, const char *msg,
                      const struct log_field *fields, size_t nfields)
{
    if (L.in_inv && lvl >= LOG_LEVEL_ERROR && !L.forcing) {
        L.failed = true;
        log_buffer_flush(); /* what led to the error, before it (L.line is free yet) */
    }
    struct lw w = {.buf = L.line, .len = 0, .limit = L.cap - LOG_TAIL, .reserve = 0};
    char ts[32], loc[96];
    bool json = L.fmt == LOG_FORMAT_JSON;
    log_timestamp(ts);
    loc[0] = '\0';
    if (L.caller && file)
        snprintf(loc, sizeof loc, "%s:%d", log_basename(file), line);
    msg = msg ? msg : "";
    if (json) {
        lw_put(&w, "{\"level\":", 9);
        lw_string(&w, log_level_name(lvl), strlen(log_level_name(lvl)), LW_JSON);
        lw_put(&w, ",\"timestamp\":", 13);
        lw_string(&w, ts, strlen(ts), LW_JSON);
        lw_put(&w, ",\"service\":", 11);
        lw_string(&w, L.service, strlen(L.service), LW_JSON);
        lw_put(&w, ",\"sampling_rate\":", 17);
        lw_number(&w, L.rate);
        if (L.fname[0]) {
            lw_put(&w, ",\"function_name\":", 17);
            lw_string(&w, L.fname, strlen(L.fname), LW_JSON);
        }
        if (L.fversion[0]) {
            lw_put(&w, ",\"function_version\":", 20);
            lw_string(&w, L.fversion, strlen(L.fversion), LW_JSON);
        }
        if (L.fmem[0]) {
            lw_put(&w, ",\"function_memory_size\":", 24);
            lw_string(&w, L.fmem, strlen(L.fmem), LW_JSON);
        }
        if (L.in_inv) {
            L.cold ? lw_put(&w, ",\"cold_start\":true", 18)
                   : lw_put(&w, ",\"cold_start\":false", 19);
            lw_put(&w, ",\"function_request_id\":", 23);
            lw_string(&w, L.req, strlen(L.req), LW_JSON);
            if (L.arn[0]) {
                lw_put(&w, ",\"function_arn\":", 16);
                lw_string(&w, L.arn, strlen(L.arn), LW_JSON);
            }
            if (L.trace[0]) {
                lw_put(&w, ",\"xray_trace_id\":", 17);
                lw_string(&w, L.trace, strlen(L.trace), LW_JSON);
            }
            if (L.corr[0]) {
                lw_put(&w, ",\"correlation_id\":", 18);
                lw_string(&w, L.corr, strlen(L.corr), LW_JSON);
            }
        }
        if (loc[0]) {
            lw_put(&w, ",\"location\":", 12);
            lw_string(&w, loc, strlen(loc), LW_JSON);
        }
        lw_put(&w, ",\"message\":", 11);
        lw_string(&w, msg, strlen(msg), LW_JSON);
    } else {
        lw_put(&w, ts, strlen(ts));
        lw_put(&w, " ", 1);
        lw_put(&w, log_level_name(lvl), strlen(log_level_name(lvl)));
        lw_put(&w, " ", 1);
        if (L.in_inv && L.req[0])
            lw_text(&w, L.req, strlen(L.req), LW_TEXT);
        else
            lw_put(&w, "-", 1);
        lw_put(&w, " ", 1);
        lw_text(&w, msg, strlen(msg), LW_TEXT);
        if (loc[0]) {
            lw_put(&w, " location=", 10);
            lw_put(&w, loc, strlen(loc));
        }
        if (L.in_inv && L.corr[0]) {
            lw_put(&w, " correlation_id=", 16);
            lw_text(&w, L.corr, strlen(L.corr), LW_TEXT);
        }
    }
    for (size_t i = 0; i < nfields && fields[i].type != LOG_FT_END && !w.full; i++)
        fields[i].type == LOG_FT_ERROR ? lw_error(&w, &fields[i], json)
                                       : lw_field(&w, &fields[i], json);
    /* the tail always fits: limit = cap - LOG_TAIL */
    w.reserve = 0;
    w.limit = L.cap;
    bool cut = w.full;
    w.full = false;
    if (json) {
        if (cut)
            lw_put(&w, ",\"truncated\":true", 17);
        lw_put(&w, "}\n", 2);
    } else {
        if (cut)
            lw_put(&w, " truncated=true", 15);
        lw_put(&w, "\n", 1);
    }
    if (lvl < L.min && !L.forcing && !L.sampled) {
        log_buffer_put(L.line, w.len); /* a DEBUG line held for a failing invocation */
        return;
    }
    log_out(L.line, w.len);
}

void log_emit_fields(enum log_level lvl, const char *file, int line, const char *msg,
                     const struct log_field *fields, size_t nfields)
{
    if (!log_enabled(lvl))
        return;
    log_write(file, line, lvl, msg, fields, nfields);
}

#define LOG_VA_FIELDS_MAX 32

static void log_emit_va(enum log_level lvl, const char *file, int line, const char *msg, va_list ap)
{
    struct log_field f[LOG_VA_FIELDS_MAX];
    size_t n = 0;
    for (;;) {
        struct log_field x = va_arg(ap, struct log_field);
        if (x.type == LOG_FT_END)
            break;
        if (n < LOG_VA_FIELDS_MAX)
            f[n++] = x;
    }
    log_write(file, line, lvl, msg, f, n);
}

void log_emit(enum log_level lvl, const char *msg, ...)
{
    if (!log_enabled(lvl))
        return;
    va_list ap;
    va_start(ap, msg);
    log_emit_va(lvl, NULL, 0, msg, ap);
    va_end(ap);
}

void log_emit_at(enum log_level lvl, const char *file, int line, const char *msg, ...)
{
    if (!log_enabled(lvl))
        return;
    va_list ap;
    va_start(ap, msg);
    log_emit_va(lvl, file, line, msg, ap);
    va_end(ap);
}

void log_summary(const struct log_summary *s)
{
    if (!log_enabled(LOG_LEVEL_INFO) || !s)
        return;
    struct log_field f[9];
    size_t n = 0;
    if (s->kind)
        f[n++] = LOG_STR("kind", s->kind);
    if (s->namespace)
        f[n++] = LOG_STR("namespace", s->namespace);
    if (s->name)
        f[n++] = LOG_STR("name", s->name);
    if (s->endpoint_id)
        f[n++] = LOG_STR("endpoint_id", s->endpoint_id);
    if (s->ha_status)
        f[n++] = LOG_INT("ha_status", s->ha_status);
    f[n++] = LOG_UINT("bytes_in", s->bytes_in);
    f[n++] = LOG_UINT("bytes_out", s->bytes_out);
    f[n++] = LOG_UINT("duration_ms", s->duration_ms);
    if (s->error_type)
        f[n++] = LOG_STR("error_type", s->error_type);
    log_write(NULL, 0, LOG_LEVEL_INFO, "invocation", f, n);
}

/* ---- tree redaction ----------------------------------------------------- */

static cJSON *REDACT_MARKER_item(cJSON *old, const char *text)
{
    cJSON *r = cJSON_CreateString(text);
    if (!r)
        return NULL;
    /* keep the member name */
    r->string = old->string;
    r->type |= old->type & cJSON_StringIsConst;
    old->string = NULL;
    return r;
}

/* Redacted copy of a string (malloc'd), or NULL when nothing changes or on
 * allocation failure (*err set). */
static char *log_redact_text(const char *s, int *err)
{
    size_t n = strlen(s);
    struct lw w = {.buf = NULL, .limit = SIZE_MAX};
    lw_text(&w, s, n, LW_RAW); /* first pass counts */
    char *out = malloc(w.len + 1);
    if (!out) {
        *err = -1;
        return NULL;
    }
    size_t need = w.len;
    w = (struct lw){.buf = out, .limit = need};
    lw_text(&w, s, n, LW_RAW);
    out[w.len] = '\0';
    if (w.len == n && memcmp(out, s, n) == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int log_redact_node(cJSON *parent, cJSON *j, int depth)
{
    int rc = 0;
    if (depth > 1000) /* cJSON's own nesting limit */
        return 0;
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        for (cJSON *c = j->child, *next; c; c = next) {
            next = c->next;
            if (cJSON_IsObject(j) && c->string &&
                redact_key_sensitive(c->string, strlen(c->string))) {
                cJSON *r = REDACT_MARKER_item(c, REDACT_MARKER);
                if (!r || !cJSON_ReplaceItemViaPointer(j, c, r))
                    rc = -1;
                continue;
            }
            if (cJSON_IsObject(j) && c->string) { /* a member name may hold a secret */
                char *nk = log_redact_text(c->string, &rc);
                if (nk) {
                    if (!(c->type & cJSON_StringIsConst))
                        cJSON_free(c->string);
                    c->string = nk;
                    c->type &= ~cJSON_StringIsConst;
                }
            }
            if (log_redact_node(j, c, depth + 1) != 0)
                rc = -1;
        }
    } else if (cJSON_IsString(j) && j->valuestring) {
        char *out = log_redact_text(j->valuestring, &rc);
        if (out && !cJSON_SetValuestring(j, out)) {
            /* a reference: replace the node instead */
            cJSON *r = parent ? REDACT_MARKER_item(j, out) : NULL;
            if (!r || !cJSON_ReplaceItemViaPointer(parent, j, r))
                rc = -1;
        }
        free(out);
    }
    return rc;
}

int log_redact_json(cJSON *obj) { return obj ? log_redact_node(NULL, obj, 0) : 0; }

/* ---- event secrets ------------------------------------------------------ */

/* Alexa's own token members (endpoint/payload scope and grantee "token", a Custom
 * skill's user "accessToken", "apiAccessToken", "consentToken"): their values are
 * secrets whatever their length - a 3-byte test token repeated as an endpointId is
 * still a token. A shorter value under any other key that merely looks sensitive
 * ({"x token":"v"}) is left to the key rule: registering it would let any event blank
 * every "v" of every line. */
#define LOG_EVENT_SECRET_MIN 8u

static bool log_alexa_token_key(const char *k)
{
    static const char *const keys[] = {"token", "accessToken", "apiAccessToken", "consentToken"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

static int log_event_walk(const cJSON *j, const char *key, int depth)
{
    int rc = 0;
    if (depth > 1000)
        return 0;
    for (const cJSON *c = j ? j->child : NULL; c; c = c->next) {
        const char *k = cJSON_IsObject(j) ? c->string : NULL;
        bool grant_code = k && key && strcmp(key, "grant") == 0 && strcmp(k, "code") == 0;
        if (cJSON_IsString(c) && c->valuestring && k && c->valuestring[0] &&
            (log_alexa_token_key(k) || grant_code ||
             (redact_key_sensitive(k, strlen(k)) &&
              strlen(c->valuestring) >= LOG_EVENT_SECRET_MIN)))
            rc |= log_add_invocation_secret(c->valuestring);
        else if (cJSON_IsObject(c) || cJSON_IsArray(c))
            rc |= log_event_walk(c, k, depth + 1);
    }
    return rc;
}

/* The secret table lives in redact.c; a refusal is logged here (an ERROR line whose
 * message says why: string fields are redacted from then on). */
static int secret_logged(int rc, const char *why)
{
    if (why)
        log_emit(LOG_LEVEL_ERROR, why, LOG_END);
    return rc;
}

int log_add_secret(const char *value)
{
    const char *why;
    int rc = redact_add_secret(value, false, &why);
    return secret_logged(rc, why);
}

int log_add_invocation_secret(const char *value)
{
    const char *why;
    int rc = redact_add_secret(value, true, &why);
    return secret_logged(rc, why);
}

int log_remove_secret(const char *value) { return redact_remove_secret(value); }

size_t log_redact_copy(char *dst, size_t cap, const char *src, size_t n)
{
    return lw_redact_copy(dst, cap, src, n);
}

int log_add_event_secrets(const cJSON *event) { return log_event_walk(event, NULL, 0) ? -1 : 0; }
