import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { readCsvMatrixSync } from '../../src/engine/node/csv-matrix';
import { median, prepareDataset } from '../../src/engine/prepare/dataset';
import { MatrixPathUnsupported, prepareMatrixDataset } from '../../src/engine/prepare/dataset-matrix';
import { createRng } from '../../src/engine/random';
import { LabError, type ParsedTable, type PrepareOptions, type PreparedDataset } from '../../src/engine/types';

/**
 * The in-place matrix preparation against the general one: for the same file and options,
 * prepareMatrixDataset(readCsvMatrixSync(file)) must deep-equal prepareDataset(readCsvFile(file)) — X bit for bit
 * (deepStrictEqual compares typed arrays byte by byte), y, sourceRows, classes, featureNames, report and
 * preprocessing spec — whenever the file's numbers are exact in float32. For decimal files (breast cancer, iris)
 * the reference is prepareDataset on the general table with every number rounded to float32.
 */

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dataset-matrix-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sample = (name: string): string => join(process.cwd(), 'samples', name);

/** Position of `target` in the header line (plain comma-separated headers only). */
function headerIndex(path: string, target: string): number {
  const header = readFileSync(path, 'utf8').split(/\r?\n/, 1)[0].split(',').map((s) => s.trim());
  const j = header.indexOf(target);
  assert.ok(j >= 0, `${target} in ${path}`);
  return j;
}

function viaMatrix(path: string, options: PrepareOptions): PreparedDataset {
  const matrix = readCsvMatrixSync(path, { label: options.target });
  return prepareMatrixDataset(matrix, options, path, headerIndex(path, options.target));
}

/** The general table with every number rounded to float32 (what the matrix holds). */
function rounded(table: ParsedTable): ParsedTable {
  return {
    ...table,
    columns: table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: c.values.map(Math.fround) } : c)),
  };
}

function viaTable(path: string, options: PrepareOptions, round = false): PreparedDataset {
  const table = readCsvFile(path);
  return prepareDataset(round ? rounded(table) : table, options, path);
}

/** Deep equality with a readable first difference. */
function assertSame(actual: PreparedDataset, expected: PreparedDataset, what: string): void {
  for (const key of ['target', 'classes', 'featureNames', 'n', 'rows', 'report', 'preprocessing'] as const) {
    assert.deepStrictEqual(actual[key], expected[key], `${what}: ${key}`);
  }
  for (const split of ['train', 'test'] as const) {
    const a = actual[split];
    const e = expected[split];
    assert.equal(a.m, e.m, `${what}: ${split}.m`);
    assert.deepStrictEqual(a.sourceRows, e.sourceRows, `${what}: ${split}.sourceRows`);
    assert.deepStrictEqual(a.y, e.y, `${what}: ${split}.y`);
    assert.equal(a.X.length, e.X.length, `${what}: ${split}.X length`);
    const ab = new Uint32Array(a.X.buffer, a.X.byteOffset, a.X.length);
    const eb = new Uint32Array(e.X.buffer, e.X.byteOffset, e.X.length);
    const bad = ab.findIndex((v, i) => v !== eb[i]);
    assert.equal(bad, -1, `${what}: ${split}.X[${bad}] = ${a.X[bad]}, expected ${e.X[bad]}`);
  }
  assert.deepStrictEqual(actual, expected, what);
}

const SPLITS: Array<{ testSize: number; seed: number }> = [
  { testSize: 0.2, seed: 42 },
  { testSize: 0, seed: 42 },
  { testSize: 0.5, seed: 7 },
  { testSize: 0.13, seed: 12345 },
];

