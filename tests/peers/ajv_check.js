// Validates YAML files against a JSON Schema with Ajv in strict mode, the way a CI
// job or an editor plugin built on Ajv would.
//
//   NODE_PATH=<dir>/node_modules node ajv_check.js SCHEMA.json FILE.yaml...
//
// Prints one JSON object on stdout:
//   {"compile": "ok" | "<error>", "warnings": [...],
//    "files": {"FILE.yaml": [{"line": N, "path": "/a/b", "keyword": "...",
//                             "message": "..."}, ...]}}
// YAML is read as YAML 1.2 core schema (the `yaml` package's default), which is what
// leec reads: only true/false are booleans, `1:30` is a string. Strict mode: unknown
// keywords, ambiguous types and unused constraints are compile errors. `errorMessage`
// is Ajv's own extension (ajv-errors) and is enabled when that package is present.
"use strict";
const fs = require("fs");
const Ajv = require("ajv");
const YAML = require("yaml");

const [schemaPath, ...files] = process.argv.slice(2);
const warnings = [];
const logger = {
  log: (...a) => warnings.push(a.join(" ")),
  warn: (...a) => warnings.push(a.join(" ")),
  error: (...a) => warnings.push(a.join(" ")),
};
const ajv = new Ajv({ strict: true, allErrors: true, logger });
try {
  require("ajv-formats")(ajv);
} catch (e) {
  warnings.push("ajv-formats not installed");
}
try {
  require("ajv-errors")(ajv);
} catch (e) {
  warnings.push("ajv-errors not installed");
}

// Annotations for editors (VS Code's JSON Schema extensions, which yaml-language-server
// reads): no validation meaning, declared so that strict mode accepts them.
ajv.addVocabulary(["markdownEnumDescriptions", "defaultSnippets", "markdownDescription"]);

const out = { compile: "ok", warnings, files: {} };
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
} catch (e) {
  out.compile = String(e.message || e);
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
}

function lineOf(doc, lc, path, extraKey) {
  const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = doc.contents;
  let best = node;
  const keyNodes = [];
  for (const part of parts) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((it) => YAML.isScalar(it.key) && String(it.key.value) === part);
      if (!pair) break;
      keyNodes.push(pair.key);
      best = pair.value || pair.key;
      node = pair.value;
    } else if (YAML.isSeq(node)) {
      node = node.items[Number(part)];
      if (!node) break;
      best = node;
    } else break;
  }
  if (extraKey !== undefined && YAML.isMap(node)) {
    const pair = node.items.find((it) => YAML.isScalar(it.key) && String(it.key.value) === extraKey);
    if (pair) best = pair.key;
  }
  const off = best && best.range ? best.range[0] : 0;
  return lc.linePos(off).line;
}

for (const f of files) {
  const text = fs.readFileSync(f, "utf8");
  const lc = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc, version: "1.2", uniqueKeys: false });
  const errs = [];
  if (doc.errors.length) {
    for (const e of doc.errors)
      errs.push({ line: e.linePos ? e.linePos[0].line : 0, path: "", keyword: "yaml", message: e.message });
  } else if (!validate(doc.toJS({ maxAliasCount: -1 }))) {
    for (const e of validate.errors) {
      const extra = e.params && (e.params.additionalProperty || e.params.missingProperty);
      errs.push({
        line: lineOf(doc, lc, e.instancePath, e.keyword === "additionalProperties" ? extra : undefined),
        path: e.instancePath,
        keyword: e.keyword,
        message: e.message,
      });
    }
  }
  out.files[f] = errs;
}
process.stdout.write(JSON.stringify(out) + "\n");
