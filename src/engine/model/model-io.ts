/**
 * Versioned JSON export of a trained model with its preprocessing, and prediction on new tables.
 *
 * Format (`format: 'logistic-regression-lab/model'`, `version: 1`, see {@link ExportedModel}):
 * weights[c][j] is W (k×n; k = 1 for binary), bias[c] is b (k). A new row x (raw CSV values) is turned
 * into the model's features with `preprocessing` (imputation, one-hot, scaling) and scored as
 *   binary:  p(classes[1]) = σ(w·x + b),            predicted = classes[1] when p ≥ threshold
 *   softmax: p = softmax(W x + b)  (K),              predicted = classes[argmax p]
 * Pure TypeScript: no Node-only APIs (reading and writing files is the caller's job).
 */
import { applyPreprocessing } from '../prepare/dataset';
import { jsKernel } from '../kernels/kernel-js';
import { confusionMetrics, predictLabels } from './metrics';
import { Objective } from './objective';
import { LabError } from '../types';
import type {
  ConfusionMetrics,
  ExportedModel,
  FeatureSpec,
  LinearKernel,
  ParsedTable,
  PreparedDataset,
  PreprocessingSpec,
  TrainConfig,
} from '../types';

export const MODEL_FORMAT = 'logistic-regression-lab/model';
export const MODEL_VERSION = 1;

/** What an export needs besides the weights. */
export interface ExportOptions {
  threshold: number;
  trainedWith: Partial<TrainConfig>;
  metrics?: ExportedModel['metrics'];
}

/**
 * Builds the exported model from a dataset's description and the parameters W (k×n row-major) and b (k).
 * k = 1 (binary, p of classes[1]) when there are 2 classes, else k = K.
 */
export function exportModel(
  data: Pick<PreparedDataset, 'target' | 'classes' | 'featureNames' | 'preprocessing'>,
  W: ArrayLike<number>,
  b: ArrayLike<number>,
  options: ExportOptions,
): ExportedModel {
  const K = data.classes.length;
  const k = K === 2 ? 1 : K;
  const n = data.featureNames.length;
  if (W.length !== k * n || b.length !== k) {
    throw new RangeError(`exportModel: expected W ${k}×${n} and b (${k}), got ${W.length} and ${b.length} values`);
  }
  const weights: number[][] = [];
  for (let c = 0; c < k; c++) weights.push(Array.from({ length: n }, (_, j) => W[c * n + j]));
  const model: ExportedModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    target: data.target,
    classes: data.classes.slice(),
    kind: k === 1 ? 'binary' : 'softmax',
    featureNames: data.featureNames.slice(),
    preprocessing: JSON.parse(JSON.stringify(data.preprocessing)) as PreprocessingSpec,
    weights,
    bias: Array.from(b),
    threshold: options.threshold,
    trainedWith: { ...options.trainedWith },
  };
  if (options.metrics) model.metrics = JSON.parse(JSON.stringify(options.metrics)) as ExportedModel['metrics'];
  return model;
}

/** The model as pretty-printed JSON text (what "Export model" writes). */
export function serializeModel(model: ExportedModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}

// ───────────────────────────── Validation ─────────────────────────────

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Parses and validates a model file: format and version, classes, kind, shapes of weights and bias
 * (k×n with k = 1 for binary, K for softmax; all finite), the preprocessing spec (one feature per
 * weight column, names matching, finite fill/center/scale, non-zero scale) and the threshold.
 * Throws LabError('bad-model') with a one-line message naming the file and the problem.
 */
