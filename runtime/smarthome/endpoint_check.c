/* endpoint_check: see endpoint_check.h. */
#include "smarthome/endpoint_check.h"

#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the rules: Amazon's schema (alexa_smart_home_message_schema.json, the
 * Discover.Response / AddOrUpdateReport endpoint and definitions/endpoint.capabilities);
 * test_endpoint_check.c derives every value below from it and fails on a difference ---- */

static const char *const ec_required[] = {"endpointId",  "manufacturerName",  "friendlyName",
                                          "description", "displayCategories", "capabilities"};

#define EC_ID_PATTERN  "^[a-zA-Z0-9_\\-=#;:?@&]*$"
#define EC_CAP_PATTERN "^[ a-zA-Z0-9_\\-=#;:?@&]+$"

static const struct endpoint_check_string ec_strings[] = {
    {"endpointId", 1, 256, EC_ID_PATTERN},
    {"manufacturerName", 1, 128, NULL},
    {"friendlyName", 1, 128, NULL},
    {"description", 1, 128, NULL},
};

static const char *const ec_categories[] = {"ACTIVITY_TRIGGER",
                                            "CAMERA",
                                            "COMPUTER",
                                            "CONTACT_SENSOR",
                                            "DOOR",
                                            "DOORBELL",
                                            "EXTERIOR_BLIND",
                                            "FAN",
                                            "GAME_CONSOLE",
                                            "GARAGE_DOOR",
                                            "INTERIOR_BLIND",
                                            "LAPTOP",
                                            "LIGHT",
                                            "MICROWAVE",
                                            "MOBILE_PHONE",
                                            "MOTION_SENSOR",
                                            "MUSIC_SYSTEM",
                                            "NETWORK_HARDWARE",
                                            "OTHER",
                                            "OVEN",
                                            "PHONE",
                                            "SCENE_TRIGGER",
                                            "SCREEN",
                                            "SECURITY_PANEL",
                                            "SMARTLOCK",
                                            "SMARTPLUG",
                                            "SPEAKER",
                                            "STREAMING_DEVICE",
                                            "SWITCH",
                                            "TABLET",
                                            "TEMPERATURE_SENSOR",
                                            "THERMOSTAT",
                                            "TV",
                                            "WEARABLE"};

static const char *const ec_connection_types[] = {"TCP_IP", "ZIGBEE", "ZWAVE", "UNKNOWN"};
static const char *const ec_connection_members[] = {"type", "macAddress", "homeId", "nodeId",
                                                    "value"};
static const char *const ec_attributes[] = {"manufacturer",    "model",
                                            "serialNumber",    "firmwareVersion",
                                            "softwareVersion", "customIdentifier"};

