/* intent_automation: the automation and scripts features (trigger, run, list). */
#include "custom/intent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_named(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r,
                      const char *slot, const char *domain, const char *service, const char *what,
                      const char *done)
{
    const char *name = cs_slot(q, slot);
    char question[128];
    cs_sayf(question, sizeof question, "Which %s?", what);
    if (!cs_need_slot(c, r, name, question))
        return;
    cJSON *st = cs_states(c, r);
    if (!st)
        return;
    const char *doms[] = {domain};
    const cJSON *e = cs_resolve(c, st, doms, 1, name, what, r);
    if (e) {
        cJSON *d = cs_entity_data(cs_ent_id(e));
        if (cs_call_service(c, domain, service, d, r) == 0) {
            c->outcome = "ok";
            cs_say(r, true, "%s %s.", done, cs_ent_name(e));
        }
        cJSON_Delete(d);
    }
    cJSON_Delete(st);
}

static void list_names(struct cs_ctx *c, struct cs_reply *r, const char *domain, const char *what)
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
        cs_say(r, true, "You don't have any %ss.", what);
    } else {
        char list[800];
        cs_name_list(list, sizeof list, names, n, " and ");
        if (total > n)
            cs_say(r, true, "You have %zu %ss. The first %zu are: %s.", total, what, n, list);
        else
            cs_say(r, true, "You have %zu %s%s: %s.", total, what, total == 1 ? "" : "s", list);
    }
    cJSON_Delete(st);
}

static void h_trigger_automation(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    run_named(c, q, r, "Automation", "automation", "trigger", "automation", "Triggered");
}
static void h_list_automations(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    list_names(c, r, "automation", "automation");
}

static void h_run_script(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    run_named(c, q, r, "Script", "script", "turn_on", "script", "Running");
}
static void h_list_scripts(struct cs_ctx *c, const struct cs_request *q, struct cs_reply *r)
{
    (void)q;
    list_names(c, r, "script", "script");
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
