/* endpoint_check: the rule tables against Amazon's schema (drift is a failure), the
 * official Discover.Response sample untouched, and each rule broken once in one
 * endpoint among ten: that one goes with one WARN line naming it, the nine stay. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "smarthome/endpoint_check.h"

static cJSON *load(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/alexa/%s", LEEC_CONFORMANCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    ck_assert_ptr_nonnull(j);
    return j;
}

static const cJSON *at(const cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, "/", &save); k && j; k = strtok_r(NULL, "/", &save))
        j = cJSON_GetObjectItemCaseSensitive(j, k);
    return j;
}

static bool in_list(const char *const *l, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(l[i], s))
            return true;
    return false;
}

/* every string of a JSON array is in the table's list and the counts match */
static void same_set(const cJSON *arr, const char *const *l, size_t n, const char *what)
{
    ck_assert_msg(cJSON_IsArray(arr), "%s: not in the schema", what);
    ck_assert_msg((size_t)cJSON_GetArraySize(arr) == n, "%s: %d in the schema, %zu in the table",
                  what, cJSON_GetArraySize(arr), n);
    for (const cJSON *c = arr->child; c; c = c->next)
        ck_assert_msg(in_list(l, n, c->valuestring), "%s: %s is not in the table", what,
                      c->valuestring);
}

static char *words(const cJSON *arr, const char *const *skip, size_t nskip)
{
    static char buf[1024];
    buf[0] = '\0';
    for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next) {
        if (in_list(skip, nskip, c->valuestring))
            continue;
        if (buf[0])
            strcat(buf, " ");
        strcat(buf, c->valuestring);
    }
    return buf;
}

/* The tables are Amazon's schema: derived from it again here, every value compared. */
static void check_item_schema(const cJSON *item, const struct endpoint_check_tables *t)
{
    const cJSON *req = cJSON_GetObjectItem(item, "required");
    same_set(req, t->required, t->n_required, "required");
    const cJSON *props = cJSON_GetObjectItem(item, "properties");
    /* every member the schema describes is covered by a rule */
    static const char *const covered[] = {"displayCategories", "cookie", "capabilities",
                                          "connections", "additionalAttributes"};
    for (const cJSON *p = props->child; p; p = p->next) {
        bool found = in_list(covered, 5, p->string);
        for (size_t i = 0; i < t->n_strings; i++)
            found |= !strcmp(t->strings[i].field, p->string);
        ck_assert_msg(found, "the schema has endpoint member %s, the table no rule", p->string);
    }
    for (size_t i = 0; i < t->n_strings; i++) {
        const struct endpoint_check_string *s = &t->strings[i];
        const cJSON *p = cJSON_GetObjectItem(props, s->field);
        ck_assert_msg(p && !strcmp(cJSON_GetObjectItem(p, "type")->valuestring, "string"), "%s",
                      s->field);
        ck_assert_int_eq(cJSON_GetObjectItem(p, "minLength")->valueint, (int)s->min);
        ck_assert_int_eq(cJSON_GetObjectItem(p, "maxLength")->valueint, (int)s->max);
        const cJSON *pat = cJSON_GetObjectItem(p, "pattern");
        if (pat || s->pattern)
            ck_assert_msg(pat && s->pattern && !strcmp(pat->valuestring, s->pattern), "%s pattern",
                          s->field);
    }
    const cJSON *dc = cJSON_GetObjectItem(props, "displayCategories");
    ck_assert_int_eq(cJSON_GetObjectItem(dc, "minItems")->valueint, 1);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dc, "uniqueItems")));
    same_set(at(dc, "items/enum"), t->categories, t->n_categories, "displayCategories");
    ck_assert_str_eq(at(props, "cookie/additionalProperties/type")->valuestring, "string");
    const cJSON *conn = at(props, "connections/items");
    same_set(at(conn, "properties/type/enum"), t->connection_types, t->n_connection_types,
             "connections type");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(conn, "additionalProperties")));
    ck_assert_str_eq(at(conn, "required")->child->valuestring, "type");
    ck_assert_int_eq(cJSON_GetArraySize(at(conn, "properties")), (int)t->n_connection_members);
    for (size_t i = 0; i < t->n_connection_members; i++)
        ck_assert_ptr_nonnull(
            cJSON_GetObjectItem(at(conn, "properties"), t->connection_members[i]));
    const cJSON *aa = cJSON_GetObjectItem(props, "additionalAttributes");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(aa, "additionalProperties")));
    ck_assert_int_eq(cJSON_GetArraySize(at(aa, "properties")), (int)t->n_attributes);
    for (const cJSON *p = at(aa, "properties")->child; p; p = p->next) {
        ck_assert(in_list(t->attributes, t->n_attributes, p->string));
        ck_assert_int_eq(cJSON_GetObjectItem(p, "maxLength")->valueint, (int)t->attribute_max);
    }
    ck_assert_str_eq(at(aa, "properties/manufacturer/type")->valuestring, "string");
}

