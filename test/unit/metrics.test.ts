import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracy, confusionMetrics, logLoss, predictLabels, ROC_MAX_POINTS, rocCurve, trapezoidArea } from '../../src/engine/model/metrics';
import type { ConfusionMetrics } from '../../src/engine/types';
import { accuracyFromScores, probabilitiesFromScores } from '../../src/engine/model/model-io';
import { createRng } from '../../src/engine/random';

/** What the scikit-learn fixture holds for one case: the metrics without the echoed inputs. */
type Expected = Omit<ConfusionMetrics, 'classes' | 'threshold'>;
interface Case {
  name: string;
  classes: string[];
  threshold: number;
  yTrue: number[];
  probs: number[];
  expected: Expected;
}

const fixture = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/metrics/cases.json'), 'utf8'),
) as { cases: Case[] };

function close(actual: number, expected: number, what: string, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}
function closeArr(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}

describe('confusionMetrics against scikit-learn', () => {
  assert.ok(fixture.cases.length >= 6);
  for (const c of fixture.cases) {
    test(c.name, () => {
      const y = Int32Array.from(c.yTrue);
      const p = Float32Array.from(c.probs);
      // The fixture's probabilities are float32 values: storing them must not change them.
      for (let i = 0; i < p.length; i++) assert.equal(p[i], c.probs[i]);
      const r = confusionMetrics(y, p, c.classes, c.threshold);
      const e = c.expected;
      assert.deepEqual(r.classes, c.classes);
      assert.deepEqual(r.matrix, e.matrix);
      close(r.accuracy, e.accuracy, 'accuracy');
      closeArr(r.precision, e.precision, 'precision');
      closeArr(r.recall, e.recall, 'recall');
      closeArr(r.f1, e.f1, 'f1');
      assert.deepEqual(r.support, e.support);
      close(r.macroPrecision, e.macroPrecision, 'macroPrecision');
      close(r.macroRecall, e.macroRecall, 'macroRecall');
      close(r.macroF1, e.macroF1, 'macroF1');
      close(r.logLoss, e.logLoss, 'logLoss');
      if (e.roc) {
        assert.ok(r.roc, 'roc expected');
        closeArr(r.roc.fpr, e.roc.fpr, 'fpr');
        closeArr(r.roc.tpr, e.roc.tpr, 'tpr');
        closeArr(r.roc.thresholds, e.roc.thresholds, 'thresholds');
        assert.ok(r.auc !== undefined);
        close(r.auc, e.auc as number, 'auc');
      } else {
        assert.equal(r.roc, undefined);
        assert.equal(r.auc, undefined);
      }
      if (c.classes.length === 2) assert.equal(r.threshold, c.threshold);
    });
  }
});

