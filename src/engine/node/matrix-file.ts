/**
 * Node side of the matrix path for large CSV files: decides whether a file can be read straight into a float32
 * matrix (csv-matrix.ts) and prepared in place (dataset-matrix.ts) with exactly the result of the general path
 * (readCsvFile + prepareDataset / describeColumns), and does it. Its answers are {@link MatrixAnswer}s: the value,
 * or — whenever that cannot be guaranteed — the reason, and the caller uses the general path (which also reports the
 * file's real errors — ragged rows, unterminated quotes, a missing file — in its own words). The choice of path is
 * data, not an exception.
 *
 * Conditions, checked in this order (each cheap before the expensive ones):
 * 1. The head of the file (first MiB, whole records) read by the general reader: same delimiter rule (first
 *    64 KiB, `csvLayout`), header decision, column names; only the label column may hold text there. The head
 *    must be plain UTF-8 text without a `sep=` line (`decodeCsvBytes`): binary files, UTF-16 and Windows-1252
 *    fall back, and the general reader reports or decodes them. (Later bytes that are not UTF-8 can only be in
 *    labels, where the matrix reader refuses them: step 3.)
 * 2. Every number in the other columns is exact in float32 — checked on the head's values, then by the matrix read
 *    itself as it parses (`exactFloat32`, no separate pass over the file): then the matrix holds exactly the
 *    general reader's float64 values and every statistic, drop rule and X value matches. Decimals such as 0.1
 *    are not (the general path is used for them).
 * 3. The matrix read (explicit delimiter, header flag and label column) succeeds: every other field a number,
 *    a missing marker or non-finite (missing, as in the general reader, with the same notices: `matrix.notices`),
 *    every label present, finite and UTF-8.
 * 4. The general reader's header rule, re-evaluated with whole-file facts, agrees with the head's decision.
 * 5. prepareMatrixDataset accepts the labels (not a mix of numbers and text, no quotes in text labels).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { csvLayout, parseCsv } from '../data/csv';
import { CR, isNonFiniteBytes, LF, nonFiniteNotice, parseNumberBytes } from '../data/csv-syntax';
import { readCsvMatrixSync } from './csv-matrix';
import { decodeCsvBytes } from '../data/text-encoding';
import { columnFacts, suggestTargetFrom, summarizeColumn, TARGET_NAMES, type ColumnSummary } from '../prepare/dataset';
import { forEachColumn, labelKind, MatrixPathUnsupported, prepareMatrixDataset, type MatrixSource } from '../prepare/dataset-matrix';
import { LabError, PLAIN_MATRICES } from '../types';
import type { MatrixStore, PrepareOptions, PreparedDataset, RawColumn } from '../types';

/** Bytes of the file's head read by the general reader to type the columns. */
export const HEAD_BYTES = 1 << 20;


/** The matrix path's answer: its value, or why it does not apply to this file and the general path must be used. */
export type MatrixAnswer<T> = { ok: true; value: T } | { ok: false; fallback: string };

function answer<T>(value: T): MatrixAnswer<T> {
  return { ok: true, value };
}

function fallback(why: string): { ok: false; fallback: string } {
  return { ok: false, fallback: why };
}

/** The message of a reader's or decoder's error, as the reason to fall back. */
function reason(err: unknown): string {
  return err instanceof LabError ? err.message : String(err);
}

type FieldKind = 'number' | 'missing' | 'text';

/** What the general reader makes of the head of a file. */
export interface HeadProbe {
  delimiter: string;
  /** The general reader's header decision on the head. */
  hasHeader: boolean;
  /** Column names as the general reader gives them under that decision. */
  names: string[];
  /** Kind of each field of the first record, and its text when it is text. */
  firstKinds: FieldKind[];
  firstTexts: Array<string | null>;
  /** Columns with text in the head's data rows. */
  textColumns: number[];
  /** Missing fields and distinct values of each column in the head's data rows. */
  headFacts: Array<{ missing: number; distinct: number }>;
  /** Columns with a number in the head's data rows that float32 cannot hold exactly (e.g. 0.1). */
  inexactColumns: number[];
}

/** The matrix of a file with the general reader's column names, and the label's position among them. */
export interface MatrixRead {
  matrix: MatrixSource & { labelIndex: number };
  names: string[];
}

