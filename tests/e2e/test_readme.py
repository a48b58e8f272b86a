#!/usr/bin/python3
"""Every README shell block runs as pasted.

Each ```sh block of README.md carries a marker on the line before it:
  <!-- runnable -->                 this test runs it
  <!-- not runnable: REASON -->     it does not (AWS, root, minutes of release builds, ...)
An unmarked block fails the test, so a new command cannot dodge it.

A runnable block runs with `bash -e -o pipefail` in a scratch directory that looks like the
source tree (a symlink to each top-level entry, `build` -> LEEC_BUILD_DIR), so files the
commands write (out/, leec.schema.json, build-full/) stay out of the tree; every name they
add at the top must be one .gitignore ignores, so a user who pastes them into a checkout is
left with nothing untracked. The text runs unchanged (the Home Assistant simulator takes a
free port and prints its URL). Background processes a block starts are killed with its
process group afterwards. The block must exit 0."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

README = os.path.join(harness.source_dir(), "README.md")
MARK = re.compile(r"^<!--\s*(runnable|not runnable:\s*(?P<why>.+?))\s*-->$")


def sh_blocks(text):
    """[(line number, marker or None, reason, code)] for every ```sh block."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            start = i
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            k = start - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            m = MARK.match(lines[k].strip()) if k >= 0 else None
            kind = None if not m else ("runnable" if m.group(1) == "runnable" else "not")
            out.append((start + 1, kind, m.group("why") if m else None,
                        "\n".join(lines[start + 1:j]) + "\n"))
            i = j
        i += 1
    return out


def scratch_tree():
    src, build = harness.source_dir(), harness.build_dir()
    d = tempfile.mkdtemp(prefix="leec-readme-")
    for name in os.listdir(src):
        if name == ".git" or name.startswith("build"):
            continue
        os.symlink(os.path.join(src, name), os.path.join(d, name))
    os.symlink(build, os.path.join(d, "build"))
    return d


class TestReadme(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        harness.require_file(harness.bootstrap_path())
        with open(README) as f:
            cls.blocks = sh_blocks(f.read())

    def test_every_block_is_marked(self):
        self.assertTrue(self.blocks)
        for line, kind, why, _ in self.blocks:
            with self.subTest(line=line):
                self.assertIsNotNone(kind, "README.md:%d: ```sh block without <!-- runnable --> "
                                           "or <!-- not runnable: reason -->" % line)
                if kind == "not":
                    self.assertTrue(why.strip(), "README.md:%d: say why it is not runnable" % line)

    def test_runnable_blocks_exit_0(self):
        runnable = [(line, code) for line, kind, _, code in self.blocks if kind == "runnable"]
        self.assertGreaterEqual(len(runnable), 4)
        work = scratch_tree()
        self.addCleanup(shutil.rmtree, work, True)
        before = set(os.listdir(work))
        for line, code in runnable:
            with self.subTest(line=line):
                script = code
                kit = os.path.join(harness.build_dir(), "lib", "leec", "x86_64", "bootstrap.txt")
                if "leec package" in script and not os.path.exists(kit):
                    self.skipTest("README.md:%d packages with the runtime kit, which only a lean "
                                  "build makes (-DLEEC_LEAN=ON): %s has none" % (line, kit))
                p = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script], cwd=work,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
                try:
                    out, _ = p.communicate(timeout=480)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    out, _ = p.communicate()
                    self.fail("README.md:%d: timed out\n%s" % (line, out.decode(errors="replace")))
                finally:
                    try:
                        os.killpg(p.pid, signal.SIGKILL)  # anything it left in the background
                    except ProcessLookupError:
                        pass
                self.assertEqual(p.returncode, 0, "README.md:%d exited %s:\n%s\n--- output:\n%s"
                                 % (line, p.returncode, script,
                                    out.decode(errors="replace")[-4000:]))
        for name in sorted(set(os.listdir(work)) - before):
            with self.subTest(untracked=name):
                slash = "/" if os.path.isdir(os.path.join(work, name)) else ""
                r = subprocess.run(["git", "-C", harness.source_dir(), "check-ignore", "-q",
                                    "--no-index", name + slash])
                self.assertEqual(r.returncode, 0, "README blocks leave %s%s untracked: write it "
                                 "to a temporary directory or add it to .gitignore" % (name, slash))


if __name__ == "__main__":
    unittest.main(verbosity=2)
