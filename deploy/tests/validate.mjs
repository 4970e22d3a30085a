// Validates rendered manifests against the Kubernetes and Istio schemas:
//   node deploy/tests/validate.mjs TOOLS_DIR RENDERED.yaml...
// TOOLS_DIR holds node_modules with kubernetes-models, @kubernetes-models/istio, @kubernetes-models/cert-manager and
// yaml (tools/package.json).
//
// Per object:
//   1. its apiVersion and kind are served by Kubernetes 1.32 (the list below), by Istio (networking, security) or by
//      cert-manager (Certificate, Issuer: the mtls overlay);
//   2. the JSON schema of that kind accepts it (types, enums, formats, required fields: kubernetes-models'
//      validators, generated from the Kubernetes OpenAPI, Istio's and cert-manager's CRDs; installed with the other
//      tools from tools/package-lock.json, nothing is fetched while validating);
//   3. Kubernetes kinds only: no field the API does not know (the schemas allow unknown fields, the API server
//      drops them silently: a misspelt "readinessProbe" would just be missing). Checked against the models' type
//      declarations, which list every field of every type.
// Exits 1 and lists every problem if one object fails.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [tools, ...files] = process.argv.slice(2);
if (!tools || files.length === 0) {
  console.error("usage: node validate.mjs TOOLS_DIR RENDERED.yaml...");
  process.exit(2);
}
const modules = join(tools, "node_modules");
const load = (rel) => import(pathToFileURL(join(modules, rel)).href);
const YAML = await load("yaml/dist/index.js");

// What Kubernetes 1.32 serves (GA versions of the kinds Agora uses, and their neighbours).
const K8S_132 = new Set([
  "v1/Namespace", "v1/Service", "v1/ServiceAccount", "v1/ConfigMap", "v1/Secret", "v1/PersistentVolumeClaim",
  "apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet",
  "batch/v1/Job", "batch/v1/CronJob",
  "policy/v1/PodDisruptionBudget",
  "autoscaling/v2/HorizontalPodAutoscaler",
  "networking.k8s.io/v1/NetworkPolicy", "networking.k8s.io/v1/Ingress",
  "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding",
]);
const ISTIO = new Set([
  "networking.istio.io/v1beta1/VirtualService", "networking.istio.io/v1beta1/DestinationRule",
  "networking.istio.io/v1beta1/Gateway", "security.istio.io/v1beta1/PeerAuthentication",
  "security.istio.io/v1beta1/AuthorizationPolicy",
]);

// cert-manager 1.12+ (the mtls overlay's CA, Issuers and per-service certificates).
const CERT_MANAGER = new Set(["cert-manager.io/v1/Certificate", "cert-manager.io/v1/Issuer", "cert-manager.io/v1/ClusterIssuer"]);

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group.endsWith(".istio.io")) return `@kubernetes-models/istio/${group}/${version}/index.js`;
  if (group === "cert-manager.io") return `@kubernetes-models/cert-manager/${group}/${version}/index.js`;
  return group ? `kubernetes-models/${group}/${version}/index.js` : `kubernetes-models/${version}/index.js`;
}

// --- unknown fields, from the .d.ts files: interface name -> { field: type expression } -------------------------
const interfaces = new Map(); // "IIoK8sApiCoreV1Probe" -> Map(field -> type)
const parsedFiles = new Set();
function parseDts(file) {
  if (parsedFiles.has(file) || !existsSync(file)) return;
  parsedFiles.add(file);
  const text = readFileSync(file, "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
  const body = /export interface (I\w+)(?: extends [\w, ]+)? \{([\s\S]*?)\n\}/.exec(text);
  const alias = /export type \{ (I\w+) as (I\w+)/.exec(text);
  if (body) {
    const fields = new Map();
    // '"name"?: Type;' or a map type over several lines ('"labels"?: {' ... '};'), which is not walked.
    for (const m of body[2].matchAll(/^\s+"([^"]+)"\??: (.*)$/gm)) fields.set(m[1], m[2].replace(/;$/, ""));
    interfaces.set(body[1], fields);
    if (alias) interfaces.set(alias[2], fields);
  }
  for (const m of text.matchAll(/import \{ (I\w+) \} from "([^"]+)"/g)) {
    const [, name, from] = m;
    let target;
    if (from.startsWith(".")) target = join(file, "..", from.replace(/\.js$/, ".d.ts"));
    else target = join(modules, from.replace(/\.js$/, "") + ".d.ts");
    if (!interfaces.has(name)) parseDts(target);
  }
}

function unknownFields(value, type, path, problems) {
  if (value === null || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, problems));
    return;
  }
  const fields = interfaces.get(type);
  if (!fields || Array.isArray(value)) return; // maps, quantities, int-or-string, raw extensions
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(`${path}.${key}: no such field`);
      continue;
    }
    unknownFields(v, fields.get(key), `${path}.${key}`, problems);
  }
}

// --- main --------------------------------------------------------------------------------------------------------
let failures = 0, checked = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
  for (const doc of docs) {
    checked++;
    const id = `${file}: ${doc.kind}/${doc.metadata?.name}`;
    const key = `${doc.apiVersion}/${doc.kind}`;
    const problems = [];
    if (!K8S_132.has(key) && !ISTIO.has(key) && !CERT_MANAGER.has(key)) {
      problems.push(`${key} is not served by Kubernetes 1.32, Istio or cert-manager (or not expected here)`);
    } else {
      const mod = await load(modulePath(doc.apiVersion));
      const Model = mod[doc.kind];
      if (!Model) {
        problems.push(`no schema for ${key}`);
      } else {
        try {
          // kustomize wraps long base64 values (the API server ignores the line breaks; the "byte" format does not).
          const data = doc.kind === "Secret" && doc.data
            ? Object.fromEntries(Object.entries(doc.data).map(([k, v]) => [k, String(v).replace(/\s+/g, "")]))
            : doc.data;
          new Model({ ...doc, ...(data ? { data } : {}) }).validate();
        } catch (e) {
          problems.push(e.message);
        }
        if (K8S_132.has(key)) {
          const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
          const dts = join(modules, "kubernetes-models", group, version, `${doc.kind}.d.ts`);
          parseDts(dts);
          const { apiVersion, kind, ...rest } = doc;
          unknownFields(rest, `I${doc.kind}`, doc.kind, problems);
        }
      }
    }
    if (problems.length) {
      failures++;
      console.error(`INVALID ${id}\n  ${problems.join("\n  ")}`);
    }
  }
}
console.log(`schemas: ${checked} objects checked, ${failures} invalid`);
process.exit(failures ? 1 : 0);
