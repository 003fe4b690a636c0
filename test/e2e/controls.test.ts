/**
 * The toolbar stays clickable while training runs, in a real VS Code: titanic with 1 000 000 epochs trains at full
 * speed (the page redraws several times a second); four times in a row an ordinary mouse click on Pause stops the run
 * (the iteration stops moving) and a click on Continue starts it again. The toolbar's buttons are the same DOM nodes
 * before and after a second of training (they are updated in place, never re-created under the pointer).
 * Screenshots: test-artifacts/screenshots/e2e-controls-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';

async function dashboard(page: Page): Promise<Frame> {
  return webviewFrame(page, '#app[data-page=dashboard]', 60_000);
}

const iteration = async (frame: Frame): Promise<number> =>
  Number(((await frame.textContent('#hdr-iteration .fact-value')) ?? '').replace(/[^\d]/g, ''));
const state = async (frame: Frame): Promise<string> => (await frame.getAttribute('#status', 'data-state')) ?? '';

test('Pause and Continue answer ordinary mouse clicks while training at full speed', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Dark Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 1_000_000 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'controls');
    const frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 60_000 });
    // The same button nodes a second later, while progress redraws the page.
    await frame.evaluate(() => { (window as unknown as { __pause?: Element | null }).__pause = document.querySelector('#btn-pause'); });
    await page.waitForTimeout(1000);
    assert.ok(await frame.evaluate(() => (window as unknown as { __pause?: Element | null }).__pause === document.querySelector('#btn-pause')),
      'the Pause button was not re-created while training');
    // The primary colour is on the button that acts now: Pause while training.
    const primary = (): Promise<string[]> => frame.evaluate(() => [...document.querySelectorAll('.toolbar button.primary')].map((b) => b.id));
    assert.deepEqual(await primary(), ['btn-pause'], 'while training only Pause is primary');
    await screenshot(page, 'e2e-controls-1-running');
    for (let round = 1; round <= 4; round++) {
      await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 30_000 });
      const before = await iteration(frame);
      await frame.locator('#btn-pause').click();
      await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') !== 'running', undefined, { timeout: 5_000 });
      const stopped = await iteration(frame);
      await page.waitForTimeout(600);
      assert.equal(await iteration(frame), stopped, `round ${round}: the iteration stays at ${stopped} after the click on Pause`);
      assert.ok(stopped >= before, `round ${round}: ${before} → ${stopped}`);
      assert.equal(await state(frame), 'paused', `round ${round}: paused`);
      if (round === 1) {
        assert.deepEqual(await primary(), ['btn-run'], 'paused: Continue is primary again');
        await screenshot(page, 'e2e-controls-2-paused');
      }
      await frame.locator('#btn-run').click();
    }
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 30_000 });
    await frame.locator('#btn-pause').click();
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'paused', undefined, { timeout: 5_000 });
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-controls-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

/** Everything the step panel says (formulas with their numbers). */
async function stepPanel(frame: Frame): Promise<string> {
  await frame.waitForSelector('#tab-step:not([hidden]) #step-objective');
  return (await frame.textContent('#tab-step')) ?? '';
}

