"""Every feature preset (minimal … full) builds into a bootstrap that carries exactly
its features: the health answer lists them, and a Custom-skill intent of a feature
that is not compiled in gets the "isn't included in this build" answer."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import variant_build  # noqa: E402

# What each feature preset must contain (presets/features/*.yaml, resolved by hand).
EXPECTED = {
    "minimal": {"devices", "alexa", "response"},
    "voice_control": {"devices", "alexa", "response", "conversation"},
    "automation_basic": {"devices", "alexa", "response", "automation", "scripts"},
    "smart_home": {"devices", "alexa", "response", "automation", "scripts", "areas",
                   "input_helpers"},
    "full": {"devices", "alexa", "response", "automation", "scripts", "areas", "input_helpers",
             "conversation", "notifications", "timers"},
}
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"  # examples/leec.yaml


def timer_intent():
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    app = {"applicationId": SKILL}
    return {"version": "1.0",
            "session": {"new": True, "sessionId": "s1", "application": app,
                        "user": {"userId": "u1"}},
            "context": {"System": {"application": app, "user": {"userId": "u1"}}},
            "request": {"type": "IntentRequest", "requestId": "r1", "timestamp": now,
                        "locale": "en-US",
                        "intent": {"name": "StartTimerIntent",
                                   "slots": {"Duration": {"name": "Duration", "value": "PT10M"},
                                             "Name": {"name": "Name", "value": "laundry"}}}}}


class FeaturePresetBuilds(unittest.TestCase):
    def test_each_feature_preset(self):
        for preset, features in EXPECTED.items():
            with self.subTest(feature_preset=preset):
                text = variant_build.example_with([(r"^features: smart_home$",
                                                    "features: %s" % preset)])
                boot = variant_build.variant_bootstrap("features-" + preset, text)
                with harness.start_emulator(
                        command=[boot], env={"LEEC_HA_URL": "http://127.0.0.1:9",
                                             "LEEC_HA_TOKEN": "t"}) as emu:
                    r = emu.invoke(harness.event_bytes({"health_check": True}))
                    self.assertEqual(r["status"], "ok", r)
                    health = json.loads(r["body"])
                    self.assertEqual(health["feature_preset"], preset)
                    self.assertEqual(set(health["features"]), features)
                    if "timers" not in features:
                        r = emu.invoke(harness.event_bytes(timer_intent()))
                        self.assertEqual(r["status"], "ok", r)
                        speech = json.loads(r["body"])["response"]["outputSpeech"]
                        text_said = speech.get("text") or speech.get("ssml", "")
                        self.assertIn("isn't included in this build", text_said)


if __name__ == "__main__":
    unittest.main(verbosity=2)
