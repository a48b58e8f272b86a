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
    for w in list(b.get("on") or []) + list(b.get("off") or []) + [
            f for o in cat.get("ordinals") or [] for f in o]:
        if not isinstance(w, str):
            E("word %r is not a string (quote it in the YAML)" % (w,))
    return errs


# ---- C tables -------------------------------------------------------------------------

C_PREFIX = "SK_"


def c_name(key):
    return C_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", key).upper()


def c_str(s):
    """A C string literal (UTF-8 bytes; non-ASCII as octal escapes so the file is ASCII)."""
    out = '"'
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\':
            out += "\\" + ch
        elif 32 <= b < 127:
            out += ch
        else:
            out += "\\%03o" % b
    return out + '"'


def _norm_word(w):
    return re.sub(r"\s+", " ", w.replace("-", " ").strip().lower())


def emit_c(cats=None, header="lang_tables.h"):
    """(header text, source text) of the catalogue as static C tables. Each language is
    compiled in unless LEEC_SKILL_LANG_<XX> is defined as 0; English always is.
    Returns (header, the list's source, {language: its own source})."""
    cats = cats or load_all()
    en = cats["en"]
    keys = list(en["messages"])
    gen = ("/* Generated by tests/peers/skill_messages.py from presets/skill/messages.*.yaml;"
           " do not edit\n * (tests/e2e/test_interaction_models.py fails when it drifts). */\n")
    h = [gen, "#ifndef LEEC_SKILL_LANG_TABLES_H", "#define LEEC_SKILL_LANG_TABLES_H", "",
         "#include <stddef.h>", "", "enum sk_msg {"]
    for k in keys:
        h.append("    %s," % c_name(k))
    h += ["    SK_MSG_COUNT", "};", "",
          "struct sk_word {", "    const char *word; /* lower case, single spaces */",
          "    int value;", "};", "",
          "struct sk_lang {",
          "    const char *code; /* \"en\", \"de\", ... */",
          "    const char *const *msg; /* SK_MSG_COUNT templates with {placeholders} */",
          "    const char *list_sep, *and_word, *or_word, *decimal, *percent;",
          "    const char *unit[3][2]; /* hour, minute, second x one, many */",
          "    const char *dur_sep, *dur_last, *dur_zero;",
          "    const struct sk_word *numbers; /* 0..100 */", "    size_t nnumbers;",
          "    const char *const *points; /* decimal point words */", "    size_t npoints;",
          "    const struct sk_word *ordinals; /* 1..10 */", "    size_t nordinals;",
          "    const struct sk_word *bools; /* 1 on, 0 off */", "    size_t nbools;",
          "};", "",
          "/* One per language (custom/lang_<xx>.c). */",
          "extern const struct sk_lang %s;" % ", ".join("sk_lang_" + l for l in cats),
          "/* The compiled-in languages, English first. */",
          "extern const struct sk_lang *const sk_langs[];", "extern const size_t sk_nlangs;",
          "", "#endif", ""]
    langs = {}
    for lang, cat in cats.items():
        c = [gen, '#include "%s"' % header, ""]
        c.append("static const char *const msg[SK_MSG_COUNT] = {")
        for k in keys:
            c.append("    [%s] = %s," % (c_name(k), c_str(cat["messages"][k].strip())))
        c.append("};")

        def words(name, pairs):
            c.append("static const struct sk_word %s[] = {" % name)
            for w, v in pairs:
                c.append("    {%s, %d}," % (c_str(_norm_word(w)), v))
            c.append("};")
        words("numbers", sorted(number_words(cat).items(), key=lambda x: (x[1], x[0])))
        words("ordinals", sorted(ordinal_words(cat).items(), key=lambda x: (x[1], x[0])))
        words("bools", [(w, 1) for w in cat["bool"]["on"]] + [(w, 0) for w in cat["bool"]["off"]])
        c.append("static const char *const points[] = {%s};"
                 % ", ".join(c_str(_norm_word(w)) for w in cat["numbers"]["point"]))
        f = cat["format"]
        u = f["units"]
        c += ["const struct sk_lang sk_lang_%s = {" % lang,
              "    %s," % c_str(lang), "    msg,",
              "    %s, %s, %s, %s, %s," % tuple(c_str(f[k]) for k in (
                  "list_separator", "and", "or", "decimal", "percent")),
              "    {{%s, %s}, {%s, %s}, {%s, %s}}," % tuple(
                  c_str(x) for k in ("hour", "minute", "second") for x in u[k]),
              "    %s, %s, %s," % tuple(c_str(f[k]) for k in (
                  "duration_separator", "duration_last", "duration_zero")),
              "    numbers, sizeof numbers / sizeof numbers[0],",
              "    points, sizeof points / sizeof points[0],",
              "    ordinals, sizeof ordinals / sizeof ordinals[0],",
              "    bools, sizeof bools / sizeof bools[0],",
              "};", ""]
        langs[lang] = "\n".join(c)
    # The list: one file per language (custom/lang_<xx>.c, linked when chosen), English
    # always; LEEC_SKILL_LANG_<XX>=0 leaves one out of the list.
    c = [gen, '#include "%s"' % header, ""]
    for lang in cats:
        if lang != "en":
            L = lang.upper()
            c += ["#ifndef LEEC_SKILL_LANG_%s" % L, "#define LEEC_SKILL_LANG_%s 1" % L, "#endif"]
    c.append("const struct sk_lang *const sk_langs[] = {")
    for lang in cats:
        if lang == "en":
            c.append("    &sk_lang_en,")
        else:
            c += ["#if LEEC_SKILL_LANG_%s" % lang.upper(), "    &sk_lang_%s," % lang, "#endif"]
    c += ["};", "const size_t sk_nlangs = sizeof sk_langs / sizeof sk_langs[0];", ""]
    return "\n".join(h), "\n".join(c), langs


