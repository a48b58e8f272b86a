"""Mutations of every stock preset, tier, feature preset, alias file and example,
validated from a copy of the tree in another directory: each must exit 1 with a
diagnostic at the mutated file:line.

The tree's schemas/, presets/ and examples/ are copied into a temporary directory; each
file is mutated there (one class at a time) and validated twice, from the copy's
directory: `leec --root <copy> validate FILE` (exit 1 at the mutated line) and
`leec validate FILE` with the build's own catalog: a project file must be diagnosed at
the mutated line too; a preset/tier/feature preset copy is read beside the stock one of
the same name, which is itself an error ("defined twice") that may come first, so
there only exit 1 with an error in that file is required.

Classes: unknown key, duplicate key, unclosed flow sequence (text appended to the file,
its formatting kept); list for a number, absurd number, quoted number, `yes` for a
boolean (lambda.memory_mb / cache.enabled set in the file's overrides or tier values;
the file is read and written back with PyYAML, python3-yaml, for these).

"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

try:
    import yaml
except ImportError:  # python3-yaml
    yaml = None

SRC = harness.source_dir()
LEEC = os.path.join(harness.build_dir(), "compiler", "leec")
MARK = "__LEEC_MUTATION__"

# (class, file relative to the copy, mode) -> reason; mode "root" or "stock".

KEY_CLASSES = ("unknown_key", "duplicate_key", "unclosed_flow")
VALUE_CLASSES = {
    "list_for_number": ("lambda", "memory_mb", "[128, 256]"),
    "absurd_number": ("lambda", "memory_mb", "99999999999999"),
    "quoted_number": ("lambda", "memory_mb", '"256"'),
    "yes_for_bool": ("cache", "enabled", "yes"),
}


def targets(copy):
    out = []
    for pat in ("presets/*.yaml", "presets/tiers/*.yaml", "presets/features/*.yaml",
                "examples/*.yaml"):
        for f in sorted(glob.glob(os.path.join(copy, pat))):
            rel = os.path.relpath(f, copy)
            with open(f) as fh:
                text = fh.read()
            m = re.search(r"^(leec|preset|tier|feature_preset|aliases):", text, re.M)
            if m:
                out.append((rel, m.group(1)))
    return out


def first_scalar_key_line(text):
    for line in text.splitlines():
        if re.match(r"^[a-z_]+: *\S", line) and not line.rstrip().endswith((">-", ">", "|")):
            return line.rstrip()
    return None


def key_mutation(text, cls):
    """(new text, 1-based line of the mutation) for the key classes."""
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 1
    if cls == "unknown_key":
        return text + "bogus_key: 1\n", line
    if cls == "duplicate_key":
        dup = first_scalar_key_line(text)
        if dup is None:  # aliases.yaml: one block key
            dup = re.search(r"^([a-z_]+):", text, re.M).group(1) + ": {}"
        return text + dup + "\n", line
    return text + "bogus_list: [1, 2\n", line  # unclosed_flow


def value_mutation(text, kind, cls):
    """(new text, line) with the class's value set where the file kind takes values."""
    iface, param, raw = VALUE_CLASSES[cls]
    data = yaml.safe_load(text)
    block = {"tier": "values", "leec": "overrides", "preset": "overrides"}.get(kind)
    if block is None:
        return None, None
    if data.get("extends") is None and kind == "preset" and data.get("base") is None:
        return None, None
    blk = data.get(block) or {}
    data[block] = blk
    sub = blk.get(iface) or {}
    blk[iface] = sub
    sub[param] = MARK
    out = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=1000,
                         allow_unicode=True)
    lines = out.splitlines()
    for i, ln in enumerate(lines):
        if MARK in ln:
            lines[i] = ln.replace("'%s'" % MARK, raw).replace(MARK, raw)
            return "\n".join(lines) + "\n", i + 1
    raise AssertionError("mutation marker lost")


