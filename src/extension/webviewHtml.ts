/**
 * The one HTML page of every webview: a strict Content-Security-Policy (no inline code; scripts only with
 * this page's nonce; styles, images and fonts only from the extension), assets addressed with
 * `asWebviewUri`, and the page's code loaded from `dist/webview/<name>.js` and `media/common.css` + `media/<name>.css`.
 * The page builds its DOM itself inside `<div id="app">`.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Folders a webview may load from: the browser bundles and static assets. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Options for a webview of this extension (scripts on, loads restricted to the two asset folders). */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
}

/** A fresh 128-bit nonce, base64 (no characters that need escaping in an attribute). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageSpec {
  /** Entry name: loads dist/webview/<name>.js, media/common.css and media/<name>.css. */
  name: 'dashboard' | 'sidebar';
  title: string;
}

/** The page's HTML. Everything interpolated is a URI or constant made here, never data from a CSV. */
export function buildHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageSpec, nonce = makeNonce()): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.name}.js`));
  const common = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'common.css'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${page.name}.css`));
  const src = webview.cspSource;
  const csp = [
    "default-src 'none'",
    `img-src ${src} data: blob:`,
    `style-src ${src}`,
    `font-src ${src}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${common.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<div id="app"><p class="loading boot"><span class="spinner" aria-hidden="true"></span>Loading…</p></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
