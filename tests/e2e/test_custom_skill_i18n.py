#!/usr/bin/python3
"""End-to-end Custom skill in the user's language and over several turns: Lambda emulator ->
bootstrap (examples/full.yaml, every feature) -> HA simulator.

Every intent is asked in each language family (en-US, de-DE, fr-FR, es-ES, it-IT) and must be
answered with that language's message from presets/skill/messages.<lang>.yaml
(tests/peers/skill_messages.py fills the expected text); a locale without a catalogue is
answered in English. The dialog: an ambiguous name asks "which one?" and keeps the candidates in
sessionAttributes; the next turn (a position, a name, yes/no) resolves against them; a stale,
foreign or malformed question is refused. Script fields, number words, the closest area,
NavigateHome. Every answer that keeps the session open carries a reprompt."""
import copy
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import skill_messages as sm  # noqa: E402
import test_custom_skill as tcs  # noqa: E402

CATS = sm.load_all()
# What the runtime's list and duration rules (runtime/custom/lang.c, the only copy) must say,
# written out: two names joined, and 5400 seconds.
LIST2 = {"en": "%s and %s", "de": "%s und %s", "fr": "%s et %s", "es": "%s y %s",
         "it": "%s e %s"}
HOUR_AND_HALF = {"en": "1 hour 30 minutes", "de": "1 Stunde und 30 Minuten",
                 "fr": "1 heure et 30 minutes", "es": "1 hora y 30 minutos",
                 "it": "1 ora e 30 minuti"}
FAMILIES = [("en-US", "en"), ("de-DE", "de"), ("fr-FR", "fr"), ("es-ES", "es"), ("it-IT", "it")]
SESSION = "amzn1.echo-api.session.i18n"


