/**
 * The dashboard and the sidebar inside a real VS Code (code-server + Chromium, see harness.ts):
 * right-click samples/titanic.csv → "Train Logistic Regression…" → pick Survived → the dashboard shows a decreasing
 * loss curve that is really painted, a confusion matrix whose cells sum to the test-set size, weights named like
 * `Sex=male`; Step changes the step panel's numbers; the sidebar shows the curve. Every step is screenshotted
 * (test-artifacts/screenshots/e2e-*.png) in the dark and then the light theme, then the Training and Evaluation tabs and
 * the sidebar in Dark and Light High Contrast; an empty chart fails the test. At panel widths of 420 and 600 px no
 * table or card is cut off (layout-check.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { countColorPixels } from './canvas-check';
import { lowContrast, textContrast } from './contrast-check';
import { screenshot, setTheme, startVsCode, trainFromExplorer, webviewFrame, type VsCodeSession } from './harness';
import { formatProblems, layoutProblems } from './layout-check';
import { setPanelWidth } from './panel-width';

interface ChartSnap { labels: string[]; datasets: Array<{ label: string; data: Array<{ x: number; y: number } | number> }> }

async function charts(frame: Frame): Promise<Record<string, ChartSnap>> {
  return frame.evaluate(() => (window as unknown as { __lrLab: { charts(): Record<string, ChartSnap> } }).__lrLab.charts());
}

async function cssVar(frame: Frame, name: string): Promise<string> {
  return frame.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
}

async function tab(frame: Frame, id: string): Promise<void> {
  await frame.click(`#tabbtn-${id}`);
  await frame.waitForSelector(`#tab-${id}:not([hidden])`);
}

/** The dashboard frame (has the tab bar) — re-found each time because VS Code may recreate the iframe. */
async function dashboard(page: Page): Promise<Frame> {
  return webviewFrame(page, '#app[data-page=dashboard]', 60_000);
}

async function sidebar(page: Page): Promise<Frame> {
  return webviewFrame(page, '#app[data-page=sidebar]', 30_000);
}

/** The series colour of the train curves: the theme's charts-blue as the page sees it. */
async function assertCurvePainted(frame: Frame, canvas: string, what: string, min = 150): Promise<void> {
  const blue = await cssVar(frame, '--vscode-charts-blue');
  assert.ok(blue, 'the page receives VS Code theme variables');
  const px = await countColorPixels(frame, canvas, blue);
  assert.ok(px.matching >= min, `${what}: ${px.matching} pixels in ${blue} (canvas ${px.total} px) — the chart looks empty`);
}

