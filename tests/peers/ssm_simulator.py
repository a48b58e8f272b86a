#!/usr/bin/python3
"""SSM Parameter Store simulator: a loopback HTTP endpoint for AmazonSSM.GetParameter
that checks every request's Signature Version 4 with tests/peers/sigv4_verify.py
(an implementation independent of libcurl's).

Library use:

    sim = SSMSimulator(credentials={"AKIDTEST": "secret"}, region="eu-west-1",
                       parameters={"/leec/ha_token": "the-token"}).start()
    sim.url              -> "http://127.0.0.1:PORT/"   (LEEC_SSM_ENDPOINT)
    sim.requests         -> one dict per request: method, path, headers, body (bytes),
                            target, verdict (sigv4_verify.Verdict), status, error_type
    sim.set_fault("status", status=500, times=1) | sim.set_fault("slow", seconds=5)
                         | sim.set_fault("none")
    sim.parameters[name] = value   (change a value: a later fetch sees it)
    sim.stop()

Answers like SSM (JSON 1.1 protocol, Content-Type application/x-amz-json-1.1):
  200 {"Parameter": {"Name", "Type": "SecureString", "Value", "Version", "ARN", ...}}
      (WithDecryption false → the value stays "encrypted": an opaque base64 blob)
  400 ParameterNotFound                       unknown name
  400 MissingAuthenticationTokenException     no Authorization
  400 IncompleteSignatureException            malformed / required header not signed
  400 UnrecognizedClientException             unknown access key id ("security token ... invalid")
  400 InvalidSignatureException               signature mismatch; like AWS, the message quotes
                                              the canonical request, which contains the
                                              session token (the client must not repeat it)
  400 AccessDeniedException                   a name in `denied` (IAM says no)
  400 InvalidAction / UnknownOperationException  other targets
The headers that must be signed: host, x-amz-date, x-amz-target, content-type and
x-amz-security-token whenever it is sent (session credentials, as in Lambda).

CLI: ssm_simulator.py --access-key K --secret S [--session-token T] [--region R]
                      [--param NAME=VALUE]... [--port N]
"""
import argparse
import base64
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_verify  # noqa: E402
from loopback_service import LoopbackService  # noqa: E402

REQUIRED_SIGNED = ("content-type", "host", "x-amz-date", "x-amz-target")
JSON11 = "application/x-amz-json-1.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, sim):
        self.sim = sim
        super().__init__(addr, handler)

    def handle_error(self, request, client_address):
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.sim.verbose:
            sys.stderr.write("ssm-sim: " + (fmt % args) + "\n")

    def do_POST(self):
        self.server.sim._serve(self)

    def do_GET(self):
        self.server.sim._serve(self)


