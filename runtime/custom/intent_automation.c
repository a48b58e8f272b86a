/* intent_automation: the automation and scripts features (trigger, run, list). */
#include "custom/ha.h"
#include "custom/pending.h"
#include "custom/speech.h"

#include "custom/duration_lex.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_named(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                      const char *slot, const char *domain, const char *service, enum cs_kind kind,
                      enum sk_msg which, enum sk_msg done)
{
    const char *name = cs_slot(q, slot);
    if (!cs_need_slot(c, r, name, which))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const char *doms[] = {domain};
    const cJSON *e = cs_resolve(c, st, doms, 1, name, kind, r);
    if (e) {
        cJSON *d = cs_entity_data(cs_ent_id(e));
        if (cs_call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            cs_say_msg(c, r, true, done, "name", cs_ent_name(e), NULL);
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void list_names(struct cs_ctx *c, struct cs_reply *r, const char *domain,
                       const enum sk_msg m[4] /* none, one, all, first */)
{
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const char *names[CS_LIST_NAMES];
    size_t n = 0, total = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, st)
    {
        if (!cs_in_domain(cs_ent_id(x), domain))
            continue;
        if (n < CS_LIST_NAMES)
            names[n++] = cs_ent_name(x);
        total++;
    }
    c->outcome = "ok";
    if (!total) {
        cs_say_msg(c, r, true, m[0], NULL);
    } else {
        char list[800], count[24], shown[24];
        cs_name_list(c, list, sizeof list, names, n, false);
        snprintf(count, sizeof count, "%zu", total);
        snprintf(shown, sizeof shown, "%zu", n);
        cs_say_msg(c, r, true,
                   total > n    ? m[3]
                   : total == 1 ? m[1]
                                : m[2],
                   "count", count, "shown", shown, "list", list, NULL);
    }
    cJSON_Delete(st);
}

static void h_trigger_automation(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    run_named(c, q, r, "Automation", "automation", "trigger", CS_KIND_AUTOMATION,
              SK_WHICH_AUTOMATION, SK_TRIGGERED);
}
static void h_list_automations(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    static const enum sk_msg m[4] = {SK_LIST_NONE_AUTOMATION, SK_LIST_ONE_AUTOMATION,
                                     SK_LIST_ALL_AUTOMATION, SK_LIST_FIRST_AUTOMATION};
    list_names(c, r, "automation", m);
}

/* The fields of script object id `obj` from GET /api/services: [{domain, services: {obj:
 * {fields: {key: {name, selector}}}}}]. Borrowed from *all (caller frees); NULL: answered. */
static const cJSON *script_fields(struct cs_ctx *c, const char *obj, cJSON **all,
                                  struct cs_reply *r)
{
    *all = cs_ha_get_json(c, "/api/services", r);
    if (!*all)
        return NULL;
    const cJSON *d;
    cJSON_ArrayForEach(d, *all)
    {
        const cJSON *dom = cJSON_GetObjectItemCaseSensitive(d, "domain");
        if (!cJSON_IsString(dom) || strcmp(dom->valuestring, "script") != 0)
            continue;
        const cJSON *svc =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "services"), obj);
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(svc, "fields");
        if (cJSON_IsObject(f))
            return f;
    }
    static const cJSON none; /* no such service: no fields */
    return &none;
}

/* "run good night with a delay of ten minutes": the script's field named like Field gets
 * Duration ({"hours","minutes","seconds"} for a duration selector) or Value (a number for a
 * number selector, else the words). */
