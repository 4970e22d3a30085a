// Policy test of the rendered overlays:
//   node deploy/tests/policy.mjs TOOLS_DIR REPO_ROOT OVERLAY=RENDERED.yaml... [migrations=RENDERED.yaml]
//
// Every overlay:
//   images        every container names a version (a tag other than latest, or a digest)
//   probes        every container of a Deployment or StatefulSet has readiness and liveness probes; Agora's own
//                 use /health/ready and /health/live with the guide's numbers (10 s/5 s, 30 s/10 s)
//   resources     every container (Jobs too) requests and limits cpu and memory
//   non-root      runAsNonRoot, no UID 0, no privilege escalation, every capability dropped; Agora's images also
//                 run on a read-only root filesystem, every mount backed by a volume of the pod
//   PDB           every Deployment and StatefulSet has exactly one PodDisruptionBudget
//   Services      every Service selects a Deployment or StatefulSet, and its target ports exist there
//   HPA           targets an existing Deployment
//   NetworkPolicy every pod selector in it (its own and its peers') selects pods that exist; named ports exist
//   references    ServiceAccounts, ConfigMaps and (where the overlay carries them) Secrets and their keys exist
//   config keys   every key of an Agora service's ConfigMap and Secret reference is a setting that service reads:
//                 a property path of one of its options classes (found by SectionName in its source), a key its
//                 code reads by name, a YARP cluster/destination of the service table, or one of the
//                 host's own (ASPNETCORE_*, Kestrel endpoints, ConnectionStrings, Logging); a renamed option fails
//   topology      Services expose grpc exactly for the table's gRPC services; the gateway's ConfigMap addresses every
//                 cluster of the table (src/Agora.Hosting/Topology/services.json) at an existing Service
//   Istio         VirtualService hosts are Services, their subsets exist in the DestinationRule and select pods;
//                 AuthorizationPolicy principals are ServiceAccounts of the namespace
//   mutual TLS    an Agora service whose ConfigMap says Agora__Tls__Mode=Mutual mounts, where its CertificatePath,
//                 KeyPath and CaPath point, the Secret of a cert-manager Certificate of the overlay (tls.crt, tls.key,
//                 ca.crt) with CN = the service, its Service's in-cluster DNS names, server and client auth, a duration
//                 and renewBefore, from an Issuer of the overlay; its Kestrel URLs are https; with a ProbePort, its
//                 probes and Prometheus's port annotation use that port (the TLS ports ask a client certificate)
// NAME containing "migrate": also one Job per service with a database, running "<service> migrate".
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const [tools, root, ...specs] = process.argv.slice(2);
if (!tools || !root || specs.length === 0) {
  console.error("usage: node policy.mjs TOOLS_DIR REPO_ROOT OVERLAY=RENDERED.yaml...");
  process.exit(2);
}
const YAML = await import(pathToFileURL(join(tools, "node_modules/yaml/dist/index.js")).href);
const readDocs = (file) => YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);

// Agora's services: project directories whose options and configuration reads count for each.
const SERVICES = {
  identity: ["src/Services/Identity"], catalog: ["src/Services/Catalog"], ordering: ["src/Services/Ordering"],
  payment: ["src/Services/Payment"], shipping: ["src/Services/Shipping"], notification: ["src/Services/Notification"],
  search: ["src/Services/Search"], gateway: ["src/Agora.Gateway", "src/Agora.Gateway.RateLimiting", "src/Agora.GraphQL"],
  web: ["src/Agora.Web"], pspsimulator: ["src/Services/PspSimulator"], devinbox: ["src/Services/DevInbox"],
};
// The platform projects every service with ServiceDefaults builds on (their options classes count for each).
const SHARED = ["src/Agora.ServiceDefaults", "src/Agora.Hosting", "src/Agora.Http", "src/Agora.OpenApi", "src/Agora.Auth",
  "src/Agora.Storage", "src/Agora.Messaging", "src/Agora.Primitives"];
const NO_DEFAULTS = new Set(["pspsimulator", "devinbox"]); // no ServiceDefaults: their own settings only
const DB_SERVICES = ["identity", "catalog", "ordering", "payment", "shipping", "notification", "search"];
// A database but no messaging, and no migration Job: the storefront creates its few tables at start (src/Agora.Web).
const DB_ONLY_SERVICES = ["web"];
const GUIDE = { readiness: [10, 5], liveness: [30, 10] };