START_TEST(tables_match_amazons_schema)
{
    const struct endpoint_check_tables *t = endpoint_check_tables();
    cJSON *s = load("validation_schemas/alexa_smart_home_message_schema.json");
    int seen = 0;
    for (const cJSON *m = cJSON_GetObjectItem(s, "oneOf")->child; m; m = m->next) {
        const cJSON *name = at(m, "properties/event/properties/header/properties/name/enum");
        const char *n = name ? name->child->valuestring : "";
        if (strcmp(n, "Discover.Response") && strcmp(n, "AddOrUpdateReport"))
            continue;
        const cJSON *eps = at(m, "properties/event/properties/payload/properties/endpoints");
        ck_assert_int_eq(cJSON_GetObjectItem(eps, "maxItems")->valueint, (int)t->max_endpoints);
        check_item_schema(cJSON_GetObjectItem(eps, "items"), t);
        seen++;
    }
    ck_assert_int_eq(seen, 2);
    const cJSON *caps = at(s, "definitions/endpoint.capabilities");
    ck_assert_int_eq(cJSON_GetObjectItem(caps, "minItems")->valueint, 1);
    const cJSON *alts = at(caps, "items/anyOf");
    ck_assert_int_eq(cJSON_GetArraySize(alts), (int)t->n_interfaces);
    static const char *const base[] = {"interface", "type", "version"};
    size_t i = 0;
    for (const cJSON *a = alts->child; a; a = a->next, i++) {
        const cJSON *shared = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "allOf"), 0);
        const cJSON *own = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "allOf"), 1);
        const struct endpoint_check_interface *k = &t->interfaces[i];
        ck_assert_str_eq(at(own, "properties/interface/enum")->child->valuestring, k->interface);
        ck_assert_str_eq(at(own, "properties/type/enum")->child->valuestring, t->capability_type);
        const cJSON *pat = at(shared, "properties/type/pattern"); /* a few have none */
        ck_assert(!pat || !strcmp(pat->valuestring, t->capability_type_pattern));
        for (size_t b = 0; b < 3; b++) {
            bool has = false;
            for (const cJSON *r = cJSON_GetObjectItem(shared, "required")->child; r; r = r->next)
                has |= !strcmp(r->valuestring, base[b]);
            ck_assert_msg(has, "%s: %s not required", k->interface, base[b]);
        }
        /* the version: a string enum, and maybe an integer (with or without an enum) */
        const cJSON *v = at(own, "properties/version");
        const cJSON *one = cJSON_GetObjectItem(v, "oneOf");
        const cJSON *vs = one ? cJSON_GetArrayItem(one, 0) : v;
        ck_assert_str_eq(cJSON_GetObjectItem(vs, "enum")->child->valuestring, k->version);
        long iv = ENDPOINT_CHECK_NO_INT;
        if (one) {
            const cJSON *ie = cJSON_GetObjectItem(cJSON_GetArrayItem(one, 1), "enum");
            iv = ie ? (long)ie->child->valuedouble : ENDPOINT_CHECK_ANY_INT;
        }
        ck_assert_int_eq(iv, k->int_version);
        /* members required besides the three, from both halves */
        char req[512];
        snprintf(req, sizeof req, "%s", words(cJSON_GetObjectItem(shared, "required"), base, 3));
        const char *more = words(cJSON_GetObjectItem(own, "required"), base, 3);
        if (*more)
            snprintf(req + strlen(req), sizeof req - strlen(req), "%s%s", req[0] ? " " : "", more);
        ck_assert_msg(!strcmp(req, k->required), "%s: required %s, table %s", k->interface, req,
                      k->required);
        const cJSON *names = at(shared, "properties/properties/properties/supported/items/"
                                        "properties/name/enum");
        if (names || k->supported)
            ck_assert_msg(names && k->supported && !strcmp(words(names, NULL, 0), k->supported),
                          "%s supported names", k->interface);
    }
    cJSON_Delete(s);
}
END_TEST

