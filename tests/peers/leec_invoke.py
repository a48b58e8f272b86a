#!/usr/bin/python3
"""leec_invoke: run a function locally through the Lambda Runtime API emulator, like
`sam local invoke`.

    leec_invoke.py --bootstrap build/runtime/bootstrap --event event.json \\
        [--env K=V ...] [--timeout 8] [--trace-id X] [--repeat N] [--memory 128] \\
        [--log-format Text|JSON] [--log-level LEVEL] [--function-name NAME] [--quiet]

The response goes to stdout (pretty JSON when it is JSON); the function's log lines
and a REPORT line per invocation (duration, init duration for a cold start) go to
stderr. An invocation's lines are the ones the function writes until it asks for the
next event (Lambda's view), so lines written after the answer (the bootstrap's summary and
EMF metrics) come before their own REPORT line. --event - reads stdin; without --event
the event is {}.
Exit status: 0 when every invocation succeeded, 1 on a function error (error, timeout,
init error, crash), 2 on a usage error.
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lambda_emulator import LambdaEmulator, default_bootstrap  # noqa: E402


def pretty(body):
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body.decode("utf-8", "replace")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="leec_invoke.py", description="Invoke a Lambda bootstrap locally.",
        epilog="exit: 0 success, 1 function error, 2 usage")
    ap.add_argument("--bootstrap", default=default_bootstrap(),
                    help="function executable (default: $LEEC_BUILD_DIR/runtime/bootstrap)")
    ap.add_argument("--event", help="event file ('-' = stdin); default {}")
    ap.add_argument("--env", action="append", default=[], metavar="K=V",
                    help="extra function environment (repeatable)")
    ap.add_argument("--pass-env", action="append", default=[], metavar="NAME",
                    help="pass NAME from this environment to the function (a secret given by "
                         "name never appears on a command line; leec invoke uses this)")
    ap.add_argument("--timeout", type=float, default=8.0, help="function timeout, s (default 8)")
    ap.add_argument("--memory", type=int, default=128, help="memory size, MB (default 128)")
    ap.add_argument("--trace-id", help="Lambda-Runtime-Trace-Id for the invocation")
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="invoke N times (warm)")
    ap.add_argument("--function-name", default="leec-function")
    ap.add_argument("--log-format", choices=("Text", "JSON"))
    ap.add_argument("--log-level", choices=("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"))
    ap.add_argument("--quiet", action="store_true",
                    help="print only the last response and the summary (no logs, no REPORT lines)")
    a = ap.parse_args(argv)

    env = {}
    for kv in a.env:
        if "=" not in kv or kv.startswith("="):
            ap.error("--env expects K=V, got %r" % kv)
        k, v = kv.split("=", 1)
        env[k] = v
    for name in a.pass_env:
        if name not in os.environ:
            ap.error("--pass-env %s: not set in the environment" % name)
        env[name] = os.environ[name]
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not os.access(a.bootstrap, os.X_OK):
        ap.error("%s is not an executable" % a.bootstrap)
    try:
        if a.event is None:
            event = b"{}"
        elif a.event == "-":
            event = sys.stdin.buffer.read()
        else:
            with open(a.event, "rb") as f:
                event = f.read()
    except OSError as e:
        ap.error("cannot read event: %s" % e)

    emu = LambdaEmulator([a.bootstrap], env=env, timeout_s=a.timeout, memory_mb=a.memory,
                         function_name=a.function_name, log_format=a.log_format,
                         log_level=a.log_level)
    failed = False
    durations = []
    with emu:
        for i in range(a.repeat):
            r = emu.invoke(event, trace_id=a.trace_id)
            err = sys.stderr
            if not a.quiet:
                for line in r["logs"]:
                    print(line, file=err)
                if not r.get("logs_complete", True):
                    print("[leec_invoke] the function had not asked for the next event %.1f s "
                          "after its answer: its later lines show up with the next invocation"
                          % emu.after_answer_s, file=err)
            report = "REPORT RequestId: %s\tStatus: %s" % (r["request_id"], r["status"])
            if r["duration_ms"] is not None:
                report += "\tDuration: %.2f ms" % r["duration_ms"]
                durations.append(r["duration_ms"])
            if r["init_ms"] is not None:
                report += "\tInit Duration: %.2f ms" % r["init_ms"]
            if r["error_type"]:
                report += "\tError: %s" % r["error_type"]
            if not a.quiet:
                print(report, file=err, flush=True)
            if not a.quiet or i == a.repeat - 1:
                print(pretty(r["body"]), flush=True)
            if r["status"] != "ok":
                failed = True
    if (a.repeat > 1 or a.quiet) and durations:
        print("SUMMARY invocations: %d\tDuration median: %.2f ms\tmin: %.2f ms\tmax: %.2f ms"
              "\tInit: %s" % (len(durations), statistics.median(durations), min(durations),
                              max(durations),
                              ", ".join("%.2f ms" % t for t in emu.init_times_ms)),
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
