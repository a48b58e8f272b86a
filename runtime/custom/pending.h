/* pending: a "which one?" (or "did you mean?") question kept in the session between two
 * turns: cs_pending_set writes it into the answer's session attributes, cs_pending_get
 * reads it back, checked, on the next turn (dispatch.c answers it). */
#ifndef LEEC_CUSTOM_PENDING_H
#define LEEC_CUSTOM_PENDING_H

#include "custom/context.h"
#include "custom/fuzzy.h"

struct cs_pending {
    const char *intent;
    const cJSON *slots;
    const char *ids[FUZZY_MAX_CANDIDATES], *names[FUZZY_MAX_CANDIDATES];
    size_t n;
    bool confirm;
};

enum cs_pending_state { CS_PENDING_NONE, CS_PENDING_BAD, CS_PENDING_OK };

/* Remembers the question: the request's intent and slots and the candidates (entity ids
 * and names; confirm: a yes/no "did you mean?"). */
void cs_pending_set(struct cs_ctx *c, struct cs_reply *r, const char *const *ids,
                    const char *const *names, size_t n, bool confirm);
/* The question this session asked, checked (session, age, shape): CS_PENDING_NONE,
 * CS_PENDING_BAD (stale or foreign) or CS_PENDING_OK (*p filled, pointing into q). The
 * caller checks that the intent still exists. */
enum cs_pending_state cs_pending_get(const struct cs_ctx *c, const struct cs_request *q,
                                     struct cs_pending *p);

#endif
