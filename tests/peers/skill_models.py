#!/usr/bin/python3
"""The Custom skill's interaction models: Amazon's rules, checked on what leec writes.

`leec skill` is the only writer of the models (compiler/emit/skill_model.c, from
presets/skill/); this module runs it (leec_skill, models_in) and checks the result.

The rules (check_model) are Amazon's documented ones, from
  developer.amazon.com/docs/custom-skills/choose-the-invocation-name-for-a-custom-skill.html
  developer.amazon.com/docs/custom-skills/create-intents-utterances-and-slots.html
  developer.amazon.com/docs/custom-skills/best-practices-for-sample-utterances-and-custom-slot-type-values.html
  developer.amazon.com/docs/custom-skills/custom-interaction-model-reference.html
  developer.amazon.com/docs/custom-skills/interaction-model-limits ("Interaction model limits")
plus the ones the developer console enforces when a model is saved ("Text should begin with
alphabets and should only contain alphabets, whitespaces, periods or apostrophes"), and two
of this project's (at least MIN_SAMPLES samples per custom intent; no two slots side by
side, which Alexa's recogniser handles poorly)."""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
EXAMPLE = os.path.join(SOURCE, "examples", "interaction-model.json")


def locale_language(locale):
    return locale.split("-")[0]


def leec_skill(project, out, arns=None, locales=None, leec=None):
    """Runs `leec skill` (the only writer of the models) into out; the CompletedProcess."""
    import shutil
    import subprocess
    leec = leec or os.path.join(os.environ.get("LEEC_BUILD_DIR", os.path.join(SOURCE, "build")),
                                "compiler", "leec")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [leec, "skill", project, "-o", out]
    for a in arns or ALL_REGIONS:
        cmd += ["--function-arn", a]
    if locales:
        cmd += ["--locales", ",".join(locales)]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def models_in(out):
    """{locale: model} of a skill package leec wrote."""
    d = os.path.join(out, "custom", "skill-package", "interactionModels", "custom")
    res = {}
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            res[f[:-len(".json")]] = json.load(fh)
    return res


ALL_REGIONS = ["arn:aws:lambda:us-east-1:123456789012:function:leec",
               "arn:aws:lambda:eu-west-1:123456789012:function:leec",
               "arn:aws:lambda:us-west-2:123456789012:function:leec"]

# --------------------------------------------------------------------------------------
# Amazon's rules
# --------------------------------------------------------------------------------------


MIN_SAMPLES = 10            # this project: per custom intent
MAX_SAMPLE_CHARS = 200      # Amazon: characters in one sample utterance
MAX_INTENTS = 250           # Amazon: intents in one model
MAX_SLOT_VALUES = 50000     # Amazon: custom slot values (and synonyms) in one model
MAX_VALUE_CHARS = 140       # Amazon: characters in one slot value
MAX_INVOCATION_CHARS = 50   # Amazon: invocation name length
REQUIRED_BUILTINS = ["AMAZON.HelpIntent", "AMAZON.CancelIntent", "AMAZON.StopIntent",
                     "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent"]
# Built-in slot types this project uses (each is offered in all the locales above).
BUILTIN_TYPES = {"AMAZON.Room", "AMAZON.DURATION", "AMAZON.SearchQuery", "AMAZON.Ordinal",
                 "AMAZON.NUMBER", "AMAZON.DATE", "AMAZON.TIME", "AMAZON.Person"}
WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "ziggy"}
# Launch phrases and connecting words per language (an invocation name must not contain
# them; "skill" and "app" are refused as well).
LAUNCH_WORDS = {
    "en": {"ask", "begin", "launch", "load", "open", "play", "resume", "run", "start",
           "tell", "use", "enable", "talk", "skill", "app", "by", "from", "in", "using",
           "with", "to", "about", "for", "if", "whether", "and", "that"},
    "de": {"frage", "frag", "öffne", "starte", "sage", "sag", "spiele", "benutze", "lade",
           "skill", "app", "mit", "von", "nach", "und"},
    "fr": {"demande", "ouvre", "lance", "démarre", "dis", "joue", "utilise", "charge",
           "skill", "app", "avec", "de", "à", "et"},
    "es": {"abre", "pide", "pregunta", "pregúntale", "inicia", "lanza", "dile", "juega",
           "usa", "carga", "skill", "app", "con", "de", "a", "y"},
    "it": {"apri", "chiedi", "avvia", "lancia", "di'", "gioca", "usa", "carica", "skill",
           "app", "con", "di", "a", "e"},
}
# Two-word invocation names must not hold an article, preposition or "my".
SMALL_WORDS = {
    "en": {"the", "a", "an", "for", "to", "of", "my", "on", "at"},
    "de": {"der", "die", "das", "ein", "eine", "für", "zu", "von", "mein", "meine"},
    "fr": {"le", "la", "les", "un", "une", "pour", "de", "du", "mon", "ma"},
    "es": {"el", "la", "los", "las", "un", "una", "para", "de", "mi"},
    "it": {"il", "lo", "la", "i", "gli", "le", "un", "una", "per", "di", "mio", "mia"},
}

