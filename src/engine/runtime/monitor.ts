import { LOG_AWK } from '../container-store/log-format.ts';

/** The FIFOs that carry a background container's output to the monitor's copiers, in its directory. */
export const FIFOS = ['stdout.fifo', 'stderr.fifo'] as const;

/*
 * The monitor of a detached container: a small `sh` that runs `runc run`
 * with the container's stdout and stderr going through FIFOs to one awk
 * each, which write them to output.log a timed record per line
 * (container-store/log-format.ts), then writes the exit
 * status (and with --rm removes the container). runc run stays the
 * container's parent, so its exit status (128+N after a kill from outside)
 * is the container's; sh costs about 1 MB against a Bun process's 30 MB, and
 * needs no extra package (conmon).
 *
 * With a restart policy it runs the container again, with Docker's back-off
 * (100 ms, doubling to at most a minute, back to 100 ms after a run of 10 s
 * or more). While it waits, `restarting` exists beside `exit`; `stopped`
 * (written by `rocker stop`) means an explicit stop, which no policy undoes.
 * A container on a bridge network has a network-release script (the
 * network code's): run once the container has ended for good, it releases
 * the address, ports and namespace (restarts keep them).
 * Arguments: DIR RM NAMELINK POLICY MAX RUNTIME ARGS...
 */
export const MONITOR = [
  'dir=$1; rm=$2; link=$3; policy=$4; max=$5; shift 5',
  `n=0; delay=100; out="$dir/${FIFOS[0]}"; err="$dir/${FIFOS[1]}"`,
  'while :; do',
  '  [ "$policy" = no ] || began=$(date +%s)',
  // The FIFOs stay with the directory: a restart, a later start or a monitor after a killed one reuses them (a FIFO
  // nobody holds open keeps no data), so no fork of rm comes between the container's end and its exit status.
  // Made (a fork) only when missing; a half-made pair is made again.
  '  if [ ! -p "$out" ] || [ ! -p "$err" ]; then',
  '    if [ -e "$out" ] || [ -e "$err" ]; then rm -f "$out" "$err"; fi',
  '    mkfifo -m 600 "$out" "$err"',
  '  fi',
  `  awk -W interactive -v s=stdout '${LOG_AWK}' <"$out" >>"$dir/output.log" 2>/dev/null &`,
  `  awk -W interactive -v s=stderr '${LOG_AWK}' <"$err" >>"$dir/output.log" 2>/dev/null &`,
  '  "$@" </dev/null >"$out" 2>"$err"',
  // The copiers end when the container's last writer has gone: then the log is complete before the exit is told.
  '  code=$?; wait; again=0',
  '  case $policy in',
  '    always|unless-stopped) again=1 ;;',
  '    on-failure) if [ $code -ne 0 ] && { [ "$max" -eq 0 ] || [ $n -lt "$max" ]; }; then again=1; fi ;;',
  '  esac',
  '  [ -e "$dir/stopped" ] && again=0',
  '  [ $again = 1 ] && : >"$dir/restarting"',
  // One write of a few bytes, in the shell itself: readers take an empty or partial file for "not yet" (status.ts),
  // and an atomic rename cost a fork of mv, 2-20 ms between the container's end and `stop` seeing it.
  // Nothing forks between this and the `keep` decision below: a restart that sees the exit
  // may clear `keep` at once (rocker restart of a --rm container).
  '  echo $code >"$dir/exit"',
  '  [ $again = 1 ] || break',
  '  [ $(($(date +%s) - began)) -ge 10 ] && delay=100',
  '  sleep $((delay / 1000)).$((delay % 1000 / 100))',
  '  [ $delay -lt 60000 ] && delay=$((delay * 2))',
  '  if [ -e "$dir/stopped" ] || [ ! -d "$dir" ]; then rm -f "$dir/restarting"; exit 0; fi',
  '  n=$((n + 1)); echo $n >"$dir/restarts"',
  '  rm -f "$dir/exit" "$dir/pid" "$dir/restarting"',
  'done',
  // Decided before the release below, which takes a while: a restart clears `keep` once this monitor is gone.
  'keep=0; [ -e "$dir/keep" ] && keep=1',
  '[ ! -f "$dir/network-release" ] || /bin/sh "$dir/network-release" >/dev/null 2>&1',
  // The health-check loop ends with the container, not at its next tick.
  'if [ -f "$dir/health.pid" ]; then read -r hp hs <"$dir/health.pid" && kill "$hp" 2>/dev/null; fi',
  // A rename meanwhile moved the name: then the claim is found by its target, the id.
  'if [ "$rm" = 1 ] && [ $keep = 0 ]; then id=${dir##*/}',
  '  if [ "$(readlink "$link")" = "$id" ]; then rm -f "$link"; else for l in "${link%/*}"/*; do [ "$(readlink "$l")" = "$id" ] && rm -f "$l"; done; fi',
  '  [ -f "$dir/anonymous-volumes" ] && while read -r v; do rm -rf "$v"; done <"$dir/anonymous-volumes"',
  '  rm -rf "$dir"; fi',
].join('\n');