// ---------------------------------------------------------------------------------------------------------------
// What each service reads: options classes (SectionName -> property tree) and keys read by name.
function csFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    if (e === "bin" || e === "obj") continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...csFiles(p));
    else if (e.endsWith(".cs")) out.push(p);
  }
  return out;
}

function readSettings(dirs) {
  const classes = new Map(); // class name -> Map(lower prop -> type)
  const sections = new Map(); // lower "a:b" -> class name
  const rawKeys = []; // RegExp over "a:b:c"
  const enums = new Set(); // enum names: leaves, like strings
  for (const file of dirs.flatMap((d) => csFiles(join(root, d)))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\benum\s+(\w+)/g)) enums.add(m[1]);
    const decls = [...text.matchAll(/\b(?:class|record)\s+(\w+)/g)];
    decls.forEach((d, i) => {
      const body = text.slice(d.index, i + 1 < decls.length ? decls[i + 1].index : text.length);
      const props = classes.get(d[1]) ?? new Map();
      for (const m of body.matchAll(/public\s+(?:required\s+)?([\w.<>\[\], ?]+?)\s+(\w+)\s*\{\s*get;\s*(?:set|init);/g)) {
        props.set(m[2].toLowerCase(), m[1].replace(/\s+/g, ""));
      }
      classes.set(d[1], props);
      const section = /const\s+string\s+SectionName\s*=\s*"([^"]+)"/.exec(body);
      if (section) sections.set(section[1].toLowerCase(), d[1]);
    });
    // configuration["A:B"], configuration[$"Agora:Services:{service}:Grpc"], GetSection("Psp"), GetConnectionString
    for (const m of text.matchAll(/\[\$?"([A-Za-z][\w]*(?::[\w{}.]+)+)"\]/g)) {
      rawKeys.push(new RegExp("^" + m[1].toLowerCase().replace(/\{[^}]+\}/g, "[^:]+") + "$"));
    }
    for (const m of text.matchAll(/GetSection\("([A-Za-z][\w:]*)"\)(?:\.GetSection\("(\w+)"\))?\.Get<(\w+)>/g)) {
      sections.set((m[2] ? `${m[1]}:${m[2]}` : m[1]).toLowerCase(), m[3]);
    }
  }
  return { classes, sections, rawKeys, enums };
}

const LEAF = /^(string|bool|int|long|double|decimal|TimeSpan|Uri|DateTimeOffset|[A-Z]\w*Mode|AgoraMode)\??$/;
function resolveType(settings, type, segments) {
  if (segments.length === 0) return true;
  type = type.replace(/\?$/, "");
  let m;
  if ((m = /^(?:List|IList|IReadOnlyList|ICollection)<(.+)>$/.exec(type)) || (m = /^(.+)\[\]$/.exec(type))) {
    return /^\d+$/.test(segments[0]) && resolveType(settings, m[1], segments.slice(1));
  }
  if ((m = /^(?:Dictionary|IDictionary|IReadOnlyDictionary)<\w+,(.+)>$/.exec(type))) {
    return resolveType(settings, m[1], segments.slice(1));
  }
  type = type.replace(/^(?:\w+\.)+(?=\w+$)/, ""); // Features.Clients.ClientOptions -> ClientOptions
  if (LEAF.test(type) || settings.enums.has(type)) return false; // a leaf with more segments under it
  const props = settings.classes.get(type);
  if (!props) return false;
  const next = props.get(segments[0].toLowerCase());
  return next !== undefined && resolveType(settings, next, segments.slice(1));
}

// The one table of services (src/Agora.Hosting/Topology/services.json): ports, gRPC, whom each calls.
const TABLE = JSON.parse(readFileSync(join(root, "src/Agora.Hosting/Topology/services.json"), "utf8")).services;

// The gateway's clusters: one per service it calls, destination <name>-1 (src/Agora.Gateway/Features/Routing/TopologyClusters.cs).
function gatewayClusters() {
  const gateway = TABLE.find((s) => s.name === "gateway");
  return Object.fromEntries(gateway.calls.map((c) => [c, { Destinations: { [`${c}-1`]: {} } }]));
}

