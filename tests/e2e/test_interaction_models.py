#!/usr/bin/python3
"""The message catalogue (presets/skill/messages.<lang>.yaml: every key and placeholder of the
English one, number words, ordinals, lists and durations per language) and the shipped
interaction models (presets/skill/models/*.json, examples/interaction-model.json):
generated from presets/skill/ without drift, every locale present, Amazon's rules
(tests/peers/skill_models.py check_model), and the TypeScript types of npm ask-smapi-model
(InteractionModelData, tsc --strict, each model an object literal so unknown fields are
errors). The npm packages are installed into <build>/npm-skill-models once; the type check
is skipped, saying so, only when npm cannot reach its registry."""
import copy
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import skill_messages as msg  # noqa: E402
import skill_models as sm  # noqa: E402

NPM_PACKAGES = ["ask-smapi-model@1", "typescript@5"]


def shipped():
    out = {}
    for loc in sm.LOCALES:
        with open(sm.model_path(loc), encoding="utf-8") as f:
            out[loc] = json.load(f)
    return out


class TestSources(unittest.TestCase):
    def test_expand(self):
        self.assertEqual(sm.expand("(trigger|fire) the {A}( automation|)"),
                         ["trigger the {A} automation", "trigger the {A}",
                          "fire the {A} automation", "fire the {A}"])
        self.assertEqual(sm.expand("envía(me|) una"), ["envíame una", "envía una"])

    def test_no_drift(self):
        self.assertEqual(sm.drift(), [], "run tests/peers/skill_models.py generate")

    def test_every_locale_shipped(self):
        self.assertEqual(sorted(os.listdir(sm.MODELS)),
                         sorted("interaction-model.%s.json" % l for l in sm.LOCALES))

    def test_example_is_en_us(self):
        with open(sm.EXAMPLE, encoding="utf-8") as f:
            self.assertEqual(json.load(f), shipped()["en-US"])

    def test_same_intents_and_slots_everywhere(self):
        def sig(m):
            return [(i["name"], [(s["name"], s["type"]) for s in i.get("slots", [])])
                    for i in m["interactionModel"]["languageModel"]["intents"]]
        models = shipped()
        for loc, m in models.items():
            self.assertEqual(sig(m), sig(models["en-US"]), loc)

    def test_locale_words(self):
        models = shipped()

        def values(loc, tname):
            for t in models[loc]["interactionModel"]["languageModel"]["types"]:
                if t["name"] == tname:
                    return [w for v in t["values"]
                            for w in [v["name"]["value"]] + v["name"]["synonyms"]]
        self.assertIn("light color", values("en-US", "HelperName"))
        self.assertIn("light colour", values("en-GB", "HelperName"))
        self.assertIn("telly", values("en-GB", "DeviceType"))
        self.assertNotIn("telly", values("en-US", "DeviceType"))
        self.assertIn("lichter", values("de-DE", "DeviceType"))
        self.assertIn("focos", values("es-MX", "DeviceType"))
        # language-independent ids for the values the runtime interprets
        for loc in sm.LOCALES:
            for t in models[loc]["interactionModel"]["languageModel"]["types"]:
                if t["name"] in ("Action", "DeviceType"):
                    self.assertTrue(all("id" in v for v in t["values"]), (loc, t["name"]))

    def test_models_of_a_project_file(self):
        feats, langs = sm.project_choice(os.path.join(sm.SOURCE, "tests", "emit", "languages",
                                                      "leec.yaml"))
        self.assertEqual(langs, {"en", "de"})
        self.assertIn("automation", feats)
        self.assertNotIn("timers", feats)
        feats, langs = sm.project_choice(os.path.join(sm.SOURCE, "examples", "tuned.yaml"))
        self.assertIn("timers", feats)
        self.assertIsNone(langs)
        out = os.path.join(harness.build_dir(), "skill-models-project")
        shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run([sys.executable, os.path.join(sm.HERE, "skill_models.py"), "generate",
                            "--project", os.path.join(sm.SOURCE, "tests", "emit", "languages",
                                                      "leec.yaml"), "--out", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(sorted(os.listdir(out)), sorted(
            "interaction-model.%s.json" % l for l in sm.LOCALES if l[:2] in ("en", "de")))

    def test_features_leave_intents_out(self):
        ms = sm.all_models(features={"automation", "scripts"})
        names = [i["name"] for i in ms["de-DE"]["interactionModel"]["languageModel"]["intents"]]
        self.assertIn("TriggerAutomationIntent", names)
        self.assertIn("SelectIntent", names)
        self.assertNotIn("StartTimerIntent", names)
        self.assertNotIn("AreaControlIntent", names)
        types = [t["name"] for t in ms["de-DE"]["interactionModel"]["languageModel"]["types"]]
        self.assertNotIn("TimerName", types)
        for loc, m in ms.items():
            self.assertEqual(sm.check_model(m, loc), [], loc)


class TestRules(unittest.TestCase):
    def test_shipped_models_follow_the_rules(self):
        for loc, m in shipped().items():
            with self.subTest(locale=loc):
                self.assertEqual(sm.check_model(m, loc), [])

    def test_enough_samples(self):
        for loc, m in shipped().items():
            for it in m["interactionModel"]["languageModel"]["intents"]:
                if not it["name"].startswith("AMAZON."):
                    self.assertGreaterEqual(len(it["samples"]), sm.MIN_SAMPLES,
                                            (loc, it["name"]))

    def _bad(self, mutate, needle, locale="en-US"):
        m = copy.deepcopy(shipped()[locale])
        mutate(m["interactionModel"]["languageModel"])
        errs = sm.check_model(m, locale)
        self.assertTrue(any(needle in e for e in errs), "%r not in %r" % (needle, errs))

    @staticmethod
    def intent(lm, name):
        return next(i for i in lm["intents"] if i["name"] == name)

    def test_checker_catches(self):
        I = self.intent
        cases = [
            (lambda lm: lm.update(invocationName="Home Bridge"), "lower case"),
            (lambda lm: lm.update(invocationName="bridge"), "two or more words"),
            (lambda lm: lm.update(invocationName="alexa bridge"), "wake word"),
            (lambda lm: lm.update(invocationName="open home bridge"), "launch phrase"),
            (lambda lm: lm.update(invocationName="the bridge"), "article"),
            (lambda lm: lm.update(invocationName="home bridge 2"), "only letters"),
            (lambda lm: I(lm, "SetInputHelperIntent")["samples"].append(
                "turn {Helper} {Value}"), "side by side"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("run {Nope}"),
             "not a slot of the intent"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("run script number 2"),
             "only letters"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("run it, now!"),
             "only letters"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("list scripts"),
             "also a sample of"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("trigger {Script}"),
             "same words as"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("run " + "x" * 200),
             "longer than"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append("alexa run {Script}"),
             "wake word"),
            (lambda lm: I(lm, "RunScriptIntent")["samples"].append(
                "use home bridge to run {Script}"), "invocation name"),
            (lambda lm: I(lm, "RunScriptIntent")["slots"].append(
                {"name": "Extra", "type": "NoSuchType"}), "not defined"),
            (lambda lm: I(lm, "RunScriptIntent")["slots"].append(
                {"name": "Extra", "type": "AMAZON.NoSuchThing"}), "unknown built-in type"),
            (lambda lm: I(lm, "ConversationIntent")["samples"].append("{Query}"),
             "carrier phrase"),
            (lambda lm: I(lm, "ListScriptsIntent").update(samples=["list scripts"]),
             "at least"),
            (lambda lm: lm.update(intents=[i for i in lm["intents"]
                                           if i["name"] != "AMAZON.StopIntent"]),
             "AMAZON.StopIntent missing"),
            (lambda lm: lm["types"][0]["values"].append(
                {"name": {"value": lm["types"][0]["values"][0]["name"]["value"],
                          "synonyms": []}}), "twice"),
            (lambda lm: lm["types"].append({"name": "Unused", "values": [
                {"name": {"value": "x", "synonyms": []}}]}), "used by no slot"),
        ]
        for mutate, needle in cases:
            with self.subTest(needle=needle):
                self._bad(mutate, needle)

    def test_german_compound_invocation(self):
        self.assertEqual([e for e in sm.check_model(shipped()["de-DE"], "de-DE")
                          if "invocationName" in e], [])
        self._bad(lambda lm: lm.update(invocationName="hauszentrale"), "two or more words",
                  locale="en-US")


class TestSmapiTypes(unittest.TestCase):
    """tsc --noEmit --strict against ask-smapi-model's InteractionModelData."""

    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(harness.build_dir(), "npm-skill-models")
        tsc = os.path.join(cls.dir, "node_modules", ".bin", "tsc")
        model = os.path.join(cls.dir, "node_modules", "ask-smapi-model", "index.d.ts")
        if not (os.path.exists(tsc) and os.path.exists(model)):
            npm = shutil.which("npm")
            if not npm:
                raise unittest.SkipTest("npm is not installed: ask-smapi-model type check "
                                        "skipped")
            os.makedirs(cls.dir, exist_ok=True)
            r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save",
                                "--prefix", cls.dir] + NPM_PACKAGES,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=300)
            if r.returncode != 0:
                raise unittest.SkipTest("npm could not install %s (registry unreachable?): "
                                        "ask-smapi-model type check skipped\n%s"
                                        % (" ".join(NPM_PACKAGES), r.stdout[-2000:]))
        cls.tsc = tsc

    def tsc_errors(self, models):
        src = os.path.join(self.dir, "models")
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(src)
        files = []
        for i, (name, m) in enumerate(models.items()):
            p = os.path.join(src, "m%d.ts" % i)
            with open(p, "w", encoding="utf-8") as f:
                f.write("// %s\nimport { v1 } from 'ask-smapi-model';\n"
                        "export const model: v1.skill.interactionModel.InteractionModelData"
                        " = %s;\n" % (name, json.dumps(m, ensure_ascii=False, indent=1)))
            files.append(p)
        r = subprocess.run([self.tsc, "--noEmit", "--strict", "--module", "commonjs",
                            "--moduleResolution", "node", "--target", "es2020"] + files,
                           cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        return r.returncode, r.stdout

    def test_models_have_the_smapi_types(self):
        with open(sm.EXAMPLE, encoding="utf-8") as f:
            models = {"examples/interaction-model.json": json.load(f)}
        models.update(("models/" + l, m) for l, m in shipped().items())
        rc, out = self.tsc_errors(models)
        self.assertEqual(rc, 0, out)

    def test_type_check_catches_a_wrong_field(self):
        m = copy.deepcopy(shipped()["en-US"])
        m["interactionModel"]["languageModel"]["intents"][0]["sampels"] = []
        m["interactionModel"]["languageModel"]["types"][0]["values"][0]["name"]["value"] = 5
        rc, out = self.tsc_errors({"bad": m})
        self.assertNotEqual(rc, 0)
        self.assertIn("sampels", out)
        self.assertIn("number", out)


class TestCatalogue(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cats = msg.load_all()

    def test_complete_and_consistent(self):
        for lang, cat in self.cats.items():
            with self.subTest(lang=lang):
                self.assertEqual(cat["language"], lang)
                self.assertEqual(msg.check_catalogue(cat, self.cats["en"]), [])

    def test_every_model_language_has_a_catalogue(self):
        self.assertEqual(sorted({sm.locale_language(l) for l in sm.LOCALES}),
                         sorted(msg.LANGUAGES))

    def test_english_is_what_the_runtime_says_today(self):
        en = self.cats["en"]
        self.assertEqual(msg.fill(en, "triggered", name="Morning Routine"),
                         "Triggered Morning Routine.")
        self.assertEqual(msg.fill(en, "timer_started", name="Laundry",
                                  duration=msg.speak_duration(en, 5400)),
                         "Started the Laundry timer for 1 hour 30 minutes.")
        self.assertEqual(msg.fill(en, "options", name="House Mode", list=msg.speak_list(
            en, ["Home", "Away", "Night", "Vacation"], "or")),
            "House Mode can be Home, Away, Night or Vacation.")
        self.assertEqual(msg.fill(en, "area_off", what=en["messages"]["kind.everything"],
                                  area="kitchen"), "Turned off everything in the kitchen.")

    def test_numbers(self):
        want = {"en": {"fifty": 50, "fifty five": 55, "twenty one": 21, "one hundred": 100},
                "de": {"fünfzig": 50, "einundzwanzig": 21, "dreissig": 30, "null": 0,
                       "siebenundneunzig": 97},
                "fr": {"cinquante": 50, "vingt et un": 21, "soixante et onze": 71,
                       "quatre vingts": 80, "quatre vingt dix neuf": 99, "dix sept": 17},
                "es": {"cincuenta": 50, "veintidós": 22, "treinta y uno": 31, "cien": 100,
                       "dieciséis": 16},
                "it": {"cinquanta": 50, "ventuno": 21, "ventotto": 28, "ventitré": 23,
                       "cento": 100, "diciassette": 17}}
        for lang, cases in want.items():
            words = msg.number_words(self.cats[lang])
            for w, v in cases.items():
                self.assertEqual(words.get(w), v, (lang, w))

    def test_ordinals(self):
        for lang, w, v in (("en", "first", 1), ("de", "ersten", 1), ("de", "dritte", 3),
                           ("fr", "premier", 1), ("fr", "deuxième", 2), ("es", "primero", 1),
                           ("es", "segunda", 2), ("it", "primo", 1), ("it", "terza", 3)):
            self.assertEqual(msg.ordinal_words(self.cats[lang]).get(w), v, (lang, w))

    def test_lists_and_durations(self):
        abc = ["A", "B", "C"]
        for lang, lst, ten, mixed in (
                ("en", "A, B and C", "10 minutes", "1 hour 30 minutes"),
                ("de", "A, B und C", "10 Minuten", "1 Stunde und 30 Minuten"),
                ("fr", "A, B et C", "10 minutes", "1 heure et 30 minutes"),
                ("es", "A, B y C", "10 minutos", "1 hora y 30 minutos"),
                ("it", "A, B e C", "10 minuti", "1 ora e 30 minuti")):
            cat = self.cats[lang]
            self.assertEqual(msg.speak_list(cat, abc), lst)
            self.assertEqual(msg.speak_duration(cat, 600), ten)
            self.assertEqual(msg.speak_duration(cat, 5400), mixed)
        es = self.cats["es"]
        self.assertEqual(msg.speak_list(es, ["Luz", "Iglesia"]), "Luz e Iglesia")
        self.assertEqual(msg.speak_list(es, ["agua", "hielo"]), "agua y hielo")
        self.assertEqual(msg.speak_list(es, ["siete", "ocho"], "or"), "siete u ocho")

    def test_c_tables_no_drift(self):
        bad = msg.c_drift()
        if bad is None:
            self.skipTest("clang-format is not installed: runtime/custom/lang_tables.{h,c} and lang_*.c "
                          "drift not checked")
        self.assertEqual(bad, [], "run tests/peers/skill_messages.py emit-c")

    def test_languages_left_out_of_a_build(self):
        """LEEC_SKILL_LANG_XX=0 (CMake LEEC_SKILL_LANGUAGES) leaves a language's tables out;
        its locales are then answered in English."""
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler")
        rt = os.path.join(harness.source_dir(), "runtime")
        out = os.path.join(harness.build_dir(), "lang-subset")
        os.makedirs(out, exist_ok=True)
        main = os.path.join(out, "main.c")
        with open(main, "w") as f:
            f.write('#include "custom/lang.h"\n#include <stdio.h>\nint main(void) {\n'
                    'const char *l[] = {"en-US", "de-DE", "fr-FR", "es-ES", "it-IT"};\n'
                    'for (int i = 0; i < 5; i++) printf("%s ", sk_lang_for(l[i])->code);\n'
                    'printf("%zu\\n", sk_nlangs); return 0; }\n')
        exe = os.path.join(out, "lang_subset")
        subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", rt,
                        "-DLEEC_SKILL_LANG_DE=1", "-DLEEC_SKILL_LANG_FR=0",
                        "-DLEEC_SKILL_LANG_ES=0", "-DLEEC_SKILL_LANG_IT=0", main,
                        os.path.join(rt, "custom", "lang.c"),
                        os.path.join(rt, "custom", "lang_tables.c"),
                        os.path.join(rt, "custom", "lang_en.c"),
                        os.path.join(rt, "custom", "lang_de.c"),
                        os.path.join(rt, "base", "utf8.c"), "-lm", "-o", exe], check=True)
        r = subprocess.run([exe], stdout=subprocess.PIPE, text=True, check=True)
        self.assertEqual(r.stdout.strip(), "en de en en en 2")

    def test_checker_catches(self):
        import copy as _c
        de = _c.deepcopy(self.cats["de"])
        del de["messages"]["triggered"]
        de["messages"]["running"] = "{name} läuft {extra}"
        de["numbers"]["tens"] = de["numbers"]["tens"][:-1]
        errs = msg.check_catalogue(de, self.cats["en"])
        self.assertTrue(any("triggered missing" in e for e in errs), errs)
        self.assertTrue(any("running: placeholders" in e for e in errs), errs)
        self.assertTrue(any("0..100" in e or "numbers" in e for e in errs), errs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