static const struct endpoint_check_interface ec_interfaces[] = {
    {"Alexa", "3", 3, "", NULL},
    {"Alexa.ColorController", "3", 3, "", "color"},
    {"Alexa.PowerController", "3", 3, "", "powerState"},
    {"Alexa.SceneController", "3", 3, "", NULL},
    {"Alexa.ThermostatController", "3", 3, "",
     "lowerSetpoint targetSetpoint thermostatMode upperSetpoint"},
    {"Alexa.ChannelController", "3", 3, "", "channel"},
    {"Alexa.BrightnessController", "3", 3, "", "brightness"},
    {"Alexa.ColorTemperatureController", "3", 3, "", "colorTemperatureInKelvin"},
    {"Alexa.CustomIntent", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.DoorbellEventSource", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.EndpointHealth", "3", 3, "", "connectivity"},
    {"Alexa.LockController", "3", 3, "", "lockState"},
    {"Alexa.PercentageController", "3", 3, "", "percentage"},
    {"Alexa.PowerLevelController", "3", 3, "", "powerLevel"},
    {"Alexa.TemperatureSensor", "3", 3, "", "temperature"},
    {"Alexa.RTCSessionController", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.ContactSensor", "3", 3, "", "detectionState"},
    {"Alexa.MotionSensor", "3", 3, "", "detectionState"},
    {"Alexa.Speaker", "3", 3, "", "muted volume"},
    {"Alexa.EventDetectionSensor", "3", ENDPOINT_CHECK_NO_INT, "",
     "animalPresenceDetectionState babyCryDetectionState detectionModes dogBarkDetectionState "
     "enablementMode glassBreakDetectionState humanPresenceDetectionState smokeSirenDetectionState "
     "vehiclePresenceDetectionState"},
    {"Alexa.Networking.ConnectedDevice", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.Networking.HomeNetworkController", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.EqualizerController", "3", ENDPOINT_CHECK_NO_INT, "", "bands mode"},
    {"Alexa.InputController", "3", 3, "", "input"},
    {"Alexa.ModeController", "3", ENDPOINT_CHECK_NO_INT, "instance", "mode"},
    {"Alexa.RangeController", "3", 3, "capabilityResources configuration instance", "rangeValue"},
    {"Alexa.ToggleController", "3", 3, "instance", "toggleState"},
    {"Alexa.SecurityPanelController", "3", 3, "",
     "armState burglaryAlarm carbonMonoxideAlarm fireAlarm waterAlarm"},
    {"Alexa.StepSpeaker", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.PlaybackController", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.WakeOnLANController", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.RecordController", "3", ENDPOINT_CHECK_NO_INT, "", "RecordingState"},
    {"Alexa.RemoteVideoPlayer", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.SeekController", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.Launcher", "3", ENDPOINT_CHECK_NO_INT, "", "target"},
    {"Alexa.AutomationManagement", "1.0", ENDPOINT_CHECK_ANY_INT, "", "automationStatuses"},
    {"Alexa.InventoryLevelSensor", "3", ENDPOINT_CHECK_NO_INT,
     "instance capabilityResources configuration", "level"},
    {"Alexa.Cooking.TimeController", "3", ENDPOINT_CHECK_NO_INT, "",
     "requestedCookTime cookingPowerLevel"},
    {"Alexa.MediaMetadata", "3", ENDPOINT_CHECK_NO_INT, "", NULL},
    {"Alexa.Cooking", "3", ENDPOINT_CHECK_NO_INT, "", "cookingTimeInterval cookingMode foodItem"},
    {"Alexa.CameraStreamController", "3", ENDPOINT_CHECK_NO_INT, "cameraStreamConfigurations",
     NULL},
    {"Alexa.TimeHoldController", "3", ENDPOINT_CHECK_NO_INT, "", "holdStartTime holdEndTime"},
    {"Alexa.Networking.AccessController", "3", ENDPOINT_CHECK_NO_INT, "", "networkAccess"},
    {"Alexa.Cooking.PresetController", "3", ENDPOINT_CHECK_NO_INT, "",
     "presetName requestedFoodDoneness"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct endpoint_check_tables ec_tables = {
    .required = ec_required,
    .n_required = N(ec_required),
    .strings = ec_strings,
    .n_strings = N(ec_strings),
    .categories = ec_categories,
    .n_categories = N(ec_categories),
    .connection_types = ec_connection_types,
    .n_connection_types = N(ec_connection_types),
    .connection_members = ec_connection_members,
    .n_connection_members = N(ec_connection_members),
    .attributes = ec_attributes,
    .n_attributes = N(ec_attributes),
    .attribute_max = 256,
    .capability_type = "AlexaInterface",
    .capability_type_pattern = EC_CAP_PATTERN,
    .interfaces = ec_interfaces,
    .n_interfaces = N(ec_interfaces),
    .max_endpoints = ENDPOINT_CHECK_MAX,
};

const struct endpoint_check_tables *endpoint_check_tables(void) { return &ec_tables; }

/* ---- the checks ---- */

/* The two patterns' character classes: [a-zA-Z0-9_\-=#;:?@&], plus ' ' for a type. */
static bool ec_id_char(unsigned char c, bool space)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("_-=#;:?@&", c)) || (space && c == ' ');
}

static bool ec_matches(const char *s, bool space)
{
    for (; *s; s++)
        if (!ec_id_char((unsigned char)*s, space))
            return false;
    return true;
}

/* JSON Schema's minLength/maxLength count characters, not bytes (the text is valid
 * UTF-8: jsonguard checked HA's reply). */
static size_t ec_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool ec_in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* word in a blank-separated list */
static bool ec_in_words(const char *words, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = words; p && *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && memcmp(p, w, n) == 0)
            return true;
        p += k;
        p += *p == ' ';
    }
    return false;
}

