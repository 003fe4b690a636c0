/**
 * Earlier runs kept for comparison (pure: no vscode). When the training settings change on the same data (Apply,
 * Apply and restart, "Use α = …", a new run of the same file with other settings), the run that had been made is
 * kept — its settings in words and its cost curve, thinned — so the Training tab can overlay the curves of several
 * runs. Another dataset (file, target, features or split) starts the list afresh.
 */
import type { EarlierRun, SessionState } from '../protocol';
import type { TrainConfig } from '../engine/types';
import { runLabel } from '../engine/config';
import { settingsOf } from '../engine/settings-schema';

/** Earlier runs kept, newest first. */
export const EARLIER_RUNS_MAX = 4;
/** Points kept per earlier curve (evenly thinned, the last point always kept). */
export const EARLIER_RUN_POINTS = 300;

/** The settings that change what a run does: the schema's training settings but its length, threshold and recording. */
const TRAINING_KEYS = settingsOf('train')
  .map((x) => x.key as keyof TrainConfig)
  .filter((k) => k !== 'epochs' && k !== 'threshold' && k !== 'logEvery');

/** Whether two configurations train differently. */
export function trainingDiffers(a: TrainConfig, b: TrainConfig): boolean {
  return TRAINING_KEYS.some((k) => a[k] !== b[k]);
}

/** The same data, split and features (curves of runs on them can be compared). */
function sameData(a: SessionState, b: SessionState): boolean {
  const x = a.dataset;
  const y = b.dataset;
  return x.filePath === y.filePath && x.target === y.target && x.mTrain === y.mTrain && x.mTest === y.mTest &&
    x.featureNames.length === y.featureNames.length && x.featureNames.every((f, i) => f === y.featureNames[i]);
}

/** The list after the state `prev` was replaced by `next`. */
export function nextEarlierRuns(prev: SessionState | undefined, next: SessionState, runs: readonly EarlierRun[]): EarlierRun[] {
  if (!prev) return runs.slice();
  if (!sameData(prev, next)) return [];
  if (!trainingDiffers(prev.config, next.config) || prev.history.length < 2) return runs.slice();
  const h = prev.history;
  const step = Math.max(1, Math.ceil(h.length / EARLIER_RUN_POINTS));
  const curve: EarlierRun['curve'] = [];
  for (let i = 0; i < h.length; i += step) curve.push({ iteration: h[i].iteration, trainCost: h[i].trainCost });
  const last = h[h.length - 1];
  if (curve[curve.length - 1].iteration !== last.iteration) curve.push({ iteration: last.iteration, trainCost: last.trainCost });
  const run: EarlierRun = {
    label: runLabel(prev.config, prev.dataset.mTrain),
    config: prev.config,
    curve,
    finalCost: last.trainCost,
    iterations: last.iteration,
    verdict: prev.convergence.verdict,
  };
  // The same settings again replace their older curve.
  const rest = runs.filter((r) => trainingDiffers(r.config, prev.config));
  return [run, ...rest].slice(0, EARLIER_RUNS_MAX);
}
