/**
 * Dashboard webview (browser code, bundled by esbuild as an IIFE). Draws everything from the host's
 * SessionState and follows live `progress`; keeps only view state. Protocol: send `ready`, then the host posts
 * `state`; buttons post `command`, the settings form posts `configure`, the threshold slider `setThreshold`.
 */
import {
  engineValue,
  isValidSetting,
  rangeText,
  SETTINGS,
  settingOf,
  settingsValue,
  type AnyNumberSetting,
  type AnySetting,
} from '../engine/settings-schema';
import type { ConfusionMetrics, OptimizerKind, PrepareOptions, TrainConfig } from '../engine/types';
import type { FromWebview, LandscapeInfo, SessionState, ToWebview } from '../protocol';
import { applyChartDefaults, ChartRegistry } from './lib/charts';
import { exposeDebugHook } from './lib/debug';
import { h } from './lib/dom';
import { fmt, fmtInt } from './lib/format';
import { onThemeChange, readTheme, type Theme } from './lib/theme';
import { HostChannel } from './lib/vscode-api';
import { isFinal, runState, VERDICT_LABEL, verdictBadgeStyle, verdictColor } from './lib/verdict';
import { renderCompare } from './lib/dashboard/compare';
import { DEFAULT_VIEW, type DashboardContext, type DashboardView, type TabId } from './lib/dashboard/context';
import { renderData } from './lib/dashboard/data';
import { renderEvaluation, renderMetricsBody } from './lib/dashboard/evaluation';
import { renderStep } from './lib/dashboard/step';
import { renderTraining, updateTrainingCharts } from './lib/dashboard/training';
import type { BoundaryHandlers } from './lib/dashboard/boundary';
import { renderWeights, updateWeights } from './lib/dashboard/weights';
import { defaultPair, renderLandscape, updateLandscape, type LandscapePair } from './lib/dashboard/landscape';
import { updateWhatIf, whatIfCard, type WhatIfState } from './lib/dashboard/whatif';


const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'training', label: 'Training' },
  { id: 'step', label: 'Step' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'weights', label: 'Weights' },
  { id: 'landscape', label: 'Landscape' },
  { id: 'compare', label: 'Compare' },
  { id: 'data', label: 'Data' },
];

const host = new HostChannel<DashboardView>(DEFAULT_VIEW);
const charts = new ChartRegistry();
let theme: Theme = readTheme();
applyChartDefaults(theme);

let session: SessionState | null = null;
let busyLabel: string | null = null;
let errorText: string | null = null;
let thresholdRequest = 0;
let thresholdTimer: number | undefined;
/** Tabs whose content is out of date (re-drawn when shown). */
const dirty = new Set<TabId>();

// ───────────────────────────── Layout ─────────────────────────────

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.dataset.page = 'dashboard';
const headerEl = h('header', { class: 'header', id: 'header' });
const toolbarEl = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Training controls' });
const settingsEl = h('details', { class: 'settings', id: 'settings' });
const bannerEl = h('div', { class: 'banners', 'aria-live': 'polite' });
const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
const panels = new Map<TabId, HTMLElement>();
const main = h('main', { id: 'main' });
for (const t of TABS) {
  const panel = h('div', { class: 'tab-panel', id: `tab-${t.id}`, role: 'tabpanel', hidden: true });
  panels.set(t.id, panel);
  main.append(panel);
  tabBar.append(h('button', {
    class: 'tab', role: 'tab', id: `tabbtn-${t.id}`, 'data-tab': t.id,
    onclick: () => selectTab(t.id),
  }, t.label));
}
const emptyEl = h('div', { class: 'empty', id: 'empty' });
/**
 * The timeline: every iteration from 0 to the furthest reached, made once and updated in place. Releasing the slider
 * goes there (back by exact replay from a checkpoint, forward by training); the step panel shows that update.
 */
const timelineInput = h('input', {
  type: 'range', id: 'timeline', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Iteration (timeline)',
}) as HTMLInputElement;
const timelineLabel = h('span', { class: 'timeline-label', id: 'timeline-label' }, '');
const timelineEl = h('div', { class: 'timeline', id: 'timeline-row', title: 'Drag to an iteration and release: the session goes there exactly' },
  h('span', { class: 'field-label' }, 'timeline'), timelineInput, timelineLabel);
