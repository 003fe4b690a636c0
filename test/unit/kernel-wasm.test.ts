import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createWasmKernel, getWasmCore } from '../../src/engine/kernels/kernel-wasm';
import { makeData, randomParams, assertRel, compareBinary, compareSoftmax, suite } from './kernel-compare';

/**
 * The WebAssembly SIMD kernel against the pure-TypeScript reference on seeded random data. The wasm kernel
 * accumulates in float32 (within 256-row tiles) where the reference uses float64, so gradients are compared
 * with a tolerance relative to the scale of the terms summed: |Δ_j| ≤ 2e−5 · Σ_i |s_i r_ij x_ij| + 1e−6.
 */

const wasm = createWasmKernel();


suite(wasm, 203, 'wasm kernel');

describe('wasm kernel: larger data and extreme scores', () => {
  test('m = 1500 (several float32 tiles), n = 50, binary and softmax', () => {
    const d = makeData(77, 1500, 50, 4);
    compareBinary(wasm, d, { start: 0, end: 1500 }, true, 'bce', 0.3, 5);
    compareSoftmax(wasm, d, 4, { start: 0, end: 1500 }, false, 'bce', 0.3, 6);
  });

  test('saturated sigmoid and softmax (|z| up to ~1000) keep finite, matching losses', () => {
    const d = makeData(78, 64, 6, 3, 10);
    compareBinary(wasm, d, { start: 0, end: 64 }, false, 'bce', 20, 7);
    compareBinary(wasm, d, { start: 0, end: 64 }, false, 'mse', 20, 7);
    compareSoftmax(wasm, d, 3, { start: 0, end: 64 }, true, 'bce', 20, 8);
    compareSoftmax(wasm, d, 3, { start: 0, end: 64 }, true, 'mse', 20, 8);
  });

  test('an empty row set gives zero sums and zero gradients', () => {
    const d = makeData(79, 10, 5, 3);
    const g = new Float32Array(5).fill(7);
    const r = wasm.binaryGrad(d.X, 5, { start: 4, end: 4 }, d.yBin, null, new Float32Array(5), 0, 'bce', g);
    assert.deepEqual(r, { loss: 0, gB: 0 });
    assert.deepEqual(Array.from(g), [0, 0, 0, 0, 0]);
    const gW = new Float32Array(15).fill(7);
    const gB = new Float32Array(3).fill(7);
    const l = wasm.softmaxGrad(d.X, 5, 3, new Int32Array(0), d.yCls, null, new Float32Array(15), new Float32Array(3), 'bce', gW, gB);
    assert.equal(l, 0);
    assert.ok(gW.every((v) => v === 0) && gB.every((v) => v === 0));
  });

  test('rows outside X are rejected instead of reading other memory', () => {
    const d = makeData(80, 10, 5, 3);
    const g = new Float32Array(5);
    const w = new Float32Array(5);
    assert.throws(() => wasm.binaryGrad(d.X, 5, { start: 0, end: 11 }, d.yBin, null, w, 0, 'bce', g), RangeError);
    assert.throws(() => wasm.binaryGrad(d.X, 5, Int32Array.of(0, 10), d.yBin, null, w, 0, 'bce', g), RangeError);
    assert.throws(() => wasm.binaryGrad(d.X, 5, Int32Array.of(-1), d.yBin, null, w, 0, 'bce', g), RangeError);
  });

  test('distinct X arrays of the same shape are not confused; forget() picks up in-place changes', () => {
    const a = makeData(81, 40, 6, 2);
    const b = makeData(82, 40, 6, 2);
    const w = randomParams(3, 6, 0.5);
    const rows = { start: 0, end: 40 };
    const ga = new Float32Array(6);
    const gb = new Float32Array(6);
    const ra = wasm.binaryGrad(a.X, 6, rows, a.yBin, null, w, 0, 'bce', ga);
    const rb = wasm.binaryGrad(b.X, 6, rows, a.yBin, null, w, 0, 'bce', gb);
    const refB = jsKernel.binaryGrad(b.X, 6, rows, a.yBin, null, w, 0, 'bce', new Float32Array(6));
    assert.notEqual(ra.loss, rb.loss);
    assertRel(rb.loss, refB.loss, 1e-5, 'second X');
    a.X.fill(0);
    wasm.forget(a.X);
    const r0 = wasm.binaryGrad(a.X, 6, rows, a.yBin, null, w, 0, 'bce', ga);
    assertRel(r0.loss, 40 * Math.log(2), 1e-6, 'X = 0 gives loss m·log 2');
  });

  test('more distinct X arrays than the cache holds: evicted ones are copied again and stay correct', () => {
    const sets = Array.from({ length: 7 }, (_, q) => makeData(200 + q, 30, 5, 2));
    const w = randomParams(9, 5, 0.5);
    const rows = { start: 0, end: 30 };
    for (let round = 0; round < 2; round++) {
      for (const d of sets) {
        const got = wasm.binaryGrad(d.X, 5, rows, d.yBin, null, w, 0.1, 'bce', new Float32Array(5));
        const ref = jsKernel.binaryGrad(d.X, 5, rows, d.yBin, null, w, 0.1, 'bce', new Float32Array(5));
        assertRel(got.loss, ref.loss, 1e-5, `round ${round}`);
      }
    }
  });

  test('matrices.alloc gives an X used in place (writes are seen without forget)', () => {
    const n = 4;
    const X = wasm.matrices.alloc(8 * n);
    assert.equal(X.length, 32);
    assert.ok(X.every((v) => v === 0));
    const y = new Float32Array(8).fill(1);
    const w = Float32Array.of(1, 1, 1, 1);
    const g = new Float32Array(n);
    const r0 = wasm.binaryGrad(X, n, { start: 0, end: 8 }, y, null, w, 0, 'bce', g);
    assertRel(r0.loss, 8 * Math.log(2), 1e-6, 'zero X');
    X.fill(1);
    const r1 = wasm.binaryGrad(X, n, { start: 0, end: 8 }, y, null, w, 0, 'bce', g);
    // z = 4 for every row: loss = 8·softplus(−4)
    assertRel(r1.loss, 8 * Math.log1p(Math.exp(-4)), 1e-6, 'X = 1');
  });
});

