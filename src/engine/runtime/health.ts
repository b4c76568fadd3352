// Health checks: a small sh loop per container beside its monitor (no
// daemon), running the check with the runtime's exec every interval and
// keeping Docker's state: starting, healthy, unhealthy, with the last five
// results. Files in the container directory: health ("STATUS STREAK"),
// health.log (START END CODE OUTPUT, tab-separated), health.pid.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { check, finite, object } from '../../common/schema.ts';
import { processAlive, procStartTime } from '../container-store/proc.ts';
import type { ContainerRecord, RunOptions } from '../container-store/record.ts';
import { containerFiles } from '../container-store/store.ts';
import type { ImageConfig } from '../image-store/record.ts';
import type { StorePaths } from '../paths.ts';
import { globalArgs } from './oci-runtime.ts';

type Health = NonNullable<RunOptions['health']>;

const LOOP = [
  'dir=$1; mon=$2; interval=$3; timeout=$4; retries=$5; startp=$6; shift 6',
  'began=$(date +%s); streak=0; status=starting',
  'echo "$status 0" >"$dir/health"',
  'while kill -0 "$mon" 2>/dev/null && [ -d "$dir" ]; do',
  '  sleep "$interval"',
  '  { [ -e "$dir/pid" ] && [ ! -e "$dir/exit" ]; } || continue',
  '  start=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)',
  '  out=$(timeout "$timeout" "$@" 2>&1 </dev/null); code=$?',
  '  end=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)',
  '  [ $code -eq 124 ] && out="Health check exceeded timeout ($timeout s)"',
  '  if [ $code -eq 0 ]; then streak=0; status=healthy',
  // Failures in the start period do not count until a check has passed (Docker's rule).
  '  elif [ $status != starting ] || [ $(($(date +%s) - began)) -ge "$startp" ]; then',
  '    streak=$((streak + 1)); [ $streak -ge "$retries" ] && status=unhealthy',
  '  fi',
  '  printf "%s\\t%s\\t%s\\t%s\\n" "$start" "$end" "$code" "$(printf %s "$out" | head -c 4096 | tr "\\n\\t" "  ")" >>"$dir/health.log"',
  '  tail -n 5 "$dir/health.log" >"$dir/health.log.tmp" && mv -f "$dir/health.log.tmp" "$dir/health.log"',
  '  echo "$status $streak" >"$dir/health.tmp" && mv -f "$dir/health.tmp" "$dir/health"',
  'done',
].join('\n');

const ImageHealthSchema = object({
  Test: v.optional(v.array(v.string())),
  Interval: v.optional(finite()),
  Timeout: v.optional(finite()),
  Retries: v.optional(finite()),
  StartPeriod: v.optional(finite()),
});

/**
 * The check a new container runs: the flags over the image's HEALTHCHECK
 * (its times are nanoseconds). An empty test from the flags means "the
 * image's"; ["NONE"] (--no-healthcheck, or the image's) means none.
 */
export function resolveHealth(flags: Health | undefined, config: ImageConfig): Required<Health> | undefined {
  const raw = (config as { Healthcheck?: unknown }).Healthcheck;
  const image = raw ? check(ImageHealthSchema, raw) : undefined;
  const ms = (ns: number | undefined) => (ns ? ns / 1e6 : undefined);
  const test = flags?.test.length ? flags.test : (image?.Test ?? []);
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  return {
    test,
    interval: flags?.interval ?? ms(image?.Interval) ?? 30_000,
    timeout: flags?.timeout ?? ms(image?.Timeout) ?? 30_000,
    retries: flags?.retries ?? image?.Retries ?? 3,
    startPeriod: flags?.startPeriod ?? ms(image?.StartPeriod) ?? 0,
  };
}

/** The check as a command line: CMD-SHELL runs through the container's /bin/sh, CMD as given. */
function checkCommand(test: string[]): string[] {
  return test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test[0] === 'CMD' ? test.slice(1) : test;
}

/** Starts the check loop of a container whose waiting process is `monitorPid`; it ends with that process. */
export function startHealth(paths: StorePaths, rec: ContainerRecord, runtime: string, monitorPid: number): void {
  const h = rec.options.health;
  if (!h) return;
  const f = containerFiles(paths, rec.id);
  const secs = (ms: number | undefined) => String((ms ?? 0) / 1000);
  const child = Bun.spawn(
    ['/bin/sh', '-c', LOOP, 'rocker-health', f.dir, String(monitorPid), secs(h.interval), secs(h.timeout), String(h.retries ?? 3), secs(h.startPeriod),
      runtime, ...globalArgs(paths), 'exec', rec.id, ...checkCommand(h.test)],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore'], cwd: '/' },
  );
  writeFileSync(`${f.dir}/health.pid`, `${child.pid} ${procStartTime(child.pid) ?? 0}\n`);
  child.unref();
}

/** Ends a container's check loop (before its directory goes). */
export function stopHealth(dir: string): void {
  try {
    const [pid, start] = readFileSync(`${dir}/health.pid`, 'utf8').trim().split(' ');
    if (pid && start && processAlive(Number(pid), start)) process.kill(Number(pid), 'SIGKILL');
  } catch {
    // no check loop
  }
  rmSync(`${dir}/health.pid`, { force: true });
}
