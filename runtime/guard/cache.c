/* cache: chained hash table + doubly-linked recency list per pool. */
#include "guard/cache.h"

#include "base/hash.h"
#include "base/hex.h"

#include "base/clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct cache_entry {
    struct cache_entry *hnext;       /* hash chain */
    struct cache_entry *prev, *next; /* recency: head = most recent */
    uint64_t hash;
    uint64_t expires_at; /* mono ms; UINT64_MAX = never */
    uint64_t hits;       /* for CACHE_EVICT_LFU_LRU */
    size_t charged;
    size_t val_len;
    uint32_t scope_len, key_len;
    char data[]; /* scope NUL key NUL value */
};

/* glibc adds at most 32 bytes to a request (8-byte header, 16-byte rounding,
 * 32-byte minimum chunk); the value copy is part of the request. */
_Static_assert(sizeof(struct cache_entry) + 2 + 32 <= CACHE_ENTRY_OVERHEAD,
               "CACHE_ENTRY_OVERHEAD must cover the entry header");

struct cache_pool {
    struct cache_pool_config cfg;
    size_t budget;
    size_t nbuckets; /* power of two */
    struct cache_entry **buckets;
    struct cache_entry *head, *tail;
    struct cache_stats st;
};

void cache_scope_from_token(const char *token, char out[17])
{
    hex_u64(hash_fnv1a(HASH_FNV1A_INIT, token ? token : "", token ? strlen(token) : 0), out);
}

static size_t cache_nbuckets(uint32_t max_entries)
{
    size_t n = 16;
    while (n < max_entries)
        n <<= 1;
    return n;
}

size_t cache_pool_fixed_bytes(uint32_t max_entries)
{
    return sizeof(struct cache_pool) + cache_nbuckets(max_entries) * sizeof(struct cache_entry *);
}

struct cache_pool *cache_pool_new(const struct cache_pool_config *cfg)
{
    if (!cfg || cfg->byte_budget == 0 || cfg->max_entries == 0 ||
        (unsigned)cfg->policy > CACHE_EVICT_LFU_LRU)
        return NULL;
    struct cache_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = *cfg;
    p->budget = cfg->byte_budget;
    p->nbuckets = cache_nbuckets(cfg->max_entries);
    p->buckets = calloc(p->nbuckets, sizeof *p->buckets);
    if (!p->buckets) {
        free(p);
        return NULL;
    }
    return p;
}

