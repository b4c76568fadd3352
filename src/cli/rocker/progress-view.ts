import { formatSize } from '../../common/format.ts';
import type { LayerEvent } from '../../engine/types.ts';

/**
 * Draws per-layer progress like `docker pull`: on a terminal one line per
 * layer, redrawn in place with a bar; otherwise one plain line per state
 * change (no byte counts), so logs stay readable.
 */
export class ProgressView {
  private order: string[] = [];
  private lines = new Map<string, LayerEvent>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly out: NodeJS.WriteStream, private readonly tty = Boolean(out.isTTY)) {}

  readonly onEvent = (e: LayerEvent): void => {
    const before = this.lines.get(e.id);
    if (!before) this.order.push(e.id);
    this.lines.set(e.id, e);
    if (!this.tty) {
      if (before?.state !== e.state) this.out.write(`${e.id}: ${e.state}${e.detail ? ` ${e.detail}` : ''}\n`);
      return;
    }
    // Byte updates come per chunk; ten redraws a second are plenty.
    const now = Date.now();
    if (before?.state === e.state && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw();
  };

  /** Final redraw, so the last state of every layer is on screen. */
  finish(): void {
    if (this.tty && this.order.length) this.draw();
  }

  private draw(): void {
    // A pty without a size (script, some CI runners) reports 0 columns.
    const cols = Math.max(40, this.out.columns || Number(process.env.COLUMNS) || 80);
    let text = this.drawn ? `\x1b[${this.drawn}A` : '';
    for (const id of this.order) text += `\x1b[2K${this.line(this.lines.get(id)!).slice(0, cols - 1)}\n`;
    this.drawn = this.order.length;
    this.out.write(text);
  }

  private line(e: LayerEvent): string {
    const head = `${e.id}: ${e.state}${e.detail ? ` ${e.detail}` : ''}`;
    if ((e.state !== 'Downloading' && e.state !== 'Pushing') || !e.total) return head;
    const width = 40;
    const done = Math.min(width, Math.floor(((e.current ?? 0) / e.total) * width));
    const bar = `[${'='.repeat(Math.max(0, done - 1))}${done > 0 ? '>' : ''}${' '.repeat(width - done)}]`;
    return `${head.padEnd(28)} ${bar} ${formatSize(e.current ?? 0)}/${formatSize(e.total)}`;
  }
}
