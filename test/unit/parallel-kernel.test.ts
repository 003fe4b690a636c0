import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createParallelKernel, stopKernelThreads } from '../../src/engine/node/parallel-kernel';
import { makeData, randomParams, randomRows, termScale, assertClose, assertRel, compareBinary, compareSoftmax, suite } from './kernel-compare';

/**
 * The multi-threaded WebAssembly kernel against the pure-TypeScript reference on seeded random data, with rows
 * split across 2 and 3 threads (minParallelWork 0 forces the split even for small calls). Same tolerances as
 * kernel-wasm.test.ts: |Δ_j| ≤ 2e−5 · Σ_i |s_i r_ij x_ij| + 1e−6 for gradients, 1e−5 relative for losses.
 */

after(() => stopKernelThreads());



const two = createParallelKernel({ threads: 2, minParallelWork: 0 });
const three = createParallelKernel({ threads: 3, minParallelWork: 0 });

suite(two, 203, 'parallel kernel, 2 threads');
suite(three, 61, 'parallel kernel, 3 threads');

describe('parallel kernel: threading details', () => {
  test('worker threads do run chunks (not only the calling thread), and the sums stay exact', () => {
    const k = createParallelKernel({ threads: 2, minParallelWork: 0 });
    const d = makeData(95, 4000, 64, 3);
    const w = randomParams(12, 64, 0.2);
    const gRef = new Float32Array(64);
    const ref = jsKernel.binaryGrad(d.X, 64, { start: 0, end: 4000 }, d.yBin, null, w, 0, 'bce', gRef);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + 5000;
    let s = k.threadStats();
    while (s.posted - s.stolen === 0 && Date.now() < deadline) {
      const g = new Float32Array(64);
      const r = k.binaryGrad(d.X, 64, { start: 0, end: 4000 }, d.yBin, null, w, 0, 'bce', g);
      assertRel(r.loss, ref.loss, 1e-5, 'loss');
      assertClose(g, gRef, termScale(d, { start: 0, end: 4000 }, null, 1), 'gradient');
      Atomics.wait(sleeper, 0, 0, 5); // give a starting worker time to boot
      s = k.threadStats();
    }
    assert.ok(s.parallelCalls > 0 && s.posted > 0);
    assert.ok(s.posted - s.stolen > 0, `workers ran none of ${s.posted} chunks`);
  });

  test('thread count defaults to min(available cores, 4)', () => {
    const k = createParallelKernel();
    assert.ok(k.threads >= 1 && k.threads <= 4);
  });

  test('X on a SharedArrayBuffer (not the kernel memory) is copied once and gives the reference results', () => {
    const d = makeData(90, 300, 20, 5);
    const shared = new Float32Array(new SharedArrayBuffer(d.X.byteLength));
    shared.set(d.X);
    compareBinary(two, { ...d, X: shared }, { start: 0, end: 300 }, true, 'bce', 0.4, 3);
    compareSoftmax(three, { ...d, X: shared }, 5, { start: 0, end: 300 }, false, 'mse', 0.3, 4);
  });

  test('many consecutive calls (mini-batches) reuse the workers and match the single-pass sums', () => {
    const d = makeData(91, 1024, 30, 4);
    const w = randomParams(5, 30, 0.3);
    const total = new Float64Array(30);
    let lossSum = 0;
    const g = new Float32Array(30);
    const order = randomRows(6, 1024, 1024);
    for (let s = 0; s < 1024; s += 64) {
      const r = two.binaryGrad(d.X, 30, order.subarray(s, s + 64), d.yBin, null, w, 0, 'bce', g);
      lossSum += r.loss;
      for (let j = 0; j < 30; j++) total[j] += g[j];
    }
    const gRef = new Float32Array(30);
    const ref = jsKernel.binaryGrad(d.X, 30, order, d.yBin, null, w, 0, 'bce', gRef);
    assertRel(lossSum, ref.loss, 1e-5, 'loss over batches');
    assertClose(total, gRef, termScale(d, order, null, 1), 'gradient over batches');
  });

  test('more threads than rows: small calls still give the reference results', () => {
    const d = makeData(92, 7, 9, 3);
    compareBinary(three, d, { start: 0, end: 7 }, false, 'bce', 0.4, 8);
    compareSoftmax(three, d, 3, Int32Array.of(6, 1, 2), true, 'bce', 0.3, 9);
  });

  test('a kernel error inside the calling thread is reported, and the next call works', () => {
    const d = makeData(93, 50, 4, 2);
    const g = new Float32Array(4);
    assert.throws(() => two.binaryGrad(d.X, 4, { start: 0, end: 51 }, d.yBin, null, new Float32Array(4), 0, 'bce', g), RangeError);
    compareBinary(two, d, { start: 0, end: 50 }, false, 'mse', 0.4, 10);
  });
});
