/**
 * Helpers for UI tests against a real VS Code (code-server's web workbench in headless Chromium via playwright-core).
 *
 * Typical test (node:test, compiled to out/test/e2e/*.test.js, run by scripts/vscode/run-e2e.sh):
 *   const vs = await startVsCode({ workspace: 'samples', theme: 'Default Light Modern' });
 *   try {
 *     await runCommand(vs.page, 'Logistic Regression Lab: Open Dashboard');
 *     const frame = await webviewFrame(vs.page, '#chart');
 *     await screenshot(vs.page, 'dashboard-light');
 *   } finally { await vs.stop(); }
 *
 * The extension comes from `extensionVsix` (installed with `code-server --install-extension`; run-e2e.sh packages
 * the repository once and passes it in LAB_E2E_VSIX) or else from `extensionDevelopmentPath` (default: the repository
 * root, loaded through the workbench URL payload — nothing packaged).
 */
import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import {
  findRepoRoot,
  launchChromium,
  startCodeServer,
  writeUserSettings,
  type RunningCodeServer,
  type Settings,
  type ThemeName,
} from '../../scripts/vscode/codeServer';

export type { ThemeName, Settings } from '../../scripts/vscode/codeServer';

/** Options of {@link startVsCode}. */
export interface StartVsCodeOptions {
  /** Folder to open, absolute or relative to the repository root (e.g. 'samples'). */
  workspace: string;
  /** Open a fresh copy of the workspace (default true) so tests may write files. */
  copyWorkspace?: boolean;
  /** A packaged extension to install (default: LAB_E2E_VSIX when set). */
  extensionVsix?: string;
  /**
   * Load the extension from this folder through the URL payload instead (takes precedence over a VSIX; default when
   * no VSIX is given: the repository root).
   */
  extensionDevelopmentPath?: string;
  /** Colour theme at start-up (default 'Default Dark Modern'). */
  theme?: ThemeName;
  /** More user settings. */
  settings?: Settings;
  /** Browser viewport (default 1280×800). */
  viewport?: { width: number; height: number };
  /** Extra environment for the server and extension host. */
  env?: Record<string, string | undefined>;
  /** Open the folder untrusted, in Restricted Mode (default: workspace trust disabled). */
  restricted?: boolean;
}

