import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { Objective } from '../../src/engine/model/objective';
import { TrainingSession } from '../../src/engine/train/session';
import { createWasmKernel } from '../../src/engine/kernels/kernel-wasm';
import { createParallelKernel, stopKernelThreads } from '../../src/engine/node/parallel-kernel';
import type { LinearKernel, PreparedDataset } from '../../src/engine/types';

after(() => stopKernelThreads());

/**
 * The session's kernels: its default (the TypeScript reference), WebAssembly SIMD, and the parallel kernel split
 * across threads even for titanic's 891 rows. The exact fit's passes run on the session's kernel.
 */
const KERNELS: Array<[string, LinearKernel | undefined]> = [
  ['default kernel', undefined],
  ['WebAssembly SIMD kernel', createWasmKernel()],
  ['parallel kernel', createParallelKernel({ threads: 2, minParallelWork: 0 })],
];

/** Preparation and optimum computed with pandas + scikit-learn (scripts/fixtures/sklearn_reference_coding.py). */
interface Case {
  name: string;
  target: string;
  encoding: 'reference' | 'full';
  lambda: number;
  classes: string[];
  featureNames: string[];
  /** Per text column: its first level in sorted order (the level reference coding leaves out). */
  references: Record<string, string>;
  /** Per text column: its levels after filling, sorted. */
  levels: Record<string, string[]>;
  m: number;
  n: number;
  k: number;
  coef: number[][];
  intercept: number[];
  /** J at the float64 optimum. */
  objective: number;
  /** J (float64 arithmetic) at the optimum rounded to float32, as our Objective evaluates it. */
  objectiveAtFloat32: number;
  gradNorm: number;
  trainLogLoss: number;
  trainAccuracy: number;
  priorAccuracy: number;
  classCounts: number[];
  fills: Record<string, number | string>;
  centers: Record<string, number>;
  scales: Record<string, number>;
  /** Σ_i X_ij of the float32 matrix, per feature. */
  columnSums: number[];
}

const fixture = JSON.parse(
  readFileSync(join(process.cwd(), 'test', 'fixtures', 'sklearn', 'reference_coding.json'), 'utf8'),
) as { sklearnVersion: string; cases: Case[] };
const titanic = readCsvFile(join(process.cwd(), 'samples', 'titanic.csv'));

function prepare(fx: Pick<Case, 'target' | 'encoding'>): PreparedDataset {
  return prepareDataset(titanic, { target: fx.target, testSize: 0, encoding: fx.encoding }, 'titanic.csv');
}

/** W (k×n) and b (k) in float64; softmax: b centred over classes, and with λ = 0 also every column of W. */
function representative(fx: Case, W: Float32Array, b: Float32Array): { W: Float64Array; b: Float64Array } {
  const { k, n } = fx;
  const W64 = Float64Array.from(W);
  const b64 = Float64Array.from(b);
  if (k > 1) {
    const centre = (get: (c: number) => number, set: (c: number, v: number) => void): void => {
      let mean = 0;
      for (let c = 0; c < k; c++) mean += get(c);
      mean /= k;
      for (let c = 0; c < k; c++) set(c, get(c) - mean);
    };
    centre((c) => b64[c], (c, v) => { b64[c] = v; });
    if (fx.lambda === 0) {
      for (let j = 0; j < n; j++) centre((c) => W64[c * n + j], (c, v) => { W64[c * n + j] = v; });
    }
  }
  return { W: W64, b: b64 };
}

/** max |ours − sklearn| over all weights and intercepts, relative to max |coef|. */
function relativeError(fx: Case, W: Float64Array, b: Float64Array): number {
  const n = fx.n;
  let maxCoef = 0;
  let maxDiff = 0;
  fx.coef.forEach((row, c) => row.forEach((v, j) => {
    maxCoef = Math.max(maxCoef, Math.abs(v));
    maxDiff = Math.max(maxDiff, Math.abs(W[c * n + j] - v));
  }));
  fx.intercept.forEach((v, c) => { maxDiff = Math.max(maxDiff, Math.abs(b[c] - v)); });
  return maxDiff / maxCoef;
}

