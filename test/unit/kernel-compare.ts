/**
 * Shared comparison of a LinearKernel against the pure-TypeScript reference (jsKernel) on seeded random data,
 * used by the WebAssembly and multi-threaded kernel tests. Gradients are compared with a tolerance relative to the
 * scale of the terms summed: |Δ_j| ≤ 2e−5 · Σ_i |s_i r_ij x_ij| + 1e−6; losses to 1e−5 relative. The exact
 * solver's passes: see {@link compareExact}.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createRng, normal } from '../../src/engine/random';
import type { LinearKernel, LossKind, RowSet } from '../../src/engine/types';

export interface Data {
  X: Float32Array;
  m: number;
  n: number;
  yBin: Float32Array;
  yCls: Int32Array;
  sw: Float32Array;
}

export function makeData(seed: number, m: number, n: number, k: number, scale = 1): Data {
  const rng = createRng(seed);
  const X = new Float32Array(m * n);
  for (let q = 0; q < X.length; q++) X[q] = normal(rng) * scale;
  const yBin = new Float32Array(m);
  const yCls = new Int32Array(m);
  const sw = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    yBin[i] = rng() < 0.4 ? 1 : 0;
    yCls[i] = Math.floor(rng() * k);
    sw[i] = 0.25 + 2 * rng();
  }
  return { X, m, n, yBin, yCls, sw };
}

export function randomParams(seed: number, len: number, scale: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(len);
  for (let q = 0; q < len; q++) a[q] = normal(rng) * scale;
  return a;
}

/** Random row list with repeats, in random order. */
export function randomRows(seed: number, m: number, count: number): Int32Array {
  const rng = createRng(seed);
  const r = new Int32Array(count);
  for (let t = 0; t < count; t++) r[t] = Math.floor(rng() * m);
  return r;
}

/** Σ_i |x_ij| over the rows, per feature (times max |r| ≤ 1 and s): a bound on the scale of each gradient entry. */
export function termScale(d: Data, rows: RowSet, sw: Float32Array | null, k: number): Float64Array {
  const s = new Float64Array(k * d.n);
  const idx = rows instanceof Int32Array ? Array.from(rows) : Array.from({ length: rows.end - rows.start }, (_, t) => rows.start + t);
  for (const i of idx) {
    const wi = sw ? sw[i] : 1;
    for (let c = 0; c < k; c++) for (let j = 0; j < d.n; j++) s[c * d.n + j] += wi * Math.abs(d.X[i * d.n + j]);
  }
  return s;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let q = 0; q < expected.length; q++) {
    const tol = 2e-5 * scale[q] + 1e-6;
    const diff = Math.abs(actual[q] - expected[q]);
    if (!(diff <= tol)) assert.fail(`${what}[${q}]: ${actual[q]} vs reference ${expected[q]} (|Δ| ${diff} > ${tol})`);
  }
}

/** |actual_q − expected_q| ≤ rel · scale_q + abs for every q. */
export function assertWithin(
  actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, rel: number, abs: number, what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let q = 0; q < expected.length; q++) {
    const tol = rel * scale[q] + abs;
    const diff = Math.abs(actual[q] - expected[q]);
    if (!(diff <= tol)) assert.fail(`${what}[${q}]: ${actual[q]} vs reference ${expected[q]} (|Δ| ${diff} > ${tol})`);
  }
}

