import type { ContainerEngine } from '../engines/types.ts';
import type { Project } from '../project.ts';

/**
 * After the engine itself refused to start the container (exit 125), names
 * the likely cause in one line. Only on failure: the happy path pays nothing.
 */
export async function explainRunFailure(engine: ContainerEngine, p: Project): Promise<void> {
  const net = p.cfg.network;
  if (net !== 'host' && net !== 'none' && net !== 'bridge' && !(await engine.networkExists(net))) {
    process.stderr.write(`ocx: the engine has no network "${net}"; create it ('docker network create ${net}') or set "network" in ocx.json\n`);
    return;
  }
  const clash = (await engine.listContainers(true)).find((c) => c.name === p.container);
  if (clash) {
    process.stderr.write(`ocx: container ${p.container} already exists (${clash.status}); use 'ocx shell' or 'ocx exec' to join it, or 'ocx stop' first\n`);
  }
}
