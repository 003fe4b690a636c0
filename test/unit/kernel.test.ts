import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernel, rowCount, forEachRow, rowIndices } from '../../src/engine/kernels/kernel-js';
import { createRng, normal } from '../../src/engine/random';
import type { LossKind, RowSet } from '../../src/engine/types';

/**
 * Naive float64 reference written straight from the definitions, with explicit matrices: the probabilities
 * by exp/sum without max-shifting (scores are kept moderate), the loss as −log p, and for softmax MSE the
 * full Jacobian J_cd = p_c(δ_cd − p_d).
 */
function naiveSoftmax(
  X: Float32Array, n: number, k: number, rows: number[], y: Int32Array, sw: Float32Array | null,
  W: Float32Array, b: Float32Array, loss: LossKind,
): { loss: number; gW: number[]; gB: number[] } {
  const gW = new Array<number>(k * n).fill(0);
  const gB = new Array<number>(k).fill(0);
  let L = 0;
  for (const i of rows) {
    const z: number[] = [];
    for (let c = 0; c < k; c++) {
      let s = b[c];
      for (let j = 0; j < n; j++) s += W[c * n + j] * X[i * n + j];
      z.push(s);
    }
    const ez = z.map(Math.exp);
    const den = ez.reduce((a, v) => a + v, 0);
    const p = ez.map((v) => v / den);
    const onehot = p.map((_, c) => (c === y[i] ? 1 : 0));
    const s = sw ? sw[i] : 1;
    let r: number[];
    if (loss === 'bce') {
      L += s * -Math.log(p[y[i]]);
      r = p.map((v, c) => v - onehot[c]);
    } else {
      const d = p.map((v, c) => v - onehot[c]);
      L += s * 0.5 * d.reduce((a, v) => a + v * v, 0);
      r = [];
      for (let d2 = 0; d2 < k; d2++) {
        let acc = 0;
        for (let c = 0; c < k; c++) acc += p[c] * ((c === d2 ? 1 : 0) - p[d2]) * d[c]; // (Jᵀd)_d2, J_c,d2 = ∂p_c/∂z_d2
        r.push(acc);
      }
    }
    for (let c = 0; c < k; c++) {
      gB[c] += s * r[c];
      for (let j = 0; j < n; j++) gW[c * n + j] += s * r[c] * X[i * n + j];
    }
  }
  return { loss: L, gW, gB };
}

function naiveBinary(
  X: Float32Array, n: number, rows: number[], y: Float32Array, sw: Float32Array | null,
  w: Float32Array, b: number, loss: LossKind,
): { loss: number; gW: number[]; gB: number } {
  const gW = new Array<number>(n).fill(0);
  let gB = 0;
  let L = 0;
  for (const i of rows) {
    let z = b;
    for (let j = 0; j < n; j++) z += w[j] * X[i * n + j];
    const a = 1 / (1 + Math.exp(-z));
    const s = sw ? sw[i] : 1;
    let r: number;
    if (loss === 'bce') {
      L += s * (-y[i] * Math.log(a) - (1 - y[i]) * Math.log(1 - a));
      r = a - y[i];
    } else {
      L += s * 0.5 * (a - y[i]) ** 2;
      r = (a - y[i]) * a * (1 - a);
    }
    gB += s * r;
    for (let j = 0; j < n; j++) gW[j] += s * r * X[i * n + j];
  }
  return { loss: L, gW, gB };
}

function randomData(seed: number, m: number, n: number, k: number) {
  const rng = createRng(seed);
  const X = new Float32Array(m * n);
  for (let q = 0; q < X.length; q++) X[q] = normal(rng);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) y[i] = Math.floor(rng() * Math.max(k, 2));
  const yF = Float32Array.from(y, (v) => (v === 1 ? 1 : 0));
  const W = new Float32Array(k * n);
  for (let q = 0; q < W.length; q++) W[q] = 0.7 * normal(rng);
  const b = new Float32Array(k);
  for (let c = 0; c < k; c++) b[c] = 0.5 * normal(rng);
  const sw = new Float32Array(m);
  for (let i = 0; i < m; i++) sw[i] = 0.2 + 2 * rng();
  return { X, y, yF, W, b, sw };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, msg: string): void {
  assert.equal(actual.length, expected.length, `${msg}: length`);
  for (let q = 0; q < expected.length; q++) {
    const e = expected[q];
    assert.ok(Math.abs(actual[q] - e) <= tol * Math.max(1, Math.abs(e)), `${msg}[${q}]: ${actual[q]} vs ${e}`);
  }
}

const ROWSETS: Array<[string, RowSet, number[]]> = [
  ['all rows as a range', { start: 0, end: 40 }, Array.from({ length: 40 }, (_, i) => i)],
  ['a middle range', { start: 7, end: 23 }, Array.from({ length: 16 }, (_, i) => 7 + i)],
  ['an index list with repeats', Int32Array.from([3, 39, 0, 3, 17]), [3, 39, 0, 3, 17]],
  ['an empty range', { start: 5, end: 5 }, []],
];