async function checkDashboard(vs: VsCodeSession, themeTag: string): Promise<void> {
  const page = vs.page;
  let frame = await dashboard(page);
  await tab(frame, 'training');
  if ((await frame.getAttribute('#status', 'data-state')) !== 'done') {
    await frame.click('#btn-run');
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 90_000 });
  }
  // Training: loss decreasing and painted.
  const c = await charts(frame);
  const loss = c['training:loss'];
  assert.ok(loss, 'loss chart exists');
  const train = loss.datasets[0].data.map((p) => (typeof p === 'number' ? p : p.y));
  assert.ok(train.length >= 10, `loss curve has ${train.length} points`);
  assert.ok(train[train.length - 1] < train[0] - 0.05, `train loss decreases: ${train[0]} → ${train[train.length - 1]}`);
  await assertCurvePainted(frame, '#loss-chart', `loss chart (${themeTag})`);
  await assertCurvePainted(frame, '#accuracy-chart', `accuracy chart (${themeTag})`);
  await screenshot(page, `e2e-${themeTag}-2-training`);
  await frame.locator('#distance-card').scrollIntoViewIfNeeded();
  await screenshot(page, `e2e-${themeTag}-2-distance`);

  // Data tab: the split sizes the matrix must add up to.
  await tab(frame, 'data');
  const testRows = Number((await frame.textContent('#tab-data .kpi:nth-child(3) .kpi-value'))!.replace(/,/g, ''));
  const trainRows = Number((await frame.textContent('#tab-data .kpi:nth-child(2) .kpi-value'))!.replace(/,/g, ''));
  assert.equal(trainRows + testRows, 891, 'titanic.csv has 891 data rows');
  assert.ok(testRows > 150 && testRows < 200, `about a fifth held out (${testRows})`);
  const report = await frame.textContent('#prep-report');
  assert.match(report!, /PassengerId[\s\S]*dropped/);
  await screenshot(page, `e2e-${themeTag}-3-data`);

  // Evaluation: confusion matrix cells sum to the test-set size.
  await tab(frame, 'evaluation');
  const counts = await frame.$$eval('#confusion td.cm-cell', (tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
  assert.equal(counts.length, 4, '2×2 matrix');
  assert.equal(counts.reduce((a, b) => a + b, 0), testRows, 'cells sum to the test set');
  await assertCurvePainted(frame, '#roc-chart', `ROC (${themeTag})`);
  await frame.locator('#roc-chart').scrollIntoViewIfNeeded();
  await screenshot(page, `e2e-${themeTag}-4-roc`);
  await frame.locator('#confusion').scrollIntoViewIfNeeded();
  if (themeTag === 'dark') {
    // A lower threshold predicts the positive class more often: the host recomputes, the matrix follows.
    const predicted1 = async (): Promise<number> => frame.$$eval('#confusion td[data-predicted="1"]', (tds) => tds.reduce((s, td) => s + Number(td.getAttribute('data-count')), 0));
    const before = await predicted1();
    await frame.locator('#threshold').fill('0.2');
    await frame.waitForFunction(() => /0\.2\b/.test(document.querySelector('#roc-chart')?.closest('.eval-roc')?.textContent ?? ''), undefined, { timeout: 15_000 });
    const after = await predicted1();
    assert.ok(after > before, `threshold 0.2 predicts more positives (${before} → ${after})`);
    const total = (await frame.$$eval('#confusion td.cm-cell', (tds) => tds.map((td) => Number(td.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
    assert.equal(total, testRows, 'still the whole test set');
    await screenshot(page, `e2e-${themeTag}-4-threshold-0.2`);
    await frame.locator('#threshold').fill('0.5');
    await frame.waitForFunction((n) => [...document.querySelectorAll('#confusion td[data-predicted="1"]')].reduce((s, td) => s + Number(td.getAttribute('data-count')), 0) === n, before, { timeout: 15_000 });
  }
  const acc = Number((await frame.textContent('#metric-accuracy .kpi-value'))!.replace('%', ''));
  assert.ok(acc > 70 && acc < 90, `test accuracy ${acc}% is plausible for titanic`);
  await screenshot(page, `e2e-${themeTag}-4-evaluation`);

  // Weights: named after the one-hot levels.
  await tab(frame, 'weights');
  const names = await frame.$$eval('#weights-table tbody td:first-child', (tds) => tds.map((t) => t.textContent ?? ''));
  assert.ok(names.includes('Sex=male') || names.includes('Sex=female'), `weights named like Sex=male: ${names.join(', ')}`);
  assert.ok(!names.includes('PassengerId') && !names.includes('Name'), 'identifier columns are not features');
  const w = (await charts(frame))['weights:weights'];
  assert.ok(w.labels[0].startsWith('Sex='), `the largest |w| is Sex (${w.labels[0]})`);
  await screenshot(page, `e2e-${themeTag}-5-weights`);

  if (themeTag === 'dark') {
    await frame.click('#btn-compare');
    await frame.waitForSelector('#tab-compare:not([hidden]) #compare-loss-chart', { timeout: 90_000 });
    const cmp = (await charts(frame))['compare:compare-loss'];
    assert.deepEqual(cmp.datasets.map((d) => d.label), ['cross-entropy (BCE)', 'squared error (MSE)']);
    assert.ok(cmp.datasets.every((d) => d.data.length > 10), 'both runs have a history');
    await assertCurvePainted(frame, '#compare-loss-chart', 'BCE curve of the comparison');
    await screenshot(page, `e2e-${themeTag}-5-compare`);
  }

  // Step: reset, step twice; the panel's numbers change between the two steps.
  await frame.click('#btn-reset');
  await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '0');
  await frame.click('#btn-step');
  frame = await dashboard(page);
  await frame.waitForSelector('#tab-step:not([hidden]) #step-objective');
  await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '1');
  const first = await stepNumbers(frame);
  assert.match(first.head, /Step 0 → 1/);
  await screenshot(page, `e2e-${themeTag}-6-step-1`);
  await frame.click('#btn-step');
  await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '2');
  await frame.waitForFunction(() => /Step 1 → 2/.test(document.querySelector('#step-header h2')?.textContent ?? ''));
  const second = await stepNumbers(frame);
  assert.notEqual(second.objective, first.objective, 'J before/after changed');
  assert.notDeepEqual(second.wAfter, first.wAfter, 'W after changed');
  // W before of step 2 is W after of step 1 (read from the page, both steps).
  assert.deepEqual(second.wBefore, first.wAfter);
  assert.ok(!/NaN|undefined/.test(second.all), 'no NaN/undefined in the step panel');
  await screenshot(page, `e2e-${themeTag}-7-step-2`);
  await frame.locator('#step-update').scrollIntoViewIfNeeded();
  await screenshot(page, `e2e-${themeTag}-7-step-2-update`);
  if (themeTag === 'dark') await checkPanelWidths(vs, themeTag);
}

const TABS = ['training', 'step', 'evaluation', 'weights', 'landscape', 'compare', 'data'];

/**
 * The dashboard at panel widths of 420 and 600 px (window resized, dashboard beside the CSV editor): in every tab
 * no element is wider than its box unless it is an explicit sideways-scroll box showing its "scroll →" note, and
 * only the boxes in `mayScroll` (by label) need to scroll at all. Screenshots at 420 px; the window size is restored.
 */
async function checkPanelWidths(vs: VsCodeSession, tag: string, mayScroll: Record<string, string[]> = {}): Promise<void> {
  const page = vs.page;
  const original = page.viewportSize() ?? { width: 1400, height: 900 };
  const failures: string[] = [];
  try {
    for (const width of [420, 600]) {
      const reached = await setPanelWidth(page, () => dashboard(page), width);
      for (const t of TABS) {
        const frame = await dashboard(page);
        if ((await frame.locator(`#tabbtn-${t}`).count()) === 0) continue;
        await tab(frame, t);
        await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const r = await layoutProblems(frame);
        assert.ok(r.checked > 20, `${t}: ${r.checked} elements checked`);
        if (r.problems.length > 0) failures.push(`${t} tab at ${reached} px:\n${formatProblems(r)}`);
        const unexpected = r.scrolling.filter((label) => !(mayScroll[t] ?? []).includes(label));
        if (unexpected.length > 0) failures.push(`${t} tab at ${reached} px needs sideways scrolling: ${unexpected.join(', ')}`);
        if (width === 420) {
          if (t === 'step' && (await frame.locator('#step-update').count()) > 0) {
            await frame.$eval('#step-samples', (el) => el.scrollIntoView({ block: 'start' }));
            await screenshot(page, `e2e-${tag}-420px-step-samples`);
            await frame.locator('#step-update').scrollIntoViewIfNeeded();
          }
          if (t === 'evaluation') await frame.locator('#confusion').scrollIntoViewIfNeeded();
          if (t === 'data') await frame.locator('#prep-report').scrollIntoViewIfNeeded();
          await screenshot(page, `e2e-${tag}-420px-${t}`);
        }
      }
    }
  } finally {
    await page.setViewportSize(original);
  }
  assert.deepEqual(failures, [], `clipped content in the real VS Code:\n${failures.join('\n')}`);
}

/**
 * A high-contrast theme: the Training and Evaluation tabs and the sidebar, screenshotted after a whole run; curves
 * painted in the theme's blue, confusion-matrix counts, code spans and key hints readable (WCAG AA).
 */
async function checkHighContrast(vs: VsCodeSession, label: 'Dark High Contrast' | 'Light High Contrast', tag: string): Promise<void> {
  const page = vs.page;
  await setTheme(vs, label);
  let frame = await dashboard(page);
  await frame.waitForFunction((light) => document.body.classList.contains(light ? 'vscode-high-contrast-light' : 'vscode-high-contrast'), label.startsWith('Light'));
  await tab(frame, 'training');
  if ((await frame.getAttribute('#status', 'data-state')) !== 'done') {
    // A whole run, so the screenshots show full curves and a trained model's matrix.
    await frame.click('#btn-run');
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 90_000 });
  }
  await assertCurvePainted(frame, '#loss-chart', `loss chart (${tag})`);
  await screenshot(page, `e2e-${tag}-training`);
  await tab(frame, 'evaluation');
  await assertCurvePainted(frame, '#roc-chart', `ROC (${tag})`);
  const cells = await textContrast(frame, '#confusion td.cm-cell .cm-count');
  assert.equal(cells.length, 4);
  assert.deepEqual(lowContrast(cells), [], `confusion-matrix counts readable (${tag})`);
  await screenshot(page, `e2e-${tag}-evaluation`);
  await tab(frame, 'data');
  const code = [...await textContrast(frame, '#tab-data code'), ...await textContrast(frame, '.toolbar button:not(:disabled) kbd')];
  assert.ok(code.length >= 3, `${code.length} code spans and key hints checked`);
  assert.deepEqual(lowContrast(code), [], `code spans and key hints readable (${tag})`);
  frame = await dashboard(page);
  await tab(frame, 'training');
  await checkSidebar(vs, tag);
}

