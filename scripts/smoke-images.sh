#!/usr/bin/env bash
# Starts every Agora image the way a cluster would, without a container engine, and checks that it answers
# /health/live with 200. Root, Debian 12 (skopeo, chroot).
#
# For each image reference given (as printed by scripts/images.sh):
#   1. skopeo copies it from the registry into an OCI layout and its layers are unpacked, in order, into a
#      directory (the base layer once, hard-linked into each image's root);
#   2. its configuration is read: the user must be a number other than 0 (Kubernetes' runAsNonRoot needs that),
#      the entrypoint, working directory and environment are the image's;
#   3. the environment its Deployment declares in the dev overlay (ConfigMap and Secret values) is added, then the
#      smoke run's own: the embedded mode (SQLite under /data, the only writable paths besides /tmp, as the
#      Deployment's emptyDir mounts), loopback ports of its own, so the images start side by side;
#   4. the entrypoint runs under chroot as the image's user (chroot --userspec=UID:GID), with /proc mounted and
#      the usual device nodes; /health/live must answer 200 within AGORA_SMOKE_TIMEOUT seconds (default 90);
#      /metrics is saved under .agora/smoke/<image>.metrics (deploy/tests/dashboards.mjs compares the names).
# Exits non-zero if an image does not start; its output is then printed.
#
# Usage: scripts/smoke-images.sh REGISTRY/agora/NAME:VERSION...
#        scripts/images.sh --local | scripts/smoke-images.sh -        (reads "image REF" lines)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
WORK="${AGORA_SMOKE_WORK:-/var/cache/agora-images/smoke}"
OUT="$ROOT/.agora/smoke"
TIMEOUT="${AGORA_SMOKE_TIMEOUT:-90}"
PARALLEL="${AGORA_SMOKE_PARALLEL:-4}"

