/* intent_areas: the areas feature (control everything in an area). */
#include "custom/intent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_area_control(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *area = cs_slot(q, "Area");
    if (!cs_need_slot(c, r, area, "Which room?"))
        return;
    const char *action = cs_slot(q, "Action");
    int on = action ? (strcmp(action, "on") == 0 ? 1 : strcmp(action, "off") == 0 ? 0 : -1) : -1;
    if (on < 0) {
        c->outcome = "invalid_value";
        cs_say(r, true, "I can turn things in a room on or off.");
        return;
    }
    static const struct {
        const char *spoken, *domain, *plural;
    } kinds[] = {{"light", "light", "lights"},
                 {"switch", "switch", "switches"},
                 {"fan", "fan", "fans"},
                 {"cover", "cover", "covers"},
                 {"media player", "media_player", "media players"}};
    const char *dt = cs_slot(q, "DeviceType");
    char dn[64];
    fuzzy_normalise(dt ? dt : "everything", dt ? strlen(dt) : 10, dn, sizeof dn);
    int kind = -1; /* -1: everything */
    if (strcmp(dn, "everything") && strcmp(dn, "all") && strcmp(dn, "thing") && dn[0]) {
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(dn, kinds[i].spoken) == 0)
                kind = (int)i;
        if (kind < 0) {
            c->outcome = "invalid_value";
            cs_say(r, true,
                   "I can switch lights, switches, fans, covers or media players, or "
                   "everything in a room.");
            return;
        }
    }
    cJSON *ids = cs_area_entities(c, area, r);
    if (!ids)
        return;
    cJSON *targets = cJSON_CreateArray();
    const char *first_domain = NULL;
    bool mixed = false;
    const cJSON *x;
    cJSON_ArrayForEach(x, ids)
    {
        const char *id = x->valuestring;
        bool ok = false;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !ok; i++)
            ok = (kind < 0 || (size_t)kind == i) && cs_in_domain(id, kinds[i].domain);
        if (!ok)
            continue;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (cs_in_domain(id, kinds[i].domain)) {
                if (first_domain && strcmp(first_domain, kinds[i].domain) != 0)
                    mixed = true;
                if (!first_domain)
                    first_domain = kinds[i].domain;
            }
        cJSON_AddItemToArray(targets, cJSON_CreateString(id));
    }
    const char *what = kind < 0 ? "devices" : kinds[kind].plural;
    if (!cJSON_GetArraySize(targets)) {
        c->outcome = "no_match";
        cs_say(r, true, "I didn't find any %s in the %s.", what, area);
    } else {
        const char *domain = mixed ? "homeassistant" : first_domain;
        const char *service = on ? "turn_on" : "turn_off";
        if (!mixed && strcmp(domain, "cover") == 0)
            service = on ? "open_cover" : "close_cover";
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "entity_id", cJSON_Duplicate(targets, true));
        if (cs_call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            cs_say(r, true, "Turned %s %s in the %s.", on ? "on" : "off",
                   kind < 0 ? "everything" : kinds[kind].plural, area);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(targets);
    cJSON_Delete(ids);
}

static const struct cs_intent_impl areas_intents[] = {
    {"AreaControlIntent", h_area_control},
};
const struct cs_feature cs_feature_areas = {"areas", areas_intents,
                                            sizeof areas_intents / sizeof areas_intents[0]};
