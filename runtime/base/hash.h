/* hash: the one hash of the runtime, 64-bit FNV-1a (cache keys, rate-limit
 * buckets, the per-user scope derived from a token). Not cryptographic. */
#ifndef LEEC_HASH_H
#define LEEC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_INIT 0xcbf29ce484222325ull

/* Continues hash h over n bytes at p (start with HASH_FNV1A_INIT). */
static inline uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#endif
