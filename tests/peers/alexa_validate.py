#!/usr/bin/python3
"""Validate Alexa Smart Home messages (skill -> Alexa) against the official schema.

Library:  errors = validate(message_dict)  -> list of error strings ([] when valid)
CLI:      alexa_validate.py FILE...          exit 0 if every file validates, else 1

The schema is tests/conformance/alexa/validation_schemas/alexa_smart_home_message_schema.json,
the project's own copy of Amazon's corpus (see its SOURCE.md and LICENSE.txt). Uses
python3-jsonschema's Draft4Validator (the schema is draft-04).
"""
import json
import os
import sys

SCHEMA_REL = os.path.join("alexa", "validation_schemas",
                          "alexa_smart_home_message_schema.json")


def conformance_dir():
    """tests/conformance: Amazon's Smart Home corpus as carried by the project."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance")


def schema_path():
    return os.path.join(conformance_dir(), SCHEMA_REL)


_validator = None
_branches = None   # [(namespaces, names, Draft4Validator)] for each message kind


def validator():
    """Draft4Validator for the whole schema."""
    global _validator, _branches
    if _validator is None:
        import jsonschema
        with open(schema_path(), "rb") as f:
            schema = json.load(f)
        _validator = jsonschema.Draft4Validator(schema)
        resolver = jsonschema.RefResolver.from_schema(schema)
        _branches = []

        def leaves(node):
            if "oneOf" in node and "properties" not in node:
                for b in node["oneOf"]:
                    yield from leaves(b)
            else:
                yield node

        for leaf in leaves(schema):
            hdr = (leaf.get("properties", {}).get("event", {}).get("properties", {})
                   .get("header", {}).get("properties", {}))
            ns = hdr.get("namespace", {}).get("enum")
            nm = hdr.get("name", {}).get("enum")
            if not ns or not nm:  # unexpected schema shape: always use the full schema
                _branches = None
                break
            _branches.append((set(ns), set(nm),
                              jsonschema.Draft4Validator(leaf, resolver=resolver)))
    return _validator


def _describe(err):
    """Best leaf error of a (possibly oneOf) error, as 'path: message'."""
    import jsonschema
    leaf = err
    if err.context:
        leaf = jsonschema.exceptions.best_match(err.context) or err
        # descend while the best match is itself a oneOf/anyOf with context
        while leaf.context:
            nxt = jsonschema.exceptions.best_match(leaf.context)
            if nxt is None:
                break
            leaf = nxt
    path = "/".join(str(p) for p in leaf.absolute_path) or "(root)"
    msg = leaf.message
    if len(msg) > 300:
        msg = msg[:300] + "..."
    return "%s: %s" % (path, msg)


def validate(message, fast=True):
    """Return a list of error strings; empty when `message` validates.
    fast=False validates against the whole schema (slower, same verdict)."""
    if isinstance(message, (bytes, bytearray)):
        message = message.decode("utf-8")
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except ValueError as e:
            return ["not JSON: %s" % e]
    full = validator()
    if not fast or _branches is None:
        return [_describe(err) for err in full.iter_errors(message)]
    # Fast path: the schema is a oneOf over message kinds, each pinning event.header's
    # namespace and name with enums; only the kinds matching the message's header can
    # validate, so checking just those gives the oneOf's verdict (and clearer errors).
    try:
        hdr = message["event"]["header"]
        ns, nm = hdr["namespace"], hdr["name"]
        cands = [v for n, m, v in _branches if ns in n and nm in m]
    except (KeyError, TypeError):
        cands = []
    if not cands:
        return [_describe(err) for err in full.iter_errors(message)]
    results = [[_describe(e) for e in v.iter_errors(message)] for v in cands]
    ok = sum(1 for r in results if not r)
    if ok == 1:
        return []
    if ok > 1:
        return ["(root): valid under %d message kinds (oneOf wants exactly one)" % ok]
    return min(results, key=len)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: alexa_validate.py FILE...\n")
        return 2
    bad = 0
    for path in argv[1:]:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            print("%s: cannot read: %s" % (path, e))
            bad += 1
            continue
        errs = validate(data)
        if errs:
            bad += 1
            for e in errs:
                print("%s: INVALID: %s" % (path, e))
        else:
            print("%s: ok" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
