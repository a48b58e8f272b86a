#!/usr/bin/python3
"""The Custom skill as leec compiles it from presets/skill/: the interaction models `leec skill`
writes (every locale, the intents of the project's features only, examples/interaction-model.json
is its en-US model of examples/full.yaml), Amazon's rules (tests/peers/skill_models.py
check_model), the TypeScript types of npm ask-smapi-model (InteractionModelData, the skill
manifest, the account-linking request; tsc --strict, each an object literal so unknown fields are
errors), and the message tables `leec compile` writes (leec_messages.c) compiled with the
runtime's language rules (runtime/custom/lang.c): number words, ordinals, lists, durations, the
project's languages only, and a broken catalogue refused with a located error. The npm packages
are installed into <build>/npm-skill-models once; the type check is skipped, saying so, only
when npm cannot reach its registry."""
import copy
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import skill_models as sm  # noqa: E402

NPM_PACKAGES = ["ask-smapi-model@1", "typescript@5"]
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "fr-FR", "fr-CA", "es-ES",
           "es-MX", "it-IT"]
_CACHE = {}


def leec():
    return os.path.join(harness.build_dir(), "compiler", "leec")


def package(project="examples/full.yaml", name="full", **kw):
    """leec skill of a project (every region by default) into <build>/skill-<name>."""
    out = os.path.join(harness.build_dir(), "skill-" + name)
    r = sm.leec_skill(os.path.join(harness.source_dir(), project), out, leec=leec(), **kw)
    if r.returncode != 0:
        raise AssertionError(r.stdout)
    return out


def shipped():
    """Every locale's model with every intent (examples/full.yaml)."""
    if "full" not in _CACHE:
        _CACHE["full"] = sm.models_in(package())
    return copy.deepcopy(_CACHE["full"])


class TestSources(unittest.TestCase):
    def test_expand(self):
        names = [s for i in shipped()["en-US"]["interactionModel"]["languageModel"]["intents"]
                 if i["name"] == "TriggerAutomationIntent" for s in i["samples"]]
        # "(trigger|activate|fire) the {Automation} automation" and the like, expanded
        for s in ("trigger the {Automation} automation", "activate the {Automation} automation",
                  "fire the {Automation} automation", "trigger {Automation}"):
            self.assertIn(s, names)

    def test_every_locale(self):
        self.assertEqual(sorted(shipped()), sorted(LOCALES))

    def test_example_is_en_us(self):
        with open(sm.EXAMPLE, encoding="utf-8") as f:
            self.assertEqual(json.load(f), shipped()["en-US"],
                             "examples/interaction-model.json: leec skill examples/full.yaml "
                             "... --locales en-US wrote it")

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
        for loc in LOCALES:
            for t in models[loc]["interactionModel"]["languageModel"]["types"]:
                if t["name"] in ("Action", "DeviceType"):
                    self.assertTrue(all("id" in v for v in t["values"]), (loc, t["name"]))

    def test_models_of_a_project_file(self):
        """alexa.languages [en, de] and automation_basic: those locales, those intents."""
        ms = sm.models_in(package("tests/emit/languages/leec.yaml", "languages"))
        self.assertEqual(sorted(ms), sorted(l for l in LOCALES if l[:2] in ("en", "de")))
        names = [i["name"] for i in ms["de-DE"]["interactionModel"]["languageModel"]["intents"]]
        self.assertIn("TriggerAutomationIntent", names)
        self.assertIn("SelectIntent", names)
        self.assertNotIn("StartTimerIntent", names)
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

    def tsc_errors(self, models, typ="v1.skill.interactionModel.InteractionModelData"):
        src = os.path.join(self.dir, "models")
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(src)
        files = []
        for i, (name, m) in enumerate(models.items()):
            p = os.path.join(src, "m%d.ts" % i)
            with open(p, "w", encoding="utf-8") as f:
                f.write("// %s\nimport { v1 } from 'ask-smapi-model';\n"
                        "export const model: %s = %s;\n"
                        % (name, typ, json.dumps(m, ensure_ascii=False, indent=1)))
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

    def test_manifests_have_the_smapi_types(self):
        out = package()
        docs = {}
        for kind in ("smart-home", "custom"):
            with open(os.path.join(out, kind, "skill-package", "skill.json")) as f:
                docs[kind] = json.load(f)
        rc, text = self.tsc_errors(docs, "v1.skill.Manifest.SkillManifestEnvelope")
        self.assertEqual(rc, 0, text)
        links = {}
        for kind in ("smart-home", "custom"):
            for region in ("NA", "EU", "FE"):
                p = os.path.join(out, kind, "account-linking.%s.json" % region)
                if kind == "smart-home" or os.path.exists(p):  # Smart Home: always linked
                    with open(p) as f:
                        links[kind + region] = json.load(f)["accountLinkingRequest"]
        self.assertEqual(len([k for k in links if k.startswith("smart-home")]), 3)
        rc, text = self.tsc_errors(links, "v1.skill.accountLinking.AccountLinkingRequestPayload")
        self.assertEqual(rc, 0, text)
        bad = copy.deepcopy(docs["smart-home"])
        bad["manifest"]["apis"]["smartHome"]["endpoints"] = {}
        rc, text = self.tsc_errors({"bad": bad}, "v1.skill.Manifest.SkillManifestEnvelope")
        self.assertNotEqual(rc, 0)
        self.assertIn("endpoints", text)

    def test_type_check_catches_a_wrong_field(self):
        m = copy.deepcopy(shipped()["en-US"])
        m["interactionModel"]["languageModel"]["intents"][0]["sampels"] = []
        m["interactionModel"]["languageModel"]["types"][0]["values"][0]["name"]["value"] = 5
        rc, out = self.tsc_errors({"bad": m})
        self.assertNotEqual(rc, 0)
        self.assertIn("sampels", out)
        self.assertIn("number", out)


