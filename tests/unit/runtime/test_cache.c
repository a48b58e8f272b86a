#include "guard/cache.h"
#include "base/clock.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t now_ms;

static void setup(void)
{
    now_ms = 1000;
    clock_set_fake(&now_ms);
}

static void teardown(void) { clock_set_fake(NULL); }

static struct cache_pool *pool(size_t budget, uint32_t max, uint64_t ttl, enum cache_evict pol)
{
    struct cache_pool_config c = {"test", budget, max, ttl, pol};
    struct cache_pool *p = cache_pool_new(&c);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void put_s(struct cache_pool *p, const char *scope, const char *key, const char *v)
{
    ck_assert_int_eq(cache_put(p, scope, key, v, strlen(v), CACHE_TTL_DEFAULT), CACHE_PUT_OK);
}

static enum cache_status get_s(struct cache_pool *p, const char *scope, const char *key, char *out,
                               size_t cap)
{
    const void *v = (const void *)1;
    size_t len = 99;
    enum cache_status st = cache_get(p, scope, key, &v, &len);
    if (st != CACHE_HIT) {
        ck_assert_ptr_null(v); /* a miss never looks like a value */
        ck_assert_uint_eq(len, 0);
        return st;
    }
    ck_assert_uint_lt(len, cap);
    memcpy(out, v, len);
    out[len] = '\0';
    return st;
}

START_TEST(hit_miss_and_ttl_expiry)
{
    struct cache_pool *p = pool(10000, 10, 300000, CACHE_EVICT_LRU);
    char buf[64];
    ck_assert_int_eq(get_s(p, NULL, "states", buf, sizeof buf), CACHE_MISS);
    put_s(p, NULL, "states", "on");
    ck_assert_int_eq(get_s(p, NULL, "states", buf, sizeof buf), CACHE_HIT);
    ck_assert_str_eq(buf, "on");
    now_ms += 299999;
    ck_assert_int_eq(get_s(p, NULL, "states", buf, sizeof buf), CACHE_HIT);
    now_ms += 1;
    ck_assert_int_eq(get_s(p, NULL, "states", buf, sizeof buf), CACHE_EXPIRED);
    ck_assert_int_eq(get_s(p, NULL, "states", buf, sizeof buf), CACHE_MISS); /* removed */
    /* explicit TTL overrides the default */
    ck_assert_int_eq(cache_put(p, NULL, "k", "v", 1, 50), CACHE_PUT_OK);
    now_ms += 50;
    ck_assert_int_eq(get_s(p, NULL, "k", buf, sizeof buf), CACHE_EXPIRED);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.hits, 2);
    ck_assert_uint_eq(st.misses, 2);
    ck_assert_uint_eq(st.expired_gets, 2);
    ck_assert_uint_eq(st.expirations, 2);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.bytes, 0);
    cache_pool_free(p);
}
END_TEST

START_TEST(zero_default_ttl_never_expires)
{
    struct cache_pool *p = pool(10000, 10, 0, CACHE_EVICT_LRU);
    char buf[8];
    put_s(p, NULL, "a", "1");
    now_ms += 100000000;
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_HIT);
    cache_pool_free(p);
}
END_TEST