describe('prepareMatrixDataset on the samples', () => {
  test('digits (integer pixels): identical to prepareDataset for several seeds and test sizes, pixels force-included', () => {
    const path = sample('digits.csv');
    const pixels = Array.from({ length: 64 }, (_, j) => `p${j}`);
    for (const s of SPLITS) {
      for (const extra of [{}, { include: pixels }, { standardize: false }] as Array<Partial<PrepareOptions>>) {
        const options: PrepareOptions = { target: 'label', ...s, ...extra };
        const expected = viaTable(path, options);
        assertSame(viaMatrix(path, options), expected, `digits ${JSON.stringify(options).slice(0, 60)}`);
      }
    }
  });

  test('digits: some constant pixels are dropped with the same reasons, the rest kept', () => {
    const path = sample('digits.csv');
    const ds = viaMatrix(path, { target: 'label' });
    const dropped = ds.report.filter((r) => r.action === 'dropped');
    assert.ok(dropped.length > 0 && dropped.every((r) => r.reason?.startsWith('constant')));
    assert.equal(ds.n, 64 - dropped.length);
  });

  test('breast cancer and iris (decimals): identical to prepareDataset on the float32-rounded table', () => {
    for (const [name, target] of [
      ['breast_cancer.csv', 'target'],
      ['iris.csv', 'species'],
    ]) {
      const path = sample(name);
      for (const s of SPLITS) {
        for (const extra of [{}, { numericImpute: 'mean' }, { standardize: false }] as Array<Partial<PrepareOptions>>) {
          const options: PrepareOptions = { target, ...s, ...extra };
          assertSame(viaMatrix(path, options), viaTable(path, options, true), `${name} ${JSON.stringify(options)}`);
        }
      }
    }
  });

  test('breast cancer and iris: same split, classes and columns as the float64 path; X within float32 rounding of the inputs', () => {
    for (const [name, target] of [
      ['breast_cancer.csv', 'target'],
      ['iris.csv', 'species'],
    ]) {
      const path = sample(name);
      const options: PrepareOptions = { target, testSize: 0.25, seed: 3 };
      const a = viaMatrix(path, options);
      const e = viaTable(path, options);
      assert.deepStrictEqual(a.classes, e.classes);
      assert.deepStrictEqual(a.featureNames, e.featureNames);
      assert.deepStrictEqual(a.train.sourceRows, e.train.sourceRows);
      assert.deepStrictEqual(a.test.y, e.test.y);
      assert.deepStrictEqual(
        a.report.map((r) => [r.name, r.action, r.distinct, r.missing]),
        e.report.map((r) => [r.name, r.action, r.distinct, r.missing]),
      );
      let worst = 0;
      for (let i = 0; i < e.train.X.length; i++) worst = Math.max(worst, Math.abs(a.train.X[i] - e.train.X[i]));
      // |x| / σ ≤ ~30 standard deviations here, float32 input rounding 2⁻²⁴ relative: ≪ 1e-5.
      assert.ok(worst < 1e-5, `${name}: max |ΔX| ${worst}`);
    }
  });

  test('iris: text labels sorted by code point like the general reader', () => {
    const ds = viaMatrix(sample('iris.csv'), { target: 'species', testSize: 0 });
    assert.deepStrictEqual(ds.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(ds.report[4].sourceType, 'categorical');
    assert.equal(ds.report[4].action, 'target');
  });
});

// ───────────── Generated files ─────────────

interface GenOptions {
  rows: number;
  /** Label position among the columns. */
  labelAt: number;
  classes: string[];
  seed: number;
  crlf?: boolean;
}

/**
 * A numeric CSV whose numbers are all exact in float32: a sequential id, integers, k/8 fractions, a constant,
 * an all-missing column, a mostly missing one, sparse missing values in several markers, negative values.
 */
function generate(name: string, g: GenOptions): { path: string; target: string } {
  const rng = createRng(g.seed);
  const cols: Array<{ name: string; value: (i: number) => string }> = [
    { name: 'id', value: (i) => String(1000 + i) },
    { name: 'count', value: () => String(Math.floor(rng() * 50)) },
    { name: 'eighths', value: () => (rng() < 0.1 ? ['', 'NA', '?', 'nan'][Math.floor(rng() * 4)] : String(Math.round(rng() * 800 - 400) / 8)) },
    { name: 'const', value: () => '3' },
    { name: 'empty', value: () => (rng() < 0.5 ? '' : 'NA') },
    { name: 'sparse', value: () => (rng() < 0.8 ? '' : String(Math.floor(rng() * 10) - 5)) },
    { name: 'neg', value: () => String(-Math.floor(rng() * 1000) / 4) },
    { name: 'big', value: () => String(Math.floor(rng() * 16777216)) },
    { name: 'half', value: () => (rng() < 0.05 ? 'null' : String(Math.floor(rng() * 4) / 2)) },
  ];
  const target = 'y';
  const header = cols.map((c) => c.name);
  header.splice(g.labelAt, 0, target);
  const lines = [header.join(',')];
  for (let i = 0; i < g.rows; i++) {
    const fields = cols.map((c) => c.value(i));
    // Every class appears at least twice (rows 0…2K−1), then at random.
    const label = i < 2 * g.classes.length ? g.classes[i % g.classes.length] : g.classes[Math.floor(rng() * g.classes.length)];
    fields.splice(g.labelAt, 0, label);
    lines.push(fields.join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join(g.crlf ? '\r\n' : '\n') + '\n');
  return { path, target };
}

describe('prepareMatrixDataset on generated numeric files', () => {
  const files = [
    { name: 'binary-last.csv', g: { rows: 400, labelAt: 9, classes: ['0', '1'], seed: 1 } },
    { name: 'three-first.csv', g: { rows: 301, labelAt: 0, classes: ['2', '10', '-1'], seed: 2, crlf: true } },
    { name: 'text-middle.csv', g: { rows: 250, labelAt: 4, classes: ['cat', 'Dog', 'bird', 'ant'], seed: 3 } },
    { name: 'decimal-labels.csv', g: { rows: 120, labelAt: 2, classes: ['0.5', '1.25', '-3'], seed: 4 } },
  ];
  const variants: PrepareOptions[] = [
    { target: 'y' },
    { target: 'y', testSize: 0 },
    { target: 'y', testSize: 0.3, seed: 9, numericImpute: 'mean' },
    { target: 'y', missingIndicators: true },
    { target: 'y', missingIndicators: true, include: ['id', 'const', 'empty'], testSize: 0.1, seed: 5 },
    { target: 'y', features: ['eighths', 'sparse', 'id', 'const'], include: ['id'], missingIndicators: true, seed: 77 },
    { target: 'y', features: ['neg', 'big', 'half'], standardize: false, testSize: 0.5 },
    { target: 'y', include: ['const'], numericImpute: 'mean', standardize: false, missingIndicators: true },
  ];
  for (const { name, g } of files) {
    test(`${name}: identical to prepareDataset for ${variants.length} option sets`, () => {
      const { path } = generate(name, g);
      for (const options of variants) {
        const what = `${name} ${JSON.stringify(options)}`;
        assertSame(viaMatrix(path, options), viaTable(path, options), what);
      }
    });
  }

  test('the report shows each drop rule, as in the general path', () => {
    const { path } = generate('rules.csv', { rows: 200, labelAt: 9, classes: ['0', '1'], seed: 11 });
    const ds = viaMatrix(path, { target: 'y' });
    const reason = (col: string): string | undefined => ds.report.find((r) => r.name === col)?.reason;
    assert.equal(reason('id'), 'identifier: unique integer per row');
    assert.match(reason('const') ?? '', /^constant/);
    assert.equal(reason('empty'), 'empty: every value missing');
    assert.ok(ds.report.find((r) => r.name === 'sparse')?.imputed?.includes('% of values missing'));
  });

  test('X is prepared in the matrix buffer: train rows first, then test rows (no copy)', () => {
    const { path, target } = generate('inplace.csv', { rows: 300, labelAt: 9, classes: ['0', '1', '2'], seed: 12 });
    const matrix = readCsvMatrixSync(path, { label: target });
    const buffer = matrix.X.buffer;
    const ds = prepareMatrixDataset(matrix, { target, testSize: 0.25 }, path, 9);
    assert.equal(ds.train.X.buffer, buffer);
    assert.equal(ds.test.X.buffer, buffer);
    assert.equal(ds.test.X.byteOffset, ds.train.X.byteOffset + ds.train.X.byteLength);
  });

  test('more features than columns (missing indicators everywhere) still matches', () => {
    const rng = createRng(5);
    const lines = ['a,b,c,label'];
    for (let i = 0; i < 150; i++) {
      const f = (): string => (rng() < 0.2 ? '' : String(Math.floor(rng() * 64) / 4));
      lines.push(`${f()},${f()},${f()},${i % 2}`);
    }
    const path = join(dir, 'wide.csv');
    writeFileSync(path, lines.join('\n'));
    const options: PrepareOptions = { target: 'label', missingIndicators: true };
    const ds = viaMatrix(path, options);
    assert.equal(ds.n, 6);
    assertSame(ds, viaTable(path, options), 'wide');
  });
});

describe('prepareMatrixDataset errors', () => {
  function messageOf(fn: () => unknown): { code: string; message: string } {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof LabError, `expected LabError, got ${String(e)}`);
      return { code: e.code, message: e.message };
    }
    assert.fail('no error');
  }

  test('the same LabErrors as prepareDataset: bad options, a class with one row, no features, unknown target', () => {
    const lines = ['a,b,label'];
    for (let i = 0; i < 20; i++) lines.push(`${i % 3},${5},${i === 0 ? 2 : i % 2}`);
    const path = join(dir, 'errors.csv');
    writeFileSync(path, lines.join('\n'));
    const cases: PrepareOptions[] = [
      { target: 'label', testSize: 1 },
      { target: 'label', seed: Number.NaN },
      { target: 'label', features: ['zzz'] },
      { target: 'label', features: ['label'] },
      { target: 'label' },
      { target: 'label', testSize: 0, features: ['b'] },
    ];
    for (const options of cases) {
      const expected = messageOf(() => viaTable(path, options));
      const matrix = readCsvMatrixSync(path, { label: 'label' });
      assert.deepStrictEqual(messageOf(() => prepareMatrixDataset(matrix, options, path, 2)), expected, JSON.stringify(options));
    }
    const matrix = readCsvMatrixSync(path, { label: 'label' });
    const expected = messageOf(() => viaTable(path, { target: 'nope' }));
    assert.deepStrictEqual(messageOf(() => prepareMatrixDataset(matrix, { target: 'nope' }, path, 2)), expected);
  });

  test('a single-class label gives single-class-target', () => {
    const path = join(dir, 'single.csv');
    writeFileSync(path, 'a,label\n1,7\n2,7\n3,7\n');
    const expected = messageOf(() => viaTable(path, { target: 'label' }));
    const got = messageOf(() => prepareMatrixDataset(readCsvMatrixSync(path, { label: 'label' }), { target: 'label' }, path, 1));
    assert.deepStrictEqual(got, expected);
    assert.equal(got.code, 'single-class-target');
  });

  test('MatrixPathUnsupported (the caller falls back) for a feature as target and for labels mixing numbers and text', () => {
    const path = join(dir, 'mixed.csv');
    writeFileSync(path, 'a,b,label\n1,2,x\n2,3,1.0\n3,4,x\n4,5,1.0\n');
    const matrix = readCsvMatrixSync(path, { label: 'label' });
    assert.throws(() => prepareMatrixDataset(matrix, { target: 'a' }, path, 2), MatrixPathUnsupported);
    assert.throws(() => prepareMatrixDataset(matrix, { target: 'label' }, path, 2), MatrixPathUnsupported);
    // The general reader keeps the text '1.0' as a class, which the matrix has only as the number 1.
    assert.deepStrictEqual(viaTable(path, { target: 'label', testSize: 0 }).classes, ['1.0', 'x']);
  });
});

