/**
 * The loss landscape of a model: the training cost J as a function of two of its parameters, the others held
 * at their current values, and the cost along one parameter for both losses (BCE and MSE) side by side.
 *
 *   θ = [W (k×n row-major), b (k)]; parameter p is W[c·n + j] for p < k·n (class c, feature j), else b[p − k·n].
 *   J(θ) = Σ_r s_r ℓ(z_r, y_r) / Σ_r s_r + (λ/2)‖W‖²_F,   z_r = W x_r + b   (k scores of row r)
 *   binary:  bce ℓ = softplus(z) − y z,            mse ℓ = ½(σ(z) − y)²
 *   softmax: bce ℓ = logsumexp(z) − z_y,           mse ℓ = ½‖softmax(z) − e_y‖²
 * (the kernels' definitions, see kernel-js.ts). Moving parameters p and q by (u, v) changes only the scores of
 * their classes: z_r,c(p) += u·x_r,j(p) (x = 1 for a bias), so each grid point costs O(rows·k), not O(rows·n·k).
 * Computed in float64 from the float32 X. Pure: no Node, no vscode.
 */
import { sigmoid } from './link';
import type { LossKind } from '../types';

/** The rows and parameters the landscape is computed from. */
export interface LandscapeInput {
  /** X (m×n row-major float32), y (class index per row; binary: 0/1). */
  X: Float32Array;
  y: Int32Array;
  n: number;
  /** Output units: 1 for binary, K for softmax. */
  k: number;
  /** Rows used (indices into X); all rows when null. */
  rows: Int32Array | null;
  /** Per-row weights s_r (length m), or null when all are 1. */
  weights: Float32Array | null;
  theta: ArrayLike<number>;
  l2: number;
}

/** Where parameter p sits: its class and its feature (−1 for a bias). */
function locate(p: number, n: number, k: number): { c: number; j: number } {
  if (!Number.isInteger(p) || p < 0 || p >= k * (n + 1)) throw new RangeError(`landscape: parameter ${p} is not one of the ${k * (n + 1)}`);
  return p < k * n ? { c: Math.floor(p / n), j: p % n } : { c: p - k * n, j: -1 };
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * ℓ(z, y) of one row for the loss, its k scores at z[o … o+k) (k = 1: the score of class 1):
 *   binary:  bce softplus(z) − y z = −log a_y,   mse ½(σ(z) − y)²
 *   softmax: bce logsumexp(z) − z_y = −log a_y, mse ½‖softmax(z) − e_y‖²
 */
export function rowLoss(z: ArrayLike<number>, o: number, k: number, y: number, loss: LossKind): number {
  if (k === 1) {
    const t = y === 1 ? 1 : 0;
    if (loss === 'bce') return softplus(z[o]) - t * z[o];
    const d = sigmoid(z[o]) - t;
    return 0.5 * d * d;
  }
  let mx = -Infinity;
  for (let c = 0; c < k; c++) if (z[o + c] > mx) mx = z[o + c];
  let se = 0;
  for (let c = 0; c < k; c++) se += Math.exp(z[o + c] - mx);
  if (loss === 'bce') return mx + Math.log(se) - z[o + y];
  let sq = 0;
  for (let c = 0; c < k; c++) {
    const d = Math.exp(z[o + c] - mx) / se - (c === y ? 1 : 0);
    sq += d * d;
  }
  return 0.5 * sq;
}

/**
 * J at every (xs[a], ys[r]) for parameters p (x axis) and q (y axis), the others at θ: `J[r·xs.length + a]`
 * (ys.length × xs.length row-major). `loss` may differ from the model's (the BCE/MSE comparison).
 */
export function objectiveGrid(input: LandscapeInput, p: number, q: number, xs: ArrayLike<number>, ys: ArrayLike<number>, loss: LossKind): Float64Array {
  const { X, y, n, k, theta, l2, weights } = input;
  const P = locate(p, n, k);
  const Q = locate(q, n, k);
  const m = input.rows ? input.rows.length : y.length;
  const rowAt = (i: number): number => (input.rows ? input.rows[i] : i);
  // Base scores z0 (m×k) at θ, and each row's multipliers of p and q (x_r,j or 1 for a bias).
  const z0 = new Float64Array(m * k);
  const xp = new Float64Array(m);
  const xq = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = rowAt(i);
    const o = r * n;
    for (let c = 0; c < k; c++) {
      let s = theta[k * n + c];
      for (let j = 0; j < n; j++) s += theta[c * n + j] * X[o + j];
      z0[i * k + c] = s;
    }
    xp[i] = P.j < 0 ? 1 : X[o + P.j];
    xq[i] = Q.j < 0 ? 1 : X[o + Q.j];
  }
  let totalWeight = 0;
  for (let i = 0; i < m; i++) totalWeight += weights ? weights[rowAt(i)] : 1;
  let sqW = 0;
  for (let t = 0; t < k * n; t++) sqW += theta[t] * theta[t];
  const tp = theta[p];
  const tq = theta[q];
  const out = new Float64Array(xs.length * ys.length);
  // Softmax: only the scores of classes P.c and Q.c move, so each row's other classes are summed once,
  // rest_i = Σ_{c ∉ {P.c, Q.c}} e^(z_c − M_i) (and Σ e^(2(z_c − M_i)) for MSE), M_i = their largest score; then
  // lse = log(rest_i e^M_i + e^z_P + e^z_Q), bce ℓ = lse − z_y, mse ℓ = ½(Σ_c a_c² − 2 a_y + 1) — O(1) per row and
  // grid point instead of O(k).
  const moved = k > 1 ? movedClassSums(z0, m, k, P.c, Q.c, loss === 'mse') : null;
  const z = new Float64Array(k);
  for (let r = 0; r < ys.length; r++) {
    for (let a = 0; a < xs.length; a++) {
      const u = xs[a] - tp;
      const v = ys[r] - tq;
      let sum = 0;
      if (moved) {
        const { M, rest, rest2 } = moved;
        const A = P.c;
        const B = Q.c;
        for (let i = 0; i < m; i++) {
          let za = z0[i * k + A] + u * xp[i];
          let zb = z0[i * k + B] + v * xq[i];
          if (A === B) za += v * xq[i];
          const hasB = B !== A;
          const mi = M[i];
          let top = za;
          if (hasB && zb > top) top = zb;
          if (rest[i] > 0 && mi > top) top = mi;
          let se = Math.exp(za - top) + (rest[i] > 0 ? rest[i] * Math.exp(mi - top) : 0);
          if (hasB) se += Math.exp(zb - top);
          const lse = top + Math.log(se);
          const yi = y[rowAt(i)];
          const zy = yi === A ? za : hasB && yi === B ? zb : z0[i * k + yi];
          let l: number;
          if (loss === 'bce') l = lse - zy;
          else {
            const ea = Math.exp(za - lse);
            let sq = ea * ea + (rest2 && rest[i] > 0 ? rest2[i] * Math.exp(2 * (mi - lse)) : 0);
            if (hasB) {
              const eb = Math.exp(zb - lse);
              sq += eb * eb;
            }
            l = 0.5 * (sq - 2 * Math.exp(zy - lse) + 1);
          }
          sum += (weights ? weights[rowAt(i)] : 1) * l;
        }
      } else {
        for (let i = 0; i < m; i++) {
          for (let c = 0; c < k; c++) z[c] = z0[i * k + c];
          z[P.c] += u * xp[i];
          z[Q.c] += v * xq[i];
          const w = weights ? weights[rowAt(i)] : 1;
          sum += w * rowLoss(z, 0, k, y[rowAt(i)], loss);
        }
      }
      // (λ/2)‖W‖² with W_p and W_q replaced (biases are not penalised; p = q counts once).
      let penalty = sqW;
      if (P.j >= 0) penalty += xs[a] * xs[a] - tp * tp;
      if (Q.j >= 0 && q !== p) penalty += ys[r] * ys[r] - tq * tq;
      out[r * xs.length + a] = (totalWeight > 0 ? sum / totalWeight : 0) + 0.5 * l2 * penalty;
    }
  }
  return out;
}

