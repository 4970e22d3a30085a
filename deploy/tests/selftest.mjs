// The checks can fail: each case breaks one thing in a rendered overlay and expects validate.mjs or policy.mjs to
// reject it with the message named here (a check that cannot fail would pass anything).
//   node deploy/tests/selftest.mjs TOOLS_DIR REPO_ROOT RENDERED_DEV.yaml [RENDERED_MTLS.yaml]
// The mtls cases (cert-manager's schemas, the mutual-TLS policy) break the mtls overlay when it is given.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";

const [tools, root, rendered, renderedMtls] = process.argv.slice(2);
const here = fileURLToPath(new URL(".", import.meta.url));
const YAML = await import(pathToFileURL(join(tools, "node_modules/yaml/dist/index.js")).href);
const parse = (file) => YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
const original = parse(rendered);
const originalMtls = renderedMtls ? parse(renderedMtls) : undefined;

const find = (docs, kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const container = (docs, name) => find(docs, "Deployment", name).spec.template.spec.containers[0];
const CASES = [
  ["validate", "a misspelt field", (d) => { container(d, "catalog").readinesProbe = container(d, "catalog").readinessProbe; delete container(d, "catalog").readinessProbe; }, "readinesProbe: no such field"],
  ["validate", "a wrong type", (d) => { find(d, "Deployment", "ordering").spec.replicas = "two"; }, "replicas must be integer"],
  ["validate", "a kind Kubernetes 1.32 does not serve", (d) => { find(d, "HorizontalPodAutoscaler", "catalog").apiVersion = "autoscaling/v2beta2"; }, "is not served by Kubernetes 1.32"],
  ["policy", "the latest tag", (d) => { container(d, "ordering").image = "localhost:5000/agora/ordering:latest"; }, "names no version"],
  ["policy", "a missing probe", (d) => { delete container(d, "payment").livenessProbe; }, "no livenessProbe"],
  ["policy", "the guide's probe delays changed", (d) => { container(d, "shipping").readinessProbe.initialDelaySeconds = 5; }, "readinessProbe is not GET /health/ready after 10 s every 5 s"],
  ["policy", "missing limits", (d) => { delete container(d, "gateway").resources.limits; }, "no limits.cpu"],
  ["policy", "root", (d) => { find(d, "Deployment", "identity").spec.template.spec.securityContext.runAsUser = 0; }, "runs as UID 0"],
  ["policy", "a writable root filesystem", (d) => { container(d, "notification").securityContext.readOnlyRootFilesystem = false; }, "root filesystem is writable"],
  ["policy", "capabilities kept", (d) => { container(d, "search").securityContext.capabilities.drop = []; }, "capabilities are not all dropped"],
  ["policy", "a Deployment without PDB", (d) => { d.splice(d.indexOf(find(d, "PodDisruptionBudget", "search")), 1); }, "0 PodDisruptionBudgets select its pods"],
  ["policy", "a Service selecting nothing", (d) => { find(d, "Service", "payment").spec.selector.app = "payments"; }, "selects no Deployment or StatefulSet"],
  ["policy", "a NetworkPolicy peer that does not exist", (d) => { find(d, "NetworkPolicy", "catalog").spec.ingress[1].from[1].podSelector.matchLabels.app = "orderin"; }, "selects no pod"],
  ["policy", "a renamed setting", (d) => { const cm = find(d, "ConfigMap", "catalog-config"); cm.data.Catalog__Curency = cm.data.Catalog__Currency; delete cm.data.Catalog__Currency; }, "Catalog__Curency is not a setting the service reads"],
  ["policy", "a setting of another service", (d) => { find(d, "ConfigMap", "ordering-config").data.Catalog__Currency = "KRW"; }, "Catalog__Currency is not a setting the service reads"],
  ["policy", "a gateway route to a cluster that does not exist", (d) => { find(d, "ConfigMap", "gateway-config").data["ReverseProxy__Clusters__catalg__Destinations__catalog-1__Address"] = "http://catalog:8080/"; }, "names no cluster destination"],
  ["policy", "a Secret key the Deployment reads but the Secret lacks", (d) => { delete find(d, "Secret", "shipping-secrets").data.Shipping__CarrierWebhookSecret; }, "has no key Shipping__CarrierWebhookSecret"],
];
// [script, what, mutate, expected] on the mtls overlay.
const MTLS_CASES = [
  ["validate", "a cert-manager Certificate with a wrong type", (d) => { find(d, "Certificate", "catalog").spec.duration = 168; }, "duration must be string"],
  ["validate", "a cert-manager kind that does not exist", (d) => { find(d, "Issuer", "agora-ca").kind = "CertIssuer"; }, "is not served by Kubernetes 1.32, Istio or cert-manager"],
  ["policy", "a certificate issued to another service", (d) => { find(d, "Certificate", "ordering").spec.commonName = "search"; }, "commonName search is not the service ordering"],
  ["policy", "a certificate without the Service's DNS name", (d) => { find(d, "Certificate", "payment").spec.dnsNames = ["payment"]; }, "dnsNames lack payment.agora.svc"],
  ["policy", "a probe on the mutual-TLS port", (d) => { container(d, "catalog").readinessProbe.httpGet.port = "http"; }, "readinessProbe is not on the probe port 8082"],
  ["policy", "a service that mounts no certificate", (d) => { const pod = find(d, "Deployment", "shipping").spec.template.spec; pod.volumes = pod.volumes.filter((v) => v.name !== "mtls"); pod.containers[0].volumeMounts = pod.containers[0].volumeMounts.filter((m) => m.name !== "mtls"); }, "are not in one mounted Secret"],
  ["policy", "plain http under mutual TLS", (d) => { find(d, "ConfigMap", "identity-config").data.Kestrel__Endpoints__Grpc__Url = "http://+:8081"; }, "Kestrel__Endpoints__Grpc__Url is not https"],
];

const dir = mkdtempSync(join(tmpdir(), "agora-deploy-selftest-"));
let failed = 0;
try {
  // The unbroken overlay passes both.
  for (const [script, args] of [["validate", [tools, rendered]], ["policy", [tools, root, `dev=${rendered}`]]]) {
    const r = spawnSync(process.execPath, [join(here, `${script}.mjs`), ...args], { encoding: "utf8" });
    if (r.status !== 0) { failed++; console.error(`selftest: the unbroken overlay fails ${script}:\n${r.stdout}${r.stderr}`); }
  }
  if (originalMtls) {
    for (const [script, args] of [["validate", [tools, renderedMtls]], ["policy", [tools, root, `mtls=${renderedMtls}`]]]) {
      const r = spawnSync(process.execPath, [join(here, `${script}.mjs`), ...args], { encoding: "utf8" });
      if (r.status !== 0) { failed++; console.error(`selftest: the unbroken mtls overlay fails ${script}:\n${r.stdout}${r.stderr}`); }
    }
  }
  const cases = [...CASES.map((c) => [...c, original]), ...(originalMtls ? MTLS_CASES.map((c) => [...c, originalMtls]) : [])];
  cases.forEach(([script, what, mutate, expected, base], i) => {
    const docs = structuredClone(base);
    mutate(docs);
    const file = join(dir, `case${i}.yaml`);
    writeFileSync(file, docs.map((d) => YAML.stringify(d)).join("---\n"));
    const args = script === "validate" ? [tools, file] : [tools, root, `${base === original ? "dev" : "mtls"}=${file}`];
    const r = spawnSync(process.execPath, [join(here, `${script}.mjs`), ...args], { encoding: "utf8" });
    const out = r.stdout + r.stderr;
    if (r.status === 0 || !out.includes(expected)) {
      failed++;
      console.error(`selftest: ${script} did not reject ${what} (want "${expected}"):\n${out}`);
    }
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const total = CASES.length + (originalMtls ? MTLS_CASES.length : 0);
console.log(`selftest: ${total} broken overlays, ${total - failed} rejected as they should be${failed ? `, ${failed} FAILED` : ""}`);
process.exit(failed ? 1 : 0);
