/**
 * What the webviews draw besides the session's own numbers: the dataset facts, the decision boundary over two
 * features, the loss landscape and the information view. Pure TypeScript.
 */
import { pixelSide } from '../prepare/pixels';
import { splitRowLine } from '../prepare/dataset';
import type { BoundaryInfo, DatasetInfo, InformationView, LandscapeInfo } from '../../protocol';
import { informationSummary } from '../model/information';
import { rowProbabilities } from '../model/link';
import { linspace, objectiveGrid, objectiveSlice, parameterName, type LandscapeInput } from '../model/landscape';
import { LabError } from '../types';
import { TRACE_MAX_PARAMS, type TrainingSession } from './session';
import type { LinearKernel, PreparedDataset } from '../types';

/** Cells per side of the decision-boundary grid. */
export const BOUNDARY_CELLS = 60;
/** Most training points sent with the boundary plot. */
export const BOUNDARY_MAX_POINTS = 1500;

/** Dataset facts for the webviews. */
export function datasetInfo(file: string, data: PreparedDataset, notices: string[]): DatasetInfo {
  return {
    fileName: baseName(file),
    filePath: file,
    target: data.target,
    classes: data.classes.slice(),
    featureNames: data.featureNames.slice(),
    rows: data.rows,
    mTrain: data.train.m,
    mTest: data.test.m,
    report: data.report,
    pixelSide: pixelSide(data.featureNames),
    features: data.preprocessing.features.map((f) => ({ source: f.source, kind: f.kind, center: f.center, scale: f.scale })),
    notices,
  };
}

/** Column means of each split's X (model units), computed once per split. */
const columnMeans = new WeakMap<Float32Array, Float64Array>();

/** mean[j] = (1/m)·Σᵢ X[i, j] of a row-major m×n X, float64 accumulation; cached per X. */
export function featureMeans(X: Float32Array, m: number, n: number): Float64Array {
  const cached = columnMeans.get(X);
  if (cached && cached.length === n) return cached;
  const sum = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) sum[j] += X[o + j];
  }
  if (m > 0) for (let j = 0; j < n; j++) sum[j] /= m;
  columnMeans.set(X, sum);
  return sum;
}

/**
 * The default pair of features a boundary shows: the first two numeric features that vary over the training rows,
 * else the first two features that vary, else features 0 and 1.
 */
export function defaultBoundaryPair(data: PreparedDataset): [number, number] {
  const { X, m } = data.train;
  const n = data.n;
  const varies = (j: number): boolean => {
    const first = X[j];
    for (let i = 1; i < m; i++) if (X[i * n + j] !== first) return true;
    return false;
  };
  const numeric: number[] = [];
  const other: number[] = [];
  for (let j = 0; j < n && numeric.length < 2; j++) {
    if (!varies(j)) continue;
    if (data.preprocessing.features[j]?.kind === 'numeric') numeric.push(j);
    else if (other.length < 2) other.push(j);
  }
  const pick = numeric.length >= 2 ? numeric : [...numeric, ...other].sort((a, c) => a - c);
  if (pick.length >= 2) return [pick[0], pick[1]];
  return [0, 1];
}

/**
 * The decision boundary over features (fx, fy), in raw units of their columns, the other features held at their
 * training means x̄ (model units). With u = (rawX − center_x)/scale_x and v likewise (the preparation's scaling):
 *   z_c(u, v) = b_c + Σ_{j ∉ {fx, fy}} W[c, j]·x̄_j + W[c, fx]·u + W[c, fy]·v            (W: k×n, b: k)
 *   binary: p = σ(z), class = p ≥ threshold;   softmax: p = softmax(z), class = argmax p (lowest index on ties).
 * xs, ys = BOUNDARY_CELLS values over the training rows' raw range plus 10 %; grid[r·|xs| + c] = class at
 * (xs[c], ys[r]) and probability[…] its p (binary: p(classes[1]); softmax: p of the predicted class). Points: training
 * rows (evenly subsampled to BOUNDARY_MAX_POINTS) at their raw (x, y), with true class and row index. Null when
 * the model has fewer than two features.
 */
