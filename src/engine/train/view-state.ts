/**
 * What the webviews draw besides the session's own numbers: the dataset facts and the decision-boundary grid of a
 * two-feature model. Pure TypeScript.
 */
import { predictLabels } from '../model/metrics';
import { predictProbabilities } from '../model/model-io';
import { pixelSide } from '../prepare/pixels';
import type { BoundaryInfo, DatasetInfo } from '../../protocol';
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
