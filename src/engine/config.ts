/**
 * Training settings: defaults and validation. Every field of {@link TrainConfig} can be set by the user
 * (VS Code setting `logisticLab.<field>`, e.g. `logisticLab.learningRate`, or a CLI flag); a bad value
 * is reported as one LabError('bad-config') naming the field, the value and a valid example. The fields, their
 * defaults, bounds and messages are the settings schema's (settings-schema.ts).
 */
import { MAX_EPOCHS, SETTINGS_PREFIX, TRAIN_DEFAULTS, settingOf, settingProblem, settingsOf, engineValue, showValue } from './settings-schema';
import { LabError } from './types';
import type { TrainConfig } from './types';
import { isFirstOrder } from './train/optimizers';

/** The default of every field, from the settings schema (settings-schema.ts). */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = TRAIN_DEFAULTS;

/** Most parameters k(n+1) for optimizer 'newton' (its dense Hessian and factor take 16·d² bytes); above, 'lbfgs'. */
export const NEWTON_MAX_PARAMS = 2000;

/** The exact fit offered for a model of `parameters` = k(n+1) values: Newton up to NEWTON_MAX_PARAMS, else L-BFGS. */
export function exactFitMethod(parameters: number): 'newton' | 'lbfgs' {
  return parameters <= NEWTON_MAX_PARAMS ? 'newton' : 'lbfgs';
}

export { MAX_EPOCHS, SETTINGS_PREFIX };

const TRAIN_KEYS = settingsOf('train').map((s) => s.key);

/**
 * Defaults overlaid with the given fields (fields that are `undefined` keep their default), every field
 * validated. Throws LabError('bad-config') with a one-line message such as
 * "learning rate must be a positive number (got -1); set logisticLab.learningRate to e.g. 0.1".
 * Unknown field names are rejected too (they are usually typos). classWeight 'none' (the VS Code
 * setting's spelling) means null.
 */
export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  if (partial === null || typeof partial !== 'object') {
    throw new LabError('bad-config', `training settings must be an object (got ${showValue(partial)})`);
  }
  const out: TrainConfig = { ...DEFAULT_TRAIN_CONFIG };
  const rec = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial) as [string, unknown][]) {
    if (value === undefined) continue;
    const setting = settingOf(key);
    if (!setting || (setting.group !== 'train' && setting.group !== 'both')) {
      throw new LabError(
        'bad-config',
        `unknown training setting '${key}'; valid settings are ${TRAIN_KEYS.join(', ')}`,
      );
    }
    const problem = settingProblem(setting, value);
    if (problem !== null) throw new LabError('bad-config', problem);
    // The VS Code setting spells "no class weights" as 'none'.
    rec[key] = engineValue(setting, value);
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

/** A run's settings in words, e.g. "gd · α 0.5 · full batch · λ 0.01 · MSE". */
export function runLabel(c: TrainConfig, mTrain: number): string {
  const parts: string[] = [c.optimizer];
  // α and batches belong to the gradient optimisers; an exact fit has neither.
  if (isFirstOrder(c.optimizer)) parts.push(`α ${c.learningRate}`, c.batchSize > 0 && c.batchSize < mTrain ? `batch ${c.batchSize}` : 'full batch');
  if (c.l2 > 0) parts.push(`λ ${c.l2}`);
  if (c.loss === 'mse') parts.push('MSE');
  if (c.classWeight === 'balanced') parts.push('balanced');
  if (c.init === 'random') parts.push(`random start (seed ${c.seed})`);
  return parts.join(' · ');
}