export function boundary(
  data: PreparedDataset,
  W: Float32Array,
  b: Float32Array,
  k: number,
  threshold: number,
  pair: [number, number] = defaultBoundaryPair(data),
): BoundaryInfo | null {
  const n = data.n;
  if (n < 2) return null;
  const [fx, fy] = pair;
  for (const f of pair) {
    if (!Number.isInteger(f) || f < 0 || f >= n) throw new LabError('bad-config', `boundary features must be whole numbers from 0 to ${n - 1} (got ${f})`);
  }
  if (fx === fy) throw new LabError('bad-config', 'the boundary needs two different features');
  const { X, y, m } = data.train;
  const spec = data.preprocessing.features;
  const cx = spec[fx]?.center ?? 0;
  const sx = spec[fx]?.scale ?? 1;
  const cy = spec[fy]?.center ?? 0;
  const sy = spec[fy]?.scale ?? 1;
  const rawX = (v: number): number => v * sx + cx;
  const rawY = (v: number): number => v * sy + cy;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < m; i++) {
    const a = rawX(X[i * n + fx]);
    const c = rawY(X[i * n + fy]);
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (c < y0) y0 = c;
    if (c > y1) y1 = c;
  }
  if (!(x1 > x0)) [x0, x1] = Number.isFinite(x0) ? [x0 - 1, x0 + 1] : [-1, 1];
  if (!(y1 > y0)) [y0, y1] = Number.isFinite(y0) ? [y0 - 1, y0 + 1] : [-1, 1];
  const padX = 0.1 * (x1 - x0);
  const padY = 0.1 * (y1 - y0);
  const N = BOUNDARY_CELLS;
  const xs = linspace(x0 - padX, x1 + padX, N);
  const ys = linspace(y0 - padY, y1 + padY, N);
  // z at the means of the other features.
  const mean = featureMeans(X, m, n);
  const z0 = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = b[c];
    for (let j = 0; j < n; j++) if (j !== fx && j !== fy) s += W[c * n + j] * mean[j];
    z0[c] = s;
  }
  const grid = new Array<number>(N * N);
  const probability = new Array<number>(N * N);
  const z = new Float64Array(k);
  for (let r = 0; r < N; r++) {
    const v = (ys[r] - cy) / sy;
    for (let col = 0; col < N; col++) {
      const u = (xs[col] - cx) / sx;
      for (let c = 0; c < k; c++) z[c] = z0[c] + W[c * n + fx] * u + W[c * n + fy] * v;
      const cell = r * N + col;
      const p = rowProbabilities(z, 0, k);
      if (k === 1) {
        grid[cell] = p[1] >= threshold ? 1 : 0;
        probability[cell] = round4(p[1]);
      } else {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[c] > p[best]) best = c;
        grid[cell] = best;
        probability[cell] = round4(p[best]);
      }
    }
  }
  const stride = Math.max(1, Math.ceil(m / BOUNDARY_MAX_POINTS));
  const points: BoundaryInfo['points'] = [];
  for (let i = 0; i < m; i += stride) points.push({ x: rawX(X[i * n + fx]), y: rawY(X[i * n + fy]), c: y[i], row: i });
  return {
    x: fx, y: fy,
    xName: data.featureNames[fx], yName: data.featureNames[fy],
    others: n > 2 ? 'means' : 'none',
    threshold: k === 1 ? threshold : null,
    xs, ys, grid, probability, points,
  };
}

/** v to 4 decimals (the shading needs no more; keeps the messages small). */
function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** The last part of a path ('/' or '\\' separated). */
function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/** Grid points per side of the landscape's contour. */
export const LANDSCAPE_CELLS = 33;
/** Points of the BCE/MSE slice. */
export const LANDSCAPE_SLICE_POINTS = 121;
/** Most rows × classes the landscape evaluates per grid point (every ⌈m/rows⌉-th training row beyond). */
export const LANDSCAPE_MAX_ROW_CLASSES = 20_000;

/** [lo, hi] around `values`: their range padded by 30 % on each side, at least `minSpan` wide. */
function paddedRange(values: number[], minSpan: number): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const span = Math.max(hi - lo, minSpan);
  const mid = (lo + hi) / 2;
  lo = mid - span / 2;
  hi = mid + span / 2;
  return [lo - 0.3 * span, hi + 0.3 * span];
}

