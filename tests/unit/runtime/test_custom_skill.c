#include "custom/request.h"

#include "base/utf8.h"
#include "custom/dispatch.h"
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *EV =
    "{\"version\":\"1.0\",\"session\":{\"new\":true,\"application\":{\"applicationId\":"
    "\"amzn1.ask.skill.a\"},\"attributes\":{\"conversation_id\":\"C1\"}},"
    "\"context\":{\"System\":{\"application\":{\"applicationId\":\"amzn1.ask.skill.a\"},"
    "\"user\":{\"accessToken\":\"tok\"}}},\"request\":{\"type\":\"IntentRequest\","
    "\"requestId\":\"r1\",\"timestamp\":\"2026-11-22T10:00:00Z\",\"locale\":\"en-US\","
    "\"intent\":{\"name\":\"RunScriptIntent\",\"slots\":{\"Script\":{\"name\":\"Script\","
    "\"value\":\"goodnight\",\"resolutions\":{\"resolutionsPerAuthority\":[{\"status\":{"
    "\"code\":\"ER_SUCCESS_MATCH\"},\"values\":[{\"value\":{\"name\":\"good night\"}}]}]}},"
    "\"Empty\":{\"name\":\"Empty\"}}}}}";

START_TEST(parse_and_validate)
{
    cJSON *ev = cJSON_Parse(EV);
    struct cs_request q;
    ck_assert_int_eq(cs_request_parse(ev, &q), CS_OK);
    ck_assert_int_eq(q.type, CS_INTENT);
    ck_assert_str_eq(q.intent, "RunScriptIntent");
    ck_assert_str_eq(cs_slot(&q, "Script"), "good night");
    ck_assert_str_eq(cs_slot_raw(&q, "Script"), "goodnight");
    ck_assert_ptr_null(cs_slot(&q, "Empty"));
    ck_assert_ptr_null(cs_slot(&q, "Nope"));
    ck_assert_str_eq(q.access_token, "tok");
    ck_assert(q.session_new);
    ck_assert_ptr_nonnull(q.session_attributes);
    uint64_t ts;
    ck_assert_int_eq(cs_parse_timestamp(q.timestamp, &ts), 0);
    const char *ids[] = {"amzn1.ask.skill.a"};
    struct cs_policy p = {ids, 1, true, 150000};
    ck_assert_int_eq(cs_validate(&q, &p, ts + 149000), CS_OK);
    ck_assert_int_eq(cs_validate(&q, &p, ts - 149000), CS_OK);
    ck_assert_int_eq(cs_validate(&q, &p, ts + 151000), CS_STALE);
    const char *other[] = {"amzn1.ask.skill.b"};
    struct cs_policy p2 = {other, 1, false, 0};
    ck_assert_int_eq(cs_validate(&q, &p2, ts), CS_WRONG_APP_ID);
    struct cs_policy none_strict = {NULL, 0, true, 0};
    ck_assert_int_eq(cs_validate(&q, &none_strict, ts), CS_NO_SKILL_IDS);
    struct cs_policy none = {NULL, 0, false, 0};
    ck_assert_int_eq(cs_validate(&q, &none, ts), CS_OK);
    q.version = "2.0";
    ck_assert_int_eq(cs_validate(&q, &p, ts), CS_BAD_VERSION);
    cJSON_Delete(ev);

    ev = cJSON_Parse("{\"version\":\"1.0\",\"request\":{\"type\":5}}");
    ck_assert_int_eq(cs_request_parse(ev, &q), CS_MALFORMED);
    cJSON_Delete(ev);
    ev = cJSON_Parse("{\"version\":\"1.0\"}");
    ck_assert_int_eq(cs_request_parse(ev, &q), CS_MALFORMED);
    cJSON_Delete(ev);
    ck_assert_int_eq(cs_request_parse(NULL, &q), CS_MALFORMED);
}
END_TEST

START_TEST(timestamps)
{
    uint64_t t;
    ck_assert_int_eq(cs_parse_timestamp("1970-01-01T00:00:00Z", &t), 0);
    ck_assert_uint_eq(t, 0);
    ck_assert_int_eq(cs_parse_timestamp("2000-03-01T00:00:01.5Z", &t), 0);
    ck_assert_uint_eq(t, 951868801500ULL);
    ck_assert_int_eq(cs_parse_timestamp("2026-11-22T10:00:00+00:00", &t), 0);
    ck_assert_int_eq(cs_parse_timestamp("2026-11-22 10:00:00Z", &t), -1);
    ck_assert_int_eq(cs_parse_timestamp("2026-13-22T10:00:00Z", &t), -1);
    ck_assert_int_eq(cs_parse_timestamp("2026-11-22T10:00:00", &t), -1);
    ck_assert_int_eq(cs_parse_timestamp("yesterday", &t), -1);
    ck_assert_int_eq(cs_parse_timestamp("", &t), -1);
    ck_assert_int_eq(cs_parse_timestamp(NULL, &t), -1);
}
END_TEST

