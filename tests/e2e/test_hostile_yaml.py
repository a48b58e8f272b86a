#!/usr/bin/python3
"""The compiler under hostile and unusual input (issue 22): `leec validate` never hangs,
never says "valid" for a file that is not, and its output stays bounded. Every run has a
timeout and an output cap; each case is a temporary directory outside the tree."""

import os
import shutil
import stat
import subprocess
import tempfile
import unittest

SRC = os.environ.get("LEEC_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LEEC_BUILD_DIR") or os.path.join(SRC, "build")
LEEC = os.path.join(BUILD, "compiler", "leec")

GOOD = """\
leec: 1
preset: production_balanced
features: smart_home
home_assistant:
  url: https://ha.example.net
  token:
    mode: account_linking
"""
# The same project with one error (an unknown key), in spellings a line-prefix guess
# took for "not a leec file".
BAD_KEY = "bogus: 2\n"

OUTPUT_CAP = 1 << 20  # bytes of stderr any one run may print


# Root reads every file: the unreadable-file cases then run leec as nobody (setpriv,
# util-linux), so they test something on a CI machine that runs as root too.
SETPRIV = shutil.which("setpriv")
AS_NOBODY = ([SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"]
             if os.geteuid() == 0 and SETPRIV else [])
CAN_TEST_UNREADABLE = os.geteuid() != 0 or bool(AS_NOBODY)


_NOBODY_TOOL = None


def nobody_tool():
    """leec and the catalog copied where nobody can read them (the source and build trees
    may sit in a directory only root can enter, as a CI clone in a 0700 mktemp does):
    (binary, catalog root)."""
    global _NOBODY_TOOL
    if _NOBODY_TOOL is None:
        top = tempfile.mkdtemp(prefix="leec-nobody-")
        os.chmod(top, 0o755)
        exe = os.path.join(top, "leec")
        shutil.copy2(LEEC, exe)
        os.chmod(exe, 0o755)
        for d in ("schemas", "presets"):
            shutil.copytree(os.path.join(SRC, d), os.path.join(top, d))
        for root, dirs, files in os.walk(top):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
            for x in files:
                if x != "leec":
                    os.chmod(os.path.join(root, x), 0o644)
        _NOBODY_TOOL = (exe, top)
    return _NOBODY_TOOL


def run(args, cwd, timeout=30, stdin=None, env=None, unprivileged=False):
    """leec ARGS in cwd; (exit code, stderr text). Fails on a timeout or on more than
    OUTPUT_CAP bytes of output."""
    exe, root = nobody_tool() if unprivileged else (LEEC, SRC)
    prefix = AS_NOBODY if unprivileged else []
    with tempfile.TemporaryFile() as err:
        try:
            p = subprocess.run(prefix + [exe, "--root", root] + args, cwd=cwd, stdin=stdin,
                               stdout=subprocess.DEVNULL, stderr=err, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise AssertionError("leec %s: no answer after %d s" % (" ".join(args), timeout))
        size = err.tell()
        err.seek(0)
        text = err.read(OUTPUT_CAP + 1).decode("utf-8", "replace")
    if size > OUTPUT_CAP:
        raise AssertionError("leec %s printed %d bytes" % (" ".join(args), size))
    return p.returncode, text


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leec-hostile-")
        os.chmod(self.dir, 0o755)  # readable by nobody (AS_NOBODY)

    def tearDown(self):
        for root, dirs, _files in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o700)
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text, mode="w"):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as f:
            f.write(text)
        return path


