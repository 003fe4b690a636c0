/**
 * Dataset preparation straight from an all-numeric float32 matrix (csv-matrix.ts), in place: the same rules,
 * statistics, split, report and preprocessing spec as `prepareDataset` (dataset.ts, whose steps it reuses), but
 * without per-column Float64Arrays of the whole table and without copying X into new train/test arrays.
 *
 * Work on the m×n matrix (row-major float32, NaN = missing), with O(m + n) extra memory:
 * 1. per column, its values are gathered into one reused float64 buffer (m) for the column facts, the drop
 *    rules and the fit on the training rows (fill, centre, scale);
 * 2. each row is rewritten in place as its n' features x' = ((x missing ? fill : x) − center) / scale
 *    (missing indicators: ([x missing] − center) / scale), compacted to the row stride n' (a one-row buffer;
 *    only when missing indicators make n' > n is a new m×n' array allocated);
 * 3. the rows are permuted in place (cycle following with one row buffer) so that the training rows come
 *    first and the test rows after them, each in file order; train.X and test.X are views of the one buffer.
 *
 * Equivalence: the result deep-equals `prepareDataset(table)` for the table the general CSV reader makes of the
 * same file whenever the file's numbers are exactly representable in float32 (integers up to 2²⁴ such as
 * pixels, counts, codes; binary fractions such as 0.5). Other decimals (0.1) reach this module already rounded
 * to float32, so the statistics are those of the rounded values: the result then equals `prepareDataset` on the
 * table with every number rounded to float32 (Math.fround), which differs from the float64 table by at most
 * float32 rounding of the inputs (matrix-file.ts therefore uses this path only for files whose numbers are all
 * exact in float32).
 *
 * The matrix path covers numeric feature columns only. A label column mixing numbers and text, duplicate
 * column names, or a target that is not the matrix's label column throw {@link MatrixPathUnsupported}: the
 * caller then uses `prepareDataset` on the general reader's table.
 *
 * Pure TypeScript: no Node-only APIs.
 */
import { checkClassCount } from './class-limit';
import { PLAIN_MATRICES } from '../types';
import type { CsvMatrix, MatrixStore } from '../types';
import {
  columnFacts,
  compareText,
  fitContext,
  noFeaturesError,
  prepareColumn,
  resolveOptions,
  singleClassError,
  stratifiedSplit,
  targetReport,
  unknownTargetError,
} from './dataset';
import type {
  ColumnReport,
  FeatureSpec,
  NumericColumn,
  PrepareOptions,
  PreparedDataset,
  PreprocessingSpec,
  RawColumn,
} from '../types';

/** The matrix cannot be prepared exactly like the general table (see the module comment); use prepareDataset. */
export class MatrixPathUnsupported extends Error {
  constructor(why: string) {
    super(`the matrix preparation does not apply: ${why}`);
    this.name = 'MatrixPathUnsupported';
  }
}

/** A matrix whose label column position in the file may be known (for the report's column order). */
export type MatrixSource = CsvMatrix & { labelIndex?: number };

/** Most float32 values in the block of gathered columns (16 MiB). */
const GATHER_FLOATS = 1 << 22;

/** A decimal number as the CSV readers accept it (`[+-]digits[.digits][e±digits]`, at least one digit). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * What the labels of a matrix are: all numbers (numeric classes, as String(v)), all text, or a mix. A text
 * class is one that is not a decimal number as the CSV readers accept it.
 */
export function labelKind(classes: string[]): 'numeric' | 'text' | 'mixed' {
  const numeric = classes.map((c) => DECIMAL.test(c) && Number.isFinite(Number(c)));
  if (numeric.every(Boolean)) return 'numeric';
  return numeric.some(Boolean) ? 'mixed' : 'text';
}

/**
 * Classes and per-row class indices in prepareDataset's order: numeric labels by value (text as String(v)),
 * text labels by code point. Labels mixing numbers and text are unsupported (the general reader keeps the
 * original text of the numbers, which the matrix does not have), and so are text labels with quotes (readers
 * may differ on malformed quoting such as `"a"b`; the general reader's text is the reference). Throws LabError
 * 'too-many-classes' (see class-limit.ts) before any per-class work.
 */
