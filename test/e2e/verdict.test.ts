/**
 * The truth about a run, in a real VS Code (code-server + Chromium): titanic with the default gradient descent ends
 * NOT CONVERGED with J − J* drawn on a log axis, falling; the Data and Weights tabs name the reference level (female);
 * the Training tab's test log loss is the Evaluation tab's number. A mouse click on "Fit optimum (Newton)" re-trains
 * to CONVERGED in a few updates, the gap at the floor. Through the Settings form, gradient descent with α = 50 ends
 * OSCILLATING, and "Use α = …" (the stable rate) brings back a monotone cost. Dark, then light theme.
 * Screenshots: test-artifacts/screenshots/e2e-verdict-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { countColorPixels } from './canvas-check';
import { screenshot, setTheme, startVsCode, trainFromExplorer, webviewFrame } from './harness';

interface ChartSnap { datasets: Array<{ label: string; data: Array<{ x: number; y: number } | number> }>; scales?: Record<string, string> }

async function charts(frame: Frame): Promise<Record<string, ChartSnap>> {
  return frame.evaluate(() => (window as unknown as { __lrLab: { charts(): Record<string, ChartSnap> } }).__lrLab.charts());
}

const ys = (d: ChartSnap['datasets'][number]): number[] => d.data.map((p) => (typeof p === 'number' ? p : p.y));

async function dashboard(page: Page): Promise<Frame> {
  return webviewFrame(page, '#app[data-page=dashboard]', 60_000);
}

async function tab(frame: Frame, id: string): Promise<void> {
  await frame.click(`#tabbtn-${id}`);
  await frame.waitForSelector(`#tab-${id}:not([hidden])`);
}

/** Waits until the run is over and returns the verdict of the badge. */
async function verdictWhenDone(frame: Frame, timeout = 90_000): Promise<string> {
  await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout });
  await frame.waitForSelector('#verdict-badge[data-verdict]');
  return (await frame.getAttribute('#verdict-badge', 'data-verdict')) ?? '';
}

test('verdicts in the real VS Code: not converged, Newton converged, oscillating, the stable rate', { timeout: 300_000 }, async () => {
  const vs = await startVsCode({ workspace: 'samples', theme: 'Default Dark Modern', viewport: { width: 1400, height: 900 } });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'verdict');
    let frame = await dashboard(page);
    assert.equal(await verdictWhenDone(frame), 'not-converged');
    await tab(frame, 'training');
    const badge = (await frame.textContent('#verdict-badge')) ?? '';
    assert.match(badge, /NOT CONVERGED/i);
    assert.match((await frame.textContent('#verdict-advice')) ?? '', /above the optimum J\* = 0\.44/);

    // J − J*: a log axis, falling from the start to the end, painted.
    const c = await charts(frame);
    const gap = c['training:gap'];
    assert.ok(gap, 'the J − J* chart exists');
    assert.equal(gap.scales?.y, 'logarithmic');
    const g = ys(gap.datasets[0]);
    assert.ok(g.length > 10 && g[g.length - 1] < g[0] / 5, `J − J* falls: ${g[0]} → ${g[g.length - 1]}`);
    const blue = await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
    assert.ok((await countColorPixels(frame, '#gap-chart', blue)).matching > 100, 'the gap curve is painted');
    await frame.locator('#verdict-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-verdict-1-not-converged-dark');
    await frame.locator('#distance-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-verdict-2-gap-dark');

    // One number per quantity: the test log loss on Training equals the Evaluation tab's.
    const trainingLoss = (await frame.textContent('#kpi-test-loss .kpi-value'))?.trim();
    await tab(frame, 'evaluation');
    const evalLoss = (await frame.textContent('#metric-logloss .kpi-value'))?.trim();
    assert.ok(trainingLoss && trainingLoss === evalLoss, `Training ${trainingLoss} vs Evaluation ${evalLoss}`);

    // The reference level is named where the weights are read.
    await tab(frame, 'data');
    assert.match((await frame.textContent('#prep-report')) ?? '', /reference:?\s*female/);
    await tab(frame, 'weights');
    assert.match((await frame.textContent('#tab-weights')) ?? '', /vs female/);
    await screenshot(page, 'e2e-verdict-3-weights-dark');

    // Fit optimum with the mouse: Newton, converged in a few updates.
    await tab(frame, 'training');
    await frame.locator('#fit-optimum').scrollIntoViewIfNeeded();
    await frame.locator('#fit-optimum').click();
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#verdict-badge')?.getAttribute('data-verdict') === 'converged', undefined, { timeout: 60_000 });
    const iteration = Number((await frame.textContent('#hdr-iteration .fact-value')) ?? 'NaN');
    assert.ok(iteration >= 3 && iteration <= 15, `Newton took ${iteration} updates`);
    const g2 = ys((await charts(frame))['training:gap'].datasets[0]);
    assert.ok(g2[g2.length - 1] < 1e-9, `J − J* at the end of the Newton fit: ${g2[g2.length - 1]}`);
    await frame.locator('#verdict-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-verdict-4-newton-converged-dark');

    // A bad run from the Settings form: gradient descent with α = 50 oscillates.
    await setTheme(vs, 'Default Light Modern');
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.body.classList.contains('vscode-light'));
    if (!(await frame.locator('#settings').evaluate((d) => (d as HTMLDetailsElement).open))) await frame.click('#settings > summary');
    await frame.selectOption('#settings-form select[name=optimizer]', 'gd');
    await frame.fill('#settings-form input[name=learningRate]', '50');
    await frame.click('#settings-form button[type=submit]');
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#verdict-badge')?.getAttribute('data-verdict') === 'oscillating', undefined, { timeout: 90_000 });
    assert.match((await frame.textContent('#verdict-advice')) ?? '', /too large/);
    await frame.locator('#verdict-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-verdict-5-oscillating-light');

    // "Use α = …": the stable rate of these data; the cost then falls at every update.
    const use = frame.locator('#use-suggested-rate');
    const label = (await use.textContent()) ?? '';
    const alpha = Number(/α = ([\d.e+-]+)/.exec(label)?.[1]);
    assert.ok(alpha > 0 && alpha < 50, `suggested ${label}`);
    await use.click();
    frame = await dashboard(page);
    await frame.waitForFunction(
      () => document.querySelector('#status')?.getAttribute('data-state') === 'done' &&
        document.querySelector('#verdict-badge')?.getAttribute('data-verdict') !== 'oscillating',
      undefined,
      { timeout: 90_000 },
    );
    const v = await verdictWhenDone(frame);
    assert.ok(v === 'converged' || v === 'not-converged', `with the suggested α: ${v}`);
    const cost = ys((await charts(frame))['training:loss'].datasets[0]);
    for (let t = 1; t < cost.length; t++) assert.ok(cost[t] <= cost[t - 1] + 1e-9, `the cost rose at point ${t}: ${cost[t - 1]} → ${cost[t]}`);
    await frame.locator('#verdict-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-verdict-6-suggested-rate-light');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-verdict-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});
