import { watch, type FSWatcher } from 'node:fs';

/**
 * A poll that wakes as soon as one of `names` in `dir` changes (inotify),
 * else after its timeout; other files (a chatty container's log) do not
 * wake it. Waiting for a file another process writes (runc's pid
 * file, the monitor's exit file) by sleeping 1, 2, 3... ms noticed it up to
 * the last sleep late: ~5 ms of a 45 ms start. The caller still checks the
 * file itself on every wake; a change made between its check and the next
 * `wait` is not lost (the next wait returns at once). Without a directory to
 * watch it is plain polling.
 */
export class DirWaiter {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;

  constructor(dir: string, names: readonly string[]) {
    try {
      this.watcher = watch(dir, (_event, name) => {
        if (name !== null && !names.includes(String(name))) return;
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      // gone or not watchable: the timeouts alone
    }
  }

  wait(ms: number): Promise<void> {
    if (this.changed) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