__attribute__((format(printf, 3, 4))) static bool ec_fail(char *why, size_t whylen, const char *fmt,
                                                          ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return true;
}

static bool ec_check_string(const cJSON *ep, const struct endpoint_check_string *r, char *why,
                            size_t whylen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ep, r->field);
    if (!v)
        return false; /* a required one is checked with the required list */
    if (!cJSON_IsString(v) || !v->valuestring)
        return ec_fail(why, whylen, "%s: not a string", r->field);
    size_t n = ec_chars(v->valuestring);
    if (n < r->min || n > r->max)
        return ec_fail(why, whylen, "%s: %u to %u characters (has %zu)", r->field, r->min, r->max,
                       n);
    if (r->pattern && !ec_matches(v->valuestring, false))
        return ec_fail(why, whylen, "%s: only letters, digits and _-=#;:?@& (pattern %s)", r->field,
                       r->pattern);
    return false;
}

static bool ec_check_categories(const cJSON *cats, char *why, size_t whylen)
{
    if (!cJSON_IsArray(cats))
        return ec_fail(why, whylen, "displayCategories: not an array");
    if (!cats->child)
        return ec_fail(why, whylen, "displayCategories: empty (at least 1 item)");
    unsigned char seen[N(ec_categories)] = {0};
    for (const cJSON *c = cats->child; c; c = c->next) {
        size_t k = 0;
        while (k < N(ec_categories) &&
               !(cJSON_IsString(c) && c->valuestring && !strcmp(c->valuestring, ec_categories[k])))
            k++;
        if (k == N(ec_categories))
            return ec_fail(why, whylen, "displayCategories: %s is not one of Alexa's categories",
                           cJSON_IsString(c) && c->valuestring ? c->valuestring : "a non-string");
        if (seen[k]++)
            return ec_fail(why, whylen, "displayCategories: %s twice (uniqueItems)",
                           ec_categories[k]);
    }
    return false;
}

static bool ec_check_cookie(const cJSON *cookie, char *why, size_t whylen)
{
    if (!cookie)
        return false;
    if (!cJSON_IsObject(cookie))
        return ec_fail(why, whylen, "cookie: not an object");
    for (const cJSON *c = cookie->child; c; c = c->next)
        if (!cJSON_IsString(c))
            return ec_fail(why, whylen, "cookie: the value of %.64s is not a string",
                           c->string ? c->string : "?");
    return false;
}

static bool ec_check_connections(const cJSON *conns, char *why, size_t whylen)
{
    if (!conns)
        return false;
    if (!cJSON_IsArray(conns))
        return ec_fail(why, whylen, "connections: not an array");
    for (const cJSON *c = conns->child; c; c = c->next) {
        if (!cJSON_IsObject(c))
            return ec_fail(why, whylen, "connections: an item is not an object");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
        if (!t || !cJSON_IsString(t) ||
            !ec_in(ec_connection_types, N(ec_connection_types), t->valuestring))
            return ec_fail(why, whylen,
                           "connections: type is not one of TCP_IP, ZIGBEE, ZWAVE, "
                           "UNKNOWN");
        for (const cJSON *m = c->child; m; m = m->next)
            if (!ec_in(ec_connection_members, N(ec_connection_members), m->string))
                return ec_fail(why, whylen, "connections: unknown member %.64s",
                               m->string ? m->string : "?");
    }
    return false;
}

