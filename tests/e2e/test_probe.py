#!/usr/bin/python3
"""The probe {"leec_probe": true} end to end: Lambda emulator -> the real bootstrap ->
HA simulator (tests/peers/ha_simulator.py), over HTTPS with the test CA
(tests/peers/tls_fixtures.py) and over loopback HTTP.

  good token            -> dns, tcp, tls (subject CN=localhost, expiry date, days left),
                           token (200), alexa_endpoint (405 to a GET) all ok
  bad token             -> stops at token (401) with the remedy to store a new one
  HA without `alexa:`   -> alexa_endpoint 404 finding: "add `alexa:` ... smart_home"
  account linking       -> no stored token: 401 without one is the expected answer
  wrong CA              -> tls fails, the certificate's subject and expiry are still named
  nothing listening     -> tcp fails; an unresolvable host -> dns fails; both well within
                           the function's deadline
  the token never appears in the answer or in any log line; nothing is POSTed to HA;
  `leec invoke PROJECT --probe` runs the same probe locally and prints leec's report;
  leec's human report (cli/probe_report.c) of each answer, through `leec probe` against the
  AWS recorder (tests/peers/aws_recorder.py, Invoke) is in test_deploy.py."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402

GOOD = "probe-token-good-0123456789"
PROBE = harness.event_bytes({"leec_probe": True})


def logs_text(r):
    return "\n".join(x if isinstance(x, str) else x.decode(errors="replace")
                     for x in (r.get("logs") or []))


class ProbeCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.fx = TLSFixtures(os.path.join(harness.build_dir(), "tls-fixtures-probe"))

    def sim(self, tls=True, wrong=False, **kw):
        fx = self.fx
        args = dict(tokens=[GOOD])
        if tls:
            args.update(tls_cert=fx.wrong_server_cert if wrong else fx.server_cert,
                        tls_key=fx.wrong_server_key if wrong else fx.server_key)
        args.update(kw)
        s = HASimulator(**args).start()
        self.addCleanup(s.stop)
        return s

    def probe(self, url, token=GOOD, **env):
        e = {"LEEC_HA_URL": url, "LEEC_CA_BUNDLE": self.fx.ca_cert}
        if token:
            e["HOME_ASSISTANT_TOKEN"] = token
        e.update(env)
        emu = harness.start_emulator(env=e)
        self.addCleanup(emu.stop)
        t0 = time.monotonic()
        r = emu.invoke(PROBE)
        took = time.monotonic() - t0
        self.assertEqual(r["status"], "ok", (r.get("error_type"), r.get("body"), logs_text(r)))
        body = r["body"].decode() if isinstance(r["body"], bytes) else r["body"]
        if token:
            self.assertNotIn(token, body)
            self.assertNotIn(token, logs_text(r))
        a = json.loads(body)
        self.assertEqual(a["leec_probe"], 1)
        return a, took

    def checks(self, a):
        return [(c["check"], c["ok"]) for c in a["checks"]]

    def test_good_token_over_https(self):
        s = self.sim()
        a, _ = self.probe(s.url)
        self.assertTrue(a["ok"], a)
        self.assertEqual(self.checks(a), [("dns", True), ("tcp", True), ("tls", True),
                                          ("token", True), ("alexa_endpoint", True)])
        tls = a["checks"][2]["finding"]
        self.assertRegex(tls, r"CN ?= ?localhost")  # wolfSSL: CN=x; OpenSSL's certinfo: CN = x
        self.assertRegex(tls, r"expires 20\d\d-\d\d-\d\d \([0-2] days\)")  # the fixture: 2 days
        self.assertIn("renew it soon", tls)
        self.assertIn("405", a["checks"][4]["finding"])
        for c in a["checks"]:
            self.assertIsInstance(c["ms"], (int, float))
        self.assertNotIn("remedy", a)
        # nothing was posted: only GETs reached Home Assistant
        self.assertEqual({q["method"] for q in s.requests}, {"GET"})
        self.assertEqual([q["path"] for q in s.requests], ["/api/", "/api/alexa/smart_home"])

    def test_bad_token(self):
        s = self.sim()
        a, _ = self.probe(s.url, token="probe-token-revoked-987654")
        self.assertFalse(a["ok"])
        self.assertEqual(self.checks(a)[-1], ("token", False))
        self.assertIn("401", a["checks"][-1]["finding"])
        self.assertIn("long-lived access token", a["remedy"])
        self.assertEqual(len(s.requests), 1)  # stopped at the first failure

    def test_alexa_endpoint_missing(self):
        s = self.sim(alexa_enabled=False)
        a, _ = self.probe(s.url)
        self.assertFalse(a["ok"])
        self.assertEqual(self.checks(a)[-1], ("alexa_endpoint", False))
        self.assertIn("404", a["checks"][-1]["finding"])
        self.assertIn("smart_home:", a["remedy"])
        self.assertIn("configuration.yaml", a["remedy"])

    def test_scheduled_probe_failure_is_an_error(self):
        """The hourly rule sends "scheduled": true: a failure is an invocation error (Lambda's
        Errors metric, the alarm); success is the same answer as ever."""
        s = self.sim(alexa_enabled=False)
        emu = harness.start_emulator(env={"LEEC_HA_URL": s.url, "LEEC_CA_BUNDLE": self.fx.ca_cert,
                                          "HOME_ASSISTANT_TOKEN": GOOD})
        self.addCleanup(emu.stop)
        r = emu.invoke(harness.event_bytes({"leec_probe": True, "scheduled": True}))
        self.assertEqual(r["status"], "error", r)
        self.assertEqual(r["error_type"], "Probe.Failed")
        body = r["body"].decode() if isinstance(r["body"], bytes) else r["body"]
        self.assertIn("alexa_endpoint", body)
        self.assertIn("smart_home:", body)
        self.assertNotIn(GOOD, body + logs_text(r))
        good = self.sim()
        emu2 = harness.start_emulator(env={"LEEC_HA_URL": good.url,
                                           "LEEC_CA_BUNDLE": self.fx.ca_cert,
                                           "HOME_ASSISTANT_TOKEN": GOOD})
        self.addCleanup(emu2.stop)
        r = emu2.invoke(harness.event_bytes({"leec_probe": True, "scheduled": True}))
        self.assertEqual(r["status"], "ok", r)
        self.assertTrue(json.loads(r["body"])["ok"])

    def test_account_linking_without_a_stored_token(self):
        s = self.sim(tls=False)
        a, _ = self.probe(s.url, token=None)
        self.assertTrue(a["ok"], a)
        self.assertIn("account linking", a["checks"][3]["finding"])
        self.assertIn("plain HTTP", a["checks"][2]["finding"])

    def test_untrusted_certificate_names_subject_and_expiry(self):
        s = self.sim(wrong=True)
        a, _ = self.probe(s.url)
        self.assertFalse(a["ok"])
        self.assertEqual(self.checks(a), [("dns", True), ("tcp", True), ("tls", False)])
        f = a["checks"][2]["finding"]
        self.assertIn("verification failed", f)
        if harness.lean_build():  # the shipped wolfSSL build reads the refused certificate too
            self.assertRegex(f, r"expires 20\d\d-\d\d-\d\d")
        else:  # Debian's libcurl (the sanitizer build) gives no certinfo for a refused one
            self.assertRegex(f, r"expires 20\d\d-\d\d-\d\d|certificate details not available")
        self.assertIn("ca_bundle", a["remedy"])
        self.assertEqual(s.requests, [])

    def test_nothing_listening(self):
        port = harness.free_port()
        a, took = self.probe("http://127.0.0.1:%d" % port)
        self.assertFalse(a["ok"])
        self.assertEqual(self.checks(a), [("dns", True), ("tcp", False)])
        self.assertIn("port %d" % port, a["remedy"])
        self.assertLess(took, 6.0)

    def test_dns_failure(self):
        # .invalid never resolves (RFC 2606); allow_http is not needed to fail at DNS
        a, took = self.probe("https://ha.leec-probe.invalid")
        self.assertFalse(a["ok"])
        self.assertEqual(self.checks(a), [("dns", False)])
        self.assertIn("ha.leec-probe.invalid", a["checks"][0]["finding"])
        self.assertIn("public DNS", a["remedy"])
        self.assertLess(took, 6.0)


    # `leec invoke PROJECT --probe`: the same probe run locally, printed as leec's report.
    def run_invoke(self, url, *extra):
        import subprocess
        leec = harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        return subprocess.run([leec, "invoke", "examples/leec.yaml", "--probe", "--bootstrap",
                               harness.bootstrap_path(), "--env", "LEEC_HA_URL=" + url, *extra],
                              cwd=harness.source_dir(), capture_output=True, text=True,
                              timeout=120)

    def test_leec_invoke_probe_report(self):
        s = self.sim(tls=False)
        r = self.run_invoke(s.url)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("probe of " + s.url, r.stdout)
        self.assertRegex(r.stdout, r"ok +dns +\d+ ms")
        self.assertIn("account linking", r.stdout)
        self.assertIn("all checks passed", r.stdout)
        port = harness.free_port()
        r = self.run_invoke("http://127.0.0.1:%d" % port)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"FAIL +tcp")
        self.assertIn("what to do: Home Assistant is not reachable", r.stdout)
        r = self.run_invoke(s.url, "--event", "x.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--probe is its own event", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
