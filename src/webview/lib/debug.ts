/**
 * A read-only hook for UI tests and debugging: the charts' data as plain objects, the selected tab and the
 * iteration shown. Exposes nothing the page does not already display.
 */
import type { ChartSnapshot } from './charts';

export interface LabDebugHook {
  charts(): Record<string, ChartSnapshot>;
  tab(): string;
  iteration(): number | null;
}

declare global {
  interface Window {
    __lrLab?: LabDebugHook;
  }
}

export function exposeDebugHook(hook: LabDebugHook): void {
  window.__lrLab = hook;
}
