#!/usr/bin/python3
"""TLS between the bootstrap and Home Assistant, end to end: Lambda emulator -> bootstrap ->
HA simulator over HTTPS with test-time certificates (tests/peers/tls_fixtures.py).

  good CA (LEEC_CA_BUNDLE)         -> round trip OK, User-Agent leec/<version>
  wrong CA / no CA bundle          -> BRIDGE_UNREACHABLE, no request reached the simulator
  mTLS: bootstrap built from a project file with tls.client_cert / client_key
        -> OK (the simulator saw the client certificate); the default bootstrap (no client
        certificate) -> BRIDGE_UNREACHABLE
  NOT_VERIFY_SSL=true / SKIP_CERTIFICATE_VERIFICATION=true (migration names, insecure opt-in)
        -> works against the wrong certificate, and a WARN about TLS verification at cold start;
        "False" means false (verification stays on); garbage is an init error.
  lean build (LEEC_LEAN=ON, wolfSSL): a bootstrap whose compiled-in CA bundle is the test CA
        -> OK with no CA file at all; the wrong certificate -> refused; LEEC_CA_BUNDLE set to
        another CA -> refused (the file replaces the compiled-in bundle, it is not added)."""
import json
import os
import time
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import alexa_validate  # noqa: E402
import capability_plans  # noqa: E402
import variant_build  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402

GOOD = "test-token-good"


def turn_on(ep="switch#coffee_maker"):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, GOOD)


def logs_text(r):
    return "\n".join(x if isinstance(x, str) else x.decode(errors="replace")
                     for x in (r.get("logs") or []))


def fixtures_dir():
    # Fixed paths (regenerated every run): the mTLS project file names them, so the
    # variant build stays the same from run to run.
    return os.path.join(harness.build_dir(), "tls-fixtures")


class TLSCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.fx = TLSFixtures(fixtures_dir())
        cls.sims = []

    @classmethod
    def tearDownClass(cls):
        for s in cls.sims:
            s.stop()

    @classmethod
    def sim(cls, wrong=False, client_ca=None):
        fx = cls.fx
        s = HASimulator(tokens=[GOOD],
                        tls_cert=fx.wrong_server_cert if wrong else fx.server_cert,
                        tls_key=fx.wrong_server_key if wrong else fx.server_key,
                        require_client_cert_ca=client_ca).start()
        cls.sims.append(s)
        return s

    def emu(self, sim, bootstrap=None, **env):
        e = {"LEEC_HA_URL": sim.url}
        e.update(env)
        emu = harness.start_emulator([bootstrap or harness.bootstrap_path()], env=e)
        self.addCleanup(emu.stop)
        return emu

    def reply(self, emu, msg=None):
        r = emu.invoke(harness.event_bytes(msg or turn_on()))
        self.assertEqual(r["status"], "ok", (r.get("error_type"), r.get("body"), r.get("logs")))
        reply = json.loads(r["body"])
        self.assertEqual(alexa_validate.validate(reply), [], json.dumps(reply)[:500])
        return reply, r

    def assert_ok(self, reply):
        self.assertEqual(reply["event"]["header"]["name"], "Response", json.dumps(reply)[:500])

    def assert_unreachable(self, reply, sim):
        self.assertEqual(reply["event"]["header"]["name"], "ErrorResponse")
        self.assertEqual(reply["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        self.assertEqual([x for x in sim.requests if x.get("status") == 200], [])


class TestServerVerification(TLSCase):
    def test_good_ca(self):
        sim = self.sim()
        emu = self.emu(sim, LEEC_CA_BUNDLE=self.fx.ca_cert)
        reply, r = self.reply(emu)
        self.assert_ok(reply)
        posts = sim.posts("/api/alexa/smart_home")
        self.assertEqual(len(posts), 1)
        self.assertTrue(posts[0]["auth_valid"])
        self.assertTrue(posts[0]["headers"].get("User-Agent", "").startswith("leec/"),
                        posts[0]["headers"])
        # warm: a second directive on the same process
        reply, _ = self.reply(emu, turn_on("light#kitchen"))
        self.assert_ok(reply)
        self.assertNotIn("TLS verification is OFF", logs_text(r))

    def test_wrong_ca_refused(self):
        sim = self.sim(wrong=True)
        emu = self.emu(sim, LEEC_CA_BUNDLE=self.fx.ca_cert)
        reply, r = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])
        # The server thread records its side of the failed handshake after the client has
        # already given up (and answered), so allow it a moment.
        deadline = time.monotonic() + 5
        while not sim.tls_failures and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(sim.tls_failures)
        self.assertIn("ha_tls", logs_text(r))

    def test_private_ca_without_bundle_refused(self):
        sim = self.sim()
        emu = self.emu(sim)
        reply, _ = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])


