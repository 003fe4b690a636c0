/**
 * Node side of CSV ingestion: a file's text, read block by block, parsed by `parseCsvStream`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCsv, parseCsvStream } from '../data/csv';
import type { CsvOptions } from '../data/csv';
import { sniffEncoding, SNIFF_BYTES } from '../data/text-encoding';
import type { ByteReader } from '../data/text-encoding';
import { LabError } from '../types';
import type { ParsedTable } from '../types';

/** The bytes of an open file from byte `position` on; a failing read is the reader's open error. */
class FileBytes implements ByteReader {
  constructor(
    private readonly path: string,
    private readonly fd: number,
    private position: number,
  ) {}

  read(out: Uint8Array, at: number, length: number): number {
    try {
      // Into the window's plain Uint8Array (not a Buffer), which keeps the parser's hot loop monomorphic.
      const got = readSync(this.fd, out, at, length, this.position);
      this.position += got;
      return got;
    } catch (err) {
      throw csvOpenError(this.path, err);
    }
  }
}

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
 * Reads and parses a CSV file as `parseCsv` parses its bytes, streaming (`parseCsvStream`): the text is read in
 * blocks of a few MiB and never held whole. A binary file ('binary-file') is recognised from its first 64 KiB
 * (`sniffEncoding`) before the rest is read, so even a huge archive or image fails at once. UTF-16 files (rare,
 * and small: spreadsheets' "Unicode text") are read whole and decoded by `parseCsv`. Throws LabError 'file-not-found'
 * (missing, a folder, unreadable, too large for memory) with a message naming the path and what to do, or any
 * error of `parseCsv`.
 */
export function readCsvFile(path: string, options: Omit<CsvOptions, 'file'> = {}): ParsedTable {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    const size = stat.size;
    const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
    const { encoding, bom } = sniffEncoding(head.subarray(0, readSync(fd, head, 0, head.length, 0)), path);
    const opts = { ...options, file: path };
    if (encoding !== 'utf-8') return parseCsv(readAll(fd, size), opts);
    return parseCsvStream(() => new FileBytes(path, fd, bom), size - bom, opts);
  } catch (err) {
    if (err instanceof LabError) throw err;
    // The system's errors, and RangeError for a table too large for memory.
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code !== undefined) throw csvOpenError(path, err);
    throw err;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
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
