"""The Lambda Runtime API emulator, proven with fake functions before the real bootstrap.

Fakes: tests/peers/fake_function.py (Python, event-driven behaviour), a test that
plays the runtime itself over raw HTTP, and bench/floor_client.c (raw-socket C).
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import LambdaEmulator, event_bytes, fake_function  # noqa: E402

MAX = 6291556
API = "/2018-06-01/runtime"


class FakeFunctionTests(unittest.TestCase):
    def setUp(self):
        self.emu = harness.start_emulator(fake_function(), timeout_s=3, function_name="fake",
                                          env={"LEEC_EXTRA": "yes"})

    def tearDown(self):
        self.emu.stop()

    def invoke(self, obj, **kw):
        return self.emu.invoke(event_bytes(obj), **kw)

    def test_echo_cold_then_warm(self):
        r = self.invoke({"action": "echo", "n": 1})
        self.assertEqual(r["status"], "ok", r)
        self.assertEqual(json.loads(r["body"]), {"action": "echo", "n": 1})
        self.assertTrue(r["cold_start"])
        self.assertIsNotNone(r["init_ms"])
        self.assertGreater(r["init_ms"], 0)
        self.assertIn("fake function init mode=serve", r["logs"])
        r2 = self.invoke({"action": "echo", "n": 2})
        self.assertEqual(r2["status"], "ok")
        self.assertFalse(r2["cold_start"])
        self.assertIsNone(r2["init_ms"])
        self.assertEqual(r2["logs"], [])
        self.assertEqual(len(self.emu.init_times_ms), 1)

    def test_next_headers(self):
        before = time.time() * 1000
        r = self.invoke({"action": "headers"}, trace_id="Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700",
                        client_context='{"custom":{"a":1}}', cognito_identity='{"id":"c"}',
                        tenant_id="t-1")
        h = {k.lower(): v for k, v in json.loads(r["body"]).items()}
        self.assertEqual(h["lambda-runtime-aws-request-id"], r["request_id"])
        self.assertEqual(h["lambda-runtime-invoked-function-arn"],
                         "arn:aws:lambda:eu-west-1:123456789012:function:fake")
        self.assertEqual(h["lambda-runtime-trace-id"], "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700")
        self.assertEqual(h["lambda-runtime-client-context"], '{"custom":{"a":1}}')
        self.assertEqual(h["lambda-runtime-cognito-identity"], '{"id":"c"}')
        self.assertEqual(h["lambda-runtime-aws-tenant-id"], "t-1")
        deadline = int(h["lambda-runtime-deadline-ms"])
        self.assertGreaterEqual(deadline, before + 3000 - 50)
        self.assertLessEqual(deadline, time.time() * 1000 + 3000 + 50)
        # Absent when the invoke has none.
        h = {k.lower(): v for k, v in json.loads(self.invoke({"action": "headers"})["body"]).items()}
        for name in ("trace-id", "client-context", "cognito-identity", "aws-tenant-id"):
            self.assertNotIn("lambda-runtime-" + name, h)

    def test_function_error(self):
        r = self.invoke({"action": "error"})
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["error_type"], "Handler.Failed")
        self.assertEqual(json.loads(r["body"]),
                         {"errorMessage": "it failed", "errorType": "Handler.Failed",
                          "stackTrace": []})
        self.assertEqual(self.invoke({"action": "echo"})["status"], "ok")  # still warm

    def test_response_size_limit(self):
        r = self.invoke({"action": "big", "n": MAX + 1})
        self.assertTrue(r["response_too_large"])
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["error_type"], "Function.ResponseSizeTooLarge")
        r = self.invoke({"action": "big", "n": MAX})
        self.assertEqual(r["status"], "ok")
        self.assertFalse(r["response_too_large"])
        self.assertEqual(len(r["body"]), MAX)

    def test_timeout_kills_and_next_is_cold(self):
        pid = json.loads(self.invoke({"action": "pid"})["body"])["pid"]
        t0 = time.monotonic()
        r = self.invoke({"action": "sleep", "s": 30}, timeout_s=1)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(r["status"], "timeout")
        self.assertEqual(r["error_type"], "Sandbox.Timedout")
        self.assertIn("Task timed out after 1.00 seconds", json.loads(r["body"])["errorMessage"])
        self.assertFalse(os.path.exists("/proc/%d" % pid) and
                         open("/proc/%d/stat" % pid).read().split()[2] != "Z")
        r = self.invoke({"action": "pid"})
        self.assertEqual(r["status"], "ok")
        self.assertTrue(r["cold_start"])
        self.assertIsNotNone(r["init_ms"])
        self.assertNotEqual(json.loads(r["body"])["pid"], pid)
        self.assertEqual(len(self.emu.init_times_ms), 2)

    def test_crash_reported_then_cold_start(self):
        r = self.invoke({"action": "crash", "code": 3})
        self.assertEqual(r["status"], "crash")
        self.assertEqual(r["exit_code"], 3)
        self.assertEqual(r["error_type"], "Runtime.ExitError")
        self.assertIn("crashing now", r["logs"])
        self.assertEqual(self.emu.exits, [3])
        r = self.invoke({"action": "echo"})
        self.assertEqual(r["status"], "ok")
        self.assertTrue(r["cold_start"])

    def test_environment_is_scrubbed(self):
        os.environ["LEEC_SECRET_TEST"] = "must-not-leak"
        try:
            env = json.loads(self.invoke({"action": "env"})["body"])
        finally:
            del os.environ["LEEC_SECRET_TEST"]
        self.assertNotIn("LEEC_SECRET_TEST", env)
        self.assertNotIn("HOME", env)
        self.assertEqual(env["AWS_LAMBDA_RUNTIME_API"], self.emu.address)
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], "fake")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "128")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
        self.assertEqual(env["AWS_REGION"], env["AWS_DEFAULT_REGION"])
        self.assertEqual(env["TZ"], ":UTC")
        self.assertEqual(env["LEEC_EXTRA"], "yes")
        for k in ("LAMBDA_TASK_ROOT", "_HANDLER", "LANG", "PATH", "LD_LIBRARY_PATH"):
            self.assertIn(k, env)
        self.assertNotIn("AWS_LAMBDA_LOG_FORMAT", env)
        allowed = set(self.emu.function_env()) | {"LC_CTYPE"}  # python coerces its own locale
        allowed |= {"AWS_LAMBDA_LOG_STREAM_NAME"}
        self.assertLessEqual(set(env), allowed)

    def test_logs_are_per_invocation(self):
        self.invoke({"action": "echo"})
        r = self.invoke({"action": "log", "lines": ["one", "two"]})
        self.assertEqual(r["logs"], ["one", "two"])
        r = self.invoke({"action": "log", "lines": ["three"]})
        self.assertEqual(r["logs"], ["three"])

    def test_lines_after_the_answer_belong_to_the_invocation(self):
        """Lambda counts an invocation until the runtime's next GET /next: lines written
        after the answer are in that invocation's window, not the next one's."""
        self.invoke({"action": "echo"})
        for n in range(3):
            r = self.invoke({"action": "late_log", "lines": ["late %d" % n, "later %d" % n]})
            self.assertEqual(r["status"], "ok", r)
            self.assertEqual(r["logs"], ["late %d" % n, "later %d" % n])
            self.assertTrue(r["logs_complete"])
        r = self.invoke({"action": "echo"})
        self.assertEqual(r["logs"], [])


class InitTests(unittest.TestCase):
    def test_init_error(self):
        with harness.start_emulator(fake_function("init_error")) as emu:
            r = emu.invoke(b"{}")
            self.assertEqual(r["status"], "init_error")
            self.assertEqual(r["error_type"], "Runtime.ConfigError")
            self.assertEqual(json.loads(r["body"])["errorMessage"], "no configuration")
            self.assertEqual(len(emu.init_errors), 1)
            r = emu.invoke(b"{}")  # a fresh environment, fails again
            self.assertEqual(r["status"], "init_error")
            self.assertTrue(r["cold_start"])
            self.assertEqual(len(emu.init_errors), 2)

    def test_crash_during_init(self):
        with harness.start_emulator(fake_function("init_crash")) as emu:
            r = emu.invoke(b"{}")
            self.assertEqual(r["status"], "crash")
            self.assertEqual(r["exit_code"], 2)
            self.assertIn("dying during init", r["logs"])
            self.assertIsNone(r["duration_ms"])

    def test_log_settings_passed(self):
        with harness.start_emulator(fake_function(), log_format="JSON", log_level="DEBUG") as emu:
            env = json.loads(emu.invoke(event_bytes({"action": "env"}))["body"])
            self.assertEqual(env["AWS_LAMBDA_LOG_FORMAT"], "JSON")
            self.assertEqual(env["AWS_LAMBDA_LOG_LEVEL"], "DEBUG")


class RawProtocolTests(unittest.TestCase):
    """The test plays the runtime over raw HTTP: exact status codes."""

    def setUp(self):
        idle = [sys.executable, "-c", "import time; time.sleep(120)"]
        # The test plays the runtime and never asks for a next event after answering: do
        # not wait for one (after_answer_s) before the invoke thread returns its result.
        self.emu = harness.start_emulator(idle, timeout_s=20, after_answer_s=0.1)
        # Spawn before the test's own GET /next: a spawn starts a new process generation,
        # and a /next still waiting from an older generation is dropped (as it must be for
        # a replaced process), which would race with the invoke thread's lazy spawn.
        self.emu.spawn()
        self.results = []
        self.t = threading.Thread(target=lambda: self.results.append(
            self.emu.invoke(b'{"k":"v"}', trace_id="Root=1-x")))
        self.t.start()
        self.c = http.client.HTTPConnection(self.emu.address)

    def tearDown(self):
        self.c.close()
        self.emu.stop()
        self.t.join(10)

    def req(self, method, path, body=None, headers=None):
        self.c.request(method, API + path, body=body, headers=headers or {})
        r = self.c.getresponse()
        return r, r.read()

    def test_status_codes(self):
        r, body = self.req("GET", "/invocation/next")
        self.assertEqual(r.status, 200)
        self.assertEqual(body, b'{"k":"v"}')
        rid = r.getheader("lambda-runtime-aws-request-id")
        self.assertTrue(rid)
        self.assertEqual(r.getheader("Lambda-Runtime-Trace-Id"), "Root=1-x")
        self.assertIsNotNone(r.getheader("Lambda-Runtime-Deadline-Ms"))
        self.assertIsNone(r.getheader("Lambda-Runtime-Client-Context"))
        r, body = self.req("POST", "/invocation/%s/response" % rid, b"x" * (MAX + 1))
        self.assertEqual(r.status, 413)
        self.assertEqual(json.loads(body)["errorType"], "RequestEntityTooLarge")
        r, _ = self.req("POST", "/invocation/nope/response", b"{}")
        self.assertEqual(r.status, 400)
        r, body = self.req("POST", "/invocation/%s/response" % rid, b'{"ok":true}')
        self.assertEqual(r.status, 202)
        r, _ = self.req("POST", "/invocation/%s/response" % rid, b"{}")  # answered already
        self.assertEqual(r.status, 400)
        self.t.join(10)
        self.assertEqual(self.results[0]["status"], "ok")
        self.assertEqual(self.results[0]["body"], b'{"ok":true}')
        self.assertTrue(self.results[0]["response_too_large"])

    def test_error_and_init_error_202(self):
        r, body = self.req("GET", "/invocation/next")
        rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
        err = json.dumps({"errorMessage": "m", "errorType": "A.B", "stackTrace": []})
        r, _ = self.req("POST", "/invocation/%s/error" % rid, err,
                        {"Lambda-Runtime-Function-Error-Type": "A.B"})
        self.assertEqual(r.status, 202)
        self.t.join(10)
        self.assertEqual(self.results[0]["status"], "error")
        self.assertEqual(self.results[0]["error_type"], "A.B")
        r, _ = self.req("POST", "/init/error", err, {"Lambda-Runtime-Function-Error-Type": "A.B"})
        self.assertEqual(r.status, 202)
        self.assertEqual(self.emu.init_errors[-1][0], "A.B")


class RieEndpointTests(unittest.TestCase):
    def test_invoke_over_http(self):
        with harness.start_emulator(fake_function()) as emu:
            c = http.client.HTTPConnection(emu.address)
            c.request("POST", "/2015-03-31/functions/function/invocations", body=b'{"a":1}')
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(r.read()), {"a": 1})
            self.assertIsNone(r.getheader("X-Amz-Function-Error"))
            c.close()


class LeecInvokeCliTests(unittest.TestCase):
    CLI = os.path.join(harness.peers_dir(), "leec_invoke.py")

    def run_cli(self, event, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(event, f)
        try:
            return subprocess.run([sys.executable, self.CLI, "--bootstrap",
                                   os.path.join(harness.peers_dir(), "fake_function.py"),
                                   "--event", f.name, *args],
                                  capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)

    def test_success_prints_response_logs_and_report(self):
        p = self.run_cli({"action": "log", "lines": ["hi there"]}, "--repeat", "2",
                         "--env", "A=B", "--trace-id", "Root=1-x")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ['"logged"', '"logged"'])
        self.assertEqual(p.stderr.count("hi there"), 2)
        self.assertEqual(p.stderr.count("Init Duration:"), 1)
        self.assertEqual(p.stderr.count("REPORT RequestId:"), 2)
        self.assertIn("SUMMARY invocations: 2", p.stderr)

    def test_repeat_prints_each_invocations_late_lines_before_its_report(self):
        p = self.run_cli({"action": "late_log", "lines": ["emf"], "s": 0.02}, "--repeat", "5")
        self.assertEqual(p.returncode, 0, p.stderr)
        per = []
        n = 0
        for line in p.stderr.splitlines():
            if line == "emf":
                n += 1
            elif line.startswith("REPORT RequestId:"):
                per.append(n)
                n = 0
        self.assertEqual(per, [1, 1, 1, 1, 1], p.stderr)

    def test_function_error_exits_1(self):
        p = self.run_cli({"action": "error"})
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["errorType"], "Handler.Failed")
        p = self.run_cli({"action": "sleep", "s": 10}, "--timeout", "1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("Task timed out after 1.00 seconds", p.stdout)

    def test_usage_error_exits_2(self):
        p = subprocess.run([sys.executable, self.CLI, "--bootstrap", "/nonexistent/bootstrap"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)


class FloorClientTests(unittest.TestCase):
    N = 100

    @classmethod
    def setUpClass(cls):
        if shutil.which("cc") is None:
            raise unittest.SkipTest("no C compiler")
        cls.tmp = tempfile.mkdtemp(prefix="leec-floor-")
        cls.exe = harness.compile_c("bench/floor_client.c", cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_echo_100_invocations(self):
        with harness.start_emulator([self.exe], timeout_s=5) as emu:
            durations = []
            t0 = time.perf_counter()
            for i in range(self.N):
                ev = event_bytes({"i": i, "pad": "p" * (i * 37)})
                r = emu.invoke(ev)
                self.assertEqual(r["status"], "ok", r)
                self.assertEqual(r["body"], ev)
                self.assertEqual(r["cold_start"], i == 0)
                durations.append(r["duration_ms"])
            wall = (time.perf_counter() - t0) * 1000 / self.N
            big = b'"' + b"z" * (MAX - 2) + b'"'  # an event of exactly the response limit
            r = emu.invoke(big)
            self.assertEqual(r["status"], "ok")
            self.assertEqual(r["body"], big)
            self.assertEqual(len(emu.init_times_ms), 1)
            durations.sort()
            print("\nfloor_client: init (spawn -> first /next) %.2f ms; per invocation: "
                  "median duration %.3f ms, p90 %.3f ms, wall %.3f ms/invoke"
                  % (emu.init_times_ms[0], durations[len(durations) // 2],
                     durations[int(len(durations) * 0.9)], wall), file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
