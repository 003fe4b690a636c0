/**
 * Node side of writing results: atomic replacement of an output file, and telling whether two paths are the
 * same file (so an output never overwrites an input).
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileSystemError } from './fs-errors';

/** stat of a path, or null when it does not exist (or cannot be looked at). */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The canonical form of a path: realpath where the file exists, else the absolute path. */
export function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Whether `a` and `b` name the same file: the same canonical path (symbolic links resolved where the files
 * exist), or both exist with the same device and inode (hard links, bind mounts).
 */
export function sameFile(a: string, b: string): boolean {
  if (canonicalPath(a) === canonicalPath(b)) return true;
  const sa = statOrNull(a);
  const sb = statOrNull(b);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** A synthetic errno error, as Node would raise it for `path`. */
function errno(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code, path });
}

/**
 * Checks, before any work, that `path` can be an output file: not a folder, in a folder that exists. Throws
 * the LabError 'write-failed' that `writeFileAtomic` would throw at the end (a long training run is not
 * wasted on a typo). Permissions and free space are only known when writing.
 */
export function checkOutputPath(path: string, example?: string): void {
  const fail = (code: string): never => {
    throw fileSystemError(errno(code, path), path, 'write', 'file', example) ?? errno(code, path);
  };
  if (statOrNull(path)?.isDirectory()) fail('EISDIR');
  const folder = statOrNull(dirname(resolve(path)));
  if (folder === null) {
    // A missing folder, or a path through a regular file (ENOTDIR): look at the nearest existing ancestor.
    let dir = dirname(resolve(path));
    while (dirname(dir) !== dir && statOrNull(dir) === null) dir = dirname(dir);
    fail(statOrNull(dir)?.isDirectory() === false ? 'ENOTDIR' : 'ENOENT');
  } else if (!folder.isDirectory()) {
    fail('ENOTDIR');
  }
}

/** What `writeFileAtomic` calls on the way (tests replace steps to make them fail). */
export interface AtomicWriteSteps {
  write: (fd: number, data: Uint8Array) => void;
  fsync: (fd: number) => void;
  rename: (from: string, to: string) => void;
}

const defaultSteps: AtomicWriteSteps = {
  write: (fd, data) => {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  },
  fsync: (fd) => fsyncSync(fd),
  rename: (from, to) => renameSync(from, to),
};

/**
 * Writes `text` (UTF-8) to `path` so that the file is either the old one or the complete new one, never a
 * part: the bytes go to a temporary file `.<name>.<pid>.<random>.tmp` in the same folder, are flushed to disk
 * (fsync), and the temporary file is renamed over `path`. A symbolic link at `path` is written through (its
 * target is replaced), and an existing file keeps its permission bits. An existing file that is not writable
 * is refused (EACCES), as a plain write would be. On any failure the temporary file is removed, `path` is
 * untouched, and a LabError 'write-failed' from `fileSystemError` names the path and the fix (`example` is
 * the file name it suggests when `path` is a folder). Errors that are not file-system errors are rethrown.
 */
export function writeFileAtomic(
  path: string,
  text: string,
  example?: string,
  steps: Partial<AtomicWriteSteps> = {},
): void {
  const { write, fsync, rename } = { ...defaultSteps, ...steps };
  let target = path;
  let tmp: string | null = null;
  let fd: number | null = null;
  try {
    const existing = statOrNull(path);
    if (existing !== null) {
      if (existing.isDirectory()) throw errno('EISDIR', path);
      target = realpathSync(path);
      accessSync(target, constants.W_OK);
    }
    tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    fd = openSync(tmp, 'wx', 0o666);
    if (existing !== null) fchmodSync(fd, existing.mode & 0o7777);
    write(fd, Buffer.from(text, 'utf8'));
    fsync(fd);
    closeSync(fd);
    fd = null;
    rename(tmp, target);
    tmp = null;
    syncFolder(dirname(target));
  } catch (err) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already closed or never usable: nothing more to release
      }
    }
    if (tmp !== null) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created (the open failed): nothing to remove
      }
    }
    throw fileSystemError(err, path, 'write', 'file', example) ?? err;
  }
}

/** Flushes a folder's entries (the rename) to disk where the platform allows it; failures are ignored. */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open folders; some file systems refuse fsync on them. The data file itself was synced.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