describe('metrics by hand', () => {
  test('AUC of a tie between a positive and a negative is ½ (diagonal segment)', () => {
    const roc = rocCurve(Int32Array.from([1, 0]), [0.7, 0.7]);
    assert.ok(roc);
    assert.deepEqual(roc.fpr, [0, 1]);
    assert.deepEqual(roc.tpr, [0, 1]);
    assert.equal(trapezoidArea(roc.fpr, roc.tpr), 0.5);
  });

  test('ROC points by their definition on random scores with many ties, −0 and 0, and NaN', () => {
    // tpr(t) = #{s_i ≥ t, y_i = 1}/P and fpr(t) likewise, at every distinct score t in decreasing order.
    const byDefinition = (y: Int32Array, s: Float32Array): { fpr: number[]; tpr: number[]; thresholds: number[] } => {
      const P = y.filter((v) => v === 1).length;
      const N = y.length - P;
      const distinct = [...new Set(Array.from(s).filter((v) => !Number.isNaN(v)).map((v) => (v === 0 ? 0 : v)))].sort((a, b) => b - a);
      const out = { fpr: [0], tpr: [0], thresholds: [distinct[0] + 1] };
      for (const t of distinct) {
        let tp = 0;
        let fp = 0;
        for (let i = 0; i < y.length; i++) if (s[i] >= t) (y[i] === 1 ? tp++ : fp++);
        out.fpr.push(fp / N);
        out.tpr.push(tp / P);
        out.thresholds.push(t);
      }
      return out;
    };
    let seed = 3;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const [m, levels] of [[2, 2], [50, 3], [400, 20], [3000, 1000], [3000, 1e9]] as const) {
      const y = Int32Array.from({ length: m }, (_, i) => (i < 2 ? i : rnd() < 0.4 ? 1 : 0));
      const s = Float32Array.from({ length: m }, () => {
        const u = rnd();
        return u < 0.02 ? -0 : u < 0.04 ? 0 : u < 0.05 && m > 2 ? NaN : Math.floor(rnd() * levels) / levels;
      });
      const roc = rocCurve(y, s);
      assert.ok(roc);
      const want = byDefinition(y, s);
      assert.deepEqual(roc.fpr, want.fpr, `fpr, m=${m}`);
      assert.deepEqual(roc.tpr, want.tpr, `tpr, m=${m}`);
      assert.deepEqual(roc.thresholds.map((t) => (t === 0 ? 0 : t)), want.thresholds, `thresholds, m=${m}`);
    }
  });

  test('a long ROC curve is thinned for drawing: its own points, steps under 0.001, the AUC of the whole curve', () => {
    let seed = 5;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const m = 200_000;
    const y = Int32Array.from({ length: m }, () => (rnd() < 0.3 ? 1 : 0));
    // Scores that rank the positives a little higher: about m distinct values.
    const probs = Float32Array.from(y, (v) => Math.min(1, Math.max(0, 0.35 + 0.15 * v + 0.3 * (rnd() - 0.5))));
    const whole = rocCurve(y, probs);
    assert.ok(whole && whole.fpr.length > 10 * ROC_MAX_POINTS, `${whole?.fpr.length} points`);
    const cm = confusionMetrics(y, probs, ['0', '1']);
    assert.ok(cm.roc);
    assert.equal(cm.rocPoints, whole.fpr.length);
    assert.equal(cm.auc, trapezoidArea(whole.fpr, whole.tpr), 'the AUC is the whole curve\'s');
    const kept = cm.roc;
    assert.ok(kept.fpr.length <= 2002, `${kept.fpr.length} points kept`);
    // Every kept point is a point of the curve, in order; the first and the last are kept.
    let t = 0;
    for (let i = 0; i < kept.fpr.length; i++) {
      while (t < whole.fpr.length && !(whole.thresholds[t] === kept.thresholds[i])) t++;
      assert.ok(t < whole.fpr.length, `kept point ${i} is on the curve`);
      assert.equal(kept.fpr[i], whole.fpr[t]);
      assert.equal(kept.tpr[i], whole.tpr[t]);
    }
    assert.equal(kept.thresholds[0], whole.thresholds[0]);
    assert.equal(kept.thresholds[kept.fpr.length - 1], whole.thresholds[whole.fpr.length - 1]);
    // Between two kept points the curve moves less than 0.001 in each coordinate before the next one is kept.
    let k = 0;
    for (let i = 1; i < whole.fpr.length; i++) {
      if (k + 1 < kept.fpr.length && whole.thresholds[i] === kept.thresholds[k + 1]) k++;
      else {
        assert.ok(whole.fpr[i] - kept.fpr[k] < 1e-3 && whole.tpr[i] - kept.tpr[k] < 1e-3, `point ${i} within 0.001 of kept point ${k}`);
      }
    }
    // A short curve is sent whole.
    const small = confusionMetrics(y.subarray(0, 500), probs.subarray(0, 500), ['0', '1']);
    assert.equal(small.rocPoints, undefined);
    assert.deepEqual(small.roc, rocCurve(y.subarray(0, 500), probs.subarray(0, 500)));
  });

  test('perfect ranking has AUC 1, reversed ranking 0', () => {
    const y = Int32Array.from([0, 0, 1, 1]);
    const up = confusionMetrics(y, Float32Array.from([0.1, 0.2, 0.8, 0.9]), ['a', 'b']);
    assert.equal(up.auc, 1);
    const down = confusionMetrics(y, Float32Array.from([0.9, 0.8, 0.2, 0.1]), ['a', 'b']);
    assert.equal(down.auc, 0);
  });

  test('binary threshold is inclusive (p ≥ t predicts class 1)', () => {
    const p = Float32Array.from([0.5, 0.49, 0.25]);
    assert.deepEqual(Array.from(predictLabels(p, 3, 2)), [1, 0, 0]);
    assert.deepEqual(Array.from(predictLabels(p, 3, 2, 0.25)), [1, 1, 1]);
  });

  test('accuracy and m×2 binary layout', () => {
    const y = Int32Array.from([1, 0, 1, 1]);
    assert.equal(accuracy(y, Float32Array.from([0.9, 0.6, 0.4, 0.7]), 2), 0.5);
    const two = Float32Array.from([0.1, 0.9, 0.4, 0.6, 0.6, 0.4, 0.3, 0.7]);
    assert.equal(accuracy(y, two, 2), 0.5);
  });

  test('log loss by hand: −mean log p_y, clipped at 1e-15', () => {
    const y = Int32Array.from([1, 0]);
    const v = logLoss(y, Float32Array.from([0.8, 0.25]), 2);
    close(v, -(Math.log(Math.fround(0.8)) + Math.log(1 - 0.25)) / 2, 'logLoss', 1e-15);
    const clipped = logLoss(Int32Array.from([1]), Float32Array.from([0]), 2);
    close(clipped, -Math.log(1e-15), 'clipped', 1e-12);
    assert.ok(Number.isFinite(clipped));
  });

  test('multiclass argmax and zero-division precision of a never-predicted class', () => {
    const y = Int32Array.from([0, 1, 2, 2]);
    const p = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.5, 0.4, 0.1, 0.2, 0.7, 0.1]);
    const r = confusionMetrics(y, p, ['a', 'b', 'c']);
    assert.deepEqual(r.matrix, [[1, 0, 0], [0, 1, 0], [1, 1, 0]]);
    assert.equal(r.precision[2], 0);
    assert.equal(r.recall[2], 0);
    assert.equal(r.f1[2], 0);
    assert.equal(r.roc, undefined);
    close(r.macroRecall, (1 + 1 + 0) / 3, 'macroRecall');
  });
});

