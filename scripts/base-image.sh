#!/usr/bin/env bash
# Builds Agora's local base image and serves it from a local registry, for machines that cannot reach
# mcr.microsoft.com or run containers (CI, air-gapped build hosts). Debian 12, root.
#
#   1. a registry without auth on 127.0.0.1:5000 (Debian's docker-registry; started here if nothing answers there),
#   2. a Debian bookworm rootfs (debootstrap --variant=minbase) with libssl3, ca-certificates, tzdata and libicu72,
#      the ASP.NET Core and .NET runtimes of this machine's SDK (copied from the dotnet root), and the non-root user
#      app (UID/GID 1654, as in Microsoft's aspnet images),
#   3. that rootfs as a one-layer OCI image (written by hand: no container engine needed), pushed with skopeo as
#      $REGISTRY/agora/base:<runtime version>-bookworm.
#
# Prints the image reference as its last line. Nothing is rebuilt when the registry already has that tag.
#
# Environment:
#   REGISTRY          where to push (default localhost:5000; the local registry is only started for 127.0.0.1:5000)
#   AGORA_IMAGE_WORK  work directory for the rootfs and layout (default /var/cache/agora-images)
#   DEBIAN_MIRROR     debootstrap mirror (default http://deb.debian.org/debian)
set -euo pipefail

REGISTRY="${REGISTRY:-localhost:5000}"
WORK="${AGORA_IMAGE_WORK:-/var/cache/agora-images}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
APP_UID=1654

log() { printf '[base-image] %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "base-image.sh needs root (debootstrap, chroot and the registry's data directory)" >&2
    exit 1
  fi
}

install_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
  fi
}

# Starts a registry without auth on 127.0.0.1:5000 unless one answers there already.
start_registry() {
  case "$REGISTRY" in localhost:5000 | 127.0.0.1:5000) ;; *) return 0 ;; esac
  if curl -fs -o /dev/null http://127.0.0.1:5000/v2/; then return 0; fi
  mkdir -p "$WORK/registry"
  cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
EOF
  log "starting docker-registry on 127.0.0.1:5000 (data in $WORK/registry, log in $WORK/registry.log)"
  nohup docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 </dev/null &
  echo $! >"$WORK/registry.pid"
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null http://127.0.0.1:5000/v2/ && return 0
    sleep 0.2
  done
  echo "the registry did not start; see $WORK/registry.log" >&2
  exit 1
}

dotnet_root() {
  local d
  d="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  [ -d "$d/shared/Microsoft.AspNetCore.App" ] || { echo "no ASP.NET Core runtime under $d" >&2; exit 1; }
  echo "$d"
}

# The newest 10.0 ASP.NET Core runtime of the SDK's dotnet root (the apps roll forward to it).
runtime_version() {
  ls "$1/shared/Microsoft.AspNetCore.App" | grep '^10\.' | sort -V | tail -n1
}

