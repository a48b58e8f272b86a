/* leec event KIND [options] [-o FILE]: sample events, like `sam local generate-event`.
 *
 *   discover  [--token T]                                Smart Home discovery
 *   directive --namespace NS --name N --endpoint ENTITY  Smart Home directive to an entity
 *             [--token T] [--payload JSON]               (light.kitchen -> light#kitchen)
 *   launch    [--locale L] [--skill-id ID]               Custom skill LaunchRequest
 *   intent    --name X [--slot k=v]... [--locale L] [--skill-id ID]
 *   health                                               the bootstrap's health check
 *
 * Custom-skill requests carry the current time (Alexa rejects a request older than 150 s,
 * and so does the runtime). Message IDs are fresh random UUIDs. */
#include "cli/cli.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char *const event_usage =
    "usage: leec event KIND [OPTIONS] [-o FILE]\n"
    "  discover  [--token T]\n"
    "  directive --namespace NS --name NAME --endpoint ENTITY_ID [--token T] [--payload JSON]\n"
    "  launch    [--locale en-US] [--skill-id ID]\n"
    "  intent    --name INTENT [--slot NAME=VALUE]... [--locale en-US] [--skill-id ID]\n"
    "  health\n"
    "The event goes to stdout, or to FILE with -o. --token defaults to $LEEC_EVENT_TOKEN,\n"
    "else 'test-token-good' (what the HA simulator accepts).\n";

enum { MAX_SLOTS = 32, MAX_FIELD = 256 };

struct event_args {
    const char *token, *ns, *name, *endpoint, *payload, *locale, *skill_id, *out;
    const char *slots[MAX_SLOTS];
    size_t nslots;
};

static void uuid4(char out[37])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        for (size_t i = 0; i < sizeof b; i++) /* never reached on Linux >= 3.17 */
            b[i] = (unsigned char)rand();
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static cJSON *header(const char *ns, const char *name, bool correlation)
{
    char id[37];
    uuid4(id);
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "namespace", ns);
    cJSON_AddStringToObject(h, "name", name);
    cJSON_AddStringToObject(h, "payloadVersion", "3");
    cJSON_AddStringToObject(h, "messageId", id);
    if (correlation) {
        char ct[48];
        uuid4(id);
        snprintf(ct, sizeof ct, "leec-%s", id);
        cJSON_AddStringToObject(h, "correlationToken", ct);
    }
    return h;
}

static cJSON *scope(const char *token)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "BearerToken");
    cJSON_AddStringToObject(s, "token", token);
    return s;
}

/* Alexa's endpointId alphabet has no '.': HA's Alexa API names light.kitchen light#kitchen. */
static char *endpoint_id(const char *entity)
{
    char *id = xstrdup(entity);
    char *dot = strchr(id, '.');
    if (dot)
        *dot = '#';
    return id;
}

static bool ok_name(const char *s, const char *extra)
{
    if (!*s || strlen(s) > MAX_FIELD)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(extra, *p)))
            return false;
    return true;
}

static cJSON *custom_request(const struct event_args *a, const char *type)
{
    char now[32], rid[37], sid[37];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    uuid4(rid);
    uuid4(sid);
    struct sbuf req_id = {0}, sess_id = {0};
    sbuf_printf(&req_id, "amzn1.echo-api.request.%s", rid);
    sbuf_printf(&sess_id, "amzn1.echo-api.session.%s", sid);
    const char *skill =
        a->skill_id ? a->skill_id : "amzn1.ask.skill.00000000-0000-0000-0000-000000000000";
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "version", "1.0");
    cJSON *s = cJSON_AddObjectToObject(e, "session");
    cJSON_AddBoolToObject(s, "new", true);
    cJSON_AddStringToObject(s, "sessionId", sess_id.s);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "application"), "applicationId", skill);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "user"), "userId",
                            "amzn1.ask.account.LEEC-EVENT");
    cJSON *sys = cJSON_AddObjectToObject(cJSON_AddObjectToObject(e, "context"), "System");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(sys, "application"), "applicationId", skill);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(sys, "user"), "userId",
                            "amzn1.ask.account.LEEC-EVENT");
    cJSON *r = cJSON_AddObjectToObject(e, "request");
    cJSON_AddStringToObject(r, "type", type);
    cJSON_AddStringToObject(r, "requestId", req_id.s);
    cJSON_AddStringToObject(r, "timestamp", now);
    cJSON_AddStringToObject(r, "locale", a->locale ? a->locale : "en-US");
    sbuf_free(&req_id);
    sbuf_free(&sess_id);
    return e;
}