/** A running VS Code window. */
export interface VsCodeSession {
  page: Page;
  browser: Browser;
  /** The workbench URL that was opened. */
  url: string;
  server: RunningCodeServer;
  /** The folder open in the window (the copy when copyWorkspace). */
  workspace: string;
  /** The profile's user-data folder (User/settings.json lives here). */
  userDataDir: string;
  /** Uncaught errors of the page, for assertions. */
  pageErrors: string[];
  /** Closes the browser and kills code-server's process group. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT = 30_000;

/** Starts code-server with the extension, opens the workspace in Chromium and waits for the workbench. */
export async function startVsCode(opts: StartVsCodeOptions): Promise<VsCodeSession> {
  const root = findRepoRoot(__dirname);
  // Explicit options win; then the VSIX that run-e2e.sh packaged; then the repository as development path.
  const vsix = opts.extensionDevelopmentPath ? undefined : opts.extensionVsix ?? (process.env.LAB_E2E_VSIX || undefined);
  const devPath = vsix ? undefined : path.resolve(root, opts.extensionDevelopmentPath ?? '.');
  const source = path.resolve(root, opts.workspace);

  const server = await startCodeServer({
    settings: { 'workbench.colorTheme': opts.theme ?? 'Default Dark Modern', ...(opts.settings ?? {}) },
    ...(vsix ? { vsix } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.restricted ? { workspaceTrust: true } : {}),
    removeRunDir: process.env.LAB_KEEP_RUNS !== '1',
  });
  let browser: Browser | undefined;
  try {
    let workspace = source;
    if (opts.copyWorkspace !== false) {
      workspace = path.join(server.runDir, 'workspace');
      mkdirSync(workspace, { recursive: true });
      cpSync(source, workspace, { recursive: true });
    }
    const url = server.url({ folder: workspace, ...(devPath ? { extensionDevelopmentPath: devPath } : {}) });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
    page.setDefaultTimeout(DEFAULT_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await waitForWorkbench(page);
    const b = browser;
    let stopped: Promise<void> | undefined;
    return {
      page,
      browser: b,
      url,
      server,
      workspace,
      userDataDir: server.userDataDir,
      pageErrors,
      stop: () =>
        (stopped ??= (async () => {
          await b.close().catch(() => undefined);
          await server.stop();
        })()),
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
}

/** Waits until the workbench is laid out (status bar and editor area present) and has settled a moment. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer of the opened folder shows up once the remote connection and file system are ready.
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .catch(() => undefined);
  // Screenshots look finished once the file-icon theme has painted the explorer's icons.
  await page
    .waitForFunction(
      () => {
        const el = document.querySelector('.explorer-folders-view .monaco-icon-label.file-icon');
        const content = el ? getComputedStyle(el, '::before').content : 'none';
        return content !== 'none' && content !== 'normal' && content !== '';
      },
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
}

/** The quick-input (command palette) widget. */
function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/**
 * Runs a command by its palette title (e.g. 'Logistic Regression Lab: Train'): F1, type the title, pick the row
 * whose label is exactly the title. Retries while the command is not registered yet (extension still starting).
 */
export async function runCommand(page: Page, title: string, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastLabels: string[] = [];
  while (Date.now() < deadline) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = quickInput(page).locator('input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const rows = quickInput(page).locator('.monaco-list-row');
    const row = rows.filter({ has: page.locator('.label-name', { hasText: title }) });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 3_000 });
    } catch {
      lastLabels = await rows.locator('.label-name').allInnerTexts().catch(() => []);
      await page.waitForTimeout(500);
      continue;
    }
    const labels = await row.locator('.label-name').allInnerTexts();
    const index = labels.findIndex((l) => normalise(l) === title);
    if (index < 0) {
      lastLabels = labels;
      await page.waitForTimeout(500);
      continue;
    }
    await row.nth(index).click();
    // The palette closes, or its widget is reused by a quick pick the command opens (then the text changes).
    for (let i = 0; i < 50; i++) {
      const open = await quickInput(page).isVisible().catch(() => false);
      if (!open || (await input.inputValue().catch(() => '')) !== `>${title}`) break;
      await page.waitForTimeout(100);
    }
    return;
  }
  await page.keyboard.press('Escape');
  throw new Error(`command "${title}" not found in the palette (saw: ${lastLabels.join(' | ') || 'nothing'})`);
}

/** Palette labels carry highlight markup and non-breaking spaces; compare their plain text. */
function normalise(s: string): string {
  return s.replace(/\u00a0/g, ' ').trim();
}

/**
 * The inner frame of a webview (VS Code nests each webview in two iframes) that matches `predicate`: a CSS selector
 * that must exist in the frame, or a function of the frame. Waits up to `timeoutMs`.
 */
export async function webviewFrame(
  page: Page,
  predicate: string | ((frame: Frame) => boolean | Promise<boolean>),
  timeoutMs = DEFAULT_TIMEOUT,
): Promise<Frame> {
  const test = typeof predicate === 'string'
    ? async (f: Frame) => (await f.locator(predicate).count()) > 0
    : predicate;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of webviewFrames(page)) {
      try {
        if (await test(frame)) return frame;
      } catch {
        /* frame detached or navigating */
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame matched ${typeof predicate === 'string' ? predicate : 'the predicate'} within ${timeoutMs} ms`);
}

/** The content frames of all open webviews (the inner iframe of each `iframe.webview`). */
export function webviewFrames(page: Page): Frame[] {
  return page.frames().filter((f) => {
    const parent = f.parentFrame();
    return parent !== null && parent !== page.mainFrame() && /\/webview\//.test(parent.url()) && f.name() !== '';
  });
}

/** Saves a full-page PNG into test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(findRepoRoot(__dirname), 'test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The workbench's theme-type class for a theme name (vs = light, vs-dark = dark). */
function themeClass(theme: ThemeName): string | undefined {
  if (/high contrast/i.test(theme)) return /light/i.test(theme) ? 'hc-light' : 'hc-black';
  if (/light/i.test(theme)) return 'vs';
  if (/dark/i.test(theme)) return 'vs-dark';
  return undefined;
}

/**
 * Switches the colour theme the way a user does (Preferences: Color Theme, pick the theme) — VS Code then stores it
 * in the user settings.json — and waits until the workbench repaints. (A settings.json edited behind code-server's
 * back is only read at the next window load; start-up themes are set with startVsCode({ theme }).)
 */
export async function setTheme(session: VsCodeSession, theme: ThemeName, timeoutMs = 15_000): Promise<void> {
  const page = session.page;
  await runCommand(page, 'Preferences: Color Theme');
  const input = quickInput(page).locator('input');
  await input.fill(theme);
  // The picker shows labels ('Dark Modern') while settings use ids ('Default Dark Modern').
  const labels = [theme, theme.replace(/^Default /, '')].map(escapeRegExp).join('|');
  const row = quickInput(page)
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*(${labels})\\s*$`) }) });
  try {
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    await page.keyboard.press('Escape');
    // Fallback: write the setting and reload the window.
    writeUserSettings(session.userDataDir, { 'workbench.colorTheme': theme });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForWorkbench(page);
  }
  if (await row.first().isVisible().catch(() => false)) await row.first().click();
  const cls = themeClass(theme);
  if (cls) {
    await page.locator(`.monaco-workbench.${cls}`).waitFor({ state: 'attached', timeout: timeoutMs });
  }
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
  await page.waitForTimeout(300);
}

