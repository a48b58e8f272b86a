#!/usr/bin/python3
"""Tests of the Home Assistant simulator (tests/peers/ha_simulator.py) itself."""
import glob
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest
import uuid

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.path.join(SRC, "tests", "peers")
sys.path.insert(0, PEERS)

import alexa_validate  # noqa: E402
import capability_plans  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402

SAMPLES = os.path.join(alexa_validate.conformance_dir(), "alexa", "sample_messages")
GOOD = "test-token-good"
SH = "/api/alexa/smart_home"


def request(sim, method, path, body=None, token=GOOD, headers=None, context=None,
            timeout=10):
    """Returns (status, headers dict (lower-case), body bytes)."""
    if sim.url.startswith("https"):
        conn = http.client.HTTPSConnection("127.0.0.1", sim.port, timeout=timeout,
                                           context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=timeout)
    h = {"Content-Type": "application/json"}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def directive(ns, name, endpoint_id=None, payload=None, corr="corr-123"):
    d = {"header": {"namespace": ns, "name": name, "payloadVersion": "3",
                    "messageId": str(uuid.uuid4())}, "payload": payload or {}}
    if corr:
        d["header"]["correlationToken"] = corr
    if endpoint_id:
        d["endpoint"] = {"scope": {"type": "BearerToken", "token": "tok"},
                         "endpointId": endpoint_id, "cookie": {}}
    return {"directive": d}


def sample_directive_files():
    out = []
    for f in sorted(glob.glob(os.path.join(SAMPLES, "*", "*.json"))):
        with open(f) as fh:
            msg = json.load(fh)
        if "directive" in msg:  # responses, ChangeReport, DeferredResponse, errors are events
            out.append(f)
    return out


class SimTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = HASimulator(tokens=[GOOD, "second-token"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def setUp(self):
        self.sim.reset()

    def alexa(self, msg, token=GOOD):
        st, _, body = request(self.sim, "POST", SH, msg, token=token)
        self.assertEqual(st, 200, body[:300])
        return json.loads(body)

    def assertValid(self, reply, what=""):
        errs = alexa_validate.validate(reply)
        self.assertEqual(errs, [], "%s: %s" % (what, json.dumps(reply)[:600]))


class TestSmartHome(SimTestCase):
    def test_validator_can_fail(self):
        bad = {"event": {"header": {"namespace": "Alexa", "name": "Response",
                                    "payloadVersion": "3", "messageId": "x"},
                         "payload": {}},
               "context": {"properties": [{"namespace": "Alexa.PowerController",
                                           "name": "powerState", "value": "MAYBE",
                                           "timeOfSample": "2017-02-03T16:20:50.52Z",
                                           "uncertaintyInMilliseconds": 0}]}}
        self.assertNotEqual(alexa_validate.validate(bad), [])
        self.assertNotEqual(alexa_validate.validate(b"{not json"), [])
        # the fast path (per message kind) and the whole schema agree
        self.assertNotEqual(alexa_validate.validate(bad, fast=False), [])
        with open(os.path.join(SAMPLES, "StateReport", "StateReport.json")) as f:
            good = json.load(f)
        self.assertEqual(alexa_validate.validate(good), [])
        self.assertEqual(alexa_validate.validate(good, fast=False), [])

    def test_every_sample_directive_gets_a_valid_reply(self):
        files = sample_directive_files()
        self.assertGreaterEqual(len(files), 41)
        for f in files:
            with self.subTest(sample=os.path.relpath(f, SAMPLES)):
                with open(f) as fh:
                    msg = json.load(fh)
                reply = self.alexa(msg)
                self.assertValid(reply, f)
                h = reply["event"]["header"]
                self.assertNotEqual(h["name"], "ErrorResponse", json.dumps(reply)[:400])
                self.assertNotEqual(h["messageId"], msg["directive"]["header"]["messageId"])
                uuid.UUID(h["messageId"])
                corr = msg["directive"]["header"].get("correlationToken")
                self.assertEqual(h.get("correlationToken"), corr)
                if "endpoint" in msg["directive"]:
                    self.assertEqual(reply["event"]["endpoint"], msg["directive"]["endpoint"])
        print("\n  %d sample directives answered with schema-valid replies" % len(files),
              file=sys.stderr)

    def test_discovery_shape(self):
        reply = self.alexa(directive("Alexa.Discovery", "Discover",
                                     payload={"scope": {"type": "BearerToken", "token": "t"}},
                                     corr=None))
        self.assertValid(reply, "discovery")
        eps = {e["endpointId"]: e for e in reply["event"]["payload"]["endpoints"]}
        for eid in ("light#kitchen", "switch#coffee_maker", "climate#living_room",
                    "climate#upstairs", "lock#front_door", "sensor#outdoor_temperature",
                    "cover#garage", "fan#bedroom", "scene#movie_time",
                    "media_player#living_room_tv", "endpoint-001"):
            self.assertIn(eid, eps)
        k = eps["light#kitchen"]
        self.assertEqual(k["manufacturerName"], "Home Assistant")
        self.assertEqual(k["cookie"], {})
        ifaces = [c["interface"] for c in k["capabilities"]]
        for i in ("Alexa.PowerController", "Alexa.BrightnessController", "Alexa.ColorController",
                  "Alexa.ColorTemperatureController", "Alexa.EndpointHealth", "Alexa"):
            self.assertIn(i, ifaces)

    def test_report_state_of_every_endpoint_validates(self):
        for eid in self.sim.smart_home.endpoints():
            with self.subTest(endpoint=eid):
                r = self.alexa(directive("Alexa", "ReportState", eid))
                self.assertValid(r, eid)
                self.assertEqual(r["event"]["header"]["name"], "StateReport")

    def test_state_sequence_changes_report(self):
        def power():
            r = self.alexa(directive("Alexa", "ReportState", "light#kitchen"))
            return {p["name"]: p["value"] for p in r["context"]["properties"]}
        self.assertEqual(power()["powerState"], "OFF")
        r = self.alexa(directive("Alexa.PowerController", "TurnOn", "light#kitchen"))
        self.assertValid(r)
        self.alexa(directive("Alexa.BrightnessController", "SetBrightness", "light#kitchen",
                             {"brightness": 40}))
        self.assertEqual(power()["powerState"], "ON")
        self.assertEqual(power()["brightness"], 40)
        st, _, body = request(self.sim, "GET", "/api/states/light.kitchen")
        self.assertEqual(json.loads(body)["state"], "on")
        self.alexa(directive("Alexa.LockController", "Unlock", "lock#front_door"))
        st, _, body = request(self.sim, "GET", "/api/states/lock.front_door")
        self.assertEqual(json.loads(body)["state"], "unlocked")

    def test_errors(self):
        r = self.alexa(directive("Alexa.PowerController", "TurnOn", "light#nowhere"))
        self.assertValid(r)
        self.assertEqual(r["event"]["header"]["name"], "ErrorResponse")
        self.assertEqual(r["event"]["payload"]["type"], "NO_SUCH_ENDPOINT")
        self.assertEqual(r["event"]["header"]["correlationToken"], "corr-123")
        self.assertEqual(r["event"]["endpoint"]["endpointId"], "light#nowhere")
        r = self.alexa(directive("Alexa.LockController", "Lock", "light#kitchen"))
        self.assertValid(r)
        self.assertEqual(r["event"]["payload"]["type"], "INVALID_DIRECTIVE")
        r = self.alexa(directive("Alexa.ThermostatController", "SetTargetTemperature",
                                 "climate#living_room",
                                 {"targetSetpoint": {"value": 80, "scale": "CELSIUS"}}))
        self.assertValid(r)
        self.assertEqual(r["event"]["payload"]["type"], "TEMPERATURE_VALUE_OUT_OF_RANGE")
        r = self.alexa(directive("Alexa.Authorization", "AcceptGrant", payload={
            "grant": {"type": "OAuth2.AuthorizationCode", "code": "fail-me"},
            "grantee": {"type": "BearerToken", "token": "t"}}, corr=None))
        self.assertValid(r)
        self.assertEqual(r["event"]["header"]["namespace"], "Alexa.Authorization")
        self.assertEqual(r["event"]["payload"]["type"], "ACCEPT_GRANT_FAILED")
        bad = directive("Alexa.PowerController", "TurnOn", "light#kitchen")
        bad["directive"]["header"]["payloadVersion"] = "2"
        st, _, _ = request(self.sim, "POST", SH, bad)
        self.assertEqual(st, 500)
        st, _, _ = request(self.sim, "POST", SH, b"{not json")
        self.assertEqual(st, 500)

    def test_fahrenheit_and_celsius_thermostats(self):
        r = self.alexa(directive("Alexa.ThermostatController", "SetTargetTemperature",
                                 "climate#upstairs",
                                 {"targetSetpoint": {"value": 20, "scale": "CELSIUS"}}))
        self.assertValid(r)
        props = {p["name"]: p["value"] for p in r["context"]["properties"]}
        self.assertEqual(props["targetSetpoint"], {"value": 68, "scale": "FAHRENHEIT"})


class TestCapabilityPlans(SimTestCase):
    def test_plans(self):
        def send(msg):
            st, _, body = request(self.sim, "POST", SH, msg)
            self.assertEqual(st, 200)
            reply = json.loads(body)
            errs = alexa_validate.validate(reply)
            if errs:
                raise AssertionError("invalid reply: %s" % errs[:3])
            return reply

        paths = capability_plans.plan_paths()
        self.assertEqual(len(paths), 9)
        passed = 0
        for p in paths:
            with self.subTest(plan=os.path.basename(p)):
                fails = capability_plans.run_plan(p, send)
                self.assertEqual(fails, [])
                passed += not fails
        self.assertEqual(passed, len(paths))

    def test_runner_enforces_compare(self):
        # The plans' "compare" bounds are strict; EQUAL_TO honours the tolerance.
        exp = {"value": 7000, "compare": "GREATER_THAN"}
        self.assertFalse(capability_plans.compare_matches(7000, exp, 5))
        self.assertTrue(capability_plans.compare_matches(7001, exp, 5))
        exp = {"value": 2200, "compare": "LESS_THAN"}
        self.assertFalse(capability_plans.compare_matches(2200, exp, 5))
        self.assertTrue(capability_plans.compare_matches(2199, exp, 5))
        self.assertTrue(capability_plans.compare_matches(105, {"value": 100}, 5))
        self.assertFalse(capability_plans.compare_matches(106, {"value": 100}, 5))

    def test_runner_reports_mismatch(self):
        # a broken "device" that ignores every directive must fail the PowerController plan
        def send(msg):
            d = msg["directive"]
            if d["header"]["name"] == "ReportState":
                return self.alexa(msg)
            return self.alexa(directive("Alexa", "ReportState", d["endpoint"]["endpointId"]))
        plan = [p for p in capability_plans.plan_paths() if p.endswith("PowerController")][0]
        fails = capability_plans.run_plan(plan, send)
        self.assertTrue(any("powerState" in f for f in fails), fails)


class TestAuthAndFaults(SimTestCase):
    def test_auth_redaction_and_recording(self):
        st, _, body = request(self.sim, "GET", "/api/", token="second-token")
        self.assertEqual((st, json.loads(body)), (200, {"message": "API running."}))
        st, _, body = request(self.sim, "POST", SH, directive("Alexa", "ReportState",
                                                               "light#kitchen"))
        self.assertEqual(st, 200)
        st, _, body = request(self.sim, "GET", "/api/", token="expired-abc")
        self.assertEqual(st, 401)
        self.assertEqual(json.loads(body), {"message": "Invalid authentication"})
        reqs = self.sim.requests
        self.assertEqual(len(reqs), 3)
        self.assertEqual(len(self.sim.posts(SH)), 1)
        self.assertEqual(reqs[0]["token_index"], 1)
        self.assertEqual(reqs[1]["method"], "POST")
        self.assertTrue(reqs[1]["body"].startswith(b'{"directive"'))
        self.assertEqual(reqs[2]["auth_kind"], "expired")
        for r in reqs:
            self.assertEqual(r["headers"]["Authorization"], "REDACTED")
            self.assertNotIn(GOOD, json.dumps({k: v for k, v in r.items() if k != "body"}))

    def test_ban_after_failed_logins(self):
        for i in range(5):
            st, _, body = request(self.sim, "POST", SH, b"{}", token="wrong")
            self.assertEqual(st, 401)
        st, _, body = request(self.sim, "POST", SH, directive("Alexa", "ReportState",
                                                               "light#kitchen"))
        self.assertEqual(st, 403)
        st, _, _ = request(self.sim, "GET", "/api/")
        self.assertEqual(st, 403)
        self.sim.reset()
        st, _, _ = request(self.sim, "GET", "/api/")
        self.assertEqual(st, 200)
        self.sim.set_fault("ban", after=2)
        request(self.sim, "GET", "/api/", token=None)
        request(self.sim, "GET", "/api/", token="nope")
        st, _, _ = request(self.sim, "GET", "/api/")
        self.assertEqual(st, 403)
        self.sim.ban_after = 5

    def test_status_faults(self):
        for code in (404, 500, 502, 503, 504):
            self.sim.set_fault("status", status=code)
            st, _, body = request(self.sim, "POST", SH, b"{}")
            self.assertEqual(st, code)
            self.assertTrue(body)
        self.sim.set_fault("status", status=500, body=b"custom")
        self.assertEqual(request(self.sim, "GET", "/api/")[2], b"custom")
        self.sim.set_fault("status", status=503, times=1)
        self.assertEqual(request(self.sim, "GET", "/api/")[0], 503)
        self.assertEqual(request(self.sim, "GET", "/api/")[0], 200)
        self.sim.set_fault("none")
        self.assertEqual(request(self.sim, "GET", "/api/")[0], 200)

    def test_html_truncated_big(self):
        self.sim.set_fault("html200")
        st, h, body = request(self.sim, "POST", SH, b"{}")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn(b"<html>", body)
        self.sim.set_fault("truncated")
        st, h, body = request(self.sim, "POST", SH, b"{}")
        self.assertEqual((st, h["content-type"]), (200, "application/json"))
        self.assertRaises(ValueError, json.loads, body)
        self.sim.set_fault("big", size=3 << 20)
        st, h, body = request(self.sim, "POST", SH, b"{}")
        self.assertEqual(len(body), 3 << 20)
        self.assertEqual(int(h["content-length"]), 3 << 20)
        json.loads(body)

    def test_slow_does_not_block(self):
        self.sim.set_fault("slow", seconds=1.5, path=SH)
        result = {}

        def slow():
            t = time.time()
            result["st"] = request(self.sim, "POST", SH, directive(
                "Alexa", "ReportState", "light#kitchen"))[0]
            result["dt"] = time.time() - t
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.2)
        t = time.time()
        self.assertEqual(request(self.sim, "GET", "/api/")[0], 200)
        self.assertLess(time.time() - t, 1.0)
        th.join(5)
        self.assertEqual(result["st"], 200)
        self.assertGreaterEqual(result["dt"], 1.4)
        # a client with a short timeout gives up
        self.assertRaises((socket.timeout, TimeoutError), request, self.sim, "POST", SH,
                          b"{}", timeout=0.3)

    def test_reset(self):
        self.sim.set_fault("reset")
        with self.assertRaises((ConnectionResetError, http.client.RemoteDisconnected,
                                ConnectionAbortedError, BrokenPipeError)):
            request(self.sim, "POST", SH, directive("Alexa", "ReportState", "light#kitchen"))
        self.assertEqual(self.sim.requests[-1]["status"], "reset")
        self.sim.set_fault("none")
        self.assertEqual(request(self.sim, "GET", "/api/")[0], 200)


class TestRest(SimTestCase):
    def svc(self, domain, service, data):
        st, _, body = request(self.sim, "POST", "/api/services/%s/%s" % (domain, service), data)
        return st, json.loads(body)

    def test_rest(self):
        st, _, body = request(self.sim, "GET", "/api/config")
        cfg = json.loads(body)
        self.assertEqual((cfg["version"], cfg["time_zone"], cfg["location_name"]),
                         ("2026.11.1", "Europe/Berlin", "Home"))
        self.assertIn("temperature", cfg["unit_system"])
        st, _, body = request(self.sim, "GET", "/api/states")
        states = json.loads(body)
        ids = {s["entity_id"] for s in states}
        for e in ("light.kitchen", "switch.coffee_maker", "fan.bedroom", "cover.garage",
                  "media_player.living_room_tv", "automation.morning", "script.good_night",
                  "input_boolean.guest_mode", "input_select.house_mode",
                  "input_number.target_humidity", "input_text.message", "timer.laundry"):
            self.assertIn(e, ids)
        for s in states:
            self.assertIn("friendly_name", s["attributes"])
            self.assertIn("last_changed", s)
        st, _, body = request(self.sim, "GET", "/api/states/light.nope")
        self.assertEqual((st, json.loads(body)), (404, {"message": "Entity not found."}))

    def test_services(self):
        st, body = self.svc("input_number", "set_value",
                            {"entity_id": "input_number.target_humidity", "value": 55})
        self.assertEqual(st, 200)
        self.assertEqual(body[0]["state"], "55.0")
        self.assertEqual(self.svc("input_number", "set_value", {
            "entity_id": "input_number.target_humidity", "value": 99})[0], 400)
        self.assertEqual(self.svc("input_number", "set_value", {
            "entity_id": "input_number.target_humidity", "value": 52})[0], 400)
        self.assertEqual(self.svc("input_select", "select_option", {
            "entity_id": "input_select.house_mode", "option": "Moon"})[0], 400)
        st, body = self.svc("input_select", "select_option",
                            {"entity_id": "input_select.house_mode", "option": "Night"})
        self.assertEqual((st, body[0]["state"]), (200, "Night"))
        self.assertEqual(self.svc("input_text", "set_value", {
            "entity_id": "input_text.message", "value": "x" * 101})[0], 400)
        self.assertEqual(self.svc("input_boolean", "turn_on",
                                  {"entity_id": "input_boolean.guest_mode"})[1][0]["state"], "on")
        st, body = self.svc("timer", "start", {"entity_id": "timer.laundry",
                                               "duration": "00:10:00"})
        self.assertEqual(body[0]["state"], "active")
        self.assertEqual(self.svc("timer", "pause", {"entity_id": "timer.laundry"})[1][0]
                         ["state"], "paused")
        self.assertEqual(self.svc("timer", "cancel", {"entity_id": "timer.laundry"})[1][0]
                         ["state"], "idle")
        self.assertEqual(self.svc("automation", "trigger", {
            "entity_id": "automation.morning", "skip_condition": True})[0], 200)
        self.assertEqual(self.svc("script", "turn_on", {
            "entity_id": "script.good_night", "variables": {"x": 1}})[0], 200)
        self.assertEqual(self.svc("notify", "notify", {"message": "hi", "title": "t"})[0], 200)
        self.assertEqual(self.svc("notify", "notify", {"title": "no message"})[0], 400)
        self.assertEqual(self.svc("tts", "speak", {
            "entity_id": "tts.google_translate_en_com",
            "media_player_entity_id": "media_player.living_room_tv", "message": "hi"})[0], 200)
        self.assertEqual(self.svc("homeassistant", "turn_on", {
            "entity_id": ["light.kitchen", "switch.coffee_maker"]})[0], 200)
        self.assertEqual(self.svc("nosuch", "thing", {})[0], 400)
        calls = [(c["domain"], c["service"]) for c in self.sim.service_calls]
        self.assertIn(("automation", "trigger"), calls)
        self.assertIn(("tts", "speak"), calls)
        st, _, body = request(self.sim, "GET", "/api/states/switch.coffee_maker")
        self.assertEqual(json.loads(body)["state"], "on")

    def test_template_and_conversation(self):
        st, h, body = request(self.sim, "POST", "/api/template",
                              {"template": "{{ area_entities('kitchen') }}"})
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/plain"))
        self.assertEqual(body.decode(), "['light.kitchen', 'switch.coffee_maker']")
        st, _, _ = request(self.sim, "POST", "/api/template", {"template": "{{ nope( }}"})
        self.assertEqual(st, 400)
        st, _, body = request(self.sim, "POST", "/api/conversation/process",
                              {"text": "turn on the kitchen light", "conversation_id": "C1"})
        r = json.loads(body)
        self.assertEqual(r["conversation_id"], "C1")
        self.assertEqual(r["response"]["response_type"], "action_done")
        self.assertIn("speech", r["response"]["speech"]["plain"])
        st, _, body = request(self.sim, "POST", "/api/conversation/process",
                              {"text": "sing a song"})
        r = json.loads(body)
        self.assertEqual(r["response"]["response_type"], "error")
        self.assertTrue(r["conversation_id"])


class TestTLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fx = TLSFixtures()

    @classmethod
    def tearDownClass(cls):
        cls.fx.cleanup()

    def ctx(self, ca, cert=None, key=None):
        c = ssl.create_default_context(cafile=ca)
        if cert:
            c.load_cert_chain(cert, key)
        return c

    def test_tls_good_and_wrong_ca(self):
        fx = self.fx
        with HASimulator(tls_cert=fx.server_cert, tls_key=fx.server_key) as sim:
            self.assertTrue(sim.url.startswith("https://127.0.0.1:"))
            st, _, body = request(sim, "GET", "/api/", context=self.ctx(fx.ca_cert))
            self.assertEqual(st, 200)
            with self.assertRaises(ssl.SSLCertVerificationError):
                request(sim, "GET", "/api/", context=self.ctx(fx.other_ca_cert))
        with HASimulator(tls_cert=fx.wrong_server_cert, tls_key=fx.wrong_server_key) as sim:
            with self.assertRaises(ssl.SSLCertVerificationError):
                request(sim, "GET", "/api/", context=self.ctx(fx.ca_cert))
            self.assertEqual(sim.requests, [])

    def test_mtls(self):
        fx = self.fx
        with HASimulator(tls_cert=fx.server_cert, tls_key=fx.server_key,
                         require_client_cert_ca=fx.client_ca_cert) as sim:
            st, _, _ = request(sim, "GET", "/api/", context=self.ctx(
                fx.ca_cert, fx.client_cert, fx.client_key))
            self.assertEqual(st, 200)
            self.assertEqual(sim.requests[-1]["client_cert_cn"], "leec-lambda")
            for cert, key in ((None, None), (fx.rogue_client_cert, fx.rogue_client_key)):
                with self.assertRaises((ssl.SSLError, ConnectionResetError, BrokenPipeError,
                                        http.client.RemoteDisconnected)):
                    request(sim, "GET", "/api/", context=self.ctx(fx.ca_cert, cert, key))
            self.assertEqual(len(sim.requests), 1)

    def test_reset_over_tls(self):
        fx = self.fx
        with HASimulator(tls_cert=fx.server_cert, tls_key=fx.server_key) as sim:
            sim.set_fault("reset")
            with self.assertRaises((ConnectionResetError, http.client.RemoteDisconnected,
                                    ssl.SSLError, BrokenPipeError)):
                request(sim, "POST", SH, b"{}", context=self.ctx(fx.ca_cert))


class TestCLI(unittest.TestCase):
    def test_cli(self):
        p = subprocess.Popen([sys.executable, os.path.join(PEERS, "ha_simulator.py"),
                              "--port", "0", "--token", "cli-token",
                              "--fault", "status:status=502,times=1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            url = p.stdout.readline().decode().strip()
            self.assertTrue(url.startswith("http://127.0.0.1:"), url)
            port = int(url.rsplit(":", 1)[1])
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/", headers={"Authorization": "Bearer cli-token"})
            self.assertEqual(conn.getresponse().status, 502)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/", headers={"Authorization": "Bearer cli-token"})
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
        finally:
            p.terminate()
            p.wait(5)
            p.stdout.close()
            p.stderr.close()


    def test_taken_port_is_one_line(self):
        # A real Home Assistant on the port (8123 in a user's house): one line, exit 2,
        # no traceback, nothing served.
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            port = busy.getsockname()[1]
            r = subprocess.run([sys.executable, os.path.join(PEERS, "ha_simulator.py"),
                                "--port", str(port)], capture_output=True, text=True,
                               timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn("cannot listen on 127.0.0.1:%d" % port, r.stderr)
        self.assertIn("leave out --port", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=1)