static void run_with_field(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                           const cJSON *e, const char *field)
{
    const char *id = cs_ent_id(e), *dot = strchr(id, '.');
    cJSON *all = NULL;
    const cJSON *fields = script_fields(c, dot ? dot + 1 : id, &all, r);
    if (!fields)
        return;
    struct fuzzy_item items[32];
    const cJSON *defs[32];
    size_t n = 0;
    const char *names[32];
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (n >= 32 || !f->string)
            continue;
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "name");
        names[n] = cJSON_IsString(nm) && nm->valuestring[0] ? nm->valuestring : f->string;
        items[n] = (struct fuzzy_item){f->string, names[n]};
        defs[n++] = f;
    }
    if (!n) {
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_SCRIPT_NO_FIELDS, "name", cs_ent_name(e), NULL);
        cJSON_Delete(all);
        return;
    }
    struct fuzzy_result fr;
    fuzzy_match(field, items, n, &fr);
    if (fr.kind != FUZZY_MATCH) {
        char list[400];
        cs_name_list(c, list, sizeof list, names, n < 8 ? n : 8, false);
        c->outcome = "invalid_value";
        cs_say_msg(c, r, true, SK_SCRIPT_NO_FIELD, "name", cs_ent_name(e), "field", field, "list",
                   list, NULL);
        cJSON_Delete(all);
        return;
    }
    const char *key = items[fr.index].entity_id, *label = names[fr.index];
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(defs[fr.index], "selector");
    bool is_duration = cJSON_GetObjectItemCaseSensitive(sel, "duration") != NULL;
    bool is_number = cJSON_GetObjectItemCaseSensitive(sel, "number") != NULL;
    const char *dur = cs_slot_raw(q, "Duration"), *val = cs_slot(q, "Value");
    uint32_t secs = 0;
    bool have_secs = dur && duration_parse(dur, strlen(dur), &secs) == DURATION_OK;
    double num = 0;
    bool have_num = val && cs_spoken_number(c, val, &num) == 0;
    cJSON *vars = cJSON_CreateObject();
    char spoken[128] = "";
    if (is_duration && (have_secs || have_num)) {
        if (!have_secs) /* a bare number for a duration: minutes */
            secs = num > 0 && num < 1440 ? (uint32_t)llround(num * 60) : 0;
        cJSON *o = cJSON_AddObjectToObject(vars, key);
        cJSON_AddNumberToObject(o, "hours", secs / 3600u);
        cJSON_AddNumberToObject(o, "minutes", secs / 60u % 60u);
        cJSON_AddNumberToObject(o, "seconds", secs % 60u);
        sk_duration(c->lang, secs, spoken, sizeof spoken);
    } else if (is_number && (have_num || have_secs)) {
        if (!have_num)
            num = secs;
        cJSON_AddNumberToObject(vars, key, num);
        cs_num_text(c, spoken, sizeof spoken, num);
    } else if (!is_duration && !is_number && (val || dur)) {
        const char *raw = cs_slot_raw(q, "Value") ? cs_slot_raw(q, "Value") : dur;
        cJSON_AddStringToObject(vars, key, raw);
        cs_sayf(spoken, sizeof spoken, "%s", raw);
    } else {
        c->outcome = "missing_slot";
        cs_say_msg(c, r, false, SK_SCRIPT_NEED_VALUE, "field", label, NULL);
        cs_ask_msg(c, r, SK_SCRIPT_NEED_VALUE, "field", label, NULL);
        cJSON_Delete(vars);
        cJSON_Delete(all);
        return;
    }
    cJSON *d = cs_entity_data(id);
    cJSON_AddItemToObject(d, "variables", vars);
    if (cs_call_service(c, "script", "turn_on", d, r) == 0) {
        c->outcome = "ok";
        cs_say_msg(c, r, true, SK_RUNNING_WITH, "name", cs_ent_name(e), "field", label, "value",
                   spoken, NULL);
    }
    cJSON_Delete(d);
    cJSON_Delete(all);
}

static void h_run_script(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    const char *field = cs_slot(q, "Field");
    if (!field) {
        run_named(c, q, r, "Script", "script", "turn_on", CS_KIND_SCRIPT, SK_WHICH_SCRIPT,
                  SK_RUNNING);
        return;
    }
    const char *name = cs_slot(q, "Script");
    if (!cs_need_slot(c, r, name, SK_WHICH_SCRIPT))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    static const char *const doms[] = {"script"};
    const cJSON *e = cs_resolve(c, st, doms, 1, name, CS_KIND_SCRIPT, r);
    if (e)
        run_with_field(c, q, r, e, field);
    cJSON_Delete(st);
}
static void h_list_scripts(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    static const enum sk_msg m[4] = {SK_LIST_NONE_SCRIPT, SK_LIST_ONE_SCRIPT, SK_LIST_ALL_SCRIPT,
                                     SK_LIST_FIRST_SCRIPT};
    list_names(c, r, "script", m);
}

static const struct cs_intent_impl automation_intents[] = {
    {"TriggerAutomationIntent", h_trigger_automation},
    {"ListAutomationsIntent", h_list_automations},
};
const struct cs_feature cs_feature_automation = {
    "automation", automation_intents, sizeof automation_intents / sizeof automation_intents[0]};

static const struct cs_intent_impl scripts_intents[] = {
    {"RunScriptIntent", h_run_script},
    {"ListScriptsIntent", h_list_scripts},
};
const struct cs_feature cs_feature_scripts = {"scripts", scripts_intents,
                                              sizeof scripts_intents / sizeof scripts_intents[0]};