timelineInput.addEventListener('input', () => {
  timelineLabel.textContent = `iteration ${fmtInt(Number(timelineInput.value))} of ${fmtInt(Number(timelineInput.max))}`;
});
timelineInput.addEventListener('change', () => {
  const target = Number(timelineInput.value);
  if (session && Number.isInteger(target) && target !== session.iteration) post({ type: 'goto', iteration: target });
});
/**
 * The pace of runs: updates per second on a log-like scale, the last position "as fast as possible" (0). Moving it
 * applies at once, also to a run in progress; the worker sends every update it makes at slow speeds.
 */
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 0];
const speedInput = h('input', {
  type: 'range', id: 'speed', min: '0', max: String(SPEEDS.length - 1), step: '1', value: String(SPEEDS.length - 1),
  'aria-label': 'Speed (updates per second)',
}) as HTMLInputElement;
const speedLabel = h('span', { class: 'timeline-label', id: 'speed-label' }, '');
function speedText(ups: number): string {
  return ups === 0 ? 'as fast as possible' : `${fmtInt(ups)} update${ups === 1 ? '' : 's'}/s`;
}
function speedIndex(ups: number): number {
  if (ups === 0) return SPEEDS.length - 1;
  let best = 0;
  for (let i = 0; i < SPEEDS.length - 1; i++) if (Math.abs(Math.log(SPEEDS[i] / ups)) < Math.abs(Math.log(SPEEDS[best] / ups))) best = i;
  return best;
}
speedInput.addEventListener('input', () => {
  const ups = SPEEDS[Number(speedInput.value)] ?? 0;
  speedLabel.textContent = speedText(ups);
  if (session) session = { ...session, updatesPerSecond: ups };
  post({ type: 'speed', updatesPerSecond: ups });
});
const speedEl = h('div', { class: 'timeline', id: 'speed-row', title: 'How fast Run trains: updates per second (the last position: as fast as possible)' },
  h('span', { class: 'field-label' }, 'speed'), speedInput, speedLabel);
app.replaceChildren(headerEl, toolbarEl, speedEl, timelineEl, settingsEl, bannerEl, tabBar, main, emptyEl);

function context(state: SessionState): DashboardContext {
  return {
    state,
    view: host.viewState,
    theme,
    charts,
    setView: (change, rerender) => {
      host.updateView(change);
      if (rerender) renderTab(host.viewState.tab);
    },
    post: (msg) => post(msg),
  };
}

function post(msg: FromWebview): void {
  host.post(msg);
}

/** Tabs that follow each step themselves (the landscape's point moves): a step keeps them instead of showing the Step tab. */
function followsSteps(): boolean {
  return host.viewState.tab === 'landscape';
}

function command(c: Extract<FromWebview, { type: 'command' }>['command']): void {
  post({ type: 'command', command: c });
  if (c === 'step' && host.viewState.tab !== 'step' && !followsSteps()) selectTab('step');
  if ((c === 'compare' || c === 'sweep') && host.viewState.tab !== 'compare') selectTab('compare');
}

// ───────────────────────────── Header, toolbar, settings ─────────────────────────────

/**
 * `#status` (its data-state is the run state): once the run is over the verdict badge `#verdict-badge`
 * (CONVERGED, NOT CONVERGED, …, coloured by the verdict) instead of a bare DONE; before that the run state, and
 * while training has happened the live verdict's headline `#live-verdict` beside it.
 */
function statusBadge(s: SessionState): HTMLElement {
  const st = runState(s);
  const c = s.convergence;
  const group = h('span', { class: 'status-group', id: 'status', 'data-state': st.state, role: 'status' });
  if (s.done || isFinal(c)) {
    group.append(h('span', {
      class: `status verdict ${c.verdict}`, id: 'verdict-badge', 'data-verdict': c.verdict, title: c.headline,
      style: verdictBadgeStyle(theme, c.verdict),
    }, VERDICT_LABEL[c.verdict]));
    return group;
  }
  group.append(h('span', { class: `status ${st.state}` }, st.text));
  if (s.iteration > 0) {
    group.append(h('span', { class: 'live-verdict', id: 'live-verdict', 'data-verdict': c.verdict },
      h('span', { class: 'dot', 'aria-hidden': 'true', style: { backgroundColor: verdictColor(theme, c.verdict) } }),
      c.headline));
  }
  return group;
}

const METHOD: Partial<Record<OptimizerKind, string>> = { newton: 'Newton', lbfgs: 'L-BFGS' };

