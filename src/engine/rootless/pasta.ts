/*
 * pasta (Debian's `passt`): the network of a rootless container, as
 * Podman's default. runc makes the container's network namespace; a
 * createRuntime hook, run by runc in the user's namespace once the
 * namespaces exist, starts pasta on it (pasta configures the address,
 * route and DNS forwarder, then goes to the background), and a poststop
 * hook ends it when the container's process has ended (runc runs it on
 * every path: `run` returning, `delete`).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { RunOptions } from '../container-store/record.ts';

/** The address pasta answers DNS on and forwards to the host's first resolver (also a 127.x one), as Podman uses it. */
const DNS_FORWARD = '169.254.1.1';

// The namespace file is opened here, with the hook's capabilities, and handed to pasta as an fd:
// pasta drops its capabilities first and could not open the container's /proc entry itself.
const START = [
  'pidfile=$1; pasta=$2; shift 2',
  'state=$(cat); pid=${state#*\\"pid\\":}; pid=${pid%%[!0-9]*}',
  'exec 3</proc/"$pid"/ns/net || exit 1',
  'exec "$pasta" "$@" --pid "$pidfile" --netns /proc/self/fd/3',
].join('\n');
const STOP = '[ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null; rm -f "$1"; exit 0';

function findPasta(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin']) {
    if (dir.startsWith('/') && existsSync(join(dir, 'pasta'))) return join(dir, 'pasta');
  }
  throw new UserError('rootless containers use pasta for their network: install it (apt-get install passt), or run with --network none or --network host', 125);
}

/** Checked before anything is made: pasta is there and users may open /dev/net/tun. */
export function checkPasta(options: RunOptions): void {
  findPasta();
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    throw new UserError('rootless networking needs /dev/net/tun open to users (as root: chmod 0666 /dev/net/tun, the mode Debian gives it), or run with --network none or --network host', 125);
  }
  for (const p of options.publish ?? []) {
    if (p.hostPort === 0) throw new UserError(`-p ${p.containerPort}: a rootless container's published port needs a host port (HOSTPORT:${p.containerPort})`, 125);
  }
}

function pastaArgs(options: RunOptions): string[] {
  const ports = (proto: 'tcp' | 'udp') => {
    const list = (options.publish ?? []).filter((p) => p.protocol === proto).map((p) => `${p.hostIp ? `${p.hostIp}/` : ''}${p.hostPort}:${p.containerPort}`);
    return list.length ? list.join(',') : 'none';
  };
  // Nothing forwarded but what -p asks for, and no way to the host's loopback (--no-map-gw), as a bridge gives.
  return ['--config-net', '--quiet', '--runas', '0', '--no-map-gw', '--dns-forward', DNS_FORWARD, '-t', ports('tcp'), '-u', ports('udp'), '-T', 'none', '-U', 'none'];
}

/** The OCI hooks that start and stop the container's pasta; its pid file is in the container's directory. */
export function pastaHooks(containerDir: string, options: RunOptions): object {
  const pidFile = join(containerDir, 'pasta.pid');
  return {
    createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', START, 'rocker-pasta', pidFile, findPasta(), ...pastaArgs(options)] }],
    poststop: [{ path: '/bin/sh', args: ['sh', '-c', STOP, 'rocker-pasta-stop', pidFile] }],
  };
}

/** The container's resolv.conf: --dns servers, else pasta's forwarder; the host's search domains. */
export function pastaResolvConf(options: RunOptions): string {
  let host = '';
  try {
    host = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // none: no search domains
  }
  const search = options.dnsSearch?.length ? [`search ${options.dnsSearch.join(' ')}`] : host.split('\n').filter((l) => /^(search|domain)\s/.test(l));
  const servers = options.dns?.length ? options.dns : [DNS_FORWARD];
  return [...servers.map((s) => `nameserver ${s}`), ...search, ''].join('\n');
}
