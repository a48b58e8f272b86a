#!/usr/bin/python3
"""Deploy checked by real clients: Makefile.deploy's commands run through Debian's AWS CLI
(/usr/bin/aws, `apt-get install awscli`) against a loopback recorder of the Lambda API
(tests/peers/aws_recorder.py, `--endpoint-url`), so the CLI's own parameter validation
checks every command and its arguments, and the recorder checks each request's SigV4
signature and what arrived. Also: the values are checked before anything runs, the region
table (Makefile LOCALE, docs/deploy.md, the template), and the SAM template generated for
every example project (zip per architecture, memory/timeout from lambda.*, SSM read for every
SSM parameter the project names), cfn-lint-clean when cfn-lint is installed.

Skips (with the reason) only without /usr/bin/aws or python3-yaml."""
import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from aws_recorder import AwsRecorder  # noqa: E402

AWS = "/usr/bin/aws"
SRC = harness.source_dir()
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-0000000000aa"
CUSTOM = "amzn1.ask.skill.00000000-0000-0000-0000-0000000000bb"
ROLE = "arn:aws:iam::123456789012:role/leec"
LOCALES = {"us-east-1": ["en-US", "en-CA", "fr-CA", "es-US", "es-MX", "pt-BR"],
           "eu-west-1": ["en-GB", "en-IN", "de-DE", "es-ES", "fr-FR", "it-IT", "hi-IN"],
           "us-west-2": ["ja-JP", "en-AU"]}


def leec():
    return harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))


