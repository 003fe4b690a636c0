/**
 * The training worker's request handling, driven in-process (LabWorker with a collecting `post`):
 * ordering of replies while a run is going, pause mid-run, progress streaming, errors as data,
 * the decision-boundary grid (checked against z = w·x + b computed here), pixel-image detection, and
 * snapshot/restore across a "window reload" (a fresh worker continues exactly like the uninterrupted one).
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { LabWorker } from '../../src/engine/node/worker';
import { optimumAffordable } from '../../src/engine/solve/solver';
import { pixelColumns, pixelSide } from '../../src/engine/prepare/pixels';
import type { HistoryPoint } from '../../src/engine/types';
import type { SavedSession, SessionState, WorkerMessage, WorkerRequest, WorkerResult } from '../../src/protocol';

const root = process.cwd();
const sample = (name: string): string => path.join(root, 'samples', name);
const RAGGED = path.join(root, 'test', 'fixtures', 'vscode', 'ragged.csv');

/** A worker whose messages are collected; `next(id)` waits for the reply to request id. */
function harness(): {
  send: (req: WorkerRequest) => void;
  reply: (id: number) => Promise<Extract<WorkerMessage, { type: 'reply' | 'error' }>>;
  result: <T extends WorkerResult['type']>(id: number, type: T) => Promise<Extract<WorkerResult, { type: T }>>;
  messages: WorkerMessage[];
} {
  const messages: WorkerMessage[] = [];
  const waiters = new Map<number, (m: Extract<WorkerMessage, { type: 'reply' | 'error' }>) => void>();
  const worker = new LabWorker(
    (m) => {
      messages.push(m);
      if (m.type !== 'progress') waiters.get(m.id)?.(m);
    },
    { kernel: jsKernel },
  );
  const reply = (id: number): Promise<Extract<WorkerMessage, { type: 'reply' | 'error' }>> => {
    const done = messages.find((m) => m.type !== 'progress' && m.id === id);
    if (done && done.type !== 'progress') return Promise.resolve(done);
    return new Promise((resolve) => waiters.set(id, resolve));
  };
  const result = async <T extends WorkerResult['type']>(id: number, type: T): Promise<Extract<WorkerResult, { type: T }>> => {
    const m = await reply(id);
    if (m.type === 'error') throw new Error(`request ${id} failed: ${m.error.code}: ${m.error.message}`);
    assert.equal(m.result.type, type);
    return m.result as Extract<WorkerResult, { type: T }>;
  };
  return { send: (req) => worker.handle(req), reply, result, messages };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('LabWorker', () => {
  test('describe lists the columns with identifier flags and a suggested target', async () => {
    const h = harness();
    h.send({ id: 1, type: 'describe', file: sample('titanic.csv') });
    const r = await h.result(1, 'columns');
    assert.equal(r.rows, 891);
    assert.equal(r.suggested, 'Survived');
    const byName = new Map(r.columns.map((c) => [c.name, c]));
    assert.ok(byName.get('PassengerId')?.identifier?.startsWith('identifier'));
    assert.equal(byName.get('Sex')?.identifier, null);
    assert.equal(byName.get('Age')?.missing, 177);
  });

  test('step is exactly one update; reset returns to iteration 0 with zero weights', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('toy_train.csv'), prepare: { target: 'y', testSize: 0 }, config: {} });
    const loaded = await h.result(1, 'state');
    assert.equal(loaded.state.iteration, 0);
    assert.equal(loaded.state.dataset.pixelSide, null);
    h.send({ id: 2, type: 'step' });
    const s = await h.result(2, 'step');
    assert.equal(s.record.iteration, 1);
    assert.equal(s.state.iteration, 1);
    assert.deepEqual(s.state.lastStep?.iteration, 1);
    assert.ok(s.state.weights.W.some((w) => w !== 0));
    h.send({ id: 3, type: 'reset' });
    const r = await h.result(3, 'state');
    assert.equal(r.state.iteration, 0);
    assert.ok(r.state.weights.W.every((w) => w === 0) && r.state.weights.b.every((b) => b === 0));
    assert.equal(r.state.lastStep, null);
  });

  test('pause stops a long run mid-way; the run and the pause answer with the same iteration', async () => {
    const h = harness();
    h.send({
      id: 1,
      type: 'load',
      file: sample('titanic.csv'),
      prepare: { target: 'Survived' },
      config: { epochs: 1_000_000 },
    });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'run' });
    await sleep(150);
    h.send({ id: 3, type: 'pause' });
    const run = await h.result(2, 'state');
    const pause = await h.result(3, 'state');
    assert.ok(run.state.iteration > 0, 'the run made progress before the pause');
    assert.ok(run.state.iteration < 1_000_000, 'the run stopped early');
    assert.equal(pause.state.iteration, run.state.iteration);
    assert.equal(pause.state.running, false);
    assert.equal(pause.state.done, false);
    const order = h.messages.filter((m) => m.type === 'reply').map((m) => (m.type === 'reply' ? m.id : -1));
    assert.deepEqual(order.slice(-2), [2, 3], 'the run is answered before the pause');
  });

  test('progress streams increasing history points, consistent with the final history', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 1500 } });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'run' });
    const end = await h.result(2, 'state');
    assert.equal(end.state.done, true);
    assert.equal(end.state.iteration, 1500);
    const progress = h.messages.flatMap((m) => (m.type === 'progress' ? [m.progress] : []));
    let streamed: HistoryPoint[] = [];
    for (const p of progress) streamed = p.history ? p.history.slice() : streamed.concat(p.newHistory);
    for (let i = 1; i < streamed.length; i++) assert.ok(streamed[i].iteration > streamed[i - 1].iteration);
    const finalIters = new Set(end.state.history.map((p) => p.iteration));
    for (const p of streamed) assert.ok(finalIters.has(p.iteration), `streamed point ${p.iteration} is in the final history`);
  });

  test('a step sent during a run stops the run, then steps once', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 1_000_000 } });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'run' });
    await sleep(80);
    h.send({ id: 3, type: 'step' });
    const run = await h.result(2, 'state');
    const step = await h.result(3, 'step');
    assert.equal(step.record.iteration, run.state.iteration + 1);
  });

  test('errors come back as data with the LabError code and location', async () => {
    const h = harness();
    h.send({ id: 1, type: 'step' });
    const noSession = await h.reply(1);
    assert.equal(noSession.type, 'error');
    if (noSession.type === 'error') assert.equal(noSession.error.code, 'no-session');

    h.send({ id: 2, type: 'load', file: RAGGED, prepare: { target: 'label' }, config: {} });
    const ragged = await h.reply(2);
    assert.equal(ragged.type, 'error');
    if (ragged.type === 'error') {
      assert.equal(ragged.error.code, 'ragged-row');
      assert.equal(ragged.error.location?.line, 5);
      assert.match(ragged.error.message, /ragged\.csv/);
    }
    // A failed load leaves no session behind.
    h.send({ id: 3, type: 'state' });
    const state = await h.reply(3);
    assert.equal(state.type, 'error');

    h.send({ id: 4, type: 'load', file: sample('toy_train.csv'), prepare: { target: 'y', testSize: 0 }, config: {} });
    await h.result(4, 'state');
    h.send({ id: 5, type: 'configure', config: { learningRate: -1 } });
    const bad = await h.reply(5);
    assert.equal(bad.type, 'error');
    if (bad.type === 'error') assert.equal(bad.error.code, 'bad-config');
  });

  test('compare trains BCE and MSE for the configured epochs from the same start', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('toy_train.csv'), prepare: { target: 'y', testSize: 0 }, config: { epochs: 40 } });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'compare' });
    const r = await h.result(2, 'comparison');
    assert.deepEqual(r.runs.map((x) => x.loss), ['bce', 'mse']);
    for (const run of r.runs) {
      assert.equal(run.history[0].iteration, 0);
      assert.equal(run.history[run.history.length - 1].iteration, 40);
    }
    // Same zero start: BCE starts at ln 2, MSE at ½(0.5)² = 0.125.
    assert.ok(Math.abs(r.runs[0].history[0].trainCost - Math.LN2) < 1e-6);
    assert.ok(Math.abs(r.runs[1].history[0].trainCost - 0.125) < 1e-6);
    // The log loss of the same zero start is ln 2 for both: one definition of 'loss' whatever is minimised.
    for (const run of r.runs) assert.ok(Math.abs(run.history[0].trainLoss - Math.LN2) < 1e-6);
    h.send({ id: 3, type: 'state' });
    assert.equal((await h.result(3, 'state')).state.comparison?.length, 2);
  });

  test('evaluate moves the threshold of the metrics and of later states', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 50 } });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'run' });
    await h.result(2, 'state');
    h.send({ id: 3, type: 'evaluate', threshold: 1 });
    const m = await h.result(3, 'metrics');
    // Threshold 1: (almost) nothing is predicted positive, so recall of class 1 collapses.
    assert.ok(m.train.recall[1] < 0.05);
    assert.equal(m.metrics, m.test ?? m.train);
    h.send({ id: 4, type: 'state' });
    assert.equal((await h.result(4, 'state')).state.config.threshold, 1);
  });
});