export function parseModel(json: string, file?: string): ExportedModel {
  const where = file ? `model file ${file}` : 'model';
  const fail = (problem: string): never => {
    throw new LabError('bad-model', `${where} ${problem}`, file ? { file } : {});
  };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return fail(`is not valid JSON (${(e as Error).message}); export the model again from Logistic Regression Lab`);
  }
  if (!isObj(raw)) return fail('is not a JSON object; expected a model exported by Logistic Regression Lab');
  if (raw.format !== MODEL_FORMAT) {
    return fail(
      `is not a Logistic Regression Lab model (format is ${JSON.stringify(raw.format) ?? 'missing'}, expected '${MODEL_FORMAT}')`,
    );
  }
  if (raw.version !== MODEL_VERSION) {
    const newer = typeof raw.version === 'number' && raw.version > MODEL_VERSION;
    return fail(
      `has version ${JSON.stringify(raw.version)}, this version reads version ${MODEL_VERSION}` +
        (newer ? '; update the extension to read it' : ''),
    );
  }
  if (typeof raw.target !== 'string') return fail("has no 'target' column name");
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) {
    return fail("needs 'classes': a list of at least 2 class labels");
  }
  if (new Set(classes).size !== classes.length) return fail("has duplicate labels in 'classes'");
  const K = classes.length;
  const expectedKind = K === 2 ? 'binary' : 'softmax';
  if (raw.kind !== expectedKind) {
    return fail(`has kind ${JSON.stringify(raw.kind)} but ${K} classes need kind '${expectedKind}'`);
  }
  const k = K === 2 ? 1 : K;
  const names = raw.featureNames;
  if (!Array.isArray(names) || names.length < 1 || !names.every((s) => typeof s === 'string')) {
    return fail("needs 'featureNames': a non-empty list of feature names");
  }
  const n = names.length;
  const weights = raw.weights;
  if (!Array.isArray(weights) || weights.length !== k) {
    return fail(`needs 'weights' with ${k} row${k === 1 ? '' : 's'} (one per ${k === 1 ? 'binary model' : 'class'})`);
  }
  weights.forEach((row: unknown, c) => {
    if (!Array.isArray(row) || row.length !== n) {
      fail(`has ${Array.isArray(row) ? row.length : 'no'} weights in row ${c + 1}, expected ${n} (one per feature)`);
    }
    (row as unknown[]).forEach((v, j) => {
      if (!isFiniteNum(v)) return fail(`has a non-numeric or non-finite weight at row ${c + 1}, feature '${names[j]}'`);
      if (!Number.isFinite(Math.fround(v))) {
        fail(`has a weight at row ${c + 1}, feature '${names[j]}' (${v.toPrecision(3)}) beyond float32 (±3.4e38), the precision models run in`);
      }
    });
  });
  const bias = raw.bias;
  if (!Array.isArray(bias) || bias.length !== k || !bias.every((v) => isFiniteNum(v) && Number.isFinite(Math.fround(v)))) {
    return fail(`needs 'bias': ${k} finite number${k === 1 ? '' : 's'}`);
  }
  const threshold = raw.threshold;
  if (!isFiniteNum(threshold) || threshold < 0 || threshold > 1) return fail("needs 'threshold' in [0, 1]");
  const pre = raw.preprocessing;
  if (!isObj(pre) || !Array.isArray(pre.features)) return fail("needs 'preprocessing' with a 'features' list");
  if (pre.features.length !== n) {
    return fail(`has ${pre.features.length} preprocessing features but ${n} feature names`);
  }
  if (typeof pre.target !== 'string') return fail("needs 'preprocessing.target'");
  pre.features.forEach((f: unknown, j) => checkFeature(f, j, names[j] as string, fail));
  if (raw.trainedWith !== undefined && !isObj(raw.trainedWith)) return fail("has 'trainedWith' that is not an object");
  if (raw.metrics !== undefined && !isObj(raw.metrics)) return fail("has 'metrics' that is not an object");
  const model: ExportedModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    target: raw.target,
    classes: classes as string[],
    kind: expectedKind,
    featureNames: names as string[],
    preprocessing: pre as unknown as PreprocessingSpec,
    weights: weights as number[][],
    bias: bias as number[],
    threshold,
    trainedWith: (raw.trainedWith ?? {}) as Partial<TrainConfig>,
  };
  if (raw.metrics !== undefined) model.metrics = raw.metrics as ExportedModel['metrics'];
  return model;
}

