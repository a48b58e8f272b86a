#!/usr/bin/python3
"""End-to-end (issue 20 item 2): logs a person can act on, through the real bootstrap
under the Lambda emulator with the HA simulator.

- every JSON line of an invocation carries Powertools' correlation_id: the directive's
  header.messageId, the Custom-skill request's requestId;
- Powertools sampling: POWERTOOLS_LOGGER_SAMPLE_RATE=1 logs every invocation at DEBUG
  and every line reports "sampling_rate": 1; without it no DEBUG line and 0; an invalid
  value is a start-up error;
- the DEBUG buffer (a build with logging.debug_buffer and log_events): a successful
  invocation writes no DEBUG line, a failing one (Home Assistant answers 503) writes its
  held DEBUG lines (the event among them), redacted;
- the ColdStart metric (metrics.cold_start): 1 in the first invocation's EMF line, absent
  from the next."""
import json
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import capability_plans  # noqa: E402
import variant_build  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402

GOOD = "test-token-good"
BUFFER_YAML = variant_build.example_with([
    (r"^overrides:\n", "overrides:\n  logging: {log_events: true, debug_buffer: 16KiB}\n"
                      "  metrics: {cold_start: true}\n"),
])


def turn_on(msg_id=None):
    d = capability_plans.make_directive("Alexa.PowerController", "TurnOn", "switch#coffee_maker",
                                        {}, GOOD)
    if msg_id:
        d["directive"]["header"]["messageId"] = msg_id
    return d


def launch(request_id):
    user = {"userId": "amzn1.ask.account.TEST", "accessToken": GOOD}
    app = {"applicationId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
    return {"version": "1.0",
            "session": {"new": True, "sessionId": "amzn1.echo-api.session.1",
                        "application": app, "attributes": {}, "user": user},
            "context": {"System": {"application": app, "user": user,
                                   "device": {"deviceId": "d1", "supportedInterfaces": {}}}},
            "request": {"type": "LaunchRequest", "requestId": request_id,
                        "timestamp": "2026-01-01T00:00:00Z", "locale": "en-US"}}


def lines(r):
    """The JSON log lines of an invocation (EMF lines and emulator notes aside)."""
    out = []
    for text in r.get("logs") or []:
        try:
            j = json.loads(text)
        except ValueError:
            continue
        if isinstance(j, dict) and "level" in j and "_aws" not in j:
            out.append(j)
    return out


def emf(r):
    for text in r.get("logs") or []:
        try:
            j = json.loads(text)
        except ValueError:
            continue
        if isinstance(j, dict) and "_aws" in j:
            return j
    return None


class Case(unittest.TestCase):
    bootstrap = None

    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.sim = HASimulator(tokens=[GOOD]).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def start(self, **env):
        e = {"LEEC_HA_URL": self.sim.url}
        e.update(env)
        cmd = [type(self).bootstrap()] if type(self).bootstrap else None
        emu = harness.start_emulator(command=cmd, env=e)
        self.addCleanup(emu.stop)
        return emu


class TestCorrelationId(Case):
    def test_every_line_of_a_directive(self):
        emu = self.start(AWS_LAMBDA_LOG_LEVEL="DEBUG")
        for _ in range(2):
            mid = str(uuid.uuid4())
            r = emu.invoke(harness.event_bytes(turn_on(mid)))
            self.assertEqual(r["status"], "ok", r)
            inv = [j for j in lines(r) if "function_request_id" in j]
            self.assertGreaterEqual(len(inv), 2, r["logs"])  # the branch and the summary
            for j in inv:
                self.assertEqual(j.get("correlation_id"), mid, j)
                self.assertEqual(j.get("sampling_rate"), 0, j)

    def test_every_line_of_a_custom_skill_request(self):
        emu = self.start(AWS_LAMBDA_LOG_LEVEL="DEBUG")
        rid = "amzn1.echo-api.request." + str(uuid.uuid4())
        r = emu.invoke(harness.event_bytes(launch(rid)))
        inv = [j for j in lines(r) if "function_request_id" in j]
        self.assertTrue(inv, r["logs"])
        for j in inv:
            self.assertEqual(j.get("correlation_id"), rid, j)


class TestSampling(Case):
    def test_rate_one_logs_debug(self):
        emu = self.start(POWERTOOLS_LOGGER_SAMPLE_RATE="1")
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertEqual(r["status"], "ok", r)
        got = lines(r)
        self.assertTrue([j for j in got if j["level"] == "DEBUG"], r["logs"])
        for j in got:
            self.assertEqual(j["sampling_rate"], 1, j)

    def test_no_rate_no_debug(self):
        emu = self.start()
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertEqual(r["status"], "ok", r)
        got = lines(r)
        self.assertTrue(got)
        self.assertFalse([j for j in got if j["level"] == "DEBUG"], r["logs"])
        for j in got:
            self.assertEqual(j["sampling_rate"], 0, j)

    def test_invalid_rate_is_a_start_up_error(self):
        emu = self.start(POWERTOOLS_LOGGER_SAMPLE_RATE="often")
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertEqual(r["status"], "init_error", r)
        self.assertIn("POWERTOOLS_LOGGER_SAMPLE_RATE", json.dumps(r["logs"]))


class TestDebugBuffer(Case):
    @staticmethod
    def bootstrap():
        return variant_build.variant_bootstrap("debug-buffer", BUFFER_YAML)

    def test_held_lines_only_for_a_failing_invocation(self):
        emu = self.start()
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertEqual(r["status"], "ok", r)
        self.assertFalse([j for j in lines(r) if j["level"] == "DEBUG"], r["logs"])
        mid = str(uuid.uuid4())
        self.sim.set_fault("status", status=503, times=1)
        r = emu.invoke(harness.event_bytes(turn_on(mid)))
        self.assertEqual(r["status"], "ok", r)  # an Alexa ErrorResponse
        self.assertIn("BRIDGE_UNREACHABLE", r["body"].decode())
        debug = [j for j in lines(r) if j["level"] == "DEBUG"]
        self.assertTrue([j for j in debug if j["message"] == "event"], r["logs"])
        for j in debug:
            self.assertEqual(j["correlation_id"], mid)
        self.assertNotIn(GOOD, "\n".join(r["logs"]))
        # and the next successful one holds its lines back again
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertFalse([j for j in lines(r) if j["level"] == "DEBUG"], r["logs"])

    def test_cold_start_metric(self):
        emu = self.start()
        first = emf(emu.invoke(harness.event_bytes(turn_on())))
        second = emf(emu.invoke(harness.event_bytes(turn_on())))
        self.assertIsNotNone(first)
        self.assertEqual(first.get("ColdStart"), 1, first)
        names = [m["Name"] for m in first["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
        self.assertIn("ColdStart", names)
        self.assertNotIn("ColdStart", second, second)


if __name__ == "__main__":
    unittest.main(verbosity=2)
