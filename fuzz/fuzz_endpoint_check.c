/* libFuzzer: smarthome/endpoint_check over a Discover.Response. The input is Home
 * Assistant's reply (a JSON object), or a JSON array taken as its endpoints list. The
 * checker runs on the parsed tree (a strict one: the proxy only checks replies that
 * passed jsonguard_strict), and the result is printed as the proxy prints it.
 *
 * Oracle, the schema's endpoint shape written here independently of the checker's
 * tables (fuzz/oracle.h for the JSON checks):
 *   - never more endpoints out than in; in = out + dropped; at most 300 out;
 *   - exactly one WARN line per dropped endpoint, each naming a rule;
 *   - the printed answer is strict RFC 8259 JSON with no duplicate member;
 *   - every endpoint left: an object with endpointId (1..256 characters of
 *     [a-zA-Z0-9_-=#;:?@&]), manufacturerName, friendlyName and description (strings of
 *     1..128 characters), a non-empty displayCategories array of distinct strings, a
 *     non-empty capabilities array of objects each with string interface and type and a
 *     string or number version, a cookie (when present) of string values only; no two
 *     endpoints with one id;
 *   - checking the answer again drops nothing (the check is idempotent);
 *   - nothing is dropped when the tree is not a Discover.Response / AddOrUpdateReport. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonguard.h"
#include "base/log.h"
#include "smarthome/endpoint_check.h"

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool str_len(const cJSON *o, const char *k, size_t lo, size_t hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    size_t n = chars(v->valuestring);
    return n >= lo && n <= hi;
}

static bool id_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("_-=#;:?@&", *s)))
            return false;
    return true;
}

static bool shaped(const cJSON *ep)
{
    if (!cJSON_IsObject(ep) || !str_len(ep, "endpointId", 1, 256) ||
        !id_ok(cJSON_GetObjectItemCaseSensitive(ep, "endpointId")->valuestring) ||
        !str_len(ep, "manufacturerName", 1, 128) || !str_len(ep, "friendlyName", 1, 128) ||
        !str_len(ep, "description", 1, 128))
        return false;
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(ep, "displayCategories");
    if (!cJSON_IsArray(cats) || !cats->child)
        return false;
    for (const cJSON *c = cats->child; c; c = c->next) {
        if (!cJSON_IsString(c))
            return false;
        for (const cJSON *d = c->next; d; d = d->next)
            if (cJSON_IsString(d) && !strcmp(c->valuestring, d->valuestring))
                return false;
    }
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(ep, "capabilities");
    if (!cJSON_IsArray(caps) || !caps->child)
        return false;
    for (const cJSON *c = caps->child; c; c = c->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "version");
        if (!cJSON_IsObject(c) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "type")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "interface")) ||
            !(cJSON_IsString(v) || cJSON_IsNumber(v)))
            return false;
    }
    const cJSON *cookie = cJSON_GetObjectItemCaseSensitive(ep, "cookie");
    if (cookie) {
        if (!cJSON_IsObject(cookie))
            return false;
        for (const cJSON *c = cookie->child; c; c = c->next)
            if (!cJSON_IsString(c))
                return false;
    }
    return true;
}

static size_t count_warns(const char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = out; p && p < out + len; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, "{\"level\":\"WARN\"", 15)) {
            const char *nl = memchr(p, '\n', (size_t)(out + len - p));
            ORACLE_REQUIRE(nl && memmem(p, (size_t)(nl - p), "\"rule\":\"", 8),
                           "a WARN line names no rule", p, nl ? (size_t)(nl - p) : 0);
            n++;
        }
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct jsonguard_error jerr;
    if (jsonguard_strict((const char *)data, size, &jerr) != 0)
        return 0;
    cJSON *in = cJSON_ParseWithLength((const char *)data, size);
    if (!in || jsonguard_duplicate_key(in, &jerr) != 0) {
        cJSON_Delete(in);
        return 0;
    }
    cJSON *reply = in;
    if (cJSON_IsArray(in)) { /* the endpoints list of a Discover.Response */
        reply = cJSON_Parse("{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":"
                            "\"Discover.Response\",\"payloadVersion\":\"3\",\"messageId\":"
                            "\"m\"},\"payload\":{}}}");
        if (!reply) {
            cJSON_Delete(in);
            return 0;
        }
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(reply, "event"), "payload"),
                              "endpoints", in);
    }
    cJSON *eps = endpoint_check_endpoints(reply);
    size_t before = eps ? (size_t)cJSON_GetArraySize(eps) : 0;

    char *logs = NULL;
    size_t loglen = 0;
    FILE *mem = open_memstream(&logs, &loglen);
    if (!mem) {
        cJSON_Delete(reply);
        return 0;
    }
    log_shutdown();
    log_set_output(mem);
    cJSON *copy = eps ? NULL : cJSON_Duplicate(reply, 1);
    size_t dropped = endpoint_check_reply(reply);
    log_set_output(NULL);
    fclose(mem);

    char *txt = cJSON_PrintUnformatted(reply);
    size_t tl = txt ? strlen(txt) : 0;
    if (!eps) {
        /* compared as printed: cJSON_Compare finds an overflowing number (inf) unequal to
         * itself */
        char *before_txt = copy ? cJSON_PrintUnformatted(copy) : NULL;
        ORACLE_REQUIRE(dropped == 0 && (!copy || !before_txt || !txt || !strcmp(before_txt, txt)),
                       "a reply that is not a discovery was changed", txt, tl);
        free(before_txt);
    } else {
        size_t after = (size_t)cJSON_GetArraySize(eps);
        ORACLE_REQUIRE(after <= before && after + dropped == before,
                       "endpoints in != endpoints out + dropped", txt, tl);
        ORACLE_REQUIRE(after <= 300, "more than 300 endpoints kept", txt, tl);
        ORACLE_REQUIRE(count_warns(logs, loglen) == dropped, "not one WARN per dropped endpoint",
                       logs, loglen);
        ORACLE_REQUIRE(txt && oracle_json_strict(txt, tl), "the answer is not strict JSON", txt,
                       tl);
        cJSON *again = cJSON_ParseWithLength(txt, tl);
        ORACLE_REQUIRE(again && oracle_json_unique(again), "the answer has a duplicate member", txt,
                       tl);
        for (const cJSON *e = eps->child; e; e = e->next) {
            ORACLE_REQUIRE(shaped(e), "a kept endpoint is not schema-shaped", txt, tl);
            for (const cJSON *f = e->next; f; f = f->next)
                ORACLE_REQUIRE(strcmp(cJSON_GetObjectItem(e, "endpointId")->valuestring,
                                      cJSON_GetObjectItem(f, "endpointId")->valuestring),
                               "two kept endpoints share an id", txt, tl);
        }
        ORACLE_REQUIRE(endpoint_check_reply(again) == 0, "checking the answer again drops one", txt,
                       tl);
        cJSON_Delete(again);
    }
    free(logs);
    free(txt);
    cJSON_Delete(copy);
    cJSON_Delete(reply);
    log_shutdown();
    return 0;
}
