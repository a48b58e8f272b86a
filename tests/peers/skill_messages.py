#!/usr/bin/python3
"""The Custom skill's message catalogue: presets/skill/messages.<lang>.yaml.

Each file has the same message keys and the same {placeholders} per key as the English one
(the fallback), a `format` section (list words, decimal sign, duration units), number words
(`numbers`: units, tens, hundred, decimal point word and the rule that composes 21..99),
ordinals 1..10 in all their forms, and the words of on/off values.

This module is the reference: number_words() expands the number words to 0..100,
speak_list() and speak_duration() say lists and durations as the runtime must, and
check_catalogue() lists what is wrong with a catalogue."""
import os
import re
import string
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SKILL = os.path.normpath(os.path.join(HERE, "..", "..", "presets", "skill"))
LANGUAGES = ["en", "de", "fr", "es", "it"]


def load(lang, skill_dir=SKILL):
    with open(os.path.join(skill_dir, "messages.%s.yaml" % lang), encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_all(skill_dir=SKILL):
    return {lang: load(lang, skill_dir) for lang in LANGUAGES}


def placeholders(text):
    return sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})


def fill(cat, key, **kw):
    """The message `key` with its placeholders filled (English when the key is missing)."""
    return cat["messages"][key].format(**kw)

# ---- numbers --------------------------------------------------------------------------


def _compose(rule, tens_word, unit, unit_word, t):
    """The word for tens t (2..9) plus unit (1..9)."""
    if rule == "en":
        return "%s %s" % (tens_word, unit_word)
    if rule == "de":
        return "%sund%s" % ("ein" if unit == 1 else unit_word, tens_word)
    if rule == "es":
        return "%s y %s" % (tens_word, unit_word)
    if rule == "it":
        base = tens_word[:-1] if unit in (1, 8) else tens_word
        return base + ("tré" if unit == 3 else unit_word)
    raise ValueError(rule)


def number_words(cat):
    """{word: value} for 0..100 in the catalogue's language (hyphens written as spaces)."""
    n = cat["numbers"]
    rule, units, tens = n["rule"], n["units"], n["tens"]
    out = {}
    for i, w in enumerate(units):
        out[w] = i
    if rule == "fr":
        # 20..69 regular; 70..79 = soixante + 10..19; 80 quatre vingts; 81..99 quatre vingt + 1..19
        for t in range(2, 10):
            for u in range(0, 10):
                v = t * 10 + u
                if v in out.values() and v < len(units):
                    continue
                if t <= 6:
                    base = tens[t - 2]
                    w = base if u == 0 else base + (" et un" if u == 1 else " " + units[u])
                elif t == 7:
                    w = "soixante " + (("et " + units[10 + u]) if u == 1 else units[10 + u])
                elif t == 8:
                    w = "quatre vingts" if u == 0 else "quatre vingt " + units[u]
                else:
                    w = "quatre vingt " + units[10 + u]
                out[w] = v
        out["quatre vingt"] = 80
    else:
        for t in range(2, 10):
            v0 = t * 10
            if v0 >= len(units):
                out[tens[t - 2]] = v0
            for u in range(1, 10):
                v = v0 + u
                if v < len(units):
                    continue
                out[_compose(rule, tens[t - 2], u, units[u], t)] = v
    for w in n["hundred"]:
        out[w] = 100
    if rule == "de":
        out["ein"] = 1
        for w, v in list(out.items()):
            if "ß" in w:
                out[w.replace("ß", "ss")] = v  # Swiss spelling
    if rule == "es":
        out["un"] = out["una"] = 1
        out["veintiún"] = 21
    return out


def ordinal_words(cat):
    out = {}
    for i, forms in enumerate(cat["ordinals"]):
        for f in forms:
            out[f] = i + 1
    return out

# ---- lists, durations -----------------------------------------------------------------


def _conj(cat, conj, nxt):
    w = cat["format"][conj]
    if cat["language"] == "es":
        low = nxt.lower()
        if conj == "and" and re.match(r"h?i(?![aeiouáéíóú])", low):
            w = " e "
        if conj == "or" and re.match(r"h?o", low):
            w = " u "
    return w


def speak_list(cat, items, conj="and"):
    """"A", "A and B", "A, B and C" in the catalogue's language."""
    out = ""
    for i, it in enumerate(items):
        if i == 0:
            out = it
        elif i + 1 == len(items):
            out += _conj(cat, conj, it) + it
        else:
            out += cat["format"]["list_separator"] + it
    return out


def speak_duration(cat, seconds):
    f = cat["format"]
    parts = []
    for unit, n in (("hour", seconds // 3600), ("minute", seconds // 60 % 60),
                    ("second", seconds % 60)):
        if n:
            parts.append("%d %s" % (n, f["units"][unit][0 if n == 1 else 1]))
    if not parts:
        return f["duration_zero"]
    if len(parts) == 1:
        return parts[0]
    return f["duration_separator"].join(parts[:-1]) + f["duration_last"] + parts[-1]

# ---- checks ---------------------------------------------------------------------------


def check_catalogue(cat, english):
    errs = []
    E = errs.append
    msgs, ref = cat.get("messages") or {}, english["messages"]
    for k in ref:
        if k not in msgs:
            E("message %s missing" % k)
        elif not isinstance(msgs[k], str) or not msgs[k].strip():
            E("message %s empty" % k)
        elif placeholders(msgs[k]) != placeholders(ref[k]):
            E("message %s: placeholders %s, English has %s"
              % (k, placeholders(msgs[k]), placeholders(ref[k])))
    for k in msgs:
        if k not in ref:
            E("message %s is not in the English catalogue" % k)
    for k in ("list_separator", "and", "or", "decimal", "percent", "duration_separator",
              "duration_last", "duration_zero"):
        if not isinstance((cat.get("format") or {}).get(k), str):
            E("format.%s missing" % k)
    for u in ("hour", "minute", "second"):
        v = ((cat.get("format") or {}).get("units") or {}).get(u)
        if not (isinstance(v, list) and len(v) == 2):
            E("format.units.%s: [one, many]" % u)
    try:
        words = number_words(cat)
        if sorted(set(words.values())) != list(range(101)):
            E("number words do not cover 0..100")
    except (KeyError, ValueError, IndexError) as e:
        E("numbers: %s" % e)
    if len(cat.get("ordinals") or []) != 10:
        E("ordinals: 1..10")
    b = cat.get("bool") or {}
    if not b.get("on") or not b.get("off") or set(b["on"]) & set(b["off"]):
        E("bool: on and off words, none in both")
    return errs


if __name__ == "__main__":
    cats = load_all()
    bad = 0
    for lang, cat in cats.items():
        for e in check_catalogue(cat, cats["en"]):
            print("%s: %s" % (lang, e))
            bad += 1
    sys.exit(1 if bad else 0)