PROBE_C = r"""
#include "custom/lang.h"
#include <stdio.h>
#include <string.h>
/* argv: lang, then words: n:WORD (sk_number), o:WORD (sk_ordinal), b:WORD (sk_bool),
 * d:SECONDS (sk_duration), l:A|B|C (sk_list, and), L:A|B (sk_list, or) */
int main(int argc, char **argv) {
    const struct sk_lang *l = sk_lang_for(argv[1]);
    printf("%s %zu\n", l->code, sk_nlangs);
    for (int i = 2; i < argc; i++) {
        const char *w = argv[i] + 2;
        char out[256];
        double v = -1;
        switch (argv[i][0]) {
        case 'n': printf("%g\n", sk_number(l, w, &v) == 0 ? v : -1); break;
        case 'o': printf("%d\n", sk_ordinal(l, w)); break;
        case 'b': printf("%d\n", sk_bool(l, w)); break;
        case 'd': sk_duration(l, (unsigned)atoi(w), out, sizeof out); printf("%s\n", out); break;
        default: {
            char buf[256]; const char *items[8]; size_t n = 0;
            snprintf(buf, sizeof buf, "%s", w);
            for (char *t = strtok(buf, "|"); t && n < 8; t = strtok(NULL, "|")) items[n++] = t;
            sk_list(l, out, sizeof out, items, n, argv[i][0] == 'L');
            printf("%s\n", out);
        }
        }
    }
    return 0;
}
"""


