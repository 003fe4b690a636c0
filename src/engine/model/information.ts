/**
 * The information view of a model on a split (the entropy chapter behind cross-entropy), in nats:
 *   information of row i    I_i = −log a_{i,y_i}   (a = σ(z) or softmax(z), from the scores z as the log loss)
 *   cross-entropy           H = (1/m) Σ_i I_i  — the log loss; each row's label is one-hot (entropy 0), so I_i is
 *                           also its KL divergence D(e_{y_i} ‖ a_i)
 *   label entropy           H(p) = −Σ_c p_c log p_c,  p_c = m_c / m  (what predicting the class shares would cost)
 *   marginal                H(p, q̄) = −Σ_c p_c log q̄_c = H(p) + D(p ‖ q̄),  q̄ = (1/m) Σ_i a_i (the mean prediction)
 * Shapes: X m×n row-major, W k×n, b k (k = 1 binary: a = p(class 1)), y class indices. Pure.
 */
import { rowProbabilities } from './link';
import type { LinearKernel, Split } from '../types';
import { rowLoss } from './landscape';

/** A summary of −log a_true over a split (see the module comment). */
export interface InformationSummary {
  m: number;
  crossEntropy: number;
  labelEntropy: number;
  /** Class shares p_c and the mean predicted probability q̄_c per class. */
  shares: number[];
  meanPredicted: number[];
  marginalCrossEntropy: number;
  marginalKl: number;
  /** Histogram of I_i: bin edges (length bins + 1, from 0) and counts. */
  edges: number[];
  counts: number[];
  /** The rows with the most information (the most surprising labels): index into the split, I_i, a_{i,y_i}. */
  worst: Array<{ row: number; information: number; probability: number }>;
}

/** Bins of the information histogram. */
export const INFORMATION_BINS = 24;
/** Rows listed as the most surprising. */
export const INFORMATION_WORST = 5;

/** The information view of the model (W, b) on `split` (K classes; k = 1 for binary). */
export function informationSummary(split: Split, n: number, k: number, K: number, W: Float32Array, b: Float32Array, kernel: LinearKernel): InformationSummary | null {
  const m = split.m;
  if (m === 0) return null;
  const z = new Float32Array(m * k);
  kernel.scores(split.X, n, k, { start: 0, end: m }, W, b, z);
  const info = new Float64Array(m);
  const shares = new Array<number>(K).fill(0);
  const meanPredicted = new Array<number>(K).fill(0);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const y = split.y[i];
    const v = rowLoss(z, i * k, k, y, 'bce'); // −log a_y, from the scores
    info[i] = v;
    sum += v;
    shares[y] += 1 / m;
    const p = rowProbabilities(z, i * k, k);
    for (let c = 0; c < K; c++) meanPredicted[c] += p[c] / m;
  }
  let labelEntropy = 0;
  let marginalCrossEntropy = 0;
  for (let c = 0; c < K; c++) {
    if (shares[c] <= 0) continue;
    labelEntropy -= shares[c] * Math.log(shares[c]);
    marginalCrossEntropy -= shares[c] * Math.log(Math.max(meanPredicted[c], Number.MIN_VALUE));
  }
  let top = 0;
  for (let i = 0; i < m; i++) if (info[i] > top) top = info[i];
  const width = top > 0 ? top / INFORMATION_BINS : 1;
  const edges = Array.from({ length: INFORMATION_BINS + 1 }, (_, i) => i * width);
  const counts = new Array<number>(INFORMATION_BINS).fill(0);
  for (let i = 0; i < m; i++) counts[Math.min(INFORMATION_BINS - 1, Math.floor(info[i] / width))]++;
  // The INFORMATION_WORST largest, by insertion into a short sorted list (one pass, no sort of m rows).
  const order: number[] = [];
  for (let i = 0; i < m; i++) {
    if (order.length === INFORMATION_WORST && info[i] <= info[order[order.length - 1]]) continue;
    let at = order.length;
    while (at > 0 && info[order[at - 1]] < info[i]) at--;
    order.splice(at, 0, i);
    if (order.length > INFORMATION_WORST) order.pop();
  }
  return {
    m,
    crossEntropy: sum / m,
    labelEntropy,
    shares,
    meanPredicted,
    marginalCrossEntropy,
    marginalKl: marginalCrossEntropy - labelEntropy,
    edges,
    counts,
    worst: order.map((i) => ({ row: i, information: info[i], probability: Math.exp(-info[i]) })),
  };
}
