/**
 * Earlier runs for the Training tab's overlay: a run is kept when the training settings change on the same data
 * (not when only the epoch budget or the threshold changes), its curve thinned with the last point kept; the same
 * settings again replace their older curve; at most EARLIER_RUNS_MAX; another dataset starts afresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EARLIER_RUN_POINTS, EARLIER_RUNS_MAX, nextEarlierRuns } from '../../src/extension/earlier-runs';
import { DEFAULT_TRAIN_CONFIG, runLabel } from '../../src/engine/config';
import type { SessionState } from '../../src/protocol';
import type { HistoryPoint, TrainConfig } from '../../src/engine/types';

function state(config: Partial<TrainConfig>, points: number, file = '/d/a.csv'): SessionState {
  const history = Array.from({ length: points }, (_, i): HistoryPoint => ({
    iteration: i * 3, epoch: i * 3, trainCost: 1 / (i + 1), trainLoss: 1 / (i + 1), testLoss: null, trainAccuracy: 0.5, testAccuracy: null, gap: null, distW: null, distB: null,
  } as HistoryPoint));
  return {
    dataset: { filePath: file, target: 'y', mTrain: 100, mTest: 20, featureNames: ['a', 'b'] },
    config: { ...DEFAULT_TRAIN_CONFIG, ...config },
    history,
    convergence: { verdict: 'not-converged' },
  } as unknown as SessionState;
}

test('a run is kept when its training settings change, with its label, thinned curve and final cost', () => {
  const a = state({ learningRate: 0.5 }, 1000);
  const b = state({ learningRate: 2 }, 1);
  const runs = nextEarlierRuns(a, b, []);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].label, runLabel(a.config, 100));
  assert.match(runs[0].label, /^gd · α 0\.5 · full batch$/);
  assert.ok(runs[0].curve.length <= EARLIER_RUN_POINTS + 1);
  assert.deepEqual(runs[0].curve[runs[0].curve.length - 1], { iteration: 2997, trainCost: 1 / 1000 }, 'the last point is kept');
  assert.equal(runs[0].finalCost, 1 / 1000);
  assert.equal(runs[0].iterations, 2997);
});

test('only the epoch budget or the threshold changed: nothing is kept; a run without a curve is not kept', () => {
  assert.deepEqual(nextEarlierRuns(state({}, 50), state({ epochs: 900, threshold: 0.7 }, 50), []), []);
  assert.deepEqual(nextEarlierRuns(state({}, 1), state({ l2: 0.1 }, 1), []), []);
});

test('the same settings again replace their older curve; at most EARLIER_RUNS_MAX, newest first; another file clears', () => {
  let runs = nextEarlierRuns(state({ learningRate: 0.1 }, 10), state({ learningRate: 0.2 }, 1), []);
  runs = nextEarlierRuns(state({ learningRate: 0.2 }, 10), state({ learningRate: 0.1 }, 1), runs);
  runs = nextEarlierRuns(state({ learningRate: 0.1 }, 20), state({ learningRate: 0.3 }, 1), runs);
  assert.deepEqual(runs.map((r) => r.config.learningRate), [0.1, 0.2]);
  assert.equal(runs[0].curve.length, 20, 'the newer α = 0.1 curve');
  for (const lr of [0.3, 0.4, 0.5, 0.6, 0.7]) runs = nextEarlierRuns(state({ learningRate: lr }, 5), state({ learningRate: lr + 1 }, 1), runs);
  assert.equal(runs.length, EARLIER_RUNS_MAX);
  assert.deepEqual(runs.map((r) => r.config.learningRate), [0.7, 0.6, 0.5, 0.4]);
  assert.deepEqual(nextEarlierRuns(state({ learningRate: 0.7 }, 5), state({ learningRate: 0.9 }, 1, '/d/other.csv'), runs), []);
});