function renderHeader(): void {
  if (!session) {
    headerEl.replaceChildren(h('h1', null, 'Logistic Regression Lab'));
    return;
  }
  const s = session;
  const kind = s.weights.k === 1 ? 'binary (sigmoid + cross-entropy)' : `softmax, ${s.dataset.classes.length} classes`;
  const method = METHOD[s.config.optimizer];
  headerEl.replaceChildren(
    h('div', { class: 'title-row' },
      h('h1', { title: s.dataset.filePath }, s.dataset.fileName),
      statusBadge(s)),
    h('div', { class: 'facts' },
      fact('target', s.dataset.target, 'hdr-target'),
      fact('classes', s.dataset.classes.join(', '), 'hdr-classes'),
      fact('model', kind),
      fact('iteration', fmtInt(s.iteration), 'hdr-iteration'),
      fact('epoch', `${fmtInt(s.epoch)} / ${fmtInt(s.config.epochs)}`, 'hdr-epoch'),
      method ? fact('fit', `${method} (exact)`, 'hdr-method') : fact('α', fmt(s.config.learningRate)),
      fact('batch', s.config.batchSize > 0 && s.config.batchSize < s.dataset.mTrain ? fmtInt(s.config.batchSize) : `full (${fmtInt(s.dataset.mTrain)})`)),
  );
}

function fact(label: string, value: string, id?: string): HTMLElement {
  return h('div', { class: 'fact', id }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}

type ToolbarCommand = Extract<FromWebview, { type: 'command' }>['command'];
/** The toolbar's buttons, made once: later renders only change their label, title and state, never re-create them
 *  (a button re-created under the pointer between mouse-down and mouse-up loses the click — e.g. Pause while
 *  training redraws the page several times a second). */
const toolbarButtons = new Map<ToolbarCommand, { button: HTMLButtonElement; label: Text }>();
const toolbarSep = h('span', { class: 'sep' });

function toolbarButton(label: string, c: ToolbarCommand, key?: string, primary = false): HTMLButtonElement {
  let entry = toolbarButtons.get(c);
  if (!entry) {
    const text = document.createTextNode(label);
    const button = h('button', { class: primary ? 'primary' : null, id: `btn-${c}`, onclick: () => command(c) },
      text, key ? h('kbd', { 'aria-hidden': 'true' }, key) : null) as HTMLButtonElement;
    entry = { button, label: text };
    toolbarButtons.set(c, entry);
  }
  if (entry.label.data !== label) entry.label.data = label;
  return entry.button;
}

/** The timeline's range and position from the session (never while the user drags it). */
function renderTimeline(): void {
  const s = session;
  timelineEl.hidden = !s;
  speedEl.hidden = !s;
  if (!s) return;
  const speedAt = String(speedIndex(s.updatesPerSecond));
  if (document.activeElement !== speedInput && speedInput.value !== speedAt) speedInput.value = speedAt;
  speedLabel.textContent = speedText(SPEEDS[Number(speedInput.value)] ?? 0);
  const max = String(Math.max(s.furthestIteration, s.iteration));
  if (timelineInput.max !== max) timelineInput.max = max;
  const dragging = document.activeElement === timelineInput && timelineInput.matches(':active');
  if (!dragging && timelineInput.value !== String(s.iteration)) timelineInput.value = String(s.iteration);
  const disabled = s.running || !!busyLabel;
  if (timelineInput.disabled !== disabled) timelineInput.disabled = disabled;
  timelineLabel.textContent = `iteration ${fmtInt(s.iteration)} of ${fmtInt(Number(max))}`;
}

function renderToolbar(): void {
  const s = session;
  const running = !!s?.running;
  const none = !s;
  const set = (b: HTMLButtonElement, title: string, disabled: boolean): HTMLButtonElement => {
    const d = disabled || !!busyLabel;
    if (b.disabled !== d) b.disabled = d;
    if (b.title !== title) b.title = title;
    return b;
  };
  const runLabel = s && s.iteration > 0 && !s.done ? 'Continue' : 'Run';
  const run = toolbarButton(runLabel, 'run', 'F5', true);
  const pause = toolbarButton('Pause', 'pause', '⇧F5');
  // The primary colour marks the button that acts now: Pause while training, else Run / Continue.
  run.classList.toggle('primary', !running);
  pause.classList.toggle('primary', running);
  const buttons = [
    set(toolbarButton('Step', 'step', 'F10'), 'One parameter update (F10)', none || running),
    set(toolbarButton('Step Back', 'stepBack', 'Alt+F10'), 'One update back, replayed exactly (Alt+F10)', none || running || (s?.iteration ?? 0) === 0),
    set(toolbarButton('Epoch', 'stepEpoch'), 'Finish the current epoch (Shift+F10)', none || running),
    set(run, s?.done ? 'Training finished: Reset to train again' : 'Train until done (F5)', none || running || !!s?.done),
    set(pause, 'Pause training (Shift+F5)', none || !running),
    set(toolbarButton('Reset', 'reset'), 'Back to the initial weights', none || running),
    toolbarSep,
    set(toolbarButton('Compare BCE vs MSE', 'compare'), 'Train with both losses and overlay the curves', none || running),
    set(toolbarButton('Export', 'export'), 'Save the model as JSON', none || running),
  ];
  renderTimeline();
  // Attach once; afterwards the same nodes stay in place.
  if (toolbarEl.childNodes.length !== buttons.length || buttons.some((b, i) => toolbarEl.childNodes[i] !== b)) {
    toolbarEl.replaceChildren(...buttons);
  }
}
/** The settings the form shows, in the Settings editor's order (the settings schema's `form`). */
const FORM_SETTINGS = SETTINGS.filter((s): s is AnySetting & { form: { label: string; hint: string } } => s.form !== undefined);
/** Exact fits: one update is one Newton / L-BFGS iteration with its own step length; α is not used. */
function isExactFit(o: string): boolean {
  return o === 'newton' || o === 'lbfgs';
}
let settingsEdited = false;

/** One field of the form: a number input with the setting's bounds, or a select of its choices. */
/**
 * The value a setting has now: training settings (and the seed) from the session's config, preparation settings
 * from the options the dataset was prepared with (the schema's default when not given).
 */
function currentSetting(s: AnySetting, st: SessionState): unknown {
  if (s.group === 'prepare') return (st.prepare as unknown as Record<string, unknown>)[s.key] ?? s.default;
  return (st.config as unknown as Record<string, unknown>)[s.key];
}

function settingField(s: AnySetting & { form: { label: string; hint: string } }, st: SessionState, onOptimizer: () => void): HTMLElement {
  const value = settingsValue(s, currentSetting(s, st));
  const label = h('span', { class: 'field-label' }, s.form.label);
  // What the setting means and its unit, under the field (also its tooltip).
  const hint = h('span', { class: 'field-hint' }, s.form.hint);
  if (s.type === 'enum') {
    const onchange = (): void => {
      settingsEdited = true;
      if (s.key === 'optimizer') onOptimizer();
    };
    return h('label', { class: 'field', title: s.form.hint, id: `field-${s.key}` }, label,
      h('select', { name: s.key, onchange }, ...s.choices.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label ?? o.value))), hint);
  }
  if (s.type === 'boolean') {
    return h('label', { class: 'field', title: s.form.hint, id: `field-${s.key}` }, label,
      h('input', { type: 'checkbox', name: s.key, checked: value === true, onchange: () => { settingsEdited = true; } }), hint);
  }
  // The bounds of the setting as the input's min and max (the form validates itself: novalidate).
  const b = s as AnyNumberSetting & { min?: number; max?: number };
  const attrs: Record<string, string> = { step: s.type === 'integer' ? '1' : 'any' };
  if (b.min !== undefined) attrs.min = String(b.min);
  if (b.max !== undefined) attrs.max = String(b.max);
  return h('label', { class: 'field', title: s.form.hint, id: `field-${s.key}` }, label,
    h('input', { type: 'number', name: s.key, value: String(value), required: true, oninput: () => { settingsEdited = true; }, ...attrs }), hint);
}

