#!/usr/bin/python3
"""The rooms' dependency rules (docs/architecture.md), read from the #include lines:
the compiler's rooms point one way (front <- expr <- model <- resolve <- emit <- cli) and
its modules form no include cycle; the runtime's base/, guard/ and net/ never include
core/, smarthome/ and custom/ never include each other, and no room but core/ has an
include cycle inside."""
import collections
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

COMPILER_ROOMS = ["front", "expr", "model", "resolve", "emit", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_graph(top):
    """module ("room/name") -> modules it includes; a .c and its .h are one module, and
    the expression language's generated/grammar files belong to expr/expr."""
    def mod(path):
        m = os.path.splitext(path)[0]
        return "expr/expr" if m.startswith("expr/expr_") or m == "expr_grammar" else m
    g = collections.defaultdict(set)
    for root, _, files in os.walk(top):
        for f in files:
            if not f.endswith((".c", ".h", ".re", ".y")):
                continue
            rel = os.path.relpath(os.path.join(root, f), top)
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                for inc in INCLUDE.findall(fh.read()):
                    if mod(inc) != mod(rel):
                        g[mod(rel)].add(mod(inc))
    return g


def cycles(g):
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


class Compiler(unittest.TestCase):
    g = module_graph(os.path.join(harness.source_dir(), "compiler"))

    def test_rooms_point_one_way(self):
        bad = []
        for a, deps in self.g.items():
            for b in deps:
                ra, rb = a.split("/")[0], b.split("/")[0]
                if ra in COMPILER_ROOMS and rb in COMPILER_ROOMS and \
                        COMPILER_ROOMS.index(rb) > COMPILER_ROOMS.index(ra):
                    bad.append("%s -> %s" % (a, b))
        self.assertEqual(bad, [], "a room includes a room to its right")

    def test_no_include_cycle(self):
        self.assertEqual(cycles(self.g), [])

    def test_every_module_in_a_room(self):
        loose = [m for m in self.g if m.split("/")[0] not in COMPILER_ROOMS]
        self.assertEqual(loose, [])


class Runtime(unittest.TestCase):
    g = module_graph(os.path.join(harness.source_dir(), "runtime"))

    def test_lower_rooms_never_include_core(self):
        bad = ["%s -> %s" % (a, b) for a, deps in self.g.items() for b in deps
               if a.split("/")[0] in ("base", "guard", "net") and b.startswith("core/")]
        self.assertEqual(bad, [])

    def test_no_cycle_inside_a_room(self):
        """Inside base/, guard/, net/, smarthome/ and custom/ modules include one way.
        (core/ is the process: app <-> gateway <-> the two handler.c entry points is its
        one loop, by design.)"""
        found = []
        for room in ("base", "guard", "net", "smarthome", "custom"):
            sub = {a: {b for b in deps if b.startswith(room + "/")}
                   for a, deps in self.g.items() if a.startswith(room + "/")}
            found += cycles(sub)
        self.assertEqual(found, [])

    def test_skills_never_include_each_other(self):
        bad = ["%s -> %s" % (a, b) for a, deps in self.g.items() for b in deps
               if {a.split("/")[0], b.split("/")[0]} == {"smarthome", "custom"}]
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
