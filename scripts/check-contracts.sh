#!/usr/bin/env bash
# Checks Agora's published contracts with pinned tools:
#   1. spectral lint contracts/openapi/*.json   (spectral:oas + OWASP rulesets, .spectral.yaml; fails on errors)
#   2. buf lint       src/Agora.Contracts/Protos (buf.yaml there)
#   3. buf breaking   src/Agora.Contracts/Protos against contracts/proto/agora.binpb (the published baseline)
#   4. graphql-inspector diff: contracts/graphql/schema.graphql against the same file at the base commit
#      (AGORA_CONTRACTS_BASE, default: the merge base with main, or HEAD~1 on main itself); fails on breaking changes.
#      The file itself is written by tests/Agora.GraphQL.Tests (SchemaContractTests), which also fail when it is not
#      exactly the schema the code serves, or when a rewrite would break it:
#        AGORA_UPDATE_CONTRACTS=1 dotnet test tests/Agora.GraphQL.Tests --filter FullyQualifiedName~SchemaContractTests
#   5. scripts/codegen.sh --check: the Wolverine handler code committed under src/Services/*/Internal/Generated is what
#      the handlers generate now (the services load it with TypeLoadMode.Static); else run scripts/codegen.sh, commit.
# Every check runs; the script exits non-zero if any failed.
#
# The tools (tools/package.json + package-lock.json) are installed with `npm ci` into .agora/tools, again only when
# the lock file changes. The OpenAPI files themselves are written by each service's ContractTests, e.g.:
#   AGORA_UPDATE_CONTRACTS=1 dotnet test tests/Agora.Catalog.Tests --filter FullyQualifiedName~ContractTests
#
# Usage:
#   scripts/check-contracts.sh                    # check
#   scripts/check-contracts.sh --update-baseline  # check, then publish the current protos as the new baseline
#                                                 # (only when buf breaking passed: additions, never removals)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
TOOLS="$ROOT/.agora/tools"
PROTOS="src/Agora.Contracts/Protos"
BASELINE="contracts/proto/agora.binpb"
UPDATE_BASELINE=""

case "${1:-}" in
  "") ;;
  --update-baseline) UPDATE_BASELINE=1 ;;
  -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

section() { printf '\n=== %s ===\n' "$*"; }

# No telemetry from the tools or their install scripts.
export SCARF_ANALYTICS=false DO_NOT_TRACK=1 NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false npm_config_fund=false

install_tools() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node and npm are needed (Node 20 or later); install them, e.g. apt-get install nodejs npm" >&2
    return 1
  fi
  local stamp="$TOOLS/.installed-lock.sha256" want
  want="$(sha256sum tools/package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$TOOLS/node_modules/.bin/spectral" ] \
    && [ -x "$TOOLS/node_modules/.bin/buf" ] && [ -x "$TOOLS/node_modules/.bin/graphql-inspector" ]; then
    return 0
  fi
  section "installing contract tools into .agora/tools (npm ci)"
  mkdir -p "$TOOLS"
  cp tools/package.json tools/package-lock.json "$TOOLS/"
  # --ignore-scripts: buf's launcher finds its platform binary without its postinstall, and nothing else needs one.
  if ! (cd "$TOOLS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    echo "npm ci failed in .agora/tools" >&2
    return 1
  fi
  echo "$want" >"$stamp"
}

if ! install_tools; then
  echo "FAILED: could not install the contract tools" >&2
  exit 1
fi

SPECTRAL="$TOOLS/node_modules/.bin/spectral"
BUF="$TOOLS/node_modules/.bin/buf"
export BUF_CACHE_DIR="$TOOLS/buf-cache"
FAILED=()