function readHead(file: string): { bytes: Uint8Array; size: number } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(Math.min(size, HEAD_BYTES));
    let got = 0;
    while (got < bytes.length) {
      const r = readSync(fd, bytes, got, bytes.length - got, got);
      if (r === 0) break;
      got += r;
    }
    return { bytes: bytes.subarray(0, got), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the head of a file with the general reader (see the module comment, step 1). Falls back when the head is
 * not whole records of a CSV the general reader accepts.
 */
export function probeHead(file: string): MatrixAnswer<HeadProbe> {
  let head: { bytes: Uint8Array; size: number };
  try {
    head = readHead(file);
  } catch (err) {
    return fallback(`cannot read the file (${(err as Error).message})`);
  }
  const { bytes, size } = head;
  // Whole records only.
  let end = bytes.length;
  if (bytes.length < size) {
    end = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR)) + 1;
    if (end <= 0) return fallback(`the first line is longer than ${HEAD_BYTES} bytes`);
  }
  const part = bytes.subarray(0, end);
  let text;
  try {
    text = decodeCsvBytes(part, file);
  } catch (err) {
    return fallback(reason(err));
  }
  if (text.encoding !== 'utf-8') return fallback(`the file is ${text.notices[0] ?? 'not UTF-8'}`);
  // The delimiter exactly as parseCsv chooses it for the whole file: the head holds the first 64 KiB of it.
  const layout = csvLayout(bytes, text.begin);
  if (layout.declared) return fallback('the first line declares the delimiter (sep=)');
  const delimiter = layout.delimiter;
  let plain;
  let detected;
  try {
    plain = parseCsv(part, { delimiter, hasHeader: false });
    detected = parseCsv(part, { delimiter });
  } catch (err) {
    return fallback(reason(err));
  }
  const firstKinds: FieldKind[] = [];
  const firstTexts: Array<string | null> = [];
  for (const col of plain.columns) {
    if (col.kind === 'numeric') {
      firstKinds.push(Number.isNaN(col.values[0]) ? 'missing' : 'number');
      firstTexts.push(null);
    } else if (col.codes[0] < 0) {
      firstKinds.push('missing');
      firstTexts.push(null);
    } else {
      // A categorical column keeps the original text of its numbers.
      // A non-finite field counts as neither (as in the general reader's header rule).
      const level = col.levels[col.codes[0]];
      const encoded = new TextEncoder().encode(level);
      const isNumber = !Number.isNaN(parseNumberBytes(encoded, 0, encoded.length));
      const nonFinite = !isNumber && isNonFiniteBytes(encoded, 0, encoded.length);
      firstKinds.push(isNumber ? 'number' : nonFinite ? 'missing' : 'text');
      firstTexts.push(isNumber || nonFinite ? null : level);
    }
  }
  return answer({
    delimiter,
    hasHeader: detected.hasHeader,
    names: detected.columns.map((c) => c.name),
    firstKinds,
    firstTexts,
    textColumns: detected.columns.flatMap((c, j) => (c.kind === 'categorical' ? [j] : [])),
    headFacts: detected.columns.map((c) => ({ missing: c.missing, distinct: columnFacts(c).distinct })),
    inexactColumns: detected.columns.flatMap((c, j) => (c.kind === 'numeric' && !exactInFloat32(c.values) ? [j] : [])),
  });
}

/** Whether every value (NaN aside) is exactly a float32: Math.fround(v) === v. */
function exactInFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v && Math.fround(v) !== v) return false;
  }
  return true;
}

/** The matrix of a file with the general reader's names (see the module comment, steps 2–4). */
function readMatrix(file: string, probe: HeadProbe, label: number, store: MatrixStore): MatrixAnswer<MatrixRead> {
  const { delimiter, hasHeader, names } = probe;
  // Decimals in the head fall back at once; the matrix read checks the rest as it parses them.
  const inexact = probe.inexactColumns.find((c) => c !== label);
  if (inexact !== undefined) return fallback(`some numbers are not exact in float32 (decimals such as 0.1, in column '${names[inexact]}')`);
  let matrix;
  try {
    matrix = readCsvMatrixSync(file, { label, delimiter, hasHeader, exactFloat32: true, store });
  } catch (err) {
    if (err instanceof LabError) return fallback(err.message);
    throw err;
  }
  const read = matrix;
  const drop = (why: string): MatrixAnswer<MatrixRead> => {
    store.release(read.X);
    return fallback(why);
  };
  if (matrix.n + 1 !== names.length) return drop('the column count differs from the head');
  // Rows are named by their CSV line; the general reader keeps every row's line when they are not consecutive.
  if (!matrix.consecutiveLines) return drop('blank lines between rows');
  if (hasHeader && !headerHolds(probe, matrix, label)) {
    return drop('the general reader would take the first line for data');
  }
  const featureNames = names.filter((_, c) => c !== label);
  // The notices in the general reader's words, with its column names.
  const notices = matrix.nonFinite.map((v) => nonFiniteNotice(names[v.column], v.count, v.line));
  return answer({ matrix: { ...matrix, featureNames, labelName: names[label], labelIndex: label, notices }, names });
}

/**
 * The general reader's header rule with whole-file facts: a text field over a numeric column that has a value,
 * or all fields distinct text (every feature column is numeric here).
 */
function headerHolds(probe: HeadProbe, matrix: { X: Float32Array; m: number; n: number; classes: string[] }, label: number): boolean {
  const { firstKinds, firstTexts } = probe;
  if (firstKinds[label] === 'text' && labelKind(matrix.classes) === 'numeric') return true;
  const { X, m, n } = matrix;
  for (let c = 0; c < firstKinds.length; c++) {
    if (c === label || firstKinds[c] !== 'text') continue;
    const j = c < label ? c : c - 1;
    for (let i = 0, o = j; i < m; i++, o += n) if (X[o] === X[o]) return true;
  }
  return firstKinds.every((k) => k === 'text') && new Set(firstTexts).size === firstKinds.length;
}

