import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Objective } from '../../src/engine/model/objective';
import { bceFromLogit, crossEntropyFromLogits, sigmoid, softmax } from './reference-math';
import { createRng, normal } from '../../src/engine/random';
import type { LossKind, RowSet, Split } from '../../src/engine/types';

/** Small random split: m rows, n standard-normal features, labels in {0 … K−1} (unbalanced on purpose). */
function makeSplit(seed: number, m: number, n: number, K: number): Split {
  const rng = createRng(seed);
  const X = new Float32Array(m * n);
  for (let q = 0; q < X.length; q++) X[q] = normal(rng);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const u = rng();
    y[i] = K === 2 ? (u < 0.3 ? 1 : 0) : Math.min(K - 1, Math.floor(u * u * K));
  }
  for (let c = 0; c < K; c++) y[c] = c; // every class present
  return { X, y, m, sourceRows: Int32Array.from({ length: m }, (_, i) => i) };
}

function randomParams(seed: number, k: number, n: number): { W: Float32Array; b: Float32Array } {
  const rng = createRng(seed);
  const W = new Float32Array(k * n);
  for (let q = 0; q < W.length; q++) W[q] = 0.8 * normal(rng);
  const b = new Float32Array(k);
  for (let c = 0; c < k; c++) b[c] = 0.5 * normal(rng);
  return { W, b };
}

/** Independent objective: J written from the definition with math.ts losses (BCE) or explicit formulas (MSE). */
function referenceJ(
  split: Split, k: number, K: number, loss: LossKind, l2: number, balanced: boolean,
  W: Float32Array, b: Float32Array, rows: number[],
): number {
  const n = split.X.length / split.m;
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < split.m; i++) counts[split.y[i]]++;
  let num = 0;
  let den = 0;
  for (const i of rows) {
    // The contract stores weights as float32, so the reference rounds them the same way.
    const s = balanced ? Math.fround(split.m / (K * counts[split.y[i]])) : 1;
    const z: number[] = [];
    for (let c = 0; c < k; c++) {
      let v = b[c];
      for (let j = 0; j < n; j++) v += W[c * n + j] * split.X[i * n + j];
      z.push(v);
    }
    let l: number;
    if (k === 1) {
      const yi = split.y[i];
      l = loss === 'bce' ? bceFromLogit(yi, z[0]) : 0.5 * (sigmoid(z[0]) - yi) ** 2;
    } else if (loss === 'bce') {
      l = crossEntropyFromLogits(z, split.y[i]);
    } else {
      const p = softmax(z);
      l = 0;
      for (let c = 0; c < k; c++) l += 0.5 * (p[c] - (c === split.y[i] ? 1 : 0)) ** 2;
    }
    num += s * l;
    den += s;
  }
  let sq = 0;
  for (const w of W) sq += w * w;
  return (den > 0 ? num / den : 0) + 0.5 * l2 * sq;
}

/** Central differences on float32 parameters: the step actually taken is the float32-rounded one. */
function fdGradient(f: () => number, P: Float32Array, h: number): Float64Array {
  const g = new Float64Array(P.length);
  for (let q = 0; q < P.length; q++) {
    const p0 = P[q];
    P[q] = p0 + h;
    const up = P[q];
    const jp = f();
    P[q] = p0 - h;
    const dn = P[q];
    const jm = f();
    P[q] = p0;
    g[q] = (jp - jm) / (up - dn);
  }
  return g;
}

function assertGradClose(got: Float32Array, fd: Float64Array, msg: string): void {
  let scale = 1e-3;
  for (const v of fd) scale = Math.max(scale, Math.abs(v));
  for (let q = 0; q < fd.length; q++) {
    assert.ok(Math.abs(got[q] - fd[q]) <= 2e-5 * scale, `${msg}[${q}]: analytic ${got[q]} vs finite difference ${fd[q]}`);
  }
}

const m = 30;
const subset = Int32Array.from([0, 1, 2, 5, 8, 13, 21, 22, 29, 5]);
const rowCases: Array<[string, RowSet | null, number[]]> = [
  ['all rows', null, Array.from({ length: m }, (_, i) => i)],
  ['a row list', subset, Array.from(subset)],
  ['a range', { start: 4, end: 19 }, Array.from({ length: 15 }, (_, i) => 4 + i)],
];

