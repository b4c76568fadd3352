import { posix } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { jsonForm, takeFlags, type Instruction } from './dockerfile.ts';
import type { ImageConfig } from './engine-adapter.ts';
import { expandWord, expandWords, keyValues, type Vars } from './expand.ts';

/** What an instruction that only changes the image's configuration does. */
export interface MetadataChange {
  config: ImageConfig;
  /** The history entry's created_by, and the heart of the step's cache key. */
  createdBy: string;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** The JSON form as is, or the shell form run by the stage's SHELL. */
export function commandForm(args: string, shell: string[]): string[] {
  return jsonForm(args) ?? [...shell, args];
}

function setEnv(env: string[] | undefined, pairs: [string, string][]): string[] {
  const out = [...(env ?? [])];
  for (const [k, v] of pairs) {
    const i = out.findIndex((e) => e.split('=', 1)[0] === k);
    if (i >= 0) out[i] = `${k}=${v}`;
    else out.push(`${k}=${v}`);
  }
  return out;
}

/** Go's durations (`30s`, `1m30s`, `500ms`) in nanoseconds, as Docker keeps them in Healthcheck. */
function duration(text: string, flag: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let pos = 0;
  for (let m; (m = re.exec(text)); pos = re.lastIndex) total += Number(m[1]) * units[m[2]!]!;
  if (pos !== text.length || text === '') throw new UserError(`HEALTHCHECK --${flag}: invalid duration "${text}" (use e.g. 30s, 1m30s)`);
  return Math.round(total);
}

function healthcheck(args: string): Record<string, unknown> {
  const { flags, rest } = takeFlags(args);
  const [kind = '', ...more] = rest.trim().split(/\s+/);
  if (kind.toUpperCase() === 'NONE') {
    if (more.length || flags.size) throw new UserError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind.toUpperCase() !== 'CMD') throw new UserError('HEALTHCHECK needs CMD followed by a command, or NONE');
  const cmdText = rest.trim().slice(3).trim();
  if (!cmdText) throw new UserError('HEALTHCHECK CMD needs a command');
  const json = jsonForm(cmdText);
  const hc: Record<string, unknown> = { Test: json ? ['CMD', ...json] : ['CMD-SHELL', cmdText] };
  const names: Record<string, string> = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' };
  for (const [f, v] of flags) {
    if (names[f]) hc[names[f]] = duration(v, f);
    else if (f === 'retries') {
      if (!/^\d+$/.test(v)) throw new UserError(`HEALTHCHECK --retries: "${v}" is not a whole number`);
      hc.Retries = Number(v);
    } else throw new UserError(`HEALTHCHECK: unknown flag --${f}`);
  }
  return hc;
}

export interface MetadataInput {
  config: ImageConfig;
  vars: Vars;
  escape: string;
  /** Whether CMD was set in this stage: ENTRYPOINT resets a CMD inherited from the base, as Docker does. */
  cmdSetHere: boolean;
}

/**
 * ENV, LABEL, EXPOSE, VOLUME, WORKDIR, USER, CMD, ENTRYPOINT, SHELL,
 * STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER: the new configuration and
 * the history text. Undefined for instructions that do more (RUN, COPY...).
 */
export function applyMetadata(ins: Instruction, input: MetadataInput): MetadataChange | undefined {
  const c: ImageConfig = { ...input.config };
  const { vars, escape } = input;
  const shell = (c.Shell as string[] | undefined) ?? DEFAULT_SHELL;
  const kw = ins.keyword;
  const a = ins.args;
  const need = () => {
    if (!a.trim()) throw new UserError(`${kw} needs an argument`);
  };
  switch (kw) {
    case 'ENV': {
      const pairs = keyValues(a, vars, escape, 'ENV');
      c.Env = setEnv(c.Env, pairs);
      return { config: c, createdBy: `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}` };
    }
    case 'LABEL': {
      const pairs = keyValues(a, vars, escape, 'LABEL');
      c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(pairs) };
      return { config: c, createdBy: `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}` };
    }
    case 'EXPOSE': {
      need();
      const ports = expandWords(a, vars, escape).map((p) => {
        const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
        if (!m) throw new UserError(`EXPOSE: invalid port "${p}" (use PORT or PORT/tcp|udp)`);
        return `${m[1]}${m[2] ? `-${m[2]}` : ''}/${(m[3] ?? 'tcp').toLowerCase()}`;
      });
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p, {}])) };
      return { config: c, createdBy: `EXPOSE map[${ports.map((p) => `${p}:{}`).join(' ')}]` };
    }
    case 'VOLUME': {
      need();
      const paths = jsonForm(a) ?? expandWords(a, vars, escape);
      if (paths.some((p) => !p.trim())) throw new UserError('VOLUME: a path is empty');
      c.Volumes = { ...((c.Volumes as Record<string, object> | undefined) ?? {}), ...Object.fromEntries(paths.map((p) => [p, {}])) };
      return { config: c, createdBy: `VOLUME [${paths.join(' ')}]` };
    }
    case 'WORKDIR': {
      need();
      const dir = expandWord(a.trim(), vars, escape);
      c.WorkingDir = posix.normalize(dir.startsWith('/') ? dir : posix.join(c.WorkingDir || '/', dir));
      return { config: c, createdBy: `WORKDIR ${c.WorkingDir}` };
    }
    case 'USER': {
      need();
      c.User = expandWord(a.trim(), vars, escape);
      return { config: c, createdBy: `USER ${c.User}` };
    }
    case 'CMD':
    case 'ENTRYPOINT': {
      const cmd = a.trim() ? commandForm(a, shell) : null;
      if (kw === 'CMD') c.Cmd = cmd;
      else {
        c.Entrypoint = cmd;
        if (!input.cmdSetHere) c.Cmd = null;
      }
      return { config: c, createdBy: `${kw} ${JSON.stringify(cmd ?? [])}` };
    }
    case 'SHELL': {
      const json = jsonForm(a);
      if (!json || json.length === 0) throw new UserError('SHELL needs the JSON form, e.g. SHELL ["/bin/bash", "-c"]');
      c.Shell = json;
      return { config: c, createdBy: `SHELL ${JSON.stringify(json)}` };
    }
    case 'STOPSIGNAL': {
      need();
      const sig = expandWord(a.trim(), vars, escape);
      if (!/^(SIG[A-Z0-9+-]+|\d+|[A-Z]+[0-9+-]*)$/.test(sig)) throw new UserError(`STOPSIGNAL: invalid signal "${sig}"`);
      c.StopSignal = sig;
      return { config: c, createdBy: `STOPSIGNAL ${sig}` };
    }
    case 'HEALTHCHECK': {
      need();
      c.Healthcheck = healthcheck(a);
      return { config: c, createdBy: `HEALTHCHECK ${a.trim()}` };
    }
    case 'ONBUILD': {
      const trigger = a.trim();
      const first = trigger.split(/\s+/, 1)[0]!.toUpperCase();
      if (!first) throw new UserError('ONBUILD needs an instruction');
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(first)) throw new UserError(`ONBUILD ${first} is not allowed`);
      c.OnBuild = [...((c.OnBuild as string[] | null | undefined) ?? []), trigger];
      return { config: c, createdBy: `ONBUILD ${trigger}` };
    }
    case 'MAINTAINER':
      need();
      return { config: c, createdBy: `MAINTAINER ${a.trim()}` };
    default:
      return undefined;
  }
}