class SSMSimulator(LoopbackService):
    thread_name = "ssm-simulator"

    def __init__(self, credentials, region="eu-west-1", parameters=None, session_tokens=None,
                 denied=(), port=0, account="123456789012", verbose=False):
        """credentials: {access_key_id: secret}. session_tokens: {access_key_id: token}; when
        a key has one, requests must carry it as x-amz-security-token (and sign it)."""
        self.credentials = dict(credentials)
        self.session_tokens = dict(session_tokens or {})
        self.region = region
        self.parameters = dict(parameters or {})
        self.denied = set(denied)
        self.account = account
        self.verbose = verbose
        self._port = port
        self.lock = threading.Lock()
        self.requests = []
        self.fault = {"mode": "none"}
        self._server = None

    # -- lifecycle ------------------------------------------------------------------------
    def _make_server(self):
        return _Server(("127.0.0.1", self._port), _Handler, self)

    @property
    def url(self):
        return "http://127.0.0.1:%d/" % self.port

    def set_fault(self, mode, **params):
        """mode: none | status(status=500, times=N) | slow(seconds=S, times=N)"""
        if mode not in ("none", "status", "slow"):
            raise ValueError(mode)
        with self.lock:
            self.fault = dict(params, mode=mode)

    def reset(self):
        with self.lock:
            self.requests = []
            self.fault = {"mode": "none"}

    def get_parameter_requests(self):
        return [r for r in self.requests if r["target"] == "AmazonSSM.GetParameter"]

    # -- serving --------------------------------------------------------------------------
    def _take_fault(self):
        with self.lock:
            f = self.fault
            if f["mode"] == "none":
                return None
            if f.get("times") is not None:
                f["times"] -= 1
                if f["times"] <= 0:
                    self.fault = {"mode": "none"}
            return dict(f)

    def _send(self, h, status, obj, rec):
        body = json.dumps(obj).encode()
        rec["status"] = status
        if status != 200:
            rec["error_type"] = obj.get("__type")
        h.send_response(status)
        h.send_header("Content-Type", JSON11)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()

    def _err(self, h, rec, etype, message=None):
        obj = {"__type": etype}
        if message is not None:
            obj["message"] = message
        self._send(h, 400, obj, rec)

    def _serve(self, h):
        n = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(n) if n > 0 else b""
        headers = list(h.headers.items())
        target = h.headers.get("X-Amz-Target")
        rec = {"method": h.command, "path": h.path, "headers": headers, "body": body,
               "target": target, "verdict": None, "status": None, "error_type": None,
               "time": time.time()}
        with self.lock:
            self.requests.append(rec)
        fault = self._take_fault()
        if fault and fault["mode"] == "slow":
            time.sleep(float(fault.get("seconds", 5)))
        if fault and fault["mode"] == "status":
            st = int(fault.get("status", 500))
            self._send(h, st, {"__type": "InternalServerError" if st >= 500
                               else "ThrottlingException", "message": "simulated"}, rec)
            return

        v = sigv4_verify.verify(h.command, h.path, headers, body, self.credentials,
                                self.region, "ssm", now=time.time())
        rec["verdict"] = v
        if v.code == "MissingAuthenticationToken":
            return self._err(h, rec, "MissingAuthenticationTokenException",
                             "Missing Authentication Token")
        if v.code == "UnrecognizedClient":
            return self._err(h, rec, "UnrecognizedClientException",
                             "The security token included in the request is invalid.")
        if v.ok:
            for hname in REQUIRED_SIGNED:
                if hname not in v.signed_headers:
                    v.ok, v.code, v.reason = False, "IncompleteSignature", "%s not signed" % hname
        if v.ok:
            want = self.session_tokens.get(v.access_key)
            if want is not None and v.session_token != want:
                v.ok, v.code, v.reason = False, "UnrecognizedClient", "session token wrong/missing"
                return self._err(h, rec, "UnrecognizedClientException",
                                 "The security token included in the request is invalid.")
        if not v.ok:
            if v.code == "InvalidSignature" and v.canonical_request:
                # What AWS says, canonical request (with the session token) included.
                return self._err(
                    h, rec, "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method. Consult "
                    "the service documentation for details.\n\nThe Canonical String for this "
                    "request should have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n"
                    % (v.canonical_request, v.string_to_sign))
            if v.code == "SignatureExpired":
                return self._err(h, rec, "InvalidSignatureException",
                                 "Signature expired: %s" % v.reason)
            return self._err(h, rec, "IncompleteSignatureException", v.reason)

        if h.command != "POST" or h.path.split("?")[0] != "/":
            return self._err(h, rec, "UnknownOperationException")
        if target != "AmazonSSM.GetParameter":
            return self._err(h, rec, "InvalidAction", "unsupported target %s" % target)
        ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype != JSON11:
            return self._err(h, rec, "SerializationException", "bad content type")
        try:
            req = json.loads(body)
            name = req["Name"]
            decrypt = bool(req.get("WithDecryption", False))
        except (ValueError, KeyError, TypeError):
            return self._err(h, rec, "SerializationException", "bad body")
        rec["name"], rec["with_decryption"] = name, decrypt
        if name in self.denied:
            return self._err(h, rec, "AccessDeniedException",
                             "User: arn:aws:sts::%s:assumed-role/leec/leec is not authorized "
                             "to perform: ssm:GetParameter on resource: arn:aws:ssm:%s:%s:"
                             "parameter%s" % (self.account, self.region, self.account, name))
        if name not in self.parameters:
            return self._err(h, rec, "ParameterNotFound")
        value = self.parameters[name]
        if not decrypt:
            value = base64.b64encode(b"\x01\x02\x02\x00x" + value.encode()[::-1]).decode()
        self._send(h, 200, {"Parameter": {
            "ARN": "arn:aws:ssm:%s:%s:parameter%s" % (self.region, self.account, name),
            "DataType": "text", "LastModifiedDate": 1.7e9, "Name": name,
            "Type": "SecureString", "Value": value, "Version": 1}}, rec)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--session-token")
    ap.add_argument("--region", default="eu-west-1")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args(argv)
    params = dict(p.split("=", 1) for p in a.param)
    sim = SSMSimulator({a.access_key: a.secret}, a.region, params,
                       {a.access_key: a.session_token} if a.session_token else None,
                       port=a.port, verbose=True).start()
    print(sim.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()
