// Docker and Podman share their command line; this is the common driver.
import { oneLine, UserError } from '../../common/errors.ts';
import { type Captured, capture, passthrough, passthroughTail } from '../proc.ts';
import { failure } from './build-log.ts';
import type { BuildSpec, ContainerInfo, ContainerEngine, ImageInfo, RunSpec } from './types.ts';

const DOWN = /Cannot connect to the (Docker|Podman)|Is the docker daemon running|connect: (no such file|connection refused)|unable to connect to Podman/i;

const stripSha = (id: string) => id.replace(/^sha256:/, '');

interface RawImage { Id: string; RepoTags?: string[] | null; Created: string; Size: number; Labels?: Record<string, string> | null; Config?: { Labels?: Record<string, string> | null } }
interface RawContainer {
  Id: string; Name: string; Image: string; ImageName?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: { Status?: string; Running?: boolean; ExitCode?: number };
  HostConfig?: { PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null };
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };

/** The engines' "926.3MB" (decimal units, 4 significant digits) in bytes. */
export function parseHumanSize(s: string): number | undefined {
  const m = /^([\d.]+)\s*([kKMGTP]?B)$/.exec(s.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : undefined;
}

function toImage(r: RawImage): ImageInfo {
  return {
    id: stripSha(r.Id),
    tags: (r.RepoTags ?? []).filter((t) => !t.includes('<none>')),
    created: new Date(r.Created),
    size: r.Size,
    labels: r.Config?.Labels ?? r.Labels ?? {},
  };
}

function toContainer(r: RawContainer): ContainerInfo {
  const st = r.State ?? {};
  const ports = Object.entries(r.HostConfig?.PortBindings ?? {})
    .flatMap(([cport, binds]) => (binds ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort}->${cport}`))
    .join(', ');
  return {
    id: r.Id.slice(0, 12),
    name: r.Name.replace(/^\//, ''),
    imageId: stripSha(r.Image),
    image: r.Config?.Image ?? r.ImageName ?? '',
    state: st.Status ?? 'unknown',
    running: !!st.Running,
    status: st.Running ? 'running' : `${st.Status ?? 'unknown'}${st.Status === 'exited' ? ` (${st.ExitCode})` : ''}`,
    ports,
    labels: r.Config?.Labels ?? {},
  };
}

export abstract class CliEngine implements ContainerEngine {
  abstract readonly name: 'docker' | 'podman' | 'rocker';
  protected abstract readonly bin: string;

  /** Flags this engine adds to every `run` (Podman's user namespace handling). */
  protected extraRunFlags(): string[] {
    return [];
  }

  /** tmpfs mount options as this engine accepts them. */
  protected tmpfsOptions(options: string): string {
    return options;
  }

  /** A one-line error naming what was tried and how to start or install it. */
  protected abstract unavailable(detail: string, missing: boolean): UserError;

  /** Runs the engine's CLI; a missing binary or a daemon that does not answer becomes a UserError. */
  protected async cap(args: string[]): Promise<Captured> {
    const r = await capture(this.bin, args);
    if (r.code === 127 && !r.stdout) throw this.unavailable(oneLine(r.stderr), true);
    if (r.code !== 0 && DOWN.test(r.stderr)) throw this.unavailable(oneLine(r.stderr), false);
    return r;
  }

  async check(): Promise<void> {
    await this.cap(['version']);
  }

  protected async ok(args: string[], what: string): Promise<string> {
    const r = await this.cap(args);
    if (r.code !== 0) throw new UserError(`${what} failed: ${oneLine(r.stderr.trim() || `${this.bin} exited with ${r.code}`)}`);
    return r.stdout;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return (await this.inspectImages([ref]))[0];
  }

  async inspectImages(refs: string[]): Promise<Array<ImageInfo | undefined>> {
    // One call for all: a missing reference makes it exit 1, yet the found ones are printed.
    const r = await this.cap(['image', 'inspect', ...refs]);
    const found = r.stdout.trim() ? (JSON.parse(r.stdout) as RawImage[]).map(toImage) : [];
    const withRepo = (ref: string) => (ref.includes(':') ? ref : `${ref}:latest`);
    return refs.map((ref) => found.find((i) => i.tags.includes(withRepo(ref)) || i.id.startsWith(stripSha(ref))));
  }

  async listImages(prefix: string): Promise<ImageInfo[]> {
    const out = await this.ok(['images', '--no-trunc', '--format', '{{.ID}}\t{{.Repository}}'], `${this.bin} images`);
    const ids = new Set<string>();
    for (const line of out.split('\n')) {
      const [id, repo] = line.split('\t');
      if (id && repo && (repo === prefix || repo.startsWith(`${prefix}-`))) ids.add(id);
    }
    if (ids.size === 0) return [];
    const raw = JSON.parse(await this.ok(['image', 'inspect', ...ids], `${this.bin} image inspect`)) as RawImage[];
    return raw.map(toImage).map((img) => ({
      ...img,
      tags: img.tags.filter((t) => t.startsWith(`${prefix}:`) || t.startsWith(`${prefix}-`)),
    }));
  }

  async listUntagged(label: string): Promise<ImageInfo[]> {
    const out = await this.ok(['images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${label}`], `${this.bin} images`);
    const ids = [...new Set(out.split('\n').filter(Boolean))];
    if (ids.length === 0) return [];
    return (JSON.parse(await this.ok(['image', 'inspect', ...ids], `${this.bin} image inspect`)) as RawImage[]).map(toImage);
  }

  async imageDiskUsage(): Promise<number | undefined> {
    const r = await this.cap(['system', 'df', '--format', '{{.Type}}\t{{.Size}}']);
    const size = r.code === 0 ? /^Images\t(.+)$/m.exec(r.stdout)?.[1] : undefined;
    return size === undefined ? undefined : parseHumanSize(size);
  }

  async build(spec: BuildSpec): Promise<void> {
    // --force-rm: a failed step's container goes too (--rm keeps it on failure).
    const args = ['build', '--network', 'host', '--force-rm', '-f', spec.dockerfile];
    for (const t of spec.tags) args.push('-t', t);
    for (const [k, v] of Object.entries(spec.buildArgs)) args.push('--build-arg', `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
    if (spec.noCache) args.push('--no-cache');
    args.push(spec.contextDir);
    const before = new Set(await this.danglingIds());
    // The build log streams to the user as the progress display, on stderr:
    // stdout stays the program's (`ocx opencode --version` in a script).
    const { code, tail } = await passthroughTail(this.bin, args);
    if (code === 0) return;
    // The layers of the steps that succeeded are left untagged: each failed attempt would add more.
    for (const id of await this.danglingIds()) if (!before.has(id)) await this.cap(['rmi', id]);
    const f = failure(tail);
    const step = f.step ? ` at step ${f.step}` : '';
    throw new UserError(`building ${spec.tags[0]} failed${step} (${f.exit ? `exit code ${f.exit}` : `${this.bin} build exited with ${code}`}); the log is above`);
  }

  private async danglingIds(): Promise<string[]> {
    const r = await this.cap(['images', '-q', '--no-trunc', '--filter', 'dangling=true']);
    return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  }

  async tag(source: string, target: string): Promise<void> {
    await this.ok(['tag', source, target], `tagging ${source} as ${target}`);
  }

  async removeImage(ref: string): Promise<void> {
    await this.ok(['rmi', ref], `removing ${ref}`);
  }

  async listContainers(all: boolean): Promise<ContainerInfo[]> {
    const ids = (await this.ok(['ps', '-q', '--no-trunc', ...(all ? ['-a'] : [])], `${this.bin} ps`)).split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const r = await this.cap(['container', 'inspect', ...ids]);
    // A container can vanish between ps and inspect (--rm); inspect still prints the rest.
    const raw = r.stdout.trim() ? (JSON.parse(r.stdout) as RawContainer[]) : [];
    return raw.map(toContainer);
  }

  runArgv(spec: RunSpec): string[] {
    const a = ['run', '--rm', '-i'];
    if (spec.tty) a.push('-t');
    if (spec.readOnly) a.push('--read-only');
    if (spec.addHostGateway) a.push('--add-host', 'host.docker.internal:host-gateway');
    for (const t of spec.tmpfs) a.push('--tmpfs', `${t.target}:${this.tmpfsOptions(t.options)}`);
    a.push('--security-opt', 'no-new-privileges', '--cap-drop', 'ALL');
    a.push('--network', spec.network, '--memory', spec.memory, '--cpus', String(spec.cpus), '--pids-limit', String(spec.pidsLimit));
    if (spec.publish) a.push('-p', `${spec.publish.hostPort}:${spec.publish.containerPort}`);
    for (const f of spec.envFiles) a.push('--env-file', f);
    for (const [k, v] of Object.entries(spec.env)) a.push('-e', `${k}=${v}`);
    for (const m of spec.mounts) a.push('-v', `${m.source}:${m.target}:${m.readOnly ? 'ro' : 'rw'}`);
    for (const [k, v] of Object.entries(spec.labels)) a.push('--label', `${k}=${v}`);
    a.push(...this.extraRunFlags());
    a.push('--workdir', spec.workdir, '--name', spec.name, spec.image, ...spec.command);
    return [this.bin, ...a];
  }

  run(spec: RunSpec): Promise<number> {
    const [bin, ...args] = this.runArgv(spec);
    return passthrough(bin!, args);
  }

  exec(container: string, command: string[], tty: boolean, workdir?: string): Promise<number> {
    return passthrough(this.bin, ['exec', '-i', ...(tty ? ['-t'] : []), ...(workdir ? ['-w', workdir] : []), container, ...command]);
  }

  async stop(container: string): Promise<void> {
    // OpenCode as PID 1 ignores SIGTERM: do not make users wait the default 10 s for the kill.
    await this.ok(['stop', '-t', '3', container], `stopping ${container}`);
  }

  stats(containers: string[]): Promise<number> {
    return passthrough(this.bin, ['stats', '--no-stream', ...containers]);
  }

  async volumeExists(name: string): Promise<boolean> {
    return (await this.cap(['volume', 'inspect', name])).code === 0;
  }

  async networkExists(name: string): Promise<boolean> {
    return (await this.cap(['network', 'inspect', name])).code === 0;
  }
}
