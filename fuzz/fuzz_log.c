/* libFuzzer: base/log.c + base/redact.c. The input gives 1-3 secrets and the
 * text around them; the target registers the secrets (process and invocation
 * tables), then logs them in assorted placements - the message, field values,
 * field keys, key-like text ("<s> token":"x", "token":"<s>", Bearer <s>), a JSON
 * tree (member names, values, nested), the request id, and long values the line
 * cap cuts - in JSON and Text, at every level, with assorted line caps.
 *
 * Oracle, for every line written:
 *   - no registered secret appears: not in the raw bytes and not in any decoded
 *     string (JSON: every member name and string value after unescaping; Text: the
 *     line after undoing the writer's escapes);
 *   - valid UTF-8 (base/utf8), exactly one '\n', at its end;
 *   - at most line_cap bytes, newline included;
 *   - JSON: exactly one JSON object, parsed by cJSON over the whole line and strict
 *     RFC 8259 (oracle_json_strict: the oracle's scanner and, when linked,
 *     base/jsonguard's jsonguard_strict).
 * Placements that need the redaction of issue 12 item 2 (key-like text around a
 * secret: quotes in the surrounding text, a secret holding a sensitive word such as
 * "cookie" printed as a JSON member name; text cut before redaction: a 96-byte key,
 * the 64-byte request id, a caller's cut) are made only when that redaction is
 * linked (log_redact_copy present: the strong mode); the others always. A secret is
 * "tok-" plus 4..120 input bytes without NUL, '[' or ']' (so no secret is part of
 * the line's fixed text or of the "[REDACTED]" marker). An event registered with
 * log_add_event_secrets adds a token of 1..7 bytes that is also its endpointId and
 * userId and is logged in ordinary fields: it must not appear in any line either. A
 * secret may be the correlation id (on every line); with level DEBUG and a control bit
 * the logger runs at INFO with a DEBUG buffer of 1.5 line caps (sampling 0.25 with
 * another), and the held lines, written when the invocation fails, meet the same
 * oracle. */
#include "base/log.h"
#include "base/redact.h"
#include "base/utf8.h"

#include "oracle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* issue 12 item 2's redaction (branch hostile): weak, NULL until it is linked */
size_t log_redact_copy(char *dst, size_t cap, const char *src, size_t n) __attribute__((weak));

#define NSEC_MAX 3

/* + a forbidden prefix (the caller's cut) + the event's short token */
static char secrets[NSEC_MAX + 2][128];
static size_t nsecrets, nforbidden;
static size_t line_cap;

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return false;
    for (size_t i = 0; i + k <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static void no_secret(const char *s, size_t n, const char *line, size_t len, const char *where)
{
    for (size_t i = 0; i < nforbidden; i++)
        if (contains(s, n, secrets[i])) {
            fprintf(stderr, "secret %zu (", i);
            for (const char *c = secrets[i]; *c; c++)
                fprintf(stderr, "%02X", (unsigned char)*c);
            fprintf(stderr, ") in %s\n", where);
            oracle_fail("a registered secret is in a log line", line, len);
        }
}

static void walk_strings(const cJSON *j, const char *line, size_t len, int depth)
{
    for (const cJSON *c = j ? j->child : NULL; c && depth < 64; c = c->next) {
        if (c->string)
            no_secret(c->string, strlen(c->string), line, len, "a member name");
        if (cJSON_IsString(c))
            no_secret(c->valuestring, strlen(c->valuestring), line, len, "a string value");
        walk_strings(c, line, len, depth + 1);
    }
}

/* The Text writer's escapes undone: \" \\ \n \r \t \xNN; then, for a JSON field's
 * text (cJSON's escapes inside it), \\uNNNN of a byte below 0x80 too. */
static size_t text_unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            if (e == 'n')
                out[o++] = '\n';
            else if (e == 'r')
                out[o++] = '\r';
            else if (e == 't')
                out[o++] = '\t';
            else if (e == 'x' && i + 2 < n) {
                char hex[3] = {s[i + 1], s[i + 2], 0};
                out[o++] = (char)strtol(hex, NULL, 16);
                i += 2;
            } else
                out[o++] = e;
        } else {
            out[o++] = s[i];
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < o; i++) {
        if (out[i] == '\\' && i + 5 < o && out[i + 1] == 'u' && out[i + 2] == '0' &&
            out[i + 3] == '0' && out[i + 4] >= '0' && out[i + 4] <= '7') {
            char hex[3] = {out[i + 4], out[i + 5], 0};
            out[k++] = (char)strtol(hex, NULL, 16);
            i += 5;
        } else {
            out[k++] = out[i];
        }
    }
    return k;
}

