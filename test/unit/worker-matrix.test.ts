/**
 * The worker's matrix path for large files: a big numeric CSV is described and loaded through the float32
 * matrix (lastRead says so) and trains exactly like a worker forced onto the general path (same columns,
 * dataset, metrics and weights after the same updates); files the matrix path cannot reproduce fall back to the
 * general path, and errors read the same as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createRng } from '../../src/engine/random';
import { LabWorker } from '../../src/engine/node/worker';
import { MATRIX_MIN_BYTES } from '../../src/engine/node/load';
import type { SessionState, WorkerMessage, WorkerRequest, WorkerResult } from '../../src/protocol';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'worker-matrix-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Reply = Extract<WorkerMessage, { type: 'reply' | 'error' }>;

/** A worker whose replies are collected; `call` sends one request and waits for its reply. */
function harness(options: { matrixMinBytes?: number } = {}): {
  worker: LabWorker;
  call: (req: WorkerRequest) => Promise<Reply>;
  result: <T extends WorkerResult['type']>(req: WorkerRequest, type: T) => Promise<Extract<WorkerResult, { type: T }>>;
} {
  const waiters = new Map<number, (m: Reply) => void>();
  const worker = new LabWorker(
    (m) => {
      if (m.type !== 'progress') waiters.get(m.id)?.(m);
    },
    { kernel: jsKernel, ...options },
  );
  const call = (req: WorkerRequest): Promise<Reply> =>
    new Promise((resolve) => {
      waiters.set(req.id, resolve);
      worker.handle(req);
    });
  const result = async <T extends WorkerResult['type']>(req: WorkerRequest, type: T): Promise<Extract<WorkerResult, { type: T }>> => {
    const m = await call(req);
    if (m.type === 'error') throw new Error(`request ${req.id} failed: ${m.error.code}: ${m.error.message}`);
    assert.equal(m.result.type, type);
    return m.result as Extract<WorkerResult, { type: T }>;
  };
  return { worker, call, result };
}

/**
 * A numeric CSV of rows × cols integer features (some missing, one constant, an id), a 4-level `group` and a
 * 3-class label given by the range of f0 (learnable by a linear model).
 */
