/**
 * The one way a CSV file becomes a prepared dataset, for the extension's worker and the CLI alike (Node-only: it
 * reads files): the streaming reader (readCsvFile: typed columns, numbers in their narrowest exact array) and
 * prepareDataset, with image pixels kept in order (withImagePixels).
 */
import { readCsvFile } from './csv-file';
import { prepareDataset } from '../prepare/dataset';
import { withImagePixels } from '../prepare/pixels';
import { PLAIN_MATRICES } from '../types';
import type { MatrixStore, ParsedTable, PrepareOptions, PreparedDataset } from '../types';

export interface LoadOptions {
  /** The file's table, already parsed (e.g. to list its columns): reused, not read again. */
  table?: ParsedTable | null;
  /**
   * Where the prepared train.X and test.X are allocated: the training kernel's `matrices` (see matricesOf), so that
   * the kernel uses them in place instead of copying them. Default plain arrays.
   */
  store?: MatrixStore;
}

export interface LoadedDataset {
  data: PreparedDataset;
  /** Seconds spent reading the file (0 for a given table) and preparing the dataset. */
  readSeconds: number;
  prepareSeconds: number;
  /** The reader's notices (decoding, decimal commas, non-finite values read as missing). */
  notices: string[];
}

/** Reads and prepares `file` with the preparation options. */
export function loadDataset(file: string, prepare: PrepareOptions, options: LoadOptions = {}): LoadedDataset {
  const t0 = performance.now();
  const table = options.table ?? readCsvFile(file);
  const t1 = performance.now();
  const data = prepareDataset(table, withImagePixels(table.columns.map((c) => c.name), prepare), file, options.store ?? PLAIN_MATRICES);
  const t2 = performance.now();
  return { data, readSeconds: (t1 - t0) / 1000, prepareSeconds: (t2 - t1) / 1000, notices: table.notices ?? [] };
}