// The manifests against the table: a Service of a table service exposes grpc (8081) exactly when the service speaks
// gRPC; the gateway's ConfigMap points every cluster of the table at a Service that exists.
function checkTopology(docs, p) {
  const services = new Map(docs.filter((d) => d.kind === "Service").map((d) => [d.metadata.name, d]));
  for (const t of TABLE) {
    const svc = services.get(t.name);
    if (!svc) continue;
    const grpc = (svc.spec.ports ?? []).some((port) => port.name === "grpc");
    if (grpc !== (t.grpc !== undefined)) p(`Service/${t.name}: ${grpc ? "exposes" : "lacks"} a grpc port, but services.json says it ${t.grpc !== undefined ? "speaks" : "does not speak"} gRPC`);
  }
  const config = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "gateway-config");
  if (!config) return;
  for (const c of TABLE.find((s) => s.name === "gateway").calls) {
    const address = config.data?.[`ReverseProxy__Clusters__${c}__Destinations__${c}-1__Address`];
    if (!address) p(`ConfigMap/gateway-config: no address for cluster ${c} (the gateway calls it: services.json)`);
    else if (!services.has(new URL(address).hostname)) p(`ConfigMap/gateway-config: cluster ${c} points at ${address}, no Service of that name`);
  }
}

const HOST_KEYS = [
  /^aspnetcore_[a-z_]+$/, /^dotnet_[a-z_]+$/, /^otel_[a-z_]+$/,
  /^kestrel:endpoints:(http|grpc):(url|protocols)$/, /^logging:loglevel:[\w.]+$/, /^allowedhosts$/,
];

function checkKey(service, settings, key, problems) {
  const path = key.split("__");
  const lower = path.join(":").toLowerCase();
  if (HOST_KEYS.some((r) => r.test(lower))) return;
  if (/^connectionstrings:/.test(lower)) {
    const name = path[1];
    const ok = NO_DEFAULTS.has(service) ? false
      : name === "redis" || (DB_SERVICES.includes(service) && (name === "rabbitmq" || name === `${service}db` || name === "postgres"))
        || (DB_ONLY_SERVICES.includes(service) && (name === `${service}db` || name === "postgres"));
    if (!ok) problems.push(`${service}: ${key} is a connection string the service does not use`);
    return;
  }
  if (lower.startsWith("reverseproxy:")) {
    const clusters = gatewayClusters();
    const [, kind, id, what, dest, field] = path;
    const c = kind === "Clusters" && clusters[id];
    if (service !== "gateway" || !c || what !== "Destinations" || !c.Destinations?.[dest] || field !== "Address") {
      problems.push(`${service}: ${key} names no cluster destination of the service table (src/Agora.Hosting/Topology/services.json)`);
    }
    return;
  }
  if (settings.rawKeys.some((r) => r.test(lower))) return;
  for (let i = path.length - 1; i >= 1; i--) {
    const cls = settings.sections.get(path.slice(0, i).join(":").toLowerCase());
    if (cls && resolveType(settings, cls, path.slice(i))) return;
  }
  problems.push(`${service}: ${key} is not a setting the service reads (no options property or configuration key of that name)`);
}

// ---------------------------------------------------------------------------------------------------------------
const matches = (selector, labels) => !!selector && Object.keys(selector).length > 0
  && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
function matchesSelector(sel, labels) {
  if (!sel) return false;
  const ml = sel.matchLabels ?? {};
  const exprs = sel.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return true;
  return Object.entries(ml).every(([k, v]) => labels?.[k] === v) && exprs.every((e) => {
    const v = labels?.[e.key];
    if (e.operator === "In") return e.values.includes(v);
    if (e.operator === "NotIn") return !e.values.includes(v);
    if (e.operator === "Exists") return v !== undefined;
    return v === undefined;
  });
}
const isAgoraImage = (image) => /(^|\/)agora\/[\w-]+[:@]/.test(image);

