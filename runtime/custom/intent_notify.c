/* intent_notify: the notifications feature (announcements, notifications). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_announce(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *msg = cs_slot_raw(q, "Message");
    if (!cs_need_slot(c, r, msg, SK_ANNOUNCE_WHAT))
        return;
    const char *room = cs_slot(q, "Room");
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    cJSON *players = cJSON_CreateArray();
    const char *tts = c->tts_entity;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        if (!tts && cs_in_domain(cs_ent_id(x), "tts"))
            tts = cs_ent_id(x);
    }
    if (room) {
        cJSON *ids = cs_area_entities(c, room, r);
        if (!ids)
            goto out;
        cJSON_ArrayForEach(x, ids)
        {
            if (cs_in_domain(x->valuestring, "media_player"))
                cJSON_AddItemToArray(players, cJSON_CreateString(x->valuestring));
        }
        cJSON_Delete(ids);
        if (!cJSON_GetArraySize(players)) {
            c->outcome = "no_match";
            cs_say_msg(c, r, true, SK_NO_SPEAKER_IN, "room", room, NULL);
            goto out;
        }
    } else if (c->n_media_players) {
        for (size_t i = 0; i < c->n_media_players; i++)
            cJSON_AddItemToArray(players, cJSON_CreateString(c->media_players[i]));
    } else {
        cJSON_ArrayForEach(x, st)
        {
            if (cs_in_domain(cs_ent_id(x), "media_player"))
                cJSON_AddItemToArray(players, cJSON_CreateString(cs_ent_id(x)));
        }
    }
    if (!tts || !cJSON_GetArraySize(players)) {
        c->outcome = "no_entities";
        cs_say_msg(c, r, true, tts ? SK_NO_SPEAKERS : SK_NO_TTS, NULL);
        goto out;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "entity_id", tts);
    cJSON_AddItemToObject(d, "media_player_entity_id", cJSON_Duplicate(players, true));
    cJSON_AddStringToObject(d, "message", msg);
    if (cs_call_service(c, "tts", "speak", d, r) == 0) {
        c->outcome = "ok";
        if (room)
            cs_say_msg(c, r, true, SK_ANNOUNCED_IN, "room", room, NULL);
        else
            cs_say_msg(c, r, true, SK_ANNOUNCED, NULL);
    }
    cJSON_Delete(d);
out:
    cJSON_Delete(players);
    cJSON_Delete(st);
}

static void h_notify(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *msg = cs_slot_raw(q, "Message");
    if (!cs_need_slot(c, r, msg, SK_NOTIFY_WHAT))
        return;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "message", msg);
    cJSON_AddStringToObject(d, "title", cs_msg(c, SK_NOTIFY_TITLE));
    if (cs_call_service(c, "notify", c->notify_target ? c->notify_target : "notify", d, r) == 0) {
        c->outcome = "ok";
        cs_say_msg(c, r, true, SK_NOTIFIED, NULL);
    }
    cJSON_Delete(d);
}

static const struct cs_intent_impl notifications_intents[] = {
    {"MakeAnnouncementIntent", h_announce},
    {"SendNotificationIntent", h_notify},
};
const struct cs_feature cs_feature_notifications = {"notifications", notifications_intents,
                                                    sizeof notifications_intents /
                                                        sizeof notifications_intents[0]};
