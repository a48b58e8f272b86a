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


def preset_names(schema_text):
    """The preset names `leec schema` offers (the list sits inside anyOf, so that an
    editor completes `preset:` with a value)."""
    pr = json.loads(schema_text)["properties"]["preset"]
    return [v for alt in pr.get("anyOf", [pr]) for v in alt.get("enum", [])]


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
        presets = preset_names(r.stdout)
        self.assertIn("my_home", presets)
        self.assertIn("low_latency", presets)
        r = run("schema", cwd=self.dir)  # the project of the working directory
        self.assertIn("my_home", preset_names(r.stdout))
        r = run("schema", "--project", os.path.join(self.dir, "leec.yaml"),
                cwd=tempfile.gettempdir())
        self.assertIn("my_home", preset_names(r.stdout))
        outside = tempfile.mkdtemp(prefix="leec-no-project-")
        self.addCleanup(shutil.rmtree, outside, True)
        r = run("schema", cwd=outside)  # outside any project: the stock catalog alone
        self.assertNotIn("my_home", preset_names(r.stdout))

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



FAMILY = """\
preset: family
doc: Our house - production_balanced with a longer entity cache.
extends: production_balanced
overrides:
  cache: {ttl: 5m}
"""
FAMILY_DEBUG = """\
preset: family_debug
doc: family with debug logs, for a bad evening.
extends: family
overrides:
  logging: {level: DEBUG}
"""


