/**
 * The one way a CSV file becomes a prepared dataset, for the extension's worker and the CLI alike (Node-only: it
 * reads files). Large files (MATRIX_MIN_BYTES and more) are read by the matrix path (matrix-file.ts: streamed into
 * one float32 matrix and prepared in place) whenever that gives exactly the general result; otherwise, and for small
 * files, the general reader (readCsvFile) and prepareDataset. Image pixels are kept in order (withImagePixels).
 */
import { statSync } from 'node:fs';
import { readCsvFile } from './csv-file';
import { prepareDataset } from '../prepare/dataset';
import { prepareCsvMatrix, type MatrixRead } from './matrix-file';
import { withImagePixels } from '../prepare/pixels';
import { PLAIN_MATRICES } from '../types';
import type { MatrixStore, ParsedTable, PrepareOptions, PreparedDataset } from '../types';

/** Files of at least this many bytes are tried on the matrix path first. */
export const MATRIX_MIN_BYTES = 8 * 1024 * 1024;

/** How a file was read: through the float32 matrix or the general table, and why the matrix was not used. */
export interface LoadPath {
  path: 'matrix' | 'table';
  /** Why the matrix path was tried but not used (null when used, or not tried: a small file or a given table). */
  fallback: string | null;
}

export interface LoadOptions {
  /** Files of at least this size try the matrix path (default MATRIX_MIN_BYTES). */
  matrixMinBytes?: number;
  /** The file's table, already parsed by the general reader (e.g. to list its columns): reused, not read again. */
  table?: ParsedTable | null;
  /** The file's matrix, already read (describe, into `store`): reused when its label is the target. */
  matrix?: MatrixRead | null;
  /**
   * Where the prepared train.X and test.X (and the matrix path's raw matrix) are allocated: the training kernel's
   * `matrices` (see matricesOf), so that the kernel uses them in place instead of copying them. Default plain arrays.
   */
  store?: MatrixStore;
}

export interface LoadedDataset extends LoadPath {
  data: PreparedDataset;
  /** Seconds spent reading the file and preparing the dataset (the matrix path does both in one pass: all in read). */
  readSeconds: number;
  prepareSeconds: number;
  /** The reader's notices (decoding, decimal commas, non-finite values read as missing). */
  notices: string[];
}

/** Reads and prepares `file` with the preparation options (the same options give the same dataset on either path). */
export function loadDataset(file: string, prepare: PrepareOptions, options: LoadOptions = {}): LoadedDataset {
  const t0 = performance.now();
  const store = options.store ?? PLAIN_MATRICES;
  let fallback: string | null = null;
  if (!options.table && fileSize(file) >= (options.matrixMinBytes ?? MATRIX_MIN_BYTES)) {
    let notices: string[] = [];
    const got = prepareCsvMatrix(file, prepare, withImagePixels, options.matrix ?? null, (n) => { notices = n; }, store);
    if (got.ok) return { data: got.value, path: 'matrix', fallback: null, readSeconds: (performance.now() - t0) / 1000, prepareSeconds: 0, notices };
    fallback = got.fallback;
  }
  const table = options.table ?? readCsvFile(file);
  const t2 = performance.now();
  const data = prepareDataset(table, withImagePixels(table.columns.map((c) => c.name), prepare), file, store);
  const t3 = performance.now();
  return {
    data, path: 'table', fallback, readSeconds: (t2 - t0) / 1000, prepareSeconds: (t3 - t2) / 1000, notices: table.notices ?? [],
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // the reader reports a missing file with its own message
  }
}
