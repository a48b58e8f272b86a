#!/usr/bin/python3
"""Runner for the official Alexa capability test plans
(tests/conformance/alexa/capability_evaluations/test_plans/*).

Plan format: {"name", "testCases": [{"name", "initialSetups": [{"capabilityState":
{namespace,name,value}, "directive": {"header": {namespace,name}, "payload": ...}}],
"directive": {...}, "expectedCapabilityStates": [{namespace,name,value}],
"capabilityTolerances": [{namespace,name,percentThreshold}]}]}

    failures = run_plan(plan_path, send, endpoint_id=None, token="test-token-good",
                        before_case=None, check_setups=True)

`send(directive_dict) -> reply_dict` delivers one complete Alexa message
({"directive": {...}}) by any route (the simulator directly, or through the bridge) and
returns the parsed JSON reply. For every test case the runner sends each initial setup
directive, then the case's directive, then Alexa.ReportState, and compares the StateReport's
context properties with expectedCapabilityStates. Returns a list of failure strings
("<plan>/<case>: ..."); [] means the plan passed.

Tolerances: percentThreshold 0 means equal; otherwise numbers may differ by that percentage
of the expected value (of 1 when the expected value is 0). Object values (color,
temperature) are compared field by field; strings exactly.

endpoint_id None picks DEFAULT_PLAN_ENDPOINTS[plan name] (endpoints of ha_simulator).
"""
import json
import os
import uuid

DEFAULT_PLAN_ENDPOINTS = {
    "BrightnessController": "light#kitchen",
    "ColorController": "light#kitchen",
    "ColorTemperatureController": "light#kitchen",
    "PowerController": "switch#coffee_maker",
    "ThermostatAuto": "climate#living_room",
    "ThermostatCool_CELSIUS": "climate#living_room",
    "ThermostatHeat_CELSIUS": "climate#living_room",
    "ThermostatCool_FAHRENHEIT": "climate#upstairs",
    "ThermostatHeat_FAHRENHEIT": "climate#upstairs",
}


def plans_dir():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/
    return os.path.join(here, "conformance", "alexa", "capability_evaluations", "test_plans")


def plan_paths():
    d = plans_dir()
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if os.path.isfile(os.path.join(d, f)))


def make_directive(namespace, name, endpoint_id, payload=None, token="test-token-good"):
    return {"directive": {
        "header": {"namespace": namespace, "name": name, "payloadVersion": "3",
                   "messageId": str(uuid.uuid4()),
                   "correlationToken": "plan-" + uuid.uuid4().hex},
        "endpoint": {"scope": {"type": "BearerToken", "token": token},
                     "endpointId": endpoint_id, "cookie": {}},
        "payload": payload if payload is not None else {}}}


def _num_close(actual, expected, pct):
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    if pct == 0:
        return abs(actual - expected) < 1e-9
    return abs(actual - expected) <= pct / 100.0 * (abs(expected) or 1.0) + 1e-9


def value_matches(actual, expected, pct):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(k in actual and value_matches(actual[k], v, pct)
                   for k, v in expected.items())
    if isinstance(expected, bool) or isinstance(expected, str) or expected is None:
        return actual == expected
    if isinstance(expected, (int, float)):
        return _num_close(actual, expected, pct)
    return actual == expected


def compare_matches(actual, exp, pct):
    """An expected state's "compare": EQUAL_TO (within the tolerance, the default),
    GREATER_THAN or LESS_THAN (strictly, numbers only)."""
    how = exp.get("compare", "EQUAL_TO")
    if how == "EQUAL_TO":
        return value_matches(actual, exp["value"], pct)
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return False
    if how == "GREATER_THAN":
        return actual > exp["value"]
    if how == "LESS_THAN":
        return actual < exp["value"]
    raise ValueError("unknown compare %r in a test plan" % how)


def _props(reply):
    return {(p.get("namespace"), p.get("name")): p.get("value")
            for p in (reply.get("context") or {}).get("properties", [])}


