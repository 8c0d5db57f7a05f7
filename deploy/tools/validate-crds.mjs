#!/usr/bin/env node
// Validate the custom resources of deploy/k8s against the schemas of their CRDs, which
// kubernetes-validate does not know: KEDA (ScaledObject, TriggerAuthentication) and the
// Prometheus Operator (ServiceMonitor, PrometheusRule). The validators come from the
// @kubernetes-models packages, generated from the projects' CRD OpenAPI schemas (types,
// required fields, enumerations, formats).
//
//   node deploy/tools/validate-crds.mjs FILE.yaml [FILE.yaml ...]   (or - for standard input)
//
// Every document of a known custom kind is validated; other kinds are counted and left to
// kubernetes-validate. Exit status 1 when any document is invalid or when no custom resource
// was found at all, 2 on bad usage.

import fs from "node:fs";
import yaml from "js-yaml";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

const MODELS = {
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate-crds.mjs FILE.yaml [FILE.yaml ...]  (- for standard input)");
  process.exit(2);
}

let checked = 0;
let failed = 0;
let others = 0;
for (const file of files) {
  const text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  let docs;
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    console.log(`FAIL ${file}: not YAML: ${err.message}`);
    failed += 1;
    continue;
  }
  for (const doc of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const Model = MODELS[key];
    const name = `${file}: ${doc.kind}/${doc.metadata?.name ?? "?"}`;
    if (!Model) {
      if (String(doc.apiVersion).includes("keda.sh") || String(doc.apiVersion).includes("monitoring.coreos.com")) {
        console.log(`FAIL ${name}: unknown custom resource ${key}`);
        failed += 1;
      } else {
        others += 1;
      }
      continue;
    }
    checked += 1;
    try {
      new Model(doc).validate();
      console.log(`ok   ${name} (${key})`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${name} (${key}): ${err.message}`);
    }
  }
}
console.log(`${checked} custom resource(s) checked, ${failed} invalid; ${others} other document(s) left to kubernetes-validate`);
if (checked === 0) {
  console.log("FAIL no KEDA or Prometheus Operator resource found");
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
