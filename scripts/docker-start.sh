#!/usr/bin/env bash
# Prints a DOCKER_HOST whose daemon answers: the current one, or a dockerd
# started here the way this machine allows (--iptables=false --bridge=none:
# use network "host" or "none"). Stop a started one with
#   kill "$(cat /var/tmp/ocx-dockerd/dockerd.pid)"
# Usage: export DOCKER_HOST=$(scripts/docker-start.sh)
set -euo pipefail
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"
  exit 0
fi
command -v dockerd >/dev/null || { echo "docker-start.sh: dockerd missing: apt-get install docker.io" >&2; exit 1; }
dir=${OCX_DOCKERD_DIR:-/var/tmp/ocx-dockerd}
mkdir -p "$dir"
host="unix://$dir/docker.sock"
if ! DOCKER_HOST=$host docker version >/dev/null 2>&1; then
  setsid dockerd --iptables=false --bridge=none --data-root "$dir/data" --exec-root "$dir/exec" \
    -H "$host" --pidfile "$dir/dockerd.pid" >>"$dir/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 240); do
    DOCKER_HOST=$host docker version >/dev/null 2>&1 && break
    sleep 0.25
  done
  DOCKER_HOST=$host docker version >/dev/null 2>&1 || { tail -15 "$dir/dockerd.log" >&2; exit 1; }
fi
if ! DOCKER_HOST=$host docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  tar=${OCX_TEST_CACHE:-/var/cache/ocx-test}/debian-bookworm-minbase.tar
  "$(dirname "$0")/fixtures/debian-bookworm-tar.sh" "$tar" >&2
  DOCKER_HOST=$host docker import - debian:bookworm-slim < "$tar" >/dev/null
fi
echo "$host"