def _reply_error(reply):
    """None if the reply is a success, else a short description."""
    try:
        h = reply["event"]["header"]
    except (KeyError, TypeError):
        return "no event.header in reply: %.200s" % json.dumps(reply)
    if h.get("name") == "ErrorResponse":
        return "ErrorResponse %s" % json.dumps(reply["event"].get("payload"))
    return None


def run_plan(plan_path, send, endpoint_id=None, token="test-token-good", before_case=None,
             check_setups=True):
    with open(plan_path) as f:
        plan = json.load(f)
    pname = plan.get("name") or os.path.basename(plan_path)
    ep = endpoint_id or DEFAULT_PLAN_ENDPOINTS.get(pname)
    if ep is None:
        return ["%s: no endpoint for this plan (pass endpoint_id)" % pname]
    failures = []

    def deliver(d, where):
        h = d["header"]
        msg = make_directive(h["namespace"], h["name"], ep, d.get("payload"), token)
        try:
            reply = send(msg)
        except Exception as ex:  # transport trouble is a failure, not a crash
            failures.append("%s: %s %s.%s: send failed: %r" % (where, ep, h["namespace"],
                                                                 h["name"], ex))
            return None
        err = _reply_error(reply)
        if err:
            failures.append("%s: %s.%s -> %s" % (where, h["namespace"], h["name"], err))
            return None
        return reply

    for tc in plan.get("testCases", []):
        where = "%s/%s" % (pname, tc.get("name"))
        n_before = len(failures)
        if before_case:
            before_case(pname, tc)
        tol = {(t["namespace"], t["name"]): t.get("percentThreshold", 0)
               for t in tc.get("capabilityTolerances", [])}
        for i, s in enumerate(tc.get("initialSetups", [])):
            reply = deliver(s["directive"], "%s setup %d" % (where, i))
            if reply is None:
                continue
            cs = s.get("capabilityState")
            if check_setups and cs:
                props = _props(reply)
                key = (cs["namespace"], cs["name"])
                # a setup Response reports state: check it when present
                if key in props and not value_matches(props[key], cs["value"],
                                                      tol.get(key, 0)):
                    failures.append("%s setup %d: %s.%s = %s, plan says %s"
                                    % (where, i, key[0], key[1], json.dumps(props[key]),
                                       json.dumps(cs["value"])))
        if len(failures) != n_before:
            continue
        if deliver(tc["directive"], where) is None:
            continue
        report = deliver({"header": {"namespace": "Alexa", "name": "ReportState"},
                          "payload": {}}, where + " ReportState")
        if report is None:
            continue
        if report["event"]["header"].get("name") != "StateReport":
            failures.append("%s: ReportState answered %s" % (
                where, report["event"]["header"].get("name")))
            continue
        props = _props(report)
        for exp in tc.get("expectedCapabilityStates", []):
            key = (exp["namespace"], exp["name"])
            if key not in props:
                failures.append("%s: %s.%s missing from StateReport" % (where, *key))
            elif not compare_matches(props[key], exp, tol.get(key, 0)):
                failures.append("%s: %s.%s = %s, expected %s %s (tolerance %s%%)"
                                % (where, key[0], key[1], json.dumps(props[key]),
                                   exp.get("compare", "EQUAL_TO"), json.dumps(exp["value"]),
                                   tol.get(key, 0)))
    return failures


if __name__ == "__main__":
    # Run every plan against a fresh in-process simulator.
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ha_simulator import HASimulator
    sim = HASimulator()
    total = 0
    for p in plan_paths():
        fails = run_plan(p, lambda m: json.loads(sim.smart_home.handle(
            json.dumps(m).encode())[1]))
        total += len(fails)
        print("%-28s %s" % (os.path.basename(p), "ok" if not fails else "%d failures"
                                                                    % len(fails)))
        for f in fails:
            print("   " + f)
    sys.exit(1 if total else 0)
