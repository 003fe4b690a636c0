import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logTickLabel } from '../../src/webview/lib/ticks';

const labels = (values: number[]): string[] => {
  const ticks = values.map((value) => ({ value }));
  return values.map((v) => logTickLabel(v, ticks));
};

test('log axis labels: within a decade every tick; an odd end tick closer to its neighbour than the usual spacing loses its label', () => {
  // The sweep's y-axis: Chart.js adds the axis max (0.97) right above 0.9.
  assert.deepEqual(labels([0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97]), ['', '0.5', '0.6', '0.7', '0.8', '0.9', '']);
  // An end tick far enough from its neighbour keeps its label, and so does a one-digit end tick.
  assert.deepEqual(labels([0.35, 0.5, 0.6, 0.7]), ['0.35', '0.5', '0.6', '0.7']);
  assert.deepEqual(labels([0.5, 0.6, 0.7, 0.8, 0.9, 1]), ['0.5', '0.6', '0.7', '0.8', '0.9', '1']);
  assert.deepEqual(labels([0.52, 0.55, 0.6]), ['', '0.55', '0.6']);
});

test('log axis labels: 1-2-5 over one to three decades, powers of ten beyond', () => {
  assert.deepEqual(labels([0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1]), ['0.01', '0.02', '', '0.05', '0.1', '0.2', '', '0.5', '1']);
  assert.deepEqual(labels([1e-8, 1e-6, 3e-5, 1e-4, 1e-2]), ['1e-8', '1e-6', '', '1e-4', '0.01']);
  assert.equal(logTickLabel(0, [{ value: 0 }]), '');
  assert.equal(logTickLabel(-1, []), '');
});
