/**
 * Datasets are prepared straight into the training kernel's memory (loadDataset's `store`, the kernel's `matrices`),
 * so the kernel uses train.X and test.X in place instead of holding a second copy of X while it trains:
 * - for a mixed and a numeric CSV, the matrices equal those of a plain preparation bit for bit, live in the kernel's
 *   memory, and train to bit-identical weights;
 * - the worker gives a replaced session's matrices back at once: loading files again and again does not grow the
 *   kernel's memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createWasmKernel, getWasmCore } from '../../src/engine/kernels/kernel-wasm';
import { loadDataset } from '../../src/engine/node/load';
import { LabWorker } from '../../src/engine/node/worker';
import { createRng } from '../../src/engine/random';
import { TrainingSession } from '../../src/engine/train/session';
import type { PreparedDataset } from '../../src/engine/types';
import type { WorkerMessage, WorkerRequest, WorkerResult } from '../../src/protocol';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kernel-memory-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const kernel = createWasmKernel();
const memoryBytes = (): number => getWasmCore().memory.buffer.byteLength;
/** Whether X lies inside the kernel's (shared) memory. */
const inKernel = (X: Float32Array): boolean => X.buffer instanceof SharedArrayBuffer && X.byteOffset + X.byteLength <= memoryBytes();

/** rows of: two numbers (one with missing values), a 3-level category with missing values, a binary target. */
function mixedCsv(rows: number): string {
  const rng = createRng(11);
  const lines = ['age,income,city,y'];
  for (let i = 0; i < rows; i++) {
    const age = 18 + Math.floor(rng() * 60);
    const income = rng() < 0.1 ? '' : (20000 + rng() * 80000).toFixed(2);
    const city = rng() < 0.05 ? '' : ['north', 'south', 'east'][Math.floor(rng() * 3)];
    const y = rng() < 1 / (1 + Math.exp(-(age - 45) / 10)) ? 1 : 0;
    lines.push(`${age},${income},${city},${y}`);
  }
  return lines.join('\n') + '\n';
}

/** rows × 12 integers 0–255 (byte columns), a 0/1 label and another 0/1 column. */
function numericCsv(rows: number): string {
  const rng = createRng(12);
  const lines = [['label', ...Array.from({ length: 12 }, (_, j) => `p${j}`), 'odd'].join(',')];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: 12 }, () => Math.floor(rng() * 256));
    lines.push(`${x[0] + x[1] > 255 ? 1 : 0},${x.join(',')},${x[2] % 2}`);
  }
  return lines.join('\n') + '\n';
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Weights after 25 full-batch updates with the wasm kernel. */
function trained(data: PreparedDataset): number[] {
  const s = new TrainingSession(data, { epochs: 25, learningRate: 0.5 }, { kernel, computeOptimum: false });
  while (!s.done) s.run(1000);
  const w = s.weights();
  return [...w.W, ...w.b];
}

describe('loadDataset into the kernel memory', () => {
  for (const [name, make, target] of [
    ['mixed CSV', () => write('mixed.csv', mixedCsv(3000)), 'y'],
    ['numeric CSV', () => write('numeric.csv', numericCsv(3000)), 'label'],
  ] as const) {
    test(`${name}: the same matrices as a plain preparation, in the kernel's memory, the same training`, () => {
      const file = make();
      const plain = loadDataset(file, { target });
      const placed = loadDataset(file, { target }, { store: kernel.matrices });
      for (const split of ['train', 'test'] as const) {
        const a = plain.data[split].X;
        const b = placed.data[split].X;
        assert.ok(!inKernel(a), `plain ${split}.X is an ordinary array`);
        assert.ok(inKernel(b), `${split}.X lives in the kernel's memory`);
        assert.deepEqual(Buffer.from(b.buffer, b.byteOffset, b.byteLength), Buffer.from(a.buffer, a.byteOffset, a.byteLength), `${split}.X bit for bit`);
        assert.deepEqual(placed.data[split].y, plain.data[split].y);
      }
      assert.deepEqual(placed.data.preprocessing, plain.data.preprocessing);
      assert.deepEqual(trained(placed.data), trained(plain.data), 'training in place gives the weights of training on a copy');
    });
  }
});

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

describe("the worker gives a replaced session's matrices back", () => {
  type Reply = Extract<WorkerMessage, { type: 'reply' | 'error' }>;
  const worker = new LabWorker((m) => {
    if (m.type !== 'progress') waiters.get(m.id)?.(m);
  }, { kernel });
  const waiters = new Map<number, (m: Reply) => void>();
  let id = 0;
  const ask = <T extends WorkerResult['type']>(req: DistributiveOmit<WorkerRequest, 'id'>, type: T): Promise<Extract<WorkerResult, { type: T }>> =>
    new Promise((resolve, reject) => {
      const rid = ++id;
      waiters.set(rid, (m) => {
        if (m.type === 'error') reject(new Error(m.error.message));
        else if (m.result.type === type) resolve(m.result as Extract<WorkerResult, { type: T }>);
        else reject(new Error(`unexpected reply ${m.result.type}`));
      });
      worker.handle({ ...req, id: rid } as WorkerRequest);
    });

  test('loading files again and again, with a describe between, does not grow the memory', async () => {
    const mixed = write('mixed-big.csv', mixedCsv(40_000)); // X of 32,000 × 5 floats per load
    const numeric = write('numeric-big.csv', numericCsv(40_000)); // X of 32,000 × 13 floats per load
    const load = (file: string, target: string): Promise<unknown> =>
      ask({ type: 'load', file, prepare: { target }, config: { epochs: 2 } }, 'state');
    const round = async (): Promise<void> => {
      await load(numeric, 'label');
      await ask({ type: 'run' }, 'state');
      await load(mixed, 'y');
      await ask({ type: 'run' }, 'state');
      // describe keeps the table for a load that usually follows; another file's load drops it.
      await ask({ type: 'describe', file: numeric }, 'columns');
      await load(mixed, 'y');
      await load(numeric, 'odd');
    };
    // The first rounds size the kernel's scratch buffers and settle the blocks' layout; afterwards only matrices
    // come and go. Each round prepares two numeric and two mixed datasets (X of 40,000 × 13 and 40,000 × 5 floats):
    // about 5.9 MB that, if kept, would need new memory every round.
    await round();
    await round();
    const settled = memoryBytes();
    for (let r = 0; r < 6; r++) await round();
    const grown = memoryBytes() - settled;
    assert.ok(grown < 2_000_000, `kernel memory grew by ${grown} bytes over 24 more loads (from ${settled})`);
  });
});