@unittest.skipUnless(os.path.exists(LEEC), "needs the build's leec")
class Mutations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="leec-mutation-")
        cls.copy = os.path.join(cls.tmp, "tree")
        os.makedirs(cls.copy)
        for d in ("schemas", "presets", "examples"):
            shutil.copytree(os.path.join(SRC, d), os.path.join(cls.copy, d))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def leec(self, *args):
        env = {k: v for k, v in os.environ.items() if k != "LEEC_ROOT"}
        return subprocess.run([LEEC] + list(args), cwd=self.copy, env=env,
                              capture_output=True, text=True, timeout=60)

    def check(self, rel, text, line, cls, failures, kind):
        path = os.path.join(self.copy, rel)
        with open(path) as f:
            orig = f.read()
        try:
            with open(path, "w") as f:
                f.write(text)
            for mode, args in (("root", ("--root", ".", "validate", rel)),
                               ("stock", ("validate", rel))):
                r = self.leec(*args)
                where = "%s:%d:" % (rel, line)
                error_here = re.search(r"^%s:\d+:\d+: error:" % re.escape(rel), r.stderr, re.M)
                if mode == "stock" and kind not in ("leec", "aliases"):
                    # Read beside the build's own catalog, a copy of a stock preset, tier or
                    # feature preset clashes with the stock one ("defined twice", at this
                    # file) unless the mutation stops it earlier: an error here either way.
                    ok = r.returncode == 1 and error_here
                else:
                    ok = r.returncode == 1 and where in r.stderr and error_here
                if not ok:
                    failures.append("%s %s [%s]: exit %d, want 1 at %s\n%s" % (
                        cls, rel, mode, r.returncode, where, r.stderr[:600]))
        finally:
            with open(path, "w") as f:
                f.write(orig)

    def test_unmutated_copy_is_valid(self):
        for rel, kind in targets(self.copy):
            r = self.leec("--root", ".", "validate", rel)
            self.assertEqual(r.returncode, 0, (rel, r.stderr))
            r = self.leec("validate", rel)
            if kind in ("leec", "aliases"):
                self.assertEqual(r.returncode, 0, (rel, r.stderr))
            else:  # a second preset/tier of the same name beside the build's catalog
                self.assertEqual(r.returncode, 1, (rel, r.stderr))
                # A preset says how to take a stock preset's name (overrides_stock).
                why = ("is a stock preset; rename yours, or add 'overrides_stock: true'"
                       if kind == "preset" else "is defined twice")
                self.assertRegex(r.stderr, r"^%s:\d+:\d+: error: .* %s" %
                                 (re.escape(rel), re.escape(why)))

    def test_key_classes(self):
        failures = []
        for rel, kind in targets(self.copy):
            with open(os.path.join(self.copy, rel)) as f:
                text = f.read()
            for cls in KEY_CLASSES:
                t, line = key_mutation(text, cls)
                self.check(rel, t, line, cls, failures, kind)
        self.assertFalse(failures, "\n".join(failures))

    @unittest.skipIf(yaml is None, "needs python3-yaml")
    def test_value_classes(self):
        failures = []
        n = 0
        for rel, kind in targets(self.copy):
            with open(os.path.join(self.copy, rel)) as f:
                text = f.read()
            for cls in VALUE_CLASSES:
                t, line = value_mutation(text, kind, cls)
                if t is None:
                    continue
                n += 1
                self.check(rel, t, line, cls, failures, kind)
        self.assertGreater(n, 100)
        self.assertFalse(failures, "\n".join(failures))

    @unittest.skipIf(yaml is None, "needs python3-yaml")
    def test_round_trip_without_mutation_is_valid(self):
        # The value classes rewrite the file with PyYAML: that alone must stay valid.
        for rel, kind in targets(self.copy):
            path = os.path.join(self.copy, rel)
            with open(path) as f:
                orig = f.read()
            if kind not in ("tier", "leec", "preset"):
                continue
            try:
                with open(path, "w") as f:
                    yaml.safe_dump(yaml.safe_load(orig), f, sort_keys=False, width=1000)
                r = self.leec("--root", ".", "validate", rel)
                self.assertEqual(r.returncode, 0, (rel, r.stderr))
            finally:
                with open(path, "w") as f:
                    f.write(orig)


if __name__ == "__main__":
    unittest.main()
