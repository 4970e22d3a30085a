#!/usr/bin/env bash
# Checks everything under deploy/ that needs no image (fast, under a minute):
#   1. kubectl kustomize renders every overlay (dev, production, istio, canary, mtls) and the migration Jobs of dev and
#      production into .agora/deploy/<name>.yaml;
#   2. deploy/tests/validate.mjs: every object against the Kubernetes 1.32, Istio and cert-manager schemas;
#   3. deploy/tests/policy.mjs: the policy test (versions, probes, resources, non-root, PDBs, Services, NetworkPolicy
#      peers, references, every ConfigMap key a setting the service reads, Istio routes and principals);
#   3b. deploy/tests/selftest.mjs: 17 broken copies of the dev overlay and 7 of the mtls overlay, each rejected by 2.
#       or 3. as it should be;
#   4. promtool: the alert rules (check rules) and their unit tests (test rules) in deploy/observability;
#   5. deploy/tests/dashboards.mjs: every metric a dashboard or rule queries is one the services expose
#      (deploy/observability/metrics.txt), and that list is in step with the instruments in the code.
# Every check runs; the script exits non-zero if any failed.
#
# Needs node and npm; the npm tools (tools/package.json) are installed into .agora/tools, and kubectl 1.32 and
# promtool are taken from PATH or fetched by scripts/deploy-tools.sh.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
TOOLS="$ROOT/.agora/tools"
OUT="$ROOT/.agora/deploy"
FAILED=()

section() { printf '\n=== %s ===\n' "$*"; }
run() { local name="$1"; shift; if ! "$@"; then FAILED+=("$name"); fi; }

install_tools() {
  local want stamp="$TOOLS/.deploy-lock.sha256"
  want="$(sha256sum tools/package-lock.json | cut -d' ' -f1)"
  # scripts/check-contracts.sh installs the same lock file (its stamp: .installed-lock.sha256).
  for s in "$stamp" "$TOOLS/.installed-lock.sha256"; do
    if [ -f "$s" ] && [ "$(cat "$s")" = "$want" ] && [ -d "$TOOLS/node_modules/kubernetes-models" ]; then return 0; fi
  done
  mkdir -p "$TOOLS"
  cp tools/package.json tools/package-lock.json "$TOOLS/"
  (cd "$TOOLS" && SCARF_ANALYTICS=false DO_NOT_TRACK=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || return 1
  echo "$want" >"$stamp"
}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "check-deploy: $tool is needed (Node 20 or later)" >&2; exit 1; }
done
install_tools || { echo "check-deploy: npm ci failed in .agora/tools" >&2; exit 1; }
KUBECTL="$(bash scripts/deploy-tools.sh kubectl)" || { echo "check-deploy: no kubectl 1.32" >&2; exit 1; }
PROMTOOL="$(bash scripts/deploy-tools.sh promtool)" || { echo "check-deploy: no promtool" >&2; exit 1; }

section "render (kubectl kustomize)"
rm -rf "$OUT"
mkdir -p "$OUT"
RENDERED=()
for overlay in dev production istio canary mtls dev/migrate production/migrate; do
  name="${overlay//\//-}"
  if "$KUBECTL" kustomize "deploy/k8s/overlays/$overlay" >"$OUT/$name.yaml" 2>"$OUT/$name.err"; then
    echo "$overlay: $(grep -c '^kind:' "$OUT/$name.yaml") objects"
    RENDERED+=("$OUT/$name.yaml")
  else
    cat "$OUT/$name.err" >&2
    FAILED+=("render $overlay")
  fi
done

section "schemas (Kubernetes 1.32, Istio, cert-manager)"
run schemas node deploy/tests/validate.mjs "$TOOLS" "${RENDERED[@]}"

section "policy"
run policy node deploy/tests/policy.mjs "$TOOLS" "$ROOT" \
  dev="$OUT/dev.yaml" production="$OUT/production.yaml" istio="$OUT/istio.yaml" canary="$OUT/canary.yaml" mtls="$OUT/mtls.yaml" \
  dev-migrate="$OUT/dev-migrate.yaml,$OUT/dev.yaml" production-migrate="$OUT/production-migrate.yaml,$OUT/production.yaml"

section "the checks reject what they should (deploy/tests/selftest.mjs)"
run selftest node deploy/tests/selftest.mjs "$TOOLS" "$ROOT" "$OUT/dev.yaml" "$OUT/mtls.yaml"

if [ -d deploy/observability ]; then
  section "alert rules (promtool)"
  run "promtool check" "$PROMTOOL" check rules deploy/observability/rules/*.yaml
  run "promtool test" "$PROMTOOL" test rules deploy/observability/tests/*.yaml

  section "dashboards and metric names"
  run dashboards node deploy/tests/dashboards.mjs "$ROOT" "$TOOLS"
fi

if [ ${#FAILED[@]} -gt 0 ]; then
  printf '\ncheck-deploy: FAILED: %s\n' "${FAILED[*]}" >&2
  exit 1
fi
printf '\ncheck-deploy: all checks passed\n'
