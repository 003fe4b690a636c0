import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createWasmKernel } from '../../src/engine/kernels/kernel-wasm';
import { createParallelKernel, stopKernelThreads } from '../../src/engine/node/parallel-kernel';
import type { LinearKernel, RowSet } from '../../src/engine/types';
import { makeData, randomRows, randomTheta, compareExact, type Data } from './kernel-compare';

/**
 * The exact solver's kernel passes (exactGrad, exactHessVec, exactHessian).
 * - The TypeScript reference against independent definitions: its gradient against central differences of its
 *   own loss, its dense Hessian against central differences of that gradient, H v against the dense Hessian,
 *   the misclassification count and the curvature against the formulas written out per row.
 * - The SIMD kernels against the reference (the grid is in kernel-compare.ts's suite, run by kernel-wasm and
 *   parallel-kernel tests), here on larger data and saturated scores.
 * - Determinism: the same call gives the same bits every time, also when the parallel kernel runs its chunks on
 *   the calling thread (a busy or starting pool, and the back-off after it).
 */

after(() => stopKernelThreads());

/** y for k outputs (0/1 for binary), weights s or null. */
function labels(d: Data, k: number): Int32Array {
  return k === 1 ? Int32Array.from(d.yBin) : d.yCls.map((c) => c % k);
}

function count(rows: RowSet): number {
  return rows instanceof Int32Array ? rows.length : rows.end - rows.start;
}

