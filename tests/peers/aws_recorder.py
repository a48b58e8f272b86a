#!/usr/bin/python3
"""AWS Lambda API recorder: a loopback endpoint for `aws --endpoint-url http://127.0.0.1:PORT
lambda ...` that records every request, checks its Signature Version 4
(tests/peers/sigv4_verify.py) and answers with minimal valid Lambda REST responses, so the
real AWS CLI runs a deploy end to end (its own parameter validation included) without AWS.

Library use:

    rec = AwsRecorder(credentials={"AKIDTEST": "secret"}, region="eu-west-1",
                      function_exists=False).start()
    rec.url        -> "http://127.0.0.1:PORT"
    rec.requests   -> one dict per request: method, path, query, operation, function,
                      body (parsed JSON or None), verdict (sigv4_verify.Verdict), status
    rec.operations() -> ["GetFunction", "CreateFunction", ...]
    rec.stop()

Operations (Lambda API 2015-03-31): GetFunction, GetFunctionConfiguration, CreateFunction,
UpdateFunctionCode, UpdateFunctionConfiguration, AddPermission, RemovePermission, GetPolicy
(404 until a statement exists), Invoke (answers rec.invoke_answer, bytes, default {});
an operation named in rec.fail is answered 500 ServiceException. A function
exists after CreateFunction (or from the start with function_exists=True); GetFunction of a
missing one is 404 ResourceNotFoundException, as are RemovePermission of a missing statement.
A request with a bad signature gets 403 InvalidSignatureException.

CLI: aws_recorder.py [--port N] [--region R] [--exists]   (prints its URL; Ctrl-C stops it;
     credentials AKIDTEST / secret)
"""
import argparse
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_verify  # noqa: E402
from loopback_service import LoopbackService, serve_until_terminated  # noqa: E402

