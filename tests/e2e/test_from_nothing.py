#!/usr/bin/python3
"""From nothing to a live skill with the installed tool alone (issue 17, "Done when").

`cmake --install` of the build tree into a temporary prefix that is then moved elsewhere;
every command runs in an empty directory with PATH = <prefix>/bin:/usr/bin:/bin and no
LEEC_* variable, so neither the source nor the build tree is in reach. In order, as a user
meets them:

  leec init home --ha-url ... --skill-id ...   a starter repository
  leec validate                                (inside it, no argument: that project)
  leec package leec.yaml                       x86_64, and arm64 when the kit has it
  leec deploy leec.yaml   (twice, against moto_server: the role, the function and the
                           Smart Home permission exist once each after the second run)
  leec skill leec.yaml -o skill                the ARN of the function deploy made
  leec invoke leec.yaml --probe                against the installed HA simulator

moto_server (the AWS API emulator) is optional: without it the deploy and skill steps are
skipped with the reason, the others still run."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_deploy import AWS, MOTO, aws_env  # noqa: E402

SKILL = "amzn1.ask.skill.0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
REGION = "eu-west-1"


class FromNothing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        build = harness.build_dir()
        if not os.path.exists(os.path.join(build, "lib", "leec", "x86_64", "bootstrap.txt")):
            raise unittest.SkipTest("%s has no runtime kit: configure with -DLEEC_LEAN=ON" % build)
        cls.tmp = tempfile.mkdtemp(prefix="leec-nothing-")
        staged = os.path.join(cls.tmp, "staged")
        r = subprocess.run(["cmake", "--install", build, "--prefix", staged],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        cls.prefix = os.path.join(cls.tmp, "elsewhere", "leec")
        os.makedirs(os.path.dirname(cls.prefix))
        shutil.move(staged, cls.prefix)
        cls.bin = os.path.join(cls.prefix, "bin")
        cls.tools = os.path.join(cls.prefix, "share", "leec", "tools")
        cls.empty = os.path.join(cls.tmp, "empty")
        os.makedirs(cls.empty)
        cls.home = os.path.join(cls.empty, "home")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def env(self, **extra):
        e = aws_env()  # fake AWS credentials only, no profile, no retries
        e = {k: v for k, v in e.items() if not k.startswith("LEEC_")}
        e.update(PATH="%s:/usr/bin:/bin" % self.bin, HOME=self.tmp, TMPDIR=self.tmp,
                 LANG="C.UTF-8")
        e.update(extra)
        return e

    def leec(self, *args, cwd=None, timeout=900, **extra):
        r = subprocess.run(["leec"] + list(args), cwd=cwd or self.home, env=self.env(**extra),
                           capture_output=True, text=True, timeout=timeout)
        return r

    def ok(self, *args, **kw):
        r = self.leec(*args, **kw)
        self.assertEqual(r.returncode, 0, "leec %s:\n%s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def start(self, argv):
        p = subprocess.Popen(argv, cwd=self.tmp, env=self.env(), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(p.wait, 30)
        self.addCleanup(p.terminate)
        self.addCleanup(p.stdout.close)
        return p

    def start_moto(self):
        port = harness.free_port()
        p = self.start([MOTO, "-H", "127.0.0.1", "-p", str(port)])
        url = "http://127.0.0.1:%d" % port
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                return url
            except OSError:
                self.assertIsNone(p.poll(), "moto_server exited")
                time.sleep(0.1)
        self.fail("moto_server did not answer")

    def aws(self, url, *args):
        r = subprocess.run([AWS, *args, "--region", REGION, "--endpoint-url", url, "--output",
                            "json"], env=aws_env(), capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else None

    def test_from_nothing_to_a_live_skill(self):
        # 1. a starter repository that validates as written
        self.ok("init", "home", "--ha-url", "https://homeassistant.example.org",
                "--skill-id", SKILL, cwd=self.empty)
        for f in ("leec.yaml", ".pre-commit-config.yaml", "leec.schema.json"):
            self.assertTrue(os.path.exists(os.path.join(self.home, f)), f)
        r = self.ok("validate")
        self.assertIn("valid", r.stderr)

        # 2. the lean zip, both architectures where the kit has them
        self.ok("package", "leec.yaml", "-o", "function.zip")
        with zipfile.ZipFile(os.path.join(self.home, "function.zip")) as z:
            self.assertIn("bootstrap", z.namelist())
        if os.path.exists(os.path.join(self.prefix, "lib", "leec", "arm64", "bootstrap.txt")):
            self.ok("package", "leec.yaml", "-o", "function-arm64.zip", "--arch", "arm64")
        else:
            print("\n  arm64: this install has no arm64 kit (gcc-aarch64-linux-gnu was not "
                  "there at build time): skipped", file=sys.stderr)

        # 3. the probe, locally, against the installed Home Assistant simulator
        sim = self.start(["python3", os.path.join(self.tools, "ha_simulator.py"), "--port", "0"])
        ha = sim.stdout.readline().strip()
        self.assertTrue(ha.startswith("http://127.0.0.1:"), ha)
        r = self.leec("invoke", "leec.yaml", "--probe", "--env", "LEEC_HA_URL=" + ha,
                      LEEC_HA_TOKEN="test-token-good")
        report = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, report)
        for step in ("dns", "tcp", "alexa"):
            self.assertIn(step, report.lower())
        self.assertNotIn("test-token-good", report)

        # 4. deploy twice, then the skill package with the deployed function's ARN
        if not MOTO:
            self.skipTest("moto_server (the AWS API emulator) is not installed: deploy and "
                          "skill are not run against an emulated AWS")
        url = self.start_moto()
        for run in (1, 2):
            r = self.leec("deploy", "leec.yaml", "--region", REGION, "--zip", "function.zip",
                          "--endpoint-url", url, "--aws", AWS, timeout=1500)
            self.assertEqual(r.returncode, 0, "deploy %d:\n%s%s" % (run, r.stdout, r.stderr))
        self.assertNotIn("create-function", r.stderr)  # the second run updates
        roles = [x["RoleName"] for x in self.aws(url, "iam", "list-roles")["Roles"]]
        self.assertEqual(roles.count("leec-alexa-role"), 1)
        fn = self.aws(url, "lambda", "get-function", "--function-name",
                      "leec-alexa")["Configuration"]
        policy = json.loads(self.aws(url, "lambda", "get-policy", "--function-name",
                                     "leec-alexa")["Policy"])
        # one Smart Home statement, for this skill (moto does not keep the EventSourceToken
        # condition; test_deploy.py checks the exact add-permission arguments)
        smart = [s["Sid"] for s in policy["Statement"] if s["Sid"].startswith("alexa-smart-home-")]
        self.assertEqual(smart, ["alexa-smart-home-" + SKILL.split(".")[-1]], policy)
        self.assertIn(fn["FunctionArn"], r.stdout + r.stderr)  # deploy prints the ARN

        self.ok("skill", "leec.yaml", "-o", "skill", "--endpoint-url", url, "--aws", AWS)
        with open(os.path.join(self.home, "skill", "smart-home", "skill-package",
                               "skill.json")) as f:
            self.assertIn(fn["FunctionArn"], f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
