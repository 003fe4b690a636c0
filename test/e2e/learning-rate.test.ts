/**
 * Learning rate, seen — in a real VS Code, by mouse: on titanic the sweep (Compare tab) trains 13 short runs and
 * draws the final cost against α with the bound 2/L; "Use α = …" re-trains with the best rate; the Training tab then
 * overlays the earlier run's curve with its settings. Dark theme wide, light theme at 420 px (nothing clipped or
 * scrolling sideways). Screenshots: test-artifacts/screenshots/e2e-rate-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';
import { countColorPixels } from './canvas-check';
import { formatProblems, layoutProblems } from './layout-check';
import { setPanelWidth } from './panel-width';

interface Snap { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }>; scales: Record<string, string> }
const chartsOf = (frame: Frame): Promise<Record<string, Snap>> =>
  frame.evaluate(() => (window as unknown as { __lrLab: { charts(): Record<string, Snap> } }).__lrLab.charts());
const done = (frame: Frame): Promise<unknown> =>
  frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });

for (const theme of ['Default Dark Modern', 'Default Light Modern'] as const) {
  const tag = theme.includes('Dark') ? 'dark' : 'light';
  test(`learning-rate sweep and the runs compared (${tag})`, { timeout: 240_000 }, async () => {
    const vs = await startVsCode({
      workspace: 'samples',
      theme,
      viewport: { width: 1400, height: 900 },
      settings: { 'logisticLab.epochs': 100, 'logisticLab.learningRate': 0.05 },
    });
    try {
      const page = vs.page;
      await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
      await trainFromExplorer(page, 'titanic.csv', 'Survived', `rate-${tag}`);
      let frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
      await done(frame);
      await frame.locator('#tabbtn-compare').click();
      await frame.locator('#sweep-run').click();
      await frame.waitForSelector('#sweep-chart', { timeout: 60_000 });
      const rows = await frame.locator('#sweep-table tbody tr').count();
      assert.equal(rows, 13, 'one row per α');
      const sweep = (await chartsOf(frame))['compare:sweep'];
      assert.equal(sweep.scales.x, 'logarithmic', 'α on a log axis');
      const finite = sweep.datasets[0].data;
      assert.ok(finite.length >= 8, `most runs end with a cost (${finite.length})`);
      // The timid end barely moves J; the best α is far above it.
      const costs = finite.map((p) => p.y);
      assert.ok(costs[0] > Math.min(...costs) * 1.2, `α = ${finite[0].x} ends at ${costs[0]}, the best at ${Math.min(...costs)}`);
      assert.match((await frame.textContent('#sweep-settings')) ?? '', /Ran with gd, full batch, cross-entropy, 50 epochs each/);
      const blue = await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
      const px = await countColorPixels(frame, '#sweep-chart', blue);
      assert.ok(px.matching > 100, `the curve paints (${px.matching} px)`);
      await frame.locator('#sweep-card').scrollIntoViewIfNeeded();
      await screenshot(page, `e2e-rate-1-sweep-${tag}`);

      // Use the best α: a new run; the earlier one is overlaid on the Training tab.
      const best = ((await frame.textContent('#sweep-use-best')) ?? '').match(/α = ([\d.e+-]+)/)?.[1];
      assert.ok(best, 'the best α is offered');
      await frame.locator('#sweep-use-best').click();
      frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
      await frame.waitForFunction(() => !/α\s*0\.05\b/.test(document.querySelector('#header')?.textContent ?? ''), undefined, { timeout: 30_000 });
      await done(frame);
      await frame.locator('#tabbtn-training').click();
      await frame.waitForSelector('#runs-card', { timeout: 10_000 });
      const table = (await frame.textContent('#runs-table')) ?? '';
      assert.match(table, /this run: gd · α [\d.]+ · full batch/);
      assert.match(table, /gd · α 0\.05 · full batch/, 'the earlier run with its settings');
      const runs = (await chartsOf(frame))['training:runs'];
      assert.equal(runs.datasets.length, 2, 'this run and the earlier one');
      const endOf = (d: Snap['datasets'][number]): number => d.data[d.data.length - 1].y;
      assert.ok(endOf(runs.datasets[0]) < endOf(runs.datasets[1]), 'the best α ends lower than α = 0.05');
      await frame.locator('#runs-card').scrollIntoViewIfNeeded();
      await screenshot(page, `e2e-rate-2-runs-${tag}`);

      if (tag === 'light') {
        const reached = await setPanelWidth(page, () => webviewFrame(page, '#app[data-page=dashboard]', 30_000), 420);
        for (const t of ['training', 'compare']) {
          const narrow = await webviewFrame(page, '#app[data-page=dashboard]', 30_000);
          await narrow.locator(`#tabbtn-${t}`).click();
          await narrow.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          const r = await layoutProblems(narrow);
          assert.deepEqual(r.problems, [], `${t} at ${reached} px:\n${formatProblems(r)}`);
          assert.deepEqual(r.scrolling, [], `nothing scrolls sideways at ${reached} px`);
          await narrow.locator(t === 'training' ? '#runs-card' : '#sweep-card').scrollIntoViewIfNeeded();
          await screenshot(page, `e2e-rate-3-narrow-${t}`);
        }
      }
      // Clear forgets the earlier runs.
      const f2 = await webviewFrame(page, '#app[data-page=dashboard]', 30_000);
      await f2.locator('#tabbtn-training').click();
      await f2.locator('#runs-clear').click();
      await f2.waitForFunction(() => document.querySelector('#runs-card') === null, undefined, { timeout: 10_000 });
      assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
    } catch (e) {
      await screenshot(vs.page, `e2e-rate-failure-${tag}`).catch(() => undefined);
      throw e;
    } finally {
      await vs.stop();
    }
  });
}
