import type { Engine } from '../../engine/types.ts';

/** What every command gets: the engine, opened once from the global flags and environment. */
export interface Context {
  engine: Engine;
}