START_TEST(scopes_are_isolated)
{
    struct cache_pool *p = pool(10000, 10, 0, CACHE_EVICT_LRU);
    char alice[17], bob[17], buf[32];
    cache_scope_from_token("eyJhbGciOi.alice-token", alice);
    cache_scope_from_token("eyJhbGciOi.bob-token", bob);
    ck_assert_str_ne(alice, bob);
    ck_assert_uint_eq(strlen(alice), 16);
    ck_assert_uint_eq(strspn(alice, "0123456789abcdef"), 16);
    char again[17];
    cache_scope_from_token("eyJhbGciOi.alice-token", again);
    ck_assert_str_eq(alice, again);
    put_s(p, alice, "entities", "alice's");
    ck_assert_int_eq(get_s(p, bob, "entities", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, NULL, "entities", buf, sizeof buf), CACHE_MISS);
    put_s(p, bob, "entities", "bob's");
    ck_assert_int_eq(get_s(p, alice, "entities", buf, sizeof buf), CACHE_HIT);
    ck_assert_str_eq(buf, "alice's");
    ck_assert_int_eq(get_s(p, bob, "entities", buf, sizeof buf), CACHE_HIT);
    ck_assert_str_eq(buf, "bob's");
    /* scope/key boundary is not ambiguous */
    put_s(p, "ab", "c", "x");
    ck_assert_int_eq(get_s(p, "a", "bc", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(cache_delete(p, alice, "entities"), 1);
    ck_assert_int_eq(cache_delete(p, alice, "entities"), 0);
    ck_assert_int_eq(get_s(p, bob, "entities", buf, sizeof buf), CACHE_HIT);
    /* a token HA rejects: every entry of its scope goes, the others stay */
    put_s(p, alice, "states", "a1");
    put_s(p, alice, "entities", "a2");
    ck_assert_uint_eq(cache_delete_scope(p, alice), 2);
    ck_assert_uint_eq(cache_delete_scope(p, alice), 0);
    ck_assert_int_eq(get_s(p, alice, "states", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, bob, "entities", buf, sizeof buf), CACHE_HIT);
    ck_assert_int_eq(get_s(p, "ab", "c", buf, sizeof buf), CACHE_HIT);
    ck_assert_uint_eq(cache_delete_scope(NULL, alice), 0);
    cache_pool_free(p);
}
END_TEST

START_TEST(lru_order)
{
    /* room for exactly 3 entries of this size */
    size_t charge = 1 + 1 + CACHE_ENTRY_OVERHEAD; /* key "a" + value "1" */
    struct cache_pool *p = pool(3 * charge, 100, 0, CACHE_EVICT_LRU);
    char buf[8];
    put_s(p, NULL, "a", "1");
    put_s(p, NULL, "b", "2");
    put_s(p, NULL, "c", "3");
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_HIT); /* b is now LRU */
    put_s(p, NULL, "d", "4");
    ck_assert_int_eq(get_s(p, NULL, "b", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_HIT);
    ck_assert_int_eq(get_s(p, NULL, "c", buf, sizeof buf), CACHE_HIT);
    ck_assert_int_eq(get_s(p, NULL, "d", buf, sizeof buf), CACHE_HIT);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.evictions, 1);
    ck_assert_uint_eq(st.bytes, 3 * charge);
    cache_pool_free(p);
}
END_TEST

START_TEST(max_entries_evicts)
{
    struct cache_pool *p = pool(1 << 20, 2, 0, CACHE_EVICT_LRU);
    char buf[8];
    put_s(p, NULL, "a", "1");
    put_s(p, NULL, "b", "2");
    put_s(p, NULL, "c", "3");
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_MISS);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.entries, 2);
    cache_pool_free(p);
}
END_TEST

START_TEST(lfu_policy)
{
    struct cache_pool *p = pool(1 << 20, 3, 0, CACHE_EVICT_LFU_LRU);
    char buf[8];
    put_s(p, NULL, "a", "1");
    put_s(p, NULL, "b", "2");
    put_s(p, NULL, "c", "3");
    for (int i = 0; i < 3; i++)
        get_s(p, NULL, "a", buf, sizeof buf);
    get_s(p, NULL, "b", buf, sizeof buf);
    get_s(p, NULL, "c", buf, sizeof buf);
    get_s(p, NULL, "b", buf, sizeof buf);
    /* hits: a 3, b 2, c 1 -> c goes although a was used before c */
    put_s(p, NULL, "d", "4");
    ck_assert_int_eq(get_s(p, NULL, "c", buf, sizeof buf), CACHE_MISS);
    /* d has 0 hits and is the only one with 0 -> d goes next */
    put_s(p, NULL, "e", "5");
    ck_assert_int_eq(get_s(p, NULL, "d", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_HIT);
    ck_assert_int_eq(get_s(p, NULL, "b", buf, sizeof buf), CACHE_HIT);
    /* ties by LRU: e (0 hits) goes */
    put_s(p, NULL, "f", "6");
    put_s(p, NULL, "g", "7"); /* f and... a,b have hits; f (0) evicted */
    ck_assert_int_eq(get_s(p, NULL, "f", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, NULL, "g", buf, sizeof buf), CACHE_HIT);
    cache_pool_free(p);
}
END_TEST

START_TEST(lfu_ties_by_lru)
{
    struct cache_pool *p = pool(1 << 20, 3, 0, CACHE_EVICT_LFU_LRU);
    char buf[8];
    put_s(p, NULL, "a", "1");
    put_s(p, NULL, "b", "2");
    put_s(p, NULL, "c", "3");
    get_s(p, NULL, "a", buf, sizeof buf);
    get_s(p, NULL, "c", buf, sizeof buf);
    get_s(p, NULL, "b", buf, sizeof buf); /* all 1 hit; LRU is a */
    put_s(p, NULL, "d", "4");
    ck_assert_int_eq(get_s(p, NULL, "a", buf, sizeof buf), CACHE_MISS);
    ck_assert_int_eq(get_s(p, NULL, "c", buf, sizeof buf), CACHE_HIT);
    cache_pool_free(p);
}
END_TEST

START_TEST(ttl_first_policy_drops_expired_before_lru)
{
    struct cache_pool *p = pool(1 << 20, 3, 0, CACHE_EVICT_LRU_TTL_FIRST);
    char buf[8];
    put_s(p, NULL, "old", "1"); /* LRU, never expires */
    ck_assert_int_eq(cache_put(p, NULL, "short", "2", 1, 10), CACHE_PUT_OK);
    put_s(p, NULL, "new", "3");
    now_ms += 10;
    put_s(p, NULL, "d", "4"); /* evicts the expired one, not the LRU one */
    ck_assert_int_eq(get_s(p, NULL, "old", buf, sizeof buf), CACHE_HIT);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.expirations, 1);
    ck_assert_uint_eq(st.evictions, 0);
    put_s(p, NULL, "e", "5"); /* nothing expired: LRU ("new") */
    ck_assert_int_eq(get_s(p, NULL, "new", buf, sizeof buf), CACHE_MISS);
    cache_pool_free(p);
}
END_TEST

