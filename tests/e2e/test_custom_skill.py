#!/usr/bin/python3
"""End-to-end Alexa Custom-skill tests: Lambda emulator -> bootstrap -> HA simulator.

TestFull uses a bootstrap built from examples/full.yaml (every feature) into
<LEEC_BUILD_DIR>/full (configured and built here if missing; only the bootstrap target);
TestDefault uses the default build (examples/leec.yaml: no timers, conversation or
notifications) to check the "not included in this build" answer."""
import datetime
import fcntl
import json
import os
import subprocess
import sys
import threading
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402

GOOD = "test-token-good"
LL = "test-token-longlived"
FULL_SKILL = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
DEFAULT_SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def full_bootstrap():
    """The bootstrap of examples/full.yaml in <build>/full. Built under a lock: CTest runs
    this test and test_custom_skill_i18n in parallel, and two cmake runs in one build tree
    race (a test failed when both rebuilt it at once)."""
    out = os.path.join(harness.build_dir(), "full")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(harness.build_dir(), "full.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_full(out)


def _build_full(out):
    boot = os.path.join(out, "runtime", "bootstrap")
    src = harness.source_dir()
    if not os.path.exists(os.path.join(out, "CMakeCache.txt")):
        # same sanitizer setting and build type as the main build
        extra = ["-D%s=%s" % (k, harness.cmake_cache(k))
                 for k in ("LEEC_SANITIZE", "CMAKE_BUILD_TYPE") if harness.cmake_cache(k) is not None]
        subprocess.run(["cmake", "-S", src, "-B", out,
                        "-DLEEC_CONFIG=%s" % os.path.join(src, "examples", "full.yaml"),
                        "-DLEEC_BUILD_TESTS=OFF"] + extra, check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", out, "-j2", "--target", "bootstrap"], check=True,
                   stdout=subprocess.DEVNULL)
    return boot


class FakeSSM:
    """Answers every GetParameter with a fixed value (the Cloudflare header secret)."""

    def __init__(self):
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                req = json.loads(self.rfile.read(n) or b"{}")
                body = json.dumps({"Parameter": {"Name": req.get("Name"), "Type": "SecureString",
                                                 "Value": "cf-secret-value", "Version": 1}})
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())
        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.srv.server_address[1]

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def now_iso(delta_s=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_s)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def request(rtype="IntentRequest", intent=None, slots=None, app=FULL_SKILL, token=GOOD,
            ts=None, attrs=None, version="1.0"):
    user = {"userId": "amzn1.ask.account.TEST"}
    if token:
        user["accessToken"] = token
    req = {"type": rtype, "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
           "timestamp": ts or now_iso(), "locale": "en-US"}
    if intent:
        req["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {
            k: {"name": k, "value": v, "confirmationStatus": "NONE"}
            for k, v in (slots or {}).items()}}
    return {"version": version,
            "session": {"new": attrs is None, "sessionId": "amzn1.echo-api.session.1",
                        "application": {"applicationId": app}, "attributes": attrs or {},
                        "user": user},
            "context": {"System": {"application": {"applicationId": app}, "user": user,
                                   "device": {"deviceId": "d1", "supportedInterfaces": {}}}},
            "request": req}