function matrixTarget(
  matrix: CsvMatrix,
  file: string | undefined,
): { classes: string[]; labels: Int32Array; kind: 'numeric' | 'categorical' } {
  const src = matrix.classes;
  checkClassCount(src.length, matrix.m, matrix.labelName, file);
  const kind = labelKind(src);
  if (kind === 'mixed') throw new MatrixPathUnsupported(`label column '${matrix.labelName}' mixes numbers and text`);
  if (kind === 'text' && src.some((c) => c.includes('"'))) {
    throw new MatrixPathUnsupported(`a label of column '${matrix.labelName}' contains a quote`);
  }
  const allNumeric = kind === 'numeric';
  const order = src.map((_, i) => i);
  if (allNumeric) {
    const values = src.map(Number);
    order.sort((a, b) => values[a] - values[b]);
  } else {
    order.sort((a, b) => compareText(src[a], src[b]));
  }
  const remap = new Int32Array(src.length);
  order.forEach((old, idx) => (remap[old] = idx));
  const classes = order.map((i) => (allNumeric ? String(Number(src[i])) : src[i]));
  const labels = new Int32Array(matrix.m);
  for (let i = 0; i < matrix.m; i++) labels[i] = remap[matrix.y[i]];
  return { classes, labels, kind: allNumeric ? 'numeric' : 'categorical' };
}

/**
 * Visits the columns of X (m×n row-major) in order, each as float64 values (m) and its count of missing
 * values (NaN). `values` is one buffer reused for every column. Columns are gathered a block at a time (one
 * pass over the rows per block, contiguous reads) into a column-major float32 block of at most GATHER_FLOATS
 * values, instead of one strided pass over the whole matrix per column.
 */
export function forEachColumn(
  X: Float32Array,
  m: number,
  n: number,
  visit: (j: number, values: Float64Array, missing: number) => void,
): void {
  const values = new Float64Array(m);
  const width = Math.max(1, Math.min(n, Math.floor(GATHER_FLOATS / Math.max(1, m))));
  const block = new Float32Array(width * m);
  for (let j0 = 0; j0 < n; j0 += width) {
    const w = Math.min(width, n - j0);
    for (let i = 0; i < m; i++) {
      const o = i * n + j0;
      for (let b = 0; b < w; b++) block[b * m + i] = X[o + b];
    }
    for (let b = 0; b < w; b++) {
      values.set(block.subarray(b * m, (b + 1) * m));
      let missing = 0;
      for (let i = 0; i < m; i++) if (values[i] !== values[i]) missing++;
      visit(j0 + b, values, missing);
    }
  }
}

/** Column names in file order: the features with the label inserted at `labelIndex`. */
function fileColumns(matrix: CsvMatrix, labelIndex: number): string[] {
  const names = matrix.featureNames.slice();
  names.splice(labelIndex, 0, matrix.labelName);
  return names;
}

/**
 * Prepares train/test splits from an all-numeric matrix exactly as `prepareDataset` does for the same file and
 * options (see the module comment for the equivalence and its float32 condition), reusing the matrix's buffer:
 * afterwards `matrix.X` holds the prepared rows (train rows first) and must not be used as raw data again.
 * `labelIndex` is the label's position among the file's columns (default: `matrix.labelIndex`, else 0); it
 * only orders the report. `file` names the source in error messages. `store` is where matrix.X came from:
 * train.X and test.X are its views, and a wider X (missing indicators) is allocated there.
 * Throws LabError like prepareDataset ('unknown-target', 'single-class-target', 'bad-config', 'too-few-rows',
 * 'no-features') and MatrixPathUnsupported when the general path must be used instead.
 */
