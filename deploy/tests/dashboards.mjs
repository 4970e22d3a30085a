// Every metric a Grafana dashboard or an alert rule queries is one the services expose:
//   node deploy/tests/dashboards.mjs REPO_ROOT TOOLS_DIR [--scraped DIR]
//
//   1. the metric names in every query (dashboards/*.json targets and variables, rules/*.yaml expr) are in
//      deploy/observability/metrics.txt;
//   2. that list's "code" entries are exactly the instruments src/ creates on Agora meters (a renamed or removed
//      instrument, or a new one not listed, fails);
//   3. its "wolverine" entries are instruments of the Wolverine assembly the services restore, the version read from
//      Directory.Packages.props with its $(…) properties resolved (a version that cannot be resolved fails; a
//      version not in the NuGet cache yet is skipped with a note, before the first restore);
//   4. with --scraped DIR (after scripts/smoke-images.sh): every name the images exposed at /metrics is listed.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { homedir } from "node:os";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const [root, tools] = args;
const scraped = args.indexOf("--scraped") >= 0 ? args[args.indexOf("--scraped") + 1] : null;
if (!root || !tools) {
  console.error("usage: node dashboards.mjs REPO_ROOT TOOLS_DIR [--scraped DIR]");
  process.exit(2);
}
const YAML = await import(pathToFileURL(join(tools, "node_modules/yaml/dist/index.js")).href);
const obs = join(root, "deploy/observability");
const problems = [];

// The list.
const listed = new Map();
for (const line of readFileSync(join(obs, "metrics.txt"), "utf8").split("\n")) {
  const t = line.trim();
  if (!t || t.startsWith("#")) continue;
  const [name, source] = t.split(/\s+/);
  if (!["code", "wolverine", "runtime"].includes(source)) problems.push(`metrics.txt: ${name} has no source (code, wolverine or runtime)`);
  listed.set(name, source);
}

// 1. Queries.
const FUNCTIONS = new Set(`abs absent absent_over_time avg avg_over_time bool bottomk by ceil changes clamp clamp_max clamp_min
  count count_over_time count_values delta deriv exp floor group group_left group_right histogram_quantile holt_winters
  idelta ignoring increase irate label_join label_replace label_values last_over_time ln log10 log2 max max_over_time min
  min_over_time offset on or and unless predict_linear quantile quantile_over_time rate resets round scalar sort sort_desc
  sqrt stddev stddev_over_time stdvar sum sum_over_time time timestamp topk vector without inf nan query_result`.split(/\s+/));
function metricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')            // strings
    .replace(/\{[^}]*\}/g, "")                       // label matchers
    .replace(/\[[^\]]*\]/g, "")                      // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "") // grouping labels
    .replace(/\$\w+|\$\{[^}]+\}/g, "");              // Grafana variables
  return [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0])
    .filter((w) => !FUNCTIONS.has(w) && !/^\d/.test(w) && !/^(e|le)$/.test(w));
}
const queries = [];
for (const file of readdirSync(join(obs, "dashboards")).filter((f) => f.endsWith(".json"))) {
  const d = JSON.parse(readFileSync(join(obs, "dashboards", file), "utf8"));
  for (const p of d.panels ?? []) for (const t of p.targets ?? []) queries.push([`${file} "${p.title}"`, t.expr]);
  for (const v of d.templating?.list ?? []) {
    const q = typeof v.query === "string" ? (v.type === "query" ? v.query : null) : v.query?.query;
    if (q) queries.push([`${file} variable ${v.name}`, q.replace(/^label_values\(([^,]+),[^)]*\)$/, "$1")]);
  }
}
for (const file of readdirSync(join(obs, "rules")).filter((f) => f.endsWith(".yaml"))) {
  const doc = YAML.parse(readFileSync(join(obs, "rules", file), "utf8"));
  for (const g of doc.groups ?? []) for (const r of g.rules ?? []) queries.push([`${file} ${r.alert ?? r.record}`, String(r.expr)]);
}
let names = 0;
for (const [where, expr] of queries) {
  const found = metricNames(expr);
  if (found.length === 0) problems.push(`${where}: no metric in ${expr.trim()}`);
  for (const n of found) {
    names++;
    if (!listed.has(n)) problems.push(`${where}: ${n} is not a metric the services expose (deploy/observability/metrics.txt)`);
  }
}