static FILE *mem;
static char *membuf;
static size_t memlen;

static void setup(void)
{
    log_shutdown();
    mem = open_memstream(&membuf, &memlen);
    log_set_output(mem);
}

static void teardown(void)
{
    log_set_output(NULL);
    fclose(mem);
    free(membuf);
    membuf = NULL;
    log_shutdown();
}

START_TEST(official_sample_untouched)
{
    cJSON *j = load("sample_messages/Discovery/Discovery.response.json");
    cJSON *copy = cJSON_Duplicate(j, 1);
    ck_assert_ptr_nonnull(endpoint_check_endpoints(j));
    ck_assert_uint_eq(endpoint_check_reply(j), 0);
    ck_assert(cJSON_Compare(j, copy, 1));
    /* the same endpoints as an AddOrUpdateReport */
    cJSON_SetValuestring(cJSON_GetObjectItem(at(j, "event/header"), "name"), "AddOrUpdateReport");
    ck_assert_uint_eq(endpoint_check_reply(j), 0);
    fflush(mem);
    ck_assert_uint_eq(memlen, 0);
    cJSON_Delete(copy);
    cJSON_Delete(j);
}
END_TEST

#define GOOD_EP(id)                                                                               \
    "{\"endpointId\":\"" id "\",\"manufacturerName\":\"Home Assistant\",\"friendlyName\":\"Lamp " \
    "" id "\",\"description\":\"light by Home Assistant\",\"displayCategories\":[\"LIGHT\"],"     \
    "\"cookie\":{\"k\":\"v\"},\"capabilities\":[{\"type\":\"AlexaInterface\",\"interface\":"      \
    "\"Alexa.PowerController\",\"version\":\"3\",\"properties\":{\"supported\":[{\"name\":"       \
    "\"powerState\"}],\"proactivelyReported\":true,\"retrievable\":true}},{\"type\":"             \
    "\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"3\"}]}"

/* One mutation per rule: a JSON fragment merged into the fifth endpoint (a member set to
 * a value; "-name" removes it), and a word the WARN's rule must contain. */