def leec_run(*args, root=None):
    cmd = [leec()] + (["--root", root] if root else []) + list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class TestCatalogue(unittest.TestCase):
    """leec_messages.c (leec compile) linked with runtime/custom/lang.c."""

    @classmethod
    def setUpClass(cls):
        cls.cc = shutil.which("cc") or shutil.which("gcc")
        if not cls.cc:
            raise unittest.SkipTest("no C compiler")
        cls.exe = {}
        for name, project in (("all", "examples/full.yaml"),
                              ("en_de", "tests/emit/languages/leec.yaml")):
            out = os.path.join(harness.build_dir(), "lang-" + name)
            r = leec_run("compile", os.path.join(harness.source_dir(), project), "-o", out)
            assert r.returncode == 0, r.stdout
            cls.exe[name] = cls.build(out)

    @classmethod
    def build(cls, out):
        rt = os.path.join(harness.source_dir(), "runtime")
        main = os.path.join(out, "probe.c")
        with open(main, "w") as f:
            f.write("#include <stdlib.h>\n" + PROBE_C)
        exe = os.path.join(out, "lang_probe")
        subprocess.run([cls.cc, "-std=c11", "-Wall", "-Werror", "-I", rt, main,
                        os.path.join(out, "leec_messages.c"),
                        os.path.join(rt, "custom", "lang.c"),
                        os.path.join(rt, "base", "utf8.c"), "-lm", "-o", exe], check=True)
        return exe

    def probe(self, locale, *words, build="all"):
        r = subprocess.run([self.exe[build], locale] + list(words), stdout=subprocess.PIPE,
                           text=True, check=True)
        return r.stdout.splitlines()

    def test_numbers(self):
        want = {"en": {"fifty": 50, "fifty five": 55, "twenty one": 21, "one hundred": 100},
                "de": {"fünfzig": 50, "einundzwanzig": 21, "dreissig": 30, "null": 0,
                       "siebenundneunzig": 97},
                "fr": {"cinquante": 50, "vingt et un": 21, "soixante et onze": 71,
                       "quatre vingts": 80, "quatre-vingt-dix-neuf": 99, "dix sept": 17},
                "es": {"cincuenta": 50, "veintidós": 22, "treinta y uno": 31, "cien": 100,
                       "dieciséis": 16},
                "it": {"cinquanta": 50, "ventuno": 21, "ventotto": 28, "ventitré": 23,
                       "cento": 100, "diciassette": 17}}
        for lang, cases in want.items():
            got = self.probe(lang, *("n:" + w for w in cases))
            self.assertEqual(got[1:], ["%d" % v for v in cases.values()], lang)

    def test_every_number_word_0_to_100(self):
        """Each language's tables say every value 0..100 in words (leec composed them)."""
        words = {"en": ["zero", "nineteen", "twenty", "forty two", "ninety nine"],
                 "de": ["null", "neunzehn", "zwanzig", "zweiundvierzig", "neunundneunzig"],
                 "fr": ["zéro", "dix neuf", "vingt", "quarante deux", "quatre vingt dix neuf"],
                 "es": ["cero", "diecinueve", "veinte", "cuarenta y dos", "noventa y nueve"],
                 "it": ["zero", "diciannove", "venti", "quarantadue", "novantanove"]}
        for lang, ws in words.items():
            self.assertEqual(self.probe(lang, *("n:" + w for w in ws))[1:],
                             ["0", "19", "20", "42", "99"], lang)

    def test_ordinals(self):
        for lang, w, v in (("en", "first", 1), ("de", "ersten", 1), ("de", "dritte", 3),
                           ("fr", "premier", 1), ("fr", "deuxième", 2), ("es", "primero", 1),
                           ("es", "segunda", 2), ("it", "primo", 1), ("it", "terza", 3)):
            self.assertEqual(self.probe(lang, "o:" + w)[1], str(v), (lang, w))

    def test_lists_and_durations(self):
        for lang, lst, ten, mixed in (
                ("en", "A, B and C", "10 minutes", "1 hour 30 minutes"),
                ("de", "A, B und C", "10 Minuten", "1 Stunde und 30 Minuten"),
                ("fr", "A, B et C", "10 minutes", "1 heure et 30 minutes"),
                ("es", "A, B y C", "10 minutos", "1 hora y 30 minutos"),
                ("it", "A, B e C", "10 minuti", "1 ora e 30 minuti")):
            self.assertEqual(self.probe(lang, "l:A|B|C", "d:600", "d:5400")[1:],
                             [lst, ten, mixed], lang)
        self.assertEqual(self.probe("es", "l:Luz|Iglesia", "l:agua|hielo", "L:siete|ocho")[1:],
                         ["Luz e Iglesia", "agua y hielo", "siete u ocho"])

    def test_languages_left_out_of_a_build(self):
        """alexa.languages [en, de]: only those tables are written and linked; the other
        locales are answered in English."""
        got = [self.probe(l, build="en_de")[0] for l in
               ("en-US", "de-DE", "fr-FR", "es-ES", "it-IT")]
        self.assertEqual(got, ["en 2", "de 2", "en 2", "en 2", "en 2"])
        with open(os.path.join(harness.build_dir(), "lang-en_de", "leec_messages.c")) as f:
            text = f.read()
        self.assertIn("lang_de", text)
        self.assertNotIn("lang_fr", text)

    def test_checker_catches(self):
        """A catalogue that differs from the English one is a located error, and nothing is
        written."""
        root = os.path.join(harness.build_dir(), "broken-catalogue")
        shutil.rmtree(root, ignore_errors=True)
        for d in ("schemas", "presets"):
            shutil.copytree(os.path.join(harness.source_dir(), d), os.path.join(root, d))
        p = os.path.join(root, "presets", "skill", "messages.de.yaml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("  triggered:", "  triggerd:", 1)
        text = text.replace('  running: "{name}', '  running: "{extra} {name}', 1)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(root, "out")
        r = leec_run("compile", os.path.join(harness.source_dir(), "examples", "full.yaml"),
                     "-o", out, root=root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("messages.de.yaml", r.stdout)
        self.assertIn("message triggered missing", r.stdout)
        self.assertIn("message triggerd is not in the English catalogue", r.stdout)
        self.assertIn("message running: placeholders {extra,name}, English has {name}",
                      r.stdout)
        self.assertFalse(os.path.exists(os.path.join(out, "leec_messages.c")))
        r = leec_run("validate", root=root)  # pre-commit and CI see it too
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("message triggered missing", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
