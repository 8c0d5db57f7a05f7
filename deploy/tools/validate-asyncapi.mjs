#!/usr/bin/env node
// Parse an AsyncAPI document with @asyncapi/parser (the reference parser: schema of the
// specification, its rule set, $ref resolution of the payloads' JSON Schema files) and
// print what it found. Exit status 1 when the parser reports an error in any of the files,
// 2 on bad usage.
//
//   node deploy/tools/validate-asyncapi.mjs schemas/asyncapi.yaml [more.yaml ...] [--strict]
//
// --strict treats warnings as errors too.

import { Parser, fromFile } from "@asyncapi/parser";
import path from "node:path";

const SEVERITY = ["error", "warning", "info", "hint"];

const args = process.argv.slice(2);
const strict = args.includes("--strict");
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0) {
  console.error("usage: validate-asyncapi.mjs FILE [FILE ...] [--strict]");
  process.exit(2);
}

const parser = new Parser();
let invalid = 0;
for (const name of files) {
  if (!(await check(path.resolve(name)))) invalid += 1;
}
process.exit(invalid > 0 ? 1 : 0);

// Parse one document; print its problems (and a summary when it is valid); true when valid.
async function check(file) {
  let result;
  try {
    result = await fromFile(parser, file).parse();
  } catch (err) {
    console.log(`${file}: cannot be read or parsed: ${err.message}`);
    return false;
  }
  const { document, diagnostics } = result;

  let failures = 0;
  for (const d of diagnostics) {
    const severity = SEVERITY[d.severity] ?? String(d.severity);
    const where = d.path && d.path.length ? d.path.join(".") : "(document)";
    const line = d.range ? `:${d.range.start.line + 1}` : "";
    const fails = d.severity === 0 || (strict && d.severity === 1);
    if (fails) failures += 1;
    console.log(`${fails ? "FAIL" : "note"} ${severity} ${d.code} at ${where}${line}: ${d.message}`);
  }
  if (!document || failures > 0) {
    console.log(`${file}: not a valid AsyncAPI document (${failures} problem(s))`);
    return false;
  }

  // A short summary: what a reader of the document gets.
  const summary = {
    asyncapi: document.version(),
    title: document.info().title(),
    servers: document.servers().all().map((s) => `${s.id()} ${s.protocol()}://${s.host()}`),
    channels: document.channels().all().map((c) => ({
      id: c.id(),
      address: c.address(),
      messages: c.messages().all().map((m) => ({
        name: m.name(),
        payload: m.hasPayload() ? Object.keys(m.payload().properties() ?? {}).length + " properties" : "none",
        headers: m.hasHeaders() ? Object.keys(m.headers().properties() ?? {}) : [],
        examples: m.examples().all().length,
        kafkaKey: m.bindings().has("kafka") ? Boolean(m.bindings().get("kafka").value().key) : false,
      })),
      kafkaTopic: c.bindings().has("kafka") ? c.bindings().get("kafka").value().topic : null,
    })),
    operations: document.operations().all().map((o) => `${o.id()}: ${o.action()} ${o.channels().all().map((c) => c.address()).join(",")}`),
  };
  console.log(JSON.stringify(summary, null, 2));
  console.log(`${file}: valid AsyncAPI ${document.version()}`);
  return true;
}
