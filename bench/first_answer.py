#!/usr/bin/python3
"""bench/first_answer.py: the first answer after a cold start at Lambda's CPU share, against
the floor, in one run, as ratios.

A 128 MB Lambda function gets 128/1769 of one vCPU; only its init phase (exec -> first
GET /next) runs unthrottled. This measures, for the packaged bootstrap and for the floor
client (bench/floor_client_tls: floor_client.c built with OpenSSL, FLOOR_HA_URL: one verified OpenSSL handshake
and one POST of the same directive, opened in the invocation), both under the local Lambda
emulator, POSTing a Smart Home TurnOn directive to the HA simulator over HTTPS. The bootstrap
connects to Home Assistant during init (the TLS handshake runs unthrottled, as on Lambda);
"no-init-conn" is the same bootstrap with LEEC_HA_PRECONNECT=false (its handshake in the
invocation, like the floor client's):

  CPU      user + sys CPU time of the process (all its threads, exited ones too) from exec to
           the moment its answer reaches the emulator: the cgroup's CPU accounting
           (v1 cpuacct.usage, v2 cpu.stat usage_usec), the process joining the cgroup
           between fork and exec; what getrusage would sum, at ns resolution
  wall     exec -> answer (init_ms + duration_ms) without a quota
  quota    the same with the invocation phase inside a CPU quota of 128/1769 of a CPU
           (--quota-us per --period-us, default 7236 per 100000: v1 cpu.cfs_quota_us, v2
           cpu.max): the process is moved into that cgroup when it asks for its first event,
           so init runs unthrottled as on Lambda; "inv" is that invocation (event delivered ->
           answer), "total" init + inv

for an ECDSA P-256 and an RSA 2048 server certificate (each with its own CA of the same kind),
--runs interleaved rounds (every round runs every program and certificate kind, free and under
the quota, in turn), medians, and prints the bootstrap's ratio to the floor. When the cgroups
cannot be created (not root, no cpu controller) it says so and prints only the wall figures
(and CPU from /proc/<pid>/task/*/schedstat, which misses exited threads).

Usage: /usr/bin/python3 bench/first_answer.py [--build build] [--bootstrap PATH | --tls wolfssl]
           [--runs 7] [--certs ecdsa,rsa] [--quota-us 7236] [--period-us 100000]
           [--work build-bench] [--smoke]
  --bootstrap PATH  measure this bootstrap (e.g. build/runtime/bootstrap) instead of building
                    the package (make -f Makefile.deploy package, cached as bench/lean.py does)
  --wrap CMD        run the bootstrap through CMD (e.g. "qemu-aarch64 -L ROOT": an arm64
                    bootstrap under qemu-user; its CPU is then the emulator's, not an arm core's)
  --smoke           one round, checks that both programs answer and that the figures are
                    there, exit status 1 otherwise (the CTest bench_first_answer_smoke)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "peers"))
sys.path.insert(0, HERE)
from lambda_emulator import LambdaEmulator  # noqa: E402
from ha_simulator import HASimulator  # noqa: E402
from tls_fixtures import TLSFixtures  # noqa: E402
import capability_plans  # noqa: E402

TOKEN = "test-token-good"
LAMBDA_LD = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:{t}:{t}/lib:/opt/lib"
CG = "/sys/fs/cgroup"


def openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit("openssl %s: %s" % (" ".join(args), r.stderr.decode()))


def rsa_fixtures(d):
    """An RSA 2048 CA and an RSA 2048 server certificate (same names as TLSFixtures')."""
    os.makedirs(d, exist_ok=True)
    ca, cak = os.path.join(d, "rsa-ca.crt"), os.path.join(d, "rsa-ca.key")
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cak, "-out", ca,
             "-days", "2", "-subj", "/CN=leec bench RSA CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    key, csr, crt, ext = (os.path.join(d, "rsa-server" + e) for e in (".key", ".csr", ".crt",
                                                                        ".ext"))
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,"
                "keyEncipherment\n")
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
             "-subj", "/CN=localhost"], d)
    openssl(["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cak, "-CAcreateserial",
             "-out", crt, "-days", "2", "-extfile", ext], d)
    return ca, crt, key


