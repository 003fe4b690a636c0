/**
 * The dashboard is a single webview panel that completes the ready handshake (its page loads under the
 * Content-Security-Policy, runs, and says `ready`), and Show Dashboard never opens a second one.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exec, labApi, waitFor } from './helpers';

function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('logisticLab.dashboard'));
}

function describeTabs(): string {
  return JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => [t.label, (t.input as { viewType?: string })?.viewType])));
}

describe('dashboard webview', function () {
  this.timeout(90_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens once, loads its page and completes the ready handshake', async () => {
    const api = await labApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const readyBefore = api.readyWebviews;
    await exec('logisticLab.showDashboard');
    await exec('logisticLab.showDashboard');
    await waitFor('the dashboard tab', () => dashboardTabs().length > 0).catch((err: Error) => {
      throw new Error(`${err.message}; tabs: ${describeTabs()}`);
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(dashboardTabs().length, 1, 'a single dashboard panel');
    // A cold first start of the workbench's webview host can take a while on a busy machine.
    await waitFor('the dashboard page to say ready', () => api.readyWebviews > readyBefore, 60_000);
    assert.deepEqual(api.errors.filter((e) => /webview/i.test(e)), []);
  });
});