static void cache_unlink(struct cache_pool *p, struct cache_entry *e)
{
    struct cache_entry **pp = &p->buckets[e->hash & (p->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    if (e->prev)
        e->prev->next = e->next;
    else
        p->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        p->tail = e->prev;
    p->st.bytes -= e->charged;
    p->st.entries--;
    free(e);
}

static void cache_touch(struct cache_pool *p, struct cache_entry *e)
{
    if (p->head == e)
        return;
    e->prev->next = e->next; /* e is not head, so prev exists */
    if (e->next)
        e->next->prev = e->prev;
    else
        p->tail = e->prev;
    e->prev = NULL;
    e->next = p->head;
    p->head->prev = e;
    p->head = e;
}

static bool cache_expired(const struct cache_entry *e, uint64_t now)
{
    return now >= e->expires_at;
}

static struct cache_entry *cache_find(struct cache_pool *p, uint64_t h, const char *scope,
                                      size_t sl, const char *key, size_t kl)
{
    for (struct cache_entry *e = p->buckets[h & (p->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == h && e->scope_len == sl && e->key_len == kl &&
            memcmp(e->data, scope, sl) == 0 && memcmp(e->data + sl + 1, key, kl) == 0)
            return e;
    return NULL;
}

static uint64_t cache_hash(const char *scope, size_t sl, const char *key, size_t kl)
{
    uint64_t h = hash_fnv1a(HASH_FNV1A_INIT, scope, sl);
    h = hash_fnv1a(h, "", 1); /* separator: ("ab","c") != ("a","bc") */
    return hash_fnv1a(h, key, kl);
}

enum cache_status cache_get(struct cache_pool *p, const char *scope, const char *key,
                            const void **val, size_t *len)
{
    if (val)
        *val = NULL;
    if (len)
        *len = 0;
    scope = scope ? scope : "";
    if (!key) {
        p->st.misses++;
        return CACHE_MISS;
    }
    size_t sl = strlen(scope), kl = strlen(key);
    struct cache_entry *e = cache_find(p, cache_hash(scope, sl, key, kl), scope, sl, key, kl);
    if (!e) {
        p->st.misses++;
        return CACHE_MISS;
    }
    if (cache_expired(e, clock_mono_ms())) {
        cache_unlink(p, e);
        p->st.expirations++;
        p->st.expired_gets++;
        return CACHE_EXPIRED;
    }
    e->hits++;
    cache_touch(p, e);
    p->st.hits++;
    if (val)
        *val = e->data + e->scope_len + 1 + e->key_len + 1;
    if (len)
        *len = e->val_len;
    return CACHE_HIT;
}

size_t cache_expire_all(struct cache_pool *p)
{
    uint64_t now = clock_mono_ms();
    size_t n = 0;
    for (struct cache_entry *e = p->tail, *prev; e; e = prev) {
        prev = e->prev;
        if (cache_expired(e, now)) {
            cache_unlink(p, e);
            n++;
        }
    }
    p->st.expirations += n;
    return n;
}

/* Removes one entry by policy; false when the pool is empty. */
static bool cache_evict_one(struct cache_pool *p)
{
    struct cache_entry *victim = p->tail;
    if (!victim)
        return false;
    if (p->cfg.policy == CACHE_EVICT_LFU_LRU) {
        /* From the LRU end, strict < keeps the least recent among equals. */
        for (struct cache_entry *e = p->tail->prev; e; e = e->prev)
            if (e->hits < victim->hits)
                victim = e;
    }
    cache_unlink(p, victim);
    p->st.evictions++;
    return true;
}

/* Makes room for `charge` more bytes and one more entry. */
static void cache_make_room(struct cache_pool *p, size_t charge)
{
    bool swept = false;
    while (p->st.entries > 0 &&
           (p->st.bytes + charge > p->budget || p->st.entries >= p->cfg.max_entries)) {
        if (!swept && p->cfg.policy == CACHE_EVICT_LRU_TTL_FIRST) {
            swept = true;
            if (cache_expire_all(p) > 0)
                continue;
        }
        cache_evict_one(p);
    }
}

enum cache_put_result cache_put(struct cache_pool *p, const char *scope, const char *key,
                                const void *val, size_t len, uint64_t ttl_ms)
{
    scope = scope ? scope : "";
    if (!key || (!val && len)) {
        p->st.refused++;
        return CACHE_PUT_INVALID;
    }
    size_t sl = strlen(scope), kl = strlen(key);
    uint64_t h = cache_hash(scope, sl, key, kl);
    struct cache_entry *old = cache_find(p, h, scope, sl, key, kl);
    if (old)
        cache_unlink(p, old);
    if (sl > CACHE_KEY_MAX || kl > CACHE_KEY_MAX || len > p->budget ||
        sl + kl + len + CACHE_ENTRY_OVERHEAD > p->budget) {
        p->st.refused++;
        return CACHE_PUT_TOO_BIG;
    }
    size_t charge = sl + kl + len + CACHE_ENTRY_OVERHEAD;
    cache_make_room(p, charge);
    struct cache_entry *e = malloc(sizeof *e + sl + 1 + kl + 1 + len);
    if (!e) {
        p->st.refused++;
        return CACHE_PUT_NOMEM;
    }
    uint64_t ttl = ttl_ms != CACHE_TTL_DEFAULT ? ttl_ms : p->cfg.default_ttl_ms;
    uint64_t now = clock_mono_ms();
    e->hash = h;
    e->expires_at = (ttl == 0 || ttl > UINT64_MAX - now) ? UINT64_MAX : now + ttl;
    e->hits = 0;
    e->charged = charge;
    e->val_len = len;
    e->scope_len = (uint32_t)sl;
    e->key_len = (uint32_t)kl;
    memcpy(e->data, scope, sl + 1);
    memcpy(e->data + sl + 1, key, kl + 1);
    if (len)
        memcpy(e->data + sl + 1 + kl + 1, val, len);
    struct cache_entry **b = &p->buckets[h & (p->nbuckets - 1)];
    e->hnext = *b;
    *b = e;
    e->prev = NULL;
    e->next = p->head;
    if (p->head)
        p->head->prev = e;
    else
        p->tail = e;
    p->head = e;
    p->st.bytes += charge;
    p->st.entries++;
    p->st.puts++;
    return CACHE_PUT_OK;
}

int cache_delete(struct cache_pool *p, const char *scope, const char *key)
{
    scope = scope ? scope : "";
    if (!key)
        return 0;
    size_t sl = strlen(scope), kl = strlen(key);
    struct cache_entry *e = cache_find(p, cache_hash(scope, sl, key, kl), scope, sl, key, kl);
    if (!e)
        return 0;
    cache_unlink(p, e);
    return 1;
}

size_t cache_delete_scope(struct cache_pool *p, const char *scope)
{
    if (!p)
        return 0;
    scope = scope ? scope : "";
    size_t sl = strlen(scope), n = 0;
    for (struct cache_entry *e = p->head, *next; e; e = next) {
        next = e->next;
        if (e->scope_len == sl && memcmp(e->data, scope, sl) == 0) {
            cache_unlink(p, e);
            n++;
        }
    }
    return n;
}

size_t cache_forget_token(struct cache_pool *p, const char *token)
{
    char scope[17];
    cache_scope_from_token(token ? token : "", scope);
    return cache_delete_scope(p, scope);
}

size_t cache_evict_fraction(struct cache_pool *p, double frac)
{
    if (!(frac > 0)) /* also rejects NaN */
        return 0;
    if (frac > 1)
        frac = 1;
    size_t want = (size_t)((double)p->st.entries * frac);
    if ((double)want < (double)p->st.entries * frac)
        want++; /* ceil */
    size_t n = 0;
    if (p->cfg.policy == CACHE_EVICT_LRU_TTL_FIRST) {
        n = cache_expire_all(p);
    }
    while (n < want && cache_evict_one(p))
        n++;
    return n;
}

size_t cache_shrink(struct cache_pool *p, size_t new_budget)
{
    if (new_budget < p->budget)
        p->budget = new_budget;
    size_t n = 0;
    while (p->st.bytes > p->budget && cache_evict_one(p))
        n++;
    return n;
}

size_t cache_clear(struct cache_pool *p)
{
    size_t n = 0;
    while (p->tail) {
        cache_unlink(p, p->tail);
        n++;
    }
    return n;
}

void cache_pool_free(struct cache_pool *p)
{
    if (!p)
        return;
    cache_clear(p);
    free(p->buckets);
    free(p);
}

void cache_get_stats(const struct cache_pool *p, struct cache_stats *out)
{
    *out = p->st;
    out->budget = p->budget;
}

const char *cache_pool_name(const struct cache_pool *p) { return p->cfg.name ? p->cfg.name : ""; }
