import { expect, test } from 'bun:test';
import { ProgressView } from '../../src/cli/rocker/progress-view.ts';

function sink(tty: boolean, columns = 100) {
  const chunks: string[] = [];
  const out = { isTTY: tty, columns, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream;
  return { view: new ProgressView(out, tty), text: () => chunks.join('') };
}

test('not a terminal: one plain line per state change, no byte counts', () => {
  const { view, text } = sink(false);
  view.onEvent({ id: 'aaaaaaaaaaaa', state: 'Waiting' });
  view.onEvent({ id: 'bbbbbbbbbbbb', state: 'Waiting' });
  for (let i = 1; i <= 5; i++) view.onEvent({ id: 'aaaaaaaaaaaa', state: 'Downloading', current: i * 100, total: 500 });
  view.onEvent({ id: 'aaaaaaaaaaaa', state: 'Pull complete' });
  view.onEvent({ id: 'bbbbbbbbbbbb', state: 'Already exists' });
  view.finish();
  expect(text()).toBe('aaaaaaaaaaaa: Waiting\nbbbbbbbbbbbb: Waiting\naaaaaaaaaaaa: Downloading\naaaaaaaaaaaa: Pull complete\nbbbbbbbbbbbb: Already exists\n');
});

test('a terminal: every layer redrawn in place, a bar with sizes while downloading', () => {
  const { view, text } = sink(true);
  view.onEvent({ id: 'aaaaaaaaaaaa', state: 'Waiting' });
  view.onEvent({ id: 'bbbbbbbbbbbb', state: 'Waiting' });
  view.onEvent({ id: 'aaaaaaaaaaaa', state: 'Downloading', current: 1024 * 1024, total: 2 * 1024 * 1024 });
  view.finish();
  const frames = text().split('\x1b[2A');
  // After the first two lines, each redraw moves up over both.
  expect(frames.length).toBeGreaterThan(1);
  const last = frames[frames.length - 1]!;
  expect(last).toBe(`\x1b[2K${'aaaaaaaaaaaa: Downloading'.padEnd(28)} [${'='.repeat(19)}>${' '.repeat(20)}] 1.0MB/2.0MB\n\x1b[2Kbbbbbbbbbbbb: Waiting\n`);
});
