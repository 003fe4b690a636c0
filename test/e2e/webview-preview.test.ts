/**
 * The dashboard and sidebar pages rendered in plain Chromium (no VS Code): fake webview API, VS Code's theme
 * variables, the extension's Content-Security-Policy, hand-made session states. Fast checks of what the pages
 * draw and post, plus screenshots of every tab in dark, light and high-contrast themes
 * (test-artifacts/screenshots/preview/). The same pages inside a real VS Code are tested by dashboard.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/vscode/codeServer';
import type { FromWebview } from '../../src/protocol';
import type { TrainConfig } from '../../src/engine/types';
import { SETTINGS } from '../../src/engine/settings-schema';
import { countColorPixels } from './canvas-check';
import { lowContrast, textContrast } from './contrast-check';
import { formatProblems, layoutProblems } from './layout-check';
import { fmt } from '../../src/webview/lib/format';
import { digitsState, fullCodingState, newtonState, notConvergedState, oscillatingState, titanicState, toyState } from './webview-fixtures';
import { posted, sendToPage, switchTheme, writePreviewPage } from './webview-page';
import { THEME_VARS, type PreviewTheme } from './webview-themes';

const ROOT = process.cwd();
const SHOTS = path.join(ROOT, 'test-artifacts', 'screenshots', 'preview');

interface ChartSnap { type: string; labels: string[]; datasets: Array<{ label: string; data: Array<{ x: number; y: number } | number> }>; scales: Record<string, string> }

let browser: Browser;

before(async () => {
  for (const f of ['dist/webview/dashboard.js', 'dist/webview/sidebar.js']) {
    assert.ok(existsSync(path.join(ROOT, f)), `${f} missing: run "node esbuild.config.mjs" first`);
  }
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function open(name: 'dashboard' | 'sidebar', theme: PreviewTheme, size = { width: 1200, height: 900 }, saved: unknown = null): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: size });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(writePreviewPage(ROOT, name, theme, saved));
  await page.waitForFunction(() => (window as unknown as { __posted?: unknown[] }).__posted?.length);
  return { page, errors };
}

async function charts(page: Page): Promise<Record<string, ChartSnap>> {
  return page.evaluate(() => (window as unknown as { __lrLab: { charts(): Record<string, ChartSnap> } }).__lrLab.charts());
}

async function tab(page: Page, id: string): Promise<void> {
  await page.click(`#tabbtn-${id}`);
  await page.waitForSelector(`#tab-${id}:not([hidden])`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

function ys(s: ChartSnap, i: number): number[] {
  return s.datasets[i].data.map((p) => (typeof p === 'number' ? p : p.y));
}

/** The training settings the dashboard form shows (the schema's form fields that are not preparation settings). */
function pick(c: TrainConfig): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const st of SETTINGS) if (st.form && st.group !== 'prepare') out[st.key] = (c as unknown as Record<string, unknown>)[st.key];
  return out as Partial<TrainConfig>;
}

