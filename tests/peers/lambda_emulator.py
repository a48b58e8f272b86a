#!/usr/bin/python3
"""Local AWS Lambda Runtime API emulator (Python standard library only, loopback only).

Follows the AWS Lambda Runtime API (custom runtimes): it serves the Runtime API
(`/2018-06-01/runtime/...`) to a function process that it starts itself with a
scrubbed, Lambda-like environment, and runs one invocation at a time.

Library use:

    from lambda_emulator import LambdaEmulator
    emu = LambdaEmulator(["build/runtime/bootstrap"], env={"LEEC_X": "1"}, timeout_s=8)
    emu.start()                       # HTTP server only; the process starts on the first invoke
    r = emu.invoke(b'{"a":1}', trace_id="Root=1-...")
    r["status"]    # "ok" | "error" | "timeout" | "init_error" | "crash"
    emu.stop()

LambdaEmulator(command=None, env=None, *, timeout_s=8.0, memory_mb=128,
               function_name="leec-function", function_version="$LATEST",
               region="eu-west-1", handler="leec", task_root=None,
               log_format=None, log_level=None, init_timeout_s=10.0,
               port=0, cwd=None, echo_logs=False, after_answer_s=2.0,
               preexec_fn=None, on_first_next=None, on_answer=None)
    command: argv list (or one path string); default LEEC_BUILD_DIR/runtime/bootstrap.
    env: extra environment for the function (added after Lambda's variables).
    after_answer_s: how long invoke() waits, after the answer, for the runtime to ask for
         the next event (so the invocation's late log lines are in its own window; capped by
         the invocation's deadline). Lines later than that go to the next window.
    preexec_fn: run in the child between fork and exec (bench/first_answer.py puts the
         process into a CPU-accounting cgroup there).
    on_first_next(pid): called when a process asks for its first event, before the event
         is sent (the end of init: bench/first_answer.py moves it into a CPU-quota cgroup).
    on_answer(pid): called when an invocation's response or error arrives, before it is
         acknowledged (bench/first_answer.py reads the CPU used up to the answer).
  .start() -> self                 binds 127.0.0.1:port (0 = free port)
  .address                         "127.0.0.1:PORT" (AWS_LAMBDA_RUNTIME_API)
  .invoke(event, trace_id=None, timeout_s=None, client_context=None,
          cognito_identity=None, tenant_id=None, request_id=None) -> dict
  .spawn()                         start the process now (pre-warm); normally lazy
  .stop()                          kill the process, close the server
  .init_times_ms                   list: spawn -> first GET /next, one per cold start
  .init_errors                     list of (error_type, body bytes) posted to /runtime/init/error
  .exits                           list of unexpected exit codes
  Context manager: `with LambdaEmulator(...) as emu:`.

Result dict fields:
  status        "ok" | "error" | "timeout" | "init_error" | "crash"
  request_id    the invocation's id
  body          bytes: the response, the posted error body, or Lambda's error JSON
  error_type    Lambda-Runtime-Function-Error-Type (error/init_error), "Sandbox.Timedout",
                "Runtime.ExitError"; None on success
  duration_ms   event delivered -> response/error received (float; None if never delivered)
  init_ms       spawn -> first GET /next for a cold start, else None
  cold_start    bool
  logs          list of str: the process's stdout/stderr lines of this invocation (a cold
                start includes the init lines). Like Lambda, an invocation lasts until the
                runtime asks for the next event: lines written after the answer (a summary,
                EMF metrics) belong to it, so invoke() waits for that GET /next (or the
                process's end; at most after_answer_s, capped by the deadline) before it returns.
                Windows are contiguous: a line is in exactly one invocation's list.
  logs_complete True when the runtime asked for the next event (or exited) before the window
                was cut: every line of this invocation is in `logs`
  response_too_large  True if the runtime's response got a 413 first
  exit_code     process exit status for "crash" (None otherwise)

CLI:  lambda_emulator.py [--env K=V ...] [--timeout S] [--port P] [--event FILE] -- CMD [ARGS]
  With --event: invoke once and print the result as JSON. Without: serve the
  Runtime API plus RIE's invoke endpoint
  POST http://127.0.0.1:PORT/2015-03-31/functions/function/invocations until Ctrl-C.
"""