describe('exact optimum budget', () => {
  test('small and medium problems get the distance-to-optimum curve, image-sized binary ones do not', () => {
    assert.equal(optimumAffordable(713, 10, 1), true, 'titanic');
    assert.equal(optimumAffordable(1438, 64, 10), true, 'digits, softmax');
    assert.equal(optimumAffordable(16_000, 784, 1), false, '16 000 images of 28×28');
    assert.equal(optimumAffordable(48_000, 784, 10), false, 'Fashion-MNIST, softmax');
  });
});

describe('pixel images', () => {
  test('square p0…pN sets are images; others are not', () => {
    const names = (prefix: string, from: number, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
    assert.equal(pixelSide(names('p', 0, 64)), 8);
    assert.equal(pixelSide(names('pixel', 1, 784)), 28);
    assert.equal(pixelSide(names('p', 0, 63)), null, 'not square');
    assert.equal(pixelSide(['p0', 'p1', 'p3', 'p2']), null, 'out of order');
    assert.equal(pixelSide(['p0', 'px1', 'p2', 'p3']), null, 'mixed prefixes');
    assert.equal(pixelSide(['a', 'b', 'c', 'd']), null);
    assert.equal(pixelColumns(names('p', 2, 4)), null, 'must start at 0 or 1');
  });

  test('digits keeps every pixel (constant ones too) so feature j is pixel j', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('digits.csv'), prepare: { target: 'label' }, config: { epochs: 1 } });
    const r = await h.result(1, 'state');
    assert.equal(r.state.dataset.pixelSide, 8);
    assert.deepEqual(
      r.state.dataset.featureNames,
      Array.from({ length: 64 }, (_, i) => `p${i}`),
    );
    assert.equal(r.state.weights.k, 10);
  });
});