function checkOverlay(name, docs, settingsOf) {
  const problems = [];
  const p = (msg) => problems.push(msg);
  const of = (kind) => docs.filter((d) => d.kind === kind);
  const workloads = [...of("Deployment"), ...of("StatefulSet")];
  const podOwners = [...workloads, ...of("Job")];
  const named = (kind, n) => docs.find((d) => d.kind === kind && d.metadata.name === n);
  const hasSecrets = of("Secret").length > 0;
  checkTopology(docs, p);

  for (const w of podOwners) {
    const id = `${w.kind}/${w.metadata.name}`;
    const pod = w.spec.template.spec;
    const psc = pod.securityContext ?? {};
    if (!pod.serviceAccountName && w.kind !== "StatefulSet") p(`${id}: no serviceAccountName`);
    if (pod.serviceAccountName && !named("ServiceAccount", pod.serviceAccountName)) p(`${id}: ServiceAccount ${pod.serviceAccountName} does not exist`);
    const volumes = new Set([...(pod.volumes ?? []).map((v) => v.name), ...(w.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name)]);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const cid = `${id} container ${c.name}`;
      const csc = c.securityContext ?? {};
      // images
      const tag = /^[^@]+:([^/:@]+)$/.exec(c.image)?.[1];
      if (!c.image.includes("@sha256:") && (!tag || tag === "latest")) p(`${cid}: image ${c.image} names no version`);
      // resources
      for (const kind of ["requests", "limits"]) for (const r of ["cpu", "memory"]) {
        if (!c.resources?.[kind]?.[r]) p(`${cid}: no ${kind}.${r}`);
      }
      // probes
      if (w.kind !== "Job") {
        for (const probe of ["readinessProbe", "livenessProbe"]) if (!c[probe]) p(`${cid}: no ${probe}`);
        if (isAgoraImage(c.image)) {
          const want = { readinessProbe: ["/health/ready", ...GUIDE.readiness], livenessProbe: ["/health/live", ...GUIDE.liveness] };
          for (const [probe, [path, delay, period]] of Object.entries(want)) {
            const got = c[probe];
            if (got && (got.httpGet?.path !== path || got.initialDelaySeconds !== delay || got.periodSeconds !== period)) {
              p(`${cid}: ${probe} is not GET ${path} after ${delay} s every ${period} s`);
            }
          }
        }
      }
      // non-root
      if (!(csc.runAsNonRoot ?? psc.runAsNonRoot)) p(`${cid}: runAsNonRoot is not set`);
      if ((csc.runAsUser ?? psc.runAsUser) === 0) p(`${cid}: runs as UID 0`);
      if (csc.allowPrivilegeEscalation !== false) p(`${cid}: allowPrivilegeEscalation is not false`);
      if (!(csc.capabilities?.drop ?? []).includes("ALL")) p(`${cid}: capabilities are not all dropped`);
      if (isAgoraImage(c.image) && csc.readOnlyRootFilesystem !== true) p(`${cid}: root filesystem is writable`);
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) p(`${cid}: mount ${m.name} has no volume`);
      // references
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef && !named("ConfigMap", ef.configMapRef.name)) p(`${cid}: ConfigMap ${ef.configMapRef.name} does not exist`);
        if (ef.secretRef && hasSecrets && !named("Secret", ef.secretRef.name)) p(`${cid}: Secret ${ef.secretRef.name} does not exist`);
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && hasSecrets && !s.optional) {
          const secret = named("Secret", s.name);
          if (!secret) p(`${cid}: Secret ${s.name} does not exist`);
          else if (!(s.key in (secret.data ?? {})) && !(s.key in (secret.stringData ?? {}))) p(`${cid}: Secret ${s.name} has no key ${s.key}`);
        }
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !named("ConfigMap", cm.name)?.data?.[cm.key]) p(`${cid}: ConfigMap ${cm.name} has no key ${cm.key}`);
      }
      // config keys of Agora's services
      const service = /(?:^|\/)agora\/([\w-]+)[:@]/.exec(c.image)?.[1]?.replace(/-canary$/, "");
      if (service && settingsOf(service)) {
        const settings = settingsOf(service);
        const keys = [];
        for (const ef of c.envFrom ?? []) if (ef.configMapRef) keys.push(...Object.keys(named("ConfigMap", ef.configMapRef.name)?.data ?? {}));
        for (const e of c.env ?? []) keys.push(e.name);
        for (const k of keys) checkKey(service, settings, k, problems);
      }
    }
  }

  // PDBs: exactly one per Deployment/StatefulSet.
  for (const w of workloads) {
    const labels = w.spec.template.metadata.labels;
    const pdbs = of("PodDisruptionBudget").filter((b) => matchesSelector(b.spec.selector, labels));
    if (pdbs.length !== 1) p(`${w.kind}/${w.metadata.name}: ${pdbs.length} PodDisruptionBudgets select its pods (want 1)`);
  }
  // Services select workloads; target ports exist.
  for (const s of of("Service")) {
    const selected = workloads.filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
    if (selected.length === 0) p(`Service/${s.metadata.name}: selects no Deployment or StatefulSet`);
    for (const port of s.spec.ports) {
      if (typeof port.targetPort === "string" && !selected.every((w) => w.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === port.targetPort)))) {
        p(`Service/${s.metadata.name}: target port ${port.targetPort} missing in a selected pod`);
      }
    }
  }
  // HPAs.
  for (const h of of("HorizontalPodAutoscaler")) {
    const t = h.spec.scaleTargetRef;
    if (t.kind !== "Deployment" || !named("Deployment", t.name)) p(`HorizontalPodAutoscaler/${h.metadata.name}: target ${t.kind}/${t.name} does not exist`);
  }
  // NetworkPolicies: selectors select something.
  const podLabels = podOwners.map((w) => w.spec.template.metadata.labels);
  for (const np of of("NetworkPolicy")) {
    const id = `NetworkPolicy/${np.metadata.name}`;
    const own = np.spec.podSelector;
    const selected = workloads.filter((w) => matchesSelector(own, w.spec.template.metadata.labels));
    if (!podLabels.some((l) => matchesSelector(own, l))) p(`${id}: selects no pod`);
    for (const rule of [...(np.spec.ingress ?? []), ...(np.spec.egress ?? [])]) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        if (peer.podSelector && !peer.namespaceSelector && !podLabels.some((l) => matchesSelector(peer.podSelector, l))) {
          p(`${id}: peer ${JSON.stringify(peer.podSelector)} selects no pod`);
        }
      }
    }
    for (const rule of np.spec.ingress ?? []) for (const port of rule.ports ?? []) {
      if (typeof port.port === "string" && !selected.some((w) => w.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === port.port)))) {
        p(`${id}: ingress port ${port.port} is no port of the pods it selects`);
      }
    }
  }
  checkMutualTls(docs, p);
  // Istio.
  for (const vs of of("VirtualService")) {
    for (const host of vs.spec.hosts) if (!named("Service", host)) p(`VirtualService/${vs.metadata.name}: host ${host} is no Service`);
    for (const route of vs.spec.http ?? []) for (const r of route.route ?? []) {
      const dr = of("DestinationRule").find((d) => d.spec.host === r.destination.host);
      const subset = dr?.spec.subsets?.find((s) => s.name === r.destination.subset);
      if (r.destination.subset && !subset) p(`VirtualService/${vs.metadata.name}: subset ${r.destination.subset} not in a DestinationRule`);
      const svc = named("Service", r.destination.host);
      if (subset && svc && !podLabels.some((l) => matches({ ...svc.spec.selector, ...subset.labels }, l))) {
        p(`VirtualService/${vs.metadata.name}: subset ${subset.name} selects no pod`);
      }
    }
  }
  for (const ap of of("AuthorizationPolicy")) {
    for (const rule of ap.spec.rules ?? []) for (const from of rule.from ?? []) for (const principal of from.source?.principals ?? []) {
      const m = /^cluster\.local\/ns\/([^/]+)\/sa\/(.+)$/.exec(principal);
      if (!m) p(`AuthorizationPolicy/${ap.metadata.name}: principal ${principal} is not cluster.local/ns/NS/sa/NAME`);
      else if (m[1] === ap.metadata.namespace && !named("ServiceAccount", m[2])) p(`AuthorizationPolicy/${ap.metadata.name}: ServiceAccount ${m[2]} does not exist`);
    }
  }
  return problems;
}

