#!/usr/bin/python3
"""leec deploy against moto (`moto_server`, the AWS API emulator, started on a free loopback
port; skipped with the reason where it is absent): `leec deploy examples/full.yaml` twice —
first with one AWS CLI, then with the other where there are two (Debian's v2, pyenv's v1) —
with the HA token from an environment variable. Afterwards the role (trust, least-privilege
policy naming exactly the project's SSM parameters), the function, one invoke permission per
skill kind plus the hourly probe's, the SSM SecureString, the log group's retention, the SNS
topic with one e-mail subscription (alarms.email), the errors alarm and the hourly probe rule
and target exist; the second run creates nothing; the token is in no spawned argv, no output
and no file left behind. The zip is a tiny valid zip (moto does not run it)."""
import json
import socket
import os
import re
import shlex
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_deploy import (AWS, MOTO, FULL_SKILL, TOKEN, Base, aws_env, clis, facts,  # noqa: E402
                         run_leec)



def full_facts():
    r = run_leec("--format", "json", "explain", "examples/full.yaml")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def leec_facts_email():
    return full_facts()["alarms"]["email"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TestDeployAgainstMoto(Base):
    @classmethod
    def setUpClass(cls):
        if not MOTO:
            raise unittest.SkipTest("moto_server (the AWS API emulator, pip install "
                                    "'moto[server]') is not installed: leec deploy is not run "
                                    "against an emulated AWS")
        super().setUpClass()
        cls.port = free_port()
        cls.moto_log = open(os.path.join(cls.tmp, "moto.log"), "w")
        cls.moto = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(cls.port)],
                                    stdout=cls.moto_log, stderr=subprocess.STDOUT)
        cls.url = "http://127.0.0.1:%d" % cls.port
        for _ in range(200):
            try:
                urllib.request.urlopen(cls.url + "/moto-api/", timeout=1)
                break
            except OSError:
                if cls.moto.poll() is not None:
                    raise AssertionError("moto_server exited")
                time.sleep(0.1)
        # every argv the CLI is started with, one per line (the token must be in none)
        cls.argv_log = os.path.join(cls.tmp, "argv.log")
        cls.wrappers = {}
        for cli in clis():
            w = os.path.join(cls.tmp, "aws-%d" % len(cls.wrappers))
            with open(w, "w") as f:
                f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> %s\nexec %s "$@"\n'
                        % (shlex.quote(cls.argv_log), shlex.quote(cli)))
            os.chmod(w, 0o755)
            cls.wrappers[cli] = w

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "moto"):
            cls.moto.terminate()
            cls.moto.wait(timeout=30)
            cls.moto_log.close()
        super().tearDownClass()

    def aws(self, *args):
        r = subprocess.run([AWS, *args, "--region", "eu-west-1", "--endpoint-url", self.url,
                            "--output", "json"], env=aws_env(), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else None

    def deploy(self, cli):
        env = aws_env()
        env["HA_TOKEN_FOR_SSM"] = TOKEN
        return run_leec("deploy", "examples/full.yaml", "--region", "eu-west-1", "--zip",
                        self.zip, "--endpoint-url", self.url, "--aws", self.wrappers[cli],
                        "--ssm-token-from-env", "HA_TOKEN_FOR_SSM", env=env)

    def test_deploy_twice(self):
        seq = clis()
        first, second = seq[0], seq[-1]  # both CLIs where there are two
        r1 = self.deploy(first)
        self.assertEqual(r1.returncode, 0, r1.stdout + r1.stderr)
        self.assertIn("create-role", r1.stderr)
        self.assertIn("create-function", r1.stderr)
        r2 = self.deploy(second)
        self.assertEqual(r2.returncode, 0, r2.stdout + r2.stderr)
        for word in ("create-role", "create-function", "add-permission", "remove-permission",
                     "sns subscribe"):
            self.assertNotIn(word, r2.stderr, "second run: " + word)
        self.assertIn("update-function-code", r2.stderr)

        # exactly one role, with the trust and least-privilege policy
        roles = [x["RoleName"] for x in self.aws("iam", "list-roles")["Roles"]]
        self.assertEqual(roles.count("leec-alexa-role"), 1)
        role = self.aws("iam", "get-role", "--role-name", "leec-alexa-role")["Role"]
        trust = role["AssumeRolePolicyDocument"]
        if isinstance(trust, str):
            trust = json.loads(urllib.request.unquote(trust))
        self.assertEqual(trust["Statement"][0]["Principal"], {"Service": "lambda.amazonaws.com"})
        pol = self.aws("iam", "get-role-policy", "--role-name", "leec-alexa-role",
                       "--policy-name", "leec")["PolicyDocument"]
        if isinstance(pol, str):
            pol = json.loads(urllib.request.unquote(pol))
        st = {s["Sid"]: s for s in pol["Statement"]}
        self.assertEqual(st["ProjectSsmParameters"]["Resource"], [
            "arn:aws:ssm:eu-west-1:123456789012:parameter/leec/home_assistant/token",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/leec/cloudflare/client_secret"])
        self.assertEqual(st["DecryptThroughSsmOnly"]["Condition"],
                         {"StringEquals": {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}})
        self.assertEqual(st["WriteLogs"]["Resource"],
                         "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/leec-alexa:*")
        # the function
        fn = self.aws("lambda", "get-function", "--function-name", "leec-alexa")["Configuration"]
        self.assertEqual(fn["Runtime"], "provided.al2023")
        self.assertEqual(fn["Handler"], "bootstrap")
        self.assertEqual(fn["Role"], role["Arn"])
        self.assertEqual(fn["MemorySize"], facts("examples/full.yaml")["memory_mb"])
        # one statement per skill kind, not two
        policy = json.loads(self.aws("lambda", "get-policy", "--function-name",
                                     "leec-alexa")["Policy"])
        uuid = FULL_SKILL.split(".")[-1]
        self.assertEqual(sorted(s["Sid"] for s in policy["Statement"]),
                         ["alexa-custom-skill-" + uuid, "alexa-smart-home-" + uuid,
                          "leec-probe-schedule"])
        # the token, stored as a SecureString
        p = self.aws("ssm", "get-parameter", "--name", "/leec/home_assistant/token",
                     "--with-decryption")["Parameter"]
        self.assertEqual((p["Type"], p["Value"]), ("SecureString", TOKEN))
        # ... and nowhere else: no argv, no output, no file left behind
        with open(self.argv_log) as f:
            argv = f.read()
        self.assertIn("put-parameter --cli-input-json file://", argv)
        self.assertNotIn(TOKEN, argv)
        for r in (r1, r2):
            self.assertNotIn(TOKEN, r.stdout + r.stderr)
        m = re.search(r"file://(\S+)", argv)
        self.assertFalse(os.path.exists(m.group(1)), "the token file was not deleted")

        # the function watches itself: log retention, alarm(s), topic, the hourly probe
        groups = self.aws("logs", "describe-log-groups", "--log-group-name-prefix",
                          "/aws/lambda/leec-alexa")["logGroups"]
        self.assertEqual([(g["logGroupName"], g.get("retentionInDays")) for g in groups],
                         [("/aws/lambda/leec-alexa", 14)])
        topics = [t["TopicArn"] for t in self.aws("sns", "list-topics")["Topics"]]
        self.assertEqual(topics, ["arn:aws:sns:eu-west-1:123456789012:leec-alexa-alarms"])
        subs = self.aws("sns", "list-subscriptions-by-topic", "--topic-arn",
                        topics[0])["Subscriptions"]
        self.assertEqual([(x["Protocol"], x["Endpoint"]) for x in subs],
                         [("email", leec_facts_email())])
        alarms = {a["AlarmName"]: a for a in
                  self.aws("cloudwatch", "describe-alarms")["MetricAlarms"]}
        err = alarms["leec-alexa-errors"]
        self.assertEqual((err["Namespace"], err["MetricName"], err["Statistic"], err["Period"]),
                         ("AWS/Lambda", "Errors", "Sum", 3600))
        self.assertEqual(err["AlarmActions"], topics)
        names = {m["name"] for m in full_facts()["metrics"]["names"]}
        self.assertEqual("leec-alexa-home-assistant" in alarms, "BreakerOpen" in names)
        for a in alarms.values():  # never a metric outside the compiled set or Lambda's own
            self.assertTrue(a["Namespace"] == "AWS/Lambda" or a["MetricName"] in names, a)
        rule = self.aws("events", "describe-rule", "--name", "leec-alexa-probe")
        self.assertEqual(rule["ScheduleExpression"], "rate(1 hour)")
        targets = self.aws("events", "list-targets-by-rule", "--rule", "leec-alexa-probe")["Targets"]
        self.assertEqual(len(targets), 1)
        self.assertEqual(json.loads(targets[0]["Input"]), {"leec_probe": True, "scheduled": True})
        self.assertTrue(targets[0]["Arn"].endswith(":function:leec-alexa"))
        self.assertIn("leec-probe-schedule", [s["Sid"] for s in policy["Statement"]])



if __name__ == "__main__":
    unittest.main(verbosity=2)
