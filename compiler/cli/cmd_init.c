/* leec init [DIR] [--ha-url URL] [--skill-id ID]: a starter repository that validates as
 * written — a commented leec.yaml with the editor modeline, presets/ with one preset that
 * extends a stock one, leec.schema.json (what `leec schema DIR/leec.yaml` prints), a
 * .pre-commit-config.yaml running leec validate, and a GitHub workflow doing the same.
 * Nothing is overwritten: when any of the files exists, nothing is written. */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/emit.h"
#include "emit/schema_json.h"
#include "front/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_URL 512u

static const char *const files[] = {"leec.yaml", "presets/my_home.yaml", "leec.schema.json",
                                    ".pre-commit-config.yaml", ".github/workflows/leec.yml"};

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* amzn1.ask.skill.<uuid>, the uuid in lower-case 8-4-4-4-12 form */
static bool skill_id_ok(const char *s)
{
    static const char pre[] = "amzn1.ask.skill.";
    if (strncmp(s, pre, sizeof pre - 1) || strlen(s) != sizeof pre - 1 + 36)
        return false;
    const char *u = s + sizeof pre - 1;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !is_hex(u[i]))
            return false;
    }
    return true;
}

/* https://HOST[:PORT][/PATH], or http:// to a loopback host; no trailing '/', no user
 * info, no query; printable ASCII. NULL when good, else what is wrong. */
static const char *url_problem(const char *u)
{
    size_t n = strlen(u);
    if (n > MAX_URL)
        return "longer than 512 characters";
    for (size_t i = 0; i < n; i++)
        if (u[i] <= ' ' || u[i] >= 127 || u[i] == '"' || u[i] == '\\' || u[i] == '#' || u[i] == '?')
            return "only a plain URL: no spaces, quotes, '?', '#'";
    bool https = !strncmp(u, "https://", 8), http = !strncmp(u, "http://", 7);
    if (!https && !http)
        return "must start with https://";
    const char *h = u + (https ? 8 : 7);
    size_t hl = strcspn(h, "/");
    if (!hl || memchr(h, '@', hl))
        return "needs a host (and no user name)";
    if (n && u[n - 1] == '/')
        return "must not end with '/'";
    if (http) {
        char host[256];
        size_t k = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/");
        if (k >= sizeof host)
            return "host too long";
        memcpy(host, h, k);
        host[k] = '\0';
        if (strcmp(host, "localhost") && strcmp(host, "[::1]") && strncmp(host, "127.", 4))
            return "http:// sends the token unencrypted: use https://, or http:// only to "
                   "this machine (localhost, 127.0.0.1, [::1])";
    }
    return NULL;
}

/* Writes dir/rel, creating rel's folders. */
static int write_text(const char *dir, const char *rel, const char *text, struct diag *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';                 /* path: the folder; slash + 1: the file name */
    for (char *p = path + 1;; p++) /* mkdir -p of the folder */
        if (*p == '/' || !*p) {
            char was = *p;
            *p = '\0';
            if (mkdir(path, 0777) && errno != EEXIST) {
                diag_error(d, NULL, "cannot create '%s': %s", path, strerror(errno));
                return EXIT_USAGE;
            }
            *p = was;
            if (!was)
                break;
        }
    return emit_write_file(path, slash + 1, text, d) ? EXIT_USAGE : EXIT_OK;
}

static char *project_text(const char *ha_url, const char *skill_id)
{
    struct sbuf b = {0};
    sbuf_add(
        &b,
        "# yaml-language-server: $schema=leec.schema.json\n"
        "# The leec project: what the Lambda function bridging Alexa to your Home "
        "Assistant is\n"
        "# built from. Check it with `leec validate leec.yaml`; see every value and "
        "where it\n"
        "# comes from with `leec explain leec.yaml`. Regenerate the editor schema after "
        "adding\n"
        "# presets: `leec schema leec.yaml > leec.schema.json`.\n"
        "leec: 1\n"
        "\n"
        "# The preset in presets/my_home.yaml (extends the stock production_balanced); "
        "`leec list`\n"
        "# shows every stock one with its memory and metric figures.\n"
        "preset: my_home\n"
        "\n"
        "# The feature preset: smart_home is devices for the Smart Home skill (\"Alexa, turn on "
        "the\n"
        "# kitchen light\") plus automations, scripts, helpers and areas by voice (the "
        "Custom\n"
        "# skill); `leec list` shows every feature preset.\n"
        "features: smart_home\n"
        "\n"
        "home_assistant:\n"
        "  # Where the function reaches Home Assistant: https (http only to this "
        "machine).\n");
    sbuf_printf(&b, "  url: %s\n", ha_url);
    sbuf_add(&b, "  # Account linking: each directive carries the user's Home Assistant token "
                 "(no\n"
                 "  # secret stored anywhere). Alternatives: {mode: long_lived, ssm: "
                 "/leec/ha_token}.\n"
                 "  token:\n"
                 "    mode: account_linking\n"
                 "  tls:\n"
                 "    verify: true\n"
                 "\n"
                 "alexa:\n"
                 "  # The skill allowed to call the function (the Alexa developer console "
                 "shows it\n"
                 "  # once the skill is created; `leec deploy` adds the permission for it).\n");
    if (skill_id)
        sbuf_printf(&b, "  skill_ids:\n    - %s\n", skill_id);
    else
        sbuf_add(&b, "  skill_ids: []\n");
    sbuf_add(&b, "  discovery:\n"
                 "    # Entities Alexa should not see, by domain#object_id pattern.\n"
                 "    exclude: [\"sensor#*_battery\"]\n"
                 "\n"
                 "# Free-tier estimate inputs (`leec explain` prints the monthly use).\n"
                 "budget:\n"
                 "  invocations_per_day: 300\n"
                 "  avg_duration: 120ms\n");
    return b.s;
}

