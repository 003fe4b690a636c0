/**
 * The memory question before a load: the estimate from the described columns (featureCountBound, shapeMemory)
 * against what the preparation really makes, and the fallback from the file size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { describeColumns, featureCountBound, prepareDataset } from '../../src/engine/prepare/dataset';
import { tableRowBytes } from '../../src/engine/node/dataset-files';
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

test('tableRowBytes is the bytes of the typed columns the reader made (numbers in 1, 4 or 8 bytes), per row', () => {
  for (const [file, widths] of [
    // digits: pixels 0–16; titanic: ids (float32), ages with decimals and fares (float64), classes and counts (bytes); iris: decimals.
    ['samples/digits.csv', 'Uint8Array'], ['samples/titanic.csv', 'Float32Array|Float64Array|Uint8Array'], ['samples/iris.csv', 'Float64Array'],
  ] as const) {
    const table = readCsvFile(join(root, file));
    let bytes = 4 * table.rowCount; // the rows' CSV lines
    const seen = new Set<string>();
    for (const c of table.columns) {
      bytes += c.kind === 'numeric' ? c.values.byteLength : c.codes.byteLength;
      if (c.kind === 'numeric') seen.add(c.values.constructor.name);
    }
    assert.equal(tableRowBytes(table) * table.rowCount, bytes, file);
    assert.equal([...seen].sort().join('|'), widths, `${file}: the widths the reader chose`);
  }
});

test('shapeMemory: the typed columns and X alive together, plus labels and split indices', () => {
  const rows = 1_000_000;
  // The bench's mixed file: 6 numbers (income and balance in float64, the other four in float32: integers with
  // missing values), 9 text columns, 91 features.
  const rowBytes = 2 * 8 + 4 * 4 + 9 * 4 + 4;
  const mixed = shapeMemory({ rows, rowBytes, features: 91 });
  const arrays = rows * rowBytes + rows * 91 * 4 + rows * 8;
  assert.equal(mixed, Math.ceil(arrays * (1 + PREPARE_OVERHEAD) + PREPARE_FIXED_BYTES));
  assert.ok(mixed > 500e6 && mixed < 620e6, `mixed: ${mixed}`);
  // Fashion-MNIST: 60,000 × (784 pixels in bytes + the label in a byte); X of 784 features.
  const fashion = shapeMemory({ rows: 60_000, rowBytes: 785 + 4, features: 784 });
  assert.ok(fashion > 230e6 && fashion < 300e6, `fashion: ${fashion}`);
  // The size-only guess (3 × 91 MB) would have said 273 MB for the mixed file: the shape says about twice that.
  assert.ok(loadMemory(91e6, 1e9, { rows, rowBytes, features: 91 }).need > 1.8 * LOAD_MEMORY_FACTOR * 91e6);
});
