import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentDir, homeDir } from '../paths.ts';

function fromNpmrc(path: string): string | undefined {
  try {
    const m = /^\s*registry\s*=\s*(\S+)\s*$/m.exec(readFileSync(path, 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

let cached: string | undefined;

/**
 * The npm registry the user's npm is configured with. Never a built-in host:
 * mirrors and private registries are common, and this is what npm itself uses.
 */
export function npmRegistry(env: NodeJS.ProcessEnv = process.env): string {
  if (cached) return cached;
  let reg = env.npm_config_registry || env.NPM_CONFIG_REGISTRY;
  if (!reg) {
    const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const out = r.status === 0 ? r.stdout.trim() : '';
    if (/^https?:\/\//.test(out)) reg = out;
  }
  reg ||= fromNpmrc(join(currentDir(), '.npmrc')) || fromNpmrc(join(homeDir(), '.npmrc'));
  if (!reg) throw new Error("no npm registry configured (install npm, or set 'registry=' in ~/.npmrc)");
  cached = reg.endsWith('/') ? reg : `${reg}/`;
  return cached;
}
