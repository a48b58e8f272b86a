#!/usr/bin/python3
"""One list, every consumer (issue 18): a metric, an enum value, an intent or a project
file key added to leec's YAML without its runtime counterpart stops the build of the
bootstrap, and so does one the runtime has that the YAML does not declare. Each case edits a copy of the
catalog, compiles the example project with it (leec --root), and compiles core/bind.c
and leec_messages.c against the result with the C compiler (-fsyntax-only)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = harness.source_dir()
LEEC = os.path.join(harness.build_dir(), "compiler", "leec")
RUNTIME = os.path.join(SRC, "runtime")


def cc():
    return shutil.which("cc") or shutil.which("gcc")


class OneList(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_file(LEEC)
        if not cc():
            raise unittest.SkipTest("no C compiler")

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.root = os.path.join(self.tmp, "catalog")
        for d in ("schemas", "presets"):
            shutil.copytree(os.path.join(SRC, d), os.path.join(self.root, d))

    def edit(self, rel, old, new):
        p = os.path.join(self.root, rel)
        with open(p) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(p, "w") as f:
            f.write(text.replace(old, new, 1))

    def build(self, runtime=RUNTIME):
        """leec compile with the edited catalog, then bind.c and leec_messages.c through
        the C compiler: (returncode, compiler output)."""
        gen = os.path.join(self.tmp, "gen")
        r = subprocess.run([LEEC, "--root", self.root, "compile",
                            os.path.join(SRC, "examples", "leec.yaml"), "-o", gen],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        out, rc = "", 0
        for src in (os.path.join(runtime, "core", "bind.c"),
                    os.path.join(gen, "leec_messages.c")):
            c = subprocess.run([cc(), "-std=c11", "-fsyntax-only", "-I", gen, "-I", runtime,
                                "-I/usr/include/cjson", src], capture_output=True, text=True)
            out += c.stderr
            rc = rc or c.returncode
        return rc, out

    def test_unchanged_catalog_builds(self):
        rc, out = self.build()
        self.assertEqual(rc, 0, out)

    def test_metric_without_a_producer(self):
        self.edit("schemas/metrics.yaml", "metrics:\n",
                  "metrics:\n  - name: QueueDepth\n    unit: Count\n    when: \"true\"\n")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("APP_METRIC_QueueDepth", out)

    def test_metric_the_schemas_do_not_declare(self):
        rt = os.path.join(self.tmp, "runtime")
        shutil.copytree(RUNTIME, rt)
        p = os.path.join(rt, "core", "config.h")
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write(text.replace("X(ColdStart)", "X(ColdStart) X(Undeclared)", 1))
        rc, out = self.build(runtime=rt)
        self.assertNotEqual(rc, 0)
        self.assertIn("APP_METRICS and the schemas", out)

    def test_enum_value_without_a_runtime_value(self):
        self.edit("schemas/logging.yaml", "values: [TRACE, DEBUG, INFO, WARN, ERROR]",
                  "values: [TRACE, DEBUG, INFO, NOTICE, WARN, ERROR]")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("LOG_LEVEL_NOTICE", out)

    def test_intent_without_a_runtime_row(self):
        self.edit("presets/skill/intents.yaml", "  HomeAssistantStatusIntent: {}\n",
                  "  HomeAssistantStatusIntent: {}\n  VacuumIntent: {feature: scripts}\n")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("leec_rt_intent_VacuumIntent", out)

    def test_intent_with_another_feature(self):
        self.edit("presets/skill/intents.yaml", "ListScriptsIntent: {feature: scripts}",
                  "ListScriptsIntent: {feature: automation}")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("intent ListScriptsIntent", out)


    def test_project_key_without_a_binder(self):
        # schemas/project.yaml's alexa section gains a key: leec_config.h's struct and
        # LEEC_ALEXA_FIELDS get the field, core/bind.c has no binder for it.
        self.edit("schemas/project.yaml", "      notify_target:\n",
                  "      notify_title:\n        type: string\n        doc: a title\n"
                  "      notify_target:\n")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("bind_alexa_notify_title", out)

    def test_binder_for_a_key_the_schema_does_not_have(self):
        rt = os.path.join(self.tmp, "runtime")
        shutil.copytree(RUNTIME, rt)
        p = os.path.join(rt, "core", "bind.c")
        with open(p) as f:
            text = f.read()
        anchor = "static int bind_sections(struct app_config *cfg)\n"
        self.assertIn(anchor, text)
        with open(p, "w") as f:
            f.write(text.replace(
                anchor,
                "static int bind_alexa_notify_title(struct app_config *cfg,\n"
                "                                   const struct leec_alexa_config *al)\n"
                "{\n    cfg->notify_target = al->notify_title;\n    return 0;\n}\n\n"
                + anchor, 1))
        rc, out = self.build(runtime=rt)
        self.assertNotEqual(rc, 0)
        self.assertIn("notify_title", out)

    def test_project_enum_value_without_a_runtime_value(self):
        self.edit("schemas/project.yaml", "values: [account_linking, long_lived]",
                  "values: [account_linking, long_lived, oauth]")
        rc, out = self.build()
        self.assertNotEqual(rc, 0)
        self.assertIn("SH_TOKEN_OAUTH", out)


if __name__ == "__main__":
    unittest.main()