static void check_line(const char *line, size_t len, bool json)
{
    ORACLE_REQUIRE(len >= 1 && line[len - 1] == '\n', "a line does not end with a newline", line,
                   len);
    ORACLE_REQUIRE(!memchr(line, '\n', len - 1), "a newline inside a line", line, len);
    ORACLE_REQUIRE(len <= line_cap, "the line cap is not held", line, len);
    ORACLE_REQUIRE(utf8_valid(line, len), "a line is not valid UTF-8", line, len);
    no_secret(line, len, line, len, "the raw line");
    if (json) {
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(line, len - 1, &end, false);
        ORACLE_REQUIRE(j && cJSON_IsObject(j) && end == line + len - 1,
                       "a JSON line is not exactly one JSON object", line, len);
        ORACLE_REQUIRE(oracle_json_strict(line, len - 1), "a JSON line is not strict RFC 8259",
                       line, len);
        walk_strings(j, line, len, 0);
        cJSON_Delete(j);
    } else {
        char *plain = malloc(len);
        size_t n = text_unescape(line, len, plain);
        no_secret(plain, n, line, len, "the unescaped Text line");
        free(plain);
    }
}

static void check_output(char *buf, size_t len, bool json)
{
    size_t i = 0;
    while (i < len) {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        check_line(buf + i, end - i, json);
        i = end;
    }
}

struct input {
    const uint8_t *p;
    size_t n;
};

