#!/usr/bin/python3
"""Test-time TLS material made with the openssl CLI (nothing is checked in).

    fx = TLSFixtures()            # creates a temp dir and everything in it
    fx.ca_cert                    # CA that signed the good server cert
    fx.server_cert, fx.server_key # CN=localhost, SAN IP:127.0.0.1, DNS:localhost
    fx.other_ca_cert              # unrelated CA ("wrong cert" case)
    fx.wrong_server_cert, fx.wrong_server_key   # same names, signed by other CA
    fx.client_ca_cert             # CA for mTLS client certificates
    fx.client_cert, fx.client_key # client certificate signed by client CA
    fx.rogue_client_cert, fx.rogue_client_key   # client cert signed by other CA
    fx.cleanup()                  # or use as a context manager

CLI: tls_fixtures.py DIR   -> writes the files into DIR and prints their paths.
"""
import os
import shutil
import subprocess
import sys
import tempfile

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


def _run(args, cwd):
    p = subprocess.run([OPENSSL] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args),
                                                      p.stderr.decode(errors="replace")))


def _make_ca(d, name, cn):
    key, crt = os.path.join(d, name + ".key"), os.path.join(d, name + ".crt")
    _run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=" + cn,
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    return crt, key


def _make_leaf(d, name, cn, ca_crt, ca_key, server=True):
    key, csr, crt = (os.path.join(d, name + ext) for ext in (".key", ".csr", ".crt"))
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\n")
        if server:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
            f.write("extendedKeyUsage=serverAuth\n")
        else:
            f.write("extendedKeyUsage=clientAuth\n")
        f.write("keyUsage=critical,digitalSignature,keyEncipherment\n")
    _run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", key, "-out", csr, "-subj", "/CN=" + cn], d)
    _run(["x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
          "-out", crt, "-days", "2", "-extfile", ext], d)
    return crt, key


class TLSFixtures:
    def __init__(self, directory=None):
        self._own = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="leec-tls-")
        os.makedirs(self.dir, exist_ok=True)
        d = self.dir
        self.ca_cert, self.ca_key = _make_ca(d, "ca", "leec test CA")
        self.server_cert, self.server_key = _make_leaf(d, "server", "localhost",
                                                       self.ca_cert, self.ca_key)
        self.other_ca_cert, self.other_ca_key = _make_ca(d, "other-ca", "unrelated CA")
        self.wrong_server_cert, self.wrong_server_key = _make_leaf(
            d, "wrong-server", "localhost", self.other_ca_cert, self.other_ca_key)
        self.client_ca_cert, self.client_ca_key = _make_ca(d, "client-ca", "leec client CA")
        self.client_cert, self.client_key = _make_leaf(
            d, "client", "leec-lambda", self.client_ca_cert, self.client_ca_key, server=False)
        self.rogue_client_cert, self.rogue_client_key = _make_leaf(
            d, "rogue-client", "rogue", self.other_ca_cert, self.other_ca_key, server=False)

    def cleanup(self):
        if self._own:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def paths(self):
        return {k: v for k, v in vars(self).items() if k.endswith(("_cert", "_key"))}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: tls_fixtures.py DIR\n")
        sys.exit(2)
    fx = TLSFixtures(sys.argv[1])
    for k, v in sorted(fx.paths().items()):
        print("%s=%s" % (k, v))
