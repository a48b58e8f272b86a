#!/usr/bin/python3
"""arm64: cross-build and package with `make -f Makefile.deploy package check-package ARCH=arm64`
(Debian gcc-aarch64-linux-gnu, the lean libcurl/cJSON built from Debian sources against the arm64
libwolfssl.a that deps/build-lean.sh downloads, leec built for the host), then run
the packaged bootstrap under qemu-aarch64 against the local Lambda emulator and the Home
Assistant simulator: health check and a Smart Home round trip.

qemu runs it with -L <root>, a root holding only the arm64 glibc pieces in /lib (the loader path
/lib/ld-linux-aarch64.so.1) and /lib64, the zip unpacked at <root>/var/task, and Lambda's
LD_LIBRARY_PATH: so nothing but the arm64 glibc pieces is there (the lean zip has no lib/).

Skips (with the reason) only when the cross toolchain or qemu-user is not installed;
.ci/deps installs both.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
import capability_plans  # noqa: E402

TOKEN = "test-token-good"
LAMBDA_LD_LIBRARY_PATH = ("/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:"
                          "/var/task:/var/task/lib:/opt/lib")
GLIBC_PIECES = ("ld-linux-aarch64.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0",
                "libdl.so.2", "libresolv.so.2", "librt.so.1")
ARM_LIBDIRS = ("/usr/aarch64-linux-gnu/lib", "/lib/aarch64-linux-gnu")
QEMU = shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static")


def arm_glibc(name):
    for d in ARM_LIBDIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


class TestArm64(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = [t for t in ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-strip",
                               "aarch64-linux-gnu-objdump") if not shutil.which(t)]
        if not QEMU:
            missing.append("qemu-aarch64 (qemu-user)")
        if missing:
            raise unittest.SkipTest("arm64 cross toolchain not installed (bash .ci/deps): missing "
                                    + ", ".join(missing))
        cls.tmp = tempfile.mkdtemp(prefix="leec-arm64-")
        try:
            cls.build = os.path.join(cls.tmp, "build")
            r = subprocess.run(["make", "-f", os.path.join(harness.source_dir(), "Makefile.deploy"),
                                "package", "check-package", "ARCH=arm64", "BUILD_DIR=" + cls.build,
                                "JOBS=%d" % min(2, os.cpu_count() or 1)],
                               cwd=harness.source_dir(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            cls.make_log = r.stdout.decode(errors="replace")
            if r.returncode != 0:
                raise AssertionError("arm64 package/check-package failed:\n" + cls.make_log[-4000:])
            cls.root = os.path.join(cls.tmp, "root")
            for d in ("lib", "lib64", "var/task", "tmp"):
                os.makedirs(os.path.join(cls.root, d))
            for name in GLIBC_PIECES:
                src = arm_glibc(name)
                if src is None:
                    raise unittest.SkipTest("arm64 glibc piece %s not installed" % name)
                shutil.copy2(src, os.path.join(cls.root, "lib64", name))
            # the interpreter path of an aarch64 binary is /lib/ld-linux-aarch64.so.1
            os.symlink("../lib64/ld-linux-aarch64.so.1",
                       os.path.join(cls.root, "lib", "ld-linux-aarch64.so.1"))
            subprocess.run(["unzip", "-q", os.path.join(cls.build, "function.zip"), "-d",
                            os.path.join(cls.root, "var", "task")], check=True)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_package_checks(self):
        self.assertIn("check-package: OK", self.make_log)
        self.assertIn("ok   machine AArch64", self.make_log)
        out = subprocess.run(["file", "-L", os.path.join(self.root, "var/task/bootstrap")],
                             stdout=subprocess.PIPE).stdout.decode()
        self.assertIn("aarch64", out)
        # lean: one file, NEEDED only glibc (check-package enforces it; the log says so)
        self.assertIn("ok   NEEDED only glibc", self.make_log)
        task = os.path.join(self.root, "var", "task")
        files = [os.path.relpath(os.path.join(d, f), task) for d, _, fs in os.walk(task) for f in fs]
        self.assertEqual(files, ["bootstrap"])

    def test_round_trip_under_qemu(self):
        boot = os.path.join(self.root, "var", "task", "bootstrap")
        env = {"LD_LIBRARY_PATH": LAMBDA_LD_LIBRARY_PATH, "LAMBDA_TASK_ROOT": "/var/task",
               "QEMU_LD_PREFIX": self.root}
        with HASimulator(tokens=[TOKEN]) as ha:
            env["LEEC_HA_URL"] = ha.url
            emu = harness.LambdaEmulator([QEMU, "-L", self.root, boot], env=env,
                                         task_root="/var/task",
                                         cwd=os.path.join(self.root, "var", "task"),
                                         timeout_s=8, init_timeout_s=30).start()
            try:
                r = emu.invoke(b'{"health_check": true}', timeout_s=30)
                self.assertEqual(r["status"], "ok", r)
                msg = capability_plans.make_directive("Alexa.PowerController", "TurnOn",
                                                      "light#kitchen", {}, TOKEN)
                r = emu.invoke(json.dumps(msg).encode(), timeout_s=30)
                self.assertEqual(r["status"], "ok", r)
                reply = json.loads(r["body"])
                self.assertEqual(reply["event"]["header"]["name"], "Response", reply)
                self.assertEqual(len(ha.posts("/api/alexa/smart_home")), 1)
            finally:
                emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
