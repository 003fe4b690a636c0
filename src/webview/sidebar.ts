/**
 * Sidebar webview view (browser code): a compact live view of the current session — log-loss curve (train and
 * test), the verdict on the run, iteration / epoch, latest log loss and accuracy, Step / Run / Pause / Open Dashboard — or an empty state
 * with a "Train on a CSV…" button. Rebuilt from the host's `state`, updated by `progress`.
 */
import type { FromWebview, SessionState, ToWebview, WebviewCommand } from '../protocol';
import { applyChartDefaults, ChartRegistry, chartBox, iterationAxis, lineDataset, points, valueAxis } from './lib/charts';
import { exposeDebugHook } from './lib/debug';
import { h } from './lib/dom';
import { fmt, fmtInt, fmtPct } from './lib/format';
import { seriesColors } from './lib/palette';
import { onThemeChange, readTheme, type Theme } from './lib/theme';
import { HostChannel } from './lib/vscode-api';
import { runState, VERDICT_LABEL, verdictColor } from './lib/verdict';


/** The sidebar keeps no view state of its own (everything comes from the host's state). */
type SidebarView = Record<string, never>;

const host = new HostChannel<SidebarView>({});
const charts = new ChartRegistry();
let theme: Theme = readTheme();
applyChartDefaults(theme);
let session: SessionState | null = null;
let busyLabel: string | null = null;
let errorText: string | null = null;

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.dataset.page = 'sidebar';

function post(msg: FromWebview): void {
  host.post(msg);
}

function button(label: string, c: WebviewCommand, title: string, disabled: boolean, primary = false): HTMLButtonElement {
  return h('button', { id: `btn-${c}`, class: primary ? 'primary' : null, title, disabled, onclick: () => post({ type: 'command', command: c }) }, label);
}

