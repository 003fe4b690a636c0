/**
 * The memory question before a load: the estimate from the described columns (featureCountBound, shapeMemory)
 * against what the preparation really makes, and the fallback from the file size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { describeColumns, featureCountBound, prepareDataset } from '../../src/engine/prepare/dataset';
import type { PrepareOptions } from '../../src/engine/types';
import { FREE_MEMORY_SHARE, LOAD_MEMORY_FACTOR, loadMemory, PREPARE_FIXED_BYTES, PREPARE_OVERHEAD, shapeMemory } from '../../src/extension/memory';

const root = process.cwd();

test('without a description, a load is asked about when 3× its size exceeds the share of free memory', () => {
  const GB = 2 ** 30;
  // 1 GB of CSV needs about 3 GB: fine with 8 GB free, asked about with 2 GB free.
  assert.deepEqual(loadMemory(GB, 8 * GB), { need: LOAD_MEMORY_FACTOR * GB, fits: true });
  assert.equal(loadMemory(GB, 2 * GB).fits, false);
  // The boundary: exactly the share of the free memory still fits.
  const free = 10 * GB;
  assert.equal(loadMemory((free * FREE_MEMORY_SHARE) / LOAD_MEMORY_FACTOR, free).fits, true);
  assert.equal(loadMemory((free * FREE_MEMORY_SHARE) / LOAD_MEMORY_FACTOR + 1024, free).fits, false);
});

test('featureCountBound is the number of features prepareDataset makes, for the samples and every coding option (at most 25 % above it with 1000 levels allowed)', () => {
  const cases: Array<[string, string]> = [
    ['samples/titanic.csv', 'Survived'], ['samples/iris.csv', 'species'], ['samples/breast_cancer.csv', 'target'],
    ['samples/digits.csv', 'label'], ['test/fixtures/public/wine.csv', 'cultivar'], ['test/fixtures/public/spector.csv', 'GRADE'],
  ];
  const variants: Array<Partial<PrepareOptions>> = [
    {}, { encoding: 'full' }, { missingIndicators: true }, { categoricalImpute: 'missing-level' },
    { encoding: 'full', categoricalImpute: 'missing-level', missingIndicators: true }, { maxLevels: 2 }, { maxLevels: 1000 },
  ];
  let compared = 0;
  for (const [file, target] of cases) {
    const table = readCsvFile(join(root, file));
    const names = table.columns.map((c) => c.name);
    assert.ok(names.includes(target), `${file} has ${target} (columns ${names.join(', ')})`);
    const summaries = describeColumns(table);
    for (const v of variants) {
      const options: PrepareOptions = { target, ...v };
      const bound = featureCountBound(summaries, options);
      const n = prepareDataset(table, options, file).n;
      if (v.maxLevels === 1000) {
        // Many-level columns kept: levels met only in test rows are no features, so the bound may be above.
        assert.ok(bound >= n && bound <= 1.25 * n, `${file} ${JSON.stringify(v)}: ${bound} for ${n}`);
      } else {
        assert.equal(bound, n, `${file} ${JSON.stringify(v)}`);
      }
      compared++;
    }
    // A chosen subset, and a column that is dropped by default but force-included.
    const subset = names.filter((nm) => nm !== target).slice(0, 2);
    const chosen: PrepareOptions = { target, features: subset };
    assert.equal(featureCountBound(summaries, chosen), prepareDataset(table, chosen, file).n, `${file} features ${subset.join(', ')}`);
    const dropped = summaries.find((c) => c.identifier !== null && c.name !== target && c.missing < table.rowCount);
    if (dropped) {
      const forced: PrepareOptions = { target, include: [dropped.name] };
      assert.equal(featureCountBound(summaries, forced), prepareDataset(table, forced, file).n, `${file} include ${dropped.name}`);
    }
  }
  assert.ok(compared >= 40);
});

test('shapeMemory: the typed columns and X of the table path, the in-place matrix of the matrix path', () => {
  const rows = 1_000_000;
  // The bench's mixed file: 6 numbers, 9 text columns, 91 features. Measured peak above the baseline: 537 MB.
  const mixed = shapeMemory({ rows, numericColumns: 6, textColumns: 9, features: 91, path: 'table' });
  const arrays = rows * (6 * 8 + 9 * 4 + 4) + rows * 91 * 4 + rows * 8;
  assert.equal(mixed, Math.ceil(arrays * (1 + PREPARE_OVERHEAD) + PREPARE_FIXED_BYTES));
  assert.ok(mixed > 500e6 && mixed < 620e6, `mixed: ${mixed}`);
  // Fashion-MNIST: 60,000 × (784 pixels + label), matrix path, prepared in place. Measured: 244 MB.
  const fashion = shapeMemory({ rows: 60_000, numericColumns: 785, textColumns: 0, features: 784, path: 'matrix' });
  assert.ok(fashion > 200e6 && fashion < 260e6, `fashion: ${fashion}`);
  // Missing indicators make X wider than the matrix: a second matrix.
  assert.ok(shapeMemory({ rows: 60_000, numericColumns: 785, textColumns: 0, features: 800, path: 'matrix' }) > 1.9 * fashion);
  // The size-only guess (3 × 91 MB) would have said 273 MB for the mixed file: the shape says about twice that.
  assert.ok(loadMemory(91e6, 1e9, { rows, numericColumns: 6, textColumns: 9, features: 91, path: 'table' }).need > 1.8 * LOAD_MEMORY_FACTOR * 91e6);
});