START_TEST(oversize_is_refused)
{
    size_t budget = 1000;
    struct cache_pool *p = pool(budget, 10, 0, CACHE_EVICT_LRU);
    char *big = calloc(1, budget);
    char buf[8];
    put_s(p, "s", "k", "small");
    /* key + scope + value + overhead = budget fits exactly */
    size_t fit = budget - CACHE_ENTRY_OVERHEAD - 2;
    ck_assert_int_eq(cache_put(p, "s", "x", big, fit, 0), CACHE_PUT_OK);
    ck_assert_int_eq(get_s(p, "s", "k", buf, sizeof buf), CACHE_MISS); /* evicted for it */
    ck_assert_int_eq(cache_put(p, "s", "y", big, fit + 1, 0), CACHE_PUT_TOO_BIG);
    ck_assert_int_eq(cache_put(p, "s", "y", big, SIZE_MAX - 10, 0), CACHE_PUT_TOO_BIG);
    /* a refused replacement removes the old value (never serve stale) */
    ck_assert_int_eq(cache_put(p, "s", "x", big, fit + 1, 0), CACHE_PUT_TOO_BIG);
    const void *v;
    size_t len;
    ck_assert_int_eq(cache_get(p, "s", "x", &v, &len), CACHE_MISS);
    ck_assert_int_eq(cache_put(p, "s", NULL, "v", 1, 0), CACHE_PUT_INVALID);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.refused, 4);
    ck_assert_uint_eq(st.bytes, 0);
    free(big);
    cache_pool_free(p);
}
END_TEST

START_TEST(replace_updates_value_and_bytes)
{
    struct cache_pool *p = pool(10000, 10, 0, CACHE_EVICT_LRU);
    char buf[32];
    put_s(p, "u", "k", "short");
    put_s(p, "u", "k", "a longer value");
    ck_assert_int_eq(get_s(p, "u", "k", buf, sizeof buf), CACHE_HIT);
    ck_assert_str_eq(buf, "a longer value");
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.entries, 1);
    ck_assert_uint_eq(st.bytes, 1 + 1 + 14 + CACHE_ENTRY_OVERHEAD);
    cache_pool_free(p);
}
END_TEST

START_TEST(pressure_operations)
{
    struct cache_pool *p = pool(1 << 20, 100, 0, CACHE_EVICT_LRU);
    char key[16];
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        ck_assert_int_eq(cache_put(p, NULL, key, "v", 1, i < 4 ? 100 : 0), CACHE_PUT_OK);
    }
    now_ms += 100;
    ck_assert_uint_eq(cache_expire_all(p), 4);
    ck_assert_uint_eq(cache_evict_fraction(p, 0.5), 3);
    char buf[8];
    ck_assert_int_eq(get_s(p, NULL, "k4", buf, sizeof buf), CACHE_MISS); /* oldest went */
    ck_assert_int_eq(get_s(p, NULL, "k9", buf, sizeof buf), CACHE_HIT);
    ck_assert_uint_eq(cache_evict_fraction(p, 0.0), 0);
    struct cache_stats st;
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.entries, 3);
    size_t one = 2 + 1 + CACHE_ENTRY_OVERHEAD;
    ck_assert_uint_eq(cache_shrink(p, one), 2);
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.entries, 1);
    ck_assert_uint_eq(st.budget, one);
    ck_assert_int_eq(get_s(p, NULL, "k9", buf, sizeof buf), CACHE_HIT); /* most recent kept */
    ck_assert_int_eq(cache_put(p, NULL, "k10", "v", 1, 0), CACHE_PUT_TOO_BIG);
    ck_assert_uint_eq(cache_clear(p), 1);
    cache_get_stats(p, &st);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.bytes, 0);
    ck_assert_str_eq(cache_pool_name(p), "test");
    cache_pool_free(p);
}
END_TEST

