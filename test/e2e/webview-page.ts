/**
 * Renders one of our webview pages (dist/webview/<name>.js + media/<name>.css) in plain Chromium, the way VS Code
 * hosts it: the same Content-Security-Policy as the extension's HTML builder (scripts only with a nonce, styles
 * only from files), a fake `acquireVsCodeApi` that records posted messages and keeps setState, and the theme's
 * --vscode-* variables and body class. Messages from the "host" are sent with window.postMessage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { FromWebview, ToWebview } from '../../src/protocol';
import { BODY_CLASS, THEME_VARS, type PreviewTheme } from './webview-themes';

export const NONCE = 'cHJldmlldy1ub25jZQ==';

/** Writes the page file (under test-artifacts/preview/) and returns its file:// URL. */
export function writePreviewPage(root: string, name: 'dashboard' | 'sidebar', theme: PreviewTheme, savedViewState: unknown = null): string {
  const dir = path.join(root, 'test-artifacts', 'preview');
  mkdirSync(dir, { recursive: true });
  const css = pathToFileURL(path.join(root, 'media', `${name}.css`)).href;
  const js = pathToFileURL(path.join(root, 'dist', 'webview', `${name}.js`)).href;
  const csp = ["default-src 'none'", 'img-src file: data: blob:', 'style-src file:', 'font-src file:', `script-src 'nonce-${NONCE}'`].join('; ');
  const boot = `
    (function () {
      var vars = ${JSON.stringify(THEME_VARS[theme])};
      for (var k in vars) document.documentElement.style.setProperty(k, vars[k]);
      document.body.classList.add(${JSON.stringify(BODY_CLASS[theme])});
      // VS Code paints the frame behind a webview: the editor background for panels, the side bar's for views.
      document.documentElement.style.background = ${JSON.stringify(name === 'sidebar' ? 'var(--vscode-sideBar-background, var(--vscode-editor-background))' : 'var(--vscode-editor-background)')};
      document.body.style.color = 'var(--vscode-editor-foreground)';
      document.body.setAttribute('data-vscode-theme-kind', ${JSON.stringify(BODY_CLASS[theme])});
      window.__posted = [];
      var saved = ${JSON.stringify(savedViewState)};
      var acquired = false;
      window.acquireVsCodeApi = function () {
        if (acquired) throw new Error('acquireVsCodeApi called twice');
        acquired = true;
        return {
          postMessage: function (m) { window.__posted.push(JSON.parse(JSON.stringify(m))); },
          getState: function () { return saved === null ? undefined : saved; },
          setState: function (s) { saved = s; window.__savedState = s; return s; },
        };
      };
    })();`;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>${name} preview</title>
</head>
<body>
<div id="app"></div>
<script nonce="${NONCE}">${boot}</script>
<script nonce="${NONCE}" src="${js}"></script>
</body>
</html>`;
  const file = path.join(dir, `${name}-${theme}.html`);
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}

/** Sends a host message to the page. */
export async function sendToPage(page: Page, msg: ToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

/** Everything the page has posted to the "host" so far. */
export async function posted(page: Page): Promise<FromWebview[]> {
  return page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted.slice());
}

/** Switches the page to another theme the way VS Code does (variables on <html>, class on <body>). */
export async function switchTheme(page: Page, theme: PreviewTheme): Promise<void> {
  await page.evaluate(({ vars, cls, all }) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    for (const c of all) document.body.classList.remove(c);
    document.body.classList.add(cls);
  }, { vars: THEME_VARS[theme], cls: BODY_CLASS[theme], all: Object.values(BODY_CLASS) });
  await page.waitForTimeout(100);
}