describe('snapshot and restore', () => {
  /** What the host stores: the snapshot after a JSON round trip (workspaceState keeps JSON). */
  const stored = (saved: SavedSession | null): SavedSession => {
    assert.ok(saved, 'the session fits the size limit');
    return JSON.parse(JSON.stringify(saved)) as SavedSession;
  };
  /** The parts of a state that the training session determines. */
  const trainingPart = (s: SessionState): unknown => ({
    iteration: s.iteration,
    epoch: s.epoch,
    done: s.done,
    weights: s.weights,
    history: s.history,
    config: s.config,
    train: s.train,
    test: s.test,
    dataset: s.dataset,
    optimumConverged: s.optimumConverged,
  });

  test('a fresh worker restored mid-epoch (Adam, mini-batch) continues exactly like the uninterrupted one', async () => {
    const a = harness();
    const prepare = { target: 'Survived', testSize: 0.2, seed: 7 };
    const config = { optimizer: 'adam' as const, batchSize: 64, learningRate: 0.05, epochs: 4, logEvery: 1 };
    a.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare, config });
    await a.result(1, 'state');
    for (let id = 2; id <= 6; id++) a.send({ id, type: 'step' });
    await a.result(6, 'step');
    a.send({ id: 7, type: 'evaluate', threshold: 0.3 });
    await a.result(7, 'metrics');
    a.send({ id: 8, type: 'state' });
    const before = (await a.result(8, 'state')).state;
    assert.equal(before.iteration, 5);
    assert.equal(before.epoch, 0, 'still inside the first epoch (712 rows / 64 per batch)');
    a.send({ id: 9, type: 'snapshot', maxChars: 1_000_000 });
    const snap = await a.result(9, 'snapshot');
    assert.deepEqual(snap.saved?.trimmed, []);
    assert.equal(snap.saved?.file, sample('titanic.csv'));
    assert.deepEqual(snap.saved?.prepare, prepare);
    assert.equal(snap.chars, JSON.stringify(snap.saved).length);

    const b = harness();
    b.send({ id: 1, type: 'restore', saved: stored(snap.saved) });
    const restored = (await b.result(1, 'state')).state;
    assert.deepEqual(trainingPart(restored), trainingPart(before));
    assert.equal(restored.config.threshold, 0.3, 'the slider threshold survives');
    assert.deepEqual(restored.lastStep, before.lastStep, 'the step inspector shows the same update');

    // The next update uses the same batch (same permutation and position) and the same Adam moments.
    a.send({ id: 10, type: 'step' });
    b.send({ id: 2, type: 'step' });
    const stepA = await a.result(10, 'step');
    const stepB = await b.result(2, 'step');
    assert.deepEqual(stepB.record, stepA.record);
    // And so does a run to the end (across epoch boundaries: the next permutations).
    a.send({ id: 11, type: 'run' });
    b.send({ id: 3, type: 'run' });
    const endA = (await a.result(11, 'state')).state;
    const endB = (await b.result(3, 'state')).state;
    assert.equal(endA.iteration, 4 * Math.ceil(endA.dataset.mTrain / 64));
    assert.deepEqual(trainingPart(endB), trainingPart(endA));
  });

  test('restore refuses a CSV that changed or vanished (code stale-session) and keeps the current session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-restore-'));
    try {
      const file = path.join(dir, 'toy.csv');
      copyFileSync(sample('toy_train.csv'), file);
      const a = harness();
      a.send({ id: 1, type: 'load', file, prepare: { target: 'y', testSize: 0 }, config: {} });
      await a.result(1, 'state');
      a.send({ id: 2, type: 'snapshot', maxChars: 1_000_000 });
      const saved = stored((await a.result(2, 'snapshot')).saved);

      const b = harness();
      b.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: {} });
      await b.result(1, 'state');
      appendFileSync(file, '0.5,0.5,1\n');
      b.send({ id: 2, type: 'restore', saved });
      const changed = await b.reply(2);
      assert.equal(changed.type, 'error');
      if (changed.type === 'error') {
        assert.equal(changed.error.code, 'stale-session');
        assert.match(changed.error.message, /toy\.csv changed/);
      }
      b.send({ id: 3, type: 'state' });
      assert.equal((await b.result(3, 'state')).state.dataset.fileName, 'titanic.csv', 'the current session stays');

      unlinkSync(file);
      b.send({ id: 4, type: 'restore', saved });
      const gone = await b.reply(4);
      assert.equal(gone.type, 'error');
      if (gone.type === 'error') {
        assert.equal(gone.error.code, 'stale-session');
        assert.match(gone.error.message, /toy\.csv no longer exists/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a snapshot over the size limit drops the step record, then thins the history the way the session does', async () => {
    const a = harness();
    // Full batch, 3000 updates: the session already thinned its history once (stride 2).
    a.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 3000 } });
    await a.result(1, 'state');
    a.send({ id: 2, type: 'run' });
    await a.result(2, 'state');
    a.send({ id: 3, type: 'step' });
    await a.result(3, 'step');
    a.send({ id: 4, type: 'snapshot', maxChars: 10_000_000 });
    const full = (await a.result(4, 'snapshot')).saved;
    assert.ok(full);
    assert.equal(full.session.historyStride, 2);
    const fullChars = JSON.stringify(full).length;

    const limit = Math.floor(fullChars / 5);
    a.send({ id: 5, type: 'snapshot', maxChars: limit });
    const small = await a.result(5, 'snapshot');
    const saved = stored(small.saved);
    assert.ok(small.chars <= limit, `${small.chars} ≤ ${limit}`);
    assert.equal(saved.lastStep, null);
    assert.equal(saved.trimmed[0], 'lastStep');
    assert.match(saved.trimmed[1], /^history thinned (\d+)×$/);
    const factor = Number(/(\d+)×/.exec(saved.trimmed[1])?.[1]);
    assert.equal(saved.session.historyStride, 2 * factor);
    // Kept: iteration 0 and exactly the recorded points at multiples of the new interval.
    const expected = full.session.history.filter((p) => p.iteration % saved.session.historyStride === 0);
    assert.deepEqual(saved.session.history, expected);
    assert.equal(saved.session.history[0].iteration, 0);

    // The thinned session continues, recording only at multiples of the new interval.
    const b = harness();
    b.send({ id: 1, type: 'restore', saved });
    const restored = (await b.result(1, 'state')).state;
    assert.equal(restored.iteration, 3001);
    const stride = saved.session.historyStride;
    const next = Math.ceil(3001 / stride) * stride;
    let id = 2;
    for (let it = 3001; it < next; it++) b.send({ id: id++, type: 'step' });
    const last = await b.result(id - 1, 'step');
    assert.equal(last.state.iteration, next);
    assert.deepEqual(
      last.state.history.filter((p) => p.iteration > 3000).map((p) => p.iteration),
      [next],
    );

    a.send({ id: 6, type: 'snapshot', maxChars: 200 });
    const none = await a.result(6, 'snapshot');
    assert.equal(none.saved, null, 'nothing useful fits 200 characters');
    assert.ok(none.chars > 200);
  });

  test('snapshot without a session is a no-session error', async () => {
    const h = harness();
    h.send({ id: 1, type: 'snapshot', maxChars: 1000 });
    const r = await h.reply(1);
    assert.equal(r.type, 'error');
    if (r.type === 'error') assert.equal(r.error.code, 'no-session');
  });
});