/**
 * The loss landscape of the session's current model over parameters p and q (see LandscapeInfo): J on a
 * LANDSCAPE_CELLS² grid spanning the run's path, the current point and the optimum; J along p for both losses.
 */
export function landscapeView(session: TrainingSession, data: PreparedDataset, p: number, q: number): LandscapeInfo {
  const k = session.k;
  const n = data.n;
  const count = k * (n + 1);
  for (const v of [p, q]) {
    if (!Number.isInteger(v) || v < 0 || v >= count) {
      throw new LabError('bad-config', `landscape parameters must be whole numbers from 0 to ${count - 1} (got ${v})`);
    }
  }
  const path = session.parameterPath();
  const theta = path[path.length - 1].theta;
  const m = data.train.m;
  const take = Math.max(1, Math.min(m, Math.floor(LANDSCAPE_MAX_ROW_CLASSES / k)));
  let rows: Int32Array | null = null;
  if (take < m) {
    const step = Math.ceil(m / take);
    rows = Int32Array.from({ length: Math.ceil(m / step) }, (_, i) => i * step);
  }
  const input: LandscapeInput = {
    X: data.train.X, y: data.train.y, n, k, rows, weights: session.trainRowWeights(), theta, l2: session.config.l2,
  };
  const opt = session.knownOptimum();
  const optimum = opt && opt.converged
    ? { x: p < k * n ? opt.W[p] : opt.b[p - k * n], y: q < k * n ? opt.W[q] : opt.b[q - k * n] }
    : null;
  const pts = path.map((t) => ({ iteration: t.iteration, x: t.theta[p], y: t.theta[q] }));
  const [x0, x1] = paddedRange([...pts.map((t) => t.x), ...(optimum ? [optimum.x] : [])], 1);
  const [y0, y1] = paddedRange([...pts.map((t) => t.y), ...(optimum ? [optimum.y] : [])], 1);
  const xs = linspace(x0, x1, LANDSCAPE_CELLS);
  const ys = linspace(y0, y1, LANDSCAPE_CELLS);
  const J = objectiveGrid(input, p, q, xs, ys, session.config.loss);
  const tp = theta[p];
  const reach = Math.max(6, 3 * Math.abs(tp), optimum ? 2 * Math.abs(optimum.x - tp) : 0);
  const ts = linspace(tp - reach, tp + reach, LANDSCAPE_SLICE_POINTS);
  return {
    p, q,
    xName: parameterName(p, data.featureNames, data.classes, k),
    yName: parameterName(q, data.featureNames, data.classes, k),
    loss: session.config.loss,
    xs, ys, J: Array.from(J),
    path: pts,
    pathLimit: TRACE_MAX_PARAMS,
    optimum,
    rows: rows ? rows.length : m,
    totalRows: m,
    slice: { ts, bce: Array.from(objectiveSlice(input, p, ts, 'bce')), mse: Array.from(objectiveSlice(input, p, ts, 'mse')), current: tp },
  };
}

/** The information view of the session's model on a split, with the worst rows named by CSV line and class. */
export function informationView(session: TrainingSession, data: PreparedDataset, split: 'train' | 'test', kernel: LinearKernel): InformationView | null {
  const s = split === 'train' ? data.train : data.test;
  const w = session.weights();
  const info = informationSummary(s, data.n, w.k, data.classes.length, w.W, w.b, kernel);
  if (!info) return null;
  return {
    m: info.m,
    crossEntropy: session.logLoss(split),
    labelEntropy: info.labelEntropy,
    classes: data.classes.slice(),
    shares: info.shares,
    meanPredicted: info.meanPredicted,
    marginalCrossEntropy: info.marginalCrossEntropy,
    marginalKl: info.marginalKl,
    edges: info.edges,
    counts: info.counts,
    worst: info.worst.map((x) => ({ line: splitRowLine(data, s, x.row), row: x.row, label: data.classes[s.y[x.row]], probability: x.probability, information: x.information })),
  };
}
