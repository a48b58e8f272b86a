"""The README demo: the real bootstrap, under the local Lambda emulator, bridging Alexa
Smart Home directives to the Home Assistant simulator. Success and failure side by side,
one summary line per step: status, time (event delivered -> answer posted), the POSTs
Home Assistant received for that invocation, whether the answer validates against Amazon's
Smart Home message schema, and what it says.

    demo.py BOOTSTRAP          exit 0 when every step gave the expected, schema-valid answer
"""
import json
import os
import socket
import sys
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from alexa_validate import validate  # noqa: E402
from ha_simulator import Entity, HASimulator  # noqa: E402
from lambda_emulator import LambdaEmulator  # noqa: E402

TOKEN = "test-token-good"
TIMEOUT_S = 8
SMART_HOME = "/api/alexa/smart_home"


def directive(namespace, name, endpoint=None, payload=None, scope_in_payload=False):
    d = {"header": {"namespace": namespace, "name": name, "payloadVersion": "3",
                    "messageId": str(uuid.uuid4())},
         "payload": payload or {}}
    if endpoint:
        d["header"]["correlationToken"] = "demo-" + uuid.uuid4().hex[:8]
        d["endpoint"] = {"endpointId": endpoint, "scope": {"type": "BearerToken", "token": TOKEN}}
    if scope_in_payload:
        d["payload"]["scope"] = {"type": "BearerToken", "token": TOKEN}
    return {"directive": d}


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # released on close: nobody listens there


def log_objs(r, message):
    out = []
    for ln in r["logs"]:
        try:
            o = json.loads(ln)
        except ValueError:
            continue
        if o.get("message") == message and o.get("function_request_id") == r["request_id"]:
            out.append(o)
    return out


def mib(n):
    return "%.1f MiB" % (n / 1048576.0)