static int build(const char *kind, const struct event_args *a, cJSON **out)
{
    const char *token = a->token ? a->token : getenv("LEEC_EVENT_TOKEN");
    if (!token || !*token)
        token = "test-token-good";
    if (strlen(token) > 4096)
        return cli_usage_error("--token is longer than 4096 bytes");
    if (a->locale && !ok_name(a->locale, "-"))
        return cli_usage_error("--locale '%s' is not a locale like en-US", a->locale);
    if (a->skill_id && strncmp(a->skill_id, "amzn1.ask.skill.", 16))
        return cli_usage_error("--skill-id '%s' is not a skill ID (amzn1.ask.skill.<UUID>)",
                               a->skill_id);
    cJSON *e = NULL;
    if (!strcmp(kind, "discover")) {
        e = cJSON_CreateObject();
        cJSON *d = cJSON_AddObjectToObject(e, "directive");
        cJSON_AddItemToObject(d, "header", header("Alexa.Discovery", "Discover", false));
        cJSON_AddItemToObject(cJSON_AddObjectToObject(d, "payload"), "scope", scope(token));
    } else if (!strcmp(kind, "directive")) {
        if (!a->ns || !a->name || !a->endpoint)
            return cli_usage_error("event directive needs --namespace, --name and --endpoint "
                                   "(e.g. --namespace Alexa.PowerController --name TurnOn "
                                   "--endpoint light.kitchen)");
        if (!ok_name(a->ns, ".") || strncmp(a->ns, "Alexa", 5))
            return cli_usage_error("--namespace '%s' is not an Alexa interface (Alexa.<Name>)",
                                   a->ns);
        if (!ok_name(a->name, ""))
            return cli_usage_error("--name '%s' is not a directive name (e.g. TurnOn)", a->name);
        if (!ok_name(a->endpoint, "._-#"))
            return cli_usage_error("--endpoint '%s' is not an entity ID (e.g. light.kitchen)",
                                   a->endpoint);
        cJSON *payload = a->payload ? cJSON_Parse(a->payload) : cJSON_CreateObject();
        if (!cJSON_IsObject(payload)) {
            cJSON_Delete(payload);
            return cli_usage_error("--payload must be a JSON object, e.g. '{\"brightness\": 50}'");
        }
        e = cJSON_CreateObject();
        cJSON *d = cJSON_AddObjectToObject(e, "directive");
        cJSON_AddItemToObject(d, "header", header(a->ns, a->name, true));
        cJSON *ep = cJSON_AddObjectToObject(d, "endpoint");
        cJSON_AddItemToObject(ep, "scope", scope(token));
        char *id = endpoint_id(a->endpoint);
        cJSON_AddStringToObject(ep, "endpointId", id);
        free(id);
        cJSON_AddObjectToObject(ep, "cookie");
        cJSON_AddItemToObject(d, "payload", payload);
    } else if (!strcmp(kind, "launch")) {
        e = custom_request(a, "LaunchRequest");
    } else if (!strcmp(kind, "intent")) {
        if (!a->name || !ok_name(a->name, "_."))
            return cli_usage_error("event intent needs --name INTENT (e.g. --name "
                                   "HomeAssistantStatusIntent)");
        e = custom_request(a, "IntentRequest");
        cJSON *in = cJSON_AddObjectToObject(cJSON_GetObjectItem(e, "request"), "intent");
        cJSON_AddStringToObject(in, "name", a->name);
        cJSON_AddStringToObject(in, "confirmationStatus", "NONE");
        cJSON *slots = cJSON_AddObjectToObject(in, "slots");
        for (size_t i = 0; i < a->nslots; i++) {
            const char *eq = strchr(a->slots[i], '=');
            char *k = eq ? xstrndup(a->slots[i], (size_t)(eq - a->slots[i])) : NULL;
            if (!k || !ok_name(k, "_")) {
                free(k);
                cJSON_Delete(e);
                return cli_usage_error("--slot expects NAME=VALUE, got '%s'", a->slots[i]);
            }
            cJSON *s = cJSON_AddObjectToObject(slots, k);
            cJSON_AddStringToObject(s, "name", k);
            cJSON_AddStringToObject(s, "value", eq + 1);
            cJSON_AddStringToObject(s, "confirmationStatus", "NONE");
            free(k);
        }
    } else if (!strcmp(kind, "health")) {
        e = cJSON_CreateObject();
        cJSON_AddBoolToObject(e, "health_check", true);
    } else {
        return cli_usage_error("unknown event kind '%s' (discover, directive, launch, intent or "
                               "health)",
                               kind);
    }
    *out = e;
    return EXIT_OK;
}

int cmd_event(struct cli *c, struct diag *d)
{
    (void)d;
    struct event_args a = {0};
    const char *kind = NULL;
    for (int i = 0; i < c->argc; i++) {
        const char *slot = NULL;
        int m = 0;
        const char **opts[] = {&a.token,   &a.ns,     &a.name,     &a.endpoint,
                               &a.payload, &a.locale, &a.skill_id, &a.out};
        const char *names[] = {"--token",   "--namespace", "--name",     "--endpoint",
                               "--payload", "--locale",    "--skill-id", "-o"};
        for (size_t k = 0; k < sizeof names / sizeof names[0] && !m; k++)
            m = cli_opt_value(c, &i, names[k], opts[k]);
        if (!m && (m = cli_opt_value(c, &i, "--slot", &slot)) > 0) {
            if (a.nslots >= MAX_SLOTS)
                return cli_usage_error("at most %d --slot options", MAX_SLOTS);
            a.slots[a.nslots++] = slot;
        }
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || kind) {
            fputs(event_usage, stderr);
            return cli_usage_error("unexpected '%s'", c->argv[i]);
        }
        kind = c->argv[i];
    }
    if (!kind) {
        fputs(event_usage, stderr);
        return cli_usage_error("event needs a KIND");
    }
    cJSON *e = NULL;
    int rc = build(kind, &a, &e);
    if (rc)
        return rc;
    char *text = cJSON_Print(e);
    cJSON_Delete(e);
    FILE *f = a.out ? fopen(a.out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "leec event: cannot write %s: %s\n", a.out, strerror(errno));
        free(text);
        return EXIT_USAGE;
    }
    fprintf(f, "%s\n", text);
    free(text);
    if (a.out && fclose(f) != 0) {
        fprintf(stderr, "leec event: cannot write %s: %s\n", a.out, strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
