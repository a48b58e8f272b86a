"""The editor schema (`leec schema`) agrees with `leec validate`, checked with real
clients: Ajv in strict mode and yaml-language-server driven over LSP
(tests/peers/yaml_lsp.py).

  * Ajv compiles the schema in strict mode without a warning.
  * Every leec-valid file (the project examples, every golden case leec accepts, one
    file per documented expression form of docs/expressions.md) gets zero Ajv errors
    and zero yaml-language-server diagnostics.
  * Every broken golden case whose error the schema can express gets at least one
    yaml-language-server diagnostic on a line where leec reports an error (and an Ajv
    error); the cases JSON Schema cannot express are listed with the reason.
  * Every key has a description and a default (or a description that says where the
    default comes from); no diagnostic shows a raw regular expression.

The npm packages (ajv, ajv-formats, ajv-errors, yaml, yaml-language-server) are
installed into <build>/npm-editor-schema once; the test is skipped, saying so, only
when npm or its registry cannot be reached.

LEEC_EDITOR_SCHEMA_FILE=F checks the schema in F instead of `leec schema`'s (to try a
change to the generator's design). LEEC_EDITOR_SCHEMA_REPORT=1 prints every disagreement
instead of stopping at the first (tests/e2e/editor_schema_findings.md lists what the
first run found)."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LEEC_BUILD_DIR") or os.path.join(SRC, "build")
LEEC = os.path.join(BUILD, "compiler", "leec")
GOLDEN = os.path.join(SRC, "tests", "golden")
NPM_DIR = os.path.join(BUILD, "npm-editor-schema")
NPM_PACKAGES = ["ajv@^8", "ajv-formats@^3", "ajv-errors@^3", "yaml@^2",
                "yaml-language-server@^1"]
REPORT = os.environ.get("LEEC_EDITOR_SCHEMA_REPORT") == "1"

sys.path.insert(0, os.path.join(SRC, "tests", "peers"))

# Broken golden cases whose error JSON Schema cannot express, with the reason. Every
# other golden case with exit 1 must be flagged by the editor on leec's line.
INEXPRESSIBLE = {
    "bad_root": "a command-line error (--root), no file content",
    "missing_file": "a command-line error (no such file)",
    "dup_key_nested": "duplicate keys: YAML parser level; yaml-language-server reports it "
                      "itself (checked: a diagnostic on the line), Ajv sees parsed data",
    "dup_key_top": "duplicate keys (as dup_key_nested)",
    "tab_indent": "YAML syntax (the parser's diagnostic, not the schema's)",
    "yaml_syntax": "YAML syntax (the parser's diagnostic, not the schema's)",
    "yaml_indent_extra_space": "YAML syntax: the editor's parser marks the line above (the "
                               "value the indented key was read into), leec the key itself",
    "nul_byte": "a raw NUL byte: libyaml refuses the stream, an editor reads the text "
                "before it (and JSON Schema sees no value)",
    "multi_doc": "several YAML documents in one file",
    "merge_key": "YAML merge keys (<<) are resolved by the parser before the schema",
    "quoted_int": "a quoted scalar is a string to JSON Schema; \"512\" and a plain "
                  "expression string are the same JSON value",
    "quoted_size": "as quoted_int",
    "alias_bad_value": "YAML aliases are resolved before the schema sees the value",
    "expr_div_zero": "evaluating an expression",
    "expr_self_cycle": "evaluating references between parameters",
    "expr_unit_mismatch": "unit checking of an expression",
    "expr_syntax": "the expression grammar (a pattern for it would be a raw regex "
                   "of a context-free language)",
    "int_not_whole": "evaluating an expression (a whole number)",
    "feature_dependency": "feature dependencies resolved after the preset's features",
    "memory_budget": "the memory estimate (a sum over the resolved configuration)",
    "headroom_over_memory": "lambda.headroom against lambda.memory_mb: two resolved values "
                            "in different units (preset + overrides)",
    "format_github_stock": "the memory estimate (as memory_budget)",
    "memory_budget_user_preset": "the memory estimate (as memory_budget)",
    "rule_http_connect": "a cross-field rule over resolved values (preset + overrides)",
    "rule_lambda_timeout": "a cross-field rule over resolved values (preset + overrides)",
    "user_tier_missing": "the user tier needs every value in overrides: depends on "
                         "which interfaces use tier user",
    "header_literal_secret": None,  # expressible: a header value is {env}/{ssm}
    "bool_True": "YAML 1.2 core schema reads True as a boolean (so does yaml-language-server); "
                 "leec accepts only the lower-case words",
    "range_alias": "leec reports the value at its anchor (line 7); the editor can only mark "
                   "the alias that reuses it (line 9)",
    "empty": "an empty file: yaml-language-server does not validate empty documents",
    "empty_explain": "as empty",
}
INEXPRESSIBLE = {k: v for k, v in INEXPRESSIBLE.items() if v}


def read(path):
    with open(path) as f:
        return f.read()


def golden_exit(case):
    path = os.path.join(GOLDEN, case + ".exit")
    return read(path).strip() if os.path.exists(path) else None


CATALOG_KEYS = re.compile(r"^(preset|tier|feature_preset|aliases|interface|baseline|retired):",
                          re.M)


def project_case(case):
    """Is golden case `case` a project file (what the editor schema is for)? Not: a
    user's catalog file (preset:, tier: ...), YAML that is not a leec file, a case that
    validates something else (a directory, several files)."""
    base = os.path.join(GOLDEN, case)
    cmd = read(base + ".cmd") if os.path.exists(base + ".cmd") else ""
    args = read(base + ".args") if os.path.exists(base + ".args") else ""
    if (cmd and "CASE" not in cmd) or "--skip-other-yaml" in cmd + args:
        return False
    text = read(base + ".yaml")
    if "leec:" in text:
        return True
    if CATALOG_KEYS.search(text):
        return False
    return not re.search(r"^[A-Za-z_]+:", text, re.M)  # empty or a bare list/scalar


def run(*args, cwd=SRC):
    env = dict(os.environ, LEEC_ROOT=SRC)
    return subprocess.run([LEEC, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def npm_install():
    """Returns None when the packages are there, else the reason they cannot be."""
    marker = os.path.join(NPM_DIR, "node_modules", ".bin", "yaml-language-server")
    if os.path.exists(marker) and os.path.exists(os.path.join(NPM_DIR, "node_modules", "ajv")):
        return None
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        return "npm/node not installed (apt-get install npm)"
    os.makedirs(NPM_DIR, exist_ok=True)
    if not os.path.exists(os.path.join(NPM_DIR, "package.json")):
        with open(os.path.join(NPM_DIR, "package.json"), "w") as f:
            f.write('{"name": "leec-editor-schema-test", "private": true}\n')
    r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "--cache", os.path.join(NPM_DIR, ".npm"), *NPM_PACKAGES],
                       cwd=NPM_DIR, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        text = r.stderr + r.stdout
        if re.search(r"ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network|ECONNRESET", text):
            return "npm registry unreachable: " + text.strip().splitlines()[-1]
        raise RuntimeError("npm install failed:\n" + text)
    return None


# ---- the corpus ----

HA = """home_assistant:
  url: https://ha.example.net
  token:
    mode: account_linking
