#!/usr/bin/python3
"""leec init (a starter repository that validates as written, never overwrites, checks its
inputs) and leec skill's bad inputs (a malformed ARN, a region Alexa does not call, a locale
whose region has no function, an unwritable directory, no ARN, a project without skill IDs
told what to do next). The packages' SMAPI types are checked in test_interaction_models.py."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ARN = "arn:aws:lambda:%s:123456789012:function:leec"
SKILL_ID = "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef"


def leec(*args, cwd=None):
    exe = os.path.join(harness.build_dir(), "compiler", "leec")
    return subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, cwd=cwd)


class TestInit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="leec-init-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_starter_validates_as_written(self):
        d = os.path.join(self.tmp, "home")
        r = leec("init", d, "--ha-url", "https://ha.example.net:8123", "--skill-id", SKILL_ID)
        self.assertEqual(r.returncode, 0, r.stderr)
        for f in ("leec.yaml", "presets/my_home.yaml", "leec.schema.json",
                  ".pre-commit-config.yaml", ".github/workflows/leec.yml"):
            self.assertTrue(os.path.isfile(os.path.join(d, f)), f)
        with open(os.path.join(d, "leec.yaml")) as f:
            text = f.read()
        self.assertTrue(text.startswith("# yaml-language-server: $schema=leec.schema.json\n"))
        self.assertIn("url: https://ha.example.net:8123", text)
        self.assertIn(SKILL_ID, text)
        r = leec("validate", os.path.join(d, "leec.yaml"), os.path.join(d, "presets"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = leec("validate", "--skip-other-yaml", d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # the schema written is what leec schema prints for the project (its preset in it)
        r = leec("schema", os.path.join(d, "leec.yaml"))
        with open(os.path.join(d, "leec.schema.json")) as f:
            self.assertEqual(f.read(), r.stdout)
        self.assertIn("my_home", r.stdout)
        r = leec("explain", os.path.join(d, "leec.yaml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("my_home", r.stdout)

    def test_default_dir_is_here_and_defaults_validate(self):
        r = leec("init", cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = leec("validate", "leec.yaml", "presets", cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_refuses_to_overwrite(self):
        os.makedirs(os.path.join(self.tmp, "presets"))
        with open(os.path.join(self.tmp, "presets", "my_home.yaml"), "w") as f:
            f.write("mine\n")
        r = leec("init", self.tmp)
        self.assertEqual(r.returncode, 2)
        self.assertIn("my_home.yaml exists", r.stderr)
        self.assertIn("writes nothing over existing files", r.stderr)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["presets"])  # nothing written
        with open(os.path.join(self.tmp, "presets", "my_home.yaml")) as f:
            self.assertEqual(f.read(), "mine\n")

    def test_bad_inputs(self):
        for args, needle in (
                (["--ha-url", "http://ha.example.net"], "unencrypted"),
                (["--ha-url", "ftp://ha"], "must start with https://"),
                (["--ha-url", "https://ha.example.net/"], "must not end with '/'"),
                (["--ha-url", "https://user@ha"], "no user name"),
                (["--ha-url", "https://"], "needs a host"),
                (["--skill-id", "amzn1.ask.skill.nope"], "is not a skill ID"),
                (["--skill-id", SKILL_ID.upper()], "is not a skill ID"),
                (["--ha-url"], "needs a value"),
                (["a", "b"], "at most one directory")):
            with self.subTest(args=args):
                r = leec("init", os.path.join(self.tmp, "x"), *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(needle, r.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "x", "leec.yaml")))

    def test_http_to_loopback_is_allowed(self):
        r = leec("init", self.tmp, "--ha-url", "http://127.0.0.1:8123")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(leec("validate", os.path.join(self.tmp, "leec.yaml")).returncode, 0)


class TestSkill(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="leec-skill-")
        self.full = os.path.join(harness.source_dir(), "examples", "full.yaml")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_one_region(self):
        out = os.path.join(self.tmp, "pkg")
        r = leec("skill", self.full, "-o", out, "--function-arn", ARN % "eu-west-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "smart-home", "skill-package", "skill.json")) as f:
            m = json.load(f)["manifest"]
        self.assertEqual(sorted(m["publishingInformation"]["locales"]),
                         ["de-DE", "en-GB", "en-IN", "es-ES", "fr-FR", "it-IT"])
        sh = m["apis"]["smartHome"]
        self.assertEqual(sh["regions"], {"EU": {"endpoint": {"uri": ARN % "eu-west-1"}}})
        self.assertEqual(m["permissions"], [{"name": "alexa::async_event:write"}])
        with open(os.path.join(out, "smart-home", "account-linking.EU.json")) as f:
            al = json.load(f)["accountLinkingRequest"]
        self.assertEqual(al["clientId"], "https://layla.amazon.com/")
        self.assertEqual(al["type"], "AUTH_CODE")
        self.assertEqual(al["accessTokenScheme"], "REQUEST_BODY_CREDENTIALS")
        self.assertTrue(al["authorizationUrl"].endswith("/auth/authorize"))
        self.assertTrue(al["accessTokenUrl"].endswith("/auth/token"))
        self.assertFalse(os.path.exists(os.path.join(out, "smart-home", "account-linking.NA.json")))
        models = os.listdir(os.path.join(out, "custom", "skill-package", "interactionModels",
                                         "custom"))
        self.assertEqual(sorted(models), ["de-DE.json", "en-GB.json", "en-IN.json", "es-ES.json",
                                          "fr-FR.json", "it-IT.json"])

    def test_golden(self):
        """The files byte for byte as tests/skill/ pins them (see its README.md)."""
        out = os.path.join(self.tmp, "pkg")
        r = leec("skill", self.full, "-o", out, "--function-arn", ARN % "eu-west-1",
                 "--locales", "de-DE,en-GB")
        self.assertEqual(r.returncode, 0, r.stderr)
        golden = os.path.join(harness.source_dir(), "tests", "skill")
        for name, rel in (("full.smart-home.skill.json", "smart-home/skill-package/skill.json"),
                          ("full.custom.skill.json", "custom/skill-package/skill.json"),
                          ("full.account-linking.EU.json", "smart-home/account-linking.EU.json")):
            with open(os.path.join(golden, name)) as f, open(os.path.join(out, rel)) as g:
                self.assertEqual(g.read(), f.read(), name)

    def test_locales_and_clients_per_region(self):
        out = os.path.join(self.tmp, "pkg")
        r = leec("skill", self.full, "-o", out, "--function-arn", ARN % "us-east-1",
                 "--function-arn", ARN % "us-west-2", "--locales", "en-US,en-AU")
        self.assertEqual(r.returncode, 0, r.stderr)
        for region, client in (("NA", "https://pitangui.amazon.com/"),
                               ("FE", "https://alexa.amazon.co.jp/")):
            with open(os.path.join(out, "smart-home", "account-linking.%s.json" % region)) as f:
                self.assertEqual(json.load(f)["accountLinkingRequest"]["clientId"], client)
        with open(os.path.join(out, "custom", "skill-package", "skill.json")) as f:
            m = json.load(f)["manifest"]
        self.assertEqual(sorted(m["apis"]["custom"]["regions"]), ["FE", "NA"])
        self.assertEqual(sorted(m["publishingInformation"]["locales"]), ["en-AU", "en-US"])

    def test_no_skill_ids_says_what_next(self):
        proj = os.path.join(harness.source_dir(), "tests", "emit", "languages", "leec.yaml")
        r = leec("skill", proj, "-o", os.path.join(self.tmp, "p"), "--function-arn",
                 ARN % "eu-west-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("add the skill ID to alexa.skill_ids", r.stdout)
        self.assertIn("leec deploy again", r.stdout)

    def test_bad_inputs(self):
        out = os.path.join(self.tmp, "pkg")
        ro = os.path.join(self.tmp, "ro")
        os.makedirs(ro)
        os.chmod(ro, 0o500)
        cases = [
            # no --function-arn: the deployed function is looked up; an AWS CLI that is not
            # there (offline, deterministic) says what to install and to deploy first
            (["--aws", "/nonexistent/aws"], 2, "run leec deploy first, or give --function-arn"),
            (["--function-arn", "arn:aws:lambda:us-east-1:1234:function:x"], 1,
             "is not a Lambda function ARN"),
            (["--function-arn", "arn:aws:s3:::bucket"], 1, "is not a Lambda function ARN"),
            (["--function-arn", ARN % "ap-south-1"], 1, "Alexa calls skill functions only in"),
            (["--function-arn", ARN % "us-east-1", "--function-arn", ARN % "us-east-1"], 1,
             "two --function-arn for NA"),
            (["--function-arn", ARN % "us-east-1", "--locales", "de-DE"], 1,
             "de-DE is served from EU (eu-west-1)"),
            (["--function-arn", ARN % "us-east-1", "--locales", "xx-YY"], 1,
             "'xx-YY' is not a locale"),
        ]
        if os.geteuid() != 0:  # root writes anywhere
            cases.append((["--function-arn", ARN % "us-east-1", "-o", os.path.join(ro, "p")], 2,
                          "cannot create directory"))
        for args, rc, needle in cases:
            with self.subTest(args=args):
                a = ["skill", self.full] + (["-o", out] if "-o" not in args else []) + args
                r = leec(*a)
                self.assertEqual(r.returncode, rc, r.stdout + r.stderr)
                self.assertIn(needle, r.stderr)
                self.assertFalse(os.path.exists(out))
        f = os.path.join(self.tmp, "file")
        open(f, "w").close()
        r = leec("skill", self.full, "-o", os.path.join(f, "p"), "--function-arn",
                 ARN % "us-east-1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot create directory", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
