/**
 * The engine's verdict on a run (see src/engine/train/convergence.ts) as the webviews show it: a badge word and a theme
 * colour per verdict, shared by the dashboard header, the Training tab's verdict box and the sidebar.
 */
import type { Convergence, Verdict } from '../../engine/train/convergence';
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
