#!/usr/bin/python3
"""Hostile input, end to end (issue 12): Home Assistant replies that cJSON tolerates but
Alexa does not, tokens hidden where log redaction used to miss them, the cold start charged
against Alexa's ~8 s, token hygiene (SSM values, refresh on both paths, 401), "sent vs not
sent" for the breaker, and discovery rules applied to the properties of every reply.

Bootstraps: the default build (examples/leec.yaml: account linking), the `ssm` variant of
tests/e2e/test_ssm.py (same project text, so the same build: long-lived token from SSM,
cache.ttl 1s) and `hostile-logs` (examples/leec.yaml with logging.log_events on)."""
import copy
import json
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import alexa_validate  # noqa: E402
import capability_plans  # noqa: E402
import variant_build  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from ssm_simulator import SSMSimulator  # noqa: E402
from test_ssm import AKID, PARAM, REGION, SECRET, SESSION, SSM_YAML, TTL_S  # noqa: E402

GOOD = "tok-Hq7Zc2LmX9pWv4Ks8Rb3"       # account-linking token (distinctive prefix)
SECOND = "tok-second-Yt5Nq1Dg6Fj0"      # a second scope's token in the same event
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
SSM_VALUE = "ssm-hostile-value-8d1e4f"

LOGS_YAML = variant_build.example_with([
    (r"^  cache:\n    ttl: 2m\n", "  cache:\n    ttl: 2m\n  logging:\n    log_events: true\n"),
])


def logs_text(r):
    logs = r.get("logs") or []
    if isinstance(logs, (bytes, str)):
        logs = [logs]
    return "\n".join(x if isinstance(x, str) else x.decode(errors="replace") for x in logs)


def turn_on(token=GOOD, ep="switch#coffee_maker"):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, token)


def valid_header():
    return {"namespace": "Alexa", "name": "Response", "payloadVersion": "3",
            "messageId": str(uuid.uuid4())}


