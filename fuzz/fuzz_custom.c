/* libFuzzer: Custom-skill request parsing, validation and answer building on
 * arbitrary bytes: jsonguard_parse → cs_request_parse → cs_validate → every
 * slot through the duration lexer and the fuzzy matcher → cs_response_build
 * (SSML and PlainText) with the slot values as speech. Must not crash, leak
 * or read out of bounds. Oracle on every built answer (fuzz/oracle.h): strict
 * RFC 8259 JSON in valid UTF-8, and each outputSpeech (answer and reprompt) of
 * type SSML is balanced "<speak>...</speak>" with no other tag, no raw '<' or
 * '&' in the text (so no <audio> from a slot), of type PlainText valid UTF-8.
 * Links only custom_skill, duration_lex, fuzzy and jsonguard (no compiled tables). */
#include "custom/request.h"
#include "custom/duration_lex.h"
#include "custom/fuzzy.h"
#include "custom/lang.h"
#include "base/utf8.h"
#include "base/jsonguard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct fuzzy_item items[] = {
    {"automation.morning", "Morning Routine"},
    {"script.good_night", "Good Night"},
    {"timer.laundry", "Laundry"},
    {"input_select.house_mode", NULL},
};

static void check_speech(const cJSON *os, const char *out, size_t len)
{
    if (!os)
        return;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(os, "type");
    ORACLE_REQUIRE(cJSON_IsString(type), "outputSpeech without a type", out, len);
    bool ssml = strcmp(type->valuestring, "SSML") == 0;
    ORACLE_REQUIRE(ssml || strcmp(type->valuestring, "PlainText") == 0, "unknown speech type", out,
                   len);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(os, ssml ? "ssml" : "text");
    ORACLE_REQUIRE(cJSON_IsString(t), "outputSpeech without its text", out, len);
    size_t n = strlen(t->valuestring);
    if (ssml)
        ORACLE_REQUIRE(oracle_ssml(t->valuestring, n), "SSML not balanced or not escaped", out,
                       len);
    ORACLE_REQUIRE(n <= CS_SPEECH_MAX * 6 + 32, "speech longer than its cap", out, len);
}

/* The oracle on one answer (see the top of the file). */
static void check_answer(const char *out, size_t len)
{
    ORACLE_REQUIRE(len == strlen(out), "answer length is wrong", out, len);
    ORACLE_REQUIRE(oracle_json_strict(out, len), "answer is not strict JSON in UTF-8", out, len);
    cJSON *j = cJSON_ParseWithLength(out, len);
    ORACLE_REQUIRE(j != NULL, "cJSON cannot read the answer", out, len);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "response");
    ORACLE_REQUIRE(cJSON_IsObject(r), "answer without a response object", out, len);
    check_speech(cJSON_GetObjectItemCaseSensitive(r, "outputSpeech"), out, len);
    check_speech(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "reprompt"),
                                                  "outputSpeech"),
                 out, len);
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonguard_limits lim = {.max_bytes = 65536, .max_depth = 32, .max_nodes = 4000};
    cJSON *ev = jsonguard_parse((const char *)data, size, &lim, NULL);
    if (!ev)
        return 0;
    struct cs_request q;
    if (cs_request_parse(ev, &q) == CS_OK) {
        static const char *const ids[] = {"amzn1.ask.skill.a"};
        struct cs_policy p = {ids, 1, true, 150000};
        (void)cs_validate(&q, &p, 1790000000000ULL);
        for (size_t i = 0; i < q.nslots; i++) {
            const char *v = q.slots[i].value ? q.slots[i].value : "";
            uint32_t secs;
            if (duration_parse(v, strlen(v), &secs) == DURATION_OK) {
                char hms[16], words[64];
                duration_format_hms(secs, hms);
                duration_speak(secs, words, sizeof words);
            }
            /* the request's words in its language: numbers, ordinals, on/off, fills */
            const struct sk_lang *l = sk_lang_for(q.locale);
            double d;
            (void)sk_number(l, v, &d);
            (void)sk_ordinal(l, v);
            (void)sk_bool(l, v);
            char filled[64], norm[32];
            sk_fill(filled, sizeof filled, l->msg[i % SK_MSG_COUNT], "name", v, "list", v, NULL);
            if (!utf8_valid(filled, strlen(filled)) && utf8_valid(v, strlen(v)))
                abort();
            sk_normalise(v, norm, sizeof norm);
            struct fuzzy_result fr;
            fuzzy_match(v, items, sizeof items / sizeof items[0], &fr);
            if (fr.kind == FUZZY_MATCH && fr.index >= sizeof items / sizeof items[0])
                abort();
            const char *sl = q.slots[i].name ? cs_slot(&q, q.slots[i].name) : NULL;
            struct cs_answer a = {.speech = sl ? sl : v,
                                  .ssml = (i & 1) != 0,
                                  .reprompt = q.intent,
                                  .end_session = true,
                                  .session_attributes = q.session_attributes};
            size_t len;
            char *out = cs_response_build(&a, &len);
            if (out) {
                check_answer(out, len);
                free(out);
            }
        }
        struct cs_answer a = {.speech = q.type_name, .ssml = true, .end_session = true};
        size_t len;
        char *out = cs_response_build(&a, &len);
        if (out)
            check_answer(out, len);
        free(out);
    }
    cJSON_Delete(ev);
    return 0;
}
