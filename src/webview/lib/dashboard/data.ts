/**
 * Data tab: what became of every source column (type, distinct, missing, action with the reference level of a
 * reference-coded text column, imputation, scaling).
 */
import type { ColumnReport } from '../../../engine/types';
import { h } from '../dom';
import { fmtInt } from '../format';
import { hscroll } from '../overflow';
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
  // Five columns so the report fits a narrow panel: the source type sits under the column name, imputation and
  // scaling share the last column.
  const rows = d.report.map((r) => [
    h('span', { class: 'colname' }, r.name, h('span', { class: 'coltype' }, r.sourceType)),
    fmtInt(r.distinct),
    fmtInt(r.missing),
    action(r),
    preparation(r),
  ]);
  const report = h('table', { class: 'report', id: 'prep-report' },
    h('thead', null, h('tr', null, h('th', null, 'column'), h('th', { class: 'num' }, 'distinct'), h('th', { class: 'num' }, 'missing'),
      h('th', null, 'action'), h('th', null, 'imputation, scaling'))),
    h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c, i) => h('td', { class: i === 1 || i === 2 ? 'num' : null }, c))))));
  root.append(h('section', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Preparation report')),
    h('p', { class: 'hint' }, `Every column of ${d.fileName}: how it was read and what the model receives. Classes of ${d.target}: `,
      ...d.classes.flatMap((c, i) => [i > 0 ? ', ' : '', h('code', null, c)]), '.'),
    facts,
    d.notices.length > 0
      ? h('ul', { class: 'note warn', id: 'read-notices' }, ...d.notices.map((n) => h('li', null, n)))
      : null,
    hscroll(report, 'Preparation report')));
}

/** Imputation and scaling of a column, one per line ("—" when neither applies). */
function preparation(r: ColumnReport): HTMLElement | string {
  const parts = [r.imputed ? ['missing → ', r.imputed] : null, r.scaling ? ['', r.scaling] : null].filter((p): p is string[] => p !== null);
  if (parts.length === 0) return '—';
  return h('span', null, ...parts.map(([lead, text]) => h('span', { class: 'prep-line' }, lead ? h('span', { class: 'hint' }, lead) : null, text)));
}

function action(r: ColumnReport): HTMLElement {
  switch (r.action) {
    case 'target':
      return h('span', { class: 'badge target' }, 'target');
    case 'kept':
      return h('span', null, h('span', { class: 'badge kept' }, 'kept'), r.features.length > 0 && r.features[0] !== r.name ? ` as ${r.features.join(', ')}` : '');
    case 'one-hot':
      return h('span', null, h('span', { class: 'badge onehot' }, `one-hot (${r.features.length})`), ' ',
        ...r.features.flatMap((f, i) => [i > 0 ? ' ' : '', h('code', null, f)]),
        // Reference coding: the level without an indicator; its rows have all indicators 0 (its effect is in the bias).
        r.reference !== undefined
          ? h('span', { class: 'prep-line reference', 'data-reference': r.reference }, h('span', { class: 'hint' }, 'reference: '), h('code', null, r.reference))
          : h('span', { class: 'prep-line hint' }, 'full coding: one indicator per level'));
    case 'dropped':
      return h('span', null, h('span', { class: 'badge dropped' }, 'dropped'), r.reason ? ` ${r.reason}` : '');
    default:
      return h('span', null, String(r.action));
  }
}
