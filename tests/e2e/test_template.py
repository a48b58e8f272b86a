#!/usr/bin/python3
"""Structure of examples/template.yaml (SAM / CloudFormation), parsed with python3-yaml and a
loader that understands CloudFormation's short tags (!Ref, !Sub, !If, !GetAtt, ...), and of the
command sequence `DRY_RUN=1 make -f Makefile.deploy deploy` prints."""
import os
import shlex
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover
    raise unittest.SkipTest("python3-yaml not installed (bash .ci/deps)")

TEMPLATE = os.path.join(harness.source_dir(), "examples", "template.yaml")
INTRINSICS = ("Ref", "Sub", "If", "GetAtt", "Equals", "Not", "And", "Or", "Join", "Select",
              "Split", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs", "Condition")


class CfnLoader(yaml.SafeLoader):
    pass


def _tag(name):
    key = name if name in ("Ref", "Condition") else "Fn::" + name

    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            v = loader.construct_scalar(node)
            if name == "GetAtt":
                v = v.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            v = loader.construct_sequence(node, deep=True)
        else:
            v = loader.construct_mapping(node, deep=True)
        return {key: v}
    return construct


for _n in INTRINSICS:
    CfnLoader.add_constructor("!" + _n, _tag(_n))


def load():
    with open(TEMPLATE) as f:
        return yaml.load(f, Loader=CfnLoader)


def walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def statements(policy_doc):
    """Policy statements, with !If [cond, stmt, AWS::NoValue] unwrapped."""
    out = []
    for s in policy_doc["Statement"]:
        if isinstance(s, dict) and "Fn::If" in s:
            cond, yes, no = s["Fn::If"]
            for branch in (yes, no):
                if branch != {"Ref": "AWS::NoValue"}:
                    out.append((cond, branch))
        else:
            out.append((None, s))
    return out


def sub_text(v):
    if isinstance(v, dict) and "Fn::Sub" in v:
        return v["Fn::Sub"] if isinstance(v["Fn::Sub"], str) else v["Fn::Sub"][0]
    return v


class TestTemplate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = load()
        cls.res = cls.t["Resources"]

    def by_type(self, typ):
        return {k: v for k, v in self.res.items() if v["Type"] == typ}

    def test_valid_and_parameters(self):
        self.assertEqual(self.t["AWSTemplateFormatVersion"], "2010-09-09")
        params = self.t["Parameters"]
        for p in ("SmartHomeSkillId", "CustomSkillId", "Region", "TokenParameterName"):
            self.assertIn(p, params)
        # the architecture is fixed with the zip it names (CodeUri), never a free parameter
        self.assertNotIn("Architecture", params)
        self.assertEqual(sorted(params["Region"]["AllowedValues"]),
                         ["eu-west-1", "us-east-1", "us-west-2"])
        # every !Ref / !If condition points at something defined
        names = set(params) | set(self.res) | {"AWS::NoValue", "AWS::Region", "AWS::AccountId",
                                                "AWS::Partition", "AWS::StackName"}
        conds = set(self.t.get("Conditions", {}))
        for path, node in walk(self.t):
            if isinstance(node, dict) and "Ref" in node and isinstance(node["Ref"], str):
                self.assertIn(node["Ref"], names, path)
            if isinstance(node, dict) and "Fn::If" in node:
                self.assertIn(node["Fn::If"][0], conds, path)
            if isinstance(node, dict) and node.get("Condition") and path and path[-1] != "Condition":
                if isinstance(node["Condition"], str) and "Type" in node:
                    self.assertIn(node["Condition"], conds, path)

    def test_function(self):
        fns = self.by_type("AWS::Serverless::Function") or self.by_type("AWS::Lambda::Function")
        self.assertEqual(len(fns), 1)
        p = next(iter(fns.values()))["Properties"]
        self.assertEqual(p["Runtime"], "provided.al2023")
        self.assertEqual(p["Handler"], "bootstrap")
        self.assertEqual(p["MemorySize"], 128)
        self.assertGreaterEqual(p["Timeout"], 8)
        self.assertEqual(p["Architectures"], ["x86_64"])
        self.assertEqual(p["CodeUri"], "../build-deploy/x86_64/function.zip")
        self.assertEqual(p["Role"], {"Fn::GetAtt": ["FunctionRole", "Arn"]})

    def test_alexa_permissions(self):
        perms = self.by_type("AWS::Lambda::Permission")
        by_principal = {v["Properties"]["Principal"]: v for v in perms.values()}
        self.assertEqual(set(by_principal), {"alexa-connectedhome.amazon.com",
                                             "alexa-appkit.amazon.com", "events.amazonaws.com"})
        # the hourly probe: only its own rule may invoke
        probe = by_principal["events.amazonaws.com"]
        self.assertEqual(probe["Properties"]["SourceArn"], {"Fn::GetAtt": ["ProbeSchedule", "Arn"]})
        self.assertEqual(probe.get("Condition"), "HasAlarms")
        sh = by_principal["alexa-connectedhome.amazon.com"]
        self.assertEqual(sh["Properties"]["EventSourceToken"], {"Ref": "SmartHomeSkillId"})
        self.assertNotIn("Condition", sh)  # the Smart Home trigger is always there
        custom = by_principal["alexa-appkit.amazon.com"]
        self.assertEqual(custom["Properties"]["EventSourceToken"], {"Ref": "CustomSkillId"})
        self.assertEqual(custom.get("Condition"), "HasCustomSkill")
        for v in perms.values():
            self.assertEqual(v["Properties"]["Action"], "lambda:InvokeFunction")
            # never an open trigger
            self.assertTrue("EventSourceToken" in v["Properties"] or "SourceArn" in v["Properties"])

    def test_least_privilege_role(self):
        roles = self.by_type("AWS::IAM::Role")
        self.assertEqual(len(roles), 1)
        props = next(iter(roles.values()))["Properties"]
        self.assertNotIn("ManagedPolicyArns", props)
        trust = props["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual([s["Principal"] for s in trust], [{"Service": "lambda.amazonaws.com"}])
        stmts = [st for pol in props["Policies"] for st in statements(pol["PolicyDocument"])]
        actions = {}
        for cond, s in stmts:
            self.assertEqual(s["Effect"], "Allow")
            acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            for a in acts:
                self.assertNotIn("*", a, "wildcard action %s" % a)
                actions[a] = (cond, s)
        self.assertEqual(set(actions), {"logs:CreateLogStream", "logs:PutLogEvents",
                                        "ssm:GetParameter", "kms:Decrypt"})
        for a in ("logs:CreateLogStream", "logs:PutLogEvents"):
            r = sub_text(actions[a][1]["Resource"])
            self.assertRegex(r, r":logs:\$\{Region\}:\$\{AWS::AccountId\}:log-group:"
                                r"/aws/lambda/\$\{FunctionName\}:\*$")
        cond, s = actions["ssm:GetParameter"]
        self.assertEqual(cond, "HasToken")
        self.assertRegex(sub_text(s["Resource"]), r":ssm:\$\{Region\}:\$\{AWS::AccountId\}:"
                                                   r"parameter/\$\{TokenParameterName\}$")
        cond, s = actions["kms:Decrypt"]
        self.assertEqual(cond, "HasToken")
        self.assertEqual(sub_text(s["Condition"]["StringEquals"]["kms:ViaService"]),
                         "ssm.${Region}.amazonaws.com")
        # "*" only where unavoidable: the KMS key ID (scoped by kms:ViaService) and log streams
        for cond, s in stmts:
            res = sub_text(s["Resource"])
            self.assertNotEqual(res, "*")
            if "*" in res:
                self.assertTrue(res.endswith(":key/*") and "Condition" in s
                                or res.endswith("${FunctionName}:*"), res)

    def test_environment(self):
        fn = next(iter((self.by_type("AWS::Serverless::Function")).values()))["Properties"]
        env = fn["Environment"]["Variables"]
        self.assertEqual(env["LEEC_HA_TOKEN_SSM"]["Fn::If"][0], "HasToken")
        self.assertEqual(fn["LoggingConfig"]["LogFormat"], "JSON")


class TestDeployDryRun(unittest.TestCase):
    def test_command_sequence(self):
        """Makefile.deploy deploy = leec deploy: the printed AWS commands (DRY_RUN)."""
        leec = os.path.join(harness.build_dir(), "compiler", "leec")
        harness.require_file(leec)
        env = dict(os.environ, DRY_RUN="1")
        r = subprocess.run(["make", "-s", "-f", "Makefile.deploy", "deploy", "REGION=us-east-1",
                            "FUNCTION=leec-test", "ARCH=arm64", "LEEC=" + leec,
                            "ROLE_ARN=arn:aws:iam::123456789012:role/leec",
                            "ENVIRONMENT=LEEC_HA_URL=https://ha.example.org,LEEC_HA_TOKEN_SSM=/leec/t",
                            "BUILD_DIR=/nonexistent/deploy"],
                           cwd=harness.source_dir(), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        cmds = [shlex.split(l) for l in r.stdout.decode().splitlines() if l.startswith("aws ")]
        lam = [c for c in cmds if c[1] == "lambda"]
        subs = [c[2] for c in lam]
        self.assertEqual(subs, ["get-function", "create-function", "wait", "wait",
                                "update-function-code", "wait", "update-function-configuration",
                                "wait", "get-policy", "add-permission", "add-permission",
                                "add-permission"])
        for c in cmds:
            self.assertEqual(c[c.index("--region") + 1], "us-east-1")

        def opt(c, name):
            return c[c.index(name) + 1]
        create = lam[1]
        self.assertEqual(opt(create, "--runtime"), "provided.al2023")
        self.assertEqual(opt(create, "--handler"), "bootstrap")
        self.assertEqual(opt(create, "--memory-size"), "128")
        self.assertGreaterEqual(int(opt(create, "--timeout")), 8)
        self.assertEqual(opt(create, "--architectures"), "arm64")  # ARCH= (the zip's) wins
        self.assertEqual(opt(create, "--role"), "arn:aws:iam::123456789012:role/leec")
        self.assertEqual(opt(create, "--zip-file"), "fileb:///nonexistent/deploy/function.zip")
        import json
        envj = json.loads(opt(create, "--environment"))
        self.assertEqual(envj["Variables"]["LEEC_HA_URL"], "https://ha.example.org")
        self.assertEqual(envj["Variables"]["LEEC_HA_TOKEN_SSM"], "/leec/t")
        conf = lam[6]
        self.assertEqual(opt(conf, "--environment"), opt(create, "--environment"))
        self.assertGreaterEqual(int(opt(conf, "--timeout")), 8)
        perms = {opt(c, "--principal"): c for c in lam if c[2] == "add-permission"}
        skill = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"  # examples/leec.yaml
        self.assertEqual(opt(perms["alexa-connectedhome.amazon.com"], "--event-source-token"),
                         skill)
        self.assertEqual(opt(perms["alexa-appkit.amazon.com"], "--event-source-token"), skill)
        self.assertEqual(opt(perms["events.amazonaws.com"], "--source-arn"),
                         "arn:aws:events:us-east-1:<account>:rule/leec-test-probe")
        for c in perms.values():
            self.assertEqual(opt(c, "--action"), "lambda:InvokeFunction")
        # the function watches itself: log retention, the errors alarm, the hourly probe
        other = [(c[1], c[2]) for c in cmds if c[1] != "lambda"]
        self.assertEqual(other, [("logs", "create-log-group"), ("logs", "put-retention-policy"),
                                 ("cloudwatch", "put-metric-alarm"), ("events", "put-rule"),
                                 ("events", "put-targets")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
