#include "custom/lang.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct sk_lang *L(const char *locale) { return sk_lang_for(locale); }

START_TEST(language_by_locale)
{
    ck_assert_str_eq(L("de-DE")->code, "de");
    ck_assert_str_eq(L("fr-CA")->code, "fr");
    ck_assert_str_eq(L("es-MX")->code, "es");
    ck_assert_str_eq(L("it-IT")->code, "it");
    ck_assert_str_eq(L("en-GB")->code, "en");
    ck_assert_str_eq(L("DE")->code, "de");
    ck_assert_str_eq(L("ja-JP")->code, "en");
    ck_assert_str_eq(L("d")->code, "en");
    ck_assert_str_eq(L("dex")->code, "en");
    ck_assert_str_eq(L(NULL)->code, "en");
    ck_assert_str_eq(sk_langs[0]->code, "en");
    for (size_t i = 0; i < sk_nlangs; i++)
        for (size_t m = 0; m < SK_MSG_COUNT; m++)
            ck_assert_ptr_nonnull(sk_langs[i]->msg[m]);
}
END_TEST

START_TEST(fill)
{
    char out[64];
    sk_fill(out, sizeof out, "Triggered {name}.", "name", "Morning Routine", NULL);
    ck_assert_str_eq(out, "Triggered Morning Routine.");
    sk_fill(out, sizeof out, "{a}{b}{a} {unknown}!", "a", "x", "b", "y", NULL);
    ck_assert_str_eq(out, "xyx !");
    sk_fill(out, sizeof out, "{ not closed", NULL);
    ck_assert_str_eq(out, "{ not closed");
    sk_fill(out, sizeof out, "{v}", "v", "{name}", "name", "no recursion", NULL);
    ck_assert_str_eq(out, "{name}");
    /* cut at a character boundary: "ä" is two bytes */
    char small[6];
    sk_fill(small, sizeof small, "abcdä", NULL);
    ck_assert_str_eq(small, "abcd");
    sk_fill(small, sizeof small, "{x}", "x", "abäcd", NULL);
    ck_assert_str_eq(small, "abäc");
}
END_TEST

START_TEST(lists_durations_numbers)
{
    const char *abc[] = {"A", "B", "C"};
    char out[128];
    sk_list(L("en-US"), out, sizeof out, abc, 3, false);
    ck_assert_str_eq(out, "A, B and C");
    sk_list(L("de-DE"), out, sizeof out, abc, 3, false);
    ck_assert_str_eq(out, "A, B und C");
    sk_list(L("fr-FR"), out, sizeof out, abc, 2, true);
    ck_assert_str_eq(out, "A ou B");
    sk_list(L("it-IT"), out, sizeof out, abc, 1, false);
    ck_assert_str_eq(out, "A");
    const char *es[] = {"Luz", "Iglesia"}, *es2[] = {"agua", "hielo"}, *es3[] = {"siete", "ocho"};
    sk_list(L("es-ES"), out, sizeof out, es, 2, false);
    ck_assert_str_eq(out, "Luz e Iglesia");
    sk_list(L("es-ES"), out, sizeof out, es2, 2, false);
    ck_assert_str_eq(out, "agua y hielo");
    sk_list(L("es-ES"), out, sizeof out, es3, 2, true);
    ck_assert_str_eq(out, "siete u ocho");
    sk_duration(L("en-US"), 5400, out, sizeof out);
    ck_assert_str_eq(out, "1 hour 30 minutes");
    sk_duration(L("de-DE"), 3661, out, sizeof out);
    ck_assert_str_eq(out, "1 Stunde, 1 Minute und 1 Sekunde");
    sk_duration(L("es-ES"), 600, out, sizeof out);
    ck_assert_str_eq(out, "10 minutos");
    sk_duration(L("it-IT"), 0, out, sizeof out);
    ck_assert_str_eq(out, "0 secondi");
    sk_number_text(L("de-DE"), 20.5, out, sizeof out);
    ck_assert_str_eq(out, "20,5");
    sk_number_text(L("en-US"), 20.5, out, sizeof out);
    ck_assert_str_eq(out, "20.5");
    sk_number_text(L("fr-FR"), 50, out, sizeof out);
    ck_assert_str_eq(out, "50");
}
END_TEST

static double num(const char *locale, const char *s)
{
    double v = -999;
    if (sk_number(L(locale), s, &v) != 0)
        return -1;
    return v;
}