describe('LabWorker: the truth about a run in every state', () => {
  test('a default run is not converged, the Newton fit is; optimum, baseline, uniqueness and raw-unit scales are sent', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 100 } });
    await h.result(1, 'state');
    h.send({ id: 2, type: 'run' });
    const done = (await h.result(2, 'state')).state;
    assert.equal(done.done, true);
    assert.equal(done.convergence.verdict, 'not-converged');
    assert.equal(done.convergence.final, true);
    assert.equal(done.optimumUnique, true);
    assert.ok(done.optimum && done.optimum.trainLoss < done.history[done.history.length - 1].trainLoss);
    assert.equal(done.baseline.majorityClass, '0');
    // The same test rows give the same loss on the Training (history) and Evaluation (metrics) views.
    assert.equal(done.history[done.history.length - 1].testLoss, done.test?.logLoss);
    const age = done.dataset.featureNames.indexOf('Age');
    assert.equal(done.dataset.features[age].kind, 'numeric');
    assert.ok(done.dataset.features[age].scale > 10 && done.dataset.features[age].scale < 20, 'std of Age in years');
    assert.equal(done.dataset.report.find((r) => r.name === 'Sex')?.reference, 'female');
    h.send({ id: 3, type: 'configure', config: { optimizer: 'newton' } });
    await h.result(3, 'state');
    h.send({ id: 4, type: 'step' });
    const st = await h.result(4, 'step');
    assert.equal(st.record.secondOrder?.method, 'newton');
    h.send({ id: 5, type: 'run' });
    const fit = (await h.result(5, 'state')).state;
    assert.equal(fit.convergence.verdict, 'converged');
    assert.ok(fit.iteration <= 15);
    h.send({ id: 6, type: 'compare' });
    const cmp = await h.result(6, 'comparison');
    assert.deepEqual(cmp.runs.map((r) => r.loss), ['bce', 'mse'], 'the comparison runs gradient descent for both losses');
  });
});