def aws_env():
    """Fake credentials only; no profile, no metadata service, no pager."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1")
    return env


def make(*args, aws=AWS, dry=False, build_dir=None):
    env = aws_env()
    if dry:
        env["DRY_RUN"] = "1"
    cmd = ["make", "-s", "-f", "Makefile.deploy", *args, "AWS=" + aws, "LEEC=" + leec()]
    if build_dir:
        cmd.append("BUILD_DIR=" + build_dir)
    return subprocess.run(cmd, cwd=SRC, env=env, capture_output=True, text=True, timeout=300)


def project_files():
    out = []
    for f in sorted(os.listdir(os.path.join(SRC, "examples"))):
        p = os.path.join("examples", f)
        if f.endswith(".yaml"):
            with open(os.path.join(SRC, p)) as fh:
                if any(l.startswith("leec:") for l in fh):
                    out.append(p)
    return out


def facts(project):
    r = subprocess.run([sys.executable, os.path.join(SRC, "examples", "template.py"), "facts",
                        project, "--leec", leec()], cwd=SRC, capture_output=True, text=True,
                       check=True)
    d = dict(kv.split("=", 1) for kv in r.stdout.split())
    return {"memory_mb": int(d["memory_mb"]), "timeout_s": int(d["timeout_s"]),
            "architecture": d["architecture"], "ssm": [x for x in d["ssm"].split(",") if x]}


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(AWS, os.X_OK):
            raise unittest.SkipTest("Debian's AWS CLI is not installed (apt-get install awscli): "
                                    "the deploy commands cannot be checked by the real client")
        cls.tmp = tempfile.mkdtemp(prefix="leec-deploy-")
        cls.zip = os.path.join(cls.tmp, "function.zip")
        with zipfile.ZipFile(cls.zip, "w") as z:
            z.writestr("bootstrap", b"\x7fELF not really")
        with open(cls.zip, "rb") as f:
            cls.zip_bytes = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def recorder(self, **kw):
        rec = AwsRecorder(**kw).start()
        self.addCleanup(rec.stop)
        return rec

    def assert_signed(self, rec):
        for q in rec.requests:
            self.assertTrue(q["verdict"].ok, (q["operation"], q["verdict"]))


class TestDryRunThroughAwsCli(Base):
    def test_every_printed_command_is_accepted(self):
        """DRY_RUN prints both branches; each line runs through the real CLI. Parameter
        validation errors (exit 252) or usage errors (255/2) fail; a service error (254)
        is only allowed where a missing function/statement is the expected answer."""
        for proj, arch in (("examples/leec.yaml", "x86_64"), ("examples/tuned.yaml", "arm64")):
            with self.subTest(project=proj):
                rec = self.recorder(region="us-east-1")
                r = make("deploy", "PROJECT=" + proj, "ARCH=" + arch, "REGION=us-east-1",
                         "SKILL_ID=" + SKILL, "CUSTOM_SKILL_ID=" + CUSTOM, "ROLE_ARN=" + ROLE,
                         "ENVIRONMENT=LEEC_HA_URL=https://ha.example.org,LEEC_HA_TOKEN_SSM=/leec/t",
                         dry=True, build_dir=self.tmp)
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = [l for l in r.stdout.splitlines() if l and not l.startswith("#")]
                self.assertEqual(len(lines), 11, r.stdout)
                subs = []
                for line in lines:
                    argv = shlex.split(line)
                    self.assertEqual(argv[0], AWS, line)
                    subs.append(argv[4])
                    before = len(rec.requests)
                    p = subprocess.run([AWS, "--endpoint-url", rec.url] + argv[1:],
                                       env=aws_env(), capture_output=True, text=True, timeout=120)
                    missing_ok = argv[4] in ("get-function", "remove-permission")
                    self.assertIn(p.returncode, (0, 254) if missing_ok else (0,),
                                  "%s\n%s" % (line, p.stderr))
                    self.assertGreater(len(rec.requests), before, "no request: " + line)
                self.assertEqual(subs, ["get-function", "create-function", "wait",
                                        "update-function-code", "wait",
                                        "update-function-configuration", "wait",
                                        "remove-permission", "remove-permission",
                                        "add-permission", "add-permission"])
                ops = rec.operations()
                for op in ("GetFunction", "CreateFunction", "UpdateFunctionCode",
                           "UpdateFunctionConfiguration", "RemovePermission", "AddPermission"):
                    self.assertIn(op, ops)
                self.assert_signed(rec)
                f = facts(proj)
                create = next(q for q in rec.requests if q["operation"] == "CreateFunction")["body"]
                self.assertEqual(create["MemorySize"], f["memory_mb"])
                self.assertEqual(create["Timeout"], f["timeout_s"])
                self.assertEqual(create["Architectures"], [arch])


class TestDeployThroughAwsCli(Base):
    def deploy(self, rec, *extra):
        return make("deploy", "REGION=eu-west-1", "SKILL_ID=" + SKILL,
                    "CUSTOM_SKILL_ID=" + CUSTOM, "ROLE_ARN=" + ROLE, *extra,
                    aws="%s --endpoint-url %s" % (AWS, rec.url), build_dir=self.tmp)

    def test_create_then_update(self):
        rec = self.recorder(region="eu-west-1")
        r = self.deploy(rec, "PROJECT=examples/tuned.yaml", "ARCH=arm64")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("deployed: arn:aws:lambda:eu-west-1:123456789012:function:leec-alexa",
                      r.stdout)
        ops = rec.operations()
        self.assertEqual(ops[:2], ["GetFunction", "CreateFunction"])
        self.assertNotIn("UpdateFunctionCode", ops)
        c = next(q for q in rec.requests if q["operation"] == "CreateFunction")["body"]
        self.assertEqual(c["Runtime"], "provided.al2023")
        self.assertEqual(c["Handler"], "bootstrap")
        self.assertEqual(c["Architectures"], ["arm64"])
        self.assertEqual(c["MemorySize"], 256)  # examples/tuned.yaml lambda.memory_mb
        self.assertEqual(c["Timeout"], facts("examples/tuned.yaml")["timeout_s"])
        self.assertEqual(c["Role"], ROLE)
        self.assertEqual(base64.b64decode(c["Code"]["ZipFile"]), self.zip_bytes)
        self.assertIn("LEEC_CA_BUNDLE", c["Environment"]["Variables"])
        perms = {q["body"]["StatementId"]: q["body"] for q in rec.requests
                 if q["operation"] == "AddPermission"}
        self.assertEqual(perms["alexa-smart-home"]["Principal"], "alexa-connectedhome.amazon.com")
        self.assertEqual(perms["alexa-smart-home"]["EventSourceToken"], SKILL)
        self.assertEqual(perms["alexa-custom-skill"]["Principal"], "alexa-appkit.amazon.com")
        self.assertEqual(perms["alexa-custom-skill"]["EventSourceToken"], CUSTOM)
        for p in perms.values():
            self.assertEqual(p["Action"], "lambda:InvokeFunction")

        # second run: the function exists, so code then configuration are updated
        n = len(rec.requests)
        r = self.deploy(rec, "PROJECT=examples/tuned.yaml", "ARCH=arm64")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        ops = rec.operations()[n:]
        self.assertEqual(ops[0], "GetFunction")
        self.assertLess(ops.index("UpdateFunctionCode"), ops.index("UpdateFunctionConfiguration"))
        self.assertNotIn("CreateFunction", ops)
        self.assertEqual(ops.count("RemovePermission"), 2)
        self.assertEqual(ops.count("AddPermission"), 2)
        conf = next(q for q in rec.requests[n:]
                    if q["operation"] == "UpdateFunctionConfiguration")["body"]
        self.assertEqual(conf["MemorySize"], 256)
        self.assertEqual(conf["Runtime"], "provided.al2023")
        self.assert_signed(rec)

    def test_values_checked_before_anything_runs(self):
        rec = self.recorder()
        bad = [("SKILL_ID=amzn1.ask.skill.sh", "SKILL_ID"),
               ("CUSTOM_SKILL_ID=skill", "CUSTOM_SKILL_ID"),
               ("ROLE_ARN=arn:aws:iam::1234:role/leec", "ROLE_ARN"),
               ("ROLE_ARN=arn:aws:iam::123456789012:user/leec", "ROLE_ARN"),
               ("REGION=us-east-2", "REGION"),
               ("LOCALE=fr-CA", "LOCALE"),  # served from us-east-1, REGION says eu-west-1
               ("LOCALE=xx-XX", "LOCALE"),
               ("MEMORY=64", "MEMORY"),
               ("TIMEOUT=901", "TIMEOUT"),
               ("FUNCTION=a b", "FUNCTION"),
               ("PROJECT=examples/tuned.yaml", "ARCH=arm64")]  # arm64 project, default ARCH
        for arg, word in bad:
            with self.subTest(arg=arg):
                r = self.deploy(rec, arg)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(word, r.stderr)
                self.assertEqual(rec.requests, [])
        r = make("deploy", "SKILL_ID=" + SKILL, dry=True, build_dir=self.tmp)  # no ROLE_ARN
        self.assertEqual(r.returncode, 2)
        self.assertIn("ROLE_ARN is required", r.stderr)


class TestRegions(Base):
    def test_locale_picks_the_region(self):
        """Every locale through the Makefile's table; one full DRY_RUN deploy per region."""
        for region, locales in LOCALES.items():
            for loc in locales:
                with self.subTest(locale=loc):
                    r = subprocess.run(["make", "-s", "-f", "Makefile.deploy", "--eval",
                                        "print-region: ; @echo $(REGION)", "print-region",
                                        "LOCALE=" + loc], cwd=SRC, capture_output=True,
                                       text=True, timeout=120)
                    self.assertEqual(r.stdout.strip(), region, r.stderr)
            with self.subTest(region=region):
                r = make("deploy", "LOCALE=" + locales[-1], "SKILL_ID=" + SKILL,
                         "ROLE_ARN=" + ROLE, "LOGGING_CONFIG=no", dry=True, build_dir=self.tmp)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("--region %s " % region, r.stdout)

    def test_docs_and_template_say_the_same(self):
        with open(os.path.join(SRC, "docs", "deploy.md")) as f:
            doc = f.read()
        rows = {}
        for line in doc.splitlines():
            m = re.match(r"^\|(.*)\|\s*`(us-east-1|eu-west-1|us-west-2)`", line)
            if m:
                rows[m.group(2)] = set(re.findall(r"`([a-z]{2}-[A-Z]{2})`", m.group(1)))
        self.assertEqual(rows, {r: set(l) for r, l in LOCALES.items()})
        with open(os.path.join(SRC, "examples", "template.yaml")) as f:
            text = f.read()
        desc = text[text.index("  Region:"):text.index("  SmartHomeSkillId:")]
        for region, locales in LOCALES.items():
            part = desc[desc.index(region):]
            nxt = min([part.index(r, 1) for r in LOCALES if r != region and r in part[1:]]
                      or [len(part)])
            self.assertEqual(set(re.findall(r"[a-z]{2}-[A-Z]{2}", part[:nxt])), set(locales),
                             region)