/** Validates one preprocessing feature (see {@link FeatureSpec}). */
function checkFeature(f: unknown, j: number, name: string, fail: (problem: string) => never): void {
  const at = `preprocessing feature ${j + 1}`;
  if (!isObj(f)) fail(`has ${at} that is not an object`);
  const spec = f as Json;
  if (spec.name !== name) fail(`has ${at} named ${JSON.stringify(spec.name)} but feature ${j + 1} is '${name}'`);
  if (typeof spec.source !== 'string') fail(`has ${at} ('${name}') without a source column`);
  if (!isFiniteNum(spec.center) || !isFiniteNum(spec.scale) || spec.scale === 0) {
    fail(`has ${at} ('${name}') without a finite center and non-zero scale`);
  }
  const kind = spec.kind as FeatureSpec['kind'] | unknown;
  if (kind === 'numeric') {
    if (!isFiniteNum(spec.fill)) fail(`has ${at} ('${name}') without a finite fill value`);
  } else if (kind === 'one-hot') {
    if (typeof spec.level !== 'string') fail(`has ${at} ('${name}') without a level`);
    if (spec.fill !== null && typeof spec.fill !== 'string') fail(`has ${at} ('${name}') with a bad fill level`);
  } else if (kind !== 'missing-indicator') {
    fail(`has ${at} ('${name}') of unknown kind ${JSON.stringify(kind)}`);
  }
}

// ───────────────────────────── Prediction ─────────────────────────────

/**
 * Probabilities from scores, in place: binary (k = 1) p_i = σ(z_i); softmax p_i = softmax(z_i) per
 * row (max subtracted). Shapes: Z m×k row-major float32; returns the same array holding P (m×k).
 */
export function probabilitiesFromScores(Z: Float32Array, m: number, k: number): Float32Array {
  if (k === 1) {
    for (let i = 0; i < m; i++) {
      const z = Z[i];
      const e = Math.exp(-Math.abs(z));
      Z[i] = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
    return Z;
  }
  const tmp = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (Z[o + c] > max) max = Z[o + c];
    if (max === Infinity) {
      // Scores beyond float32: the classes at +∞ share the whole probability (the limit of the softmax).
      let top = 0;
      for (let c = 0; c < k; c++) if (Z[o + c] === Infinity) top++;
      for (let c = 0; c < k; c++) Z[o + c] = Z[o + c] === Infinity ? 1 / top : 0;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      tmp[c] = Math.exp(Z[o + c] - max);
      sum += tmp[c];
    }
    for (let c = 0; c < k; c++) Z[o + c] = tmp[c] / sum;
  }
  return Z;
}

/**
 * Accuracy (1/m) Σ_i 1[ŷ_i = y_i] straight from scores, row for row the labels of
 * predictLabels(probabilitiesFromScores(Z)) without computing every probability. Shapes: yTrue (m), Z m×k.
 * - binary (k = 1): ŷ_i = 1[p_i ≥ t] with p_i = σ(z_i) in float32. σ is increasing, so ŷ_i = 1 for
 *   z_i > logit(t) + δ and 0 for z_i < logit(t) − δ, where δ = 1e-5·(1/t + 1/(1 − t)) keeps p_i at least
 *   ~1e-5·t(1 − t)·(1/t + 1/(1 − t)) = 1e-5 away from t, far beyond float32 rounding (≤ 6e-8); rows in the band
 *   (and every row when t is 0 or 1) take the exact p_i.
 * - softmax: ŷ_i = the first class of largest p_ic. When the largest score beats the second by more than 1e-5,
 *   p_top / p_second = e^(z_top − z_second) > 1 + 1e-5, so the classes of largest score and largest float32
 *   probability agree; otherwise (near-ties, infinite or NaN scores) the row's probabilities are computed exactly.
 * Returns NaN for m = 0.
 */