export function assertRel(actual: number, expected: number, rel: number, what: string): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs reference ${expected}`);
}

export function compareBinary(kernel: LinearKernel, d: Data, rows: RowSet, useSw: boolean, loss: LossKind, wScale: number, seed: number): void {
  const w = randomParams(seed, d.n, wScale);
  const b = 0.3;
  const sw = useSw ? d.sw : null;
  const gRef = new Float32Array(d.n);
  const gOut = new Float32Array(d.n).fill(99);
  const ref = jsKernel.binaryGrad(d.X, d.n, rows, d.yBin, sw, w, b, loss, gRef);
  const got = kernel.binaryGrad(d.X, d.n, rows, d.yBin, sw, w, b, loss, gOut);
  const count = rows instanceof Int32Array ? rows.length : rows.end - rows.start;
  const wsum = count * (useSw ? 2.25 : 1);
  assertRel(got.loss, ref.loss, 1e-5, `${kernel.name} binary ${loss} loss`);
  assertClose([got.gB], [ref.gB], [wsum], `${kernel.name} binary ${loss} gB`);
  assertClose(gOut, gRef, termScale(d, rows, sw, 1), `${kernel.name} binary ${loss} gW`);
}

export function compareSoftmax(kernel: LinearKernel, d: Data, k: number, rows: RowSet, useSw: boolean, loss: LossKind, wScale: number, seed: number): void {
  const W = randomParams(seed, k * d.n, wScale);
  const b = randomParams(seed + 1, k, 0.5);
  const sw = useSw ? d.sw : null;
  const y = d.yCls.map((c) => c % k);
  const gRef = new Float32Array(k * d.n);
  const bRef = new Float32Array(k);
  const gOut = new Float32Array(k * d.n).fill(99);
  const bOut = new Float32Array(k).fill(99);
  const ref = jsKernel.softmaxGrad(d.X, d.n, k, rows, y, sw, W, b, loss, gRef, bRef);
  const got = kernel.softmaxGrad(d.X, d.n, k, rows, y, sw, W, b, loss, gOut, bOut);
  const count = rows instanceof Int32Array ? rows.length : rows.end - rows.start;
  assertRel(got, ref, 1e-5, `${kernel.name} softmax ${loss} loss`);
  assertClose(bOut, bRef, new Float64Array(k).fill(count * (useSw ? 2.25 : 1)), `${kernel.name} softmax ${loss} gB`);
  assertClose(gOut, gRef, termScale(d, rows, sw, k), `${kernel.name} softmax ${loss} gW`);
}

/** Positions → row indices of a RowSet. */
function indices(rows: RowSet): number[] {
  return rows instanceof Int32Array ? Array.from(rows) : Array.from({ length: Math.max(0, rows.end - rows.start) }, (_, t) => rows.start + t);
}

/** Random float64 parameters θ (or a direction v) of length k(n + 1). */
export function randomTheta(seed: number, len: number, scale: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: len }, () => normal(rng) * scale);
}

/**
 * The exact solver's passes of `kernel` against the reference kernel on the same inputs:
 * - exactGrad (float64 everywhere, only the summation order differs): loss to 1e−12 relative, g_q to
 *   1e−12 · Σ_i s_i |x̃_iq| + 1e−15, the float32 curvature to 2 ulp, the misclassification count exactly;
 * - exactHessVec and exactHessian (float32 products, float64 sums in the SIMD kernels): each entry to
 *   2e−5 · (the same sum over the absolute values of its terms) + 1e−12.
 */
export function compareExact(kernel: LinearKernel, d: Data, k: number, rows: RowSet, useSw: boolean, thetaScale: number, seed: number): void {
  const { X, n, m } = d;
  const kn = k * n;
  const dim = kn + k;
  const sw = useSw ? d.sw : null;
  const y = k === 1 ? Int32Array.from(d.yBin) : d.yCls.map((c) => c % k);
  const theta = randomTheta(seed, dim, thetaScale);
  const idx = indices(rows);
  const xt = (i: number, a: number): number => (a < n ? X[i * n + a] : 1);
  const sOf = (i: number): number => (sw ? sw[i] : 1);
  const P = (c: number, a: number): number => (a < n ? c * n + a : kn + c);

  // exactGrad
  const gRef = new Float64Array(dim);
  const cRef = new Float32Array(m * k).fill(-1);
  const ref = jsKernel.exactGrad(X, n, k, rows, y, sw, theta, gRef, cRef);
  const g = new Float64Array(dim).fill(99);
  const curv = new Float32Array(m * k).fill(-1);
  const got = kernel.exactGrad(X, n, k, rows, y, sw, theta, g, curv);
  assertRel(got.loss, ref.loss, 1e-12, `${kernel.name} exactGrad k=${k} loss`);
  assert.equal(got.wrong, ref.wrong, `${kernel.name} exactGrad k=${k} misclassified rows`);
  const gScale = new Float64Array(dim);
  for (const i of idx) for (let c = 0; c < k; c++) for (let a = 0; a <= n; a++) gScale[P(c, a)] += sOf(i) * Math.abs(xt(i, a));
  assertWithin(g, gRef, gScale, 1e-12, 1e-15, `${kernel.name} exactGrad k=${k} g`);
  for (let q = 0; q < m * k; q++) {
    const tol = 2 * 2 ** -23 * Math.abs(cRef[q]) + 1e-45;
    if (!(Math.abs(curv[q] - cRef[q]) <= tol)) assert.fail(`${kernel.name} exactGrad k=${k} curv[${q}]: ${curv[q]} vs reference ${cRef[q]}`);
  }

  // exactHessVec at the reference curvature
  const v = randomTheta(seed + 1, dim, 1);
  const hvRef = new Float64Array(dim);
  const hv = new Float64Array(dim).fill(99);
  jsKernel.exactHessVec(X, n, k, rows, sw, cRef, v, hvRef);
  kernel.exactHessVec(X, n, k, rows, sw, cRef, v, hv);
  const hvScale = new Float64Array(dim);
  const uAbs = new Float64Array(k);
  for (const i of idx) {
    const p = (c: number): number => (k === 1 ? cRef[i] : cRef[i * k + c]);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = 0; a <= n; a++) s += Math.abs(xt(i, a) * v[P(c, a)]);
      uAbs[c] = s;
    }
    let pu = 0;
    if (k > 1) for (let c = 0; c < k; c++) pu += p(c) * uAbs[c];
    for (let c = 0; c < k; c++) {
      const q = sOf(i) * p(c) * (uAbs[c] + pu);
      for (let a = 0; a <= n; a++) hvScale[P(c, a)] += q * Math.abs(xt(i, a));
    }
  }
  assertWithin(hv, hvRef, hvScale, 2e-5, 1e-12, `${kernel.name} exactHessVec k=${k}`);

  // exactHessian, with a per-position scale
  const scale = Float64Array.from(idx, (_, t) => 0.5 + (t % 3));
  const HRef = new Float64Array(dim * dim);
  const H = new Float64Array(dim * dim).fill(99);
  jsKernel.exactHessian(X, n, k, rows, sw, cRef, scale, HRef);
  kernel.exactHessian(X, n, k, rows, sw, cRef, scale, H);
  const HScale = new Float64Array(dim * dim);
  idx.forEach((i, t) => {
    const w = scale[t] * sOf(i);
    for (let c = 0; c < k; c++) {
      for (let e = 0; e < k; e++) {
        const A = k === 1 ? cRef[i] : Math.abs((c === e ? cRef[i * k + c] : 0) - cRef[i * k + c] * cRef[i * k + e]);
        for (let a = 0; a <= n; a++) {
          const wa = w * A * Math.abs(xt(i, a));
          if (wa === 0) continue;
          const row = P(c, a) * dim;
          for (let l = 0; l <= n; l++) HScale[row + P(e, l)] += wa * Math.abs(xt(i, l));
        }
      }
    }
  });
  assertWithin(H, HRef, HScale, 2e-5, 1e-12, `${kernel.name} exactHessian k=${k}`);
}

/** The full comparison grid: several n (SIMD tails), row sets, weights, losses, k. */
export function suite(kernel: LinearKernel, m: number, label: string): void {
  for (const n of [1, 3, 8, 37]) {
    describe(`${label}: m=${m}, n=${n}`, () => {
      const d = makeData(1000 + n, m, n, 10);
      const ranges: Array<[string, RowSet]> = [
        ['all rows', { start: 0, end: m }],
        ['inner range', { start: 3, end: m - 2 }],
        ['row list', randomRows(7 + n, m, Math.floor(m * 0.7) + 1)],
        ['1 row', { start: 5, end: 6 }],
        ['2-row list', Int32Array.of(m - 1, 0)],
      ];
      for (const [rname, rows] of ranges) {
        for (const useSw of [false, true]) {
          const tag = `${rname}, ${useSw ? 'weights' : 'no weights'}`;
          test(`exact solver passes, binary: ${tag}`, () => compareExact(kernel, d, 1, rows, useSw, 0.4, 51 + n));
          test(`exact solver passes, softmax k=3: ${tag}`, () => compareExact(kernel, d, 3, rows, useSw, 0.3, 61 + n));
          test(`exact solver passes, softmax k=10: ${tag}`, () => compareExact(kernel, d, 10, rows, useSw, 0.3, 71 + n));
          for (const loss of ['bce', 'mse'] as LossKind[]) {
            const tag = `${rname}, ${useSw ? 'weights' : 'no weights'}, ${loss}`;
            test(`binary: ${tag}`, () => compareBinary(kernel, d, rows, useSw, loss, 0.4, 11 + n));
            test(`softmax k=10: ${tag}`, () => compareSoftmax(kernel, d, 10, rows, useSw, loss, 0.3, 21 + n));
            test(`softmax k=3: ${tag}`, () => compareSoftmax(kernel, d, 3, rows, useSw, loss, 0.3, 31 + n));
          }
        }
      }
      test('scores k=1 and k=7 for a range and a row list', () => {
        for (const k of [1, 7]) {
          const W = randomParams(41 + k, k * n, 0.5);
          const b = randomParams(43 + k, k, 0.5);
          for (const rows of [{ start: 2, end: m - 1 }, randomRows(5, m, 13)] as RowSet[]) {
            const count = rows instanceof Int32Array ? rows.length : rows.end - rows.start;
            const ref = new Float32Array(count * k);
            const got = new Float32Array(count * k).fill(99);
            jsKernel.scores(d.X, n, k, rows, W, b, ref);
            kernel.scores(d.X, n, k, rows, W, b, got);
            const scale = new Float64Array(count * k);
            for (let t = 0; t < count; t++) {
              const i = rows instanceof Int32Array ? rows[t] : rows.start + t;
              for (let c = 0; c < k; c++) {
                let s = Math.abs(b[c]);
                for (let j = 0; j < n; j++) s += Math.abs(W[c * n + j] * d.X[i * n + j]);
                scale[t * k + c] = s;
              }
            }
            assertClose(got, ref, scale, `scores k=${k}`);
          }
        }
      });
    });
  }
}
