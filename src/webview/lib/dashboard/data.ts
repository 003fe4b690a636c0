/** Data tab: what became of every source column (type, distinct, missing, action, imputation, scaling). */
import type { ColumnReport } from '../../../engine/types';
import { h, table } from '../dom';
import { fmtInt } from '../format';
import type { DashboardContext } from './context';

/** Builds the Data tab. */
export function renderData(ctx: DashboardContext, root: HTMLElement): void {
  const d = ctx.state.dataset;
  const facts = h('div', { class: 'kpis' },
    ...([
      ['rows in file', fmtInt(d.rows)],
      ['training rows', fmtInt(d.mTrain)],
      ['test rows', fmtInt(d.mTest)],
      ['features', fmtInt(d.featureNames.length)],
      ['classes', fmtInt(d.classes.length)],
    ] as const).map(([label, value]) => h('div', { class: 'kpi' }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label))));
  const rows = d.report.map((r) => [
    h('span', { class: 'colname' }, r.name),
    r.sourceType,
    fmtInt(r.distinct),
    fmtInt(r.missing),
    action(r),
    r.imputed ?? '—',
    r.scaling ?? '—',
  ]);
  root.append(h('section', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Preparation report')),
    h('p', { class: 'hint' }, `Every column of ${d.fileName}: how it was read and what the model receives. Classes of ${d.target}: `,
      ...d.classes.flatMap((c, i) => [i > 0 ? ', ' : '', h('code', null, c)]), '.'),
    facts,
    h('div', { class: 'scroll-x' },
      table(['column', 'type', 'distinct', 'missing', 'action', 'imputation', 'scaling'], rows, { class: 'report', id: 'prep-report' }, 99))));
}

function action(r: ColumnReport): HTMLElement {
  switch (r.action) {
    case 'target':
      return h('span', { class: 'badge target' }, 'target');
    case 'kept':
      return h('span', null, h('span', { class: 'badge kept' }, 'kept'), r.features.length > 0 && r.features[0] !== r.name ? ` as ${r.features.join(', ')}` : '');
    case 'one-hot':
      return h('span', null, h('span', { class: 'badge onehot' }, `one-hot (${r.features.length})`), ' ',
        ...r.features.flatMap((f, i) => [i > 0 ? ' ' : '', h('code', null, f)]));
    case 'dropped':
      return h('span', null, h('span', { class: 'badge dropped' }, 'dropped'), r.reason ? ` ${r.reason}` : '');
    default:
      return h('span', null, String(r.action));
  }
}
