/**
 * The CLI's options of `train` are the settings schema's flags: each one reaches the engine (the --json config,
 * or the preparation report and features), a bad value is refused with the setting's message before the file is
 * read, and --help lists every flag with its default.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { DEFAULT_TRAIN_CONFIG } from '../../src/engine/config';
import { SETTINGS, settingsValue } from '../../src/engine/settings-schema';
import type { ColumnReport, TrainConfig } from '../../src/engine/types';
import { root, run } from './cli-run';

const titanic = resolve(root, 'samples', 'titanic.csv');


interface Json {
  config: TrainConfig;
  encoding: string;
  features: string[];
  dropped: Record<string, string>;
  report: ColumnReport[];
  test: { accuracy: number } | null;
  history: Array<{ iteration: number }>;
  iterations: number;
}

function trainJson(...args: string[]): Json {
  const r = run('train', titanic, '--target', 'Survived', '--json', ...args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}

const column = (j: Json, name: string): ColumnReport => {
  const c = j.report.find((r) => r.name === name);
  assert.ok(c, name);
  return c;
};

/** A value other than the default for every training flag, and what the engine's config then holds. */
const TRAIN_FLAGS: Record<string, [string, Partial<TrainConfig>]> = {
  lr: ['0.5', { learningRate: 0.5 }],
  epochs: ['7', { epochs: 7 }],
  'batch-size': ['64', { batchSize: 64 }],
  optimizer: ['adam', { optimizer: 'adam' }],
  loss: ['mse', { loss: 'mse' }],
  l2: ['0.01', { l2: 0.01 }],
  seed: ['7', { seed: 7 }],
  threshold: ['0.4', { threshold: 0.4 }],
  momentum: ['0.8', { momentum: 0.8 }],
  beta1: ['0.8', { beta1: 0.8 }],
  beta2: ['0.99', { beta2: 0.99 }],
  epsilon: ['1e-7', { epsilon: 1e-7 }],
  'class-weight': ['balanced', { classWeight: 'balanced' }],
  tolerance: ['1e-6', { tolerance: 1e-6 }],
  init: ['random', { init: 'random' }],
  'log-every': ['3', { logEvery: 3 }],
};

/** The preparation flags, each with a check that it reached the preparation. */
const PREPARE_FLAGS: Record<string, [string[], (j: Json) => void]> = {
  'test-size': [['0'], (j) => assert.equal(j.test, null)],
  'no-standardize': [[], (j) => assert.doesNotMatch(column(j, 'Age').scaling ?? '', /z-score/)],
  'missing-indicators': [[], (j) => assert.ok(j.features.includes('Age missing') && j.features.includes('Embarked missing'), j.features.join())],
  'numeric-impute': [['mean'], (j) => assert.match(column(j, 'Age').imputed ?? '', /^mean /)],
  encoding: [['full'], (j) => {
    assert.equal(j.encoding, 'full');
    assert.ok(j.features.includes('Sex=female') && j.features.includes('Sex=male'), j.features.join());
  }],
  'categorical-impute': [['missing-level'], (j) => {
    assert.ok(j.features.includes('Embarked=(missing)'), j.features.join());
    assert.equal(column(j, 'Embarked').imputed, "own level '(missing)'");
  }],
  'max-levels': [['2'], (j) => assert.match(j.dropped.Embarked ?? '', /high cardinality/)],
};

