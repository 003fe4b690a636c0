/**
 * The settings schema (src/engine/settings-schema.ts): one entry per TrainConfig field and preparation option,
 * with the defaults, bounds and messages the engine uses; resolveConfig and the preparation check it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TRAIN_CONFIG, resolveConfig } from '../../src/engine/config';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import {
  isValidSetting,
  PREPARE_DEFAULTS,
  rangeText,
  SETTINGS,
  settingOf,
  settingProblem,
  settingsOf,
  type AnyNumberSetting,
} from '../../src/engine/settings-schema';
import { LabError, type ParsedTable } from '../../src/engine/types';

/** An example as a value: quoted text is a string, true/false booleans, otherwise a number. */
function exampleValue(example: string): unknown {
  if (/^'.*'$/.test(example)) return example.slice(1, -1);
  if (example === 'true' || example === 'false') return example === 'true';
  return Number(example);
}

describe('settings schema', () => {
  test('every setting once: keys and CLI flags unique, flags in kebab case', () => {
    const keys = SETTINGS.map((s) => s.key);
    assert.equal(new Set(keys).size, keys.length);
    const flags = SETTINGS.flatMap((s) => (s.flag === undefined ? [] : [s.flag]));
    assert.equal(new Set(flags).size, flags.length);
    for (const f of flags) assert.match(f, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, f);
    for (const f of ['target', 'test-file', 'json', 'out']) assert.ok(!flags.includes(f), `${f} is the CLI's own option`);
    assert.equal(settingOf('__proto__'), undefined);
    assert.equal(settingOf('constructor'), undefined);
  });

  test('the train group is every TrainConfig field, with the engine defaults', () => {
    assert.deepEqual(settingsOf('train').map((s) => s.key).sort(), Object.keys(resolveConfig({})).sort());
    assert.deepEqual({ ...DEFAULT_TRAIN_CONFIG }, {
      learningRate: 0.1, epochs: 200, batchSize: 0, optimizer: 'gd', momentum: 0.9, beta1: 0.9, beta2: 0.999,
      epsilon: 1e-8, l2: 0, loss: 'bce', classWeight: null, tolerance: 0, seed: 42, init: 'zeros', threshold: 0.5,
      logEvery: 0,
    });
  });

  test('the prepare group: the preparation options with their defaults; the seed is in both', () => {
    assert.deepEqual({ ...PREPARE_DEFAULTS }, {
      testSize: 0.2, seed: 42, standardize: true, missingIndicators: false, numericImpute: 'median',
      encoding: 'reference', categoricalImpute: 'most-frequent', maxLevels: 50,
    });
    assert.equal(settingOf('seed')?.group, 'both');
  });

  test('each default and each example is a valid value; each example is not rejected by resolveConfig', () => {
    for (const s of SETTINGS) {
      assert.ok(isValidSetting(s, s.default), `${s.key} default`);
      assert.ok(isValidSetting(s, exampleValue(s.example)), `${s.key} example ${s.example}`);
      if (s.group !== 'prepare') resolveConfig({ [s.key]: exampleValue(s.example) });
    }
  });

  test('bounds: a bound is allowed unless exclusive, just beyond it is not; whole numbers only for integers', () => {
    for (const s of SETTINGS) {
      if (s.type !== 'number' && s.type !== 'integer') continue;
      const b = s as AnyNumberSetting & { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean };
      if (b.min !== undefined) {
        assert.equal(isValidSetting(s, b.min), !b.minExclusive, `${s.key} = ${b.min}`);
        assert.equal(isValidSetting(s, b.min - Math.max(1, Math.abs(b.min)) * 1e-3), false, `${s.key} below ${b.min}`);
      }
      if (b.max !== undefined) {
        assert.equal(isValidSetting(s, b.max), !b.maxExclusive, `${s.key} = ${b.max}`);
        assert.equal(isValidSetting(s, b.max + Math.max(1, Math.abs(b.max)) * 1e-3), false, `${s.key} above ${b.max}`);
      }
      for (const v of [NaN, Infinity, -Infinity, '1', null]) assert.equal(isValidSetting(s, v), false, `${s.key} ${String(v)}`);
      if (s.type === 'integer') assert.equal(isValidSetting(s, s.default + 0.5), false, `${s.key} fraction`);
    }
    // The bounds as they were: epochs 1 … 10 000 000, α in (0, 1e12], λ in [0, 1e6], tolerance in [0, 1], test size in [0, 1).
    const n = (key: string): AnyNumberSetting => settingOf(key) as AnyNumberSetting;
    assert.equal(rangeText(n('epochs')), 'a whole number from 1 to 10000000');
    assert.equal(rangeText(n('learningRate')), 'a number greater than 0 and at most 1e12');
    assert.equal(rangeText(n('l2')), 'a number from 0 to 1e6');
    assert.equal(rangeText(n('tolerance')), 'a number from 0 to 1');
    assert.equal(rangeText(n('testSize')), 'a number ≥ 0 and below 1');
    assert.equal(rangeText(n('epsilon')), 'a number greater than 0');
  });

  test('messages name the setting, the value and an example', () => {
    const lr = settingOf('learningRate')!;
    assert.equal(settingProblem(lr, 0.5), null);
    assert.equal(settingProblem(lr, -1), 'learning rate must be a positive number up to 1e12 (got -1); set logisticLab.learningRate to e.g. 0.1');
    assert.equal(
      settingProblem(settingOf('classWeight')!, 'auto'),
      "class weight must be 'balanced' or 'none' (got 'auto'); set logisticLab.classWeight to e.g. 'balanced'",
    );
    // Preparation settings aren't training settings.
    assert.throws(() => resolveConfig({ testSize: 0.3 } as never), /unknown training setting 'testSize'/);
  });

  test('prepareDataset checks the preparation settings with the schema, naming the file', () => {
    const table: ParsedTable = {
      columns: [
        { kind: 'numeric', name: 'x', values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), missing: 0 },
        { kind: 'categorical', name: 'y', codes: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]), levels: ['a', 'b'], missing: 0 },
      ],
      rowCount: 8,
      delimiter: ',',
      hasHeader: true,
    };
    const bad = (options: Record<string, unknown>, message: string): void =>
      assert.throws(
        () => prepareDataset(table, { target: 'y', ...options }, 'f.csv'),
        (e: unknown) => e instanceof LabError && e.code === 'bad-config' && e.message === message && e.location.file === 'f.csv',
      );
    bad({ testSize: 1 }, 'test size must be at least 0 and below 1 (got 1); set logisticLab.testSize to e.g. 0.2');
    bad({ maxLevels: 0 }, 'maxLevels must be a whole number, at least 1 (got 0); set logisticLab.maxLevels to e.g. 50');
    bad({ numericImpute: 'mode' }, "numericImpute must be 'median' or 'mean' (got 'mode'); set logisticLab.numericImpute to e.g. 'mean'");
    bad({ categoricalImpute: 'x' }, "categoricalImpute must be 'most-frequent' or 'missing-level' (got 'x'); set logisticLab.categoricalImpute to e.g. 'missing-level'");
    bad({ encoding: 'onehot' }, "encoding must be 'reference' or 'full' (got 'onehot'); set logisticLab.encoding to e.g. 'full'");
    bad({ seed: -1 }, 'seed must be a whole number in [0, 4294967295] (got -1); set logisticLab.seed to e.g. 42');
    bad({ standardize: 'yes' }, "standardisation must be true or false (got 'yes'); set logisticLab.standardize to e.g. false");
    const ok = prepareDataset(table, { target: 'y', testSize: 0.25, standardize: false }, 'f.csv');
    assert.equal(ok.test.m, 2);
  });
});
