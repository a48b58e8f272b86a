#!/usr/bin/python3
"""Self-contained proof that function.zip runs on a Lambda-like root with nothing but glibc.

Builds the package with `make -f Makefile.deploy package check-package` (x86_64, a copy of
examples/leec.yaml whose tls.ca_bundle is a test CA at certs/home-ca.pem, so the zip carries
it), builds a root that holds only the host's glibc pieces in Amazon Linux's places (/lib64:
loader, libc, libm, libpthread, libdl, libresolv, librt), unpacks the zip at <root>/var/task and
runs /var/task/bootstrap chrooted, in /var/task, with Lambda's environment, against the local
Lambda emulator and the Home Assistant simulator:

  - health check; Smart Home round trips over HTTP (loopback) and HTTPS, where the only CA
    that trusts the simulator's certificate is the one inside the zip (relative path,
    resolved from /var/task like on Lambda);
  - the zip is the lean package: `bootstrap` (static libcurl/TLS/cJSON, NEEDED only glibc) and
    the project's CA file, nothing else (no lib/, at most 2 files);
  - negative: a glibc library the bootstrap NEEDs removed from <root>/lib64 -> the bootstrap
    must not start (the chroot really is the only place libraries come from).

Needs root (chroot). Skips with a message when chroot is not permitted.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402
import capability_plans  # noqa: E402

GLIBC_NEEDED_RE = r"^(ld-linux-x86-64\.so\.2|lib(c|m|pthread|dl|rt|resolv)\.so\.\d)$"

TOKEN = "test-token-good"
LAMBDA_LD_LIBRARY_PATH = ("/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:"
                          "/var/task:/var/task/lib:/opt/lib")
GLIBC_PIECES = ("ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0",
                "libdl.so.2", "libresolv.so.2", "librt.so.1")
HOST_LIBDIR = "/lib/x86_64-linux-gnu"

# chroot(2) then chdir to the task root (Lambda starts the runtime in /var/task; chroot(1)
# would leave it in /), then exec the bootstrap: no shell, nothing of the host's userland.
CHROOT_EXEC = ("import os,sys; os.chroot(sys.argv[1]); os.chdir('/var/task'); "
               "os.execv(sys.argv[2], sys.argv[2:])")


def lambda_env():
    return {"LAMBDA_TASK_ROOT": "/var/task", "LD_LIBRARY_PATH": LAMBDA_LD_LIBRARY_PATH,
            "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin"}


def make_root(root):
    """A Lambda-like root: glibc in /lib64 (and /usr/lib64 -> /lib64 like AL2023), /tmp, and the
    one device Lambda's sandbox always has that the bootstrap reads: /dev/urandom (wolfSSL
    seeds its RNG from it in curl_global_init)."""
    os.makedirs(os.path.join(root, "lib64"))
    os.makedirs(os.path.join(root, "usr"))
    os.symlink("../lib64", os.path.join(root, "usr", "lib64"))
    for d in ("tmp", "var/task", "var/runtime", "opt", "etc", "dev", "proc"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    os.mknod(os.path.join(root, "dev", "urandom"), 0o666 | stat.S_IFCHR, os.makedev(1, 9))
    for name in GLIBC_PIECES:
        shutil.copy2(os.path.realpath(os.path.join(HOST_LIBDIR, name)),
                     os.path.join(root, "lib64", name))


def chroot_command(root):
    return [sys.executable, "-c", CHROOT_EXEC, root, "/var/task/bootstrap"]


def turn_on(ep="light#kitchen"):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, TOKEN)


def discover():
    return {"directive": {
        "header": {"namespace": "Alexa.Discovery", "name": "Discover", "payloadVersion": "3",
                   "messageId": "m-1"},
        "payload": {"scope": {"type": "BearerToken", "token": TOKEN}}}}


class TestPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("chroot needs root (run the e2e tests as root, as CI does)")
        if not os.path.exists("/lib64/ld-linux-x86-64.so.2") or os.uname().machine != "x86_64":
            raise unittest.SkipTest("x86_64 glibc host required")
        cls.tmp = tempfile.mkdtemp(prefix="leec-pkg-")
        try:
            probe = os.path.join(cls.tmp, "probe")
            os.makedirs(probe)
            subprocess.run(["chroot", probe, "/nonexistent"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, check=False)
            r = subprocess.run([sys.executable, "-c", "import os; os.chroot('/')"],
                               stderr=subprocess.PIPE)
            if r.returncode != 0:
                raise unittest.SkipTest("chroot not permitted here: %s" % r.stderr.decode()[-200:])
            cls.tls = TLSFixtures(os.path.join(cls.tmp, "tls"))
            # The project: examples/leec.yaml plus a CA bundle shipped in the zip.
            proj = os.path.join(cls.tmp, "project")
            os.makedirs(os.path.join(proj, "certs"))
            shutil.copyfile(cls.tls.ca_cert, os.path.join(proj, "certs", "home-ca.pem"))
            with open(os.path.join(harness.source_dir(), "examples", "leec.yaml")) as f:
                text = f.read()
            assert "    verify: true\n" in text
            text = text.replace("    verify: true\n",
                                "    verify: true\n    ca_bundle: certs/home-ca.pem\n", 1)
            cls.project = os.path.join(proj, "leec.yaml")
            with open(cls.project, "w") as f:
                f.write(text)
            cls.build = os.path.join(cls.tmp, "build")
            r = subprocess.run(["make", "-f", os.path.join(harness.source_dir(), "Makefile.deploy"),
                                "package", "check-package", "PROJECT=" + cls.project,
                                "BUILD_DIR=" + cls.build, "JOBS=%d" % min(2, os.cpu_count() or 1)],
                               cwd=harness.source_dir(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            cls.make_log = r.stdout.decode(errors="replace")
            if r.returncode != 0:
                raise AssertionError("package/check-package failed:\n" + cls.make_log[-4000:])
            cls.zip = os.path.join(cls.build, "function.zip")
            cls.root = os.path.join(cls.tmp, "root")
            make_root(cls.root)
            subprocess.run(["unzip", "-q", cls.zip, "-d", os.path.join(cls.root, "var", "task")],
                           check=True)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def emulator(self, root, ha_url):
        env = lambda_env()
        env["LEEC_HA_URL"] = ha_url
        return harness.LambdaEmulator(chroot_command(root), env=env, task_root="/var/task",
                                      cwd=root, timeout_s=8).start()

    def reply(self, emu, event):
        r = emu.invoke(json.dumps(event).encode())
        self.assertEqual(r["status"], "ok", "%s %s logs=%s" % (r.get("error_type"), r.get("body"),
                                                               r.get("logs")))
        return json.loads(r["body"]), r

    def needed(self):
        out = subprocess.run(["readelf", "-d", os.path.join(self.root, "var", "task", "bootstrap")],
                             stdout=subprocess.PIPE, check=True).stdout.decode()
        return [ln.split("[", 1)[1].rstrip("]") for ln in out.splitlines() if "(NEEDED)" in ln]

    def test_zip_layout(self):
        task = os.path.join(self.root, "var", "task")
        self.assertTrue(os.access(os.path.join(task, "bootstrap"), os.X_OK))
        with open(os.path.join(task, "bootstrap"), "rb") as f:
            self.assertEqual(f.read(4), b"\x7fELF")
        # lean: libcurl, the TLS library and cJSON are inside the bootstrap; no lib/
        self.assertFalse(os.path.exists(os.path.join(task, "lib")), os.listdir(task))
        needed = self.needed()
        self.assertIn("libc.so.6", needed)
        for n in needed:
            self.assertRegex(n, GLIBC_NEEDED_RE, needed)
        files = sorted(os.path.relpath(os.path.join(d, f), task)
                       for d, _, fs in os.walk(task) for f in fs)
        self.assertEqual(files, ["bootstrap", os.path.join("certs", "home-ca.pem")])
        self.assertLessEqual(len(files), 2)
        self.assertTrue(os.path.isfile(os.path.join(task, "certs", "home-ca.pem")))
        self.assertIn("ok   NEEDED only glibc", self.make_log)

    def test_public_ca_bundle_compiled_in(self):
        # No CA file in the zip for SSM / a public Home Assistant: the build host's bundle is
        # inside the bootstrap (deps/patches/leec-wolfssl-embedded-ca.patch), byte for byte.
        system_ca = "/etc/ssl/certs/ca-certificates.crt"
        if not os.path.isfile(system_ca):
            self.skipTest("no %s on the build host" % system_ca)
        with open(system_ca, "rb") as f:
            bundle = f.read()
        with open(os.path.join(self.root, "var", "task", "bootstrap"), "rb") as f:
            binary = f.read()
        self.assertGreater(bundle.count(b"-----BEGIN CERTIFICATE-----"), 50)
        self.assertIn(bundle, binary)
        self.assertFalse(os.path.exists(os.path.join(self.root, "var", "task", "certs",
                                                     "ca-certificates.crt")))
        self.assertIn("check-package: OK", self.make_log)
        self.assertRegex(self.make_log, r"ok   bootstrap +GLIBC_2\.(\d|[12]\d|3[0-4])\b")

    def test_root_has_only_glibc(self):
        found = []
        for d, dirs, files in os.walk(self.root):  # symlinks (usr/lib64) not followed
            if os.path.relpath(d, self.root).startswith(os.path.join("var", "task")):
                continue
            found += [os.path.relpath(os.path.join(d, f), self.root) for f in files if ".so" in f]
        found.sort()
        self.assertEqual(found, sorted("lib64/" + g for g in GLIBC_PIECES))

    def test_health_and_smart_home_http(self):
        with HASimulator(tokens=[TOKEN]) as ha:
            emu = self.emulator(self.root, ha.url)
            try:
                body, r = self.reply(emu, {"health_check": True})
                self.assertTrue(r["cold_start"])
                self.assertIsNotNone(r["init_ms"])
                reply, _ = self.reply(emu, turn_on())
                self.assertEqual(reply["event"]["header"]["name"], "Response", reply)
                reply, _ = self.reply(emu, discover())
                ids = {e["endpointId"] for e in reply["event"]["payload"]["endpoints"]}
                self.assertIn("light#kitchen", ids)
                self.assertEqual(len(ha.posts("/api/alexa/smart_home")), 2)
            finally:
                emu.stop()

    def test_smart_home_https_ca_from_zip(self):
        # The simulator's certificate is signed by the test CA, which exists only in the zip
        # (certs/home-ca.pem, relative to /var/task); the chroot has no other CA store.
        self.assertFalse(os.path.exists(os.path.join(self.root, "etc", "ssl")))
        with HASimulator(tokens=[TOKEN], tls_cert=self.tls.server_cert,
                         tls_key=self.tls.server_key) as ha:
            self.assertTrue(ha.url.startswith("https://"), ha.url)
            emu = self.emulator(self.root, ha.url)
            try:
                reply, r = self.reply(emu, turn_on())
                self.assertEqual(reply["event"]["header"]["name"], "Response",
                                 "%s logs=%s" % (reply, r.get("logs")))
                self.assertEqual(len(ha.posts("/api/alexa/smart_home")), 1)
            finally:
                emu.stop()

    def test_missing_library_fails(self):
        broken = os.path.join(self.tmp, "root-broken")
        if not os.path.exists(broken):
            make_root(broken)
            shutil.copytree(os.path.join(self.root, "var", "task"),
                            os.path.join(broken, "var", "task"), dirs_exist_ok=True)
        # a library the bootstrap NEEDs (lean: only glibc's, so libm from the root's /lib64)
        name = "libm.so.6"
        self.assertIn(name, self.needed())
        victim = os.path.join(broken, "lib64", name)
        self.assertTrue(os.path.exists(victim), os.listdir(os.path.dirname(victim)))
        os.remove(victim)
        with HASimulator(tokens=[TOKEN]) as ha:
            emu = self.emulator(broken, ha.url)
            try:
                r = emu.invoke(b'{"health_check": true}')
            finally:
                emu.stop()
        self.assertNotEqual(r["status"], "ok", r)
        logs = "\n".join(r.get("logs") or [])
        self.assertIn(name, logs, r)
        self.assertIn("error while loading shared libraries", logs, r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
