/**
 * Learning-rate sweep card (Compare tab): the training cost J each short run ends at, against α on a log axis, with
 * the stable bound 2/L and the current α marked. Runs that diverged are drawn as crosses along the top. The best α
 * can be applied with one click.
 */
import type { SessionState } from '../../../protocol';
import type { RateSweepResult } from '../../../engine/train/rate-sweep';
import { chartBox, valueAxis, type Plugin, type Tick } from '../charts';
import { logTickLabel } from '../ticks';
import { h } from '../dom';
import { fmt, fmtInt } from '../format';
import { hscroll } from '../overflow';
import type { DashboardContext } from './context';
import { isFirstOrder } from '../../../engine/train/optimizers';

/** What a sweep ran with, in words (its settings other than α). */
export function sweepSettings(s: RateSweepResult, state: SessionState): string {
  const batch = s.batchSize > 0 && s.batchSize < state.dataset.mTrain ? `batches of ${fmtInt(s.batchSize)}` : 'full batch';
  return `${s.optimizer}, ${batch}, ${s.loss === 'bce' ? 'cross-entropy' : 'squared error'}${s.l2 > 0 ? `, λ = ${fmt(s.l2)}` : ''}, ${fmtInt(s.epochs)} epochs each`;
}

export function sweepCard(ctx: DashboardContext): HTMLElement {
  const { state, theme } = ctx;
  const s = state.sweep;
  const intro = h('p', { class: 'hint' },
    'The same data, settings and starting weights trained briefly at each learning rate α of a logarithmic grid. ',
    'Too small an α barely moves J; for full-batch gradient descent J falls fastest just below the stable bound α < 2/L, and above it J oscillates or diverges.');
  const run = h('button', { id: 'sweep-run', class: s ? '' : 'primary', disabled: state.running, onclick: () => ctx.post({ type: 'command', command: 'sweep' }) },
    s ? 'Sweep again' : 'Sweep α');
  const card = h('section', { class: 'card', id: 'sweep-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Learning rate: a sweep'), run),
    intro);
  if (!s) return card;
  const finite = s.runs.filter((r) => r.finalCost !== null);
  // A sweep of an exact fit ran with gradient descent (RateSweep): that is not a change of settings.
  const stale = s.current !== state.config.learningRate || s.optimizer !== (isFirstOrder(state.config.optimizer) ? state.config.optimizer : 'gd') ||
    s.batchSize !== state.config.batchSize || s.l2 !== state.config.l2 || s.loss !== state.config.loss;
  card.append(h('p', { class: 'hint', id: 'sweep-settings' },
    `Ran with ${sweepSettings(s, state)}; J at the start ${fmt(s.startCost)}.`,
    stale ? ' The settings have changed since: sweep again to see these ones.' : ''));
  const box = chartBox('chart-box');
  box.canvas.id = 'sweep-chart';
  box.canvas.setAttribute('aria-label', 'Final training cost J against the learning rate α');
  card.append(box.box);
  const best = s.best;
  // Offer the best rate below 2/L when the bound is known (above it, longer runs may oscillate).
  const offer = s.bestStable ?? best;
  if (offer !== null) {
    const why = s.bestStable !== null
      ? s.bestStable === best ? 'lowest J' : `lowest J below 2/L; α = ${fmt(best)} ended lower in ${fmtInt(s.epochs)} epochs but is not guaranteed to keep lowering J`
      : 'lowest J';
    card.append(h('p', { class: 'actions' },
      h('button', {
        id: 'sweep-use-best', class: 'primary',
        title: `Re-train with learning rate ${fmt(offer)}`,
        onclick: () => ctx.post({ type: 'configure', config: { learningRate: offer } }),
      }, `Use α = ${fmt(offer)}`),
      h('span', { class: 'hint', id: 'sweep-why' }, ` ${why}.`)));
  }
  const tbl = h('table', { class: 'metrics numeric', id: 'sweep-table' },
    h('thead', null, h('tr', null, ...['α', 'α / (2/L)', 'final J', 'updates'].map((t) => h('th', { scope: 'col', class: t === 'α' ? '' : 'num' }, t)))),
    h('tbody', null, ...s.runs.map((r) => h('tr', { class: r.learningRate === best ? 'best' : '' },
      h('th', { scope: 'row' }, fmt(r.learningRate)),
      h('td', { class: 'num' }, s.stableRate !== null ? fmt(r.learningRate / s.stableRate, 3) : '—'),
      h('td', { class: 'num' + (r.diverged ? ' warn' : '') }, r.diverged ? 'diverged' : fmt(r.finalCost)),
      h('td', { class: 'num' }, fmtInt(r.iterations))))));
  card.append(hscroll(tbl, 'Sweep runs'));

  // Marks: the stable bound 2/L (dashed) and the current α (solid), as vertical lines with labels.
  const marks: Array<{ at: number; label: string; dash: number[] }> = [];
  if (s.stableRate !== null) marks.push({ at: s.stableRate, label: '2/L', dash: [5, 4] });
  marks.push({ at: state.config.learningRate, label: 'α now', dash: [] });
  const markPlugin: Plugin<'scatter'> = {
    id: 'sweepMarks',
    afterDatasetsDraw(chart) {
      const { ctx: g, chartArea: area, scales } = chart;
      g.save();
      g.strokeStyle = theme.foreground;
      g.fillStyle = theme.foreground;
      g.lineWidth = 1;
      g.font = `${Math.max(10, Math.round(theme.fontSize) - 1)}px ${theme.fontFamily}`;
      for (const m of marks) {
        const x = scales.x.getPixelForValue(m.at);
        if (!(x >= area.left && x <= area.right)) continue;
        g.setLineDash(m.dash);
        g.beginPath();
        g.moveTo(x, area.top);
        g.lineTo(x, area.bottom);
        g.stroke();
        g.setLineDash([]);
        g.fillText(m.label, Math.min(x + 4, area.right - 40), m.label === '2/L' ? area.top + 12 : area.top + 26);
      }
      g.restore();
    },
  };
  const top = finite.length > 0 ? Math.max(...finite.map((r) => r.finalCost as number), s.startCost) : s.startCost;
  const bottom = finite.length > 0 ? Math.min(...finite.map((r) => r.finalCost as number)) : s.startCost / 10;
  const lo = Math.min(...s.runs.map((r) => r.learningRate), state.config.learningRate, s.stableRate ?? Infinity);
  const hi = Math.max(...s.runs.map((r) => r.learningRate), state.config.learningRate, s.stableRate ?? 0);
  ctx.charts.make('sweep', box.canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'final J',
          data: finite.map((r) => ({ x: r.learningRate, y: r.finalCost as number })),
          backgroundColor: theme.blue, borderColor: theme.blue, showLine: true, borderWidth: 2, pointRadius: 4,
        },
        ...(s.runs.some((r) => r.diverged) ? [{
          label: 'diverged',
          data: s.runs.filter((r) => r.diverged).map((r) => ({ x: r.learningRate, y: top })),
          backgroundColor: theme.red, borderColor: theme.red, pointStyle: 'crossRot' as const, pointRadius: 7, borderWidth: 2,
        }] : []),
        {
          label: `J at the start`,
          data: [{ x: lo, y: s.startCost }, { x: hi, y: s.startCost }],
          borderColor: theme.foreground, backgroundColor: theme.foreground, showLine: true, borderDash: [2, 3], borderWidth: 1, pointRadius: 0,
        },
      ],
    },
    options: {
      scales: {
        x: {
          type: 'logarithmic', min: lo / 1.5, max: hi * 1.5, title: { display: true, text: 'learning rate α (log scale)' },
          ticks: { maxRotation: 0, autoSkip: true, callback: (v: number | string, _i: number, t: Tick[]) => logTickLabel(Number(v), t) },
        },
        y: { ...valueAxis('final training cost J', bottom > 0), min: bottom > 0 ? bottom / 1.5 : undefined, max: top * 1.3 },
      },
      plugins: {
        tooltip: { callbacks: { label: (it) => it.dataset.label === 'diverged' ? `α = ${fmt(it.parsed.x)}: diverged` : `α = ${fmt(it.parsed.x)}: J = ${fmt(it.parsed.y)}` } },
      },
    },
    plugins: [markPlugin],
  });
  return card;
}
