/**
 * Pure-TypeScript reference implementation of {@link LinearKernel}: the definition every faster kernel
 * (WebAssembly SIMD) is tested against. Reads float32 X/W/b, accumulates every sum in float64, and writes
 * the float32 outputs once at the end of each call; the exact solver's passes (exactGrad, exactHessVec,
 * exactHessian) take float64 parameters and compute entirely in float64. No allocation per row (scratch buffers
 * are reused).
 */
import type { LinearKernel, LossKind, RowSet } from '../types';

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

// ───────────────────────────── the exact solver's passes (float64) ─────────────────────────────

let zBuf64: Float64Array = new Float64Array(0);
let idxBuf: Int32Array = new Int32Array(0);
let valBuf: Float64Array = new Float64Array(0);
let gramBuf: Float64Array = new Float64Array(0);

/**
 * Float64 fused pass of the exact solver (see {@link LinearKernel.exactGrad}). θ = [W (k×n), b (k)], g (d = k(n+1))
 * overwritten; curv (m, or m×k for softmax) receives a_i(1 − a_i) = e/(1 + e)² (e = e^(−|z_i|)) or p_i for the
 * selected rows. Returns { loss: Σ s_i ℓ_i, wrong: rows not classified strictly correctly }.
 */
function exactGrad(
  X: Float32Array, n: number, k: number, rows: RowSet, y: Int32Array, sw: Float32Array | null,
  theta: Float64Array, g: Float64Array, curv: Float32Array | null,
): { loss: number; wrong: number } {
  const kn = k * n;
  g.fill(0, 0, kn + k);
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  let loss = 0;
  let wrong = 0;
  if (k === 1) {
    const b = theta[n];
    for (let t = 0; t < count; t++) {
      const i = idx ? idx[t] : start + t;
      const off = i * n;
      let z = b;
      for (let j = 0; j < n; j++) z += X[off + j] * theta[j];
      const pos = y[i] === 1;
      const s = sw ? sw[i] : 1;
      // a = σ(z), ac = 1 − σ(z) without cancellation.
      const e = Math.exp(-Math.abs(z));
      const q = 1 / (1 + e);
      const eq = e * q;
      const a = z >= 0 ? q : eq;
      const ac = z >= 0 ? eq : q;
      loss += s * ((z > 0 ? z : 0) + Math.log1p(e) - (pos ? z : 0));
      if (curv) curv[i] = q * eq;
      if (pos ? !(z > 0) : !(z < 0)) wrong++;
      const r = s * (pos ? -ac : a);
      for (let j = 0; j < n; j++) g[j] += r * X[off + j];
      g[n] += r;
    }
    return { loss, wrong };
  }
  zBuf64 = ensure(zBuf64, k);
  const z = zBuf64;
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const off = i * n;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let sc = theta[kn + c];
      const wo = c * n;
      for (let j = 0; j < n; j++) sc += theta[wo + j] * X[off + j];
      z[c] = sc;
      if (sc > max) max = sc;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
    const yi = y[i];
    let ok = true;
    for (let c = 0; c < k; c++) if (c !== yi && !(z[yi] > z[c])) ok = false;
    if (!ok) wrong++;
    const s = sw ? sw[i] : 1;
    loss += s * (max + Math.log(sum) - z[yi]);
    const inv = 1 / sum;
    for (let c = 0; c < k; c++) {
      const p = Math.exp(z[c] - max) * inv;
      if (curv) curv[i * k + c] = p;
      const r = s * (c === yi ? p - 1 : p);
      const wo = c * n;
      for (let j = 0; j < n; j++) g[wo + j] += r * X[off + j];
      g[kn + c] += r;
    }
  }
  return { loss, wrong };
}

