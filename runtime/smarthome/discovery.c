/* discovery: see discovery.h. */
#include "smarthome/discovery.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool discovery_rules_empty(const struct discovery_rules *r)
{
    return !r || (!r->n_include && !r->n_exclude && !r->n_cap_removals && !r->n_names &&
                  !r->n_categories);
}

static const char *str_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static cJSON *endpoints_of(const cJSON *reply)
{
    const cJSON *ev =
        cJSON_IsObject(reply) ? cJSON_GetObjectItemCaseSensitive(reply, "event") : NULL;
    const cJSON *hdr = cJSON_IsObject(ev) ? cJSON_GetObjectItemCaseSensitive(ev, "header") : NULL;
    const char *ns = str_item(hdr, "namespace"), *name = str_item(hdr, "name");
    if (!ns || !name || strcmp(ns, "Alexa.Discovery") || strcmp(name, "Discover.Response"))
        return NULL;
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(ev, "payload");
    cJSON *eps = cJSON_IsObject(pl) ? cJSON_GetObjectItemCaseSensitive(pl, "endpoints") : NULL;
    return cJSON_IsArray(eps) ? eps : NULL;
}

bool discovery_is_response(const cJSON *reply) { return endpoints_of(reply) != NULL; }

static bool glob_any(const char *const *globs, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (globs[i] && fnmatch(globs[i], s, 0) == 0)
            return true;
    return false;
}

static bool keep_endpoint(const struct discovery_rules *r, const char *id)
{
    if (glob_any(r->exclude, r->n_exclude, id))
        return false;
    return r->n_include == 0 || glob_any(r->include, r->n_include, id);
}

/* Drops from arr every element whose member key (a capability's "interface", a
 * property's "namespace") matches a removal rule for endpoint id. */
static size_t remove_matching(const struct discovery_rules *r, cJSON *arr, const char *key,
                              const char *id)
{
    if (!cJSON_IsArray(arr))
        return 0;
    size_t removed = 0;
    for (size_t k = 0; k < r->n_cap_removals; k++) {
        const struct discovery_cap_removal *cr = &r->cap_removals[k];
        if (!cr->endpoint_glob || !cr->interface || fnmatch(cr->endpoint_glob, id, 0) != 0)
            continue;
        for (cJSON *e = arr->child, *next; e; e = next) {
            next = e->next;
            const char *name = str_item(e, key);
            if (name && fnmatch(cr->interface, name, 0) == 0) {
                cJSON_Delete(cJSON_DetachItemViaPointer(arr, e));
                removed++;
            }
        }
    }
    return removed;
}

static size_t remove_caps(const struct discovery_rules *r, cJSON *ep, const char *id)
{
    return remove_matching(r, cJSON_GetObjectItemCaseSensitive(ep, "capabilities"), "interface",
                           id);
}

static void set_item(cJSON *obj, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else
        cJSON_AddItemToObject(obj, key, v);
}

/* Returns false when out of memory. */
static bool apply_overrides(const struct discovery_rules *r, cJSON *ep, const char *id)
{
    for (size_t k = 0; k < r->n_names; k++) {
        if (!r->names[k].endpoint_id || !r->names[k].friendly_name ||
            strcmp(r->names[k].endpoint_id, id) != 0)
            continue;
        cJSON *v = cJSON_CreateString(r->names[k].friendly_name);
        if (!v)
            return false;
        set_item(ep, "friendlyName", v);
    }
    for (size_t k = 0; k < r->n_categories; k++) {
        if (!r->categories[k].endpoint_id || !r->categories[k].category ||
            strcmp(r->categories[k].endpoint_id, id) != 0)
            continue;
        const char *one[1] = {r->categories[k].category};
        cJSON *arr = cJSON_CreateStringArray(one, 1);
        if (!arr)
            return false;
        set_item(ep, "displayCategories", arr);
    }
    return true;
}

int discovery_rewrite(cJSON *reply, const struct discovery_rules *r, struct discovery_result *out)
{
    memset(out, 0, sizeof *out);
    cJSON *eps = endpoints_of(reply);
    if (!eps)
        return 0;
    out->count_before = (size_t)cJSON_GetArraySize(eps);
    static const struct discovery_rules none = {0};
    if (!r)
        r = &none;
    cJSON *ep = eps->child;
    while (ep) {
        cJSON *next = ep->next;
        const char *id = str_item(ep, "endpointId");
        /* An endpoint without an id can't be matched: it is kept unless an
     * include list exists (then it matches nothing). */
        if (id ? !keep_endpoint(r, id) : r->n_include > 0) {
            cJSON_Delete(cJSON_DetachItemViaPointer(eps, ep));
        } else if (id) {
            out->removed_capabilities += remove_caps(r, ep, id);
            if (!apply_overrides(r, ep, id))
                return -1;
        }
        ep = next;
    }
    out->count_after = (size_t)cJSON_GetArraySize(eps);
    out->over_limit = out->count_after > DISCOVERY_ALEXA_MAX_ENDPOINTS;
    out->json = cJSON_PrintUnformatted(reply);
    if (!out->json)
        return -1;
    out->len = strlen(out->json);
    out->rewritten = true;
    return 0;
}

int discovery_rewrite_text(const char *text, size_t len, const struct discovery_rules *r,
                           struct discovery_result *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;
    if (!j)
        return 0;
    int rc = discovery_rewrite(j, r, out);
    cJSON_Delete(j);
    return rc;
}

void discovery_result_free(struct discovery_result *out)
{
    if (!out)
        return;
    free(out->json);
    out->json = NULL;
    out->len = 0;
}

/* Drops from props (an array of {namespace, name, ...}) every property whose namespace
 * a removal rule for endpoint id matches. */
static size_t filter_props(const struct discovery_rules *r, cJSON *props, const char *id)
{
    return remove_matching(r, props, "namespace", id);
}

size_t discovery_filter_properties(cJSON *reply, const struct discovery_rules *r)
{
    if (!r || !r->n_cap_removals || !cJSON_IsObject(reply))
        return 0;
    cJSON *ev = cJSON_GetObjectItemCaseSensitive(reply, "event");
    const cJSON *ep = cJSON_IsObject(ev) ? cJSON_GetObjectItemCaseSensitive(ev, "endpoint") : NULL;
    const char *id = str_item(ep, "endpointId");
    if (!id)
        return 0;
    cJSON *ctx = cJSON_GetObjectItemCaseSensitive(reply, "context");
    size_t removed = cJSON_IsObject(ctx)
                         ? filter_props(r, cJSON_GetObjectItemCaseSensitive(ctx, "properties"), id)
                         : 0;
    cJSON *pl = cJSON_GetObjectItemCaseSensitive(ev, "payload");
    cJSON *change = cJSON_IsObject(pl) ? cJSON_GetObjectItemCaseSensitive(pl, "change") : NULL;
    if (cJSON_IsObject(change))
        removed += filter_props(r, cJSON_GetObjectItemCaseSensitive(change, "properties"), id);
    return removed;
}
