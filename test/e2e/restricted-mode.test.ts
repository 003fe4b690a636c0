/**
 * Restricted Mode in a real VS Code: the folder is opened untrusted (workspace trust on, no prompt), the window says
 * "Restricted Mode", and the extension still works — it declares untrustedWorkspaces.supported because it only reads
 * CSV files and runs nothing from the workspace: right-click titanic.csv → Train → Survived gives the dashboard with
 * a painted loss curve. Screenshot: test-artifacts/screenshots/e2e-restricted-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';

test('Restricted Mode: the extension is present and trains', { timeout: 180_000 }, async () => {
  const vs = await startVsCode({ workspace: 'samples', restricted: true, theme: 'Default Dark Modern' });
  try {
    const page = vs.page;
    const restricted = page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
    await restricted.first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'e2e-restricted-0-workbench');
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'restricted');
    const frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    await frame.waitForFunction(
      () => {
        const lab = (window as unknown as { __lrLab?: { charts(): Record<string, { datasets: Array<{ data: unknown[] }> }> } }).__lrLab;
        const loss = lab?.charts()['training:loss'];
        return !!loss && loss.datasets[0].data.length >= 10;
      },
      undefined,
      { timeout: 90_000 },
    );
    assert.ok(await restricted.first().isVisible(), 'still in Restricted Mode');
    await screenshot(page, 'e2e-restricted-1-dashboard');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-restricted-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});
