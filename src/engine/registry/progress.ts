/**
 * Per-layer progress events. The engine reports them; the CLI draws them
 * (registry/progress-view.ts), so the engine itself never prints.
 */
export type LayerState = 'Waiting' | 'Downloading' | 'Already exists' | 'Pull complete' | 'Pushing' | 'Layer already exists' | 'Mounted from' | 'Pushed' | 'Failed';

export interface LayerEvent {
  /** Short id of the layer's blob, as Docker shows it (12 hex characters). */
  id: string;
  state: LayerState;
  current?: number;
  total?: number;
  detail?: string;
}

export type ProgressSink = (e: LayerEvent) => void;

export const shortId = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
