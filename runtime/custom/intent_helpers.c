/* intent_helpers: the input_helpers feature (set and read input_* helpers). */
#include "custom/intent.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const helper_domains[] = {"input_boolean", "input_select", "input_number",
                                             "input_text"};

static int bool_word(const char *v)
{
    static const char *const on[] = {"on", "true", "yes", "enable", "enabled", "activate"};
    static const char *const off[] = {"off", "false", "no", "disable", "disabled", "deactivate"};
    char n[64];
    fuzzy_normalise(v, strlen(v), n, sizeof n);
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
        if (strcmp(n, on[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
        if (strcmp(n, off[i]) == 0)
            return 0;
    return -1;
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
        cs_name_list(list, sizeof list, names, k, " or ");
        c->outcome = "invalid_value";
        cs_say(r, true, "%s can be %s.", cs_ent_name(e), list);
        return;
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddStringToObject(d, "option", items[fr.index].name);
    if (cs_call_service(c, "input_select", "select_option", d, r) == 0) {
        c->outcome = "ok";
        cs_say(r, true, "%s is now %s.", cs_ent_name(e), items[fr.index].name);
    }
    cJSON_Delete(d);
}

static void set_number(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double lo = cs_attr_num(e, "min", 0), hi = cs_attr_num(e, "max", 100),
           step = cs_attr_num(e, "step", 1);
    char a[32], b[32], s[32];
    cs_num_text(a, sizeof a, lo);
    cs_num_text(b, sizeof b, hi);
    cs_num_text(s, sizeof s, step);
    double v;
    if (cs_spoken_number(value, &v) != 0) {
        c->outcome = "invalid_value";
        cs_say(r, true, "%s needs a number from %s to %s.", cs_ent_name(e), a, b);
        return;
    }
    if (v < lo - 1e-9 || v > hi + 1e-9) {
        c->outcome = "invalid_value";
        cs_say(r, true, "%s can be set from %s to %s.", cs_ent_name(e), a, b);
        return;
    }
    if (step > 0) {
        double k = (v - lo) / step;
        if (fabs(k - round(k)) > 1e-6) {
            c->outcome = "invalid_value";
            cs_say(r, true, "%s goes from %s to %s in steps of %s.", cs_ent_name(e), a, b, s);
            return;
        }
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddNumberToObject(d, "value", v);
    char vt[32];
    cs_num_text(vt, sizeof vt, v);
    if (cs_call_service(c, "input_number", "set_value", d, r) == 0) {
        c->outcome = "ok";
        cs_say(r, true, "%s is now %s.", cs_ent_name(e), vt);
    }
    cJSON_Delete(d);
}

static void set_text(struct cs_ctx *c, const cJSON *e, const char *value, struct cs_reply *r)
{
    double mx = cs_attr_num(e, "max", 100), mn = cs_attr_num(e, "min", 0);
    size_t len = strlen(value);
    if ((double)len > mx || (double)len < mn) {
        char a[32], b[32];
        cs_num_text(a, sizeof a, mn);
        cs_num_text(b, sizeof b, mx);
        c->outcome = "invalid_value";
        cs_say(r, true, "%s takes %s to %s characters.", cs_ent_name(e), a, b);
        return;
    }
    cJSON *d = cs_entity_data(cs_ent_id(e));
    cJSON_AddStringToObject(d, "value", value);
    if (cs_call_service(c, "input_text", "set_value", d, r) == 0) {
        c->outcome = "ok";
        cs_say(r, true, "%s is set.", cs_ent_name(e));
    }
    cJSON_Delete(d);
}

static void h_set_input_helper(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *name = cs_slot(q, "Helper");
    if (!cs_need_slot(c, r, name, "Which setting?"))
        return;
    const char *value = cs_slot(q, "Value");
    if (!cs_need_slot(c, r, value, "What should I set it to?"))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = cs_resolve(c, st, helper_domains, 4, name, "setting", r);
    if (e) {
        const char *id = cs_ent_id(e);
        if (cs_in_domain(id, "input_boolean")) {
            int on = bool_word(value);
            if (on < 0) {
                c->outcome = "invalid_value";
                cs_say(r, true, "I can turn %s on or off.", cs_ent_name(e));
            } else {
                cJSON *d = cs_entity_data(id);
                if (cs_call_service(c, "input_boolean", on ? "turn_on" : "turn_off", d, r) == 0) {
                    c->outcome = "ok";
                    cs_say(r, true, "%s is now %s.", cs_ent_name(e), on ? "on" : "off");
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
    if (!cs_need_slot(c, r, name, "Which setting?"))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const cJSON *e = cs_resolve(c, st, helper_domains, 4, name, "setting", r);
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
                    cs_num_text(vt, sizeof vt, v);
            }
            c->outcome = "ok";
            if (cs_in_domain(cs_ent_id(e), "input_text") && !state[0])
                cs_say(r, true, "%s is empty.", cs_ent_name(e));
            else
                cs_say(r, true, "%s is %s%s%s.", cs_ent_name(e), vt, cJSON_IsString(u) ? " " : "",
                       cJSON_IsString(u)
                           ? (strcmp(u->valuestring, "%") == 0 ? "percent" : u->valuestring)
                           : "");
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