/** Set while the new settings' session is on its way (cleared by its state at iteration 0, or after 15 s). */
let applying: number | undefined;
function endApplying(): void {
  if (applying === undefined) return;
  window.clearTimeout(applying);
  applying = undefined;
  busyLabel = null;
}

function renderSettings(): void {
  if (!session) {
    settingsEl.hidden = true;
    return;
  }
  settingsEl.hidden = false;
  if (settingsEdited) return; // don't overwrite what the user is typing
  const st = session;
  const message = h('span', { class: 'form-message', id: 'settings-message', role: 'status' });
  const form: HTMLFormElement = h('form', { id: 'settings-form', novalidate: true },
    ...FORM_SETTINGS.map((s) => settingField(s, st, () => syncRateField(form))),
    h('p', { class: 'hint form-note' }, 'Changing the test size, the seed or standardisation prepares the data again and restarts.'),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'apply-keep', 'data-keep': 'true',
        title: 'Train on with the new settings from the current weights (history and iteration count start again)' }, 'Apply'),
      h('button', { type: 'submit', id: 'apply-restart', 'data-keep': 'false',
        title: 'Start again from the initial weights with the new settings' }, 'Apply and restart'),
      h('button', { type: 'button', onclick: () => { settingsEdited = false; renderSettings(); } }, 'Revert'),
      message));
  syncRateField(form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const keepWeights = ((e as SubmitEvent).submitter as HTMLElement | null)?.dataset.keep === 'true';
    const result = readSettings(form);
    if (typeof result === 'string') {
      message.textContent = result;
      message.classList.add('error');
      return;
    }
    message.textContent = '';
    settingsEdited = false;
    const { config, prepare } = result;
    const reprepare = Object.keys(prepare).length > 0;
    // Until the new session's state arrives the old verdict must not stand for the new settings.
    busyLabel = reprepare
      ? 'Preparing the data again with the new settings…'
      : keepWeights ? 'Applying the settings from the current weights…' : 'Restarting with the new settings…';
    applying = window.setTimeout(endApplying, 15_000);
    renderBanners();
    renderToolbar();
    // New data (split, scaling) cannot keep the old weights: a re-preparation always restarts.
    post(reprepare ? { type: 'configure', config, prepare } : keepWeights ? { type: 'configure', config, keepWeights: true } : { type: 'configure', config });
  });
  settingsEl.replaceChildren(h('summary', null, 'Settings'), form);
  settingsEl.open = host.viewState.settingsOpen;
}
settingsEl.addEventListener('toggle', () => host.updateView({ settingsOpen: settingsEl.open }));

