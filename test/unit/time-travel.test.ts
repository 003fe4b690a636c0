/**
 * Going back in a training session (TrainingSession.goTo / stepBack): from checkpoints plus replay, the parameters,
 * the optimiser state, the history and the step records are bit for bit those of an uninterrupted run — full-batch
 * gradient descent, mini-batch Adam mid-epoch, Newton and L-BFGS — and memory stays bounded.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { MAX_CHECKPOINTS, TrainingSession } from '../../src/engine/train/session';
import type { PreparedDataset, StepRecord, TrainConfig } from '../../src/engine/types';

const sample = (name: string) => readCsvFile(join(process.cwd(), 'samples', name));
const titanic = prepareDataset(sample('titanic.csv'), { target: 'Survived' }, 'titanic.csv');
const iris = prepareDataset(sample('iris.csv'), { target: 'species' }, 'iris.csv');

/** Every step record of an uninterrupted run of `count` updates (index t = the update t → t + 1). */
function recorded(data: PreparedDataset, config: Partial<TrainConfig>, count: number): { records: StepRecord[]; session: TrainingSession } {
  const s = new TrainingSession(data, config);
  const records: StepRecord[] = [];
  for (let t = 0; t < count && !s.done; t++) records.push(s.step());
  return { records, session: s };
}

const cases: Array<[string, PreparedDataset, Partial<TrainConfig>, number]> = [
  ['full-batch gradient descent (titanic)', titanic, { learningRate: 0.5 }, 40],
  ['mini-batch Adam, 16 rows, mid-epoch (iris softmax)', iris, { optimizer: 'adam', batchSize: 16, learningRate: 0.05 }, 40],
  ['momentum with L2 and random start (titanic)', titanic, { optimizer: 'momentum', l2: 0.01, init: 'random', learningRate: 0.2 }, 30],
  ['Newton (titanic)', titanic, { optimizer: 'newton' }, 5],
  ['L-BFGS (iris softmax, L2)', iris, { optimizer: 'lbfgs', l2: 0.01 }, 12],
];

describe('goTo and stepBack replay exactly', () => {
  for (const [name, data, config, count] of cases) {
    test(name, () => {
      const a = recorded(data, config, count);
      const n = a.records.length;
      const b = new TrainingSession(data, config);
      b.run(n);
      const endHistory = b.history();
      assert.deepEqual(endHistory, a.session.history(), 'run and step give the same history');
      for (const t of [n - 1, Math.floor(n / 2), 1, 0]) {
        assert.equal(b.goTo(t), t);
        const rec = b.step();
        assert.deepEqual(rec, a.records[t], `the update ${t} → ${t + 1} again`);
      }
      // Back to the middle and on to the end: the same history as the uninterrupted run.
      b.goTo(Math.floor(n / 2));
      b.goTo(n);
      assert.equal(b.iteration, n);
      assert.deepEqual(b.history(), endHistory);
      assert.deepEqual(b.weights(), a.session.weights());
      // stepBack: the record of the update that led to the new iteration.
      const back = b.stepBack();
      assert.equal(b.iteration, n - 1);
      assert.deepEqual(back, a.records[n - 2]);
      assert.equal(b.furthestIteration, n);
    });
  }

  test('stepBack to iteration 0 gives the initial parameters and no record', () => {
    const s = new TrainingSession(titanic, { init: 'random' });
    const w0 = s.weights();
    s.step();
    assert.equal(s.stepBack(), null);
    assert.equal(s.iteration, 0);
    assert.deepEqual(s.weights(), w0);
  });

  test('checkpoints stay bounded: 20 000 mini-batch updates keep at most MAX_CHECKPOINTS, and going back is still exact', () => {
    const config = { optimizer: 'sgd', batchSize: 8, learningRate: 0.05, epochs: 2000 } as const;
    const s = new TrainingSession(iris, config, { computeOptimum: false });
    s.run(20_000);
    assert.ok(s.checkpointCount <= MAX_CHECKPOINTS, `${s.checkpointCount} checkpoints`);
    const ref = new TrainingSession(iris, config, { computeOptimum: false });
    ref.run(12_345);
    s.goTo(12_345);
    assert.deepEqual(s.weights(), ref.weights());
  });
});

describe('train more epochs', () => {
  test('extend keeps the weights and goes on exactly like a run given the larger budget from the start', () => {
    const a = new TrainingSession(titanic, { epochs: 30 });
    while (!a.done) a.run(1000);
    assert.equal(a.iteration, 30);
    a.extend(20);
    assert.equal(a.done, false);
    while (!a.done) a.run(1000);
    const b = new TrainingSession(titanic, { epochs: 50 });
    while (!b.done) b.run(1000);
    assert.deepEqual(a.weights(), b.weights());
    assert.deepEqual(a.history(), b.history());
    assert.throws(() => a.extend(0), /more epochs must be a whole number/);
    assert.throws(() => a.extend(1e9), /epochs must be a whole number from 1 to 10000000/);
  });
});