/** Shows the Explorer view (Ctrl+Shift+E) and returns the row of `fileName` (a top-level entry of the folder). */
export async function explorerRow(page: Page, fileName: string): Promise<Locator> {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  if (!(await rows.first().isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+E');
  }
  const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(fileName)}$`) }) });
  await row.first().waitFor({ state: 'visible' });
  return row.first();
}

/**
 * Right-clicks `fileName` in the Explorer and clicks the context-menu entry labelled `entryLabel`. Retries while the
 * entry is missing (the extension's menu contributions arrive a few seconds after the window opens).
 */
export async function explorerContextMenu(
  page: Page,
  fileName: string,
  entryLabel: string,
  timeoutMs = DEFAULT_TIMEOUT,
): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  // Context menus live in a shadow root; playwright's CSS engine pierces it.
  const item = menu.locator('.action-item').filter({
    has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(entryLabel)}$`) }),
  }).first();
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    const row = await explorerRow(page, fileName);
    await row.click();
    await row.click({ button: 'right' });
    await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
    if (await item.waitFor({ state: 'visible', timeout: 1_000 }).then(() => true, () => false)) break;
    seen = (await menu.locator('.action-label').allInnerTexts().catch(() => [])).filter(Boolean);
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(`context menu of ${fileName} has no "${entryLabel}" (saw: ${seen.join(' | ')})`);
    }
    await page.waitForTimeout(1_000);
  }
  // The menu ignores a mouse-up that comes too soon after it opened: hover first, click, and if the menu is still
  // open (the click only highlighted the entry), activate the highlighted entry with Enter.
  await item.hover();
  await page.waitForTimeout(150);
  await item.click();
  const closed = await menu.first().waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false);
  if (!closed) {
    await item.hover();
    await page.keyboard.press('Enter');
    await menu.first().waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/** Waits for a notification toast containing `text` and returns it. */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
  await toast.first().waitFor({ state: 'visible', timeout: timeoutMs });
  return toast.first();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Right-click `file` in the Explorer → "Train Logistic Regression…" → pick `target` in the quick pick. A click on a
 * context-menu entry sometimes only highlights it (the menu stays open): then Enter activates it; one retry.
 */
export async function trainFromExplorer(page: Page, file: string, target: string, shotTag: string): Promise<void> {
  const qi = page.locator('.quick-input-widget');
  const menu = page.locator('.context-view .monaco-menu');
  for (let attempt = 0; ; attempt++) {
    await explorerContextMenu(page, file, 'Train Logistic Regression…');
    try {
      await qi.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (e) {
      await screenshot(page, `e2e-${shotTag}-1-menu-retry-${attempt}`);
      if (await menu.isVisible().catch(() => false)) await page.keyboard.press('Enter');
      if (await qi.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) break;
      if (attempt > 0) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await qi.locator('.quick-input-title').filter({ hasText: 'column to predict' }).waitFor();
  await qi.locator('input').fill(target);
  await qi.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${target}$`) }) }).first().waitFor();
  await screenshot(page, `e2e-${shotTag}-1-target-pick-${target}`);
  await page.keyboard.press('Enter');
}