/** The learning-rate field is disabled, and says why, while newton or lbfgs is selected. */
function syncRateField(form: HTMLFormElement): void {
  const optimizer = (form.elements.namedItem('optimizer') as HTMLSelectElement | null)?.value ?? '';
  const input = form.elements.namedItem('learningRate') as HTMLInputElement | null;
  const label = form.querySelector('#field-learningRate .field-label');
  const exact = isExactFit(optimizer);
  if (input) input.disabled = exact;
  if (label) label.textContent = exact ? 'α: not used by newton/lbfgs' : (settingOf('learningRate')?.form?.label ?? 'learning rate α');
  // The stable bound for these data, on the field itself: gradient descent's cost falls at every step for α < 2/L.
  const field = form.querySelector('#field-learningRate');
  if (!field) return;
  let note = field.querySelector<HTMLElement>('#rate-bound');
  const bound = session?.convergence.stableRate ?? null;
  if (exact || bound === null || !Number.isFinite(bound)) {
    note?.remove();
    return;
  }
  if (!note) {
    note = h('span', { class: 'field-bound', id: 'rate-bound' });
    if (input) input.after(note);
    else field.append(note);
    input?.addEventListener('input', () => syncRateField(form));
  }
  const alpha = input ? Number(input.value) : NaN;
  const over = Number.isFinite(alpha) && alpha >= bound;
  note.textContent = over ? `≥ 2/L = ${fmt(bound, 3)}: the cost can rise` : `stable for α < 2/L = ${fmt(bound, 3)}`;
  note.classList.toggle('warn', over);
}

/**
 * Validated settings, or a message saying what is wrong: each field checked against its setting's type, bounds
 * and choices (the settings schema). A disabled field (α under newton / lbfgs) with an invalid value is left out.
 */
