/**
 * Hand checks: rows are named by their real CSV line (blank lines, line breaks inside quotes and a `sep=` line
 * included); in hand-check mode (4 rows, random start) every row of an update is in its record, the rows'
 * contributions x·dz/m plus λW add up to the recorded dW, dz = a − y for each row, and the copied TSV reads back
 * as exactly the recorded float32 numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/data/csv';
import { lineOf, prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { batchTsv, HAND_CHECK_ROWS } from '../../src/webview/lib/dashboard/step';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { join } from 'node:path';

test('CSV lines of rows: consecutive, after blank lines, around a quoted line break, after sep=', () => {
  const plain = parseCsv('a,b\n1,x\n2,y\n');
  assert.deepEqual([0, 1].map((r) => lineOf(plain, r)), [2, 3]);
  assert.equal(plain.lines, undefined, 'consecutive lines keep no list');
  const gaps = parseCsv('sep=;\na;b\n\n1;"two\nlines"\n\n   \n3;z\n4;w\n');
  assert.deepEqual([0, 1, 2].map((r) => lineOf(gaps, r)), [4, 8, 9]);
  const headless = parseCsv('1,x\n\n2,y\n');
  assert.equal(headless.hasHeader, false);
  assert.deepEqual([0, 1].map((r) => lineOf(headless, r)), [1, 3]);
});

test('hand-check mode: every row shown, contributions sum to dW, dz = a − y, lines are the CSV lines', () => {
  const file = join(process.cwd(), 'samples', 'titanic.csv');
  const table = readCsvFile(file);
  const data = prepareDataset(table, { target: 'Survived' }, file);
  for (const l2 of [0, 0.05]) {
    const session = new TrainingSession(data, { optimizer: 'sgd', batchSize: HAND_CHECK_ROWS, init: 'random', l2, learningRate: 0.1, epochs: 3 }, { kernel: jsKernel });
    for (let step = 0; step < 3; step++) {
      const rec = session.step();
      assert.equal(rec.m, HAND_CHECK_ROWS);
      assert.equal(rec.samples.length, rec.m, 'every row of the batch is in the record');
      const n = rec.featureNames.length;
      if (step === 0) assert.ok(rec.samples.some((x) => Math.abs(x.z[0]) > 1e-4), 'a random start: z is not 0 for every row');
      for (const x of rec.samples) {
        const y = x.y === 1 ? 1 : 0;
        assert.ok(Math.abs(x.dz[0] - (x.a[0] - y)) < 1e-6, `dz = a − y at line ${x.line}`);
        assert.equal(x.line, lineOf(table, data.train.sourceRows[x.row]), 'the row is named by its CSV line');
      }
      for (let j = 0; j < n; j++) {
        const sum = rec.samples.reduce((a, x) => a + (x.x[j] * x.dz[0]) / rec.m, 0) + l2 * rec.WBefore[j];
        assert.ok(Math.abs(sum - rec.dW[j]) <= 2e-6 * Math.max(1, Math.abs(rec.dW[j])), `feature ${j}: Σ x·dz/m + λW = ${sum}, dW = ${rec.dW[j]}`);
      }
      const db = rec.samples.reduce((a, x) => a + x.dz[0] / rec.m, 0);
      assert.ok(Math.abs(db - rec.db[0]) <= 2e-6, `db = mean dz: ${db} vs ${rec.db[0]}`);
    }
    // The TSV: a header and one line per row; every number reads back as exactly the recorded value (a float32
    // value as the same float32).
    const same = (cell: string, v: number, what: string): void => {
      const back = Number(cell);
      assert.equal(Math.fround(v) === v ? Math.fround(back) : back, v, what);
    };
    const rec = session.step();
    const lines = batchTsv(rec).trimEnd().split('\n').map((l) => l.split('\t'));
    assert.equal(lines.length, rec.m + 1);
    assert.deepEqual(lines[0].slice(0, 1), ['line']);
    assert.equal(lines[0].length, 1 + rec.featureNames.length + 1 + 3);
    rec.samples.forEach((x, i) => {
      const cells = lines[i + 1];
      assert.equal(cells[0], String(x.line));
      x.x.forEach((v, j) => same(cells[1 + j], v, `x[${j}] of line ${x.line} reads back exactly`));
      const k = 1 + x.x.length + 1;
      same(cells[k], x.z[0], 'z');
      same(cells[k + 1], x.a[0], 'a');
      same(cells[k + 2], x.dz[0], 'dz');
      assert.ok(cells.slice(1).every((c) => c.length <= 24), 'short cells');
    });
  }
});
