// A container's network namespace, made before the container so CNI can set
// it up first, and kept as a bind mount of a file under the run root: the
// runtime joins it through the spec's namespace path, and it outlives the
// container until released.
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError, errnoCode } from '../../common/errors.ts';
import { DIE_WITH_ROCKER } from './cni.ts';
import { NETNS_SYSCTLS } from './sysctls.ts';

/** A shell line writing NETNS_SYSCTLS in the namespace it runs in (/proc/sys/net is the reader's namespace's). */
const sysctlScript = Object.entries(NETNS_SYSCTLS).map(([k, v]) => `echo '${v}' > /proc/sys/${k.replaceAll('.', '/')}`).join(' && ');

/**
 * util-linux's unshare makes the namespace and its bind mount, then runs
 * iproute2 inside it to bring loopback up (the runtime does that only for
 * namespaces it creates itself) and sets the sysctls. One process chain, no
 * netlink code here. (The sysctls go here rather than in the runtime spec:
 * runc writing them into a joined namespace left a killed start's veth and
 * rules behind.)
 */
export async function createNetns(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
  let r: { exitCode: number | null; stderr: string };
  try {
    const child = Bun.spawn([...DIE_WITH_ROCKER, 'unshare', `--net=${path}`, 'sh', '-c', `ip link set lo up && ${sysctlScript}`], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
    const stderr = await new Response(child.stderr).text();
    r = { exitCode: await child.exited, stderr };
  } catch (err) {
    r = { exitCode: null, stderr: `${(err as Error).message} (unshare is in util-linux, ip in iproute2)` };
  }
  if (r.exitCode !== 0) {
    await removeNetns(path);
    throw new UserError(`cannot create a network namespace: ${r.stderr.trim().replace(/\s*\n\s*/g, '; ')}`, 125);
  }
}

/** Unmounts and deletes the namespace file; safe to repeat, and after a half-made namespace. */
export async function removeNetns(path: string): Promise<void> {
  try {
    rmSync(path, { force: true });
    return;
  } catch (err) {
    if (errnoCode(err) !== 'EBUSY') throw err;
  }
  const child = Bun.spawn(['umount', path], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  const stderr = await new Response(child.stderr).text();
  await child.exited;
  try {
    rmSync(path, { force: true });
  } catch (err) {
    throw new UserError(`cannot remove network namespace ${path}: ${stderr.trim() || errnoCode(err)}`);
  }
}
