/**
 * File-system failures as one-line LabErrors: what went wrong with which path, and what to do.
 *
 * `fileSystemError` is the one mapping from Node's errno errors (`err.code` such as 'ENOENT', 'EISDIR',
 * 'ENOSPC') to messages; the CLI uses it for every read it does itself (the model file) and every write
 * (the model, the predictions), and as the last resort for any file-system error that reaches it.
 * (CSV files are read by `readCsvFile`, which maps its own read errors to LabError 'file-not-found'.)
 * Pure TypeScript: it only looks at the error object, so it can be tested with synthetic errors.
 */
import { LabError } from '../types';

/** Reading or writing. */
export type FileOperation = 'read' | 'write';

/** A Node file-system error: an Error with a string `code` ('ENOENT', 'ERR_FS_FILE_TOO_LARGE', …). */
export interface FsErrorLike {
  code: string;
  message: string;
  path?: string;
  syscall?: string;
}

/** Whether `err` looks like a file-system error of Node (an object with a code 'E…' or 'ERR_FS_…'). */
export function isFsError(err: unknown): err is FsErrorLike {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && (/^E[A-Z0-9]+$/.test(code) || code.startsWith('ERR_FS_'));
}

/** System calls that change the file system: an error from one of them happened while writing. */
const WRITE_CALLS = new Set(['write', 'rename', 'mkdir', 'unlink', 'fsync', 'ftruncate', 'copyfile', 'chmod', 'fchmod', 'link', 'symlink']);

/** Whether a file-system error happened while reading or writing (from its `syscall`; 'read' when unknown). */
export function operationOf(err: FsErrorLike): FileOperation {
  return err.syscall !== undefined && WRITE_CALLS.has(err.syscall) ? 'write' : 'read';
}

/** The folder part of a path as the user wrote it ('.' when there is none). */
function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return '.';
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/**
 * The LabError for a file-system error `err` met while reading or writing `path`, or null when `err` is not
 * a file-system error (the caller rethrows it). `what` names the file in read messages ('model file', 'CSV
 * file'); `example` is the file name suggested when a write names a folder ('model.json'). Reads give code
 * 'file-not-found' (as `readCsvFile`), writes 'write-failed'. Every message names the path and the fix; a
 * failed write never leaves a partial file (see `writeFileAtomic`).
 */
export function fileSystemError(
  err: unknown,
  path: string,
  op: FileOperation,
  what = 'file',
  example = 'output.txt',
): LabError | null {
  if (!isFsError(err)) return null;
  const code = err.code;
  const verb = op === 'read' ? 'read' : 'write';
  const cannot = `Cannot ${verb} ${path}`;
  let message: string;
  switch (code) {
    case 'ENOENT':
      message = op === 'read'
        ? `Cannot find the ${what} ${path}. Check the path and the file name.`
        : `${cannot}: the folder ${folderOf(path)} does not exist. Create it first or choose another path.`;
      break;
    case 'EISDIR':
      message = op === 'read'
        ? `${path} is a folder, not a ${what}. Pick a file inside it.`
        : `${cannot}: it is a folder. Give a file name inside it (e.g. ${path.replace(/[/\\]+$/, '')}/${example}) or choose another path.`;
      break;
    case 'ENOTDIR':
      message = `${cannot}: a part of the path before the file name is a file, not a folder. Check the path.`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = op === 'read'
        ? `${cannot}: permission denied. Allow reading it or copy it somewhere readable.`
        : `${cannot}: permission denied (the file or its folder is read-only). Choose another path or change the permissions.`;
      break;
    case 'EROFS':
      message = `${cannot}: the file system is read-only. Choose a path on a writable disk.`;
      break;
    case 'ENOSPC':
      message = `${cannot}: the disk is full. Free some space or choose a path on another disk.`;
      break;
    case 'EDQUOT':
      message = `${cannot}: the disk quota is exhausted. Free some space or choose a path on another disk.`;
      break;
    case 'EFBIG':
    case 'ERR_FS_FILE_TOO_LARGE':
      message = op === 'read'
        ? `${cannot}: the file is too large to read. Check that it is the right file.`
        : `${cannot}: the file would be larger than allowed (by the file system, or a file-size limit such as ulimit -f). Choose another disk or raise the limit.`;
      break;
    case 'ENAMETOOLONG':
      message = `${cannot}: the path is too long. Choose a shorter path.`;
      break;
    case 'ELOOP':
      message = `${cannot}: too many levels of symbolic links. Check the links on the path.`;
      break;
    case 'EMFILE':
    case 'ENFILE':
      message = `${cannot}: too many files are open. Close some programs and try again.`;
      break;
    case 'EBUSY':
    case 'ETXTBSY':
      message = `${cannot}: the file is busy. Close the program using it and try again.`;
      break;
    case 'EIO':
      message = `${cannot}: input/output error. Check the disk and try again.`;
      break;
    default:
      message = `${cannot} (${code}). Check the path and try again.`;
  }
  return new LabError(op === 'read' ? 'file-not-found' : 'write-failed', message, { file: path });
}
