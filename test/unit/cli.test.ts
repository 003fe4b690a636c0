/**
 * The CLI as a user runs it: `node dist/cli.js …` in a child process, checked on the sample files and on bad input.
 * Expected values come from the data (counts, class sets) and from the scikit-learn-made seed fixture.
 * Every temporary folder is removed at the end of its test.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root, run, sample } from './cli-run';




interface TrainJson {
  rows: number;
  target: string;
  classes: string[];
  features: string[];
  dropped: Record<string, string>;
  train: { loss: number; accuracy: number; confusion: number[][] };
  test: { loss: number; accuracy: number; confusion: number[][] } | null;
  weights: Record<string, Record<string, number>>;
  bias: Record<string, number>;
  iterations: number;
  history: Array<{ iteration: number; trainLoss: number; testLoss: number | null }>;
}

function trainJson(...args: string[]): TrainJson {
  const r = run('train', ...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as TrainJson;
}

const sum = (m: number[][]): number => m.flat().reduce((a, b) => a + b, 0);

describe('logistic-lab train', () => {
  test('titanic: identifiers dropped, one-hot names, accuracy in the usual range', () => {
    const out = trainJson(sample('titanic.csv'), '--target', 'Survived');
    assert.equal(out.rows, 891);
    assert.equal(out.target, 'Survived');
    assert.deepEqual(out.classes, ['0', '1']);
    for (const id of ['PassengerId', 'Name', 'Ticket']) assert.ok(id in out.dropped, `${id} dropped`);
    for (const f of ['Sex=male', 'Embarked=S', 'Age', 'Fare']) assert.ok(out.features.includes(f), f);
    assert.ok(!out.features.includes('Sex=female'), 'reference level female has no indicator');
    assert.ok(out.test !== null);
    // 891 rows, 549 died / 342 survived; a 20 % stratified split holds out 110 + 68 = 178 rows.
    assert.equal(sum(out.test.confusion), 178);
    assert.equal(sum(out.train.confusion), 891 - 178);
    assert.ok(out.test.accuracy >= 0.76 && out.test.accuracy <= 0.84, `test accuracy ${out.test.accuracy}`);
    // Being a man lowers the odds of survival relative to the reference level (female): the weight must say so.
    assert.ok(out.weights['1']['Sex=male'] < 0);
    const h = out.history;
    assert.ok(h.length > 10);
    assert.ok(h[h.length - 1].trainLoss < h[0].trainLoss);
    assert.ok(Math.abs(h[0].trainLoss - Math.log(2)) < 1e-6, 'zero weights start at ln 2');
  });

  test('iris: three classes use softmax and separate well', () => {
    const out = trainJson(sample('iris.csv'), '--target', 'species', '--epochs', '300', '--lr', '0.5');
    assert.deepEqual(out.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(Object.keys(out.weights).sort(), ['setosa', 'versicolor', 'virginica']);
    assert.ok(out.test !== null && out.test.accuracy >= 0.9, `test accuracy ${out.test?.accuracy}`);
    assert.equal(sum(out.test.confusion), 30);
  });

  test("the seeds' toy problem: lr 0.05, 2000 full-batch iterations from zero", () => {
    const fixture = resolve(root, 'test/fixtures/toy_seed.json');
    assert.ok(existsSync(fixture), 'fixture made by scripts/fixtures/toy_seed.py');
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-toy-'));
    try {
      const model = join(dir, 'toy.json');
      const out = trainJson(sample('toy_train.csv'), '--target', 'y', '--lr', '0.05', '--epochs', '2000',
        '--test-size', '0', '--no-standardize', '--out', model);
      assert.equal(out.iterations, 2000);
      assert.equal(out.test, null);
      const ref = JSON.parse(readFileSync(fixture, 'utf8')) as {
        W: number[]; b: number; trainAccuracy: number; testAccuracy: number;
        testPredictions: number[]; testProbabilities: number[];
      };
      const w = out.weights['1'];
      assert.ok(Math.abs(w.x1 - ref.W[0]) <= 1e-4 * Math.abs(ref.W[0]) + 1e-6, `w1 ${w.x1} vs ${ref.W[0]}`);
      assert.ok(Math.abs(w.x2 - ref.W[1]) <= 1e-4 * Math.abs(ref.W[1]) + 1e-6, `w2 ${w.x2} vs ${ref.W[1]}`);
      assert.ok(Math.abs(out.bias['1'] - ref.b) <= 1e-4 * Math.abs(ref.b) + 1e-6, `b ${out.bias['1']} vs ${ref.b}`);
      assert.equal(out.train.accuracy * 100, ref.trainAccuracy);
      // The seeds' held-out samples: same probabilities and predictions (test accuracy 75 %).
      const r = run('predict', model, sample('toy_test.csv'));
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
      assert.deepEqual(rows.map((f) => Number(f[2])), ref.testPredictions);
      rows.forEach((f, i) => assert.ok(Math.abs(Number(f[4]) - ref.testProbabilities[i]) < 1e-5, `p ${f[4]}`));
      const correct = rows.filter((f) => f[1] === f[2]).length;
      assert.equal((correct / rows.length) * 100, ref.testAccuracy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('text output has the report, a curve and the confusion matrices', () => {
    const r = run('train', sample('titanic.csv'), '--target', 'Survived', '--epochs', '50');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Preparation report/);
    assert.match(r.stdout, /PassengerId .*dropped: identifier/);
    assert.match(r.stdout, /\* train loss/);
    assert.match(r.stdout, /Test: accuracy \d+\.\d\d %/);
    // The timings on a line of their own after a blank one, not behind a visible "\n" escape.
    assert.match(r.stdout, /\n\nTimes: read \d+\.\d\d s, prepare \d+\.\d\d s, fit /);
    assert.doesNotMatch(r.stdout, /\\n/, 'no escaped line break in the report');
  });
});

describe('logistic-lab predict', () => {
  test('a saved model predicts new rows with the same preprocessing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    try {
      const model = join(dir, 'model.json');
      const preds = join(dir, 'pred.csv');
      const out = trainJson(sample('titanic.csv'), '--target', 'Survived', '--out', model);
      const saved = JSON.parse(readFileSync(model, 'utf8')) as { format: string; version: number; featureNames: string[] };
      assert.equal(saved.format, 'logistic-regression-lab/model');
      assert.equal(saved.version, 1);
      assert.deepEqual(saved.featureNames, out.features);
      const r = run('predict', model, sample('titanic.csv'), '--out', preds);
      assert.equal(r.code, 0, r.stderr);
      const lines = readFileSync(preds, 'utf8').trim().split('\n');
      assert.equal(lines.length, 892);
      assert.equal(lines[0], 'row,actual,predicted,p(0),p(1)');
      // Agreement of the predictions with the file's own labels ≈ the reported accuracies.
      let agree = 0;
      for (const line of lines.slice(1)) {
        const [, actual, predicted, p0, p1] = line.split(',');
        assert.ok(Math.abs(Number(p0) + Number(p1) - 1) < 1e-6);
        assert.equal(predicted, Number(p1) >= 0.5 ? '1' : '0');
        if (actual === predicted) agree++;
      }
      const expected = (out.train.accuracy * 713 + (out.test?.accuracy ?? 0) * 178) / 891;
      assert.ok(Math.abs(agree / 891 - expected) < 1e-9, `${agree / 891} vs ${expected}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input exits non-zero with one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-bad-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: Array<[string, () => string[], RegExp]> = [
    ['missing file', () => ['train', join(dir, 'nope.csv')], /nope\.csv/],
    ['empty file', () => ['train', write('empty.csv', '')], /empty\.csv.*empty/i],
    ['unknown target', () => ['train', sample('iris.csv'), '--target', 'colour'], /colour/],
    ['one-class target', () => ['train', write('one.csv', 'a,y\n1,x\n2,x\n3,x\n4,x\n'), '--target', 'y'], /one\.csv.*only one/],
    ['no usable feature', () => ['train', write('nofeat.csv', 'id,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\n10,b\n11,a\n'), '--target', 'y'], /nofeat\.csv/],
    ['ragged row', () => ['train', write('ragged.csv', 'a,b,y\n1,2,0\n3,4\n5,6,1\n'), '--target', 'y'], /ragged\.csv.*line 3/],
    ['bad number option', () => ['train', sample('iris.csv'), '--lr', 'fast'], /--lr/],
    ['negative learning rate', () => ['train', sample('iris.csv'), '--lr=-1'], /learning rate/],
    ['missing model', () => ['predict', join(dir, 'none.json'), sample('iris.csv')], /none\.json/],
  ];
  for (const [name, args, pattern] of cases) {
    test(name, () => {
      const r = run(...args());
      assert.equal(r.code, 2, `exit code for ${name}: ${r.stdout}${r.stderr}`);
      const first = r.stderr.split('\n')[0];
      assert.match(first, /^logistic-lab: /);
      assert.match(first, pattern);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    });
  }
});

// ───────────── Telling the truth: exact fits, verdict, optimum, baseline, separate test file ─────────────

interface TruthJson extends TrainJson {
  convergence: { verdict: string; gradNorm: number; lossGap: number | null; suggestedLearningRate: number | null; advice: string };
  optimum: { trainLoss: number; testLoss: number | null; testAccuracy: number | null; unique: boolean | null } | null;
  baseline: { testAccuracy: number | null; majorityClass: string };
}

describe('logistic-lab train: optimum, verdict, baseline', () => {
  const fixture = JSON.parse(readFileSync(resolve(root, 'test/fixtures/sklearn/reference_coding.json'), 'utf8')) as {
    cases: Array<{ name: string; lambda: number; encoding: string; target: string; featureNames: string[]; coef: number[][]; intercept: number[]; trainLogLoss: number }>;
  };

  test('--optimizer newton is the optimum: scikit-learn coefficients (reference coding, no penalty), verdict converged', () => {
    const c = fixture.cases.find((x) => x.lambda === 0 && x.target === 'Survived' && x.encoding === 'reference');
    assert.ok(c);
    const out = run('train', sample('titanic.csv'), '--target', 'Survived', '--optimizer', 'newton', '--test-size', '0', '--json');
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as TruthJson;
    assert.deepEqual(j.features, c.featureNames);
    const maxCoef = Math.max(...c.coef[0].map(Math.abs));
    c.featureNames.forEach((f, q) => assert.ok(Math.abs(j.weights['1'][f] - c.coef[0][q]) < 1e-5 * maxCoef, f));
    assert.ok(Math.abs(j.bias['1'] - c.intercept[0]) < 1e-5 * maxCoef);
    assert.ok(Math.abs(j.train.loss - c.trainLogLoss) < 1e-7, `${j.train.loss} vs ${c.trainLogLoss}`);
    assert.equal(j.convergence.verdict, 'converged');
    assert.ok(j.convergence.gradNorm < 1e-5);
    assert.ok(j.iterations <= 15);
  });

  test('the defaults stop short: not-converged with J − J*, the optimum and the majority baseline beside the model', () => {
    const j = trainJson(sample('titanic.csv'), '--target', 'Survived') as TruthJson;
    assert.equal(j.convergence.verdict, 'not-converged');
    assert.ok(j.convergence.lossGap !== null && j.convergence.lossGap > 0.01);
    assert.ok(j.optimum && j.optimum.unique === true);
    assert.ok(j.optimum.trainLoss < j.train.loss);
    // Majority class of the 178 test rows: 110 of them died.
    assert.equal(j.baseline.majorityClass, '0');
    assert.equal(j.baseline.testAccuracy, 110 / 178);
    assert.match(j.convergence.advice, /try α = /);
    // Timings of each phase, and the kernel that trained.
    const t = (j as unknown as { timings: { readSeconds: number; prepareSeconds: number; fitSeconds: number; kernel: string } }).timings;
    assert.ok(t.readSeconds > 0 && t.prepareSeconds > 0 && t.fitSeconds > 0, JSON.stringify(t));
    assert.match(t.kernel, /^(wasm-simd|js)/);
  });

  test('full coding without L2: the optimum exists but is not unique', () => {
    const j = trainJson(sample('titanic.csv'), '--target', 'Survived', '--encoding', 'full', '--epochs', '50') as TruthJson;
    assert.ok(j.features.includes('Sex=female') && j.features.includes('Sex=male'));
    assert.equal(j.optimum?.unique, false);
  });

  test('--test-file evaluates on another CSV; predict on a CSV with the target prints the same accuracy and loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    try {
      const lines = readFileSync(sample('titanic.csv'), 'utf8').trimEnd().split('\n');
      const trainFile = join(dir, 'train.csv');
      const testFile = join(dir, 'test.csv');
      writeFileSync(trainFile, [lines[0], ...lines.slice(1, 701)].join('\n') + '\n');
      writeFileSync(testFile, [lines[0], ...lines.slice(701)].join('\n') + '\n');
      const model = join(dir, 'model.json');
      const j = trainJson(trainFile, '--target', 'Survived', '--optimizer', 'newton', '--test-file', testFile, '--out', model);
      assert.equal(sum(j.train.confusion), 700, 'no split: every row of the training file trains');
      assert.ok(j.test);
      assert.equal(sum(j.test.confusion), 191);
      const p = run('predict', model, testFile, '--json');
      assert.equal(p.code, 0, p.stderr);
      const pj = JSON.parse(p.stdout) as { metrics: { accuracy: number; loss: number; confusion: number[][] } };
      assert.deepEqual(pj.metrics.confusion, j.test.confusion);
      assert.equal(pj.metrics.accuracy, j.test.accuracy);
      assert.ok(Math.abs(pj.metrics.loss - j.test.loss) < 1e-12, `${pj.metrics.loss} vs ${j.test.loss}`);
      const both = run('train', trainFile, '--target', 'Survived', '--test-file', testFile, '--test-size', '0.2');
      assert.equal(both.code, 2);
      assert.match(both.stderr, /exclude each other/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a diverging rate: exit 2 with the stable rate of these data in the message', () => {
    const r = run('train', sample('titanic.csv'), '--target', 'Survived', '--lr', '1e8');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /α < 2\/L = /);
  });
});
