/**
 * Training settings: defaults and validation. Every field of {@link TrainConfig} can be set by the user
 * (VS Code setting `logisticLab.<field>`, e.g. `logisticLab.learningRate`, or a CLI flag); a bad value
 * is reported as one LabError('bad-config') naming the field, the value and a valid example.
 */
import { LabError } from './types';
import type { TrainConfig } from './types';

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  learningRate: 0.1,
  epochs: 200,
  batchSize: 0,
  optimizer: 'gd',
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  l2: 0,
  loss: 'bce',
  classWeight: null,
  tolerance: 0,
  seed: 42,
  init: 'zeros',
  threshold: 0.5,
  logEvery: 0,
});

/** Most parameters k(n+1) for optimizer 'newton' (its dense Hessian and factor take 16·d² bytes); above, 'lbfgs'. */
export const NEWTON_MAX_PARAMS = 2000;

/** Most epochs a run may be given (settings also arrive from the dashboard: every number is bounded). */
export const MAX_EPOCHS = 10_000_000;

/** Prefix of the VS Code settings that hold these fields. */
export const SETTINGS_PREFIX = 'logisticLab';

type Key = keyof TrainConfig;

/** One validation rule: a check, what the value must be, and a valid example. */
interface Rule {
  ok: (v: unknown) => boolean;
  must: string;
  example: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => isNum(v) && Number.isInteger(v);
const oneOf =
  (...values: unknown[]) =>
  (v: unknown): boolean =>
    values.includes(v);

const RULES: { [K in Key]: Rule & { label: string } } = {
  learningRate: {
    label: 'learning rate',
    ok: (v) => isNum(v) && v > 0 && v <= 1e12,
    must: 'a positive number up to 1e12',
    example: '0.1',
  },
  epochs: { label: 'epochs', ok: (v) => isInt(v) && v >= 1 && v <= MAX_EPOCHS, must: `a whole number from 1 to ${MAX_EPOCHS}`, example: '200' },
  batchSize: {
    label: 'batch size',
    ok: (v) => isInt(v) && v >= 0 && v <= 2 ** 31 - 1,
    must: 'a whole number ≥ 0 (0 = full batch)',
    example: '32',
  },
  optimizer: {
    label: 'optimizer',
    ok: oneOf('gd', 'sgd', 'momentum', 'adam', 'newton', 'lbfgs'),
    must: "one of 'gd', 'sgd', 'momentum', 'adam', 'newton', 'lbfgs'",
    example: "'newton'",
  },
  momentum: { label: 'momentum β', ok: (v) => isNum(v) && v >= 0 && v < 1, must: 'a number in [0, 1)', example: '0.9' },
  beta1: { label: 'Adam β₁', ok: (v) => isNum(v) && v >= 0 && v < 1, must: 'a number in [0, 1)', example: '0.9' },
  beta2: { label: 'Adam β₂', ok: (v) => isNum(v) && v >= 0 && v < 1, must: 'a number in [0, 1)', example: '0.999' },
  epsilon: { label: 'Adam ε', ok: (v) => isNum(v) && v > 0, must: 'a positive number', example: '1e-8' },
  l2: { label: 'L2 penalty λ', ok: (v) => isNum(v) && v >= 0 && v <= 1e6, must: 'a number from 0 to 1e6', example: '0.01' },
  loss: { label: 'loss', ok: oneOf('bce', 'mse'), must: "'bce' or 'mse'", example: "'bce'" },
  classWeight: {
    label: 'class weight',
    ok: oneOf('balanced', null, 'none'),
    must: "'balanced' or 'none'",
    example: "'balanced'",
  },
  tolerance: {
    label: 'tolerance',
    ok: (v) => isNum(v) && v >= 0 && v <= 1,
    must: 'a number from 0 to 1 (0 = train all epochs)',
    example: '1e-6',
  },
  seed: {
    label: 'seed',
    ok: (v) => isInt(v) && v >= 0 && v <= 0xffffffff,
    must: 'a whole number in [0, 4294967295]',
    example: '42',
  },
  init: { label: 'initialisation', ok: oneOf('zeros', 'random'), must: "'zeros' or 'random'", example: "'zeros'" },
  threshold: {
    label: 'decision threshold',
    ok: (v) => isNum(v) && v >= 0 && v <= 1,
    must: 'a number in [0, 1]',
    example: '0.5',
  },
  logEvery: {
    label: 'history interval',
    ok: (v) => isInt(v) && v >= 0 && v <= MAX_EPOCHS,
    must: `a whole number from 0 to ${MAX_EPOCHS} (0 = automatic)`,
    example: '10',
  },
};

/** The value as a user would type it, for messages. */
function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Defaults overlaid with the given fields (fields that are `undefined` keep their default), every field
 * validated. Throws LabError('bad-config') with a one-line message such as
 * "learning rate must be a positive number (got -1); set logisticLab.learningRate to e.g. 0.1".
 * Unknown field names are rejected too (they are usually typos). classWeight 'none' (the VS Code
 * setting's spelling) means null.
 */
export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  if (partial === null || typeof partial !== 'object') {
    throw new LabError('bad-config', `training settings must be an object (got ${show(partial)})`);
  }
  const out: TrainConfig = { ...DEFAULT_TRAIN_CONFIG };
  const rec = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial) as [string, unknown][]) {
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(RULES, key)) {
      throw new LabError(
        'bad-config',
        `unknown training setting '${key}'; valid settings are ${Object.keys(RULES).join(', ')}`,
      );
    }
    const rule = RULES[key as Key];
    if (!rule.ok(value)) {
      throw new LabError(
        'bad-config',
        `${rule.label} must be ${rule.must} (got ${show(value)}); set ${SETTINGS_PREFIX}.${key} to e.g. ${rule.example}`,
      );
    }
    // The VS Code setting spells "no class weights" as 'none'.
    rec[key] = key === 'classWeight' && value === 'none' ? null : value;
  }
  if ((out.optimizer === 'newton' || out.optimizer === 'lbfgs') && out.loss !== 'bce') {
    throw new LabError(
      'bad-config',
      `optimizer '${out.optimizer}' fits the cross-entropy optimum, so it needs loss 'bce' (got '${out.loss}'); ` +
        `set ${SETTINGS_PREFIX}.loss to 'bce' or use a gradient optimizer such as 'gd'`,
    );
  }
  return out;
}
