/**
 * Sessions trained side by side, taking turns (the BCE-vs-MSE comparison, the learning-rate sweep): each
 * {@link SideBySide.advance} makes a chunk of updates of the next session still running. A session that diverges
 * stops there and keeps its history up to the divergence. Pure TypeScript.
 */
import { LabError } from '../types';
import type { TrainingSession } from './session';

export class SideBySide {
  private readonly failed: boolean[];
  private next = 0;

  constructor(readonly sessions: readonly TrainingSession[]) {
    this.failed = sessions.map(() => false);
  }

  /** Whether session i stopped at a divergence. */
  diverged(i: number): boolean {
    return this.failed[i];
  }

  /** Whether every session has ended (its epochs done, or diverged). */
  get done(): boolean {
    return this.sessions.every((s, i) => this.failed[i] || s.done);
  }

  /** Makes up to `updates` updates of the next session still running; returns the updates made (0 when all ended). */
  advance(updates: number): number {
    for (let tries = 0; tries < this.sessions.length; tries++) {
      const i = this.next;
      this.next = (this.next + 1) % this.sessions.length;
      const s = this.sessions[i];
      if (this.failed[i] || s.done) continue;
      const before = s.iteration;
      try {
        s.run(updates);
      } catch (err) {
        if (err instanceof LabError && err.code === 'divergence') this.failed[i] = true;
        else throw err;
      }
      return Math.max(1, s.iteration - before);
    }
    return 0;
  }
}
