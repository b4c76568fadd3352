import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describeFsError, errnoCode, UserError } from '../../common/errors.ts';
import { currentDir, globalConfigDir } from '../paths.ts';
import { projectRoot } from '../root.ts';
import { type Config, type Key, KEY_NAMES, KEYS } from './keys.ts';

export type Source = 'default' | 'global' | 'project' | 'env';

export interface LoadedConfig {
  config: Config;
  /** Where each value came from; lists may come from several ("global+project"). */
  sources: Record<Key, string>;
  files: { global: string; project: string; globalFound: boolean; projectFound: boolean };
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/** Validates one value; `where` names the file or env var in the error. */
function check(key: Key, value: unknown, where: string): unknown {
  const r = v.safeParse(KEYS[key].schema, value);
  if (r.success) return r.output;
  const msg = r.issues[0].message;
  throw new UserError(`${where}: ${where.startsWith('OCX_') || where === 'TZ' ? '' : `key "${key}": `}${msg} (got ${show(value)})`);
}

function readJsonFile(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${path}: ${describeFsError(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError(`${path}: expected a JSON object such as {"memory": "2g"}`);
  }
  return data as Record<string, unknown>;
}

/** Levenshtein distance: typos are swapped, missing or extra letters, not only case. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The key a misspelling most likely meant: within 2 edits (a swap counts 2), or 1 for short keys. */
function closestKey(typed: string): string | undefined {
  const t = typed.toLowerCase().replace(/-/g, '_');
  let best: { key: string; d: number } | undefined;
  for (const key of KEY_NAMES) {
    const d = distance(t, key);
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= (best.key.length <= 4 ? 1 : 2) ? best.key : undefined;
}

/** The file's keys, validated. Null values mean "not set", as in the original. */
function fileLayer(path: string): Partial<Record<Key, unknown>> | undefined {
  const data = readJsonFile(path);
  if (!data) return undefined;
  const out: Partial<Record<Key, unknown>> = {};
  for (const [k, given] of Object.entries(data)) {
    if (!(k in KEYS)) {
      const near = closestKey(k);
      throw new UserError(`${path}: unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; see 'ocx config --sources' for the keys`);
    }
    if (given === null) continue;
    out[k as Key] = check(k as Key, given, path);
  }
  return out;
}

function envLayer(env: NodeJS.ProcessEnv): Partial<Record<Key, unknown>> {
  const out: Partial<Record<Key, unknown>> = {};
  for (const key of KEY_NAMES) {
    const raw = env[KEYS[key].env];
    if (raw === undefined || raw === '') continue;
    // List variables are colon-separated, like PATH.
    const value = Array.isArray(KEYS[key].default) ? raw.split(':').filter(Boolean) : raw;
    out[key] = check(key, value, KEYS[key].env);
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = projectRoot(currentDir())): LoadedConfig {
  const globalPath = join(globalConfigDir(), 'ocx.json');
  const projectPath = join(cwd, 'ocx.json');
  const globalLayer = fileLayer(globalPath);
  const projectLayer = fileLayer(projectPath);
  const layers: Array<[Source, Partial<Record<Key, unknown>> | undefined]> = [
    ['global', globalLayer], ['project', projectLayer], ['env', envLayer(env)],
  ];
  const config: Record<string, unknown> = {};
  const sources = {} as Record<Key, string>;
  for (const key of KEY_NAMES) {
    let value: unknown = KEYS[key].default;
    let source = 'default';
    for (const [name, layer] of layers) {
      if (!layer || !(key in layer)) continue;
      const layered = layer[key];
      if (Array.isArray(layered) && Array.isArray(value)) {
        // Lists add up across files and env, without repeats.
        value = [...new Set([...(value as unknown[]), ...layered])];
        source = source === 'default' ? name : `${source}+${name}`;
      } else {
        value = layered;
        source = name;
      }
    }
    config[key] = value;
    sources[key] = source;
  }
  return {
    config: config as unknown as Config,
    sources,
    files: { global: globalPath, project: projectPath, globalFound: !!globalLayer, projectFound: !!projectLayer },
  };
}
