/**
 * The live views follow a run in a real VS Code: on digits (8×8 pixels, 10 classes) the weight images and the
 * weights table change while training runs (they were frozen until pause); on the two-feature toy problem the
 * decision boundary is redrawn during the run. Screenshots: test-artifacts/screenshots/e2e-live-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';

const running = (frame: Frame): Promise<unknown> =>
  frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'running', undefined, { timeout: 60_000 });
const picture = (frame: Frame, sel: string): Promise<string> =>
  frame.evaluate((s) => (document.querySelector(s) as HTMLCanvasElement).toDataURL(), sel);

test('weight images and the decision boundary repaint while training runs', { timeout: 300_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Dark Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 1_000_000, 'logisticLab.updatesPerSecond': 20, 'logisticLab.learningRate': 0.05 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'digits.csv', 'label', 'live');
    let frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    await running(frame);
    await frame.locator('#tabbtn-weights').click();
    const tile = '#weight-images canvas[data-class="3"]';
    await frame.waitForSelector(tile, { timeout: 10_000 });
    const a = await picture(frame, tile);
    const tableA = await frame.textContent('#weights-table');
    await page.waitForTimeout(2000);
    const b = await picture(frame, tile);
    const tableB = await frame.textContent('#weights-table');
    assert.equal(await frame.getAttribute('#status', 'data-state'), 'running', 'still training');
    assert.notEqual(b, a, 'the weight image of class 3 changed during the run');
    assert.notEqual(tableB, tableA, 'the weights table changed during the run');
    await screenshot(page, 'e2e-live-1-digits-weights-running');
    await frame.locator('#btn-pause').click();

    await trainFromExplorer(page, 'toy_train.csv', 'y', 'live-toy');
    frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    await running(frame);
    await frame.locator('#tabbtn-training').click();
    await frame.waitForSelector('#boundary-chart', { timeout: 10_000 });
    await frame.locator('#boundary-chart').scrollIntoViewIfNeeded();
    const c = await picture(frame, '#boundary-chart');
    await page.waitForTimeout(2500);
    const d = await picture(frame, '#boundary-chart');
    assert.equal(await frame.getAttribute('#status', 'data-state'), 'running', 'still training');
    assert.notEqual(d, c, 'the decision boundary was redrawn during the run');
    await screenshot(page, 'e2e-live-2-boundary-running');
    await frame.locator('#btn-pause').click();
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-live-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

test('what-if by mouse: a row through the model, live while training, an edited x, a random row', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Light Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 1_000_000, 'logisticLab.updatesPerSecond': 20 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'whatif');
    const frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    await running(frame);
    await frame.locator('#tabbtn-weights').click();
    await frame.waitForFunction(() => /prediction at threshold/.test(document.querySelector('#whatif-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const source = (await frame.textContent('#whatif-source')) ?? '';
    assert.match(source, /CSV line \d+, true class [01]/);
    const r1 = (await frame.textContent('#whatif-result')) ?? '';
    await page.waitForTimeout(1500);
    const r2 = (await frame.textContent('#whatif-result')) ?? '';
    assert.notEqual(r2, r1, 'z and a follow the weights while training runs');
    await frame.locator('#btn-pause').click();
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'paused', undefined, { timeout: 10_000 });
    // The paused state redraws the tab once; then the card stays.
    await page.waitForTimeout(800);
    // Step by mouse: one update; back on the Weights tab What if shows the new model's numbers for the same row.
    const beforeStep = (await frame.textContent('#whatif-result')) ?? '';
    await frame.locator('#btn-step').click();
    await frame.waitForSelector('#tab-step:not([hidden])', { timeout: 10_000 });
    await frame.locator('#tabbtn-weights').click();
    await frame.waitForFunction((b) => /prediction at threshold/.test(document.querySelector('#whatif-result')?.textContent ?? '') &&
      (document.querySelector('#whatif-result')?.textContent ?? '') !== b, beforeStep, { timeout: 10_000 });
    assert.equal((await frame.textContent('#whatif-source')) ?? '', source, 'the same row after the step');
    await frame.locator('#whatif-card').scrollIntoViewIfNeeded();
    const before = (await frame.textContent('#whatif-result')) ?? '';
    const input = frame.locator('#whatif-table input.whatif-x').first();
    await input.fill('5');
    await input.press('Enter');
    await frame.waitForFunction((b) => (document.querySelector('#whatif-result')?.textContent ?? '') !== b, before, { timeout: 10_000 });
    assert.match((await frame.textContent('#whatif-source')) ?? '', /with your edits/);
    await screenshot(page, 'e2e-whatif-1-edited');
    await frame.locator('#whatif-random').click();
    await frame.waitForFunction((s) => (document.querySelector('#whatif-source')?.textContent ?? '') !== s && !/with your edits/.test(document.querySelector('#whatif-source')?.textContent ?? ''),
      source, { timeout: 10_000 }).catch(async () => {
      // The random row may be the same row: then only the edits are gone.
      assert.doesNotMatch((await frame.textContent('#whatif-source')) ?? '', /with your edits/);
    });
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-whatif-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

interface ScatterSnap { datasets: Array<{ label: string; data: Array<{ x: number; y: number }>; pixels?: Array<{ x: number; y: number }> }>; titles: Record<string, string> }
const boundarySnap = (frame: Frame): Promise<ScatterSnap> =>
  frame.evaluate(() => (window as unknown as { __lrLab: { charts(): Record<string, ScatterSnap> } }).__lrLab.charts()['training:boundary']);

test('decision boundary over any two features by mouse: choose them, read p under the pointer, click a dot into What if', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({
    workspace: 'samples',
    theme: 'Default Dark Modern',
    viewport: { width: 1400, height: 900 },
    settings: { 'logisticLab.epochs': 300 },
  });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'boundary');
    const frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });
    await frame.locator('#tabbtn-training').click();
    await frame.waitForSelector('#boundary-chart', { timeout: 10_000 });
    // Another pair of features, chosen in the card's selects.
    await frame.locator('#boundary-x').selectOption({ label: 'Age' });
    await frame.waitForFunction(() => /over Age and/.test(document.querySelector('#boundary-chart')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 10_000 });
    await frame.locator('#boundary-y').selectOption({ label: 'Fare' });
    await frame.waitForFunction(() => document.querySelector('#boundary-chart')?.getAttribute('aria-label') === 'Decision boundary over Age and Fare', undefined, { timeout: 10_000 });
    const snap = await boundarySnap(frame);
    assert.deepEqual([snap.titles.x, snap.titles.y], ['Age', 'Fare'], 'axes named by the chosen columns');
    const ages = snap.datasets.flatMap((d) => d.data.map((p) => p.x));
    assert.ok(Math.max(...ages) > 60 && Math.min(...ages) < 5, `raw ages on the x axis (${Math.min(...ages)}…${Math.max(...ages)})`);
    await frame.locator('#boundary-card').scrollIntoViewIfNeeded();
    // Hover: the readout gives p under the pointer.
    const box = (await frame.locator('#boundary-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55);
    await frame.waitForFunction(() => /p\(Survived = 1\) = 0\.\d+ → predicts [01]/.test(document.querySelector('#boundary-readout')?.textContent ?? ''), undefined, { timeout: 5000 });
    await screenshot(page, 'e2e-boundary-1-age-fare');
    // Click a dot of a survivor: What if shows that row.
    const ds = snap.datasets.findIndex((d) => /= 1$/.test(d.label));
    const at = snap.datasets[ds].pixels!.findIndex((p) => p.x > 40 && p.y > 40 && p.x < box.width - 20 && p.y < box.height - 40);
    const px = snap.datasets[ds].pixels![at];
    const value = snap.datasets[ds].data[at];
    await page.mouse.click(box.x + px.x, box.y + px.y);
    await frame.waitForSelector('#tab-weights:not([hidden])', { timeout: 10_000 });
    await frame.waitForFunction(() => /CSV line \d+, true class/.test(document.querySelector('#whatif-source')?.textContent ?? ''), undefined, { timeout: 10_000 });
    assert.match((await frame.textContent('#whatif-source')) ?? '', /true class 1/, 'the clicked survivor');
    // Its Age and Fare, in the columns' own units in What if, are the dot's coordinates.
    const cells = await frame.evaluate(() => Array.from(document.querySelectorAll('#whatif-table tbody tr')).map((tr) => [tr.querySelector('th')?.textContent ?? '', (tr.querySelector('input') as HTMLInputElement | null)?.value ?? '']));
    const raw = cells.map(([, v]) => v);
    const ageRow = cells.findIndex(([n]) => n === 'Age');
    const fareRow = cells.findIndex(([n]) => n === 'Fare');
    assert.ok(Math.abs(Number(raw[ageRow]) - value.x) < 0.01 * Math.max(1, value.x), `Age ${raw[ageRow]} vs dot ${value.x}`);
    assert.ok(Math.abs(Number(raw[fareRow]) - value.y) < 0.01 * Math.max(1, value.y), `Fare ${raw[fareRow]} vs dot ${value.y}`);
    await screenshot(page, 'e2e-boundary-2-whatif');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-boundary-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});