/** The form's values: training settings, and the preparation settings that differ from the dataset's (or a message). */
function readSettings(form: HTMLFormElement): { config: Partial<TrainConfig>; prepare: Partial<PrepareOptions> } | string {
  const config: Record<string, unknown> = {};
  const prepare: Record<string, unknown> = {};
  for (const s of FORM_SETTINGS) {
    const el = form.elements.namedItem(s.key) as HTMLInputElement | HTMLSelectElement;
    const raw = el.value.trim();
    const value = s.type === 'boolean' ? (el as HTMLInputElement).checked : s.type === 'enum' ? raw : raw === '' ? NaN : Number(raw);
    if (!isValidSetting(s, value)) {
      if (el.disabled) continue;
      const what = s.type === 'enum' ? `one of ${s.choices.map((o) => o.label ?? o.value).join(', ')}` : rangeText(s as AnyNumberSetting);
      return `${capitalise(s.form.label)} must be ${what}.`;
    }
    const v = engineValue(s, value);
    if (s.group !== 'prepare') config[s.key] = v;
    // The seed also splits the rows: a new seed, like a new test size or scaling, prepares the data again.
    if (s.group !== 'train' && session && v !== currentSetting(s, session)) prepare[s.key] = v;
  }
  const optimizer = String(config.optimizer);
  if (isExactFit(optimizer) && config.loss !== 'bce') return `${optimizer} fits the cross-entropy optimum: choose loss cross-entropy (or a gradient optimizer for squared error).`;
  return { config: config as Partial<TrainConfig>, prepare: prepare as Partial<PrepareOptions> };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function renderBanners(): void {
  bannerEl.replaceChildren(
    // Without a session the empty state shows the busy label (renderEmpty).
    busyLabel && session ? h('div', { class: 'banner busy', id: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel) : '',
    errorText ? h('div', { class: 'banner error', id: 'error', role: 'alert' }, h('span', null, errorText),
      h('button', { class: 'link', onclick: () => { errorText = null; renderBanners(); }, 'aria-label': 'Dismiss' }, '✕')) : '',
  );
}

function renderEmpty(): void {
  const show = !session;
  emptyEl.hidden = !show;
  tabBar.hidden = show;
  main.hidden = show;
  if (!show) return;
  if (busyLabel) {
    emptyEl.replaceChildren(h('p', { class: 'loading', id: 'empty-busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel));
    return;
  }
  emptyEl.replaceChildren(
    h('h2', null, 'No model yet'),
    h('p', null, 'Right-click a CSV file in the Explorer and choose “Train Logistic Regression…”, or pick one here.'),
    h('button', { class: 'primary', id: 'btn-train', onclick: () => post({ type: 'command', command: 'train' }) }, 'Train on a CSV…'),
  );
}

// ───────────────────────────── Tabs ─────────────────────────────

function selectTab(tab: TabId): void {
  host.updateView({ tab });
  for (const t of TABS) {
    const active = t.id === tab;
    panels.get(t.id)!.hidden = !active;
    const b = document.getElementById(`tabbtn-${t.id}`);
    b?.classList.toggle('active', active);
    if (active) b?.classList.remove('has-news');
    b?.setAttribute('aria-selected', String(active));
  }
  if (dirty.has(tab) || panels.get(tab)!.childElementCount === 0) renderTab(tab);
}

function renderTab(tab: TabId): void {
  const panel = panels.get(tab)!;
  // Re-drawing the tab being read must not move it (e.g. the step panel while pressing F10 repeatedly).
  const keepScroll = !panel.hidden && panel.childElementCount > 0 ? window.scrollY : null;
  drawTab(tab, panel);
  if (keepScroll !== null && window.scrollY !== keepScroll) window.scrollTo(0, keepScroll);
}

function drawTab(tab: TabId, panel: HTMLElement): void {
  charts.destroyAll(`${tab}:`);
  dirty.delete(tab);
  if (!session) {
    panel.replaceChildren();
    return;
  }
  const ctx = context(session);
  const scoped = scopedContext(ctx, tab);
  panel.replaceChildren();
  switch (tab) {
    case 'training': renderTraining(scoped, panel, boundaryHandlers); break;
    case 'step': renderStep(scoped, panel); break;
    case 'evaluation': renderEvaluation(scoped, panel, onThreshold); break;
    case 'weights':
      renderWeights(scoped, panel);
      panel.append(whatIfCard(scoped, whatIf, whatIfHandlers));
      if (!whatIf.row && !whatIf.error) requestRow('train', 0);
      break;
    case 'compare': renderCompare(scoped, panel); break;
    case 'data': renderData(scoped, panel); break;
    case 'landscape': {
      const pair = landscapePair(session);
      const fresh = landscapeData && landscapeData.p === pair.p && landscapeData.q === pair.q ? landscapeData : null;
      renderLandscape(scoped, panel, pair, fresh, landscapeError, (next) => {
        host.updateView({ landscape: { ...next, dataset: datasetKey(session!) } });
        landscapeData = null;
        landscapeError = null;
        renderTab('landscape');
      });
      if (!fresh || fresh.path[fresh.path.length - 1]?.iteration !== session.iteration) requestLandscape();
      break;
    }
  }
}

// ───────────────────────────── What-if ─────────────────────────────

const whatIf: WhatIfState = { row: null, x: null, error: null };
let rowRequest = 0;

function requestRow(split: 'train' | 'test', index: number): void {
  post({ type: 'row', requestId: ++rowRequest, split, index });
}

/** Redraws the what-if card in place (the rest of the Weights tab stays). */
function redrawWhatIf(): void {
  if (!session || host.viewState.tab !== 'weights') return;
  const old = document.getElementById('whatif-card');
  const scoped = scopedContext(context(session), 'weights');
  if (old) old.replaceWith(whatIfCard(scoped, whatIf, whatIfHandlers));
}

const whatIfHandlers = {
  load: (split: 'train' | 'test', index: number): void => requestRow(split, index),
  edit: (x: number[]): void => {
    whatIf.x = x;
    redrawWhatIf();
  },
};

// ───────────────────────────── Decision boundary ─────────────────────────────

let boundaryRequest = 0;

const boundaryHandlers: BoundaryHandlers = {
  choose: (x: number, y: number): void => {
    post({ type: 'boundary', requestId: ++boundaryRequest, x, y });
  },
  inspect: (row: number): void => {
    whatIfScroll = true;
    selectTab('weights');
    requestRow('train', row);
  },
};

/** Set when a boundary dot was clicked: the What-if card scrolls into view once its row arrives. */
let whatIfScroll = false;

// ───────────────────────────── Landscape ─────────────────────────────

let landscapeData: LandscapeInfo | null = null;
let landscapeError: string | null = null;
let landscapeRequest = 0;
let landscapeAsked = 0;

function datasetKey(s: SessionState): string {
  return `${s.dataset.filePath}\u0000${s.dataset.target}\u0000${s.weights.k}\u0000${s.weights.n}`;
}

/** The chosen pair when it belongs to this dataset, else the default pair. */
function landscapePair(s: SessionState): LandscapePair {
  const v = host.viewState.landscape;
  const count = s.weights.k * (s.weights.n + 1);
  if (v && v.dataset === datasetKey(s) && v.p < count && v.q < count) return { p: v.p, q: v.q };
  const pair = defaultPair(s);
  host.updateView({ landscape: { ...pair, dataset: datasetKey(s) } });
  return pair;
}

/** Asks the worker (through the host) for J over the pair at the current parameters; the newest answer wins. */
function requestLandscape(): void {
  if (!session) return;
  const pair = landscapePair(session);
  landscapeAsked = Date.now();
  post({ type: 'landscape', requestId: ++landscapeRequest, p: pair.p, q: pair.q });
}

/** A context whose chart names are prefixed with the tab, so re-drawing one tab keeps the others' charts. */
function scopedContext(ctx: DashboardContext, tab: TabId): DashboardContext {
  return { ...ctx, charts: charts.scope(`${tab}:`) };
}

function markAllDirty(): void {
  for (const t of TABS) dirty.add(t.id);
}

function renderAll(): void {
  renderHeader();
  renderToolbar();
  renderSettings();
  renderBanners();
  renderEmpty();
  markAllDirty();
  if (session) selectTab(host.viewState.tab);
  else charts.destroyAll();
}

// ───────────────────────────── Threshold ─────────────────────────────

function onThreshold(t: number): void {
  host.updateView({ threshold: t });
  window.clearTimeout(thresholdTimer);
  thresholdTimer = window.setTimeout(() => requestThreshold(t), 80);
}

function requestThreshold(t: number): void {
  thresholdRequest += 1;
  post({ type: 'setThreshold', requestId: thresholdRequest, threshold: t });
}

/** The slider's threshold differs from the one the metrics were computed with: ask for matching metrics. */
function syncThreshold(): void {
  if (!session || session.weights.k !== 1) return;
  const want = host.viewState.threshold;
  const have = (session.test ?? session.train).threshold;
  if (want !== null && have !== undefined && Math.abs(want - have) > 1e-9) requestThreshold(want);
}

function applyMetrics(train: ConfusionMetrics, test: ConfusionMetrics | null): void {
  if (!session) return;
  session = { ...session, train, test };
  if (host.viewState.tab === 'evaluation') {
    const body = document.getElementById('metrics-body');
    if (body) renderMetricsBody(scopedContext(context(session), 'evaluation'), body);
    else renderTab('evaluation');
  } else dirty.add('evaluation');
}

// ───────────────────────────── Messages ─────────────────────────────

function onMessage(msg: ToWebview): void {
  switch (msg.type) {
    case 'state': {
      if (msg.state && whatIf.row && (session?.dataset.filePath !== msg.state.dataset.filePath || session?.weights.n !== msg.state.weights.n)) {
        whatIf.row = null;
        whatIf.x = null;
        whatIf.error = null;
      }
      if (applying !== undefined && msg.state && msg.state.iteration === 0) endApplying();
      const first = session === null;
      const prevStep = session?.lastStep?.iteration ?? null;
      session = msg.state;
      const newStep = msg.state?.lastStep?.iteration ?? null;
      if (newStep !== null && newStep !== prevStep && !first && host.viewState.tab !== 'step') {
        document.getElementById('tabbtn-step')?.classList.add('has-news');
      }
      errorText = null;
      renderAll();
      syncThreshold();
      if (first && msg.state && host.viewState.scrollY > 0) requestAnimationFrame(() => window.scrollTo(0, host.viewState.scrollY));
      break;
    }
    case 'progress': {
      if (!session) break;
      const p = msg.progress;
      const history = p.history ?? session.history.concat(p.newHistory);
      const convergence = p.convergence ?? session.convergence;
      session = { ...session, iteration: p.iteration, epoch: p.epoch, running: p.running, done: p.done, history, convergence };
      if (p.weights) session = { ...session, weights: p.weights };
      if (p.boundary !== undefined) session = { ...session, boundary: p.boundary };
      renderHeader();
      renderToolbar();
      if (host.viewState.tab === 'training' && panels.get('training')!.childElementCount > 0 && !dirty.has('training')) {
        updateTrainingCharts(scopedContext(context(session), 'training'), boundaryHandlers);
      } else dirty.add('training');
      // The landscape follows the run about once a second.
      if (host.viewState.tab === 'landscape' && Date.now() - landscapeAsked > 1000) requestLandscape();
      // The weights tab follows the run (weight images, bars, table), updated in place.
      if (p.weights) {
        if (host.viewState.tab === 'weights' && panels.get('weights')!.childElementCount > 0 && !dirty.has('weights')) {
          updateWeights(scopedContext(context(session), 'weights'));
          updateWhatIf(scopedContext(context(session), 'weights'), whatIf);
        } else dirty.add('weights');
      }
      break;
    }
    case 'metrics':
      if (msg.requestId !== undefined && msg.requestId !== thresholdRequest) break; // a newer request is on its way
      applyMetrics(msg.train, msg.test);
      if (msg.requestId === undefined) syncThreshold();
      break;
    case 'error':
      errorText = msg.message;
      renderBanners();
      break;
    case 'busy':
      busyLabel = msg.label;
      renderBanners();
      renderEmpty();
      renderToolbar();
      break;
    case 'row': {
      if (msg.requestId !== rowRequest) break;
      whatIf.row = msg.row;
      whatIf.x = msg.row ? msg.row.x.slice() : null;
      whatIf.error = msg.row ? null : msg.error ?? 'That row could not be loaded.';
      redrawWhatIf();
      if (whatIfScroll) {
        whatIfScroll = false;
        document.getElementById('whatif-card')?.scrollIntoView({ block: 'start' });
      }
      break;
    }
    case 'boundary': {
      if (msg.requestId !== boundaryRequest || !session) break; // a newer request is on its way
      if (!msg.boundary) {
        errorText = msg.error ?? 'The decision boundary could not be computed.';
        renderBanners();
        break;
      }
      session = { ...session, boundary: msg.boundary };
      if (host.viewState.tab === 'training' && panels.get('training')!.childElementCount > 0 && !dirty.has('training')) {
        updateTrainingCharts(scopedContext(context(session), 'training'), boundaryHandlers);
      } else dirty.add('training');
      break;
    }
    case 'landscape': {
      if (msg.requestId !== landscapeRequest) break; // a newer request is on its way
      landscapeData = msg.landscape;
      landscapeError = msg.landscape ? null : msg.error ?? 'The landscape could not be computed.';
      if (host.viewState.tab !== 'landscape') break;
      const scoped = session ? scopedContext(context(session), 'landscape') : null;
      if (!(scoped && msg.landscape && updateLandscape(scoped, msg.landscape))) renderTab('landscape');
      break;
    }
    case 'showStep':
      if (host.viewState.tab !== 'step' && !followsSteps()) selectTab('step');
      break;
  }
}

host.listen(onMessage);

onThemeChange(() => {
  theme = readTheme();
  applyChartDefaults(theme);
  if (session) {
    renderHeader(); // the verdict badge's colours come from the theme
    markAllDirty();
    renderTab(host.viewState.tab);
  }
});

// Keep the scroll position across hide/show of the panel.
let scrollTimer: number | undefined;
window.addEventListener('scroll', () => {
  window.clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(() => host.updateView({ scrollY: window.scrollY }), 150);
});

exposeDebugHook({
  charts: () => charts.snapshot(),
  tab: () => host.viewState.tab,
  iteration: () => session?.iteration ?? null,
});

renderAll();
post({ type: 'ready' });