class Base(unittest.TestCase):
    skill = FULL_SKILL
    env_extra = {}

    @classmethod
    def boot(cls):
        return harness.require_file(harness.bootstrap_path())

    @classmethod
    def setUpClass(cls):
        cls.bootstrap = cls.boot()
        cls.sim = HASimulator(tokens=[GOOD, LL], custom_skill=True).start()
        cls.ssm = FakeSSM()
        env = {"LEEC_HA_URL": cls.sim.url, "LEEC_SSM_ENDPOINT": cls.ssm.url,
               "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
               "CF_CLIENT_ID": "cf-id", "LEEC_HA_TOKEN": LL}
        env.update(cls.env_extra)
        cls.env = env
        cls.emu = harness.start_emulator(command=[cls.bootstrap], env=env)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        cls.sim.stop()
        cls.ssm.stop()

    def setUp(self):
        # a fresh function per test: the per-user rate limit (burst 20) and the cache start
        # empty
        type(self).emu.stop()
        type(self).emu = harness.start_emulator(command=[self.bootstrap], env=self.env)
        self.sim.reset()

    def invoke(self, msg):
        return self.emu.invoke(harness.event_bytes(msg))

    def ask(self, intent=None, slots=None, **kw):
        kw.setdefault("app", self.skill)
        r = self.invoke(request(intent=intent, slots=slots, **kw) if intent or "rtype" not in kw
                        else request(slots=slots, **kw))
        self.assertEqual(r["status"], "ok", "%s %s" % (r.get("error_type"), r.get("logs")))
        body = r["body"]
        if isinstance(body, bytes):
            body = body.decode()
        out = json.loads(body)
        self.assertEqual(out["version"], "1.0")
        self.assertNotIn(GOOD, body)
        self.assertNotIn(LL, json.dumps(r.get("logs", "")))
        self.assertNotIn(GOOD, json.dumps(r.get("logs", "")))
        return out

    @staticmethod
    def speech(out):
        os_ = out["response"]["outputSpeech"]
        return os_.get("text") or os_.get("ssml")

    def calls(self):
        return [(c["domain"], c["service"], c["data"]) for c in self.sim.service_calls]

    def service_posts(self):
        return [r for r in self.sim.requests if r["path"].startswith("/api/services/")]


