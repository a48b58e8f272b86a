#!/usr/bin/python3
"""An adversarial corpus for `leec validate` (issue 22): every input in tests/hostile/ and
the generated ones below (billion laughs, deep nesting, aliases of a long scalar, a
line of thousands of keys, thousands of duplicate items, a file over the size cap), each
in two roles: as the project file (it is never valid: exit 1 or 2) and as a user preset
beside a valid project (whatever it is, never a crash). Every run has a time limit, an
output cap and a resident-memory cap; exit 3 or a signal fails. yaml-test-suite is not
packaged by Debian and this machine reaches no other source, so the YAML-level cases are
written here (tests/hostile/README.md lists what each covers)."""

import glob
import os
import resource
import shutil
import subprocess
import tempfile
import unittest

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LEEC_BUILD_DIR") or os.path.join(SRC, "build")
LEEC = os.path.join(BUILD, "compiler", "leec")
TIME_LIMIT = 20             # seconds per run (a loaded CI machine; most take < 0.2 s)
OUTPUT_CAP = 1 << 20        # bytes of diagnostics per run
RSS_CAP_KB = 1 << 20        # 1 GiB peak resident memory of any run

GOOD = """\
leec: 1
preset: production_balanced
features: smart_home
home_assistant:
  url: https://ha.example.net
  token:
    mode: account_linking
"""


def generated():
    """The big inputs, made here rather than stored."""
    laughs = ["leec: 1", 'a0: &a0 "lol"']
    for i in range(1, 10):
        laughs.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
    yield "billion_laughs", "\n".join(laughs) + "\n"
    yield "deep_flow", "leec: " + "[" * 500000 + "]" * 500000 + "\n"
    yield "deep_block", "leec: 1\nx:\n" + "".join("  " * i + "- \n" for i in range(1, 2000))
    yield "long_scalar_aliases", (GOOD + 'x: &a "' + "a" * 60000 + '"\ny: [' +
                                  ", ".join(["*a"] * 20000) + "]\n")
    yield "many_aliases_1mib", GOOD + 'x: &a "b"\ny: [' + ", ".join(["*a"] * 197000) + "]\n"
    yield "keys_on_one_line", GOOD + "alexa: {" + ", ".join("k%d: 1" % i for i in range(2000)) + "}\n"
    yield "duplicate_items", (GOOD + "overrides:\n  cache:\n    shed_order: [" +
                              ", ".join(["expire"] * 1400) + "]\n")
    yield "over_size_cap", GOOD + "# " + "x" * (2 << 20) + "\n"
    yield "long_key", GOOD + "k" * 70000 + ": 1\n"
    yield "many_documents", "leec: 1\n" + "---\na: 1\n" * 20000
    yield "many_errors_many_lines", GOOD + "".join("bad%d: 1\n" % i for i in range(20000))


class Corpus(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leec-corpus-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_leec(self, args, cwd):
        with tempfile.TemporaryFile() as err:
            try:
                p = subprocess.run([LEEC, "--root", SRC] + args, cwd=cwd,
                                   stdout=subprocess.DEVNULL, stderr=err, timeout=TIME_LIMIT)
            except subprocess.TimeoutExpired:
                self.fail("leec %s: no answer in %d s" % (" ".join(args), TIME_LIMIT))
            size = err.tell()
            err.seek(0)
            text = err.read(4096).decode("utf-8", "replace")
        self.assertLessEqual(size, OUTPUT_CAP, "leec %s printed %d bytes" % (args, size))
        self.assertGreaterEqual(p.returncode, 0, "leec %s: signal %d\n%s" % (args, -p.returncode, text))
        self.assertNotEqual(p.returncode, 3, "leec %s: internal error\n%s" % (args, text))
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.assertLessEqual(rss, RSS_CAP_KB, "a run peaked at %d KiB" % rss)
        return p.returncode, text

    def inputs(self):
        for path in sorted(glob.glob(os.path.join(SRC, "tests", "hostile", "*.yaml"))):
            with open(path, "rb") as f:
                yield os.path.basename(path)[:-5], f.read()
        for name, text in generated():
            yield name, text.encode()

    def test_as_project_never_valid(self):
        n = 0
        for name, data in self.inputs():
            with self.subTest(case=name):
                d = os.path.join(self.dir, "p-" + name)
                os.makedirs(d)
                with open(os.path.join(d, "leec.yaml"), "wb") as f:
                    f.write(data)
                code, err = self.run_leec(["validate", "leec.yaml"], d)
                self.assertIn(code, (1, 2), err)
                self.assertNotIn(": valid", err)
                n += 1
        self.assertGreater(n, 40)

    def test_as_user_preset_never_crashes(self):
        for name, data in self.inputs():
            with self.subTest(case=name):
                d = os.path.join(self.dir, "u-" + name)
                os.makedirs(os.path.join(d, "presets"))
                with open(os.path.join(d, "leec.yaml"), "w") as f:
                    f.write(GOOD)
                with open(os.path.join(d, "presets", "hostile.yaml"), "wb") as f:
                    f.write(data)
                code, err = self.run_leec(["validate", "leec.yaml"], d)
                self.assertIn(code, (0, 1, 2), err)
                # and walked as a directory
                code, err = self.run_leec(["validate", "."], d)
                self.assertIn(code, (0, 1, 2), err)


if __name__ == "__main__":
    unittest.main()