function render(): void {
  charts.destroyAll();
  const banners = h('div', { class: 'banners' },
    busyLabel ? h('div', { class: 'banner busy', id: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel) : '',
    errorText ? h('div', { class: 'banner error', id: 'error', role: 'alert' }, errorText) : '');
  if (!session) {
    app.replaceChildren(banners, h('div', { class: 'empty', id: 'empty' },
      h('p', null, 'No model yet. Train logistic regression on a CSV file: pick the column to predict and watch gradient descent learn, step by step.'),
      button('Train on a CSV…', 'train', 'Choose a CSV file and a target column', !!busyLabel, true),
      h('p', { class: 'hint' }, 'Tip: right-click a .csv file in the Explorer and choose “Train Logistic Regression…”.')));
    return;
  }
  const s = session;
  const { box, canvas } = chartBox('chart-box');
  canvas.id = 'sidebar-loss-chart';
  canvas.setAttribute('aria-label', 'Training and test log loss per iteration');

  app.replaceChildren(
    banners,
    h('div', { class: 'title', title: s.dataset.filePath },
      h('span', { class: 'file' }, s.dataset.fileName),
      h('span', { class: 'target' }, ' → ', s.dataset.target)),
    h('div', { class: 'facts', id: 'facts' }),
    box,
    h('div', { class: 'buttons', id: 'buttons' }),
    h('button', { class: 'wide', id: 'btn-showDashboard', onclick: () => post({ type: 'command', command: 'showDashboard' }) }, 'Open Dashboard'),
  );
  renderFacts();
  renderButtons();
  const c = seriesColors(theme);
  charts.make('loss', canvas, {
    type: 'line',
    data: { datasets: datasets(s, c) },
    options: {
      scales: { x: iterationAxis(), y: valueAxis('log loss') },
      plugins: { legend: { position: 'bottom' }, tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmt(it.parsed.y)}` } } },
    },
  });
}

function datasets(s: SessionState, c: { train: string; test: string }): ReturnType<typeof lineDataset>[] {
  const ds = [lineDataset('train log loss', points(s.history, (p) => p.iteration, (p) => p.trainLoss), c.train)];
  if (s.dataset.mTest > 0) ds.push(lineDataset('test log loss', points(s.history, (p) => p.iteration, (p) => p.testLoss), c.test, { dashed: true }));
  return ds;
}

function renderFacts(): void {
  const el = document.getElementById('facts');
  if (!el || !session) return;
  const s = session;
  const last = s.history.length > 0 ? s.history[s.history.length - 1] : null;
  const st = runState(s).text;
  const row = (label: string, value: string, id: string): HTMLElement =>
    h('div', { class: 'fact', id }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
  const c = s.convergence;
  // The verdict: final once the run is over, else the live one (shown once training has started).
  const verdict = s.iteration > 0 || c.final
    // The short label keeps the row on one line in a narrow sidebar; the headline is its tooltip (the dashboard says more).
    ? h('div', { class: 'fact verdict', id: 'sb-verdict', 'data-verdict': c.verdict },
      h('span', { class: 'fact-label' }, c.final ? 'verdict' : 'so far'),
      h('span', { class: 'fact-value', title: c.headline || VERDICT_LABEL[c.verdict] },
        h('span', { class: 'dot', 'aria-hidden': 'true', style: { backgroundColor: verdictColor(theme, c.verdict) } }),
        VERDICT_LABEL[c.verdict]))
    : null;
  el.replaceChildren(
    row('status', st, 'sb-status'),
    verdict ?? '',
    row('iteration', fmtInt(s.iteration), 'sb-iteration'),
    row('epoch', `${fmtInt(s.epoch)} / ${fmtInt(s.config.epochs)}`, 'sb-epoch'),
    row('log loss (train / test)', `${fmt(last?.trainLoss ?? null)} / ${fmt(last?.testLoss ?? null)}`, 'sb-loss'),
    row('accuracy (train / test)', `${fmtPct(last?.trainAccuracy ?? null)} / ${fmtPct(last?.testAccuracy ?? null)}`, 'sb-accuracy'),
  );
}

function renderButtons(): void {
  const el = document.getElementById('buttons');
  if (!el || !session) return;
  const s = session;
  const busy = !!busyLabel;
  el.replaceChildren(
    button('Step', 'step', 'One parameter update (F10)', busy || s.running),
    // The primary colour marks the button that acts now, as in the dashboard: Pause while training.
    button(s.iteration > 0 && !s.done ? 'Continue' : 'Run', 'run', 'Train until done (F5)', busy || s.running || s.done, !s.running),
    button('Pause', 'pause', 'Pause training (Shift+F5)', !s.running, s.running),
  );
}

function onMessage(msg: ToWebview): void {
  switch (msg.type) {
    case 'state':
      session = msg.state;
      errorText = null;
      render();
      break;
    case 'progress': {
      if (!session) break;
      const p = msg.progress;
      session = {
        ...session, iteration: p.iteration, epoch: p.epoch, running: p.running, done: p.done,
        history: p.history ?? session.history.concat(p.newHistory), convergence: p.convergence ?? session.convergence,
      };
      const chart = charts.get('loss');
      if (chart) {
        datasets(session, seriesColors(theme)).forEach((d, i) => {
          const ds = chart.data.datasets[i];
          if (ds) {
            ds.data = d.data;
            (ds as { pointRadius?: number }).pointRadius = d.pointRadius as number;
          }
        });
        chart.update('none');
      }
      renderFacts();
      renderButtons();
      break;
    }
    case 'metrics':
      break; // the sidebar shows no per-threshold metrics
    case 'error':
      errorText = msg.message;
      render();
      break;
    case 'busy':
      busyLabel = msg.label;
      render();
      break;
    case 'showStep':
      break; // the sidebar has no step panel
  }
}

host.listen(onMessage);
onThemeChange(() => {
  theme = readTheme();
  applyChartDefaults(theme);
  render();
});

exposeDebugHook({
  charts: () => charts.snapshot(),
  tab: () => 'sidebar',
  iteration: () => session?.iteration ?? null,
});

render();
post({ type: 'ready' });
