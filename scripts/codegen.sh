#!/usr/bin/env bash
# Wolverine's handler code, generated ahead: every backend service loads it from its Internal/Generated folder
# (TypeLoadMode.Static) instead of compiling it with Roslyn on the first message of each type.
#
# Run it after changing a message handler (its signature, its dependencies, a new handler or message type) or the
# Wolverine middleware and policies in src/Agora.Messaging, and commit what it writes:
#   scripts/codegen.sh                  # rewrite src/Services/*/Internal/Generated for every service
#   scripts/codegen.sh Payment Catalog  # only these services
#   scripts/codegen.sh --check          # CI (scripts/check-contracts.sh): generate into a temporary folder and fail
#                                       # if it differs from what is committed; writes nothing in the tree
#
# The services are built (Release, into .agora/codegen/Agora.<Service>) WITHOUT their generated folders, so a handler
# change that no longer compiles against the old generated code does not stop the regeneration, and Wolverine discovers
# the handlers by scanning instead of trusting the old GeneratedHandlerRegistry. Then `dotnet Agora.<Service>.dll codegen
# write` (JasperFx's command line, through AgoraHost.RunAgoraAsync) writes the code, once per mode: the embedded and the
# distributed mode must generate the same code (one committed folder serves both), else the script fails.
# The host is built but never started: no database, broker or peer is needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

SERVICES_ALL=(Catalog Identity Notification Ordering Payment Search Shipping)
CHECK=""
SERVICES=()
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
    *) SERVICES+=("$arg") ;;
  esac
done
[ "${#SERVICES[@]}" -gt 0 ] || SERVICES=("${SERVICES_ALL[@]}")

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-codegen.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
OUT="$ROOT/.agora/codegen"
failed=0

# generate SERVICE MODE DIR: writes the service's generated code for MODE into DIR (DIR/WolverineHandlers/*.cs).
generate() {
  local service="$1" mode="$2" dir="$3" lower="${1,,}"
  local env=(ASPNETCORE_ENVIRONMENT=Development "Agora__Mode=$mode" "Agora__Codegen__OutputPath=$dir" Logging__LogLevel__Default=Warning)
  if [ "$mode" = Distributed ]; then
    # Never connected to: the host is not started. They only satisfy the configuration checks made while building it.
    env+=("ConnectionStrings__${lower}db=Host=127.0.0.1;Port=9;Database=codegen;Username=codegen;Password=codegen"
      "ConnectionStrings__rabbitmq=amqp://codegen:codegen@127.0.0.1:9/" "ConnectionStrings__redis=127.0.0.1:9")
  fi
  rm -rf "$dir"
  # The service's own folder is the content root, so its appsettings.json applies as when it runs.
  if ! (cd "src/Services/$service" && env "${env[@]}" dotnet "$OUT/Agora.$service/Agora.$service.dll" codegen write >"$WORK/$service-$mode.log" 2>&1) \
    || [ ! -d "$dir/WolverineHandlers" ]; then
    echo "$service: codegen write failed ($mode):" >&2
    grep -v -e '^Searching ' -e 'for commands$' -e 'PublicKeyToken=' "$WORK/$service-$mode.log" | tail -n 30 >&2
    return 1
  fi
}

# One build of every service asked for (in parallel), each into .agora/codegen/Agora.<Service>.
printf '<Solution>\n' >"$WORK/codegen.slnx"
for service in "${SERVICES[@]}"; do
  project="src/Services/$service/Agora.$service.csproj"
  [ -f "$project" ] || { echo "no such service: $service ($project)" >&2; exit 2; }
  printf '  <Project Path="%s" />\n' "$ROOT/$project" >>"$WORK/codegen.slnx"
done
printf '</Solution>\n' >>"$WORK/codegen.slnx"
echo "building ${SERVICES[*]} without their generated code (log: $OUT/build.log)"
mkdir -p "$OUT"
if ! dotnet build "$WORK/codegen.slnx" -c Release -nologo -v q -p:AgoraWithoutGeneratedCode=true >"$OUT/build.log" 2>&1; then
  echo "the build failed:" >&2
  grep -E ': error ' "$OUT/build.log" | sort -u | head -n 20 >&2
  exit 1
fi

for service in "${SERVICES[@]}"; do
  printf '=== %s ===\n' "$service"
  generate "$service" Embedded "$WORK/$service/embedded" || { failed=1; continue; }
  generate "$service" Distributed "$WORK/$service/distributed" || { failed=1; continue; }
  if ! diff -r "$WORK/$service/embedded" "$WORK/$service/distributed" >"$WORK/$service-modes.diff"; then
    echo "$service: the embedded and the distributed mode generate different handler code; one committed folder serves" >&2
    echo "both, so keep the Wolverine setup that shapes handler code (middleware, policies, DI of handler dependencies)" >&2
    echo "the same in both modes (src/Agora.Messaging/MessagingExtensions.cs). The difference:" >&2
    head -n 40 "$WORK/$service-modes.diff" >&2
    failed=1
    continue
  fi
  committed="src/Services/$service/Internal/Generated"
  if [ -n "$CHECK" ]; then
    if diff -r -N "$committed" "$WORK/$service/embedded" >"$WORK/$service.diff"; then
      echo "current ($(find "$committed" -name '*.cs' | wc -l) files)"
    else
      echo "$service: $committed is not the code the handlers generate now; run scripts/codegen.sh $service and commit it:" >&2
      head -n 40 "$WORK/$service.diff" >&2
      failed=1
    fi
  else
    rm -rf "$committed"
    mkdir -p "$committed"
    cp -r "$WORK/$service/embedded/." "$committed/"
    echo "wrote $committed ($(find "$committed" -name '*.cs' | wc -l) files)"
  fi
done

if [ "$failed" -ne 0 ]; then
  [ -n "$CHECK" ] && echo "generated handler code is stale or could not be generated: run scripts/codegen.sh and commit src/Services/*/Internal/Generated" >&2
  exit 1
fi