test('Step Back and the timeline by mouse: the previous update again, number for number', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Light Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.optimizer': 'adam', 'logisticLab.batchSize': 64 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'travel');
    let frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 90_000 });
    await frame.locator('#btn-reset').click();
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '0');
    const panels: string[] = [];
    for (let t = 1; t <= 3; t++) {
      await frame.locator('#btn-step').click();
      frame = await dashboard(page);
      await frame.waitForFunction((n) => document.querySelector('#hdr-iteration .fact-value')?.textContent === String(n), t);
      panels.push(await stepPanel(frame));
    }
    assert.notEqual(panels[1], panels[2], 'two updates show different numbers');
    // F10 with the Training tab in front: one update, and the dashboard shows it in the Step tab.
    await frame.click('#tabbtn-training');
    await frame.waitForSelector('#tab-training:not([hidden])');
    await frame.locator('#tab-training').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('F10');
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '4');
    await frame.waitForSelector('#tab-step:not([hidden])', { timeout: 10_000 });
    await frame.locator('#btn-stepBack').click();
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '3');
    assert.equal(await stepPanel(frame), panels[2], 'back from 4: the update 2 → 3 again');
    await frame.locator('#btn-stepBack').click();
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '2');
    assert.equal(await stepPanel(frame), panels[1], 'Step Back shows the update 1 → 2 exactly as it was');
    await screenshot(page, 'e2e-travel-1-step-back');
    // The timeline keeps the furthest iteration; releasing it at 1 shows the update 0 → 1 again.
    assert.equal(await frame.getAttribute('#timeline', 'max'), '4');
    await frame.evaluate(() => {
      const input = document.querySelector('#timeline') as HTMLInputElement;
      input.value = '1';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '1');
    assert.equal(await stepPanel(frame), panels[0], 'the timeline at 1 shows the update 0 → 1 exactly');
    // And forward again to 3: the third update's numbers.
    await frame.evaluate(() => {
      const input = document.querySelector('#timeline') as HTMLInputElement;
      input.value = '3';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '3');
    assert.equal(await stepPanel(frame), panels[2]);
    await screenshot(page, 'e2e-travel-2-timeline');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-travel-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

test('Start paused, then play at 5 updates a second: the curve grows slowly; the speed slider by mouse goes to full speed', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Light Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 1_000_000, 'logisticLab.startPaused': true, 'logisticLab.updatesPerSecond': 5 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'speed');
    const frame = await dashboard(page);
    await frame.waitForSelector('#status[data-state]', { timeout: 60_000 });
    await page.waitForTimeout(1500);
    assert.equal(await iteration(frame), 0, 'a new session waits at iteration 0');
    assert.notEqual(await state(frame), 'running', 'not training before Run');
    assert.equal(await frame.textContent('#speed-label'), '5 updates/s');
    await screenshot(page, 'e2e-speed-1-start-paused');
    await frame.locator('#btn-run').click();
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 10_000 });
    await page.waitForTimeout(1000);
    const curve = async (): Promise<string> => frame.evaluate(() => (document.querySelector('#loss-chart') as HTMLCanvasElement).toDataURL());
    const i1 = await iteration(frame);
    const c1 = await curve();
    await page.waitForTimeout(2000);
    const i2 = await iteration(frame);
    const c2 = await curve();
    assert.ok(i2 > i1, `the run goes on: ${i1} → ${i2}`);
    assert.ok(i2 - i1 <= 20, `about 5 updates a second: ${i2 - i1} in 2 s`);
    assert.notEqual(c2, c1, 'the loss curve was redrawn with the new points');
    await screenshot(page, 'e2e-speed-2-slow');
    // A click at the right end of the slider: as fast as possible, applied to the run in progress.
    const box = (await frame.locator('#speed').boundingBox())!;
    await page.mouse.click(box.x + box.width - 3, box.y + box.height / 2);
    await frame.waitForFunction(() => document.querySelector('#speed-label')?.textContent === 'as fast as possible', undefined, { timeout: 5_000 });
    const i3 = await iteration(frame);
    await page.waitForTimeout(2000);
    const i4 = await iteration(frame);
    assert.ok(i4 - i3 > 100, `full speed after the slider moved: ${i4 - i3} updates in 2 s`);
    // The click on Pause stops the run. (How quickly is the first test's question; on a loaded machine the way
    // from the page through the host to the worker and back can take seconds, so wait longer here and, if the
    // run never stops, say whether it still trains.)
    const atPause = await iteration(frame);
    await frame.locator('#btn-pause').click();
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'paused', undefined, { timeout: 20_000 })
      .catch(async (e: unknown) => {
        throw new Error(`not paused 20 s after the click: state ${await state(frame)}, iteration ${atPause} → ${await iteration(frame)} (${String(e)})`);
      });
    await screenshot(page, 'e2e-speed-3-fast-paused');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-speed-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

