/* Unit tests for the Custom skill's compiler parts (model/skill, emit/skill_model,
 * emit/skill_messages), run against the real presets/skill/ of the source tree: pattern
 * expansion, number words 0..100 per language, the catalogue checks, one model. */
#include "emit/skill_messages.h"
#include "emit/skill_model.h"
#include "model/model_load.h"
#include "model/skill.h"

#include "diag_capture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct catalog Cat;
static struct skill Sk;
static bool Ok;

static void setup(void)
{
    open_diag();
    Ok = model_load_catalog(&Cat, LEEC_SOURCE_DIR, D) && skill_load(&Sk, &Cat, LEEC_SOURCE_DIR, D);
}

static void teardown(void)
{
    skill_free(&Sk);
    model_free_catalog(&Cat);
    close_diag();
}

#define ck_loaded() ck_assert_msg(Ok, "presets/skill did not load:\n%s", diag_text())

static size_t expand(const char *p, char ***v)
{
    size_t n = 0, cap = 0;
    *v = NULL;
    return skill_expand(p, v, &n, &cap);
}

static void free_all(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

START_TEST(test_expand)
{
    char **v;
    size_t n = expand("(trigger|fire) the {A}( automation|)", &v);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(v[0], "trigger the {A} automation");
    ck_assert_str_eq(v[1], "trigger the {A}");
    ck_assert_str_eq(v[2], "fire the {A} automation");
    ck_assert_str_eq(v[3], "fire the {A}");
    free_all(v, n);
    n = expand("env\xc3\xad"
               "a(me|) una",
               &v); /* envía(me|) una */
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0], "env\xc3\xad"
                           "ame una");
    ck_assert_str_eq(v[1], "env\xc3\xad"
                           "a una");
    free_all(v, n);
    n = expand("(a|a) b  (|) ", &v); /* duplicates dropped, spaces squeezed */
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0], "a b");
    free_all(v, n);
    n = expand("(unclosed x", &v);
    ck_assert_uint_eq(n, 1);
    free_all(v, n);
}
END_TEST

START_TEST(test_languages_are_the_schema_enum)
{
    ck_loaded();
    size_t n;
    const char *const *l = skill_languages(&Cat, &n);
    ck_assert_uint_eq(n, Sk.nlangs);
    ck_assert_str_eq(l[0], "en");
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(Sk.langs[i].code, l[i]);
}
END_TEST

START_TEST(test_number_words_cover_0_to_100)
{
    ck_loaded();
    for (size_t i = 0; i < Sk.nlangs; i++) {
        struct skill_word *w;
        size_t n = skill_number_words(&Sk.langs[i], &w);
        bool seen[101] = {0};
        for (size_t j = 0; j < n; j++) {
            ck_assert_int_ge(w[j].value, 0);
            ck_assert_int_le(w[j].value, 100);
            seen[w[j].value] = true;
        }
        for (int v = 0; v <= 100; v++)
            ck_assert_msg(seen[v], "%s: no word for %d", Sk.langs[i].code, v);
        skill_words_free(w, n);
    }
}
END_TEST

static int word(const char *lang, const char *text)
{
    struct skill_word *w;
    size_t n = skill_number_words(skill_lang(&Sk, lang), &w);
    int v = -1;
    for (size_t j = 0; j < n; j++)
        if (!strcmp(w[j].word, text))
            v = w[j].value;
    skill_words_free(w, n);
    return v;
}

START_TEST(test_number_rules)
{
    ck_loaded();
    ck_assert_int_eq(word("en", "fifty five"), 55);
    ck_assert_int_eq(word("de", "einundzwanzig"), 21);
    ck_assert_int_eq(word("de", "dreissig"), 30); /* Swiss spelling of dreißig */
    ck_assert_int_eq(word("fr", "soixante et onze"), 71);
    ck_assert_int_eq(word("fr", "quatre vingts"), 80);
    ck_assert_int_eq(word("es", "treinta y uno"), 31);
    ck_assert_int_eq(word("es", "veinti\xc3\xban"), 21);
    ck_assert_int_eq(word("it", "ventuno"), 21);
    ck_assert_int_eq(word("it", "ventotto"), 28);
    ck_assert_int_eq(word("it", "ventitr\xc3\xa9"), 23);
}
END_TEST

START_TEST(test_messages_only_the_chosen_languages)
{
    ck_loaded();
    const char *langs[] = {"de"};
    char *c = skill_messages_render(&Sk, langs, 1);
    ck_assert_ptr_nonnull(strstr(c, "static const struct sk_lang lang_en"));
    ck_assert_ptr_nonnull(strstr(c, "static const struct sk_lang lang_de"));
    ck_assert_ptr_null(strstr(c, "lang_fr"));
    ck_assert_ptr_nonnull(strstr(c, "{&lang_en, &lang_de}"));
    ck_assert_ptr_nonnull(strstr(c, "_Static_assert(SK_MSG_COUNT =="));
    for (const char *p = c; *p; p++) /* ASCII only: non-ASCII as octal escapes */
        ck_assert_int_lt((unsigned char)*p, 0x80);
    free(c);
}
END_TEST

START_TEST(test_model_every_intent)
{
    ck_loaded();
    const struct skill_lang *en = skill_lang(&Sk, "en");
    char *m = skill_model_render(&Sk, en, &en->locales[0], NULL, D);
    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < Sk.nintents; i++) {
        char needle[128];
        snprintf(needle, sizeof needle, "\"%s\"", Sk.intents[i].name);
        ck_assert_msg(strstr(m, needle), "%s missing", Sk.intents[i].name);
    }
    ck_assert_ptr_nonnull(strstr(m, "\"invocationName\":\t\"home bridge\""));
    free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("skill");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_expand);
    tcase_add_test(tc, test_languages_are_the_schema_enum);
    tcase_add_test(tc, test_number_words_cover_0_to_100);
    tcase_add_test(tc, test_number_rules);
    tcase_add_test(tc, test_messages_only_the_chosen_languages);
    tcase_add_test(tc, test_model_every_intent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
