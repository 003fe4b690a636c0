import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { parseCsv } from '../../src/engine/data/csv';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { applyPreprocessing, describeColumns, prepareDataset, suggestTarget } from '../../src/engine/prepare/dataset';
import { LabError, type FeatureSpec, type ParsedTable, type PreparedDataset } from '../../src/engine/types';

// ───────────── Helpers ─────────────

/** Inline CSV text (first line = column names) → table, with the project's CSV reader. */
function tableFromCsv(text: string): ParsedTable {
  return parseCsv(text, { hasHeader: true });
}

function sample(name: string): ParsedTable {
  return readCsvFile(join(process.cwd(), 'samples', name));
}

/** Raw text fields of one column of a sample, read with papaparse (independent of our CSV reader). */
const rawCache = new Map<string, string[][]>();
function rawColumn(name: string, column: string): string[] {
  let data = rawCache.get(name);
  if (!data) {
    data = Papa.parse<string[]>(readFileSync(join(process.cwd(), 'samples', name), 'utf8').trim(), {
      skipEmptyLines: true,
    }).data;
    rawCache.set(name, data);
  }
  const j = data[0].indexOf(column);
  assert.ok(j >= 0, `column ${column} in ${name}`);
  return data.slice(1).map((r) => r[j]);
}

function column(X: Float32Array, m: number, n: number, j: number): number[] {
  return Array.from({ length: m }, (_, i) => X[i * n + j]);
}

function meanStd(v: number[]): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
}

function countBy(values: ArrayLike<number>): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < values.length; i++) map.set(values[i], (map.get(values[i]) ?? 0) + 1);
  return map;
}

function feature(ds: PreparedDataset, name: string): FeatureSpec {
  const f = ds.preprocessing.features.find((x) => x.name === name);
  assert.ok(f, `feature ${name}`);
  return f;
}