test('Hand-check mode by mouse: 4 rows per update from a random start, every row at full precision, contributions, Copy as TSV', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Dark Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 50, 'logisticLab.startPaused': true },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'handcheck');
    const frame = await dashboard(page);
    await frame.waitForSelector('#status[data-state]', { timeout: 60_000 });
    await frame.locator('#btn-step').click();
    await frame.waitForSelector('#tab-step:not([hidden]) #hand-check-on', { timeout: 15_000 });
    const full = await stepPanel(frame);
    assert.match(full, /too many to show/, 'a full batch offers hand-check mode');
    await frame.locator('#hand-check-on').click();
    await frame.waitForFunction(() => Number((document.querySelector('#hdr-iteration .fact-value')?.textContent ?? '').replace(/[^\d]/g, '')) === 0,
      undefined, { timeout: 15_000 });
    assert.notEqual(await state(frame), 'running', 'hand-check mode waits at iteration 0');
    await frame.locator('#btn-step').click();
    await frame.waitForSelector('#tab-step:not([hidden]) #step-contributions', { timeout: 15_000 });
    const text = await stepPanel(frame);
    assert.match(text, /batch size m\s*4/, 'four rows per update');
    assert.match(text, /Every row of this batch is shown at full precision/);
    assert.match(text, /CSV line \d+/, 'rows named by their CSV line');
    assert.ok(!/NaN|undefined/.test(text), 'no NaN or undefined');
    // No box of the step panel scrolls vertically (formula boxes used to show tiny ▲▼ scrollbars).
    const vertical = await frame.$$eval('#tab-step .hscroll', (els) =>
      els.filter((e) => e.scrollHeight > e.clientHeight + 1 || getComputedStyle(e).overflowY === 'auto').map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(vertical, [], 'no vertical scrolling in the step panel');
    // Four sample columns plus the label column in the (transposed) samples table.
    assert.equal(await frame.locator('#step-samples thead th').count(), 5);
    await screenshot(page, 'e2e-handcheck-1-step');
    await frame.locator('#step-contributions').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-handcheck-2-contributions');
    await frame.locator('#copy-tsv').click();
    await page.locator('.statusbar', { hasText: 'Copied 4 rows as tab-separated text' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-handcheck-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

test('Settings by mouse: Apply trains on from the current weights, Apply and restart starts again', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Light Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 30, 'logisticLab.learningRate': 0.5 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'apply');
    const frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });
    const cost = async (): Promise<number> => Number(((await frame.textContent('#kpi-train-cost .kpi-value')) ?? '').trim());
    const trainedCost = await cost();
    await frame.locator('#settings > summary').click();
    // The stable bound of these data on the α field, and a warning above it.
    assert.match((await frame.textContent('#rate-bound')) ?? '', /stable for α < 2\/L = 3\.7\d/);
    await frame.locator('#field-learningRate input').fill('100');
    await frame.waitForSelector('#rate-bound.warn', { timeout: 5_000 });
    assert.match((await frame.textContent('#rate-bound')) ?? '', /the cost can rise/);
    await frame.locator('#settings').screenshot({ path: 'test-artifacts/screenshots/e2e-apply-0-rate-bound.png' });
    await frame.locator('#field-learningRate input').fill('0.05');
    await frame.locator('#apply-keep').click();
    await frame.waitForFunction(() => Number((document.querySelector('#hdr-iteration .fact-value')?.textContent ?? '').replace(/[^\d]/g, '')) === 0
      || document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 20_000 });
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });
    const keptCost = await cost();
    assert.ok(keptCost <= trainedCost + 1e-4, `Apply goes on from the trained weights: J ${trainedCost} → ${keptCost}`);
    await screenshot(page, 'e2e-apply-1-kept');
    await frame.locator('#tabbtn-training').click();
    if (!(await frame.$eval('#settings', (d) => (d as HTMLDetailsElement).open))) await frame.locator('#settings > summary').click();
    const keptText = (await frame.textContent('#kpi-train-cost .kpi-value')) ?? '';
    await frame.locator('#apply-restart').click();
    // The restarted run's own end: another cost, then done.
    await frame.waitForFunction((t) => (document.querySelector('#kpi-train-cost .kpi-value')?.textContent ?? t) !== t
      && document.querySelector('#status')?.getAttribute('data-state') === 'done', keptText, { timeout: 60_000 });
    const restartedCost = await cost();
    assert.ok(restartedCost > keptCost + 0.01, `Apply and restart starts from W = 0 with α = 0.05: J ${restartedCost} after 30 epochs (kept: ${keptCost})`);
    // Every training setting is in the form with its meaning as a tooltip; the preparation ones prepare the data again.
    if (!(await frame.$eval('#settings', (d) => (d as HTMLDetailsElement).open))) await frame.locator('#settings > summary').click();
    for (const key of ['testSize', 'seed', 'standardize', 'threshold', 'classWeight', 'tolerance', 'init', 'momentum', 'beta1', 'beta2', 'epsilon']) {
      assert.equal(await frame.locator(`#field-${key}`).count(), 1, `the ${key} field`);
      assert.ok(((await frame.getAttribute(`#field-${key}`, 'title')) ?? '').length > 15, `${key} says what it means`);
    }
    assert.match((await frame.getAttribute('#field-batchSize', 'title')) ?? '', /0 = full batch: all training rows, one update per epoch/);
    await frame.locator('#settings').screenshot({ path: 'test-artifacts/screenshots/e2e-apply-2-form.png' });
    await frame.locator('#field-testSize input').fill('0.5');
    await frame.locator('#field-classWeight select').selectOption('balanced');
    await frame.locator('#tabbtn-data').click();
    await frame.locator('#apply-keep').click();
    // The file is prepared again: half the rows train.
    await frame.waitForFunction(() => Math.abs(Number((document.querySelector('#tab-data .kpi:nth-child(2) .kpi-value')?.textContent ?? '').replace(/[^\d]/g, '')) - 445.5) <= 2,
      undefined, { timeout: 30_000 });
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });
    await screenshot(page, 'e2e-apply-3-reprepared');
    if (!(await frame.$eval('#settings', (d) => (d as HTMLDetailsElement).open))) await frame.locator('#settings > summary').click();
    assert.equal(await frame.inputValue('#field-testSize input'), '0.5', 'the form shows the new test size');
    assert.equal(await frame.inputValue('#field-classWeight select'), 'balanced', 'and the new class weight');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-apply-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});
