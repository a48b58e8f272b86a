/* ha: the Custom skill's Home Assistant — REST calls within the invocation's budget
 * (breaker, per-token entity cache, a rejected token's cache dropped, never a call
 * repeated), apologies for failures, the entities and their names, and resolving a
 * spoken name to one entity (asking "which one?" through pending.h). */
#ifndef LEEC_CUSTOM_HA_H
#define LEEC_CUSTOM_HA_H

#include "custom/context.h"
#include "custom/fuzzy.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ha_fail { HF_NONE, HF_UNREACHABLE, HF_AUTH, HF_REFUSED, HF_OTHER };

/* Entities of some domains, with their names for fuzzy matching. */
struct cs_ents {
    struct fuzzy_item *items;
    const cJSON **ents;
    size_t n;
};

/* Home Assistant calls (ha.c): budget = min(deadline - now - margin, total cap). */
uint64_t cs_budget_ms(const struct cs_ctx *c);
int cs_ha_call(struct cs_ctx *c, bool post, const char *path, const char *body,
               struct ha_result *res, enum ha_fail *why);
void cs_apologise(struct cs_ctx *c, struct cs_reply *r, enum ha_fail why);
cJSON *cs_parse_reply(struct cs_ctx *c, const char *body, size_t len);
cJSON *cs_ha_get_json(struct cs_ctx *c, const char *path, struct cs_reply *r);
int cs_ha_post(struct cs_ctx *c, const char *path, cJSON *data, struct cs_reply *r, char **reply,
               size_t *reply_len);
int cs_call_service(struct cs_ctx *c, const char *domain, const char *service, cJSON *data,
                    struct cs_reply *r);
cJSON *cs_states(struct cs_ctx *c, struct cs_reply *r);

/* Entities and matching (ha.c). */
const char *cs_ent_id(const cJSON *e);
const cJSON *cs_ent_attr(const cJSON *e, const char *k);
const char *cs_ent_name(const cJSON *e);
const char *cs_ent_state(const cJSON *e);
/* A numeric attribute (a number or a numeric string), else dflt. */
double cs_attr_num(const cJSON *e, const char *k, double dflt);
bool cs_in_domain(const char *id, const char *domain);
int cs_collect(const cJSON *st, const char *const *domains, size_t nd, struct cs_ents *e);
void cs_ents_free(struct cs_ents *e);
const cJSON *cs_resolve(struct cs_ctx *c, const cJSON *st, const char *const *domains, size_t nd,
                        const char *spoken, enum cs_kind kind, struct cs_reply *r);
cJSON *cs_entity_data(const char *entity_id);
cJSON *cs_area_entities(struct cs_ctx *c, const char *area, struct cs_reply *r);
cJSON *cs_template_list(struct cs_ctx *c, const char *tpl, struct cs_reply *r);

#endif