"""


def project(overrides, preset="production_balanced", features="full"):
    body = "".join("  %s:\n%s" % (iface, "".join("    %s: %s\n" % kv for kv in kvs))
                   for iface, kvs in overrides)
    return "leec: 1\npreset: %s\nfeatures: %s\noverrides:\n%s%s" % (preset, features, body, HA)


# One file per documented expression form (docs/expressions.md), each a value leec
# accepts for a parameter of that type. The name says which form it shows.
EXPRESSION_FORMS = {
    # literals
    "int_literal": [("cache", [("max_entries", "42")])],
    "ratio_decimal": [("cache", [("pressure_ratio", "0.85")])],
    "ratio_percent": [("cache", [("pressure_ratio", "85%")])],
    "size_bytes": [("lambda", [("headroom", "16MiB")]), ("logging", [("line_max", "960B")])],
    "size_kib": [("lambda", [("max_event", "512KiB")])],
    "size_mib": [("cache", [("state_pool", "24MiB")])],
    "size_gib": [("lambda", [("memory_mb", "3008"), ("max_event", "1GiB / 256")])],
    "duration_ms": [("http", [("connect_timeout", "250ms")])],
    "duration_s": [("http", [("total_timeout", "5s")])],
    "duration_m": [("cache", [("ttl", "2m")])],
    "duration_h": [("cache", [("ttl", "1h")])],
    "bool_true": [("cache", [("enabled", "true")])],
    "bool_false": [("logging", [("caller_info", "false")])],
    "string_literal": [("logging", [("caller_info", 'level == "debug"')])],
    # references
    "ref_same_iface": [("cache", [("response_pool", "state_pool")])],
    "ref_other_iface": [("circuit_breaker", [("ssm_recovery", "circuit_breaker.ha_recovery")])],
    "ref_features": [("metrics", [("cache_hit_rate", "features.areas")])],
    "ref_lambda_memory": [("cache", [("max_entries", "lambda.memory_mb * 2")])],
    # operators. In a plain YAML scalar ": " starts a mapping value and a leading "!" a
    # tag, so the conditional is written `c ? a :b` and a leading `!` inside parentheses
    # (leec and every YAML parser agree on this).
    "op_conditional": [("cache", [("max_entries", "features.areas ? 2000 :500")])],
    "op_or": [("metrics", [("breaker_state", "features.areas || features.timers")])],
    "op_and": [("metrics", [("pressure_events", "metrics.enabled && cache.enabled")])],
    "op_eq": [("logging", [("summary", "cache.ttl == 2m")])],
    "op_ne": [("logging", [("log_events", 'level != "debug"')])],
    "op_lt": [("metrics", [("ha_latency", "lambda.memory_mb < 1024")])],
    "op_le": [("metrics", [("ha_latency", "http.connect_timeout <= 2s")])],
    "op_gt": [("metrics", [("rate_limited", "security.rate_per_minute > 10")])],
    "op_ge": [("security", [("rate_limit", "lambda.memory_mb >= 128")])],
    "op_add": [("cache", [("ttl", "1m + 30s")])],
    "op_sub": [("http", [("total_timeout", "lambda.timeout - 1s")])],
    "op_mul": [("cache", [("state_pool", "4MiB * 2")])],
    "op_div": [("cache", [("response_pool", "state_pool / 2")])],
    "op_neg": [("cache", [("max_entries", "-(-300)")])],
    "op_not": [("metrics", [("security_events", "(!cache.enabled)")])],
    "op_parens": [("cache", [("max_entries", "(lambda.memory_mb + 64) * 2")])],
    # functions
    "fn_min": [("http", [("total_timeout", "min(7s, lambda.timeout - 500ms)")])],
    "fn_max": [("cache", [("max_entries", "max(100, lambda.memory_mb)")])],
    "fn_sum": [("cache", [("state_pool", "sum(1MiB, 2MiB, 512KiB)")])],
    "fn_count": [("cache", [("max_entries", "count(features.areas, features.timers) * 100 + 1")])],
    "fn_ceil": [("cache", [("max_entries", "ceil(lambda.memory_mb / 3)")])],
    "fn_floor": [("cache", [("max_entries", "floor(lambda.memory_mb / 3)")])],
}


def with_ha(ha, rest=""):
    return "leec: 1\npreset: production_balanced\nfeatures: smart_home\n%shome_assistant:\n%s" % (
        rest, ha)


# Valid files for the rules the schema encodes (each must stay unflagged).
EXTRA_VALID = {
    "http_allowed": with_ha("  url: http://ha.lan:8123\n  allow_http: true\n"
                            "  token: {mode: account_linking}\n"),
    "http_loopback": with_ha("  url: http://127.0.0.1:8123\n  token: {mode: account_linking}\n"),
    "long_lived_env": with_ha("  url: https://ha.example.net\n"
                              "  token: {mode: long_lived, env: HA_TOKEN}\n"),
    "long_lived_ssm": with_ha("  url: https://ha.example.net\n"
                              "  token: {mode: long_lived, ssm: /leec/ha_token}\n"),
    "mutual_tls": with_ha("  url: https://ha.example.net\n  token: {mode: account_linking}\n"
                          "  tls:\n    verify: true\n    ca_bundle: ca.pem\n"
                          "    client_cert: c.pem\n    client_key: k.pem\n"),
    "headers": with_ha("  url: https://ha.example.net\n  token: {mode: account_linking}\n"
                       "  headers:\n    CF-Access-Client-Id: {env: CF_ID}\n"
                       "    X_Other: {ssm: /cf/secret}\n"),
    "budget": with_ha("  url: https://ha.example.net\n  token: {mode: account_linking}\n",
                      "budget:\n  invocations_per_day: 1000\n  avg_duration: 150ms\n"
                      "  free_tier_metrics: false\n"),
    "features_object": "leec: 1\npreset: low_latency\nfeatures:\n  preset: minimal\n"
                       "  add: [areas, timers]\n" + HA,
}

# Broken files for rules JSON Schema can express and no golden case covers; leec must
# reject each and the editor must flag leec's line.
EXTRA_BROKEN = {
    "account_linking_env": with_ha("  url: https://ha.example.net\n  token:\n"
                                   "    mode: account_linking\n    env: HA_TOKEN\n"),
    "long_lived_no_source": with_ha("  url: https://ha.example.net\n  token:\n"
                                    "    mode: long_lived\n"),
    "long_lived_both": with_ha("  url: https://ha.example.net\n  token:\n"
                               "    mode: long_lived\n    env: HA_TOKEN\n    ssm: /x\n"),
    "env_bad_name": with_ha("  url: https://ha.example.net\n  token:\n"
                            "    mode: long_lived\n    env: HA-TOKEN\n"),
    "client_key_no_cert": with_ha("  url: https://ha.example.net\n  token:\n"
                                  "    mode: account_linking\n  tls:\n    client_key: k.pem\n"),
    "url_ftp": with_ha("  url: ftp://ha.example.net\n  token: {mode: account_linking}\n"),
    "header_two_sources": with_ha("  url: https://ha.example.net\n"
                                  "  token: {mode: account_linking}\n  headers:\n"
                                  "    X-Id: {env: A, ssm: /b}\n"),
    "budget_negative": with_ha("  url: https://ha.example.net\n  token: {mode: account_linking}\n",
                               "budget:\n  invocations_per_day: -5\n  avg_duration: 150ms\n"),
    "budget_duration_number": with_ha(
        "  url: https://ha.example.net\n  token: {mode: account_linking}\n",
        "budget:\n  invocations_per_day: 100\n  avg_duration: 150\n"),
    "version_string": "leec: \"1\"\npreset: low_latency\nfeatures: minimal\n" + HA,
    "version_two": "leec: 2\npreset: low_latency\nfeatures: minimal\n" + HA,
    "int_above": project([("cache", [("max_entries", "100001")])]),
    "int_is_size": project([("cache", [("max_entries", "4MiB")])]),
    "ratio_above": project([("cache", [("pressure_ratio", "1.5")])]),
    "ratio_percent_above": project([("cache", [("pressure_ratio", "150%")])]),
    "size_mb": project([("cache", [("state_pool", "60MB")])]),
    "size_number": project([("cache", [("state_pool", "4096")])]),
    "duration_number": project([("cache", [("ttl", "120")])]),
    "duration_is_size": project([("cache", [("ttl", "4MiB")])]),
    "bool_number": project([("cache", [("enabled", "1")])]),
    "bool_yes": project([("cache", [("enabled", "yes")])]),
    "unknown_reference": project([("cache", [("ttl", "cache.tll * 2")])]),
    "enum_list_unknown": project([("cache", [("shed_order", "[state, nonsense]")])]),
    "list_twice": project([("cache", [("shed_order", "[state, state]")])]),
}


def write_corpus(tmp):
    """{name: path} of leec-valid files: examples, golden exit-0 cases, expression forms."""
    files = {}
    for p in sorted(glob.glob(os.path.join(SRC, "examples", "*.yaml"))):
        with open(p) as f:
            if any(line.startswith("leec:") for line in f):
                files["examples/" + os.path.basename(p)] = p
    for p in sorted(glob.glob(os.path.join(GOLDEN, "*.yaml"))):
        case = os.path.basename(p)[:-5]
        if golden_exit(case) == "0" and project_case(case):
            files["golden/" + case] = p
    for name, ov in EXPRESSION_FORMS.items():
        path = os.path.join(tmp, "expr_%s.yaml" % name)
        with open(path, "w") as f:
            f.write("# expression form: %s\n%s" % (name, project(ov)))
        files["expr/" + name] = path
    for name, text in EXTRA_VALID.items():
        path = os.path.join(tmp, "valid_%s.yaml" % name)
        with open(path, "w") as f:
            f.write("# valid: %s\n%s" % (name, text))
        files["valid/" + name] = path
    return files


def write_broken(tmp):
    files = {}
    for p in sorted(glob.glob(os.path.join(GOLDEN, "*.yaml"))):
        case = os.path.basename(p)[:-5]
        if golden_exit(case) == "1" and project_case(case):
            files[case] = p
    for name, text in EXTRA_BROKEN.items():
        path = os.path.join(tmp, "broken_%s.yaml" % name)
        with open(path, "w") as f:
            f.write("# broken: %s\n%s" % (name, text))
        files["extra/" + name] = path
    return files


def leec_errors(path, cwd=GOLDEN):
    r = run("--root", SRC, "--format", "json", "validate", path, cwd=cwd)
    try:
        diags = json.loads(r.stdout) if r.stdout.strip() else []
    except ValueError:
        diags = []
    base = os.path.basename(path)
    lines = sorted({d["line"] for d in diags if d["severity"] == "error"
                    and os.path.basename(d["file"]) == base})
    return r.returncode, lines, diags


RAW_REGEX = re.compile(r"does not match the pattern|must match pattern|\^\[|\\\\[.d]|\$\"?$")


class EditorSchema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = npm_install()
        if why:
            raise unittest.SkipTest(why)
        cls.tmp = tempfile.mkdtemp(prefix="leec-editor-schema-")
        r = run("schema")
        assert r.returncode == 0, r.stderr
        text = r.stdout
        if os.environ.get("LEEC_EDITOR_SCHEMA_FILE"):  # try a schema from elsewhere
            text = read(os.environ["LEEC_EDITOR_SCHEMA_FILE"])
        cls.schema_path = os.path.join(cls.tmp, "leec.schema.json")
        with open(cls.schema_path, "w") as f:
            f.write(text)
        cls.schema = json.loads(text)
        cls.valid = write_corpus(cls.tmp)
        cls.broken = write_broken(cls.tmp)
        cls.ajv = cls.run_ajv(list(cls.valid.values()) + list(cls.broken.values()))
        from yaml_lsp import YamlLanguageServer
        server = [os.path.join(NPM_DIR, "node_modules", ".bin", "yaml-language-server"),
                  "--stdio"]
        texts = {p: read(p) for p in list(cls.valid.values()) + list(cls.broken.values())}
        with YamlLanguageServer(server, cls.schema_path, root=cls.tmp) as ls:
            cls.lsp = ls.diagnostics(texts)
            # Hover over `ttl:` (line 14) and `verify:` (line 25) of examples/leec.yaml.
            ex = os.path.join(SRC, "examples", "leec.yaml")
            ls.diagnostics({ex: read(ex)}, close=False)
            cls.hover = {}
            for n, line in enumerate(read(ex).splitlines()):
                key = line.strip().split(":")[0]
                if key in ("ttl", "verify", "timeout"):
                    cls.hover[key] = ls.hover(ex, n, line.index(key) + 1)
        cls.findings = []

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "tmp", None):
            shutil.rmtree(cls.tmp, ignore_errors=True)
        if REPORT and getattr(cls, "findings", None):
            print("\n".join(["", "editor schema disagreements:"] + cls.findings),
                  file=sys.stderr)

    @classmethod
    def run_ajv(cls, files):
        env = dict(os.environ, NODE_PATH=os.path.join(NPM_DIR, "node_modules"))
        r = subprocess.run(["node", os.path.join(SRC, "tests", "peers", "ajv_check.js"),
                            cls.schema_path, *files], env=env, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def setUp(self):
        self.pending = []

    def check(self, ok, finding):
        if ok:
            return
        if not REPORT:
            self.fail(finding)
        self.findings.append("  - " + finding)
        self.pending.append(finding)

    def settle(self):
        """REPORT mode: every disagreement is collected (printed at the end), then the
        test fails once."""
        if self.pending:
            self.fail("%d disagreement(s) with leec; first: %s" % (len(self.pending),
                                                                  self.pending[0]))

    @staticmethod
    def lsp_lines(diags):
        return sorted({d["range"]["start"]["line"] + 1 for d in diags})

    # ---- the schema itself ----
    def test_ajv_strict_compiles(self):
        self.check(self.ajv["compile"] == "ok", "ajv strict: " + self.ajv["compile"])
        warns = [w for w in self.ajv["warnings"] if "not installed" not in w]
        self.check(warns == [], "ajv strict warnings: %s" % warns)
        self.settle()

    def walk(self, node, path):
        """Yields (path, schema) for every named property in the schema."""
        if not isinstance(node, dict):
            return
        for k, v in (node.get("properties") or {}).items():
            yield path + "." + k if path else k, v
            yield from self.walk(v, path + "." + k if path else k)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                yield from self.walk(node[key], path + "[]")
        for key in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(key) or []:
                yield from self.walk(sub, path)

    def test_every_key_described_with_default(self):
        for path, s in self.walk(self.schema, ""):
            desc = s.get("description") or s.get("markdownDescription")
            self.check(bool(desc), "%s: no description" % path)
            leaf = "properties" not in s and s.get("type") != "object"
            if leaf and desc:
                self.check("default" in s or "default" in desc.lower(),
                           "%s: no default (neither 'default' nor said in the description)"
                           % path)
        self.settle()

    def test_hover_shows_doc_and_default(self):
        for key, h in self.hover.items():
            text = json.dumps(h or {})
            self.check("efault" in text, "hover on %s shows no default: %s" % (key, text[:200]))
        self.check("Time to live" in json.dumps(self.hover.get("ttl")),
                   "hover on ttl lacks the schema's doc text")
        self.settle()

    def test_no_raw_regex_messages(self):
        for p, diags in self.lsp.items():
            for d in diags:
                self.check(not RAW_REGEX.search(d["message"]),
                           "%s:%d: raw regex in message: %s" % (
                               os.path.basename(p), d["range"]["start"]["line"] + 1,
                               d["message"].splitlines()[0]))

    # ---- valid files: nothing flagged ----
        self.settle()
    def test_valid_files_leec(self):
        for name, p in self.valid.items():
            code, _, diags = leec_errors(p, cwd=os.path.dirname(p))
            self.assertEqual(code, 0, "%s is meant to be leec-valid: %s" % (
                name, [d["message"] for d in diags]))

    def test_valid_files_ajv(self):
        for name, p in self.valid.items():
            errs = self.ajv["files"].get(p, [])
            self.check(errs == [], "ajv flags leec-valid %s: %s" % (
                name, "; ".join("line %d %s %s" % (e["line"], e["path"], e["message"])
                                for e in errs[:4])))
        self.settle()

    def test_valid_files_language_server(self):
        for name, p in self.valid.items():
            diags = self.lsp[p]
            self.check(diags == [], "yaml-language-server flags leec-valid %s: %s" % (
                name, "; ".join("line %d: %s" % (d["range"]["start"]["line"] + 1,
                                                 d["message"].splitlines()[0])
                                for d in diags[:4])))

    # ---- broken files: flagged on leec's line ----
        self.settle()
    def test_broken_golden_cases(self):
        for case, p in self.broken.items():
            if case in INEXPRESSIBLE:
                continue
            code, lines, _ = leec_errors(p, cwd=os.path.dirname(p))
            if case.startswith("extra/"):
                self.assertEqual(code, 1, "%s is meant to be rejected by leec" % case)
            if code != 1 or not lines:
                continue
            got = self.lsp_lines(self.lsp[p])
            # An error at 1:1 is about the whole file: any diagnostic agrees.
            self.check(set(got) & set(lines) or (lines == [1] and got),
                       "golden %s: leec errors on line(s) %s, yaml-language-server on %s" % (
                           case, lines, got or "none"))
            self.check(self.ajv["files"].get(p), "golden %s: ajv finds nothing" % case)
        self.settle()

    def test_user_project_with_its_own_preset(self):
        # `leec schema PROJECT` knows the project's presets/: the editor does not flag the
        # name, and flags a misspelt one on its line.
        from yaml_lsp import YamlLanguageServer
        d = tempfile.mkdtemp(prefix="leec-editor-user-", dir=self.tmp)
        os.makedirs(os.path.join(d, "presets"))
        with open(os.path.join(d, "presets", "my_home.yaml"), "w") as f:
            f.write("preset: my_home\ndoc: mine\nextends: low_latency\n")
        good = os.path.join(d, "leec.yaml")
        bad = os.path.join(d, "typo.yaml")
        text = "leec: 1\npreset: my_home\nfeatures: minimal\n" + HA
        with open(good, "w") as f:
            f.write(text)
        with open(bad, "w") as f:
            f.write(text.replace("my_home", "my_hom"))
        self.assertEqual(leec_errors(good, cwd=d)[0], 0)
        r = run("schema", good, cwd=d)
        self.assertEqual(r.returncode, 0, r.stderr)
        schema = os.path.join(d, "schema.json")
        with open(schema, "w") as f:
            f.write(r.stdout)
        server = [os.path.join(NPM_DIR, "node_modules", ".bin", "yaml-language-server"),
                  "--stdio"]
        with YamlLanguageServer(server, schema, root=d) as ls:
            got = ls.diagnostics({good: read(good), bad: read(bad)})
        self.assertEqual(got[good], [])
        self.assertEqual(self.lsp_lines(got[bad]), [2])

    def test_syntax_cases_flagged_by_parser(self):
        for case in ("dup_key_nested", "dup_key_top", "yaml_syntax", "tab_indent"):
            _, lines, _ = leec_errors(self.broken[case])
            got = self.lsp_lines(self.lsp[self.broken[case]])
            self.assertTrue(set(got) & set(lines), "%s: leec %s, server %s" % (
                case, lines, got))


# A starter project in a user's repository (with a preset of their own), and the places
# a user asks for completions: (line, column) after the text at that line is replaced
# by the given prefix (a blank line at some indentation, or `key: ` awaiting a value).
STARTER = """\
leec: 1
preset: family
features: smart_home
tiers:
  cache: standard
