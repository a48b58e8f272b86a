#!/usr/bin/python3
"""Powertools parity (issue 11 item 5): the bootstrap's JSON log lines and EMF lines
against the real @aws-lambda-powertools/logger and @aws-lambda-powertools/metrics (npm),
for the same Lambda context.

npm installs both packages once into <build>/powertools-npm (a cache reused by later
runs); a tiny Node script logs one INFO line and one error and flushes one metric with
a context equal to the one the emulator gives the bootstrap (function name, version,
ARN, memory size, request id, X-Ray header). The bootstrap runs under
tests/peers/lambda_emulator.py, which passes that context as Lambda does
(Lambda-Runtime-Invoked-Function-Arn, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
Lambda-Runtime-Trace-Id, Lambda-Runtime-Aws-Request-Id).

Checked: every key of a Powertools line (INFO, ERROR, and a WARN after setCorrelationId)
exists in the bootstrap's line (its WARN from a directive with that messageId) with the same
JSON type, the context keys with the same value, timestamps in the same format, the
error object with the same members and types, the EMF document with the same shape.
Keys the bootstrap adds beyond Powertools are allowed. Separately: the EMF lines
survive Lambda's application-log filter (a JSON line is kept when its level is at or
above AWS_LAMBDA_LOG_LEVEL; no level counts as INFO) at WARN, ERROR and FATAL.

Skipped, with the reason, only when node/npm are missing or the npm registry cannot
be reached."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PACKAGES = ("@aws-lambda-powertools/logger@^2", "@aws-lambda-powertools/metrics@^2")
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
ROOT_ID = "1-5759e988-bd862e3fe1be46a994272793"
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e812345678"
FUNCTION = "leec-function"
MEMORY_MB = 128
HEALTH = harness.event_bytes({"health_check": True})
LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
# keys whose value is the Lambda context: equal in both lines, not just the same type
CONTEXT_KEYS = ("service", "function_name", "function_arn", "function_memory_size",
                "function_request_id", "xray_trace_id", "sampling_rate", "correlation_id")
# a directive's messageId: Powertools' correlation_id on every line of its invocation
CORRELATION_ID = "6f2c9a4e-1b7d-4c3e-9a5f-0d8e7b6a5c4d"

NODE_SCRIPT = r"""
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
const c = JSON.parse(process.argv[2]);
const context = {
  functionName: c.function_name, functionVersion: c.function_version,
  invokedFunctionArn: c.function_arn, memoryLimitInMB: c.memory,
  awsRequestId: c.request_id, logGroupName: '/aws/lambda/' + c.function_name,
  logStreamName: 'stream', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 8000,
};
const logger = new Logger({ serviceName: c.function_name });
logger.addContext(context);
logger.info('invocation');
const err = new Error('event is not JSON');
err.name = 'Runtime.InvalidEvent';
logger.error('invocation error', err);
logger.setCorrelationId(c.correlation_id);
logger.warn('smart home branch');
const metrics = new Metrics({ namespace: c.namespace, serviceName: c.function_name });
metrics.addMetric('Invocations', MetricUnit.Count, 1);
metrics.publishStoredMetrics();
"""


def json_type(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def json_objects(text):
    """Every JSON object in text (skipping anything else, e.g. an emulator note)."""
    dec, out, i = json.JSONDecoder(), [], 0
    while True:
        j = text.find("{", i)
        if j < 0:
            return out
        try:
            obj, end = dec.raw_decode(text, j)
        except ValueError:
            i = j + 1
            continue
        if isinstance(obj, dict):
            out.append(obj)
        i = end


def passes_filter(obj, threshold):
    """Lambda's application-log filter for a JSON line (a missing or unknown level is
    INFO)."""
    lvl = str(obj.get("level", "INFO")).upper()
    if lvl not in LEVELS:
        lvl = "INFO"
    return LEVELS.index(lvl) >= LEVELS.index(threshold)


def npm_install(prefix):
    """Installs the packages into prefix once; returns None or the reason to skip."""
    if os.path.isfile(os.path.join(prefix, "node_modules", "@aws-lambda-powertools", "metrics",
                                   "package.json")):
        return None
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        return "node/npm not installed (apt-get install nodejs npm)"
    os.makedirs(prefix, exist_ok=True)
    cmd = [npm, "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save",
           "--cache", os.path.join(prefix, ".npm-cache"), "--fetch-retries", "1",
           "--fetch-timeout", "60000", *PACKAGES]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "npm install timed out: the npm registry is unreachable"
    if p.returncode != 0:
        tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
        if any(w in p.stderr for w in ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN",
                                       "ENETUNREACH", "network")):
            return "npm registry unreachable: " + " | ".join(tail)
        raise AssertionError("npm install failed:\n" + p.stderr)
    return None


class TestPowertoolsParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())
        cls.prefix = os.path.join(harness.build_dir(), "powertools-npm")
        why = npm_install(cls.prefix)
        if why:
            raise unittest.SkipTest(why)
        cls.pt = cls.powertools_lines()
        cls.boot = cls.bootstrap_lines()

    @classmethod
    def powertools_lines(cls):
        tmp = tempfile.mkdtemp(prefix="leec-pt-")
        try:
            script = os.path.join(cls.prefix, "leec_parity.mjs")  # beside node_modules
            with open(script, "w") as f:
                f.write(NODE_SCRIPT)
            ctx = {"function_name": FUNCTION, "function_version": "$LATEST",
                   "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:" + FUNCTION,
                   "memory": str(MEMORY_MB), "request_id": REQUEST_ID, "namespace": "leec",
                   "correlation_id": CORRELATION_ID}
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "TZ": ":UTC",
                   "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
                   "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(MEMORY_MB),
                   "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "_X_AMZN_TRACE_ID": TRACE}
            p = subprocess.run(["node", script, json.dumps(ctx)], capture_output=True, text=True,
                               timeout=60, env=env, cwd=cls.prefix)
            if p.returncode != 0:
                raise AssertionError("node failed:\n" + p.stderr)
            objs = json_objects(p.stdout + "\n" + p.stderr)  # Logger writes errors to stderr
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        info = [o for o in objs if o.get("level") == "INFO"]
        err = [o for o in objs if o.get("level") == "ERROR"]
        warn = [o for o in objs if o.get("level") == "WARN"]
        emf = [o for o in objs if "_aws" in o]
        assert len(info) == 1 and len(err) == 1 and len(emf) == 1 and len(warn) == 1, (
            p.stdout, p.stderr)
        return {"info": info[0], "error": err[0], "emf": emf[0], "warn": warn[0]}

    @classmethod
    def bootstrap_lines(cls):
        emu = harness.start_emulator(env={"LEEC_HA_URL": "http://127.0.0.1:9"},
                                     function_name=FUNCTION, memory_mb=MEMORY_MB)
        try:
            self_arn = emu.arn
            r1 = emu.invoke(HEALTH, trace_id=TRACE, request_id=REQUEST_ID)
            r2 = emu.invoke(b"nope", trace_id=TRACE, request_id=REQUEST_ID)  # same context
            # Home Assistant unreachable: the branch line is a WARN
            d = {"directive": {"header": {"namespace": "Alexa", "name": "ReportState",
                                          "payloadVersion": "3", "messageId": CORRELATION_ID},
                               "endpoint": {"scope": {"type": "BearerToken", "token": "t0k3n"},
                                            "endpointId": "light#kitchen"},
                               "payload": {}}}
            r3 = emu.invoke(harness.event_bytes(d), trace_id=TRACE, request_id=REQUEST_ID)
        finally:
            emu.stop()
        assert r1["status"] == "ok" and r2["status"] == "error", (r1, r2)
        objs1 = [o for ln in r1["logs"] for o in json_objects(ln)]
        objs2 = [o for ln in r2["logs"] for o in json_objects(ln)]
        info = [o for o in objs1 if o.get("message") == "invocation"
                and o.get("function_request_id") == REQUEST_ID]
        err = [o for o in objs2 if o.get("level") == "ERROR"]
        emf = [o for o in objs1 if "_aws" in o]
        warn = [o for ln in r3["logs"] for o in json_objects(ln) if o.get("level") == "WARN"]
        assert info and err and emf and warn, (r1["logs"], r2["logs"], r3["logs"])
        assert self_arn.endswith(":function:" + FUNCTION)
        return {"info": info[0], "error": err[0], "emf": emf[0], "warn": warn[0]}

    def compare(self, pt, ours, what, context=True):
        rows = []
        for k, v in pt.items():
            self.assertIn(k, ours, "%s: Powertools key %r missing: %s" % (what, k, ours))
            self.assertEqual(json_type(ours[k]), json_type(v),
                             "%s: %r is %s, Powertools %s" % (what, k, json_type(ours[k]),
                                                                json_type(v)))
            if context and k in CONTEXT_KEYS:
                self.assertEqual(ours[k], v, "%s: %r differs" % (what, k))
            rows.append("%-22s %-8s %-40s %s" % (k, json_type(v), json.dumps(v)[:40],
                                                  json.dumps(ours[k])[:40]))
        if os.environ.get("LEEC_TEST_VERBOSE"):
            print("\n%s\n%-22s %-8s %-40s %s" % (what, "key", "type", "Powertools", "bootstrap"),
                  file=sys.stderr)
            print("\n".join(rows), file=sys.stderr)

    def test_info_line(self):
        pt, ours = self.pt["info"], self.boot["info"]
        self.compare(pt, ours, "INFO line")
        for o in (pt, ours):
            self.assertRegex(o["timestamp"], TIMESTAMP)
            self.assertEqual(o["level"], "INFO")
            self.assertIsInstance(o["cold_start"], bool)
        self.assertEqual(ours["xray_trace_id"], ROOT_ID)
        self.assertEqual(ours["function_memory_size"], str(MEMORY_MB))
        self.assertTrue(ours["cold_start"])  # the first invocation

    def test_correlation_id(self):
        pt, ours = self.pt["warn"], self.boot["warn"]
        self.assertEqual(pt["correlation_id"], CORRELATION_ID)
        self.compare(pt, ours, "WARN line with a correlation id")

    def test_error_line(self):
        pt, ours = self.pt["error"], self.boot["error"]
        self.compare(pt, ours, "ERROR line")
        self.assertEqual(ours["level"], pt["level"])
        self.assertRegex(ours["timestamp"], TIMESTAMP)
        pe, oe = pt["error"], ours["error"]
        self.assertIsInstance(oe, dict)
        self.compare(pe, oe, "error object", context=False)
        self.assertEqual(oe["name"], pe["name"])  # the error type, Runtime.InvalidEvent
        for e in (pe, oe):
            self.assertRegex(e["location"], r"^.+:\d+$")
        self.assertRegex(oe["location"], r"^[a-z_]+\.c:\d+$")
        self.assertIn(oe["message"], oe["stack"])
        self.assertFalse(ours["cold_start"])

    def test_emf_line(self):
        pt, ours = self.pt["emf"], self.boot["emf"]
        self.compare(pt, ours, "EMF line", context=False)
        self.assertEqual(ours["service"], pt["service"])
        pa, oa = pt["_aws"], ours["_aws"]
        self.compare(pa, oa, "EMF _aws", context=False)
        self.assertEqual(len(oa["CloudWatchMetrics"]), 1)
        pd, od = pa["CloudWatchMetrics"][0], oa["CloudWatchMetrics"][0]
        self.compare(pd, od, "EMF directive", context=False)
        self.assertEqual(od["Namespace"], pd["Namespace"])
        self.assertEqual(od["Dimensions"], pd["Dimensions"])
        names = {m["Name"]: m for m in od["Metrics"]}
        self.assertIn("Invocations", names)
        self.compare(pd["Metrics"][0], names["Invocations"], "EMF metric")
        self.assertEqual(names["Invocations"]["Unit"], "Count")
        self.assertIsInstance(ours["Invocations"], (int, float))
        self.assertIsInstance(oa["Timestamp"], int)


class TestEmfSurvivesTheLogFilter(unittest.TestCase):
    """Lambda's JSON application-log filter drops a line below AWS_LAMBDA_LOG_LEVEL, and
    a line without a level is INFO: the bootstrap's EMF lines carry the filter's level."""

    @classmethod
    def setUpClass(cls):
        harness.require_file(harness.bootstrap_path())

    def test_warn_error_fatal(self):
        for threshold in ("WARN", "ERROR", "FATAL"):
            with self.subTest(level=threshold):
                emu = harness.start_emulator(env={"LEEC_HA_URL": "http://127.0.0.1:9"},
                                             log_format="JSON", log_level=threshold)
                try:
                    results = [emu.invoke(HEALTH), emu.invoke(b"nope")]
                finally:
                    emu.stop()
                for r in results:
                    objs = [o for ln in r["logs"] for o in json_objects(ln)]
                    emf = [o for o in objs if "_aws" in o]
                    self.assertTrue(emf, r["logs"])
                    kept = [o for o in emf if passes_filter(o, threshold)]
                    self.assertEqual(kept, emf, "EMF lines dropped at %s" % threshold)
                    for o in emf:
                        self.assertEqual(o["level"], threshold)
                        self.assertIn("Invocations", o)
                    # the filter itself: nothing below the threshold is written
                    logs = [o for o in objs if "_aws" not in o]
                    self.assertTrue(all(passes_filter(o, threshold) for o in logs), logs)

    def test_default_level_is_info(self):
        emu = harness.start_emulator(env={"LEEC_HA_URL": "http://127.0.0.1:9"},
                                     log_format="JSON")
        try:
            r = emu.invoke(HEALTH)
        finally:
            emu.stop()
        emf = [o for ln in r["logs"] for o in json_objects(ln) if "_aws" in o]
        self.assertTrue(emf)
        self.assertEqual({o["level"] for o in emf}, {"INFO"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
