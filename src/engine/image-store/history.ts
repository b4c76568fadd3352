import { parseConfigBlob } from '../oci/config-parse.ts';
import type { ImageRecord } from './record.ts';
import type { ImageStore } from './store.ts';

export interface HistoryRow {
  /** The image id on the newest row, as Docker shows it; the rest have none. */
  id?: string;
  created?: Date;
  createdBy: string;
  size: number;
  comment: string;
  emptyLayer: boolean;
}

/**
 * `rocker history`: the config's history entries, newest first, each paired
 * with the layer it made (entries marked empty_layer made none). A config
 * without history (or with one that does not add up) gets one row per layer.
 */
export function imageHistory(images: ImageStore, rec: ImageRecord): HistoryRow[] {
  const config = parseConfigBlob(images.configBytes(rec), `image ${rec.name}:${rec.tag}`);
  const sizes = rec.layers.map((l) => images.layers.info(l)?.size ?? 0);
  const history = config.history ?? [];
  const date = (s?: string) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined);
  let rows: HistoryRow[];
  if (history.filter((h) => !h.empty_layer).length === rec.layers.length) {
    let i = 0;
    rows = history.map((h) => ({
      created: date(h.created),
      createdBy: h.created_by ?? '',
      size: h.empty_layer ? 0 : sizes[i++]!,
      comment: h.comment ?? '',
      emptyLayer: Boolean(h.empty_layer),
    }));
  } else {
    rows = sizes.map((size) => ({ created: date(config.created), createdBy: '', size, comment: '', emptyLayer: false }));
  }
  rows.reverse();
  if (rows[0]) rows[0].id = rec.digest;
  return rows;
}