function checkMutualTls(docs, p) {
  const named = (kind, n) => docs.find((d) => d.kind === kind && d.metadata.name === n);
  for (const w of docs.filter((d) => d.kind === "Deployment" && SERVICES[d.metadata.name] && !NO_DEFAULTS.has(d.metadata.name))) {
    const service = w.metadata.name;
    const id = `Deployment/${service}`;
    const pod = w.spec.template.spec;
    const c = pod.containers[0];
    const data = Object.assign({}, ...(c.envFrom ?? []).map((ef) => named("ConfigMap", ef.configMapRef?.name)?.data ?? {}));
    if (data.Agora__Tls__Mode !== "Mutual") continue;
    const files = ["CertificatePath", "KeyPath", "CaPath"].map((k) => data[`Agora__Tls__${k}`]);
    if (files.some((f) => !f)) { p(`${id}: Agora__Tls__Mode=Mutual without Agora__Tls__CertificatePath, KeyPath and CaPath`); continue; }
    const dirs = new Set(files.map((f) => f.slice(0, f.lastIndexOf("/"))));
    const mount = dirs.size === 1 ? (c.volumeMounts ?? []).find((m) => m.mountPath === [...dirs][0]) : undefined;
    const secret = (pod.volumes ?? []).find((v) => v.name === mount?.name)?.secret?.secretName;
    if (!secret) { p(`${id}: its mutual-TLS files (${files.join(", ")}) are not in one mounted Secret`); continue; }
    if (files.map((f) => f.slice(f.lastIndexOf("/") + 1)).join() !== "tls.crt,tls.key,ca.crt") p(`${id}: the mutual-TLS files are not the Secret's tls.crt, tls.key, ca.crt`);
    const cert = docs.find((d) => d.kind === "Certificate" && d.spec?.secretName === secret);
    if (!cert) { p(`${id}: no cert-manager Certificate writes the Secret ${secret}`); continue; }
    const cid = `Certificate/${cert.metadata.name}`;
    if (cert.spec.commonName !== service) p(`${cid}: commonName ${cert.spec.commonName} is not the service ${service} (the peer name RequirePeer reads)`);
    const ns = w.metadata.namespace ?? "agora";
    for (const dns of [service, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`]) {
      if (!(cert.spec.dnsNames ?? []).includes(dns)) p(`${cid}: dnsNames lack ${dns}`);
    }
    for (const usage of ["server auth", "client auth"]) if (!(cert.spec.usages ?? []).includes(usage)) p(`${cid}: usages lack ${usage}`);
    if (!cert.spec.duration || !cert.spec.renewBefore) p(`${cid}: no duration or renewBefore (certificates are short-lived and renewed ahead)`);
    const issuer = cert.spec.issuerRef ?? {};
    if (!docs.some((d) => (d.kind === (issuer.kind ?? "Issuer")) && d.metadata.name === issuer.name)) p(`${cid}: issuer ${issuer.kind ?? "Issuer"}/${issuer.name} is not in the overlay`);
    for (const key of ["Kestrel__Endpoints__Http__Url", "Kestrel__Endpoints__Grpc__Url"]) {
      // The gateway's default is none (src/Agora.Gateway/Program.cs): its 8080 is the public edge, it is a client only.
      const endpoints = (data.Agora__Tls__Endpoints ?? (service === "gateway" ? "none" : "Http,Grpc")).toLowerCase();
      if (data[key] && endpoints !== "none" && endpoints.includes(key.split("__")[2].toLowerCase()) && !data[key].startsWith("https://")) p(`${id}: ${key} is not https under mutual TLS`);
    }
    const probe = Number(data.Agora__Tls__ProbePort ?? 0);
    if (probe > 0) {
      const portOf = (port) => typeof port === "number" ? port : (c.ports ?? []).find((cp) => cp.name === port)?.containerPort;
      for (const kind of ["readinessProbe", "livenessProbe"]) {
        if (c[kind]?.httpGet && portOf(c[kind].httpGet.port) !== probe) p(`${id}: ${kind} is not on the probe port ${probe} (the TLS ports ask a client certificate)`);
      }
      const scrape = w.spec.template.metadata.annotations?.["prometheus.io/port"];
      if (scrape && Number(scrape) !== probe) p(`${id}: prometheus.io/port ${scrape} is not the probe port ${probe}`);
    }
  }
}

function checkMigrations(docs) {
  const problems = [];
  for (const s of DB_SERVICES) {
    const job = docs.find((d) => d.kind === "Job" && d.metadata.name === `${s}-migrate`);
    const c = job?.spec.template.spec.containers[0];
    if (!c) problems.push(`no Job ${s}-migrate`);
    else if (!new RegExp(`(^|/)agora/${s}:`).test(c.image) || JSON.stringify(c.args) !== '["migrate"]') {
      problems.push(`Job ${s}-migrate does not run "${s} migrate"`);
    }
  }
  return problems;
}

const cache = new Map();
const settingsOf = (service) => {
  if (!SERVICES[service]) return undefined;
  if (!cache.has(service)) cache.set(service, readSettings([...SERVICES[service], ...(NO_DEFAULTS.has(service) ? [] : SHARED)]));
  return cache.get(service);
};

let failed = 0;
const all = [];
for (const spec of specs) {
  // NAME=FILE[,FILE...]: the files are checked together (a migrations render with the overlay it runs beside).
  const [name, files] = spec.split("=");
  const docs = files.split(",").flatMap(readDocs);
  const problems = name.includes("migrate") ? [...checkOverlay(name, docs, settingsOf), ...checkMigrations(docs)] : checkOverlay(name, docs, settingsOf);
  all.push([name, docs.length, problems]);
  if (problems.length) failed++;
}
for (const [name, count, problems] of all) {
  console.log(`policy ${name}: ${count} objects, ${problems.length ? problems.length + " problem(s)" : "ok"}`);
  for (const pr of [...new Set(problems)]) console.error(`  ${pr}`);
}
process.exit(failed ? 1 : 0);
