/**
 * Information card (Evaluation tab): the entropy chapter behind cross-entropy, with this model's numbers on the
 * split the tab shows — each row's information −log a of its true class as a histogram, the most surprising rows by
 * CSV line, cross-entropy = the log loss (one-hot labels have entropy 0, so each row's term is also its KL
 * divergence), the labels' entropy H(p), and H(p, q̄) = H(p) + D(p‖q̄) for the mean prediction q̄.
 */
import type { InformationView } from '../../../protocol';
import { chartBox } from '../charts';
import { h, table } from '../dom';
import { fmt, fmtInt, fmtPct } from '../format';
import { hscroll } from '../overflow';
import type { DashboardContext } from './context';

export function informationCard(ctx: DashboardContext, view: InformationView | null, split: 'train' | 'test'): HTMLElement | null {
  if (!view) return null;
  const { theme } = ctx;
  const box = chartBox('chart-box');
  box.canvas.id = 'information-chart';
  const splitName = split === 'test' ? 'test' : 'training';
  const facts = h('div', { class: 'facts', id: 'information-facts' },
    fact('cross-entropy = log loss', fmt(view.crossEntropy), 'info-ce'),
    fact('entropy of the labels H(p)', fmt(view.labelEntropy), 'info-h'),
    fact('H(p, q̄) = H(p) + D(p‖q̄)', `${fmt(view.marginalCrossEntropy)} = ${fmt(view.labelEntropy)} + ${fmt(view.marginalKl)}`, 'info-marginal'));
  const shareRows = view.classes.map((c, i) => [c, fmtPct(view.shares[i], 1), fmtPct(view.meanPredicted[i], 1)]);
  const worstRows = view.worst.map((w) => [w.line !== null ? fmtInt(w.line) : `row ${fmtInt(w.row + 1)}`, w.label, fmt(w.probability, 4), fmt(w.information, 4)]);
  const card = h('section', { class: 'card', id: 'information-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Information and cross-entropy')),
    h('p', { class: 'hint' },
      `Each ${splitName} row carries the information I = −log a (in nats) of its true class under the model: 0 when the model was sure and right, `,
      'large when it was sure and wrong. Their mean is the cross-entropy — the log loss. A label is one-hot (its entropy is 0), so each row\u2019s ',
      'term is also its KL divergence from the truth: minimising cross-entropy is minimising KL. H(p) is what predicting only the class shares would cost.'),
    facts,
    box.box,
    h('div', { class: 'grid-2' },
      hscroll(table(['class', 'share p', 'mean prediction q̄'], shareRows, { class: 'numeric', id: 'information-shares' }), 'Class shares'),
      hscroll(table(['CSV line', 'true class', 'a (true class)', 'I = −log a'], worstRows, { class: 'numeric', id: 'information-worst' }), 'Most surprising rows')));
  ctx.charts.make('information', box.canvas, {
    type: 'bar',
    data: {
      labels: view.counts.map((_, i) => fmt((view.edges[i] + view.edges[i + 1]) / 2, 2)),
      datasets: [{ label: `${splitName} rows`, data: view.counts, backgroundColor: theme.purple, borderWidth: 0, barPercentage: 1, categoryPercentage: 1 }],
    },
    options: {
      animation: false,
      scales: {
        x: { title: { display: true, text: 'information −log a of the true class (nats)' }, ticks: { maxTicksLimit: 8 } },
        y: { title: { display: true, text: 'rows' }, beginAtZero: true },
      },
      plugins: { legend: { display: false } },
    },
  });
  return card;
}

function fact(label: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'fact', id }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}
