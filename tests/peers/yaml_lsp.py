"""A minimal Language Server Protocol client for yaml-language-server (Red Hat's YAML
server, the one VS Code, Neovim and Helix use), driven over stdio.

    with YamlLanguageServer(server_cmd, schema_path) as ls:
        diags = ls.diagnostics({"/abs/a.yaml": text, ...})   # {path: [diagnostic, ...]}

The schema is associated with every opened file through the `yaml.schemas` setting,
exactly as a user's editor configuration does (settings are pushed with
workspace/didChangeConfiguration and also served to workspace/configuration
requests). Each file is opened with textDocument/didOpen; diagnostics are the last
textDocument/publishDiagnostics for its URI once the server has been quiet for a
while. Python standard library only."""

import json
import os
import pathlib
import queue
import subprocess
import threading
import time


def file_uri(path):
    return pathlib.Path(os.path.abspath(path)).as_uri()


class LspError(Exception):
    pass


class YamlLanguageServer:
    def __init__(self, cmd, schema_path, root=None, quiet=1.5, timeout=120):
        self.cmd = list(cmd)
        self.schema_uri = file_uri(schema_path)
        self.root = root or os.path.dirname(os.path.abspath(schema_path))
        self.quiet = quiet
        self.timeout = timeout
        self.settings = {
            "yaml": {
                "validate": True,
                "hover": True,
                "completion": True,
                "format": {"enable": False},
                "schemaStore": {"enable": False},
                "yamlVersion": "1.2",
                "schemas": {self.schema_uri: ["*.yaml", "**/*.yaml"]},
                "disableAdditionalProperties": False,
                "maxItemsComputed": 5000,
            },
            "editor": {"tabSize": 2},
            "http": {"proxy": "", "proxyStrictSSL": False},
        }
        self._id = 0
        self._pending = {}
        self._events = queue.Queue()
        self._diags = {}
        self._last_msg = time.monotonic()
        self._lock = threading.Lock()
        self.stderr_lines = []

    # ---- transport ----
    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._err = threading.Thread(target=self._stderr_loop, daemon=True)
        self._err.start()
        self._initialize()
        return self

    def __exit__(self, *exc):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except Exception:
                pass

    def _stderr_loop(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def _send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read_loop(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self._events.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode("ascii").partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            msg = json.loads(body)
            with self._lock:
                self._last_msg = time.monotonic()
            self._dispatch(msg)

    def _dispatch(self, msg):
        if "id" in msg and "method" in msg:  # a request from the server
            self._answer(msg)
        elif "id" in msg:  # a response
            ev = self._pending.pop(msg["id"], None)
            if ev is not None:
                ev["result"] = msg
                ev["done"].set()
        elif msg.get("method") == "textDocument/publishDiagnostics":
            p = msg["params"]
            with self._lock:
                self._diags[p["uri"]] = p["diagnostics"]

    def _answer(self, msg):
        method, params = msg["method"], msg.get("params") or {}
        result = None
        if method == "workspace/configuration":
            result = []
            for item in params.get("items", []):
                node = self.settings
                for part in (item.get("section") or "").split("."):
                    if part:
                        node = node.get(part, {}) if isinstance(node, dict) else None
                result.append(node)
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def request(self, method, params, timeout=None):
        self._id += 1
        ev = {"done": threading.Event()}
        self._pending[self._id] = ev
        self._send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        if not ev["done"].wait(timeout or self.timeout):
            raise LspError("no answer to %s within %ss; server stderr:\n%s" % (
                method, timeout or self.timeout, "".join(self.stderr_lines[-20:])))
        res = ev["result"]
        if "error" in res:
            raise LspError("%s failed: %s" % (method, res["error"]))
        return res.get("result")

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _initialize(self):
        root_uri = file_uri(self.root)
        self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "leec"}],
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration":
                              {"dynamicRegistration": True}},
                "textDocument": {"publishDiagnostics": {"relatedInformation": True},
                                 "hover": {"contentFormat": ["plaintext", "markdown"]},
                                 "completion": {"completionItem": {
                                     "snippetSupport": True,
                                     "documentationFormat": ["markdown", "plaintext"]}},
                                 "synchronization": {"didSave": True}},
            },
            "initializationOptions": {},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    # ---- the one thing the tests need ----
    def diagnostics(self, files, close=True):
        """files: {path: text}. Opens each, waits for every URI to have published
        diagnostics and for the server to go quiet, and returns {path: [diagnostic]}."""
        uris = {file_uri(p): p for p in files}
        with self._lock:
            for u in uris:
                self._diags.pop(u, None)
        for u, p in uris.items():
            self.notify("textDocument/didOpen", {"textDocument": {
                "uri": u, "languageId": "yaml", "version": 1, "text": files[p]}})
        deadline = time.monotonic() + self.timeout
        while True:
            time.sleep(0.2)
            with self._lock:
                have = all(u in self._diags for u in uris)
                idle = time.monotonic() - self._last_msg
            if have and idle >= self.quiet:
                break
            if self.proc.poll() is not None:
                raise LspError("yaml-language-server exited:\n" + "".join(self.stderr_lines[-20:]))
            if time.monotonic() > deadline:
                missing = [uris[u] for u in uris if u not in self._diags]
                raise LspError("no diagnostics within %ss for %s" % (self.timeout, missing))
        with self._lock:
            out = {uris[u]: list(self._diags[u]) for u in uris}
        if close:
            for u in uris:
                self.notify("textDocument/didClose", {"textDocument": {"uri": u}})
        return out

    def hover(self, path, line, character):
        return self.request("textDocument/hover", {
            "textDocument": {"uri": file_uri(path)},
            "position": {"line": line, "character": character}})

    def open(self, path, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": file_uri(path), "languageId": "yaml", "version": version, "text": text}})

    def close(self, path):
        self.notify("textDocument/didClose", {"textDocument": {"uri": file_uri(path)}})

    def completion(self, path, line, character):
        """The completion items the server offers at (line, character) of an open file
        (0-based, as LSP counts)."""
        res = self.request("textDocument/completion", {
            "textDocument": {"uri": file_uri(path)},
            "position": {"line": line, "character": character}})
        if isinstance(res, dict):
            res = res.get("items", [])
        return res or []


def _offset(text, pos):
    lines = text.split("\n")
    return sum(len(l) + 1 for l in lines[:pos["line"]]) + pos["character"]


def expand_snippet(body):
    """A snippet's text as accepting it leaves it when the user types nothing more: each
    ${n:default} becomes its default, $n / ${n} nothing, escapes unescaped (LSP snippet
    syntax)."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] in "$}\\":
            out.append(body[i + 1])
            i += 2
        elif c == "$" and i + 1 < len(body) and body[i + 1].isdigit():
            i += 1
            while i < len(body) and body[i].isdigit():
                i += 1
        elif c == "$" and body[i + 1:i + 2] == "{":
            j = i + 2
            while j < len(body) and body[j].isdigit():
                j += 1
            if body[j:j + 1] == "}":
                i = j + 1
            elif body[j:j + 1] == ":":  # ${n:default}, default may nest
                depth, k = 1, j + 1
                start = k
                while k < len(body) and depth:
                    if body[k] == "\\":
                        k += 2
                        continue
                    if body[k:k + 2] == "${":
                        depth += 1
                        k += 2
                        continue
                    if body[k] == "}":
                        depth -= 1
                    k += 1
                out.append(expand_snippet(body[start:k - 1]))
                i = k
            elif body[j:j + 1] == "|":  # ${n|a,b|}: the first choice
                k = body.index("|}", j + 1)
                out.append(body[j + 1:k].split(",")[0])
                i = k + 2
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def apply_completion(text, item, line, character):
    """The document after accepting `item` offered at (line, character): its textEdit
    (or insertText / label at the cursor) and additionalTextEdits, snippets expanded."""
    edits = []
    te = item.get("textEdit")
    new = te["newText"] if te else item.get("insertText") or item["label"]
    if item.get("insertTextFormat") == 2:
        new = expand_snippet(new)
    if item.get("insertTextMode", 2) == 2 and "\n" in new:
        # adjustIndentation (what VS Code does): the lines after the first get the
        # indentation of the line the completion is accepted on.
        cur = text.split("\n")[line]
        indent = cur[:len(cur) - len(cur.lstrip(" "))]
        new = new.replace("\n", "\n" + indent)
    if te:
        rng = te.get("range") or te.get("replace")
        edits.append((_offset(text, rng["start"]), _offset(text, rng["end"]), new))
    else:
        # Without a range, clients replace the word before the cursor.
        at = _offset(text, {"line": line, "character": character})
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-."):
            start -= 1
        edits.append((start, at, new))
    for e in item.get("additionalTextEdits") or []:
        edits.append((_offset(text, e["range"]["start"]), _offset(text, e["range"]["end"]),
                      e["newText"]))
    for a, b, t in sorted(edits, reverse=True):
        text = text[:a] + t + text[b:]
    return text
