/**
 * The engine's verdict on a run (see src/engine/train/convergence.ts) as the webviews show it: a badge word and a theme
 * colour per verdict, shared by the dashboard header, the Training tab's verdict box and the sidebar.
 */
import type { Convergence, Verdict } from '../../engine/train/convergence';
import type { SessionState } from '../../protocol';
import { textOn, type Theme } from './theme';

/** Badge text (shown upper-case by CSS). */
export const VERDICT_LABEL: Record<Verdict, string> = {
  converged: 'converged',
  'not-converged': 'not converged',
  oscillating: 'oscillating',
  diverged: 'diverged',
  'no-finite-optimum': 'no finite optimum',
};

/** Green when the optimum was reached, yellow (a warning) when not yet or when there is none, red when it went wrong. */
export function verdictColor(theme: Theme, verdict: Verdict): string {
  switch (verdict) {
    case 'converged': return theme.green;
    case 'not-converged': return theme.yellow;
    case 'no-finite-optimum': return theme.yellow;
    case 'oscillating': return theme.red;
    case 'diverged': return theme.red;
  }
}

/** Inline colours of a filled verdict badge: the verdict colour behind black or white text, whichever reads better. */
export function verdictBadgeStyle(theme: Theme, verdict: Verdict): Partial<CSSStyleDeclaration> {
  const bg = verdictColor(theme, verdict);
  return { backgroundColor: bg, color: textOn(bg) };
}

/** Whether the verdict is final (the run is over) — then it replaces the run state in badges. */
export function isFinal(c: Convergence | null | undefined): boolean {
  return !!c && c.final;
}

/** The run state of a session (the dashboard's `#status` data-state). */
export type RunState = 'running' | 'done' | 'diverged' | 'paused' | 'ready';

/**
 * The run state and its word, one rule for the dashboard and the sidebar: running; done, which says why the run
 * ended — 'out of epochs', or 'stopped' when the solver or the tolerance ended it — never a bare "done" (whether it
 * reached the optimum is the verdict's to say); diverged (stopped at an exploding cost); paused; ready.
 */
export function runState(s: Pick<SessionState, 'running' | 'done' | 'epoch' | 'config' | 'convergence' | 'iteration'>): { state: RunState; text: string } {
  if (s.running) return { state: 'running', text: 'running' };
  if (s.done) return { state: 'done', text: s.epoch >= s.config.epochs ? 'out of epochs' : 'stopped' };
  if (s.convergence.verdict === 'diverged' && s.convergence.final) return { state: 'diverged', text: 'diverged' };
  if (s.iteration > 0) return { state: 'paused', text: 'paused' };
  return { state: 'ready', text: 'ready' };
}