export function accuracyFromScores(yTrue: Int32Array, Z: Float32Array, k: number, threshold = 0.5): number {
  const m = yTrue.length;
  if (m === 0) return NaN;
  let correct = 0;
  if (k === 1) {
    const t = threshold;
    const delta = 1e-5 * (1 / t + 1 / (1 - t));
    const zt = Math.log(t / (1 - t));
    const hi = zt + delta;
    const lo = zt - delta;
    for (let i = 0; i < m; i++) {
      const z = Z[i];
      let label: number;
      if (z > hi) label = 1;
      else if (z < lo) label = 0;
      else {
        const e = Math.exp(-Math.abs(z));
        label = Math.fround(z >= 0 ? 1 / (1 + e) : e / (1 + e)) >= t ? 1 : 0;
      }
      if (label === yTrue[i]) correct++;
    }
    return correct / m;
  }
  const row = new Float32Array(k);
  for (let i = 0; i < m; i++) {
    const o = i * k;
    let best = 0;
    let top = Z[o];
    let second = -Infinity;
    let nan = top !== top;
    for (let c = 1; c < k; c++) {
      const z = Z[o + c];
      if (z > top) {
        second = top;
        top = z;
        best = c;
      } else if (z > second) second = z;
      else if (z !== z) nan = true;
    }
    if (nan || !(top - second > 1e-5)) {
      row.set(Z.subarray(o, o + k));
      best = predictLabels(probabilitiesFromScores(row, 1, k), 1, k)[0];
    }
    if (best === yTrue[i]) correct++;
  }
  return correct / m;
}

/**
 * Probabilities for m rows of X (m×n row-major): P = σ(X wᵀ + b) (m×1) or softmax(X Wᵀ + b) (m×K).
 * W is k×n row-major float32, b (k).
 */
export function predictProbabilities(
  X: Float32Array, m: number, n: number, k: number, W: Float32Array, b: Float32Array,
  kernel: LinearKernel = jsKernel,
): Float32Array {
  const Z = new Float32Array(m * k);
  kernel.scores(X, n, k, { start: 0, end: m }, W, b, Z);
  return probabilitiesFromScores(Z, m, k);
}

/** The model's W (k×n) and b (k) as float32 arrays. */
export function modelParameters(model: ExportedModel): { W: Float32Array; b: Float32Array; k: number; n: number } {
  const k = model.weights.length;
  const n = model.featureNames.length;
  const W = new Float32Array(k * n);
  model.weights.forEach((row, c) => W.set(row, c * n));
  return { W, b: Float32Array.from(model.bias), k, n };
}

/** Result of applying a model to a table. */
export interface PredictionResult {
  /** m×k row-major: p(classes[1]) for binary (k = 1), one column per class for softmax (k = K). */
  probabilities: Float32Array;
  /** Predicted class label per row. */
  predicted: string[];
  /** Probability columns per row. */
  k: number;
}

/**
 * Applies the model to every row of a table: preprocessing (LabError 'schema-mismatch' when a source
 * column is missing or has the wrong type), then probabilities and the predicted label
 * (binary: classes[1] when p ≥ model.threshold; softmax: argmax).
 */
export function predictTable(model: ExportedModel, table: ParsedTable, file?: string): PredictionResult {
  const { X, m, n } = applyPreprocessing(model.preprocessing, table, undefined, file);
  const params = modelParameters(model);
  if (n !== params.n) {
    throw new LabError('bad-model', `model has ${params.n} weights per class but its preprocessing makes ${n} features`);
  }
  const probabilities = predictProbabilities(X, m, n, params.k, params.W, params.b);
  // A score that is not a number (∞ − ∞ in a sum of products beyond float32) would be a NaN probability: say where.
  const bad = probabilities.findIndex((p) => Number.isNaN(p));
  if (bad >= 0) {
    const row = Math.floor(bad / params.k);
    throw new LabError(
      'schema-mismatch',
      `data row ${row + 1}${file ? ` of ${file}` : ''} gives scores beyond float32 (±3.4e38): its values are far ` +
        'outside the range the model was trained on; check that row',
      { file },
    );
  }
  const labels = predictLabels(probabilities, m, model.classes.length, model.threshold);
  const predicted = Array.from(labels, (c) => model.classes[c]);
  return { probabilities, predicted, k: params.k };
}

/**
 * Metrics of a model on rows with known classes: the confusion matrix and rates at the model's threshold, and the
 * mean log loss −(1/m) Σ log p_{i,y_i} computed from the scores z (the same definition as in training).
 * Shapes: X m×n row-major float32, y (m) class indices into model.classes. Pass the kernel training used to get
 * its numbers to the last digit (kernels differ in float32 summation order).
 */
