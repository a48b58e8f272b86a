#!/usr/bin/python3
"""The installed leec packages, runs and creates events on its own (issue 17 items 3-4).

`cmake --install` of the build tree (LEEC_BUILD_DIR) into a temporary prefix that is then
moved elsewhere; nothing else is copied. Every command runs in an empty directory with
PATH = <prefix>/bin:/usr/bin:/bin and no LEEC_* variable, so neither the source nor the
build tree is in reach (only this test's own checkers — tests/peers/alexa_validate.py and
Amazon's corpus in tests/conformance — come from the source tree):

  - `leec package` x86_64 (and arm64 when the install has the arm64 kit, i.e. the build
    had gcc-aarch64-linux-gnu): one ELF `bootstrap` at the zip root, executable, the
    right machine, NEEDED only glibc, highest GLIBC_ symbol <= 2.34, the project's
    tls.ca_bundle at its relative path, the same bytes twice, built in seconds;
  - `leec invoke` of a discovery and a TurnOn made by `leec event` against the installed
    HA simulator (the answers valid against Amazon's Smart Home schema, the light on);
    a Custom-skill launch from the installed sample (@NOW@ stamped); an SSM-token project
    runs with LEEC_HA_TOKEN from the environment and says which variable to set without;
  - a feature left out answers "isn't included in this build" and its bootstrap is smaller;
  - `leec event` directives have the shape of Amazon's sample requests; the responses the
    bootstrap gives to them validate against Amazon's schema;
  - find_package(leec) without CMAKE_PREFIX_PATH (<prefix>/bin on PATH) and
    leec_add_bootstrap build a bootstrap from the same kit;
  - bad input: unknown --arch, arm64 without the cross compiler (PATH without it), an
    invalid project (exit 1 with the located diagnostic), an unreadable event file.
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import alexa_validate  # noqa: E402

SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
SAMPLE_SKILL = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"  # examples/events
GLIBC_NEEDED = re.compile(r"^(ld-linux-(x86-64|aarch64)\.so\.[12]|lib(c|m|pthread|dl|rt|resolv)"
                          r"\.so\.\d)$")
MACHINE = {"x86_64": "Advanced Micro Devices X86-64", "arm64": "AArch64"}
# The whole packaging step must take seconds of CPU (the runtime is prebuilt); the wall
# clock limit is generous because CI machines are shared.
PACKAGE_CPU_S = 30
PACKAGE_WALL_S = 180

PROJECT = textwrap.dedent("""\
    leec: 1
    preset: production_balanced
    features: %(features)s
    home_assistant:
      url: https://homeassistant.example.org:8123
      token:
        %(token)s
      tls:
        verify: true
        ca_bundle: certs/home-ca.pem
    alexa:
      skill_ids:
        - %(skill)s
        - %(sample)s
    """)


def project_text(features="smart_home", token="mode: account_linking"):
    return PROJECT % {"features": features, "token": token, "skill": SKILL,
                      "sample": SAMPLE_SKILL}


def readelf(*args):
    return subprocess.run(["readelf"] + list(args), capture_output=True, text=True,
                          check=True).stdout


def shape(v):
    """The keys of a JSON value, recursively (values dropped)."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v[:1]]
    return type(v).__name__


