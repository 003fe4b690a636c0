/**
 * Numbers at the edge of floating point never become NaN, Infinity or a silently zeroed feature: standardisation of
 * values near 1e300 (whose squares overflow float64) and near ±1.8e308, features beyond float32 without
 * standardisation, model weights beyond float32, and scores that overflow float32 at prediction time.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { parseModel, predictTable } from '../../src/engine/model/model-io';
import { LabError, type ParsedTable } from '../../src/engine/types';

/** A table with one numeric feature x and a 0/1 text target t. */
function table(x: number[], t: string[]): ParsedTable {
  return {
    columns: [
      { kind: 'numeric', name: 'x', values: Float64Array.from(x), missing: 0 },
      { kind: 'categorical', name: 't', codes: Int32Array.from(t, (v) => (v === 'a' ? 0 : 1)), levels: ['a', 'b'], missing: 0 },
    ],
    rowCount: x.length,
    delimiter: ',',
    hasHeader: true,
  };
}

describe('standardisation at the edge of float64', () => {
  test('values near 1e300: the mean and std are right and the z-scores finite (1, 2, 3 × 1e300 → −1.22, 0, 1.22)', () => {
    const ds = prepareDataset(table([1e300, 2e300, 3e300, 1e300, 2e300, 3e300], ['a', 'b', 'a', 'b', 'a', 'b']), { target: 't', testSize: 0 });
    const f = ds.preprocessing.features[0];
    assert.ok(f.kind === 'numeric');
    assert.ok(Math.abs(f.center / 2e300 - 1) < 1e-15, `mean ${f.center}`);
    assert.ok(Math.abs(f.scale / (Math.sqrt(2 / 3) * 1e300) - 1) < 1e-15, `std ${f.scale}`);
    const z = Array.from(ds.train.X);
    const expect = [-Math.sqrt(1.5), 0, Math.sqrt(1.5)];
    z.forEach((v, i) => assert.ok(Math.abs(v - expect[i % 3]) < 1e-6, `z[${i}] = ${v}`));
    assert.match(ds.report[0].scaling ?? '', /^z-score/);
  });

  test('values near ±1.7e308 of both signs: x − mean would overflow, the features stay finite', () => {
    const ds = prepareDataset(table([-1.7e308, 1.7e308, -1.7e308, 1.7e308], ['a', 'b', 'a', 'b']), { target: 't', testSize: 0 });
    assert.ok(Array.from(ds.train.X).every((v) => Number.isFinite(v) && Math.abs(Math.abs(v) - 1) < 1e-6), Array.from(ds.train.X).join(', '));
  });

  test('without standardisation a column beyond float32 is an error naming it, not a column of infinities', () => {
    assert.throws(
      () => prepareDataset(table([1e39, 2, 3, 4], ['a', 'b', 'a', 'b']), { target: 't', testSize: 0, standardize: false }),
      (e: unknown) => e instanceof LabError && /column 'x' has values up to 1\.00e\+39, beyond the float32 range/.test(e.message),
    );
  });
});

describe('models run in float32', () => {
  const base = (weights: number[][], bias: number[], classes = ['a', 'b']) => JSON.stringify({
    format: 'logistic-regression-lab/model', version: 1, target: 't', classes, kind: classes.length === 2 ? 'binary' : 'softmax',
    featureNames: ['x'], preprocessing: { target: 't', features: [{ kind: 'numeric', name: 'x', source: 'x', fill: 0, center: 0, scale: 1 }] },
    weights, bias, threshold: 0.5, trainedWith: {},
  });

  test('a weight finite in float64 but not in float32 is refused with its place', () => {
    assert.throws(() => parseModel(base([[1e39]], [0]), 'm.json'), (e: unknown) => e instanceof LabError && e.code === 'bad-model' && /beyond float32/.test(e.message));
    assert.throws(() => parseModel(base([[1]], [1e39]), 'm.json'), (e: unknown) => e instanceof LabError && e.code === 'bad-model');
  });

  test('scores beyond float32 give probabilities 0/1 (softmax: shared by the classes at +∞), never NaN', () => {
    const soft = parseModel(base([[3e38], [0], [-3e38]], [0, 0, 0], ['a', 'b', 'c']), 'm.json');
    const r = predictTable(soft, table([10, -10, 0], ['a', 'b', 'a']), 'new.csv');
    assert.ok(Array.from(r.probabilities).every((p) => Number.isFinite(p)), Array.from(r.probabilities).join(', '));
    assert.deepEqual(r.predicted, ['a', 'c', 'a']);
    assert.deepEqual(Array.from(r.probabilities.subarray(0, 3)), [1, 0, 0]);
    const bin = parseModel(base([[3e38]], [0]), 'm.json');
    const rb = predictTable(bin, table([10, -10], ['a', 'b']), 'new.csv');
    assert.deepEqual(Array.from(rb.probabilities), [1, 0]);
  });
});
