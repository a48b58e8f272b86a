#!/usr/bin/python3
"""The long-lived Home Assistant token from SSM Parameter Store, end to end:
Lambda emulator -> bootstrap built from examples/leec.yaml with
`token: {mode: long_lived, ssm: /leec/ha_token}` and `cache.ttl: 1s` -> SSM simulator
(which checks SigV4 with tests/peers/sigv4_verify.py, independent of libcurl) and
HA simulator (which accepts only the SSM value as bearer token)."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import alexa_validate  # noqa: E402
import capability_plans  # noqa: E402
import sigv4_verify  # noqa: E402
import variant_build  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from ssm_simulator import SSMSimulator  # noqa: E402

PARAM = "/leec/ha_token"
VALUE = "ssm-token-value-7f3a9c"
VALUE2 = "ssm-token-rotated-51be0d"
AKID = "ASIAEXAMPLELEEC0001"
SECRET = "leecTestSecret/K7MDENG+bPxRfiCYzzEXAMPLE"
SESSION = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-for-leec-tests//0123456789abcdef=="
REGION = "eu-west-1"  # the emulator's AWS_REGION
TTL_S = 1.0

SSM_YAML = variant_build.example_with([
    (r"^  token:\n    mode: account_linking\n", "  token: {mode: long_lived, ssm: %s}\n" % PARAM),
    (r"^  cache:\n    ttl: 2m\n", "  cache:\n    ttl: 1s\n"),
])


def bootstrap():
    return variant_build.variant_bootstrap("ssm", SSM_YAML)


def no_token_turn_on(ep="switch#coffee_maker"):
    msg = capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, "x")
    del msg["directive"]["endpoint"]["scope"]
    return msg


def logs_text(r):
    logs = r.get("logs") or []
    return "\n".join(x if isinstance(x, str) else x.decode(errors="replace") for x in logs)


class TestSigV4Verifier(unittest.TestCase):
    """The verifier itself, before trusting it with libcurl's signatures."""

    def test_aws_published_vectors(self):
        self.assertEqual(sigv4_verify.self_test(), [])

    def _signed(self, **over):
        headers = [("Host", "127.0.0.1:4566"), ("X-Amz-Date", "20260102T030405Z"),
                   ("X-Amz-Target", "AmazonSSM.GetParameter"),
                   ("Content-Type", "application/x-amz-json-1.1"),
                   ("X-Amz-Security-Token", SESSION)]
        body = b'{"Name":"/leec/ha_token","WithDecryption":true}'
        auth, det = sigv4_verify.sign("POST", "/", "", headers, body, AKID,
                                      over.get("secret", SECRET), REGION, "ssm",
                                      "20260102T030405Z",
                                      signed_headers=over.get("signed"))
        return headers + [("Authorization", auth)], body, det

    def verify(self, headers, body):
        return sigv4_verify.verify("POST", "/", headers, body, {AKID: SECRET}, REGION, "ssm")

    def test_hand_computed_case(self):
        # Computed step by step from the documented algorithm, independently of sign().
        import hashlib
        import hmac
        headers, body, det = self._signed()
        creq = ("POST\n/\n\n"
                "content-type:application/x-amz-json-1.1\nhost:127.0.0.1:4566\n"
                "x-amz-date:20260102T030405Z\nx-amz-security-token:%s\n"
                "x-amz-target:AmazonSSM.GetParameter\n\n"
                "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n%s"
                % (SESSION, hashlib.sha256(body).hexdigest()))
        self.assertEqual(det["canonical_request"], creq)
        sts = "AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/%s/ssm/aws4_request\n%s" % (
            REGION, hashlib.sha256(creq.encode()).hexdigest())
        k = ("AWS4" + SECRET).encode()
        for part in ("20260102", REGION, "ssm", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        self.assertEqual(det["signature"],
                         hmac.new(k, sts.encode(), hashlib.sha256).hexdigest())
        v = self.verify(headers, body)
        self.assertTrue(v.ok, v.reason)
        self.assertTrue(v.session_token_signed)

    def test_rejections(self):
        headers, body, _ = self._signed()
        self.assertFalse(self.verify(headers, body + b" ").ok)            # body changed
        tampered = [(k, v + "x" if k == "X-Amz-Security-Token" else v) for k, v in headers]
        self.assertEqual(self.verify(tampered, body).code, "InvalidSignature")
        headers2, body2, _ = self._signed(secret="another-secret")
        self.assertEqual(self.verify(headers2, body2).code, "InvalidSignature")
        headers3, body3, _ = self._signed(signed=["content-type", "host", "x-amz-date",
                                                  "x-amz-target"])
        self.assertEqual(self.verify(headers3, body3).code, "IncompleteSignature")
        self.assertEqual(self.verify([h for h in headers if h[0] != "Authorization"],
                                     body).code, "MissingAuthenticationToken")


class SSMCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        cls.bootstrap = bootstrap()
        cls.ha = HASimulator(tokens=[VALUE, VALUE2]).start()
        cls.ssm = SSMSimulator({AKID: SECRET}, REGION, {PARAM: VALUE},
                               session_tokens={AKID: SESSION},
                               denied=["/leec/denied"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.ha.stop()
        cls.ssm.stop()

    def setUp(self):
        self.ha.reset()
        self.ssm.reset()
        self.ssm.parameters[PARAM] = VALUE

    def emu(self, **env):
        e = {"LEEC_HA_URL": self.ha.url, "AWS_ACCESS_KEY_ID": AKID,
             "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": SESSION,
             "LEEC_SSM_ENDPOINT": self.ssm.url, "AWS_LAMBDA_LOG_LEVEL": "DEBUG"}
        e.update(env)
        emu = harness.start_emulator([self.bootstrap], env=e)
        self.addCleanup(emu.stop)
        return emu

    def invoke(self, emu, msg):
        return emu.invoke(harness.event_bytes(msg))

    def assert_no_secrets(self, text):
        for s in (VALUE, VALUE2, SECRET, SESSION):
            self.assertNotIn(s, text)


class TestSSMToken(SSMCase):
    def test_round_trip_with_ssm_token(self):
        emu = self.emu()
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(r["status"], "ok", (r.get("error_type"), r.get("body"), r.get("logs")))
        reply = json.loads(r["body"])
        self.assertEqual(alexa_validate.validate(reply), [])
        self.assertEqual(reply["event"]["header"]["name"], "Response", json.dumps(reply))
        posts = self.ha.posts("/api/alexa/smart_home")
        self.assertEqual(len(posts), 1)
        self.assertTrue(posts[0]["auth_valid"])
        self.assertEqual(posts[0]["token_index"], 0)  # VALUE: the SSM parameter's value
        self.assertIn("leec/", posts[0]["headers"].get("User-Agent", ""))

        gets = self.ssm.get_parameter_requests()
        self.assertEqual(len(gets), 1, [g["verdict"] for g in gets])
        g = gets[0]
        self.assertTrue(g["verdict"].ok, g["verdict"])
        self.assertEqual(g["status"], 200)
        self.assertEqual(g["name"], PARAM)
        self.assertTrue(g["with_decryption"])
        self.assertTrue(g["verdict"].session_token_signed)
        self.assertEqual(g["verdict"].session_token, SESSION)
        self.assertEqual(g["verdict"].access_key, AKID)
        for h in ("content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"):
            self.assertIn(h, g["verdict"].signed_headers)
        self.assert_no_secrets(logs_text(r))
        self.assertIn('"bearer_from":"long_lived"', logs_text(r))

        # Warm and inside the TTL: no second GetParameter.
        r2 = self.invoke(emu, no_token_turn_on("light#kitchen"))
        self.assertEqual(r2["status"], "ok")
        self.assertEqual(json.loads(r2["body"])["event"]["header"]["name"], "Response")
        self.assertLessEqual(len(self.ssm.get_parameter_requests()), 2)
        self.assert_no_secrets(logs_text(r2))

    def test_directive_token_is_ignored_in_long_lived_mode(self):
        emu = self.emu()
        msg = capability_plans.make_directive("Alexa.PowerController", "TurnOn",
                                              "switch#coffee_maker", {}, "some-user-token")
        r = self.invoke(emu, msg)
        self.assertEqual(r["status"], "ok")
        self.assertEqual(json.loads(r["body"])["event"]["header"]["name"], "Response")
        self.assertEqual(self.ha.posts()[0]["token_index"], 0)

    def _init_error(self, emu, what):
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(r["status"], "init_error", r)
        self.assertEqual(r["error_type"], "Runtime.SecretUnavailable")
        body = r["body"].decode(errors="replace")
        self.assertIn("SSM", body)
        self.assertIn(what, body)
        self.assert_no_secrets(body)
        self.assert_no_secrets(logs_text(r))
        self.assertEqual(self.ha.posts(), [])
        return r, body

    def test_wrong_secret_key_is_an_init_error(self):
        emu = self.emu(AWS_SECRET_ACCESS_KEY="wrong" + SECRET[5:])
        r, body = self._init_error(emu, "InvalidSignatureException")
        self.assertNotIn("wrong" + SECRET[5:], body + logs_text(r))
        gets = self.ssm.get_parameter_requests()
        self.assertEqual(len(gets), 1)
        self.assertEqual(gets[0]["verdict"].code, "InvalidSignature")
        # the simulator (like AWS) quoted the canonical request with the session token
        self.assertNotIn("Canonical String", body)

    def test_wrong_session_token_is_an_init_error(self):
        emu = self.emu(AWS_SESSION_TOKEN=SESSION + "X")
        r, body = self._init_error(emu, "UnrecognizedClientException")
        self.assertNotIn(SESSION + "X", body + logs_text(r))

    def test_parameter_not_found_is_an_init_error(self):
        emu = self.emu(LEEC_HA_TOKEN_SSM="/leec/missing")
        self._init_error(emu, "ParameterNotFound")

    def test_access_denied_is_an_init_error(self):
        emu = self.emu(LEEC_HA_TOKEN_SSM="/leec/denied")
        self._init_error(emu, "AccessDeniedException")

    def test_ssm_unreachable_is_an_init_error(self):
        emu = self.emu(LEEC_SSM_ENDPOINT="http://127.0.0.1:%d/" % harness.free_port())
        self._init_error(emu, "transport")

    def test_no_credentials_is_an_init_error(self):
        emu = self.emu(AWS_ACCESS_KEY_ID="")
        self._init_error(emu, "credentials")


class TestSSMRefresh(SSMCase):
    """cache.ttl is 1 s in this build: the token is fetched again on the first invocation
    after it is older than that; a failed refresh answers BRIDGE_UNREACHABLE (HA not called)
    and the next invocation tries again."""

    def test_refresh_after_ttl(self):
        emu = self.emu()
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(json.loads(r["body"])["event"]["header"]["name"], "Response")
        self.assertEqual(len(self.ssm.get_parameter_requests()), 1)
        self.assertEqual(self.ha.posts()[-1]["token_index"], 0)

        # rotated in SSM: used once the TTL has passed
        self.ssm.parameters[PARAM] = VALUE2
        time.sleep(TTL_S + 0.3)
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(json.loads(r["body"])["event"]["header"]["name"], "Response")
        gets = self.ssm.get_parameter_requests()
        self.assertEqual(len(gets), 2)
        self.assertTrue(gets[1]["verdict"].ok)
        self.assertEqual(self.ha.posts()[-1]["token_index"], 1)
        self.assertIn("ssm token refreshed", logs_text(r))
        self.assert_no_secrets(logs_text(r))

        # refresh fails: schema-valid BRIDGE_UNREACHABLE, HA not called, WARN logged
        self.ssm.set_fault("status", status=500)
        time.sleep(TTL_S + 0.3)
        n_posts = len(self.ha.posts())
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(r["status"], "ok")
        reply = json.loads(r["body"])
        self.assertEqual(alexa_validate.validate(reply), [])
        self.assertEqual(reply["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertEqual(len(self.ha.posts()), n_posts)
        text = logs_text(r)
        self.assertIn("ssm token refresh failed", text)
        self.assertIn("token_unavailable", text)
        self.assert_no_secrets(text)

        # SSM back: the next invocation (after the SSM breaker lets a probe through) works
        self.ssm.set_fault("none")
        deadline = time.monotonic() + 70
        while True:
            r = self.invoke(emu, no_token_turn_on())
            reply = json.loads(r["body"])
            if reply["event"]["header"]["name"] == "Response":
                break
            self.assertEqual(reply["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
            self.assertLess(time.monotonic(), deadline, "never recovered")
            time.sleep(1.0)
        self.assertEqual(self.ha.posts()[-1]["token_index"], 1)

    def test_slow_refresh_stays_inside_the_deadline(self):
        emu = self.emu()
        r = self.invoke(emu, no_token_turn_on())
        self.assertEqual(json.loads(r["body"])["event"]["header"]["name"], "Response")
        self.ssm.set_fault("slow", seconds=6)
        time.sleep(TTL_S + 0.3)
        t0 = time.monotonic()
        r = emu.invoke(harness.event_bytes(no_token_turn_on()), timeout_s=3)
        elapsed = time.monotonic() - t0
        self.assertEqual(r["status"], "ok", r.get("error_type"))
        reply = json.loads(r["body"])
        self.assertEqual(alexa_validate.validate(reply), [])
        self.assertEqual(reply["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertLess(elapsed, 2.5)  # SSM gets at most half of (deadline - margin)
        self.assertEqual(len(self.ha.posts()), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
