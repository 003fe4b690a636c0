/**
 * The "Session" view in the Logistic Lab activity-bar container: a compact webview with the session's
 * status and the step/run/pause/reset buttons. Same protocol and handshake as the dashboard. Resolving the
 * view (e.g. after a window reload) restores the saved session (`onResolve`).
 */
import * as vscode from 'vscode';
import { buildHtml, webviewOptions } from './webviewHtml';
import type { WebviewHub } from './webviewHub';

export const SIDEBAR_VIEW_ID = 'logisticLab.sidebar';

export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private attached: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hub: WebviewHub,
    private readonly onResolve: () => void = () => undefined,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.attached?.dispose();
    view.webview.options = webviewOptions(this.extensionUri);
    const attached = this.hub.attach('sidebar', view.webview);
    this.attached = attached;
    view.webview.html = buildHtml(view.webview, this.extensionUri, { name: 'sidebar', title: 'Logistic Lab' });
    this.onResolve();
    view.onDidDispose(() => {
      attached.dispose();
      if (this.attached === attached) this.attached = undefined;
    });
  }

  dispose(): void {
    this.attached?.dispose();
    this.attached = undefined;
  }
}
