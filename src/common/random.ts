// Web Crypto and Bun's hasher rather than node:crypto: loading that module
// costs ~4.5 ms, paid by every container start.

/** `bytes` random bytes as hex. */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** A random integer in [0, n). */
export function randomBelow(n: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % n;
}

export function sha256Hex(data: Uint8Array | string): string {
  return new Bun.CryptoHasher('sha256').update(data).digest('hex');
}