describe('LabWorker: what the reader did reaches the user', () => {
  test('a Windows-1252 file and a decimal-comma file are read, and their notices are in the dataset info', async () => {
    const h = harness();
    const fixture = (name: string): string => path.join(process.cwd(), 'test', 'fixtures', 'hostile', name);
    h.send({ id: 1, type: 'load', file: fixture('latin1-names.csv'), prepare: { target: 'Gekauft', testSize: 0 }, config: { epochs: 5 } });
    const latin = (await h.result(1, 'state')).state;
    assert.ok(latin.dataset.notices.some((n) => /decoded as Windows-1252/.test(n)), latin.dataset.notices.join(' | '));
    h.send({ id: 2, type: 'load', file: fixture('decimal-comma.csv'), prepare: { target: 'Gekauft', testSize: 0 }, config: { epochs: 5 } });
    const dec = (await h.result(2, 'state')).state;
    assert.ok(dec.dataset.notices.some((n) => /decimal commas/.test(n)), dec.dataset.notices.join(' | '));
    assert.ok(dec.dataset.featureNames.includes('Größe'), 'the decimal-comma column is a number feature');
    h.send({ id: 3, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { epochs: 5 } });
    assert.deepEqual((await h.result(3, 'state')).state.dataset.notices, [], 'a plain UTF-8 file has no notices');
  });
});

