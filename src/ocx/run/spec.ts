// The hardened container of `ocx opencode`, as the original sets it up.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Mount, RunSpec, Tmpfs } from '../engines/types.ts';
import { gitFacts } from '../git.ts';
import { volumeBaseName } from '../naming.ts';
import { expandHome, globalConfigDir } from '../paths.ts';
import type { Project } from '../project.ts';

/**
 * Forbidden paths: an empty unreadable tmpfs over a directory, /dev/null over
 * a file. Entries are relative to the workspace (an absolute one inside it is
 * taken as such); one that leads outside it cannot be hidden, and is named.
 */
export function shadowMounts(paths: string[], hostWs: string, containerWs: string): { mounts: Mount[]; tmpfs: Tmpfs[]; outside: string[] } {
  const mounts: Mount[] = [];
  const tmpfs: Tmpfs[] = [];
  const outside: string[] = [];
  for (const p of paths) {
    const host = resolve(hostWs, p);
    const rel = relative(hostWs, host);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      outside.push(p);
      continue;
    }
    const target = join(containerWs, rel);
    if (!existsSync(host)) continue;
    if (statSync(host).isDirectory()) tmpfs.push({ target, options: 'ro,noexec,nosuid,size=1k,mode=000' });
    else mounts.push({ kind: 'bind', source: '/dev/null', target, readOnly: true });
  }
  return { mounts, tmpfs, outside };
}

/** Networks without a bridge to the host: no published port, no host gateway. */
const isolated = (network: string) => network === 'host' || network === 'none';

export function runSpec(p: Project, image: string, command: string[], tty: boolean): RunSpec {
  const { cfg, user, workspace } = p;
  const home = `/home/${user.username}`;
  const configDir = resolve(expandHome(cfg.opencode_config_dir));
  mkdirSync(configDir, { recursive: true });
  const configTarget = `${home}/.config/opencode`;
  // The original's special case: the config dir is itself the workspace.
  const configIsWorkspace = configDir === workspace.host && configTarget === workspace.container;

  const mounts: Mount[] = [];
  const needGit = !cfg.data_volumes_name && cfg.data_volumes_mode !== 'never';
  const volBase = volumeBaseName(cfg.data_volumes_mode, cfg.data_volumes_name, needGit ? gitFacts(p.cwd) : { inRepo: false }, p.cwd);
  const ids = `uid=${user.uid},gid=${user.gid}`;
  const dataTmpfs: Tmpfs[] = [];
  for (const [suffix, dir] of [['cache', '.cache'], ['local', '.local']] as const) {
    if (volBase) mounts.push({ kind: 'volume', source: `${volBase}-${suffix}`, target: `${home}/${dir}`, readOnly: false });
    // OpenCode writes its data, state and cache here before anything else; on a read-only
    // root without volumes they live for the session, as the writable layer would.
    else if (cfg.read_only) dataTmpfs.push({ target: `${home}/${dir}`, options: `exec,nosuid,size=${cfg.tmp_size},${ids}` });
  }
  mounts.push({ kind: 'bind', source: configDir, target: configTarget, readOnly: false });
  if (existsSync('/etc/localtime')) mounts.push({ kind: 'bind', source: '/etc/localtime', target: '/etc/localtime', readOnly: true });
  if (!configIsWorkspace) mounts.push({ kind: 'bind', source: workspace.host, target: workspace.container, readOnly: false });
  const rg = cfg.rgignore_file ? resolve(p.cwd, expandHome(cfg.rgignore_file)) : join(configDir, '.rgignore');
  if (existsSync(rg)) mounts.push({ kind: 'bind', source: rg, target: `${home}/.rgignore`, readOnly: true });
  const shadow = shadowMounts(cfg.forbidden_paths, workspace.host, workspace.container);
  mounts.push(...shadow.mounts);
  for (const o of shadow.outside) {
    process.stderr.write(`warning: forbidden_paths entry "${o}" is outside the workspace ${workspace.host}; only paths in the workspace can be hidden (the container sees nothing outside it anyway), so it is ignored\n`);
  }

  const envFiles = [join(globalConfigDir(), 'ocx.env'), resolve(p.cwd, cfg.env_file)].filter((f) => existsSync(f));
  return {
    image,
    name: p.container,
    command: ['opencode', ...command],
    workdir: p.workdir,
    env: {
      // The passwd entry may say otherwise (uid 0 is root, home /root): OpenCode must look
      // where ocx mounts the config and data.
      HOME: home, USER: user.username, TERM: 'xterm-256color', COLORTERM: 'truecolor', FORCE_COLOR: '1',
      TMPDIR: '/workspace/tmp', TZ: cfg.timezone,
    },
    envFiles: [...new Set(envFiles)],
    mounts,
    tmpfs: [
      { target: '/tmp', options: `exec,nosuid,size=${cfg.tmp_size},${ids}` },
      { target: '/workspace/tmp', options: `exec,nosuid,size=${cfg.workspace_tmp_size},${ids}` },
      ...dataTmpfs,
      ...shadow.tmpfs,
    ],
    labels: { 'ocx.workspace': workspace.host },
    network: cfg.network,
    publish: cfg.publish_port && !isolated(cfg.network) ? { hostPort: p.port, containerPort: 80 } : undefined,
    addHostGateway: cfg.add_host_docker_internal && !isolated(cfg.network),
    readOnly: cfg.read_only,
    memory: cfg.memory,
    cpus: cfg.cpus,
    pidsLimit: cfg.pids_limit,
    tty,
  };
}
