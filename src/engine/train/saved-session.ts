/**
 * Saved sessions (kept by the host across window reloads) bounded in size: what is dropped or thinned, in which
 * order, so that a snapshot fits the host's storage. Pure TypeScript.
 */
import { isFirstOrder } from './optimizers';
import type { SessionSnapshot } from './session';
import type { SavedSession } from '../../protocol';

/** Thinning a saved session's history stops once it has at most this many points. */
export const MIN_SAVED_HISTORY = 16;

/**
 * Bounds a SavedSession to maxChars characters of JSON by dropping, in this order until it fits: the last
 * step record, the BCE-vs-MSE comparison, every other history point (repeatedly, see thinHistory, down to
 * about MIN_SAVED_HISTORY points), and the stored exact optimum (a restored session solves it again).
 * Returns the fitted copy and its JSON length, or saved null (with the smallest length reached) when even
 * that is too long. `trimmed` lists what was left out.
 */
export function fitSavedSession(saved: SavedSession, maxChars: number): { saved: SavedSession | null; chars: number } {
  let s: SavedSession = { ...saved, trimmed: saved.trimmed.slice() };
  let chars = JSON.stringify(s).length;
  if (chars <= maxChars) return { saved: s, chars };
  if (s.lastStep) {
    s = { ...s, lastStep: null, trimmed: [...s.trimmed, 'lastStep'] };
    chars = JSON.stringify(s).length;
    if (chars <= maxChars) return { saved: s, chars };
  }
  if (s.comparison) {
    s = { ...s, comparison: null, trimmed: [...s.trimmed, 'comparison'] };
    chars = JSON.stringify(s).length;
    if (chars <= maxChars) return { saved: s, chars };
  }
  let factor = 1;
  const trimmedBefore = s.trimmed;
  while (s.session.history.length > MIN_SAVED_HISTORY) {
    factor *= 2;
    s = { ...s, session: thinHistory(s.session), trimmed: [...trimmedBefore, `history thinned ${factor}×`] };
    chars = JSON.stringify(s).length;
    if (chars <= maxChars) return { saved: s, chars };
  }
  if (s.session.optimum) {
    s = { ...s, session: { ...s.session, optimum: null }, trimmed: [...s.trimmed, 'optimum'] };
    chars = JSON.stringify(s).length;
    if (chars <= maxChars) return { saved: s, chars };
  }
  return { saved: null, chars };
}

/**
 * The session's own history thinning (as when its history is full): the interval doubles, and the first
 * point and those at a multiple of the new interval stay — iteration, or epoch for per-epoch history
 * (mini-batch with logEvery 0). A restored session keeps recording at the new interval.
 */
export function thinHistory(snap: SessionSnapshot): SessionSnapshot {
  const c = snap.config;
  const fullBatch = !isFirstOrder(c.optimizer) || c.optimizer === 'gd' || c.batchSize === 0 || c.batchSize >= snap.m;
  const perEpoch = !fullBatch && c.logEvery === 0;
  const stride = snap.historyStride * 2;
  const history = snap.history.filter((p, i) => i === 0 || (perEpoch ? p.epoch : p.iteration) % stride === 0);
  return { ...snap, historyStride: stride, history };
}