describe('reference exact passes against finite differences and the formulas', () => {
  const cases: Array<[string, number, boolean, RowSet]> = [
    ['binary, all rows', 1, false, { start: 0, end: 40 }],
    ['binary, weights, row list with repeats', 1, true, randomRows(3, 40, 31)],
    ['softmax k=3, all rows, weights', 3, true, { start: 0, end: 40 }],
    ['softmax k=4, inner range', 4, false, { start: 5, end: 33 }],
  ];
  for (const [name, k, useSw, rows] of cases) {
    test(name, () => {
      const n = 3;
      const d = makeData(500 + k, 40, n, 4);
      const y = labels(d, k);
      const sw = useSw ? d.sw : null;
      const dim = k * (n + 1);
      const theta = randomTheta(9 + k, dim, 0.7);
      const g = new Float64Array(dim);
      const curv = new Float32Array(40 * k);
      const r = jsKernel.exactGrad(d.X, n, k, rows, y, sw, theta, g, curv);
      const lossAt = (t: Float64Array): number => jsKernel.exactGrad(d.X, n, k, rows, y, sw, t, new Float64Array(dim), null).loss;
      const gradAt = (t: Float64Array): Float64Array => {
        const out = new Float64Array(dim);
        jsKernel.exactGrad(d.X, n, k, rows, y, sw, t, out, null);
        return out;
      };
      const h = 1e-5;
      const H = new Float64Array(dim * dim);
      jsKernel.exactHessian(d.X, n, k, rows, sw, curv, null, H);
      for (let q = 0; q < dim; q++) {
        const tp = theta.slice();
        const tm = theta.slice();
        tp[q] += h;
        tm[q] -= h;
        const fd = (lossAt(tp) - lossAt(tm)) / (2 * h);
        assert.ok(Math.abs(fd - g[q]) <= 1e-7 * Math.max(1, Math.abs(g[q])), `g[${q}] ${g[q]} vs finite difference ${fd}`);
        const gp = gradAt(tp);
        const gm = gradAt(tm);
        for (let p = 0; p < dim; p++) {
          const fdH = (gp[p] - gm[p]) / (2 * h);
          // The curvature is float32: H is exact to ~1e-7 relative.
          assert.ok(Math.abs(fdH - H[p * dim + q]) <= 1e-6 * Math.max(1, Math.abs(fdH)), `H[${p}][${q}] ${H[p * dim + q]} vs finite difference ${fdH}`);
        }
      }
      // H v by exactHessVec equals the dense Hessian times v.
      const v = randomTheta(17, dim, 1);
      const hv = new Float64Array(dim);
      jsKernel.exactHessVec(d.X, n, k, rows, sw, curv, v, hv);
      for (let p = 0; p < dim; p++) {
        let s = 0;
        for (let q = 0; q < dim; q++) s += H[p * dim + q] * v[q];
        assert.ok(Math.abs(s - hv[p]) <= 1e-12 * Math.max(1, Math.abs(s)), `(H v)[${p}] ${hv[p]} vs ${s}`);
      }
      // A scale of 2 on every position doubles H; H is symmetric.
      const H2 = new Float64Array(dim * dim);
      jsKernel.exactHessian(d.X, n, k, rows, sw, curv, new Float64Array(count(rows)).fill(2), H2);
      for (let q = 0; q < dim * dim; q++) assert.ok(Math.abs(H2[q] - 2 * H[q]) <= 1e-14 * Math.abs(H[q]) + 1e-300);
      for (let p = 0; p < dim; p++) for (let q = 0; q < p; q++) assert.equal(H[p * dim + q], H[q * dim + p]);
      // Misclassified rows and the curvature, row by row from the definitions.
      const idx = rows instanceof Int32Array ? Array.from(rows) : Array.from({ length: count(rows) }, (_, t) => (rows as { start: number }).start + t);
      let wrong = 0;
      for (const i of idx) {
        const z = Array.from({ length: k }, (_, c) => {
          let s = theta[k * n + c];
          for (let j = 0; j < n; j++) s += theta[c * n + j] * d.X[i * n + j];
          return s;
        });
        if (k === 1) {
          const a = 1 / (1 + Math.exp(-z[0]));
          assert.ok(Math.abs(curv[i] - a * (1 - a)) <= 1e-7 * a * (1 - a), `curv[${i}]`);
          if (y[i] === 1 ? !(z[0] > 0) : !(z[0] < 0)) wrong++;
        } else {
          const ez = z.map(Math.exp);
          const sum = ez.reduce((u, w) => u + w, 0);
          for (let c = 0; c < k; c++) assert.ok(Math.abs(curv[i * k + c] - ez[c] / sum) <= 1e-7 * (ez[c] / sum), `p[${i}][${c}]`);
          if (z.some((zc, c) => c !== y[i] && zc >= z[y[i]])) wrong++;
        }
      }
      assert.equal(r.wrong, wrong);
    });
  }

  test('an empty row set gives zero sums', () => {
    const d = makeData(7, 10, 4, 3);
    for (const k of [1, 3]) {
      const dim = k * 5;
      const g = new Float64Array(dim).fill(7);
      for (const kernel of [jsKernel, createWasmKernel()]) {
        const r = kernel.exactGrad(d.X, 4, k, { start: 3, end: 3 }, labels(d, k), null, randomTheta(1, dim, 1), g, null);
        assert.deepEqual(r, { loss: 0, wrong: 0 });
        assert.ok(g.every((v) => v === 0));
        const out = new Float64Array(dim).fill(7);
        kernel.exactHessVec(d.X, 4, k, new Int32Array(0), null, new Float32Array(10 * k), randomTheta(2, dim, 1), out);
        assert.ok(out.every((v) => v === 0));
        const H = new Float64Array(dim * dim).fill(7);
        kernel.exactHessian(d.X, 4, k, new Int32Array(0), null, new Float32Array(10 * k), null, H);
        assert.ok(H.every((v) => v === 0));
      }
    }
  });
});

