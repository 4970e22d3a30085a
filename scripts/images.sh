#!/usr/bin/env bash
# Builds the OCI image of every Agora service with the .NET SDK's container support and pushes it to a registry:
#   identity catalog ordering payment shipping notification search gateway web pspsimulator devinbox
# as $REGISTRY/agora/<service>:<version>. Prints one "image <reference>" line per image at the end.
#
# Usage:
#   scripts/images.sh            base image mcr.microsoft.com/dotnet/aspnet:10.0, push to $REGISTRY
#   scripts/images.sh --local    base image built here from Debian packages (scripts/base-image.sh, root, Debian 12),
#                                registry on 127.0.0.1:5000 started if needed; for machines without mcr.microsoft.com
#
# Environment:
#   REGISTRY        registry to push to (default localhost:5000)
#   VERSION         image tag (default from git: 0.1.<commits>-g<short sha>[.dirty]); never "latest"
#   BASE_IMAGE      base image (default mcr.microsoft.com/dotnet/aspnet:10.0, or the local one with --local)
#   INSECURE=1      the registry speaks plain HTTP (default for localhost:* and 127.0.0.1:*)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
LOCAL=""
case "${1:-}" in
  "") ;;
  --local) LOCAL=1 ;;
  -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
REGISTRY="${REGISTRY:-localhost:5000}"

if [ -z "${VERSION:-}" ]; then
  count="$(git -C "$ROOT" rev-list --count HEAD 2>/dev/null || echo 0)"
  sha="$(git -C "$ROOT" rev-parse --short=10 HEAD 2>/dev/null || echo unknown)"
  VERSION="0.1.$count-g$sha"
  if ! git -C "$ROOT" diff --quiet HEAD -- src deploy Directory.Build.props Directory.Packages.props 2>/dev/null; then
    VERSION="$VERSION.dirty"
  fi
fi
if [ "$VERSION" = latest ]; then echo "VERSION=latest is refused: deployments name an exact version" >&2; exit 2; fi
REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)"
REPO_URL="$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)"

if [ -n "$LOCAL" ]; then
  BASE_IMAGE="${BASE_IMAGE:-$(REGISTRY="$REGISTRY" bash "$ROOT/scripts/base-image.sh")}"
fi
BASE_IMAGE="${BASE_IMAGE:-mcr.microsoft.com/dotnet/aspnet:10.0}"

case "$REGISTRY" in localhost:* | 127.0.0.1:*) INSECURE="${INSECURE:-1}" ;; esac
if [ "${INSECURE:-}" = 1 ]; then
  # The SDK's registry client speaks plain HTTP only to registries named here.
  export DOTNET_CONTAINER_INSECURE_REGISTRIES="$REGISTRY${DOTNET_CONTAINER_INSECURE_REGISTRIES:+,$DOTNET_CONTAINER_INSECURE_REGISTRIES}"
fi

echo "[images] $REGISTRY/agora/*:$VERSION on $BASE_IMAGE" >&2
log="$ROOT/.agora/images.log"
mkdir -p "$(dirname "$log")"
if ! dotnet msbuild "$ROOT/deploy/images.proj" -nologo -v:minimal -m \
    -p:ContainerRegistry="$REGISTRY" \
    -p:ContainerBaseImage="$BASE_IMAGE" \
    -p:ContainerImageTag="$VERSION" \
    ${REVISION:+-p:AgoraSourceRevision="$REVISION"} \
    ${REPO_URL:+-p:AgoraRepositoryUrl="$REPO_URL"} >"$log" 2>&1; then
  grep -E "error|Error" "$log" | sort -u | head -40 >&2
  echo "[images] the build failed; full log: $log" >&2
  exit 1
fi
grep -E "Pushed image" "$log" | sed 's/^ *//' >&2 || true

for name in identity catalog ordering payment shipping notification search gateway web pspsimulator devinbox; do
  echo "image $REGISTRY/agora/$name:$VERSION"
done
