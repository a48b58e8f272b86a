#!/usr/bin/python3
"""End-to-end: a Discover.Response with one endpoint Alexa's schema rejects (issue 20
item 1). Lambda emulator -> the real bootstrap -> HA simulator breaking one entity of its
discovery (HASimulator.break_discovery). The answer Alexa gets validates against Amazon's
schema, holds every other endpoint, and the logs carry exactly one WARN naming the broken
endpoint and the rule; with nothing broken and no discovery rules, the answer is Home
Assistant's bytes unchanged."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import alexa_validate  # noqa: E402
import variant_build  # noqa: E402
from ha_simulator import DISCOVERY_BREAKS, HASimulator  # noqa: E402

GOOD = "test-token-good"
SAMPLES = os.path.join(alexa_validate.conformance_dir(), "alexa", "sample_messages")
# the words of the WARN's rule for each break
RULE_WORDS = {
    "cookie": "cookie: the value of brightness is not a string",
    "friendly_name": "friendlyName: 1 to 128 characters",
    "description": "description: 1 to 128 characters",
    "endpoint_id": "endpointId: only letters",
    "category": "displayCategories: LAMP",
    "no_capabilities": "capabilities: empty",
    "capability_version": "version is not",
    "no_manufacturer": "manufacturerName is required",
}
NO_RULES_YAML = variant_build.example_with([
    (r"^  discovery:\n(    .*\n|      .*\n)+", ""),
])


def discover():
    with open(os.path.join(SAMPLES, "Discovery", "Discovery.request.json")) as f:
        msg = json.load(f)
    msg["directive"]["payload"]["scope"]["token"] = GOOD
    return msg


def warns(logs):
    out = []
    for line in logs:
        try:
            j = json.loads(line)
        except ValueError:
            continue
        if j.get("level") == "WARN" and j.get("message", "").startswith("discovery: endpoint "
                                                                       "dropped"):
            out.append(j)
    return out


class DiscoveryCase(unittest.TestCase):
    bootstrap = None

    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.sim = HASimulator(tokens=[GOOD]).start()
        cmd = [cls.bootstrap()] if cls.bootstrap else None
        cls.emu = harness.start_emulator(command=cmd, env={"LEEC_HA_URL": cls.sim.url})

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        cls.sim.stop()

    def setUp(self):
        self.sim.break_discovery(None)

    def discover(self):
        r = self.emu.invoke(harness.event_bytes(discover()))
        self.assertEqual(r["status"], "ok", r)
        body = r["body"].decode() if isinstance(r["body"], bytes) else r["body"]
        reply = json.loads(body)
        self.assertEqual(alexa_validate.validate(reply), [], body[:600])
        return reply, body, r["logs"]

    def each_break(self):
        base, _, logs = self.discover()
        self.assertEqual(warns(logs), [])
        ids = [e["endpointId"] for e in base["event"]["payload"]["endpoints"]]
        self.assertGreaterEqual(len(ids), 10)
        ha_ids = list(self.sim.smart_home.endpoints())
        # an endpoint the project's rules keep and do not rename
        index = next(i for i, e in enumerate(ha_ids) if e in ids and e != "light#kitchen")
        for rule in sorted(DISCOVERY_BREAKS):
            with self.subTest(rule=rule):
                self.sim.break_discovery(rule, index)
                reply, _, logs = self.discover()
                got = [e["endpointId"] for e in reply["event"]["payload"]["endpoints"]]
                self.assertEqual(got, [i for i in ids if i != ha_ids[index]])
                w = warns(logs)
                self.assertEqual(len(w), 1, logs)
                want_id = "light.bad id" if rule == "endpoint_id" else ha_ids[index]
                self.assertEqual(w[0]["endpoint_id"], want_id)
                self.assertIn(RULE_WORDS[rule], w[0]["rule"])
                self.assertTrue(w[0].get("function_request_id"))


class TestDiscoveryWithRules(DiscoveryCase):
    """examples/leec.yaml: discovery rules set (the rewritten branch)."""

    def test_one_broken_endpoint_dropped(self):
        self.each_break()


class TestDiscoveryWithoutRules(DiscoveryCase):
    """No discovery rules: Home Assistant's bytes go to Alexa unless an endpoint is bad."""

    @staticmethod
    def bootstrap():
        return variant_build.variant_bootstrap("no-discovery-rules", NO_RULES_YAML)

    def test_valid_discovery_byte_identical(self):
        _, body, logs = self.discover()
        sent = json.dumps(self.sim.alexa_log[-1][2])
        self.assertEqual(body, sent)
        self.assertEqual(warns(logs), [])

    def test_one_broken_endpoint_dropped(self):
        self.each_break()


if __name__ == "__main__":
    unittest.main(verbosity=2)
