/* The one-of-each primitives of runtime/base: dynbuf, utf8, hex, hash, secret. */
#include "base/dynbuf.h"
#include "base/hash.h"
#include "base/hex.h"
#include "base/secret.h"
#include "base/utf8.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(dynbuf_stops_at_the_cap)
{
    struct dynbuf d;
    dynbuf_init(&d, 8);
    ck_assert_int_eq(dynbuf_add(&d, "abcde", 5), DYNBUF_OK);
    ck_assert_int_eq(dynbuf_add(&d, "xyz", 3), DYNBUF_OK); /* exactly the cap */
    ck_assert_str_eq(d.buf, "abcdexyz");
    ck_assert_int_eq(dynbuf_add(&d, "!", 1), DYNBUF_TOOBIG);
    ck_assert_uint_eq(d.len, 8); /* the failed add changed nothing */
    ck_assert_str_eq(d.buf, "abcdexyz");
    ck_assert_int_eq(d.err, DYNBUF_TOOBIG);
    ck_assert_uint_le(d.cap, 9);
    dynbuf_reset(&d);
    ck_assert_uint_eq(d.len, 0);
    ck_assert_int_eq(d.err, DYNBUF_OK);
    ck_assert_int_eq(dynbuf_addf(&d, "%d-%s", 42, "ab"), DYNBUF_OK);
    ck_assert_str_eq(d.buf, "42-ab");
    ck_assert_int_eq(dynbuf_addf(&d, "%s", "long"), DYNBUF_TOOBIG);
    ck_assert_str_eq(d.buf, "42-ab");
    size_t n = 0;
    char *p = dynbuf_take(&d, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(p, "42-ab");
    ck_assert_ptr_null(d.buf);
    free(p);
    dynbuf_free(&d);
}
END_TEST

START_TEST(dynbuf_curl_write_aborts_over_the_cap)
{
    struct dynbuf d;
    dynbuf_init(&d, 10);
    char chunk[6] = "hello";
    ck_assert_uint_eq(dynbuf_curl_write(chunk, 1, 5, &d), 5);
    ck_assert_uint_eq(dynbuf_curl_write(chunk, 5, 1, &d), 5);
    ck_assert_uint_eq(dynbuf_curl_write(chunk, 1, 1, &d), 0); /* 0 aborts the transfer */
    ck_assert_int_eq(d.err, DYNBUF_TOOBIG);
    ck_assert_str_eq(d.buf, "hellohello");
    dynbuf_free(&d);
    dynbuf_init(&d, 1000);
    ck_assert_int_eq(dynbuf_reserve(&d, 100), DYNBUF_OK);
    ck_assert_uint_ge(d.cap, 101);
    ck_assert_str_eq(d.buf, "");
    dynbuf_free(&d);
}
END_TEST

START_TEST(utf8_validates)
{
    ck_assert(utf8_valid("plain", 5));
    ck_assert(utf8_valid("\xc3\xa9", 2));          /* é */
    ck_assert(utf8_valid("\xe2\x82\xac", 3));      /* € */
    ck_assert(utf8_valid("\xf0\x9f\x98\x80", 4));  /* 😀 */
    ck_assert(!utf8_valid("\xc3", 1));             /* truncated */
    ck_assert(!utf8_valid("\xc0\xaf", 2));         /* overlong */
    ck_assert(!utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    ck_assert(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    ck_assert(!utf8_valid("\xff", 1));
    ck_assert(!utf8_valid("a\x80", 2)); /* lone continuation */
    ck_assert_uint_eq(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
    ck_assert_uint_eq(utf8_seq_len((const unsigned char *)"\xe2\x82", 2), 0);
}
END_TEST

START_TEST(utf8_cut_ends_at_a_character_boundary)
{
    const char *s = "a\xc3\xa9"         /* a é: bytes 0, 1-2 */
                    "\xe2\x82\xac"      /* €: 3-5 */
                    "\xf0\x9f\x98\x80"; /* 😀: 6-9 */
    size_t n = strlen(s);
    ck_assert_uint_eq(n, 10);
    ck_assert_uint_eq(utf8_cut(s, n, 100), 10);
    ck_assert_uint_eq(utf8_cut(s, n, 10), 10);
    ck_assert_uint_eq(utf8_cut(s, n, 9), 6); /* never half of the 4-byte char */
    ck_assert_uint_eq(utf8_cut(s, n, 7), 6);
    ck_assert_uint_eq(utf8_cut(s, n, 6), 6);
    ck_assert_uint_eq(utf8_cut(s, n, 5), 3); /* never half of the 3-byte char */
    ck_assert_uint_eq(utf8_cut(s, n, 4), 3);
    ck_assert_uint_eq(utf8_cut(s, n, 2), 1); /* never half of the 2-byte char */
    ck_assert_uint_eq(utf8_cut(s, n, 1), 1);
    ck_assert_uint_eq(utf8_cut(s, n, 0), 0);
    /* invalid bytes count as one unit each */
    const char *bad = "ab\xff\x80\xc3";
    ck_assert_uint_eq(utf8_cut(bad, 5, 3), 3);
    ck_assert_uint_eq(utf8_cut(bad, 5, 4), 4);
    ck_assert_uint_eq(utf8_cut(bad, 5, 5), 5);
    /* a truncated sequence at the end is cut byte by byte, like invalid bytes */
    ck_assert_uint_eq(utf8_cut("x\xe2\x82", 3, 2), 2);
}
END_TEST

START_TEST(hex_encodes_lower_case)
{
    char out[17];
    const unsigned char b[] = {0x00, 0x9f, 0xab, 0xff};
    char *end = hex_put(out, b, sizeof b);
    *end = '\0';
    ck_assert_str_eq(out, "009fabff");
    ck_assert_ptr_eq(end, out + 8);
    hex_u64(0x0123456789abcdefull, out);
    ck_assert_str_eq(out, "0123456789abcdef");
}
END_TEST

START_TEST(hash_is_fnv1a_64)
{
    /* published FNV-1a 64 test vectors */
    ck_assert_uint_eq(hash_fnv1a(HASH_FNV1A_INIT, "", 0), 0xcbf29ce484222325ull);
    ck_assert_uint_eq(hash_fnv1a(HASH_FNV1A_INIT, "a", 1), 0xaf63dc4c8601ec8cull);
    ck_assert_uint_eq(hash_fnv1a(HASH_FNV1A_INIT, "foobar", 6), 0x85944171f73967e8ull);
    /* continuing a hash = hashing the concatenation */
    ck_assert_uint_eq(hash_fnv1a(hash_fnv1a(HASH_FNV1A_INIT, "foo", 3), "bar", 3),
                      0x85944171f73967e8ull);
}
END_TEST

START_TEST(secret_wipe_zeroes)
{
    char s[] = "hunter2-token";
    secret_wipe(s, sizeof s);
    for (size_t i = 0; i < sizeof s; i++)
        ck_assert_int_eq(s[i], 0);
    secret_wipe(NULL, 5); /* no-op */
    secret_free(NULL);
    char *h = strdup("secret");
    ck_assert_ptr_nonnull(h);
    secret_free(h); /* wiped then freed (checked by ASan builds for the free) */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dynbuf_stops_at_the_cap);
    tcase_add_test(tc, dynbuf_curl_write_aborts_over_the_cap);
    tcase_add_test(tc, utf8_validates);
    tcase_add_test(tc, utf8_cut_ends_at_a_character_boundary);
    tcase_add_test(tc, hex_encodes_lower_case);
    tcase_add_test(tc, hash_is_fnv1a_64);
    tcase_add_test(tc, secret_wipe_zeroes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