static uint8_t take_byte(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* The next chunk of text: up to the next 0xFF byte (or the end), at most max. */
static size_t take_text(struct input *in, char *out, size_t max)
{
    size_t k = 0;
    while (in->n && *in->p != 0xFF && k < max) {
        out[k++] = (char)*in->p;
        in->p++;
        in->n--;
    }
    if (in->n && *in->p == 0xFF) {
        in->p++;
        in->n--;
    }
    out[k] = '\0';
    return k;
}

/* Filler that shares no byte with any secret's first byte ('t'). */
static void fill(char *dst, size_t n, char c)
{
    memset(dst, c, n);
    dst[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    struct input in = {data, size};
    uint8_t ctl = take_byte(&in), ctl2 = take_byte(&in);
    bool json = (ctl & 1) == 0;
    static const size_t caps[] = {LOG_LINE_MIN, 600, 1024, 4096};
    line_cap = caps[(ctl >> 1) & 3];
    enum log_level lvl = (enum log_level)((ctl >> 3) % 6);
    bool strong = log_redact_copy != NULL;

    char *out = NULL;
    size_t outlen = 0;
    FILE *mem = open_memstream(&out, &outlen);
    if (!mem)
        return 0;
    log_shutdown();
    log_set_output(mem);
    /* DEBUG lines held in the DEBUG buffer (level INFO), some invocations sampled, and
     * the held lines written when the invocation fails: they meet the same oracle */
    bool buffered = lvl == LOG_LEVEL_DEBUG && (ctl2 & 0x80);
    struct log_settings st = {.service = "fuzz",
                              .function_name = (ctl & 0x40) ? "fn" : NULL,
                              .function_version = (ctl & 0x80) ? "1" : NULL,
                              .min_level = buffered ? LOG_LEVEL_INFO : LOG_LEVEL_TRACE,
                              .format = json ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT,
                              .line_cap = line_cap,
                              .caller_info = (ctl2 & 1) != 0,
                              .sample_rate = (ctl & 0x40) ? 0.25 : 0,
                              .debug_buffer = buffered ? 3 * line_cap / 2 : 0};
    if (log_init(&st) != 0)
        abort();

    /* the secrets */
    nsecrets = 1 + (ctl2 >> 1) % NSEC_MAX;
    size_t got = 0;
    for (size_t i = 0; i < nsecrets; i++) {
        char raw[121];
        size_t k = take_text(&in, raw, 120);
        if (k < 4 || strlen(raw) != k || strchr(raw, '[') || strchr(raw, ']'))
            continue;
        if (!strong && (strchr(raw, '"') || redact_key_sensitive(raw, k)))
            continue; /* key-like text around a secret: the strong mode only */
        snprintf(secrets[got], sizeof secrets[got], "tok-%s", raw);
        got++;
    }
    nsecrets = nforbidden = got;
    if (!nsecrets) {
        log_set_output(NULL);
        fclose(mem);
        free(out);
        log_shutdown();
        return 0;
    }
    log_begin_invocation(strong && (ctl2 & 0x10) ? secrets[0] : "req-1",
                         strong && (ctl2 & 0x20) ? secrets[nsecrets - 1] : NULL,
                         (ctl2 & 0x40) != 0);
    /* an event whose token is 1..7 bytes and is also its endpointId, a slot value and a
     * userId: registered before any line, it must not appear in any line, whatever its
     * length. Its alphabet is absent from the lines' fixed text and from the other
     * secrets' first byte ('t'), so the oracle's substring check is exact. */
    char shorttok[8];
    size_t nshort = 1 + take_byte(&in) % 7;
    for (size_t i = 0; i < nshort; i++)
        shorttok[i] = "#%&*^|`~"[take_byte(&in) & 7];
    shorttok[nshort] = '\0';
    cJSON *ev = cJSON_CreateObject();
    cJSON *scope = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(ev, "directive"), "endpoint"), "scope");
    cJSON_AddStringToObject(scope, "type", "BearerToken");
    cJSON_AddStringToObject(scope, "token", shorttok);
    cJSON_AddStringToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "directive"), "endpoint"),
                            "endpointId", shorttok);
    cJSON *user = cJSON_AddObjectToObject(cJSON_AddObjectToObject(ev, "session"), "user");
    cJSON_AddStringToObject(user, "userId", shorttok);
    cJSON_AddStringToObject(user, "accessToken", shorttok);
    if (ev && log_add_event_secrets(ev) != 0)
        abort();
    snprintf(secrets[nforbidden++], sizeof secrets[0], "%s", shorttok);
    /* the correlation id is written on every line: a secret there is redacted too */
    log_set_correlation_id((ctl2 & 0x08) ? secrets[nsecrets - 1] : "corr-1");
    for (size_t i = 0; i < nsecrets; i++) {
        int rc =
            (i + ctl2) & 1 ? log_add_invocation_secret(secrets[i]) : log_add_secret(secrets[i]);
        if (rc != 0)
            abort();
    }

    /* the text around them */
    char around[512];
    size_t na = take_text(&in, around, sizeof around - 1);
    if (!strong) /* no quote: no "key":"value" text can wrap a secret (the strong mode) */
        for (size_t i = 0; i < na; i++)
            if (around[i] == '"')
                around[i] = '\'';
    const char *s = secrets[ctl2 % nsecrets];
    const char *s2 = secrets[(ctl2 + 1u) % nsecrets];
    char buf[2048], key[256], pad[1200];

    /* message and values */
    snprintf(buf, sizeof buf, "%s%s%s", around, s, around);
    LOG_AT(lvl, buf, LOG_STR("value", buf), LOG_STRN("n", buf, strlen(buf)));
    snprintf(buf, sizeof buf, "%s %s|%s%s", s, s2, s2, s);
    LOG_AT(lvl, "adjacent", LOG_STR("v", buf), LOG_INT("i", ctl), LOG_BOOL("b", json));
    /* keys: short ones; a long one (the key is cut at 96 bytes) with the strong check */
    snprintf(key, sizeof key, "k%s", s);
    if (strlen(key) < 90 || strong)
        LOG_AT(lvl, "key", LOG_STR(key, around), LOG_STR("after", s2));
    /* key-like text in a value; a secret right after the scheme may hold bytes outside
     * the Bearer alphabet ("Bearer tok?rest": the whole secret must go) */
    snprintf(buf, sizeof buf, "{\"token\":\"%s\",\"x\":\"%s\"} Bearer %s, Basic %s", s, around, s2,
             s);
    LOG_AT(lvl, "kv", LOG_STR("body", buf));
    if (strong) {
        snprintf(buf, sizeof buf, "\"%s token\":\"x\" \"%s\":\"%s\" \"a%s\" : \"b\"", s, around, s2,
                 s);
        LOG_AT(lvl, "keylike", LOG_STR("applicationId", buf));
    }
    /* a JSON tree: names, values, nested */
    cJSON *j = cJSON_CreateObject();
    /* a secret as a member name, also one cJSON escapes (control byte, '"', '\\') */
    cJSON_AddStringToObject(j, s, "value");
    cJSON_AddStringToObject(j, "v", s2);
    cJSON *arr = cJSON_AddArrayToObject(j, "a");
    cJSON_AddItemToArray(arr, cJSON_CreateString(buf));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, around, s);
    cJSON_AddItemToArray(arr, o);
    cJSON_AddStringToObject(j, "accessToken", around);
    LOG_AT(lvl, "json", LOG_JSON("event", j));
    cJSON_Delete(j);
    /* long values the line cap cuts: the secret straddles the cut at each offset */
    size_t base = line_cap > 200 ? line_cap - 200 : 0;
    size_t shift = (size_t)take_byte(&in) % 200;
    size_t padn = base + shift < sizeof pad - 1 ? base + shift : sizeof pad - 1;
    fill(pad, padn, '.');
    snprintf(buf, sizeof buf, "%s%s%s", pad, s, pad);
    LOG_AT(lvl, "long", LOG_STR("payload", buf));
    LOG_AT(lvl, buf, LOG_STR("payload", buf), LOG_STR("more", s2));
    /* the event and its short token in ordinary fields */
    LOG_AT(lvl, "event", LOG_JSON("event", ev), LOG_STR("endpoint_id", shorttok));
    snprintf(buf, sizeof buf, "slot %s%s%s", around, shorttok, around);
    LOG_AT(lvl, buf, LOG_STR("slot", buf));
    cJSON_Delete(ev);
    /* a caller's cut (%.Ns) inside the secret: only the prefix reaches the log */
    if (strong) {
        int cut = (int)(strlen(s) - 1);
        snprintf(buf, sizeof buf, "error from HA: %s%.*s", around, cut, s);
        /* that prefix must not be shown either (unless the input wrote it elsewhere) */
        snprintf(secrets[nforbidden], sizeof secrets[nforbidden], "%.*s", cut, s);
        if (!strstr(around, secrets[nforbidden]))
            nforbidden++;
        LOG_AT(lvl, "cut", LOG_STR("detail", buf));
    }
    struct log_summary sum = {.kind = "smart_home",
                              .namespace = "Alexa",
                              .name = s,
                              .endpoint_id = s2,
                              .ha_status = 200,
                              .error_type = around[0] ? around : NULL};
    log_summary(&sum);
    if (ctl2 & 0x40)
        log_invocation_failed(); /* the held DEBUG lines are written */
    log_end_invocation();

    log_set_output(NULL);
    fclose(mem);
    check_output(out, outlen, json);
    free(out);
    log_shutdown();
    return 0;
}
