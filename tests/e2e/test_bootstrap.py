#!/usr/bin/python3
"""End-to-end tests of the bootstrap core (issue 3): the real build/runtime/bootstrap
(built from examples/leec.yaml) under the local Lambda emulator, with the Home Assistant
simulator where a Smart Home call is needed.

Covers: the health answer, gateway errors (unknown, not JSON, oversized, too deep), the
trace id, the invocation deadline, init errors on bad environment overrides, the
migration variables of other bridges, JSON logs and EMF lines (only compiled metrics),
and "no configuration at run time" (ldd: no libyaml; strace: no YAML opened).

Note: the bootstrap posts the answer first and writes its summary and EMF lines after.
The emulator counts those lines to the invocation (its window ends when the runtime asks
for the next event, as Lambda does), and tests still select lines by
function_request_id where they can."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import capability_plans  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402

GOOD = "test-token-good"
HEALTH = harness.event_bytes({"health_check": True})
MAX_EVENT = 128 * 1024  # lambda.max_event of examples/leec.yaml (tier standard)


def body_json(r):
    b = r["body"]
    return json.loads(b.decode() if isinstance(b, bytes) else b)


def turn_on(token=GOOD, ep="switch#coffee_maker"):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, token)


def without_token(msg):
    del msg["directive"]["endpoint"]["scope"]
    return msg


def json_lines(lines):
    """Parses every line; fails on the first non-JSON one."""
    out = []
    for ln in lines:
        if not ln.strip() or ln.startswith("[emulator]"):
            continue
        out.append(json.loads(ln))
    return out


def compiled_metric_names():
    """Metric names from the generated tables of the build (build/gen/leec_config.c)."""
    path = os.path.join(harness.build_dir(), "gen", "leec_config.c")
    with open(path) as f:
        src = f.read()
    m = re.search(r"metric_defs\s*\[[^\]]*\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        raise AssertionError("no metric_defs table in %s" % path)
    return set(re.findall(r'\{\s*"([A-Za-z][A-Za-z0-9]*)"', m.group(1)))


def leec_facts():
    """What leec says about the build's project (explain --format json, docs/facts.md)."""
    leec = os.path.join(harness.build_dir(), "compiler", "leec")
    harness.require_file(leec)
    out = subprocess.run([leec, "--format", "json", "explain",
                          os.path.join(harness.source_dir(), "examples", "leec.yaml")],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def leec_metric_count():
    return leec_facts()["budget"]["metrics"]["count"]


def custom_request(intent):
    """A Custom-skill request for the build's skill ID (examples/leec.yaml)."""
    import datetime
    import uuid
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    app = {"applicationId": leec_facts()["alexa"]["skill_ids"][0]}
    user = {"userId": "amzn1.ask.account.TEST", "accessToken": GOOD}
    return {"version": "1.0",
            "session": {"new": True, "sessionId": "amzn1.echo-api.session.1",
                        "application": app, "attributes": {}, "user": user},
            "context": {"System": {"application": app, "user": user,
                                   "device": {"deviceId": "d1", "supportedInterfaces": {}}}},
            "request": {"type": "IntentRequest",
                        "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                        "timestamp": now, "locale": "en-US",
                        "intent": {"name": intent, "confirmationStatus": "NONE", "slots": {}}}}


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())

    def emu(self, env=None, **kw):
        e = harness.start_emulator(env=env or {"LEEC_HA_URL": "http://127.0.0.1:9"}, **kw)
        self.addCleanup(e.stop)
        return e


