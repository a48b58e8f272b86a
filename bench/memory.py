#!/usr/bin/python3
"""bench/memory.py: for every preset (aliases skipped), build the lean bootstrap
(-DLEEC_LEAN=ON, what Makefile.deploy ships) from a copy of examples/leec.yaml with
`preset:` replaced and `features: full` (Smart Home and every Custom-skill feature), run a
load that fills the caches and maximises per-invocation memory under the local Lambda
emulator and the Home Assistant simulator, and print the measured peak RSS next to leec's
memory estimate (`leec explain`: "memory budget: X of Y") with their ratio.

The load, per preset (figures from `leec explain` of the temporary project):
  1. health
  2. Custom-skill TriggerAutomationIntent under distinct user tokens, each answered with
     an entity list (GET /api/states) close to http.max_reply of realistic entities (those
     of the simulator's house, repeated): every answer is cached per token, until the
     state pool (cache.state_pool) is full and evicts; the steps below come on top of it
  3. health events of nearly lambda.max_event bytes holding nearly security.max_json_nodes
     values (the largest parse tree the event caps allow)
  4. Smart Home TurnOn directives of the same size (forwarded to Home Assistant)
  5. Discovery whose Home Assistant reply is close to http.max_reply with many realistic
     endpoints (~1.4 KB each, built from fuzz/corpus/ha_reply/Discovery.response.json)
  6. Discovery whose reply is close to http.max_reply as one string (the simulator's
     "big" fault)
  7. Discovery whose reply is as dense in JSON values as http.max_reply allows but just
     under security.max_json_nodes (256 values below it): the largest reply tree the
     runtime accepts and builds
  8. health: its peak_rss_bytes (VmHWM) is "measured"; its cache stats show the fill
then, reported in its own column (and also required to stay within the estimate):
  9. Discovery whose reply is close to http.max_reply and as dense in JSON values as
     possible ("[0,0,0,...]" endpoints), from a broken or hostile Home Assistant: the
     runtime refuses it at the node cap (ha_reply_too_complex) before cJSON builds a tree;
     "dense HA reply" is the health peak after it.
Home Assistant is reached over HTTPS (tests/peers/tls_fixtures.py's server certificate),
with LEEC_CA_BUNDLE = the system's public bundle (/etc/ssl/certs/ca-certificates.crt, what
the lean build compiles in) plus the test CA, so the TLS state with a full CA store is
measured; --plain-http measures without TLS.
Steps 3-7 run 3 times, step 2 as often as the pool needs (with one more token). The
response pool (cache.response_pool) is created but nothing in the runtime caches into it
(see schemas/cache.yaml), so no load fills it.

Builds reuse one build directory (default build-bench, reconfigured per preset with
-DLEEC_CONFIG), the host leec of --build (default build) and its lean libraries
(<build>/lean-deps, built by the first lean build there).

Usage: /usr/bin/python3 bench/memory.py [--build build] [--bench-build build-bench]
                                        [--preset NAME ...] [--keep-going]
Exit status: 0 when estimate >= measured for every preset, 1 otherwise (the ratio
estimate/measured above 1.3 is reported with the loose terms, not a failure).
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "peers"))
from lambda_emulator import LambdaEmulator  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
import capability_plans  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402

UNITS = {"B": 1, "KiB": 1024, "MiB": 1 << 20, "GiB": 1 << 30}
MiB = 1 << 20
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"  # examples/leec.yaml


def size_of(text):
    m = re.match(r"([\d.]+)\s*(B|KiB|MiB|GiB)", text.strip())
    if not m:
        raise ValueError("not a size: %r" % text)
    return int(float(m.group(1)) * UNITS[m.group(2)])


def explain(leec, project):
    out = subprocess.run([leec, "explain", project], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("leec explain failed:\n" + out.stderr + out.stdout)
    text = out.stdout
    vals, section = {}, None
    for ln in text.splitlines():
        m = re.match(r"^(\w+): tier", ln)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^  (\w+)\s{2,}(\S.*?)\s{2,}", ln)
        if m and section:
            vals["%s.%s" % (section, m.group(1))] = m.group(2)
    m = re.search(r"^memory budget: ([\d.]+ \w+) of ([\d.]+ \w+)", text, re.M)
    vals["estimate"] = size_of(m.group(1))
    vals["limit"] = size_of(m.group(2))
    parts = {}
    in_budget = False
    for ln in text.splitlines():
        if ln.startswith("memory budget:"):
            in_budget = True
            continue
        if in_budget:
            m = re.match(r"^  (\w+)\s+([\d.]+ \w+)", ln)
            if not m:
                break
            parts[m.group(1)] = size_of(m.group(2))
    vals["parts"] = parts
    return vals


def presets(leec):
    out = subprocess.run([leec, "list"], capture_output=True, text=True, check=True).stdout
    names, on = [], False
    for ln in out.splitlines():
        if ln.startswith("presets"):
            on = True
            continue
        if on:
            if not ln.startswith("  "):
                break
            if "alias of" in ln:
                continue
            names.append(ln.split()[0])
    return names


def padded(obj, target_bytes, max_nodes, slot):
    """obj with obj[slot] = list of zeros + a pad string so the JSON is ~target_bytes with
    ~max_nodes values."""
    base = len(json.dumps(obj, separators=(",", ":"))) + 40
    room = max(0, target_bytes - base)
    n = max(0, min(max_nodes - 64, room // 2))
    arr_bytes = 2 * n
    pad = "p" * max(0, room - arr_bytes - 16)
    o = copy.deepcopy(obj)
    slot(o)["pad_values"] = [0] * n
    slot(o)["pad_text"] = pad
    data = json.dumps(o, separators=(",", ":")).encode()
    while len(data) > target_bytes and pad:
        pad = pad[: len(pad) - (len(data) - target_bytes) - 1]
        slot(o)["pad_text"] = pad
        data = json.dumps(o, separators=(",", ":")).encode()
    return data


def discovery_reply(template, target_bytes):
    eps = template["event"]["payload"]["endpoints"]
    out = copy.deepcopy(template)
    out["event"]["payload"]["endpoints"] = []
    size = len(json.dumps(out, separators=(",", ":")))
    i = 0
    while True:
        e = copy.deepcopy(eps[i % len(eps)])
        e["endpointId"] = "%s_%d" % (e["endpointId"], i)
        add = len(json.dumps(e, separators=(",", ":"))) + 1
        if size + add > target_bytes:
            break
        out["event"]["payload"]["endpoints"].append(e)
        size += add
        i += 1
    return json.dumps(out, separators=(",", ":")).encode()


def states_reply(entities, target_bytes):
    """A /api/states answer of realistic entities, ~target_bytes."""
    out, size, i = [], 2, 0
    while True:
        e = copy.deepcopy(entities[i % len(entities)])
        e["entity_id"] = "%s_%d" % (e["entity_id"], i)
        add = len(json.dumps(e, separators=(",", ":"))) + 1
        if size + add > target_bytes:
            break
        out.append(e)
        size += add
        i += 1
    return json.dumps(out, separators=(",", ":")).encode()


def skill_request(intent, slots, token):
    user = {"userId": "amzn1.ask.account.MEM", "accessToken": token}
    app = {"applicationId": SKILL}
    return json.dumps({
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.mem", "application": app,
                    "attributes": {}, "user": user},
        "context": {"System": {"application": app, "user": user,
                               "device": {"deviceId": "d1", "supportedInterfaces": {}}}},
        "request": {"type": "IntentRequest", "locale": "en-US",
                    "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "intent": {"name": intent, "confirmationStatus": "NONE", "slots": {
                        k: {"name": k, "value": v, "confirmationStatus": "NONE"}
                        for k, v in slots.items()}}}}).encode()


def dense_reply(template, target_bytes, max_values=None):
    out = copy.deepcopy(template)
    out["event"]["payload"]["endpoints"] = [{"endpointId": "switch#dense", "capabilities": []}]
    base = len(json.dumps(out, separators=(",", ":")))
    n = max(0, (target_bytes - base - 16) // 2)
    if max_values is not None:
        n = min(n, max_values)
    out["event"]["payload"]["endpoints"][0]["capabilities"] = [0] * n
    return json.dumps(out, separators=(",", ":")).encode()


class Load:
    def __init__(self, vals, sim, emu):
        self.v, self.sim, self.emu = vals, sim, emu
        self.max_event = size_of(vals["lambda.max_event"])
        self.max_reply = size_of(vals["http.max_reply"])
        self.nodes = int(vals["security.max_json_nodes"])
        self.cache_on = vals.get("cache.enabled") == "true"
        self.state_pool = size_of(vals["cache.state_pool"]) if self.cache_on else 0
        self.max_entries = int(vals["cache.max_entries"])
        self.n = 0
        self.seen = {}
        self.sim_body = b""
        with open(os.path.join(SRC, "fuzz", "corpus", "ha_reply", "Discovery.response.json")) as f:
            self.template = json.load(f)
        with open(os.path.join(SRC, "fuzz", "corpus", "directive", "Discovery.request.json")) as f:
            self.discover = json.load(f)

    def token(self):
        self.n += 1
        return "mem-token-%d" % (self.n % 1000)

    def call(self, data, what):
        r = self.emu.invoke(data)
        if r["status"] != "ok":
            raise RuntimeError("%s: %s %s %s" % (what, r["status"], r["error_type"],
                                                 r["body"][:300]))
        body = r["body"]
        if what.startswith("discovery-"):
            ev = json.loads(body)["event"]
            kind = ev.get("header", {}).get("name", "(no header: passed through)")
            # big (one string) passes through or is refused; dense is over the node cap
            # (security.max_json_nodes) and must be refused, not parsed.
            if what == "discovery-dense" and kind == "Discover.Response":
                raise RuntimeError("discovery-dense: parsed a reply over the node cap")
            if what not in ("discovery-big", "discovery-dense", "discovery-dense-cap",
                            "discovery-dense-cap-big-event") and \
                    kind != "Discover.Response":
                raise RuntimeError("%s: answered %s %s" % (what, kind, body[:300]))
            if kind == "Discover.Response":
                self.seen[what] = "%d B in, %d B out, %d endpoints" % (
                    len(self.sim_body), len(body), len(ev["payload"]["endpoints"]))
            else:
                self.seen[what] = "%d B in, %d B out: %s %s" % (
                    len(self.sim_body), len(body), kind, str(ev.get("payload", {}).get("type")))
        else:
            self.seen[what] = "%d B in, %d B out" % (len(data), len(body))
        return r

    def health(self):
        r = self.call(b'{"health_check":true}', "health")
        return json.loads(r["body"])

    def discover_msg(self):
        msg = copy.deepcopy(self.discover)
        msg["directive"]["header"]["messageId"] = str(uuid.uuid4())
        msg["directive"]["payload"]["scope"]["token"] = self.token()
        return json.dumps(msg).encode()

    def fill_state_pool(self):
        """One entity list close to http.max_reply per token until the pool is full."""
        if not self.state_pool:
            return
        with self.sim.lock:
            house = [e.as_json() for e in self.sim.entities.values()]
        # an entry is charged its value + CACHE_ENTRY_OVERHEAD (128 B) + scope and key
        body = self.sim_body = states_reply(house, min(self.max_reply - 256,
                                                       self.state_pool - 1024))
        n = min(self.max_entries, self.state_pool // len(body)) + 1
        for i in range(n):
            self.sim.set_fault("status", status=200, body=body, content_type="application/json",
                               path="/api/states", times=1)
            r = self.call(skill_request("TriggerAutomationIntent",
                                        {"Automation": "no such automation"},
                                        "mem-token-%d" % (500 + i)), "skill-states")
            body_out = r["body"].decode() if isinstance(r["body"], bytes) else r["body"]
            if "couldn't find" not in body_out:
                raise RuntimeError("skill-states: answered %s" % body_out[:300])

    def run(self):
        self.health()
        # the pool first: the per-invocation peaks below then come on top of a full cache
        self.fill_state_pool()
        target = self.max_event - 64
        for _ in range(3):
            self.call(padded({"health_check": True}, target, self.nodes, lambda o: o), "health-big")
            d = capability_plans.make_directive("Alexa.PowerController", "TurnOn",
                                                "switch#coffee_maker", {}, self.token())
            self.call(padded(d, target, self.nodes, lambda o: o["directive"]["payload"]),
                      "turnon-big")
            body = self.sim_body = discovery_reply(self.template, self.max_reply - 256)
            self.sim.set_fault("status", status=200, body=body, content_type="application/json",
                               path="/api/alexa/smart_home", times=1)
            self.call(self.discover_msg(), "discovery-many")
            self.sim_body = b"x" * (self.max_reply - 64)
            self.sim.set_fault("big", size=self.max_reply - 64, path="/api/alexa/smart_home",
                               times=1)
            self.call(self.discover_msg(), "discovery-big")
            body = self.sim_body = dense_reply(self.template, self.max_reply - 256,
                                               self.nodes - 256)
            self.sim.set_fault("status", status=200, body=body, content_type="application/json",
                               path="/api/alexa/smart_home", times=1)
            self.call(self.discover_msg(), "discovery-dense-cap")
            # the counted worst case at once: a Discovery directive of nearly max_event bytes
            # with nearly max_json_nodes values (the event's tree, held while Home Assistant
            # answers) and a reply tree just under the node cap (issue 21)
            body = self.sim_body = dense_reply(self.template, self.max_reply - 256,
                                               self.nodes - 256)
            self.sim.set_fault("status", status=200, body=body, content_type="application/json",
                               path="/api/alexa/smart_home", times=1)
            self.call(padded(json.loads(self.discover_msg()), target, self.nodes,
                             lambda o: o["directive"]["payload"]), "discovery-dense-cap-big-event")
        h = self.health()
        measured = h["peak_rss_bytes"]
        st = h.get("cache", {}).get("state", {})
        self.fill = "%.1f of %.1f MiB, %d entries" % (
            st.get("bytes", 0) / MiB, self.state_pool / MiB, st.get("entries", 0)) \
            if self.state_pool else "off"
        for _ in range(3):
            body = self.sim_body = dense_reply(self.template, self.max_reply - 256)
            self.sim.set_fault("status", status=200, body=body, content_type="application/json",
                               path="/api/alexa/smart_home", times=1)
            self.call(self.discover_msg(), "discovery-dense")
        dense = self.health()["peak_rss_bytes"]
        return measured, dense, h["rss_bytes"]


def build(bench_build, leec, lean_deps, project, log):
    cfg = ["cmake", "-S", SRC, "-B", bench_build, "-DLEEC_CONFIG=" + project,
           "-DLEEC_HOST_TOOL=" + leec, "-DLEEC_BUILD_COMPILER=OFF", "-DLEEC_BUILD_TESTS=OFF",
           "-DLEEC_BUILD_BENCH=OFF", "-DCMAKE_BUILD_TYPE=MinSizeRel", "-DLEEC_LEAN=ON",
           "-DLEEC_LEAN_DEPS_DIR=" + lean_deps]
    subprocess.run(cfg, check=True, stdout=log, stderr=log)
    subprocess.run(["cmake", "--build", bench_build, "-j2", "--target", "bootstrap"],
                   check=True, stdout=log, stderr=log)
    return os.path.join(bench_build, "runtime", "bootstrap")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--bench-build", default=os.path.join(SRC, "build-bench"))
    ap.add_argument("--preset", action="append")
    ap.add_argument("--plain-http", action="store_true",
                    help="Home Assistant over plain HTTP (no TLS state measured)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each load step's sizes")
    a = ap.parse_args()
    leec = os.path.abspath(os.path.join(a.build, "compiler", "leec"))
    lean_deps = os.path.abspath(os.path.join(a.build, "lean-deps"))
    if not os.path.exists(leec):
        raise SystemExit("%s not built" % leec)
    with open(os.path.join(SRC, "examples", "leec.yaml")) as f:
        example = f.read()
    names = a.preset or presets(leec)
    tmp = tempfile.mkdtemp(prefix="leec-mem-")
    log = open(os.path.join(tmp, "build.log"), "w")
    rows, failed = [], False
    tokens = ["mem-token-%d" % i for i in range(1000)]
    env = {}
    if a.plain_http:
        sim = HASimulator(tokens=tokens).start()
    else:
        fx = TLSFixtures(os.path.join(tmp, "tls"))
        bundle = os.path.join(tmp, "ca-bundle.pem")
        with open(bundle, "wb") as out:
            for src in ("/etc/ssl/certs/ca-certificates.crt", fx.ca_cert):
                with open(src, "rb") as f:
                    out.write(f.read().rstrip(b"\n") + b"\n")
        env["LEEC_CA_BUNDLE"] = bundle
        sim = HASimulator(tokens=tokens, tls_cert=fx.server_cert, tls_key=fx.server_key).start()
    env["LEEC_HA_URL"] = sim.url
    t_start = time.monotonic()
    try:
        for name in names:
            project = os.path.join(tmp, "leec-%s.yaml" % name)
            with open(project, "w") as f:
                text = re.sub(r"^preset: .*$", "preset: " + name, example, count=1, flags=re.M)
                f.write(re.sub(r"^features: .*$", "features: full", text, count=1, flags=re.M))
            try:
                vals = explain(leec, project)
                boot = build(a.bench_build, leec, lean_deps, project, log)
            except (RuntimeError, subprocess.CalledProcessError) as e:
                print("%s: build failed: %s (log %s)" % (name, e, log.name), file=sys.stderr)
                failed = True
                continue
            emu = LambdaEmulator([boot], env=env, timeout_s=30,
                                 memory_mb=int(vals["lambda.memory_mb"])).start()
            try:
                sim.reset()
                load = Load(vals, sim, emu)
                measured, dense, rss_now = load.run()
                if a.verbose:
                    for k, v in load.seen.items():
                        print("    %-16s %s" % (k, v), file=sys.stderr)
            except RuntimeError as e:
                print("%s: load failed: %s" % (name, e), file=sys.stderr)
                failed = True
                continue
            finally:
                sim.set_fault("none")
                emu.stop()
            ok = vals["estimate"] >= max(measured, dense)
            failed |= not ok
            rows.append((name, vals, measured, dense, ok, load.fill))
            print("  %-26s done (%.0f s)" % (name, time.monotonic() - t_start), file=sys.stderr,
                  flush=True)
    finally:
        sim.stop()
    print("bench/memory.py, %s: lean bootstrap (-DLEEC_LEAN=ON, MinSizeRel) built from "
          "examples/leec.yaml with each preset and features full; peak RSS = VmHWM (health "
          "peak_rss_bytes) after the load; ratio = estimate / measured; Home Assistant over %s"
          % (time.strftime("%Y-%m-%d"), "plain HTTP" if a.plain_http else
             "HTTPS (public CA bundle + test CA)"))
    hdr = ("preset", "max_event", "max_reply", "json_nodes", "state pool filled", "estimate",
           "measured", "ratio", "dense HA reply", "ok")
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    loose = []
    for name, v, m, d, ok, fill in rows:
        ratio = v["estimate"] / max(m, d)
        print("| %s | %s | %s | %s | %s | %.1f MiB | %.1f MiB | %.2f | %.1f MiB%s | %s |" % (
            name, v["lambda.max_event"], v["http.max_reply"], v["security.max_json_nodes"],
            fill, v["estimate"] / MiB, m / MiB, ratio, d / MiB,
            "" if d <= v["estimate"] else " (over)", "yes" if ok else "NO"))
        if ratio > 1.3:
            loose.append("%s %.2f (%s)" % (name, ratio, ", ".join(
                "%s %.1f" % (k, b / MiB) for k, b in sorted(v["parts"].items(),
                                                            key=lambda kv: -kv[1])
                if b >= MiB // 2 and k not in ("total", "limit"))))
    if loose:
        print("above 1.3 (estimate's terms in MiB): " + "; ".join(loose))
    print("estimate >= measured for every preset: %s" % ("yes" if not failed else "NO"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