/**
 * Per row i of the scores z0 (m×k): M_i = the largest score of the classes other than a and b (−∞ when there are
 * none), rest_i = Σ_{c ∉ {a, b}} e^(z_ic − M_i) and, with `squares`, rest2_i = Σ_{c ∉ {a, b}} e^(2(z_ic − M_i)).
 */
function movedClassSums(z0: Float64Array, m: number, k: number, a: number, b: number, squares: boolean): {
  M: Float64Array; rest: Float64Array; rest2: Float64Array | null;
} {
  const M = new Float64Array(m);
  const rest = new Float64Array(m);
  const rest2 = squares ? new Float64Array(m) : null;
  for (let i = 0; i < m; i++) {
    const o = i * k;
    let mx = -Infinity;
    for (let c = 0; c < k; c++) if (c !== a && c !== b && z0[o + c] > mx) mx = z0[o + c];
    M[i] = mx;
    if (mx === -Infinity) continue;
    let s = 0;
    let s2 = 0;
    for (let c = 0; c < k; c++) {
      if (c === a || c === b) continue;
      const e = Math.exp(z0[o + c] - mx);
      s += e;
      s2 += e * e;
    }
    rest[i] = s;
    if (rest2) rest2[i] = s2;
  }
  return { M, rest, rest2 };
}

/** J along parameter p alone at each value of `ts` (the others at θ), for the given loss. */
export function objectiveSlice(input: LandscapeInput, p: number, ts: ArrayLike<number>, loss: LossKind): Float64Array {
  return objectiveGrid(input, p, p, ts, [input.theta[p]], loss);
}

/** The name of parameter p of θ = [W (k×n), b (k)]: w[feature] / b (binary), W[class, feature] / b[class]. */
export function parameterName(p: number, featureNames: string[], classes: string[], k: number): string {
  const n = featureNames.length;
  if (p < k * n) return k === 1 ? `w[${featureNames[p]}]` : `W[${classes[Math.floor(p / n)]}, ${featureNames[p % n]}]`;
  return k === 1 ? 'b' : `b[${classes[p - k * n]}]`;
}

/** `count` evenly spaced values from lo to hi (inclusive). */
export function linspace(lo: number, hi: number, count: number): number[] {
  if (count <= 1) return [lo];
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}