def slot(value, rid=None, rname=None):
    """A slot with an entity-resolution match (id, name) like Alexa sends for custom types."""
    s = {"value": value}
    if rid is not None:
        s["resolutions"] = {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.Action",
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": rname or value, "id": rid}}]}]}
    return s


def event(intent=None, slots=None, locale="en-US", attrs=None, session=SESSION, new=None,
          rtype="IntentRequest"):
    msg = tcs.request(rtype=rtype, intent=intent, slots=None, attrs=attrs)
    msg["request"]["locale"] = locale
    msg["session"]["sessionId"] = session
    if new is not None:
        msg["session"]["new"] = new
    if intent:
        msg["request"]["intent"]["slots"] = {}
        for k, v in (slots or {}).items():
            v = v if isinstance(v, dict) else {"value": v}
            msg["request"]["intent"]["slots"][k] = dict(
                {"name": k, "confirmationStatus": "NONE"}, **v)
    return msg


class Base(tcs.Base):
    @classmethod
    def boot(cls):
        return tcs.full_bootstrap()

    def turn(self, intent=None, slots=None, locale="en-US", **kw):
        r = self.invoke(event(intent, slots, locale, **kw))
        self.assertEqual(r["status"], "ok", "%s %s" % (r.get("error_type"), r.get("logs")))
        body = r["body"].decode() if isinstance(r["body"], bytes) else r["body"]
        out = json.loads(body)
        resp = out["response"]
        if resp and not resp.get("shouldEndSession", True):
            self.assertIn("reprompt", resp, "an open session without a reprompt: %s" % body)
        return out

    def fresh(self):
        """A new function (the per-user rate limit starts again) and a new house."""
        type(self).emu.stop()
        type(self).emu = harness.start_emulator(command=[self.bootstrap], env=self.env)
        self.sim.reset()

    @staticmethod
    def text(out):
        return tcs.Base.speech(out)

    @staticmethod
    def reprompt(out):
        return out["response"]["reprompt"]["outputSpeech"]["text"]


class TestLanguages(Base):
    def expect(self, lang, key, **kw):
        return sm.fill(CATS[lang], key, **kw)

    def test_every_intent_in_every_language_family(self):
        for locale, lang in FAMILIES:
            cat = CATS[lang]
            with self.subTest(locale=locale):
                self.fresh()
                E = lambda key, **kw: sm.fill(cat, key, **kw)  # noqa: E731
                out = self.turn(rtype="LaunchRequest", locale=locale)
                self.assertEqual(self.text(out), E("launch"))
                self.assertEqual(self.reprompt(out), E("launch_reprompt"))
                out = self.turn("AMAZON.HelpIntent", locale=locale)
                self.assertEqual(self.text(out), " ".join(cat["messages"]["help"].split()))
                self.assertEqual(self.text(self.turn("AMAZON.FallbackIntent", locale=locale)),
                                 E("fallback"))
                self.assertEqual(self.text(self.turn("AMAZON.StopIntent", locale=locale)),
                                 E("goodbye"))
                out = self.turn("AMAZON.NavigateHomeIntent", locale=locale)
                self.assertEqual(self.text(out), E("goodbye"))
                self.assertTrue(out["response"]["shouldEndSession"])
                out = self.turn("TriggerAutomationIntent", {"Automation": "morning routine"},
                                locale)
                self.assertEqual(self.text(out), E("triggered", name="Morning Routine"))
                out = self.turn("ListScriptsIntent", locale=locale)
                self.assertEqual(self.text(out), E("list_one.script", list="Good Night"))
                out = self.turn("ListAutomationsIntent", locale=locale)
                names = ["Morning Routine", "Night Lights", "Kitchen Lights On",
                         "Kitchen Lights Off"]
                got = self.text(out)
                self.assertTrue(got.startswith(E("list_all.automation", count="4", list="")
                                               .rstrip(".")), got)
                self.assertIn(LIST2[lang] % tuple(names[-2:]), got)
                out = self.turn("RunScriptIntent", {"Script": "good night"}, locale)
                self.assertEqual(self.text(out), E("running", name="Good Night"))
                on_word = cat["bool"]["on"][0]
                out = self.turn("SetInputHelperIntent", {"Helper": "guest mode",
                                                         "Value": on_word}, locale)
                self.assertEqual(self.text(out), E("now", name="Guest Mode",
                                                   value=cat["messages"]["state_on"]))
                out = self.turn("GetInputHelperIntent", {"Helper": "house mode"}, locale)
                self.assertEqual(self.text(out), E("is", name="House Mode", value="Home"))
                out = self.turn("GetInputHelperIntent", {"Helper": "target humidity"}, locale)
                self.assertEqual(self.text(out), E("is_unit", name="Target Humidity", value="45",
                                                   unit=cat["format"]["percent"]))
                out = self.turn("MakeAnnouncementIntent", {"Message": "hello",
                                                           "Room": "kitchen"}, locale)
                self.assertEqual(self.text(out), E("announced_in", room="kitchen"))
                out = self.turn("SendNotificationIntent", {"Message": "hello"}, locale)
                self.assertEqual(self.text(out), E("notified"))
                self.assertEqual(self.calls()[-1][2]["title"], cat["messages"]["notify_title"])
                self.fresh()  # the per-user rate limit allows a burst of 20
                out = self.turn("AreaControlIntent", {
                    "Area": "kitchen", "Action": slot(cat["bool"]["off"][0], "off"),
                    "DeviceType": slot("x", "everything")}, locale)
                self.assertIn(("homeassistant", "turn_off"), [c[:2] for c in self.calls()])
                self.assertEqual(self.text(out), E("area_off", what=cat["messages"][
                    "kind.everything"], area="kitchen"))
                out = self.turn("StartTimerIntent", {"Duration": "PT1H30M",
                                                     "Name": "laundry"}, locale)
                self.assertEqual(self.text(out), E("timer_started", name="Laundry",
                                                   duration=HOUR_AND_HALF[lang]))
                out = self.turn("TimerStatusIntent", {"Name": "laundry"}, locale)
                self.assertEqual(self.text(out), E("timer_running_left", name="Laundry",
                                                   duration=HOUR_AND_HALF[lang]))
                out = self.turn("PauseTimerIntent", {"Name": "laundry"}, locale)
                self.assertEqual(self.text(out), E("timer_paused", name="Laundry"))
                out = self.turn("CancelTimerIntent", {"Name": "laundry"}, locale)
                self.assertEqual(self.text(out), E("timer_cancelled", name="Laundry"))
                out = self.turn("StartTimerIntent", {"Duration": "P1D", "Name": "laundry"},
                                locale)
                self.assertEqual(self.text(out), E("timer_too_long"))
                out = self.turn("HomeAssistantStatusIntent", locale=locale)
                self.assertEqual(self.text(out), E("status_version", version="2026.11.1"))
                out = self.turn("ConversationIntent", {"Query": "turn on the kitchen light"},
                                locale)
                body = json.loads([r for r in self.sim.requests
                                   if r["path"] == "/api/conversation/process"][-1]["body"])
                self.assertEqual(body["language"], lang)
                out = self.turn("TriggerAutomationIntent", {"Automation": "garage party"},
                                locale)
                self.assertTrue(self.text(out).startswith(
                    E("closest.automation", spoken="garage party", name="")[:20]))
                self.sim.set_fault("status", status=503)
                out = self.turn("HomeAssistantStatusIntent", locale=locale)
                self.assertEqual(self.text(out), E("ha_unreachable"))
                self.sim.set_fault("none")

    def test_german(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "morning routine"}, "de-DE")
        self.assertEqual(self.text(out), "Morning Routine ausgelöst.")
        out = self.turn("StartTimerIntent", {"Duration": "PT1H30M", "Name": "laundry"}, "de-DE")
        self.assertEqual(self.text(out), "Der Timer Laundry läuft jetzt 1 Stunde und 30 Minuten.")
        out = self.turn("SetInputHelperIntent", {"Helper": "target humidity",
                                                 "Value": "fünfzig"}, "de-DE")
        self.assertEqual(self.calls()[-1], ("input_number", "set_value", {
            "entity_id": "input_number.target_humidity", "value": 50}))
        self.assertEqual(self.text(out), "Target Humidity ist jetzt 50.")
        out = self.turn("SetInputHelperIntent", {"Helper": "target humidity", "Value": "90"},
                        "de-DE")
        self.assertEqual(self.text(out), "Target Humidity lässt sich von 30 bis 70 einstellen.")
        out = self.turn("SetInputHelperIntent", {"Helper": "house mode", "Value": "party"},
                        "de-DE")
        self.assertEqual(self.text(out), "House Mode kann Home, Away, Night oder Vacation sein.")

    def test_french_spanish_italian(self):
        out = self.turn("SetInputHelperIntent", {"Helper": "target humidity",
                                                 "Value": "cinquante"}, "fr-CA")
        self.assertEqual(self.calls()[-1][2]["value"], 50)
        self.assertEqual(self.text(out), "Target Humidity est maintenant sur 50.")
        self.sim.reset()
        out = self.turn("AreaControlIntent", {"Area": "living room",
                                              "Action": slot("enciende", "on"),
                                              "DeviceType": slot("luces", "lights")}, "es-MX")
        self.assertEqual(self.calls()[0], ("light", "turn_on",
                                           {"entity_id": ["light.living_room"]}))
        self.assertEqual(self.text(out), "He encendido las luces en living room.")
        # words of the language without entity resolution
        self.sim.reset()
        out = self.turn("AreaControlIntent", {"Area": "living room", "Action": "spegni",
                                              "DeviceType": "luci"}, "it-IT")
        self.assertEqual(self.calls()[0], ("light", "turn_off",
                                           {"entity_id": ["light.living_room"]}))
        self.assertEqual(self.text(out), "Ho spento le luci in living room.")
        out = self.turn("TimerStatusIntent", {"Name": "pasta"}, "it-IT")
        self.assertEqual(self.text(out), "Il timer Pasta non è in corso.")

    def test_other_locales_fall_back_to_english(self):
        for locale in ("en-GB", "en-IN", "ja-JP", "pt-BR"):
            out = self.turn("TriggerAutomationIntent", {"Automation": "morning routine"}, locale)
            self.assertEqual(self.text(out), "Triggered Morning Routine.", locale)