static bool ec_check_attributes(const cJSON *attrs, char *why, size_t whylen)
{
    if (!attrs)
        return false;
    if (!cJSON_IsObject(attrs))
        return ec_fail(why, whylen, "additionalAttributes: not an object");
    for (const cJSON *m = attrs->child; m; m = m->next) {
        if (!ec_in(ec_attributes, N(ec_attributes), m->string))
            return ec_fail(why, whylen, "additionalAttributes: unknown member %.64s",
                           m->string ? m->string : "?");
        /* the schema types only manufacturer ("type:" typos elsewhere); maxLength
         * applies to any string */
        if (!strcmp(m->string, "manufacturer") && !cJSON_IsString(m))
            return ec_fail(why, whylen, "additionalAttributes: manufacturer is not a string");
        if (cJSON_IsString(m) && m->valuestring &&
            ec_chars(m->valuestring) > ec_tables.attribute_max)
            return ec_fail(why, whylen, "additionalAttributes: %s longer than %u characters",
                           m->string, ec_tables.attribute_max);
    }
    return false;
}

static const struct endpoint_check_interface *ec_interface(const char *name)
{
    for (size_t i = 0; name && i < N(ec_interfaces); i++)
        if (!strcmp(ec_interfaces[i].interface, name))
            return &ec_interfaces[i];
    return NULL;
}

static bool ec_version_ok(const cJSON *v, const struct endpoint_check_interface *k)
{
    if (cJSON_IsString(v))
        return !k || (v->valuestring && !strcmp(v->valuestring, k->version));
    if (!cJSON_IsNumber(v))
        return false;
    if (!k)
        return true;
    bool integer = v->valuedouble == (double)(long)v->valuedouble;
    return integer && (k->int_version == ENDPOINT_CHECK_ANY_INT ||
                       (k->int_version >= 0 && (long)v->valuedouble == k->int_version));
}

/* The shape every capability shares (the first half of each alternative of
 * endpoint.capabilities), then what the schema states for a known interface. An
 * interface the schema does not know keeps the shared shape only: Alexa knows more
 * interfaces than this schema snapshot, and a usable device must not be dropped. */
static bool ec_check_capability(const cJSON *c, char *why, size_t whylen)
{
    if (!cJSON_IsObject(c))
        return ec_fail(why, whylen, "capabilities: an item is not an object");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(c, "interface");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "version");
    if (!t || !i || !v)
        return ec_fail(why, whylen, "capabilities: an item lacks interface, type or version");
    if (!cJSON_IsString(i) || !i->valuestring)
        return ec_fail(why, whylen, "capabilities: interface is not a string");
    const struct endpoint_check_interface *k = ec_interface(i->valuestring);
    if (!cJSON_IsString(t) || !t->valuestring || !t->valuestring[0] ||
        !ec_matches(t->valuestring, true) ||
        (k && strcmp(t->valuestring, ec_tables.capability_type)))
        return ec_fail(why, whylen, "capabilities: %.64s: type is not %s", i->valuestring,
                       ec_tables.capability_type);
    if (!ec_version_ok(v, k))
        return ec_fail(why, whylen, "capabilities: %.64s: version is not %s", i->valuestring,
                       k ? k->version : "a string or a number");
    for (const char *p = k ? k->required : ""; *p;) {
        char name[64];
        size_t n = strcspn(p, " ");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if (!cJSON_GetObjectItemCaseSensitive(c, name))
            return ec_fail(why, whylen, "capabilities: %.64s: %s is required", i->valuestring,
                           name);
        p += n;
        p += *p == ' ';
    }
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(c, "properties");
    if (props && !cJSON_IsObject(props))
        return ec_fail(why, whylen, "capabilities: %.64s: properties is not an object",
                       i->valuestring);
    const cJSON *sup = props ? cJSON_GetObjectItemCaseSensitive(props, "supported") : NULL;
    if (k && k->supported && cJSON_IsArray(sup))
        for (const cJSON *s = sup->child; s; s = s->next) {
            const cJSON *nm =
                cJSON_IsObject(s) ? cJSON_GetObjectItemCaseSensitive(s, "name") : NULL;
            if (!nm || !cJSON_IsString(nm) || !nm->valuestring ||
                !ec_in_words(k->supported, nm->valuestring) || s->child->next)
                return ec_fail(why, whylen,
                               "capabilities: %.64s: properties.supported lists something "
                               "other than {\"name\": one of %s}",
                               i->valuestring, k->supported);
        }
    return false;
}

