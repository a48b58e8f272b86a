"""Helpers for leec's end-to-end tests (Python standard library only).

CTest runs tests/e2e/test_*.py with Debian's /usr/bin/python3 and sets
LEEC_SOURCE_DIR and LEEC_BUILD_DIR; without them the paths are derived from
this file (source tree) and <source>/build.

Importing this module puts tests/peers on sys.path, so tests can also
`from lambda_emulator import LambdaEmulator` directly.

API
  source_dir() -> str              the source tree (LEEC_SOURCE_DIR)
  build_dir() -> str               the build tree (LEEC_BUILD_DIR)
  peers_dir() -> str               tests/peers
  bootstrap_path() -> str          <build>/runtime/bootstrap (may not exist yet)
  require_file(path) -> str        path, or unittest.SkipTest if it does not exist
  free_port() -> int               a free TCP port on 127.0.0.1 (bound then released)
  fake_function(mode="serve") -> list
                                   argv of tests/peers/fake_function.py (a Python function
                                   speaking the Runtime API; see its docstring for modes)
  compile_c(src, out_dir, flags=("-O2",)) -> str
                                   cc one C file (e.g. bench/floor_client.c) into out_dir
  sanitizer_env() -> dict          ASAN_OPTIONS/UBSAN_OPTIONS/LSAN_OPTIONS of this process,
                                   to pass to a sanitized bootstrap (the emulator scrubs the rest)
  start_emulator(command=None, env=None, **kw) -> LambdaEmulator
                                   started emulator (the function starts on the first invoke);
                                   command defaults to bootstrap_path(); env is merged over
                                   sanitizer_env(); kw go to LambdaEmulator (timeout_s,
                                   memory_mb, log_format, log_level, function_name, ...).
                                   Use as a context manager or call .stop().
  event_bytes(obj) -> bytes        JSON-encode an event
  cmake_cache(key) -> str|None     a value of the build tree's CMakeCache.txt (None: absent)
  lean_build() -> bool             the build under test links the lean libcurl (LEEC_LEAN=ON:
                                   what the zip ships: static wolfSSL, leec's curl patches)
"""
import json
import os
import socket
import subprocess
import sys
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))


def source_dir():
    return os.path.abspath(os.environ.get("LEEC_SOURCE_DIR")
                           or os.path.dirname(os.path.dirname(_HERE)))


def build_dir():
    return os.path.abspath(os.environ.get("LEEC_BUILD_DIR") or os.path.join(source_dir(), "build"))


def peers_dir():
    return os.path.join(source_dir(), "tests", "peers")


if peers_dir() not in sys.path:
    sys.path.insert(0, peers_dir())

from lambda_emulator import LambdaEmulator  # noqa: E402


def bootstrap_path():
    return os.path.join(build_dir(), "runtime", "bootstrap")


def require_file(path):
    if not os.path.exists(path):
        raise unittest.SkipTest("%s not built" % path)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_function(mode="serve"):
    return [sys.executable, os.path.join(peers_dir(), "fake_function.py"), mode]


def compile_c(src, out_dir, flags=("-O2",)):
    if not os.path.isabs(src):
        src = os.path.join(source_dir(), src)
    out = os.path.join(out_dir, os.path.splitext(os.path.basename(src))[0])
    subprocess.run(["cc", *flags, "-Wall", "-Wextra", "-Werror", src, "-o", out], check=True)
    return out


def sanitizer_env():
    return {k: v for k, v in os.environ.items()
            if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")}


def start_emulator(command=None, env=None, **kw):
    merged = sanitizer_env()
    merged.update(env or {})
    return LambdaEmulator(command or [bootstrap_path()], env=merged, **kw).start()


def event_bytes(obj):
    return json.dumps(obj).encode()


def cmake_cache(key):
    try:
        with open(os.path.join(build_dir(), "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def lean_build():
    return (cmake_cache("LEEC_LEAN") or "").upper() in ("ON", "TRUE", "1", "YES")
