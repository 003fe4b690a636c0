/** Tick labels of the charts' axes (pure: no DOM, no Chart.js). */

/**
 * Tick labels of a logarithmic axis: over more than three decades only the powers of ten, in exponent form
 * ("1e-8"); over one to three decades the ticks 1, 2 and 5 × 10^k; within a decade every tick Chart.js chooses
 * (two significant digits, "0.03"). The axis's own end ticks (its min and max, wherever they fall) lose their
 * label when it is not a one-digit value and lies closer to the neighbouring tick than the ticks' median spacing
 * (in log units), so that an odd "0.97" does not sit just above "0.9". `ticks` are the axis's ticks in order.
 */
export function logTickLabel(value: number, ticks: ReadonlyArray<{ value: number }>): string {
  if (!(value > 0)) return '';
  const lo = ticks.length > 0 ? ticks[0].value : value;
  const hi = ticks.length > 0 ? ticks[ticks.length - 1].value : value;
  const decades = lo > 0 && hi > 0 ? Math.abs(Math.log10(hi / lo)) : 0;
  const e = Math.log10(value);
  const power = Math.abs(e - Math.round(e)) < 1e-9;
  if (decades > 3 && !power) return '';
  const lead = Math.round(value / Math.pow(10, Math.floor(e + 1e-9)));
  if (decades > 1 && lead !== 1 && lead !== 2 && lead !== 5) return '';
  if (ticks.length > 2 && (value === lo || value === hi) && Number(value.toPrecision(1)) !== value) {
    const neighbour = value === lo ? ticks[1].value : ticks[ticks.length - 2].value;
    if (neighbour > 0 && Math.abs(Math.log10(value / neighbour)) < medianGap(ticks)) return '';
  }
  if (power && (value < 1e-3 || value >= 1e4)) return `1e${Math.round(e)}`;
  return String(Number(value.toPrecision(2)));
}

/** The median distance between consecutive ticks in log10 units (the upper median for an even count). */
function medianGap(ticks: ReadonlyArray<{ value: number }>): number {
  const gaps: number[] = [];
  for (let i = 1; i < ticks.length; i++) {
    if (ticks[i].value > 0 && ticks[i - 1].value > 0) gaps.push(Math.abs(Math.log10(ticks[i].value / ticks[i - 1].value)));
  }
  gaps.sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[gaps.length >> 1] : 0;
}
