/**
 * The worker's files (Node-only: fs): CSVs described and prepared into datasets for its sessions, by loadDataset into
 * the training kernel's memory (`store`), the CLI's way too.
 * - `describe` lists a file's columns. The parsed table is kept for the `prepare` of the same, unchanged file that
 *   usually follows, so the file is read once.
 * - `prepare` reads and prepares a file as loadDataset does.
 * - `release` gives a dataset's matrices back to the kernel's memory when its session is dropped: memory there is
 *   outside the garbage collector's view of memory pressure, so waiting for the collector would let it grow.
 */
import { statSync } from 'node:fs';
import { readCsvFile } from './csv-file';
import { loadDataset } from './load';
import { describeColumns, suggestTarget, type ColumnSummary } from '../prepare/dataset';
import type { MatrixStore, ParsedTable, PrepareOptions, PreparedDataset } from '../types';

/** What `describe` tells of a file. */
export interface DescribedColumns {
  rows: number;
  columns: ColumnSummary[];
  suggested: string | null;
  /** Bytes a row of the typed columns takes (tableRowBytes), for the memory a load needs. */
  rowBytes: number;
}

/**
 * Bytes a row of a parsed table takes in memory: each numeric column's element size (1, 4 or 8: the reader keeps
 * the narrowest exact array), 4 per text column (its code) and 4 for the row's CSV line.
 */
export function tableRowBytes(table: ParsedTable): number {
  let bytes = 4;
  for (const c of table.columns) bytes += c.kind === 'numeric' ? c.values.BYTES_PER_ELEMENT : 4;
  return bytes;
}

export class DatasetFiles {
  /** A parsed table kept between `describe` and the `prepare` of the same file. */
  private tableCache: { file: string; stamp: string; table: ParsedTable } | null = null;

  /** `store`: where datasets are prepared (the training kernel's `matrices`). */
  constructor(private readonly store: MatrixStore) {}

  /** The columns of a CSV (its table is kept for the next `prepare`). */
  describe(file: string): DescribedColumns {
    // The table kept by the describe before, when it is the same unchanged file (no second read).
    const stamp = fileStamp(file);
    let table = this.kept(file, stamp);
    if (!table) {
      this.clear(); // another file's table is not held while this one is read
      table = readCsvFile(file);
    }
    this.tableCache = { file, stamp, table };
    return { rows: table.rowCount, columns: describeColumns(table), suggested: suggestTarget(table), rowBytes: tableRowBytes(table) };
  }

  /**
   * Reads and prepares a CSV as loadDataset does (the same options give the same dataset), using the table that
   * `describe` kept when the file did not change since; afterwards nothing is kept.
   */
  prepare(file: string, options: PrepareOptions): { data: PreparedDataset; notices: string[] } {
    const table = this.kept(file, fileStamp(file));
    this.clear();
    const loaded = loadDataset(file, options, { table, store: this.store });
    return { data: loaded.data, notices: loaded.notices };
  }

  /** Gives the matrices of a dataset that is no longer used back to the kernel's memory; it must not be used again. */
  release(data: PreparedDataset): void {
    this.store.release(data.train.X);
    this.store.release(data.test.X);
  }

  /** Forgets what `describe` kept. */
  clear(): void {
    this.tableCache = null;
  }

  private kept(file: string, stamp: string): ParsedTable | null {
    const tc = this.tableCache;
    return tc && tc.file === file && tc.stamp === stamp && stamp !== '' ? tc.table : null;
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