// 2. Agora's instruments in the code.
function csFiles(dir) {
  return readdirSync(dir).flatMap((e) => {
    if (e === "bin" || e === "obj") return [];
    const p = join(dir, e);
    return statSync(p).isDirectory() ? csFiles(p) : e.endsWith(".cs") ? [p] : [];
  });
}
const sources = csFiles(join(root, "src")).map((f) => readFileSync(f, "utf8"));
const constants = new Map();
for (const s of sources) for (const m of s.matchAll(/const\s+string\s+(\w+)\s*=\s*"([^"]+)"/g)) constants.set(m[1], m[2]);
const inCode = new Set();
for (const s of sources) {
  for (const m of s.matchAll(/Create(Counter|Histogram|ObservableGauge|ObservableCounter|UpDownCounter|ObservableUpDownCounter)(?:<[^>]+>)?\(\s*(?:"([^"]+)"|(\w+))/g)) {
    const raw = m[2] ?? constants.get(m[3]);
    if (!raw || !raw.startsWith("agora.")) continue;
    const base = raw.replace(/[.-]/g, "_");
    if (m[1] === "Histogram") ["_bucket", "_sum", "_count"].forEach((s) => inCode.add(base + s));
    else if (m[1].includes("Counter") && !m[1].includes("UpDown")) inCode.add(base + "_total");
    else inCode.add(base);
  }
}
const listedCode = [...listed].filter(([, s]) => s === "code").map(([n]) => n);
for (const n of inCode) if (listed.get(n) !== "code") problems.push(`src/ creates ${n}; list it in metrics.txt as "${n} code"`);
for (const n of listedCode) if (!inCode.has(n)) problems.push(`metrics.txt: ${n} (code) is created nowhere in src/ (renamed or removed?)`);

// 3. Wolverine's instruments in the assembly.
// The version is central (Directory.Packages.props), usually through a property: Version="$(WolverineVersion)" with
// <WolverineVersion>6.62.0</WolverineVersion>. Properties are resolved as MSBuild would (a property may name another).
const props = readFileSync(join(root, "Directory.Packages.props"), "utf8");
const property = (name) => new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(props)?.[1]?.trim();
function resolve(value, depth = 0) {
  if (value === undefined || depth > 10) return undefined;
  const unresolved = [];
  const out = value.replace(/\$\((\w+)\)/g, (_, name) => {
    const v = resolve(property(name), depth + 1);
    if (v === undefined) unresolved.push(name);
    return v ?? "";
  });
  return unresolved.length ? undefined : out;
}
const declared = /Include="WolverineFx" Version="([^"]+)"/.exec(props)?.[1];
const version = resolve(declared);
const nuget = process.env.NUGET_PACKAGES || join(homedir(), ".nuget/packages");
const dll = version && join(nuget, "wolverinefx", version.toLowerCase(), "lib/net10.0/Wolverine.dll");
let wolverineChecked = 0;
if (!version || !/^\d+\.\d+/.test(version)) {
  problems.push(`Directory.Packages.props: cannot resolve WolverineFx's version (${declared ?? "no PackageVersion"}) to check its instruments`);
} else if (existsSync(dll)) {
  const bytes = readFileSync(dll);
  for (const [n, s] of listed) {
    if (s !== "wolverine") continue;
    const instrument = n.replace(/_(total|bucket|sum|count)$/, "").replace(/_(Messages|Milliseconds)$/, "").replace(/_/g, "-");
    wolverineChecked++;
    if (!bytes.includes(Buffer.from(instrument, "utf16le"))) problems.push(`metrics.txt: ${n}: Wolverine ${version} has no instrument ${instrument}`);
  }
  console.log(`Wolverine ${version}: ${wolverineChecked} instrument name(s) checked in ${dll}`);
} else {
  console.log(`note: Wolverine ${version} is not restored yet (${dll}); its instrument names are checked after a restore`);
}

// 4. What the images exposed.
let scrapedNames = 0;
if (scraped) {
  const files = existsSync(scraped) ? readdirSync(scraped).filter((f) => f.endsWith(".metrics")) : [];
  if (files.length === 0) problems.push(`--scraped ${scraped}: no .metrics files (run scripts/smoke-images.sh first)`);
  for (const f of files) {
    for (const line of readFileSync(join(scraped, f), "utf8").split("\n")) {
      const m = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
      if (!m || line.startsWith("#")) continue;
      scrapedNames++;
      if (!listed.has(m[1])) problems.push(`${f.replace(/\.metrics$/, "")} exposes ${m[1]}, which metrics.txt does not list`);
    }
  }
}

for (const p of [...new Set(problems)]) console.error(`  ${p}`);
console.log(`metrics: ${queries.length} queries (${names} metric references), ${listed.size} names listed, ${inCode.size} from src/` +
  (scraped ? `, ${scrapedNames} scraped samples` : "") + (problems.length ? `, ${problems.length} problem(s)` : ", ok"));
process.exit(problems.length ? 1 : 0);