class TestHealthAndGateway(Base):
    def test_health_fields_and_cold_then_warm(self):
        emu = self.emu()
        r1 = emu.invoke(HEALTH)
        self.assertEqual(r1["status"], "ok", r1)
        h = body_json(r1)
        self.assertEqual(h["status"], "ok")
        self.assertRegex(h["version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(h["preset"], "production_balanced")
        self.assertEqual(h["feature_preset"], "smart_home")
        for iface in ("cache", "circuit_breaker", "http", "lambda", "logging", "metrics",
                      "security"):
            self.assertIn(iface, h["tiers"])
        self.assertEqual(h["tiers"]["logging"], "standard")
        b = h["budget"]
        self.assertGreater(b["memory_estimate"], 0)
        self.assertLessEqual(b["memory_estimate"], b["memory_limit"])
        self.assertEqual(b["memory_limit"], 112 * 1024 * 1024)
        self.assertEqual(b["metric_count"], leec_metric_count())
        self.assertIn("alexa", h["features"])
        self.assertNotIn("conversation", h["features"])
        self.assertEqual(h["breakers"], {"home_assistant": "closed", "ssm": "closed"})
        self.assertIsInstance(h["cache"], dict)
        for pool in h["cache"].values():
            for k in ("hits", "misses", "evictions", "entries", "bytes"):
                self.assertIn(k, pool)
        self.assertGreater(h["rss_bytes"], 0)
        self.assertGreaterEqual(h["peak_rss_bytes"], h["rss_bytes"])
        self.assertTrue(h["cold_start"])
        self.assertTrue(r1["cold_start"])
        r2 = emu.invoke(HEALTH)
        h2 = body_json(r2)
        self.assertFalse(h2["cold_start"])
        self.assertFalse(r2["cold_start"])
        self.assertEqual(h2["invocations"], 1)

    def test_unknown_event(self):
        emu = self.emu()
        for ev in ({"hello": "world"}, [1, 2, 3], "just a string", {"health_check": False},
                   {"request": {}, "version": 1}):
            with self.subTest(ev=ev):
                r = emu.invoke(harness.event_bytes(ev))
                self.assertEqual(r["status"], "error")
                self.assertEqual(r["error_type"], "Gateway.UnknownEvent")
                self.assertEqual(body_json(r)["errorType"], "Gateway.UnknownEvent")

    def test_not_json(self):
        emu = self.emu()
        for ev in (b"not json", b"{\"a\":", b"", b"{} trailing", b"\xff\xfe{}"):
            with self.subTest(ev=ev):
                r = emu.invoke(ev)
                self.assertEqual(r["status"], "error")
                self.assertEqual(r["error_type"], "Runtime.InvalidEvent")

    def test_oversized_event_then_keeps_serving(self):
        emu = self.emu()
        self.assertEqual(emu.invoke(HEALTH)["status"], "ok")
        pad = "x" * (MAX_EVENT + 1)
        big = harness.event_bytes({"health_check": True, "pad": pad})
        self.assertGreater(len(big), MAX_EVENT)
        r = emu.invoke(big)
        self.assertEqual(r["status"], "error", r["body"][:200])
        self.assertEqual(r["error_type"], "Runtime.EventTooLarge")
        # well over the cap (1 MiB) too: drained, not buffered
        r = emu.invoke(b'{"pad":"' + b"y" * (1 << 20) + b'"}')
        self.assertEqual(r["error_type"], "Runtime.EventTooLarge")
        # same process, still serving, nothing crashed
        r = emu.invoke(HEALTH)
        self.assertEqual(r["status"], "ok")
        self.assertFalse(r["cold_start"])
        self.assertEqual(body_json(r)["invocations"], 3)
        self.assertEqual(emu.exits, [])
        # just under the cap is accepted (an unknown event, but parsed)
        ok = harness.event_bytes({"pad": "z" * (MAX_EVENT - 20)})
        self.assertLessEqual(len(ok), MAX_EVENT)
        self.assertEqual(emu.invoke(ok)["error_type"], "Gateway.UnknownEvent")

    def test_too_deep_json(self):
        emu = self.emu()
        for deep in (b"[" * 200 + b"]" * 200, b'{"a":' * 100 + b"1" + b"}" * 100,
                     b"[" * 100000):
            r = emu.invoke(deep)
            self.assertEqual(r["status"], "error")
            self.assertEqual(r["error_type"], "Runtime.InvalidEvent")
            self.assertTrue(body_json(r)["errorMessage"])
        # within the depth limit (32) is fine
        ok = emu.invoke(b'{"health_check":true,"x":' + b"[" * 20 + b"]" * 20 + b"}")
        self.assertEqual(ok["status"], "ok")
        self.assertEqual(emu.exits, [])


class TestMemoryPressure(Base):
    def test_sheds_but_keeps_answering(self):
        """memory_mb far below the bootstrap's RSS: every invocation sheds in the compiled
        order (the last step raises the log level to ERROR), and every answer still comes."""
        # 1 MB: below the RSS of any build (the lean static bootstrap stays under 4 MB)
        emu = self.emu(memory_mb=1)
        results = [emu.invoke(HEALTH) for _ in range(4)]
        self.assertEqual([r["status"] for r in results], ["ok"] * 4)
        objs = json_lines([ln for r in results for ln in r["logs"]])
        sheds = [o for o in objs if o.get("message") == "memory pressure: shedding"]
        self.assertTrue(sheds)
        self.assertTrue(all(o["level"] == "WARN" for o in sheds))
        # after quiet_logs (during the first invocation), INFO summary lines stop while EMF
        # lines continue. An invocation's EMF line is written after its answer is posted, so
        # it may land in the next invocation's log window: look across invocations 2..4.
        later = json_lines([ln for r in results[1:] for ln in r["logs"]])
        first = results[0]["request_id"]  # its summary was written before quieting
        self.assertFalse([o for o in later if o.get("message") == "invocation"
                          and o.get("function_request_id") != first])
        self.assertTrue([o for o in later if "_aws" in o])
        self.assertEqual(emu.exits, [])


class TestRuntimeApiGone(Base):
    def test_exits_when_runtime_api_goes_away(self):
        """The Runtime API closes the blocked /next and stops listening: the bootstrap
        retries /next a bounded number of times, then frees everything and exits 1 (an
        ASan build's LeakSanitizer then reports any leak on stderr)."""
        emu = harness.start_emulator(env={"LEEC_HA_URL": "http://127.0.0.1:9"})
        self.addCleanup(emu.stop)
        for ev in (HEALTH, b"nope", b'{"x":1}', b'{"p":"' + b"x" * (MAX_EVENT + 10) + b'"}'):
            self.assertIn(emu.invoke(ev)["status"], ("ok", "error"))
        proc = emu._proc
        srv = emu._server
        with emu._cond:  # the emulator's own stop path, minus killing the process
            emu._stopping = True
            emu._cond.notify_all()
        srv.shutdown()
        srv.server_close()
        code = proc.wait(30)
        time.sleep(0.3)  # the reader threads collect the last lines
        emu._server = None
        self.assertEqual(code, 1)
        tail = [ln for ln in emu._logs if not ln.startswith("[emulator]")]
        self.assertTrue(any("/next failed" in ln for ln in tail), tail[-5:])
        self.assertFalse([ln for ln in tail if "Sanitizer" in ln], "\n".join(tail[-40:]))


class TestTraceId(Base):
    def test_trace_id_set_and_unset(self):
        """Every line of an invocation carries its trace id (the header's Root), or none
        without one. The emulator's window of an invocation ends when the runtime asks for
        the next event, so each result holds its own summary (written after the answer)."""
        emu = self.emu()
        trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        results = [emu.invoke(HEALTH, trace_id=trace), emu.invoke(HEALTH),
                   emu.invoke(HEALTH, trace_id=trace), emu.invoke(HEALTH)]
        for i, r in enumerate(results):
            self.assertTrue(r["logs_complete"], i)
            objs = [o for o in json_lines(r["logs"]) if o.get("function_request_id")]
            self.assertTrue(objs, "no log line for invocation %d" % i)
            self.assertEqual({o["function_request_id"] for o in objs}, {r["request_id"]},
                             "invocation %d's window holds another invocation's lines" % i)
            self.assertTrue([o for o in objs if o.get("message") == "invocation"],
                            "invocation %d: no summary line in its own window" % i)
            for o in objs:
                if i % 2 == 0:
                    # the Root id only, as Powertools (was the whole header)
                    self.assertEqual(o.get("xray_trace_id"),
                                     "1-5759e988-bd862e3fe1be46a994272793", o)
                else:
                    self.assertNotIn("xray_trace_id", o, o)


class TestDeadline(Base):
    def test_slow_home_assistant_answers_before_timeout(self):
        sim = HASimulator(tokens=[GOOD]).start()
        self.addCleanup(sim.stop)
        emu = self.emu(env={"LEEC_HA_URL": sim.url}, timeout_s=3)
        self.assertEqual(emu.invoke(HEALTH)["status"], "ok")  # warm: init is not timed
        sim.set_fault("slow", seconds=10)
        t0 = time.monotonic()
        r = emu.invoke(harness.event_bytes(turn_on()))
        elapsed = time.monotonic() - t0
        self.assertEqual(r["status"], "ok", r)
        ev = body_json(r)["event"]
        self.assertEqual(ev["header"]["name"], "ErrorResponse")
        self.assertEqual(ev["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertLess(elapsed, 3.0)
        self.assertLess(r["duration_ms"], 3000)
        sim.set_fault("none")


class TestInitErrors(Base):
    def init_error(self, env=None, **kw):
        base = {"LEEC_HA_URL": "http://127.0.0.1:9"}
        base.update(env or {})
        emu = self.emu(env=base, **kw)
        r = emu.invoke(HEALTH)
        self.assertEqual(r["status"], "init_error", r)
        self.assertTrue(r["error_type"])
        self.assertEqual(len(emu.init_errors), 1)
        return body_json(r)

    def test_not_verify_ssl_false_is_false(self):
        for v in ("False", "false", "0", "NO"):
            with self.subTest(v=v):
                emu = self.emu(env={"LEEC_HA_URL": "https://127.0.0.1:9", "NOT_VERIFY_SSL": v})
                r = emu.invoke(HEALTH)
                self.assertEqual(r["status"], "ok", r)
                self.assertFalse([ln for ln in r["logs"] if "TLS verification is OFF" in ln])
        emu = self.emu(env={"LEEC_HA_URL": "https://127.0.0.1:9", "NOT_VERIFY_SSL": "True"})
        r = emu.invoke(HEALTH)
        self.assertEqual(r["status"], "ok")
        self.assertTrue([ln for ln in r["logs"] if "TLS verification is OFF" in ln])

    def test_not_verify_ssl_maybe(self):
        b = self.init_error({"NOT_VERIFY_SSL": "maybe"})
        self.assertIn("NOT_VERIFY_SSL", b["errorMessage"])

    def test_skip_certificate_verification_garbage(self):
        b = self.init_error({"SKIP_CERTIFICATE_VERIFICATION": "garbage"})
        self.assertIn("SKIP_CERTIFICATE_VERIFICATION", b["errorMessage"])

    def test_debug_garbage(self):
        b = self.init_error({"DEBUG": "verbose"})
        self.assertIn("DEBUG", b["errorMessage"])

    def test_log_level_loud(self):
        b = self.init_error(log_level="LOUD")
        self.assertIn("AWS_LAMBDA_LOG_LEVEL", b["errorMessage"])

    def test_log_format_bad(self):
        self.init_error(log_format="xml")

    def test_skill_ids_empty_items(self):
        for v in (",,", "", " , ", "amzn1.ask.skill.a,,amzn1.ask.skill.b", "not-a-skill"):
            with self.subTest(v=v):
                b = self.init_error({"LEEC_SKILL_IDS": v})
                self.assertIn("LEEC_SKILL_IDS", b["errorMessage"])

    def test_skill_ids_good(self):
        emu = self.emu(env={"LEEC_HA_URL": "http://127.0.0.1:9",
                            "LEEC_SKILL_IDS": "amzn1.ask.skill.a,amzn1.ask.skill.b"})
        self.assertEqual(emu.invoke(HEALTH)["status"], "ok")

    def test_bad_url(self):
        b = self.init_error({"LEEC_HA_URL": "ftp://example.org"})
        self.assertIn("LEEC_HA_URL", b["errorMessage"])

    def test_process_exits_after_init_error(self):
        emu = self.emu(env={"LEEC_HA_URL": "http://127.0.0.1:9", "NOT_VERIFY_SSL": "maybe"})
        r1 = emu.invoke(HEALTH)
        r2 = emu.invoke(HEALTH)  # a fresh cold start, failing the same way
        self.assertEqual((r1["status"], r2["status"]), ("init_error", "init_error"))
        self.assertEqual(len(emu.init_errors), 2)


class TestMigrationEnvs(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = HASimulator(tokens=[GOOD]).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def setUp(self):
        self.sim.reset()

    def sh(self, emu, msg):
        r = emu.invoke(harness.event_bytes(msg))
        self.assertEqual(r["status"], "ok", r)
        return body_json(r)["event"]

    def test_ha_docs_function(self):
        """BASE_URL + DEBUG=true + LONG_LIVED_ACCESS_TOKEN: a directive without a token
        uses the long-lived one; a directive's own token still wins."""
        emu = self.emu(env={"BASE_URL": self.sim.url, "DEBUG": "true",
                            "LONG_LIVED_ACCESS_TOKEN": GOOD})
        r = emu.invoke(harness.event_bytes(without_token(turn_on())))
        ev = body_json(r)["event"]
        self.assertNotEqual(ev["header"]["name"], "ErrorResponse", ev)
        posts = self.sim.posts("/api/alexa/smart_home")
        self.assertTrue(posts)
        self.assertTrue(posts[-1]["auth_valid"])
        ev = self.sh(emu, turn_on(token="some-other-token"))
        self.assertEqual(ev["header"]["name"], "ErrorResponse")  # its own (bad) token
        # DEBUG=true raises the level: the Smart Home branch line (DEBUG) appears
        self.assertTrue(any('"level":"DEBUG"' in ln for ln in r["logs"]), r["logs"])

    def test_ha_docs_function_without_debug(self):
        """Without DEBUG the long-lived token is not used (as in HA's function)."""
        emu = self.emu(env={"BASE_URL": self.sim.url, "LONG_LIVED_ACCESS_TOKEN": GOOD})
        ev = self.sh(emu, without_token(turn_on()))
        self.assertEqual(ev["header"]["name"], "ErrorResponse", ev)

    def test_haaska_go(self):
        """HOME_ASSISTANT_URL + HOME_ASSISTANT_TOKEN: the token is used for every request."""
        emu = self.emu(env={"HOME_ASSISTANT_URL": self.sim.url, "HOME_ASSISTANT_TOKEN": GOOD})
        for msg in (turn_on(token="alexa-linked-token-unknown-to-ha"),
                    without_token(turn_on())):
            ev = self.sh(emu, msg)
            self.assertNotEqual(ev["header"]["name"], "ErrorResponse", ev)
        posts = self.sim.posts("/api/alexa/smart_home")
        self.assertEqual(len(posts), 2)
        self.assertTrue(all(p["auth_valid"] for p in posts))

    def test_skip_certificate_verification_true(self):
        emu = self.emu(env={"HOME_ASSISTANT_URL": "https://127.0.0.1:9",
                            "HOME_ASSISTANT_TOKEN": GOOD,
                            "SKIP_CERTIFICATE_VERIFICATION": "yes"})
        r = emu.invoke(HEALTH)
        self.assertEqual(r["status"], "ok")
        self.assertTrue([ln for ln in r["logs"] if "TLS verification is OFF" in ln])


class TestLogsAndMetrics(Base):
    def test_every_line_is_json_and_emf_is_compiled(self):
        sim = HASimulator(tokens=[GOOD], custom_skill=True).start()
        self.addCleanup(sim.stop)
        emu = self.emu(env={"LEEC_HA_URL": sim.url})
        results = [emu.invoke(HEALTH), emu.invoke(harness.event_bytes(turn_on())),
                   emu.invoke(b"nope"), emu.invoke(b"{}"),
                   emu.invoke(harness.event_bytes(turn_on(token="bad")))]
        # the entity list: a miss, then a hit from the per-token cache (CacheHitRate)
        for _ in range(2):
            r = emu.invoke(harness.event_bytes(custom_request("ListAutomationsIntent")))
            self.assertEqual(r["status"], "ok", r)
            results.append(r)
        sim.set_fault("status", status=503)
        results.append(emu.invoke(harness.event_bytes(turn_on())))
        sim.set_fault("none")
        results.append(emu.invoke(HEALTH))
        emu.stop()
        lines = [ln for r in results for ln in r["logs"]]
        objs = json_lines(lines)  # raises on a non-JSON line
        self.assertGreater(len(objs), 10)
        allowed = compiled_metric_names()
        self.assertEqual(len(allowed), leec_metric_count())
        emf = [o for o in objs if "_aws" in o]
        self.assertTrue(emf)
        seen = set()
        for o in emf:
            for d in o["_aws"]["CloudWatchMetrics"]:
                for m in d["Metrics"]:
                    self.assertIn(m["Name"], allowed)
                    self.assertIn(m["Name"], o)  # the value is there too
                    seen.add(m["Name"])
        self.assertLessEqual(len(seen), leec_metric_count())
        # every metric leec counts against the free tier is really emitted
        self.assertEqual(seen, {m["name"] for m in leec_facts()["metrics"]["names"]})
        rates = [o["CacheHitRate"] for o in emf if "CacheHitRate" in o]
        self.assertEqual(rates[-2:], [0, 100], rates)
        logs = [o for o in objs if "_aws" not in o]
        for o in logs:
            for k in ("level", "timestamp", "message"):
                self.assertIn(k, o)
        # no token anywhere
        self.assertFalse([ln for ln in lines if GOOD in ln])


class TestNoConfigAtRunTime(Base):
    def test_ldd_no_libyaml(self):
        if not shutil.which("ldd"):
            self.skipTest("ldd missing")
        out = subprocess.run(["ldd", harness.bootstrap_path()], capture_output=True,
                             text=True).stdout
        if harness.lean_build():
            # the lean build links libcurl statically: nothing but the glibc family
            libs = [ln.split()[0] for ln in out.splitlines() if ln.strip()]
            self.assertTrue(libs, out)
            for lib in libs:
                self.assertRegex(lib, r"^(linux-vdso\.so\.1|/lib64/ld-linux[-\w.]*\.so\.\d|"
                                 r"lib(c|m|pthread|dl|rt|resolv)\.so\.\d)$", out)
        else:
            self.assertIn("libcurl", out)
        self.assertNotIn("libyaml", out)

    def test_strace_opens_no_configuration(self):
        strace = shutil.which("strace")
        if not strace:
            self.skipTest("strace missing (.ci/deps installs it)")
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        trace = os.path.join(tmp, "strace.out")
        boot = harness.bootstrap_path()
        emu = harness.start_emulator(
            command=[strace, "-f", "-qq", "-e", "trace=open,openat", "-o", trace, boot],
            env={"LEEC_HA_URL": "http://127.0.0.1:9"},
            task_root=os.path.dirname(boot), cwd=harness.source_dir())
        self.addCleanup(emu.stop)
        r = emu.invoke(HEALTH)
        self.assertEqual(r["status"], "ok", r)
        r = emu.invoke(harness.event_bytes(turn_on()))
        self.assertEqual(r["status"], "ok", r)
        emu.stop()
        with open(trace) as f:
            text = f.read()
        opened = re.findall(r'open(?:at)?\([^"]*"([^"]*)"', text)
        self.assertTrue(opened, text[:500])
        src = harness.source_dir()
        bad = [p for p in opened if p.endswith((".yaml", ".yml"))
               or any(os.path.abspath(os.path.join(src, p)).startswith(os.path.join(src, d) + os.sep)
                      for d in ("schemas", "presets", "examples"))]
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