START_TEST(spoken_numbers)
{
    ck_assert_double_eq(num("en-US", "50"), 50);
    ck_assert_double_eq(num("en-US", "50%"), 50);
    ck_assert_double_eq(num("en-US", "50 percent"), 50);
    ck_assert_double_eq(num("en-US", "20.5"), 20.5);
    ck_assert_double_eq(num("de-DE", "20,5"), 20.5);
    ck_assert_double_eq(num("de-DE", "50 Prozent"), 50);
    ck_assert_double_eq(num("en-US", "fifty"), 50);
    ck_assert_double_eq(num("en-US", "Fifty-Five"), 55);
    ck_assert_double_eq(num("en-US", "twenty point five"), 20.5);
    ck_assert_double_eq(num("de-DE", "fünfzig"), 50);
    ck_assert_double_eq(num("de-DE", "Einundzwanzig"), 21);
    ck_assert_double_eq(num("de-DE", "zwanzig komma fünf"), 20.5);
    ck_assert_double_eq(num("fr-FR", "quatre-vingt-dix-neuf"), 99);
    ck_assert_double_eq(num("fr-FR", "soixante et onze"), 71);
    ck_assert_double_eq(num("fr-FR", "cinquante pour cent"), 50);
    ck_assert_double_eq(num("es-ES", "cincuenta y cinco"), 55);
    ck_assert_double_eq(num("es-ES", "veintidós"), 22);
    ck_assert_double_eq(num("it-IT", "ventotto"), 28);
    ck_assert_double_eq(num("it-IT", "cinquanta"), 50);
    ck_assert_double_eq(num("de-DE", "fifty"), 50); /* English understood everywhere */
    ck_assert_double_eq(num("en-US", "lots"), -1);
    ck_assert_double_eq(num("en-US", "50 apples"), -1);
    ck_assert_double_eq(num("en-US", ""), -1);
    ck_assert_double_eq(num("en-US", "inf"), -1);
    ck_assert_double_eq(num("en-US", "nan"), -1);
}
END_TEST

START_TEST(ordinals_and_bools)
{
    ck_assert_int_eq(sk_ordinal(L("en-US"), "2"), 2);
    ck_assert_int_eq(sk_ordinal(L("en-US"), "2nd"), 2);
    ck_assert_int_eq(sk_ordinal(L("en-US"), "the first one"), 1);
    ck_assert_int_eq(sk_ordinal(L("en-US"), "number three"), 3);
    ck_assert_int_eq(sk_ordinal(L("de-DE"), "der Zweite"), 2);
    ck_assert_int_eq(sk_ordinal(L("fr-FR"), "le premier"), 1);
    ck_assert_int_eq(sk_ordinal(L("fr-FR"), "la Deuxième"), 2);
    ck_assert_int_eq(sk_ordinal(L("es-ES"), "el primero"), 1);
    ck_assert_int_eq(sk_ordinal(L("it-IT"), "il terzo"), 3);
    ck_assert_int_eq(sk_ordinal(L("en-US"), "kitchen"), 0);
    ck_assert_int_eq(sk_ordinal(L("en-US"), "0"), 0);
    ck_assert_int_eq(sk_ordinal(L("en-US"), NULL), 0);
    ck_assert_int_eq(sk_bool(L("en-US"), "Enable"), 1);
    ck_assert_int_eq(sk_bool(L("en-US"), "off"), 0);
    ck_assert_int_eq(sk_bool(L("de-DE"), "aus"), 0);
    ck_assert_int_eq(sk_bool(L("de-DE"), "on"), 1);
    ck_assert_int_eq(sk_bool(L("fr-FR"), "ÉTEINT"), 0);
    ck_assert_int_eq(sk_bool(L("es-ES"), "encendido"), 1);
    ck_assert_int_eq(sk_bool(L("it-IT"), "spento"), 0);
    ck_assert_int_eq(sk_bool(L("en-US"), "purple"), -1);
}
END_TEST

START_TEST(normalise)
{
    char out[64];
    sk_normalise("  Quatre-Vingt_DIX!! ", out, sizeof out);
    ck_assert_str_eq(out, "quatre vingt dix");
    sk_normalise("ÜBER Éclair", out, sizeof out);
    ck_assert_str_eq(out, "über éclair");
    sk_normalise("\xff\xfe ok", out, sizeof out); /* invalid bytes dropped */
    ck_assert_str_eq(out, "ok");
    char tiny[4];
    sk_normalise("ääää", tiny, sizeof tiny); /* whole characters only */
    ck_assert_str_eq(tiny, "ä");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("custom_lang");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, language_by_locale);
    tcase_add_test(tc, fill);
    tcase_add_test(tc, lists_durations_numbers);
    tcase_add_test(tc, spoken_numbers);
    tcase_add_test(tc, ordinals_and_bools);
    tcase_add_test(tc, normalise);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