class ProjectOfAFile(unittest.TestCase):
    """One notion of the project a file belongs to (the nearest leec.yaml at or above it,
    with its presets/ and preset_dirs:), used by every command (issue 19)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leec-project-of-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        write(self.dir, "leec.yaml", PROJECT.format(
            preset="family", extra="preset_dirs: [shared]\n"))
        write(self.dir, "presets/family.yaml", FAMILY)
        write(self.dir, "presets/family_debug.yaml", FAMILY_DEBUG)
        write(self.dir, "shared/night.yaml",
              "preset: night\ndoc: quiet nights.\nextends: family_debug\n")
        write(self.dir, "debug.yaml", PROJECT.format(preset="family_debug", extra=""))

    def test_validate_one_child_preset(self):
        # What pre-commit passes when only the child preset is staged.
        for cwd, arg in ((self.dir, "presets/family_debug.yaml"),
                         (os.path.join(self.dir, "presets"), "family_debug.yaml"),
                         (tempfile.gettempdir(), os.path.join(self.dir, "presets",
                                                              "family_debug.yaml")),
                         (self.dir, "shared/night.yaml")):
            with self.subTest(cwd=cwd, arg=arg):
                r = run("validate", arg, cwd=cwd)
                self.assertEqual(r.returncode, 0, r.stderr)
        # Still checked: a mistake in the child is reported at its line.
        write(self.dir, "presets/family_debug.yaml", FAMILY_DEBUG.replace("DEBUG", "LOUD"))
        r = run("validate", "presets/family_debug.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("presets/family_debug.yaml:5:", r.stderr)

    def test_validate_nothing_is_the_project(self):
        r = run("validate", cwd=os.path.join(self.dir, "presets"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("validated 1 project file, 3 presets", r.stderr)
        write(self.dir, "leec.yaml", PROJECT.format(preset="familly", extra=""))
        r = run("validate", cwd=self.dir)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("leec.yaml:2:", r.stderr)

    def test_every_command_sees_the_user_presets(self):
        r = run("list", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\n  family_debug +[0-9.]+ MiB +\d+  family with debug logs")
        self.assertRegex(r.stdout, r"\n  night +")
        r = run("diff", "leec.yaml", "debug.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 1, r.stderr + r.stdout)  # they differ
        self.assertIn("-> family_debug <- family", r.stdout)
        r = run("diff", "family", "family_debug", cwd=self.dir)
        self.assertEqual(r.returncode, 1, r.stderr + r.stdout)
        r = run("diff", "family", "family", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        r = run("explain", "debug.yaml", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("production_balanced -> family -> family_debug", r.stdout)
        r = run("optimize", "debug.yaml", "--max-memory", "32MiB", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("schema", cwd=os.path.join(self.dir, "presets"))
        self.assertEqual(r.returncode, 0, r.stderr)
        enum = preset_names(r.stdout)
        for name in ("family", "family_debug", "night"):
            self.assertIn(name, enum)

    def test_home_assistant_config_repository_one_line(self):
        """leec kept in a Home Assistant configuration repository: `leec validate .` walks
        25 YAML files that are not leec's (custom tags, lists, includes) and says so in one
        line; -v names each; --format github makes no annotation of them."""
        ha = {
            "configuration.yaml": "homeassistant:\n  name: Home\n  customize: "
                                  "!include customize.yaml\nautomation: !include "
                                  "automations.yaml\nscript: !include scripts.yaml\n"
                                  "http:\n  api_password: !secret http_password\n",
            "automations.yaml": "- id: '1'\n  alias: Lights on\n  trigger: []\n",
            "scripts.yaml": "{}\n", "scenes.yaml": "[]\n", "groups.yaml": "{}\n",
            "secrets.yaml": "http_password: hunter2\n",
            "customize.yaml": "light.kitchen:\n  friendly_name: Kitchen\n",
            "blueprints/automation/motion.yaml":
                "blueprint:\n  name: Motion\n  input: {}\ntrigger:\n  - platform: state\n"
                "    entity_id: !input motion_entity\n",
            ".github/workflows/check.yaml": "on: push\njobs: {}\n",
        }
        for i in range(len(ha), 25):
            ha["packages/room_%02d.yaml" % i] = "sensor:\n  - platform: template\n"
        self.assertEqual(len(ha), 25)
        for rel, text in ha.items():
            write(self.dir, rel, text)
        os.remove(os.path.join(self.dir, "debug.yaml"))
        shutil.rmtree(os.path.join(self.dir, ".github"))  # dot-directories are not walked
        write(self.dir, "esphome/garage.yaml", "esphome:\n  name: garage\n")
        r = run("validate", ".", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertRegex(r.stderr, r"^leec: validated 1 project file, 3 presets and the catalog "
                                   r"in .*: valid; skipped 25 YAML files that are not leec files "
                                   r"\(.*-v names them\)\n$")
        r = run("--format", "github", "validate", ".", cwd=self.dir)
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        r = run("validate", "-v", ".", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count("note: skipped: not a leec file"), 25, r.stderr)

    def test_pre_commit_with_only_a_child_preset_staged(self):
        """The hook as pre-commit runs it: a git repository whose only staged change is
        the child preset. pre-commit itself (Debian's package) when installed, else the
        hook's command line exactly as .pre-commit-hooks.yaml defines it."""
        git = shutil.which("git")
        if not git:
            self.skipTest("git is not installed")
        hook_repo = tempfile.mkdtemp(prefix="leec-hook-repo-")
        self.addCleanup(shutil.rmtree, hook_repo, True)
        bindir = os.path.join(hook_repo, "bin")
        os.makedirs(bindir)
        # language: system runs the leec on PATH; this one uses the catalog of the tree.
        with open(os.path.join(bindir, "leec"), "w") as f:
            f.write("#!/bin/sh\nexec %s --root %s \"$@\"\n" % (LEEC, SRC))
        os.chmod(os.path.join(bindir, "leec"), 0o755)
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.net",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.net",
                   PRE_COMMIT_HOME=os.path.join(hook_repo, "cache"))

        def sh(*args, cwd=self.dir, check=True):
            r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                               timeout=300)
            if check:
                self.assertEqual(r.returncode, 0, "%s: %s%s" % (args, r.stdout, r.stderr))
            return r

        # A hook repository: this tree's .pre-commit-hooks.yaml, committed.
        shutil.copy(os.path.join(SRC, ".pre-commit-hooks.yaml"), hook_repo)
        sh(git, "init", "-q", cwd=hook_repo)
        sh(git, "add", ".pre-commit-hooks.yaml", cwd=hook_repo)
        sh(git, "commit", "-q", "-m", "hooks", cwd=hook_repo)
        rev = sh(git, "rev-parse", "HEAD", cwd=hook_repo).stdout.strip()
        write(self.dir, ".pre-commit-config.yaml",
              "repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: leec-validate\n"
              % (hook_repo, rev))
        write(self.dir, ".github/workflows/ci.yaml", "on: push\njobs: {}\n")
        sh(git, "init", "-q")
        sh(git, "add", ".")
        sh(git, "commit", "-q", "-m", "the house")
        # The only staged change: the child preset.
        write(self.dir, "presets/family_debug.yaml", FAMILY_DEBUG.replace("bad evening",
                                                                          "long evening"))
        sh(git, "add", "presets/family_debug.yaml")
        pre_commit = shutil.which("pre-commit")
        if pre_commit:
            r = sh(pre_commit, "run", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"leec validate\.+Passed")
            # A broken child is refused, at its line.
            write(self.dir, "presets/family_debug.yaml", FAMILY_DEBUG.replace("DEBUG", "LOUD"))
            sh(git, "add", "presets/family_debug.yaml")
            r = sh(pre_commit, "run", check=False)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("presets/family_debug.yaml:5:", r.stdout)
        else:
            # entry + args + the staged files matching files:, as pre-commit would.
            import yaml  # python3-yaml (.ci/deps demo)
            with open(os.path.join(SRC, ".pre-commit-hooks.yaml")) as f:
                hook = yaml.safe_load(f)[0]
            staged = sh(git, "diff", "--cached", "--name-only").stdout.split()
            import re
            staged = [f for f in staged if re.search(hook["files"], f)]
            self.assertEqual(staged, ["presets/family_debug.yaml"])
            r = sh(*hook["entry"].split(), *hook.get("args", []), *staged, check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
