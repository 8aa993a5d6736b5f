#!/usr/bin/env bash
# Builds Medicine Inventory in a brand-new minimal Debian bookworm, as a newcomer following the
# README would: debootstrap (minbase, plus git, make, sudo, ca-certificates), this machine's Go copied to
# /usr/local/go, the committed source (git archive HEAD) copied in, then `make deps`,
# `make build` and `go vet` run inside the chroot with an empty module and build cache. A system
# package missing from scripts/deps.sh makes it fail here instead of on a user's machine.
#
# Needs root (or sudo), debootstrap, and the network (Debian's mirror, the Go module proxy).
# Took 3 min 52 s here with clang as cgo's compiler (6 min 05 s with gcc). Usage:
#   scripts/fresh-check.sh [folder]     (default: a new /tmp/medinventory-fresh-XXXXXX, removed after)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "fresh-check needs debootstrap: run scripts/deps.sh test (or apt-get install debootstrap)." >&2
  exit 1
fi
keep=1
root="${1:-}"
if [ -z "$root" ]; then root="$(mktemp -d /tmp/medinventory-fresh-XXXXXX)"; keep=0; fi
mounted=()
cleanup() {
  for m in "${mounted[@]}"; do $sudo umount -l "$m" 2>/dev/null || true; done
  if [ "$keep" = 0 ]; then $sudo rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
step() { echo "fresh-check [$(date +%H:%M:%S)]: $*"; }

step "debootstrap bookworm (minbase) into $root"
$sudo debootstrap --variant=minbase --include=git,make,sudo,ca-certificates bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
  { tail -20 "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"
for m in proc sys dev dev/pts; do
  $sudo mount --bind "/$m" "$root/$m" && mounted+=("$root/$m")
done
$sudo cp /etc/resolv.conf "$root/etc/resolv.conf"
# A machine whose HTTPS goes through an inspecting proxy names its CA bundle in SSL_CERT_FILE:
# the chroot uses the same bundle (public certificates only), or Go cannot reach the module proxy.
certenv=()
if [ -n "${SSL_CERT_FILE:-}" ] && [ -f "$SSL_CERT_FILE" ]; then
  $sudo cp "$SSL_CERT_FILE" "$root/etc/ssl/host-ca-bundle.crt"
  certenv=(SSL_CERT_FILE=/etc/ssl/host-ca-bundle.crt)
fi

goroot="$(go env GOROOT)"
step "copying Go $(go env GOVERSION) from $goroot and the source"
$sudo mkdir -p "$root/usr/local/go" "$root/src"
$sudo cp -a "$goroot/." "$root/usr/local/go/"
(cd "$here" && git archive --format=tar HEAD) | $sudo tar -xf - -C "$root/src"

step "make deps, make build and go vet inside the chroot (empty caches; the cgo build takes minutes)"
$sudo chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  GOPROXY="$(go env GOPROXY)" GOFLAGS="-mod=readonly" TERM=dumb "${certenv[@]}" \
  bash -c 'set -e; cd /src; make deps; make build; go vet -tags ci,migrated_fynedo ./...; ls -l medinventory'
step "passed: a fresh Debian bookworm builds and vets Medicine Inventory with what scripts/deps.sh installs"
