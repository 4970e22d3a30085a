#!/usr/bin/env bash
# A project CA and one short-lived certificate per service, for TLS between and in front of Agora's services (issue 14).
#
#   scripts/certs.sh                  the CA (kept if still valid) and a certificate for every service of the table
#   scripts/certs.sh gateway catalog  only those services
#   scripts/certs.sh --new-ca ...     a new CA first (every certificate is then reissued under it)
#
# Files (PEM), under AGORA_CERTS_DIR (default <repo>/.agora/certs, which git ignores; no key material is committed):
#   ca.crt, ca.key                    the project CA (EC P-256), AGORA_CA_DAYS valid (default 365)
#   <service>.crt, <service>.key      the service's certificate and key, AGORA_CERT_DAYS valid (default 7), issued by
#                                     the CA; SAN = the service's host names (<service>, <service>.<ns>.svc,
#                                     <service>.<ns>.svc.cluster.local with ns = AGORA_CERTS_NAMESPACE, default agora;
#                                     localhost, 127.0.0.1 and ::1 for local runs) plus AGORA_CERTS_EXTRA_SANS
#                                     (comma-separated, e.g. DNS:shop.example.com); server and client auth.
# Keys are written 0600. Running it again reissues the services' certificates (that is how they are renewed).
# The gateway serves <certs>/gateway.crt on 8443 in the distributed mode (read again at each handshake: renewing needs no restart);
# with --Agora:Tls:Mode=Mutual the AppHost runs this script itself and every service uses its pair for mutual TLS.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${AGORA_CERTS_DIR:-$REPO_ROOT/.agora/certs}"
DAYS="${AGORA_CERT_DAYS:-7}"
CA_DAYS="${AGORA_CA_DAYS:-365}"
NS="${AGORA_CERTS_NAMESPACE:-agora}"
EXTRA_SANS="${AGORA_CERTS_EXTRA_SANS:-}"
TABLE="$REPO_ROOT/src/Agora.Hosting/Topology/services.json"

log() { printf 'certs: %s\n' "$*" >&2; }
die() { printf 'certs: ERROR: %s\n' "$*" >&2; exit 1; }

command -v openssl >/dev/null 2>&1 || die "openssl is needed (Debian: apt-get install openssl)"
case "$DAYS" in ''|*[!0-9]*) die "AGORA_CERT_DAYS must be a whole number of days, not '$DAYS'" ;; esac
case "$CA_DAYS" in ''|*[!0-9]*) die "AGORA_CA_DAYS must be a whole number of days, not '$CA_DAYS'" ;; esac
[ "$DAYS" -ge 1 ] || die "AGORA_CERT_DAYS must be at least 1"

NEW_CA=0
SERVICES=()
for arg in "$@"; do
    case "$arg" in
        --new-ca) NEW_CA=1 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) die "unknown option $arg" ;;
        *) [[ "$arg" =~ ^[a-z][a-z0-9-]*$ ]] || die "'$arg' is not a service name"; SERVICES+=("$arg") ;;
    esac
done
if [ "${#SERVICES[@]}" -eq 0 ]; then
    mapfile -t SERVICES < <(grep -o '"name": *"[a-z0-9-]*"' "$TABLE" | sed 's/.*"\([a-z0-9-]*\)"$/\1/')
    [ "${#SERVICES[@]}" -gt 0 ] || die "no services found in $TABLE"
fi

mkdir -p "$DIR"
chmod 700 "$DIR"
umask 077

# The CA: kept while it is valid for longer than a service certificate will be; otherwise (or with --new-ca) made anew.
if [ "$NEW_CA" -eq 1 ] || [ ! -s "$DIR/ca.crt" ] || [ ! -s "$DIR/ca.key" ] \
    || ! openssl x509 -in "$DIR/ca.crt" -noout -checkend "$((DAYS * 86400))" >/dev/null 2>&1; then
    log "new CA ($CA_DAYS days): $DIR/ca.crt"
    openssl ecparam -name prime256v1 -genkey -noout -out "$DIR/ca.key"
    openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$CA_DAYS" -subj "/O=Agora/CN=Agora project CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$DIR/ca.crt"
fi

for service in "${SERVICES[@]}"; do
    sans="DNS:$service,DNS:$service.$NS.svc,DNS:$service.$NS.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:::1"
    [ -z "$EXTRA_SANS" ] || sans="$sans,$EXTRA_SANS"
    ext="$(mktemp)"
    csr="$(mktemp)"
    trap 'rm -f "$ext" "$csr"' EXIT
    cat >"$ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$sans
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
    openssl ecparam -name prime256v1 -genkey -noout -out "$DIR/$service.key.new"
    openssl req -new -key "$DIR/$service.key.new" -subj "/O=Agora/CN=$service" -out "$csr"
    openssl x509 -req -in "$csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial -sha256 -days "$DAYS" \
        -extfile "$ext" -out "$DIR/$service.crt.new" 2>/dev/null
    # Each file is replaced whole (rename), never seen half-written. Services reload a changed pair at their next TLS
    # handshake (Agora:Tls:Mode=Mutual); a reader that catches the new key beside the old certificate (between the two
    # renames) reads again once and otherwise keeps its previous pair until the next handshake: no restart, no half pair.
    mv -f "$DIR/$service.key.new" "$DIR/$service.key"
    mv -f "$DIR/$service.crt.new" "$DIR/$service.crt"
    rm -f "$ext" "$csr"
    trap - EXIT
    log "$service: $DIR/$service.crt ($DAYS days; $sans)"
done