ACCOUNT = "123456789012"
P = "/2015-03-31/functions"
ROUTES = [  # (method, regex, operation)
    ("GET", re.compile(r"^%s/([^/]+)$" % P), "GetFunction"),
    ("GET", re.compile(r"^%s/([^/]+)/configuration$" % P), "GetFunctionConfiguration"),
    ("POST", re.compile(r"^%s/?$" % P), "CreateFunction"),
    ("PUT", re.compile(r"^%s/([^/]+)/code$" % P), "UpdateFunctionCode"),
    ("PUT", re.compile(r"^%s/([^/]+)/configuration$" % P), "UpdateFunctionConfiguration"),
    ("POST", re.compile(r"^%s/([^/]+)/policy$" % P), "AddPermission"),
    ("DELETE", re.compile(r"^%s/([^/]+)/policy/([^/]+)$" % P), "RemovePermission"),
    ("GET", re.compile(r"^%s/([^/]+)/policy$" % P), "GetPolicy"),
    ("POST", re.compile(r"^%s/([^/]+)/invocations$" % P), "Invoke"),
]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _reply(self, status, obj, rec, error_type=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-%012d" % len(self.server.rec.requests))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(body)
        rec["status"] = status

    def _handle(self):
        r = self.server.rec
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        path, _, query = self.path.partition("?")
        upath = urllib.parse.unquote(path)
        rec = {"method": self.command, "path": upath, "query": urllib.parse.parse_qs(query),
               "operation": None, "function": None, "body": None, "raw_len": len(raw)}
        try:
            rec["body"] = json.loads(raw) if raw else None
        except ValueError:
            rec["body"] = None
        headers = list(self.headers.items())
        rec["verdict"] = sigv4_verify.verify(self.command, self.path, headers, raw,
                                             r.credentials, r.region, "lambda", now=time.time())
        with r.lock:
            r.requests.append(rec)
        if not rec["verdict"].ok:
            return self._reply(403, {"message": rec["verdict"].reason},
                               rec, "InvalidSignatureException")
        for method, rx, op in ROUTES:
            m = rx.match(upath)
            if m and method == self.command:
                rec["operation"] = op
                rec["function"] = m.group(1) if m.groups() else (rec["body"] or {}).get("FunctionName")
                return r.answer(self, op, m, rec)
        return self._reply(404, {"message": "unknown operation %s %s" % (self.command, upath)},
                           rec, "UnknownOperationException")

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class AwsRecorder(LoopbackService):
    thread_name = "aws-recorder"

    def __init__(self, credentials=None, region="eu-west-1", function_exists=False, port=0):
        self.credentials = credentials or {"AKIDTEST": "secret"}
        self.region = region
        self._port = port
        self.lock = threading.Lock()
        self.requests = []
        self.functions = {}  # name -> configuration
        self.policies = {}   # name -> {sid: statement}
        self._exists = function_exists
        self.invoke_answer = b"{}"
        self.fail = set()  # operations answered 500 ServiceException (a failure half-way)

    def _make_server(self):
        srv = ThreadingHTTPServer(("127.0.0.1", self._port), _Handler)
        srv.daemon_threads = True
        srv.rec = self
        return srv

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def operations(self):
        return [q["operation"] for q in self.requests]

    def _config(self, name, body=None):
        c = self.functions.get(name) or {
            "FunctionName": name, "Version": "$LATEST",
            "FunctionArn": "arn:aws:lambda:%s:%s:function:%s" % (self.region, ACCOUNT, name),
            "Runtime": "provided.al2023", "Handler": "bootstrap", "MemorySize": 128,
            "Timeout": 8, "Role": "arn:aws:iam::%s:role/existing" % ACCOUNT,
            "Architectures": ["x86_64"], "CodeSize": 0, "PackageType": "Zip"}
        for k in ("Runtime", "Handler", "MemorySize", "Timeout", "Role", "Architectures",
                  "Environment", "LoggingConfig"):
            if body and k in body:
                c[k] = body[k]
        c.update(State="Active", LastUpdateStatus="Successful",
                 LastModified=time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime()))
        self.functions[name] = c
        return c

    def answer(self, h, op, m, rec):
        name = rec["function"]
        body = rec["body"] or {}
        if op in self.fail:
            return h._reply(500, {"message": "injected failure of %s" % op}, rec,
                            "ServiceException")
        with self.lock:
            if self._exists and not self.functions:
                self._config(name)
            exists = name in self.functions
            if op in ("GetFunction", "GetFunctionConfiguration", "UpdateFunctionCode",
                      "UpdateFunctionConfiguration", "AddPermission", "GetPolicy",
                      "Invoke") and not exists:
                return h._reply(404, {"Type": "User", "message": "Function not found: "
                                      "arn:aws:lambda:%s:%s:function:%s"
                                      % (self.region, ACCOUNT, name)},
                                rec, "ResourceNotFoundException")
            if op == "GetFunction":
                return h._reply(200, {"Configuration": self.functions[name],
                                      "Code": {"RepositoryType": "S3", "Location": "https://example.invalid/"}},
                                rec)
            if op == "GetFunctionConfiguration":
                return h._reply(200, self.functions[name], rec)
            if op == "GetPolicy":
                pol = self.policies.get(name)
                if not pol:
                    return h._reply(404, {"Type": "User", "message": "The resource you "
                                          "requested does not exist."},
                                    rec, "ResourceNotFoundException")
                return h._reply(200, {"Policy": json.dumps({
                    "Version": "2012-10-17", "Id": "default",
                    "Statement": list(pol.values())}), "RevisionId": "1"}, rec)
            if op == "Invoke":
                rec["status"] = 200
                body = self.invoke_answer
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(body)))
                h.send_header("X-Amz-Executed-Version", "$LATEST")
                h.end_headers()
                h.wfile.write(body)
                return
            if op == "CreateFunction":
                if exists:
                    return h._reply(409, {"Type": "User", "message": "Function already exist: " + name},
                                    rec, "ResourceConflictException")
                c = self._config(name, body)
                c["CodeSize"] = len(body.get("Code", {}).get("ZipFile", "")) * 3 // 4
                return h._reply(201, c, rec)
            if op == "UpdateFunctionCode":
                c = self._config(name, body)
                c["CodeSize"] = len(body.get("ZipFile", "")) * 3 // 4
                return h._reply(200, c, rec)
            if op == "UpdateFunctionConfiguration":
                return h._reply(200, self._config(name, body), rec)
            if op == "AddPermission":
                sid = body.get("StatementId")
                pol = self.policies.setdefault(name, {})
                if sid in pol:
                    return h._reply(409, {"Type": "User", "message": "The statement id (%s) "
                                          "provided already exists." % sid},
                                    rec, "ResourceConflictException")
                st = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": body.get("Principal")},
                      "Action": body.get("Action"),
                      "Resource": self.functions[name]["FunctionArn"],
                      "Condition": {"StringEquals": {"lambda:EventSourceToken":
                                                     body.get("EventSourceToken")}}}
                pol[sid] = st
                return h._reply(201, {"Statement": json.dumps(st)}, rec)
            if op == "RemovePermission":
                sid = urllib.parse.unquote(m.group(2))
                if sid not in self.policies.get(name, {}):
                    return h._reply(404, {"Type": "User", "message": "No policy is associated "
                                          "with the given resource."},
                                    rec, "ResourceNotFoundException")
                del self.policies[name][sid]
                return h._reply(204, None, rec)
        return h._reply(500, {"message": "unhandled"}, rec, "ServiceException")


def main(argv=None):
    ap = argparse.ArgumentParser(description="AWS Lambda API recorder (loopback only)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--region", default="eu-west-1")
    ap.add_argument("--exists", action="store_true", help="the function exists from the start")
    a = ap.parse_args(argv)
    rec = AwsRecorder(region=a.region, function_exists=a.exists, port=a.port).start()

    def stop():
        for q in rec.requests:
            print("%s %s %s -> %s" % (q["operation"], q["method"], q["path"], q.get("status")),
                  file=sys.stderr)
        rec.stop()
    serve_until_terminated(rec.url, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