function throwsLab(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LabError, `expected LabError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

interface PrepFixture {
  featureNames: string[];
  fills: Record<string, number | string>;
  centers: Record<string, number>;
  scales: Record<string, number>;
  rows: number[];
  X: number[][];
  columnMean: number[];
  columnStd: number[];
}
const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'titanic_prep.json'), 'utf8')) as {
  rowCount: number;
  classCounts: Record<string, number>;
  missing: Record<string, number>;
  distinct: Record<string, number>;
  default: PrepFixture;
  variant: PrepFixture;
};

const titanic = sample('titanic.csv');
const iris = sample('iris.csv');

// ───────────── Titanic ─────────────

describe('titanic with defaults (test size 0.2, seed 42)', () => {
  const ds = prepareDataset(titanic, { target: 'Survived' }, 'titanic.csv');

  test('classes are the sorted label texts, binary positive class last', () => {
    assert.deepEqual(ds.classes, ['0', '1']);
    assert.equal(ds.target, 'Survived');
    assert.equal(ds.rows, 891);
  });

  test('identifier-like columns are dropped with reasons; Sex and Embarked reference-coded', () => {
    const byName = new Map(ds.report.map((r) => [r.name, r]));
    assert.deepEqual(
      ds.report.map((r) => r.name),
      titanic.columns.map((c) => c.name),
    );
    assert.equal(byName.get('Survived')?.action, 'target');
    for (const [name, reason] of [
      ['PassengerId', /^identifier: unique integer per row/],
      ['Name', /^identifier: unique value per row/],
      ['Ticket', /^identifier: mostly unique \(681 distinct values in 891 rows\)/],
      ['Cabin', /high cardinality: 147 levels; 687 of 891 values missing/],
    ] as const) {
      assert.equal(byName.get(name)?.action, 'dropped', name);
      assert.match(byName.get(name)?.reason ?? '', reason);
      assert.deepEqual(byName.get(name)?.features, []);
    }
    assert.equal(byName.get('Sex')?.action, 'one-hot');
    // Reference coding: the first level in sorted order has no indicator (as OneHotEncoder(drop='first')).
    assert.deepEqual(byName.get('Sex')?.features, ['Sex=male']);
    assert.equal(byName.get('Sex')?.reference, 'female');
    assert.deepEqual(byName.get('Embarked')?.features, ['Embarked=Q', 'Embarked=S']);
    assert.equal(byName.get('Embarked')?.reference, 'C');
    assert.equal(byName.get('Embarked')?.imputed, "most frequent 'S'");
    for (const name of ['Pclass', 'Age', 'SibSp', 'Parch', 'Fare']) {
      assert.equal(byName.get(name)?.action, 'kept', name);
      assert.match(byName.get(name)?.scaling ?? '', /^z-score \(mean [\d.]+, std [\d.]+\)$/);
    }
    // Missing and distinct counts agree with pandas.
    for (const r of ds.report) {
      assert.equal(r.missing, fixture.missing[r.name], `missing ${r.name}`);
      assert.equal(r.distinct, fixture.distinct[r.name], `distinct ${r.name}`);
    }
    // The full-coding reference names without each column's reference level.
    assert.deepEqual(ds.featureNames, fixture.default.featureNames.filter((f) => f !== 'Sex=female' && f !== 'Embarked=C'));
    assert.equal(ds.n, 8);
  });

  test('stratified split sizes: 549 zeros and 342 ones → 110 and 68 held out', () => {
    assert.deepEqual(fixture.classCounts, { '0': 549, '1': 342 });
    assert.equal(ds.test.m, 110 + 68);
    assert.equal(ds.train.m, 891 - 178);
    assert.deepEqual([...countBy(ds.test.y)].sort(), [
      [0, 110],
      [1, 68],
    ]);
    assert.deepEqual([...countBy(ds.train.y)].sort(), [
      [0, 439],
      [1, 274],
    ]);
    const all = [...ds.train.sourceRows, ...ds.test.sourceRows].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 891 }, (_, i) => i));
    for (const s of [ds.train, ds.test]) {
      for (let i = 1; i < s.m; i++) assert.ok(s.sourceRows[i] > s.sourceRows[i - 1], 'file order kept');
      assert.equal(s.X.length, s.m * ds.n);
    }
    const survived = rawColumn('titanic.csv', 'Survived');
    for (const s of [ds.train, ds.test]) {
      s.sourceRows.forEach((r, i) => assert.equal(ds.classes[s.y[i]], survived[r]));
    }
  });

  test('Age is filled with the median of the training rows only', () => {
    const ages = rawColumn('titanic.csv', 'Age');
    const trainAges = Array.from(ds.train.sourceRows, (r) => ages[r])
      .filter((a) => a !== '')
      .map(Number)
      .sort((a, b) => a - b);
    const h = trainAges.length >> 1;
    const expected = trainAges.length % 2 ? trainAges[h] : (trainAges[h - 1] + trainAges[h]) / 2;
    const age = feature(ds, 'Age');
    assert.equal(age.kind, 'numeric');
    if (age.kind === 'numeric') assert.equal(age.fill, expected);
    assert.match(ds.report.find((r) => r.name === 'Age')?.imputed ?? '', new RegExp(`^median ${expected}$`));
  });

  test('numeric training columns have mean 0 and std 1; indicators stay 0/1, at most one per column is 1', () => {
    const { X, m } = ds.train;
    ds.featureNames.forEach((name, j) => {
      const v = column(X, m, ds.n, j);
      if (name.includes('=')) {
        assert.ok(v.every((x) => x === 0 || x === 1), name);
      } else {
        const { mean, std } = meanStd(v);
        assert.ok(Math.abs(mean) < 1e-6, `${name} mean ${mean}`);
        assert.ok(Math.abs(std - 1) < 1e-6, `${name} std ${std}`);
      }
    });
    const at = (name: string): number => ds.featureNames.indexOf(name);
    let female = 0;
    let embarkedC = 0;
    for (let i = 0; i < m; i++) {
      if (X[i * ds.n + at('Sex=male')] === 0) female++;
      const qs = X[i * ds.n + at('Embarked=Q')] + X[i * ds.n + at('Embarked=S')];
      assert.ok(qs <= 1, 'Embarked indicators');
      if (qs === 0) embarkedC++;
    }
    // Rows of the reference level have every indicator 0: as many as the training rows with that level.
    const rawSex = rawColumn('titanic.csv', 'Sex');
    const rawEmb = rawColumn('titanic.csv', 'Embarked');
    const train = Array.from(ds.train.sourceRows);
    assert.equal(female, train.filter((r) => rawSex[r] === 'female').length);
    assert.equal(embarkedC, train.filter((r) => rawEmb[r] === 'C').length);
  });

  test('test rows use the training statistics: x·scale + center gives the raw value or the fill', () => {
    const fares = rawColumn('titanic.csv', 'Fare');
    const ages = rawColumn('titanic.csv', 'Age');
    const fare = feature(ds, 'Fare');
    const age = feature(ds, 'Age');
    assert.ok(fare.kind === 'numeric' && age.kind === 'numeric');
    const jf = ds.featureNames.indexOf('Fare');
    const ja = ds.featureNames.indexOf('Age');
    ds.test.sourceRows.forEach((r, i) => {
      const f = ds.test.X[i * ds.n + jf] * fare.scale + fare.center;
      assert.ok(Math.abs(f - Number(fares[r])) < 1e-4 * Math.max(1, Number(fares[r])), `fare row ${r}`);
      const a = ds.test.X[i * ds.n + ja] * age.scale + age.center;
      const rawAge = ages[r] === '' ? age.fill : Number(ages[r]);
      assert.ok(Math.abs(a - rawAge) < 1e-4 * Math.max(1, rawAge), `age row ${r}`);
    });
  });

  test('same seed → same split; another seed → another split with the same class counts', () => {
    const again = prepareDataset(titanic, { target: 'Survived', seed: 42 }, 'titanic.csv');
    assert.deepEqual(again.test.sourceRows, ds.test.sourceRows);
    assert.deepEqual(again.train.X, ds.train.X);
    const other = prepareDataset(titanic, { target: 'Survived', seed: 7 }, 'titanic.csv');
    assert.notDeepEqual(other.test.sourceRows, ds.test.sourceRows);
    assert.deepEqual(countBy(other.test.y), countBy(ds.test.y));
  });
});

describe('titanic against the pandas/scikit-learn reference (test size 0: every row trains)', () => {
  const cases = [
    { name: 'full coding', ref: fixture.default, options: { encoding: 'full' } as const },
    {
      name: 'mean, missing level, indicators',
      ref: fixture.variant,
      options: { numericImpute: 'mean', categoricalImpute: 'missing-level', missingIndicators: true, encoding: 'full' } as const,
    },
  ];
  for (const { name, ref, options } of cases) {
    test(name, () => {
      const ds = prepareDataset(titanic, { target: 'Survived', testSize: 0, ...options }, 'titanic.csv');
      assert.equal(ds.test.m, 0);
      assert.equal(ds.train.m, fixture.rowCount);
      assert.deepEqual(ds.featureNames, ref.featureNames);
      for (const f of ds.preprocessing.features) {
        if (f.kind === 'numeric') {
          assert.ok(Math.abs(f.fill - (ref.fills[f.source] as number)) < 1e-9, `fill ${f.name}`);
          assert.ok(Math.abs(f.center - ref.centers[f.source]) < 1e-9, `center ${f.name}`);
          assert.ok(Math.abs(f.scale / ref.scales[f.source] - 1) < 1e-9, `scale ${f.name}`);
        } else {
          assert.equal(f.center, 0);
          assert.equal(f.scale, 1);
          if (f.kind === 'one-hot') {
            const expectedFill = ref.fills[f.source] === '(missing)' ? null : ref.fills[f.source];
            assert.equal(f.fill, expectedFill, `fill ${f.name}`);
          }
        }
      }
      ref.rows.forEach((r, i) => {
        assert.equal(ds.train.sourceRows[r], r);
        ref.X[i].forEach((expected, j) => {
          const got = ds.train.X[r * ds.n + j];
          assert.ok(Math.abs(got - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `row ${r} ${ds.featureNames[j]}`);
        });
      });
      ref.columnMean.forEach((expected, j) => {
        const { mean, std } = meanStd(column(ds.train.X, ds.train.m, ds.n, j));
        assert.ok(Math.abs(mean - expected) < 1e-6, `mean ${ds.featureNames[j]}`);
        assert.ok(Math.abs(std - ref.columnStd[j]) < 1e-6, `std ${ds.featureNames[j]}`);
      });
    });
  }
});

// ───────────── Other samples ─────────────

describe('iris and numeric labels', () => {
  test('iris: three text classes, four numeric features, 10 of each class held out', () => {
    const ds = prepareDataset(iris, { target: 'species' }, 'iris.csv');
    assert.deepEqual(ds.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(ds.featureNames, iris.columns.slice(0, 4).map((c) => c.name));
    assert.equal(ds.test.m, 30);
    assert.deepEqual([...countBy(ds.test.y)].sort(), [
      [0, 10],
      [1, 10],
      [2, 10],
    ]);
  });

  test('digits: ten numeric classes in numeric order; exactly the constant pixels are dropped', () => {
    const digits = sample('digits.csv');
    const ds = prepareDataset(digits, { target: 'label' }, 'digits.csv');
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const r of ds.report.filter((x) => x.name !== 'label')) {
      const constant = new Set(rawColumn('digits.csv', r.name).map(Number)).size === 1;
      assert.equal(r.action, constant ? 'dropped' : 'kept', r.name);
      if (constant) assert.equal(r.reason, 'constant: one value');
    }
  });

  test('numeric labels are sorted numerically and shown as text', () => {
    const rows = ['x,label', ...[10, 9, 2, 10, 9, 2, 10, 9, 2].map((v, i) => `${i * 0.5},${v}`)];
    const ds = prepareDataset(tableFromCsv(rows.join('\n')), { target: 'label', testSize: 0 });
    assert.deepEqual(ds.classes, ['2', '9', '10']);
    assert.deepEqual(Array.from(ds.train.y), [2, 1, 0, 2, 1, 0, 2, 1, 0]);
  });

  test('rows without a target are dropped and counted', () => {
    const csv = 'a,t\n1,x\n2,\n3,y\n4,x\n5,\n6,y\n7,x';
    const ds = prepareDataset(tableFromCsv(csv), { target: 't', testSize: 0 });
    assert.equal(ds.train.m, 5);
    assert.deepEqual(Array.from(ds.train.sourceRows), [0, 2, 3, 5, 6]);
    const report = ds.report.find((r) => r.name === 't');
    assert.equal(report?.missing, 2);
    assert.match(report?.imputed ?? '', /2 rows without a target dropped/);
  });

  test('imputation statistics come from training rows only (median and mean)', () => {
    // Skewed values with gaps so that train-only and all-row statistics differ.
    const values = Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? '' : String(i * i)));
    const csv = ['v,t', ...values.map((v, i) => `${v},${i % 2}`)].join('\n');
    const table = tableFromCsv(csv);
    const present = (rows: ArrayLike<number>): number[] =>
      Array.from(rows, (r) => values[r])
        .filter((v) => v !== '')
        .map(Number)
        .sort((a, b) => a - b);
    const med = (v: number[]): number => (v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const allRows = Array.from({ length: 20 }, (_, i) => i);
    for (const numericImpute of ['median', 'mean'] as const) {
      const ds = prepareDataset(table, { target: 't', testSize: 0.5, numericImpute });
      const f = feature(ds, 'v');
      assert.ok(f.kind === 'numeric');
      const stat = numericImpute === 'median' ? med : mean;
      const expected = stat(present(ds.train.sourceRows));
      assert.notEqual(expected, stat(present(allRows)), 'the data must tell the two apart');
      assert.ok(Math.abs(f.fill - expected) < 1e-12, `${numericImpute}: ${f.fill} vs ${expected}`);
    }
  });

  test('testSize rounding per class with at least one test row per class', () => {
    // 3 rows of 'a', 7 of 'b'; testSize 0.1 → round(0.3)=0 → 1 and round(0.7)=1.
    const csv = ['v,t', ...Array.from({ length: 10 }, (_, i) => `${i * 1.5},${i < 3 ? 'a' : 'b'}`)].join('\n');
    const ds = prepareDataset(tableFromCsv(csv), { target: 't', testSize: 0.1 });
    assert.deepEqual([...countBy(ds.test.y)].sort(), [
      [0, 1],
      [1, 1],
    ]);
  });
});

// ───────────── Options ─────────────

describe('column options', () => {
  const csv = [
    'id,const,city,num,t',
    ...Array.from({ length: 12 }, (_, i) => `${i + 1},k,${['P', 'Q', 'R'][i % 3]},${(i * 7) % 5},${i % 2 ? 'y' : 'n'}`),
  ].join('\n');
  const table = tableFromCsv(csv);

  test('constant and id columns dropped; include keeps them', () => {
    const ds = prepareDataset(table, { target: 't', testSize: 0 });
    const reasons = Object.fromEntries(ds.report.map((r) => [r.name, r.reason]));
    assert.equal(reasons.id, 'identifier: unique integer per row');
    assert.equal(reasons.const, 'constant: one value');
    assert.deepEqual(ds.featureNames, ['city=Q', 'city=R', 'num']);
    assert.equal(ds.report.find((r) => r.name === 'city')?.reference, 'P');
    const kept = prepareDataset(table, { target: 't', testSize: 0, include: ['id'] });
    assert.deepEqual(kept.featureNames, ['id', 'city=Q', 'city=R', 'num']);
    const full = prepareDataset(table, { target: 't', testSize: 0, encoding: 'full' });
    assert.deepEqual(full.featureNames, ['city=P', 'city=Q', 'city=R', 'num']);
    assert.equal(full.report.find((r) => r.name === 'city')?.reference, undefined);
  });

  test('maxLevels drops categorical columns with more levels', () => {
    const ds = prepareDataset(table, { target: 't', testSize: 0, maxLevels: 2 });
    assert.equal(ds.report.find((r) => r.name === 'city')?.reason, 'high cardinality: 3 levels');
    assert.deepEqual(ds.featureNames, ['num']);
  });

  test('features restricts the columns; unknown names are a bad config', () => {
    const ds = prepareDataset(table, { target: 't', testSize: 0, features: ['num'] });
    assert.deepEqual(ds.featureNames, ['num']);
    assert.equal(ds.report.find((r) => r.name === 'city')?.reason, 'not selected as a feature');
    throwsLab(() => prepareDataset(table, { target: 't', features: ['nope'] }, 'f.csv'), 'bad-config', /'nope'/, /f\.csv/);
  });

  test('standardize false leaves numeric values as they are', () => {
    const ds = prepareDataset(table, { target: 't', testSize: 0, standardize: false });
    const j = ds.featureNames.indexOf('num');
    assert.deepEqual(column(ds.train.X, ds.train.m, ds.n, j), Array.from({ length: 12 }, (_, i) => (i * 7) % 5));
  });

  test('sequential-looking but non-integer or repeated numbers are kept', () => {
    const t = tableFromCsv(['a,b,t', ...Array.from({ length: 12 }, (_, i) => `${i + 0.5},${i % 6},${i % 2}`)].join('\n'));
    assert.deepEqual(prepareDataset(t, { target: 't', testSize: 0 }).featureNames, ['a', 'b']);
  });
});

// ───────────── Errors ─────────────

describe('errors name the file and the column', () => {
  test('unknown target lists the columns', () => {
    throwsLab(
      () => prepareDataset(titanic, { target: 'Survive' }, 'titanic.csv'),
      'unknown-target',
      /'Survive'/,
      /titanic\.csv/,
      /'PassengerId', 'Survived'/,
    );
  });

  test('single-class target', () => {
    const t = tableFromCsv('x,t\n1,a\n2,a\n3,a');
    throwsLab(
      () => prepareDataset(t, { target: 't' }, 'one.csv'),
      'single-class-target',
      /^column 't' in one\.csv has only one value 'a'; pick a column with at least two classes$/,
    );
  });

  test('no usable features', () => {
    const t = tableFromCsv(['name,t', ...Array.from({ length: 6 }, (_, i) => `n${i},${i % 2}`)].join('\n'));
    throwsLab(() => prepareDataset(t, { target: 't' }, 'ids.csv'), 'no-features', /ids\.csv/, /name: identifier/, /include/);
  });

  test('too few rows for a stratified split', () => {
    const t = tableFromCsv('x,t\n1,a\n2,a\n3,b\n4,a');
    throwsLab(() => prepareDataset(t, { target: 't' }, 'tiny.csv'), 'too-few-rows', /class 'b'/, /tiny\.csv/);
    assert.equal(prepareDataset(t, { target: 't', testSize: 0 }).train.m, 4);
  });

  test('bad test size', () => {
    throwsLab(() => prepareDataset(iris, { target: 'species', testSize: 1 }), 'bad-config', /test size/);
  });
});

// ───────────── applyPreprocessing ─────────────

describe('applyPreprocessing', () => {
  const ds = prepareDataset(titanic, { target: 'Survived', missingIndicators: true }, 'titanic.csv');
  const spec = JSON.parse(JSON.stringify(ds.preprocessing)) as typeof ds.preprocessing;

  test('rebuilds the training and test X exactly from the file (spec through JSON)', () => {
    const out = applyPreprocessing(spec, titanic, ds.classes, 'titanic.csv');
    assert.equal(out.m, 891);
    assert.equal(out.n, ds.n);
    for (const s of [ds.train, ds.test]) {
      s.sourceRows.forEach((r, i) => {
        assert.deepEqual(out.X.subarray(r * ds.n, (r + 1) * ds.n), s.X.subarray(i * ds.n, (i + 1) * ds.n), `row ${r}`);
        assert.equal(out.y?.[r], s.y[i]);
      });
    }
  });

  test('works on a table with other column order, no target and extra columns', () => {
    const csv =
      'Extra,Fare,Embarked,Age,Sex,SibSp,Parch,Pclass\n' +
      'zz,7.25,S,22,male,1,0,3\n' + // row 0 of titanic.csv
      'zz,8.05,Z,,,0,0,3\n'; // unseen Embarked, missing Age and Sex
    const out = applyPreprocessing(spec, tableFromCsv(csv), ds.classes, 'new.csv');
    assert.equal(out.y, null);
    assert.equal(out.m, 2);
    const train0 = ds.train.sourceRows.indexOf(0) >= 0 ? ds.train : ds.test;
    const i0 = train0.sourceRows.indexOf(0);
    assert.deepEqual(out.X.subarray(0, ds.n), train0.X.subarray(i0 * ds.n, (i0 + 1) * ds.n));
    const row = (name: string): number => out.X[ds.n + ds.featureNames.indexOf(name)];
    assert.equal(row('Embarked=Q') + row('Embarked=S'), 0, 'unseen level → all zero (like the reference level)');
    assert.equal(row('Sex=male'), 1, 'missing Sex → training mode');
    assert.equal(ds.featureNames.indexOf('Sex=female'), -1, 'the reference level has no indicator');
    assert.equal(row('Age missing'), 1);
    const age = feature(ds, 'Age');
    assert.ok(age.kind === 'numeric');
    assert.equal(row('Age'), Math.fround((age.fill - age.center) / age.scale));
  });

  test('missing source column, unknown label and text in a numeric column are schema mismatches', () => {
    const noFare = tableFromCsv('Embarked,Age,Sex,SibSp,Parch,Pclass\nS,22,male,1,0,3');
    throwsLab(() => applyPreprocessing(spec, noFare, ds.classes, 'new.csv'), 'schema-mismatch', /'Fare'/, /new\.csv/);
    const badLabel = tableFromCsv('Fare,Embarked,Age,Sex,SibSp,Parch,Pclass,Survived\n1,S,22,male,1,0,3,1\n1,S,22,male,1,0,3,2');
    throwsLab(
      () => applyPreprocessing(spec, badLabel, ds.classes, 'new.csv'),
      'schema-mismatch',
      /unknown label '2' at line 3 in new\.csv/,
    );
    const textAge = tableFromCsv('Fare,Embarked,Age,Sex,SibSp,Parch,Pclass\n1,S,old,male,1,0,3');
    throwsLab(() => applyPreprocessing(spec, textAge, undefined, 'new.csv'), 'schema-mismatch', /'Age'/, /'old'/, /line 2/);
  });

  test('missing-level spec: missing values go to the (missing) feature', () => {
    const t = tableFromCsv('c,t\nA,0\nB,1\n,0\nA,1\nB,0\n,1');
    const d = prepareDataset(t, { target: 't', testSize: 0, categoricalImpute: 'missing-level' });
    assert.deepEqual(d.featureNames, ['c=B', 'c=(missing)'], "reference 'A'; missing is never the reference");
    const out = applyPreprocessing(d.preprocessing, tableFromCsv('c,other\n,1\nB,2\nC,3'), d.classes);
    assert.deepEqual(Array.from(out.X), [0, 1, 1, 0, 0, 0]);
    const f = prepareDataset(t, { target: 't', testSize: 0, categoricalImpute: 'missing-level', encoding: 'full' });
    assert.deepEqual(f.featureNames, ['c=A', 'c=B', 'c=(missing)']);
    const outF = applyPreprocessing(f.preprocessing, tableFromCsv('c,other\n,1\nB,2\nC,3'), f.classes);
    assert.deepEqual(Array.from(outF.X), [0, 0, 1, 0, 1, 0, 0, 0, 0]);
  });
});

// ───────────── Describe and suggest ─────────────

describe('describeColumns and suggestTarget', () => {
  test('titanic summary', () => {
    const s = Object.fromEntries(describeColumns(titanic).map((c) => [c.name, c]));
    assert.deepEqual(s.Age, {
      name: 'Age',
      type: 'numeric',
      distinct: 88,
      missing: 177,
      identifier: null,
      targetCandidate: false,
    });
    assert.equal(s.Sex.type, 'categorical');
    assert.equal(s.Sex.targetCandidate, true);
    assert.equal(s.Survived.targetCandidate, true);
    assert.equal(s.Fare.targetCandidate, false);
    assert.match(s.PassengerId.identifier ?? '', /identifier/);
    assert.match(s.Name.identifier ?? '', /identifier/);
    assert.match(s.Cabin.identifier ?? '', /high cardinality/);
  });

  test('suggests targets by name, then the last column with 2–20 values', () => {
    assert.equal(suggestTarget(titanic), 'Survived');
    assert.equal(suggestTarget(iris), 'species');
    assert.equal(suggestTarget(sample('toy_train.csv')), 'y');
    assert.equal(suggestTarget(sample('breast_cancer.csv')), 'target');
    assert.equal(suggestTarget(tableFromCsv('a,grp,b\n1.5,u,0.1\n2.5,v,0.2\n3.5,u,0.3')), 'grp');
    assert.equal(suggestTarget(tableFromCsv('a,b\n1.5,0.1\n2.5,0.2\n3.5,0.3')), null);
  });
});

describe('prepareDataset: byte columns (pixels) fitted from their histogram', () => {
  /** A table whose columns hold the same numbers as bytes or as float64 (the reader's widths), plus a label. */
  function tables(m: number, seed: number): { bytes: ParsedTable; floats: ParsedTable } {
    let s = seed;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const cols = [0, 1, 2, 3].map((j) => {
      const v = new Uint8Array(m);
      // Skewed (pixels: mostly 0), uniform, few levels, and a constant column.
      for (let r = 0; r < m; r++) v[r] = j === 0 ? (rnd() < 0.7 ? 0 : Math.floor(rnd() * 256)) : j === 1 ? Math.floor(rnd() * 256) : j === 2 ? Math.floor(rnd() * 3) : 9;
      return v;
    });
    const y = new Uint8Array(m);
    for (let r = 0; r < m; r++) y[r] = cols[1][r] + 40 * rnd() > 140 ? 1 : 0;
    const make = (wide: boolean): ParsedTable => ({
      columns: [
        ...cols.map((v, j) => ({ kind: 'numeric' as const, name: `p${j}`, values: wide ? Float64Array.from(v) : v, missing: 0 })),
        { kind: 'numeric' as const, name: 'y', values: wide ? Float64Array.from(y) : y, missing: 0 },
      ],
      rowCount: m,
      delimiter: ',',
      hasHeader: true,
    });
    return { bytes: make(false), floats: make(true) };
  }

  for (const [m, impute] of [[1001, 'median'], [1000, 'median'], [999, 'mean'], [30, 'median']] as const) {
    test(`${m} rows, ${impute}: the row-order fit's fill and centre, and σ within 4 ulps of the exact value`, () => {
      const { bytes, floats } = tables(m, 7 + m);
      const options = { target: 'y', numericImpute: impute, dropConstant: false } as const;
      const a = prepareDataset(bytes, options);
      const b = prepareDataset(floats, options);
      assert.deepEqual(a.train.sourceRows, b.train.sourceRows);
      assert.equal(a.preprocessing.features.length, b.preprocessing.features.length);
      a.preprocessing.features.forEach((fa, i) => {
        const fb = b.preprocessing.features[i];
        assert.equal(fa.name, fb.name);
        if (fa.kind !== 'numeric' || fb.kind !== 'numeric') return;
        assert.equal(fa.fill, fb.fill, `${fa.name} fill`);
        assert.equal(fa.center, fb.center, `${fa.name} center (an exact integer sum on both sides)`);
        // The exact σ from integer sums: σ² = (m·Σv² − (Σv)²) / m² over the training rows.
        const col = bytes.columns.find((c) => c.name === fa.name);
        assert.ok(col && col.kind === 'numeric');
        let s1 = 0n;
        let s2 = 0n;
        for (const r of a.train.sourceRows) {
          const v = BigInt(col.values[r]);
          s1 += v;
          s2 += v * v;
        }
        const n = BigInt(a.train.sourceRows.length);
        const exact = Math.sqrt(Number(n * s2 - s1 * s1)) / Number(n);
        if (exact === 0) assert.equal(fa.scale, 1, 'constant: not divided');
        else {
          assert.ok(Math.abs(fa.scale - exact) <= 4 * Number.EPSILON * exact, `${fa.name} scale ${fa.scale}, exact ${exact}`);
          // The row-order passes round more (a long sum of squares): within 1e-12.
          assert.ok(Math.abs(fb.scale - exact) <= 1e-12 * exact, `${fb.name} row-order scale ${fb.scale}, exact ${exact}`);
        }
      });
      for (let i = 0; i < a.train.X.length; i++) {
        assert.ok(Math.abs(a.train.X[i] - b.train.X[i]) <= 1e-6 * Math.max(1, Math.abs(b.train.X[i])), `train.X[${i}]`);
      }
      assert.deepEqual(a.report, b.report);
    });
  }
});
