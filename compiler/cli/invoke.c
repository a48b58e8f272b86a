/* invoke: see invoke.h. */
#include "cli/invoke.h"
#include "cli/cli.h"
#include "cli/package.h"
#include "cli/spawn.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Lambda's synchronous invocation payload limit. */
enum { EVENT_MAX = 6 << 20 };

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *invoke_tools_dir(void)
{
    char *exe = spawn_exe_dir();
    if (!exe)
        return NULL;
    struct sbuf b = {0};
    sbuf_printf(&b, "%s/../share/leec/tools/leec_invoke.py", exe);
    char real[PATH_MAX];
    if (realpath(b.s, real) && is_file(real)) {
        *strrchr(real, '/') = '\0';
        free(exe);
        sbuf_free(&b);
        return xstrdup(real);
    }
    /* A build tree: the checkout named by leec-source-root (never installed). */
    b.len = 0;
    sbuf_printf(&b, "%s/leec-source-root", exe);
    free(exe);
    size_t len = 0;
    char *root = package_read_file(b.s, PATH_MAX, &len);
    sbuf_free(&b);
    if (!root)
        return NULL;
    root[strcspn(root, "\n")] = '\0';
    sbuf_printf(&b, "%s/tests/peers", root);
    free(root);
    struct sbuf tool = {0};
    sbuf_printf(&tool, "%s/leec_invoke.py", b.s);
    bool ok = is_file(tool.s);
    sbuf_free(&tool);
    if (!ok) {
        sbuf_free(&b);
        return NULL;
    }
    return b.s;
}

static char *read_event(const char *path, size_t *len)
{
    if (strcmp(path, "-"))
        return package_read_file(path, EVENT_MAX, len);
    struct sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        if (b.len + n > EVENT_MAX) {
            sbuf_free(&b);
            errno = EFBIG;
            return NULL;
        }
        sbuf_addn(&b, buf, n);
    }
    if (!b.s)
        b.s = xcalloc(1, 1);
    *len = b.len;
    return b.s;
}

/* A Custom-skill request older than 150 s is refused (by Alexa's rules and by the
 * runtime): request.timestamp becomes now, and so does every "@NOW@". */
static char *stamp(const char *text, const char *now)
{
    struct sbuf b = {0};
    for (const char *p = text; *p;) {
        const char *m = strstr(p, "@NOW@");
        if (!m) {
            sbuf_add(&b, p);
            break;
        }
        sbuf_addn(&b, p, (size_t)(m - p));
        sbuf_add(&b, now);
        p = m + 5;
    }
    cJSON *j = cJSON_Parse(b.s ? b.s : "");
    if (!j) {
        sbuf_free(&b);
        return NULL;
    }
    cJSON *req = cJSON_GetObjectItemCaseSensitive(j, "request");
    cJSON *ts = cJSON_GetObjectItemCaseSensitive(req, "timestamp");
    if (cJSON_IsString(ts) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(req, "type"))) {
        cJSON_ReplaceItemInObjectCaseSensitive(req, "timestamp", cJSON_CreateString(now));
        char *out = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        sbuf_free(&b);
        return out;
    }
    cJSON_Delete(j);
    return b.s;
}

int invoke_run(const struct invoke_opts *o)
{
    if (!o->bootstrap || access(o->bootstrap, X_OK) != 0) {
        fprintf(stderr, "leec invoke: %s is not an executable bootstrap (%s)\n",
                o->bootstrap ? o->bootstrap : "(none)", strerror(errno));
        return EXIT_USAGE;
    }
    size_t len = 0;
    char *text = o->event_text ? xstrdup(o->event_text) : read_event(o->event_path, &len);
    if (o->event_text)
        len = strlen(text);
    if (!text) {
        fprintf(stderr, "leec invoke: cannot read the event %s: %s\n",
                strcmp(o->event_path, "-") ? o->event_path : "from stdin",
                errno == EFBIG ? "larger than Lambda's 6 MB payload limit" : strerror(errno));
        return EXIT_USAGE;
    }
    if (strlen(text) != len) {
        free(text);
        fprintf(stderr, "leec invoke: the event %s contains a NUL byte: not JSON\n", o->event_path);
        return EXIT_USAGE;
    }
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *event = stamp(text, now);
    free(text);
    if (!event) {
        fprintf(stderr,
                "leec invoke: the event %s is not JSON (Lambda passes only JSON events; "
                "`leec event` writes samples)\n",
                o->event_path);
        return EXIT_USAGE;
    }
    char *tools = invoke_tools_dir();
    if (!tools) {
        free(event);
        fprintf(stderr, "leec invoke: the Lambda emulator is not installed beside leec "
                        "(<prefix>/share/leec/tools/leec_invoke.py): reinstall leec\n");
        return EXIT_USAGE;
    }
    if (!spawn_have_program("python3")) {
        free(event);
        free(tools);
        fprintf(stderr, "leec invoke: python3 is not on PATH (the Lambda emulator is Python): "
                        "apt-get install python3\n");
        return EXIT_USAGE;
    }
    struct sbuf tool = {0}, timeout = {0};
    sbuf_printf(&tool, "%s/leec_invoke.py", tools);
    free(tools);
    const char *argv[16 + 2 * INVOKE_MAX_ENV];
    char *names[INVOKE_MAX_ENV];
    size_t n = 0;
    argv[n++] = "python3";
    argv[n++] = tool.s;
    argv[n++] = "--bootstrap";
    argv[n++] = o->bootstrap;
    argv[n++] = "--event";
    argv[n++] = "-";
    if (o->timeout_s > 0) {
        sbuf_printf(&timeout, "%g", o->timeout_s);
        argv[n++] = "--timeout";
        argv[n++] = timeout.s;
    }
    for (size_t i = 0; i < o->nenv; i++) {
        names[i] = xstrndup(o->env[i], strcspn(o->env[i], "="));
        argv[n++] = "--pass-env";
        argv[n++] = names[i];
    }
    argv[n] = NULL;
    struct spawn_opts so = {.env = o->env,
                            .stdin_data = event,
                            .stdin_len = strlen(event),
                            .stdout_file = o->answer_file};
    int st = spawn_run(argv, &so);
    for (size_t i = 0; i < o->nenv; i++)
        free(names[i]);
    free(event);
    sbuf_free(&tool);
    sbuf_free(&timeout);
    if (st < 0) {
        fprintf(stderr, "leec invoke: cannot run python3: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return st == 0 ? EXIT_OK : st == 1 ? EXIT_INVALID : EXIT_USAGE;
}
