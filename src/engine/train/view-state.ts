/**
 * What the webviews draw besides the session's own numbers: the dataset facts and the decision-boundary grid of a
 * two-feature model. Pure TypeScript.
 */
import { predictLabels } from '../model/metrics';
import { predictProbabilities } from '../model/model-io';
import { pixelSide } from '../prepare/pixels';
import { splitRowLine } from '../prepare/dataset';
import type { BoundaryInfo, DatasetInfo, InformationView, LandscapeInfo } from '../../protocol';
import { informationSummary } from '../model/information';
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
    features: data.preprocessing.features.map((f) => ({ source: f.source, kind: f.kind, scale: f.scale })),
    notices,
  };
}

/**
 * Decision-boundary grid for a 2-feature model, in the model's (standardised) feature space:
 * xs, ys = BOUNDARY_CELLS evenly spaced values over the training range plus 10 % margin; grid[r·|xs| + c]
 * = predicted class at (xs[c], ys[r]) (binary: p ≥ threshold; softmax: argmax). Points: training rows
 * (evenly subsampled to BOUNDARY_MAX_POINTS) with their true class.
 */
export function boundary(
  data: PreparedDataset,
  W: Float32Array,
  b: Float32Array,
  k: number,
  threshold: number,
  kernel: LinearKernel,
): BoundaryInfo {
  const { X, y, m } = data.train;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < m; i++) {
    const a = X[2 * i];
    const c = X[2 * i + 1];
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (c < y0) y0 = c;
    if (c > y1) y1 = c;
  }
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const padX = 0.1 * (x1 - x0);
  const padY = 0.1 * (y1 - y0);
  const N = BOUNDARY_CELLS;
  const axis = (lo: number, hi: number): number[] => Array.from({ length: N }, (_, i) => lo + ((hi - lo) * i) / (N - 1));
  const xs = axis(x0 - padX, x1 + padX);
  const ys = axis(y0 - padY, y1 + padY);
  const G = new Float32Array(N * N * 2);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      G[2 * (r * N + c)] = xs[c];
      G[2 * (r * N + c) + 1] = ys[r];
    }
  }
  const P = predictProbabilities(G, N * N, 2, k, W, b, kernel);
  const grid = Array.from(predictLabels(P, N * N, data.classes.length, threshold));
  const stride = Math.max(1, Math.ceil(m / BOUNDARY_MAX_POINTS));
  const points: BoundaryInfo['points'] = [];
  for (let i = 0; i < m; i += stride) points.push({ x: X[2 * i], y: X[2 * i + 1], c: y[i] });
  return { xName: data.featureNames[0], yName: data.featureNames[1], xs, ys, grid, points };
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