describe('wasm kernel: matrices prepared in its memory (matrices store)', () => {
  const store = wasm.matrices;
  const n = 4;
  const y = new Float32Array(8).fill(1);
  const w = Float32Array.of(1, 1, 1, 1);
  /** The binary loss over `m` rows of X: 0 for a zero X is m·ln 2, X = 1 gives m·softplus(−4). */
  const loss = (X: Float32Array, m: number): number => wasm.binaryGrad(X, n, { start: 0, end: m }, y, null, w, 0, 'bce', new Float32Array(n)).loss;

  test('a matrix in the memory is used in place: writes to it are seen without forget', () => {
    const X = store.alloc(8 * n);
    assert.equal(X.buffer, getWasmCore().memory.buffer);
    assertRel(loss(X, 8), 8 * Math.log(2), 1e-6, 'zero rows');
    // Written after its first use: a copy would still hold zeros.
    X.fill(1, 4 * n);
    assertRel(loss(X, 8), 4 * Math.log(2) + 4 * Math.log1p(Math.exp(-4)), 1e-6, 'rows 4–7 = 1, seen in place');
    // The reference kernel on a plain copy agrees.
    const ref = jsKernel.binaryGrad(Float32Array.from(X), n, { start: 0, end: 8 }, y, null, w, 0, 'bce', new Float32Array(n));
    assertRel(loss(X, 8), ref.loss, 1e-6, 'against the reference');
    store.release(X);
  });

  test('release frees the block at once: the next matrix of that size reuses it, zero-filled', () => {
    const X = store.alloc(1 << 16);
    X.fill(7);
    const offset = X.byteOffset;
    store.release(X);
    const again = store.alloc(1 << 16);
    assert.equal(again.byteOffset, offset, 'the freed block is handed out again');
    assert.ok(again.every((v) => v === 0), 'memory used before is cleared');
    store.release(again);
    store.release(again); // twice is harmless
  });

  test('releasing every dataset matrix keeps the memory from growing over many allocations', () => {
    const size = 1 << 20;
    store.release(store.alloc(size));
    const grown = getWasmCore().memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) {
      const X = store.alloc(size);
      X.fill(i);
      store.release(X);
    }
    assert.equal(getWasmCore().memory.buffer.byteLength, grown, '20 × 4 MiB allocated and released: no growth');
  });

  test('plain arrays are neither used in place nor freed by release', () => {
    const X = new Float32Array(8 * n);
    store.release(X);
    assertRel(loss(X, 8), 8 * Math.log(2), 1e-6, 'a plain X is copied in');
    X.fill(1);
    wasm.forget(X);
    assertRel(loss(X, 8), 8 * Math.log1p(Math.exp(-4)), 1e-6, 'and copied again after forget');
  });
});
