/**
 * The pace of runs: at a given number of updates per second the worker makes about that many (never a burst
 * of thousands), reports every update it makes, and a change of speed applies to the run in progress.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { LabWorker } from '../../src/engine/node/worker';
import type { ProgressInfo, WorkerMessage, WorkerRequest, WorkerResult } from '../../src/protocol';

const sample = path.join(process.cwd(), 'samples', 'titanic.csv');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function harness(): { send: (r: WorkerRequest) => void; result: (id: number) => Promise<WorkerResult>; progress: ProgressInfo[] } {
  const progress: ProgressInfo[] = [];
  const replies = new Map<number, WorkerMessage>();
  const waiting = new Map<number, (m: WorkerMessage) => void>();
  const worker = new LabWorker((m) => {
    if (m.type === 'progress') {
      progress.push(m.progress);
      return;
    }
    replies.set(m.id, m);
    waiting.get(m.id)?.(m);
  }, { kernel: jsKernel });
  const result = async (id: number): Promise<WorkerResult> => {
    const m = replies.get(id) ?? (await new Promise<WorkerMessage>((resolve) => waiting.set(id, resolve)));
    if (m.type === 'error') throw new Error(m.error.message);
    assert.equal(m.type, 'reply');
    return (m as Extract<WorkerMessage, { type: 'reply' }>).result;
  };
  return { send: (r) => worker.handle(r), result, progress };
}

test('at 10 updates a second a run makes about 10 a second and reports each; speeding up applies mid-run', async () => {
  const h = harness();
  h.send({ id: 1, type: 'load', file: sample, prepare: { target: 'Survived' }, config: { epochs: 100000, batchSize: 0, learningRate: 0.01 } });
  await h.result(1);
  h.send({ id: 2, type: 'speed', updatesPerSecond: 10 });
  assert.deepEqual(await h.result(2), { type: 'speed', updatesPerSecond: 10 });
  h.send({ id: 3, type: 'run' });
  try {
    await sleep(1200);
    const slow = h.progress.length > 0 ? h.progress[h.progress.length - 1].iteration : 0;
    // 1.2 s at 10/s: about 12 updates (a busy machine may make fewer; never a burst of hundreds).
    assert.ok(slow >= 2 && slow <= 20, `iterations after 1.2 s at 10/s: ${slow}`);
    const seen = new Set(h.progress.map((p) => p.iteration));
    assert.ok(seen.size >= Math.floor(slow / 2), `a progress report for (nearly) every update: ${seen.size} reports for ${slow} updates`);
    h.send({ id: 4, type: 'speed', updatesPerSecond: 0 });
    await h.result(4);
    await sleep(600);
    h.send({ id: 5, type: 'pause' });
    const paused = await h.result(5);
    assert.equal(paused.type, 'state');
    const fast = paused.type === 'state' ? paused.state.iteration : 0;
    assert.ok(fast > slow + 50, `as fast as possible after the change: ${fast} updates (was ${slow})`);
    assert.equal(paused.type === 'state' ? paused.state.updatesPerSecond : -1, 0);
  } finally {
    // Whatever failed, the run stops (else it trains its 100000 epochs and the test process never ends).
    h.send({ id: 6, type: 'pause' });
    await h.result(3);
  }
});

test('a speed outside 0…1000 is refused with the range, and the pace stays', async () => {
  const h = harness();
  h.send({ id: 1, type: 'speed', updatesPerSecond: 5 });
  await h.result(1);
  let id = 10;
  for (const bad of [-1, 1e9, Number.NaN]) {
    h.send({ id: ++id, type: 'speed', updatesPerSecond: bad });
    await assert.rejects(h.result(id), /from 0 to 1000/);
  }
  h.send({ id: 3, type: 'load', file: sample, prepare: { target: 'Survived' }, config: {} });
  const r = await h.result(3);
  assert.equal(r.type === 'state' ? r.state.updatesPerSecond : -1, 5);
});

test('merged progress keeps the newest live verdict, weights and boundary of the updates it merges', async () => {
  const { mergeProgress } = await import('../../src/extension/progress-merge');
  const w1 = { k: 1, n: 2, W: [1, 2], b: [0] };
  const w2 = { k: 1, n: 2, W: [3, 4], b: [1] };
  const base = { epoch: 0, running: true, done: false, newHistory: [] };
  const a = { ...base, iteration: 1, weights: w1, boundary: null };
  const b = { ...base, iteration: 2 };
  const c = { ...base, iteration: 3, weights: w2 };
  const ab = mergeProgress(a, b);
  assert.deepEqual(ab.weights, w1, 'weights of the earlier update are not lost');
  assert.equal(ab.boundary, null);
  assert.deepEqual(mergeProgress(ab, c).weights, w2, 'the newest weights win');
  assert.equal(mergeProgress(ab, c).iteration, 3);
});
