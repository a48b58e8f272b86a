#!/usr/bin/python3
"""leec deploy and leec probe checked by real clients.

- Against a loopback recorder of the Lambda API (tests/peers/aws_recorder.py, which checks
  every request's SigV4 signature): the exact arguments `leec deploy` gives the AWS CLI, run by
  Debian's /usr/bin/aws and by the pyenv aws when it is another version (v1 and v2), create
  then update (nothing duplicated), LoggingConfig set exactly when the CLI knows it (no pipe
  race), every line of `Makefile.deploy deploy DRY_RUN=1` accepted by the real CLI, a failure
  half-way (what exists, re-run resumes), `leec probe`'s invoke and report.
- Against moto (test_deploy_moto.py): `leec deploy` twice with a token from the environment: role, policy (exactly the project's
  SSM parameters), function, permissions and the SSM SecureString exist afterwards, the second
  run creates nothing; the token is in no spawned argv and no output.
- Bad input, each with its message and no AWS request: no credentials, malformed or missing
  skill ID, unknown region, a region Alexa does not use, one serving none of the project's
  languages, no region at all, AWS CLI missing, zip missing.
- The region table (leec's facts alexa.regions) = docs/deploy.md = the template's text; the SAM
  template generated for every example project (zip per architecture, memory/timeout from
  lambda.*, SSM read for every SSM parameter the project names), cfn-lint-clean when cfn-lint
  is installed.

The function zip is a tiny valid zip (a `bootstrap` entry), not a packaged bootstrap: neither
the recorder nor moto runs it (moto would need docker). Skips (with the reason) only without
/usr/bin/aws or python3-yaml."""
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
PYENV_AWS = "/root/.pyenv/shims/aws"
MOTO = shutil.which("moto_server") or (
    "/root/.pyenv/shims/moto_server" if os.access("/root/.pyenv/shims/moto_server", os.X_OK)
    else None)
SRC = harness.source_dir()
ROLE = "arn:aws:iam::123456789012:role/leec"
TUNED_SKILL = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
FULL_SKILL = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
TOKEN = "probe-Tok3n-never-on-argv-5f1e"


def leec():
    return harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))


def aws_env(creds=True, region=None):
    """Fake credentials only; no profile, no metadata service, no pager, no retries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1",
               AWS_RETRY_MODE="standard")
    if creds:
        env.update(AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret")
    if region:
        env["AWS_DEFAULT_REGION"] = region
    return env


def clis():
    """Debian's AWS CLI, and the pyenv one when it is another version."""
    out = [AWS]
    if os.access(PYENV_AWS, os.X_OK):
        v1 = subprocess.run([AWS, "--version"], capture_output=True, text=True).stdout
        v2 = subprocess.run([PYENV_AWS, "--version"], capture_output=True, text=True,
                            env=aws_env()).stdout
        if v1.split()[:1] != v2.split()[:1]:
            out.append(PYENV_AWS)
    return out


def knows_logging_config(cli):
    r = subprocess.run([cli, "lambda", "create-function", "--generate-cli-skeleton"],
                       capture_output=True, text=True, env=aws_env())
    return '"LoggingConfig"' in r.stdout


def run_leec(*args, env=None, input=None, cwd=None):
    return subprocess.run([leec(), *args], cwd=cwd or SRC, env=env or aws_env(),
                          capture_output=True, text=True, timeout=600, input=input)


def make(*args, env=None, build_dir=None):
    cmd = ["make", "-s", "-f", "Makefile.deploy", *args, "LEEC=" + leec()]
    if build_dir:
        cmd.append("BUILD_DIR=" + build_dir)
    return subprocess.run(cmd, cwd=SRC, env=env or aws_env(), capture_output=True, text=True,
                          timeout=600)


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


def leec_facts(project):
    r = run_leec("--format", "json", "explain", project)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


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

    def project(self, text, name="leec.yaml"):
        d = tempfile.mkdtemp(dir=self.tmp)
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        return p


