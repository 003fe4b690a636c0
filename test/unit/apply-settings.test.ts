/**
 * "Apply" keeps the weights, "Apply and restart" does not: a session given a start θ begins (and resets, and goes
 * back) exactly there; the worker's configure with keepWeights continues from the current weights with the new
 * settings, without it returns to the initial weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { LabWorker } from '../../src/engine/node/worker';
import type { SessionState, WorkerMessage, WorkerRequest } from '../../src/protocol';

const file = join(process.cwd(), 'samples', 'titanic.csv');

test('a start θ is iteration 0, and reset and goTo(0) return to it exactly', () => {
  const data = prepareDataset(readCsvFile(file), { target: 'Survived' }, file);
  const first = new TrainingSession(data, { learningRate: 0.5 }, { kernel: jsKernel });
  first.run(25);
  const w = first.weights();
  const start = [...w.W, ...w.b];
  const next = new TrainingSession(data, { learningRate: 0.05, l2: 0.01 }, { kernel: jsKernel, start });
  assert.deepEqual([...next.weights().W, ...next.weights().b], start);
  next.run(10);
  next.goTo(0);
  assert.deepEqual([...next.weights().W, ...next.weights().b], start);
  next.run(3);
  next.reset();
  assert.deepEqual([...next.weights().W, ...next.weights().b], start);
  assert.throws(() => new TrainingSession(data, {}, { kernel: jsKernel, start: [1, 2] }), /start has 2 parameters/);
});

test('worker configure: keepWeights continues from the current weights, otherwise back to the initial ones', async () => {
  const replies = new Map<number, WorkerMessage>();
  const waiting = new Map<number, (m: WorkerMessage) => void>();
  const worker = new LabWorker((m) => {
    if (m.type === 'progress') return;
    replies.set(m.id, m);
    waiting.get(m.id)?.(m);
  }, { kernel: jsKernel });
  const ask = async (req: WorkerRequest): Promise<SessionState> => {
    worker.handle(req);
    const m = replies.get(req.id) ?? (await new Promise<WorkerMessage>((r) => waiting.set(req.id, r)));
    assert.equal(m.type, 'reply', JSON.stringify(m));
    const result = (m as Extract<WorkerMessage, { type: 'reply' }>).result;
    assert.ok('state' in result);
    return (result as { state: SessionState }).state;
  };
  await ask({ id: 1, type: 'load', file, prepare: { target: 'Survived' }, config: { learningRate: 0.5 } });
  for (let i = 0; i < 20; i++) await ask({ id: 10 + i, type: 'stepEpoch' });
  const trained = await ask({ id: 40, type: 'state' });
  const kept = await ask({ id: 41, type: 'configure', config: { learningRate: 0.05 }, keepWeights: true });
  assert.equal(kept.iteration, 0);
  assert.equal(kept.config.learningRate, 0.05);
  assert.deepEqual(kept.weights.W, trained.weights.W, 'Apply: the weights are kept');
  assert.deepEqual(kept.weights.b, trained.weights.b);
  assert.ok(Math.abs(kept.history[0].trainCost - trained.history[trained.history.length - 1].trainCost) < 1e-9, 'the cost goes on from where it was');
  const restarted = await ask({ id: 42, type: 'configure', config: { learningRate: 0.2 } });
  assert.ok(restarted.weights.W.every((v) => v === 0), 'Apply and restart: back to W = 0');
});