log() { printf '[smoke] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "smoke-images.sh needs root (chroot, mount)" >&2; exit 1; }
for tool in skopeo curl chroot; do
  command -v "$tool" >/dev/null || { echo "smoke-images.sh: $tool is needed" >&2; exit 1; }
done
CHROOT="$(command -v chroot)"
# Debian's Python with its YAML module (a python3 earlier on PATH, such as pyenv's, may lack it).
PY=/usr/bin/python3
"$PY" -c 'import yaml' 2>/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-yaml >/dev/null
KUBECTL="$(bash scripts/deploy-tools.sh kubectl)"

IMAGES=()
if [ "${1:-}" = - ]; then
  while read -r kind ref; do [ "$kind" = image ] && IMAGES+=("$ref"); done
else
  IMAGES=("$@")
fi
[ ${#IMAGES[@]} -gt 0 ] || { echo "usage: $0 IMAGE... | -" >&2; exit 2; }

# The Deployments' configuration: the dev overlay, rendered.
mkdir -p "$OUT"
"$KUBECTL" kustomize deploy/k8s/overlays/dev >"$OUT/dev.yaml"

unmount_all() {
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r)
}
remove_work() {
  unmount_all
  if awk -v w="$WORK/" 'index($2, w) == 1 {found=1} END {exit !found}' /proc/mounts; then
    echo "smoke: something is still mounted under $WORK; not removing it" >&2
    return 1
  fi
  rm -rf "$WORK"
}
remove_work
mkdir -p "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  unmount_all
}
trap cleanup EXIT

# unpack REF NAME: OCI layout, layers unpacked into $WORK/NAME/rootfs; prints the image config's path.
unpack() {
  local ref="$1" name="$2" dir="$WORK/$name"
  mkdir -p "$dir"
  skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$dir/oci:smoke" >&2
  "$PY" - "$dir" "$WORK/layers" <<'PY'
import json, os, subprocess, sys, shutil
dir, cache = sys.argv[1], sys.argv[2]
oci = os.path.join(dir, "oci")
blob = lambda d: os.path.join(oci, "blobs", *d.split(":"))
index = json.load(open(os.path.join(oci, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
rootfs = os.path.join(dir, "rootfs")
for i, layer in enumerate(manifest["layers"]):
    digest = layer["digest"].split(":")[1]
    unpacked = os.path.join(cache, digest)
    if not os.path.isdir(unpacked):
        tmp = unpacked + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        subprocess.run(["tar", "--numeric-owner", "-xzf", blob(layer["digest"]), "-C", tmp], check=True)
        os.rename(tmp, unpacked)
    if i == 0:
        # hard links: the base layer's files are root's and read-only to the image's user
        subprocess.run(["cp", "-al", unpacked, rootfs], check=True)
    else:
        for base, dirs, files in os.walk(unpacked):
            for f in files:
                if f.startswith(".wh."):
                    target = os.path.join(rootfs, os.path.relpath(base, unpacked), f[4:])
                    shutil.rmtree(target, ignore_errors=True) if os.path.isdir(target) else (os.path.exists(target) and os.remove(target))
        subprocess.run(["cp", "-a", "--remove-destination", unpacked + "/.", rootfs], check=True)
json.dump(json.load(open(blob(manifest["config"]["digest"]))), open(os.path.join(dir, "config.json"), "w"))
PY
  echo "$dir/config.json"
}

# environment NAME CONFIG PORT: the env file (NUL-separated KEY=VALUE) for the run.
environment() {
  local name="$1" config="$2" port="$3"
  "$PY" - "$name" "$config" "$port" "$OUT/dev.yaml" <<'PY'
import json, sys, yaml, base64
name, config, port, rendered = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
cfg = json.load(open(config))["config"]
env = dict(e.split("=", 1) for e in cfg.get("Env", []))
deployment = next((d for d in docs if d["kind"] == "Deployment"
                   and any(c["image"].split("@")[0].rsplit(":", 1)[0].endswith("/agora/" + name)
                           for c in d["spec"]["template"]["spec"]["containers"])), None)
if deployment is None:
    sys.exit(f"no Deployment of agora/{name} in the dev overlay")
c = next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["image"].rsplit(":", 1)[0].endswith("/agora/" + name))
find = lambda kind, n: next((d for d in docs if d["kind"] == kind and d["metadata"]["name"] == n), None)
for ef in c.get("envFrom", []):
    if "configMapRef" in ef:
        env.update(find("ConfigMap", ef["configMapRef"]["name"])["data"])
for e in c.get("env", []):
    if "value" in e:
        env[e["name"]] = e["value"]
    elif "secretKeyRef" in e.get("valueFrom", {}):
        ref = e["valueFrom"]["secretKeyRef"]
        secret = find("Secret", ref["name"])
        if secret and ref["key"] in secret.get("data", {}):
            env[e["name"]] = base64.b64decode(secret["data"][ref["key"]]).decode()
    elif "configMapKeyRef" in e.get("valueFrom", {}):
        ref = e["valueFrom"]["configMapKeyRef"]
        env[e["name"]] = find("ConfigMap", ref["name"])["data"][ref["key"]]
# The smoke run: embedded mode (no servers), writable paths only /data and /tmp, ports of its own on loopback.
# The declared URLs keep their form (http://+:8080), only the port changes.
import re
def moved(url, to):
    if not re.search(r":\d+/?$", url):
        sys.exit(f"{name}: cannot move {url} to port {to}")
    return re.sub(r":\d+(/?)$", f":{to}\\1", url)
env.update({
    "Agora__Mode": "Embedded",
    "Agora__DataDirectory": "/data",
    "Kestrel__Endpoints__Http__Url": moved(env.get("Kestrel__Endpoints__Http__Url", "http://+:8080"), port),
    "Agora__Messaging__ListenPort": str(port + 2),
    "HOME": "/tmp",
})
if "Kestrel__Endpoints__Grpc__Url" in env:
    env["Kestrel__Endpoints__Grpc__Url"] = moved(env["Kestrel__Endpoints__Grpc__Url"], port + 1)
if name == "devinbox":
    env["DevInbox__SmtpPort"] = str(port + 3)
sys.stdout.write("".join(f"{k}={v}\0" for k, v in env.items()))
PY
}

# start NAME CONFIG PORT: runs the entrypoint under chroot in the background; sets PIDS.
start() {
  local name="$1" config="$2" port="$3" dir="$WORK/$1" rootfs="$WORK/$1/rootfs" user workdir
  user="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"].get("User",""))' "$config")"
  workdir="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"].get("WorkingDir","/") or "/")' "$config")"
  if ! [[ "$user" =~ ^[0-9]+(:[0-9]+)?$ ]] || [ "${user%%:*}" = 0 ]; then
    echo "agora/$name: the image's user is '$user'; it must be a UID other than 0" >&2
    return 1
  fi
  local uid="${user%%:*}" gid="${user#*:}"
  [ "$gid" != "$user" ] || gid="$uid"
  mkdir -p "$rootfs/data" "$rootfs/proc" "$rootfs/dev" "$rootfs/tmp"
  chown "$uid:$gid" "$rootfs/data"
  chmod 1777 "$rootfs/tmp"
  for dev in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
    IFS=: read -r n major minor <<<"$dev"
    [ -e "$rootfs/dev/$n" ] || { mknod -m 666 "$rootfs/dev/$n" c "$major" "$minor"; }
  done
  rm -f "$rootfs/etc/hosts" "$rootfs/etc/resolv.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true
  mount -t proc proc "$rootfs/proc" 2>/dev/null || log "agora/$name: /proc not mounted"
  local -a cmd env_args=()
  mapfile -t cmd < <("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; print("\n".join((c.get("Entrypoint") or [])+(c.get("Cmd") or [])))' "$config")
  environment "$name" "$config" "$port" >"$dir/env" || return 1
  mapfile -d '' env_args <"$dir/env"
  env -i "${env_args[@]}" "$CHROOT" --userspec="$uid:$gid" "$rootfs" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${cmd[@]}" \
    >"$dir/output.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$dir/pid"
}