def ha_discovery(ha):
    """What Home Assistant itself answers to Discover (the input of the discovery rules)."""
    req = urllib.request.Request(ha.url + SMART_HOME,
                                 data=json.dumps(directive("Alexa.Discovery", "Discover",
                                                           scope_in_payload=True)).encode(),
                                 headers={"Authorization": "Bearer " + TOKEN,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as f:
        return json.load(f)["event"]["payload"]["endpoints"]


def caps(ep):
    return {c["interface"] for c in ep.get("capabilities", [])}


class Demo:
    def __init__(self):
        self.failed = 0

    def step(self, title, emu, ha, event, expect):
        """Invokes once; prints one line; returns (result, body)."""
        before = len(ha.posts(SMART_HOME)) if ha else 0
        r = emu.invoke(json.dumps(event).encode())
        posts = (len(ha.posts(SMART_HOME)) - before) if ha else 0
        body = json.loads(r["body"]) if r["status"] == "ok" and r["body"] else None
        errors = validate(body) if body is not None else ["no answer (%s)" % r["status"]]
        header = body["event"]["header"] if body else {}
        what = header.get("name", r["status"])
        ok = not errors and what == expect
        self.failed += not ok
        print("%-12s %-5s %7.1f ms  %-11d %-14s %s"
              % (title, r["status"], r["duration_ms"] or 0.0, posts,
                 "valid" if not errors else "INVALID", what)
              + ("" if ok else "   <-- expected %s%s" % (expect, "; " + "; ".join(errors[:2])
                                                        if errors else "")))
        return r, body

    def failure_detail(self, r, body):
        p = body["event"]["payload"]
        branch = log_objs(r, "smart home branch")
        b = branch[0] if branch else {}
        print("%-12s %s: \"%s\"" % ("", p.get("type"), p.get("message", "")[:90]))
        print("%-12s log: branch=%s ha_outcome=%s attempts=%s; answered %.1f ms into an %d s "
              "timeout" % ("", b.get("branch"), b.get("ha_outcome"), b.get("attempts"),
                           r["duration_ms"], TIMEOUT_S))


def main():
    bootstrap = sys.argv[1]
    demo = Demo()
    with HASimulator(tokens=[TOKEN]) as ha, \
            LambdaEmulator([bootstrap], env={"LEEC_HA_URL": ha.url}, timeout_s=TIMEOUT_S) as emu:
        # Two devices that examples/leec.yaml's discovery.exclude patterns match
        # (sensor#*_battery, switch#*_internal), so the rules have something to remove.
        with ha.lock:
            ha.entities["sensor.phone_battery"] = Entity(
                "sensor.phone_battery", "87", {"unit_of_measurement": "%",
                                               "device_class": "battery",
                                               "friendly_name": "Phone Battery"})
            ha.entities["switch.router_internal"] = Entity(
                "switch.router_internal", "on", {"friendly_name": "Router (internal)"})
        print("%-12s %-5s %10s  %-11s %-14s %s" % ("step", "status", "time", "HA POSTs",
                                                  "Alexa schema", "answer"))
        # -- health: one line; the cold start as the emulator measured it
        r = emu.invoke(json.dumps({"health_check": True}).encode())
        h = json.loads(r["body"])
        b = h["budget"]
        print("%-12s %-5s %7.1f ms  %-11s %-14s leec %s, %s / %s, memory estimate %s of %s, "
              "RSS %s" % ("health", r["status"], r["duration_ms"], "-", "-", h["version"], h["preset"],
                 h["feature_preset"], mib(b["memory_estimate"]), mib(b["memory_limit"]),
                 mib(h["rss_bytes"])))
        print("%-12s cold start %.1f ms: exec -> first GET /next, as the emulator saw it. Of "
              "that, the" % ("", r["init_ms"]))
        print("%-12s bootstrap's main() to ready took %.1f ms (health's init_ms, libcurl set-up "
              "included;" % ("", h["init_ms"]))
        print("%-12s exec and the dynamic loader take the rest)" % "")
        demo.failed += r["status"] != "ok"

        # -- discovery: what the rules removed and renamed
        raw = {e["endpointId"]: e for e in ha_discovery(ha)}
        r, body = demo.step("discovery", emu, ha,
                            directive("Alexa.Discovery", "Discover", scope_in_payload=True),
                            "Discover.Response")
        if body:
            sent = {e["endpointId"]: e for e in body["event"]["payload"]["endpoints"]}
            print("%-12s %d endpoints from Home Assistant, %d sent to Alexa "
                  "(alexa.discovery of examples/leec.yaml):" % ("", len(raw), len(sent)))
            gone = sorted(set(raw) - set(sent))
            print("%-12s   excluded:  %s (discovery.exclude)" % ("", ", ".join(gone) or "none"))
            renamed = ["%s \"%s\" -> \"%s\"" % (i, raw[i]["friendlyName"], e["friendlyName"])
                       for i, e in sent.items()
                       if i in raw and raw[i]["friendlyName"] != e["friendlyName"]]
            print("%-12s   renamed:   %s (discovery.friendly_names)"
                  % ("", ", ".join(renamed) or "none"))
            removed = {}
            for i, e in sent.items():
                for c in sorted(caps(raw.get(i, {})) - caps(e)):
                    removed.setdefault(c, []).append(i)
            print("%-12s   removed:   %s (discovery.remove_capabilities)" % ("", "; ".join(
                "%s from %s" % (c, ", ".join(ids)) for c, ids in removed.items()) or "none"))

        # -- a directive that works
        r, body = demo.step("turn on", emu, ha,
                            directive("Alexa.PowerController", "TurnOn", "light#kitchen"),
                            "Response")
        if body:
            props = {p["name"]: p["value"] for p in body["context"]["properties"]}
            print("%-12s light#kitchen powerState %s (Home Assistant: light.kitchen %s)"
                  % ("", props.get("powerState"), ha.entities["light.kitchen"].state
                     if hasattr(ha, "entities") and "light.kitchen" in ha.entities else "?"))

        # -- Home Assistant answering garbage: a proxy's login page with status 200
        ha.set_fault("html200")
        r, body = demo.step("HA garbage", emu, ha,
                            directive("Alexa.PowerController", "TurnOn", "light#kitchen"),
                            "ErrorResponse")
        ha.set_fault("none")
        if body:
            demo.failure_detail(r, body)

        total = len(ha.posts(SMART_HOME)) - 1  # minus the demo's own direct Discover
        print("%-12s Home Assistant received %d POSTs from the bootstrap (discovery, turn on, "
              "garbage)" % ("", total))

    # -- Home Assistant down: a second function whose Home Assistant URL is a port
    # nobody listens on (the simulator above keeps its kept-alive connection open)
    url = "http://127.0.0.1:%d" % closed_port()
    with LambdaEmulator([bootstrap], env={"LEEC_HA_URL": url}, timeout_s=TIMEOUT_S) as emu2:
        r, body = demo.step("HA down", emu2, None,
                            directive("Alexa.PowerController", "TurnOn", "light#kitchen"),
                            "ErrorResponse")
        if body:
            print("%-12s (a second function, LEEC_HA_URL=%s: nothing listens there, so no "
                  "POST arrives; time excludes its cold start)" % ("", url))
            demo.failure_detail(r, body)
    print("\n%s" % ("every answer is what Alexa expects and valid against Amazon's schema"
                    if not demo.failed else "%d step(s) FAILED" % demo.failed))
    return 1 if demo.failed else 0


if __name__ == "__main__":
    sys.exit(main())
