/**
 * The run state the dashboard's header and the sidebar both show (webview/lib/verdict.ts runState): an ended run
 * says why it ended, never a bare "done"; a run stopped at a diverging cost says so; the order of the rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runState } from '../../src/webview/lib/verdict';

type Input = Parameters<typeof runState>[0];
const base = (over: Partial<Input> & { verdict?: Input['convergence']['verdict']; final?: boolean }): Input => ({
  running: false, done: false, epoch: 0, iteration: 0, config: { epochs: 200 } as Input['config'],
  ...over,
  convergence: { verdict: over.verdict ?? 'not-converged', final: over.final ?? false } as Input['convergence'],
});

test('runState: ready, running, paused, out of epochs, stopped, diverged', () => {
  assert.deepEqual(runState(base({})), { state: 'ready', text: 'ready' });
  assert.deepEqual(runState(base({ running: true, iteration: 5, epoch: 5 })), { state: 'running', text: 'running' });
  assert.deepEqual(runState(base({ iteration: 5, epoch: 5 })), { state: 'paused', text: 'paused' });
  // Done at the epoch budget, whatever the verdict: not "done", not "converged".
  assert.deepEqual(runState(base({ done: true, iteration: 200, epoch: 200, final: true })), { state: 'done', text: 'out of epochs' });
  // Done before the budget: the solver or the tolerance ended it.
  assert.deepEqual(runState(base({ done: true, iteration: 4, epoch: 4, verdict: 'converged', final: true })), { state: 'done', text: 'stopped' });
  // A final divergence that did not end the session reads as diverged, not paused.
  assert.deepEqual(runState(base({ iteration: 30, epoch: 30, verdict: 'diverged', final: true })), { state: 'diverged', text: 'diverged' });
  // A live (not final) diverging verdict leaves the run paused; running wins over everything.
  assert.deepEqual(runState(base({ iteration: 30, epoch: 30, verdict: 'diverged' })), { state: 'paused', text: 'paused' });
  assert.equal(runState(base({ running: true, done: true, iteration: 9, verdict: 'diverged', final: true })).state, 'running');
});
