/**
 * CSV text shaped like a markdown command link, in a real VS Code (code-server + Chromium, see harness.ts): a ragged
 * CSV whose header is `[Show the bad line](command:workbench.action.terminal.sendSequence?…)` gives an error
 * notification that shows the header as plain text — no `<a>` in the message, nothing to click that runs a
 * command — while its "Go to Line" button still opens the row. A column named `$(zap) alarm` shows as that text in
 * the target picker, not as an icon. Screenshots: test-artifacts/screenshots/e2e-hostile-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { explorerContextMenu, screenshot, startVsCode, waitForNotification } from './harness';

const SEND = 'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D';
const LINK_HEADER = `[Show the bad line](${SEND})`;

/** Runs the explorer's "Train Logistic Regression…" on a file (retried once when the menu click is lost). */
async function trainFromExplorer(page: Page, file: string, until: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await explorerContextMenu(page, file, 'Train Logistic Regression…');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await until()) return;
      await page.waitForTimeout(200);
    }
    if (attempt > 0) throw new Error(`"Train Logistic Regression…" on ${file} showed nothing`);
    await page.keyboard.press('Escape');
  }
}

test('a link-shaped CSV header is plain text in the error notification and the target picker', { timeout: 180_000 }, async () => {
  const source = mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-hostile-'));
  writeFileSync(path.join(source, 'hostile.csv'), `x1,${LINK_HEADER}\n1,0\n2,1\n3,0,7\n4,1\n`);
  writeFileSync(
    path.join(source, 'icons.csv'),
    `$(zap) alarm,${LINK_HEADER},y\n` + Array.from({ length: 8 }, (_, i) => `${i % 3},${i % 2},${i % 2}`).join('\n') + '\n',
  );
  const vs = await startVsCode({ workspace: source, theme: 'Default Dark Modern' });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });

    // The ragged row: one error notification quoting the header.
    const toasts = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Show the bad line' });
    await trainFromExplorer(page, 'hostile.csv', () => toasts.first().isVisible().catch(() => false));
    const toast = await waitForNotification(page, /Show the bad line/);
    const message = toast.locator('.notification-list-item-message');
    const text = (await message.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /hostile\.csv line 4 has 3 fields/);
    assert.ok(text.includes('[Show the bad line'), `the header is shown as text: ${text}`);
    // The reader quotes at most a few dozen characters of a name: the start of the target shows, as text.
    assert.ok(text.includes('command∶workbench.action.terminal.send'), `its target too, as text: ${text}`);
    assert.equal(await message.locator('a').count(), 0, 'no link in the message');
    const hrefs = await page.locator('.notifications-toasts a[href], .notifications-center a[href]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href') ?? ''),
    );
    assert.deepEqual(hrefs.filter((h) => /^(command|https?|file):/i.test(h)), [], 'no link anywhere in the notifications');
    const goToLine = toast.locator('.monaco-button', { hasText: 'Go to Line' });
    assert.ok(await goToLine.isVisible(), 'the Go to Line button is still there');
    // Expand the toast so that the screenshot shows the whole message.
    await toast.hover();
    const expand = toast.locator('.codicon-notifications-expand');
    if (await expand.isVisible().catch(() => false)) await expand.click();
    await page.waitForTimeout(300);
    await screenshot(page, 'e2e-hostile-1-notification');

    // Clicking the message where the link would be does nothing; Go to Line opens the row.
    await message.click();
    assert.equal(await page.locator('.terminal-outer-container, .integrated-terminal').count(), 0, 'no terminal was opened');
    await goToLine.click();
    await page.locator('.tabs-container .tab', { hasText: 'hostile.csv' }).first().waitFor({ state: 'visible' });
    await page.locator('.monaco-editor .current-line').first().waitFor({ state: 'attached' });
    const cursorLine = await page.locator('.monaco-editor .line-numbers.active-line-number').first().innerText();
    assert.equal(cursorLine.trim(), '4', 'Go to Line puts the cursor on the ragged row');
    await screenshot(page, 'e2e-hostile-2-go-to-line');

    // Column names in the target picker: `$(zap)` is text, the link-shaped one too.
    const qi = page.locator('.quick-input-widget');
    await trainFromExplorer(page, 'icons.csv', () => qi.locator('.quick-input-title', { hasText: 'column to predict' }).isVisible().catch(() => false));
    const rows = qi.locator('.monaco-list-row');
    await rows.first().waitFor({ state: 'visible' });
    const labels = (await rows.locator('.label-name').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ').trim());
    assert.ok(labels.includes('$(zap) alarm'), `the column shows as "$(zap) alarm": ${labels.join(' | ')}`);
    assert.ok(labels.some((l) => l.startsWith('[Show the bad line')), `the link-shaped column is listed: ${labels.join(' | ')}`);
    assert.equal(await qi.locator('.monaco-list-row .codicon-zap').count(), 0, 'no zap icon from the data');
    assert.equal(await qi.locator('a[href]').count(), 0, 'no link in the picker');
    await screenshot(page, 'e2e-hostile-3-target-picker');
    await page.keyboard.press('Escape');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-hostile-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
    rmSync(source, { recursive: true, force: true });
  }
});