struct mutation {
    const char *member, *value, *rule;
};
static const struct mutation MUT[] = {
    {"-endpointId", NULL, "endpointId is required"},
    {"-manufacturerName", NULL, "manufacturerName is required"},
    {"-friendlyName", NULL, "friendlyName is required"},
    {"-description", NULL, "description is required"},
    {"-displayCategories", NULL, "displayCategories is required"},
    {"-capabilities", NULL, "capabilities is required"},
    {"endpointId", "5", "endpointId: not a string"},
    {"endpointId", "\"\"", "endpointId: 1 to 256"},
    {"endpointId", "\"light.kitchen\"", "pattern"},
    {"endpointId", "\"light#k\\u00fcche\"", "pattern"},
    {"endpointId", "LONG257", "endpointId: 1 to 256"},
    {"manufacturerName", "LONG129", "manufacturerName: 1 to 128"},
    {"friendlyName", "LONG129", "friendlyName: 1 to 128"},
    {"friendlyName", "UTF129", "friendlyName: 1 to 128"},
    {"friendlyName", "null", "friendlyName: not a string"},
    {"description", "\"\"", "description: 1 to 128"},
    {"displayCategories", "\"LIGHT\"", "displayCategories: not an array"},
    {"displayCategories", "[]", "displayCategories: empty"},
    {"displayCategories", "[\"LAMP\"]", "not one of Alexa's categories"},
    {"displayCategories", "[1]", "not one of Alexa's categories"},
    {"displayCategories", "[\"LIGHT\",\"SWITCH\",\"LIGHT\"]", "uniqueItems"},
    {"cookie", "[]", "cookie: not an object"},
    {"cookie", "{\"a\":\"b\",\"n\":3}", "cookie: the value of n"},
    {"cookie", "{\"o\":{\"x\":\"y\"}}", "cookie: the value of o"},
    {"connections", "{}", "connections: not an array"},
    {"connections", "[\"x\"]", "connections: an item"},
    {"connections", "[{\"type\":\"WIFI\"}]", "connections: type"},
    {"connections", "[{\"type\":\"ZIGBEE\",\"mac\":\"x\"}]", "connections: unknown member"},
    {"additionalAttributes", "[]", "additionalAttributes: not an object"},
    {"additionalAttributes", "{\"color\":\"x\"}", "additionalAttributes: unknown member"},
    {"additionalAttributes", "{\"manufacturer\":1}", "manufacturer is not a string"},
    {"additionalAttributes", "{\"model\":LONG257}", "additionalAttributes: model longer"},
    {"capabilities", "{}", "capabilities: not an array"},
    {"capabilities", "[]", "capabilities: empty"},
    {"capabilities", "[3]", "capabilities: an item is not an object"},
    {"capabilities", "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\"}]",
     "lacks interface, type or version"},
    {"capabilities", "[{\"type\":\"AlexaInterface\",\"interface\":7,\"version\":\"3\"}]",
     "interface is not a string"},
    {"capabilities", "[{\"type\":\"Interface\",\"interface\":\"Alexa\",\"version\":\"3\"}]",
     "type is not AlexaInterface"},
    {"capabilities", "[{\"type\":\"a.b\",\"interface\":\"Vendor.X\",\"version\":\"1\"}]",
     "type is not AlexaInterface"},
    {"capabilities", "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"2\"}]",
     "version is not 3"},
    {"capabilities", "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":3.5}]",
     "version is not 3"},
    {"capabilities",
     "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.ToggleController\",\"version\":\"3\"}]",
     "instance is required"},
    {"capabilities",
     "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"3\",\"properties\":1}]",
     "properties is not an object"},
    {"capabilities",
     "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.PowerController\",\"version\":\"3\","
     "\"properties\":{\"supported\":[{\"name\":\"brightness\"}]}}]",
     "properties.supported"},
    {"capabilities",
     "[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.PowerController\",\"version\":\"3\","
     "\"properties\":{\"supported\":[{\"name\":\"powerState\",\"x\":1}]}}]",
     "properties.supported"},
    {"endpointId", "\"ep3\"", "a second endpoint with this id"},
};

static char *long_string(size_t n, const char *unit)
{
    size_t ul = strlen(unit);
    char *s = malloc(n * ul + 3);
    s[0] = '"';
    for (size_t i = 0; i < n; i++)
        memcpy(s + 1 + i * ul, unit, ul);
    s[1 + n * ul] = '"';
    s[2 + n * ul] = '\0';
    return s;
}

