/**
 * The session survives a window reload: it is saved in workspaceState as it changes and, after the in-memory
 * session and the worker are gone (the extension API's `simulateReload`), restored from the saved snapshot
 * by re-reading the same CSV. The restored session must be the one that was saved — same iteration, weights
 * and history — and continue exactly like a session that was never interrupted (replayed here from scratch
 * with the same commands). closeSession forgets the saved session; a CSV that changed is dropped quietly.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StepRecord } from '../../src/engine/types';
import type { SessionState } from '../../src/protocol';
import { captureErrors, exec, labApi, sampleUri } from './helpers';

const PREPARE = { testSize: 0.2, seed: 42, standardize: true } as const;
/** Adam on mini-batches: the restore must bring back the optimiser's moments and the position in the epoch. */
const CONFIG = { optimizer: 'adam', batchSize: 64, learningRate: 0.05, epochs: 2, logEvery: 1 } as const;

/** Trains titanic for CONFIG.epochs epochs, then makes `steps` single updates (inside the next epoch). */
async function trainAndStep(steps: number, file = sampleUri('titanic.csv')): Promise<StepRecord | undefined> {
  const trained = await exec<SessionState | undefined>('logisticLab.train', file, {
    target: 'Survived',
    prepare: PREPARE,
    config: CONFIG,
    wait: true,
    showDashboard: false,
  });
  assert.ok(trained?.done, 'the run finished');
  let last: StepRecord | undefined;
  for (let t = 0; t < steps; t++) last = await exec<StepRecord | undefined>('logisticLab.step');
  return last;
}

/** The parts of a state the training session determines. */
function trainingPart(s: SessionState): unknown {
  return {
    iteration: s.iteration,
    epoch: s.epoch,
    weights: s.weights,
    history: s.history,
    config: s.config,
    dataset: s.dataset,
    train: s.train,
    test: s.test,
    lastStep: s.lastStep,
  };
}

describe('session across window reloads', function () {
  this.timeout(60_000);

  after(async () => {
    await exec('logisticLab.closeSession');
  });

  it('comes back after a reload with the same iteration, weights and history, and continues identically', async () => {
    const api = await labApi();
    await trainAndStep(3);
    const before = await exec<SessionState | undefined>('logisticLab.state');
    assert.ok(before);
    const batches = Math.ceil(before.dataset.mTrain / CONFIG.batchSize);
    assert.equal(before.iteration, CONFIG.epochs * batches + 3);
    assert.ok(before.history.length > 20, 'a per-update history');

    const saved = await api.savedSession();
    assert.ok(saved, 'the session was saved in workspaceState');
    assert.equal(saved.session.iteration, before.iteration);
    assert.equal(saved.file, sampleUri('titanic.csv').fsPath);
    assert.deepEqual(saved.trimmed, []);

    const restored = await api.simulateReload();
    assert.ok(restored, 'the session was restored');
    assert.equal(restored.iteration, before.iteration);
    assert.deepEqual(restored.weights, before.weights);
    assert.deepEqual(restored.history, before.history);
    assert.deepEqual(trainingPart(restored), trainingPart(before));
    assert.equal(restored.running, false);
    assert.equal(api.hasSession, true);
    assert.deepEqual(api.state() && trainingPart(api.state() as SessionState), trainingPart(before));
    // The worker (a new thread) holds the same session as the host shows.
    const fromWorker = await exec<SessionState | undefined>('logisticLab.state');
    assert.ok(fromWorker);
    assert.deepEqual(trainingPart(fromWorker), trainingPart(before));

    // The next update after the reload equals the 4th update of a session that was never interrupted.
    const afterReload = await exec<StepRecord | undefined>('logisticLab.step');
    const uninterrupted = await trainAndStep(4);
    assert.ok(afterReload && uninterrupted);
    assert.equal(afterReload.iteration, before.iteration + 1);
    assert.deepEqual(afterReload, uninterrupted);
  });

  it('restores lazily: after the activation check the first command that needs the session brings it back', async () => {
    const api = await labApi();
    await trainAndStep(2);
    const before = await exec<SessionState | undefined>('logisticLab.state');
    assert.ok(before);
    assert.equal(await api.simulateReload({ lazy: true }), undefined);
    assert.equal(api.state(), undefined, 'nothing restored yet');
    assert.equal(api.hasSession, true, 'but the session counts as present (menus and keys stay enabled)');
    const step = await exec<StepRecord | undefined>('logisticLab.step');
    assert.equal(step?.iteration, before.iteration + 1, 'the step continued the restored session');
    assert.equal(api.state()?.iteration, before.iteration + 1);
  });

  it('Close Session forgets the saved session', async () => {
    const api = await labApi();
    await trainAndStep(1);
    assert.ok(await api.savedSession());
    await exec('logisticLab.closeSession');
    assert.equal(await api.savedSession(), undefined);
    assert.equal(await api.simulateReload(), undefined);
    assert.equal(api.hasSession, false);
  });

  it('a CSV that changed since is dropped quietly: no session, no notification', async () => {
    const api = await labApi();
    const copy = vscode.Uri.file(path.join(path.dirname(sampleUri('titanic.csv').fsPath), 'titanic-reload-copy.csv'));
    copyFileSync(sampleUri('titanic.csv').fsPath, copy.fsPath);
    try {
      await trainAndStep(2, copy);
      assert.equal((await api.savedSession())?.file, copy.fsPath);
      appendFileSync(copy.fsPath, '999,1,1,"Extra, Row",female,30,0,0,X1,10,,S\n');
      let restored: SessionState | undefined;
      const errorsBefore = api.errors.length;
      const messages = await captureErrors(async () => {
        restored = await api.simulateReload();
      });
      assert.equal(restored, undefined);
      assert.deepEqual(messages, [], 'no error notification');
      assert.equal(api.errors.length, errorsBefore);
      assert.equal(api.hasSession, false);
      assert.equal(await api.savedSession(), undefined, 'the stale snapshot is gone');
    } finally {
      rmSync(copy.fsPath, { force: true });
    }
  });
});