/**
 * Reads and prepares a large CSV through the matrix path, exactly as prepareDataset on readCsvFile would.
 * `adjust` may change the options once the column names are known (e.g. force-including pixel columns).
 * Falls back when the general path must be used; throws LabError for preparation errors (the same as
 * prepareDataset's). `cached` is a matrix already read by {@link describeCsvMatrix}; it is used (and consumed)
 * when its label is the target. `onNotices` receives the reader's notices (those readCsvFile would give in
 * `notices`; empty when there are none) before the preparation. The matrix is read into `store` (a cached one
 * must come from the same store) and train.X and test.X are its views.
 */
export function prepareCsvMatrix(
  file: string,
  options: PrepareOptions,
  adjust: (names: string[], options: PrepareOptions) => PrepareOptions = (_, o) => o,
  cached: MatrixRead | null = null,
  onNotices: (notices: string[]) => void = () => undefined,
  store: MatrixStore = PLAIN_MATRICES,
): MatrixAnswer<PreparedDataset> {
  let read = cached && cached.names[cached.matrix.labelIndex] === options.target ? cached : null;
  if (!read) {
    const head = probeHead(file);
    if (!head.ok) return head;
    const probe = head.value;
    const label = probe.names.indexOf(options.target);
    if (label < 0) return fallback(`no column '${options.target}'`);
    const text = probe.textColumns.filter((c) => c !== label);
    if (text.length > 0) return fallback(`column '${probe.names[text[0]]}' holds text`);
    const got = readMatrix(file, probe, label, store);
    if (!got.ok) return got;
    read = got.value;
  }
  onNotices(read.matrix.notices);
  try {
    return answer(prepareMatrixDataset(read.matrix, adjust(read.names, options), file, undefined, store));
  } catch (err) {
    store.release(read.matrix.X);
    if (err instanceof MatrixPathUnsupported) return fallback(err.message);
    throw err;
  }
}

/**
 * The column read as the matrix's label by describeCsvMatrix: the head's only text column, else the first
 * column named like a target (target, label, class, y, …), else the last column without missing values in the
 * head that has at most 20 distinct values there, else the last column without missing values (the matrix
 * reader needs a label on every row, and keeps one entry per distinct label).
 */
function describeLabel(probe: HeadProbe): number {
  if (probe.textColumns.length === 1) return probe.textColumns[0];
  const { names, headFacts } = probe;
  for (const wanted of TARGET_NAMES) {
    const c = names.findIndex((nm) => nm.trim().toLowerCase() === wanted);
    if (c >= 0) return c;
  }
  let complete = -1;
  for (let c = names.length - 1; c >= 0; c--) {
    if (headFacts[c].missing > 0) continue;
    if (headFacts[c].distinct <= 20) return c;
    if (complete < 0) complete = c;
  }
  return complete >= 0 ? complete : names.length - 1;
}

/**
 * Column summaries of a large CSV through the matrix path, equal to describeColumns / suggestTarget on
 * readCsvFile. The label column of the matrix is the head's only text column, else the first column named like
 * a target (target, label, class, y, …), else the last column. Returns the matrix too, for a later
 * prepareCsvMatrix with that target, read into `store`. Falls back when the general path must be used.
 */
export function describeCsvMatrix(
  file: string,
  store: MatrixStore = PLAIN_MATRICES,
): MatrixAnswer<{ rows: number; columns: ColumnSummary[]; suggested: string | null; read: MatrixRead }> {
  const head = probeHead(file);
  if (!head.ok) return head;
  const probe = head.value;
  const { names } = probe;
  if (probe.textColumns.length > 1) return fallback(`columns '${names[probe.textColumns[1]]}' and more hold text`);
  const label = describeLabel(probe);
  const got = readMatrix(file, probe, label, store);
  if (!got.ok) return got;
  const read = got.value;
  const { matrix } = read;
  const { m, n } = matrix;
  const kind = labelKind(matrix.classes);
  if (kind === 'mixed' || (kind === 'text' && matrix.classes.some((c) => c.includes('"')))) {
    return fallback(`the labels of column '${names[label]}' mix numbers and text or hold quotes`);
  }
  let labelColumn: RawColumn;
  if (kind === 'numeric') {
    const classValues = matrix.classes.map(Number);
    const values = Float64Array.from(matrix.y, (c) => classValues[c]);
    labelColumn = { kind: 'numeric', name: names[label], values, missing: 0 };
  } else {
    labelColumn = { kind: 'categorical', name: names[label], codes: matrix.y, levels: matrix.classes, missing: 0 };
  }
  const columns: ColumnSummary[] = [];
  forEachColumn(matrix.X, m, n, (j, values, missing) => {
    if (j === label) columns.push(summarizeColumn(labelColumn, m));
    columns.push(summarizeColumn({ kind: 'numeric', name: matrix.featureNames[j], values, missing }, m));
  });
  if (label === n) columns.push(summarizeColumn(labelColumn, m));
  return answer({ rows: m, columns, suggested: suggestTargetFrom(columns), read });
}