function reportEntry(data: PreparedDataset, column: string) {
  const entry = data.report.find((r) => r.name === column);
  assert.ok(entry, `report entry of ${column}`);
  return entry;
}

describe('reference coding and the optimum on it match scikit-learn (titanic, test size 0)', () => {
  for (const fx of fixture.cases) {
    describe(fx.name, () => {
      const data = prepare(fx);

      test('features, classes and preparation statistics', () => {
        assert.deepEqual(data.featureNames, fx.featureNames);
        assert.deepEqual(data.classes, fx.classes);
        assert.equal(data.n, fx.n);
        assert.equal(data.train.m, fx.m);
        assert.equal(data.test.m, 0);
        for (const f of data.preprocessing.features) {
          if (f.kind === 'numeric') {
            assert.equal(f.fill, fx.fills[f.source], `${f.name} fill`);
            assert.ok(Math.abs(f.center - fx.centers[f.source]) <= 1e-12 * Math.abs(fx.centers[f.source]), `${f.name} mean ${f.center}`);
            assert.ok(Math.abs(f.scale - fx.scales[f.source]) <= 1e-12 * fx.scales[f.source], `${f.name} std ${f.scale}`);
          } else {
            assert.equal(f.kind, 'one-hot', `${f.name} kind`);
            if (f.kind === 'one-hot') assert.equal(f.fill, fx.fills[f.source], `${f.name} fill`);
            assert.equal(f.center, 0);
            assert.equal(f.scale, 1);
          }
        }
        // The whole float32 X, column by column (sums in float64; only the summation order differs).
        const { X, m } = data.train;
        for (let j = 0; j < fx.n; j++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += X[i * fx.n + j];
          assert.ok(Math.abs(s - fx.columnSums[j]) < 1e-9, `${fx.featureNames[j]}: column sum ${s} vs ${fx.columnSums[j]}`);
        }
        // Class counts and the majority-class baseline.
        const counts = new Array<number>(fx.classes.length).fill(0);
        for (const c of data.train.y) counts[c]++;
        assert.deepEqual(counts, fx.classCounts);
        assert.equal(Math.max(...counts) / m, fx.priorAccuracy);
      });

      test('report names the reference level of every text column', () => {
        for (const [column, levels] of Object.entries(fx.levels)) {
          const entry = reportEntry(data, column);
          if (fx.encoding === 'reference') {
            assert.equal(entry.reference, fx.references[column], `${column} reference`);
            assert.deepEqual(entry.features, levels.slice(1).map((l) => `${column}=${l}`));
          } else {
            assert.deepEqual(entry.features, levels.map((l) => `${column}=${l}`));
          }
        }
      });

      for (const [label, kernel] of KERNELS) test(`Newton training reaches the scikit-learn optimum (${label})`, () => {
        assert.ok(fx.gradNorm < 1e-8, 'the fixture itself is an optimum');
        const session = new TrainingSession(data, { optimizer: 'newton', l2: fx.lambda, epochs: 100 }, { kernel });
        session.run(1_000_000);
        const opt = session.optimum();
        assert.ok(opt && opt.converged, 'the optimum is solved and converged');
        const { W, b, k } = session.weights();
        assert.equal(k, fx.k);
        assert.equal(W.length, fx.k * fx.n);
        assert.equal(b.length, fx.k);

        const rep = representative(fx, W, b);
        const err = relativeError(fx, rep.W, rep.b);
        assert.ok(err < 1e-5, `relative difference to scikit-learn ${err}`);

        const obj = new Objective(data.train, k, { loss: 'bce', l2: fx.lambda, classWeight: null, numClasses: fx.classes.length });
        const gW = new Float32Array(W.length);
        const gB = new Float32Array(b.length);
        const J = obj.evaluate(W, b, null, gW, gB);
        assert.ok(Math.abs(J - fx.objectiveAtFloat32) < 1e-8, `J ${J} vs scikit-learn ${fx.objectiveAtFloat32}`);
        assert.ok(J >= fx.objective - 1e-12, `J ${J} below the optimum ${fx.objective}`);
        let g2 = 0;
        for (const v of gW) g2 += v * v;
        for (const v of gB) g2 += v * v;
        assert.ok(Math.sqrt(g2) < 1e-5, `Objective gradient at our weights ${Math.sqrt(g2)}`);

        const metrics = session.evaluate('train');
        assert.equal(metrics.accuracy, fx.trainAccuracy);
        assert.ok(Math.abs(metrics.logLoss - fx.trainLogLoss) < 1e-6, `log loss ${metrics.logLoss} vs ${fx.trainLogLoss}`);
      });
    });
  }
});