section "spectral lint ($("$SPECTRAL" --version)): contracts/openapi"
shopt -s nullglob
OPENAPI=(contracts/openapi/*.json)
shopt -u nullglob
if [ ${#OPENAPI[@]} -eq 0 ]; then
  echo "no OpenAPI documents in contracts/openapi"
  FAILED+=("spectral (no documents)")
# NODE_PATH lets .spectral.yaml name the OWASP ruleset by its package name.
elif NODE_PATH="$TOOLS/node_modules" "$SPECTRAL" lint "${OPENAPI[@]}" --ruleset .spectral.yaml \
  --fail-severity=error --display-only-failures; then
  echo "spectral: no errors in ${OPENAPI[*]}"
else
  FAILED+=("spectral lint")
fi

section "buf lint ($("$BUF" --version)): $PROTOS"
if "$BUF" lint "$PROTOS"; then
  echo "buf lint: ok"
else
  FAILED+=("buf lint")
fi

section "buf breaking: $PROTOS against $BASELINE"
if [ ! -f "$BASELINE" ]; then
  echo "no baseline at $BASELINE; publish one with: scripts/check-contracts.sh --update-baseline"
  [ -n "$UPDATE_BASELINE" ] || FAILED+=("buf breaking (no baseline)")
elif "$BUF" breaking "$PROTOS" --against "$BASELINE"; then
  echo "buf breaking: no breaking change against the published baseline"
else
  echo "A published v1 .proto must stay compatible: restore what was removed or changed, or add a v2 package."
  FAILED+=("buf breaking")
fi

GRAPHQL_SCHEMA="contracts/graphql/schema.graphql"
INSPECTOR="$TOOLS/node_modules/.bin/graphql-inspector"
section "graphql-inspector diff: $GRAPHQL_SCHEMA against the base commit"
GRAPHQL_BASE="${AGORA_CONTRACTS_BASE:-}"
if [ -z "$GRAPHQL_BASE" ]; then
  MERGE_BASE="$(git merge-base HEAD main 2>/dev/null || true)"
  if [ -n "$MERGE_BASE" ] && [ "$MERGE_BASE" != "$(git rev-parse HEAD 2>/dev/null)" ]; then
    GRAPHQL_BASE="$MERGE_BASE"   # a branch: everything it changed
  else
    GRAPHQL_BASE="HEAD~1"        # main itself: what the last commit (or merge) changed
  fi
fi
if [ ! -f "$GRAPHQL_SCHEMA" ]; then
  echo "no $GRAPHQL_SCHEMA; write it with the SchemaContractTests update above"
  FAILED+=("graphql (no schema)")
elif ! git cat-file -e "$GRAPHQL_BASE:$GRAPHQL_SCHEMA" 2>/dev/null; then
  echo "no $GRAPHQL_SCHEMA at $GRAPHQL_BASE (not published there yet): nothing to compare"
else
  mkdir -p "$TOOLS/tmp"
  git show "$GRAPHQL_BASE:$GRAPHQL_SCHEMA" >"$TOOLS/tmp/schema.base.graphql"
  if "$INSPECTOR" diff "$TOOLS/tmp/schema.base.graphql" "$GRAPHQL_SCHEMA"; then
    echo "graphql-inspector: no breaking change against $GRAPHQL_BASE"
  else
    echo "The published GraphQL schema must stay compatible: restore what was removed or changed, or add beside it (and deprecate)."
    FAILED+=("graphql-inspector diff")
  fi
fi

section "generated Wolverine handler code: scripts/codegen.sh --check"
if bash scripts/codegen.sh --check; then
  echo "generated handler code: current in every service"
else
  echo "A handler, a message type or the Wolverine setup changed without regenerating: run scripts/codegen.sh and commit src/Services/*/Internal/Generated."
  FAILED+=("generated handler code")
fi

if [ -n "$UPDATE_BASELINE" ]; then
  section "publishing $PROTOS as $BASELINE"
  if [ ${#FAILED[@]} -gt 0 ]; then
    echo "not updating the baseline while checks fail" >&2
  elif mkdir -p "$(dirname "$BASELINE")" && "$BUF" build "$PROTOS" -o "$BASELINE"; then
    echo "wrote $BASELINE; commit it"
  else
    FAILED+=("buf build")
  fi
fi

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "contracts: FAILED: ${FAILED[*]}"
  exit 1
fi
echo "contracts: all checks passed"