describe('LabWorker: going back', () => {
  test('stepBack and goto answer with the state and the exact record of the update that led there', async () => {
    const h = harness();
    h.send({ id: 1, type: 'load', file: sample('titanic.csv'), prepare: { target: 'Survived' }, config: { optimizer: 'adam', batchSize: 64 } });
    await h.result(1, 'state');
    const records = [];
    for (let t = 0; t < 4; t++) {
      h.send({ id: 10 + t, type: 'step' });
      records.push((await h.result(10 + t, 'step')).record);
    }
    h.send({ id: 20, type: 'stepBack' });
    const back = await h.result(20, 'travel');
    assert.equal(back.state.iteration, 3);
    assert.equal(back.state.furthestIteration, 4);
    assert.deepEqual(back.record, records[2]);
    assert.deepEqual(back.state.lastStep, records[2]);
    h.send({ id: 21, type: 'goto', iteration: 1 });
    const at1 = await h.result(21, 'travel');
    assert.equal(at1.state.iteration, 1);
    assert.deepEqual(at1.record, records[0]);
    h.send({ id: 22, type: 'goto', iteration: 4 });
    assert.deepEqual((await h.result(22, 'travel')).record, records[3]);
    h.send({ id: 23, type: 'goto', iteration: 0 });
    const at0 = await h.result(23, 'travel');
    assert.equal(at0.record, null);
    assert.ok(at0.state.weights.W.every((w) => w === 0));
    h.send({ id: 24, type: 'goto', iteration: -1 });
    const bad = await h.reply(24);
    assert.equal(bad.type, 'error');
  });
});
