import { formatSize } from '../common/format.ts';

/**
 * Progress of a long step on stderr: one line redrawn in a terminal, a line
 * every 25% otherwise (logs and CI stay readable).
 */
export class Progress {
  private done_ = 0;
  private lastStep = -1;
  private readonly tty = !!process.stderr.isTTY;

  constructor(private readonly label: string, private readonly total: number) {
    process.stderr.write(this.tty ? `${this.line()}` : `${label}...\n`);
  }

  add(n: number): void {
    this.done_ += n;
    if (this.tty) {
      process.stderr.write(`\r${this.line()}`);
      return;
    }
    if (this.total > 0) {
      const step = Math.floor((this.done_ / this.total) * 4);
      if (step > this.lastStep && step < 4) {
        this.lastStep = step;
        if (step > 0) process.stderr.write(`${this.label}: ${step * 25}%\n`);
      }
    }
  }

  done(): void {
    process.stderr.write(this.tty ? `\r${this.line()}\n` : `${this.label}: ${formatSize(this.done_)} done\n`);
  }

  private line(): string {
    const pct = this.total > 0 ? ` ${Math.floor((this.done_ / this.total) * 100)}%` : '';
    const of = this.total > 0 ? ` / ${formatSize(this.total)}` : '';
    return `${this.label}: ${formatSize(this.done_)}${of}${pct}\x1b[K`;
  }
}