build_rootfs() {
  local dotnet="$1" version="$2" rootfs="$WORK/rootfs-$version"
  if [ -f "$rootfs/.agora-complete" ]; then echo "$rootfs"; return 0; fi
  rm -rf "$rootfs" "$WORK/rootfs-tmp"
  log "debootstrap bookworm (minbase) into $rootfs"
  debootstrap --variant=minbase --include=libssl3,ca-certificates,tzdata,libicu72 \
    bookworm "$WORK/rootfs-tmp" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  local r="$WORK/rootfs-tmp"
  log "adding the .NET $version runtimes and the user app ($APP_UID)"
  mkdir -p "$r/usr/share/dotnet/shared/Microsoft.NETCore.App" "$r/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet/dotnet" "$dotnet/host" "$r/usr/share/dotnet/"
  local netcore
  netcore="$(ls "$dotnet/shared/Microsoft.NETCore.App" | grep '^10\.' | sort -V | tail -n1)"
  cp -a "$dotnet/shared/Microsoft.NETCore.App/$netcore" "$r/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$dotnet/shared/Microsoft.AspNetCore.App/$version" "$r/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  ln -sf /usr/share/dotnet/dotnet "$r/usr/bin/dotnet"
  chroot "$r" /usr/sbin/groupadd --gid "$APP_UID" app
  chroot "$r" /usr/sbin/useradd --uid "$APP_UID" --gid "$APP_UID" --create-home --shell /bin/false app
  mkdir -p "$r/app"
  # What a runtime image does not need: package caches and lists, docs, man pages, locales.
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/usr/share/doc/* "$r"/usr/share/man/* \
    "$r"/usr/share/info/* "$r"/usr/share/locale/* "$r"/var/log/* "$r"/tmp/* "$r"/dev/*
  chmod 1777 "$r/tmp"
  touch "$r/.agora-complete"
  mv "$r" "$rootfs"
  echo "$rootfs"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Writes a one-layer OCI image layout of ROOTFS into DIR.
write_layout() {
  local rootfs="$1" dir="$2" version="$3" created="$4"
  rm -rf "$dir"
  mkdir -p "$dir/blobs/sha256"
  log "packing the layer"
  tar --numeric-owner --sort=name --mtime=@0 --exclude=./.agora-complete -C "$rootfs" -cf "$dir/layer.tar" .
  local diff_id layer_digest layer_size config_digest config_size manifest_digest manifest_size
  diff_id="$(sha "$dir/layer.tar")"
  gzip -n -1 "$dir/layer.tar"
  layer_digest="$(sha "$dir/layer.tar.gz")"
  layer_size="$(stat -c %s "$dir/layer.tar.gz")"
  mv "$dir/layer.tar.gz" "$dir/blobs/sha256/$layer_digest"

  cat >"$dir/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"User":"$APP_UID","WorkingDir":"/app",
  "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP_UID=$APP_UID",
         "ASPNETCORE_HTTP_PORTS=8080","DOTNET_RUNNING_IN_CONTAINER=true","DOTNET_VERSION=$version","ASPNET_VERSION=$version"],
  "Labels":{"org.opencontainers.image.title":"agora-base","org.opencontainers.image.version":"$version-bookworm",
            "org.opencontainers.image.description":"Debian bookworm (minbase) with the ASP.NET Core $version runtime, built by scripts/base-image.sh"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"scripts/base-image.sh"}]}
EOF
  config_digest="$(sha "$dir/config.json")"
  config_size="$(stat -c %s "$dir/config.json")"
  mv "$dir/config.json" "$dir/blobs/sha256/$config_digest"

  cat >"$dir/manifest.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$layer_digest","size":$layer_size}]}
EOF
  manifest_digest="$(sha "$dir/manifest.json")"
  manifest_size="$(stat -c %s "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_digest"

  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  cat >"$dir/index.json" <<EOF
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"sha256:$manifest_digest","size":$manifest_size,
 "platform":{"architecture":"amd64","os":"linux"},
 "annotations":{"org.opencontainers.image.ref.name":"$version-bookworm"}}]}
EOF
}

main() {
  need_root
  install_tools
  start_registry
  local dotnet version tag ref
  dotnet="$(dotnet_root)"
  version="$(runtime_version "$dotnet")"
  tag="$version-bookworm"
  ref="$REGISTRY/agora/base:$tag"
  if skopeo inspect --tls-verify=false "docker://$ref" >/dev/null 2>&1 && [ "${AGORA_REBUILD_BASE:-}" != 1 ]; then
    log "$ref is there already"
    echo "$ref"
    return 0
  fi
  local rootfs
  rootfs="$(build_rootfs "$dotnet" "$version")"
  write_layout "$rootfs" "$WORK/base-layout" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log "pushing $ref"
  skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/base-layout:$tag" "docker://$ref" >&2
  echo "$ref"
}

main "$@"
