/* libFuzzer: Custom-skill request parsing, validation and answer building on
 * arbitrary bytes: jsonguard_parse → cs_request_parse → cs_validate → every
 * slot through the duration lexer and the fuzzy matcher → cs_response_build
 * (SSML and PlainText) with the slot values as speech. Must not crash, leak
 * or read out of bounds; a built answer must be valid JSON. Links only
 * custom_skill, duration_lex, fuzzy and jsonguard (no compiled tables). */
#include "custom/request.h"
#include "custom/duration_lex.h"
#include "custom/fuzzy.h"
#include "custom/lang.h"
#include "base/utf8.h"
#include "base/jsonguard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct fuzzy_item items[] = {
    {"automation.morning", "Morning Routine"},
    {"script.good_night", "Good Night"},
    {"timer.laundry", "Laundry"},
    {"input_select.house_mode", NULL},
};

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
                cJSON *back = cJSON_ParseWithLength(out, len);
                if (!back)
                    abort();
                cJSON_Delete(back);
                free(out);
            }
        }
        struct cs_answer a = {.speech = q.type_name, .ssml = true, .end_session = true};
        size_t len;
        free(cs_response_build(&a, &len));
    }
    cJSON_Delete(ev);
    return 0;
}