import argparse
import atexit
import collections
import fcntl
import http.server
import json
import select
import os
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import traceback
import uuid
import weakref

MAX_RESPONSE_BYTES = 6291556  # 6 MiB + 100 B
API_PREFIX = "/2018-06-01/runtime"
RIE_INVOKE_PATH = "/2015-03-31/functions/function/invocations"
ACCOUNT = "123456789012"


_LIVE = weakref.WeakSet()


@atexit.register
def _kill_leftovers():
    """Function processes run in their own session: never leave one behind."""
    for emu in list(_LIVE):
        emu._kill()


def default_bootstrap():
    build = os.environ.get("LEEC_BUILD_DIR")
    if not build:
        here = os.path.dirname(os.path.abspath(__file__))
        build = os.path.join(os.path.dirname(os.path.dirname(here)), "build")
    return os.path.join(build, "runtime", "bootstrap")


class _Invocation:
    def __init__(self, event, request_id, trace_id, client_context, cognito_identity, tenant_id,
                 timeout_s):
        self.event = event
        self.request_id = request_id or str(uuid.uuid4())
        self.trace_id = trace_id
        self.client_context = client_context
        self.cognito_identity = cognito_identity
        self.tenant_id = tenant_id
        self.timeout_s = timeout_s
        self.delivered_at = None  # monotonic
        self.deadline_ms = None
        self.done = threading.Event()
        self.result = None
        self.response_too_large = False
        self.cold = None
        self.init_ms = None
        self.next_calls = None  # emulator's GET /next count when this one was delivered

    def finish(self, **kw):
        if self.result is None:
            self.result = kw
            self.done.set()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LeecLambdaEmulator/1"
    sys_version = ""

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # quiet
        pass

    @property
    def emu(self):
        return self.server.emulator

    def _send(self, status, body=b"", headers=None, ctype="application/json"):
        head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]),
                "Content-Type: " + ctype, "Content-Length: %d" % len(body)]
        for k, v in (headers or {}).items():
            head.append("%s: %s" % (k, v))
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        self.wfile.write(data)  # one write: no Nagle/delayed-ACK stall
        self.wfile.flush()

    def _send_json(self, status, obj):
        self._send(status, json.dumps(obj).encode())

    def _read_body(self, limit=None):
        """Returns (bytes or None if over limit, total length). Always drains."""
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        chunks, total = [], 0
        if "chunked" in te:
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data = self.rfile.read(size)
                self.rfile.readline(3)
                total += len(data)
                if limit is None or total <= limit:
                    chunks.append(data)
        else:
            n = int(self.headers.get("Content-Length") or 0)
            left = n
            while left > 0:
                data = self.rfile.read(min(left, 1 << 20))
                if not data:
                    break
                left -= len(data)
                total += len(data)
                if limit is None or total <= limit:
                    chunks.append(data)
        if limit is not None and total > limit:
            return None, total
        return b"".join(chunks), total

    def do_GET(self):
        if self.path == API_PREFIX + "/invocation/next":
            self.emu._serve_next(self)
        else:
            self._send_json(404, {"errorMessage": "Not found", "errorType": "NotFound"})

    def do_POST(self):
        p = self.path
        emu = self.emu
        if p == API_PREFIX + "/init/error":
            body, _ = self._read_body()
            emu._post_init_error(self.headers.get("Lambda-Runtime-Function-Error-Type"), body)
            self._send_json(202, {"status": "OK"})
        elif p.startswith(API_PREFIX + "/invocation/") and p.count("/") == 5:
            rid, what = p[len(API_PREFIX + "/invocation/"):].split("/", 1)
            if what == "response":
                body, total = self._read_body(MAX_RESPONSE_BYTES)
                status, obj = emu._response(rid, body, total)
            elif what == "error":
                body, _ = self._read_body()
                status, obj = emu._error(rid, self.headers.get("Lambda-Runtime-Function-Error-Type"),
                                         body)
            else:
                self._read_body()
                status, obj = 404, {"errorMessage": "Not found", "errorType": "NotFound"}
            self._send_json(status, obj)
        elif p == RIE_INVOKE_PATH:
            body, _ = self._read_body()
            r = emu.invoke(body or b"{}", trace_id=self.headers.get("X-Amzn-Trace-Id"))
            headers = {"X-Amz-Request-Id": r["request_id"]}
            if r["status"] != "ok":
                headers["X-Amz-Function-Error"] = "Unhandled"
            self._send(200, r["body"], headers)
        else:
            self._read_body()
            self._send_json(404, {"errorMessage": "Not found", "errorType": "NotFound"})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, OSError)):
            return  # a killed function process drops its socket: not news
        traceback.print_exc()