describe('median (shared with prepareDataset)', () => {
  /** Reference: sort a copy in typed-array order (−0 before +0) and take the middle value(s). */
  function sortedMedian(values: Float64Array): number {
    const s = values.slice().sort();
    const h = s.length >> 1;
    return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
  }

  test('equals the sorted middle, bit for bit, on random data with many ties and signed zeros', () => {
    const rng = createRng(99);
    const pools = [
      () => Math.floor(rng() * 5) - 2,
      () => [0, -0, 1, -1][Math.floor(rng() * 4)],
      () => [0, -0][Math.floor(rng() * 2)],
      () => rng() * 100 - 50,
      () => (rng() < 0.9 ? 7 : rng()),
    ];
    for (let trial = 0; trial < 600; trial++) {
      const len = 1 + Math.floor(rng() * (trial < 500 ? 40 : 5000));
      const draw = pools[trial % pools.length];
      const values = Float64Array.from({ length: len }, draw);
      const expected = sortedMedian(values);
      const got = median(values.slice());
      assert.ok(Object.is(got, expected), `trial ${trial} (len ${len}): ${got} vs ${expected}`);
    }
    // Sorted, reversed and constant inputs (the selection's bad cases for naive pivots).
    for (const values of [
      Float64Array.from({ length: 10001 }, (_, i) => i),
      Float64Array.from({ length: 10000 }, (_, i) => -i),
      new Float64Array(999).fill(-0),
    ]) {
      assert.ok(Object.is(median(values.slice()), sortedMedian(values)));
    }
  });
});
