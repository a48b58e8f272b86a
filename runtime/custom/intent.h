/* intent: what the Custom-skill intent files share (custom/ only; not a public
 * header). dispatch.c owns the intent table; each feature's intents live in
 * their own file (intent_<feature>.c) and are reached through the struct
 * cs_feature it exports, so a feature left out of the build is never linked:
 * bind.c hands the built-in features to the handler (struct cs_ctx). */
#ifndef LEEC_CUSTOM_INTENT_H
#define LEEC_CUSTOM_INTENT_H

#include "custom/dispatch.h"
#include "custom/fuzzy.h"
#include "custom/lang.h"

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

/* Answer text (speech.c). */
void cs_sayf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cs_notef(struct cs_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs_say(struct cs_reply *r, bool end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cs_ask(struct cs_reply *r, const char *reprompt);
/* Catalogue answers in the request's language (custom/lang.h): the message with its
 * placeholders filled from NULL-terminated (name, value) pairs. */
const char *cs_msg(const struct cs_ctx *c, enum sk_msg m);
void cs_say_msg(struct cs_ctx *c, struct cs_reply *r, bool end, enum sk_msg m, ...);
void cs_ask_msg(struct cs_ctx *c, struct cs_reply *r, enum sk_msg m, ...);
void cs_fill_msg(const struct cs_ctx *c, char *buf, size_t len, enum sk_msg m, ...);
/* The kinds of named entity, for the per-kind messages. */
enum cs_kind { CS_KIND_AUTOMATION, CS_KIND_SCRIPT, CS_KIND_SETTING, CS_KIND_TIMER };
/* Remembers a "which one?" (or "did you mean?") question in the session: the request's intent
 * and slots and the candidates (entity ids and names); the next turn (SelectIntent,
 * AMAZON.YesIntent) answers it (dispatch.c). */
void cs_pending_set(struct cs_ctx *c, struct cs_reply *r, const char *const *ids,
                    const char *const *names, size_t n, bool confirm);
void cs_name_list(const struct cs_ctx *c, char *buf, size_t len, const char *const *names, size_t n,
                  bool or_list);
int cs_spoken_number(const struct cs_ctx *c, const char *s, double *out);
void cs_num_text(const struct cs_ctx *c, char *buf, size_t len, double v);

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
double cs_attr_num(const cJSON *e, const char *k, double dflt);
bool cs_in_domain(const char *id, const char *domain);
int cs_collect(const cJSON *st, const char *const *domains, size_t nd, struct cs_ents *e);
void cs_ents_free(struct cs_ents *e);
const cJSON *cs_resolve(struct cs_ctx *c, const cJSON *st, const char *const *domains, size_t nd,
                        const char *spoken, enum cs_kind kind, struct cs_reply *r);
cJSON *cs_entity_data(const char *entity_id);
bool cs_need_slot(struct cs_ctx *c, struct cs_reply *r, const char *v, enum sk_msg question);
cJSON *cs_area_entities(struct cs_ctx *c, const char *area, struct cs_reply *r);
cJSON *cs_template_list(struct cs_ctx *c, const char *tpl, struct cs_reply *r);

#endif