C_HEADER = os.path.join("runtime", "custom", "lang_tables.h")
C_SOURCE = os.path.join("runtime", "custom", "lang_tables.c")
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))


def clang_format(text, root=SOURCE, name="x.c"):
    """text formatted with the tree's .clang-format; None when clang-format is missing."""
    import shutil
    import subprocess
    exe = shutil.which("clang-format")
    if not exe:
        return None
    r = subprocess.run([exe, "--style=file", "--assume-filename=" + os.path.join(root, name)],
                       input=text, stdout=subprocess.PIPE, text=True, check=True, cwd=root)
    return r.stdout


def c_files(root=SOURCE):
    """{path: text} of the generated C (clang-formatted); None when clang-format is missing."""
    hdr, src, langs = emit_c(header="custom/lang_tables.h")
    out = {}
    items = [(C_HEADER, hdr), (C_SOURCE, src)]
    items += [(os.path.join("runtime", "custom", "lang_%s.c" % l), t) for l, t in langs.items()]
    for rel, text in items:
        f = clang_format(text, root, rel)
        if f is None:
            return None
        out[os.path.join(root, rel)] = f
    return out


def c_drift(root=SOURCE):
    """[paths] whose checked-in text differs; None when clang-format is missing."""
    files = c_files(root)
    if files is None:
        return None
    bad = []
    for path, text in files.items():
        try:
            with open(path, encoding="ascii") as f:
                if f.read() != text:
                    bad.append(path)
        except OSError:
            bad.append(path)
    return bad


if __name__ == "__main__":
    if sys.argv[1:] == ["emit-c"]:  # writes runtime/custom/lang_tables.{h,c}, lang_<xx>.c
        files = c_files()
        if files is None:
            sys.exit("clang-format is needed (the tree's style)")
        for path, text in files.items():
            with open(path, "w", encoding="ascii") as f:
                f.write(text)
        sys.exit(0)
    cats = load_all()
    bad = 0
    for lang, cat in cats.items():
        for e in check_catalogue(cat, cats["en"]):
            print("%s: %s" % (lang, e))
            bad += 1
    sys.exit(1 if bad else 0)