class TestMutualTLS(TLSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        text = variant_build.example_with([
            (r"^  tls:\n    verify: true\n",
             "  tls:\n    verify: true\n    client_cert: %s\n    client_key: %s\n"
             % (cls.fx.client_cert, cls.fx.client_key)),
        ])
        cls.mtls_bootstrap = variant_build.variant_bootstrap("mtls", text)

    def test_client_certificate_accepted(self):
        sim = self.sim(client_ca=self.fx.client_ca_cert)
        emu = self.emu(sim, self.mtls_bootstrap, LEEC_CA_BUNDLE=self.fx.ca_cert)
        reply, _ = self.reply(emu)
        self.assert_ok(reply)
        posts = sim.posts("/api/alexa/smart_home")
        self.assertEqual(len(posts), 1)
        self.assertEqual(posts[0]["client_cert_cn"], "leec-lambda")

    def test_without_client_certificate_refused(self):
        sim = self.sim(client_ca=self.fx.client_ca_cert)
        emu = self.emu(sim, LEEC_CA_BUNDLE=self.fx.ca_cert)
        reply, _ = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])

    def test_client_cert_from_another_ca_refused(self):
        sim = self.sim(client_ca=self.fx.other_ca_cert)  # trusts only the "rogue" issuer
        emu = self.emu(sim, self.mtls_bootstrap, LEEC_CA_BUNDLE=self.fx.ca_cert)
        reply, _ = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])


class TestEmbeddedCA(TLSCase):
    """The compiled-in CA bundle (deps/patches/leec-wolfssl-embedded-ca.patch): the trust store
    of a connection that sets no CA file. Built with the test CA compiled in, in its own lean
    deps directory (only the CA object changes from run to run)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not harness.lean_build():
            raise unittest.SkipTest("not a lean build (LEEC_LEAN=OFF: Debian's libcurl)")
        if (harness.cmake_cache("LEEC_LEAN_TLS") or "wolfssl") != "wolfssl":
            raise unittest.SkipTest("the compiled-in CA bundle is the wolfSSL build's")
        harness.require_file(os.path.join(harness.build_dir(), "compiler", "leec"))
        with open(os.path.join(harness.source_dir(), "examples", "leec.yaml")) as f:
            text = f.read()
        d = os.path.join(harness.build_dir(), "embedded-ca")
        cls.embedded_bootstrap = variant_build.variant_bootstrap("embedded-ca", text, [
            "-DLEEC_LEAN_CA_BUNDLE=" + cls.fx.ca_cert,
            "-DLEEC_LEAN_DEPS_DIR=" + os.path.join(d, "lean-deps")])

    def test_compiled_in_ca_trusted(self):
        sim = self.sim()
        emu = self.emu(sim, self.embedded_bootstrap)
        reply, r = self.reply(emu)
        self.assert_ok(reply)
        self.assertEqual(len(sim.posts("/api/alexa/smart_home")), 1)
        self.assertNotIn("TLS verification is OFF", logs_text(r))

    def test_compiled_in_ca_wrong_certificate_refused(self):
        sim = self.sim(wrong=True)
        emu = self.emu(sim, self.embedded_bootstrap)
        reply, _ = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])

    def test_ca_file_replaces_compiled_in(self):
        sim = self.sim()
        emu = self.emu(sim, self.embedded_bootstrap, LEEC_CA_BUNDLE=self.fx.other_ca_cert)
        reply, _ = self.reply(emu)
        self.assert_unreachable(reply, sim)
        self.assertEqual(sim.requests, [])


class TestInsecureOptIn(TLSCase):
    """The migration names for 'do not verify': NOT_VERIFY_SSL (HA docs' function) and
    SKIP_CERTIFICATE_VERIFICATION (haaska-go)."""

    def check_insecure(self, name):
        sim = self.sim(wrong=True)
        emu = self.emu(sim, **{name: "true"})
        reply, r = self.reply(emu)
        self.assert_ok(reply)
        warns = [ln for ln in r["logs"] if "TLS verification" in ln]
        self.assertTrue(warns, logs_text(r))
        self.assertIn("WARN", warns[0])
        self.assertIn(name, warns[0])
        self.assertTrue(r["cold_start"])
        # once per cold start, not per invocation
        reply, r2 = self.reply(emu, turn_on("light#kitchen"))
        self.assert_ok(reply)
        self.assertNotIn("TLS verification", logs_text(r2))

    def test_not_verify_ssl(self):
        self.check_insecure("NOT_VERIFY_SSL")

    def test_skip_certificate_verification(self):
        self.check_insecure("SKIP_CERTIFICATE_VERIFICATION")

    def test_false_means_false(self):
        for name in ("NOT_VERIFY_SSL", "SKIP_CERTIFICATE_VERIFICATION"):
            for value in ("False", "0", "no"):
                with self.subTest(name=name, value=value):
                    sim = self.sim(wrong=True)
                    emu = self.emu(sim, **{name: value})
                    reply, r = self.reply(emu)
                    self.assert_unreachable(reply, sim)
                    self.assertNotIn("TLS verification is OFF", logs_text(r))

    def test_garbage_is_init_error(self):
        for name in ("NOT_VERIFY_SSL", "SKIP_CERTIFICATE_VERIFICATION"):
            with self.subTest(name=name):
                sim = self.sim()
                emu = self.emu(sim, **{name: "Flase"})
                r = emu.invoke(harness.event_bytes(turn_on()))
                self.assertEqual(r["status"], "init_error")
                self.assertEqual(r["error_type"], "Runtime.ConfigError")
                self.assertIn(name, r["body"].decode(errors="replace"))
                self.assertEqual(sim.requests, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
