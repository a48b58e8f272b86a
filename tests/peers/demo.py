"""The README demo: the real bootstrap, under the local Lambda emulator, bridging
Alexa Smart Home directives to the Home Assistant simulator. Prints each reply and
whether it validates against Amazon's Smart Home message schema."""
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from alexa_validate import validate  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from lambda_emulator import LambdaEmulator  # noqa: E402

TOKEN = "test-token-good"


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


def main():
    bootstrap = sys.argv[1]
    with HASimulator(tokens=[TOKEN]) as ha:
        emu = LambdaEmulator([bootstrap], env={"LEEC_HA_URL": ha.url}, timeout_s=8)
        emu.start()
        try:
            steps = [
                ("health check", {"health_check": True}),
                ("discovery", directive("Alexa.Discovery", "Discover", scope_in_payload=True)),
                ("turn on the kitchen light",
                 directive("Alexa.PowerController", "TurnOn", "light#kitchen")),
                ("report state", directive("Alexa", "ReportState", "light#kitchen")),
            ]
            failed = 0
            for title, event in steps:
                r = emu.invoke(json.dumps(event).encode())
                print(f"\n=== {title}: {r['status']} in {r['duration_ms']:.1f} ms"
                      + (f" (cold start, init {r['init_ms']:.1f} ms)" if r.get("cold_start") else ""))
                body = json.loads(r["body"]) if r.get("body") else None
                if title == "discovery" and body:
                    eps = body["event"]["payload"]["endpoints"]
                    print(f"{len(eps)} endpoints after the project's discovery rules:")
                    for e in eps:
                        caps = [c["interface"] for c in e["capabilities"] if c["interface"] != "Alexa"]
                        print(f"  {e['endpointId']:<28} {e['friendlyName']:<22} {', '.join(caps)}")
                elif body:
                    print(json.dumps(body, indent=2)[:1500])
                if "directive" in event:
                    errors = validate(body) if body else ["no body"]
                    print("Alexa schema:", "valid" if not errors else "INVALID: " + "; ".join(errors[:3]))
                    failed += bool(errors)
                if r["status"] != "ok":
                    failed += 1
            print(f"\nHome Assistant saw {len(ha.posts('/api/alexa/smart_home'))} POSTs to /api/alexa/smart_home")
            print("\nbootstrap log lines of the last invocation:")
            for line in r["logs"][-3:]:
                print("  " + line[:300])
            return 1 if failed else 0
        finally:
            emu.stop()


if __name__ == "__main__":
    sys.exit(main())
