#!/usr/bin/python3
"""The connection to Home Assistant made during init (runtime/core/app.c preconnect_ha,
net/ha_client.c ha_client_preconnect, deps/patches/leec-curl-reuse-preconnected.patch), end
to end: Lambda emulator -> bootstrap -> HA simulator over HTTPS (TLS 1.3, so the server's
session tickets wait in the idle socket).

The first invocation of each case is a health check (no Home Assistant call), so the
connection made during init sits idle before the first directive, as it does on Lambda
between init and a directive that arrives later.

  reused          init connects once; the first directive is sent on that connection:
                  one TLS handshake in all, one POST
  closed by HA    the simulator closes the connection right after the handshake (close_notify
                  and FIN): the first directive goes on a new connection, HA gets exactly one
                  POST and Alexa a Response (without the idle check the request went on the
                  dead connection, and the transfer failed, since the bootstrap never sends a
                  request twice)
  keep-alive end  a warm connection closed by HA's keep-alive timeout (FIN only) is detected
                  the same way before the next directive
  HA down         nothing listens: init still finishes (connection refused is immediate),
                  with one WARN saying the first request connects again; the directive gets
                  BRIDGE_UNREACHABLE, and once HA is up the next directive works
  HA silent       a listener that never answers the handshake: init is bounded (1 s)
  turned off      LEEC_HA_PRECONNECT=false: no connection until the first request; a value
                  that is not a boolean stops init naming the variable
"""
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (puts tests/peers on sys.path)
import alexa_validate  # noqa: E402
import capability_plans  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402

GOOD = "test-token-good"
HEALTH = {"health_check": True}


def turn_on(ep="switch#coffee_maker"):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn", ep, {}, GOOD)


def logs_text(r):
    return "\n".join(x if isinstance(x, str) else x.decode(errors="replace")
                     for x in (r.get("logs") or []))


def wait_for(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.01)
    return cond()


class PreconnectCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.fx = TLSFixtures(os.path.join(harness.build_dir(), "tls-fixtures"))

    def sim(self, **kw):
        s = HASimulator(tokens=[GOOD], tls_cert=self.fx.server_cert,
                        tls_key=self.fx.server_key, **kw).start()
        self.addCleanup(s.stop)
        return s

    def emu(self, url, **env):
        e = {"LEEC_HA_URL": url, "LEEC_CA_BUNDLE": self.fx.ca_cert}
        e.update(env)
        emu = harness.start_emulator([harness.bootstrap_path()], env=e)
        self.addCleanup(emu.stop)
        return emu

    def invoke(self, emu, msg):
        r = emu.invoke(harness.event_bytes(msg))
        self.assertEqual(r["status"], "ok", (r.get("error_type"), r.get("body"), r.get("logs")))
        return json.loads(r["body"]), r

    def directive(self, emu):
        reply, r = self.invoke(emu, turn_on())
        self.assertEqual(alexa_validate.validate(reply), [], json.dumps(reply)[:500])
        return reply, r

    def assert_response(self, reply):
        self.assertEqual(reply["event"]["header"]["name"], "Response", json.dumps(reply)[:500])


