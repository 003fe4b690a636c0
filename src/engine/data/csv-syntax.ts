/**
 * The CSV syntax of the reader (data/csv.ts): byte constants, the number syntax and its exactly rounded
 * conversion, missing markers, non-finite values and their notice, short text decoding and the header-name rule.
 * The reader's loop is specialised for speed; what a field *means* is decided here, once.
 */
import { shownText } from './text-encoding';

export const QUOTE = 34;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;

/** 10^k for k = 0…22: every one is exact in float64 (Clinger's fast path). */
export const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let k = 1; k < 23; k++) POW10[k] = POW10[k - 1] * 10;

export const utf8 = new TextDecoder('utf-8');

/**
 * Parses bytes `b[s, e)` as a decimal number: optional spaces, `[+-]`, digits with an optional `.` fraction
 * (at least one digit), an optional exponent `e[+-]digits`. Returns NaN when the text is not such a number or
 * is not finite. Value = mantissa × 10^exponent, computed exactly rounded: directly when the mantissa has
 * ≤ 15 significant digits and |exponent| ≤ 22 (one correctly rounded multiply/divide of exact operands),
 * otherwise by `Number()` on the text.
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  const v = decimalBytes(b, s, e);
  return v - v === 0 ? v : NaN;
}

/**
 * True when bytes `b[s, e)` (spaces trimmed) are a non-finite value: `inf`, `infinity` or `nan` with a sign
 * (any case; unsigned `nan` is a missing marker and is checked first by the readers), `inf` and `infinity`
 * without one, or a decimal number (the syntax of `parseNumberBytes`) whose value overflows to ±Infinity.
 */
export function isNonFiniteBytes(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  let p = s;
  const signed = p < e && (b[p] === 45 || b[p] === 43);
  if (signed) p++;
  const len = e - p;
  if (len === 3 || len === 8) {
    let word = '';
    for (let i = p; i < e; i++) word += String.fromCharCode(b[i] | 0x20);
    if (word === 'inf' || word === 'infinity' || (signed && word === 'nan')) return true;
  }
  const v = decimalBytes(b, s, e);
  return v === Infinity || v === -Infinity;
}

/** The notice of a numeric column with non-finite values read as missing (the same words in every reader). */
export function nonFiniteNotice(column: string, count: number, line: number): string {
  return `column '${shownText(column)}': ${count} non-finite value${count === 1 ? '' : 's'} (first at line ${line}) read as missing`;
}

/** `parseNumberBytes` without the finiteness check: ±Infinity for numbers beyond the float64 range. */
function decimalBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (s >= e) return NaN;
  let p = s;
  let c = b[p];
  let neg = false;
  if (c === 45) {
    neg = true;
    p++;
  } else if (c === 43) {
    p++;
  }
  let mant = 0;
  let sig = 0; // significant digits accumulated in mant
  let exp = 0;
  let digits = 0;
  let exact = true;
  while (p < e) {
    const d = b[p] - 48;
    if (d < 0 || d > 9) break;
    digits++;
    if (sig < 15) {
      mant = mant * 10 + d;
      if (mant !== 0) sig++;
    } else {
      exact = false;
    }
    p++;
  }
  if (p < e && b[p] === 46) {
    p++;
    while (p < e) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      digits++;
      if (sig < 15) {
        mant = mant * 10 + d;
        if (mant !== 0) sig++;
        exp--;
      } else {
        exact = false;
      }
      p++;
    }
  }
  if (digits === 0) return NaN;
  if (p < e) {
    c = b[p];
    if (c !== 101 && c !== 69) return NaN;
    p++;
    let eneg = false;
    if (p < e && (b[p] === 45 || b[p] === 43)) {
      eneg = b[p] === 45;
      p++;
    }
    let ev = 0;
    const es = p;
    while (p < e) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) return NaN;
      if (ev < 100000) ev = ev * 10 + d;
      p++;
    }
    if (p === es) return NaN;
    exp += eneg ? -ev : ev;
  }
  if (exact) {
    if (mant === 0) return neg ? -0 : 0;
    if (exp >= -22 && exp <= 22) {
      const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
      return neg ? -v : v;
    }
  }
  let text = '';
  for (let i = s; i < e; i++) text += String.fromCharCode(b[i]);
  return Number(text);
}

/** True when bytes `b[s, e)` (spaces trimmed) are a missing marker: empty, NA, N/A, NaN, null or `?`. */
export function isMissingBytes(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  const len = e - s;
  if (len === 0) return true;
  if (len > 4) return false;
  const c0 = b[s] | 0x20;
  if (len === 1) return b[s] === 63; // ?
  if (len === 2) return c0 === 110 && (b[s + 1] | 0x20) === 97; // na
  if (len === 3) {
    const c1 = b[s + 1];
    const c2 = b[s + 2] | 0x20;
    return c0 === 110 && ((c1 === 47 && c2 === 97) || ((c1 | 0x20) === 97 && c2 === 110)); // n/a, nan
  }
  return c0 === 110 && (b[s + 1] | 0x20) === 117 && (b[s + 2] | 0x20) === 108 && (b[s + 3] | 0x20) === 108; // null
}

/** Decodes UTF-8 bytes `b[s, e)` (short ASCII text without the TextDecoder call overhead). */
export function decodeText(b: Uint8Array, s: number, e: number): string {
  if (e - s <= 24) {
    let text = '';
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c >= 0x80) return utf8.decode(b.subarray(s, e));
      text += String.fromCharCode(c);
    }
    return text;
  }
  return utf8.decode(b.subarray(s, e));
}

/**
 * Column names from a header row, the one rule of every reader: a blank field → `column<j>` (1-based), a
 * repeated name → `name_2`, `name_3`, …, never clashing with another column's name. Names are not trimmed.
 */
export function headerNames(texts: string[], blank: (j: number) => boolean = (j) => texts[j].trim() === ''): string[] {
  const raw = texts.map((t, j) => (blank(j) ? '' : t));
  const taken = new Set(raw.filter((t) => t !== ''));
  const used = new Set<string>();
  const out: string[] = [];
  for (let j = 0; j < raw.length; j++) {
    let base = raw[j];
    if (base === '') {
      base = `column${j + 1}`;
      if (!taken.has(base) && !used.has(base)) {
        used.add(base);
        out.push(base);
        continue;
      }
    } else if (!used.has(base)) {
      used.add(base);
      out.push(base);
      continue;
    }
    let k = 2;
    while (taken.has(`${base}_${k}`) || used.has(`${base}_${k}`)) k++;
    const name = `${base}_${k}`;
    used.add(name);
    out.push(name);
  }
  return out;
}
