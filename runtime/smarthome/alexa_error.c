/* alexa_error: see alexa_error.h. */
#include "smarthome/alexa_error.h"

#include "base/hex.h"
#include "base/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

struct err_def {
    const char *name;
    const char *ns;
};

static const struct err_def err_defs[ALEXA_ERR_COUNT] = {
#define ALEXA_ERR_DEF_(n, ns) {#n, ns},
    ALEXA_ERROR_TYPES(ALEXA_ERR_DEF_)
#undef ALEXA_ERR_DEF_
};

const char *alexa_error_type_name(enum alexa_error_type t)
{
    return (unsigned)t < ALEXA_ERR_COUNT ? err_defs[t].name : "INTERNAL_ERROR";
}

const char *alexa_error_type_namespace(enum alexa_error_type t)
{
    return (unsigned)t < ALEXA_ERR_COUNT ? err_defs[t].ns : "Alexa";
}

int alexa_error_type_lookup(const char *namespace_, const char *type)
{
    if (!namespace_ || !type)
        return -1;
    for (int i = 0; i < ALEXA_ERR_COUNT; i++)
        if (strcmp(err_defs[i].name, type) == 0 && strcmp(err_defs[i].ns, namespace_) == 0)
            return i;
    return -1;
}

static void fill_random(unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (size_t)r;
    }
    if (got == n)
        return;
    /* getrandom unavailable (seccomp, old kernel): /dev/urandom, then a clock
   * mix as the last resort (uniqueness matters here, not secrecy). */
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        while (got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
    }
    if (got == n)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
                 ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&ts;
    for (size_t i = got; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)(x >> 24);
    }
}

void alexa_uuid4(char out[37])
{
    unsigned char b[16];
    fill_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const unsigned char groups[] = {4, 2, 2, 2, 6}; /* 8-4-4-4-12 digits */
    char *o = out;
    const unsigned char *p = b;
    for (size_t g = 0; g < sizeof groups; g++) {
        if (g)
            *o++ = '-';
        o = hex_put(o, p, groups[g]);
        p += groups[g];
    }
    *o = '\0';
}

bool alexa_utf8_valid(const char *s, size_t n) { return utf8_valid(s, n); }

/* Copies msg into out (cap bytes incl. NUL): cut at a character boundary,
 * invalid bytes become '?'. */
static void sanitize_message(const char *msg, char *out, size_t cap)
{
    const unsigned char *u = (const unsigned char *)(msg ? msg : "");
    size_t n = strlen((const char *)u), i = 0, o = 0;
    while (i < n) {
        size_t l = utf8_seq_len(u + i, n - i);
        if (!l) {
            if (o + 1 >= cap)
                break;
            out[o++] = '?';
            i++;
            continue;
        }
        if (o + l >= cap)
            break;
        memcpy(out + o, u + i, l);
        o += l;
        i += l;
    }
    out[o] = '\0';
}

static bool endpoint_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > 256)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_-=#;:?@&", c)))
            return false;
    }
    return true;
}

static const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool add_str(cJSON *obj, const char *key, const char *val)
{
    return cJSON_AddStringToObject(obj, key, val) != NULL;
}

/* Echo endpoint {endpointId, scope} into ev. Returns false on OOM only. */
static bool echo_endpoint(cJSON *ev, const cJSON *dir)
{
    const cJSON *ep =
        cJSON_IsObject(dir) ? cJSON_GetObjectItemCaseSensitive(dir, "endpoint") : NULL;
    const char *id = json_str(ep, "endpointId");
    if (!id || !endpoint_id_ok(id))
        return true;
    cJSON *out = cJSON_AddObjectToObject(ev, "endpoint");
    if (!out)
        return false;
    const cJSON *scope = cJSON_GetObjectItemCaseSensitive(ep, "scope");
    const char *stype = json_str(scope, "type");
    const char *tok = json_str(scope, "token");
    if (stype && tok && strcmp(stype, "BearerToken") == 0 && tok[0] &&
        alexa_utf8_valid(tok, strlen(tok))) {
        cJSON *s = cJSON_AddObjectToObject(out, "scope");
        if (!s || !add_str(s, "type", "BearerToken") || !add_str(s, "token", tok))
            return false;
    }
    return add_str(out, "endpointId", id);
}

char *alexa_error_response(const cJSON *directive_event, const char *namespace_, const char *type,
                           const char *message, size_t *len)
{
    char msgbuf[ALEXA_ERROR_MESSAGE_MAX + 1];
    int t = alexa_error_type_lookup(namespace_, type);
    if (t < 0) {
        t = ALEXA_ERR_INTERNAL_ERROR;
        message = "unsupported error type";
    }
    sanitize_message(message, msgbuf, sizeof msgbuf);

    const cJSON *dir = cJSON_IsObject(directive_event)
                           ? cJSON_GetObjectItemCaseSensitive(directive_event, "directive")
                           : NULL;
    const cJSON *hdr = cJSON_IsObject(dir) ? cJSON_GetObjectItemCaseSensitive(dir, "header") : NULL;
    const char *corr = json_str(hdr, "correlationToken");
    if (corr) {
        size_t cl = strnlen(corr, ALEXA_CORRELATION_TOKEN_MAX + 1);
        if (cl == 0 || cl > ALEXA_CORRELATION_TOKEN_MAX || !alexa_utf8_valid(corr, cl))
            corr = NULL;
    }

    char uuid[37];
    alexa_uuid4(uuid);
    char *text = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *ev = root ? cJSON_AddObjectToObject(root, "event") : NULL;
    cJSON *h = ev ? cJSON_AddObjectToObject(ev, "header") : NULL;
    if (!h || !add_str(h, "namespace", err_defs[t].ns) || !add_str(h, "name", "ErrorResponse") ||
        !add_str(h, "messageId", uuid) || (corr && !add_str(h, "correlationToken", corr)) ||
        !add_str(h, "payloadVersion", "3") || !echo_endpoint(ev, dir))
        goto out;
    cJSON *p = cJSON_AddObjectToObject(ev, "payload");
    if (!p || !add_str(p, "type", err_defs[t].name) || !add_str(p, "message", msgbuf))
        goto out;
    text = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    if (len)
        *len = text ? strlen(text) : 0;
    return text;
}

char *alexa_error_response_t(const cJSON *directive_event, enum alexa_error_type t,
                             const char *message, size_t *len)
{
    return alexa_error_response(directive_event, alexa_error_type_namespace(t),
                                alexa_error_type_name(t), message, len);
}