class Cgroups:
    """Per-start cgroups: one accounting the process's CPU from exec, one with the quota that
    the process joins at its first GET /next. self.why is None when usable, else the reason."""

    def __init__(self, quota_us, period_us):
        self.quota, self.period = quota_us, period_us
        self.why, self.kind, self.n = None, None, 0
        self.acct = self.cpu = None
        try:
            if os.geteuid() != 0:
                raise OSError("not root")
            if os.path.exists(os.path.join(CG, "cgroup.controllers")):
                if "cpu" not in open(os.path.join(CG, "cgroup.controllers")).read().split():
                    raise OSError("cgroup v2 without the cpu controller")
                with open(os.path.join(CG, "cgroup.subtree_control"), "w") as f:
                    f.write("+cpu")
                self.kind = "v2"
            elif os.path.exists(os.path.join(CG, "cpu", "cpu.cfs_quota_us")) and \
                    os.path.exists(os.path.join(CG, "cpuacct", "cpuacct.usage")):
                self.kind = "v1"
            else:
                raise OSError("neither cgroup v2 with cpu nor v1 cpu+cpuacct under " + CG)
            self.new()  # a trial: can we create them?
            self.remove()
        except OSError as ex:
            self.why = "cannot create a CPU cgroup (%s)" % ex
            self.kind = None

    def new(self):
        self.n += 1
        name = "leec-first-answer-%d-%d" % (os.getpid(), self.n)
        if self.kind == "v2":
            self.acct = self.cpu = os.path.join(CG, name)
            os.mkdir(self.acct)
            self._write(self.cpu, "cpu.max", "max %d" % self.period)
        else:
            self.acct = os.path.join(CG, "cpuacct", name)
            self.cpu = os.path.join(CG, "cpu", name)
            os.mkdir(self.acct)
            os.mkdir(self.cpu)
            self._write(self.cpu, "cpu.cfs_period_us", str(self.period))
            self._write(self.cpu, "cpu.cfs_quota_us", str(self.quota))

    @staticmethod
    def _write(d, f, v):
        with open(os.path.join(d, f), "w") as fh:
            fh.write(v)

    def join_acct(self):
        """In the child, between fork and exec."""
        self._write(self.acct, "cgroup.procs", str(os.getpid()))

    def throttle(self, pid):
        if self.kind == "v2":
            self._write(self.cpu, "cpu.max", "%d %d" % (self.quota, self.period))
        else:
            self._write(self.cpu, "cgroup.procs", str(pid))

    def cpu_ns(self):
        if self.kind == "v2":
            for ln in open(os.path.join(self.acct, "cpu.stat")):
                if ln.startswith("usage_usec "):
                    return int(ln.split()[1]) * 1000
        return int(open(os.path.join(self.acct, "cpuacct.usage")).read())

    def throttled(self):
        for ln in open(os.path.join(self.cpu, "cpu.stat")):
            if ln.startswith("nr_throttled "):
                return int(ln.split()[1])
        return 0

    def remove(self):
        for d in {self.acct, self.cpu}:
            for _ in range(100):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)  # the killed process is not reaped yet


def schedstat_ns(pid):
    total = 0
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
    except OSError:
        pass
    return total