START_TEST(ssml_escape)
{
    char out[64];
    cs_ssml_escape("Tom & Jerry <b> \"q\" it's", out, sizeof out);
    ck_assert_str_eq(out, "Tom &amp; Jerry &lt;b&gt; &quot;q&quot; it&apos;s");
    char tiny[8];
    cs_ssml_escape("a&b", tiny, 5); /* "a" + no room for "&amp;" */
    ck_assert_str_eq(tiny, "a");
    cs_ssml_escape("\xc3\xa9\xc3\xa9\xc3\xa9", tiny, 6); /* never cut a UTF-8 sequence */
    ck_assert_str_eq(tiny, "\xc3\xa9\xc3\xa9");
}
END_TEST

/* Issue 12: the escaper validates UTF-8. A byte >= 0xC0 that starts no valid
 * sequence used to swallow the next byte unchecked, so "<audio" survived. */
START_TEST(ssml_escape_invalid_utf8)
{
    char out[256];
    cs_ssml_escape("\xC0<audio src=\"x\"/>", out, sizeof out);
    ck_assert_str_eq(out, "\xEF\xBF\xBD&lt;audio src=&quot;x&quot;/&gt;");
    ck_assert_ptr_null(strchr(out, '<'));
    ck_assert(utf8_valid(out, strlen(out)));
    /* every shape of invalid sequence, each byte a U+FFFD, never eating a '<' or '&' */
    static const char *const bad[] = {
        "\xE0<audio>",           "\xF0\x9F<audio>", "\xED\xA0\x80<x>",   "\xC1\x81<x>", "\x80<x>",
        "\xF5\x80\x80\x80&amp;", "\xFF<",           "\xF4\x90\x80\x80<", "\xE2\x82<b>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = cs_ssml_escape(bad[i], out, sizeof out);
        ck_assert_uint_eq(n, strlen(out));
        ck_assert_msg(!strchr(out, '<') && utf8_valid(out, n), "case %zu: %s", i, out);
        ck_assert_ptr_nonnull(strstr(out, "\xEF\xBF\xBD"));
    }
    /* valid text is unchanged; control characters (not allowed in XML) become spaces */
    cs_ssml_escape("caf\xC3\xA9 \xE2\x98\x95 \xF0\x9F\x8D\xB5\t\x01\x1F", out, sizeof out);
    ck_assert_str_eq(out, "caf\xC3\xA9 \xE2\x98\x95 \xF0\x9F\x8D\xB5\t  ");
    /* a replacement never overflows: 4 bytes of room hold one U+FFFD */
    char tiny[5];
    ck_assert_uint_eq(cs_ssml_escape("\xC0\xC0", tiny, sizeof tiny), 3);
    ck_assert_str_eq(tiny, "\xEF\xBF\xBD");
}
END_TEST

static bool speech_ok(const char *json, size_t len, bool ssml)
{
    if (!utf8_valid(json, len))
        return false;
    cJSON *j = cJSON_ParseWithLength(json, len);
    const cJSON *os = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "response"), "outputSpeech");
    const cJSON *t = cJSON_GetObjectItem(os, ssml ? "ssml" : "text");
    bool ok = cJSON_IsString(t) && utf8_valid(t->valuestring, strlen(t->valuestring)) &&
              !strstr(t->valuestring, "\xEF\xBF\xBD");
    if (ok && ssml)
        ok = strncmp(t->valuestring, "<speak>", 7) == 0 && !strstr(t->valuestring + 7, "<audio");
    cJSON_Delete(j);
    return ok;
}