describe('reference coding drops exactly one level per text column', () => {
  const byName = new Map(fixture.cases.map((c) => [c.name, c]));
  const refCase = byName.get('titanic_survived_reference_l2_0.01');
  const fullCase = byName.get('titanic_survived_full_l2_0.01');
  assert.ok(refCase && fullCase);
  const ref = prepare(refCase);
  const full = prepare(fullCase);

  test('Sex=female (the reference) is not a feature, Sex=male is', () => {
    assert.ok(!ref.featureNames.includes('Sex=female'));
    assert.ok(ref.featureNames.includes('Sex=male'));
    assert.ok(full.featureNames.includes('Sex=female'));
    assert.equal(reportEntry(ref, 'Sex').reference, 'female');
    assert.equal(reportEntry(ref, 'Embarked').reference, 'C');
  });

  test('every text column misses exactly one of its levels, the first in sorted order', () => {
    const textColumns = full.report.filter((r) => r.sourceType === 'categorical' && r.features.length > 0);
    assert.deepEqual(textColumns.map((r) => r.name), ['Sex', 'Embarked']);
    for (const entry of textColumns) {
      const levels = entry.features.map((f) => f.slice(entry.name.length + 1));
      assert.deepEqual(levels, [...levels].sort(), `${entry.name} levels sorted`);
      const kept = ref.featureNames.filter((f) => f.startsWith(`${entry.name}=`));
      const missing = entry.features.filter((f) => !kept.includes(f));
      assert.deepEqual(missing, [`${entry.name}=${levels[0]}`], entry.name);
      assert.equal(kept.length, levels.length - 1);
      assert.equal(reportEntry(ref, entry.name).reference, levels[0]);
    }
    assert.equal(full.n - ref.n, textColumns.length);
  });

  test('the kept indicators and the numeric features are the same columns as with full coding', () => {
    const m = ref.train.m;
    assert.equal(full.train.m, m);
    for (let j = 0; j < ref.n; j++) {
      const jf = full.featureNames.indexOf(ref.featureNames[j]);
      assert.ok(jf >= 0, ref.featureNames[j]);
      for (let i = 0; i < m; i++) {
        if (ref.train.X[i * ref.n + j] !== full.train.X[i * full.n + jf]) {
          assert.fail(`${ref.featureNames[j]} differs at row ${i}`);
        }
      }
    }
    // Each dropped reference indicator is 1 exactly where the column's other indicators are all 0.
    for (const [column, level] of Object.entries(refCase.references)) {
      const jf = full.featureNames.indexOf(`${column}=${level}`);
      const others = ref.featureNames.map((f, j) => (f.startsWith(`${column}=`) ? j : -1)).filter((j) => j >= 0);
      for (let i = 0; i < m; i++) {
        const rest = others.reduce((s, j) => s + ref.train.X[i * ref.n + j], 0);
        assert.equal(full.train.X[i * full.n + jf], 1 - rest, `${column} row ${i}`);
      }
    }
  });
});
