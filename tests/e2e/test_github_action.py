"""The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml).

action.yml runs scripts/github-action.sh; this runs that script as a runner would
(RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT in a temporary directory), in a user
repository outside the tree: install=path with the build's leec and install=source
(the script builds and installs leec from this checkout, dependencies already there),
each on a valid and a broken repository. install=deb is covered by test_install.py's
.deb install. The metadata files are checked for the fields GitHub and pre-commit read.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
SCRIPT = os.path.join(SRC, "scripts", "github-action.sh")

PROJECT = textwrap.dedent("""\
    leec: 1
    preset: my_home
    features: smart_home
    home_assistant:
      url: https://homeassistant.example.org:8123
      token:
        mode: account_linking
      tls:
        verify: true
    alexa:
      skill_ids:
        - amzn1.ask.skill.00000000-0000-0000-0000-000000000000
    """)
PRESET = "preset: my_home\ndoc: mine\nextends: production_balanced\ntiers:\n  cache: standard\n"


def user_repo(d, broken=False):
    os.makedirs(os.path.join(d, "presets"))
    os.makedirs(os.path.join(d, ".github", "workflows"))
    with open(os.path.join(d, "leec.yaml"), "w") as f:
        f.write(PROJECT)
    with open(os.path.join(d, "presets", "my_home.yaml"), "w") as f:
        f.write(PRESET.replace("cache: standard", "cache: [standard") if broken else PRESET)
    with open(os.path.join(d, ".github", "workflows", "ci.yml"), "w") as f:
        f.write("on: push\njobs: {}\n")


class Action(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="leec-action-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def action(self, repo, **inputs):
        runner = os.path.join(self.tmp, "runner")
        os.makedirs(runner, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "LEEC_ROOT"))}
        env.update({"RUNNER_TEMP": runner, "GITHUB_PATH": os.path.join(runner, "path"),
                    "GITHUB_OUTPUT": os.path.join(runner, "output"),
                    "LEEC_ACTION_SOURCE": SRC, "LEEC_ACTION_SKIP_DEPS": "1",
                    "LEEC_ACTION_JOBS": "2"})
        env.update({"INPUT_" + k.upper(): v for k, v in inputs.items()})
        return subprocess.run(["bash", SCRIPT], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=900)

    def check_repo_results(self, **inputs):
        good = os.path.join(self.tmp, "good")
        user_repo(good)
        r = self.action(good, paths="leec.yaml presets/", **inputs)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("valid", r.stdout + r.stderr)
        with open(os.path.join(self.tmp, "runner", "output")) as f:
            self.assertRegex(f.read(), r"leec=/.*leec\n")
        bad = os.path.join(self.tmp, "bad")
        user_repo(bad, broken=True)
        r = self.action(bad, paths=".", **inputs)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        errors = [line for line in r.stdout.splitlines() if line.startswith("::error ")]
        self.assertTrue(errors, r.stdout)
        self.assertRegex(errors[0], r"^::error file=presets/my_home\.yaml,line=\d+,col=\d+,"
                                    r"endLine=\d+,endColumn=\d+,title=leec error::")
        # the workflow YAML in the walk is a notice, never an error
        self.assertFalse([e for e in errors if ".github" in e], errors)
        return r

    def test_install_path(self):
        leec = harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        self.check_repo_results(install="path", leec=leec)

    def test_install_source(self):
        self.check_repo_results(install="source")
        with open(os.path.join(self.tmp, "runner", "path")) as f:
            self.assertIn(os.path.join(self.tmp, "runner", "leec-action-prefix", "bin"), f.read())

    def test_bad_install_mode(self):
        r = self.action(self.tmp, install="pip")
        self.assertEqual(r.returncode, 2)
        self.assertIn("::error title=leec action::unknown install 'pip'", r.stdout)


class Metadata(unittest.TestCase):
    def read(self, name):
        with open(os.path.join(SRC, name)) as f:
            return f.read()

    def test_action_yml(self):
        a = self.read("action.yml")
        self.assertIn("using: composite", a)
        self.assertIn('bash "${{ github.action_path }}/scripts/github-action.sh"', a)
        for inp in ("paths", "install", "deb", "leec", "format"):
            self.assertRegex(a, r"\n  %s:\n    description: " % inp)
            self.assertIn("INPUT_%s: ${{ inputs.%s }}" % (inp.upper(), inp), a)

    def test_pre_commit_hook(self):
        h = self.read(".pre-commit-hooks.yaml")
        self.assertIn("- id: leec-validate\n", h)
        self.assertIn("  entry: leec validate\n", h)
        self.assertIn("  language: system\n", h)
        self.assertIn("  args: [--skip-other-yaml]\n", h)
        files = re.search(r"\n  files: (.*)\n", h).group(1)
        rx = re.compile(files)
        self.assertTrue(rx.search("presets/my_home.yaml") and rx.search("leec.yml"))
        self.assertFalse(rx.search("README.md"))
        try:
            import yaml
        except ImportError:
            return
        hooks = yaml.safe_load(h)
        self.assertEqual(hooks[0]["id"], "leec-validate")
        self.assertEqual(hooks[0]["args"], ["--skip-other-yaml"])
        yaml.safe_load(self.read("action.yml"))

    def test_pre_commit_style_call(self):
        # pre-commit runs: entry args FILE... with the staged files, YAML of any kind.
        leec = harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        with tempfile.TemporaryDirectory() as d:
            user_repo(d)
            argv = [leec, "validate", "--skip-other-yaml", ".github/workflows/ci.yml",
                    "leec.yaml", "presets/my_home.yaml"]
            env = {k: v for k, v in os.environ.items() if k != "LEEC_ROOT"}
            r = subprocess.run(argv, cwd=d, env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            # Counted in the summary line; -v names it.
            self.assertIn("valid; skipped 1 YAML file that is not a leec file", r.stderr)
            r = subprocess.run(argv[:2] + ["-v"] + argv[2:], cwd=d, env=env,
                               capture_output=True, text=True)
            self.assertIn(".github/workflows/ci.yml:1:1: note: skipped", r.stderr)
            with open(os.path.join(d, "presets", "my_home.yaml"), "a") as f:
                f.write("bogus: 1\n")
            r = subprocess.run(argv, cwd=d, env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("presets/my_home.yaml:6:1: error: unknown key 'bogus'", r.stderr)


if __name__ == "__main__":
    unittest.main()
