#!/usr/bin/python3
"""What a deployment takes from a leec project file, and the SAM template made from it.

    template.py facts PROJECT [--leec LEEC]
        memory_mb=N timeout_s=N architecture=A ssm=/a,/b files=f1,f2 ca_bundle=yes|
        (one line, for Makefile.deploy)
    template.py template PROJECT --arch A --zip ZIP -o OUT [--leec LEEC] [--base T]
        writes OUT: examples/template.yaml with CodeUri -> ZIP (relative to OUT), Architectures
        [A], MemorySize and Timeout of the project's lambda.*, and ssm:GetParameter (plus
        kms:Decrypt through SSM only) for every SSM parameter the project names

Everything comes from the project's facts, `leec explain --format json PROJECT`
(docs/facts.md): lambda.memory_mb / timeout_s / architecture (resolved: preset, tiers and
overrides; the timeout already in whole seconds), secrets.ssm_parameters (every `ssm:` secret
the project names), files (what the bootstrap opens, packaged at the same path) and
home_assistant.tls.ca_bundle. This script never reads the YAML.
Exit 0, or 2 with a message on stderr.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "template.yaml")


def die(msg):
    sys.stderr.write("template.py: %s\n" % msg)
    sys.exit(2)


def default_leec():
    for p in (os.environ.get("LEEC"), os.path.join(os.path.dirname(HERE), "build", "compiler", "leec")):
        if p and os.access(p, os.X_OK):
            return p
    die("no leec binary: pass --leec or build it (cmake -S . -B build && cmake --build build --target leec)")


def project_facts(project, leec):
    """The project's facts: `leec explain --format json` (docs/facts.md)."""
    r = subprocess.run([leec, "--format", "json", "explain", project], capture_output=True,
                       text=True)
    if r.returncode != 0:
        die("leec explain %s failed:\n%s" % (project, r.stderr))
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        die("leec explain --format json %s: not JSON (%s)" % (project, e))


def facts(project, leec):
    f = project_facts(project, leec)
    try:
        lam = f["lambda"]
        return {"memory_mb": int(lam["memory_mb"]), "timeout_s": int(lam["timeout_s"]),
                "architecture": lam["architecture"],
                "ssm": list(f["secrets"]["ssm_parameters"]),
                "files": list(f.get("files") or []),
                "ca_bundle": bool(f["home_assistant"]["tls"].get("ca_bundle")),
                "metrics": f["metrics"], "facts": f}
    except (KeyError, TypeError, ValueError) as e:
        die("the facts of %s lack %s (leec too old?)" % (project, e))


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
    # Alarms on the compiled metric set (the facts' metrics.names: never typed here twice):
    # BreakerOpen, the breaker opening after consecutive Home Assistant failures.
    m = f["metrics"]
    names = [x["name"] for x in m.get("names", [])] if m.get("enabled") else []
    extra = ""
    if "BreakerOpen" in names:
        extra = ("  HomeAssistantAlarm:\n"
                 "    Type: AWS::CloudWatch::Alarm\n"
                 "    Condition: HasAlarms\n"
                 "    Properties:\n"
                 "      AlarmName: !Sub ${FunctionName}-home-assistant\n"
                 "      AlarmDescription: !Sub \"leec: calls to Home Assistant failed until the "
                 "breaker opened (${FunctionName})\"\n"
                 "      Namespace: %s\n"
                 "      MetricName: BreakerOpen\n"
                 "      Dimensions:\n"
                 "        - Name: service\n"
                 "          Value: !Ref FunctionName\n"
                 "      Statistic: Sum\n"
                 "      Period: 3600\n"
                 "      EvaluationPeriods: 1\n"
                 "      Threshold: 1\n"
                 "      ComparisonOperator: GreaterThanOrEqualToThreshold\n"
                 "      TreatMissingData: notBreaching\n"
                 "      AlarmActions: !If [HasAlarmTopic, [!Ref AlarmTopic], !Ref \"AWS::NoValue\"]\n"
                 "      OKActions: !If [HasAlarmTopic, [!Ref AlarmTopic], !Ref \"AWS::NoValue\"]\n\n"
                 % json.dumps(m["namespace"]))
    t = replace_once(t, "  # leec: alarms on the project's compiled metrics\n",
                     "  # leec: alarms on the project's compiled metrics\n" + extra)
    al = f["facts"].get("alarms") or {}
    t = replace_once(t, '    Default: "true"\n    AllowedValues: ["true", "false"]\n',
                     '    Default: "%s"\n    AllowedValues: ["true", "false"]\n'
                     % ("true" if al.get("enabled", True) else "false"))
    if al.get("email"):
        desc = ("    Description: Where alarms are mailed (the project's alarms.email; empty = "
                "console only)\n")
        t = replace_once(t, desc + '    Default: ""\n',
                         desc + "    Default: %s\n" % json.dumps(al["email"]))
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
        print("memory_mb=%d timeout_s=%d architecture=%s ssm=%s files=%s ca_bundle=%s"
              % (f["memory_mb"], f["timeout_s"], f["architecture"], ",".join(f["ssm"]),
                 ",".join(f["files"]), "yes" if f["ca_bundle"] else ""))
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
