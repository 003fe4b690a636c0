/**
 * The dashboard: one webview panel (single instance) showing the session — preparation report, loss and
 * accuracy curves, step-through inspector, metrics, weights, decision boundary, BCE-vs-MSE comparison.
 * `createOrShow` opens or reveals it; a WebviewPanelSerializer revives it after a window reload and asks
 * for the saved session to be restored; the page draws whatever the host has (the empty state when no
 * session survived) and the full state once the restore is done.
 */
import * as vscode from 'vscode';
import { safeMessage } from './safeText';
import { buildHtml, webviewOptions } from './webviewHtml';
import type { WebviewHub } from './webviewHub';

export const DASHBOARD_VIEW_TYPE = 'logisticLab.dashboard';
/** The panel's tab title (fixed text today; safeMessage keeps it plain text if it ever names a file). */
const TITLE = safeMessage('Logistic Regression Lab');

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the dashboard, or reveals the open one. */
  static createOrShow(
    extensionUri: vscode.Uri,
    hub: WebviewHub,
    options: { column?: vscode.ViewColumn; preserveFocus?: boolean } = {},
  ): DashboardPanel {
    const existing = DashboardPanel.current;
    if (existing) {
      existing.panel.reveal(options.column ?? existing.panel.viewColumn, options.preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      TITLE,
      { viewColumn: options.column ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus },
      { ...webviewOptions(extensionUri), retainContextWhenHidden: false },
    );
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, hub);
    return DashboardPanel.current;
  }

  /** Takes over a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, hub: WebviewHub): DashboardPanel {
    DashboardPanel.current?.dispose();
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, hub);
    return DashboardPanel.current;
  }

  /** The open dashboard, if any. */
  static get instance(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  /** Registers the serializer that revives the panel after a reload; `onRevive` then restores the saved session. */
  static registerSerializer(extensionUri: vscode.Uri, hub: WebviewHub, onRevive: () => void = () => undefined): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        DashboardPanel.revive(panel, extensionUri, hub);
        onRevive();
      },
    });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    hub: WebviewHub,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'dashboard-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'dashboard-dark.svg'),
    };
    // Attach before setting the HTML so the page's `ready` is never missed.
    this.disposables.push(hub.attach('dashboard', panel.webview));
    panel.webview.html = buildHtml(panel.webview, extensionUri, { name: 'dashboard', title: TITLE });
    this.disposables.push(panel.onDidDispose(() => this.dispose()));
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
