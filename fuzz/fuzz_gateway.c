/* libFuzzer over the bootstrap's event path, without network: the input is one
 * Runtime API event body. Same steps as app_invoke():
 *   jsonguard_parse with the limits compiled from examples/leec.yaml (tier standard:
 *   lambda.max_event 128 KiB, security.max_json_depth 32, max_json_nodes 40000)
 *   -> gateway_classify -> sh_directive_inspect -> alexa_error_response on the result.
 * Links leec_rt, which never includes the compiled tables (only core/bind.c,
 * linked into bootstrap, reads them).
 * Invariants checked (abort on violation): a parsed tree respects the depth and
 * node caps; the kind agrees with the event's shape; the ErrorResponse is valid
 * JSON with namespace/name/messageId/payloadVersion and the requested type, and
 * echoes the correlation token only when the event carries a usable one; it is
 * strict RFC 8259 JSON in valid UTF-8 with no duplicate member (fuzz/oracle.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/alexa_error.h"
#include "core/gateway.h"
#include "base/jsonguard.h"
#include "smarthome/directive.h"

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct jsonguard_limits limits = {
    .max_bytes = 128u * 1024u,
    .max_depth = 32,
    .max_nodes = 40000,
};

static size_t count_nodes(const cJSON *n, size_t depth, size_t *max_depth)
{
    size_t total = 0;
    for (; n; n = n->next) {
        total++;
        if (depth > *max_depth)
            *max_depth = depth;
        if (cJSON_IsArray(n) || cJSON_IsObject(n)) {
            if (depth + 1 > *max_depth)
                *max_depth = depth + 1;
            total += count_nodes(n->child, depth + 1, max_depth);
        }
    }
    return total;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonguard_error jerr;
    cJSON *ev = jsonguard_parse((const char *)data, size, &limits, &jerr);
    if (!ev) {
        if (jerr.kind == JSONGUARD_OK || jerr.kind == JSONGUARD_BAD_LIMITS || !jerr.msg[0])
            abort();
        if (size <= limits.max_bytes && jerr.kind == JSONGUARD_TOO_LARGE)
            abort();
    } else {
        if (size > limits.max_bytes)
            abort();
        size_t depth = 0;
        /* the root counts as depth 0 here; containers add one level each */
        size_t nodes = count_nodes(ev, 0, &depth);
        if (depth > limits.max_depth || nodes > limits.max_nodes + 1)
            abort();
    }

    enum event_kind kind = gateway_classify(ev);
    switch (kind) {
    case EV_HEALTH:
        if (!cJSON_IsTrue(get(ev, "health_check")))
            abort();
        break;
    case EV_SMART_HOME:
        if (!cJSON_IsObject(get(ev, "directive")))
            abort();
        break;
    case EV_CUSTOM_SKILL:
        if (!cJSON_IsObject(get(ev, "request")) || !cJSON_IsString(get(ev, "version")))
            abort();
        break;
    case EV_UNKNOWN:
        if (cJSON_IsObject(ev) &&
            (cJSON_IsTrue(get(ev, "health_check")) || cJSON_IsObject(get(ev, "directive"))))
            abort();
        break;
    default:
        abort();
    }

    struct sh_directive d;
    sh_directive_inspect(ev, &d);
    if (d.cls == SH_OK && (kind != EV_SMART_HOME || !d.namespace_ || !d.name || !d.token))
        abort();
    if (kind != EV_SMART_HOME && d.cls != SH_NO_DIRECTIVE)
        abort();

    /* the answer the Smart Home handler would give on a failure */
    const char *ns = "Alexa", *type = "INVALID_DIRECTIVE";
    if (d.is_accept_grant) {
        ns = "Alexa.Authorization";
        type = "ACCEPT_GRANT_FAILED";
    } else if (d.cls == SH_OK) {
        type = "BRIDGE_UNREACHABLE";
    } else if (d.cls == SH_NO_TOKEN || d.cls == SH_BAD_TOKEN_TYPE) {
        type = "INVALID_AUTHORIZATION_CREDENTIAL";
    }
    size_t len = 0;
    char *out = alexa_error_response(ev, ns, type, d.name ? d.name : sh_class_name(d.cls), &len);
    if (!out || len != strlen(out))
        abort();
    ORACLE_REQUIRE(oracle_json_strict(out, len), "ErrorResponse is not strict JSON in UTF-8", out,
                   len);
    cJSON *j = cJSON_ParseWithLength(out, len);
    ORACLE_REQUIRE(oracle_json_unique(j), "ErrorResponse has a duplicate member", out, len);
    const cJSON *e = get(j, "event");
    const cJSON *h = get(e, "header");
    const cJSON *p = get(e, "payload");
    const cJSON *mid = get(h, "messageId");
    const cJSON *ct = get(h, "correlationToken");
    const cJSON *pt = get(p, "type");
    if (!j || !cJSON_IsString(get(h, "namespace")) || !cJSON_IsString(get(h, "name")) ||
        strcmp(get(h, "name")->valuestring, "ErrorResponse") != 0 || !cJSON_IsString(mid) ||
        strlen(mid->valuestring) != 36 || !cJSON_IsString(get(h, "payloadVersion")) ||
        !cJSON_IsString(pt) || strcmp(pt->valuestring, type) != 0)
        abort();
    if (ct) {
        const cJSON *in = get(get(get(ev, "directive"), "header"), "correlationToken");
        if (!cJSON_IsString(ct) || !ct->valuestring[0] || !cJSON_IsString(in) ||
            strcmp(in->valuestring, ct->valuestring) != 0)
            abort();
    }
    cJSON_Delete(j);
    free(out);
    cJSON_Delete(ev);
    return 0;
}