describe('SIMD exact passes on larger data and saturated scores', () => {
  const wasm = createWasmKernel();
  const par = createParallelKernel({ threads: 2, minParallelWork: 0 });
  for (const kernel of [wasm, par] as LinearKernel[]) {
    test(`${kernel.name}: m = 1500 (many tiles and blocks), n = 50, binary and softmax`, () => {
      const d = makeData(601, 1500, 50, 4);
      compareExact(kernel, d, 1, { start: 0, end: 1500 }, true, 0.2, 3);
      compareExact(kernel, d, 4, randomRows(4, 1500, 1100), false, 0.15, 4);
    });
    test(`${kernel.name}: saturated scores (|z| up to ~1000) stay finite and match`, () => {
      const d = makeData(602, 64, 6, 3, 10);
      compareExact(kernel, d, 1, { start: 0, end: 64 }, false, 20, 5);
      compareExact(kernel, d, 3, { start: 0, end: 64 }, true, 20, 6);
    });
  }
  test('rows outside X are rejected', () => {
    const d = makeData(603, 10, 5, 3);
    const theta = new Float64Array(6);
    assert.throws(() => wasm.exactGrad(d.X, 5, 1, { start: 0, end: 11 }, labels(d, 1), null, theta, new Float64Array(6), null), RangeError);
    assert.throws(() => wasm.exactHessVec(d.X, 5, 1, Int32Array.of(10), null, new Float32Array(10), theta, new Float64Array(6)), RangeError);
    assert.throws(() => wasm.exactHessian(d.X, 5, 1, Int32Array.of(-1), null, new Float32Array(10), null, new Float64Array(36)), RangeError);
  });
});

/** Every output of the three passes at fixed inputs, as one array (bits compared with deepEqual). */
function allOutputs(kernel: LinearKernel, d: Data, k: number, rows: RowSet): number[] {
  const n = d.n;
  const dim = k * (n + 1);
  const g = new Float64Array(dim);
  const curv = new Float32Array(d.m * k);
  const r = kernel.exactGrad(d.X, n, k, rows, labels(d, k), d.sw, randomTheta(31, dim, 0.3), g, curv);
  const hv = new Float64Array(dim);
  kernel.exactHessVec(d.X, n, k, rows, d.sw, curv, randomTheta(32, dim, 1), hv);
  const H = new Float64Array(dim * dim);
  kernel.exactHessian(d.X, n, k, rows, d.sw, curv, null, H);
  return [r.loss, r.wrong, ...g, ...curv, ...hv, ...H];
}

describe('exact passes are deterministic', () => {
  test('the single-threaded kernel: the same bits twice', () => {
    const wasm = createWasmKernel();
    const d = makeData(700, 203, 37, 3);
    for (const k of [1, 3]) assert.deepEqual(allOutputs(wasm, d, k, { start: 0, end: 203 }), allOutputs(wasm, d, k, { start: 0, end: 203 }));
  });

  test('the parallel kernel: the same bits whether the chunks ran on workers, on the caller, or in the back-off', () => {
    // A pool of its own (nice 1): its first calls find the workers still starting, so the caller runs their chunks,
    // and the next small calls back off to the calling thread; later calls run on the workers.
    const kernel = createParallelKernel({ threads: 3, minParallelWork: 0, nice: 1 });
    const d = makeData(701, 203, 37, 3);
    const rows = randomRows(8, 203, 150);
    const first = [allOutputs(kernel, d, 1, rows), allOutputs(kernel, d, 3, rows)];
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + 10000;
    let calls = 0;
    let s = kernel.threadStats();
    while ((s.posted - s.stolen === 0 || calls < 12) && Date.now() < deadline) {
      assert.deepEqual(allOutputs(kernel, d, 1, rows), first[0], 'binary');
      assert.deepEqual(allOutputs(kernel, d, 3, rows), first[1], 'softmax');
      calls++;
      Atomics.wait(sleeper, 0, 0, 2);
      s = kernel.threadStats();
    }
    assert.ok(s.stolen > 0, 'some chunks ran on the calling thread');
    assert.ok(s.posted - s.stolen > 0, `workers ran none of ${s.posted} chunks`);
    assert.ok(s.calls > s.parallelCalls, 'some calls ran in the back-off, without posting');
  });
});