describe('logistic-lab train: one flag per setting of the schema', () => {
  test('the tables below cover every flag of the schema', () => {
    const flags = SETTINGS.flatMap((s) => (s.flag === undefined ? [] : [s.flag])).sort();
    assert.deepEqual([...Object.keys(TRAIN_FLAGS), ...Object.keys(PREPARE_FLAGS)].sort(), flags);
  });

  test('every training flag reaches the engine: the --json config', () => {
    const args = Object.entries(TRAIN_FLAGS).flatMap(([flag, [value]]) => [`--${flag}`, value]);
    const j = trainJson(...args);
    const expected = Object.assign({ ...DEFAULT_TRAIN_CONFIG }, ...Object.values(TRAIN_FLAGS).map(([, c]) => c)) as TrainConfig;
    assert.deepEqual(j.config, expected);
    // The history interval is the one given.
    assert.equal(j.history[1].iteration - j.history[0].iteration, 3);
  });

  test('--class-weight balanced alone shows in the config; none is null', () => {
    assert.equal(trainJson('--epochs', '1', '--class-weight', 'balanced').config.classWeight, 'balanced');
    assert.equal(trainJson('--epochs', '1', '--class-weight', 'none').config.classWeight, null);
    assert.equal(trainJson('--epochs', '1').config.classWeight, null);
  });

  for (const [flag, [value, check]] of Object.entries(PREPARE_FLAGS)) {
    test(`--${flag}${value.length > 0 ? ' ' + value.join(' ') : ''} reaches the preparation`, () => {
      check(trainJson('--epochs', '1', `--${flag}`, ...value));
    });
  }

  test('without the flags the preparation has its defaults', () => {
    const j = trainJson('--epochs', '1');
    assert.equal(j.encoding, 'reference');
    assert.match(column(j, 'Age').scaling ?? '', /z-score/);
    assert.match(column(j, 'Age').imputed ?? '', /^median /);
    assert.match(column(j, 'Embarked').imputed ?? '', /^most frequent /);
    assert.equal(j.dropped.Embarked, undefined);
    assert.ok(!j.features.includes('Age missing'));
    assert.ok(j.test !== null);
  });

  const refused: Array<[string[], RegExp]> = [
    [['--class-weight', 'auto'], /^logistic-lab: class weight must be 'balanced' or 'none' \(got 'auto'\); set logisticLab\.classWeight/],
    [['--epochs', '2.5'], /^logistic-lab: epochs must be a whole number from 1 to 10000000 \(got 2\.5\)/],
    [['--tolerance', '5'], /^logistic-lab: tolerance must be a number from 0 to 1/],
    [['--init', 'xavier'], /^logistic-lab: initialisation must be 'zeros' or 'random'/],
    [['--max-levels', '0'], /^logistic-lab: maxLevels must be a whole number, at least 1 \(got 0\)/],
    [['--numeric-impute', 'mode'], /^logistic-lab: numericImpute must be 'median' or 'mean' \(got 'mode'\)/],
    [['--test-size', '1'], /^logistic-lab: test size must be at least 0 and below 1 \(got 1\)/],
    [['--momentum', 'high'], /^logistic-lab: --momentum needs a number \(got 'high'\)/],
    [['--optimizer', 'newton', '--loss', 'mse'], /^logistic-lab: optimizer 'newton' fits the cross-entropy optimum/],
  ];
  for (const [args, pattern] of refused) {
    test(`${args.join(' ')} is refused before the file is read`, () => {
      // The file does not exist: the setting is reported first.
      const r = run('train', resolve(root, 'samples', 'no-such-file.csv'), ...args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr.split('\n')[0], pattern);
    });
  }

  test('--help lists every flag with its default', () => {
    const r = run('--help');
    assert.equal(r.code, 0);
    for (const s of SETTINGS) {
      if (s.flag === undefined) continue;
      const line = r.stdout.split('\n').findIndex((l) => l.trimStart().startsWith(`--${s.flag}`));
      assert.ok(line >= 0, `--${s.flag} is listed`);
      // The text is on the flag's line, or on the next one for long flags.
      const text = r.stdout.split('\n').slice(line, line + 2).join(' ');
      const shown = s.type === 'boolean' ? `(default ${s.default ? 'on' : 'off'})` : `Default ${String(settingsValue(s, s.default))}`;
      assert.ok(text.includes(shown), `--${s.flag}: ${text}`);
    }
    for (const f of ['--target', '--test-file', '--json', '--out']) assert.match(r.stdout, new RegExp(`^  ${f} `, 'm'));
  });
});
