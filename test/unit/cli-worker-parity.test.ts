/**
 * The CLI and the extension's worker build the same model from the same file and settings: one reader and preparation
 * (loadDataset), one choice of kernels (chooseKernel), one pixel rule. For a mixed file (titanic: numbers, categories,
 * missing values), a numeric one (iris, softmax) and a pixel one (digits: constant pixels kept so weights draw as
 * images), the CLI's exported model (`train --out`) and the worker's `export` have bit-identical weights, biases,
 * features and preprocessing, and `predict` writes the same predictions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chooseKernel, releaseKernel } from '../../src/engine/node/kernel-choice';
import { LabWorker } from '../../src/engine/node/worker';
import type { ExportedModel } from '../../src/engine/types';
import type { WorkerMessage, WorkerRequest, WorkerResult } from '../../src/protocol';

const root = process.cwd();
const cli = resolve(root, 'dist/cli.js');
const sample = (name: string): string => resolve(root, 'samples', name);

/** Runs requests through a LabWorker with the default kernels, one after the other. */
function workerWith(): { ask: <T extends WorkerResult['type']>(req: WorkerRequest, type: T) => Promise<Extract<WorkerResult, { type: T }>>; close: () => void } {
  const kernel = chooseKernel();
  const waiters = new Map<number, (m: WorkerMessage) => void>();
  const worker = new LabWorker((m) => {
    if (m.type !== 'progress') waiters.get(m.id)?.(m);
  }, { kernel });
  const ask = <T extends WorkerResult['type']>(req: WorkerRequest, type: T): Promise<Extract<WorkerResult, { type: T }>> =>
    new Promise((resolvePromise, reject) => {
      waiters.set(req.id, (m) => {
        if (m.type === 'error') reject(new Error(m.error.message));
        else if (m.type === 'reply' && m.result.type === type) resolvePromise(m.result as Extract<WorkerResult, { type: T }>);
        else reject(new Error(`unexpected reply to ${req.type}`));
      });
      worker.handle(req);
    });
  return { ask, close: () => releaseKernel(kernel) };
}

for (const [file, target, epochs] of [['titanic.csv', 'Survived', 60], ['iris.csv', 'species', 40], ['digits.csv', 'label', 5]] as const) {
  test(`${file}: the CLI and the worker export bit-identical models and predictions`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-parity-'));
    const w = workerWith();
    try {
      const modelFile = join(dir, 'cli-model.json');
      const r = spawnSync(process.execPath, [cli, 'train', sample(file), '--target', target, '--epochs', String(epochs), '--out', modelFile], {
        encoding: 'utf8', timeout: 300_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const fromCli = JSON.parse(readFileSync(modelFile, 'utf8')) as ExportedModel;

      await w.ask({ id: 1, type: 'load', file: sample(file), prepare: { target }, config: { epochs } }, 'state');
      await w.ask({ id: 2, type: 'run' }, 'state');
      const fromWorker = JSON.parse((await w.ask({ id: 3, type: 'export' }, 'model')).json) as ExportedModel;

      assert.deepEqual(fromWorker.featureNames, fromCli.featureNames);
      assert.deepEqual(fromWorker.preprocessing, fromCli.preprocessing);
      assert.deepEqual(fromWorker.classes, fromCli.classes);
      assert.deepEqual(fromWorker.weights, fromCli.weights, 'weights bit for bit');
      assert.deepEqual(fromWorker.bias, fromCli.bias);
      if (file === 'digits.csv') assert.equal(fromCli.featureNames.length, 64, 'every pixel kept, constant ones too');

      const out = join(dir, 'cli-predictions.csv');
      const p = spawnSync(process.execPath, [cli, 'predict', modelFile, sample(file), '--out', out], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(p.status, 0, p.stderr);
      const workerPred = await w.ask({ id: 4, type: 'predict', modelFile, file: sample(file) }, 'predictions');
      const cliRows = readFileSync(out, 'utf8').trim().split('\n');
      const workerRows = workerPred.csv.trim().split('\n');
      assert.equal(workerRows.length, cliRows.length);
      // The same predicted classes and probabilities (the worker may add identifier columns to its file).
      const tail = (rows: string[]): string[] => rows.map((row) => row.split(',').slice(-(fromCli.classes.length + 1)).join(','));
      assert.deepEqual(tail(workerRows), tail(cliRows));
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
