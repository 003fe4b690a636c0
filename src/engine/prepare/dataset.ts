/**
 * Dataset preparation: from a parsed table to the model's row-major float32 X and class labels.
 *
 * Steps (all statistics are fitted on TRAINING rows only, so the test split never leaks into them):
 * 1. Target: its distinct non-missing values become `classes` (numeric targets sorted numerically and
 *    shown as text, e.g. "0", "1"; text targets sorted by code point). Rows without a target are dropped.
 * 2. Columns: identifier-like columns (unique per row, sequential integer ids, constant, too many levels)
 *    are dropped with a reason unless force-included; `features` restricts the candidates.
 * 3. Seeded stratified split: per class, shuffle its rows and hold out round(testSize·m_c) of them.
 * 4. Features: numeric columns → one feature (missing → train median/mean), text columns → 0/1 indicators
 *    `Col=level` (missing → train mode or an own `(missing)` level): with reference coding (default) one per
 *    level except the reference level (the first in sorted order), with full coding one per level,
 *    optional `Col missing` 0/1 indicators, then z-scores of numeric features with train mean and
 *    population standard deviation (ddof = 0).
 * The resulting `PreprocessingSpec` is enough to rebuild X from any table with the same columns
 * (`applyPreprocessing`), bit-for-bit identical for the same rows.
 *
 * Pure TypeScript: no Node-only APIs.
 */
import { checkClassCount } from './class-limit';
import { createRng, shuffleInPlace } from '../random';
import { PREPARE_DEFAULTS, settingProblem, settingsOf, type PrepareSettingKey } from '../settings-schema';
import {
  LabError,
  PLAIN_MATRICES,
  type CategoricalEncoding,
  type CategoricalImpute,
  type ColumnReport,
  type FeatureSpec,
  type MatrixStore,
  type NumericImpute,
  type NumericValues,
  type ParsedTable,
  type PrepareOptions,
  type PreparedDataset,
  type PreprocessingSpec,
  type RawColumn,
  type Split,
} from '../types';

/** Default cap on categorical levels before a column is dropped as high-cardinality (the maxLevels setting's default). */
const DEFAULT_MAX_LEVELS = PREPARE_DEFAULTS.maxLevels;
/** Level name used for missing categorical values with `categoricalImpute: 'missing-level'`. */
const MISSING_LEVEL = '(missing)';

/** Column names that suggest a target, in order of preference (compared case-insensitively). */
const TARGET_NAMES = ['target', 'label', 'class', 'y', 'survived', 'species', 'outcome', 'diagnosis'];
/** A column is a plausible target when it has this many distinct values. */
const MIN_TARGET_CLASSES = 2;
const MAX_TARGET_CLASSES = 20;
/** Text columns with at least this many levels covering more than half of the rows look like identifiers. */
const MOSTLY_UNIQUE_MIN_LEVELS = 20;
/** Integer columns spanning fewer values than this are counted with a table of marks instead of a Set. */
const SMALL_INTEGER_RANGE = 1 << 16;
/** Integer columns need at least this many rows before "unique and sequential" is taken as an id. */
const INTEGER_ID_MIN_ROWS = 10;

// ───────────────────────────── Column description ─────────────────────────────

/** What a column looks like before preparation, for pickers and reports. */
export interface ColumnSummary {
  name: string;
  type: 'numeric' | 'categorical';
  /** Distinct non-missing values. */
  distinct: number;
  missing: number;
  /** Why the column would be dropped by default (identifier, constant, high cardinality), or null. */
  identifier: string | null;
  /** 2–20 distinct values (integers when numeric): could be a class label. */
  targetCandidate: boolean;
}

interface ColumnFacts {
  distinct: number;
  /** Every non-missing value is an integer (numeric columns). */
  integer: boolean;
}

/** Distinct non-missing values and whether all are integers (numeric columns). */
function columnFacts(col: RawColumn, scratch?: DistinctScratch): ColumnFacts {
  if (col.kind === 'categorical') return { distinct: col.levels.length, integer: false };
  const values = col.values;
  // A column of bytes holds integers 0–255 and nothing missing (the reader's rule): its range is known.
  const bytes = values instanceof Uint8Array;
  let integer = true;
  let min = bytes ? 0 : Infinity;
  let max = bytes ? 255 : -Infinity;
  for (let i = 0; !bytes && i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integer && !Number.isInteger(v)) integer = false;
  }
  if (min > max) return { distinct: 0, integer };
  if (integer && max - min < SMALL_INTEGER_RANGE) {
    // Integers in a small range (pixels, counts, codes): one mark per possible value (−0 and 0 are one value).
    const seen = new Uint8Array(max - min + 1);
    let distinct = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      const k = v - min;
      if (seen[k] === 0) {
        seen[k] = 1;
        distinct++;
      }
    }
    return { distinct, integer };
  }
  return { distinct: countDistinct(values, scratch), integer };
}

/** Columns of at least this many rows are counted by partitions (countDistinct). */
const PARTITION_MIN_ROWS = 1 << 16;
/** Rows per partition the partition count aims at: a partition's table (2 slots a row) then stays in cache. */
const PARTITION_ROWS = 1 << 15;

/**
 * Number of distinct non-NaN values of `values` (−0 and 0 are one value), exact. Values are hashed by their
 * bits (h = mix of the float64's two words); a small column is counted in one open-addressing table kept at most
 * half full. A large one is first split into P = 2^p partitions by the hash's top p bits (equal values share a
 * partition, so the count is the sum of the partitions' counts), each then counted in a table of the low bits
 * that stays in cache: a table the size of the column would miss the cache on nearly every row.
 */
export function countDistinct(values: NumericValues, scratch: DistinctScratch = new DistinctScratch()): number {
  const m = values.length;
  if (m < PARTITION_MIN_ROWS) return distinctIn(values, 0, m, new Float64Array(1024), new Uint8Array(1024));
  const bitsP = Math.min(12, Math.max(1, Math.ceil(Math.log2(m / PARTITION_ROWS))));
  const P = 1 << bitsP;
  const shift = 32 - bitsP;
  const part = scratch.parts(m);
  const starts = new Int32Array(P + 1);
  let present = 0;
  for (let i = 0; i < m; i++) {
    const v = values[i];
    if (v !== v) continue;
    const q = valueHash(v === 0 ? 0 : v) >>> shift;
    part[i] = q;
    starts[q + 1]++;
    present++;
  }
  for (let q = 0; q < P; q++) starts[q + 1] += starts[q];
  const sorted = scratch.values(present);
  const fill = starts.slice(0, P);
  for (let i = 0; i < m; i++) {
    const v = values[i];
    if (v !== v) continue;
    sorted[fill[part[i]]++] = v === 0 ? 0 : v;
  }
  let largest = 0;
  for (let q = 0; q < P; q++) largest = Math.max(largest, starts[q + 1] - starts[q]);
  const capacity = 2 ** Math.ceil(Math.log2(Math.max(1024, 2 * largest + 2)));
  const keys = new Float64Array(capacity);
  const used = new Uint8Array(capacity);
  let distinct = 0;
  for (let q = 0; q < P; q++) distinct += distinctIn(sorted, starts[q], starts[q + 1], keys, used);
  return distinct;
}