class TestDialog(Base):
    def test_ambiguous_then_the_second_one(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        self.assertEqual(self.calls(), [])
        self.assertFalse(out["response"]["shouldEndSession"])
        pending = out["sessionAttributes"]["leec_pending"]
        ids = [c["id"] for c in pending["cands"]]
        self.assertEqual(sorted(ids), ["automation.kitchen_lights_off",
                                       "automation.kitchen_lights_on"])
        names = [c["name"] for c in pending["cands"]]
        self.assertIn("%s or %s" % tuple(names), self.text(out))
        out2 = self.turn("SelectIntent", {"Ordinal": "2"}, attrs=out["sessionAttributes"])
        self.assertEqual(self.calls(), [("automation", "trigger", {"entity_id": ids[1]})])
        self.assertEqual(self.text(out2), "Triggered %s." % names[1])
        self.assertTrue(out2["response"]["shouldEndSession"])
        self.assertNotIn("leec_pending", out2.get("sessionAttributes", {}))

    def test_ambiguous_then_a_name_or_an_ordinal_word(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        attrs = out["sessionAttributes"]
        self.turn("SelectIntent", {"Choice": "kitchen lights off"}, attrs=attrs)
        self.assertEqual(self.calls(), [("automation", "trigger",
                                         {"entity_id": "automation.kitchen_lights_off"})])
        self.sim.reset()
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"}, "de-DE")
        self.assertIn("Welche davon", self.text(out))
        first = out["sessionAttributes"]["leec_pending"]["cands"][0]
        out2 = self.turn("SelectIntent", {"Ordinal": "der erste"}, "de-DE",
                         attrs=out["sessionAttributes"])
        self.assertEqual(self.calls(), [("automation", "trigger", {"entity_id": first["id"]})])
        self.assertEqual(self.text(out2), "%s ausgelöst." % first["name"])

    def test_out_of_range_and_unclear_keep_the_question(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        attrs = out["sessionAttributes"]
        out2 = self.turn("SelectIntent", {"Ordinal": "5"}, attrs=attrs)
        self.assertEqual(self.calls(), [])
        self.assertIn("There are only 2 choices", self.text(out2))
        self.assertIn("leec_pending", out2["sessionAttributes"])
        out3 = self.turn("SelectIntent", {"Choice": "garden hose"},
                         attrs=out2["sessionAttributes"])
        self.assertEqual(self.calls(), [])
        self.assertTrue(self.text(out3).startswith("Which one:"))
        self.turn("SelectIntent", {"Ordinal": "1"}, attrs=out3["sessionAttributes"])
        self.assertEqual(len(self.calls()), 1)

    def test_did_you_mean_yes_and_no(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "garage party"})
        self.assertEqual(self.calls(), [])
        self.assertFalse(out["response"]["shouldEndSession"])
        (near,) = out["sessionAttributes"]["leec_pending"]["cands"]
        self.assertEqual(self.reprompt(out), "Did you mean %s?" % near["name"])
        self.assertEqual(self.text(out), "I couldn't find an automation called garage party. "
                         "The closest one is %s. Did you mean %s?" % (near["name"], near["name"]))
        out2 = self.turn("AMAZON.YesIntent", attrs=out["sessionAttributes"])
        self.assertEqual(self.calls(), [("automation", "trigger", {"entity_id": near["id"]})])
        self.assertEqual(self.text(out2), "Triggered %s." % near["name"])
        out3 = self.turn("AMAZON.NoIntent", attrs=out["sessionAttributes"])
        self.assertEqual(len(self.calls()), 1)
        self.assertFalse(out3["response"]["shouldEndSession"])
        self.assertNotIn("leec_pending", out3.get("sessionAttributes", {}))

    def test_which_timer_then_select(self):
        out = self.turn("StartTimerIntent", {"Duration": "PT10M"}, "fr-FR")
        self.assertEqual(self.calls(), [])
        self.assertIn("Quel minuteur", self.text(out))
        cands = out["sessionAttributes"]["leec_pending"]["cands"]
        out2 = self.turn("SelectIntent", {"Ordinal": "1"}, "fr-FR",
                         attrs=out["sessionAttributes"])
        self.assertEqual(self.calls(), [("timer", "start", {"entity_id": cands[0]["id"],
                                                             "duration": "00:10:00"})])
        self.assertEqual(self.text(out2), "Le minuteur %s est lancé pour 10 minutes."
                         % cands[0]["name"])

    def test_stale_foreign_or_malformed_questions_are_refused(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        attrs = out["sessionAttributes"]
        old = copy.deepcopy(attrs)
        old["leec_pending"]["at"] -= 3600 * 1000
        bad_cand = copy.deepcopy(attrs)
        bad_cand["leec_pending"]["cands"][0]["id"] = "nodot"
        wrong_intent = copy.deepcopy(attrs)
        wrong_intent["leec_pending"]["intent"] = "SomethingElseIntent"
        cases = [dict(attrs=old), dict(attrs=attrs, session="amzn1.echo-api.session.other"),
                 dict(attrs=attrs, new=True), dict(attrs=bad_cand), dict(attrs=wrong_intent),
                 dict(attrs={"leec_pending": "x"})]
        for kw in cases:
            out2 = self.turn("SelectIntent", {"Ordinal": "1"}, **kw)
            self.assertEqual(self.text(out2), sm.fill(CATS["en"], "select_expired"), kw)
            self.assertFalse(out2["response"]["shouldEndSession"])
            self.assertNotIn("leec_pending", out2.get("sessionAttributes", {}))
        out3 = self.turn("SelectIntent", {"Ordinal": "1"})
        self.assertEqual(self.text(out3), sm.fill(CATS["en"], "select_nothing"))
        self.assertEqual(self.calls(), [])

    def test_another_intent_drops_the_question(self):
        out = self.turn("TriggerAutomationIntent", {"Automation": "kitchen lights"})
        out2 = self.turn("HomeAssistantStatusIntent", attrs=out["sessionAttributes"])
        self.assertNotIn("leec_pending", out2.get("sessionAttributes", {}))
        out3 = self.turn("AMAZON.NavigateHomeIntent", attrs=out["sessionAttributes"])
        self.assertTrue(out3["response"]["shouldEndSession"])
        self.assertNotIn("leec_pending", out3.get("sessionAttributes", {}))


class TestScriptsNumbersAreas(Base):
    def test_script_fields(self):
        out = self.turn("RunScriptIntent", {"Script": "good night", "Field": "delay",
                                            "Duration": "PT10M"})
        self.assertEqual(self.calls(), [("script", "turn_on", {
            "entity_id": "script.good_night",
            "variables": {"delay": {"hours": 0, "minutes": 10, "seconds": 0}}})])
        self.assertEqual(self.text(out), "Running Good Night with Delay 10 minutes.")
        out = self.turn("RunScriptIntent", {"Script": "good night", "Field": "brightness",
                                            "Value": "fifty"})
        self.assertEqual(self.calls()[-1][2]["variables"], {"brightness": 50})
        out = self.turn("RunScriptIntent", {"Script": "good night", "Field": "message",
                                            "Value": "sleep well"})
        self.assertEqual(self.calls()[-1][2]["variables"], {"message": "sleep well"})
        out = self.turn("RunScriptIntent", {"Script": "good night", "Field": "verzögerung",
                                            "Duration": "PT5M"}, "de-DE")
        self.assertEqual(len(self.calls()), 3)
        self.assertEqual(self.text(out), "Good Night hat kein Feld namens verzögerung. "
                         "Es kennt Delay, Brightness und Message.")
        out = self.turn("RunScriptIntent", {"Script": "good night", "Field": "delay"})
        self.assertEqual(len(self.calls()), 3)
        self.assertEqual(self.text(out), "What should Delay be?")
        self.assertFalse(out["response"]["shouldEndSession"])

    def test_number_words(self):
        for locale, word, value in (("en-US", "fifty", 50), ("de-DE", "fünfundfünfzig", 55),
                                    ("fr-FR", "soixante", 60), ("es-ES", "cuarenta", 40),
                                    ("it-IT", "trentacinque", 35),
                                    ("en-US", "forty five percent", 45)):
            self.turn("SetInputHelperIntent", {"Helper": "target humidity", "Value": word},
                      locale)
            self.assertEqual(self.calls()[-1][2]["value"], value, (locale, word))

    def test_unknown_area_names_the_closest(self):
        out = self.turn("AreaControlIntent", {"Area": "bedrom", "Action": "on",
                                              "DeviceType": "lights"})
        self.assertEqual(self.calls(), [])
        self.assertEqual(self.text(out),
                         "I don't know a room called bedrom. The closest one is bedroom.")
        out = self.turn("AreaControlIntent", {"Area": "livng room", "Action": "on",
                                              "DeviceType": "lights"}, "de-DE")
        self.assertEqual(self.text(out), "Ich kenne keinen Raum namens livng room. "
                         "Am ähnlichsten ist living room.")
        out = self.turn("AreaControlIntent", {"Area": "bedroom", "Action": "on",
                                              "DeviceType": "covers"})
        self.assertEqual(self.text(out), "I didn't find any covers in the bedroom.")


if __name__ == "__main__":
    unittest.main(verbosity=2)