describe('accuracyFromScores: the labels of predictLabels(probabilitiesFromScores(z)), row for row', () => {
  /** Whether the shortcut gives row z the label the probabilities give. */
  const sameLabel = (z: Float32Array, k: number, t: number): boolean => {
    const numClasses = k === 1 ? 2 : k;
    const want = predictLabels(probabilitiesFromScores(Float32Array.from(z), 1, k), 1, numClasses, t)[0];
    return accuracyFromScores(Int32Array.of(want), z, k, t) === 1;
  };
  /** The float32 neighbours of x, `steps` either side. */
  const around = (x: number, steps: number): number[] => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    f[0] = x;
    const out: number[] = [];
    const base = u[0];
    for (let d = -steps; d <= steps; d++) {
      u[0] = x >= 0 ? base + d : base - d;
      out.push(f[0]);
    }
    return out.filter((v) => Number.isFinite(v));
  };

  test('binary: every float32 score near the threshold, across the guard band, for thresholds from 0 to 1', () => {
    const rng = createRng(5);
    for (const t of [0, 1e-7, 1e-3, 0.1, 0.5, 0.73, 0.9, 1 - 1e-6, 1]) {
      const zt = t <= 0 ? -20 : t >= 1 ? 20 : Math.log(t / (1 - t));
      const delta = t <= 0 || t >= 1 ? 1 : 1e-5 * (1 / t + 1 / (1 - t));
      const zs = [...around(zt, 400), ...around(zt + delta, 50), ...around(zt - delta, 50), 0, -0, 17, 88, -88, 104, -104, Infinity, -Infinity, NaN];
      for (let i = 0; i < 2000; i++) zs.push(zt + (rng() - 0.5) * 8 * Math.min(delta, 10), (rng() - 0.5) * 60);
      let checked = 0;
      for (const z of zs) {
        assert.ok(sameLabel(Float32Array.of(z), 1, t), `t = ${t}, z = ${z}`);
        checked++;
      }
      assert.ok(checked > 2500);
    }
  });

  test('softmax: near-ties, exact ties, infinite and NaN scores, random rows', () => {
    const rng = createRng(6);
    const rows: number[][] = [
      [1, 1, 0], [0, 1, 1], [2, 2 + 1e-6, 2 - 1e-6], [Infinity, 0, 0], [0, Infinity, Infinity], [-Infinity, -Infinity, 3],
      [NaN, 0, 1], [0, NaN, 1], [0, 1, NaN], [1e30, 1e30, -1e30], [-1e-30, 1e-30, 0],
    ];
    for (const base of [0, 3.5, -40, 80]) {
      for (const z2 of around(base, 60)) rows.push([base, z2, base - 1]);
      for (const z2 of around(base + 1e-5, 40)) rows.push([z2, base, base - 2]);
    }
    for (let i = 0; i < 3000; i++) {
      const k = 2 + Math.floor(rng() * 8);
      const scale = [1e-6, 1e-3, 1, 30][i % 4];
      rows.push(Array.from({ length: k }, () => (rng() - 0.5) * scale));
    }
    for (const r of rows) assert.ok(sameLabel(Float32Array.from(r), r.length, 0.5), `row ${r.join(', ')}`);
  });

  test('over many rows it equals accuracy on the probabilities (binary and 4 classes)', () => {
    const rng = createRng(7);
    const m = 5000;
    for (const k of [1, 4]) {
      const Z = Float32Array.from({ length: m * k }, () => (rng() - 0.5) * 6);
      const y = Int32Array.from({ length: m }, () => Math.floor(rng() * (k === 1 ? 2 : k)));
      for (const t of k === 1 ? [0.2, 0.5, 0.8] : [0.5]) {
        const want = accuracy(y, probabilitiesFromScores(Float32Array.from(Z), m, k), k === 1 ? 2 : k, t);
        assert.equal(accuracyFromScores(y, Z, k, t), want, `k = ${k}, t = ${t}`);
      }
    }
    assert.ok(Number.isNaN(accuracyFromScores(new Int32Array(0), new Float32Array(0), 1)));
  });
});