class TestPreconnect(PreconnectCase):
    @classmethod
    def setUpClass(cls):
        if not harness.lean_build():
            raise unittest.SkipTest("not a lean build (LEEC_LEAN=OFF): Debian's libcurl closes a "
                                    "connect-only connection, so the bootstrap connects at its "
                                    "first request (TestWithoutHandover)")
        super().setUpClass()

    def test_first_directive_reuses_the_init_connection(self):
        sim = self.sim()
        emu = self.emu(sim.url)
        _, r = self.invoke(emu, HEALTH)
        self.assertIn("connected to Home Assistant during init", logs_text(r))
        self.assertTrue(wait_for(lambda: sim.connections == 1), sim.connections)
        self.assertEqual(sim.requests, [])  # a connection, no request
        time.sleep(0.2)  # the server's TLS 1.3 session tickets are in the idle socket
        reply, _ = self.directive(emu)
        self.assert_response(reply)
        self.assertEqual(len(sim.posts("/api/alexa/smart_home")), 1)
        self.assertEqual(sim.connections, 1, "the directive opened a second connection")

    def test_connection_closed_by_ha_is_replaced_before_sending(self):
        sim = self.sim()
        sim.close_after_handshake = 1
        emu = self.emu(sim.url)
        self.invoke(emu, HEALTH)
        self.assertTrue(wait_for(lambda: sim.closed_after_handshake == 1))
        time.sleep(0.1)  # the close_notify and the FIN reach the bootstrap's socket
        reply, r = self.directive(emu)
        self.assert_response(reply)
        self.assertEqual(len(sim.posts("/api/alexa/smart_home")), 1)
        self.assertEqual(sim.connections, 2)
        self.assertNotIn("not sent twice", logs_text(r))

    def test_keepalive_timeout_is_detected_before_sending(self):
        sim = self.sim()
        sim.keepalive_timeout_s = 0.3
        emu = self.emu(sim.url)
        self.invoke(emu, HEALTH)
        time.sleep(0.8)  # HA's keep-alive timeout closes the init connection (FIN only)
        self.assert_response(self.directive(emu)[0])
        self.assertEqual(sim.connections, 2, "the request went on the closed connection")
        self.assert_response(self.directive(emu)[0])  # warm, at once: the same connection
        self.assertEqual(sim.connections, 2)
        time.sleep(0.8)  # and that one times out too
        reply, r = self.directive(emu)
        self.assert_response(reply)
        self.assertEqual(sim.connections, 3)
        self.assertEqual(len(sim.posts("/api/alexa/smart_home")), 3)

    def test_turned_off(self):
        sim = self.sim()
        emu = self.emu(sim.url, LEEC_HA_PRECONNECT="false")
        _, r = self.invoke(emu, HEALTH)
        self.assertNotIn("during init", logs_text(r))
        time.sleep(0.2)
        self.assertEqual(sim.connections, 0)
        self.assert_response(self.directive(emu)[0])  # the first request connects
        self.assertEqual(sim.connections, 1)

    def test_setting_is_parsed_strictly(self):
        emu = self.emu("https://127.0.0.1:9", LEEC_HA_PRECONNECT="nope")
        r = emu.invoke(harness.event_bytes(HEALTH))
        self.assertEqual((r["status"], r["error_type"]), ("init_error", "Runtime.ConfigError"), r)
        self.assertIn(b"LEEC_HA_PRECONNECT must be true, false", r["body"])

    def test_ha_down_init_finishes_and_first_directive_fails_cleanly(self):
        port = harness.free_port()
        url = "https://127.0.0.1:%d" % port
        emu = self.emu(url)
        t0 = time.monotonic()
        health, r = self.invoke(emu, HEALTH)
        self.assertLess(time.monotonic() - t0, 5.0)
        self.assertIn("Home Assistant not reached during init", logs_text(r))
        reply, _ = self.directive(emu)
        self.assertEqual(reply["event"]["header"]["name"], "ErrorResponse")
        self.assertEqual(reply["event"]["payload"]["type"], "BRIDGE_UNREACHABLE")
        # HA comes up on that port: the next directive connects and works
        sim = HASimulator(tokens=[GOOD], tls_cert=self.fx.server_cert,
                          tls_key=self.fx.server_key, port=port).start()
        self.addCleanup(sim.stop)
        deadline = time.monotonic() + 20
        while True:  # the HA breaker may hold calls back for its open period
            reply, _ = self.directive(emu)
            if reply["event"]["header"]["name"] == "Response" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assert_response(reply)
        self.assertEqual(len(sim.posts("/api/alexa/smart_home")), 1)

    def test_silent_ha_bounds_init(self):
        # accepts TCP connections and never says a word: the handshake never completes
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(8)
        self.addCleanup(ls.close)
        held = []
        stop = threading.Event()

        def accept():
            ls.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(ls.accept()[0])
                except OSError:
                    pass
        t = threading.Thread(target=accept, daemon=True)
        t.start()
        self.addCleanup(lambda: ([c.close() for c in held], stop.set()))
        emu = self.emu("https://127.0.0.1:%d" % ls.getsockname()[1])
        health, r = self.invoke(emu, HEALTH)
        self.assertIn("Home Assistant not reached during init", logs_text(r))
        self.assertIn('"outcome":"timeout"', logs_text(r).replace(" ", ""))
        init_ms = health.get("init_ms")
        self.assertIsNotNone(init_ms, health)
        self.assertLess(init_ms, 1500, health)  # APP_PRECONNECT_MAX_MS (1000) + the rest


class TestWithoutHandover(PreconnectCase):
    """The non-lean build links Debian's libcurl, which closes a connect-only connection:
    connecting during init would cost a second handshake, so the bootstrap does not."""

    @classmethod
    def setUpClass(cls):
        if harness.lean_build():
            raise unittest.SkipTest("a lean build: its libcurl hands the connection over")
        super().setUpClass()

    def test_no_connection_during_init(self):
        sim = self.sim()
        emu = self.emu(sim.url)
        _, r = self.invoke(emu, HEALTH)
        self.assertNotIn("during init", logs_text(r))
        time.sleep(0.2)
        self.assertEqual(sim.connections, 0)
        self.assert_response(self.directive(emu)[0])
        self.assertEqual(sim.connections, 1)

if __name__ == "__main__":
    unittest.main()
