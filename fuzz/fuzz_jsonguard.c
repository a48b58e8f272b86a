/* libFuzzer: jsonguard_parse on arbitrary bytes with small caps. Must not
 * crash, read past the input (libFuzzer's buffer is exactly size bytes) or
 * leak; a tree it returns must respect the caps. Oracle: a strict RFC 8259 text
 * (fuzz/oracle.h; also cross-checked with jsonguard_strict when linked) within the
 * caps is never a syntax error. */
#include "base/jsonguard.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t fuzz_depth(const cJSON *j)
{
    size_t d = 0;
    for (const cJSON *c = j ? j->child : NULL; c; c = c->next) {
        size_t cd = fuzz_depth(c);
        if (cd > d)
            d = cd;
    }
    return (cJSON_IsArray(j) || cJSON_IsObject(j)) ? d + 1 : d;
}

static size_t fuzz_nodes(const cJSON *j)
{
    size_t n = 1;
    for (const cJSON *c = j->child; c; c = c->next)
        n += fuzz_nodes(c);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct jsonguard_limits lim = {
        .max_bytes = 4096, .max_depth = 16, .max_nodes = 256};
    struct jsonguard_error err;
    cJSON *j = jsonguard_parse((const char *)data, size, &lim, &err);
    bool parsed = j != NULL;
    if (j) {
        if (fuzz_depth(j) > lim.max_depth || fuzz_nodes(j) > lim.max_nodes)
            abort();
        cJSON_Delete(j);
    } else if (err.kind == JSONGUARD_OK || err.msg[0] == '\0') {
        abort(); /* every failure explains itself */
    }
    bool strict = oracle_json_strict((const char *)data, size);
    ORACLE_REQUIRE(!strict || parsed || err.kind != JSONGUARD_SYNTAX,
                   "a strict JSON text is refused as a syntax error", (const char *)data, size);
    return 0;
}
