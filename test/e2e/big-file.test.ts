/**
 * A big CSV in a real VS Code: once the target is picked, the dashboard opens at once and says "Preparing …" with a
 * spinner while the file is prepared — never a blank panel — and then shows the session; after a few updates the
 * Evaluation tab draws the ROC curve of a million rows through a thinned set of its points. The file (about 70 MB,
 * mixed numbers and categories with missing values) is generated here from a seed.
 * Screenshots: test-artifacts/screenshots/e2e-big-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, startVsCode, trainFromExplorer, webviewFrame } from './harness';
import { createRng } from '../../src/engine/random';

/** rows × (5 numeric with missing values, 3 categorical, a binary target from a logistic model). */
function bigCsv(rows: number): string {
  const rng = createRng(11);
  const colours = ['red', 'green', 'blue', 'amber', 'violet'];
  const towns = Array.from({ length: 40 }, (_, i) => `town${i}`);
  const out: string[] = ['age,income,score,visits,tenure,colour,town,plan,bought'];
  for (let i = 0; i < rows; i++) {
    const age = 18 + Math.floor(rng() * 60);
    const income = Math.round(20000 + 80000 * rng() * rng());
    const score = (rng() * 10).toFixed(3);
    const visits = Math.floor(-Math.log(1 - rng()) * 4);
    const tenure = rng() < 0.1 ? '' : (rng() * 20).toFixed(1);
    const colour = rng() < 0.05 ? '' : colours[Math.floor(rng() * colours.length)];
    const town = towns[Math.floor(rng() * towns.length)];
    const plan = rng() < 0.5 ? 'basic' : 'plus';
    const z = -2 + 0.03 * age + 0.2 * Number(score) - 0.1 * visits + (plan === 'plus' ? 0.8 : 0);
    const bought = rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    out.push(`${age},${income},${score},${visits},${tenure},${colour},${town},${plan},${bought}`);
  }
  return out.join('\n') + '\n';
}

test('a big CSV: "Preparing …" with a spinner in the dashboard while it loads, then the session', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-big-'));
  writeFileSync(join(dir, 'big.csv'), bigCsv(1_400_000));
  const vs = await startVsCode({ workspace: dir, copyWorkspace: false, theme: 'Default Dark Modern', viewport: { width: 1400, height: 900 }, settings: { 'logisticLab.startPaused': true } });
  try {
    const page = vs.page;
    await page.locator('.activitybar .action-item a[aria-label^="Logistic Lab"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    await trainFromExplorer(page, 'big.csv', 'bought', 'big');
    const frame = await webviewFrame(page, '#app[data-page=dashboard]', 60_000);
    // The dashboard is there while the file is still being prepared, and says so.
    const busy = await frame.waitForSelector('#empty-busy, #busy', { timeout: 30_000 });
    assert.match((await busy.textContent()) ?? '', /Preparing big\.csv…/);
    assert.equal(await frame.locator('#empty-busy .spinner, #busy .spinner').count(), 1, 'a spinner');
    await screenshot(page, 'e2e-big-1-preparing');
    await frame.waitForFunction(() => document.querySelector('h1')?.textContent === 'big.csv', undefined, { timeout: 120_000 });
    assert.equal(await frame.locator('#empty-busy').count(), 0, 'the busy note is gone once the session is there');
    await screenshot(page, 'e2e-big-2-loaded');
    // A few updates by mouse, then the Evaluation tab: a million-row split has about as many distinct scores, and
    // its ROC curve is drawn through a thinned set of its points (the whole curve was tens of MB in every state).
    for (let i = 0; i < 3; i++) await frame.locator('#btn-step').click();
    await frame.waitForFunction(() => document.querySelector('#hdr-iteration .fact-value')?.textContent === '3', undefined, { timeout: 60_000 });
    await frame.locator('#tabbtn-evaluation').click();
    await frame.waitForSelector('#roc-chart', { timeout: 30_000 });
    const hint = (await frame.locator('.eval-roc .hint').textContent()) ?? '';
    assert.match(hint, /Drawn through [\d,]+ of its [\d,]+ points/, hint);
    const [kept, whole] = (hint.match(/Drawn through ([\d,]+) of its ([\d,]+)/) ?? []).slice(1).map((x) => Number(x.replace(/,/g, '')));
    assert.ok(kept <= 2002 && whole > 10 * kept, `${kept} of ${whole} points`);
    await screenshot(page, 'e2e-big-3-evaluation');
    assert.deepEqual(vs.pageErrors.filter((e) => !/ResizeObserver/.test(e)), [], 'no uncaught errors in the workbench page');
  } catch (e) {
    await screenshot(vs.page, 'e2e-big-failure').catch(() => undefined);
    throw e;
  } finally {
    await vs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
