#!/usr/bin/python3
"""Expected answers for the Custom-skill tests: the message templates of
presets/skill/messages.<lang>.yaml with their {placeholders} filled.

Only a test oracle: leec checks the catalogues (model/skill.c) and writes the runtime's tables
(leec_messages.c, emit/skill_messages.c); the language rules (lists, durations, number words)
exist once, in runtime/custom/lang.c and leec's emitter, never here."""
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SKILL = os.path.normpath(os.path.join(HERE, "..", "..", "presets", "skill"))


def languages(skill_dir=SKILL):
    """The catalogue languages: every messages.<lang>.yaml."""
    return sorted(f[len("messages."):-len(".yaml")] for f in os.listdir(skill_dir)
                  if f.startswith("messages.") and f.endswith(".yaml"))


def load(lang, skill_dir=SKILL):
    with open(os.path.join(skill_dir, "messages.%s.yaml" % lang), encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_all(skill_dir=SKILL):
    return {lang: load(lang, skill_dir) for lang in languages(skill_dir)}


def fill(cat, key, **kw):
    """The message `key` with its placeholders filled."""
    return cat["messages"][key].format(**kw)
