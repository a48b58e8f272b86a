/* jsonguard: caps on outside JSON (events, Home Assistant and SSM replies)
 * before and while cJSON parses it.
 *
 * jsonguard_check() is a single linear scan, not a parser: it tracks string
 * state (quotes, backslash escapes), nesting depth ('[' '{') and an upper
 * bound of the number of values (commas + opening brackets + 1). cJSON does
 * the parsing, after the caps have passed, so a hostile event can neither
 * recurse deeply nor allocate more than jsonguard_tree_bytes_bound_limits().
 *
 * Memory of a parsed tree (feeds the compiler's memory model). cJSON makes one
 * malloc(sizeof(cJSON)) per value and one copy per string (value or key) of
 * at most its raw length including quotes. glibc rounds a request to a chunk
 * of max(32, (req + 8 + 15) & ~15) bytes, i.e. at most req +
 * JSONGUARD_MALLOC_OVERHEAD. Charging a value node (96 B) to its 2 input bytes
 * (token + separator or closer) and a string (raw r bytes + 32) to its r+1
 * bytes, no input byte costs more than NODE/2 = 48 B. A failed parse can hold
 * up to depth unclosed containers plus one empty node, hence the slack:
 *
 *   tree_bytes(len) <= JSONGUARD_NODE_COST * ((len + JSONGUARD_DEPTH_MAX + 4) / 2)
 *   JSONGUARD_NODE_COST = sizeof(cJSON) + JSONGUARD_MALLOC_OVERHEAD  (64 + 32 on LP64)
 *
 * and, with a node cap n (nodes <= n + 1, strings <= 2 nodes):
 *   tree_bytes <= (n + 1) * (NODE_COST + 2 * OVERHEAD) + len
 * Measured against glibc in tests/unit/runtime/test_jsonguard.c. */
#ifndef LEEC_JSONGUARD_H
#define LEEC_JSONGUARD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define JSONGUARD_DEPTH_MAX       64u /* hard ceiling on lim->max_depth */
#define JSONGUARD_MALLOC_OVERHEAD 32u /* glibc chunk size - request, upper bound */
#define JSONGUARD_NODE_COST       (sizeof(cJSON) + JSONGUARD_MALLOC_OVERHEAD)

struct jsonguard_limits {
    size_t max_bytes; /* whole input */
    size_t max_depth; /* nesting of [ and {; 1..JSONGUARD_DEPTH_MAX */
    size_t max_nodes; /* values (scalars, arrays, objects), >= 1 */
};

enum jsonguard_fail {
    JSONGUARD_OK,
    JSONGUARD_TOO_LARGE,
    JSONGUARD_TOO_DEEP,
    JSONGUARD_TOO_MANY_NODES,
    JSONGUARD_SYNTAX,        /* cJSON refused it, or bytes after the value */
    JSONGUARD_BAD_LIMITS,    /* caller error */
    JSONGUARD_NOT_STRICT,    /* jsonguard_strict: not RFC 8259 (cJSON may still accept it) */
    JSONGUARD_BAD_UTF8,      /* jsonguard_strict: invalid UTF-8 */
    JSONGUARD_DUPLICATE_KEY, /* jsonguard_duplicate_key: a member name twice in one object */
};

struct jsonguard_error {
    enum jsonguard_fail kind;
    size_t offset; /* byte (0-based) where the cap was crossed / syntax error */
    char msg[96];  /* e.g. "event is 7340032 bytes, limit 6291556" */
};

/* 0 when buf[0..len) is within the caps; -1 with err filled (err may be NULL).
 * Does not validate JSON syntax. */
int jsonguard_check(const char *buf, size_t len, const struct jsonguard_limits *lim,
                    struct jsonguard_error *err);

/* jsonguard_check, then cJSON_ParseWithLengthOpts; the value must cover the
 * whole buffer (trailing whitespace allowed). NULL with err on failure
 * ("not valid JSON at byte N"). buf need not be NUL-terminated. The caller
 * cJSON_Delete()s the result. */
cJSON *jsonguard_parse(const char *buf, size_t len, const struct jsonguard_limits *lim,
                       struct jsonguard_error *err);

/* Strictness, for what the bootstrap forwards unchanged (cJSON stays the parser;
 * this is a single linear pass over the bytes that builds nothing):
 * 0 when buf[0..len) is exactly one RFC 8259 JSON text in valid UTF-8 (base/utf8:
 * no overlong forms, surrogates or code points above U+10FFFF) - no BOM, no byte
 * other than space, tab, CR, LF between tokens, no raw control character in a
 * string, only the escapes \" \\ \/ \b \f \n \r \t \uXXXX (a \u escape of a
 * surrogate must be a high-low pair), numbers without leading zeros, '+', a bare
 * '.' or exponent, literals spelled true/false/null, nothing after the value.
 * Nesting is capped at JSONGUARD_DEPTH_MAX. -1 with err (kind NOT_STRICT or
 * BAD_UTF8, offset of the first offending byte) otherwise. */
int jsonguard_strict(const char *buf, size_t len, struct jsonguard_error *err);

/* 0 when no object in the tree has two members with the same name (after
 * unescaping: "a" and "\u0061" are the same name, as cJSON stores them);
 * -1 with err (kind DUPLICATE_KEY) on the first duplicate, or on allocation
 * failure (a tree that cannot be checked is not vouched for). */
int jsonguard_duplicate_key(const cJSON *tree, struct jsonguard_error *err);

/* Worst-case heap bytes (glibc) of the cJSON tree, live at once, for any input
 * of len bytes parsed by jsonguard_parse (successful or failed). */
size_t jsonguard_tree_bytes_bound(size_t len);

/* The same with the caps applied (the smaller of the byte and node bounds). */
size_t jsonguard_tree_bytes_bound_limits(const struct jsonguard_limits *lim);

#endif