export function prepareMatrixDataset(
  matrix: MatrixSource,
  options: PrepareOptions,
  file?: string,
  labelIndex?: number,
  store: MatrixStore = PLAIN_MATRICES,
): PreparedDataset {
  const { m, n, X } = matrix;
  const li = labelIndex ?? matrix.labelIndex ?? 0;
  if (!(Number.isInteger(li) && li >= 0 && li <= n)) throw new RangeError(`labelIndex ${li} outside 0…${n}`);
  if (X.length < m * n) throw new RangeError(`matrix X has ${X.length} floats, expected ${m}×${n}`);
  const names = fileColumns(matrix, li);
  if (new Set(names).size !== names.length) throw new MatrixPathUnsupported('duplicate column names');
  if (options.target !== matrix.labelName) {
    if (names.includes(options.target)) {
      throw new MatrixPathUnsupported(`target '${options.target}' is not the matrix's label column '${matrix.labelName}'`);
    }
    throw unknownTargetError(options.target, names, file);
  }
  const opts = resolveOptions(options, names, file);

  const { classes, labels, kind } = matrixTarget(matrix, file);
  if (classes.length < 2) throw singleClassError(matrix.labelName, classes, file);
  const { train, test } = stratifiedSplit(labels, classes, opts.testSize, opts.seed, matrix.labelName, file);

  // ── Fit column by column on a float64 copy of the column (one buffer of m values). ──
  const ctx = fitContext(opts, train, m);
  const report: ColumnReport[] = [];
  const features: FeatureSpec[] = [];
  /** Source feature index (0…n−1) of each output feature. */
  const source: number[] = [];
  const pushTarget = (): void => {
    const col: RawColumn =
      kind === 'numeric'
        ? { kind: 'numeric', name: matrix.labelName, values: new Float64Array(0), missing: 0 }
        : { kind: 'categorical', name: matrix.labelName, codes: new Int32Array(0), levels: classes, missing: 0 };
    report.push(targetReport(col, classes.length));
  };
  forEachColumn(X, m, n, (j, values, missing) => {
    if (j === li) pushTarget();
    const col: NumericColumn = { kind: 'numeric', name: matrix.featureNames[j], values, missing };
    const fitted = prepareColumn(col, columnFacts(col), false, opts, ctx);
    for (const f of fitted.features) {
      features.push(f);
      source.push(j);
    }
    report.push(fitted.report);
  });
  if (li === n) pushTarget();
  if (features.length === 0) throw noFeaturesError(report, matrix.labelName, file);

  // ── Features in place, then rows in place (train first). ──
  const out = transformRows(X, m, n, features, source, store);
  const nOut = features.length;
  const order = new Int32Array(m);
  order.set(train, 0);
  order.set(test, train.length);
  permuteRows(out, nOut, order);

  const preprocessing: PreprocessingSpec = { target: matrix.labelName, features };
  const mTrain = train.length;
  return {
    target: matrix.labelName,
    classes,
    featureNames: features.map((f) => f.name),
    n: nOut,
    train: {
      X: store.view(out, 0, mTrain * nOut),
      y: Int32Array.from(train, (r) => labels[r]),
      m: mTrain,
      sourceRows: train,
    },
    test: {
      X: store.view(out, mTrain * nOut, m * nOut),
      y: Int32Array.from(test, (r) => labels[r]),
      m: test.length,
      sourceRows: test,
    },
    report,
    preprocessing,
    rows: m,
    csvLines: { first: matrix.firstLine },
  };
}

/**
 * Rewrites every row i of X (m×n) as its n' features, row-major with stride n' (float32 of a float64 result):
 *   numeric:            x'_f = ((x_{i,s_f} missing ? fill_f : x_{i,s_f}) − center_f) / scale_f
 *   missing-indicator:  x'_f = ([x_{i,s_f} missing] − center_f) / scale_f
 * In place when n' ≤ n (row i's output [i·n', (i+1)·n') never reaches row i+1's input at (i+1)·n; the row is
 * copied to a buffer first); otherwise into a new m×n' array of `store`, and X is given back to it. Returns
 * the array holding the result.
 */
function transformRows(X: Float32Array, m: number, n: number, features: FeatureSpec[], source: number[], store: MatrixStore): Float32Array {
  const nOut = features.length;
  const src = Int32Array.from(source);
  const indicator = Uint8Array.from(features, (f) => (f.kind === 'missing-indicator' ? 1 : 0));
  const fill = Float64Array.from(features, (f) => (f.kind === 'numeric' ? f.fill : 0));
  const center = Float64Array.from(features, (f) => f.center);
  const scale = Float64Array.from(features, (f) => f.scale);
  const out = nOut <= n ? X : store.alloc(m * nOut);
  const row = new Float32Array(n);
  for (let i = 0; i < m; i++) {
    row.set(X.subarray(i * n, i * n + n));
    const o = i * nOut;
    for (let f = 0; f < nOut; f++) {
      const v = row[src[f]];
      const missing = v !== v;
      const x = indicator[f] === 1 ? (missing ? 1 : 0) : missing ? fill[f] : v;
      out[o + f] = (x - center[f]) / scale[f];
    }
  }
  if (out !== X) store.release(X);
  return out;
}

/**
 * Moves row order[p] of A (rows of n floats) to position p, for every p, in place: each cycle of the
 * permutation is followed from its first position with one saved row; each row moves once.
 */
function permuteRows(A: Float32Array, n: number, order: Int32Array): void {
  const m = order.length;
  const done = new Uint8Array(m);
  const saved = new Float32Array(n);
  for (let start = 0; start < m; start++) {
    if (done[start] === 1) continue;
    done[start] = 1;
    if (order[start] === start) continue;
    saved.set(A.subarray(start * n, start * n + n));
    let p = start;
    for (;;) {
      const q = order[p];
      if (q === start) {
        A.set(saved, p * n);
        break;
      }
      A.copyWithin(p * n, q * n, q * n + n);
      done[q] = 1;
      p = q;
    }
  }
}
