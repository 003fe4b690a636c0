/**
 * Reads the `logisticLab.*` settings: training settings (every TrainConfig field) and the preparation
 * options (test size, seed, standardisation, imputation …). Validation of the values is the engine's
 * (`resolveConfig`), so a bad setting is reported with the setting's name and a valid example.
 */
import * as vscode from 'vscode';
import type { CategoricalEncoding, CategoricalImpute, NumericImpute, PrepareOptions, TrainConfig } from '../engine/types';

export const SECTION = 'logisticLab';

/** The training settings the user set (or their defaults from the manifest), ready for resolveConfig. */
export function readTrainConfig(scope?: vscode.Uri): Partial<TrainConfig> {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Partial<TrainConfig> = {
    learningRate: c.get<number>('learningRate'),
    epochs: c.get<number>('epochs'),
    batchSize: c.get<number>('batchSize'),
    optimizer: c.get<TrainConfig['optimizer']>('optimizer'),
    momentum: c.get<number>('momentum'),
    beta1: c.get<number>('beta1'),
    beta2: c.get<number>('beta2'),
    epsilon: c.get<number>('epsilon'),
    l2: c.get<number>('l2'),
    loss: c.get<TrainConfig['loss']>('loss'),
    tolerance: c.get<number>('tolerance'),
    seed: c.get<number>('seed'),
    init: c.get<TrainConfig['init']>('init'),
    threshold: c.get<number>('threshold'),
    logEvery: c.get<number>('logEvery'),
  };
  const classWeight = c.get<string>('classWeight');
  if (classWeight !== undefined) out.classWeight = classWeight === 'balanced' ? 'balanced' : null;
  return dropUndefined(out);
}

/** Preparation options from the settings (target and features come from the user's picks). */
export function readPrepareOptions(scope?: vscode.Uri): Omit<PrepareOptions, 'target'> {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return dropUndefined({
    testSize: c.get<number>('testSize'),
    seed: c.get<number>('seed'),
    standardize: c.get<boolean>('standardize'),
    missingIndicators: c.get<boolean>('missingIndicators'),
    numericImpute: c.get<NumericImpute>('numericImpute'),
    categoricalImpute: c.get<CategoricalImpute>('categoricalImpute'),
    encoding: c.get<CategoricalEncoding>('encoding'),
    maxLevels: c.get<number>('maxLevels'),
  });
}

function dropUndefined<T extends object>(o: T): T {
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (rec[k] === undefined) delete rec[k];
  return o;
}