export function evaluateModel(
  model: ExportedModel, X: Float32Array, y: Int32Array, m: number, kernel: LinearKernel = jsKernel,
): ConfusionMetrics {
  const params = modelParameters(model);
  const K = model.classes.length;
  const probabilities = predictProbabilities(X, m, params.n, params.k, params.W, params.b, kernel);
  const cm = confusionMetrics(y, probabilities, model.classes, model.threshold);
  const split = { X, y, m, sourceRows: new Int32Array(0) };
  cm.logLoss = new Objective(split, params.k, { loss: 'bce', l2: 0, classWeight: null, numClasses: K }, kernel)
    .evaluate(params.W, params.b, null);
  return cm;
}

/** A CSV field, quoted when it contains a delimiter, quote, line break or surrounding spaces. */
function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A plain decimal number (`-1.5`, `+2`, `1e-3`): a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A text cell made inert for spreadsheets (CSV injection, as OWASP advises): a cell that starts with `=`, `+`,
 * `-`, `@`, TAB or CR and is not a plain number gets a leading `'`, so Excel, LibreOffice and Google Sheets
 * show it as text instead of evaluating it as a formula (`=HYPERLINK(…)` → `'=HYPERLINK(…)`); `-1.5` stays.
 */
export function spreadsheetSafe(s: string): string {
  return /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** A probability with 9 significant digits (enough to recover the float32 value). */
function formatProbability(p: number): string {
  return String(Number(p.toPrecision(9)));
}

/** The text of one table cell ('' for missing). */
function cellText(table: ParsedTable, col: number, row: number): string {
  const c = table.columns[col];
  if (c.kind === 'numeric') {
    const v = c.values[row];
    return Number.isNaN(v) ? '' : String(v);
  }
  const code = c.codes[row];
  return code < 0 ? '' : c.levels[code];
}

/**
 * Predictions as CSV text (comma-separated, header line, '\n' line ends), one line per table row:
 *   row (1-based data row), the columns named in `options.columns` (copied from the table),
 *   actual (only when the table has the target column), predicted, p(<class>) for every class.
 * Binary models write p(classes[0]) = 1 − p and p(classes[1]) = p.
 * Text that comes from the user's files — the copied columns' names and cells, the actual and predicted labels
 * — goes through {@link spreadsheetSafe}: a cell starting with `=`, `+`, `-`, `@`, TAB or CR that is not a plain
 * number is written with a leading `'`, so opening the predictions in a spreadsheet never runs a formula from
 * the data (a label `-1` or a value `-1.5` is written as it is).
 */
export function predictionsToCsv(
  table: ParsedTable,
  model: ExportedModel,
  result: PredictionResult,
  options: { columns?: string[] } = {},
): string {
  const m = table.rowCount;
  const K = model.classes.length;
  const colIndex = (name: string): number => table.columns.findIndex((c) => c.name === name);
  const copy = (options.columns ?? []).map((name) => {
    const i = colIndex(name);
    if (i < 0) throw new LabError('schema-mismatch', `column '${name}' is not in the table`, { columnName: name });
    return i;
  });
  const targetIdx = colIndex(model.target);
  const header = ['row', ...copy.map((i) => spreadsheetSafe(table.columns[i].name))];
  if (targetIdx >= 0) header.push('actual');
  header.push('predicted', ...model.classes.map((c) => `p(${c})`));
  const lines = [header.map(csvField).join(',')];
  const P = result.probabilities;
  for (let r = 0; r < m; r++) {
    const fields = [String(r + 1), ...copy.map((i) => spreadsheetSafe(cellText(table, i, r)))];
    if (targetIdx >= 0) fields.push(spreadsheetSafe(cellText(table, targetIdx, r)));
    fields.push(spreadsheetSafe(result.predicted[r]));
    if (result.k === 1) {
      fields.push(formatProbability(1 - P[r]), formatProbability(P[r]));
    } else {
      for (let c = 0; c < K; c++) fields.push(formatProbability(P[r * K + c]));
    }
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