START_TEST(invalid_config)
{
    struct cache_pool_config c = {"x", 0, 10, 0, CACHE_EVICT_LRU};
    ck_assert_ptr_null(cache_pool_new(&c));
    c = (struct cache_pool_config){"x", 100, 0, 0, CACHE_EVICT_LRU};
    ck_assert_ptr_null(cache_pool_new(&c));
    ck_assert_uint_ge(cache_pool_fixed_bytes(500), 512 * sizeof(void *));
    cache_pool_free(NULL);
}
END_TEST

START_TEST(budget_invariant_under_random_ops)
{
    static const enum cache_evict pols[] = {CACHE_EVICT_LRU, CACHE_EVICT_LRU_TTL_FIRST,
                                            CACHE_EVICT_LFU_LRU};
    static char val[3000];
    memset(val, 'v', sizeof val);
    for (size_t pi = 0; pi < 3; pi++) {
        const size_t budget = 20000;
        struct cache_pool *p = pool(budget, 50, 5000, pols[pi]);
        unsigned seed = 12345u + (unsigned)pi;
        char scope[8], key[16];
        for (int i = 0; i < 100000; i++) {
            int r = rand_r(&seed) % 100;
            snprintf(scope, sizeof scope, "u%d", rand_r(&seed) % 4);
            snprintf(key, sizeof key, "key%d", rand_r(&seed) % 200);
            if (r < 45) {
                size_t len = (size_t)(rand_r(&seed) % 3000);
                uint64_t ttl = (uint64_t)(rand_r(&seed) % 3) * 2000;
                enum cache_put_result pr = cache_put(p, scope, key, val, len, ttl);
                ck_assert(pr == CACHE_PUT_OK);
            } else if (r < 90) {
                const void *v;
                size_t len;
                enum cache_status st = cache_get(p, scope, key, &v, &len);
                if (st == CACHE_HIT)
                    ck_assert(len == 0 || memcmp(v, val, len) == 0);
            } else if (r < 93) {
                cache_delete(p, scope, key);
            } else if (r < 95) {
                cache_expire_all(p);
            } else if (r < 96) {
                cache_evict_fraction(p, 0.25);
            } else if (r < 97 && i % 7 == 0) {
                cache_shrink(p, budget - (size_t)(rand_r(&seed) % 1000));
            } else {
                now_ms += (uint64_t)(rand_r(&seed) % 5000);
            }
            struct cache_stats st;
            cache_get_stats(p, &st);
            ck_assert_uint_le(st.bytes, st.budget);
            ck_assert_uint_le(st.budget, budget);
            ck_assert_uint_le(st.entries, 50);
        }
        struct cache_stats st;
        cache_get_stats(p, &st);
        ck_assert_uint_gt(st.hits, 0);
        ck_assert_uint_gt(st.evictions, 0);
        ck_assert_uint_gt(st.expirations, 0);
        cache_pool_free(p);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hit_miss_and_ttl_expiry);
    tcase_add_test(tc, zero_default_ttl_never_expires);
    tcase_add_test(tc, scopes_are_isolated);
    tcase_add_test(tc, lru_order);
    tcase_add_test(tc, max_entries_evicts);
    tcase_add_test(tc, lfu_policy);
    tcase_add_test(tc, lfu_ties_by_lru);
    tcase_add_test(tc, ttl_first_policy_drops_expired_before_lru);
    tcase_add_test(tc, oversize_is_refused);
    tcase_add_test(tc, replace_updates_value_and_bytes);
    tcase_add_test(tc, pressure_operations);
    tcase_add_test(tc, invalid_config);
    tcase_add_test(tc, budget_invariant_under_random_ops);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