function bigNumericCsv(name: string, rows: number, cols: number): string {
  const rng = createRng(2024);
  const header = ['id', ...Array.from({ length: cols - 3 }, (_, j) => `f${j}`), 'group', 'const', 'label'];
  const lines = [header.join(',')];
  const row: string[] = [];
  for (let i = 0; i < rows; i++) {
    row.length = 0;
    row.push(String(i + 1));
    let f0 = 0;
    for (let j = 0; j < cols - 3; j++) {
      const v = Math.floor(rng() * 10000);
      if (j === 0) f0 = v;
      row.push(j > 0 && rng() < 0.01 ? '' : String(v));
    }
    row.push(String(i % 4), '7', String(f0 < 3000 ? 0 : f0 < 6500 ? 1 : 2));
    lines.push(row.join(','));
  }
  const p = path.join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** The parts of a state that must not depend on how the file was read. */
function comparable(s: SessionState): unknown {
  return { dataset: s.dataset, iteration: s.iteration, history: s.history, train: s.train, test: s.test, weights: s.weights };
}

describe('worker matrix path', () => {
  test('a large numeric file (20000 × 100) is described and loaded through the matrix and trains like the general path', async () => {
    const file = bigNumericCsv('big.csv', 20000, 101);
    assert.ok(statSync(file).size > MATRIX_MIN_BYTES, 'the file is above the matrix threshold');
    const fast = harness();
    const slow = harness({ matrixMinBytes: Infinity });

    const describedFast = await fast.result({ id: 1, type: 'describe', file }, 'columns');
    assert.deepEqual(fast.worker.lastRead, { request: 'describe', path: 'matrix', fallback: null });
    const describedSlow = await slow.result({ id: 1, type: 'describe', file }, 'columns');
    assert.equal(slow.worker.lastRead?.path, 'table');
    // The same description either way; only the path it names differs.
    assert.equal(describedFast.path, 'matrix');
    assert.equal(describedSlow.path, 'table');
    assert.deepStrictEqual({ ...describedFast, path: 'table' }, describedSlow);
    assert.equal(describedFast.suggested, 'label');
    assert.equal(describedFast.rows, 20000);

    const load: WorkerRequest = {
      id: 2,
      type: 'load',
      file,
      prepare: { target: 'label', testSize: 0.25, seed: 5 },
      config: { optimizer: 'adam', batchSize: 512, learningRate: 0.01, epochs: 2 },
    };
    const a = await fast.result(load, 'state');
    assert.deepEqual(fast.worker.lastRead, { request: 'prepare', path: 'matrix', fallback: null });
    const b = await slow.result(load, 'state');
    assert.equal(slow.worker.lastRead?.path, 'table');
    assert.deepStrictEqual(comparable(a.state), comparable(b.state));
    const dropped = a.state.dataset.report.filter((r) => r.action === 'dropped').map((r) => r.name);
    assert.deepEqual(dropped, ['id', 'const']);
    assert.equal(a.state.dataset.featureNames.length, 99);
    assert.equal(a.state.dataset.mTrain + a.state.dataset.mTest, 20000);

    for (const req of [{ id: 3, type: 'step' }, { id: 4, type: 'run' }] as WorkerRequest[]) {
      const ra = await fast.call(req);
      const rb = await slow.call(req);
      assert.ok(ra.type === 'reply' && rb.type === 'reply');
      const sa = ra.result.type === 'step' || ra.result.type === 'state' ? ra.result.state : null;
      const sb = rb.result.type === 'step' || rb.result.type === 'state' ? rb.result.state : null;
      assert.ok(sa && sb);
      assert.ok(sa.iteration > 0);
      assert.deepStrictEqual(comparable(sa), comparable(sb));
    }
    const final = await fast.result({ id: 5, type: 'state' }, 'state');
    assert.equal(final.state.done, true);
    // Chance is about 0.35 (largest class); two Adam epochs on the f0 ranges reach about 0.79.
    assert.ok(final.state.train.accuracy > 0.6, `trained: accuracy ${final.state.train.accuracy}`);
  });

  test('load with another target than the described one reads the file again through the matrix', async () => {
    const file = bigNumericCsv('small.csv', 300, 6);
    const h = harness({ matrixMinBytes: 0 });
    await h.result({ id: 1, type: 'describe', file }, 'columns');
    assert.equal(h.worker.lastRead?.path, 'matrix');
    const s = await h.result({ id: 2, type: 'load', file, prepare: { target: 'group' }, config: {} }, 'state');
    assert.deepEqual(h.worker.lastRead, { request: 'prepare', path: 'matrix', fallback: null });
    assert.equal(s.state.dataset.target, 'group');
    assert.deepEqual(s.state.dataset.classes, ['0', '1', '2', '3']);
  });

  test('restore re-reads a large file through the matrix and continues the session', async () => {
    const file = bigNumericCsv('restore.csv', 400, 8);
    const a = harness({ matrixMinBytes: 0 });
    await a.result({ id: 1, type: 'load', file, prepare: { target: 'label' }, config: { epochs: 3 } }, 'state');
    await a.result({ id: 2, type: 'step' }, 'step');
    const snap = await a.result({ id: 3, type: 'snapshot', maxChars: 1_000_000 }, 'snapshot');
    assert.ok(snap.saved);
    const b = harness({ matrixMinBytes: 0 });
    const restored = await b.result({ id: 1, type: 'restore', saved: JSON.parse(JSON.stringify(snap.saved)) }, 'state');
    assert.equal(b.worker.lastRead?.path, 'matrix');
    const original = await a.result({ id: 4, type: 'state' }, 'state');
    assert.deepStrictEqual(comparable(restored.state), comparable(original.state));
  });

  test('files the matrix cannot reproduce fall back to the general path, which reports errors as before', async () => {
    const decimals = path.join(dir, 'decimals.csv');
    writeFileSync(decimals, 'a,b,label\n0.1,1,0\n0.2,2,1\n0.3,3,0\n0.4,4,1\n0.5,5,0\n0.6,6,1\n');
    const h = harness({ matrixMinBytes: 0 });
    await h.result({ id: 1, type: 'load', file: decimals, prepare: { target: 'label' }, config: {} }, 'state');
    assert.equal(h.worker.lastRead?.path, 'table');
    assert.match(h.worker.lastRead?.fallback ?? '', /float32/);

    // One text column: describe reads it as the matrix's label; training on another target needs the general path.
    const text = path.join(dir, 'text.csv');
    writeFileSync(text, 'a,b,label\n1,x,0\n2,y,1\n3,x,0\n4,y,1\n');
    const described = await h.result({ id: 2, type: 'describe', file: text }, 'columns');
    assert.equal(h.worker.lastRead?.path, 'matrix');
    assert.deepStrictEqual({ ...described, path: 'table' }, await harness({ matrixMinBytes: Infinity }).result({ id: 1, type: 'describe', file: text }, 'columns'));
    await h.result({ id: 3, type: 'load', file: text, prepare: { target: 'label', testSize: 0 }, config: {} }, 'state');
    assert.equal(h.worker.lastRead?.path, 'table');
    assert.match(h.worker.lastRead?.fallback ?? '', /'b' holds text/);

    const ragged = path.join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b,label\n1,2,0\n3,1\n4,5,1\n');
    const missing = path.join(dir, 'does-not-exist.csv');
    const general = harness({ matrixMinBytes: Infinity });
    for (const [id, file] of [
      [4, ragged],
      [5, missing],
    ] as Array<[number, string]>) {
      const req: WorkerRequest = { id, type: 'load', file, prepare: { target: 'label' }, config: {} };
      const got = await h.call(req);
      const expected = await general.call(req);
      assert.equal(got.type, 'error');
      assert.deepStrictEqual(got, expected);
    }
  });
});
