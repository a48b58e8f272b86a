#!/usr/bin/python3
"""What a deployment takes from a leec project file, and the SAM template made from it.

    template.py facts PROJECT [--leec LEEC]
        memory_mb=N timeout_s=N architecture=A ssm=/a,/b     (one line, for Makefile.deploy)
    template.py template PROJECT --arch A --zip ZIP -o OUT [--leec LEEC] [--base T]
        writes OUT: examples/template.yaml with CodeUri -> ZIP (relative to OUT), Architectures
        [A], MemorySize and Timeout of the project's lambda.*, and ssm:GetParameter (plus
        kms:Decrypt through SSM only) for every SSM parameter the project names

lambda.memory_mb / timeout / architecture are the resolved values (preset, tiers and
overrides) as `leec explain` prints them; the timeout is rounded up to whole seconds (what
Lambda takes). SSM parameters: every `ssm:` secret reference in the project file
(home_assistant.token, home_assistant.headers, ...). Needs python3-yaml.
Exit 0, or 2 with a message on stderr.
"""
import argparse
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "template.yaml")
UNITS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600}


def die(msg):
    sys.stderr.write("template.py: %s\n" % msg)
    sys.exit(2)


def default_leec():
    for p in (os.environ.get("LEEC"), os.path.join(os.path.dirname(HERE), "build", "compiler", "leec")):
        if p and os.access(p, os.X_OK):
            return p
    die("no leec binary: pass --leec or build it (cmake -S . -B build && cmake --build build --target leec)")


def lambda_values(project, leec):
    r = subprocess.run([leec, "explain", project], capture_output=True, text=True)
    if r.returncode != 0:
        die("leec explain %s failed:\n%s" % (project, r.stderr))
    vals, inside = {}, False
    for line in r.stdout.splitlines():
        if re.match(r"^lambda: ", line):
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r"^\s+(\w+)\s+(\S+(?: \S+)?)\s{2,}", line)
            if m:
                vals[m.group(1)] = m.group(2)
    try:
        mem = int(vals["memory_mb"])
        num, unit = re.match(r"^([0-9.]+) ?([a-z]+)$", vals["timeout"]).groups()
        timeout = int(math.ceil(float(num) * UNITS[unit] - 1e-9))
        arch = vals["architecture"]
    except (KeyError, AttributeError, ValueError) as e:
        die("cannot read lambda.* from `leec explain %s` (%s)" % (project, e))
    return mem, timeout, arch


def ssm_names(project):
    import yaml
    with open(project) as f:
        doc = yaml.safe_load(f) or {}
    out = []

    def walk(v):
        if isinstance(v, dict):
            s = v.get("ssm")
            if isinstance(s, str) and s and s not in out:
                out.append(s)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return out


def facts(project, leec):
    mem, timeout, arch = lambda_values(project, leec)
    return {"memory_mb": mem, "timeout_s": timeout, "architecture": arch,
            "ssm": ssm_names(project)}


def replace_once(text, old, new):
    if text.count(old) != 1:
        die("base template: expected exactly one %r" % old.strip())
    return text.replace(old, new)


def render(base_text, project, arch, code_uri, f):
    t = base_text
    t = replace_once(t, "      CodeUri: ../build-deploy/x86_64/function.zip\n",
                     "      CodeUri: %s\n" % code_uri)
    t = replace_once(t, "      Architectures: [x86_64]\n", "      Architectures: [%s]\n" % arch)
    t = replace_once(t, "      MemorySize: 128\n", "      MemorySize: %d\n" % f["memory_mb"])
    t = replace_once(t, "      Timeout: 8\n", "      Timeout: %d\n" % f["timeout_s"])
    stmts = ""
    if f["ssm"]:
        stmts = ("              - Sid: ProjectSsmParameters\n"
                 "                Effect: Allow\n"
                 "                Action: ssm:GetParameter\n"
                 "                Resource:\n")
        for name in f["ssm"]:
            stmts += ("                  - !Sub arn:${AWS::Partition}:ssm:${Region}:"
                      "${AWS::AccountId}:parameter/%s\n" % name.lstrip("/"))
        stmts += ("              - Sid: DecryptProjectParametersThroughSsmOnly\n"
                  "                Effect: Allow\n"
                  "                Action: kms:Decrypt\n"
                  "                Resource: !Sub arn:${AWS::Partition}:kms:${Region}:"
                  "${AWS::AccountId}:key/*\n"
                  "                Condition:\n"
                  "                  StringEquals:\n"
                  "                    kms:ViaService: !Sub ssm.${Region}.amazonaws.com\n")
    t = replace_once(t, "              # leec: SSM parameters of the project file\n",
                     "              # leec: SSM parameters of the project file (%s)\n%s"
                     % (", ".join(f["ssm"]) or "none", stmts))
    head = ("# Generated by examples/template.py from %s (architecture %s): do not edit;\n"
            "# regenerate with `make -f Makefile.deploy template PROJECT=%s ARCH=%s`.\n"
            % (project, arch, project, arch))
    return head + t


def main(argv=None):
    ap = argparse.ArgumentParser(prog="template.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p1 = sub.add_parser("facts")
    p1.add_argument("project")
    p1.add_argument("--leec")
    p2 = sub.add_parser("template")
    p2.add_argument("project")
    p2.add_argument("--arch", required=True, choices=("x86_64", "arm64"))
    p2.add_argument("--zip", required=True)
    p2.add_argument("-o", "--out", required=True)
    p2.add_argument("--leec")
    p2.add_argument("--base", default=BASE)
    a = ap.parse_args(argv)
    if not os.path.isfile(a.project):
        die("project file %s not found" % a.project)
    f = facts(a.project, a.leec or default_leec())
    if a.cmd == "facts":
        print("memory_mb=%d timeout_s=%d architecture=%s ssm=%s"
              % (f["memory_mb"], f["timeout_s"], f["architecture"], ",".join(f["ssm"])))
        return 0
    with open(a.base) as fh:
        base = fh.read()
    out_dir = os.path.dirname(os.path.abspath(a.out))
    code_uri = os.path.relpath(os.path.abspath(a.zip), out_dir)
    text = render(base, a.project, a.arch, code_uri, f)
    os.makedirs(out_dir, exist_ok=True)
    with open(a.out, "w") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