for (const [kind, K] of [['binary', 2], ['softmax', 3]] as Array<[string, number]>) {
  const k = K === 2 ? 1 : K;
  const n = 4;
  const split = makeSplit(K * 101, m, n, K);
  for (const loss of ['bce', 'mse'] as LossKind[]) {
    describe(`Objective ${kind} ${loss}: value and finite-difference gradient`, () => {
      for (const l2 of [0, 0.3]) {
        for (const classWeight of [null, 'balanced'] as Array<'balanced' | null>) {
          for (const [rowLabel, rows, list] of rowCases) {
            test(`λ=${l2}, classWeight=${classWeight}, ${rowLabel}`, () => {
              const obj = new Objective(split, k, { loss, l2, classWeight, numClasses: K });
              const { W, b } = randomParams(7 + K, k, n);
              const gW = new Float32Array(k * n);
              const gB = new Float32Array(k);
              const J = obj.evaluate(W, b, rows, gW, gB);
              const Jref = referenceJ(split, k, K, loss, l2, classWeight === 'balanced', W, b, list);
              assert.ok(Math.abs(J - Jref) <= 1e-12 * Math.max(1, Jref), `J ${J} vs reference ${Jref}`);
              // Evaluating without gradient buffers gives the same value.
              assert.equal(obj.evaluate(W, b, rows), J);
              const f = () => obj.evaluate(W, b, rows);
              assertGradClose(gW, fdGradient(f, W, 1e-3), 'dW');
              assertGradClose(gB, fdGradient(f, b, 1e-3), 'db');
            });
          }
        }
      }
    });
  }
}

describe('Objective details', () => {
  test('balanced weights are m / (K · m_c) and sum to m', () => {
    const split = makeSplit(5, 40, 2, 3);
    const obj = new Objective(split, 3, { loss: 'bce', l2: 0, classWeight: 'balanced', numClasses: 3 });
    const counts = [0, 0, 0];
    for (const v of split.y) counts[v]++;
    const sw = obj.sampleWeights;
    assert.ok(sw);
    for (let i = 0; i < split.m; i++) {
      assert.ok(Math.abs(sw[i] - 40 / (3 * counts[split.y[i]])) < 1e-6);
    }
    assert.ok(Math.abs(obj.totalWeight - 40) < 1e-4);
    const plain = new Objective(split, 3, { loss: 'bce', l2: 0, classWeight: null, numClasses: 3 });
    assert.equal(plain.sampleWeights, null);
    assert.equal(plain.totalWeight, 40);
  });

  test('at W = 0, b = 0 the loss is ln 2 (binary) and ln K (softmax); the bias is not penalised', () => {
    const s2 = makeSplit(1, 20, 3, 2);
    const bin = new Objective(s2, 1, { loss: 'bce', l2: 5, classWeight: null, numClasses: 2 });
    assert.ok(Math.abs(bin.evaluate(new Float32Array(3), Float32Array.from([0]), null) - Math.LN2) < 1e-15);
    const s3 = makeSplit(2, 20, 3, 3);
    const soft = new Objective(s3, 3, { loss: 'bce', l2: 5, classWeight: null, numClasses: 3 });
    assert.ok(Math.abs(soft.evaluate(new Float32Array(9), new Float32Array(3), null) - Math.log(3)) < 1e-15);
    // Only the bias changes: J changes only through the data term (no λ b² term).
    const b = Float32Array.from([2, 0, 0]);
    const Jb = soft.evaluate(new Float32Array(9), b, null);
    const noL2 = new Objective(s3, 3, { loss: 'bce', l2: 0, classWeight: null, numClasses: 3 });
    assert.equal(Jb, noL2.evaluate(new Float32Array(9), b, null));
  });

  test('an empty row set gives only the penalty term', () => {
    const split = makeSplit(3, 10, 2, 2);
    const obj = new Objective(split, 1, { loss: 'bce', l2: 2, classWeight: null, numClasses: 2 });
    const W = Float32Array.from([1, -2]);
    const gW = new Float32Array(2);
    const gB = new Float32Array(1);
    const J = obj.evaluate(W, Float32Array.from([0.5]), { start: 3, end: 3 }, gW, gB);
    assert.equal(J, 5); // (2/2)·(1 + 4)
    assert.deepEqual(Array.from(gW), [2, -4]);
    assert.deepEqual(Array.from(gB), [0]);
  });
});