describe('dashboard page', () => {
  for (const theme of ['dark', 'light', 'high-contrast', 'high-contrast-light'] as const) {
    test(`draws every tab from a binary state (${theme})`, async () => {
      const { page, errors } = await open('dashboard', theme);
      try {
        const first = (await posted(page))[0];
        assert.deepEqual(first, { type: 'ready' }, 'the page says ready before anything else');
        await shot(page, `dashboard-empty-${theme}`);
        assert.ok(await page.isVisible('#empty #btn-train'), 'empty state offers "Train on a CSV…"');

        const state = titanicState(60, { comparison: true });
        await sendToPage(page, { type: 'state', state });
        await page.waitForSelector('#loss-chart');

        // Training tab: loss decreases, the train curve is really drawn.
        const c = await charts(page);
        const train = ys(c['training:loss'], 0);
        assert.equal(train.length, 61);
        assert.ok(train[train.length - 1] < train[0], 'train loss decreases');
        const blue = THEME_VARS[theme]['--vscode-charts-blue'];
        const px = await countColorPixels(page, '#loss-chart', blue);
        assert.ok(px.matching > 200, `the loss curve is drawn in charts-blue (${px.matching} pixels)`);
        assert.equal(await page.textContent('#hdr-iteration .fact-value'), '60');
        await shot(page, `dashboard-training-${theme}`);

        // Step tab: the numbers of the last update.
        await tab(page, 'step');
        assert.equal(await page.locator('#tab-step math').count(), 7, 'seven formulas');
        const upd = await page.locator('#step-update tbody tr').count();
        assert.equal(upd, state.weights.n + 1, 'one row per feature plus the bias');
        assert.match((await page.textContent('#step-m'))!, /712/);
        await shot(page, `dashboard-step-${theme}`);

        // Evaluation: matrix sums to the test set; ROC drawn.
        await tab(page, 'evaluation');
        const counts = await page.$$eval('#confusion td.cm-cell', (tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
        assert.equal(counts.reduce((a, b) => a + b, 0), 179);
        assert.ok((await countColorPixels(page, '#roc-chart', blue)).matching > 200, 'ROC curve drawn');
        await shot(page, `dashboard-evaluation-${theme}`);
        // Heatmap cells: black or white text, whichever reads better on the tint.
        const cells = await textContrast(page, '#confusion td.cm-cell .cm-count');
        assert.equal(cells.length, 4);
        assert.deepEqual(lowContrast(cells), [], 'confusion-matrix counts are readable');

        await tab(page, 'weights');
        const names = await page.$$eval('#weights-table tbody td:first-child', (tds) => tds.map((t) => t.textContent));
        assert.ok(names.includes('Sex=male'));
        const w = await charts(page);
        assert.equal(w['weights:weights'].labels[0], 'Sex=male', 'largest |w| first');
        await shot(page, `dashboard-weights-${theme}`);

        await tab(page, 'compare');
        const cmp = await charts(page);
        assert.equal(cmp['compare:compare-loss'].datasets.length, 2);
        await shot(page, `dashboard-compare-${theme}`);

        await tab(page, 'data');
        assert.equal(await page.locator('#prep-report tbody tr').count(), 12);
        await shot(page, `dashboard-data-${theme}`);
        // Code spans (class names, one-hot features) and the keyboard hints of enabled buttons are readable.
        const texts = [...await textContrast(page, '#tab-data code'), ...await textContrast(page, '.toolbar button:not(:disabled) kbd')];
        assert.ok(texts.length >= 5, `${texts.length} code spans and key hints checked`);
        assert.deepEqual(lowContrast(texts), [], 'code and kbd text is readable');

        const text = await page.evaluate(() => document.body.innerText);
        assert.ok(!/NaN|undefined|\[object/.test(text), 'no NaN / undefined shown');
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }

  test('live progress appends to the curves; threshold slider asks for metrics and redraws on the reply', async () => {
    const { page, errors } = await open('dashboard', 'dark');
    try {
      const state = titanicState(10);
      await sendToPage(page, { type: 'state', state });
      await page.waitForSelector('#loss-chart');
      const later = titanicState(30);
      await sendToPage(page, { type: 'progress', progress: { iteration: 30, epoch: 30, running: true, done: false, newHistory: later.history.slice(11) } });
      await page.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '30');
      const c = await charts(page);
      assert.equal(c['training:loss'].datasets[0].data.length, 31);
      assert.equal(await page.getAttribute('#status', 'data-state'), 'running');
      assert.equal(await page.locator('#verdict-badge').count(), 0, 'no final verdict while running');
      // The live verdict (about once a second) shows beside RUNNING and in the verdict box.
      const live = { ...later.convergence, headline: 'not converged: 0.0512 above the optimum', final: false };
      await sendToPage(page, { type: 'progress', progress: { iteration: 31, epoch: 31, running: true, done: false, newHistory: [], convergence: live } });
      await page.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '31');
      assert.match((await page.textContent('#live-verdict'))!, /not converged: 0\.0512 above the optimum/);
      assert.equal(await page.getAttribute('#live-verdict', 'data-verdict'), 'not-converged');
      assert.match((await page.textContent('#verdict-headline'))!, /So far: not converged: 0\.0512/);
      assert.ok(await page.isDisabled('#btn-step'), 'Step is disabled while running');
      assert.ok(await page.isEnabled('#btn-pause'));

      await tab(page, 'evaluation');
      await page.locator('#threshold').fill('0.3');
      await page.waitForFunction(() => (window as unknown as { __posted: FromWebview[] }).__posted.some((m) => m.type === 'setThreshold'));
      const req = (await posted(page)).filter((m) => m.type === 'setThreshold').pop();
      assert.ok(req && req.type === 'setThreshold');
      assert.equal(req.threshold, 0.3);
      const t30 = { ...state.test!, matrix: [[50, 60], [9, 60]], threshold: 0.3 };
      // A stale reply (older request id) is ignored; the matching one redraws.
      await sendToPage(page, { type: 'metrics', requestId: req.requestId - 1, train: state.train, test: { ...t30, matrix: [[1, 1], [1, 1]] } });
      await sendToPage(page, { type: 'metrics', requestId: req.requestId, train: state.train, test: t30 });
      await page.waitForFunction(() => document.querySelector('#confusion td[data-actual="0"][data-predicted="1"]')?.getAttribute('data-count') === '60');
      assert.equal(await page.inputValue('#threshold'), '0.3', 'the slider keeps its value');
      await shot(page, 'dashboard-threshold-dark');

      assert.ok(await page.isDisabled('#btn-reset'), 'Reset is disabled while running');
      await page.click('#btn-pause');
      const cmds = (await posted(page)).filter((m) => m.type === 'command').map((m) => (m as { command: string }).command);
      assert.deepEqual(cmds, ['pause']);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('a new state keeps the reader where they were (charts re-created below the fold)', async () => {
    const { page } = await open('dashboard', 'dark', { width: 900, height: 500 });
    try {
      await sendToPage(page, { type: 'state', state: titanicState(10) });
      await page.locator('#gap-chart').scrollIntoViewIfNeeded();
      const y = await page.evaluate(() => window.scrollY);
      assert.ok(y > 300, `scrolled down (${y})`);
      await sendToPage(page, { type: 'state', state: titanicState(11) });
      await page.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '11');
      assert.equal(await page.evaluate(() => window.scrollY), y);
    } finally {
      await page.close();
    }
  });

  test('before the first session: "Preparing …" with a spinner instead of "No model yet" while the host loads', async () => {
    const { page, errors } = await open('dashboard', 'dark');
    try {
      await sendToPage(page, { type: 'state', state: null });
      await page.waitForSelector('#btn-train');
      await sendToPage(page, { type: 'busy', label: 'Preparing census.csv…' });
      await page.waitForSelector('#empty-busy .spinner');
      assert.equal((await page.textContent('#empty-busy'))?.trim(), 'Preparing census.csv…');
      assert.equal(await page.locator('#btn-train').count(), 0, 'no "Train on a CSV…" while a file is being prepared');
      assert.equal(await page.locator('#busy').count(), 0, 'one busy indicator, not two');
      await shot(page, 'dashboard-preparing-dark');
      await sendToPage(page, { type: 'busy', label: null });
      await page.waitForSelector('#btn-train');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('busy and error banners; charts follow the panel width', async () => {
    const { page, errors } = await open('dashboard', 'light', { width: 1200, height: 800 });
    try {
      await sendToPage(page, { type: 'state', state: titanicState(20) });
      await page.waitForSelector('#loss-chart');
      await sendToPage(page, { type: 'busy', label: 'Comparing BCE and MSE…' });
      await page.waitForSelector('#busy');
      assert.ok(await page.isDisabled('#btn-step'), 'buttons are disabled while the host is busy');
      await sendToPage(page, { type: 'busy', label: null });
      await page.waitForSelector('#busy', { state: 'detached' });
      assert.ok(await page.isEnabled('#btn-step'));
      await sendToPage(page, { type: 'error', message: 'Training diverged at iteration 12: lower the learning rate.' });
      assert.match((await page.textContent('#error'))!, /diverged at iteration 12/);
      await shot(page, 'dashboard-error-light');
      await page.click('#error button');
      await page.waitForSelector('#error', { state: 'detached' });

      const wide = await page.$eval('#loss-chart', (c) => c.getBoundingClientRect().width);
      await page.setViewportSize({ width: 520, height: 800 });
      await page.waitForFunction((w) => document.querySelector('#loss-chart')!.getBoundingClientRect().width < w - 50, wide);
      const narrow = await page.$eval('#loss-chart', (c) => c.getBoundingClientRect().width);
      assert.ok(narrow <= 520, `chart fits the narrow panel (${wide} → ${narrow} px)`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `nothing sticks out sideways (${overflow} px)`);
      assert.ok((await countColorPixels(page, '#loss-chart', THEME_VARS.light['--vscode-charts-blue'])).matching > 100, 'still drawn after the resize');
      await shot(page, 'dashboard-narrow-light');
      for (const t of ['step', 'evaluation', 'weights', 'data']) {
        await tab(page, t);
        const o = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(o <= 0, `${t}: wide tables scroll inside their card, the page does not (${o} px)`);
        await shot(page, `dashboard-narrow-${t}-light`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('settings form validates and posts configure', async () => {
    const { page } = await open('dashboard', 'light');
    try {
      await sendToPage(page, { type: 'state', state: titanicState(5) });
      await page.click('#settings summary');
      await page.fill('input[name=learningRate]', '-1');
      await page.click('#settings-form button[type=submit]');
      assert.match((await page.textContent('#settings-message'))!, /greater than 0/);
      await page.fill('input[name=learningRate]', '0.5');
      await page.fill('input[name=l2]', '0.01');
      await page.selectOption('select[name=optimizer]', 'adam');
      await page.click('#settings-form button[type=submit]');
      const conf = (await posted(page)).find((m) => m.type === 'configure');
      assert.ok(conf && conf.type === 'configure');
      const st = titanicState(5);
      assert.deepEqual(conf.config, { ...pick(st.config), learningRate: 0.5, optimizer: 'adam', l2: 0.01 });
      assert.equal(conf.prepare, undefined, 'the preparation settings did not change');
      assert.equal(conf.keepWeights, true, 'Apply keeps the weights');
      await shot(page, 'dashboard-settings-light');
      // A new test size prepares the data again: it goes as `prepare` and never keeps the weights.
      await sendToPage(page, { type: 'state', state: titanicState(5) });
      await page.fill('input[name=testSize]', '0.3');
      await page.uncheck('input[name=standardize]');
      await page.click('#apply-keep');
      const re = (await posted(page)).filter((m) => m.type === 'configure').pop();
      assert.ok(re && re.type === 'configure');
      assert.deepEqual(re.prepare, { testSize: 0.3, standardize: false });
      assert.equal(re.keepWeights, undefined);
      assert.equal(await page.locator('#busy').textContent(), 'Preparing the data again with the new settings…');
      await sendToPage(page, { type: 'state', state: titanicState(5) });

      // Exact fits: newton and lbfgs are offered; α is disabled and says it is not used.
      const options = await page.$$eval('select[name=optimizer] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(options, ['gd', 'sgd', 'momentum', 'adam', 'newton', 'lbfgs']);
      await page.selectOption('select[name=optimizer]', 'newton');
      assert.ok(await page.isDisabled('input[name=learningRate]'), 'α is disabled for newton');
      assert.match((await page.textContent('#field-learningRate'))!, /not used by newton\/lbfgs/);
      await page.selectOption('select[name=loss]', 'mse');
      await page.click('#settings-form button[type=submit]');
      assert.match((await page.textContent('#settings-message'))!, /cross-entropy/);
      await page.selectOption('select[name=loss]', 'bce');
      await page.click('#settings-form button[type=submit]');
      const exact = (await posted(page)).filter((m) => m.type === 'configure').pop();
      assert.ok(exact && exact.type === 'configure');
      assert.equal(exact.config.optimizer, 'newton');
      await page.selectOption('select[name=optimizer]', 'gd');
      assert.ok(await page.isEnabled('input[name=learningRate]'), 'α is enabled again for gradient descent');
      await page.selectOption('select[name=optimizer]', 'lbfgs');
      await shot(page, 'dashboard-settings-lbfgs-light');
    } finally {
      await page.close();
    }
  });

  test('CSV-derived names are shown as text, never parsed as HTML', async () => {
    const { page, errors } = await open('dashboard', 'dark');
    try {
      await sendToPage(page, { type: 'state', state: titanicState(5, { hostileNames: true }) });
      for (const t of ['training', 'step', 'evaluation', 'weights', 'data']) await tab(page, t);
      await tab(page, 'evaluation');
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(await page.locator('#app img, #app script, #app b').count(), 0, 'no element made from data');
      assert.match((await page.textContent('#confusion'))!, /died <b>x<\/b>/);
      await tab(page, 'weights');
      assert.match((await page.textContent('#weights-table'))!, /<img src=x onerror=/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('softmax with pixel features: weight images per class, class selector; theme switch recolours charts', async () => {
    const { page, errors } = await open('dashboard', 'dark', { width: 1000, height: 900 });
    try {
      await sendToPage(page, { type: 'state', state: digitsState() });
      await tab(page, 'weights');
      assert.equal(await page.locator('#weight-images canvas.weight-image').count(), 10);
      const painted = await countColorPixels(page, '#weight-images canvas[data-class="3"]', THEME_VARS.dark['--vscode-charts-blue'], 90);
      assert.ok(painted.matching > 50, 'the weight image has blue (positive) pixels');
      await page.selectOption('#weight-class', '7');
      await page.waitForFunction(() => (document.querySelector('#weight-class') as HTMLSelectElement)?.value === '7');
      await shot(page, 'dashboard-digits-weights-dark');
      await tab(page, 'evaluation');
      assert.equal(await page.locator('#confusion td.cm-cell').count(), 100);
      await shot(page, 'dashboard-digits-evaluation-dark');
      await tab(page, 'step');
      await shot(page, 'dashboard-digits-step-dark');
      await tab(page, 'training');
      const before = await page.evaluate(() => getComputedStyle(document.body).color);
      await switchTheme(page, 'light');
      const px = await countColorPixels(page, '#loss-chart', THEME_VARS.light['--vscode-charts-blue']);
      assert.ok(px.matching > 200, 'after the theme change the curve uses the light theme blue');
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).color), before);
      await shot(page, 'dashboard-digits-training-switched-to-light');
      // Nearly saturated diagonal cells (90–100 %) in the light theme: black text on the mid blue, not white.
      await tab(page, 'evaluation');
      const cells = await textContrast(page, '#confusion td.cm-cell .cm-count', 100);
      assert.equal(cells.length, 100);
      assert.deepEqual(lowContrast(cells), [], 'every count of the 10×10 matrix is readable');
      await shot(page, 'dashboard-digits-evaluation-light');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('two-feature data: decision boundary; no finite optimum note', async () => {
    const { page, errors } = await open('dashboard', 'light');
    try {
      await sendToPage(page, { type: 'state', state: toyState() });
      await page.waitForSelector('#boundary-chart');
      assert.match((await page.textContent('#distance-note'))!, /No finite optimum without L2/);
      assert.equal(await page.getAttribute('#verdict-badge', 'data-verdict'), 'no-finite-optimum');
      assert.equal(await page.locator('#gap-chart').count(), 0, 'no J − J* without a finite optimum');
      assert.equal(await page.locator('#fit-optimum').count(), 0, 'no "Fit optimum" when there is none');
      await page.click('#add-l2');
      assert.deepEqual((await posted(page)).pop(), { type: 'configure', config: { l2: 0.01 } });
      const px = await countColorPixels(page, '#boundary-chart', THEME_VARS.light['--vscode-charts-orange']);
      assert.ok(px.matching > 30, 'class-1 points drawn');
      await shot(page, 'dashboard-toy-training-light');
      // High contrast: the boundary card readable too (shaded background, the line, the dots).
      for (const hc of ['high-contrast', 'high-contrast-light'] as const) {
        await switchTheme(page, hc);
        await page.waitForFunction(() => document.querySelector('#boundary-chart') !== null);
        // Class 1 is the theme's orange, or its yellow or red where the orange is a blue (Light High Contrast).
        const counts = await Promise.all((['--vscode-charts-orange', '--vscode-charts-yellow', '--vscode-charts-red'] as const)
          .map((v) => countColorPixels(page, '#boundary-chart', THEME_VARS[hc][v], 20)));
        assert.ok(Math.max(...counts.map((c) => c.matching)) > 30, `class-1 points drawn in ${hc}`);
        await page.locator('#boundary-card').screenshot({ path: path.join(SHOTS, `dashboard-toy-boundary-${hc}.png`) });
      }
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('nothing is cut off on the right at 420 and 600 px (every tab; binary, softmax with 64 pixels, two features)', async () => {
    const TABS = ['training', 'step', 'evaluation', 'weights', 'compare', 'data'];
    const states = [
      ['titanic', titanicState(60, { comparison: true })], ['digits', digitsState()], ['toy', toyState()],
      ['newton', newtonState()], ['full-coding', fullCodingState()], ['oscillating', oscillatingState()],
    ] as const;
    const { page, errors } = await open('dashboard', 'dark', { width: 420, height: 800 });
    try {
      const failures: string[] = [];
      for (const [name, state] of states) {
        await sendToPage(page, { type: 'state', state });
        await page.waitForFunction(([f, it]) => document.querySelector('h1')?.textContent === f &&
          document.querySelector('#hdr-iteration .fact-value')?.textContent === it, [state.dataset.fileName, state.iteration.toLocaleString('en-US')]);
        for (const width of [420, 600]) {
          await page.setViewportSize({ width, height: 800 });
          for (const t of TABS) {
            await tab(page, t);
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            const r = await layoutProblems(page);
            assert.equal(r.viewportWidth, width);
            assert.ok(r.checked > 20, `${name} ${t}: ${r.checked} elements checked`);
            if (r.problems.length > 0) failures.push(`${name}, ${t} tab at ${width} px:\n${formatProblems(r)}`);
            // Only the 10×10 confusion matrix is legitimately wider than these panels; everything else fits.
            const allowed = name === 'digits' && t === 'evaluation' ? ['Confusion matrix'] : [];
            const unexpected = r.scrolling.filter((label) => !allowed.includes(label));
            if (unexpected.length > 0) failures.push(`${name}, ${t} tab at ${width} px needs sideways scrolling: ${unexpected.join(', ')}`);
            if (width === 420 && (name === 'titanic' || name === 'digits' || (name === 'newton' && (t === 'training' || t === 'step')))) {
              await shot(page, `dashboard-420-${name}-${t}-dark`);
            }
          }
        }
      }
      assert.deepEqual(failures, [], `clipped content:\n${failures.join('\n')}`);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('view state survives a rebuild: the saved tab is shown again', async () => {
    const { page } = await open('dashboard', 'dark', undefined, { tab: 'weights', logScale: true });
    try {
      await sendToPage(page, { type: 'state', state: titanicState(5) });
      await page.waitForSelector('#tab-weights:not([hidden]) #weights-chart');
    } finally {
      await page.close();
    }
  });
});

describe('dashboard: the truth about a run', () => {
  const FIXTURES = [
    { name: 'newton', make: () => newtonState(), verdict: 'converged', text: 'converged', color: '--vscode-charts-green' },
    { name: 'gd-not-converged', make: notConvergedState, verdict: 'not-converged', text: 'not converged', color: '--vscode-charts-yellow' },
    { name: 'oscillating', make: oscillatingState, verdict: 'oscillating', text: 'oscillating', color: '--vscode-charts-red' },
    { name: 'full-coding', make: fullCodingState, verdict: 'not-converged', text: 'not converged', color: '--vscode-charts-yellow' },
    { name: 'toy', make: toyState, verdict: 'no-finite-optimum', text: 'no finite optimum', color: '--vscode-charts-yellow' },
  ] as const;

  for (const theme of ['dark', 'light'] as const) {
    test(`verdict badge and box per fixture; J − J* on a log axis (${theme})`, async () => {
      const { page, errors } = await open('dashboard', theme);
      try {
        for (const f of FIXTURES) {
          const state = f.make();
          assert.equal(state.convergence.verdict, f.verdict, `${f.name}: the fixture's verdict`);
          await sendToPage(page, { type: 'state', state });
          await page.waitForFunction((v) => document.querySelector('#verdict-badge')?.getAttribute('data-verdict') === v, f.verdict);
          // The badge replaces DONE: the verdict in its colour, readable text, upper-case by CSS.
          assert.equal(await page.getAttribute('#status', 'data-state'), 'done');
          assert.equal(await page.textContent('#verdict-badge'), f.text);
          assert.equal(await page.$eval('#verdict-badge', (el) => getComputedStyle(el).textTransform), 'uppercase');
          const bg = await page.$eval('#verdict-badge', (el) => getComputedStyle(el).backgroundColor);
          const want = await page.evaluate((v) => {
            const probe = document.createElement('div');
            probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(v);
            document.body.append(probe);
            const c = getComputedStyle(probe).color;
            probe.remove();
            return c;
          }, f.color);
          assert.equal(bg, want, `${f.name}: badge in ${f.color}`);
          assert.deepEqual(lowContrast(await textContrast(page, '#verdict-badge')), [], `${f.name}: badge text readable`);
          // The verdict box: headline, the engine's advice as text, the numbers.
          assert.equal(await page.textContent('#verdict-advice'), state.convergence.advice);
          assert.match((await page.textContent('#verdict-headline'))!, new RegExp(`^Verdict: ${state.convergence.headline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
          assert.match((await page.textContent('#verdict-grad'))!, /‖∇J‖/);
          if (state.convergence.lossGap !== null) assert.match((await page.textContent('#verdict-gap'))!, /J − J\*/);
          const exact = state.config.optimizer === 'newton';
          assert.equal(await page.locator('#fit-optimum').count(), exact || f.verdict === 'no-finite-optimum' ? 0 : 1, `${f.name}: "Fit optimum" button`);
          if (state.convergence.stableRate !== null) {
            assert.match((await page.textContent('#verdict-stable'))!, new RegExp(`α < 2/L = ${fmt(state.convergence.stableRate, 3).replace('.', '\\.')}`));
          }
          // Beside this model: this model, the optimum W*, the majority class.
          const rows = await page.$$eval('#beside-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
          assert.equal(rows.length, 3, `${f.name}: three rows beside the model`);
          assert.deepEqual(rows.map((r) => r[0]), ['this model', 'optimum W* (exact fit)', `majority class ‘${state.baseline.majorityClass}’`]);
          assert.equal(rows[1][2], state.optimum ? fmt(state.optimum.testLoss) : '—', `${f.name}: the optimum's test log loss`);
          assert.equal(rows[2][3], `${(state.baseline.trainAccuracy * 100).toFixed(1)}%`);
          // The Training tab's test log loss is the Evaluation tab's log loss (same rows, same engine number, same digits).
          const kpi = await page.textContent('#kpi-test-loss .kpi-value');
          assert.equal(await page.textContent('#kpi-test-loss .kpi-label'), 'log loss (test)');
          // The J − J* chart: logarithmic y axis, painted, ‖W − W*‖ only for a unique optimum.
          const c = await charts(page);
          const gap = c['training:gap'];
          if (state.optimum) {
            assert.ok(gap, `${f.name}: J − J* chart exists`);
            assert.equal(gap.scales.y, 'logarithmic');
            assert.equal(gap.datasets[0].label, 'J − J*');
            const gaps = ys(gap, 0);
            assert.ok(gaps.every((g) => g >= 1e-16), 'values ≤ 0 are clamped to the floor');
            assert.equal(gap.datasets.some((d) => d.label === '‖W − W*‖'), state.optimumUnique === true, `${f.name}: ‖W − W*‖ only when unique`);
            const px = await countColorPixels(page, '#gap-chart', THEME_VARS[theme]['--vscode-charts-blue']);
            assert.ok(px.matching > 100, `${f.name}: J − J* drawn (${px.matching} pixels)`);
            assert.match((await page.textContent('#gap-caption'))!, /drawn at 1e-16/);
            assert.doesNotMatch((await page.textContent('#distance-card'))!, /should shrink/);
          } else {
            assert.equal(gap, undefined);
            assert.ok(await page.isVisible('#distance-note'));
          }
          assert.deepEqual(c['training:loss'].datasets.map((d) => d.label), ['train cost J', 'train log loss', 'test log loss']);
          await shot(page, `dashboard-verdict-${f.name}-${theme}`);
          await page.locator('#distance-card').scrollIntoViewIfNeeded();
          await page.screenshot({ path: path.join(SHOTS, `dashboard-gap-${f.name}-${theme}.png`) });
          await tab(page, 'evaluation');
          assert.equal(await page.textContent('#metric-logloss .kpi-label'), 'log loss (test)');
          assert.equal(await page.textContent('#metric-logloss .kpi-value'), kpi, `${f.name}: Training and Evaluation show the same test log loss`);
          await tab(page, 'training');
        }
        const text = await page.evaluate(() => document.body.innerText);
        assert.ok(!/NaN|undefined|\[object/.test(text), 'no NaN / undefined shown');
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }

  test('not unique (full one-hot coding): J − J* drawn, ‖W − W*‖ not, with a note', async () => {
    const { page, errors } = await open('dashboard', 'dark');
    try {
      const state = fullCodingState();
      assert.equal(state.optimumUnique, false);
      await sendToPage(page, { type: 'state', state });
      await page.waitForSelector('#gap-chart');
      assert.match((await page.textContent('#distance-note'))!, /not unique \(full one-hot coding without L2: the indicators of a column sum to the bias\), so ‖W − W\*‖ is not drawn; J − J\* is\./);
      const gap = (await charts(page))['training:gap'];
      assert.deepEqual(gap.datasets.map((d) => d.label), ['J − J*']);
      // A unique optimum (reference coding) draws the distances on the same log axis, without the note.
      await sendToPage(page, { type: 'state', state: notConvergedState() });
      await page.waitForFunction(() => document.querySelector('#distance-note') === null);
      const unique = (await charts(page))['training:gap'];
      assert.deepEqual(unique.datasets.map((d) => d.label), ['J − J*', '‖W − W*‖', '|b − b*|']);
      assert.equal(unique.scales.y, 'logarithmic');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('verdict buttons post configure: the suggested rate, the Newton fit', async () => {
    const { page, errors } = await open('dashboard', 'light');
    try {
      const state = notConvergedState();
      const rate = state.convergence.suggestedRate!;
      assert.ok(rate > 0);
      await sendToPage(page, { type: 'state', state });
      await page.waitForSelector('#use-suggested-rate');
      assert.equal(await page.textContent('#use-suggested-rate'), `Use α = ${fmt(rate)}`);
      assert.equal(await page.textContent('#fit-optimum'), 'Fit optimum (Newton)');
      await page.click('#use-suggested-rate');
      assert.deepEqual((await posted(page)).pop(), { type: 'configure', config: { learningRate: rate } });
      await page.click('#fit-optimum');
      assert.deepEqual((await posted(page)).pop(), { type: 'configure', config: { optimizer: 'newton' } });
      // Newton needs neither: no learning rate to suggest, already the exact fit.
      await sendToPage(page, { type: 'state', state: newtonState() });
      await page.waitForFunction(() => document.querySelector('#verdict-badge')?.getAttribute('data-verdict') === 'converged');
      assert.equal(await page.locator('#use-suggested-rate, #fit-optimum').count(), 0);
      assert.match((await page.textContent('#hdr-method'))!, /Newton/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  for (const theme of ['dark', 'light'] as const) {
    test(`reference levels on the Data and Weights tabs; odds per SD and per unit; Newton step (${theme})`, async () => {
      const { page, errors } = await open('dashboard', theme);
      try {
        const state = notConvergedState();
        await sendToPage(page, { type: 'state', state });
        await page.waitForSelector('#loss-chart');
        await tab(page, 'data');
        const sex = page.locator('#prep-report tbody tr', { hasText: 'Sex' });
        assert.match((await sex.textContent())!, /reference: female/);
        assert.ok(await sex.locator('.reference').isVisible(), 'the reference level is visible');
        assert.match((await page.locator('#prep-report tbody tr', { hasText: 'Embarked' }).textContent())!, /reference: C/);
        await sex.scrollIntoViewIfNeeded();
        await shot(page, `dashboard-data-reference-${theme}`);

        await tab(page, 'weights');
        const row = (name: string): Promise<string[]> => page.$$eval('#weights-table tbody tr', (trs, n) => {
          const tr = trs.find((t) => t.children[0]?.textContent === n);
          return tr ? [...tr.children].map((td) => td.textContent ?? '') : [];
        }, name);
        const male = await row('Sex=male');
        const jMale = state.dataset.featureNames.indexOf('Sex=male');
        assert.equal(male[2], `×${fmt(Math.exp(state.weights.W[jMale]), 4)} vs female`, 'one odds ratio against the reference level');
        assert.ok(await page.locator('#weights-table .vs', { hasText: 'vs female' }).isVisible());
        const age = await row('Age');
        const jAge = state.dataset.featureNames.indexOf('Age');
        const w = state.weights.W[jAge];
        const sd = state.dataset.features[jAge].scale;
        assert.ok(sd > 5 && sd < 30, `Age was divided by its standard deviation (${sd})`);
        assert.equal(age[2], `per SD ×${fmt(Math.exp(w), 4)}per unit ×${fmt(Math.exp(w / sd), 4)}`, 'per SD exp(w), per unit exp(w / sd)');
        await shot(page, `dashboard-weights-odds-${theme}`);

        // Newton's update instead of W − α·dW, with its numbers.
        const newton = newtonState(2);
        const so = newton.lastStep!.secondOrder!;
        await sendToPage(page, { type: 'state', state: newton });
        await tab(page, 'step');
        await page.waitForSelector('#step-newton');
        assert.equal(await page.locator('#tab-step math').count(), 7, 'seven formulas');
        const formula = (await page.locator('#tab-step .step-card').nth(5).locator('math').textContent())!;
        assert.match(formula, /:=.*\+.*t.*·.*p/, 'W := W + t·p');
        assert.match(formula, /p=−H−1∇J/, 'p = −H⁻¹∇J');
        const numbers = (await page.textContent('#step-newton'))!;
        assert.equal(numbers, `t = ${fmt(so.stepSize)}, CG iterations = ${so.innerIterations}, ‖∇J‖ = ${fmt(so.gradNormBefore)} → ${fmt(so.gradNormAfter)}`);
        assert.match((await page.textContent('#step-newton-note'))!, /about 10 steps where gradient descent needs thousands/);
        const heads = await page.$$eval('#step-update thead th', (ths) => ths.map((t) => t.textContent));
        assert.deepEqual(heads, ['feature', 'W before', '∇J', 'p', 'W after']);
        const rows = await page.$$eval('#step-update tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => Number(td.textContent))));
        assert.equal(rows.length, newton.weights.n + 1, 'one row per feature plus the bias');
        for (const [, before, , p, after] of rows) {
          assert.ok(Math.abs(before + so.stepSize * p - after) <= 1e-4 * Math.max(1, Math.abs(after)), `W after = W before + t·p (${before} + ${so.stepSize}·${p} = ${after})`);
        }
        assert.match((await page.textContent('#step-t'))!, /step length t/);
        await shot(page, `dashboard-step-newton-${theme}`);
        await page.locator('#step-update').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(SHOTS, `dashboard-step-newton-update-${theme}.png`) });
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }
});

describe('sidebar page', () => {
  for (const theme of ['dark', 'light'] as const) {
    test(`empty state, then the live curve (${theme})`, async () => {
      const { page, errors } = await open('sidebar', theme, { width: 320, height: 640 });
      try {
        await sendToPage(page, { type: 'state', state: null });
        await page.waitForSelector('#empty #btn-train');
        await shot(page, `sidebar-empty-${theme}`);
        await page.click('#btn-train');
        assert.deepEqual((await posted(page)).pop(), { type: 'command', command: 'train' });

        await sendToPage(page, { type: 'state', state: titanicState(40) });
        await page.waitForSelector('#sidebar-loss-chart');
        const px = await countColorPixels(page, '#sidebar-loss-chart', THEME_VARS[theme]['--vscode-charts-blue']);
        assert.ok(px.matching > 100, `sidebar curve drawn (${px.matching})`);
        assert.equal(await page.textContent('#sb-iteration .fact-value'), '40');
        assert.match((await page.textContent('#sb-verdict'))!, /so far.*not converged/);
        const lines = await page.evaluate(() => {
          const el = document.querySelector('#sb-verdict .fact-value') as HTMLElement;
          return el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight);
        });
        assert.ok(lines < 1.5, `the verdict stays on one line in a 320 px sidebar (${lines.toFixed(2)} lines)`);
        assert.match((await page.getAttribute('#sb-verdict .fact-value', 'title'))!, /.{20,}/, 'the headline is its tooltip');
        // The primary colour marks the button that acts now: Continue when paused, Pause while training.
        const primaryIds = (): Promise<string[]> => page.evaluate(() => [...document.querySelectorAll('button.primary')].map((b) => b.id));
        assert.deepEqual(await primaryIds(), ['btn-run']);
        await sendToPage(page, { type: 'state', state: { ...titanicState(40), running: true } });
        await page.waitForSelector('#btn-pause.primary');
        assert.deepEqual(await primaryIds(), ['btn-pause']);
        await shot(page, `sidebar-running-${theme}`);
        await sendToPage(page, { type: 'state', state: newtonState() });
        await page.waitForFunction(() => document.querySelector('#sb-verdict')?.getAttribute('data-verdict') === 'converged');
        assert.match((await page.textContent('#sb-verdict'))!, /^verdict.*converged$/);
        assert.equal(await page.textContent('#sb-status .fact-value'), 'stopped', 'Newton stopped at the optimum: the verdict says converged');
        await shot(page, `sidebar-converged-${theme}`);
        // Gradient descent out of epochs short of the optimum: not "done" but why it stopped, and not converged.
        await sendToPage(page, { type: 'state', state: notConvergedState() });
        await page.waitForFunction(() => document.querySelector('#sb-verdict')?.getAttribute('data-verdict') === 'not-converged');
        assert.equal(await page.textContent('#sb-status .fact-value'), 'out of epochs');
        assert.match((await page.textContent('#sb-verdict'))!, /^verdict.*not converged$/);
        const statusLines = await page.evaluate(() => {
          const el = document.querySelector('#sb-status .fact-value') as HTMLElement;
          return el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight);
        });
        assert.ok(statusLines < 1.5, `the status stays on one line in a 320 px sidebar (${statusLines.toFixed(2)} lines)`);
        await shot(page, `sidebar-not-converged-${theme}`);
        await sendToPage(page, { type: 'state', state: titanicState(40) });
        await page.waitForSelector('#sidebar-loss-chart');
        await page.click('#btn-showDashboard');
        assert.deepEqual((await posted(page)).pop(), { type: 'command', command: 'showDashboard' });
        await shot(page, `sidebar-session-${theme}`);
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }
});
