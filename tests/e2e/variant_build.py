"""Builds a bootstrap from another project file, for end-to-end tests that need
compiled settings examples/leec.yaml does not have (token from SSM, mTLS client
certificate, ...).

  variant_bootstrap(name, yaml_text, extra_args=()) -> path of <LEEC_BUILD_DIR>/<name>/runtime/bootstrap

The project file is written to <LEEC_BUILD_DIR>/<name>/leec-<name>.yaml only when
its text changed (so a second run rebuilds nothing), then configured with
-DLEEC_CONFIG=that file -DLEEC_BUILD_TESTS=OFF, reusing the main build's leec as
LEEC_HOST_TOOL (no second compiler build) and the main build's LEEC_SANITIZE /
CMAKE_BUILD_TYPE, and only the target bootstrap is built (-j2). A file lock
serialises concurrent builders of the same variant.
"""
import fcntl
import os
import re
import subprocess
import unittest

import harness


def example_with(replacements):
    """examples/leec.yaml with each (regex, replacement) applied once (must match)."""
    with open(os.path.join(harness.source_dir(), "examples", "leec.yaml")) as f:
        text = f.read()
    for pat, rep in replacements:
        text, n = re.subn(pat, rep, text, count=1, flags=re.M | re.S)
        if n != 1:
            raise AssertionError("examples/leec.yaml no longer matches %r" % pat)
    return text


def variant_bootstrap(name, yaml_text, extra_args=()):
    leec = os.path.join(harness.build_dir(), "compiler", "leec")
    harness.require_file(leec)
    d = os.path.join(harness.build_dir(), name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        cfg = os.path.join(d, "leec-%s.yaml" % name)
        old = None
        if os.path.exists(cfg):
            with open(cfg) as f:
                old = f.read()
        if old != yaml_text:
            with open(cfg, "w") as f:
                f.write(yaml_text)
        args = ["cmake", "-S", harness.source_dir(), "-B", d, "-DLEEC_CONFIG=" + cfg,
                "-DLEEC_BUILD_TESTS=OFF", "-DLEEC_BUILD_COMPILER=OFF",
                "-DLEEC_HOST_TOOL=" + leec]
        for key in ("LEEC_SANITIZE", "CMAKE_BUILD_TYPE", "LEEC_WERROR", "LEEC_LEAN", "LEEC_LEAN_TLS",
                    "LEEC_LEAN_CA_BUNDLE", "LEEC_LEAN_DEPS_DIR"):
            v = harness.cmake_cache(key)
            if v is not None:
                args.append("-D%s=%s" % (key, v))
        args += list(extra_args)  # after the inherited ones: they win
        for cmd in (args, ["cmake", "--build", d, "-j2", "--target", "bootstrap"]):
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                raise AssertionError("%s failed:\n%s" % (" ".join(cmd),
                                                         p.stdout.decode(errors="replace")[-3000:]))
    path = os.path.join(d, "runtime", "bootstrap")
    if not os.path.exists(path):
        raise unittest.SkipTest("variant bootstrap %s was not built" % name)
    return path