SLOT_RE = re.compile(r"\{([^{}]*)\}")


def _word_chars_ok(text, digits=False):
    """Letters (any script), spaces, apostrophes, periods; digits only when allowed."""
    for ch in text:
        if ch.isalpha() or ch in " '.":
            continue
        if digits and ch.isdigit():
            continue
        return False
    return True


def shape(sample):
    """A sample with its slots blanked and normalised: what Alexa sees as the carrier."""
    return re.sub(r"\s+", " ", SLOT_RE.sub("{}", sample.lower())).strip()


def check_model(model, locale):
    """[error strings] for one model; [] when it follows every rule."""
    errs = []
    lang = locale_language(locale)
    E = errs.append
    try:
        lm = model["interactionModel"]["languageModel"]
    except (KeyError, TypeError):
        return ["no interactionModel.languageModel"]
    inv = lm.get("invocationName")
    if not isinstance(inv, str) or not inv:
        E("invocationName missing")
        inv = ""
    words = inv.split()
    if inv != inv.lower():
        E("invocationName %r: must be lower case" % inv)
    if not _word_chars_ok(inv) or not inv[:1].isalpha():
        E("invocationName %r: only letters, spaces, apostrophes and periods" % inv)
    if not 2 <= len(inv) <= MAX_INVOCATION_CHARS:
        E("invocationName %r: 2 to %d characters" % (inv, MAX_INVOCATION_CHARS))
    if len(words) < 2 and not (lang == "de" and len(inv) >= 8):
        # one word only for brands, or (German only) a compound word
        E("invocationName %r: needs two or more words" % inv)
    if len(words) == 2 and set(words) & SMALL_WORDS.get(lang, set()):
        E("invocationName %r: two words, one an article/preposition/pronoun" % inv)
    for w in words:
        if w in WAKE_WORDS:
            E("invocationName %r: holds the wake word %r" % (inv, w))
        if w in LAUNCH_WORDS.get(lang, set()) or w in LAUNCH_WORDS["en"] & {"skill", "app"}:
            E("invocationName %r: holds the launch phrase/connecting word %r" % (inv, w))

    intents = lm.get("intents")
    if not isinstance(intents, list) or not intents:
        return errs + ["no intents"]
    if len(intents) > MAX_INTENTS:
        E("%d intents (at most %d)" % (len(intents), MAX_INTENTS))
    types = {t.get("name"): t for t in lm.get("types") or []}
    names = [i.get("name") for i in intents]
    for n in set(names):
        if names.count(n) > 1:
            E("intent %s defined %d times" % (n, names.count(n)))
    for b in REQUIRED_BUILTINS:
        if b not in names:
            E("built-in intent %s missing" % b)
    seen_text, seen_shape = {}, {}
    used_types = set()
    for it in intents:
        name = it.get("name") or "?"
        builtin = name.startswith("AMAZON.")
        if not builtin and not re.fullmatch(r"[A-Za-z][A-Za-z_]*", name):
            E("intent name %r: letters and underscores only" % name)
        slots = {}
        for s in it.get("slots") or []:
            sn, st = s.get("name"), s.get("type")
            if sn in slots:
                E("%s: slot %s defined twice" % (name, sn))
            slots[sn] = st
            if not re.fullmatch(r"[A-Za-z][A-Za-z_]*", sn or ""):
                E("%s: slot name %r" % (name, sn))
            if not st:
                E("%s: slot %s has no type" % (name, sn))
            elif st.startswith("AMAZON."):
                if st not in BUILTIN_TYPES and st not in types:
                    E("%s: slot %s: unknown built-in type %s" % (name, sn, st))
            elif st not in types:
                E("%s: slot %s: type %s is not defined" % (name, sn, st))
            used_types.add(st)
        samples = it.get("samples") or []
        if not builtin and len(samples) < MIN_SAMPLES:
            E("%s: %d samples (at least %d)" % (name, len(samples), MIN_SAMPLES))
        lower = [s.lower() for s in samples]
        for s in set(lower):
            if lower.count(s) > 1:
                E("%s: sample %r repeated" % (name, s))
        referenced = set()
        for s in samples:
            where = "%s: sample %r" % (name, s)
            if len(s) > MAX_SAMPLE_CHARS:
                E("%s: longer than %d characters" % (where, MAX_SAMPLE_CHARS))
            if s != s.strip() or "  " in s:
                E("%s: stray spaces" % where)
            refs = SLOT_RE.findall(s)
            bare = SLOT_RE.sub("", s)
            if "{" in bare or "}" in bare:
                E("%s: unbalanced braces" % where)
            if not _word_chars_ok(bare):
                E("%s: only letters, spaces, apostrophes and periods (numbers as words)"
                  % where)
            if not (s[:1].isalpha() or s[:1] == "{"):
                E("%s: must begin with a letter or a slot" % where)
            if re.search(r"\}\s*\{", s):
                E("%s: two slots side by side" % where)
            for r in refs:
                referenced.add(r)
                if r not in slots:
                    E("%s: slot {%s} is not a slot of the intent" % (where, r))
            if any(slots.get(r) == "AMAZON.SearchQuery" for r in refs):
                if len(refs) > 1:
                    E("%s: an AMAZON.SearchQuery slot must be the only slot" % where)
                if not bare.strip():
                    E("%s: an AMAZON.SearchQuery slot needs a carrier phrase" % where)
            if set(w.strip(".'") for w in bare.lower().split()) & WAKE_WORDS:
                E("%s: holds a wake word" % where)
            if inv and re.search(r"\b%s\b" % re.escape(inv), bare.lower()):
                E("%s: holds the invocation name" % where)
            low = re.sub(r"\s+", " ", s.lower()).strip()
            if low in seen_text and seen_text[low] != name:
                E("%s: also a sample of %s" % (where, seen_text[low]))
            seen_text.setdefault(low, name)
            sh = shape(s)
            if sh.replace("{}", "").strip() and sh in seen_shape and seen_shape[sh][0] != name:
                E("%s: same words as %r of %s (Alexa cannot tell them apart)"
                  % (where, seen_shape[sh][1], seen_shape[sh][0]))
            seen_shape.setdefault(sh, (name, s))
        for sn in slots:
            if not builtin and samples and sn not in referenced:
                E("%s: slot %s appears in no sample" % (name, sn))
    nvalues = 0
    for tname, t in types.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z_]*", tname or ""):
            E("type name %r: letters and underscores only" % tname)
        if tname not in used_types:
            E("type %s is used by no slot" % tname)
        vals = t.get("values") or []
        if not vals:
            E("type %s has no values" % tname)
        seen, ids = {}, set()
        for v in vals:
            nm = v.get("name") or {}
            if "id" in v:
                if v["id"] in ids:
                    E("type %s: id %r repeated" % (tname, v["id"]))
                ids.add(v["id"])
            for w in [nm.get("value")] + list(nm.get("synonyms") or []):
                nvalues += 1
                if not isinstance(w, str) or not w.strip():
                    E("type %s: empty value" % tname)
                    continue
                if len(w) > MAX_VALUE_CHARS:
                    E("type %s: value %r longer than %d" % (tname, w, MAX_VALUE_CHARS))
                if not _word_chars_ok(w, digits=True):
                    E("type %s: value %r: letters, digits, spaces, apostrophes, periods"
                      % (tname, w))
                k = w.lower()
                if k in seen and seen[k] is not v:
                    E("type %s: %r is a value or synonym twice" % (tname, w))
                seen[k] = v
    if nvalues > MAX_SLOT_VALUES:
        E("%d slot values (at most %d)" % (nvalues, MAX_SLOT_VALUES))
    return errs


def main(argv):
    """skill_models.py DIR: Amazon's rules on the models of a package `leec skill` wrote."""
    bad = 0
    for loc, m in models_in(argv[0]).items():
        for e in check_model(m, loc):
            print("%s: %s" % (loc, e))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: skill_models.py DIR (a skill package leec skill wrote)")
    sys.exit(main(sys.argv[1:]))