static const char preset_text[] =
    "# A preset of this repository: the stock production_balanced with a shorter state cache\n"
    "# lifetime. Presets here are read with the stock ones (a clash of names is an error);\n"
    "# `leec explain leec.yaml` shows which value came from where.\n"
    "preset: my_home\n"
    "doc: production_balanced with a 2-minute state cache.\n"
    "extends: production_balanced\n"
    "overrides:\n"
    "  cache: {ttl: 2m}\n";

static const char precommit_text[] =
    "# pre-commit (https://pre-commit.com): `pre-commit install`, then every commit validates\n"
    "# the staged leec YAML with the leec on PATH (other YAML gets a note and passes).\n"
    "repos:\n"
    "  - repo: local\n"
    "    hooks:\n"
    "      - id: leec-validate\n"
    "        name: leec validate\n"
    "        entry: leec validate\n"
    "        args: [--skip-other-yaml]\n"
    "        language: system\n"
    "        files: \\.ya?ml$\n"
    "        types: [yaml]\n";

static const char workflow_text[] =
    "# Validates the leec project on every push and pull request; errors are annotations on\n"
    "# the lines that cause them. Set the repository variable LEEC_DEB_URL to the leec .deb\n"
    "# to install (a release asset).\n"
    "name: leec\n"
    "on: [push, pull_request]\n"
    "jobs:\n"
    "  validate:\n"
    "    runs-on: ubuntu-24.04\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - name: Install leec\n"
    "        run: |\n"
    "          curl -fsSLo \"$RUNNER_TEMP/leec.deb\" \"${{ vars.LEEC_DEB_URL }}\"\n"
    "          sudo apt-get install -y \"$RUNNER_TEMP/leec.deb\"\n"
    "      - name: leec validate\n"
    "        run: leec --format github validate leec.yaml presets/\n";

int cmd_init(struct cli *c, struct diag *d)
{
    const char *dir = NULL, *ha = NULL, *sid = NULL;
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "--ha-url", &ha);
        if (!m)
            m = cli_opt_value(c, &i, "--skill-id", &sid);
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || dir)
            return cli_usage_error("init takes at most one directory, --ha-url URL and "
                                   "--skill-id ID");
        dir = c->argv[i];
    }
    if (!dir)
        dir = ".";
    const char *why;
    if (ha && (why = url_problem(ha)))
        return cli_usage_error("--ha-url '%.80s': %s", ha, why);
    if (sid && !skill_id_ok(sid))
        return cli_usage_error("--skill-id '%.80s' is not a skill ID: it looks like "
                               "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef (the "
                               "Alexa developer console shows it)",
                               sid);
    if (strlen(dir) > 3000)
        return cli_usage_error("init: directory name too long");
    unsigned clash = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        if (access(p, F_OK) == 0) {
            fprintf(stderr, "leec: %s exists\n", p);
            clash++;
        }
    }
    if (clash) {
        fprintf(stderr,
                "leec: init writes nothing over existing files; choose an empty directory "
                "(leec init DIR) or move %s away\n",
                clash == 1 ? "it" : "them");
        return EXIT_USAGE;
    }
    if (mkdir(dir, 0777) && errno != EEXIST) {
        diag_error(d, NULL, "cannot create '%s': %s", dir, strerror(errno));
        return EXIT_USAGE;
    }
    char *proj = project_text(ha ? ha : "https://homeassistant.example.org", sid);
    int rc = write_text(dir, files[1], preset_text, d);
    if (!rc)
        rc = write_text(dir, files[0], proj, d);
    if (!rc)
        rc = write_text(dir, files[3], precommit_text, d);
    if (!rc)
        rc = write_text(dir, files[4], workflow_text, d);
    free(proj);
    if (rc)
        return rc;
    /* The editor schema with this repository's own preset in it. */
    char path[4096];
    snprintf(path, sizeof path, "%s/leec.yaml", dir);
    struct catalog cat;
    rc = workspace_load_for(&cat, c, d, path);
    if (rc == EXIT_OK) {
        char *s = schema_json_render(&cat);
        rc = write_text(dir, files[2], s, d);
        free(s);
    }
    model_free_catalog(&cat);
    if (rc == EXIT_OK)
        printf("wrote %s/: leec.yaml, presets/my_home.yaml, leec.schema.json, "
               ".pre-commit-config.yaml, .github/workflows/leec.yml\n"
               "next: edit home_assistant.url%s, then `leec validate %s/leec.yaml`\n",
               dir, ha ? "" : " (your Home Assistant's address)", dir);
    return rc;
}
