// Docker started with --bridge=none accepts `--network bridge` yet gives the
// container only a loopback interface (and `-p` then publishes nothing), so
// the agent silently has no network. Whether the engine has a bridge is
// looked up once a day and remembered, keeping the run path free of round trips.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import type { ContainerEngine } from '../engines/types.ts';
import { cacheDir } from '../paths.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function warnIfNoBridge(engine: ContainerEngine, network: string): Promise<void> {
  if (network !== 'bridge') return;
  const key = `${engine.name} ${process.env.DOCKER_HOST ?? process.env.CONTAINER_HOST ?? ''}`;
  const file = join(cacheDir(), 'engine-facts.json');
  let facts: Record<string, { bridge: boolean; at: number }> = {};
  try {
    facts = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    /* first time */
  }
  let fact = facts[key];
  if (!fact || typeof fact.at !== 'number' || Date.now() - fact.at > DAY_MS) {
    fact = { bridge: await engine.networkExists('bridge'), at: Date.now() };
    facts[key] = fact;
    mkdirSync(cacheDir(), { recursive: true });
    writeJsonAtomic(file, facts);
  }
  if (!fact.bridge) {
    process.stderr.write(`warning: the ${engine.name} engine has no "bridge" network (started with --bridge=none?): the container gets no network and no published port; set "network": "host" or "none" in ocx.json, or OCX_NETWORK=host\n`);
  }
}
