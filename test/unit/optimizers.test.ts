import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { adamOptimizer, createOptimizer, momentumOptimizer, plainOptimizer } from '../../src/engine/train/optimizers';
import { DEFAULT_TRAIN_CONFIG } from '../../src/engine/config';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected}`);
}

describe('plain gradient descent', () => {
  test('θ ← θ − α g, rounded to float32', () => {
    const p = Float32Array.from([1, -2, 0.3]);
    plainOptimizer('gd').step(p, Float32Array.from([0.5, 0.25, -1]), 0.1);
    assert.equal(p[0], Math.fround(0.95));
    assert.equal(p[1], Math.fround(-2.025));
    assert.equal(p[2], Math.fround(Math.fround(0.3) + 0.1));
  });
});

describe('momentum', () => {
  test('constant gradient: v = g, 1.9g, 2.71g (β = 0.9), θ moves by α·Σv', () => {
    const opt = momentumOptimizer(2, 0.9);
    const p = new Float32Array(2);
    const g = Float32Array.from([1, -2]);
    const expected = [-0.5, -1.45, -2.805];
    for (let t = 0; t < 3; t++) {
      opt.step(p, g, 0.5);
      close(p[0], expected[t], 1e-6, `step ${t + 1} θ0`);
      close(p[1], -2 * expected[t], 1e-6, `step ${t + 1} θ1`);
    }
    assert.deepEqual(opt.getState().buffers[0].map((v) => Math.round(v * 1e9) / 1e9), [2.71, -5.42]);
  });

  test('alternating gradient: v = 1, −0.1, 0.91 (β = 0.9)', () => {
    const opt = momentumOptimizer(1, 0.9);
    const p = new Float32Array(1);
    opt.step(p, Float32Array.from([1]), 1);
    opt.step(p, Float32Array.from([-1]), 1);
    opt.step(p, Float32Array.from([1]), 1);
    // θ = −(1) − (−0.1) − (0.91) = −1.81
    close(p[0], -1.81, 1e-6);
  });

  test('reset clears the velocity', () => {
    const opt = momentumOptimizer(1, 0.9);
    const p = new Float32Array(1);
    opt.step(p, Float32Array.from([1]), 1);
    opt.reset();
    p[0] = 0;
    opt.step(p, Float32Array.from([1]), 1);
    assert.equal(p[0], -1);
  });
});

describe('Adam', () => {
  test('first step moves each parameter by α·g/(|g| + ε) ≈ α·sign(g)', () => {
    const opt = adamOptimizer(3, 0.9, 0.999, 1e-8);
    const p = new Float32Array(3);
    opt.step(p, Float32Array.from([2, -0.001, 0]), 0.01);
    close(p[0], -0.01, 1e-9);
    close(p[1], 0.01 * (0.001 / (0.001 + 1e-8)), 1e-9);
    assert.equal(p[2], 0);
  });

  test('constant gradient: bias correction makes every step ≈ α', () => {
    const opt = adamOptimizer(1, 0.9, 0.999, 1e-8);
    const p = new Float32Array(1);
    for (let t = 1; t <= 5; t++) {
      opt.step(p, Float32Array.from([0.3]), 0.01);
      close(p[0], -0.01 * t, 1e-7, `step ${t}`);
    }
  });

  test('g = 1 then −1: second step is +α·(0.01/0.19)/(1 + ε) by hand', () => {
    const opt = adamOptimizer(1, 0.9, 0.999, 1e-8);
    const p = new Float32Array(1);
    opt.step(p, Float32Array.from([1]), 0.1);
    close(p[0], -0.1, 1e-8);
    opt.step(p, Float32Array.from([-1]), 0.1);
    // m₂ = 0.9·0.1 − 0.1 = −0.01, m̂₂ = −0.01/0.19; v₂ = 0.999·0.001 + 0.001 = 0.001999, v̂₂ = 1.
    close(p[0], -0.1 + 0.1 * (0.01 / 0.19) / (1 + 1e-8), 1e-8);
    const st = opt.getState();
    assert.equal(st.t, 2);
    close(st.buffers[0][0], -0.01, 1e-15);
    close(st.buffers[1][0], 0.001999, 1e-15);
  });

  test('state round trip continues identically', () => {
    const a = adamOptimizer(2, 0.9, 0.999, 1e-8);
    const pa = Float32Array.from([0.5, -0.5]);
    const grads = [Float32Array.from([0.2, -0.1]), Float32Array.from([0.4, 0.3]), Float32Array.from([-0.5, 0.05])];
    a.step(pa, grads[0], 0.05);
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const b = adamOptimizer(2, 0.9, 0.999, 1e-8);
    b.setState(saved);
    const pb = Float32Array.from(pa);
    for (const g of grads.slice(1)) {
      a.step(pa, g, 0.05);
      b.step(pb, g, 0.05);
    }
    assert.deepEqual(Array.from(pb), Array.from(pa));
    assert.throws(() => momentumOptimizer(2, 0.9).setState(saved), RangeError);
  });
});

describe('all optimisers minimise a quadratic', () => {
  for (const kind of ['gd', 'sgd', 'momentum', 'adam'] as const) {
    test(kind, () => {
      // f(θ) = ½ Σ d_i (θ_i − c_i)², ∇f = d ⊙ (θ − c)
      const c = [1, -2, 0.5];
      const d = [1, 4, 0.5];
      const opt = createOptimizer({ ...DEFAULT_TRAIN_CONFIG, optimizer: kind }, 3);
      assert.equal(opt.kind, kind);
      const p = new Float32Array(3);
      const g = new Float32Array(3);
      const lr = kind === 'adam' ? 0.05 : 0.2;
      for (let t = 0; t < 600; t++) {
        for (let i = 0; i < 3; i++) g[i] = d[i] * (p[i] - c[i]);
        opt.step(p, g, lr);
      }
      for (let i = 0; i < 3; i++) close(p[i], c[i], 1e-3, `${kind} θ${i}`);
    });
  }
});
