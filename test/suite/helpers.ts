/**
 * Shared helpers of the extension-host tests: the extension's API, typed command calls, the sample
 * workspace (a temporary copy of samples/ made by the test runner), and a stub for error notifications.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LogisticLabApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'logistic-lab.logistic-regression-lab';

/** The activated extension's API (activates it if needed). */
export async function labApi(): Promise<LogisticLabApi> {
  const ext = vscode.extensions.getExtension<LogisticLabApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** The extension's folder (the repository root in development). */
export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.extensionPath;
}

/** A sample CSV in the test workspace (falls back to the repository's samples/). */
export function sampleUri(name: string): vscode.Uri {
  const folder = process.env.LAB_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const base = folder ?? path.join(extensionPath(), 'samples');
  return vscode.Uri.file(path.join(base, name));
}

/** A fixture of the extension-host tests (test/fixtures/vscode/<name>). */
export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(extensionPath(), 'test', 'fixtures', 'vscode', name));
}

/** Runs a command and types its result. */
export function exec<T>(command: string, ...args: unknown[]): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, ...args));
}

type ShowError = (message: string, ...items: string[]) => Thenable<string | undefined>;

/**
 * Replaces `vscode.window.showErrorMessage` while `body` runs and returns the messages it was called with
 * (the extension and the tests share one `vscode` API object).
 */
export async function captureErrors(body: () => Promise<void>): Promise<string[]> {
  const win = vscode.window as unknown as { showErrorMessage: ShowError };
  const original = win.showErrorMessage;
  const messages: string[] = [];
  win.showErrorMessage = (message: string) => {
    messages.push(message);
    return Promise.resolve(undefined);
  };
  try {
    await body();
  } finally {
    win.showErrorMessage = original;
  }
  return messages;
}

/** Waits until `check` is true (polling), or fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
