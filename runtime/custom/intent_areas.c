/* intent_areas: the areas feature (control everything in an area). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *spoken, *domain;
    enum sk_msg what, what_plural; /* "Turned on {what}", "didn't find any {what}" */
} kinds[] = {{"light", "light", SK_KIND_LIGHTS, SK_KIND_PLURAL_LIGHTS},
             {"switch", "switch", SK_KIND_SWITCHES, SK_KIND_PLURAL_SWITCHES},
             {"fan", "fan", SK_KIND_FANS, SK_KIND_PLURAL_FANS},
             {"cover", "cover", SK_KIND_COVERS, SK_KIND_PLURAL_COVERS},
             {"media player", "media_player", SK_KIND_MEDIA_PLAYERS, SK_KIND_PLURAL_MEDIA_PLAYERS}};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static bool same_word(const char *spoken_norm, const char *word)
{
    char n[64];
    fuzzy_normalise(word, strlen(word), n, sizeof n);
    return strcmp(spoken_norm, n) == 0;
}

/* The DeviceType: -1 everything, 0..N_KINDS-1 a kind, -2 not understood. The slot's id
 * ("media players"), its English words, or the request language's words. */
static int device_kind(const struct cs_ctx *c, const char *dt)
{
    char dn[64];
    fuzzy_normalise(dt ? dt : "everything", dt ? strlen(dt) : 10, dn, sizeof dn);
    if (!dn[0] || !strcmp(dn, "everything") || !strcmp(dn, "all") || !strcmp(dn, "thing") ||
        same_word(dn, cs_msg(c, SK_KIND_EVERYTHING)) ||
        same_word(dn, cs_msg(c, SK_KIND_PLURAL_EVERYTHING)))
        return -1;
    for (size_t i = 0; i < N_KINDS; i++)
        if (!strcmp(dn, kinds[i].spoken) || same_word(dn, cs_msg(c, kinds[i].what)) ||
            same_word(dn, cs_msg(c, kinds[i].what_plural)))
            return (int)i;
    return -2;
}

/* No entity in `area`: a known area without such devices, or an unknown one (then the
 * closest known area is suggested). */
static void nothing_in_area(struct cs_ctx *c, struct cs_reply *r, const char *area, int kind)
{
    /* only a name made of words (what Alexa's AMAZON.Room gives) is looked up among the known
     * areas; anything else is answered as it is */
    bool words = true;
    for (const unsigned char *p = (const unsigned char *)area; *p && words; p++)
        words = *p >= 0x80 || isalnum(*p) || strchr(" '.-", *p);
    cJSON *known = words ? cs_template_list(c, "{{ areas() }}", r) : cJSON_CreateArray();
    if (!known)
        return;
    struct fuzzy_item items[64];
    char names[64][64];
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, known)
    {
        if (n >= 64 || !cJSON_IsString(x))
            continue;
        size_t k = 0;
        for (const char *p = x->valuestring; *p && k < sizeof names[0] - 1; p++)
            names[n][k++] = *p == '_' ? ' ' : *p;
        names[n][k] = '\0';
        items[n] = (struct fuzzy_item){NULL, names[n]};
        n++;
    }
    /* the area exists (same words) but has no such devices, or the closest known one */
    char want[FUZZY_NAME_MAX], have[FUZZY_NAME_MAX];
    fuzzy_normalise(area, strlen(area), want, sizeof want);
    bool exists = false;
    for (size_t i = 0; i < n && !exists; i++) {
        fuzzy_normalise(names[i], strlen(names[i]), have, sizeof have);
        exists = strcmp(want, have) == 0;
    }
    struct fuzzy_result fr;
    fuzzy_match(area, items, n, &fr);
    long near = fr.kind == FUZZY_MATCH       ? (long)fr.index
                : fr.kind == FUZZY_AMBIGUOUS ? (long)fr.cands[0]
                                             : fr.suggestion;
    if (n == 0 || exists) {
        c->outcome = "no_match";
        cs_say_msg(c, r, true, SK_AREA_NOTHING, "what",
                   cs_msg(c, kind < 0 ? SK_KIND_PLURAL_EVERYTHING : kinds[kind].what_plural),
                   "area", area, NULL);
    } else if (near >= 0) {
        c->outcome = "unknown_area";
        cs_say_msg(c, r, true, SK_AREA_UNKNOWN, "area", area, "name", names[near], NULL);
    } else {
        c->outcome = "unknown_area";
        cs_say_msg(c, r, true, SK_AREA_UNKNOWN_NONE, "area", area, NULL);
    }
    cJSON_Delete(known);
}

static void h_area_control(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *area = cs_slot(q, "Area");
    if (!cs_need_slot(c, r, area, SK_WHICH_ROOM))
        return;
    const char *action = cs_slot_id(q, "Action");
    int on = !action                  ? -1
             : !strcmp(action, "on")  ? 1
             : !strcmp(action, "off") ? 0
                                      : sk_bool(c->lang, action);
    if (on < 0) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_AREA_ON_OR_OFF, NULL);
        return;
    }
    int kind = device_kind(c, cs_slot_id(q, "DeviceType"));
    if (kind == -2) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_AREA_KINDS, NULL);
        return;
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
        for (size_t i = 0; i < N_KINDS && !ok; i++)
            ok = (kind < 0 || (size_t)kind == i) && cs_in_domain(id, kinds[i].domain);
        if (!ok)
            continue;
        for (size_t i = 0; i < N_KINDS; i++)
            if (cs_in_domain(id, kinds[i].domain)) {
                if (first_domain && strcmp(first_domain, kinds[i].domain) != 0)
                    mixed = true;
                if (!first_domain)
                    first_domain = kinds[i].domain;
            }
        cJSON_AddItemToArray(targets, cJSON_CreateString(id));
    }
    if (!cJSON_GetArraySize(ids)) {
        nothing_in_area(c, r, area, kind);
    } else if (!cJSON_GetArraySize(targets)) {
        c->outcome = "no_match";
        cs_say_msg(c, r, true, SK_AREA_NOTHING, "what",
                   cs_msg(c, kind < 0 ? SK_KIND_PLURAL_EVERYTHING : kinds[kind].what_plural),
                   "area", area, NULL);
    } else {
        const char *domain = mixed ? "homeassistant" : first_domain;
        const char *service = on ? "turn_on" : "turn_off";
        if (!mixed && strcmp(domain, "cover") == 0)
            service = on ? "open_cover" : "close_cover";
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "entity_id", cJSON_Duplicate(targets, true));
        if (cs_call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            cs_say_msg(c, r, true, on ? SK_AREA_ON : SK_AREA_OFF, "what",
                       cs_msg(c, kind < 0 ? SK_KIND_EVERYTHING : kinds[kind].what), "area", area,
                       NULL);
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
