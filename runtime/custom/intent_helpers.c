/* intent_helpers: the input_helpers feature (set and read input_* helpers). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const helper_domains[] = {"input_boolean", "input_select", "input_number",
                                             "input_text"};

/* on/off words of the request's language (then English): 1, 0 or -1. */
static int bool_word(const struct cs_ctx *c, const char *v)
{
    return sk_bool(c->lang ? c->lang : sk_lang_for(NULL), v);
}

static void set_select(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    const cJSON *opts = cs_ent_attr(e, "options");
    size_t n = 0;
    struct fuzzy_item items[64];
    const cJSON *o;
    if (!cJSON_IsArray(opts))
        opts = NULL;
    cJSON_ArrayForEach(o, opts)
    {
        if (cJSON_IsString(o) && n < 64)
            items[n++] = (struct fuzzy_item){NULL, o->valuestring};
    }
    struct fuzzy_result fr;
    fuzzy_match(value, items, n, &fr);
    if (fr.kind != FUZZY_MATCH) {
        const char *names[64];
        size_t k = n < 8 ? n : 8;
        for (size_t i = 0; i < k; i++)
            names[i] = items[i].name;
        char list[600];
        cs_name_list(c, list, sizeof list, names, k, true);
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_OPTIONS, "name", cs_ent_name(e), "list", list, NULL);
        return;
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddStringToObject(d, "option", items[fr.index].name);
    if (cs_call_service(c, "input_select", "select_option", d, r) == 0) {
        c->outcome = "ok";
        cs_say_msg(c, r, true, SK_NOW, "name", cs_ent_name(e), "value", items[fr.index].name, NULL);
    }
    cJSON_Delete(d);
}

static void set_number(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double lo = cs_attr_num(e, "min", 0), hi = cs_attr_num(e, "max", 100),
           step = cs_attr_num(e, "step", 1);
    char a[32], b[32], s[32];
    cs_num_text(c, a, sizeof a, lo);
    cs_num_text(c, b, sizeof b, hi);
    cs_num_text(c, s, sizeof s, step);
    double v;
    if (cs_spoken_number(c, value, &v) != 0) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_NEED_NUMBER, "name", cs_ent_name(e), "min", a, "max", b, NULL);
        return;
    }
    if (v < lo - 1e-9 || v > hi + 1e-9) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_RANGE, "name", cs_ent_name(e), "min", a, "max", b, NULL);
        return;
    }
    if (step > 0) {
        double k = (v - lo) / step;
        if (fabs(k - round(k)) > 1e-6) {
            c->outcome = "invalid_value";
            cs_say_msg(c, r, true, SK_STEPS, "name", cs_ent_name(e), "min", a, "max", b, "step", s,
                       NULL);
            return;
        }
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddNumberToObject(d, "value", v);
    char vt[32];
    cs_num_text(c, vt, sizeof vt, v);
    if (cs_call_service(c, "input_number", "set_value", d, r) == 0) {
        c->outcome = "ok";
        cs_say_msg(c, r, true, SK_NOW, "name", cs_ent_name(e), "value", vt, NULL);
    }
    cJSON_Delete(d);
}

static void set_text(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double mx = cs_attr_num(e, "max", 100), mn = cs_attr_num(e, "min", 0);
    size_t len = strlen(value);
    if ((double)len > mx || (double)len < mn) {
        char a[32], b[32];
        cs_num_text(c, a, sizeof a, mn);
        cs_num_text(c, b, sizeof b, mx);
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_TEXT_LENGTH, "name", cs_ent_name(e), "min", a, "max", b, NULL);
        return;
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddStringToObject(d, "value", value);
    if (cs_call_service(c, "input_text", "set_value", d, r) == 0) {
        c->outcome = "ok";
        cs_say_msg(c, r, true, SK_TEXT_SET, "name", cs_ent_name(e), NULL);
    }
    cJSON_Delete(d);
}

static void h_set_input_helper(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *name = cs_slot(q, "Helper");
    if (!cs_need_slot(c, r, name, SK_WHICH_SETTING))
        return;
    const char *value = cs_slot(q, "Value");
    if (!cs_need_slot(c, r, value, SK_SET_WHICH_VALUE))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = cs_resolve(c, st, helper_domains, 4, name, CS_KIND_SETTING, r);
    if (e) {
        const char *id = cs_ent_id(e);
        if (cs_in_domain(id, "input_boolean")) {
            int on = bool_word(c, value);
            if (on < 0) {
                c->outcome = "invalid_value";
                cs_say_msg(c, r, true, SK_ON_OR_OFF, "name", cs_ent_name(e), NULL);
            } else {
                cJSON *d = cs_entity_data(id);
                if (cs_call_service(c, "input_boolean", on ? "turn_on" : "turn_off", d, r) == 0) {
                    c->outcome = "ok";
                    cs_say_msg(c, r, true, SK_NOW, "name", cs_ent_name(e), "value",
                               cs_msg(c, on ? SK_STATE_ON : SK_STATE_OFF), NULL);
                }
                cJSON_Delete(d);
            }
        } else if (cs_in_domain(id, "input_select")) {
            set_select(c, e, value, r);
        } else if (cs_in_domain(id, "input_number")) {
            set_number(c, e, value, r);
        } else {
            set_text(c, e, cs_slot_raw(q, "Value") ? cs_slot_raw(q, "Value") : value, r);
        }
    }
    cJSON_Delete(st);
}

static void h_get_input_helper(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *name = cs_slot(q, "Helper");
    if (!cs_need_slot(c, r, name, SK_WHICH_SETTING))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = cs_resolve(c, st, helper_domains, 4, name, CS_KIND_SETTING, r);
    if (e) {
        /* fresh state, not the cached list */
        char path[300];
        cs_sayf(path, sizeof path, "/api/states/%s", cs_ent_id(e));
        cJSON *fresh = cs_ha_get_json(c, path, r);
        if (fresh) {
            const cJSON *u = cs_ent_attr(fresh, "unit_of_measurement");
            const char *state = cs_ent_state(fresh);
            char vt[64];
            cs_sayf(vt, sizeof vt, "%s", state);
            if (cs_in_domain(cs_ent_id(e), "input_number")) {
                char *end;
                double v = strtod(state, &end);
                if (end != state)
                    cs_num_text(c, vt, sizeof vt, v);
            }
            c->outcome = "ok";
            if (cs_in_domain(cs_ent_id(e), "input_text") && !state[0])
                cs_say_msg(c, r, true, SK_IS_EMPTY, "name", cs_ent_name(e), NULL);
            else if (cJSON_IsString(u) && u->valuestring[0])
                cs_say_msg(c, r, true, SK_IS_UNIT, "name", cs_ent_name(e), "value", vt, "unit",
                           strcmp(u->valuestring, "%") == 0 ? c->lang->percent : u->valuestring,
                           NULL);
            else
                cs_say_msg(c, r, true, SK_IS, "name", cs_ent_name(e), "value", vt, NULL);
            cJSON_Delete(fresh);
        }
    }
    cJSON_Delete(st);
}

static const struct cs_intent_impl input_helpers_intents[] = {
    {"SetInputHelperIntent", h_set_input_helper},
    {"GetInputHelperIntent", h_get_input_helper},
};
const struct cs_feature cs_feature_input_helpers = {"input_helpers", input_helpers_intents,
                                                    sizeof input_helpers_intents /
                                                        sizeof input_helpers_intents[0]};
