/** Plain-text rendering for the CLI: the preparation report and a loss curve drawn with characters. */
import type { ColumnReport, HistoryPoint } from '../engine/types';
import { printable } from './terminal-text';

/**
 * The preparation report as an aligned table: one line per source column. Names, levels and reasons come from
 * the user's file and are made printable (see terminal-text.ts) before the columns are measured, so a name
 * holding a line break or an escape sequence stays on its line.
 */
export function formatReport(report: ColumnReport[]): string {
  const rows = report.map((r) => {
    let what: string;
    switch (r.action) {
      case 'target':
        what = 'target';
        break;
      case 'kept':
        what = 'kept';
        break;
      case 'one-hot':
        what = `one-hot → ${r.features.join(', ')}`;
        break;
      case 'dropped':
        what = `dropped: ${r.reason ?? ''}`;
        break;
    }
    const extra = [r.imputed ? `imputed ${r.imputed}` : '', r.scaling ? `scaling ${r.scaling}` : ''].filter((s) => s !== '').join('; ');
    return [r.name, r.sourceType, String(r.distinct), String(r.missing), what + (extra ? ` (${extra})` : '')].map(printable);
  });
  const head = ['column', 'type', 'distinct', 'missing', 'became'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < 4 ? r[i].length : 0))));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 4 ? c : i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return ['Preparation report:', '  ' + line(head), ...rows.map((r) => '  ' + line(r))].join('\n');
}

/**
 * A loss curve in a width×height character grid: '*' train loss, 'o' test loss ('#' where both fall),
 * x = history index (iterations), y = loss from min to max, with axis labels.
 */
export function textCurve(history: HistoryPoint[], width = 60, height = 12): string {
  if (history.length === 0) return '  (no history)';
  const train = history.map((h) => h.trainLoss);
  const test = history.map((h) => h.testLoss).filter((v): v is number => v !== null);
  const all = [...train, ...test];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-12) {
    hi += 0.5;
    lo -= 0.5;
  }
  const grid: string[][] = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  const put = (col: number, v: number, ch: string): void => {
    const r = height - 1 - Math.round(((v - lo) / (hi - lo)) * (height - 1));
    const cur = grid[r][col];
    grid[r][col] = cur === ' ' || cur === ch ? ch : '#';
  };
  const cols = Math.min(width, history.length);
  for (let c = 0; c < cols; c++) {
    const i = cols === 1 ? history.length - 1 : Math.round((c * (history.length - 1)) / (cols - 1));
    put(c, history[i].trainLoss, '*');
    const t = history[i].testLoss;
    if (t !== null) put(c, t, 'o');
  }
  const label = (v: number): string => v.toPrecision(4).padStart(10);
  const lines = grid.map((row, r) => {
    const y = r === 0 ? label(hi) : r === height - 1 ? label(lo) : ' '.repeat(10);
    return `${y} |${row.join('')}`;
  });
  const first = history[0].iteration;
  const last = history[history.length - 1].iteration;
  lines.push(' '.repeat(11) + '+' + '-'.repeat(width));
  lines.push(' '.repeat(12) + `iteration ${first}`.padEnd(width - 12) + `${last}`.padStart(12));
  lines.push(' '.repeat(12) + (test.length > 0 ? "* train loss   o test loss   # both" : '* train loss'));
  return lines.join('\n');
}
