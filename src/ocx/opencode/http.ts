import { copyFileSync, createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Progress } from '../progress.ts';

const TIMEOUT_MS = Number(process.env.OCX_HTTP_TIMEOUT_MS) || 20_000;

/** GET as JSON, with a timeout so an unreachable host fails in seconds, not minutes. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await fetch(url, { headers: { 'user-agent': 'ocx', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}${r.status === 403 || r.status === 429 ? ' (rate limited? set GITHUB_TOKEN)' : ''}`);
  return r.json();
}

/** Streams `url` into `dest`, showing progress; file:// URLs are read from disk. */
export async function download(url: string, dest: string, label: string): Promise<void> {
  if (url.startsWith('file://')) {
    copyFileSync(fileURLToPath(url), dest);
    return;
  }
  const r = await fetch(url, { headers: { 'user-agent': 'ocx' }, signal: AbortSignal.timeout(10 * 60_000) });
  if (!r.ok || !r.body) throw new Error(`${url}: HTTP ${r.status}`);
  const total = Number(r.headers.get('content-length')) || 0;
  const progress = new Progress(label, total);
  const out = createWriteStream(dest);
  try {
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
      progress.add(chunk.length);
    }
  } finally {
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    progress.done();
  }
}
