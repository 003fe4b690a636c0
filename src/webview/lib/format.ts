/**
 * Number formatting shared by every view: one style everywhere so numbers can be compared and recomputed.
 * Missing values (null, undefined, NaN) are shown as "—"; infinities as "∞" / "−∞".
 */

/** Placeholder for a value that does not exist. */
export const MISSING = '—';

/**
 * A number with `sig` significant digits (default 5), trailing zeros removed;
 * exponent notation for |x| ≥ 1e6 or 0 < |x| < 1e-4.
 */
export function fmt(x: number | null | undefined, sig = 5): string {
  if (x === null || x === undefined || Number.isNaN(x)) return MISSING;
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e6 || ax < 1e-4) {
    const [mant, exp] = x.toExponential(sig - 1).split('e');
    return `${trimZeros(mant)}e${exp.replace('+', '')}`;
  }
  return trimZeros(x.toPrecision(sig));
}

/** Removes trailing zeros after a decimal point ("1.2300" → "1.23", "2.000" → "2"). */
function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

/** A fraction as a percentage with one decimal ("0.8212" → "82.1%"). */
export function fmtPct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  return `${(x * 100).toFixed(digits)}%`;
}

/** An integer with thousands separators ("12345" → "12,345"). */
export function fmtInt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return MISSING;
  return Math.round(x).toLocaleString('en-US');
}

/** A number in a sum, with brackets when negative: "(−0.5)" — used in worked examples. */
export function fmtTerm(x: number, sig = 4): string {
  const s = fmt(x, sig);
  return x < 0 ? `(${s})` : s;
}

/**
 * The shortest decimal that reads back as exactly `x`: for a float32 value (the kernels' numbers) the shortest
 * that rounds to the same float32, else JavaScript's shortest float64 text. For hand checks at full precision.
 */
export function fmtExact(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.fround(x) === x) {
    for (let p = 1; p <= 9; p++) {
      const t = x.toPrecision(p);
      if (Math.fround(Number(t)) === x) return String(Number(t));
    }
  }
  return String(x);
}