class Walk(Case):
    """Issue 22 item 2: directory walks neither hang nor repeat."""

    def test_symlink_loops_walk_each_file_once(self):
        self.write("p/leec.yaml", GOOD + BAD_KEY)
        os.symlink(".", os.path.join(self.dir, "p", "a"))
        os.symlink(".", os.path.join(self.dir, "p", "b"))
        os.symlink("..", os.path.join(self.dir, "p", "up"))
        code, err = run(["validate", "p"], self.dir, timeout=20)
        self.assertEqual(code, 1, err)
        self.assertEqual(err.count("unknown key 'bogus'"), 1, err)

    def test_fifo_in_walk_is_refused_not_opened(self):
        self.write("p/leec.yaml", GOOD)
        os.mkfifo(os.path.join(self.dir, "p", "f.yaml"))
        code, err = run(["validate", "p"], self.dir, timeout=20)
        self.assertEqual(code, 2, err)
        self.assertIn("'p/f.yaml' is a FIFO, not a file", err)
        self.assertNotIn("valid\n", err)

    def test_fifo_in_presets_beside_project_is_refused(self):
        self.write("p/leec.yaml", GOOD)
        os.makedirs(os.path.join(self.dir, "p", "presets"))
        os.mkfifo(os.path.join(self.dir, "p", "presets", "mine.yaml"))
        for cmd in (["validate", "p/leec.yaml"], ["explain", "p/leec.yaml"]):
            code, err = run(cmd, self.dir, timeout=20)
            self.assertEqual(code, 2, err)
            self.assertIn("presets/mine.yaml' is not a regular file", err)

    def test_link_to_dev_zero_is_refused(self):
        self.write("p/leec.yaml", GOOD)
        os.symlink("/dev/zero", os.path.join(self.dir, "p", "z.yaml"))
        code, err = run(["validate", "p"], self.dir, timeout=20)
        self.assertEqual(code, 2, err)
        self.assertIn("'p/z.yaml' is a character device", err)
        code, err = run(["validate", "p/z.yaml"], self.dir, timeout=20)
        self.assertEqual(code, 2, err)
        self.assertIn("cannot read 'p/z.yaml': it is a character device", err)

    def test_dangling_link_named_yaml_is_an_error(self):
        self.write("p/leec.yaml", GOOD)
        os.symlink("nowhere.yaml", os.path.join(self.dir, "p", "gone.yaml"))
        code, err = run(["validate", "p"], self.dir, timeout=20)
        self.assertEqual(code, 2, err)
        self.assertIn("cannot open 'p/gone.yaml'", err)

    @unittest.skipUnless(CAN_TEST_UNREADABLE, "root reads every directory and no setpriv")
    def test_unreadable_subdirectory_is_exit_2(self):
        self.write("p/leec.yaml", GOOD)
        sub = os.path.join(self.dir, "p", "closed")
        os.makedirs(sub)
        os.chmod(sub, 0)
        code, err = run(["validate", "p"], self.dir, timeout=20, unprivileged=True)
        self.assertEqual(code, 2, err)
        self.assertIn("cannot read the directory 'p/closed'", err)


