/** What every dashboard section gets: the session, the view state, the theme, the chart registry and the host. */
import type { FromWebview, SessionState } from '../../../protocol';
import type { Charts } from '../charts';
import type { Theme } from '../theme';

export type TabId = 'training' | 'step' | 'evaluation' | 'weights' | 'landscape' | 'compare' | 'data';

/** View state of the dashboard (persisted with setState; never training data). */
export interface DashboardView {
  tab: TabId;
  logScale: boolean;
  /** Decision threshold chosen with the slider (binary). */
  threshold: number | null;
  /** Which split the confusion matrix shows. */
  split: 'test' | 'train';
  /** Class whose weights are shown (softmax). */
  weightClass: number;
  settingsOpen: boolean;
  scrollY: number;
  /** The Landscape tab's parameters (indices of θ = [W, b]) and the dataset they were chosen for. */
  landscape: { p: number; q: number; dataset: string } | null;
}

export const DEFAULT_VIEW: DashboardView = {
  tab: 'training',
  logScale: false,
  threshold: null,
  split: 'test',
  weightClass: 0,
  settingsOpen: false,
  scrollY: 0,
  landscape: null,
};

export interface DashboardContext {
  readonly state: SessionState;
  readonly view: Readonly<DashboardView>;
  readonly theme: Theme;
  readonly charts: Charts;
  /** Change view state (persisted); `rerender` re-draws the current tab afterwards. */
  setView(change: Partial<DashboardView>, rerender?: boolean): void;
  post(message: FromWebview): void;
}

/** Binary model: one weight row (k = 1), two classes. */
export function isBinary(state: SessionState): boolean {
  return state.weights.k === 1;
}
