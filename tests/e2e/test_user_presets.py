"""A user's own presets (issue 10, item 1): a project adds presets from `presets/`
beside the project file and from the directories its `preset_dirs:` names; a name
that clashes with a stock preset is an error unless the user preset says
`overrides_stock: true`. Each case is a temporary directory outside the tree, with
leec run from there (and from elsewhere, on an absolute path)."""

import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LEEC_BUILD_DIR") or os.path.join(SRC, "build")
LEEC = os.path.join(BUILD, "compiler", "leec")

PROJECT = """\
leec: 1
preset: {preset}
features: smart_home
{extra}home_assistant:
  url: https://ha.example.net
  token:
    mode: account_linking
"""

MY_HOME = """\
# my own preset: low latency, but a longer cache TTL and debug logs
preset: my_home
doc: Low latency with a longer cache TTL.
extends: low_latency
overrides:
  cache: {ttl: 15m}
  logging: {level: DEBUG}
"""


def run(*args, cwd):
    return subprocess.run([LEEC, "--root", SRC, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def write(base, rel, text):
    path = os.path.join(base, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    return path


class UserPresets(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leec-user-presets-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def project(self, preset="my_home", extra=""):
        return write(self.dir, "leec.yaml", PROJECT.format(preset=preset, extra=extra))

    def errors(self, *args, cwd=None):
        r = run("--format", "json", *args, cwd=cwd or self.dir)
        return r.returncode, (json.loads(r.stdout) if r.stdout.strip() else []), r

    def test_presets_beside_the_project(self):
        self.project()
        write(self.dir, "presets/my_home.yaml", MY_HOME)
        r = run("validate", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The same from another directory, with an absolute path.
        r = run("validate", os.path.join(self.dir, "leec.yaml"), cwd=tempfile.gettempdir())
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("explain", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("my_home", r.stdout)
        self.assertIn("low_latency", r.stdout)  # the chain names the stock preset it extends
        # cache.ttl comes from the user's preset, at its line.
        self.assertRegex(r.stdout, r"\n  ttl +15 m +preset my_home, presets/my_home\.yaml:6\n")
        out = os.path.join(self.dir, "out")
        r = run("compile", "leec.yaml", "-o", out, cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        for f in ("leec_config.h", "leec_config.c"):
            self.assertTrue(os.path.getsize(os.path.join(out, f)) > 0, f)
        with open(os.path.join(out, "leec_config.c")) as f:
            self.assertIn("my_home", f.read())

    def test_preset_dirs_named_by_the_project(self):
        self.project(extra="preset_dirs: [shared/leec-presets]\n")
        write(self.dir, "shared/leec-presets/my_home.yaml", MY_HOME)
        r = run("validate", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("explain", "leec.yaml", cwd=self.dir)
        self.assertIn("preset my_home, shared/leec-presets/my_home.yaml:6", r.stdout)

    def test_missing_preset_dir_is_located(self):
        path = self.project(extra="preset_dirs: [no/such/dir]\n")
        code, diags, r = self.errors("validate", path)
        self.assertEqual(code, 1, r.stderr)
        self.assertTrue(any(d["line"] == 4 and "no/such/dir" in d["message"] for d in diags),
                        diags)

    def test_preset_extends_user_preset(self):
        self.project(preset="my_flat")
        write(self.dir, "presets/my_home.yaml", MY_HOME)
        write(self.dir, "presets/my_flat.yaml",
              "preset: my_flat\ndoc: mine, smaller\nextends: my_home\n"
              "overrides:\n  cache: {max_entries: 300}\n")
        r = run("validate", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_clash_with_stock_preset(self):
        self.project(preset="low_latency")
        write(self.dir, "presets/low_latency.yaml",
              "preset: low_latency\ndoc: mine\nbase: standard\n")
        code, diags, r = self.errors("validate", "leec.yaml")
        self.assertEqual(code, 1, r.stderr)
        err = [d for d in diags if d["severity"] == "error"]
        self.assertTrue(err, diags)
        self.assertTrue(err[0]["file"].endswith("presets/low_latency.yaml"), err[0])
        self.assertEqual(err[0]["line"], 1)
        self.assertIn("stock preset", err[0]["message"])
        self.assertIn("overrides_stock: true", err[0]["message"])

    def test_clash_allowed_with_overrides_stock(self):
        self.project(preset="low_latency")
        write(self.dir, "presets/low_latency.yaml",
              "preset: low_latency\ndoc: mine\noverrides_stock: true\nbase: standard\n"
              "overrides:\n  cache: {ttl: 7m}\n")
        r = run("validate", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("explain", "leec.yaml", cwd=self.dir)
        self.assertRegex(r.stdout, r"\n  ttl +7 m +preset low_latency, presets/low_latency\.yaml:6\n")

    def test_overrides_stock_without_a_stock_preset(self):
        self.project()
        write(self.dir, "presets/my_home.yaml", MY_HOME.replace(
            "extends:", "overrides_stock: true\nextends:"))
        code, diags, r = self.errors("validate", "leec.yaml")
        self.assertEqual(code, 1, r.stderr)
        self.assertTrue(any(d["file"].endswith("presets/my_home.yaml") and d["line"] == 4
                            for d in diags), diags)

    def test_broken_user_preset_located(self):
        # Each mistake is diagnosed in the user's preset file at its line.
        cases = {
            "unknown key": ("colour: blue\n", 4, None),
            "unknown parameter": ("overrides:\n  cache: {ttll: 1m}\n", 5, None),
            "out of range": ("overrides:\n  cache: {max_entries: 0}\n", 5, None),
            "unclosed flow": ("tiers: {cache: performance\n", 4, None),
            "unknown stock base": (None, 3, "extends: low_latncy\n"),
        }
        for name, (tail, line, replace_extends) in cases.items():
            with self.subTest(mistake=name):
                self.project()
                text = "preset: my_home\ndoc: mine\n"
                text += replace_extends or "extends: low_latency\n"
                text += tail or ""
                write(self.dir, "presets/my_home.yaml", text)
                code, diags, r = self.errors("validate", "leec.yaml")
                self.assertEqual(code, 1, r.stderr)
                hits = [d for d in diags if d["severity"] == "error"
                        and d["file"].endswith("presets/my_home.yaml")]
                self.assertTrue(hits, "%s: %s" % (name, diags))
                # At the line, or (a YAML syntax error found further on) with a note there.
                lines = {hits[0]["line"]} | {n["line"] for n in hits[0].get("notes", [])}
                self.assertIn(line, lines, "%s: %s" % (name, hits))

    def test_schema_for_the_project_knows_its_presets(self):
        self.project()
        write(self.dir, "presets/my_home.yaml", MY_HOME)
        r = run("schema", "leec.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        presets = json.loads(r.stdout)["properties"]["preset"]["enum"]
        self.assertIn("my_home", presets)
        self.assertIn("low_latency", presets)
        r = run("schema", cwd=self.dir)  # the stock catalog alone
        self.assertNotIn("my_home", json.loads(r.stdout)["properties"]["preset"]["enum"])

    def test_user_preset_does_not_leak_into_other_projects(self):
        # presets/ beside one project does not define presets for another.
        self.project()
        write(self.dir, "presets/my_home.yaml", MY_HOME)
        other = os.path.join(self.dir, "other")
        os.makedirs(other)
        with open(os.path.join(other, "leec.yaml"), "w") as f:
            f.write(PROJECT.format(preset="my_home", extra=""))
        code, diags, r = self.errors("validate", "other/leec.yaml")
        self.assertEqual(code, 1, r.stderr)
        self.assertIn("unknown preset 'my_home'", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
