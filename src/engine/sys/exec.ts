/**
 * execve(2) through Bun's FFI: Node has no call that replaces the process.
 * Rootless rocker uses it to continue as `nsenter ... rocker` in the same
 * process, so the pid, the terminal, signals and the exit status are the
 * command's own with no process in between to relay them.
 */
import { dlopen, FFIType, ptr, read } from 'bun:ffi';

const lib = dlopen('libc.so.6', {
  execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
});

/** A NULL-terminated char* array; `keep` holds the strings alive while the pointers are in use. */
function cArray(items: string[], keep: Buffer[]): BigUint64Array {
  const arr = new BigUint64Array(items.length + 1);
  items.forEach((s, i) => {
    const b = Buffer.from(`${s}\0`);
    keep.push(b);
    arr[i] = BigInt(ptr(b));
  });
  return arr;
}

/** Replaces this process with `path`; returns only by throwing. */
export function execve(path: string, argv: string[], env: Record<string, string | undefined>): never {
  const keep: Buffer[] = [];
  const file = Buffer.from(`${path}\0`);
  const args = cArray(argv, keep);
  const envp = cArray(Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`), keep);
  lib.symbols.execve(file, args, envp);
  const errno = read.i32(lib.symbols.__errno_location()!, 0);
  throw new Error(`cannot run ${path}: ${String(lib.symbols.strerror(errno))}`);
}