async function stepNumbers(frame: Frame): Promise<{ head: string; objective: string; wBefore: string[]; wAfter: string[]; all: string }> {
  return frame.evaluate(() => {
    const rows = [...document.querySelectorAll('#step-update tbody tr')];
    return {
      head: document.querySelector('#step-header h2')?.textContent ?? '',
      objective: document.querySelector('#step-objective')?.textContent ?? '',
      wBefore: rows.map((r) => r.children[1]?.textContent ?? ''),
      wAfter: rows.map((r) => r.children[4]?.textContent ?? ''),
      all: document.querySelector('#tab-step')?.textContent ?? '',
    };
  });
}

async function checkSidebar(vs: VsCodeSession, themeTag: string): Promise<void> {
  const page = vs.page;
  const icon = page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first();
  await icon.waitFor({ state: 'visible' });
  const sidebarOpen = await page.locator('.sidebar .composite.title').filter({ hasText: /Logistic Lab/i }).isVisible().catch(() => false);
  if (!sidebarOpen) await icon.click();
  const frame = await sidebar(page);
  await frame.waitForSelector('#sidebar-loss-chart');
  const it = await frame.textContent('#sb-iteration .fact-value');
  assert.ok(Number(it) >= 1, `sidebar shows the iteration (${it})`);
  await assertCurvePainted(frame, '#sidebar-loss-chart', `sidebar curve (${themeTag})`, 40);
  await screenshot(page, `e2e-${themeTag}-8-sidebar`);
}

