/**
 * The class cap (class-limit.ts): a target with more than 1000 classes, or more than 20 classes with fewer than
 * 5 labelled rows each on average, is refused in preparation with LabError 'too-many-classes' naming the file,
 * the column, the counts and what to do — in prepareDataset (text and numeric labels). The samples' real targets are never refused. The 100 000-class files fail with the
 * cap's error (not an out-of-memory or a training run): the check runs on the count of distinct values alone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkClassCount, FEW_CLASSES, MAX_CLASSES, MIN_ROWS_PER_CLASS } from '../../src/engine/prepare/class-limit';
import { parseCsv } from '../../src/engine/data/csv';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { LabError } from '../../src/engine/types';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-class-limit-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sample = (name: string): string => join(process.cwd(), 'samples', name);

/** Whether `e` is the cap's error with every pattern in its message. */
const capError = (...patterns: RegExp[]) => (e: unknown): boolean => {
  assert.ok(e instanceof LabError, `expected a LabError, got ${String(e)}`);
  assert.equal(e.code, 'too-many-classes', e.message);
  for (const p of patterns) assert.match(e.message, p);
  assert.doesNotMatch(e.message, /\n/);
  return true;
};

describe('checkClassCount: the rule', () => {
  test('the constants are the documented ones', () => {
    assert.deepEqual([MAX_CLASSES, FEW_CLASSES, MIN_ROWS_PER_CLASS], [1000, 20, 5]);
  });
  test('up to 20 classes are never refused for their number, whatever the rows', () => {
    checkClassCount(20, 20, 'y', 'f.csv');
    checkClassCount(2, 2, 'y', 'f.csv');
    checkClassCount(3, 150, 'species', 'iris.csv');
    checkClassCount(10, 1797, 'label', 'digits.csv');
  });
  test('above 20 classes: at least 5 rows per class on average', () => {
    checkClassCount(21, 105, 'y', 'f.csv');
    assert.throws(() => checkClassCount(21, 104, 'y', 'f.csv'), capError(/'y' in f\.csv has 21 distinct values in 104 labelled rows/, /fewer than 5 rows per class/));
  });
  test('at most 1000 classes, however many rows', () => {
    checkClassCount(1000, 1_000_000, 'y', undefined);
    assert.throws(() => checkClassCount(1001, 1_000_000, 'y', undefined), capError(/target 'y' has 1001 distinct values/, /more than the 1000 classes/, /pick a target with few values/));
  });
  test('a distinct value per row reads as an identifier', () => {
    assert.throws(() => checkClassCount(891, 891, 'Name', 'titanic.csv'), capError(/'Name' in titanic\.csv has 891 distinct values in 891 labelled rows, which looks like an identifier/));
  });
});

describe('the samples are never refused', () => {
  for (const [file, target, k] of [
    ['iris.csv', 'species', 3],
    ['digits.csv', 'label', 10],
    ['titanic.csv', 'Survived', 2],
    ['titanic.csv', 'Pclass', 3],
    ['titanic.csv', 'Embarked', 3],
    ['breast_cancer.csv', 'target', 2],
  ] as const) {
    test(`${file} → ${target}: ${k} classes`, () => {
      const data = prepareDataset(readCsvFile(sample(file)), { target, testSize: 0.2 }, file);
      assert.equal(data.classes.length, k);
    });
  }
  test("titanic's Name as the target is refused as an identifier", () => {
    assert.throws(
      () => prepareDataset(readCsvFile(sample('titanic.csv')), { target: 'Name', testSize: 0 }, 'titanic.csv'),
      capError(/'Name' in titanic\.csv has 891 distinct values in 891 labelled rows, which looks like an identifier/),
    );
  });
});

describe('100 000 classes are refused before any per-class work', () => {
  const M = 100_000;
  test('text labels, one per row (prepareDataset)', () => {
    const path = join(dir, 'ids.csv');
    const lines = ['x,label'];
    for (let i = 0; i < M; i++) lines.push(`${i % 7},id${i}`);
    writeFileSync(path, lines.join('\n') + '\n');
    assert.throws(
      () => prepareDataset(readCsvFile(path), { target: 'label', testSize: 0 }, path),
      capError(/'label' in .*ids\.csv has 100000 distinct values in 100000 labelled rows/, /identifier/),
    );
  });
  test('numeric labels, one per row', () => {
    const path = join(dir, 'numeric-ids.csv');
    const lines = ['x,label'];
    for (let i = 0; i < M; i++) lines.push(`${i % 7},${i}`);
    writeFileSync(path, lines.join('\n') + '\n');
    assert.throws(
      () => prepareDataset(readCsvFile(path), { target: 'label', testSize: 0 }, path),
      capError(/'label' in .*numeric-ids\.csv has 100000 distinct values/),
    );
  });
  test('missing labels are not rows of a class: 30 classes in 150 labelled rows of 1000 pass', () => {
    const lines = ['x,y'];
    for (let i = 0; i < 1000; i++) lines.push(`${i % 13},${i < 150 ? `c${i % 30}` : ''}`);
    const data = prepareDataset(parseCsv(lines.join('\n') + '\n'), { target: 'y', testSize: 0 });
    assert.equal(data.classes.length, 30);
    const sparse = ['x,y'];
    for (let i = 0; i < 1000; i++) sparse.push(`${i % 13},${i < 149 ? `c${i % 30}` : ''}`);
    assert.throws(() => prepareDataset(parseCsv(sparse.join('\n') + '\n'), { target: 'y', testSize: 0 }), capError(/30 distinct values in 149 labelled rows/));
  });
});
