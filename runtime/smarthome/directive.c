/* directive: see directive.h. */
#include "smarthome/directive.h"

#include <stdlib.h>
#include <string.h>

static const cJSON *obj_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

static const char *str_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

const char *sh_class_name(enum sh_class c)
{
    switch (c) {
    case SH_OK:
        return "ok";
    case SH_NO_DIRECTIVE:
        return "no_directive";
    case SH_MALFORMED:
        return "malformed_directive";
    case SH_BAD_PAYLOAD_VERSION:
        return "bad_payload_version";
    case SH_NO_TOKEN:
        return "no_token";
    case SH_BAD_TOKEN_TYPE:
        return "bad_token_type";
    }
    return "unknown";
}

void sh_directive_inspect(const cJSON *event, struct sh_directive *d)
{
    memset(d, 0, sizeof *d);
    d->directive = obj_item(event, "directive");
    if (!d->directive) {
        d->cls = SH_NO_DIRECTIVE;
        return;
    }
    d->header = obj_item(d->directive, "header");
    d->endpoint = obj_item(d->directive, "endpoint");
    d->payload = obj_item(d->directive, "payload");
    d->namespace_ = str_item(d->header, "namespace");
    d->name = str_item(d->header, "name");
    d->payload_version = str_item(d->header, "payloadVersion");
    d->message_id = str_item(d->header, "messageId");
    d->correlation_token = str_item(d->header, "correlationToken");
    d->endpoint_id = str_item(d->endpoint, "endpointId");
    if (d->namespace_ && d->name) {
        d->is_accept_grant =
            !strcmp(d->namespace_, "Alexa.Authorization") && !strcmp(d->name, "AcceptGrant");
        d->is_discovery = !strcmp(d->namespace_, "Alexa.Discovery") && !strcmp(d->name, "Discover");
    }
    if (!d->header || !d->namespace_ || !d->name) {
        d->cls = SH_MALFORMED;
        return;
    }
    if (!d->payload_version || strcmp(d->payload_version, "3") != 0) {
        d->cls = SH_BAD_PAYLOAD_VERSION;
        return;
    }

    static const struct {
        const char *where, *parent, *key;
    } spots[] = {{"endpoint.scope", "endpoint", "scope"},
                 {"payload.grantee", "payload", "grantee"},
                 {"payload.scope", "payload", "scope"}};
    const cJSON *scope = NULL;
    for (size_t i = 0; i < sizeof spots / sizeof spots[0] && !scope; i++) {
        scope = obj_item(obj_item(d->directive, spots[i].parent), spots[i].key);
        if (scope)
            d->token_source = spots[i].where;
    }
    if (!scope) {
        d->cls = SH_NO_TOKEN;
        return;
    }
    const char *type = str_item(scope, "type");
    if (!type || strcmp(type, "BearerToken") != 0) {
        d->cls = SH_BAD_TOKEN_TYPE;
        return;
    }
    const char *tok = str_item(scope, "token");
    if (!tok || !tok[0] || strnlen(tok, SH_TOKEN_MAX + 1) > SH_TOKEN_MAX) {
        d->cls = SH_NO_TOKEN;
        return;
    }
    d->token = tok;
    d->cls = SH_OK;
}

static int b64url_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

#define JWT_PAYLOAD_MAX 4096 /* encoded bytes of the payload part we accept */

bool jwt_visibly_expired(const char *token, uint64_t now_epoch_s)
{
    if (!token)
        return false;
    const char *p = strchr(token, '.');
    if (!p)
        return false;
    p++;
    const char *e = strchr(p, '.');
    if (!e || e == p || (size_t)(e - p) > JWT_PAYLOAD_MAX)
        return false;
    size_t n = (size_t)(e - p);
    while (n && p[n - 1] == '=')
        n--;
    unsigned char buf[JWT_PAYLOAD_MAX / 4 * 3 + 4];
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_val((unsigned char)p[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    cJSON *j = cJSON_ParseWithLength((const char *)buf, o);
    if (!j)
        return false;
    bool expired = false;
    const cJSON *exp = cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "exp") : NULL;
    if (cJSON_IsNumber(exp) && exp->valuedouble > 0 && exp->valuedouble < 1e15)
        expired = (uint64_t)exp->valuedouble <= now_epoch_s;
    cJSON_Delete(j);
    return expired;
}
