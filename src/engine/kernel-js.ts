/**
 * Pure-TypeScript reference implementation of {@link LinearKernel}: the definition every faster kernel
 * (WebAssembly SIMD) is tested against. Reads float32 X/W/b, accumulates every sum in float64, and writes
 * the float32 outputs once at the end of each call. No allocation per row (scratch buffers are reused).
 */
import type { LinearKernel, LossKind, RowSet } from './types';

/** Number of rows in a RowSet: end − start for a range (0 if end < start), else the list length. */
export function rowCount(rows: RowSet): number {
  if (rows instanceof Int32Array) return rows.length;
  return Math.max(0, rows.end - rows.start);
}

/** Calls fn(i, t) for each selected row index i, t = 0 … rowCount − 1 its position in the set. */
export function forEachRow(rows: RowSet, fn: (i: number, t: number) => void): void {
  if (rows instanceof Int32Array) {
    for (let t = 0; t < rows.length; t++) fn(rows[t], t);
  } else {
    for (let i = rows.start, t = 0; i < rows.end; i++, t++) fn(i, t);
  }
}

/** The row indices of a RowSet as a new Int32Array. */
export function rowIndices(rows: RowSet): Int32Array {
  if (rows instanceof Int32Array) return rows;
  const count = rowCount(rows);
  const out = new Int32Array(count);
  for (let t = 0; t < count; t++) out[t] = rows.start + t;
  return out;
}

// Reused float64 scratch buffers (the engine is single-threaded per worker).
let accW: Float64Array = new Float64Array(0);
let zBuf: Float64Array = new Float64Array(0);
let rBuf: Float64Array = new Float64Array(0);
let accB: Float64Array = new Float64Array(0);

function ensure(buf: Float64Array, len: number): Float64Array {
  return buf.length >= len ? buf : new Float64Array(Math.max(len, buf.length * 2));
}

/**
 * Binary fused pass (see {@link LinearKernel.binaryGrad}). Shapes: X m×n row-major, w (n), y (m) as 0/1,
 * sw (m) or null, gW (n) overwritten with Σ s_i r_i x_i. Returns { loss: Σ s_i ℓ_i, gB: Σ s_i r_i }.
 *   z_i = x_i·w + b, a_i = σ(z_i);  bce: ℓ_i = softplus(z_i) − y_i z_i, r_i = a_i − y_i;
 *   mse: ℓ_i = ½(a_i − y_i)², r_i = (a_i − y_i) a_i (1 − a_i).
 */
function binaryGrad(
  X: Float32Array, n: number, rows: RowSet, y: Float32Array, sw: Float32Array | null,
  w: Float32Array, b: number, loss: LossKind, gW: Float32Array,
): { loss: number; gB: number } {
  accW = ensure(accW, n);
  const acc = accW;
  acc.fill(0, 0, n);
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  const mse = loss === 'mse';
  let lossSum = 0;
  let gB = 0;
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const off = i * n;
    let z = b;
    for (let j = 0; j < n; j++) z += X[off + j] * w[j];
    // a = σ(z), stable for both signs; e = e^(−|z|).
    const e = Math.exp(-Math.abs(z));
    const a = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const yi = y[i];
    const s = sw ? sw[i] : 1;
    let l: number;
    let r: number;
    if (mse) {
      const d = a - yi;
      l = 0.5 * d * d;
      r = d * a * (1 - a);
    } else {
      // softplus(z) = max(z, 0) + log1p(e^(−|z|))
      l = (z > 0 ? z : 0) + Math.log1p(e) - yi * z;
      r = a - yi;
    }
    lossSum += s * l;
    const sr = s * r;
    gB += sr;
    for (let j = 0; j < n; j++) acc[j] += sr * X[off + j];
  }
  for (let j = 0; j < n; j++) gW[j] = acc[j];
  return { loss: lossSum, gB };
}

/**
 * Softmax fused pass (see {@link LinearKernel.softmaxGrad}). Shapes: X m×n, W k×n row-major, b (k),
 * y (m) class indices, sw (m) or null; gW (k×n) and gB (k) overwritten. Returns Σ s_i ℓ_i.
 *   z_i = W x_i + b, p_i = softmax(z_i);  bce: ℓ_i = logsumexp(z_i) − z_{i,y_i}, r_i = p_i − e_{y_i};
 *   mse: ℓ_i = ½‖p_i − e_{y_i}‖², r_i = J_softmaxᵀ d_i with d_i = p_i − e_{y_i}, i.e. r_ic = p_ic (d_ic − p_i·d_i).
 */
function softmaxGrad(
  X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
  W: Float32Array, b: Float32Array, loss: LossKind, gW: Float32Array, gB: Float32Array,
): number {
  const kn = k * n;
  accW = ensure(accW, kn);
  zBuf = ensure(zBuf, k);
  rBuf = ensure(rBuf, k);
  accB = ensure(accB, k);
  const acc = accW;
  const z = zBuf;
  const r = rBuf;
  const ab = accB;
  acc.fill(0, 0, kn);
  ab.fill(0, 0, k);
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  const mse = loss === 'mse';
  let lossSum = 0;
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const off = i * n;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = b[c];
      const wo = c * n;
      for (let j = 0; j < n; j++) s += W[wo + j] * X[off + j];
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c] - max);
      r[c] = e;
      sum += e;
    }
    const yi = y[i];
    const s = sw ? sw[i] : 1;
    const inv = 1 / sum;
    let l: number;
    if (mse) {
      // r holds e^(z−max); turn it into p, then d = p − onehot, then Jᵀd.
      let sq = 0;
      let pd = 0;
      for (let c = 0; c < k; c++) {
        const p = r[c] * inv;
        const d = c === yi ? p - 1 : p;
        sq += d * d;
        pd += p * d;
        r[c] = p;
        z[c] = d; // z no longer needed: reuse for d
      }
      l = 0.5 * sq;
      for (let c = 0; c < k; c++) r[c] = r[c] * (z[c] - pd);
    } else {
      l = max + Math.log(sum) - z[yi];
      for (let c = 0; c < k; c++) r[c] = r[c] * inv - (c === yi ? 1 : 0);
    }
    lossSum += s * l;
    for (let c = 0; c < k; c++) {
      const sr = s * r[c];
      ab[c] += sr;
      const wo = c * n;
      for (let j = 0; j < n; j++) acc[wo + j] += sr * X[off + j];
    }
  }
  for (let q = 0; q < kn; q++) gW[q] = acc[q];
  for (let c = 0; c < k; c++) gB[c] = ab[c];
  return lossSum;
}

/** Scores Z = X Wᵀ + b for the selected rows: out[t·k + c] = b_c + Σ_j W[c·n + j] X[i·n + j] (count×k). */
function scores(
  X: Float32Array, n: number, k: number, rows: RowSet, W: Float32Array, b: Float32Array, out: Float32Array,
): void {
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const off = i * n;
    for (let c = 0; c < k; c++) {
      let s = b[c];
      const wo = c * n;
      for (let j = 0; j < n; j++) s += W[wo + j] * X[off + j];
      out[t * k + c] = s;
    }
  }
}

/** The pure-TypeScript reference kernel. */
export const jsKernel: LinearKernel = {
  name: 'js',
  binaryGrad,
  softmaxGrad,
  scores,
};
