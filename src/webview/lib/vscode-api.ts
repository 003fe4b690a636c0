/**
 * Typed access to the webview API that VS Code injects into every webview page.
 * The page talks to the extension host only through `post` (FromWebview messages) and keeps only
 * view state (selected tab, scroll, threshold …) with getState/setState; everything else is rebuilt from the
 * host's `state` message.
 */
import type { FromWebview, ToWebview } from '../../protocol';

/** The object returned by `acquireVsCodeApi()` (may be called once per page). */
export interface VsCodeApi<S> {
  postMessage(message: FromWebview): void;
  getState(): S | undefined;
  setState(state: S): S;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** A thin wrapper: typed messages in and out, and a view-state store with defaults. */
export class HostChannel<S extends object> {
  private readonly api: VsCodeApi<S>;
  private view: S;

  constructor(defaults: S) {
    this.api = acquireVsCodeApi<S>();
    const saved = this.api.getState();
    this.view = { ...defaults, ...(saved ?? {}) };
  }

  /** Send one message to the extension host. */
  post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  /** Current view state. */
  get viewState(): Readonly<S> {
    return this.view;
  }

  /** Merge a change into the view state and persist it (survives the panel being hidden). */
  updateView(change: Partial<S>): void {
    this.view = { ...this.view, ...change };
    this.api.setState(this.view);
  }

  /** Listen for host messages; only objects with a string `type` are passed on. */
  listen(handler: (message: ToWebview) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
        handler(data as ToWebview);
      }
    });
  }
}