/* Issue 12: spoken text is cut only at character boundaries. */
START_TEST(speech_cut_at_characters)
{
    /* a 500 x "\xC3\xA9" slot in an answer longer than the speech buffer */
    char slot[1001];
    for (int i = 0; i < 500; i++)
        memcpy(slot + 2 * i, "\xC3\xA9", 2);
    slot[1000] = '\0';
    struct cs_reply r;
    memset(&r, 0, sizeof r);
    for (int pre = 0; pre < 4; pre++) {
        cs_say(&r, true, "%.*sI couldn't find an automation called %s.", pre, "xyz", slot);
        ck_assert(utf8_valid(r.speech, strlen(r.speech)));
        ck_assert_uint_ge(strlen(r.speech), sizeof r.speech - 2);
        cs_ask(&r, slot);
        ck_assert(utf8_valid(r.reprompt, strlen(r.reprompt)));
        struct cs_answer a;
        cs_reply_answer(&r, &a);
        for (int ssml = 0; ssml < 2; ssml++) {
            a.ssml = ssml;
            size_t len;
            char *out = cs_response_build(&a, &len);
            ck_assert(speech_ok(out, len, ssml));
            free(out);
        }
    }
    /* a 200-byte CJK helper state formatted into a small buffer */
    char cjk[202];
    for (int i = 0; i < 66; i++)
        memcpy(cjk + 3 * i, "\xE5\x8C\x97", 3);
    memcpy(cjk + 198, "ab", 3);
    for (size_t cap = 1; cap < 80; cap++) {
        char vt[80];
        cs_sayf(vt, cap, "%s", cjk);
        ck_assert_uint_le(strlen(vt), cap - 1);
        ck_assert_uint_eq(strlen(vt) % 3, 0);
        ck_assert(utf8_valid(vt, strlen(vt)));
        cs_sayf(vt, cap, "state %s", cjk);
        ck_assert(utf8_valid(vt, strlen(vt)));
    }
    char vt[64];
    cs_sayf(vt, sizeof vt, "%s", cjk);
    cs_say(&r, true, "Guest mode is %s.", vt);
    ck_assert_str_eq(r.speech + strlen(r.speech) - 4, "\xE5\x8C\x97.");
    struct cs_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cs_notef(&ctx, "state %s %s", cjk, cjk);
    ck_assert(utf8_valid(ctx.note, strlen(ctx.note)));
    /* text that is itself invalid is repaired, never passed through */
    struct cs_answer a = {.speech = "ok \xC0<audio src=\"x\"/> \xE5\x8C", .end_session = true};
    for (int ssml = 0; ssml < 2; ssml++) {
        a.ssml = ssml;
        size_t len;
        char *out = cs_response_build(&a, &len);
        ck_assert(utf8_valid(out, len));
        if (ssml) /* as PlainText, "<audio" is just text */
            ck_assert_ptr_null(strstr(out, "<audio"));
        free(out);
    }
}
END_TEST

/* Found by fuzz_custom's oracle: session attributes echoed with invalid UTF-8. */
START_TEST(session_attributes_repaired)
{
    cJSON *attrs = cJSON_Parse("{\"\xFF\xF6id\":\"C\xC0\",\"ok\":[\"\xE5\x8C\"]}");
    ck_assert_ptr_nonnull(attrs);
    struct cs_answer a = {.speech = "hi", .end_session = true, .session_attributes = attrs};
    size_t len;
    char *s = cs_response_build(&a, &len);
    ck_assert(utf8_valid(s, len));
    ck_assert_ptr_nonnull(strstr(s, "\"sessionAttributes\":{\"\xEF\xBF\xBD\xEF\xBF\xBDid\":"
                                    "\"C\xEF\xBF\xBD\",\"ok\":[\"\xEF\xBF\xBD\xEF\xBF\xBD\"]}"));
    free(s);
    cJSON_Delete(attrs);
}
END_TEST

START_TEST(responses)
{
    cJSON *attrs = cJSON_Parse("{\"conversation_id\":\"C1\"}");
    struct cs_answer a = {.speech = "Hi <there> & you",
                          .ssml = true,
                          .reprompt = "More?",
                          .end_session = true,
                          .session_attributes = attrs};
    size_t len;
    char *s = cs_response_build(&a, &len);
    ck_assert_uint_eq(len, strlen(s));
    cJSON *j = cJSON_Parse(s);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "version")->valuestring, "1.0");
    cJSON *resp = cJSON_GetObjectItem(j, "response");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "outputSpeech"), "ssml")->valuestring,
        "<speak>Hi &lt;there&gt; &amp; you</speak>");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(resp, "shouldEndSession"))); /* reprompt */
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(resp, "reprompt"));
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "sessionAttributes"), "conversation_id")
            ->valuestring,
        "C1");
    cJSON_Delete(j);
    free(s);

    struct cs_answer b = {.speech = "Bye", .end_session = true, .link_account = true};
    s = cs_response_build(&b, &len);
    ck_assert_str_eq(s, "{\"version\":\"1.0\",\"response\":{\"outputSpeech\":{\"type\":"
                        "\"PlainText\",\"text\":\"Bye\"},\"card\":{\"type\":\"LinkAccount\"},"
                        "\"shouldEndSession\":true}}");
    free(s);
    struct cs_answer e = {.empty = true};
    s = cs_response_build(&e, &len);
    ck_assert_str_eq(s, "{\"version\":\"1.0\",\"response\":{}}");
    free(s);
    /* long speech is capped */
    char *big = malloc(20000);
    memset(big, 'x', 19999);
    big[19999] = '\0';
    struct cs_answer c = {.speech = big, .end_session = true};
    s = cs_response_build(&c, &len);
    ck_assert_uint_lt(len, CS_SPEECH_MAX + 200);
    free(s);
    free(big);
    cJSON_Delete(attrs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("custom_skill");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_and_validate);
    tcase_add_test(tc, timestamps);
    tcase_add_test(tc, ssml_escape);
    tcase_add_test(tc, ssml_escape_invalid_utf8);
    tcase_add_test(tc, speech_cut_at_characters);
    tcase_add_test(tc, session_attributes_repaired);
    tcase_add_test(tc, responses);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