bool endpoint_check_one(const cJSON *ep, char *why, size_t whylen)
{
    if (!cJSON_IsObject(ep))
        return ec_fail(why, whylen, "the endpoint is not an object");
    for (size_t i = 0; i < N(ec_required); i++)
        if (!cJSON_GetObjectItemCaseSensitive(ep, ec_required[i]))
            return ec_fail(why, whylen, "%s is required", ec_required[i]);
    for (size_t i = 0; i < N(ec_strings); i++)
        if (ec_check_string(ep, &ec_strings[i], why, whylen))
            return true;
    if (ec_check_categories(cJSON_GetObjectItemCaseSensitive(ep, "displayCategories"), why,
                            whylen) ||
        ec_check_cookie(cJSON_GetObjectItemCaseSensitive(ep, "cookie"), why, whylen) ||
        ec_check_connections(cJSON_GetObjectItemCaseSensitive(ep, "connections"), why, whylen) ||
        ec_check_attributes(cJSON_GetObjectItemCaseSensitive(ep, "additionalAttributes"), why,
                            whylen))
        return true;
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(ep, "capabilities");
    if (!cJSON_IsArray(caps))
        return ec_fail(why, whylen, "capabilities: not an array");
    if (!caps->child)
        return ec_fail(why, whylen, "capabilities: empty (at least 1 item)");
    for (const cJSON *c = caps->child; c; c = c->next)
        if (ec_check_capability(c, why, whylen))
            return true;
    return false;
}

static const char *ec_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

cJSON *endpoint_check_endpoints(const cJSON *reply)
{
    const cJSON *ev =
        cJSON_IsObject(reply) ? cJSON_GetObjectItemCaseSensitive(reply, "event") : NULL;
    const cJSON *hdr = cJSON_IsObject(ev) ? cJSON_GetObjectItemCaseSensitive(ev, "header") : NULL;
    const char *ns = ec_str(hdr, "namespace"), *name = ec_str(hdr, "name");
    if (!ns || !name || strcmp(ns, "Alexa.Discovery") ||
        (strcmp(name, "Discover.Response") && strcmp(name, "AddOrUpdateReport")))
        return NULL;
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(ev, "payload");
    cJSON *eps = cJSON_IsObject(pl) ? cJSON_GetObjectItemCaseSensitive(pl, "endpoints") : NULL;
    return cJSON_IsArray(eps) ? eps : NULL;
}

size_t endpoint_check_reply(cJSON *reply)
{
    cJSON *eps = endpoint_check_endpoints(reply);
    if (!eps)
        return 0;
    const char *kept[ENDPOINT_CHECK_MAX];
    size_t nkept = 0, dropped = 0, index = 0;
    char why[256];
    for (cJSON *ep = eps->child, *next; ep; ep = next, index++) {
        next = ep->next;
        const char *id = ec_str(ep, "endpointId");
        bool bad = endpoint_check_one(ep, why, sizeof why);
        for (size_t k = 0; !bad && k < nkept; k++)
            if (!strcmp(kept[k], id))
                bad = ec_fail(why, sizeof why, "endpointId: a second endpoint with this id");
        if (!bad && nkept == ENDPOINT_CHECK_MAX)
            bad =
                ec_fail(why, sizeof why, "endpoints: more than %u (maxItems)", ENDPOINT_CHECK_MAX);
        if (!bad) {
            kept[nkept++] = id;
            continue;
        }
        /* the id as HA sent it (the line writer escapes and caps it), or null */
        LOG_WARN("discovery: endpoint dropped, Alexa's schema rejects it",
                 LOG_STR("endpoint_id", id), LOG_UINT("index", index), LOG_STR("rule", why));
        cJSON_Delete(cJSON_DetachItemViaPointer(eps, ep));
        dropped++;
    }
    return dropped;
}