class TestFull(Base):
    @classmethod
    def boot(cls):
        return full_bootstrap()

    def test_launch_help_stop_fallback_session_end(self):
        out = self.ask(rtype="LaunchRequest")
        self.assertFalse(out["response"]["shouldEndSession"])
        self.assertIn("reprompt", out["response"])
        out = self.ask("AMAZON.HelpIntent")
        self.assertFalse(out["response"]["shouldEndSession"])
        out = self.ask("AMAZON.StopIntent")
        self.assertTrue(out["response"]["shouldEndSession"])
        self.assertEqual(self.speech(out), "Goodbye.")
        out = self.ask("AMAZON.CancelIntent")
        self.assertTrue(out["response"]["shouldEndSession"])
        out = self.ask("AMAZON.FallbackIntent")
        self.assertFalse(out["response"]["shouldEndSession"])
        out = self.ask(rtype="SessionEndedRequest")
        self.assertEqual(out["response"], {})
        self.assertEqual(self.service_posts(), [])

    def test_trigger_automation(self):
        out = self.ask("TriggerAutomationIntent", {"Automation": "the morning routine"})
        self.assertEqual(self.calls(), [("automation", "trigger",
                                         {"entity_id": "automation.morning"})])
        self.assertEqual(self.speech(out), "Triggered Morning Routine.")
        self.assertTrue(out["response"]["shouldEndSession"])

    def test_automation_ambiguous_and_no_match(self):
        out = self.ask("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        self.assertEqual(self.calls(), [])
        self.assertFalse(out["response"]["shouldEndSession"])
        s = self.speech(out)
        self.assertIn("Kitchen Lights On", s)
        self.assertIn("Kitchen Lights Off", s)
        self.assertIn("Which one", out["response"]["reprompt"]["outputSpeech"]["text"])
        out = self.ask("TriggerAutomationIntent", {"Automation": "garage party"})
        self.assertEqual(self.calls(), [])
        self.assertIn("couldn't find an automation called garage party", self.speech(out))
        self.assertIn("closest one is", self.speech(out))

    def test_states_cached_per_token(self):
        self.ask("TriggerAutomationIntent", {"Automation": "night lights"})
        self.ask("TriggerAutomationIntent", {"Automation": "morning routine"})
        gets = [r for r in self.sim.requests if r["path"] == "/api/states"]
        self.assertEqual(len(gets), 1)
        self.ask("TriggerAutomationIntent", {"Automation": "morning routine"}, token=None)
        gets = [r for r in self.sim.requests if r["path"] == "/api/states"]
        self.assertEqual(len(gets), 2)  # another token, another scope
        self.assertEqual(len(self.calls()), 3)
        # the long-lived token (LEEC_HA_TOKEN) was used when the request had none
        last = self.service_posts()[-1]
        self.assertEqual(last["token_index"], 1)

    def test_run_script_and_lists(self):
        out = self.ask("RunScriptIntent", {"Script": "good night"})
        self.assertEqual(self.calls(), [("script", "turn_on", {"entity_id": "script.good_night"})])
        self.assertEqual(self.speech(out), "Running Good Night.")
        out = self.ask("ListAutomationsIntent")
        self.assertIn("Morning Routine", self.speech(out))
        self.assertIn("4 automations", self.speech(out))
        out = self.ask("ListScriptsIntent")
        self.assertEqual(self.speech(out), "You have 1 script: Good Night.")

    def test_input_helpers(self):
        out = self.ask("SetInputHelperIntent", {"Helper": "guest mode", "Value": "enable"})
        self.assertEqual(self.calls()[-1], ("input_boolean", "turn_on",
                                            {"entity_id": "input_boolean.guest_mode"}))
        self.assertEqual(self.speech(out), "Guest Mode is now on.")
        out = self.ask("SetInputHelperIntent", {"Helper": "guest mode", "Value": "purple"})
        self.assertEqual(len(self.calls()), 1)
        self.assertIn("on or off", self.speech(out))
        out = self.ask("SetInputHelperIntent", {"Helper": "house mode", "Value": "away"})
        self.assertEqual(self.calls()[-1], ("input_select", "select_option",
                                            {"entity_id": "input_select.house_mode",
                                             "option": "Away"}))
        out = self.ask("SetInputHelperIntent", {"Helper": "house mode", "Value": "party"})
        self.assertEqual(len(self.calls()), 2)
        self.assertEqual(self.speech(out), "House Mode can be Home, Away, Night or Vacation.")
        out = self.ask("SetInputHelperIntent", {"Helper": "target humidity", "Value": "50"})
        self.assertEqual(self.calls()[-1], ("input_number", "set_value",
                                            {"entity_id": "input_number.target_humidity",
                                             "value": 50}))
        self.assertEqual(self.speech(out), "Target Humidity is now 50.")
        out = self.ask("SetInputHelperIntent", {"Helper": "target humidity", "Value": "90"})
        self.assertEqual(self.speech(out), "Target Humidity can be set from 30 to 70.")
        out = self.ask("SetInputHelperIntent", {"Helper": "target humidity", "Value": "52"})
        self.assertIn("in steps of 5", self.speech(out))
        out = self.ask("SetInputHelperIntent", {"Helper": "target humidity", "Value": "lots"})
        self.assertEqual(len(self.calls()), 3)
        out = self.ask("SetInputHelperIntent", {"Helper": "message", "Value": "hello world"})
        self.assertEqual(self.calls()[-1], ("input_text", "set_value",
                                            {"entity_id": "input_text.message",
                                             "value": "hello world"}))
        out = self.ask("SetInputHelperIntent", {"Helper": "message", "Value": "x" * 101})
        self.assertEqual(len(self.calls()), 4)
        self.assertEqual(self.speech(out), "Message takes 0 to 100 characters.")
        out = self.ask("GetInputHelperIntent", {"Helper": "target humidity"})
        self.assertEqual(self.speech(out), "Target Humidity is 50 percent.")
        out = self.ask("GetInputHelperIntent", {"Helper": "house mode"})
        self.assertEqual(self.speech(out), "House Mode is Away.")

    def test_announcement_and_notification(self):
        out = self.ask("MakeAnnouncementIntent", {"Message": "dinner is ready"})
        self.assertEqual(self.calls(), [("tts", "speak", {
            "entity_id": "tts.home_assistant_cloud",
            "media_player_entity_id": ["media_player.kitchen_speaker",
                                       "media_player.living_room_speaker"],
            "message": "dinner is ready"})])
        self.assertEqual(self.speech(out), "Announced.")
        self.sim.reset()
        out = self.ask("MakeAnnouncementIntent", {"Message": "dinner is ready",
                                                  "Room": "kitchen"})
        self.assertEqual(self.calls(), [("tts", "speak", {
            "entity_id": "tts.home_assistant_cloud",
            "media_player_entity_id": ["media_player.kitchen_speaker"],
            "message": "dinner is ready"})])
        self.assertEqual(self.speech(out), "Announced in the kitchen.")
        self.sim.reset()
        out = self.ask("MakeAnnouncementIntent", {"Message": "hi", "Room": "garden"})
        self.assertEqual(self.calls(), [])
        self.assertIn("didn't find a speaker in the garden", self.speech(out))
        out = self.ask("SendNotificationIntent", {"Message": "the laundry is done"})
        self.assertEqual(self.calls(), [("notify", "mobile_app_phone",
                                         {"message": "the laundry is done", "title": "Alexa"})])
        self.assertEqual(self.speech(out), "Notification sent.")

    def test_area_control(self):
        out = self.ask("AreaControlIntent", {"Area": "kitchen", "Action": "off",
                                             "DeviceType": "everything"})
        self.assertEqual(self.calls()[0], ("homeassistant", "turn_off", {"entity_id": [
            "light.kitchen", "switch.coffee_maker", "media_player.kitchen_speaker"]}))
        self.assertEqual(self.speech(out), "Turned off everything in the kitchen.")
        self.sim.reset()
        out = self.ask("AreaControlIntent", {"Area": "living room", "Action": "on",
                                             "DeviceType": "lights"})
        self.assertEqual(self.calls()[0], ("light", "turn_on",
                                           {"entity_id": ["light.living_room"]}))
        self.sim.reset()
        out = self.ask("AreaControlIntent", {"Area": "bedroom", "Action": "on",
                                             "DeviceType": "covers"})
        self.assertEqual(self.calls(), [])
        self.assertEqual(self.speech(out), "I didn't find any covers in the bedroom.")
        out = self.ask("AreaControlIntent", {"Area": "kitchen", "Action": "sideways",
                                             "DeviceType": "lights"})
        self.assertEqual(self.calls(), [])
        out = self.ask("AreaControlIntent", {"Area": "kitchen", "Action": "on",
                                             "DeviceType": "toasters"})
        self.assertEqual(self.calls(), [])
        self.assertIn("lights, switches, fans", self.speech(out))
        # template injection is impossible: the area name is reduced to words
        out = self.ask("AreaControlIntent", {"Area": "kitchen') }}{{ states('x", "Action": "on",
                                             "DeviceType": "lights"})
        tpl = [json.loads(r["body"]) for r in self.sim.requests if r["path"] == "/api/template"]
        self.assertEqual(tpl[-1]["template"], "{{ area_entities('kitchen states x') }}")

    def test_timers(self):
        out = self.ask("StartTimerIntent", {"Duration": "PT1H30M", "Name": "laundry"})
        self.assertEqual(self.calls(), [("timer", "start", {"entity_id": "timer.laundry",
                                                             "duration": "01:30:00"})])
        self.assertEqual(self.speech(out), "Started the Laundry timer for 1 hour 30 minutes.")
        out = self.ask("TimerStatusIntent", {"Name": "laundry"})
        self.assertEqual(self.speech(out),
                         "The Laundry timer is running, with 1 hour 30 minutes left.")
        out = self.ask("PauseTimerIntent", {"Name": "laundry"})
        self.assertEqual(self.calls()[-1], ("timer", "pause", {"entity_id": "timer.laundry"}))
        out = self.ask("TimerStatusIntent", {"Name": "laundry"})
        self.assertIn("paused", self.speech(out))
        out = self.ask("CancelTimerIntent", {"Name": "laundry"})
        self.assertEqual(self.calls()[-1], ("timer", "cancel", {"entity_id": "timer.laundry"}))
        self.assertEqual(self.speech(out), "Cancelled the laundry timer."
                         if False else "Cancelled the Laundry timer.")
        n = len(self.calls())
        for bad, words in (("P1D", "shorter than a day"), ("PT?M", "didn't catch"),
                           ("PT0S", "didn't catch"), ("ten minutes", "didn't catch"),
                           ("PT25H", "shorter than a day")):
            out = self.ask("StartTimerIntent", {"Duration": bad, "Name": "laundry"})
            self.assertIn(words, self.speech(out), bad)
        self.assertEqual(len(self.calls()), n)
        out = self.ask("StartTimerIntent", {"Duration": "PT10M"})  # two timers: which?
        self.assertEqual(len(self.calls()), n)
        self.assertFalse(out["response"]["shouldEndSession"])
        self.assertIn("Laundry", self.speech(out))
        self.assertIn("Pasta", self.speech(out))

    def test_conversation(self):
        out = self.ask("ConversationIntent", {"Query": "turn on the kitchen light"})
        self.assertEqual(self.calls()[0], ("light", "turn_on", {"entity_id": "light.kitchen"}))
        self.assertEqual(out["response"]["outputSpeech"]["type"], "SSML")
        self.assertEqual(self.speech(out), "<speak>Turned on the Kitchen Light</speak>")
        cid = out["sessionAttributes"]["conversation_id"]
        self.assertTrue(cid)
        self.assertTrue(out["response"]["shouldEndSession"])
        out = self.ask("ConversationIntent", {"Query": "what's the temperature"},
                       attrs={"conversation_id": cid})
        body = json.loads([r for r in self.sim.requests
                           if r["path"] == "/api/conversation/process"][-1]["body"])
        self.assertEqual(body, {"text": "what's the temperature", "language": "en",
                                "conversation_id": cid})
        self.assertEqual(out["sessionAttributes"]["conversation_id"], cid)

    def test_status(self):
        out = self.ask("HomeAssistantStatusIntent")
        self.assertEqual(self.speech(out), "Home Assistant is running, version 2026.11.1.")

    def test_get_never_sent_twice(self):
        # GET /api/ leaves a kept-alive connection; Home Assistant reads the GET
        # /api/config on it and closes without answering. libcurl would send it again on
        # a new connection: the bootstrap refuses, so HA sees it once (issue 20 item 4).
        self.sim.set_fault("close", path="/api/config", times=1)
        out = self.ask("HomeAssistantStatusIntent")
        gets = [r for r in self.sim.requests if r["path"] == "/api/config"]
        self.assertEqual(len(gets), 1, [(r["method"], r["path"]) for r in self.sim.requests])
        self.assertIn("Sorry", self.speech(out))
        self.assertEqual(len([r for r in self.sim.requests if r["path"] == "/api/"]), 1)

    def test_ha_failure_is_a_spoken_apology(self):
        self.sim.set_fault("status", status=503)
        out = self.ask("HomeAssistantStatusIntent")
        self.assertIn("Sorry, Home Assistant isn't answering", self.speech(out))
        self.sim.set_fault("none")

    def test_security_rejections_make_no_call(self):
        for msg, etype in (
                (request(intent="HomeAssistantStatusIntent",
                         app="amzn1.ask.skill.99999999-0000-0000-0000-000000000000"),
                 "Security.SkillIdMismatch"),
                (request(intent="HomeAssistantStatusIntent", ts=now_iso(-600)),
                 "Security.StaleRequest"),
                (request(intent="HomeAssistantStatusIntent", ts="yesterday"),
                 "Security.StaleRequest"),
                (request(intent="HomeAssistantStatusIntent", version="2.0"),
                 "Custom.InvalidRequest")):
            r = self.invoke(msg)
            self.assertEqual(r["status"], "error")
            self.assertEqual(r["error_type"], etype)
        self.assertEqual(self.sim.requests, [])


class TestDefault(Base):
    skill = DEFAULT_SKILL
    env_extra = {}

    def test_features_not_in_build(self):
        for intent, slots in (("StartTimerIntent", {"Duration": "PT10M"}),
                              ("ConversationIntent", {"Query": "hello"}),
                              ("SendNotificationIntent", {"Message": "hi"}),
                              ("MakeAnnouncementIntent", {"Message": "hi"})):
            out = self.ask(intent, slots)
            self.assertEqual(self.speech(out),
                             "Sorry, that feature isn't included in this build.")
        self.assertEqual(self.sim.requests, [])

    def test_included_feature_works(self):
        out = self.ask("TriggerAutomationIntent", {"Automation": "morning routine"})
        self.assertEqual(self.calls(), [("automation", "trigger",
                                         {"entity_id": "automation.morning"})])
        self.assertEqual(self.speech(out), "Triggered Morning Routine.")


if __name__ == "__main__":
    unittest.main(verbosity=2)
