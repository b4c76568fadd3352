// Uploads the pull benchmark's images to a registry: a Debian minbase layer
// (debootstrap, ~120 MB) plus generated layers, ~200 MB in all.
//   bench-a:  debian + 60 MB + 20 MB (top)
//   bench-b:  debian + 60 MB + 5 MB  (a different top: shares all but it)
// Usage: bun bench/pull-fixture.ts HOST:PORT DEBIAN.tar
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeImage, uploadImage } from '../test/helpers/registry.ts';
import { tarBytes } from '../test/helpers/tar.ts';

const [host, debianTar] = process.argv.slice(2);
if (!host || !debianTar) throw new Error('usage: pull-fixture.ts HOST:PORT DEBIAN.tar');

/** Files of text-like data (base64 of a hash chain: compresses about as well as binaries do). */
function filesLayer(prefix: string, count: number, size: number): Buffer {
  const members = [{ name: `${prefix}/`, type: 'dir' as const }];
  let seed = Buffer.from(prefix);
  for (let i = 0; i < count; i++) {
    const parts: Buffer[] = [];
    let n = 0;
    while (n < (size * 3) / 4) {
      seed = createHash('sha512').update(seed).digest();
      parts.push(seed);
      n += seed.length;
    }
    members.push({ name: `${prefix}/f${i}`, data: Buffer.concat(parts).toString('base64').slice(0, size) } as never);
  }
  return tarBytes(members);
}

const base = readFileSync(debianTar);
const middle = filesLayer('opt/middle', 60, 1 << 20);
const a = makeImage([base, middle, filesLayer('opt/top-a', 20, 1 << 20)], { cmd: ['/bin/bash'] });
const b = makeImage([base, middle, filesLayer('opt/top-b', 5, 1 << 20)], { cmd: ['/bin/bash'] });
await uploadImage(host, 'bench/app', 'a', a);
await uploadImage(host, 'bench/app', 'b', b);
const mb = (n: number) => (n / 1e6).toFixed(1);
console.log(`bench/app:a layers (uncompressed MB): ${[base, middle].map((x) => mb(x.length)).join(' + ')} + 21.0; compressed ${mb(a.layers.reduce((n, l) => n + l.blob.length, 0))} MB`);
