/**
 * Node side of CSV ingestion: read a file into memory and parse it with `parseCsv`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCsv } from '../data/csv';
import type { CsvOptions } from '../data/csv';
import { sniffEncoding, SNIFF_BYTES } from '../data/text-encoding';
import { LabError } from '../types';
import type { ParsedTable } from '../types';

/** Reads the whole file behind `fd`, whose size is `size`. */
function readAll(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let got = 0;
  while (got < size) {
    const r = readSync(fd, bytes, got, size - got, got);
    if (r === 0) break;
    got += r;
  }
  return got === size ? bytes : bytes.subarray(0, got);
}

/**
 * Reads and parses a CSV file. Throws LabError 'file-not-found' (missing, a folder, or unreadable) with a
 * message naming the path and what to do, or any error of `parseCsv`. A binary file ('binary-file') is
 * recognised from its first 64 KiB (`sniffEncoding`) before the rest is read, so even a huge archive or image
 * fails at once.
 */
export function readCsvFile(path: string, options: Omit<CsvOptions, 'file'> = {}): ParsedTable {
  let bytes: Uint8Array;
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
    sniffEncoding(head.subarray(0, readSync(fd, head, 0, head.length, 0)), path);
    // A plain Uint8Array (not a Buffer) keeps the parser's hot loop monomorphic.
    bytes = readAll(fd, size);
  } catch (err) {
    if (err instanceof LabError) throw err;
    throw csvOpenError(path, err);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return parseCsv(bytes, { ...options, file: path });
}

/**
 * The one message of every reader for a CSV file that cannot be opened or read (missing, a folder, no permission,
 * too large for memory, any other system error), as LabError 'file-not-found'.
 */
export function csvOpenError(path: string, err: unknown): LabError {
  const code = (err as NodeJS.ErrnoException).code;
  const name = basename(path);
  let message: string;
  if (err instanceof RangeError) {
    message = `Cannot read ${path}: it is too large to hold in memory. Use a smaller file or a sample of its rows.`;
  } else if (code === 'ENOENT') {
    message = `Cannot find the CSV file ${path}. Check the path and the file name, or pick another file.`;
  } else if (code === 'EISDIR') {
    message = `${path} is a folder, not a CSV file. Pick a .csv file inside it.`;
  } else if (code === 'EACCES' || code === 'EPERM') {
    message = `Cannot read ${path}: permission denied. Allow reading ${name} or copy it somewhere readable.`;
  } else {
    message = `Cannot read ${path} (${code ?? (err as Error).message}). Check the file and try again.`;
  }
  return new LabError('file-not-found', message, { file: path });
}
