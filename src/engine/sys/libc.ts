/**
 * The Linux system calls Node has no API for (mknod, setxattr, getxattr,
 * ptys, execve), called through Bun's FFI: a process per call would cost far
 * more than the call.
 */
import { dlopen, FFIType, ptr } from 'bun:ffi';
import { closeSync, constants, openSync } from 'node:fs';

const lib = dlopen('libc.so.6', {
  mknod: { args: [FFIType.ptr, FFIType.u32, FFIType.u64], returns: FFIType.i32 },
  mkfifo: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  setxattr: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  lgetxattr: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  unlockpt: { args: [FFIType.i32], returns: FFIType.i32 },
  ptsname_r: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
  execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
});

const c = (s: string) => Buffer.from(`${s}\0`);

function check(rc: number | bigint, what: string): void {
  if (Number(rc) >= 0) return;
  const { read } = require('bun:ffi') as typeof import('bun:ffi');
  const errno = read.i32(lib.symbols.__errno_location()!, 0);
  throw Object.assign(new Error(`${what}: ${String(lib.symbols.strerror(errno))}`), { errno });
}

const S_IFCHR = 0o020000;

/** An overlayfs whiteout: a character device 0/0. */
export function mknodWhiteout(path: string): void {
  check(lib.symbols.mknod(c(path), S_IFCHR, 0), `mknod ${path}`);
}

/** A FIFO at `path`; false when it could not be made (one already there, among other causes). */
export function makeFifo(path: string, mode: number): boolean {
  return lib.symbols.mkfifo(c(path), mode) === 0;
}

export function setXattr(path: string, name: string, value: string): void {
  const v = Buffer.from(value);
  check(lib.symbols.setxattr(c(path), c(name), v, v.length, 0), `setxattr ${name} on ${path}`);
}

/** The value of an extended attribute, or undefined when it is not set. */
export function getXattr(path: string, name: string): string | undefined {
  const buf = Buffer.alloc(256);
  const n = Number(lib.symbols.lgetxattr(c(path), c(name), buf, buf.length));
  return n < 0 ? undefined : buf.subarray(0, n).toString();
}

/**
 * A new pseudo-terminal pair (master, slave), neither becoming our
 * controlling terminal. The caller closes both.
 */
export function openPty(): { master: number; slave: number } {
  const master = openSync('/dev/ptmx', constants.O_RDWR | constants.O_NOCTTY);
  try {
    check(lib.symbols.unlockpt(master), 'unlockpt');
    const name = Buffer.alloc(64);
    const rc = lib.symbols.ptsname_r(master, name, name.length);
    if (rc !== 0) throw new Error(`ptsname: ${String(lib.symbols.strerror(rc))}`);
    const slave = openSync(name.subarray(0, name.indexOf(0)).toString(), constants.O_RDWR | constants.O_NOCTTY);
    return { master, slave };
  } catch (err) {
    closeSync(master);
    throw err;
  }
}

/** A NULL-terminated char* array; `keep` holds the strings alive while the pointers are in use. */
function cArray(items: string[], keep: Buffer[]): BigUint64Array {
  const arr = new BigUint64Array(items.length + 1);
  items.forEach((s, i) => {
    const b = c(s);
    keep.push(b);
    arr[i] = BigInt(ptr(b));
  });
  return arr;
}

/**
 * Replaces this process with `path`; returns only by throwing. Node has no
 * call that does: rootless rocker continues as `nsenter ... rocker` in the
 * same process, so the pid, the terminal, signals and the exit status are the
 * command's own with no process in between to relay them.
 */
export function execve(path: string, argv: string[], env: Record<string, string | undefined>): never {
  const keep: Buffer[] = [];
  const args = cArray(argv, keep);
  const envp = cArray(Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`), keep);
  check(lib.symbols.execve(c(path), args, envp), `cannot run ${path}`);
  throw new Error(`cannot run ${path}`);
}