def _drain(proc, readers):
    """After the function process ended: let its log readers finish, close its pipes."""
    for t in readers:
        t.join(1.0)
    for f in (proc.stdout, proc.stderr):
        try:
            f.close()
        except OSError:
            pass

class LambdaEmulator:
    def __init__(self, command=None, env=None, *, timeout_s=8.0, memory_mb=128,
                 function_name="leec-function", function_version="$LATEST", region="eu-west-1",
                 handler="leec", task_root=None, log_format=None, log_level=None,
                 init_timeout_s=10.0, port=0, cwd=None, echo_logs=False, after_answer_s=2.0,
                 preexec_fn=None, on_first_next=None, on_answer=None):
        if command is None:
            command = [default_bootstrap()]
        elif isinstance(command, str):
            command = [command]
        self.command = list(command)
        if os.sep in self.command[0]:  # the process runs in task_root: make the path absolute
            self.command[0] = os.path.abspath(self.command[0])
        self.extra_env = dict(env or {})
        self.timeout_s = float(timeout_s)
        self.memory_mb = int(memory_mb)
        self.function_name = function_name
        self.function_version = function_version
        self.region = region
        self.handler = handler
        self.task_root = task_root or os.path.dirname(os.path.abspath(self.command[0]))
        self.log_format = log_format
        self.log_level = log_level
        self.init_timeout_s = float(init_timeout_s)
        self.port = port
        self.cwd = cwd or self.task_root
        self.echo_logs = echo_logs
        self.after_answer_s = float(after_answer_s)
        self.preexec_fn = preexec_fn
        self.on_first_next = on_first_next
        self.on_answer = on_answer
        self.arn = "arn:aws:lambda:%s:%s:function:%s" % (region, ACCOUNT, function_name)

        self.init_times_ms = []
        self.init_errors = []
        self.exits = []

        self._cond = threading.Condition()
        self._invoke_lock = threading.Lock()
        self._queue = collections.deque()
        self._inflight = {}
        self._gen = 0
        self._proc = None
        self._spawned_at = None
        self._first_next_at = None
        self._init_error = None
        self._logs = []
        self._log_mark = 0  # end of the previous invocation's window
        self._next_calls = 0  # GET /next requests received (any process)
        self._readers = []
        self._delivered = 0
        self._pipes = []
        self._server = None
        self._stopping = False
        _LIVE.add(self)

    # ---- lifecycle ----
    def start(self):
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.emulator = self
        self.port = self._server.server_address[1]
        t = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True)
        t.start()
        self._server_thread = t
        return self

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        with self._cond:
            self._stopping = True
            victims = list(self._inflight.values()) + list(self._queue)
            self._inflight.clear()
            self._queue.clear()
            self._cond.notify_all()
        for inv in victims:
            inv.finish(status="crash", error_type="Emulator.Stopped", body=b"")
        self._kill()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def function_env(self):
        """The environment the function process gets (nothing inherited from this process)."""
        rt = "/var/runtime"
        env = {
            "AWS_LAMBDA_RUNTIME_API": self.address,
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": self.function_version,
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + self.function_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d/") + "[$LATEST]" + uuid.uuid4().hex,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "LAMBDA_TASK_ROOT": self.task_root,
            "LAMBDA_RUNTIME_DIR": rt,
            "_HANDLER": self.handler,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
            "LD_LIBRARY_PATH": "/lib64:/usr/lib64:%s:%s/lib:%s:%s/lib:/opt/lib"
                               % (rt, rt, self.task_root, self.task_root),
        }
        if self.log_format:
            env["AWS_LAMBDA_LOG_FORMAT"] = self.log_format
        if self.log_level:
            env["AWS_LAMBDA_LOG_LEVEL"] = self.log_level
        env.update(self.extra_env)
        return env

    def spawn(self):
        """Starts the function process (cold start). Normally called by invoke()."""
        with self._cond:
            if self._proc is not None:
                return
            self._gen += 1
            self._init_error = None
            self._first_next_at = None
            self._delivered = 0
            self._spawned_at = time.monotonic()
            proc = subprocess.Popen(self.command, env=self.function_env(), cwd=self.cwd,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True,
                                    preexec_fn=self.preexec_fn)
            self._proc = proc
            self._pipes = [proc.stdout, proc.stderr]
            gen = self._gen
            readers = [threading.Thread(target=self._reader, args=(f,), daemon=True)
                       for f in (proc.stdout, proc.stderr)]
            self._readers = readers
        for t in readers:
            t.start()
        threading.Thread(target=self._watch, args=(proc, gen, readers), daemon=True).start()

    def _kill(self):
        with self._cond:
            proc, self._proc = self._proc, None
            self._gen += 1
            self._cond.notify_all()
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        _drain(proc, self._readers)

    # ---- logs ----
    def _reader(self, f):
        """Waits for data without consuming it, then reads and appends under the lock:
        bytes leave the pipe only while the lock is held (see _drain_logs)."""
        fd = f.fileno()
        partial = b""
        while True:
            try:
                select.select([fd], [], [])
            except (OSError, ValueError):
                return
            with self._cond:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if data:
                    partial += data
                    *lines, partial = partial.split(b"\n")
                else:
                    lines, partial = ([partial] if partial else []), b""
                for ln in lines:
                    text = ln.decode("utf-8", "replace").rstrip("\r")
                    self._logs.append(text)
                    if self.echo_logs:
                        print(text, file=sys.stderr, flush=True)
            if not data:
                return

    def _pending_bytes(self):
        total = 0
        for f in self._pipes:
            try:
                buf = fcntl.ioctl(f.fileno(), termios.FIONREAD, b"\0\0\0\0")
                total += int.from_bytes(buf, sys.byteorder)
            except (OSError, ValueError):
                pass
        return total

    def _drain_logs(self, limit_s=0.5):
        """Makes sure every line the process wrote before now is in self._logs: the
        runtime writes its logs before it posts, so they are in the pipe by then."""
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            with self._cond:
                if self._pending_bytes() == 0:
                    return
            time.sleep(0.0005)

    # ---- process watch ----
    def _watch(self, proc, gen, readers):
        code = proc.wait()
        _drain(proc, readers)
        with self._cond:
            if gen != self._gen:
                return  # we killed it on purpose
            self._proc = None
            self._gen += 1
            init_err = self._init_error
            if init_err is None:
                self.exits.append(code)
                self._logs.append("[emulator] function process exited unexpectedly (status %s)"
                                  % code)
            victims = list(self._inflight.values()) + list(self._queue)
            self._inflight.clear()
            self._queue.clear()
            self._cond.notify_all()
        for inv in victims:
            if init_err is not None:
                inv.finish(status="init_error", error_type=init_err[0], body=init_err[1],
                           exit_code=code)
            else:
                msg = "RequestId: %s Error: Runtime exited with error: exit status %s" % (
                    inv.request_id, code)
                inv.finish(status="crash", error_type="Runtime.ExitError",
                           body=json.dumps({"errorType": "Runtime.ExitError",
                                            "errorMessage": msg}).encode(),
                           exit_code=code)

    # ---- Runtime API handlers (called from server threads) ----
    def _serve_next(self, h):
        with self._cond:
            gen = self._gen
            self._next_calls += 1  # the runtime is done with its previous invocation
            self._cond.notify_all()
            if self._first_next_at is None and self._spawned_at is not None:
                self._first_next_at = time.monotonic()
                self.init_times_ms.append((self._first_next_at - self._spawned_at) * 1000.0)
                self._cond.notify_all()
                if self.on_first_next is not None and self._proc is not None:
                    self.on_first_next(self._proc.pid)
            while not self._queue and gen == self._gen and not self._stopping:
                self._cond.wait()
            if gen != self._gen or self._stopping:
                h.close_connection = True
                return
            inv = self._queue.popleft()
            inv.delivered_at = time.monotonic()
            inv.next_calls = self._next_calls
            inv.cold = self._delivered == 0
            if inv.cold and self._first_next_at is not None:
                inv.init_ms = (self._first_next_at - self._spawned_at) * 1000.0
            self._delivered += 1
            inv.deadline_ms = int(time.time() * 1000 + inv.timeout_s * 1000)
            self._inflight[inv.request_id] = inv
        headers = {
            "Lambda-Runtime-Aws-Request-Id": inv.request_id,
            "Lambda-Runtime-Deadline-Ms": str(inv.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": self.arn,
        }
        if inv.trace_id:
            headers["Lambda-Runtime-Trace-Id"] = inv.trace_id
        if inv.client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = inv.client_context
        if inv.cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = inv.cognito_identity
        if inv.tenant_id is not None:
            headers["Lambda-Runtime-Aws-Tenant-Id"] = inv.tenant_id
        h._send(200, inv.event, headers)

    def _answered(self):
        if self.on_answer is not None:
            proc = self._proc
            if proc is not None:
                self.on_answer(proc.pid)

    def _response(self, rid, body, total):
        self._answered()
        with self._cond:
            inv = self._inflight.get(rid)
            if inv is None:
                return 400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
            if body is None:
                inv.response_too_large = True
                return 413, {"errorMessage": "Exceeded maximum allowed payload size (%d bytes)."
                                             % MAX_RESPONSE_BYTES,
                             "errorType": "RequestEntityTooLarge"}
            del self._inflight[rid]
        inv.finish(status="ok", body=body, error_type=None, at=time.monotonic())
        return 202, {"status": "OK"}

    def _error(self, rid, error_type, body):
        self._answered()
        with self._cond:
            inv = self._inflight.pop(rid, None)
        if inv is None:
            return 400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
        inv.finish(status="error", body=body, error_type=error_type, at=time.monotonic())
        return 202, {"status": "OK"}

    def _post_init_error(self, error_type, body):
        with self._cond:
            self._init_error = (error_type, body)
            self.init_errors.append((error_type, body))
            victims = list(self._queue)
            self._queue.clear()
        for inv in victims:
            inv.finish(status="init_error", error_type=error_type, body=body)

    def _wait_next(self, inv):
        """After the answer: waits until the runtime asks for the next event (it has
        written everything of this invocation by then) or the process ends, at most until
        the invocation's deadline and after_answer_s. True if that happened."""
        end = min(inv.delivered_at + inv.timeout_s, time.monotonic() + self.after_answer_s)
        with self._cond:
            gen = self._gen
            while (self._next_calls <= inv.next_calls and gen == self._gen
                   and not self._stopping):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    # ---- invoke ----
    def invoke(self, event=b"{}", trace_id=None, timeout_s=None, client_context=None,
               cognito_identity=None, tenant_id=None, request_id=None):
        if isinstance(event, str):
            event = event.encode()
        timeout_s = self.timeout_s if timeout_s is None else float(timeout_s)
        with self._invoke_lock:
            return self._invoke(event, trace_id, timeout_s, client_context, cognito_identity,
                                tenant_id, request_id)

    def _invoke(self, event, trace_id, timeout_s, client_context, cognito_identity, tenant_id,
                request_id):
        if self._server is None:
            self.start()
        inv = _Invocation(event, request_id, trace_id, client_context, cognito_identity,
                          tenant_id, timeout_s)
        with self._cond:
            log_start = self._log_mark
            cold = self._proc is None
        if cold:
            self.spawn()
        with self._cond:
            if self._init_error is not None:  # posted while idle (pre-warmed process)
                inv.finish(status="init_error", error_type=self._init_error[0],
                           body=self._init_error[1])
            else:
                self._queue.append(inv)
                self._cond.notify_all()
        # Init phase: bounded by init_timeout_s; then the function timeout from delivery.
        t0 = time.monotonic()
        while not inv.done.is_set():
            now = time.monotonic()
            if inv.delivered_at is None:
                left = t0 + self.init_timeout_s + timeout_s - now
            else:
                left = inv.delivered_at + timeout_s - now
            if left <= 0:
                break
            inv.done.wait(min(left, 0.05))
        if not inv.done.is_set():
            with self._cond:
                self._inflight.pop(inv.request_id, None)
                try:
                    self._queue.remove(inv)
                except ValueError:
                    pass
            self._kill()
            msg = "RequestId: %s Error: Task timed out after %.2f seconds" % (inv.request_id,
                                                                               timeout_s)
            inv.finish(status="timeout", error_type="Sandbox.Timedout",
                       body=json.dumps({"errorType": "Sandbox.Timedout",
                                        "errorMessage": msg}).encode())
        res = dict(inv.result)
        if res["status"] == "init_error":
            # The runtime exits after posting; give it a moment (its last lines), then
            # discard the environment: the next invoke is a cold start again.
            with self._cond:
                proc = self._proc
            if proc is not None:
                try:
                    proc.wait(0.5)
                except subprocess.TimeoutExpired:
                    pass
            self._kill()
        complete = res["status"] != "ok" and res["status"] != "error"
        if res["status"] in ("ok", "error"):
            complete = self._wait_next(inv)
            self._drain_logs()
        at = res.pop("at", None)
        with self._cond:
            logs = self._logs[log_start:]
            self._log_mark = len(self._logs)
        res.update(
            request_id=inv.request_id,
            duration_ms=((at or time.monotonic()) - inv.delivered_at) * 1000.0
            if inv.delivered_at is not None else None,
            init_ms=inv.init_ms,
            cold_start=cold if inv.cold is None else inv.cold,
            logs=logs,
            logs_complete=complete,
            response_too_large=inv.response_too_large,
        )
        res.setdefault("exit_code", None)
        res.setdefault("error_type", None)
        if res.get("body") is None:
            res["body"] = b""
        return res


def _parse_env(pairs):
    env = {}
    for kv in pairs or []:
        if "=" not in kv:
            raise SystemExit("--env expects K=V, got %r" % kv)
        k, v = kv.split("=", 1)
        env[k] = v
    return env


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--env", action="append", metavar="K=V", help="extra function environment")
    ap.add_argument("--timeout", type=float, default=8.0, help="function timeout, seconds")
    ap.add_argument("--memory", type=int, default=128)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--event", help="invoke once with this file ('-' = stdin) and exit")
    ap.add_argument("--trace-id")
    ap.add_argument("command", nargs="*", help="function command (default: the bootstrap)")
    a = ap.parse_args(argv)
    emu = LambdaEmulator(a.command or None, env=_parse_env(a.env), timeout_s=a.timeout,
                         memory_mb=a.memory, port=a.port, echo_logs=a.event is None)
    def _stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    emu.start()
    try:
        if a.event:
            data = sys.stdin.buffer.read() if a.event == "-" else open(a.event, "rb").read()
            r = emu.invoke(data, trace_id=a.trace_id)
            out = dict(r)
            out["body"] = r["body"].decode("utf-8", "replace")
            print(json.dumps(out, indent=2))
            return 0 if r["status"] == "ok" else 1
        print("Runtime API on http://%s; invoke with: curl -d '{}' http://%s%s"
              % (emu.address, emu.address, RIE_INVOKE_PATH), file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        emu.stop()


if __name__ == "__main__":
    sys.exit(main())
