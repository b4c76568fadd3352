#!/usr/bin/env bash
# Sets everything up on a fresh Debian/Ubuntu machine (as root), then runs the
# main job: a busybox image made from Debian's busybox-static is imported, a
# container runs in it, and a small image is built on it and run; then ocx
# builds OpenCode's images on rocker and runs `opencode --version` in its
# hardened container, with no container daemon. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# System packages: the OCI runtime, the CNI plugins and the iproute2, iptables
# and util-linux tools networking runs them with, decompressors, test peers
# (dockerd, the CNCF registry, podman, debootstrap for a Debian base image),
# capsh for the unreadable-store tests, hyperfine for bench/, Docker's source (its default seccomp profile,
# which the build converts: scripts/seccomp-profile.ts), tini and catatonit (--init; a pod's shared PID
# namespace), uidmap (newuidmap/newgidmap) and passt (pasta, the network of rootless containers) for
# rootless rocker, and kubectl (Debian's kubernetes-client) for the kube tests' client-side dry runs.
pkgs=(runc containernetworking-plugins iproute2 iptables busybox-static tar gzip bzip2 xz-utils zstd util-linux procps ca-certificates
      debootstrap docker.io docker-registry apache2-utils podman hyperfine golang-github-docker-docker-dev libcap2-bin tini catatonit
      uidmap passt)
command -v npm >/dev/null || pkgs+=(nodejs npm)
command -v kubectl >/dev/null || pkgs+=(kubernetes-client)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# pasta opens /dev/net/tun as the user: 0666 is the mode Debian's udev gives it, some VMs make it 0600.
if [ -c /dev/net/tun ]; then chmod 0666 /dev/net/tun; fi

npm ci --no-audit --no-fund --loglevel=error
npm run build
npm install -g . --no-audit --no-fund --loglevel=error

# The main job.
cache=/var/cache/rocker
mkdir -p "$cache"
[ -s "$cache/busybox.tar" ] || scripts/fixtures/busybox-tar.sh "$cache/busybox.tar"
rocker import "$cache/busybox.tar" busybox
rocker images
rocker run --rm --image busybox /bin/echo "Hello World"
printf 'FROM busybox\nRUN echo built > /hello\nCMD ["cat", "/hello"]\n' | rocker build -q -t hello -
rocker run --rm hello

# ocx on rocker. Offline-safe: debian:bookworm-slim is made with debootstrap
# from the machine's apt mirror (no Docker Hub), the base image's packages come
# from the same mirror, and OpenCode from the npm registry.
[ -s "$cache/debian-bookworm-minbase.tar" ] || scripts/fixtures/debian-bookworm-tar.sh "$cache/debian-bookworm-minbase.tar"
rocker image inspect debian:bookworm-slim >/dev/null 2>&1 || rocker import "$cache/debian-bookworm-minbase.tar" debian:bookworm-slim
mkdir -p "$cache/ocx-hello"
(cd "$cache/ocx-hello" && OCX_ENGINE=rocker OCX_OPENCODE_SOURCE=npm ocx opencode --version)
