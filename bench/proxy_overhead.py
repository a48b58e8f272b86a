#!/usr/bin/python3
"""Proxy overhead of the bootstrap on an Alexa Smart Home directive.

Warm: the same TurnOn directive
  (a) through the Lambda emulator -> bootstrap -> HA simulator (HTTP, keep-alive reused):
      the emulator's invoke duration (event delivered -> response received), the
      bootstrap's own duration_ms (summary line "invocation", whole ms) and ha_ms;
  (b) POSTed directly to the simulator with the curl CLI (one process and connection
      per sample; -w %{time_total}, process start-up not included);
  (c) POSTed directly with Python http.client on one keep-alive connection.
Prints medians (and p90) and the overhead ratios (a)/(b), (a)/(c).

Cold: a fresh emulator + bootstrap per sample against the HA simulator over HTTPS
(test-time CA): init (spawn -> first /next), first invoke duration (includes the TCP
connect and TLS handshake to HA), its ha_ms; compared with curl's own HTTPS POST
(--cacert, time_appconnect / time_total).

Each directive carries a distinct account-linking token (tokens are rate-limited per
user in examples/leec.yaml). The simulator's sockets have TCP_NODELAY, as
aiohttp (Home Assistant's server) sets it: without it, Python's two-write replies meet
the client's delayed ACK on a reused connection and every warm call costs ~40 ms.

Usage: bench/proxy_overhead.py [--bootstrap build/runtime/bootstrap] [--warm 200]
                               [--curl 50] [--cold 10]
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "peers"))
import capability_plans  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from lambda_emulator import LambdaEmulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402



def directive(token):
    return capability_plans.make_directive("Alexa.PowerController", "TurnOn",
                                           "switch#coffee_maker", {}, token)


def summary(xs):
    xs = sorted(xs)
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "median": statistics.median(xs),
            "p90": xs[min(len(xs) - 1, int(len(xs) * 0.9))], "min": xs[0]}


def fmt(s, unit="ms"):
    if not s.get("n"):
        return "n/a"
    return "median %.3f %s, p90 %.3f, min %.3f (n=%d)" % (s["median"], unit, s["p90"],
                                                         s["min"], s["n"])


def log_field(logs, message, field):
    for ln in logs:
        try:
            o = json.loads(ln)
        except ValueError:
            continue
        if o.get("message") == message and field in o:
            return o[field]
    return None


def warm(bootstrap, n_warm, n_curl):
    tokens = ["bench-token-%04d" % i for i in range(n_warm + n_curl + 300)]
    out = {}
    with HASimulator(tokens=tokens) as sim:
        url = sim.url + "/api/alexa/smart_home"
        emu = LambdaEmulator([bootstrap], env={"LEEC_HA_URL": sim.url,
                                               "AWS_LAMBDA_LOG_LEVEL": "DEBUG"}).start()
        try:
            inv, ids, lines, errors = [], [], [], 0
            for i in range(n_warm + 6):
                r = emu.invoke(json.dumps(directive(tokens[i])).encode())
                lines.extend(r["logs"])  # a summary line may arrive with the next invocation
                body = json.loads(r["body"])
                if body["event"]["header"]["name"] != "Response":
                    errors += 1
                if i < 5 or i == n_warm + 5:
                    continue  # cold start and warm-up; the last one only flushes logs
                inv.append(r["duration_ms"])
                ids.append(r["request_id"])
            by_id = {}
            for ln in lines:
                try:
                    o = json.loads(ln)
                except ValueError:
                    continue
                by_id.setdefault(o.get("function_request_id"), {}).update(
                    {k: o[k] for k in ("duration_ms", "ha_ms") if k in o})
            own = [by_id.get(x, {}).get("duration_ms") for x in ids]
            ha = [by_id.get(x, {}).get("ha_ms") for x in ids]
            out["bootstrap_invoke"] = summary(inv)
            out["bootstrap_own_duration"] = summary([x for x in own if x is not None])
            out["bootstrap_ha_ms"] = summary([x for x in ha if x is not None])
            out["bootstrap_errors"] = errors
        finally:
            emu.stop()

        # (b) curl CLI, one process and connection per sample
        tmp = tempfile.mkdtemp(prefix="leec-bench-")
        try:
            cu = []
            for i in range(n_curl):
                path = os.path.join(tmp, "d.json")
                with open(path, "w") as f:
                    json.dump(directive(tokens[n_warm + 5 + i]), f)
                p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}",
                                    "-X", "POST", "-H", "Content-Type: application/json",
                                    "-H", "Authorization: Bearer " + tokens[n_warm + 5 + i],
                                    "--data-binary", "@" + path, url],
                                   stdout=subprocess.PIPE, check=True)
                cu.append(float(p.stdout) * 1000.0)
            out["curl_direct"] = summary(cu)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

        # (c) http.client, one keep-alive connection
        conn = http.client.HTTPConnection("127.0.0.1", sim.port)
        hc = []
        for i in range(n_warm + 5):
            tok = tokens[i % len(tokens)]
            body = json.dumps(directive(tok)).encode()
            t0 = time.perf_counter()
            conn.request("POST", "/api/alexa/smart_home", body,
                         {"Content-Type": "application/json", "Authorization": "Bearer " + tok})
            resp = conn.getresponse()
            resp.read()
            dt = (time.perf_counter() - t0) * 1000.0
            if i >= 5:
                hc.append(dt)
        conn.close()
        out["http_client_keepalive"] = summary(hc)
    return out


def cold(bootstrap, n):
    fx = TLSFixtures()
    out = {}
    try:
        with HASimulator(tokens=["cold-%d" % i for i in range(n)] + ["curl"],
                         tls_cert=fx.server_cert, tls_key=fx.server_key) as sim:
            init, first, ha, errors = [], [], [], 0
            for i in range(n):
                emu = LambdaEmulator([bootstrap], env={"LEEC_HA_URL": sim.url,
                                                       "LEEC_CA_BUNDLE": fx.ca_cert,
                                                       "AWS_LAMBDA_LOG_LEVEL": "DEBUG"}).start()
                try:
                    r = emu.invoke(json.dumps(directive("cold-%d" % i)).encode())
                finally:
                    emu.stop()
                if json.loads(r["body"])["event"]["header"]["name"] != "Response":
                    errors += 1
                init.append(r["init_ms"])
                first.append(r["duration_ms"])
                v = log_field(r["logs"], "smart home branch", "ha_ms")
                if v is not None:
                    ha.append(v)
            out["cold_init"] = summary(init)
            out["cold_first_invoke_tls"] = summary(first)
            out["cold_first_ha_ms"] = summary(ha)
            out["cold_errors"] = errors
            ct, ca = [], []
            body = json.dumps(directive("curl"))
            for _ in range(n):
                p = subprocess.run(["curl", "-s", "-o", "/dev/null", "--cacert", fx.ca_cert,
                                    "-w", "%{time_appconnect} %{time_total}", "-X", "POST",
                                    "-H", "Content-Type: application/json",
                                    "-H", "Authorization: Bearer curl", "--data-binary", body,
                                    sim.url + "/api/alexa/smart_home"],
                                   stdout=subprocess.PIPE, check=True)
                a, t = p.stdout.split()
                ca.append(float(a) * 1000.0)
                ct.append(float(t) * 1000.0)
            out["curl_https_handshake"] = summary(ca)
            out["curl_https_total"] = summary(ct)
    finally:
        fx.cleanup()
    return out


def main():
    ap = argparse.ArgumentParser(description="proxy overhead of the bootstrap")
    ap.add_argument("--bootstrap", default=os.path.join(ROOT, "build", "runtime", "bootstrap"))
    ap.add_argument("--warm", type=int, default=200)
    ap.add_argument("--curl", type=int, default=50)
    ap.add_argument("--cold", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    a = ap.parse_args()
    w = warm(a.bootstrap, a.warm, a.curl)
    c = cold(a.bootstrap, a.cold)
    print("date: %s  host: %d cores" % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count()))
    print("warm TurnOn round trip (HTTP, loopback)")
    print("  through bootstrap, emulator invoke : " + fmt(w["bootstrap_invoke"]))
    print("  bootstrap's own duration_ms        : " + fmt(w["bootstrap_own_duration"]))
    print("  bootstrap's ha_ms (HA call)        : " + fmt(w["bootstrap_ha_ms"]))
    print("  curl CLI direct (new connection)   : " + fmt(w["curl_direct"]))
    print("  http.client direct (keep-alive)    : " + fmt(w["http_client_keepalive"]))
    bi = w["bootstrap_invoke"]["median"]
    print("  overhead ratio vs curl             : %.2fx (%+.3f ms)"
          % (bi / w["curl_direct"]["median"], bi - w["curl_direct"]["median"]))
    print("  overhead ratio vs http.client      : %.2fx (%+.3f ms)"
          % (bi / w["http_client_keepalive"]["median"], bi - w["http_client_keepalive"]["median"]))
    print("  non-Response replies               : %d" % w["bootstrap_errors"])
    print("cold first request (HTTPS, fresh emulator + bootstrap per sample)")
    print("  init (spawn -> first /next)        : " + fmt(c["cold_init"]))
    print("  first invoke incl. TLS handshake   : " + fmt(c["cold_first_invoke_tls"]))
    print("  its ha_ms                          : " + fmt(c["cold_first_ha_ms"]))
    print("  curl HTTPS: handshake done at      : " + fmt(c["curl_https_handshake"]))
    print("  curl HTTPS: total                  : " + fmt(c["curl_https_total"]))
    print("  non-Response replies               : %d" % c["cold_errors"])
    if a.json:
        print(json.dumps({"warm": w, "cold": c}, indent=1))


if __name__ == "__main__":
    main()
