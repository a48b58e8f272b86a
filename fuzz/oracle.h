/* oracle: what the fuzz targets check about an output, beyond "no crash".
 *
 *   oracle_json_strict  exactly one RFC 8259 JSON text in valid UTF-8 (base/utf8):
 *                       no BOM, only space/tab/CR/LF between tokens, no raw control
 *                       character in a string, only the RFC's escapes (a \u escape of
 *                       a surrogate must be a high-low pair), numbers without leading
 *                       zeros or '+', literals spelled out, nothing after the value.
 *                       Its own scanner (this file), and also base/jsonguard's
 *                       jsonguard_strict when the runtime has one (a weak reference:
 *                       the check joins in when that function is linked; the two
 *                       disagreeing is a failure).
 *   oracle_json_unique  no object with two members of the same name.
 *   oracle_ssml         "<speak>...</speak>" with no other tag, every '&' one of the
 *                       five XML entities, no raw '<' or '>' in the text, valid UTF-8.
 *
 * ORACLE_REQUIRE(cond, what, buf, len) prints what failed and the output, then
 * aborts (libFuzzer keeps the input). */
#ifndef LEEC_FUZZ_ORACLE_H
#define LEEC_FUZZ_ORACLE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

bool oracle_json_strict(const char *s, size_t n);
bool oracle_json_unique(const cJSON *tree);
bool oracle_ssml(const char *s, size_t n);
/* True when base/jsonguard's strict check is linked (see above). */
bool oracle_have_jsonguard_strict(void);

void oracle_fail(const char *what, const char *buf, size_t len) __attribute__((noreturn));
#define ORACLE_REQUIRE(cond, what, buf, len)   \
    do {                                       \
        if (!(cond))                           \
            oracle_fail((what), (buf), (len)); \
    } while (0)

#endif
