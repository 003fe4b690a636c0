/**
 * The worker's files (Node-only: fs): CSVs described and prepared into datasets for its sessions, by loadDataset into
 * the training kernel's memory (`store`), the CLI's way too.
 * - `describe` lists a file's columns: large files through the matrix path (describeCsvMatrix) when it applies, else
 *   the general reader. What it read is kept for the `prepare` of the same, unchanged file that usually follows: the
 *   parsed table, or the matrix when its label is the target (otherwise the matrix is given back at once).
 * - `prepare` reads and prepares a file as loadDataset does; `lastRead` tells which path the last describe or
 *   prepare took, and why the matrix path was not used.
 * - `release` gives a dataset's matrices back to the kernel's memory when its session is dropped: memory there is
 *   outside the garbage collector's view of memory pressure, so waiting for the collector would let it grow.
 */
import { statSync } from 'node:fs';
import { readCsvFile } from './csv-file';
import { loadDataset, MATRIX_MIN_BYTES } from './load';
import { describeCsvMatrix, type MatrixRead } from './matrix-file';
import { describeColumns, suggestTarget, type ColumnSummary } from '../prepare/dataset';
import type { MatrixStore, ParsedTable, PrepareOptions, PreparedDataset } from '../types';

/**
 * How the last describe or prepare read its file: through the float32 matrix or the general table; `fallback`
 * says why the matrix path was tried but not used (null when it was used, or not tried: a small file, or a table
 * that describe had already parsed).
 */
export interface ReadPath {
  request: 'describe' | 'prepare';
  path: 'matrix' | 'table';
  fallback: string | null;
}

/** What `describe` tells of a file. */
export interface DescribedColumns {
  rows: number;
  columns: ColumnSummary[];
  suggested: string | null;
  path: 'matrix' | 'table';
}

export class DatasetFiles {
  /** A parsed table kept between `describe` and the `prepare` of the same file. */
  private tableCache: { file: string; stamp: string; table: ParsedTable } | null = null;
  /** The matrix read by a matrix-path `describe`, for the `prepare` of the same file with that label as target. */
  private matrixCache: { file: string; stamp: string; read: MatrixRead } | null = null;
  /** How the last describe or prepare read its file (for logs and tests). */
  lastRead: ReadPath | null = null;

  /** `store`: where datasets are prepared (the training kernel's `matrices`); files from `matrixMinBytes` try the matrix path. */
  constructor(
    private readonly store: MatrixStore,
    private readonly matrixMinBytes: number = MATRIX_MIN_BYTES,
  ) {}

  /** The columns of a CSV (see the module comment for what is kept for the next `prepare`). */
  describe(file: string): DescribedColumns {
    let fallback: string | null = null;
    if ((fileStat(file)?.size ?? 0) >= this.matrixMinBytes) {
      this.clear();
      const got = describeCsvMatrix(file, this.store);
      if (got.ok) {
        const d = got.value;
        this.matrixCache = { file, stamp: fileStamp(file), read: d.read };
        this.lastRead = { request: 'describe', path: 'matrix', fallback: null };
        return { rows: d.rows, columns: d.columns, suggested: d.suggested, path: 'matrix' };
      }
      fallback = got.fallback;
    }
    // The table kept by the describe before, when it is the same unchanged file (no second read).
    const stamp = fileStamp(file);
    const tc = this.tableCache;
    const table = tc && tc.file === file && tc.stamp === stamp && stamp !== '' ? tc.table : readCsvFile(file);
    this.clear();
    this.tableCache = { file, stamp, table };
    this.lastRead = { request: 'describe', path: 'table', fallback };
    return { rows: table.rowCount, columns: describeColumns(table), suggested: suggestTarget(table), path: 'table' };
  }

  /**
   * Reads and prepares a CSV as loadDataset does (the same options give the same dataset), using what `describe`
   * kept when the file did not change since; afterwards nothing is kept.
   */
  prepare(file: string, options: PrepareOptions): { data: PreparedDataset; notices: string[] } {
    const stamp = fileStamp(file);
    const tc = this.tableCache;
    const table = tc && tc.file === file && tc.stamp === stamp && stamp !== '' ? tc.table : null;
    // describe's matrix serves only when its label is the target; otherwise it is given back before reading again.
    const mc = this.matrixCache;
    const matrix =
      mc && mc.file === file && mc.stamp === stamp && stamp !== '' && mc.read.names[mc.read.matrix.labelIndex] === options.target
        ? mc.read
        : null;
    this.clear(matrix);
    const loaded = loadDataset(file, options, { matrixMinBytes: this.matrixMinBytes, table, matrix, store: this.store });
    this.lastRead = { request: 'prepare', path: loaded.path, fallback: loaded.fallback };
    return { data: loaded.data, notices: loaded.notices };
  }

  /** Gives the matrices of a dataset that is no longer used back to the kernel's memory; it must not be used again. */
  release(data: PreparedDataset): void {
    this.store.release(data.train.X);
    this.store.release(data.test.X);
  }

  /** Forgets what `describe` kept, giving its matrix back (unless it is about to be used: `keep`). */
  clear(keep: MatrixRead | null = null): void {
    const mc = this.matrixCache;
    this.matrixCache = null;
    this.tableCache = null;
    if (mc && mc.read !== keep) this.store.release(mc.read.matrix.X);
  }
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** Size and modification time of a file, or null when it cannot be stat'ed. */
export function fileStat(file: string): FileStat | null {
  try {
    const st = statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

/** Size and modification time, to tell whether a cached read is still the file's content. */
function fileStamp(file: string): string {
  const st = fileStat(file);
  return st ? `${st.size}:${st.mtimeMs}` : '';
}
