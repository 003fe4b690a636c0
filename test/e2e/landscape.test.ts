/**
 * The Landscape tab in a real VS Code, by mouse: on titanic the contour of J over two weights paints (shaded, with
 * contour lines), the current point moves when Step is clicked, another weight can be chosen, and the BCE/MSE slice
 * paints with its two axes — in dark and in light themes, at a wide and a narrow (420 px) panel.
 * Screenshots: test-artifacts/screenshots/e2e-landscape-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';
import { countColorPixels } from './canvas-check';
import { formatProblems, layoutProblems } from './layout-check';
import { setPanelWidth } from './panel-width';

const picture = (frame: Frame, sel: string): Promise<string> =>
  frame.evaluate((s) => (document.querySelector(s) as HTMLCanvasElement).toDataURL(), sel);

for (const theme of ['Default Dark Modern', 'Default Light Modern'] as const) {
  const tag = theme.includes('Dark') ? 'dark' : 'light';
  test(`Landscape tab (${tag}): contour with the path, the point moves on Step, another weight, the BCE/MSE slice`, { timeout: 240_000 }, async () => {
    const vs = await startVsCode({
      workspace: 'samples',
      theme,
      viewport: { width: 1400, height: 900 },
      settings: { 'logisticLab.epochs': 200, 'logisticLab.startPaused': true, 'logisticLab.learningRate': 0.5 },
    });
    try {
      const page = vs.page;
      await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
      await trainFromExplorer(page, 'titanic.csv', 'Survived', `landscape-${tag}`);
      const frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
      await frame.waitForSelector('#status[data-state]', { timeout: 60_000 });
      for (let i = 0; i < 5; i++) await frame.locator('#btn-step').click();
      await frame.waitForFunction(() => /Step 4 → 5/.test(document.querySelector('#step-header h2')?.textContent ?? ''), undefined, { timeout: 15_000 });
      await frame.locator('#tabbtn-landscape').click();
      await frame.waitForSelector('#landscape-chart', { timeout: 20_000 });
      await page.waitForTimeout(500);
      const caption = (await frame.textContent('#landscape-caption')) ?? '';
      assert.match(caption, /over w\[.+\] and w\[.+\]/, 'names the two weights');
      assert.match(caption, /recorded points/, 'the path of the run is drawn');
      assert.match(caption, /all 713 training rows/);
      const painted = await countColorPixels(frame, '#landscape-chart', '#000000', 255);
      assert.ok(painted.painted > painted.total * 0.3, `the contour is shaded (${painted.painted} of ${painted.total} pixels painted)`);
      await screenshot(page, `e2e-landscape-1-${tag}`);
      const before = await picture(frame, '#landscape-chart');
      await frame.locator('#btn-step').click();
      await frame.waitForFunction((b) => (document.querySelector('#landscape-chart') as HTMLCanvasElement | null)?.toDataURL() !== b, before, { timeout: 15_000 });
      assert.equal(await frame.locator('#tabbtn-landscape[aria-selected=true]').count(), 1, 'Step on the Landscape tab stays there');
      // Another weight on the y axis, by the select.
      const options = await frame.locator('#landscape-y option').allTextContents();
      const target = options.find((o) => o.includes('Fare')) ?? options[options.length - 2];
      await frame.locator('#landscape-y').selectOption({ label: target });
      await frame.waitForFunction((t) => (document.querySelector('#landscape-caption')?.textContent ?? '').includes(t), target, { timeout: 15_000 });
      await frame.locator('#landscape-slice').scrollIntoViewIfNeeded();
      const slice = await countColorPixels(frame, '#landscape-slice', '#000000', 255);
      assert.ok(slice.painted > 1000, 'the slice chart paints');
      assert.match((await frame.textContent('#landscape-slice-card')) ?? '', /squared error flattens/);
      await screenshot(page, `e2e-landscape-2-slice-${tag}`);
      // A 420 px panel: nothing clipped, overlapping or scrolling sideways.
      const reached = await setPanelWidth(page, () => webviewFrame(page, '#app[data-page=dashboard]', 30_000), 420);
      const narrow = await webviewFrame(page, '#app[data-page=dashboard]', 30_000);
      await narrow.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const r = await layoutProblems(narrow);
      assert.deepEqual(r.problems, [], `layout at ${reached} px:\n${formatProblems(r)}`);
      assert.deepEqual(r.scrolling, [], `nothing scrolls sideways at ${reached} px`);
      await narrow.locator('#landscape-chart').scrollIntoViewIfNeeded();
      await screenshot(page, `e2e-landscape-3-narrow-${tag}`);
      assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
    } catch (e) {
      await screenshot(vs.page, `e2e-landscape-failure-${tag}`).catch(() => undefined);
      throw e;
    } finally {
      await vs.stop();
    }
  });
}