/** Hessian-vector product of the data term in float64 (see {@link LinearKernel.exactHessVec}); out (d) overwritten. */
function exactHessVec(
  X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
  v: Float64Array, out: Float64Array,
): void {
  const kn = k * n;
  out.fill(0, 0, kn + k);
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  if (k === 1) {
    for (let t = 0; t < count; t++) {
      const i = idx ? idx[t] : start + t;
      const off = i * n;
      let u = v[n];
      for (let j = 0; j < n; j++) u += X[off + j] * v[j];
      const q = (sw ? sw[i] : 1) * curv[i] * u;
      for (let j = 0; j < n; j++) out[j] += q * X[off + j];
      out[n] += q;
    }
    return;
  }
  zBuf64 = ensure(zBuf64, k);
  const u = zBuf64;
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const off = i * n;
    const po = i * k;
    let pu = 0;
    for (let c = 0; c < k; c++) {
      let sc = v[kn + c];
      const wo = c * n;
      for (let j = 0; j < n; j++) sc += v[wo + j] * X[off + j];
      u[c] = sc;
      pu += curv[po + c] * sc;
    }
    const s = sw ? sw[i] : 1;
    for (let c = 0; c < k; c++) {
      const q = s * curv[po + c] * (u[c] - pu);
      const wo = c * n;
      for (let j = 0; j < n; j++) out[wo + j] += q * X[off + j];
      out[kn + c] += q;
    }
  }
}

/**
 * Dense Hessian of the data term in float64 (see {@link LinearKernel.exactHessian}): for each class pair c ≤ e the
 * upper triangle of G_ce = Σ_t scale_t s_i A_i,ce x̃_i x̃_iᵀ over the non-zero entries of x̃_i (image rows are mostly
 * zeros), then scattered symmetrically into H (d×d).
 */
function exactHessian(
  X: Float32Array, n: number, k: number, rows: RowSet, sw: Float32Array | null, curv: Float32Array,
  scale: Float64Array | null, H: Float64Array,
): void {
  const kn = k * n;
  const d = kn + k;
  const n1 = n + 1;
  const pairs = k === 1 ? 1 : (k * (k + 1)) / 2;
  const block = n1 * n1;
  gramBuf = ensure(gramBuf, pairs * block);
  idxBuf = idxBuf.length >= n1 ? idxBuf : new Int32Array(n1);
  valBuf = ensure(valBuf, n1);
  const G = gramBuf;
  const nzIdx = idxBuf;
  const nzVal = valBuf;
  G.fill(0, 0, pairs * block);
  const idx = rows instanceof Int32Array ? rows : null;
  const start = idx ? 0 : (rows as { start: number }).start;
  const count = rowCount(rows);
  for (let t = 0; t < count; t++) {
    const i = idx ? idx[t] : start + t;
    const w = (scale ? scale[t] : 1) * (sw ? sw[i] : 1);
    const off = i * n;
    let nnz = 0;
    for (let j = 0; j < n; j++) {
      const x = X[off + j];
      if (x !== 0) {
        nzIdx[nnz] = j;
        nzVal[nnz++] = x;
      }
    }
    nzIdx[nnz] = n;
    nzVal[nnz++] = 1;
    let pair = 0;
    for (let c = 0; c < k; c++) {
      for (let e = c; e < k; e++, pair++) {
        let A: number;
        if (k === 1) {
          A = curv[i];
        } else {
          const pc = curv[i * k + c];
          A = c === e ? pc * (1 - pc) : -pc * curv[i * k + e];
        }
        const wa = w * A;
        if (wa === 0) continue;
        const base = pair * block;
        for (let p = 0; p < nnz; p++) {
          const ca = wa * nzVal[p];
          const row = base + nzIdx[p] * n1;
          for (let q = p; q < nnz; q++) G[row + nzIdx[q]] += ca * nzVal[q];
        }
      }
    }
  }
  // Parameter index of (class c, feature a): c·n + a, of the bias of c: kn + c. G_ce is symmetric in (a, l).
  const P = (c: number, a: number): number => (a < n ? c * n + a : kn + c);
  let pair = 0;
  for (let c = 0; c < k; c++) {
    for (let e = c; e < k; e++, pair++) {
      const base = pair * block;
      for (let a = 0; a < n1; a++) {
        for (let l = a; l < n1; l++) {
          const val = G[base + a * n1 + l];
          const pa = P(c, a);
          const pl = P(e, l);
          const qa = P(e, a);
          const ql = P(c, l);
          H[pa * d + pl] = val;
          H[pl * d + pa] = val;
          H[ql * d + qa] = val;
          H[qa * d + ql] = val;
        }
      }
    }
  }
}

/** The pure-TypeScript reference kernel. */
export const jsKernel: LinearKernel = {
  name: 'js',
  binaryGrad,
  softmaxGrad,
  scores,
  exactGrad,
  exactHessVec,
  exactHessian,
};
