/* cache: byte-budgeted LRU + TTL caches, one pool per key class.
 *
 * A pool has a byte budget, a maximum entry count, a default TTL and an
 * eviction policy. Each entry is charged
 *     strlen(scope) + strlen(key) + value length + CACHE_ENTRY_OVERHEAD
 * bytes (the overhead covers the entry header, the two NULs and the malloc
 * chunk header, see the _Static_assert in cache.c). The charged total never
 * exceeds the budget: a put evicts until the entry fits, and an entry larger
 * than the whole budget is refused. The hash table is allocated once at
 * creation (cache_pool_fixed_bytes); entries are one malloc each.
 *
 * Keys are scoped: the same key under two scopes is two entries, so per-user
 * data is never served to another user (the original shared one state cache
 * across users). Use cache_scope_from_token() so that tokens are not stored.
 * cache_get reports HIT, MISS or EXPIRED explicitly (the original returned a
 * "miss" value that callers took for a hit).
 *
 * Time comes from clock_mono_ms(). Not thread-safe (one invocation at a time). */
#ifndef LEEC_CACHE_H
#define LEEC_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_ENTRY_OVERHEAD 128u  /* charged per entry on top of scope+key+value */
#define CACHE_KEY_MAX        1024u /* longest scope and longest key */
#define CACHE_TTL_DEFAULT    0u    /* cache_put: use the pool's default TTL */

enum cache_evict {
    CACHE_EVICT_LRU,           /* least recently used first */
    CACHE_EVICT_LRU_TTL_FIRST, /* all expired entries first, then LRU */
    CACHE_EVICT_LFU_LRU,       /* fewest hits first, ties by LRU */
};

struct cache_pool_config {
    const char *name;        /* kept by pointer */
    size_t byte_budget;      /* charged bytes, > 0 */
    uint32_t max_entries;    /* > 0 */
    uint64_t default_ttl_ms; /* 0: entries do not expire unless put with a TTL */
    enum cache_evict policy;
};

enum cache_status { CACHE_HIT, CACHE_MISS, CACHE_EXPIRED };

enum cache_put_result {
    CACHE_PUT_OK = 0,
    CACHE_PUT_TOO_BIG = -1, /* charge > budget (or key/scope > CACHE_KEY_MAX) */
    CACHE_PUT_NOMEM = -2,
    CACHE_PUT_INVALID = -3, /* NULL key */
};

struct cache_stats {
    uint64_t hits, misses, expired_gets; /* cache_get outcomes */
    uint64_t puts, refused;
    uint64_t evictions;   /* entries removed to make room or by pressure */
    uint64_t expirations; /* expired entries removed (on get, sweep or policy) */
    size_t bytes;         /* charged bytes now */
    size_t entries;       /* entries now */
    size_t budget;        /* current budget (after cache_shrink) */
};

struct cache_pool;

/* NULL on invalid config or no memory. */
struct cache_pool *cache_pool_new(const struct cache_pool_config *cfg);
void cache_pool_free(struct cache_pool *p);

/* Bytes allocated by cache_pool_new for max_entries (pool + table), outside
 * the byte budget; for the memory model. */
size_t cache_pool_fixed_bytes(uint32_t max_entries);

/* On CACHE_HIT, *val and *len point into the cache: valid until the next put,
 * delete or pressure operation on this pool. An expired entry is removed and
 * reported as CACHE_EXPIRED. scope NULL = "" (shared data). */
enum cache_status cache_get(struct cache_pool *p, const char *scope, const char *key,
                            const void **val, size_t *len);

/* Copies val. Replaces an existing entry; if the new one is refused the old
 * one is removed too (never serve a value the caller meant to replace).
 * ttl_ms CACHE_TTL_DEFAULT uses the pool default. */
enum cache_put_result cache_put(struct cache_pool *p, const char *scope, const char *key,
                                const void *val, size_t len, uint64_t ttl_ms);

/* 1 if an entry was removed. */
int cache_delete(struct cache_pool *p, const char *scope, const char *key);
/* Deletes every entry of one scope (e.g. a token HA now rejects); returns how many.
 * A NULL pool deletes nothing. */
size_t cache_delete_scope(struct cache_pool *p, const char *scope);
/* Home Assistant rejected this token (401): every entry cached under its scope goes,
 * so nothing fetched with it is served again. NULL pool or token: nothing. */
size_t cache_forget_token(struct cache_pool *p, const char *token);

/* Memory pressure. Each returns the number of entries removed. */
size_t cache_expire_all(struct cache_pool *p);                  /* expired only */
size_t cache_evict_fraction(struct cache_pool *p, double frac); /* by policy, ceil(n*frac) */
size_t cache_shrink(struct cache_pool *p, size_t new_budget);   /* lowers the budget */
size_t cache_clear(struct cache_pool *p);

void cache_get_stats(const struct cache_pool *p, struct cache_stats *out);
const char *cache_pool_name(const struct cache_pool *p);

/* 64-bit FNV-1a of the token as 16 lower-case hex digits + NUL: a per-user
 * scope that does not keep the token in memory or logs. */
void cache_scope_from_token(const char *token, char out[17]);

#endif
