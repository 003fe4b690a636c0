/**
 * Renders one of our webview pages (dist/webview/<name>.js + media/common.css + media/<name>.css) in plain Chromium, the way VS Code
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

/**
 * The part of VS Code's default webview style sheet (webview/browser/pre/index.html, VS Code 1.100) that can
 * change how our pages look: it comes before the page's own CSS, so unset colours (e.g. of `code` and `kbd`)
 * fall back to these, as inside VS Code.
 */
const VSCODE_DEFAULT_CSS = `
html { scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background); }
body {
  overscroll-behavior-x: none; background-color: transparent; color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family); font-weight: var(--vscode-font-weight); font-size: var(--vscode-font-size);
  margin: 0; padding: 0 20px;
}
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
code {
  font-family: var(--monaco-monospace-font); color: var(--vscode-textPreformat-foreground);
  background-color: var(--vscode-textPreformat-background); padding: 1px 3px; border-radius: 4px;
}
kbd {
  background-color: var(--vscode-keybindingLabel-background); color: var(--vscode-keybindingLabel-foreground);
  border-style: solid; border-width: 1px; border-radius: 3px; border-color: var(--vscode-keybindingLabel-border);
  border-bottom-color: var(--vscode-keybindingLabel-bottomBorder); box-shadow: inset 0 -1px 0 var(--vscode-widget-shadow);
  vertical-align: middle; padding: 1px 3px;
}
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
`;

/** Writes the page file (under test-artifacts/preview/) and returns its file:// URL. */
export function writePreviewPage(root: string, name: 'dashboard' | 'sidebar', theme: PreviewTheme, savedViewState: unknown = null): string {
  const dir = path.join(root, 'test-artifacts', 'preview');
  mkdirSync(dir, { recursive: true });
  const common = pathToFileURL(path.join(root, 'media', 'common.css')).href;
  const css = pathToFileURL(path.join(root, 'media', `${name}.css`)).href;
  const defaults = path.join(dir, 'vscode-defaults.css');
  writeFileSync(defaults, VSCODE_DEFAULT_CSS);
  const js = pathToFileURL(path.join(root, 'dist', 'webview', `${name}.js`)).href;
  const csp = ["default-src 'none'", 'img-src file: data: blob:', 'style-src file:', 'font-src file:', `script-src 'nonce-${NONCE}'`].join('; ');
  const boot = `
    (function () {
      var vars = ${JSON.stringify(THEME_VARS[theme])};
      for (var k in vars) document.documentElement.style.setProperty(k, vars[k]);
      document.body.className = ${JSON.stringify(BODY_CLASS[theme])};
      // VS Code paints the frame behind a webview: the editor background for panels, the side bar's for views.
      document.documentElement.style.background = ${JSON.stringify(name === 'sidebar' ? 'var(--vscode-sideBar-background, var(--vscode-editor-background))' : 'var(--vscode-editor-background)')};
      document.body.style.color = 'var(--vscode-editor-foreground)';
      document.body.setAttribute('data-vscode-theme-kind', ${JSON.stringify(BODY_CLASS[theme].split(' ')[0])});
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
<link rel="stylesheet" href="${pathToFileURL(defaults).href}">
<link rel="stylesheet" href="${common}">
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
    for (const c of all.join(' ').split(' ')) document.body.classList.remove(c);
    for (const c of cls.split(' ')) document.body.classList.add(c);
  }, { vars: THEME_VARS[theme], cls: BODY_CLASS[theme], all: Object.values(BODY_CLASS) });
  await page.waitForTimeout(100);
}
