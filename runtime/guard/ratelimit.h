/* ratelimit: per-user token buckets in a fixed-size table.
 *
 * Each user (a scope string, e.g. cache_scope_from_token()) has a bucket of
 * `capacity` tokens refilled continuously at `refill_per_minute`; a call
 * takes one token. The table has `slots` buckets, allocated once; when it is
 * full, the least recently used bucket is reused (that user starts again with
 * a full bucket). Buckets are identified by a 64-bit FNV-1a hash of the scope
 * (the scope itself is not stored). Time comes from clock_mono_ms(). */
#ifndef LEEC_RATELIMIT_H
#define LEEC_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit_config {
    uint32_t capacity;          /* burst per user, >= 1 */
    uint32_t refill_per_minute; /* tokens per minute, may be 0 (no refill) */
    uint32_t slots;             /* users tracked, >= 1 */
};

struct ratelimit;

/* NULL on an invalid config or no memory. */
struct ratelimit *ratelimit_new(const struct ratelimit_config *cfg);
void ratelimit_free(struct ratelimit *rl);

/* Takes a token from scope's bucket; false when it is empty. NULL scope = "". */
bool ratelimit_allow(struct ratelimit *rl, const char *scope);

/* Heap bytes ratelimit_new() allocates for cfg (for the memory model). */
size_t ratelimit_bytes(const struct ratelimit_config *cfg);

#endif
