#!/usr/bin/python3
"""Soak test (issue 3): 10 000 invocations of the real bootstrap under the Lambda emulator,
alternating a health check and an Alexa Smart Home TurnOn answered by the Home Assistant
simulator, in one warm process. The resident set must not grow: rss_bytes of the health
answer at invocation 1 000 and at 10 000 differ by less than 1 MiB.

The TurnOn directives rotate over TOKENS account-linking tokens so the per-user rate limit
(burst 20, 60/min in examples/leec.yaml) never answers instead of Home Assistant, and the
rate limiter's user table (64 users) keeps evicting and re-adding users. The caches are only
filled by the Custom-skill feature, so this path does not fill them (no growth expected).

LEEC_SOAK_INVOCATIONS overrides the count (default 10 000)."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import capability_plans  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402


N = int(os.environ.get("LEEC_SOAK_INVOCATIONS", "10000"))
TOKENS = ["soak-token-%03d" % i for i in range(100)]
HEALTH = harness.event_bytes({"health_check": True})
MiB = 1 << 20


class TestSoak(unittest.TestCase):
    def test_no_rss_growth(self):
        harness.require_file(harness.bootstrap_path())
        sim = HASimulator(tokens=TOKENS).start()
        self.addCleanup(sim.stop)
        # An ASan build keeps freed memory in quarantine (up to 256 MiB): RSS would grow
        # by design. Without quarantine ASan still checks every access, and RSS means
        # what it means in a plain build. (Ignored by a plain build.)
        asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=0",
                                    "thread_local_quarantine_size_kb=0") if o)
        emu = harness.start_emulator(env={"LEEC_HA_URL": sim.url, "ASAN_OPTIONS": asan})
        self.addCleanup(emu.stop)
        rss = {}
        t0 = time.monotonic()
        errors = 0
        for i in range(1, N + 1):
            if i % 2:
                r = emu.invoke(HEALTH)
                self.assertEqual(r["status"], "ok", r)
                h = json.loads(r["body"])
                if i in (1, 999, N - 1):
                    rss[i] = h["rss_bytes"]
                    peak = h["peak_rss_bytes"]
            else:
                tok = TOKENS[(i // 2) % len(TOKENS)]
                msg = capability_plans.make_directive("Alexa.PowerController", "TurnOn",
                                                      "switch#coffee_maker", {}, tok)
                r = emu.invoke(harness.event_bytes(msg))
                self.assertEqual(r["status"], "ok", r)
                ev = json.loads(r["body"])["event"]
                if ev["header"]["name"] == "ErrorResponse":
                    errors += 1
                    self.assertLess(errors, 5, ev)
            self.assertFalse(r["cold_start"] and i > 1, "the process restarted at %d" % i)
            if i % 2000 == 0:
                sim.requests.clear()  # the simulator's own record, not the bootstrap's
        elapsed = time.monotonic() - t0
        growth = rss[N - 1] - rss[999]
        print("\nsoak: %d invocations in %.1f s (%.0f/s); rss %d B at 1, %d B at 1000, "
              "%d B at %d (growth %+d B), peak %d B; %d Alexa errors"
              % (N, elapsed, N / elapsed, rss[1], rss[999], rss[N - 1], N, growth, peak,
                 errors), file=sys.stderr)
        self.assertEqual(emu.exits, [])
        self.assertLess(growth, MiB)
        self.assertEqual(errors, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
