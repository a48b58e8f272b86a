"""End-to-end tests of the leec command line (exit codes, explain, compile, list,
diff, optimize, schema). Run by CTest with LEEC_SOURCE_DIR and LEEC_BUILD_DIR set;
needs python3-yaml and python3-jsonschema (Debian packages) for the schema tests."""

import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LEEC_BUILD_DIR") or os.path.join(SRC, "build")
LEEC = os.path.join(BUILD, "compiler", "leec")
def _is_project(path):
    with open(os.path.join(SRC, path)) as f:
        return any(line.startswith("leec:") for line in f)


# Project files only: examples/ also holds a SAM template, which leec skips in directory walks.
EXAMPLES = sorted(p for p in (os.path.join("examples", f)
                              for f in os.listdir(os.path.join(SRC, "examples"))
                              if f.endswith(".yaml")) if _is_project(p))
COMMANDS = ["validate", "explain", "compile", "list", "diff", "optimize", "schema", "package",
            "invoke", "event"]

# Every preset named in the project's seed facts ("Presets in the original code",
# "Further presets named only in the READMEs", the seed-000 sketches and the three
# "memory strategies").
SEED_PRESETS = [
    "ultra_conservative", "production_balanced", "performance_optimized", "development_debug",
    "security_focused", "resource_constrained", "cache_optimized", "logging_intensive",
    "metrics_focused", "circuit_breaker_enhanced", "singleton_optimized",
    "emergency", "memory_conservative", "metrics_intensive", "low_latency", "high_volume",
    "balanced_performance", "ultra_responsive", "security_enhanced", "audit_focused",
    "development", "debug_intensive", "logging_focused",
    "data_processing", "gaming_backend",
    "memory_optimized", "security_optimized", "development_optimized",
]
FEATURE_PRESETS = ["minimal", "voice_control", "automation_basic", "smart_home", "full"]