describe('row sets', () => {
  test('rowCount, forEachRow, rowIndices', () => {
    assert.equal(rowCount({ start: 2, end: 9 }), 7);
    assert.equal(rowCount({ start: 9, end: 2 }), 0);
    assert.equal(rowCount(Int32Array.from([4, 1])), 2);
    const seen: Array<[number, number]> = [];
    forEachRow({ start: 3, end: 6 }, (i, t) => seen.push([i, t]));
    assert.deepEqual(seen, [[3, 0], [4, 1], [5, 2]]);
    const seen2: number[] = [];
    forEachRow(Int32Array.from([8, 2]), (i) => seen2.push(i));
    assert.deepEqual(seen2, [8, 2]);
    assert.deepEqual(Array.from(rowIndices({ start: 1, end: 4 })), [1, 2, 3]);
  });
});

describe('jsKernel.binaryGrad matches a naive float64 reference', () => {
  const n = 5;
  const { X, yF, W, b, sw } = randomData(11, 40, n, 1);
  for (const loss of ['bce', 'mse'] as LossKind[]) {
    for (const weights of [null, sw]) {
      for (const [label, rows, list] of ROWSETS) {
        test(`${loss}, ${weights ? 'weighted' : 'unweighted'}, ${label}`, () => {
          const gW = new Float32Array(n).fill(123); // must be overwritten, not accumulated
          const got = jsKernel.binaryGrad(X, n, rows, yF, weights, W, b[0], loss, gW);
          const ref = naiveBinary(X, n, list, yF, weights, W, b[0], loss);
          assertClose([got.loss], [ref.loss], 1e-12, 'loss');
          assertClose([got.gB], [ref.gB], 1e-12, 'gB');
          assertClose(gW, ref.gW, 1e-6, 'gW'); // float32 output
        });
      }
    }
  }

  test('finite loss and exact gradient for huge scores', () => {
    const X1 = Float32Array.from([1, 1]);
    const gW = new Float32Array(1);
    // z = 1000 with y = 0: loss 1000, r = 1; z = −1000 with y = 1: loss 1000, r = −1.
    const out = jsKernel.binaryGrad(X1, 1, { start: 0, end: 2 }, Float32Array.from([0, 1]), null,
      Float32Array.from([0]), 1000, 'bce', gW);
    assert.equal(out.loss, 1000);
    const out2 = jsKernel.binaryGrad(X1, 1, { start: 1, end: 2 }, Float32Array.from([0, 1]), null,
      Float32Array.from([0]), -1000, 'bce', gW);
    assert.equal(out2.loss, 1000);
    assert.equal(out2.gB, -1);
    assert.equal(gW[0], -1);
  });
});

describe('jsKernel.softmaxGrad matches a naive float64 reference', () => {
  const n = 4;
  const k = 3;
  const { X, y, W, b, sw } = randomData(12, 40, n, k);
  for (const loss of ['bce', 'mse'] as LossKind[]) {
    for (const weights of [null, sw]) {
      for (const [label, rows, list] of ROWSETS) {
        test(`${loss}, ${weights ? 'weighted' : 'unweighted'}, ${label}`, () => {
          const gW = new Float32Array(k * n).fill(-7);
          const gB = new Float32Array(k).fill(9);
          const got = jsKernel.softmaxGrad(X, n, k, rows, y, weights, W, b, loss, gW, gB);
          const ref = naiveSoftmax(X, n, k, list, y, weights, W, b, loss);
          assertClose([got], [ref.loss], 1e-12, 'loss');
          assertClose(gB, ref.gB, 1e-6, 'gB');
          assertClose(gW, ref.gW, 1e-6, 'gW');
        });
      }
    }
  }

  test('finite loss for huge scores (max subtracted)', () => {
    const gW = new Float32Array(2);
    const gB = new Float32Array(2);
    const loss = jsKernel.softmaxGrad(Float32Array.from([0]), 1, 2, { start: 0, end: 1 }, Int32Array.from([1]), null,
      new Float32Array(2), Float32Array.from([1000, 0]), 'bce', gW, gB);
    assert.equal(loss, 1000);
    assert.deepEqual(Array.from(gB), [1, -1]);
  });
});

describe('jsKernel.scores', () => {
  test('Z = X Wᵀ + b for the selected rows, row-major count×k', () => {
    const n = 3;
    const k = 2;
    const X = Float32Array.from([1, 2, 3, 4, 5, 6, -1, 0, 1]);
    const W = Float32Array.from([1, 0, -1, 0.5, 0.5, 0.5]);
    const b = Float32Array.from([10, -1]);
    const out = new Float32Array(4);
    jsKernel.scores(X, n, k, Int32Array.from([2, 0]), W, b, out);
    // By hand: row 2 · W0 = −1 − 1 = −2 → 8;  row 2 · W1 = 0 → −1;  row 0 · W0 = 1 − 3 = −2 → 8;  row 0 · W1 = 3 → 2
    assert.deepEqual(Array.from(out), [8, -1, 8, 2]);
    const out2 = new Float32Array(2);
    jsKernel.scores(X, n, k, { start: 1, end: 2 }, W, b, out2);
    assert.deepEqual(Array.from(out2), [8, 6.5]); // 4 − 6 + 10, 7.5 − 1
  });
});