def one_start(prog, ha, ca, cg, quota):
    """Spawns prog, sends the directive, returns {cpu_ms, wall_ms, init_ms, inv_ms, thr}."""
    env = dict(prog["env"])
    env.update(prog["ha_env"](ha.url, ca))
    got = {}
    use_cg = cg.kind is not None
    if use_cg:
        cg.new()

    def first_next(pid):
        if quota and use_cg:
            cg.throttle(pid)

    def answered(pid):
        if "cpu" not in got:
            got["cpu"] = cg.cpu_ns() if use_cg else schedstat_ns(pid)

    emu = LambdaEmulator(prog["cmd"], env=env, task_root=prog["root"], cwd=prog["root"],
                         timeout_s=20, after_answer_s=0.2,
                         preexec_fn=cg.join_acct if use_cg else None,
                         on_first_next=first_next, on_answer=answered).start()
    try:
        msg = capability_plans.make_directive("Alexa.PowerController", "TurnOn", "light#kitchen",
                                              {}, TOKEN)
        r = emu.invoke(json.dumps(msg).encode())
        body = json.loads(r["body"]) if r["status"] == "ok" else {}
        name = body.get("event", {}).get("header", {}).get("name")
        if name != "Response":
            raise SystemExit("%s: no Response: %s %s %s" % (prog["name"], r["status"],
                                                           r["body"][:300],
                                                           "".join(r.get("logs") or [])[-2000:]))
        thr = cg.throttled() if (use_cg and quota) else None
        return {"cpu": got["cpu"] / 1e6, "init": r["init_ms"], "inv": r["duration_ms"],
                "wall": r["init_ms"] + r["duration_ms"], "thr": thr}
    finally:
        emu.stop()
        if use_cg:
            cg.remove()


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--bootstrap", help="this bootstrap instead of the package")
    ap.add_argument("--tls", default="wolfssl", help="the package's TLS (Makefile.deploy TLS=)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--certs", default="ecdsa,rsa")
    ap.add_argument("--quota-us", type=int, default=7236)
    ap.add_argument("--period-us", type=int, default=100000)
    ap.add_argument("--work", default=os.path.join(SRC, "build-bench"))
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--wrap", default="",
                    help="run the bootstrap through this command, e.g. 'qemu-aarch64 -L ROOT' "
                         "for an arm64 bootstrap (its CPU is then the emulator's)")
    a = ap.parse_args()
    if a.smoke:
        a.runs = 1
    floor = os.path.join(a.build, "bench", "floor_client_tls")
    if not os.path.exists(floor):
        raise SystemExit("%s not built (needs libssl-dev at configure time): cmake --build %s -j2"
                         % (floor, a.build))
    progs = [{"name": "floor_client", "cmd": [floor], "root": os.path.dirname(floor), "env": {},
              "ha_env": lambda url, ca: {"FLOOR_HA_URL": url, "FLOOR_HA_TOKEN": TOKEN,
                                         "FLOOR_CA_BUNDLE": ca}}]
    if a.bootstrap:
        boot = os.path.abspath(a.bootstrap)
        progs.append({"name": "bootstrap", "cmd": a.wrap.split() + [boot],
                      "root": os.path.dirname(boot), "env": {}})
        what = boot + (" under " + a.wrap if a.wrap else "")
    else:
        import lean  # noqa: E402  (bench/lean.py: the cached package build)
        print("building lean package TLS=%s ..." % a.tls, file=sys.stderr, flush=True)
        p = lean.package(a.work, "lean-" + a.tls, ["TLS=" + a.tls])
        progs.append({"name": "bootstrap", "cmd": p["cmd"], "root": p["root"], "env": p["env"]})
        what = "function.zip (TLS=%s, %d bytes)" % (a.tls, p["zip"])
    progs[1]["ha_env"] = lambda url, ca: {"LEEC_HA_URL": url, "LEEC_CA_BUNDLE": ca}
    # The same bootstrap without its connection during init (LEEC_HA_PRECONNECT=false): the
    # handshake then runs in the first invocation, as the floor client's does. What moving it
    # into init buys, in the same run.
    progs.append(dict(progs[1], name="no-init-conn",
                      ha_env=lambda url, ca: {"LEEC_HA_URL": url, "LEEC_CA_BUNDLE": ca,
                                              "LEEC_HA_PRECONNECT": "false"}))

    cg = Cgroups(a.quota_us, a.period_us)
    fxdir = os.path.join(a.work, "first-answer-tls")
    os.makedirs(fxdir, exist_ok=True)
    fx = TLSFixtures(os.path.join(fxdir, "ecdsa"))
    certs = {"ecdsa": (fx.ca_cert, fx.server_cert, fx.server_key),
             "rsa": rsa_fixtures(os.path.join(fxdir, "rsa"))}
    kinds = [k for k in a.certs.split(",") if k]
    for k in kinds:
        if k not in certs:
            raise SystemExit("--certs: ecdsa and/or rsa")
    sims = {k: HASimulator(tokens=[TOKEN], tls_cert=certs[k][1], tls_key=certs[k][2]).start()
            for k in kinds}
    modes = [False, True] if cg.kind else [False]
    res = {(k, p["name"], q): [] for k in kinds for p in progs for q in modes}
    try:
        for k in kinds:  # warm-up: page cache, the simulator's first handshake
            for p in progs:
                one_start(p, sims[k], certs[k][0], cg, False)
        for i in range(a.runs):
            print("round %d/%d" % (i + 1, a.runs), file=sys.stderr, flush=True)
            for k in kinds:
                for p in progs:
                    for q in modes:
                        res[(k, p["name"], q)].append(
                            one_start(p, sims[k], certs[k][0], cg, q))
    finally:
        for s in sims.values():
            s.stop()

    print()
    print("bench/first_answer.py, %s, %d CPUs, %s, medians of %d interleaved rounds" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), what, a.runs))
    if cg.kind:
        print("CPU: cgroup %s accounting from exec to the answer; quota: %d us per %d us "
              "(%.4f of a CPU) from the first GET /next, init unthrottled" % (
                  cg.kind, a.quota_us, a.period_us, a.quota_us / a.period_us))
    else:
        print("NO QUOTA FIGURES: %s; CPU from /proc/<pid>/task/*/schedstat (live threads "
              "only)" % cg.why)
    print("%-7s %-13s %8s %7s %8s %7s %9s %7s %10s %7s %5s" % (
        "cert", "program", "CPU ms", "x floor", "wall ms", "x floor", "quota inv", "x floor",
        "quota tot", "x floor", "thr"))
    ok = True
    for k in kinds:
        fl = {q: res[(k, "floor_client", q)] for q in modes}
        for p in progs:
            r = {q: res[(k, p["name"], q)] for q in modes}
            cpu = med([x["cpu"] for x in r[False]])
            fcpu = med([x["cpu"] for x in fl[False]])
            wall = med([x["wall"] for x in r[False]])
            fwall = med([x["wall"] for x in fl[False]])
            line = "%-7s %-13s %8.2f %7.2f %8.1f %7.2f" % (k, p["name"], cpu, cpu / fcpu, wall,
                                                         wall / fwall)
            if True in r:
                qi = med([x["inv"] for x in r[True]])
                fqi = med([x["inv"] for x in fl[True]])
                qt = med([x["wall"] for x in r[True]])
                fqt = med([x["wall"] for x in fl[True]])
                thr = med([x["thr"] for x in r[True]])
                line += " %9.1f %7.2f %10.1f %7.2f %5g" % (qi, qi / fqi, qt, qt / fqt, thr)
            print(line)
            ok = ok and cpu > 0 and wall > 0
    print("CPU: user+sys of all threads, exec -> answer (both certificate verifications, key "
          "exchange, process start); wall: exec -> answer unthrottled; quota inv: the first "
          "invocation (event -> answer) under the quota, quota tot: init + that; thr: periods "
          "throttled (median)")
    if a.smoke and not ok:
        raise SystemExit("smoke: missing figures")


if __name__ == "__main__":
    main()
