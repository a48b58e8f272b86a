/* cs_dispatch without the compiled tables: the features of a build are a list the
 * caller passes (core/bind.c in bootstrap, by hand here). No Home Assistant call is
 * made by any case below. */
#include "custom/dispatch.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct cs_request intent(enum cs_type type, const char *name)
{
    struct cs_request q;
    memset(&q, 0, sizeof q);
    q.type = type;
    q.type_name = type == CS_INTENT ? "IntentRequest" : "CanFulfillIntentRequest";
    q.intent = name;
    return q;
}

/* As bind.c passes it from LEEC_FEATURE_PRESETS. */
static const struct cs_feature_preset presets[] = {{"areas", "smart_home"}, {"timers", "full"}};

START_TEST(feature_not_in_the_build_is_named)
{
    struct cs_ctx c = {.token = "t", .feature_presets = presets, .n_feature_presets = 2};
    struct cs_request q = intent(CS_INTENT, "StartTimerIntent");
    struct cs_reply r;
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(c.outcome, "not_built");
    ck_assert_str_eq(c.missing_feature, "timers");
    ck_assert_str_eq(c.feature_preset, "full");
    ck_assert_ptr_nonnull(strstr(r.speech, "isn't included in this build"));
    ck_assert(!c.ha_called);
    cs_reply_free(&r);
}
END_TEST

START_TEST(can_fulfill_follows_the_features)
{
    struct cs_ctx c = {0};
    struct cs_request q = intent(CS_CAN_FULFILL, "StartTimerIntent");
    struct cs_reply r;
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.can_fulfill, "NO");
    cs_reply_free(&r);
    static const struct cs_feature *const timers[] = {&cs_feature_timers};
    c.features = timers;
    c.n_features = 1;
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.can_fulfill, "MAYBE");
    cs_reply_free(&r);
    q = intent(CS_CAN_FULFILL, "AMAZON.HelpIntent"); /* built in */
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.can_fulfill, "MAYBE");
    cs_reply_free(&r);
}
END_TEST

START_TEST(built_feature_without_token_asks_to_link)
{
    static const struct cs_feature *const timers[] = {&cs_feature_timers};
    struct cs_ctx c = {.features = timers, .n_features = 1};
    struct cs_request q = intent(CS_INTENT, "StartTimerIntent");
    struct cs_reply r;
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(c.outcome, "no_token");
    ck_assert(r.link_account);
    ck_assert(!c.ha_called);
    cs_reply_free(&r);
}
END_TEST

START_TEST(answers_in_the_build_s_languages)
{
    static const char *const en_de[] = {"en", "de"};
    struct cs_ctx c = {.languages = en_de, .n_languages = 2};
    struct cs_request q = intent(CS_INTENT, "AMAZON.StopIntent");
    struct cs_reply r;
    q.locale = "de-DE";
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.speech, "Tschüss.");
    cs_reply_free(&r);
    q.locale = "fr-FR"; /* compiled in, not chosen for this build */
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.speech, "Goodbye.");
    cs_reply_free(&r);
    c.n_languages = 0; /* no choice: every compiled-in language */
    cs_dispatch(&c, &q, &r);
    ck_assert_str_eq(r.speech, "Au revoir.");
    ck_assert(r.end_session);
    cs_reply_free(&r);
    q = intent(CS_INTENT, "AMAZON.HelpIntent");
    q.locale = "it-IT";
    cs_dispatch(&c, &q, &r);
    ck_assert(!r.end_session);
    ck_assert(r.has_reprompt);
    ck_assert_str_eq(r.reprompt, "Cosa vuoi fare?");
    cs_reply_free(&r);
}
END_TEST

START_TEST(open_questions_need_a_session)
{
    struct cs_ctx c = {.token = "t"};
    struct cs_request q = intent(CS_INTENT, "SelectIntent");
    struct cs_reply r;
    cs_dispatch(&c, &q, &r); /* no question asked */
    ck_assert_str_eq(c.outcome, "nothing_to_select");
    ck_assert(!r.end_session && r.has_reprompt);
    cs_reply_free(&r);
    cJSON *attrs = cJSON_Parse("{\"leec_pending\": {\"v\": 1}}");
    q.session_attributes = attrs;
    cs_dispatch(&c, &q, &r); /* malformed */
    ck_assert_str_eq(c.outcome, "stale_question");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(r.attrs, "leec_pending"));
    ck_assert(!c.ha_called);
    cs_reply_free(&r);
    cJSON_Delete(attrs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("custom_dispatch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, feature_not_in_the_build_is_named);
    tcase_add_test(tc, can_fulfill_follows_the_features);
    tcase_add_test(tc, built_feature_without_token_asks_to_link);
    tcase_add_test(tc, answers_in_the_build_s_languages);
    tcase_add_test(tc, open_questions_need_a_session);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