static cJSON *ten_endpoints(void)
{
    char buf[16384] = "{\"event\":{\"header\":{\"namespace\":\"Alexa.Discovery\",\"name\":"
                      "\"Discover.Response\",\"payloadVersion\":\"3\",\"messageId\":\"m\"},"
                      "\"payload\":{\"endpoints\":[";
    static const char *const eps[] = {
        GOOD_EP("ep0"), GOOD_EP("ep1"), GOOD_EP("ep2"), GOOD_EP("ep3"), GOOD_EP("ep4"),
        GOOD_EP("ep5"), GOOD_EP("ep6"), GOOD_EP("ep7"), GOOD_EP("ep8"), GOOD_EP("ep9")};
    for (size_t i = 0; i < 10; i++) {
        strcat(buf, eps[i]);
        strcat(buf, i < 9 ? "," : "]}}}");
    }
    cJSON *j = cJSON_Parse(buf);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(each_rule_drops_one_endpoint)
{
    size_t i = (size_t)_i;
    const struct mutation *m = &MUT[i];
    cJSON *j = ten_endpoints();
    cJSON *eps = endpoint_check_endpoints(j);
    ck_assert_uint_eq(endpoint_check_reply(j), 0);
    cJSON *ep = cJSON_GetArrayItem(eps, 5);
    if (m->member[0] == '-') {
        cJSON_DeleteItemFromObjectCaseSensitive(ep, m->member + 1);
    } else {
        char *val = !strcmp(m->value, "LONG257")   ? long_string(257, "a")
                    : !strcmp(m->value, "LONG129") ? long_string(129, "a")
                    : !strcmp(m->value, "UTF129")  ? long_string(129, "\xc3\xa9")
                                                   : strdup(m->value);
        char *v2 = NULL;
        if (strstr(m->value, "LONG257") && strcmp(m->value, "LONG257")) { /* inside an object */
            char *l = long_string(257, "a");
            v2 = malloc(strlen(l) + 32);
            sprintf(v2, "{\"model\":%s}", l);
            free(l);
            free(val);
            val = v2;
        }
        cJSON *v = cJSON_Parse(val);
        ck_assert_msg(v != NULL, "%s", val);
        free(val);
        if (cJSON_GetObjectItemCaseSensitive(ep, m->member))
            cJSON_ReplaceItemInObjectCaseSensitive(ep, m->member, v);
        else
            cJSON_AddItemToObject(ep, m->member, v);
    }
    char why[256];
    bool dup = strstr(m->rule, "second endpoint") != NULL;
    ck_assert_msg(dup || endpoint_check_one(ep, why, sizeof why), "mutation %zu accepted", i);
    ck_assert_uint_eq(endpoint_check_reply(j), 1);
    ck_assert_int_eq(cJSON_GetArraySize(eps), 9);
    /* the nine others, in order */
    int k = 0;
    for (const cJSON *e = eps->child; e; e = e->next, k++) {
        char id[16];
        snprintf(id, sizeof id, "ep%d", k < 5 ? k : k + 1);
        ck_assert_str_eq(cJSON_GetObjectItem(e, "endpointId")->valuestring, id);
    }
    /* one WARN line naming the endpoint (its id as sent, or null) and the rule */
    fflush(mem);
    ck_assert_ptr_nonnull(membuf);
    ck_assert_ptr_null(strchr(membuf, '\n') + 1 == membuf + memlen ? NULL : membuf);
    cJSON *line = cJSON_Parse(membuf);
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(cJSON_GetObjectItem(line, "level")->valuestring, "WARN");
    ck_assert_int_eq(cJSON_GetObjectItem(line, "index")->valueint, 5);
    const cJSON *id = cJSON_GetObjectItem(line, "endpoint_id");
    if (m->member[0] == '-' && !strcmp(m->member, "-endpointId"))
        ck_assert(cJSON_IsNull(id));
    else if (!strcmp(m->member, "endpointId") && strcmp(m->value, "5"))
        ck_assert(cJSON_IsString(id));
    else if (strcmp(m->member, "endpointId"))
        ck_assert_str_eq(id->valuestring, "ep5");
    const char *rule = cJSON_GetObjectItem(line, "rule")->valuestring;
    ck_assert_msg(strstr(rule, m->rule), "mutation %zu: rule \"%s\", expected \"%s\"", i, rule,
                  m->rule);
    cJSON_Delete(line);
    cJSON_Delete(j);
}
END_TEST

START_TEST(valid_variants_kept)
{
    /* what the schema accepts must stay: an integer version, an interface this schema
     * does not know, 128 two-byte characters, every optional member well formed */
    static const char *const ok[] = {
        "{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":3}",
        "{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.PlaybackStateReporter\","
        "\"version\":\"3\"}",
        "{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.AutomationManagement\","
        "\"version\":7}",
        "{\"type\":\"AlexaInterface\",\"interface\":\"Alexa.PowerController\",\"version\":\"3\","
        "\"properties\":{\"supported\":{}}}"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cJSON *j = ten_endpoints();
        cJSON *ep = cJSON_GetArrayItem(endpoint_check_endpoints(j), 2);
        cJSON_AddItemToArray(cJSON_GetObjectItem(ep, "capabilities"), cJSON_Parse(ok[i]));
        char *name = long_string(128, "\xc3\xa9");
        cJSON_ReplaceItemInObject(ep, "friendlyName", cJSON_Parse(name));
        free(name);
        cJSON_AddItemToObject(ep, "connections",
                              cJSON_Parse("[{\"type\":\"TCP_IP\",\"macAddress\":\"00:11\"}]"));
        cJSON_AddItemToObject(ep, "additionalAttributes",
                              cJSON_Parse("{\"manufacturer\":\"x\",\"model\":7}"));
        cJSON_ReplaceItemInObject(ep, "endpointId",
                                  cJSON_CreateString("a-Z_0=9#;:?@&light#kitchen"));
        char why[256] = "";
        ck_assert_msg(!endpoint_check_one(ep, why, sizeof why), "%zu: %s", i, why);
        ck_assert_uint_eq(endpoint_check_reply(j), 0);
        cJSON_Delete(j);
    }
}
END_TEST