test('titanic from the explorer: dashboard, step panel and sidebar in dark, light and high-contrast themes; nothing clipped at 420 and 600 px', { timeout: 240_000 }, async () => {
  const vs = await startVsCode({ workspace: 'samples', theme: 'Default Dark Modern', viewport: { width: 1400, height: 900 } });
  try {
    const page = vs.page;
    // The extension is loaded once its activity-bar container shows up.
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    if (!(await page.locator('.monaco-workbench.vs-dark').count())) await setTheme(vs, 'Default Dark Modern');
    await screenshot(page, 'e2e-dark-0-workbench');
    await trainFromExplorer(page, 'titanic.csv', 'Survived', 'dark');

    const frame = await dashboard(page);
    // Training runs by itself after the pick; wait for the end of the run.
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 90_000 });
    await checkDashboard(vs, 'dark');
    await checkSidebar(vs, 'dark');

    await setTheme(vs, 'Default Light Modern');
    const light = await dashboard(page);
    await light.waitForFunction(() => document.body.classList.contains('vscode-light'));
    // Bring the dashboard to the front again (the sidebar stays open).
    await checkDashboard(vs, 'light');
    await checkSidebar(vs, 'light');

    await checkHighContrast(vs, 'Dark High Contrast', 'hc-dark');
    await checkHighContrast(vs, 'Light High Contrast', 'hc-light');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});