overrides:
  cache:
    ttl: 5m
home_assistant:
  url: https://homeassistant.example.org:8123
  token:
    mode: account_linking
alexa:
  skill_ids: [amzn1.ask.skill.00000000-0000-0000-0000-000000000000]
  discovery:
    remove_capabilities:
      - endpoint: "light#*"
        interface: Alexa.ColorTemperatureController
"""
FAMILY = "preset: family\ndoc: Our house - production_balanced with a longer cache.\n" \
         "extends: production_balanced\noverrides:\n  cache: {ttl: 5m}\n"
# name: (line to insert before, 0-based, or None to edit a line in place; the new line)
COMPLETION_POINTS = {
    "top-level key": (3, ""),
    "preset value": (None, 1, "preset: "),
    "features value": (None, 2, "features: "),
    "tiers key": (5, "  "),
    "tier value": (None, 4, "  cache: "),
    "overrides interface": (8, "  "),
    "overrides parameter": (8, "    m"),  # a word begun: the parameters of cache
    "home_assistant key": (10, "  "),
    "token mode": (None, 11, "    mode: "),
    "token mode with env": (None, 11, "    env: HA_TOKEN\n    mode: "),
    "alexa key": (14, "  "),
    "remove_capabilities interface": (None, 17, "        interface: "),
    # A new file: the whole-file item and each required key.
    "new file": ("doc", "leec: 1\n", 1, 0),
}


def completion_doc(point):
    """(text, line, column) of the starter with the completion point made."""
    lines = STARTER.split("\n")
    spec = COMPLETION_POINTS[point]
    if spec[0] == "doc":
        return spec[1], spec[2], spec[3]
    if spec[0] is None:
        _, line, prefix = spec
        lines[line] = prefix
    else:
        line, prefix = spec
        lines.insert(line, prefix)
    # A prefix of several lines: the cursor ends its last.
    return "\n".join(lines), line + prefix.count("\n"), len(prefix.split("\n")[-1])


class EditorCompletion(unittest.TestCase):
    """Every completion yaml-language-server offers from `leec schema` at each point of a
    starter file, accepted as an editor applies it (textEdit, snippet defaults), leaves a
    file `leec validate` accepts: the editor never writes invalid YAML."""

    @classmethod
    def setUpClass(cls):
        why = npm_install()
        if why:
            raise unittest.SkipTest(why)
        cls.dir = tempfile.mkdtemp(prefix="leec-editor-completion-")
        os.makedirs(os.path.join(cls.dir, "presets"))
        with open(os.path.join(cls.dir, "presets", "family.yaml"), "w") as f:
            f.write(FAMILY)
        cls.path = os.path.join(cls.dir, "leec.yaml")
        with open(cls.path, "w") as f:
            f.write(STARTER)
        assert leec_errors(cls.path, cwd=cls.dir)[0] == 0, "the starter must be valid"
        r = run("schema", cwd=cls.dir)  # the project of the working directory
        assert r.returncode == 0, r.stderr
        cls.schema_path = os.path.join(cls.dir, "leec.schema.json")
        with open(cls.schema_path, "w") as f:
            f.write(r.stdout)
        from yaml_lsp import YamlLanguageServer
        server = [os.path.join(NPM_DIR, "node_modules", ".bin", "yaml-language-server"),
                  "--stdio"]
        cls.offered = {}
        with YamlLanguageServer(server, cls.schema_path, root=cls.dir) as ls:
            for k, point in enumerate(COMPLETION_POINTS):
                text, line, col = completion_doc(point)
                doc = os.path.join(cls.dir, "point%d.yaml" % k)
                ls.diagnostics({doc: text}, close=False)  # opened and analysed
                cls.offered[point] = (text, line, col, ls.completion(doc, line, col))
                ls.close(doc)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(getattr(cls, "dir", ""), ignore_errors=True)

    def test_every_completion_is_valid(self):
        from yaml_lsp import apply_completion
        bad, n = [], 0
        out = os.path.join(self.dir, "accepted.yaml")
        for point, (text, line, col, items) in self.offered.items():
            if not items:
                bad.append("%s: nothing offered" % point)
            if point == "new file":
                continue  # an incomplete file: test_whole_file_item
            for item in items:
                new = apply_completion(text, item, line, col)
                with open(out, "w") as f:
                    f.write(new)
                code, _, diags = leec_errors(out, cwd=self.dir)
                n += 1
                if code != 0:
                    got = new.split("\n")[line:line + 3]
                    bad.append("%s: %r -> %r: %s" % (point, item["label"], "\\n".join(got),
                                                     [d["message"] for d in diags][:2]))
        self.assertEqual(bad, [], "%d of %d completions leave a file leec rejects:\n  %s" % (
            len(bad), n, "\n  ".join(bad)))

    def test_whole_file_item(self):
        """In a new file, the whole-file item inserts every required key with its colon
        (yaml-language-server wrote a bare `features`), preset and features with a value,
        and the Home Assistant URL as a placeholder; the token, left out, is account
        linking: the file leec validate reads is valid as inserted."""
        from yaml_lsp import apply_completion
        text, line, col, items = self.offered["new file"]
        whole = [i for i in items if i["label"] == self.schema_title()]
        self.assertEqual(len(whole), 1, [i["label"] for i in items])
        new = apply_completion(text, whole[0], line, col)
        for ln in new.splitlines():
            self.assertRegex(ln, r"^ *[a-z_]+:( .*)?$", new)
        self.assertIn("\nfeatures: smart_home\n", new)
        self.assertIn("\npreset: production_balanced\n", new)
        out = os.path.join(self.dir, "whole.yaml")
        with open(out, "w") as f:
            f.write(new)
        self.assertIn("url: https://homeassistant.example.org:8123", new)
        code, lines, diags = leec_errors(out, cwd=self.dir)
        self.assertEqual([d["message"] for d in diags if d["severity"] == "error"], [], new)
        self.assertEqual(code, 0, new)

    def schema_title(self):
        with open(self.schema_path) as f:
            return json.load(f)["title"]

    def test_what_is_offered(self):
        labels = {p: [i["label"] for i in v[3]] for p, v in self.offered.items()}
        # The user's own preset, with its own doc.
        self.assertIn("family", labels["preset value"])
        docs = {i["label"]: json.dumps(i.get("documentation", ""))
                for i in self.offered["preset value"][3]}
        self.assertIn("Our house", docs["family"])
        self.assertIn("Standard, with performance-tier caches", docs["low_latency"])
        self.assertNotIn("null", labels["token mode"])
        # long_lived is offered once the token has a source (alone, leec rejects it).
        self.assertEqual(labels["token mode"], ["account_linking"])
        self.assertEqual(labels["token mode with env"], ["long_lived"])
        self.assertNotIn("user", labels["tier value"])  # needs every value in overrides
        retired = [r["name"] for r in json.loads(run("--format", "json", "explain",
                                                     "leec.yaml", cwd=self.dir).stdout
                                                 or "{}").get("retired", [])]
        for name in retired + ["singleton"]:
            self.assertNotIn(name, labels["tiers key"])
        self.assertIn("Alexa.PowerController", labels["remove_capabilities interface"])
        self.assertIn("standard", labels["tier value"])
        tier_docs = {i["label"]: json.dumps(i.get("documentation", ""))
                     for i in self.offered["tier value"][3]}
        self.assertGreater(len(tier_docs["maximum"]), 20, tier_docs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