START_TEST(at_most_300_kept)
{
    cJSON *j = ten_endpoints();
    cJSON *eps = endpoint_check_endpoints(j);
    cJSON *proto = cJSON_GetArrayItem(eps, 0);
    for (int i = 10; i < 305; i++) {
        cJSON *e = cJSON_Duplicate(proto, 1);
        char id[16];
        snprintf(id, sizeof id, "ep%d", i);
        cJSON_ReplaceItemInObject(e, "endpointId", cJSON_CreateString(id));
        cJSON_AddItemToArray(eps, e);
    }
    ck_assert_uint_eq(endpoint_check_reply(j), 5);
    ck_assert_int_eq(cJSON_GetArraySize(eps), 300);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(eps, 299), "endpointId")->valuestring,
                     "ep299");
    fflush(mem);
    ck_assert_ptr_nonnull(strstr(membuf, "\"endpoint_id\":\"ep304\""));
    ck_assert_ptr_nonnull(strstr(membuf, "maxItems"));
    cJSON_Delete(j);
}
END_TEST

START_TEST(other_replies_untouched)
{
    cJSON *j = load("sample_messages/PowerController/PowerController.TurnOn.response.json");
    ck_assert_ptr_null(endpoint_check_endpoints(j));
    ck_assert_uint_eq(endpoint_check_reply(j), 0);
    cJSON_Delete(j);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("endpoint_check");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tables_match_amazons_schema);
    tcase_add_test(tc, official_sample_untouched);
    tcase_add_loop_test(tc, each_rule_drops_one_endpoint, 0, (int)(sizeof MUT / sizeof MUT[0]));
    tcase_add_test(tc, valid_variants_kept);
    tcase_add_test(tc, at_most_300_kept);
    tcase_add_test(tc, other_replies_untouched);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