class TestDeployThroughRecorder(Base):
    def deploy(self, rec, cli, *extra, project="examples/tuned.yaml"):
        # --no-alarms: the recorder speaks the Lambda API only (alarms: test_deploy_moto.py)
        return run_leec("deploy", project, "--region", "eu-west-1", "--role", ROLE,
                        "--zip", self.zip, "--endpoint-url", rec.url, "--aws", cli,
                        "--no-alarms", *extra)

    def test_create_then_update(self):
        for cli in clis():
            with self.subTest(cli=cli):
                rec = self.recorder(region="eu-west-1")
                r = self.deploy(rec, cli)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("deployed: arn:aws:lambda:eu-west-1:123456789012:function:"
                              "leec-alexa", r.stdout)
                self.assertIn("leec probe leec-alexa --region eu-west-1", r.stdout)
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
                self.assertEqual(c["Environment"], {"Variables": {}})
                # LoggingConfig exactly when this CLI knows it, every time (no pipe race)
                if knows_logging_config(cli):
                    self.assertEqual(c["LoggingConfig"], {"LogFormat": "JSON",
                                                          "ApplicationLogLevel": "INFO",
                                                          "SystemLogLevel": "WARN"})
                else:
                    self.assertNotIn("LoggingConfig", c)
                    self.assertIn("cannot set Lambda's LoggingConfig", r.stderr)
                perms = {q["body"]["StatementId"]: q["body"] for q in rec.requests
                         if q["operation"] == "AddPermission"}
                uuid = TUNED_SKILL.split(".")[-1]
                sh, cu = "alexa-smart-home-" + uuid, "alexa-custom-skill-" + uuid
                self.assertEqual(set(perms), {sh, cu})
                self.assertEqual(perms[sh]["Principal"], "alexa-connectedhome.amazon.com")
                self.assertEqual(perms[sh]["EventSourceToken"], TUNED_SKILL)
                self.assertEqual(perms[cu]["Principal"], "alexa-appkit.amazon.com")
                self.assertEqual(perms[cu]["EventSourceToken"], TUNED_SKILL)
                for p in perms.values():
                    self.assertEqual(p["Action"], "lambda:InvokeFunction")

                # second run: code then configuration updated, nothing added or removed
                n = len(rec.requests)
                r = self.deploy(rec, cli, "--env", "LEEC_HA_URL=https://ha.example.org")
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                ops = rec.operations()[n:]
                self.assertEqual(ops[0], "GetFunction")
                self.assertLess(ops.index("UpdateFunctionCode"),
                                ops.index("UpdateFunctionConfiguration"))
                for op in ("CreateFunction", "AddPermission", "RemovePermission"):
                    self.assertNotIn(op, ops)
                self.assertIn("GetPolicy", ops)
                conf = next(q for q in rec.requests[n:]
                            if q["operation"] == "UpdateFunctionConfiguration")["body"]
                self.assertEqual(conf["MemorySize"], 256)
                self.assertEqual(conf["Runtime"], "provided.al2023")
                self.assertEqual(conf["Environment"],
                                 {"Variables": {"LEEC_HA_URL": "https://ha.example.org"}})
                self.assert_signed(rec)

    def test_failure_half_way_then_resume(self):
        rec = self.recorder(region="eu-west-1")
        rec.fail = {"AddPermission"}
        r = self.deploy(rec, AWS)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("adding an invoke permission failed", r.stderr)
        self.assertIn("what exists now", r.stderr)
        self.assertIn("Lambda function leec-alexa (created now)", r.stderr)
        self.assertIn("run the same command again", r.stderr)
        rec.fail = set()
        n = len(rec.requests)
        r = self.deploy(rec, AWS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        ops = rec.operations()[n:]
        self.assertNotIn("CreateFunction", ops)
        self.assertEqual(ops.count("AddPermission"), 2)

    def test_makefile_dry_run_lines_accepted_by_the_cli(self):
        """Makefile.deploy deploy calls leec deploy; each printed command runs through the
        real CLI against the recorder (its parameter validation: exit 252/255 fail)."""
        rec = self.recorder(region="us-east-1")
        r = make("deploy", "PROJECT=examples/leec.yaml", "REGION=us-east-1",
                 "ROLE_ARN=" + ROLE, "DRY_RUN=1", "AWS=" + AWS,
                 "ENVIRONMENT=LEEC_HA_URL=https://ha.example.org,LEEC_X=1",
                 build_dir=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [l for l in r.stdout.splitlines() if l.startswith(AWS + " lambda ")]
        others = {shlex.split(l)[1] for l in r.stdout.splitlines()
                  if l.startswith(AWS + " ") and not l.startswith(AWS + " lambda ")}
        self.assertEqual(others, {"logs", "cloudwatch", "events"})  # run against moto instead
        subs = [shlex.split(l)[2] for l in lines]
        self.assertEqual(subs, ["get-function", "create-function", "wait", "wait",
                                "update-function-code", "wait",
                                "update-function-configuration", "wait", "get-policy",
                                "add-permission", "add-permission", "add-permission"])
        self.assertIn("'{\"Variables\":{\"LEEC_HA_URL\":\"https://ha.example.org\",\"LEEC_X\":\"1\"}}'",
                      r.stdout)
        for line in lines:
            argv = shlex.split(line)
            argv = [a.replace("fileb://build-deploy", "fileb://" + self.tmp) for a in argv]
            argv = ["fileb://" + self.zip if a.startswith("fileb://") else a for a in argv]
            before = len(rec.requests)
            p = subprocess.run(argv + ["--endpoint-url", rec.url], env=aws_env(),
                               capture_output=True, text=True, timeout=120)
            missing_ok = argv[2] in ("get-function", "get-policy")
            self.assertIn(p.returncode, (0, 254) if missing_ok else (0,),
                          "%s\n%s" % (line, p.stderr))
            self.assertGreater(len(rec.requests), before, "no request: " + line)
        self.assert_signed(rec)

    def test_probe_invokes_and_reports(self):
        rec = self.recorder(region="eu-west-1", function_exists=True)
        answer = {"leec_probe": 1, "ok": False, "url": "https://ha.example.org",
                  "checks": [{"check": "dns", "ok": True, "ms": 3,
                              "finding": "ha.example.org resolves to 192.0.2.1"},
                             {"check": "tcp", "ok": False, "ms": 3000,
                              "finding": "no connection to 192.0.2.1 port 443: timed out"}],
                  "remedy": "Home Assistant is not reachable from the internet on port 443"}
        rec.invoke_answer = json.dumps(answer).encode()
        for cli in clis():
            with self.subTest(cli=cli):
                n = len(rec.requests)
                r = run_leec("probe", "leec-alexa", "--region", "eu-west-1", "--endpoint-url",
                             rec.url, "--aws", cli)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                inv = [q for q in rec.requests[n:] if q["operation"] == "Invoke"]
                self.assertEqual(len(inv), 1)
                self.assertEqual(inv[0]["body"], {"leec_probe": True})
                self.assertRegex(r.stdout, r"ok +dns +3 ms  ha.example.org resolves")
                self.assertRegex(r.stdout, r"FAIL +tcp +3000 ms")
                self.assertIn("what to do: Home Assistant is not reachable", r.stdout)
        answer.update(ok=True, checks=answer["checks"][:1])
        del answer["remedy"]
        rec.invoke_answer = json.dumps(answer).encode()
        r = run_leec("probe", "leec-alexa", "--region", "eu-west-1", "--endpoint-url", rec.url,
                     "--aws", AWS)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("all checks passed", r.stdout)
        rec.invoke_answer = b'{"errorMessage": "x"}'
        r = run_leec("probe", "leec-alexa", "--region", "eu-west-1", "--endpoint-url", rec.url,
                     "--aws", AWS)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a probe answer", r.stdout)
        self.assert_signed(rec)


class TestBadInput(Base):
    """Every refusal says what to do, and no AWS request is made before it."""

    MIN = ("leec: 1\npreset: ultra_conservative\nfeatures: minimal\nhome_assistant:\n"
           "  url: https://ha.example.org\n  token:\n    mode: account_linking\n")

    def check(self, args, word, code=2, env=None, rec=None):
        rec = rec or self.recorder()
        r = run_leec("deploy", *args, "--zip", self.zip, "--endpoint-url", rec.url,
                     env=env or aws_env())
        self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        self.assertIn(word, r.stderr)
        self.assertEqual(rec.requests, [])
        return r

    def test_messages(self):
        full = "examples/full.yaml"
        self.check([full, "--region", "mars-1"], "unknown region 'mars-1'")
        self.check([full, "--region", "us-east-2"], "Alexa calls Lambda only in us-east-1, "
                   "eu-west-1 or us-west-2")
        # every region serves en (which the schema requires); another language gets a note
        de = self.project(self.MIN + "alexa:\n  skill_ids: [%s]\n  languages: [en, de]\n"
                          % FULL_SKILL)
        r = run_leec("deploy", de, "--region", "us-west-2", "--role", ROLE, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("does not serve language de from us-west-2", r.stderr)
        r = run_leec("deploy", de, "--region", "eu-west-1", "--role", ROLE, "--dry-run")
        self.assertNotIn("does not serve", r.stderr)
        r = self.check([full], "no region: pass --region", env=aws_env())
        self.assertIn("aws configure set region", r.stderr)
        self.check([full, "--locale", "xx-XX"], "not an Alexa locale")
        self.check([full, "--locale", "ja-JP", "--region", "eu-west-1"], "served from us-west-2")
        self.check([full, "--region", "eu-west-1", "--aws", "/nonexistent/aws"],
                   "is not installed: apt-get install awscli")
        r = run_leec("deploy", full, "--region", "eu-west-1", "--zip", "/nonexistent.zip")
        self.assertEqual(r.returncode, 2)
        self.assertIn("build it first (leec package", r.stderr)
        self.check([full, "--region", "eu-west-1", "--role", "arn:aws:iam::1234:role/x"],
                   "not an IAM role ARN")
        self.check([full, "--region", "eu-west-1", "--function", "a b"], "--function 'a b'")
        # the token: only where the project reads one from SSM, never empty
        self.check(["examples/tuned.yaml", "--region", "eu-west-1", "--ssm-token-stdin"],
                   "reads no token from SSM")
        env = aws_env()
        env["EMPTY_TOKEN"] = ""
        self.check([full, "--region", "eu-west-1", "--ssm-token-from-env", "EMPTY_TOKEN"],
                   "empty or unset", env=env)

    def test_dry_run_masks_the_token(self):
        env = aws_env()
        env["HA_TOKEN_FOR_SSM"] = TOKEN
        r = run_leec("deploy", "examples/full.yaml", "--region", "eu-west-1", "--dry-run",
                     "--ssm-token-from-env", "HA_TOKEN_FOR_SSM", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("put-parameter --cli-input-json 'file://<0600 temp file", r.stdout)
        self.assertIn("Value ****", r.stdout)
        self.assertNotIn(TOKEN, r.stdout + r.stderr)
        r = run_leec("deploy", "examples/full.yaml", "--region", "eu-west-1", "--dry-run",
                     "--ssm-token-stdin", input=TOKEN + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(TOKEN, r.stdout + r.stderr)
        r = run_leec("deploy", "examples/full.yaml", "--region", "eu-west-1", "--dry-run",
                     "--ssm-token-stdin", input="two words\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("spaces or control characters", r.stderr)

    def test_skill_ids(self):
        bad = self.project(self.MIN + "alexa:\n  skill_ids: [amzn1.ask.skill.NOT-A-UUID]\n")
        r = self.check([bad, "--region", "eu-west-1"], "amzn1.ask.skill.<uuid>", code=1)
        self.assertIn("skill_ids", r.stderr)
        # no skill yet: the function may come first (its ARN goes into the new skill); no
        # Alexa permission is added, and the next step says to add the ID and deploy again
        none = self.project(self.MIN)
        r = run_leec("deploy", none, "--region", "eu-west-1", "--role", ROLE, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("names no skill yet", r.stderr)
        self.assertNotIn("--principal alexa", r.stdout)
        self.assertIn("put its ID into alexa.skill_ids", r.stdout)

    def test_no_credentials(self):
        rec = self.recorder(region="eu-west-1")
        r = run_leec("deploy", "examples/tuned.yaml", "--region", "eu-west-1", "--role", ROLE,
                     "--zip", self.zip, "--endpoint-url", rec.url, "--no-alarms",
                     env=aws_env(creds=False))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no AWS credentials: run `aws configure`", r.stderr)
        self.assertIn("nothing was created or changed by this run", r.stderr)
        self.assertEqual(rec.requests, [])


class TestRegions(Base):
    def test_docs_and_template_say_what_leec_says(self):
        table = {r["region"]: set(r["locales"])
                 for r in leec_facts("examples/leec.yaml")["alexa"]["regions"]}
        self.assertEqual(set(table), {"us-east-1", "eu-west-1", "us-west-2"})
        with open(os.path.join(SRC, "docs", "deploy.md")) as f:
            doc = f.read()
        rows = {}
        for line in doc.splitlines():
            m = re.match(r"^\|(.*)\|\s*`(us-east-1|eu-west-1|us-west-2)`", line)
            if m:
                rows[m.group(2)] = set(re.findall(r"`([a-z]{2}-[A-Z]{2})`", m.group(1)))
        self.assertEqual(rows, table)
        with open(os.path.join(SRC, "examples", "template.yaml")) as f:
            text = f.read()
        desc = text[text.index("  Region:"):text.index("  SmartHomeSkillId:")]
        for region, locales in table.items():
            part = desc[desc.index(region):]
            nxt = min([part.index(r, 1) for r in table if r != region and r in part[1:]]
                      or [len(part)])
            self.assertEqual(set(re.findall(r"[a-z]{2}-[A-Z]{2}", part[:nxt])), locales,
                             region)

    def test_locale_picks_the_region(self):
        for r in leec_facts("examples/leec.yaml")["alexa"]["regions"]:
            for loc in r["locales"]:
                with self.subTest(locale=loc):
                    p = run_leec("deploy", "examples/leec.yaml", "--locale", loc, "--role", ROLE,
                                 "--dry-run")
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertIn("--region %s " % r["region"], p.stdout)


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
                # the function watches itself: alarms from the compiled metric set
                lf = leec_facts(proj)
                res = t["Resources"]
                names = [m["name"] for m in lf["metrics"]["names"]]
                self.assertEqual("HomeAssistantAlarm" in res, "BreakerOpen" in names)
                if "HomeAssistantAlarm" in res:
                    ha = res["HomeAssistantAlarm"]["Properties"]
                    self.assertEqual(ha["Namespace"], lf["metrics"]["namespace"])
                    self.assertIn(ha["MetricName"], names)
                self.assertEqual(res["ErrorsAlarm"]["Properties"]["MetricName"], "Errors")
                params = t["Parameters"]
                self.assertEqual(params["AlarmEmail"]["Default"],
                                 lf["alarms"].get("email", ""))
                self.assertEqual(params["Alarms"]["Default"],
                                 "true" if lf["alarms"]["enabled"] else "false")
                rule = res["ProbeSchedule"]["Properties"]
                self.assertEqual(rule["ScheduleExpression"], "rate(1 hour)")
                self.assertEqual(json.loads(rule["Targets"][0]["Input"]),
                                 {"leec_probe": True, "scheduled": True})
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