class TestGeneratedTemplate(Base):
    def load(self, path):
        import test_template
        with open(path) as f:
            import yaml
            return yaml.load(f, Loader=test_template.CfnLoader)

    def test_template_follows_each_project(self):
        import test_template
        for proj in project_files():
            f = facts(proj)
            arch = f["architecture"]
            with self.subTest(project=proj, arch=arch):
                bdir = os.path.join(self.tmp, "t", arch)
                r = make("template", "PROJECT=" + proj, "ARCH=" + arch, build_dir=bdir)
                self.assertEqual(r.returncode, 0, r.stderr)
                out = os.path.join(bdir, "template.yaml")
                t = self.load(out)
                fn = t["Resources"]["Function"]["Properties"]
                self.assertEqual(os.path.normpath(os.path.join(bdir, fn["CodeUri"])),
                                 os.path.join(bdir, "function.zip"))
                self.assertEqual(fn["Architectures"], [arch])
                self.assertEqual(fn["MemorySize"], f["memory_mb"])
                self.assertEqual(fn["Timeout"], f["timeout_s"])
                policy = t["Resources"]["FunctionRole"]["Properties"]["Policies"][0]
                stmts = [s for _, s in test_template.statements(policy["PolicyDocument"])]
                ssm_res = []
                for s in stmts:
                    if s["Action"] == "ssm:GetParameter" and s["Sid"] != "TheOneTokenParameter":
                        res = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
                        ssm_res += [test_template.sub_text(x) for x in res]
                want = ["arn:${AWS::Partition}:ssm:${Region}:${AWS::AccountId}:parameter/"
                        + n.lstrip("/") for n in f["ssm"]]
                self.assertEqual(ssm_res, want)
                kms = [s for s in stmts if s["Action"] == "kms:Decrypt"
                       and s["Sid"] != "DecryptThroughSsmOnly"]
                self.assertEqual(len(kms), 1 if f["ssm"] else 0)
                for s in kms:
                    self.assertEqual(test_template.sub_text(
                        s["Condition"]["StringEquals"]["kms:ViaService"]),
                        "ssm.${Region}.amazonaws.com")
        self.assertIn("examples/full.yaml", project_files())
        self.assertEqual(facts("examples/full.yaml")["ssm"],
                         ["/leec/home_assistant/token", "/leec/cloudflare/client_secret"])

    def test_committed_template_is_the_generated_one(self):
        """examples/template.yaml = what the generator makes for examples/leec.yaml on x86_64
        (apart from its header and the zip path relative to it)."""
        out = os.path.join(self.tmp, "gen", "template.yaml")
        zip_path = os.path.join(SRC, "build-deploy", "x86_64", "function.zip")
        subprocess.run([sys.executable, os.path.join(SRC, "examples", "template.py"), "template",
                        "examples/leec.yaml", "--arch", "x86_64", "--zip", zip_path, "-o", out,
                        "--leec", leec()], cwd=SRC, check=True, capture_output=True)
        with open(out) as f:
            gen = [l for l in f.read().splitlines() if not l.startswith("# Generated by")
                   and not l.startswith("# regenerate with")]
        with open(os.path.join(SRC, "examples", "template.yaml")) as f:
            base = f.read().splitlines()
        code = [i for i, l in enumerate(gen) if l.startswith("      CodeUri: ")]
        self.assertEqual(len(code), 1)
        uri = gen[code[0]].split(": ", 1)[1]
        self.assertEqual(os.path.normpath(os.path.join(os.path.dirname(out), uri)), zip_path)
        gen[code[0]] = "      CodeUri: ../build-deploy/x86_64/function.zip"
        gen = [l.replace("# leec: SSM parameters of the project file (none)",
                         "# leec: SSM parameters of the project file") for l in gen]
        self.assertEqual(gen, base)

    def test_cfn_lint(self):
        tool = shutil.which("cfn-lint")
        if not tool:
            self.skipTest("cfn-lint not installed (no Debian 12 package; not checked)")
        paths = [os.path.join(SRC, "examples", "template.yaml")]
        for proj, arch in (("examples/full.yaml", "x86_64"), ("examples/tuned.yaml", "arm64")):
            bdir = os.path.join(self.tmp, "lint", arch + proj.replace("/", "_"))
            self.assertEqual(make("template", "PROJECT=" + proj, "ARCH=" + arch,
                                  build_dir=bdir).returncode, 0)
            paths.append(os.path.join(bdir, "template.yaml"))
        r = subprocess.run([tool] + paths, capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
