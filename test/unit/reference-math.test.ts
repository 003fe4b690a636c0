import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  bce, bceFromLogit, crossEntropyFromLogits, logit, logSumExp, sigmoid, softmax, softplus,
} from './reference-math';

function close(actual: number, expected: number, rel: number, msg?: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= rel * scale,
    `${msg ?? ''} expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected)})`,
  );
}

/** Hand-checked BCE values (from the course notes): [y, p, BCE(y, p)]. */
const BCE_VECTORS: Array<[number, number, number]> = [
  [0, 0.01, 0.01005033585350145],
  [1, 0.99, 0.01005033585350145],
  [0, 0.8, 1.6094379124341005],
  [1, 0.2, 1.6094379124341005],
  [1, 1e-5, 11.512925464970229],
  [1, 1e-10, 23.025850929940457],
];

describe('sigmoid', () => {
  test('known values', () => {
    assert.equal(sigmoid(0), 0.5);
    close(sigmoid(1), 1 / (1 + Math.exp(-1)), 1e-15);
    close(sigmoid(-3), 1 / (1 + Math.exp(3)), 1e-15);
    assert.equal(sigmoid(1000), 1);
    assert.equal(sigmoid(-1000), 0);
    // Large negative z keeps relative precision: σ(−50) ≈ e^−50.
    close(sigmoid(-50) / Math.exp(-50), 1, 1e-12);
    assert.ok(Number.isFinite(sigmoid(-800)) && sigmoid(-800) >= 0);
  });

  test('symmetry σ(−z) = 1 − σ(z)', () => {
    for (const z of [-30, -5, -1, -0.1, 0, 0.3, 2, 7, 20]) {
      close(sigmoid(-z), 1 - sigmoid(z), 1e-15, `z=${z}`);
    }
  });

  test("derivative σ' = σ(1 − σ) by central differences", () => {
    const h = 1e-5;
    for (const z of [-6, -2, -0.5, 0, 0.7, 3, 8]) {
      const fd = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h);
      const s = sigmoid(z);
      assert.ok(Math.abs(fd - s * (1 - s)) < 1e-9, `z=${z}: fd ${fd} vs ${s * (1 - s)}`);
    }
  });
});

describe('softplus', () => {
  test('matches log(1 + e^z) where that is safe, and is stable elsewhere', () => {
    for (const z of [-20, -3, -0.5, 0, 0.5, 3, 20]) close(softplus(z), Math.log(1 + Math.exp(z)), 1e-14, `z=${z}`);
    assert.equal(softplus(0), Math.LN2);
    assert.equal(softplus(1000), 1000);
    assert.equal(softplus(-1000), 0);
    close(softplus(-40) / Math.exp(-40), 1, 1e-12);
  });
});

describe('binary cross-entropy', () => {
  test('bce(y, p) matches hand-checked values', () => {
    for (const [y, p, expected] of BCE_VECTORS) close(bce(y, p), expected, 1e-14, `BCE(${y}, ${p})`);
  });

  test('bce(1, 0) is +∞ by definition; bce(0, 0) = 0', () => {
    assert.equal(bce(1, 0), Infinity);
    assert.equal(bce(0, 1), Infinity);
    assert.equal(bce(0, 0), 0);
    assert.equal(bce(1, 1), 0);
  });

  test('bceFromLogit(y, logit(p)) matches the same values to ~1e-12', () => {
    for (const [y, p, expected] of BCE_VECTORS) {
      const z = logit(p);
      const got = bceFromLogit(y, z);
      assert.ok(Math.abs(got - expected) <= 1e-12 * expected, `BCE(${y}, ${p}) from z=${z}: ${got} vs ${expected}`);
    }
  });

  test('bceFromLogit stays finite where σ(z) rounds to 0 or 1', () => {
    // σ(−800) rounds to 0 so bce(1, σ(−800)) = ∞, but the true loss is softplus(−800) + 800 = 800.
    assert.equal(bce(1, sigmoid(-800)), Infinity);
    assert.equal(bceFromLogit(1, -800), 800);
    assert.equal(bceFromLogit(0, 800), 800);
    close(bceFromLogit(1, 800), 0, 1e-300);
  });
});

describe('softmax and log-sum-exp', () => {
  test('logSumExp', () => {
    close(logSumExp([1000, 1000]), 1000 + Math.LN2, 1e-15);
    close(logSumExp([0, 0, 0]), Math.log(3), 1e-15);
    close(logSumExp([1, 2, 3]), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 1e-15);
    close(logSumExp([-1000, -1000]), -1000 + Math.LN2, 1e-15);
    assert.equal(logSumExp([]), -Infinity);
  });

  test('softmax sums to 1 and matches the definition', () => {
    const z = [0.5, -1.2, 2.0, 0];
    const s = softmax(z);
    const den = z.reduce((a, v) => a + Math.exp(v), 0);
    let sum = 0;
    for (let c = 0; c < z.length; c++) {
      close(s[c], Math.exp(z[c]) / den, 1e-15);
      sum += s[c];
    }
    close(sum, 1, 1e-15);
  });

  test('softmax is invariant to adding a constant and does not overflow', () => {
    const z = [1, 2, 3];
    const a = softmax(z);
    const b = softmax(z.map((v) => v + 1000));
    for (let c = 0; c < 3; c++) close(b[c], a[c], 1e-13);
    const big = softmax([1000, 1000, 0]);
    assert.ok(big.every((v) => Number.isFinite(v)));
    close(big[0], 0.5, 1e-15);
    close(big[1], 0.5, 1e-15);
  });

  test('softmax writes into out (float32 too, and in place)', () => {
    const out = new Float32Array(2);
    const r = softmax([0, 0], out);
    assert.equal(r, out);
    assert.equal(out[0], 0.5);
    const inPlace = [3, 3, 3, 3];
    softmax(inPlace, inPlace);
    assert.deepEqual(inPlace, [0.25, 0.25, 0.25, 0.25]);
  });

  test('crossEntropyFromLogits = −log softmax(z)_y, finite for huge scores', () => {
    const z = [0.3, 1.7, -0.4];
    const s = softmax(z);
    for (let y = 0; y < 3; y++) close(crossEntropyFromLogits(z, y), -Math.log(s[y]), 1e-14);
    close(crossEntropyFromLogits([1000, 0], 1), 1000, 1e-15);
    assert.equal(crossEntropyFromLogits([1000, 0], 0), 0);
    // Two classes reduce to binary cross-entropy with z = z1 − z0.
    close(crossEntropyFromLogits([0, 2.5], 1), bceFromLogit(1, 2.5), 1e-15);
    close(crossEntropyFromLogits([0, 2.5], 0), bceFromLogit(0, 2.5), 1e-15);
  });
});
