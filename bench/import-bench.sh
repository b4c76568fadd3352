#!/usr/bin/env bash
# `rocker import` of a ~200 MB root filesystem tar against `tar -xf` of the
# same file into an empty directory (and `docker import` when an engine
# answers), side by side in one hyperfine run.
source "$(dirname "$0")/lib.sh"
cd "$top"
work=/var/tmp/rocker-bench-import
mkdir -p "$work"
tarfile=$work/rootfs.tar
if [ ! -s "$tarfile" ]; then
  # Many small files and some large ones, like a distribution's rootfs.
  scripts/fixtures/busybox-tar.sh "$work/busybox.tar"
  cp "$work/busybox.tar" "$tarfile"
  tar -C / -rf "$tarfile" usr/share/locale usr/share/i18n usr/share/perl usr/share/zoneinfo
fi
echo "machine: $(machine); tar: $(du -h "$tarfile" | cut -f1), $(tar -tf "$tarfile" | wc -l) members"
# Each side deletes its previous copy, then rests: on this VM's journal-less
# ext4, files created in the seconds after a mass deletion are slow to make
# (see the pull section), which would bill the deletion to the next run.
rest="sync; sleep ${REST:-12}"
args=(--warmup 1 --runs "${RUNS:-5}"
  --prepare "rm -rf $work/x; mkdir $work/x; $rest" "tar -xf $tarfile -C $work/x"
  --prepare "rm -rf $work/root; $rest" "ROCKER_ROOT=$work/root bin/rocker import $tarfile bench")
if have_docker; then
  args+=(--prepare "docker rmi -f bench-import >/dev/null 2>&1 || true; $rest" "docker import $tarfile bench-import")
fi
hyperfine "${args[@]}" --export-markdown "$results/import.md"
rm -rf "$work/x" "$work/root"