class InstalledTool(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        build = harness.build_dir()
        if not os.path.exists(os.path.join(build, "lib", "leec", "x86_64", "bootstrap.txt")):
            raise unittest.SkipTest("%s has no runtime kit: configure with -DLEEC_LEAN=ON "
                                    "(what .ci/test and the .deb use)" % build)
        cls.tmp = tempfile.mkdtemp(prefix="leec-tool-")
        try:
            staged = os.path.join(cls.tmp, "staged")
            r = subprocess.run(["cmake", "--install", build, "--prefix", staged],
                               capture_output=True, text=True)
            if r.returncode:
                raise AssertionError("cmake --install: %s%s" % (r.stdout, r.stderr))
            cls.prefix = os.path.join(cls.tmp, "elsewhere", "leec")
            os.makedirs(os.path.dirname(cls.prefix))
            shutil.move(staged, cls.prefix)
            cls.leec_exe = os.path.join(cls.prefix, "bin", "leec")
            cls.tools = os.path.join(cls.prefix, "share", "leec", "tools")
            cls.work = os.path.join(cls.tmp, "work")
            os.makedirs(os.path.join(cls.work, "certs"))
            with open(os.path.join(cls.work, "certs", "home-ca.pem"), "w") as f:
                f.write("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
            cls.write("leec.yaml", project_text())
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write(cls, name, text):
        p = os.path.join(cls.work, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        return p

    def env(self, path=None, **extra):
        e = {"PATH": path or "%s:/usr/bin:/bin" % os.path.join(self.prefix, "bin"),
             "HOME": self.tmp, "TMPDIR": self.tmp, "LANG": "C.UTF-8"}
        e.update(extra)
        return e

    def leec(self, *args, path=None, stdin=None, timeout=300, **extra):
        return subprocess.run([self.leec_exe] + list(args), cwd=self.work, env=self.env(path, **extra),
                              capture_output=True, text=True, input=stdin, timeout=timeout)

    # ---- package --------------------------------------------------------------------------
    def package(self, arch, out, project="leec.yaml"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        r = self.leec("package", project, "-o", out, "--arch", arch)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.assertEqual(r.returncode, 0, r.stderr)
        print("\n  leec package --arch %s: %.1f s wall, %.1f s CPU; %s" %
              (arch, wall, cpu, r.stderr.strip().splitlines()[-1]), file=sys.stderr)
        self.assertLess(cpu, PACKAGE_CPU_S)
        self.assertLess(wall, PACKAGE_WALL_S)
        return os.path.join(self.work, out)

    def check_zip(self, zpath, arch):
        with zipfile.ZipFile(zpath) as z:
            names = sorted(z.namelist())
            self.assertEqual(names, ["bootstrap", "certs/home-ca.pem"])
            info = z.getinfo("bootstrap")
            self.assertEqual((info.external_attr >> 16) & 0o777, 0o755)
            self.assertEqual(info.date_time, (2000, 1, 1, 0, 0, 0))
            out = os.path.join(self.tmp, "unz-" + arch)
            shutil.rmtree(out, ignore_errors=True)
            z.extractall(out)
        boot = os.path.join(out, "bootstrap")
        with open(boot, "rb") as f:
            self.assertEqual(f.read(4), b"\x7fELF")
        self.assertIn("Machine:                           " + MACHINE[arch], readelf("-h", boot))
        needed = re.findall(r"\(NEEDED\).*\[(.*)\]", readelf("-d", boot))
        self.assertTrue(needed)
        for n in needed:
            self.assertRegex(n, GLIBC_NEEDED, "bootstrap NEEDs %s (only glibc allowed)" % n)
        versions = set(re.findall(r"GLIBC_(\d+(?:\.\d+)+)", readelf("-V", "--wide", boot)))
        self.assertTrue(versions)
        worst = max(versions, key=lambda v: tuple(int(x) for x in v.split(".")))
        self.assertLessEqual(tuple(int(x) for x in worst.split(".")), (2, 34), worst)
        return boot

    def test_package_x86_64(self):
        z = self.package("x86_64", "function.zip")
        self.check_zip(z, "x86_64")
        # deterministic: the same input, the same bytes
        z2 = self.package("x86_64", "again.zip")
        with open(z, "rb") as a, open(z2, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_package_arm64(self):
        if not shutil.which("aarch64-linux-gnu-gcc"):
            self.skipTest("gcc-aarch64-linux-gnu is not installed (apt-get install "
                          "gcc-aarch64-linux-gnu, then rebuild leec: the arm64 kit)")
        if not os.path.exists(os.path.join(self.prefix, "lib", "leec", "arm64", "bootstrap.txt")):
            self.skipTest("this build has no arm64 kit (LEEC_KIT_ARM64=OFF or the cross "
                          "compiler was installed after configuring)")
        arm = self.write("arm/leec.yaml", project_text().replace(
            "features: smart_home\n", "features: smart_home\noverrides:\n  lambda: {architecture: arm64}\n"))
        os.makedirs(os.path.join(self.work, "arm", "certs"), exist_ok=True)
        shutil.copy(os.path.join(self.work, "certs", "home-ca.pem"),
                    os.path.join(self.work, "arm", "certs"))
        # lambda.architecture decides without --arch
        r = self.leec("package", arm, "-o", "arm.zip")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("arm64", r.stderr)
        self.check_zip(os.path.join(self.work, "arm.zip"), "arm64")
        self.check_zip(self.package("arm64", "arm-explicit.zip", arm), "arm64")

    # ---- invoke + event ---------------------------------------------------------------------
    def start_ha(self):
        p = subprocess.Popen(["python3", os.path.join(self.tools, "ha_simulator.py"),
                              "--port", "0"], cwd=self.work, env=self.env(),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.wait, 10)
        self.addCleanup(p.terminate)
        url = p.stdout.readline().strip()
        self.assertTrue(url.startswith("http://"), url)
        return url

    def event(self, *args):
        r = self.leec("event", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def invoke(self, event, *args, project="leec.yaml", **extra):
        path = self.write("ev-%d.json" % time.monotonic_ns(), json.dumps(event))
        r = self.leec("invoke", project, "--event", path, *args, **extra)
        return r

    def test_invoke_discovery_and_turn_on(self):
        url = self.start_ha()
        disc = self.event("discover")
        r = self.invoke(disc, "--env", "LEEC_HA_URL=" + url)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        answer = json.loads(r.stdout)
        self.assertEqual(alexa_validate.validate(answer), [])
        ids = [e["endpointId"] for e in answer["event"]["payload"]["endpoints"]]
        self.assertIn("light#kitchen", ids)
        self.assertIn("REPORT RequestId:", r.stderr)

        on = self.event("directive", "--namespace", "Alexa.PowerController", "--name", "TurnOn",
                        "--endpoint", "light.kitchen")
        r = self.invoke(on, "--env", "LEEC_HA_URL=" + url)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        answer = json.loads(r.stdout)
        self.assertEqual(alexa_validate.validate(answer), [])
        self.assertEqual(answer["event"]["header"]["name"], "Response")
        power = [p for p in answer["context"]["properties"] if p["name"] == "powerState"]
        self.assertEqual(power[0]["value"], "ON")

    def test_invoke_custom_launch_from_installed_sample(self):
        sample = os.path.join(self.prefix, "share", "leec", "events", "custom_launch.json")
        with open(sample) as f:
            self.assertIn("@NOW@", f.read())
        r = self.leec("invoke", "leec.yaml", "--event", sample,
                      "--env", "LEEC_HA_URL=http://127.0.0.1:9")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        body = json.loads(r.stdout)
        self.assertIn("outputSpeech", body["response"])
        # and from stdin, made by leec event
        ev = self.event("launch", "--skill-id", SKILL)
        r = self.leec("invoke", "leec.yaml", "--event", "-", "--env",
                      "LEEC_HA_URL=http://127.0.0.1:9", stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])

    def test_ssm_token_overridden_from_environment(self):
        url = self.start_ha()
        self.write("ssm/leec.yaml", project_text(
            token="mode: long_lived\n    ssm: /leec/ha_token").replace(
            "    ca_bundle: certs/home-ca.pem\n", ""))
        disc = self.event("discover")
        r = self.invoke(disc, "--env", "LEEC_HA_URL=" + url, project="ssm/leec.yaml")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("SSM parameter /leec/ha_token", r.stderr)
        self.assertIn("export LEEC_HA_TOKEN=", r.stderr)
        r = self.invoke(disc, "--env", "LEEC_HA_URL=" + url, project="ssm/leec.yaml",
                        LEEC_HA_TOKEN="test-token-good")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertEqual(alexa_validate.validate(json.loads(r.stdout)), [])
        self.assertNotIn("test-token-good", r.stderr)  # never in a log line

    def test_left_out_feature(self):
        self.write("min/leec.yaml", project_text(features="minimal").replace(
            "    ca_bundle: certs/home-ca.pem\n", ""))
        self.write("full/leec.yaml", project_text(features="full").replace(
            "    ca_bundle: certs/home-ca.pem\n", ""))
        sizes = {}
        for p in ("min", "full"):
            r = self.leec("package", p + "/leec.yaml", "-o", p + ".zip")
            self.assertEqual(r.returncode, 0, r.stderr)
            with zipfile.ZipFile(os.path.join(self.work, p + ".zip")) as z:
                sizes[p] = z.getinfo("bootstrap").file_size
        self.assertLess(sizes["min"], sizes["full"])
        ev = self.event("intent", "--name", "StartTimerIntent", "--slot", "Duration=PT10M",
                        "--skill-id", SKILL)
        r = self.invoke(ev, "--env", "LEEC_HA_URL=http://127.0.0.1:9", project="min/leec.yaml")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        speech = json.loads(r.stdout)["response"]["outputSpeech"]
        self.assertIn("isn't included in this build", speech.get("text") or speech["ssml"])

    def test_events_have_amazons_shapes(self):
        corpus = os.path.join(alexa_validate.conformance_dir(), "alexa", "sample_messages")
        with open(os.path.join(corpus, "Discovery", "Discovery.request.json")) as f:
            self.assertEqual(shape(self.event("discover")), shape(json.load(f)))
        with open(os.path.join(corpus, "PowerController",
                               "PowerController.TurnOn.request.json")) as f:
            self.assertEqual(shape(self.event("directive", "--namespace", "Alexa.PowerController",
                                              "--name", "TurnOn", "--endpoint", "light.kitchen",
                                              "--token", "T")), shape(json.load(f)))
        intent = self.event("intent", "--name", "HomeAssistantStatusIntent", "--slot", "Room=kitchen")
        req = intent["request"]
        self.assertEqual(req["type"], "IntentRequest")
        self.assertEqual(req["intent"]["slots"]["Room"], {"name": "Room", "value": "kitchen",
                                                          "confirmationStatus": "NONE"})
        stamp = time.strptime(req["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertLess(abs(time.mktime(stamp) - time.mktime(time.gmtime())), 60)
        self.assertEqual(self.event("health"), {"health_check": True})
        r = self.leec("event", "directive", "--namespace", "Alexa.PowerController", "-o", "x.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--endpoint", r.stderr)

    # ---- CMake ------------------------------------------------------------------------------
    def test_find_package_without_prefix_path(self):
        d = os.path.join(self.work, "cmake-repo")
        os.makedirs(d)
        with open(os.path.join(d, "leec.yaml"), "w") as f:
            f.write(project_text().replace("    ca_bundle: certs/home-ca.pem\n", ""))
        with open(os.path.join(d, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(my_lambda LANGUAGES C)\n"
                    "find_package(leec 0.1 REQUIRED)\n"
                    "leec_add_bootstrap(bootstrap CONFIG leec.yaml)\n")
        b = os.path.join(d, "build")
        for argv in (["cmake", "-S", d, "-B", b], ["cmake", "--build", b, "-j2"]):
            r = subprocess.run(argv, cwd=self.work, env=self.env(), capture_output=True,
                               text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        boot = os.path.join(b, "bootstrap")
        needed = re.findall(r"\(NEEDED\).*\[(.*)\]", readelf("-d", boot))
        for n in needed:
            self.assertRegex(n, GLIBC_NEEDED)
        r = self.leec("invoke", "cmake-repo/leec.yaml", "--bootstrap", boot, "--event", "-",
                      "--env", "LEEC_HA_URL=http://127.0.0.1:9", stdin='{"health_check": true}')
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertEqual(json.loads(r.stdout)["status"], "ok")

    # ---- bad input --------------------------------------------------------------------------
    def test_bad_input(self):
        r = self.leec("package", "leec.yaml", "--arch", "sparc")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown architecture 'sparc' (x86_64 or arm64", r.stderr)
        # no cross compiler on PATH: only leec itself is reachable
        r = self.leec("package", "leec.yaml", "--arch", "arm64", path=os.path.join(self.prefix, "bin"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("apt-get install gcc-aarch64-linux-gnu", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.work, "function-arm.zip")))
        # invalid project: exit 1 with the located diagnostic, no zip
        self.write("bad/leec.yaml", project_text().replace("production_balanced",
                                                           "production_balancd"))
        r = self.leec("package", "bad/leec.yaml", "-o", "bad.zip")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"bad/leec\.yaml:2:\d+: error: .*production_balancd")
        self.assertFalse(os.path.exists(os.path.join(self.work, "bad.zip")))
        r = self.leec("invoke", "bad/leec.yaml", "--event", "-", stdin="{}")
        self.assertEqual(r.returncode, 1, r.stderr)
        # unreadable / not JSON event
        r = self.leec("invoke", "leec.yaml", "--event", "no-such-event.json",
                      "--bootstrap", "/bin/true")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("cannot read the event no-such-event.json: No such file or directory",
                      r.stderr)
        self.write("notjson.json", "{oops")
        r = self.leec("invoke", "leec.yaml", "--event", "notjson.json", "--bootstrap", "/bin/true")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is not JSON", r.stderr)
        r = self.leec("invoke", "leec.yaml", "--event", "-", "--env", "NOEQUALS")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--env expects NAME=VALUE", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
