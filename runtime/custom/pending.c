/* pending: see pending.h. */
#include "custom/pending.h"

#include "base/clock.h"
#include "custom/fuzzy.h"

#include <stdio.h>
#include <string.h>

/* ---- follow-up questions ----
 * sessionAttributes.leec_pending = {"v": 1, "intent": "TriggerAutomationIntent",
 *   "slots": {"Automation": "kitchen lights"}, "cands": [{"id": ..., "name": ...}, ...],
 *   "confirm": false, "at": <epoch ms>, "sid": "<hash of session.sessionId>"}
 * A question is answered only in the session that asked it, within CS_PENDING_TTL_MS, and
 * only when it is well formed; anything else is "that question has expired". */

static void session_hash(const char *sid, char out[17])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const char *p = sid ? sid : ""; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static uint64_t now_ms(const struct cs_ctx *c)
{
    return c->now_epoch_ms ? c->now_epoch_ms() : clock_epoch_ms();
}

void cs_pending_set(struct cs_ctx *c, struct cs_reply *r, const char *const *ids,
                    const char *const *names, size_t n, bool confirm)
{
    if (!r->attrs || !c->req || !c->req->intent || !n)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(r->attrs, CS_PENDING_KEY);
    cJSON *p = cJSON_AddObjectToObject(r->attrs, CS_PENDING_KEY);
    cJSON_AddNumberToObject(p, "v", 1);
    cJSON_AddStringToObject(p, "intent", c->req->intent);
    cJSON *slots = cJSON_AddObjectToObject(p, "slots");
    for (size_t i = 0; i < c->req->nslots; i++)
        if (c->req->slots[i].name && c->req->slots[i].value && c->req->slots[i].value[0])
            cJSON_AddStringToObject(slots, c->req->slots[i].name, c->req->slots[i].value);
    cJSON *cands = cJSON_AddArrayToObject(p, "cands");
    for (size_t i = 0; i < n && i < FUZZY_MAX_CANDIDATES; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", ids[i]);
        cJSON_AddStringToObject(o, "name", names[i]);
        cJSON_AddItemToArray(cands, o);
    }
    cJSON_AddBoolToObject(p, "confirm", confirm);
    cJSON_AddNumberToObject(p, "at", (double)now_ms(c));
    char h[17];
    session_hash(c->req->session_id, h);
    cJSON_AddStringToObject(p, "sid", h);
}

static bool is_str(const cJSON *v, size_t max)
{
    return cJSON_IsString(v) && v->valuestring && strlen(v->valuestring) <= max;
}

/* The question this session asked, checked: 0 none, -1 stale or foreign, 1 usable. */
enum cs_pending_state cs_pending_get(const struct cs_ctx *c, const struct cs_request *q,
                                     struct cs_pending *p)
{
    memset(p, 0, sizeof *p);
    const cJSON *j = q->session_attributes
                         ? cJSON_GetObjectItemCaseSensitive(q->session_attributes, CS_PENDING_KEY)
                         : NULL;
    if (!j)
        return CS_PENDING_NONE;
    if (!cJSON_IsObject(j) || q->session_new)
        return CS_PENDING_BAD;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "v");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(j, "intent");
    const cJSON *sl = cJSON_GetObjectItemCaseSensitive(j, "slots");
    const cJSON *cands = cJSON_GetObjectItemCaseSensitive(j, "cands");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "at");
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(j, "sid");
    char h[17];
    session_hash(q->session_id, h);
    if (!cJSON_IsNumber(v) || v->valueint != 1 || !is_str(in, 128) || !cJSON_IsObject(sl) ||
        !cJSON_IsArray(cands) || !cJSON_IsNumber(at) || !is_str(sid, 16) ||
        strcmp(sid->valuestring, h) != 0)
        return CS_PENDING_BAD;
    uint64_t now = now_ms(c), when = at->valuedouble > 0 ? (uint64_t)at->valuedouble : 0;
    if (when > now + 60000u || now - when > CS_PENDING_TTL_MS)
        return CS_PENDING_BAD;
    const cJSON *x;
    cJSON_ArrayForEach(x, cands)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(x, "name");
        if (p->n >= FUZZY_MAX_CANDIDATES || !is_str(id, 255) || !is_str(nm, 255) ||
            !strchr(id->valuestring, '.'))
            return CS_PENDING_BAD;
        p->ids[p->n] = id->valuestring;
        p->names[p->n++] = nm->valuestring;
    }
    cJSON_ArrayForEach(x, sl)
    {
        if (!is_str(x, CS_VALUE_MAX))
            return CS_PENDING_BAD;
    }
    if (!p->n || cJSON_GetArraySize(sl) > (int)CS_SLOT_MAX)
        return CS_PENDING_BAD;
    p->intent = in->valuestring;
    p->slots = sl;
    p->confirm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "confirm"));
    return CS_PENDING_OK;
}
