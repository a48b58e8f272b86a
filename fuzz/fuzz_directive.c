/* libFuzzer: the input is an incoming event. cJSON parse, smarthome_directive
 * classification, JWT expiry peek and an ErrorResponse built from it. Oracle
 * (fuzz/oracle.h): the ErrorResponse is strict RFC 8259 JSON in valid UTF-8 with
 * no duplicate member, whatever the event held. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smarthome/alexa_error.h"
#include "smarthome/directive.h"

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (256u << 10))
        return 0;
    cJSON *ev = cJSON_ParseWithLength((const char *)data, size);
    struct sh_directive d;
    sh_directive_inspect(ev, &d);
    if (d.cls == SH_OK && !d.token)
        abort();
    if (d.token)
        (void)jwt_visibly_expired(d.token, 1700000000u);
    enum alexa_error_type t = d.is_accept_grant ? ALEXA_ERR_ACCEPT_GRANT_FAILED
                              : d.cls == SH_OK  ? ALEXA_ERR_BRIDGE_UNREACHABLE
                                                : ALEXA_ERR_INVALID_DIRECTIVE;
    size_t len = 0;
    char *out = alexa_error_response_t(ev, t, d.name ? d.name : "fuzz", &len);
    if (!out)
        abort();
    /* the answer must be strict JSON with the required header fields */
    ORACLE_REQUIRE(oracle_json_strict(out, len), "ErrorResponse is not strict JSON in UTF-8", out,
                   len);
    cJSON *j = cJSON_ParseWithLength(out, len);
    ORACLE_REQUIRE(oracle_json_unique(j), "ErrorResponse has a duplicate member", out, len);
    const cJSON *h =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "event"), "header");
    const cJSON *mid = cJSON_GetObjectItemCaseSensitive(h, "messageId");
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(h, "correlationToken");
    if (!cJSON_IsString(mid) || strlen(mid->valuestring) != 36 ||
        (ct && (!cJSON_IsString(ct) || !ct->valuestring[0])))
        abort();
    cJSON_Delete(j);
    free(out);
    /* raw bytes as a token */
    char tok[512];
    size_t n = size < sizeof tok - 1 ? size : sizeof tok - 1;
    memcpy(tok, data, n);
    tok[n] = 0;
    (void)jwt_visibly_expired(tok, 1700000000u);
    cJSON_Delete(ev);
    return 0;
}