# check NAME PORT: /health/live answers 200 within TIMEOUT seconds.
check() {
  local name="$1" port="$2" dir="$WORK/$1" start=$SECONDS code
  while [ $((SECONDS - start)) -lt "$TIMEOUT" ]; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "agora/$name exited before answering /health/live:" >&2
      tail -n 40 "$dir/output.log" >&2
      return 1
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/live" || true)"
    if [ "$code" = 200 ]; then
      # Some traffic so the HTTP server's instruments exist, then the names it exposes.
      curl -s -o /dev/null "http://127.0.0.1:$port/openapi/v1.json" || true
      curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/does-not-exist" || true
      curl -s "http://127.0.0.1:$port/metrics" >"$OUT/$name.metrics" || true
      log "agora/$name: /health/live 200 after $((SECONDS - start)) s"
      return 0
    fi
    sleep 1
  done
  echo "agora/$name did not answer /health/live with 200 within $TIMEOUT s (last: $code):" >&2
  tail -n 40 "$dir/output.log" >&2
  return 1
}

failed=()
port=18100
batch=()
flush() {
  local entry n p
  for entry in "${batch[@]}"; do
    n="${entry%%:*}"; p="${entry#*:}"
    check "$n" "$p" || failed+=("$n")
    kill "$(cat "$WORK/$n/pid")" 2>/dev/null || true
    wait "$(cat "$WORK/$n/pid")" 2>/dev/null || true
    umount -l "$WORK/$n/rootfs/proc" 2>/dev/null || true
  done
  batch=()
}
for ref in "${IMAGES[@]}"; do
  name="${ref##*/}"
  name="${name%%[:@]*}"
  log "agora/$name: unpacking $ref"
  if ! config="$(unpack "$ref" "$name")"; then failed+=("$name"); continue; fi
  if start "$name" "$config" "$port"; then
    batch+=("$name:$port")
  else
    failed+=("$name")
  fi
  port=$((port + 10))
  [ ${#batch[@]} -lt "$PARALLEL" ] || flush
done
flush

if [ ${#failed[@]} -gt 0 ]; then
  echo "smoke: FAILED: ${failed[*]}" >&2
  exit 1
fi
log "all ${#IMAGES[@]} images started and answered /health/live"
remove_work