test('digits (softmax, 8×8 pixels): weight images, class selector, 10×10 matrix, step panel per class', { timeout: 180_000 }, async () => {
  const vs = await startVsCode({ workspace: 'samples', theme: 'Default Light Modern', viewport: { width: 1400, height: 900 } });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    if (!(await page.locator('.monaco-workbench.vs').count())) await setTheme(vs, 'Default Light Modern');
    await trainFromExplorer(page, 'digits.csv', 'label', 'light');
    let frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 120_000 });
    await screenshot(page, 'e2e-digits-1-training');

    await tab(frame, 'weights');
    assert.equal(await frame.locator('#weight-images canvas.weight-image').count(), 10, 'one weight image per digit');
    const blue = await cssVar(frame, '--vscode-charts-blue');
    const red = await cssVar(frame, '--vscode-charts-red');
    for (const c of ['0', '7']) {
      const pos = await countColorPixels(frame, `#weight-images canvas[data-class="${c}"]`, blue, 120);
      const neg = await countColorPixels(frame, `#weight-images canvas[data-class="${c}"]`, red, 120);
      assert.ok(pos.matching > 0 && neg.matching > 0, `digit ${c}: positive and negative weights painted (${pos.matching} / ${neg.matching})`);
    }
    await frame.selectOption('#weight-class', '7');
    frame = await dashboard(page);
    const w = (await charts(frame))['weights:weights'];
    assert.equal(w.datasets[0].label, 'weight (7)');
    assert.equal(w.labels.length, 64);
    await screenshot(page, 'e2e-digits-2-weights');

    await tab(frame, 'data');
    const testRows = Number((await frame.textContent('#tab-data .kpi:nth-child(3) .kpi-value'))!.replace(/,/g, ''));
    await tab(frame, 'evaluation');
    const counts = await frame.$$eval('#confusion td.cm-cell', (tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
    assert.equal(counts.length, 100);
    assert.equal(counts.reduce((a, b) => a + b, 0), testRows);
    assert.equal(await frame.locator('#threshold').count(), 0, 'no threshold slider for softmax');
    assert.equal(await frame.locator('#roc-chart').count(), 0, 'no ROC curve for softmax');
    await screenshot(page, 'e2e-digits-3-evaluation');

    await frame.click('#btn-step');
    frame = await dashboard(page);
    await frame.waitForSelector('#tab-step:not([hidden]) #step-update');
    assert.equal(await frame.locator('#tab-step math').count(), 7);
    assert.match((await frame.textContent('#step-a-example'))!, /probabilities sum to 1/);
    assert.equal(await frame.locator('#step-update tbody tr').count(), 65, '64 pixels + bias');
    await screenshot(page, 'e2e-digits-4-step');
    // 64 pixel features at 420 and 600 px: the samples table is transposed, only the 10×10 matrix scrolls.
    await checkPanelWidths(vs, 'digits', { evaluation: ['Confusion matrix'] });
    frame = await dashboard(page);

    // Two features: the decision boundary of the seeds' toy data (replaces the digits session).
    await trainFromExplorer(page, 'toy_train.csv', 'y', 'light');
    frame = await dashboard(page);
    await frame.waitForFunction(() => document.querySelector('h1')?.textContent === 'toy_train.csv' && document.querySelector('#status')?.getAttribute('data-state') === 'done', undefined, { timeout: 60_000 });
    await tab(frame, 'data');
    const toyTrain = Number(await frame.textContent('#tab-data .kpi:nth-child(2) .kpi-value'));
    await tab(frame, 'training');
    await frame.waitForSelector('#boundary-chart');
    const b = (await charts(frame))['training:boundary'];
    assert.equal(b.datasets.reduce((n, d) => n + d.data.length, 0), toyTrain, 'every training row is plotted');
    for (const v of ['--vscode-charts-blue', '--vscode-charts-orange']) {
      const px = await countColorPixels(frame, '#boundary-chart', await cssVar(frame, v));
      assert.ok(px.matching > 20, `points of both classes drawn (${v}: ${px.matching})`);
    }
    await frame.locator('#boundary-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-toy-boundary');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), []);
  } catch (e) {
    await screenshot(vs.page, 'e2e-digits-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
  }
});
