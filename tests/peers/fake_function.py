#!/usr/bin/python3
"""A tiny Lambda function speaking the Runtime API (stdlib only), to test the emulator.

Modes (argv[1]):
  serve       (default) loop on /next; the event says what to do:
                {"action": "echo"}              respond with the event
                {"action": "error"}             post /error (Handler.Failed)
                {"action": "sleep", "s": 2}     sleep, then respond (to trigger timeouts)
                {"action": "crash", "code": 3}  exit with that status mid-invocation
                {"action": "env"}               respond with the process environment
                {"action": "pid"}               respond with {"pid": N}
                {"action": "headers"}           respond with the /next headers
                {"action": "log", "lines": [..]} print lines (stdout), then respond
                {"action": "big", "n": N}       respond with N bytes; on 413 post an error
  init_error  post /runtime/init/error and exit 1
  init_crash  exit 2 before the first /next
"""
import http.client
import json
import os
import sys
import time

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"


def post(conn, path, body, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    conn.request("POST", BASE + path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def error_body(kind, msg):
    return json.dumps({"errorMessage": msg, "errorType": kind, "stackTrace": []})


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "serve"
    conn = http.client.HTTPConnection(API)  # no timeout: /next is a long poll
    print("fake function init mode=%s" % mode, flush=True)
    if mode == "init_error":
        post(conn, "/init/error", error_body("Runtime.ConfigError", "no configuration"),
             {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigError"})
        sys.exit(1)
    if mode == "init_crash":
        print("dying during init", file=sys.stderr, flush=True)
        sys.exit(2)
    while True:
        conn.request("GET", BASE + "/invocation/next")
        r = conn.getresponse()
        event = r.read()
        rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
        try:
            ev = json.loads(event)
        except ValueError:
            ev = None
        action = ev.get("action", "echo") if isinstance(ev, dict) else "echo"
        path = "/invocation/%s/response" % rid
        if action == "echo":
            post(conn, path, event)
        elif action == "error":
            post(conn, "/invocation/%s/error" % rid, error_body("Handler.Failed", "it failed"),
                 {"Lambda-Runtime-Function-Error-Type": "Handler.Failed"})
        elif action == "sleep":
            time.sleep(float(ev.get("s", 1)))
            post(conn, path, b'"slept"')
        elif action == "crash":
            print("crashing now", file=sys.stderr, flush=True)
            os._exit(int(ev.get("code", 3)))
        elif action == "pid":
            post(conn, path, json.dumps({"pid": os.getpid()}))
        elif action == "env":
            post(conn, path, json.dumps(dict(os.environ)))
        elif action == "headers":
            post(conn, path, json.dumps({k: v for k, v in r.getheaders()}))
        elif action == "log":
            for line in ev.get("lines", []):
                print(line, flush=True)
            post(conn, path, b'"logged"')
        elif action == "late_log":  # answer first, then log (like a summary/EMF line)
            post(conn, path, b'"answered"')
            time.sleep(float(ev.get("s", 0.05)))
            for line in ev.get("lines", []):
                print(line, flush=True)
        elif action == "big":
            status, _ = post(conn, path, b"x" * int(ev["n"]))
            if status == 413:
                post(conn, "/invocation/%s/error" % rid,
                     error_body("Function.ResponseSizeTooLarge", "response too large"),
                     {"Lambda-Runtime-Function-Error-Type": "Function.ResponseSizeTooLarge"})


if __name__ == "__main__":
    main()