/**
 * The partition buffers of countDistinct (a partition per row, the values by partition), kept for the columns of one
 * table so that counting them all takes one set of buffers instead of one per column.
 */
export class DistinctScratch {
  private part = new Uint16Array(0);
  private sorted = new Float64Array(0);

  parts(m: number): Uint16Array {
    if (this.part.length < m) this.part = new Uint16Array(m);
    return this.part;
  }

  values(m: number): Float64Array {
    if (this.sorted.length < m) this.sorted = new Float64Array(m);
    return this.sorted;
  }
}

/** 32-bit hash of a float64's bits (−0 must be passed as 0). */
const hashWord = new Float64Array(1);
const hashBits = new Uint32Array(hashWord.buffer);
function valueHash(v: number): number {
  hashWord[0] = v;
  const h = Math.imul(hashBits[0], 0x9e3779b1) ^ Math.imul(hashBits[1] ^ (hashBits[1] >>> 15), 0x85ebca77);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Distinct non-NaN values of values[s, e) by open addressing on the hash's low bits in `keys`/`used` (cleared
 * here; grown when more than half full — the partitions' table is sized so that it never is).
 */
function distinctIn(values: NumericValues, s: number, e: number, keys0: Float64Array, used0: Uint8Array): number {
  let keys = keys0;
  let used = used0;
  let capacity = keys.length;
  used.fill(0);
  let size = 0;
  const slotOf = (v: number, keysNow: Float64Array, usedNow: Uint8Array, mask: number): number => {
    let k = valueHash(v) & mask;
    while (usedNow[k] !== 0 && keysNow[k] !== v) k = (k + 1) & mask;
    return k;
  };
  for (let i = s; i < e; i++) {
    const raw = values[i];
    if (raw !== raw) continue;
    const v = raw === 0 ? 0 : raw; // −0 hashes as 0
    const k = slotOf(v, keys, used, capacity - 1);
    if (used[k] !== 0) continue;
    used[k] = 1;
    keys[k] = v;
    size++;
    if (size * 2 > capacity) {
      const oldKeys = keys;
      const oldUsed = used;
      capacity *= 2;
      keys = new Float64Array(capacity);
      used = new Uint8Array(capacity);
      for (let t = 0; t < oldKeys.length; t++) {
        if (oldUsed[t] === 0) continue;
        const slot = slotOf(oldKeys[t], keys, used, capacity - 1);
        used[slot] = 1;
        keys[slot] = oldKeys[t];
      }
    }
  }
  return size;
}

/** Ids like PassengerId: integers, no missing value, unique per row, and in order or a contiguous range. */
function isSequentialIntegerId(values: NumericValues): boolean {
  const m = values.length;
  if (m < INTEGER_ID_MIN_ROWS) return false;
  let increasing = true;
  let decreasing = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) return false;
    if (i > 0) {
      if (v <= values[i - 1]) increasing = false;
      if (v >= values[i - 1]) decreasing = false;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Callers check uniqueness; a unique set of m integers spanning m values is a permutation of a range.
  return increasing || decreasing || max - min === m - 1;
}

/** Why a column would be dropped by default, or null when it is a usable feature. */
function dropReason(col: RawColumn, facts: ColumnFacts, rowCount: number, maxLevels: number): string | null {
  const present = rowCount - col.missing;
  const mostlyMissing = col.missing * 2 > rowCount ? `; ${col.missing} of ${rowCount} values missing` : '';
  if (present === 0) return 'empty: every value missing';
  if (facts.distinct === 1) return `constant: one value${mostlyMissing}`;
  if (col.kind === 'categorical') {
    if (facts.distinct === present) return `identifier: unique value per row${mostlyMissing}`;
    if (facts.distinct >= MOSTLY_UNIQUE_MIN_LEVELS && facts.distinct * 2 > rowCount) {
      return `identifier: mostly unique (${facts.distinct} distinct values in ${rowCount} rows)`;
    }
    if (facts.distinct > maxLevels) return `high cardinality: ${facts.distinct} levels${mostlyMissing}`;
    return null;
  }
  if (col.missing === 0 && facts.integer && facts.distinct === rowCount && isSequentialIntegerId(col.values)) {
    return 'identifier: unique integer per row';
  }
  return null;
}

/** The summary of one column of a table with `rowCount` rows, as `describeColumns` gives it (default `maxLevels` = 50). */
function summarizeColumn(col: RawColumn, rowCount: number, maxLevels = DEFAULT_MAX_LEVELS, scratch?: DistinctScratch): ColumnSummary {
  const facts = columnFacts(col, scratch);
  return {
    name: col.name,
    type: col.kind,
    distinct: facts.distinct,
    missing: col.missing,
    identifier: dropReason(col, facts, rowCount, maxLevels),
    targetCandidate:
      facts.distinct >= MIN_TARGET_CLASSES &&
      facts.distinct <= MAX_TARGET_CLASSES &&
      (col.kind === 'categorical' || facts.integer),
  };
}

/**
 * How many features `prepareDataset` makes at most from columns with these summaries (describeColumns, default
 * maxLevels) and options, without reading the file again: per kept column, a number gives 1 feature, a text column
 * of d levels d − 1 (reference coding) or d (full), one more for a missing level; a missing indicator adds 1 for a
 * column with missing values. Kept: selected (or, without a selection, not the target and not dropped by default;
 * high cardinality measured against the options' maxLevels) or force-included. An upper bound: a column whose
 * training rows turn out empty or constant is dropped by the preparation but counted here.
 */
export function featureCountBound(columns: ColumnSummary[], options: PrepareOptions): number {
  const include = new Set(options.include ?? []);
  const chosen = options.features ? new Set(options.features) : null;
  const maxLevels = options.maxLevels ?? DEFAULT_MAX_LEVELS;
  let count = 0;
  for (const c of columns) {
    if (c.name === options.target) continue;
    if (!include.has(c.name)) {
      if (chosen && !chosen.has(c.name)) continue;
      const why = c.identifier;
      if (why !== null && !(why.startsWith('high cardinality') && c.distinct <= maxLevels)) continue;
      if (c.type === 'categorical' && c.distinct > maxLevels) continue;
    }
    const withMissing = c.missing > 0;
    if (c.type === 'numeric') count += 1;
    else {
      const levels = c.distinct + (withMissing && options.categoricalImpute === 'missing-level' ? 1 : 0);
      count += options.encoding === 'full' ? levels : Math.max(0, levels - 1);
    }
    if (withMissing && options.missingIndicators === true) count += 1;
  }
  return count;
}

/** One summary per column, in file order (default `maxLevels` = 50). */
export function describeColumns(table: ParsedTable): ColumnSummary[] {
  const scratch = new DistinctScratch();
  return table.columns.map((c) => summarizeColumn(c, table.rowCount, DEFAULT_MAX_LEVELS, scratch));
}

/**
 * The column most likely to be the label: the first of target/label/class/y/survived/species/outcome/
 * diagnosis (case-insensitive) that exists with at least two values, else the last column with 2–20
 * distinct values (integers when numeric), else null.
 */
export function suggestTarget(table: ParsedTable): string | null {
  return suggestTargetFrom(describeColumns(table));
}

/** `suggestTarget` from the column summaries of a table (file order). */
function suggestTargetFrom(summaries: ColumnSummary[]): string | null {
  for (const wanted of TARGET_NAMES) {
    const hit = summaries.find((s) => s.name.trim().toLowerCase() === wanted && s.distinct >= MIN_TARGET_CLASSES);
    if (hit) return hit.name;
  }
  for (let i = summaries.length - 1; i >= 0; i--) {
    if (summaries[i].targetCandidate) return summaries[i].name;
  }
  return null;
}

// ───────────────────────────── Helpers ─────────────────────────────

/** ` in <file>` for messages, or nothing without a file. */
function inFile(file: string | undefined): string {
  return file ? ` in ${file}` : '';
}

/** `'a', 'b', … (n more)` for messages. */
function quoteList(names: string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`);
  if (names.length > max) shown.push(`… (${names.length - max} more)`);
  return shown.join(', ');
}

/** Code-point order, like numpy/scikit-learn sorting of strings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Short human-readable number: 4 significant digits, no trailing zeros. */
function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** The CSV line (1-based) of row i of a split of `data`, or null when the reader could not tell (PreparedDataset.csvLines). */
export function splitRowLine(data: PreparedDataset, split: Split, i: number): number | null {
  const lines = data.csvLines;
  if (!lines) return null;
  const r = split.sourceRows[i];
  return lines.each ? lines.each[r] : lines.first + r;
}

/** The CSV line (1-based) of table row `row`. */
export function lineOf(table: ParsedTable, row: number): number {
  if (table.lines) return table.lines[row];
  return row + (table.firstLine ?? (table.hasHeader ? 2 : 1));
}

/** First column with each name (later duplicates are ignored). */
function columnsByName(table: ParsedTable): Map<string, RawColumn> {
  const map = new Map<string, RawColumn>();
  for (const c of table.columns) if (!map.has(c.name)) map.set(c.name, c);
  return map;
}

/** Label text of a numeric class value ("0", "1", "2.5"). */
function numericLabel(v: number): string {
  return String(v);
}

// ───────────────────────────── Target ─────────────────────────────

/**
 * Sorted classes and, per row, the class index (−1 when the target is missing). Throws LabError
 * 'too-many-classes' (see class-limit.ts) after counting the distinct values, before any per-class work.
 */
function encodeTarget(col: RawColumn, file: string | undefined): { classes: string[]; labels: Int32Array } {
  const m = col.kind === 'numeric' ? col.values.length : col.codes.length;
  const labels = new Int32Array(m).fill(-1);
  if (col.kind === 'numeric') {
    let labelled = 0;
    for (let r = 0; r < m; r++) if (col.values[r] === col.values[r]) labelled++;
    checkClassCount(countDistinct(col.values), labelled, col.name, file);
    // At most the class cap of distinct values from here on: a Set of them, sorted ascending (−0 is 0).
    const seen = new Set<number>();
    for (let r = 0; r < m; r++) {
      const v = col.values[r];
      if (v === v) seen.add(v);
    }
    const values = Float64Array.from(seen).sort();
    const index = new Map<number, number>();
    values.forEach((v, i) => index.set(v, i));
    for (let r = 0; r < m; r++) {
      const v = col.values[r];
      if (v === v) labels[r] = index.get(v) ?? -1;
    }
    return { classes: Array.from(values, numericLabel), labels };
  }
  const used = new Uint8Array(col.levels.length);
  let distinct = 0;
  let labelled = 0;
  for (const code of col.codes) {
    if (code < 0) continue;
    labelled++;
    if (used[code] === 0) {
      used[code] = 1;
      distinct++;
    }
  }
  checkClassCount(distinct, labelled, col.name, file);
  const classes = col.levels.filter((_, i) => used[i] === 1).sort(compareText);
  const index = new Map(classes.map((c, i) => [c, i]));
  const codeToClass = col.levels.map((l) => index.get(l) ?? -1);
  for (let r = 0; r < m; r++) {
    const code = col.codes[r];
    if (code >= 0) labels[r] = codeToClass[code];
  }
  return { classes, labels };
}

// ───────────────────────────── Split ─────────────────────────────

/**
 * Seeded stratified split of the labelled rows. Classes are visited in class order; each class's rows are
 * shuffled with one generator `createRng(seed)` and the first round(testSize·m_c) go to test (at least 1
 * when testSize > 0, at most m_c − 1). Both splits keep file order.
 */
export function stratifiedSplit(
  labels: Int32Array,
  classes: string[],
  testSize: number,
  seed: number,
  target: string,
  file: string | undefined,
): { train: Int32Array; test: Int32Array } {
  const k = classes.length;
  // The labelled rows grouped by class in file order, in one array (class c at [first[c], first[c + 1])).
  const first = new Int32Array(k + 1);
  for (let r = 0; r < labels.length; r++) if (labels[r] >= 0) first[labels[r] + 1]++;
  for (let c = 0; c < k; c++) first[c + 1] += first[c];
  const byClass = new Int32Array(first[k]);
  const next = first.slice(0, k);
  for (let r = 0; r < labels.length; r++) if (labels[r] >= 0) byClass[next[labels[r]]++] = r;
  const rng = createRng(seed);
  const nTest = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    const mc = first[c + 1] - first[c];
    if (testSize > 0 && mc < 2) {
      throw new LabError(
        'too-few-rows',
        `class '${classes[c]}' of target '${target}'${inFile(file)} has only ${mc} row; a stratified train/test ` +
          `split needs at least 2 rows per class — set the test size to 0 or pick a target with fewer, larger classes`,
        { file, columnName: target },
      );
    }
    shuffleInPlace(byClass.subarray(first[c], first[c + 1]), rng);
    nTest[c] = testSize > 0 ? Math.min(mc - 1, Math.max(1, Math.round(testSize * mc))) : 0;
  }
  let testCount = 0;
  for (let c = 0; c < k; c++) testCount += nTest[c];
  const train = new Int32Array(byClass.length - testCount);
  const test = new Int32Array(testCount);
  let a = 0;
  let t = 0;
  for (let c = 0; c < k; c++) {
    for (let i = first[c]; i < first[c + 1]; i++) {
      if (i - first[c] < nTest[c]) test[t++] = byClass[i];
      else train[a++] = byClass[i];
    }
  }
  if (train.length === 0) {
    throw new LabError('too-few-rows', `no training rows left${inFile(file)}; lower the test size`, { file });
  }
  return { train: train.sort(), test: test.sort() };
}

// ───────────────────────────── Fitting ─────────────────────────────

/**
 * Median of the values (mean of the two middle ones for an even count): the value(s) at rank ⌊len/2⌋ (and
 * ⌊len/2⌋ − 1) of the typed-array sort order (−0 before +0), found by selection in expected O(len).
 * `values` (no NaN) is reordered.
 */
export function median(values: Float64Array): number {
  const len = values.length;
  const h = len >> 1;
  let hi = selectRank(values, h);
  let lo = hi;
  if (len % 2 === 0) {
    // After selection every value below position h is ≤ values[h]: rank h − 1 is their maximum.
    lo = values[0];
    for (let i = 1; i < h; i++) if (values[i] > lo) lo = values[i];
  }
  if (hi === 0 || lo === 0) {
    // Selection treats −0 and +0 as equal; in sort order the −0s come first, right after the negatives.
    let below = 0;
    for (let i = 0; i < len; i++) {
      const v = values[i];
      if (v < 0 || (v === 0 && 1 / v < 0)) below++;
    }
    if (hi === 0) hi = h < below ? -0 : 0;
    if (lo === 0) lo = h - 1 < below ? -0 : 0;
  }
  return len % 2 === 1 ? hi : (lo + hi) / 2;
}

/**
 * Moves the value of rank k (ascending order) to a[k], smaller-or-equal values before it and greater-or-equal
 * after (Hoare partitions around a median-of-three pivot; a plain sort of the remaining range after many rounds).
 */
function selectRank(a: Float64Array, k: number): number {
  let l = 0;
  let r = a.length - 1;
  for (let round = 0; r > l; round++) {
    if (round > 64) {
      a.subarray(l, r + 1).sort();
      break;
    }
    const x = a[l];
    const y = a[(l + r) >> 1];
    const z = a[r];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k];
}

/**
 * Population mean and standard deviation (ddof = 0) of training values with the missing ones read as `fill`: the
 * present values p (their order does not matter) and `missing` copies of the fill, m = |p| + missing, in two passes:
 * μ = (Σ p + missing·fill) / m,  σ = √((Σ (p − μ)² + missing·(fill − μ)²) / m). When a sum overflows (values beyond
 * about 1e154, whose squares are not finite), the same passes run on v / s with s = max |v| and the results are
 * scaled back: μ = s·μ', σ = s·σ' — ordinary columns keep the plain passes' result.
 */
function meanStd(present: Float64Array, missing: number, fill: number): { mean: number; std: number } {
  const plain = meanStdScaled(present, missing, fill, 1);
  if (Number.isFinite(plain.mean) && Number.isFinite(plain.std)) return plain;
  let s = missing > 0 ? Math.abs(fill) : 0;
  for (let i = 0; i < present.length; i++) s = Math.max(s, Math.abs(present[i]));
  if (!(s > 0) || !Number.isFinite(s)) return plain;
  const r = meanStdScaled(present, missing, fill, s);
  return { mean: r.mean * s, std: r.std * s };
}

/** Mean and population std of v / s over the present values and `missing` copies of the fill (see meanStd). */
function meanStdScaled(present: Float64Array, missing: number, fill: number, s: number): { mean: number; std: number } {
  const m = present.length + missing;
  let sum = 0;
  for (let i = 0; i < present.length; i++) sum += present[i] / s;
  sum += missing * (fill / s);
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < present.length; i++) {
    const d = present[i] / s - mean;
    ss += d * d;
  }
  const df = fill / s - mean;
  ss += missing * df * df;
  return { mean, std: Math.sqrt(ss / m) };
}

/** Largest finite float32 (3.4028235e38): the model computes in float32, so features must stay below it. */
const FLOAT32_MAX = 3.4028234663852886e38;

interface FittedColumn {
  features: FeatureSpec[];
  report: ColumnReport;
}

interface FitContext {
  train: Int32Array;
  rowCount: number;
  numericImpute: NumericImpute;
  categoricalImpute: CategoricalImpute;
  encoding: CategoricalEncoding;
  missingIndicators: boolean;
  standardize: boolean;
  /** Room for one column's training values, reused from column to column (grown as needed). */
  scratch?: Float64Array;
  /** The training rows as a mask over the table's rows (trainMask). */
  mask?: Uint8Array;
}

function missingNote(col: RawColumn, rowCount: number): string {
  return col.missing * 2 > rowCount ? ` (${Math.round((100 * col.missing) / rowCount)}% of values missing)` : '';
}

function indicatorSpec(col: RawColumn): FeatureSpec {
  return { kind: 'missing-indicator', name: `${col.name} missing`, source: col.name, center: 0, scale: 1 };
}

/**
 * Numeric column → one feature x' = (x − center) / scale, missing x filled with the train median or mean;
 * center = train mean, scale = train population std (1 when the std is 0 or standardisation is off).
 * Returns null when the training rows have no value at all.
 */
function fitNumeric(
  col: Extract<RawColumn, { kind: 'numeric' }>,
  distinct: number,
  ctx: FitContext,
): FittedColumn | null {
  const stats = col.values instanceof Uint8Array ? byteStats(col.values, ctx) : rowStats(col.values, ctx);
  if (!stats) return null;
  const { fill, trainMissing } = stats;
  let center = 0;
  let scale = 1;
  let scaling = 'none';
  if (ctx.standardize) {
    const { mean, std } = stats;
    center = mean;
    // A constant column gives a (numerically) zero std: centre it but do not divide (scikit-learn does the same).
    if (std > 1e-12 * Math.abs(mean)) {
      scale = std;
      scaling = `z-score (mean ${fmt(mean)}, std ${fmt(std)})`;
    } else {
      scaling = `centred only (mean ${fmt(mean)}; constant in training rows)`;
    }
  } else if (stats.largest > FLOAT32_MAX) {
    throw new LabError(
      'bad-config',
      `column '${col.name}' has values up to ${stats.largest.toPrecision(3)}, beyond the float32 range (±3.4e38) the model ` +
        'computes in; turn standardisation on (it rescales the column) or rescale the column',
      { columnName: col.name },
    );
  }
  const features: FeatureSpec[] = [{ kind: 'numeric', name: col.name, source: col.name, fill, center, scale }];
  if (ctx.missingIndicators && trainMissing > 0) features.push(indicatorSpec(col));
  const report: ColumnReport = {
    name: col.name,
    sourceType: 'numeric',
    distinct,
    missing: col.missing,
    action: 'kept',
    features: features.map((f) => f.name),
    scaling,
  };
  if (col.missing > 0) report.imputed = `${ctx.numericImpute} ${fmt(fill)}${missingNote(col, ctx.rowCount)}`;
  return { features, report };
}

/**
 * What `fitNumeric` needs of a column's training rows: the fill for missing values (median or mean of the
 * present ones), how many are missing, the mean and population std with missing values read as the fill (when
 * standardising; else 0 and 1), and the largest |value| (when not standardising; else 0).
 */
interface NumericStats {
  fill: number;
  trainMissing: number;
  mean: number;
  std: number;
  largest: number;
}

/**
 * NumericStats from the training rows, read in the column's order (a pass over the whole column with the training
 * mask, instead of gathering rows in the split's random order); null when none is present.
 */
function rowStats(values: NumericValues, ctx: FitContext): NumericStats | null {
  const m = ctx.train.length;
  if (!ctx.scratch || ctx.scratch.length < m) ctx.scratch = new Float64Array(m);
  const buf = ctx.scratch;
  const mask = trainMask(ctx);
  let count = 0;
  for (let r = 0; r < values.length; r++) {
    if (mask[r] === 0) continue;
    const v = values[r];
    if (v === v) buf[count++] = v;
  }
  if (count === 0) return null;
  const present = buf.subarray(0, count);
  const trainMissing = m - count;
  let largest = 0;
  if (!ctx.standardize) for (let i = 0; i < count; i++) largest = Math.max(largest, Math.abs(present[i]));
  let fill: number;
  if (ctx.numericImpute === 'median') {
    fill = median(present); // reorders `present`: the moments below do not depend on the order
  } else {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += present[i];
    fill = sum / count;
  }
  const { mean, std } = ctx.standardize ? meanStd(present, trainMissing, fill) : { mean: 0, std: 1 };
  return { fill, trainMissing, mean, std, largest };
}

/** 1 for the training rows of the table, 0 for the others (built once per fit, from ctx.train). */
function trainMask(ctx: FitContext): Uint8Array {
  if (!ctx.mask) {
    ctx.mask = new Uint8Array(ctx.rowCount);
    for (let t = 0; t < ctx.train.length; t++) ctx.mask[ctx.train[t]] = 1;
  }
  return ctx.mask;
}

/**
 * NumericStats of a column of bytes (integers 0–255, none missing: pixels, small counts) from the histogram of its
 * training rows, c_k = #{t : v_t = k} over m rows: median = the middle rank's value (the mean of the two middle
 * ones for even m), μ = Σ k·c_k / m (exact: the sum is an integer), σ = √(Σ c_k (k − μ)² / m). Only σ can differ
 * from the row-order passes of `meanStd`, by rounding (a few units in the last place). Null without rows.
 */
function byteStats(values: Uint8Array, ctx: FitContext): NumericStats | null {
  const train = ctx.train;
  const m = train.length;
  if (m === 0) return null;
  const counts = new Float64Array(256);
  for (let t = 0; t < m; t++) counts[values[train[t]]]++;
  let sum = 0;
  for (let k = 1; k < 256; k++) sum += k * counts[k];
  const mean = sum / m;
  const rankValue = (rank: number): number => {
    let seen = 0;
    for (let k = 0; k < 256; k++) {
      seen += counts[k];
      if (seen > rank) return k;
    }
    return 255;
  };
  const h = m >> 1;
  const fill = ctx.numericImpute === 'median' ? (m % 2 === 1 ? rankValue(h) : (rankValue(h - 1) + rankValue(h)) / 2) : mean;
  let ss = 0;
  for (let k = 0; k < 256; k++) {
    const d = k - mean;
    ss += counts[k] * d * d;
  }
  return { fill, trainMissing: 0, mean, std: Math.sqrt(ss / m), largest: 255 };
}

/**
 * Text column → 0/1 features `Col=level` for the levels seen in the training rows (sorted by text): reference
 * coding leaves out the first level (the reference: a row of that level has all indicators 0, so each weight is
 * the log-odds change relative to it), full coding keeps every level. Missing values take the training mode
 * (ties: smallest text) or, with 'missing-level', their own `Col=(missing)` level (never the reference).
 * Indicators are not scaled (center 0, scale 1).
 * Returns null when the training rows have no value at all and missing values are not a level; a column that
 * reference coding leaves without an indicator (a single level in the training rows) is reported as dropped.
 */
function fitCategorical(
  col: Extract<RawColumn, { kind: 'categorical' }>,
  distinct: number,
  ctx: FitContext,
): FittedColumn | null {
  const counts = new Int32Array(col.levels.length);
  let trainMissing = 0;
  for (const r of ctx.train) {
    const code = col.codes[r];
    if (code >= 0) counts[code]++;
    else trainMissing++;
  }
  const levels = col.levels
    .map((level, code) => ({ level, count: counts[code] }))
    .filter((l) => l.count > 0)
    .sort((a, b) => compareText(a.level, b.level));
  const ownLevel = ctx.categoricalImpute === 'missing-level';
  if (levels.length === 0 && !(ownLevel && trainMissing > 0)) return null;
  let fill: string | null = null;
  if (!ownLevel) {
    let best = levels[0];
    for (const l of levels) if (l.count > best.count) best = l;
    fill = best.level;
  }
  const oneHot = (level: string): FeatureSpec => ({
    kind: 'one-hot',
    name: `${col.name}=${level}`,
    source: col.name,
    level,
    fill,
    center: 0,
    scale: 1,
  });
  const reference = ctx.encoding === 'reference' && levels.length > 0 ? levels[0].level : null;
  const features = levels.filter((l) => l.level !== reference).map((l) => oneHot(l.level));
  if (ownLevel && trainMissing > 0) features.push(oneHot(MISSING_LEVEL));
  if (features.length === 0) {
    const reason = `a single level '${reference ?? ''}' in the training rows (nothing to compare it with)`;
    return { features: [], report: { name: col.name, sourceType: 'categorical', distinct, missing: col.missing, action: 'dropped', reason, features: [] } };
  }
  if (ctx.missingIndicators && trainMissing > 0) features.push(indicatorSpec(col));
  const report: ColumnReport = {
    name: col.name,
    sourceType: 'categorical',
    distinct,
    missing: col.missing,
    action: 'one-hot',
    features: features.map((f) => f.name),
    scaling: 'none (0/1 indicators)',
  };
  if (reference !== null) report.reference = reference;
  if (col.missing > 0) {
    report.imputed = (fill === null ? `own level '${MISSING_LEVEL}'` : `most frequent '${fill}'`) + missingNote(col, ctx.rowCount);
  }
  return { features, report };
}

// ───────────────────────────── Encoding ─────────────────────────────

/**
 * How one feature's values are computed (float64, stored as float32 by the encoder):
 * - 'numeric': x' = ((x missing ? fill : x) − center) / scale from a numeric column's values;
 * - 'codes': the value depends only on a categorical column's code: `byCode[code + 1]` (code −1 = missing);
 * - 'fn': any other rule, one call per row.
 */
type FeatureFn =
  | { kind: 'numeric'; values: NumericValues; fill: number; center: number; scale: number }
  | { kind: 'codes'; codes: Int32Array; byCode: Float64Array }
  | { kind: 'fn'; f: (r: number) => number };

/** x' = (x − center) / scale; x − center overflows only for values near ±1.8e308 of opposite sign: then x/scale − center/scale. */
function scaled(x: number, center: number, scale: number): number {
  const d = x - center;
  return Number.isFinite(d) ? d / scale : x / scale - center / scale;
}

/** A feature whose value is `valueOf(code)` for each code of a categorical column (−1 = missing). */
function byCodes(col: RawColumn & { kind: 'categorical' }, valueOf: (code: number) => number): FeatureFn {
  const byCode = new Float64Array(col.levels.length + 1);
  for (let c = -1; c < col.levels.length; c++) byCode[c + 1] = valueOf(c);
  return { kind: 'codes', codes: col.codes, byCode };
}

/**
 * Compiles one feature against a column of a (possibly new) table:
 *   numeric:            x' = ((x missing ? fill : x) − center) / scale
 *   one-hot:            x' = ([ (v missing ? fill ?? '(missing)' : v) = level ] − center) / scale
 *   missing-indicator:  x' = ([v missing] − center) / scale
 * A text column feeding a numeric feature must hold numbers; a numeric column feeding a one-hot feature is
 * compared by its text ("3").
 */
function compileFeature(spec: FeatureSpec, col: RawColumn, table: ParsedTable, file: string | undefined): FeatureFn {
  const { center, scale } = spec;
  switch (spec.kind) {
    case 'numeric': {
      const fill = spec.fill;
      if (col.kind === 'numeric') return { kind: 'numeric', values: col.values, fill, center, scale };
      const levelValues = col.levels.map((l) => (l.trim() === '' ? NaN : Number(l)));
      const bad = levelValues.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        const row = col.codes.indexOf(bad);
        throw new LabError(
          'schema-mismatch',
          `column '${col.name}'${inFile(file)} has the text '${col.levels[bad]}' at line ${lineOf(table, row)}, ` +
            `but the model expects numbers in it; fix or remove that value`,
          { file, line: lineOf(table, row), columnName: col.name },
        );
      }
      return byCodes(col, (code) => ((code < 0 ? fill : levelValues[code]) - center) / scale);
    }
    case 'one-hot': {
      const missingValue = (spec.fill ?? MISSING_LEVEL) === spec.level ? 1 : 0;
      if (col.kind === 'categorical') {
        return byCodes(col, (code) => ((code < 0 ? missingValue : col.levels[code] === spec.level ? 1 : 0) - center) / scale);
      }
      const values = col.values;
      return {
        kind: 'fn',
        f: (r) => {
          const v = values[r];
          return ((Number.isNaN(v) ? missingValue : numericLabel(v) === spec.level ? 1 : 0) - center) / scale;
        },
      };
    }
    case 'missing-indicator': {
      if (col.kind === 'categorical') return byCodes(col, (code) => ((code < 0 ? 1 : 0) - center) / scale);
      const values = col.values;
      return { kind: 'fn', f: (r) => ((Number.isNaN(values[r]) ? 1 : 0) - center) / scale };
    }
  }
}

/**
 * X (rows.length × n, row-major float32): X[i·n + j] = feature_j(rows[i]). Consecutive features of one
 * categorical column are written together from one table (levels+1 × width, float32) indexed by the row's code:
 * one lookup per row and column instead of one call per row and feature.
 */
function encodeRows(fns: FeatureFn[], rows: ArrayLike<number>, store: MatrixStore): Float32Array {
  const n = fns.length;
  const m = rows.length;
  const X = store.alloc(m * n);
  // Blocks of features: [start, width); a categorical column's consecutive features share one float32 table.
  const blocks: Array<{ j: number; w: number; fn: FeatureFn; table: Float32Array | null }> = [];
  for (let j = 0; j < n; ) {
    const fn = fns[j];
    let w = 1;
    let table: Float32Array | null = null;
    if (fn.kind === 'codes') {
      while (j + w < n) {
        const next = fns[j + w];
        if (next.kind !== 'codes' || next.codes !== fn.codes) break;
        w++;
      }
      const levels = fn.byCode.length;
      table = new Float32Array(levels * w);
      for (let t = 0; t < w; t++) {
        const byCode = (fns[j + t] as { byCode: Float64Array }).byCode;
        for (let c = 0; c < levels; c++) table[c * w + t] = byCode[c];
      }
    }
    blocks.push({ j, w, fn, table });
    j += w;
  }
  // Rows in chunks whose part of X stays in cache while every block writes its columns.
  const chunk = Math.max(1, Math.floor(65536 / Math.max(1, n)));
  for (let i0 = 0; i0 < m; i0 += chunk) {
    const i1 = Math.min(m, i0 + chunk);
    for (const { j, w, fn, table } of blocks) {
      if (fn.kind === 'numeric') {
        const { values, fill, center, scale } = fn;
        for (let i = i0, o = i0 * n + j; i < i1; i++, o += n) {
          const v = values[rows[i]];
          X[o] = scaled(v !== v ? fill : v, center, scale);
        }
      } else if (fn.kind === 'fn') {
        const f = fn.f;
        for (let i = i0, o = i0 * n + j; i < i1; i++, o += n) X[o] = f(rows[i]);
      } else {
        const codes = fn.codes;
        const tab = table as Float32Array;
        for (let i = i0, o = i0 * n + j; i < i1; i++, o += n) {
          const src = (codes[rows[i]] + 1) * w;
          for (let t = 0; t < w; t++) X[o + t] = tab[src + t];
        }
      }
    }
  }
  return X;
}

/** out[i] = labels[rows[i]] (length rows.length). */
function gather(labels: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = labels[rows[i]];
  return out;
}

/** Resolves every feature's source column, failing with all missing names at once. */
function compileSpec(spec: PreprocessingSpec, table: ParsedTable, file: string | undefined): FeatureFn[] {
  const byName = columnsByName(table);
  const absent = [...new Set(spec.features.map((f) => f.source))].filter((s) => !byName.has(s));
  if (absent.length > 0) {
    const what = absent.length === 1 ? `column ${quoteList(absent)} is` : `columns ${quoteList(absent)} are`;
    throw new LabError(
      'schema-mismatch',
      `${what} required by the model but missing${inFile(file)}; available columns: ${quoteList(table.columns.map((c) => c.name))}`,
      { file, columnName: absent[0] },
    );
  }
  return spec.features.map((f) => compileFeature(f, byName.get(f.source) as RawColumn, table, file));
}

// ───────────────────────────── Public API ─────────────────────────────

interface ResolvedOptions {
  target: string;
  features: Set<string> | null;
  include: Set<string>;
  numericImpute: NumericImpute;
  categoricalImpute: CategoricalImpute;
  encoding: CategoricalEncoding;
  missingIndicators: boolean;
  standardize: boolean;
  testSize: number;
  seed: number;
  maxLevels: number;
}

function badConfig(message: string, file: string | undefined): LabError {
  return new LabError('bad-config', message, { file });
}

/** Checks and completes the options (defaults as documented in PrepareOptions); LabError 'bad-config'. */
export function resolveOptions(options: PrepareOptions, names: string[], file: string | undefined): ResolvedOptions {
  // The preparation settings: defaults and checks from the settings schema (settings-schema.ts).
  const settings: Record<string, unknown> = { ...PREPARE_DEFAULTS };
  for (const s of settingsOf('prepare')) {
    const value = options[s.key as PrepareSettingKey];
    if (value === undefined) continue;
    const problem = settingProblem(s, value);
    if (problem !== null) throw badConfig(problem, file);
    settings[s.key] = value;
  }
  const prepared = settings as unknown as typeof PREPARE_DEFAULTS;
  const known = new Set(names);
  const checkNames = (list: string[] | undefined, what: string): Set<string> | null => {
    if (list === undefined) return null;
    const unknown = list.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw badConfig(
        `${what} ${quoteList(unknown)} not found${inFile(file)}; available columns: ${quoteList(names)}`,
        file,
      );
    }
    if (list.includes(options.target)) {
      throw badConfig(`'${options.target}' is the target, so it cannot also be in ${what}`, file);
    }
    return new Set(list);
  };
  return {
    target: options.target,
    features: checkNames(options.features, 'features'),
    include: checkNames(options.include, 'include') ?? new Set(),
    ...prepared,
  };
}

/**
 * Turns a parsed table into train/test splits for the model (see the module comment for the rules).
 * `file` only names the source in error messages; train.X and test.X are allocated in `store` (e.g. the
 * training kernel's memory). Throws LabError: 'unknown-target', 'single-class-target', 'bad-config',
 * 'too-few-rows', 'no-features'.
 */
export function prepareDataset(table: ParsedTable, options: PrepareOptions, file?: string, store: MatrixStore = PLAIN_MATRICES): PreparedDataset {
  const names = table.columns.map((c) => c.name);
  const byName = columnsByName(table);
  const targetCol = byName.get(options.target);
  if (!targetCol) throw unknownTargetError(options.target, names, file);
  const opts = resolveOptions(options, names, file);

  const { classes, labels } = encodeTarget(targetCol, file);
  if (classes.length < 2) throw singleClassError(targetCol.name, classes, file);
  const { train, test } = stratifiedSplit(labels, classes, opts.testSize, opts.seed, targetCol.name, file);

  const { report, features } = fitColumns(table, targetCol, byName, opts, train);
  if (features.length === 0) throw noFeaturesError(report, targetCol.name, file);

  const preprocessing: PreprocessingSpec = { target: targetCol.name, features };
  const fns = compileSpec(preprocessing, table, file);
  const n = features.length;
  const split = (rows: Int32Array): Split => ({
    X: encodeRows(fns, rows, store),
    y: gather(labels, rows),
    m: rows.length,
    sourceRows: rows,
  });
  return {
    target: targetCol.name,
    classes,
    featureNames: features.map((f) => f.name),
    n,
    train: split(train),
    test: split(test),
    report,
    preprocessing,
    rows: table.rowCount,
    csvLines: table.lines ? { first: lineOf(table, 0), each: table.lines } : { first: lineOf(table, 0) },
  };
}

// ───────────────────────────── Steps ─────────────────────────────

/** The 'unknown-target' error for a target name that is not a column. */
function unknownTargetError(target: string, names: string[], file: string | undefined): LabError {
  return new LabError(
    'unknown-target',
    `target column '${target}' not found${inFile(file)}; available columns: ${quoteList(names)}`,
    { file, columnName: target },
  );
}

/** The 'single-class-target' error for a target with fewer than two classes. */
function singleClassError(target: string, classes: string[], file: string | undefined): LabError {
  const what = classes.length === 0 ? 'has no values' : `has only one value '${classes[0]}'`;
  return new LabError(
    'single-class-target',
    `column '${target}'${inFile(file)} ${what}; pick a column with at least two classes`,
    { file, columnName: target },
  );
}

/** The 'no-features' error, quoting why the first dropped columns were dropped. */
function noFeaturesError(report: ColumnReport[], target: string, file: string | undefined): LabError {
  const why = report
    .filter((r) => r.action === 'dropped')
    .map((r) => `${r.name}: ${r.reason}`)
    .slice(0, 6)
    .join('; ');
  return new LabError(
    'no-features',
    `no usable feature columns${inFile(file)} besides target '${target}'` +
      (why ? ` (${why})` : '') +
      `; force-include columns with include or add feature columns to the file`,
    { file },
  );
}

/**
 * The report and the features of every column, fitted on the training rows. Its working buffers (the training
 * values, the mask, the distinct counts' partitions) are this function's, so they are garbage once X is written.
 */
function fitColumns(
  table: ParsedTable, targetCol: RawColumn, byName: Map<string, RawColumn>, opts: ResolvedOptions, train: Int32Array,
): { report: ColumnReport[]; features: FeatureSpec[] } {
  const ctx = fitContext(opts, train, table.rowCount);
  const scratch = new DistinctScratch();
  const report: ColumnReport[] = [];
  const features: FeatureSpec[] = [];
  for (const col of table.columns) {
    const facts = columnFacts(col, scratch);
    if (col === targetCol) {
      report.push(targetReport(col, facts.distinct));
      continue;
    }
    const fitted = prepareColumn(col, facts, byName.get(col.name) !== col, opts, ctx);
    features.push(...fitted.features);
    report.push(fitted.report);
  }
  return { report, features };
}

/** What fitting needs besides a column: the training rows and the resolved options. */
function fitContext(opts: ResolvedOptions, train: Int32Array, rowCount: number): FitContext {
  return {
    train,
    rowCount,
    numericImpute: opts.numericImpute,
    categoricalImpute: opts.categoricalImpute,
    encoding: opts.encoding,
    missingIndicators: opts.missingIndicators,
    standardize: opts.standardize,
  };
}

/** Report entry of the target column (rows without a target are dropped). */
function targetReport(col: RawColumn, distinct: number): ColumnReport {
  const entry: ColumnReport = { name: col.name, sourceType: col.kind, distinct, missing: col.missing, action: 'target', features: [] };
  if (col.missing > 0) entry.imputed = `${col.missing} row${col.missing === 1 ? '' : 's'} without a target dropped`;
  return entry;
}

/**
 * What becomes of one non-target column: dropped (a later duplicate name, not selected, identifier-like unless
 * included, or no training values — with the reason) or fitted into features (see fitNumeric / fitCategorical).
 */
function prepareColumn(
  col: RawColumn,
  facts: ColumnFacts,
  duplicate: boolean,
  opts: ResolvedOptions,
  ctx: FitContext,
): FittedColumn {
  const dropped = (reason: string): FittedColumn => ({
    features: [],
    report: { name: col.name, sourceType: col.kind, distinct: facts.distinct, missing: col.missing, action: 'dropped', reason, features: [] },
  });
  if (duplicate) return dropped('duplicate column name');
  const included = opts.include.has(col.name);
  if (!included && opts.features && !opts.features.has(col.name)) return dropped('not selected as a feature');
  const reason = included ? null : dropReason(col, facts, ctx.rowCount, opts.maxLevels);
  if (reason !== null) return dropped(opts.features ? `${reason} (add it to include to keep it)` : reason);
  const fitted = col.kind === 'numeric' ? fitNumeric(col, facts.distinct, ctx) : fitCategorical(col, facts.distinct, ctx);
  return fitted ?? dropped('no values in the training rows');
}

/**
 * Rebuilds the model's X (m×n row-major float32, m = table.rowCount) from a new table with the fitted
 * preprocessing; identical to the training X for the same rows. Unseen categorical levels give all-zero
 * one-hot features. `y` (class indices into `classes`) is returned only when `classes` is given and the
 * table has the target column; X is allocated in `store`. Throws LabError 'schema-mismatch' for a missing
 * source column, a text value in a numeric column, an unknown label or a row without a label.
 */
export function applyPreprocessing(
  spec: PreprocessingSpec,
  table: ParsedTable,
  classes?: string[],
  file?: string,
  store: MatrixStore = PLAIN_MATRICES,
): { X: Float32Array; m: number; n: number; y: Int32Array | null } {
  const fns = compileSpec(spec, table, file);
  const m = table.rowCount;
  const all = new Int32Array(m);
  for (let i = 0; i < m; i++) all[i] = i;
  const X = encodeRows(fns, all, store);
  const targetCol = classes ? columnsByName(table).get(spec.target) : undefined;
  let y: Int32Array | null = null;
  if (classes && targetCol) {
    y = new Int32Array(m);
    const index = new Map(classes.map((c, i) => [c, i]));
    const fail = (r: number, problem: string): never => {
      throw new LabError(
        'schema-mismatch',
        `${problem} at line ${lineOf(table, r)}${inFile(file)} in target column '${spec.target}'; ` +
          `the model knows the classes ${quoteList(classes)}`,
        { file, line: lineOf(table, r), columnName: spec.target },
      );
    };
    if (targetCol.kind === 'numeric') {
      for (let r = 0; r < m; r++) {
        const v = targetCol.values[r];
        if (Number.isNaN(v)) fail(r, 'missing label');
        const c = index.get(numericLabel(v));
        y[r] = c ?? fail(r, `unknown label '${numericLabel(v)}'`);
      }
    } else {
      const codeToClass = targetCol.levels.map((l) => {
        const direct = index.get(l);
        if (direct !== undefined) return direct;
        const asNumber = l.trim() === '' ? NaN : Number(l);
        return Number.isFinite(asNumber) ? index.get(numericLabel(asNumber)) ?? -1 : -1;
      });
      for (let r = 0; r < m; r++) {
        const code = targetCol.codes[r];
        if (code < 0) fail(r, 'missing label');
        const c = codeToClass[code];
        y[r] = c >= 0 ? c : fail(r, `unknown label '${targetCol.levels[code]}'`);
      }
    }
  }
  return { X, m, n: spec.features.length, y };
}
