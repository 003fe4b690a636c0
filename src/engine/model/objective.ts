/**
 * The training objective of (binary or softmax) logistic regression over a split, with optional
 * L2 penalty and class weights:
 *
 *   J(W, b) = Σ_i s_i ℓ_i / Σ_i s_i + (λ/2) ‖W‖²_F        (sums over the selected rows; bias not penalised)
 *   dW = Σ_i s_i r_i x_iᵀ / Σ_i s_i + λ W   (k×n),   db = Σ_i s_i r_i / Σ_i s_i   (k)
 *
 * with ℓ_i, r_i as defined by {@link LinearKernel} (BCE/cross-entropy or MSE on the probabilities) and
 * s_i = 1 (classWeight null) or s_i = m / (K · m_{y_i}) ('balanced', counts over the whole split, stored as float32).
 *
 * Shapes: binary models (k = 1): W has length n, b length 1, y_i ∈ {0, 1} (class 1 is positive).
 * Softmax models (k = K ≥ 2): W is k×n row-major (W[c·n + j]), b has length k.
 */
import { jsKernel, rowCount } from '../kernels/kernel-js';
import type { LinearKernel, LossKind, RowSet, Split } from '../types';

export interface ObjectiveOptions {
  loss: LossKind;
  /** λ ≥ 0 in (λ/2)‖W‖². */
  l2: number;
  classWeight: 'balanced' | null;
  /** Number of classes K (2 for binary). */
  numClasses: number;
}

export class Objective {
  readonly split: Split;
  /** Output units: 1 for binary, K for softmax. */
  readonly k: number;
  /** Features n. */
  readonly n: number;
  readonly opts: ObjectiveOptions;
  readonly kernel: LinearKernel;
  /** Binary only: labels as 0/1 float32 (length m); empty for softmax. */
  readonly yFloat: Float32Array;
  /** Per-sample weights s_i (length m), or null when all weights are 1. */
  readonly sampleWeights: Float32Array | null;
  /** Σ_i s_i over all rows of the split. */
  readonly totalWeight: number;
  private readonly allRows: RowSet;
  private scratchW: Float32Array;
  private scratchB: Float32Array;

  /**
   * @param split the data (X m×n row-major float32, y class indices)
   * @param k 1 for a binary model, else the number of classes K
   * @param opts loss, λ, class weighting, number of classes K
   * @param kernel hot-loop implementation (default: the TypeScript reference)
   */
  constructor(split: Split, k: number, opts: ObjectiveOptions, kernel: LinearKernel = jsKernel) {
    const m = split.m;
    if (!(k >= 1) || !Number.isInteger(k)) throw new RangeError(`Objective: k must be a positive integer, got ${k}`);
    if (m > 0 && split.X.length % m !== 0) throw new RangeError('Objective: X length is not a multiple of m');
    this.split = split;
    this.k = k;
    this.n = m > 0 ? split.X.length / m : 0;
    this.opts = opts;
    this.kernel = kernel;
    this.allRows = { start: 0, end: m };

    const y = split.y;
    if (k === 1) {
      const yf = new Float32Array(m);
      for (let i = 0; i < m; i++) yf[i] = y[i] === 1 ? 1 : 0;
      this.yFloat = yf;
    } else {
      this.yFloat = new Float32Array(0);
    }

    if (opts.classWeight === 'balanced') {
      const K = Math.max(opts.numClasses, k === 1 ? 2 : k);
      const counts = new Float64Array(K);
      for (let i = 0; i < m; i++) counts[y[i]]++;
      const sw = new Float32Array(m);
      let total = 0;
      for (let i = 0; i < m; i++) {
        sw[i] = m / (K * counts[y[i]]);
        total += sw[i];
      }
      this.sampleWeights = sw;
      this.totalWeight = total;
    } else {
      this.sampleWeights = null;
      this.totalWeight = m;
    }
    this.scratchW = new Float32Array(k * this.n);
    this.scratchB = new Float32Array(k);
  }

  /** Σ s_i over the selected rows (all rows when null). */
  weightSum(rows: RowSet | null): number {
    if (rows === null) return this.totalWeight;
    const sw = this.sampleWeights;
    if (!sw) return rowCount(rows);
    let s = 0;
    if (rows instanceof Int32Array) {
      for (let t = 0; t < rows.length; t++) s += sw[rows[t]];
    } else {
      for (let i = rows.start; i < rows.end; i++) s += sw[i];
    }
    return s;
  }

  /**
   * J = Σ s_i ℓ_i / Σ s_i + (λ/2)‖W‖² over `rows` (null = all rows). When gW (k×n) / gB (k) are given,
   * they are overwritten with dW = Σ s_i r_i x_iᵀ / Σ s_i + λW and db = Σ s_i r_i / Σ s_i.
   * With no selected rows (Σ s_i = 0) the data term is 0.
   */
  evaluate(W: Float32Array, b: Float32Array, rows: RowSet | null, gW?: Float32Array, gB?: Float32Array): number {
    const { split, k, n } = this;
    const lambda = this.opts.l2;
    const sel = rows ?? this.allRows;
    const outW = gW ?? this.scratchW;
    const outB = gB ?? this.scratchB;
    let lossSum: number;
    if (k === 1) {
      const r = this.kernel.binaryGrad(split.X, n, sel, this.yFloat, this.sampleWeights, W, b[0], this.opts.loss, outW);
      lossSum = r.loss;
      outB[0] = r.gB;
    } else {
      lossSum = this.kernel.softmaxGrad(split.X, n, k, sel, split.y, this.sampleWeights, W, b, this.opts.loss, outW, outB);
    }
    const S = this.weightSum(rows);
    const inv = S > 0 ? 1 / S : 0;
    let sq = 0;
    const kn = k * n;
    for (let q = 0; q < kn; q++) sq += W[q] * W[q];
    if (gW) for (let q = 0; q < kn; q++) gW[q] = gW[q] * inv + lambda * W[q];
    if (gB) for (let c = 0; c < k; c++) gB[c] *= inv;
    return lossSum * inv + 0.5 * lambda * sq;
  }
}
