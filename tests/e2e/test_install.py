"""leec as a user gets it: installed, in the user's own repository.

InstalledLeec: `cmake --install` of the build tree (LEEC_BUILD_DIR, else a fresh build)
into a temporary prefix, then the prefix is moved to another directory (nothing may
point back at the build or the source tree). In an empty directory: leec.yaml and
presets/my_home.yaml (a user preset extending a stock one); the installed leec
validates, explains and compiles it; broken copies are diagnosed at their line; a
leec copied away from its install exits 2 naming where it looked; a tiny CMake project
(find_package(leec) + leec_add_bootstrap) builds a bootstrap that answers a health
event.

DebPackage: `cpack -G DEB`, checked with dpkg-deb -I/-c. Installing it (apt-get
install ./leec_*.deb, /usr/bin/leec validate on a user project, apt-get remove) runs
only as root with LEEC_TEST_DEB_INSTALL=1 (CI sets it): it changes the machine.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()

USER_PRESET = textwrap.dedent("""\
    preset: my_home
    doc: My flat - production_balanced with a bigger entity cache.
    extends: production_balanced
    overrides:
      cache:
        ttl: 5m
    """)

USER_PROJECT = textwrap.dedent("""\
    leec: 1
    preset: my_home
    features: smart_home
    home_assistant:
      url: https://homeassistant.example.org:8123
      token:
        mode: account_linking
      tls:
        verify: true
    alexa:
      skill_ids:
        - amzn1.ask.skill.00000000-0000-0000-0000-000000000000
    """)

USER_CMAKE = textwrap.dedent("""\
    cmake_minimum_required(VERSION 3.25)
    project(my_home_lambda LANGUAGES C)
    find_package(leec 0.1 REQUIRED)
    leec_add_bootstrap(bootstrap CONFIG leec.yaml)
    """)


def run(argv, cwd=None, env=None, check=False, timeout=600):
    e = dict(os.environ)
    e.pop("LEEC_ROOT", None)
    e.update(env or {})
    r = subprocess.run(argv, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(argv), r.returncode, r.stdout,
                                                    r.stderr))
    return r


def build_tree(tmp):
    """The build tree to install from: LEEC_BUILD_DIR when it has leec, else a new one."""
    b = os.environ.get("LEEC_BUILD_DIR")
    if b and os.path.exists(os.path.join(b, "compiler", "leec")):
        return b
    b = os.path.join(tmp, "build")
    run(["cmake", "-S", SRC, "-B", b, "-DLEEC_BUILD_TESTS=OFF", "-DLEEC_BUILD_BENCH=OFF"],
        check=True)
    run(["cmake", "--build", b, "-j2", "--target", "leec"], check=True)
    return b


def write_user_repo(d):
    os.makedirs(os.path.join(d, "presets"), exist_ok=True)
    with open(os.path.join(d, "leec.yaml"), "w") as f:
        f.write(USER_PROJECT)
    with open(os.path.join(d, "presets", "my_home.yaml"), "w") as f:
        f.write(USER_PRESET)


class InstalledLeec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="leec-install-")
        staged = os.path.join(cls.tmp, "staged")
        run(["cmake", "--install", build_tree(cls.tmp), "--prefix", staged], check=True)
        # Move the prefix: the install must be relocatable and self-contained.
        cls.prefix = os.path.join(cls.tmp, "elsewhere", "opt-leec")
        os.makedirs(os.path.dirname(cls.prefix))
        shutil.move(staged, cls.prefix)
        cls.leec = os.path.join(cls.prefix, "bin", "leec")
        cls.has_kit = os.path.exists(os.path.join(cls.prefix, "lib", "leec", "x86_64",
                                                  "bootstrap.txt"))
        cls.repo = os.path.join(cls.tmp, "my-repo")
        write_user_repo(cls.repo)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def leec_run(self, *args, cwd=None):
        return run([self.leec] + list(args), cwd=cwd or self.repo)

    def test_layout(self):
        for rel in ("bin/leec", "share/leec/schemas/lambda.yaml",
                    "share/leec/presets/tiers/minimum.yaml",
                    "share/leec/presets/production_balanced.yaml",
                    "share/leec/cmake/LeecDeps.cmake",
                    "share/leec/presets/skill/models/interaction-model.en-US.json",
                    "share/leec/tools/leec_invoke.py", "share/leec/tools/lambda_emulator.py",
                    "share/leec/tools/ha_simulator.py", "share/leec/events/turn_on.json",
                    "lib/cmake/leec/leecConfig.cmake", "lib/cmake/leec/leecConfigVersion.cmake",
                    "lib/cmake/leec/leec_add_bootstrap.cmake"):
            self.assertTrue(os.path.exists(os.path.join(self.prefix, rel)), rel)
        if self.has_kit:  # the prebuilt runtime (lean builds: .ci/test, the .deb)
            for rel in ("lib/leec/x86_64/bootstrap.txt", "lib/leec/x86_64/libleec_rt.a",
                        "lib/leec/x86_64/libcurl.a"):
                self.assertTrue(os.path.exists(os.path.join(self.prefix, rel)), rel)
            self.assertTrue(glob.glob(os.path.join(self.prefix, "lib/leec/runtime/**/main.c"),
                                      recursive=True))
        # every interaction model of the source tree is installed (none dropped by a filter)
        models = sorted(os.listdir(os.path.join(SRC, "presets", "skill", "models")))
        self.assertTrue(models)
        self.assertEqual(sorted(os.listdir(os.path.join(
            self.prefix, "share", "leec", "presets", "skill", "models"))), models)
        self.assertFalse(os.path.exists(os.path.join(self.prefix, "bin", "leec-source-root")))
        for f in glob.glob(os.path.join(self.prefix, "**", "*"), recursive=True):
            if os.path.isfile(f) and not f.endswith("leec"):
                with open(f, "rb") as fh:
                    self.assertNotIn(SRC.encode(), fh.read(), f)

    def test_validate_user_repo(self):
        r = self.leec_run("validate", "leec.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("validated 1 project file, 1 preset and the catalog in "
                      + os.path.join(self.prefix, "share", "leec"), r.stderr)
        r = self.leec_run("validate", ".")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.leec_run("validate", "presets/my_home.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("validated 1 preset and", r.stderr)
        r = self.leec_run("validate")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_explain_and_compile(self):
        r = self.leec_run("explain", "leec.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("production_balanced -> my_home", r.stdout)
        self.assertRegex(r.stdout, r"ttl\s+5 ?m")
        out = os.path.join(self.tmp, "gen")
        r = self.leec_run("compile", "leec.yaml", "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "leec_config.c")) as f:
            c = f.read()
        self.assertIn("my_home", c)
        self.assertNotIn(self.tmp, c)

    def broken_repo(self, name, preset_text=None, project_text=None):
        d = os.path.join(self.tmp, name)
        write_user_repo(d)
        if preset_text is not None:
            with open(os.path.join(d, "presets", "my_home.yaml"), "w") as f:
                f.write(preset_text)
        if project_text is not None:
            with open(os.path.join(d, "leec.yaml"), "w") as f:
                f.write(project_text)
        return d

    def test_broken_preset_diagnosed_at_its_line(self):
        d = self.broken_repo("broken-preset",
                             preset_text=USER_PRESET.replace("    ttl: 5m", "    tll: 5m"))
        for args in (("validate", "presets/my_home.yaml"), ("validate", "leec.yaml"),
                     ("validate", "."), ("explain", "leec.yaml")):
            r = self.leec_run(*args, cwd=d)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertIn("presets/my_home.yaml:6:5: error:", r.stderr, args)
        d = self.broken_repo("unclosed",
                             preset_text=USER_PRESET.replace("extends: production_balanced",
                                                             "extends: [production_balanced"))
        r = self.leec_run("validate", "presets/my_home.yaml", cwd=d)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"presets/my_home.yaml:\d+:\d+: error:")

    def test_broken_project_diagnosed_at_its_line(self):
        d = self.broken_repo("broken-project",
                             project_text=USER_PROJECT.replace("features: smart_home",
                                                               "features: smart_home\nfeatures: full"))
        r = self.leec_run("validate", "leec.yaml", cwd=d)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("leec.yaml:4:1: error: duplicate key 'features'", r.stderr)

    def test_github_format_never_points_at_stock_files(self):
        d = self.broken_repo("budget", project_text=USER_PROJECT + textwrap.dedent("""\
            overrides:
              lambda:
                memory_mb: 128
                headroom: 64MiB
              cache:
                state_pool: 64MiB
                response_pool: 64MiB
            """))  # 64 MiB of state pool alone exceeds 128 MB - 64 MiB (the response pool is not counted)
        r = self.leec_run("--format", "github", "validate", "leec.yaml", cwd=d)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(any(line.startswith("::error file=leec.yaml,") for line in lines), lines)
        self.assertTrue(any("in leec's stock catalog: presets/" in line for line in lines), lines)
        for line in lines:
            self.assertNotIn("file=" + self.prefix, line)
            self.assertNotIn("file=/", line)
            self.assertIn("title=", line)

    def test_leec_away_from_its_catalog_exits_2(self):
        lone = os.path.join(self.tmp, "lone")
        os.makedirs(lone, exist_ok=True)
        shutil.copy(self.leec, lone)
        r = run([os.path.join(lone, "leec"), "validate", "leec.yaml"], cwd=self.repo)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("cannot find leec's catalog", r.stderr)
        self.assertIn(os.path.join(self.tmp, "share", "leec"), r.stderr)
        # --root / LEEC_ROOT still name one
        root = os.path.join(self.prefix, "share", "leec")
        r = run([os.path.join(lone, "leec"), "--root", root, "validate", "leec.yaml"],
                cwd=self.repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([os.path.join(lone, "leec"), "validate", "leec.yaml"], cwd=self.repo,
                env={"LEEC_ROOT": root})
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([self.leec, "validate"], env={"LEEC_ROOT": "/nonexistent"}, cwd=self.repo)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("LEEC_ROOT", r.stderr)

    def test_user_cmake_project_builds_a_bootstrap(self):
        if not self.has_kit:
            self.skipTest("not a lean build (-DLEEC_LEAN=ON): leec_add_bootstrap links the "
                          "prebuilt runtime installed in lib/leec")
        d = os.path.join(self.tmp, "cmake-repo")
        write_user_repo(d)
        with open(os.path.join(d, "CMakeLists.txt"), "w") as f:
            f.write(USER_CMAKE)
        b = os.path.join(d, "build")
        run(["cmake", "-S", d, "-B", b, "-DCMAKE_PREFIX_PATH=" + self.prefix,
             "-DCMAKE_BUILD_TYPE=Release"], check=True)
        run(["cmake", "--build", b, "-j2"], check=True)
        boot = os.path.join(b, "bootstrap")
        self.assertTrue(os.access(boot, os.X_OK))
        emu = harness.start_emulator(command=[boot], env={"LEEC_HA_URL": "http://127.0.0.1:9"})
        try:
            r = emu.invoke(harness.event_bytes({"health_check": True}))
        finally:
            emu.stop()
        self.assertEqual(r["status"], "ok", r)
        h = json.loads(r["body"])
        self.assertEqual(h["status"], "ok")
        self.assertEqual(h["preset"], "my_home")


def deb_file(tmp):
    b = build_tree(tmp)
    out = os.path.join(tmp, "deb")
    os.makedirs(out, exist_ok=True)
    run(["cpack", "-G", "DEB", "-B", out], cwd=b, check=True)
    debs = glob.glob(os.path.join(out, "leec_*.deb"))
    if len(debs) != 1:
        raise AssertionError("cpack made %s" % debs)
    return debs[0]


@unittest.skipUnless(shutil.which("cpack") and shutil.which("dpkg-deb"), "needs cpack, dpkg-deb")
class DebPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="leec-deb-")
        cls.deb = deb_file(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_control(self):
        r = run(["dpkg-deb", "-I", self.deb], check=True)
        self.assertRegex(r.stdout, r"Package: leec\n")
        self.assertRegex(r.stdout, r"Depends: .*libyaml-0-2")
        # leec package compiles and links (gcc, libc6-dev) and zips; invoke runs Python
        self.assertRegex(r.stdout, r"Depends: .*\bgcc\b")
        self.assertRegex(r.stdout, r"Depends: .*libc6-dev")
        self.assertRegex(r.stdout, r"Depends: .*\bzip\b")
        self.assertRegex(r.stdout, r"Recommends: .*python3")

    def test_contents(self):
        r = run(["dpkg-deb", "-c", self.deb], check=True)
        for path in ("./usr/bin/leec", "./usr/share/leec/schemas/lambda.yaml",
                     "./usr/share/leec/presets/tiers/minimum.yaml",
                     "./usr/share/leec/tools/leec_invoke.py",
                     "./usr/lib/cmake/leec/leecConfig.cmake"):
            self.assertIn(path, r.stdout)
        if os.path.exists(os.path.join(build_tree(self.tmp), "lib", "leec", "x86_64",
                                       "bootstrap.txt")):
            for path in ("./usr/lib/leec/runtime/", "./usr/lib/leec/x86_64/bootstrap.txt"):
                self.assertIn(path, r.stdout)

    @unittest.skipUnless(os.environ.get("LEEC_TEST_DEB_INSTALL") == "1" and os.geteuid() == 0,
                         "installs a package: root and LEEC_TEST_DEB_INSTALL=1 only")
    def test_apt_install_and_validate(self):
        if os.path.exists("/usr/bin/leec"):
            self.skipTest("/usr/bin/leec exists already; not replacing it")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "install", "-y", "--no-install-recommends", self.deb], env=env,
            check=True)
        try:
            d = os.path.join(self.tmp, "repo")
            write_user_repo(d)
            r = run(["/usr/bin/leec", "validate", "leec.yaml"], cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("the catalog in /usr/share/leec", r.stderr)
            with open(os.path.join(d, "presets", "my_home.yaml"), "a") as f:
                f.write("bogus: 1\n")
            r = run(["/usr/bin/leec", "validate", "."], cwd=d)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("presets/my_home.yaml:7:1: error: unknown key 'bogus'", r.stderr)
        finally:
            run(["apt-get", "remove", "-y", "leec"], env=env, check=True)


if __name__ == "__main__":
    unittest.main()