class Pipes(Case):
    """Issue 22 item 9: a project on a pipe is read once, not reported as empty."""

    def test_dev_stdin_pipe(self):
        p = subprocess.run([LEEC, "--root", SRC, "validate", "/dev/stdin"], input=GOOD.encode(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"valid", p.stderr)
        p = subprocess.run([LEEC, "--root", SRC, "validate", "/dev/stdin"],
                           input=(GOOD + BAD_KEY).encode(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(b"unknown key 'bogus'", p.stderr)


class Kinds(Case):
    """Issue 22 item 3: the kind of a file comes from its parsed root mapping."""

    SPELLINGS = {
        "flow": "{leec: 1, preset: production_balanced, features: smart_home, bogus: 2,\n"
                " home_assistant: {url: 'https://ha.example.net', token: {mode: account_linking}}}\n",
        "quoted": '"leec": 1\n' + GOOD.split("\n", 1)[1] + BAD_KEY,
        "document": "---\n" + GOOD + BAD_KEY,
        "preset_first": "preset: production_balanced\nleec: 1\n" +
                        GOOD.split("\n", 2)[2] + BAD_KEY,
        "bom": "\ufeff" + GOOD + BAD_KEY,
    }

    def test_project_spellings_are_validated_in_walks(self):
        for name, text in self.SPELLINGS.items():
            self.write(name + "/leec.yaml", text)
            for args in (["validate", name], ["validate", "--skip-other-yaml", name + "/leec.yaml"]):
                with self.subTest(name=name, args=args):
                    code, err = run(args, self.dir)
                    self.assertEqual(code, 1, err)
                    self.assertIn("unknown key 'bogus' in a project file", err)
                    self.assertNotIn("skipped", err)

    def test_bom_user_preset_is_read(self):
        self.write("p/leec.yaml", GOOD.replace("production_balanced", "my_home"))
        self.write("p/presets/my_home.yaml",
                   "\ufeffpreset: my_home\ndoc: Mine.\nextends: low_latency\n")
        code, err = run(["validate", "p/leec.yaml"], self.dir)
        self.assertEqual(code, 0, err)
        self.assertIn("1 preset", err)

    @unittest.skipUnless(CAN_TEST_UNREADABLE, "root reads every file and no setpriv")
    def test_unreadable_user_preset_is_exit_2(self):
        self.write("p/leec.yaml", GOOD.replace("production_balanced", "my_home"))
        path = self.write("p/presets/my_home.yaml", "preset: my_home\nextends: low_latency\n")
        os.chmod(path, 0)
        code, err = run(["validate", "p/leec.yaml"], self.dir, unprivileged=True)
        self.assertEqual(code, 2, err)
        self.assertIn("cannot open 'p/presets/my_home.yaml'", err)


class Aliases(Case):
    """Issue 22 item 1: alias expansion is capped in bytes, not only in nodes."""

    def test_long_scalar_times_many_aliases(self):
        text = GOOD + 'x: &a "' + "a" * 60000 + '"\ny: [' + ", ".join(["*a"] * 20000) + "]\n"
        self.write("leec.yaml", text)
        code, err = run(["validate", "leec.yaml"], self.dir, timeout=20)
        self.assertEqual(code, 1, err)
        self.assertIn("alias expansion exceeds 4194304 bytes of text", err)


class Output(Case):
    """Issue 22 item 4 and Low: output is bounded and linear, and never raw control bytes."""

    def test_unknown_keys_on_one_long_line(self):
        keys = ", ".join("k%d: 1" % i for i in range(2000))
        self.write("leec.yaml", GOOD + "alexa: {" + keys + "}\n")
        code, err = run(["validate", "leec.yaml"], self.dir)
        self.assertEqual(code, 1)
        self.assertLess(len(err), 64 << 10)
        self.assertIn("more errors and warnings in leec.yaml not shown (the first 50 are)", err)
        self.assertTrue(all(len(line) < 400 for line in err.splitlines()))

    def test_many_duplicate_items(self):
        items = ", ".join(["expire"] * 1400)  # ~8 KB of duplicates
        self.write("leec.yaml", GOOD + "overrides:\n  cache:\n    shed_order: [" + items + "]\n")
        code, err = run(["validate", "leec.yaml"], self.dir, timeout=20)
        self.assertEqual(code, 1)
        self.assertLess(len(err), 64 << 10)
        self.assertEqual(err.count("first listed here"), 49, err[:2000])

    def test_json_stays_utf8_with_a_non_utf8_path(self):
        name = b"caf\xe9-\x1b[2J.yaml"
        with open(os.path.join(self.dir.encode(), name), "wb") as f:
            f.write((GOOD + BAD_KEY).encode())
        p = subprocess.run([LEEC.encode(), b"--root", SRC.encode(), b"--format", b"json",
                            b"validate", name], cwd=self.dir, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        import json
        out = json.loads(p.stdout.decode("utf-8"))  # strict: fails on a stray byte
        self.assertEqual(out[0]["file"], "caf\\xE9-\\x1B[2J.yaml")
        self.assertNotIn(b"\x1b", p.stdout)

    def test_raw_control_bytes_in_a_source_line(self):
        self.write("leec.yaml", GOOD + "bogus: \"a\x1b[31mb\"\n")
        code, err = run(["validate", "leec.yaml"], self.dir)
        self.assertEqual(code, 1, err)
        self.assertNotIn("\x1b", err)


class Urls(Case):
    """Issue 22 item 8: the plain-HTTP check compares the exact host of the authority."""

    REFUSED = {
        "http://127.0.0.1@evil.example.com:8123": "user info",
        "http://127.evil.example.com": "plain http://",
        "http://localhost.evil.example.com": "plain http://",
        "http://localhostx": "plain http://",
        "http://127.1": "plain http://",
        "https:///api": "no host",
        "https://ha example.org": "spaces",
        "https://ha.example.org:99999": "port",
        "https://ha.example.org:0": "port",
        "https://ha.example.org:": "port",
        "https://[::1": "closing",
    }
    ACCEPTED = ["http://127.0.0.1:8123", "http://127.255.0.9", "http://localhost:8123",
                "http://LOCALHOST", "http://[::1]:8123", "https://ha.example.org:8123/base",
                "https://[fe80::1]:8123"]

    def project(self, url):
        return GOOD.replace("https://ha.example.net", '"%s"' % url)

    def test_urls(self):
        for url, why in self.REFUSED.items():
            with self.subTest(url=url):
                self.write("leec.yaml", self.project(url))
                code, err = run(["validate", "leec.yaml"], self.dir)
                self.assertEqual(code, 1, err)
                self.assertIn(why, err)
        for url in self.ACCEPTED:
            with self.subTest(url=url):
                self.write("leec.yaml", self.project(url))
                code, err = run(["validate", "leec.yaml"], self.dir)
                self.assertEqual(code, 0, err)


class Catalog(Case):
    """Issue 22 items 7 and 11: a broken user preset does not hide the project's errors;
    catalog work stays linear; optimize neither enumerates 4^k nor overflows."""

    def test_broken_user_preset_does_not_hide_project_errors(self):
        self.write("leec.yaml", GOOD + BAD_KEY)
        self.write("presets/broken.yaml", "preset: broken\ndoc: Broken.\nextends: nowhere\n")
        code, err = run(["validate", "leec.yaml"], self.dir)
        self.assertEqual(code, 1, err)
        self.assertIn("unknown preset 'nowhere'", err)
        self.assertIn("unknown key 'bogus' in a project file", err)

    def test_ten_thousand_presets(self):
        os.makedirs(os.path.join(self.dir, "presets"))
        for i in range(10000):
            with open(os.path.join(self.dir, "presets", "p%05d.yaml" % i), "w") as f:
                f.write("preset: p%05d\ndoc: A preset.\nextends: low_latency\n" % i)
        self.write("leec.yaml", GOOD.replace("production_balanced", "p09999"))
        code, err = run(["validate", "leec.yaml"], self.dir, timeout=120)
        self.assertEqual(code, 0, err)
        self.assertIn("10000 presets", err)

    def test_long_extends_chain_is_an_error(self):
        os.makedirs(os.path.join(self.dir, "presets"))
        for i in range(300):
            with open(os.path.join(self.dir, "presets", "c%04d.yaml" % i), "w") as f:
                f.write("preset: c%04d\ndoc: A preset.\nextends: %s\n"
                        % (i, "low_latency" if i == 0 else "c%04d" % (i - 1)))
        self.write("leec.yaml", GOOD.replace("production_balanced", "c0299"))
        code, err = run(["validate", "leec.yaml"], self.dir, timeout=120)
        self.assertEqual(code, 1, err)
        self.assertEqual(err.count("at most 63 are allowed"), 1, err[:3000])

    def test_optimize_with_many_interfaces(self):
        self.write("leec.yaml", GOOD)
        extras = ["extra%02d" % i for i in range(26)]
        for name in extras:  # 7 stock interfaces vary + 26 = 33: 4^33 overflowed a size_t
            self.write("presets/%s.yaml" % name,
                       "interface: %s\ndoc: An extra interface.\nparams: {}\n"
                       "memory:\n  expr: \"0B\"\n  doc: Nothing.\n" % name)
        code, err = run(["optimize", "leec.yaml", "--max-memory", "64MiB"], self.dir, timeout=60)
        self.assertEqual(code, 2, err)
        self.assertIn("optimize varies at most 7 interfaces at once", err)
        self.assertIn("this project has 33", err)
        keep = ["--keep"] + extras
        code, err = run(["optimize", "leec.yaml", "--max-memory", "64MiB"] + keep, self.dir,
                        timeout=120)
        self.assertEqual(code, 0, err)
        code, err = run(["optimize", "leec.yaml", "--max-memory", "1MiB"] + keep, self.dir,
                        timeout=120)
        self.assertEqual(code, 1, err)
        self.assertIn("no tier combination fits", err)

class CatalogRootDot(Case):
    """A user preset with leec run from the catalog root (the root shows as "."): the
    path mapping was given NULL and leec crashed (found by fuzz_project)."""

    def test_user_preset_from_the_catalog_root(self):
        self.write("p/leec.yaml", GOOD.replace("production_balanced", "mine"))
        self.write("p/presets/mine.yaml", "preset: mine\ndoc: Mine.\nextends: low_latency\n")
        p = subprocess.run([LEEC, "validate", os.path.join(self.dir, "p", "leec.yaml")],
                           cwd=SRC, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=30, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("catalog in . ", p.stderr)


class ParallelCompile(Case):
    """Issue 22 Low: parallel compiles into one directory never mix a .h from one
    project with a .c from another, and leave no temporary files."""

    def test_parallel_compiles(self):
        for name in ("a", "b"):
            self.write(name + ".yaml", GOOD.replace("smart_home", "minimal" if name == "a"
                                                    else "smart_home"))
        out = os.path.join(self.dir, "out")
        for _round in range(5):
            procs = [subprocess.Popen([LEEC, "--root", SRC, "compile", n + ".yaml", "-o", "out"],
                                      cwd=self.dir, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
                     for n in ("a", "b") * 4]
            for p in procs:
                _, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, 0, err)
            with open(os.path.join(out, "leec_config.h")) as f:
                h = f.readline()
            with open(os.path.join(out, "leec_config.c")) as f:
                c = f.readline()
            self.assertEqual(h, c)  # "Generated by leec ... from X.yaml (preset ..., features ...)"
            self.assertEqual(sorted(n for n in os.listdir(out) if n.startswith(".")), [])


class MaxMemory(Case):
    """Issue 22 Low: --max-memory takes a size as a project file writes one."""

    def test_rejects_nan_inf_hex(self):
        self.write("leec.yaml", GOOD)
        for bad in ("nan", "inf", "0x10MiB", "1e3MiB", "-1MiB", "0MiB", "1.MiB", "NaNMiB"):
            with self.subTest(value=bad):
                code, err = run(["optimize", "leec.yaml", "--max-memory", bad], self.dir)
                self.assertEqual(code, 2, err)
                self.assertIn("--max-memory needs a size", err)
        for good in ("64MiB", "64 MiB", "0.5GiB"):
            with self.subTest(value=good):
                code, err = run(["optimize", "leec.yaml", "--max-memory", good], self.dir)
                self.assertEqual(code, 0, err)


class TmpDir(Case):
    """Issue 22 item 9: an unusable TMPDIR is an I/O problem (exit 2) that says what to do."""

    def test_unusable_tmpdir(self):
        self.write("leec.yaml", GOOD.replace("production_balanced", "my_home"))
        self.write("presets/my_home.yaml", "preset: my_home\ndoc: Mine.\nextends: low_latency\n")
        env = dict(os.environ, TMPDIR=os.path.join(self.dir, "missing"))
        code, err = run(["validate", "leec.yaml"], self.dir, env=env)
        self.assertEqual(code, 2, err)
        self.assertIn("set TMPDIR to a writable directory", err)


if __name__ == "__main__":
    unittest.main()
