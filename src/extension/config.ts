/**
 * Reads the `logisticLab.*` settings: training settings (every TrainConfig field) and the preparation
 * options (test size, seed, standardisation, imputation …), both lists from the settings schema
 * (src/engine/settings-schema.ts). Validation of the values is the engine's (`resolveConfig`, `resolveOptions`),
 * so a bad setting is reported with the setting's name and a valid example.
 */
import * as vscode from 'vscode';
import { engineValue, SETTINGS_PREFIX, settingsOf } from '../engine/settings-schema';
import type { PrepareOptions, TrainConfig } from '../engine/types';
import { checkedSpeed } from '../protocol';

export const SECTION = SETTINGS_PREFIX;

/** The values the user set (or the manifest's defaults) of one group, in the engine's spelling ('none' → null). */
function readGroup(group: 'train' | 'prepare', scope: vscode.Uri | undefined): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const s of settingsOf(group)) {
    const value = c.get<unknown>(s.key);
    if (value !== undefined) out[s.key] = engineValue(s, value);
  }
  return out;
}

/** The training settings the user set (or their defaults from the manifest), ready for resolveConfig. */
export function readTrainConfig(scope?: vscode.Uri): Partial<TrainConfig> {
  return readGroup('train', scope) as Partial<TrainConfig>;
}

/** Preparation options from the settings (target and features come from the user's picks). */
export function readPrepareOptions(scope?: vscode.Uri): Omit<PrepareOptions, 'target'> {
  return readGroup('prepare', scope) as Omit<PrepareOptions, 'target'>;
}

/** How runs play (VS Code-only settings, not training settings): their pace and whether a new session starts. */
export interface Playback {
  /** Updates per second; 0 = as fast as possible. */
  updatesPerSecond: number;
  /** A new session waits at iteration 0 for Run or Step instead of training at once. */
  startPaused: boolean;
}

/** `logisticLab.updatesPerSecond` (a bad value reads as 0, as fast as possible) and `logisticLab.startPaused`. */
export function readPlayback(scope?: vscode.Uri): Playback {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    updatesPerSecond: checkedSpeed(c.get<unknown>('updatesPerSecond')) ?? 0,
    startPaused: c.get<unknown>('startPaused') === true,
  };
}
