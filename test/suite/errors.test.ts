/**
 * Failures reach the user as one error notification with the engine's message (file, line, what to do),
 * never crash the extension host, and never leave a half-made session behind.
 */
import assert from 'node:assert/strict';
import type { SessionState } from '../../src/protocol';
import { captureErrors, exec, fixtureUri, labApi, sampleUri, waitFor } from './helpers';

describe('errors', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    await labApi();
    await exec('logisticLab.closeSession');
  });

  it('a ragged CSV row shows the file and line, and creates no session', async () => {
    const api = await labApi();
    let result: SessionState | undefined;
    const messages = await captureErrors(async () => {
      result = await exec<SessionState | undefined>('logisticLab.train', fixtureUri('ragged.csv'), {
        target: 'label',
        showDashboard: false,
      });
    });
    assert.equal(result, undefined, 'train resolves undefined on failure');
    assert.equal(messages.length, 1, `one notification: ${JSON.stringify(messages)}`);
    assert.match(messages[0], /ragged\.csv/);
    assert.match(messages[0], /line 5/);
    assert.equal(api.hasSession, false);
    assert.equal(await exec('logisticLab.state'), undefined);
    assert.equal(api.errors[api.errors.length - 1], messages[0], 'the API records the same message');
  });

  it('an unknown target names the available columns', async () => {
    const api = await labApi();
    const messages = await captureErrors(async () => {
      await exec('logisticLab.train', sampleUri('titanic.csv'), { target: 'Survival', showDashboard: false });
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0], /'Survival'/);
    assert.match(messages[0], /Survived/);
    assert.equal(api.hasSession, false);
  });

  it('a bad setting names the setting and keeps the existing session', async () => {
    const api = await labApi();
    const ok = await exec<SessionState | undefined>('logisticLab.train', sampleUri('toy_train.csv'), {
      target: 'y',
      prepare: { testSize: 0 },
      autoRun: false,
      showDashboard: false,
    });
    assert.ok(ok);
    const messages = await captureErrors(async () => {
      await exec('logisticLab.train', sampleUri('titanic.csv'), {
        target: 'Survived',
        config: { learningRate: -1 },
        showDashboard: false,
      });
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0], /logisticLab\.learningRate/);
    assert.equal(api.hasSession, true);
    assert.equal(api.state()?.dataset.fileName, 'toy_train.csv', 'the previous session is untouched');
  });

  it('session commands without a session explain what to do instead of failing silently', async () => {
    const messages = await captureErrors(async () => {
      assert.equal(await exec('logisticLab.step'), undefined);
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0], /Train on CSV/);
  });

  it('a crashed worker is reported, ends the session, and the next training starts a new worker', async () => {
    const api = await labApi();
    await exec('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived',
      config: { epochs: 1_000_000 },
      autoRun: false,
      showDashboard: false,
    });
    assert.equal(api.hasSession, true);
    let run: Promise<unknown> = Promise.resolve();
    const messages = await captureErrors(async () => {
      run = exec('logisticLab.run');
      await waitFor('the run to start', () => api.running);
      await api.simulateWorkerCrash();
      assert.equal(await run, undefined, 'the run command resolves undefined');
    });
    assert.equal(messages.length, 1, `one notification: ${JSON.stringify(messages)}`);
    assert.match(messages[0], /training worker/i);
    assert.match(messages[0], /[Tt]rain again/);
    assert.equal(api.hasSession, false);
    assert.equal(api.running, false);
    const again = await exec<SessionState | undefined>('logisticLab.train', sampleUri('toy_train.csv'), {
      target: 'y',
      prepare: { testSize: 0 },
      config: { epochs: 3 },
      wait: true,
      showDashboard: false,
    });
    assert.equal(again?.iteration, 3);
  });

  it('a missing file is reported with its path and the host keeps working', async () => {
    const messages = await captureErrors(async () => {
      await exec('logisticLab.train', sampleUri('does-not-exist.csv'), { target: 'y', showDashboard: false });
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0], /does-not-exist\.csv/);
    const state = await exec<SessionState | undefined>('logisticLab.train', sampleUri('toy_train.csv'), {
      target: 'y',
      prepare: { testSize: 0 },
      config: { epochs: 5 },
      wait: true,
      showDashboard: false,
    });
    assert.equal(state?.iteration, 5);
  });
});