def run(*args, cwd=SRC, env_root=True):
    env = dict(os.environ)
    if env_root:
        env["LEEC_ROOT"] = SRC
    return subprocess.run([LEEC, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}


def read(path):
    with open(path) as f:
        return f.read()


def parse_size(text):
    m = re.fullmatch(r"([0-9.]+) (B|KiB|MiB|GiB)", text.strip())
    if not m:
        raise ValueError("not a size: %r" % text)
    return float(m.group(1)) * UNITS[m.group(2)]


def yaml_loader():
    """A SafeLoader with YAML 1.2 core-schema booleans only: python3-yaml follows YAML 1.1,
    where yes/no/on/off/y/n are booleans and 1:30 is a base-60 number. leec reads only
    true/false as booleans, so the schema test must see the same data leec sees."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool",
                                                       "tag:yaml.org,2002:int",
                                                       "tag:yaml.org,2002:float")]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"),
                                 list("tf"))
    Loader.add_implicit_resolver("tag:yaml.org,2002:int",
                                 re.compile(r"^[-+]?(?:[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)$"),
                                 list("-+0123456789"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    return Loader


class CliBasics(unittest.TestCase):
    def test_binary_exists(self):
        self.assertTrue(os.access(LEEC, os.X_OK), LEEC)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^leec \d+\.\d+\.\d+")

    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for c in COMMANDS:
            self.assertIn(c, r.stdout)

    def test_help_for_every_command(self):
        for c in COMMANDS:
            with self.subTest(command=c):
                r = run(c, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("usage:", r.stdout)

    def test_no_command(self):
        r = run()
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage:", r.stderr)

    def test_unknown_command(self):
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", r.stderr)

    def test_unknown_option(self):
        self.assertEqual(run("--frob", "validate").returncode, 2)
        self.assertEqual(run("--format", "xml", "validate").returncode, 2)

    def test_missing_file(self):
        for args in (["validate", "no/such/file.yaml"], ["explain", "no/such/file.yaml"],
                     ["compile", "no/such/file.yaml", "-o", tempfile.gettempdir()]):
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("no/such/file.yaml", r.stderr)

    def test_bad_root(self):
        r = run("--root", "/nonexistent-leec-root", "validate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("schemas/", r.stderr)

    def test_usage_errors(self):
        self.assertEqual(run("explain").returncode, 2)
        self.assertEqual(run("compile", "examples/leec.yaml").returncode, 2)
        self.assertEqual(run("diff", "examples/leec.yaml").returncode, 2)
        self.assertEqual(run("optimize", "examples/leec.yaml").returncode, 2)
        self.assertEqual(run("optimize", "examples/leec.yaml", "--max-memory", "lots").returncode,
                         2)


class Validate(unittest.TestCase):
    def test_directory_walk_skips_foreign_yaml(self):
        # Other YAML (the SAM template, CI workflows) is not a leec file: skipped in a
        # directory walk, an error when named explicitly.
        r = run("validate", "examples/")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("validate", "examples/template.yaml")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("examples/template.yaml:", r.stderr)

    def test_validate_tree(self):
        r = run("validate", "presets/", "examples/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"validated %d project files and the catalog in .*: valid" % len(EXAMPLES))

    def test_validate_catalog_only(self):
        r = run("validate")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("valid", r.stderr)

    def test_validate_from_elsewhere_uses_root(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(SRC, "examples", "minimal.yaml"), d)
            r = run("--root", SRC, "validate", "minimal.yaml", cwd=d, env_root=False)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_invalid_is_exit_1(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "bad.yaml")
            with open(os.path.join(SRC, "examples", "minimal.yaml")) as f:
                text = f.read()
            with open(p, "w") as f:
                f.write(text.replace("preset: ultra_conservative", "preset: ultra_conservativ"))
            r = run("validate", p)
            self.assertEqual(r.returncode, 1)
            self.assertIn("did you mean 'ultra_conservative'?", r.stderr)
            r = run("--format", "json", "validate", p)
            self.assertEqual(r.returncode, 1)
            diags = json.loads(r.stdout)
            self.assertEqual(diags[0]["severity"], "error")
            self.assertEqual(diags[0]["line"], 4)

    def test_renamed_parameter_leec_needs(self):
        # A consistent rename of a parameter the compiler reads by name (schemas,
        # presets and examples all agree) is a located error naming the schema and
        # what leec needs it for, never a crash.
        with tempfile.TemporaryDirectory() as d:
            for sub in ("schemas", "presets", "examples"):
                shutil.copytree(os.path.join(SRC, sub), os.path.join(d, sub))
            for dirpath, _, files in os.walk(d):
                for name in files:
                    path = os.path.join(dirpath, name)
                    text = read(path)
                    if "headroom" in text:
                        with open(path, "w") as f:
                            f.write(re.sub(r"\bheadroom\b", "reserve", text))
            r = run("--root", d, "validate", os.path.join(d, "examples", "leec.yaml"),
                    env_root=False)
            self.assertIn(r.returncode, (1, 2), r.stderr)
            self.assertRegex(r.stderr, r"schemas/lambda\.yaml:\d+:\d+: error: interface 'lambda' "
                             r"has no parameter 'headroom' \(size\); leec needs it for the memory "
                             r"limit")


class Explain(unittest.TestCase):
    def setUp(self):
        self.r = run("explain", "examples/leec.yaml")
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.out = self.r.stdout

    def test_origins(self):
        self.assertIn("preset production_balanced", self.out)
        self.assertRegex(self.out, r"\n  ttl +2 m +project, examples/leec\.yaml:15\n")
        self.assertRegex(self.out,
                         r"\n  state_pool +4 MiB +tier standard, presets/tiers/standard\.yaml:\d+\n")
        self.assertRegex(self.out, r"\nlogging: tier standard \(project, examples/leec\.yaml:10\)")
        self.assertIn("features automation_basic, presets/features/automation_basic.yaml", self.out)

    def test_budget_adds_up(self):
        m = re.search(r"\nmemory budget: ([0-9.]+ \w+) of ([0-9.]+ \w+) \((\d+) MB - ([0-9.]+ \w+)"
                      r" headroom\)\n((?:  .*\n)+)", self.out)
        self.assertIsNotNone(m, self.out)
        total, limit = parse_size(m.group(1)), parse_size(m.group(2))
        self.assertAlmostEqual(limit, int(m.group(3)) * 1024 ** 2 - parse_size(m.group(4)))
        rows = {}
        for line in m.group(5).splitlines():
            mm = re.match(r"  (\w+) +([0-9.]+ (?:B|KiB|MiB|GiB))  ", line)
            self.assertIsNotNone(mm, line)
            rows[mm.group(1)] = parse_size(mm.group(2))
        self.assertEqual(rows.pop("total"), total)
        self.assertEqual(rows.pop("limit"), limit)
        self.assertIn("baseline", rows)
        for iface in ("cache", "circuit_breaker", "features", "http", "lambda", "logging",
                      "metrics", "security"):
            self.assertIn(iface, rows)
        # Each figure is rounded to 0.1 of its unit: allow that much per row.
        slack = sum(0.05 * UNITS[u] for u in ["MiB"] * len(rows))
        self.assertLessEqual(abs(sum(rows.values()) - total), slack,
                             "%r does not add up to %r" % (rows, total))
        self.assertLessEqual(total, limit)

    def test_metrics_listed(self):
        m = re.search(r"\nmetrics: (\d+) custom metrics \(free tier: 10\)\n((?:  .*\n)*)", self.out)
        self.assertIsNotNone(m)
        self.assertEqual(int(m.group(1)), len(m.group(2).splitlines()))
        self.assertEqual(int(m.group(1)), 6)

    def test_every_example(self):
        for ex in EXAMPLES:
            with self.subTest(example=ex):
                r = run("explain", ex)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("memory budget:", r.stdout)

    def test_alias_named(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "alias.yaml")
            with open(os.path.join(SRC, "examples", "minimal.yaml")) as f:
                text = f.read()
            with open(p, "w") as f:
                f.write(text.replace("preset: ultra_conservative", "preset: memory_conservative"))
            r = run("explain", p)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("preset memory_conservative (alias of ultra_conservative)", r.stdout)


class TiersStrictlyOrdered(unittest.TestCase):
    def test_a_tier_equal_to_its_neighbour_is_an_error(self):
        # The catalog's own check: maximum giving circuit_breaker performance's values.
        with tempfile.TemporaryDirectory() as d:
            for sub in ("schemas", "presets"):
                shutil.copytree(os.path.join(SRC, sub), os.path.join(d, sub))
            tiers = os.path.join(d, "presets", "tiers")
            perf = [l for l in open(os.path.join(tiers, "performance.yaml"))
                    if l.startswith("  circuit_breaker:")][0]
            path = os.path.join(tiers, "maximum.yaml")
            text = open(path).read()
            line = [l for l in text.splitlines(True) if l.startswith("  circuit_breaker:")][0]
            with open(path, "w") as f:
                f.write(text.replace(line, perf))
            r = run("--root", d, "validate")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"presets/tiers/maximum\.yaml:\d+:\d+: error: tier 'maximum' "
                                   r"gives circuit_breaker exactly the values of tier "
                                   r"'performance'")
        self.assertIn("note: tier 'performance' for circuit_breaker", r.stderr)

    def test_stock_tiers_differ(self):
        r = run("validate")
        self.assertEqual(r.returncode, 0, r.stderr)


class ExplainOverBudget(unittest.TestCase):
    def test_table_then_error(self):
        # Over budget is when the table is needed: printed, then the error after it.
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(SRC, "tests", "golden", "memory_budget_user_preset.yaml")
            shutil.copy(src, os.path.join(d, "leec.yaml"))
            r = run("explain", "leec.yaml", cwd=d)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("\nmemory budget: 24.2 MiB of 20.0 MiB", r.stdout)
        self.assertRegex(r.stdout, r"\n  cache +12\.1 MiB  #+\n")
        self.assertIn("over budget by 4.2 MiB", r.stdout)
        self.assertIn("leec.yaml:6:10: error: memory budget exceeded", r.stderr)
        self.assertIn("lambda.headroom", r.stderr)
        self.assertIn("leec optimize leec.yaml", r.stderr)
        # An error before any value is known prints no table.
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "leec.yaml"), "w") as f:
                f.write("leec: 1\npreset: no_such\n")
            r = run("explain", "leec.yaml", cwd=d)
        self.assertEqual((r.returncode, r.stdout), (1, ""), r.stderr)


class ExplainJson(unittest.TestCase):
    """explain --format json: the facts every consumer outside the compiler reads."""

    def facts(self, path):
        r = run("--format", "json", "explain", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_values_with_origins_match_text(self):
        f = self.facts("examples/leec.yaml")
        self.assertEqual(f["leec_facts"], 1)
        self.assertEqual(f["preset"], "production_balanced")
        text = run("explain", "examples/leec.yaml").stdout
        for iface, body in f["interfaces"].items():
            for name, p in body["params"].items():
                self.assertIn("origin", p)
                self.assertIn(p["origin"]["kind"], ("tier", "preset", "project", "features"))
                # the human text line shows the same value
                self.assertRegex(text, r"\n  %s\s+%s\s" % (re.escape(name), re.escape(p["text"])))
        self.assertEqual(f["lambda"]["memory_mb"], f["interfaces"]["lambda"]["params"]["memory_mb"]["value"])
        total = sum(c["bytes"] for c in f["budget"]["memory"]["contributors"])
        self.assertAlmostEqual(total, f["budget"]["memory"]["total_bytes"], delta=1)
        self.assertEqual(f["budget"]["metrics"]["count"], len(f["metrics"]["names"]))

    def test_secrets_and_files_by_name(self):
        f = self.facts("examples/full.yaml")
        self.assertTrue(f["secrets"]["ssm_parameters"], f["secrets"])
        self.assertEqual(f["home_assistant"]["token"]["source"], "ssm")
        for path in f["files"]:
            self.assertFalse(os.path.isabs(path))

    def test_compile_writes_the_same_facts(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("compile", "examples/leec.yaml", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "leec_facts.json")) as fh:
                written = json.load(fh)
        printed = self.facts("examples/leec.yaml")
        self.assertEqual(written["interfaces"], printed["interfaces"])
        self.assertEqual(written["project"], "examples/leec.yaml")

    def test_invalid_project_keeps_stdout_json_free(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "leec.yaml")
            with open(p, "w") as fh:
                fh.write("leec: 1\npreset: no_such_preset\n")
            r = run("--format", "json", "explain", p)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stdout, "")
            diags = json.loads(r.stderr)
            self.assertTrue(any("no_such_preset" in x["message"] for x in diags), diags)


class Compile(unittest.TestCase):
    def test_write_if_changed(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("compile", "examples/leec.yaml", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            files = sorted(os.listdir(d))
            self.assertEqual(files, ["leec_config.c", "leec_config.h", "leec_facts.json",
                                     "leec_messages.c"])
            before = {f: os.stat(os.path.join(d, f)).st_mtime_ns for f in files}
            contents = {f: read(os.path.join(d, f)) for f in files}
            time.sleep(0.05)
            r = run("compile", "examples/leec.yaml", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(os.listdir(d)), files, "temporary files left behind")
            after = {f: os.stat(os.path.join(d, f)).st_mtime_ns for f in files}
            self.assertEqual(before, after, "unchanged output was rewritten")
            for f in files:
                self.assertEqual(read(os.path.join(d, f)), contents[f])
                self.assertNotIn(SRC, contents[f], "absolute path in the output")
            # A different project does change them.
            r = run("compile", "examples/full.yaml", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotEqual(read(os.path.join(d, "leec_config.c")),
                                contents["leec_config.c"])

    def test_invalid_project_writes_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "bad.yaml")
            with open(p, "w") as f:
                f.write("leec: 1\npreset: nope\nfeatures: minimal\n")
            out = os.path.join(d, "out")
            os.mkdir(out)
            r = run("compile", p, "-o", out)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(os.listdir(out), [])


class ListDiffOptimize(unittest.TestCase):
    def test_list(self):
        r = run("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = set(re.findall(r"^  (\w+) +[0-9.]+ (?:B|KiB|MiB) +\d+  ", r.stdout, re.M))
        for p in SEED_PRESETS:
            self.assertIn(p, names, "preset %s missing from leec list" % p)
        for p in FEATURE_PRESETS:
            self.assertRegex(r.stdout, r"\n  %s +" % p)
        self.assertRegex(r.stdout, r"\n  memory_conservative +[0-9.]+ MiB +\d+  alias of "
                                   r"ultra_conservative\n")

    def test_diff(self):
        r = run("diff", "examples/leec.yaml", "examples/full.yaml")
        # git diff --exit-code: 1 when they differ
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cache.ttl: 2 m -> 5 m", r.stdout)
        self.assertIn("features.timers: false -> true", r.stdout)
        m = re.search(r"^(\d+) differences?$", r.stdout, re.M)
        self.assertIsNotNone(m)
        self.assertGreater(int(m.group(1)), 0)

    def test_diff_every_field(self):
        # Every resolved field: tiers and parameters, features, and every key of the
        # project file's sections (the Home Assistant connection, skill IDs, discovery
        # rules, announce/notify targets, languages, budget, alarms).
        a = """leec: 1
preset: production_balanced
features: smart_home
tiers: {cache: standard}
home_assistant:
  url: https://a.example.net
  token: {mode: account_linking}
  tls: {verify: true}
  headers:
    X-One: {env: ONE}
    X-Two: {env: TWO}
alexa:
  skill_ids: [amzn1.ask.skill.00000000-0000-0000-0000-000000000000]
  discovery:
    include: ["light#*"]
    exclude: ["sensor#*"]
    friendly_names: {"light#a": A}
    categories: {"light#a": LIGHT}
    remove_capabilities: [{endpoint: "light#*", interface: Alexa.ColorTemperatureController}]
  announce: {tts_entity: tts.a, media_players: [media_player.a]}
  notify_target: phone_a
budget: {invocations_per_day: 100, avg_duration: 100ms}
"""
        b = """leec: 1
preset: low_latency
features: full
tiers: {cache: maximum}
overrides:
  cache: {ttl: 7m}
home_assistant:
  url: https://b.example.net
  token: {mode: long_lived, ssm: /leec/token}
  tls: {verify: true, ca_bundle: ca.pem, client_cert: c.pem, client_key: k.pem}
  headers:
    X-One: {ssm: /one}
    X-Three: {env: THREE}
alexa:
  skill_ids: [amzn1.ask.skill.11111111-1111-1111-1111-111111111111]
  discovery:
    include: ["switch#*"]
    exclude: ["sensor#*", "binary_sensor#*"]
    friendly_names: {"light#a": B}
    categories: {"light#a": SWITCH}
    remove_capabilities: [{endpoint: "fan#*", interface: Alexa.RangeController}]
  announce: {tts_entity: tts.b, media_players: [media_player.b]}
  notify_target: phone_b
  languages: [en, de]
budget: {invocations_per_day: 200, avg_duration: 150ms, free_tier_metrics: false}
alarms: {email: me@example.org}
"""
        with tempfile.TemporaryDirectory() as d:
            for name, text in (("a.yaml", a), ("b.yaml", b)):
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            r = run("diff", "a.yaml", "b.yaml", cwd=d)
            self.assertEqual(r.returncode, 1, r.stderr)
            out = r.stdout
            for want in (
                    "preset: production_balanced -> low_latency",
                    "features (preset): smart_home -> full",
                    "cache: tier standard -> maximum",
                    "cache.ttl: 5 m -> 7 m",
                    "features.timers: false -> true",
                    "home_assistant.url: https://a.example.net -> https://b.example.net",
                    "home_assistant.token.mode: account_linking -> long_lived",
                    "home_assistant.token.ssm: (none) -> /leec/token",
                    "home_assistant.tls.ca_bundle: (none) -> ca.pem",
                    "home_assistant.tls.client_cert: (none) -> c.pem",
                    "home_assistant.tls.client_key: (none) -> k.pem",
                    "home_assistant.headers.X-One: env ONE -> ssm /one",
                    "home_assistant.headers: + X-Three (env THREE)",
                    "home_assistant.headers: - X-Two",
                    "alexa.skill_ids: + amzn1.ask.skill.11111111-1111-1111-1111-111111111111",
                    "alexa.skill_ids: - amzn1.ask.skill.00000000-0000-0000-0000-000000000000",
                    "alexa.discovery.include: + switch#*",
                    "alexa.discovery.include: - light#*",
                    "alexa.discovery.exclude: + binary_sensor#*",
                    'alexa.discovery.friendly_names."light#a": A -> B',
                    'alexa.discovery.categories."light#a": LIGHT -> SWITCH',
                    "alexa.discovery.remove_capabilities: + fan#* Alexa.RangeController",
                    "alexa.announce.tts_entity: tts.a -> tts.b",
                    "alexa.announce.media_players: + media_player.b",
                    "alexa.notify_target: phone_a -> phone_b",
                    "budget.invocations_per_day: 100 -> 200",
                    "budget.avg_duration: 100 ms -> 150 ms",
                    "budget.free_tier_metrics: true -> false",
                    # every key of schemas/project.yaml, walked along its shape
                    "alexa.languages: + de",
                    "alarms.email: (none) -> me@example.org"):
                self.assertIn(want, out)
            r = run("diff", "a.yaml", "a.yaml", cwd=d)
            self.assertIn("\n0 differences\n", r.stdout)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_diff_same(self):
        r = run("diff", "examples/leec.yaml", "examples/leec.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 differences", r.stdout)

    def test_diff_presets(self):
        r = run("diff", "ultra_conservative", "memory_conservative")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 differences", r.stdout)
        r = run("diff", "ultra_conservative", "no_such_preset")
        self.assertEqual(r.returncode, 2)

    def test_optimize_fits(self):
        r = run("optimize", "examples/leec.yaml", "--max-memory", "32MiB")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"estimate ([0-9.]+ \w+)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertLessEqual(parse_size(m.group(1)), 32 * 1024 ** 2)
        tiers = dict(re.findall(r"^  (\w+): +(\w+)", r.stdout, re.M))
        self.assertTrue(tiers, r.stdout)
        for iface, tier in tiers.items():
            self.assertIn(tier, ("minimum", "standard", "performance", "maximum"))
        self.assertEqual(r.stderr, "")
        # The project's goal: logging (DEBUG) and lambda are not raised for a home bridge.
        self.assertEqual(tiers.get("logging", "standard"), "standard", r.stdout)
        self.assertNotIn("lambda", tiers, r.stdout)
        # The answer is a block to paste: pasted over the project's tiers:, the project
        # is valid and its estimate is the one printed.
        block = r.stdout[r.stdout.index("\ntiers:\n") + 1:]
        with open(os.path.join(SRC, "examples", "leec.yaml")) as f:
            text = f.read()
        start = text.index("\ntiers:\n") + 1
        end = start + len("tiers:\n")
        while text[end:end + 2] == "  ":
            end = text.index("\n", end) + 1
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "leec.yaml"), "w") as f:
                f.write(text[:start] + block + text[end:])
            v = run("validate", "leec.yaml", cwd=d)
            self.assertEqual(v.returncode, 0, v.stderr)
            e = run("explain", "leec.yaml", cwd=d)
        self.assertIn("memory budget: %s of" % m.group(1), e.stdout)
        # Already the best that fits: said, nothing to paste.
        r = run("optimize", "examples/leec.yaml", "--max-memory", m.group(1).replace(" ", ""))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_optimize_too_small(self):
        r = run("optimize", "examples/leec.yaml", "--max-memory", "1MiB")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no tier combination fits", r.stderr)


class Budget(unittest.TestCase):
    PROJECT = ("leec: 1\npreset: ultra_conservative\nfeatures: minimal\n"
               "home_assistant:\n  url: https://ha.example.net\n  token: {mode: account_linking}\n"
               "budget:\n  invocations_per_day: 2000000\n  avg_duration: 200ms\n")

    def test_over_free_tier_needs_allow_paid(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "paid.yaml")
            with open(p, "w") as f:
                f.write(self.PROJECT)
            r = run("validate", p)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("over the AWS free tier", r.stderr)
            self.assertIn("allow_paid: true", r.stderr)
            with open(p, "w") as f:
                f.write(self.PROJECT + "  allow_paid: true\n")
            r = run("validate", p)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = run("explain", p)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("budget.allow_paid: true", r.stdout)

    def test_explain_prints_accepted_units(self):
        # Every size and duration explain prints is a form leec accepts ("5 MiB", "2.5 m").
        r = run("explain", "examples/full.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)
        values = set(re.findall(r"\b(\d+(?:\.\d+)? (?:B|KiB|MiB|GiB|ms|s|m|h))\b", r.stdout))
        self.assertTrue(values)
        with tempfile.TemporaryDirectory() as d:
            for i, v in enumerate(sorted(values)):
                key = "state_pool" if v.split()[1].endswith("B") else "ttl"
                p = os.path.join(d, "u%d.yaml" % i)
                with open(p, "w") as f:
                    f.write("leec: 1\npreset: production_balanced\nfeatures: minimal\n"
                            "overrides:\n  cache:\n    %s: %s\n"
                            "home_assistant:\n  url: https://ha.example.net\n"
                            "  token: {mode: account_linking}\n" % (key, v))
                r = run("--format", "json", "validate", p)
                diags = json.loads(r.stdout) if r.stdout.strip() else []
                self.assertFalse([x for x in diags if "unit" in x["message"]
                                  or "unexpected" in x["message"]], (v, diags))


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run("schema")
        assert r.returncode == 0, r.stderr
        cls.text = r.stdout
        cls.schema = json.loads(r.stdout)
        import jsonschema
        jsonschema.Draft7Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft7Validator(cls.schema)
        cls.loader = yaml_loader()

    def load(self, rel):
        import yaml
        with open(os.path.join(SRC, rel)) as f:
            return yaml.load(f, Loader=self.loader)

    def errors(self, data):
        return list(self.validator.iter_errors(data))

    def test_valid_json(self):
        self.assertEqual(self.schema["$schema"], "http://json-schema.org/draft-07/schema#")
        self.assertEqual(self.schema["type"], "object")
        self.assertTrue(self.text.endswith("\n"))

    def test_loader_is_yaml_1_2(self):
        import yaml
        data = yaml.load("a: yes\nb: on\nc: true\nd: 1:30\ne: 8s\nf: 4MiB\ng: 0.85\nh: 12\n",
                         Loader=self.loader)
        self.assertEqual(data, {"a": "yes", "b": "on", "c": True, "d": "1:30", "e": "8s",
                                "f": "4MiB", "g": 0.85, "h": 12})

    def test_accepts_examples(self):
        for ex in EXAMPLES:
            with self.subTest(example=ex):
                errs = self.errors(self.load(ex))
                self.assertEqual(errs, [], "\n".join(e.message for e in errs))

    def test_rejects_broken_copies(self):
        base = self.load("examples/leec.yaml")

        def broken(fn):
            d = copy.deepcopy(base)
            fn(d)
            return d

        cases = {
            "unknown top-level key": broken(lambda d: d.update(budjet={})),
            "wrong enum": broken(lambda d: d["overrides"]["cache"].update(eviction="lru_ttl")),
            "unknown preset": broken(lambda d: d.update(preset="ultra_conservativ")),
            "bad skill id": broken(lambda d: d["alexa"].update(skill_ids=["amzn1.ask.skill.X"])),
            "missing home_assistant": broken(lambda d: d.pop("home_assistant")),
            "unknown interface": broken(lambda d: d["overrides"].update(cahce={"ttl": "2m"})),
            "size without unit": broken(lambda d: d["overrides"]["cache"].update(state_pool=2048)),
            "url with trailing slash": broken(
                lambda d: d["home_assistant"].update(url="https://ha.example.org/")),
            "format 2": broken(lambda d: d.update(leec=2)),
            "quoted int": broken(
                lambda d: d["overrides"].update(security={"max_json_depth": "32"})),
            "yes as a boolean": broken(
                lambda d: d["home_assistant"]["tls"].update(verify="yes")),
        }
        for name, data in cases.items():
            with self.subTest(case=name):
                self.assertNotEqual(self.errors(data), [], "schema accepted: " + name)

    def test_yaml_1_1_boolean_rejected_like_leec(self):
        import yaml
        with open(os.path.join(SRC, "examples", "leec.yaml")) as f:
            text = f.read().replace("verify: true", "verify: yes")
        self.assertNotEqual(self.errors(yaml.load(text, Loader=self.loader)), [])
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "yes.yaml")
            with open(p, "w") as f:
                f.write(text)
            self.assertEqual(run("validate", p).returncode, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
