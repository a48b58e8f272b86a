/* intent_conversation: the conversation feature (HA's conversation agent). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_conversation(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *text = cs_slot_raw(q, "Query");
    if (!cs_need_slot(c, r, text, SK_ASK_WHAT))
        return;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "text", text);
    if (q->locale && strlen(q->locale) >= 2) {
        char lang[3] = {q->locale[0], q->locale[1], '\0'};
        cJSON_AddStringToObject(d, "language", lang);
    }
    const cJSON *cid =
        r->attrs ? cJSON_GetObjectItemCaseSensitive(r->attrs, "conversation_id") : NULL;
    if (cJSON_IsString(cid) && strlen(cid->valuestring) < 256)
        cJSON_AddStringToObject(d, "conversation_id", cid->valuestring);
    char *out = NULL;
    size_t len = 0;
    int rc = cs_ha_post(c, "/api/conversation/process", d, r, &out, &len);
    cJSON_Delete(d);
    if (rc != 0)
        return;
    cJSON *j = cs_parse_reply(c, out ? out : "", len);
    free(out);
    const cJSON *sp = NULL, *resp = j ? cJSON_GetObjectItemCaseSensitive(j, "response") : NULL;
    if (cJSON_IsObject(resp)) {
        const cJSON *speech = cJSON_GetObjectItemCaseSensitive(resp, "speech");
        const cJSON *plain =
            cJSON_IsObject(speech) ? cJSON_GetObjectItemCaseSensitive(speech, "plain") : NULL;
        sp = cJSON_IsObject(plain) ? cJSON_GetObjectItemCaseSensitive(plain, "speech") : NULL;
    }
    if (!cJSON_IsString(sp)) {
        if (!c->note[0])
            cs_notef(c, "conversation reply without response.speech.plain.speech");
        cs_apologise(c, r, HF_OTHER);
        cJSON_Delete(j);
        return;
    }
    c->outcome = "ok";
    r->ssml = true; /* Home Assistant's text, escaped */
    bool more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "continue_conversation"));
    cs_say(r, !more, "%s", sp->valuestring[0] ? sp->valuestring : cs_msg(c, SK_DONE));
    if (more)
        cs_ask(r, cs_msg(c, SK_GO_ON));
    const cJSON *ncid = cJSON_GetObjectItemCaseSensitive(j, "conversation_id");
    if (cJSON_IsString(ncid) && strlen(ncid->valuestring) < 256 && r->attrs) {
        cJSON_DeleteItemFromObjectCaseSensitive(r->attrs, "conversation_id");
        cJSON_AddStringToObject(r->attrs, "conversation_id", ncid->valuestring);
    }
    cJSON_Delete(j);
}

static const struct cs_intent_impl conversation_intents[] = {
    {"ConversationIntent", h_conversation},
};
const struct cs_feature cs_feature_conversation = {"conversation", conversation_intents,
                                                   sizeof conversation_intents /
                                                       sizeof conversation_intents[0]};
