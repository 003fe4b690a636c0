/**
 * Progress updates merged while the host waits to post the next one to the webviews (pure: no vscode): the
 * history points concatenate, the newest counters win, and the occasional parts (the live verdict, the weights,
 * the decision boundary) keep the newest one any of the merged updates carried.
 */
import type { ProgressInfo } from '../protocol';

export function cloneProgress(p: ProgressInfo): ProgressInfo {
  const out: ProgressInfo = { ...p, newHistory: p.newHistory.slice() };
  if (p.history) out.history = p.history.slice();
  return out;
}

/** `a` then `b` as one update: a full history stays full (with b's points appended), else points concatenate. */
export function mergeProgress(a: ProgressInfo, b: ProgressInfo): ProgressInfo {
  const base: ProgressInfo = { iteration: b.iteration, epoch: b.epoch, running: b.running, done: b.done, newHistory: [] };
  // The newest of the occasional parts (the live verdict, weights, boundary), whichever update carried it.
  const convergence = b.convergence ?? a.convergence;
  if (convergence) base.convergence = convergence;
  const weights = b.weights ?? a.weights;
  if (weights) base.weights = weights;
  const boundary = b.boundary !== undefined ? b.boundary : a.boundary;
  if (boundary !== undefined) base.boundary = boundary;
  if (b.history) return { ...base, history: b.history.slice() };
  if (a.history) return { ...base, history: a.history.concat(b.newHistory) };
  return { ...base, newHistory: a.newHistory.concat(b.newHistory) };
}