class Base(unittest.TestCase):
    bootstrap = None
    tokens = (GOOD, SECOND)

    @classmethod
    def setUpClass(cls):
        cls.boot = cls.bootstrap_path()
        cls.ha = HASimulator(tokens=list(cls.tokens), custom_skill=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.ha.stop()

    @classmethod
    def bootstrap_path(cls):
        return harness.require_file(harness.bootstrap_path())

    def setUp(self):
        self.ha.reset()

    def emu(self, **kw):
        env = {"LEEC_HA_URL": self.ha.url}
        env.update(kw.pop("env", {}))
        e = harness.start_emulator([self.boot], env=env, **kw)
        self.addCleanup(e.stop)
        return e

    def reply(self, emu, msg, timeout_s=None):
        r = emu.invoke(harness.event_bytes(msg), timeout_s=timeout_s)
        self.assertEqual(r["status"], "ok", (r.get("error_type"), r.get("body"), logs_text(r)))
        return json.loads(r["body"]), r


# --------------------------------------------------------------------------------------
# 1. Strict Smart Home replies
# --------------------------------------------------------------------------------------

def _reply(header=None, payload=None, **event_extra):
    ev = {"header": header if header is not None else valid_header(),
          "payload": payload if payload is not None else {}}
    ev.update(event_extra)
    return {"event": ev}


def _dump(obj):
    return json.dumps(obj, ensure_ascii=False).encode()


HOSTILE_REPLIES = [
    # name, raw bytes HA answers with (200, application/json)
    ("raw_control_char_in_string",
     _dump(_reply()).replace(b'"Response"', b'"Resp\x01onse"')),
    ("raw_newline_in_string",
     _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"a\nb"')),
    ("leading_control_byte", b"\x01" + _dump(_reply())),
    ("leading_nul", b"\x00" + _dump(_reply())),
    ("bom", b"\xef\xbb\xbf" + _dump(_reply())),
    ("invalid_utf8", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\xff\xfe"')),
    ("overlong_utf8", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\xc0\xaf"')),
    ("surrogate_utf8", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\xed\xa0\x80"')),
    ("truncated_utf8", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\xe2\x82"')),
    ("empty_event", b'{"event":{}}'),
    ("no_header", b'{"event":{"payload":{}}}'),
    ("header_not_object", b'{"event":{"header":"x","payload":{}}}'),
    ("no_message_id", _dump({"event": {"header": {"namespace": "Alexa", "name": "Response",
                                                  "payloadVersion": "3"}, "payload": {}}})),
    ("no_namespace", _dump({"event": {"header": {"name": "Response", "payloadVersion": "3",
                                                 "messageId": "m"}, "payload": {}}})),
    ("message_id_number", _dump({"event": {"header": {"namespace": "Alexa", "name": "Response",
                                                      "payloadVersion": "3", "messageId": 7},
                                           "payload": {}}})),
    ("duplicate_top_key", b'{"event":{"header":{"namespace":"Alexa","name":"Response",'
     b'"payloadVersion":"3","messageId":"m"},"payload":{}},"event":{}}'),
    ("duplicate_header_key", b'{"event":{"header":{"namespace":"Alexa","name":"Response",'
     b'"name":"ErrorResponse","payloadVersion":"3","messageId":"m"},"payload":{}}}'),
    ("duplicate_nested_key", b'{"event":{"header":{"namespace":"Alexa","name":"Response",'
     b'"payloadVersion":"3","messageId":"m"},"payload":{"a":1,"b":{"c":1,"c":2}}}}'),
    ("duplicate_key_via_escape", b'{"event":{"header":{"namespace":"Alexa","name":"Response",'
     b'"payloadVersion":"3","messageId":"m"},"payload":{"a":1,"\\u0061":2}}}'),
    ("leading_zero_number", _dump(_reply(payload={"n": 1})).replace(b'"n": 1', b'"n": 01')),
    ("bare_dot_number", _dump(_reply(payload={"n": 1})).replace(b'"n": 1', b'"n": 1.')),
    ("vertical_tab_between_tokens", _dump(_reply()).replace(b'{"event"', b'{\x0b"event"')),
]

# Not JSON at all (cJSON refuses too) or JSON that is not an Alexa message: as before,
# "Home Assistant did not answer with an Alexa message" (BRIDGE_UNREACHABLE).
NOT_ALEXA_REPLIES = [
    ("single_quotes", b"{'event':{}}"),
    ("plus_number", _dump(_reply(payload={"n": 1})).replace(b'"n": 1', b'"n": +1')),
    ("trailing_comma", _dump(_reply())[:-1] + b",}"),
    ("bad_escape", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\\x41"')),
    ("nan", _dump(_reply(payload={"n": 1})).replace(b'"n": 1', b'"n": NaN')),
    ("lone_surrogate_escape", _dump(_reply(payload={"x": "a"})).replace(b'"a"', b'"\\ud800"')),
    ("trailing_nul", _dump(_reply()) + b"\x00"),
    ("top_level_array", b"[" + _dump(_reply()) + b"]"),
]


class TestStrictReplies(Base):
    """A reply is forwarded byte for byte only when it is strict RFC 8259 JSON in valid UTF-8,
    without duplicate keys, with a complete event.header; otherwise INTERNAL_ERROR."""

    def test_hostile_replies_become_internal_error(self):
        cases = [(n, b, "INTERNAL_ERROR") for n, b in HOSTILE_REPLIES]
        cases += [(n, b, "BRIDGE_UNREACHABLE") for n, b in NOT_ALEXA_REPLIES]
        emu = None
        for i, (name, body, expected) in enumerate(cases):
            if i % 12 == 0:  # a fresh function: stay under the per-token rate limit
                if emu:
                    emu.stop()
                emu = self.emu()
            with self.subTest(reply=name):
                self.ha.set_fault("raw", body=body)
                out, r = self.reply(emu, turn_on())
                raw = r["body"]
                raw = raw if isinstance(raw, bytes) else raw.encode()
                raw.decode("utf-8")  # strict: valid UTF-8
                self.assertNotEqual(raw, body)
                self.assertEqual(alexa_validate.validate(out), [], json.dumps(out))
                self.assertEqual(out["event"]["header"]["name"], "ErrorResponse")
                self.assertEqual(out["event"]["payload"]["type"], expected, json.dumps(out))
                if expected == "INTERNAL_ERROR":
                    self.assertIn("ha_reply_invalid", logs_text(r))
        self.ha.set_fault("none")

    def test_invalid_replies_do_not_open_the_breaker(self):
        # HA answered: it is alive; examples/leec.yaml opens the breaker after 2 failures
        emu = self.emu()
        for _, body in HOSTILE_REPLIES[:4]:
            self.ha.set_fault("raw", body=body)
            out, _ = self.reply(emu, turn_on())
            self.assertEqual(out["event"]["payload"]["type"], "INTERNAL_ERROR")
        self.ha.set_fault("none")
        out, _ = self.reply(emu, turn_on())
        self.assertEqual(out["event"]["header"]["name"], "Response", json.dumps(out))

    def test_strict_reply_is_forwarded_byte_for_byte(self):
        emu = self.emu()
        body = (b'{ "event" : {"header":{"namespace":"Alexa","name":"Response",'
                b'"payloadVersion":"3","messageId":"m-1","correlationToken":"c"},'
                b'"endpoint":{"endpointId":"switch#coffee_maker"},'
                b'"payload":{"s":"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00 \xf0\x9f\x98\x80","n":-1.5e3}}}\n')
        self.ha.set_fault("raw", body=body)
        _, r = self.reply(emu, turn_on())
        raw = r["body"] if isinstance(r["body"], bytes) else r["body"].encode()
        self.assertEqual(raw, body)


# --------------------------------------------------------------------------------------
# 2. Secrets
# --------------------------------------------------------------------------------------

def cs_request(app, token=GOOD, intent="HomeAssistantStatusIntent"):
    user = {"userId": "amzn1.ask.account.TEST"}
    if token:
        user["accessToken"] = token
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {"version": "1.0",
            "session": {"new": True, "sessionId": "amzn1.echo-api.session.1",
                        "application": {"applicationId": app}, "attributes": {}, "user": user},
            "context": {"System": {"application": {"applicationId": app}, "user": user,
                                   "device": {"deviceId": "d1", "supportedInterfaces": {}}}},
            "request": {"type": "IntentRequest",
                        "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                        "timestamp": ts, "locale": "en-US",
                        "intent": {"name": intent, "confirmationStatus": "NONE", "slots": {}}}}


def sprinkled_directive():
    """A ReportState whose token is repeated in a payload field, as a JSON key and as the
    endpointId, with a second scope whose token also appears elsewhere."""
    msg = capability_plans.make_directive("Alexa", "ReportState", GOOD, {}, GOOD)
    d = msg["directive"]
    d["payload"] = {"note": "copy " + GOOD + " here", GOOD: "as a key",
                    "scope": {"type": "BearerToken", "token": SECOND},
                    "other": {"nested": [SECOND, "x" + SECOND + "y"]},
                    "k": {SECOND + " token": "v"}}
    d["endpoint"]["cookie"] = {"c": GOOD}
    return msg


class SecretCase(Base):
    fmt = "JSON"

    @classmethod
    def bootstrap_path(cls):
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        return variant_build.variant_bootstrap("hostile-logs", LOGS_YAML)

    def emu(self, **kw):
        kw.setdefault("log_format", self.fmt)
        kw.setdefault("log_level", "TRACE")
        return super().emu(**kw)

    def assert_clean(self, text, secrets=(GOOD, SECOND), prefix=10):
        self.assertTrue(text)
        for s in secrets:
            self.assertNotIn(s, text)
            self.assertNotIn(s[:prefix], text)

    def test_token_in_key_like_application_id(self):
        emu = self.emu()
        r = emu.invoke(harness.event_bytes(cs_request('"%s token":"x"' % GOOD)))
        text = logs_text(r)
        self.assertIn("custom skill request refused", text)
        self.assert_clean(text)

    def test_token_in_key_like_text_without_space(self):
        emu = self.emu()
        r = emu.invoke(harness.event_bytes(cs_request('x"%stoken":"x"' % GOOD)))
        self.assert_clean(logs_text(r))

    def test_event_tokens_registered_before_the_event_is_logged(self):
        emu = self.emu()
        r = emu.invoke(harness.event_bytes(sprinkled_directive()))
        self.assertEqual(r["status"], "ok")
        text = logs_text(r)
        self.assertIn('event', text)
        self.assert_clean(text)

    def test_custom_skill_event_tokens(self):
        emu = self.emu()
        msg = cs_request(SKILL)
        msg["request"]["intent"]["slots"] = {"S": {"name": "S", "value": GOOD}}
        msg["context"]["System"]["apiAccessToken"] = SECOND
        msg["session"]["attributes"] = {"a": SECOND}
        r = emu.invoke(harness.event_bytes(msg))
        self.assertEqual(r["status"], "ok")
        self.assert_clean(logs_text(r))

    def test_content_type_cut_before_redaction(self):
        # HA answers 200 with a content type carrying the token at byte 54: the note used to
        # cut it at 64 bytes (%.64s), leaving a 10-byte prefix no redaction rule matched.
        emu = self.emu()
        self.ha.set_fault("status", status=200, body=b"<html></html>",
                          content_type="text/html; q=" + "x" * 41 + GOOD)
        r = emu.invoke(harness.event_bytes(turn_on()))
        text = logs_text(r)
        self.assertIn("ha_not_json", text)
        self.assert_clean(text)

    def test_many_tokens_in_one_event(self):
        # more tokens than the per-invocation table used to hold (8): none printed
        emu = self.emu()
        toks = ["tok-many-%02d-Qw8Er7Ty6Ui5" % i for i in range(12)]
        msg = turn_on()
        msg["directive"]["payload"] = {"scopes": [{"type": "BearerToken", "token": t}
                                                  for t in toks],
                                       "copies": ["see " + t for t in toks]}
        r = emu.invoke(harness.event_bytes(msg))
        self.assertEqual(r["status"], "ok")
        self.assert_clean(logs_text(r), secrets=toks + [GOOD])


class SecretCaseText(SecretCase):
    fmt = "Text"


# --------------------------------------------------------------------------------------
# 3-5: SSM-backed build (long-lived token, cache.ttl 1 s)
# --------------------------------------------------------------------------------------

class SSMBase(Base):
    tokens = (SSM_VALUE,) + tuple("ssm-rotated-%02d-Zx4Cv8Bn" % i for i in range(24))

    @classmethod
    def bootstrap_path(cls):
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        return variant_build.variant_bootstrap("ssm", SSM_YAML)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ssm = SSMSimulator({AKID: SECRET}, REGION, {PARAM: SSM_VALUE},
                               session_tokens={AKID: SESSION}).start()

    @classmethod
    def tearDownClass(cls):
        cls.ssm.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.ssm.reset()
        self.ssm.parameters[PARAM] = SSM_VALUE

    def emu(self, **kw):
        env = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET,
               "AWS_SESSION_TOKEN": SESSION, "LEEC_SSM_ENDPOINT": self.ssm.url,
               "AWS_LAMBDA_LOG_LEVEL": "DEBUG"}
        env.update(kw.pop("env", {}))
        return super().emu(env=env, **kw)


def no_token_turn_on(ep="switch#coffee_maker"):
    msg = turn_on(ep=ep)
    del msg["directive"]["endpoint"]["scope"]
    return msg


class TestColdStartDeadline(SSMBase):
    """Alexa's ~8 s start when it sends the request: on a cold start that is before init."""

    def test_slow_ssm_and_stalled_ha_answer_inside_8s(self):
        self.ssm.set_fault("slow", seconds=2.8, times=1)
        self.ha.set_fault("slow", seconds=20)
        emu = self.emu()
        t0 = time.monotonic()
        r = emu.invoke(harness.event_bytes(no_token_turn_on()), timeout_s=8)
        elapsed = time.monotonic() - t0
        self.ha.set_fault("none")
        self.assertEqual(r["status"], "ok", (r.get("error_type"), logs_text(r)))
        out = json.loads(r["body"])
        self.assertEqual(alexa_validate.validate(out), [])
        self.assertEqual(out["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertGreater(elapsed, 2.8)
        self.assertLess(elapsed, 8.0)

    def test_warm_invocation_keeps_its_budget(self):
        emu = self.emu()
        out, _ = self.reply(emu, no_token_turn_on())
        self.assertEqual(out["event"]["header"]["name"], "Response")
        self.ha.set_fault("slow", seconds=20)
        t0 = time.monotonic()
        out, _ = self.reply(emu, no_token_turn_on(), timeout_s=8)
        elapsed = time.monotonic() - t0
        self.ha.set_fault("none")
        self.assertEqual(out["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertLess(elapsed, 8.0)
        self.assertGreater(elapsed, 5.0)  # a warm call still gets most of the budget


class TestTokenHygiene(SSMBase):
    def test_trailing_whitespace_trimmed(self):
        for suffix in ("\n", "\r\n", " \t\n"):
            with self.subTest(suffix=repr(suffix)):
                self.ha.reset()
                self.ssm.parameters[PARAM] = SSM_VALUE + suffix
                emu = self.emu()
                out, r = self.reply(emu, no_token_turn_on())
                self.assertEqual(out["event"]["header"]["name"], "Response", json.dumps(out))
                self.assertEqual(self.ha.posts()[-1]["token_index"], 0)
                self.assertNotIn(SSM_VALUE, logs_text(r))
                emu.stop()

    def test_custom_skill_refreshes_after_ttl(self):
        emu = self.emu()
        msg = cs_request(SKILL, token=None, intent="TriggerAutomationIntent")
        msg["request"]["intent"]["slots"] = {"Automation": {
            "name": "Automation", "value": "morning routine", "confirmationStatus": "NONE"}}
        _, r = self.reply(emu, msg)
        self.assertEqual(self.ha.requests[-1]["token_index"], 0)
        self.assertEqual(len(self.ssm.get_parameter_requests()), 1)
        self.ssm.parameters[PARAM] = self.tokens[1]
        time.sleep(TTL_S + 0.3)
        msg["request"]["requestId"] = "amzn1.echo-api.request." + str(uuid.uuid4())
        _, r = self.reply(emu, msg)
        self.assertEqual(len(self.ssm.get_parameter_requests()), 2)
        self.assertEqual(self.ha.requests[-1]["token_index"], 1)
        self.assertNotIn(self.tokens[1], logs_text(r))

    def test_custom_skill_failed_refresh_is_an_apology(self):
        emu = self.emu()
        msg = cs_request(SKILL, token=None, intent="TriggerAutomationIntent")
        msg["request"]["intent"]["slots"] = {"Automation": {
            "name": "Automation", "value": "morning routine", "confirmationStatus": "NONE"}}
        self.reply(emu, msg)
        n = len(self.ha.requests)
        self.ssm.set_fault("status", status=500)
        time.sleep(TTL_S + 0.3)
        msg["request"]["requestId"] = "amzn1.echo-api.request." + str(uuid.uuid4())
        out, r = self.reply(emu, msg)
        self.ssm.set_fault("none")
        self.assertEqual(len(self.ha.requests), n)  # the stale token is not used
        self.assertIn("isn't answering", out["response"]["outputSpeech"].get("text", ""))
        self.assertIn("ssm token refresh failed", logs_text(r))

    def test_rotations_never_exhaust_the_secret_table(self):
        # every rotated value is redacted, however many rotations the environment sees
        emu = self.emu()
        self.reply(emu, no_token_turn_on())
        for i in range(1, 19):
            self.ssm.parameters[PARAM] = self.tokens[i]
            time.sleep(TTL_S + 0.05)
            out, r = self.reply(emu, no_token_turn_on())
            self.assertEqual(out["event"]["header"]["name"], "Response", (i, logs_text(r)))
        self.assertEqual(self.ha.posts()[-1]["token_index"], 18)
        self.ha.set_fault("status", status=200, body=b"<html></html>",
                          content_type="text/html; q=" + self.tokens[18])
        _, r = self.reply(emu, no_token_turn_on())
        text = logs_text(r)
        self.assertIn("ha_not_json", text)
        self.assertNotIn(self.tokens[18], text)

    def test_401_drops_the_state_cache(self):
        emu = self.emu()
        msg = cs_request(SKILL, token=None, intent="TriggerAutomationIntent")
        msg["request"]["intent"]["slots"] = {"Automation": {
            "name": "Automation", "value": "morning routine", "confirmationStatus": "NONE"}}

        def states():
            return len([x for x in self.ha.requests if x["path"] == "/api/states"])
        self.reply(emu, msg)
        self.reply(emu, msg)
        self.assertEqual(states(), 1)  # cached
        # HA now rejects the token (a Smart Home directive sees the 401)
        self.ha.set_fault("status", status=401, times=1)
        out, _ = self.reply(emu, no_token_turn_on())
        self.assertEqual(out["event"]["payload"]["type"], "INVALID_AUTHORIZATION_CREDENTIAL")
        self.reply(emu, msg)
        self.assertEqual(states(), 2)  # the cache for that token was dropped
        # and on the Custom-skill path itself
        self.ha.set_fault("status", status=401, times=1, path="/api/services/")
        self.reply(emu, msg)
        self.reply(emu, msg)
        self.assertEqual(states(), 3)


# --------------------------------------------------------------------------------------
# 5. Sent vs not sent
# --------------------------------------------------------------------------------------

class TestSentVsNotSent(Base):
    def test_huge_response_header_feeds_the_breaker(self):
        emu = self.emu()
        for i in range(2):  # examples/leec.yaml: the breaker opens after 2 failures
            self.ha.requests.clear()
            self.ha.set_fault("bigheader", size=300 * 1024)
            out, r = self.reply(emu, turn_on())
            self.assertEqual(alexa_validate.validate(out), [])
            self.assertEqual(out["event"]["header"]["name"], "ErrorResponse")
            self.assertEqual(len(self.ha.posts()), 1, "never a second request (attempt %d)" % i)
            text = logs_text(r)
            self.assertNotIn("not sent", text)
            self.assertNotIn("ha_invalid", text)
        self.ha.set_fault("none")
        self.ha.requests.clear()
        out, _ = self.reply(emu, turn_on())
        self.assertEqual(out["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertEqual(len(self.ha.posts()), 0)  # breaker open


# --------------------------------------------------------------------------------------
# 6. Discovery consistency
# --------------------------------------------------------------------------------------

REMOVED = "Alexa.ColorTemperatureController"  # examples/leec.yaml: removed from light#*


def prop_namespaces(out):
    ns = [p.get("namespace") for p in (out.get("context") or {}).get("properties", [])]
    change = ((out.get("event") or {}).get("payload") or {}).get("change") or {}
    ns += [p.get("namespace") for p in change.get("properties", [])]
    return ns


class TestDiscoveryConsistency(Base):
    def test_report_state_drops_removed_interface(self):
        emu = self.emu()
        # the simulator reports the colour temperature of the kitchen light
        self.reply(emu, capability_plans.make_directive(
            "Alexa.ColorTemperatureController", "SetColorTemperature", "light#kitchen",
            {"colorTemperatureInKelvin": 3000}, GOOD))
        out, _ = self.reply(emu, capability_plans.make_directive(
            "Alexa", "ReportState", "light#kitchen", {}, GOOD))
        self.assertEqual(out["event"]["header"]["name"], "StateReport", json.dumps(out))
        ns = prop_namespaces(out)
        self.assertIn("Alexa.PowerController", ns)
        self.assertNotIn(REMOVED, ns)
        self.assertEqual(alexa_validate.validate(out), [])

    def test_response_drops_removed_interface(self):
        emu = self.emu()
        out, _ = self.reply(emu, capability_plans.make_directive(
            "Alexa.PowerController", "TurnOn", "light#kitchen", {}, GOOD))
        self.assertEqual(out["event"]["header"]["name"], "Response", json.dumps(out))
        self.assertNotIn(REMOVED, prop_namespaces(out))

    def test_other_endpoints_untouched(self):
        # a ColorTemperature property of an endpoint the rule does not match stays
        emu = self.emu()
        prop = {"namespace": REMOVED, "name": "colorTemperatureInKelvin", "value": 3000,
                "timeOfSample": "2026-01-01T00:00:00.00Z", "uncertaintyInMilliseconds": 0}
        body = _dump({"event": {"header": dict(valid_header(), name="StateReport"),
                                "endpoint": {"endpointId": "switch#coffee_maker"},
                                "payload": {}},
                      "context": {"properties": [prop]}})
        self.ha.set_fault("raw", body=body)
        _, r = self.reply(emu, capability_plans.make_directive(
            "Alexa", "ReportState", "switch#coffee_maker", {}, GOOD))
        raw = r["body"] if isinstance(r["body"], bytes) else r["body"].encode()
        self.assertEqual(raw, body)

    def test_change_report_drops_removed_interface(self):
        emu = self.emu()
        prop = {"namespace": REMOVED, "name": "colorTemperatureInKelvin", "value": 3000,
                "timeOfSample": "2026-01-01T00:00:00.00Z", "uncertaintyInMilliseconds": 0}
        keep = dict(prop, namespace="Alexa.PowerController", name="powerState", value="ON")
        body = _dump({"event": {"header": dict(valid_header(), namespace="Alexa",
                                               name="ChangeReport"),
                                "endpoint": {"endpointId": "light#kitchen"},
                                "payload": {"change": {"cause": {"type": "PHYSICAL_INTERACTION"},
                                                       "properties": [prop, keep]}}},
                      "context": {"properties": [copy.deepcopy(prop)]}})
        self.ha.set_fault("raw", body=body)
        out, _ = self.reply(emu, capability_plans.make_directive(
            "Alexa", "ReportState", "light#kitchen", {}, GOOD))
        ns = prop_namespaces(out)
        self.assertIn("Alexa.PowerController", ns)
        self.assertNotIn(REMOVED, ns)


if __name__ == "__main__":
    unittest.main(verbosity=2)
