/* ratelimit: token buckets, LRU reuse of slots. */
#include "guard/ratelimit.h"

#include "base/hash.h"

#include "base/clock.h"

#include <stdlib.h>
#include <string.h>

/* Token amounts are kept in units of 1/60000 token so that refilling
 * elapsed_ms * refill_per_minute units is exact (no lost remainders, so a slow
 * rate still refills when called often). */
#define RL_UNIT 60000u

struct rl_bucket {
    uint64_t hash; /* 0 = free slot (a real hash of 0 is mapped to 1) */
    uint64_t units;
    uint64_t last_refill;
    uint64_t last_used; /* use counter, not time: exact LRU order even at one instant */
};

struct ratelimit {
    struct ratelimit_config cfg;
    struct rl_bucket *b;
    uint64_t uses;
};

static uint64_t rl_hash(const char *s)
{
    uint64_t h = hash_fnv1a(HASH_FNV1A_INIT, s, strlen(s));
    return h ? h : 1;
}

size_t ratelimit_bytes(const struct ratelimit_config *cfg)
{
    return sizeof(struct ratelimit) + (size_t)cfg->slots * sizeof(struct rl_bucket);
}

struct ratelimit *ratelimit_new(const struct ratelimit_config *cfg)
{
    if (!cfg || cfg->capacity == 0 || cfg->slots == 0)
        return NULL;
    struct ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->cfg = *cfg;
    rl->b = calloc(cfg->slots, sizeof *rl->b);
    if (!rl->b) {
        free(rl);
        return NULL;
    }
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    free(rl->b);
    free(rl);
}

bool ratelimit_allow(struct ratelimit *rl, const char *scope)
{
    uint64_t now = clock_mono_ms();
    uint64_t h = rl_hash(scope ? scope : "");
    uint64_t full = (uint64_t)rl->cfg.capacity * RL_UNIT;
    struct rl_bucket *hit = NULL, *lru = NULL;
    /* Linear scan: the table is small (tens to a few thousand slots) and a
     * scan finds the LRU victim in the same pass. */
    for (uint32_t i = 0; i < rl->cfg.slots; i++) {
        struct rl_bucket *b = &rl->b[i];
        if (b->hash == h) {
            hit = b;
            break;
        }
        if (b->hash == 0) { /* a free slot beats any victim */
            if (!lru || lru->hash != 0)
                lru = b;
            continue;
        }
        if (!lru || (lru->hash != 0 && b->last_used < lru->last_used))
            lru = b;
    }
    if (!hit) {
        hit = lru;
        hit->hash = h;
        hit->units = full;
        hit->last_refill = now;
    }
    if (now > hit->last_refill) {
        uint64_t add = (now - hit->last_refill) * rl->cfg.refill_per_minute;
        hit->units = (add >= full - hit->units) ? full : hit->units + add;
        hit->last_refill = now;
    }
    hit->last_used = ++rl->uses;
    if (hit->units < RL_UNIT)
        return false;
    hit->units -= RL_UNIT;
    return true;
}
