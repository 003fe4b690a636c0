/**
 * Node side of CSV ingestion: read a file into memory and parse it with `parseCsv`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCsv } from './csv';
import type { CsvOptions } from './csv';
import { LabError } from './types';
import type { ParsedTable } from './types';

/**
 * Reads and parses a CSV file. Throws LabError 'file-not-found' (missing, a folder, or unreadable) with a
 * message naming the path and what to do, or any error of `parseCsv`.
 */
export function readCsvFile(path: string, options: Omit<CsvOptions, 'file'> = {}): ParsedTable {
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(path);
    // A plain Uint8Array view (not a Buffer) keeps the parser's hot loop monomorphic.
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const name = basename(path);
    let message: string;
    if (code === 'ENOENT') {
      message = `Cannot find the CSV file ${path}. Check the path and the file name, or pick another file.`;
    } else if (code === 'EISDIR') {
      message = `${path} is a folder, not a CSV file. Pick a .csv file inside it.`;
    } else if (code === 'EACCES' || code === 'EPERM') {
      message = `Cannot read ${path}: permission denied. Allow reading ${name} or copy it somewhere readable.`;
    } else {
      message = `Cannot read ${path} (${code ?? (err as Error).message}). Check the file and try again.`;
    }
    throw new LabError('file-not-found', message, { file: path });
  }
  return parseCsv(bytes, { ...options, file: path });
}
