import { expect, test } from 'bun:test';
import { RuntimeMessageFilter } from '../../src/engine/runtime/attach.ts';

const markers = ['runc run failed: ', 'runc exec failed: '];

function feed(chunks: string[]): string {
  const f = new RuntimeMessageFilter(markers);
  return chunks.map((c) => f.push(Buffer.from(c)).toString()).join('') + f.flush().toString();
}

test("drops the runtime's own failure line, keeps the container's output", () => {
  expect(feed(['hello\nrunc run failed: boom\nafter\n'])).toBe('hello\nafter\n');
  expect(feed(['runc exec failed: x\n'])).toBe('');
});

test('a marker split across chunks is still recognised', () => {
  expect(feed(['ok\nru', 'nc r', 'un failed: exec: "x": not found', '\nnext'])).toBe('ok\nnext');
});

test('text that only starts like a marker is passed on, at the latest when the stream ends', () => {
  expect(feed(['run', 'ner\n'])).toBe('runner\n');
  expect(feed(['runc'])).toBe('runc');
  expect(feed(['x runc run failed: not at line start\n'])).toBe('x runc run failed: not at line start\n');
  // Output without a newline is not held back unless it could be a marker.
  const f = new RuntimeMessageFilter(markers);
  expect(f.push(Buffer.from('prompt> ')).toString()).toBe('prompt> ');
});
