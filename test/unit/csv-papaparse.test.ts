/**
 * Differential test: our CSV reader against papaparse (an independent RFC 4180 parser) on the sample files and
 * on 240 seeded random CSVs (random quoting, embedded quotes / line breaks / delimiters, CRLF / LF / CR, numbers
 * in many spellings, numbers beyond the float64 range, decimal commas, missing markers, BOM, blank lines, four
 * delimiters, with and without a header).
 *
 * papaparse splits the text into string cells; the reference then applies our documented typing rules
 * independently of our code: trim each cell, missing markers → null, a column is numeric when every non-missing
 * cell matches the decimal-number regex below or is non-finite (`inf`, `infinity`, signed `nan`, or a decimal
 * number that `Number()` takes to ±Infinity; those cells are then missing), else — when the delimiter is not
 * ',' — numeric when every non-missing cell is a decimal-comma number (at least one with a comma), otherwise
 * categorical with levels in order of first appearance. Every cell of every column is compared.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import Papa from 'papaparse';
import { parseCsv, parseCsvStream } from '../../src/engine/data/csv';
import type { ByteReader } from '../../src/engine/data/text-encoding';
import type { CsvOptions } from '../../src/engine/data/csv';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';
import type { ParsedTable } from '../../src/engine/types';

const MISSING = /^(|na|n\/a|nan|null|\?)$/i;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_WORD = /^([+-]?(inf|infinity)|[+-]nan)$/i;

/** A non-finite cell: an infinity or signed NaN spelling, or a decimal number beyond the float64 range. */
function nonFinite(v: string): boolean {
  return NON_FINITE_WORD.test(v) || (DECIMAL.test(v) && !Number.isFinite(Number(v)));
}

/**
 * A decimal-comma cell's value, or null: sign, integer part (plain digits, or groups of three after a first
 * group of 1–3 digits, separated by `sep`), an optional `,` fraction. `sep` is '.', ' ' or '' (no grouping).
 */
function commaNumber(v: string): { value: number; sep: string; comma: boolean } | null {
  const sign = v.startsWith('-') || v.startsWith('+') ? v[0] : '';
  const parts = v.slice(sign.length).split(',');
  if (parts.length > 2 || (parts.length === 2 && !/^\d+$/.test(parts[1]))) return null;
  const int = parts[0];
  let sep = '';
  if (!/^\d+$/.test(int)) {
    sep = int.includes('.') ? '.' : ' ';
    const groups = int.split(sep);
    if (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return null;
  }
  const value = Number(`${sign}${int.split(sep || 'none').join('')}${parts.length === 2 ? `.${parts[1]}` : ''}`);
  return Number.isFinite(value) ? { value, sep, comma: parts.length === 2 } : null;
}

type Cell = number | string | null;
interface RefColumn {
  name: string | null;
  kind: 'numeric' | 'categorical';
  cells: Cell[];
  levels: string[];
  missing: number;
}

/** papaparse rows → reference columns (rules above). Blank lines (one empty-after-trimming cell) are dropped. */
function reference(text: string, delimiter: string, newline: string, hasHeader: boolean, trimText: boolean, what: string): RefColumn[] {
  const res = Papa.parse<Array<string | null>>(text, {
    header: false,
    delimiter,
    newline: newline as '\n' | '\r\n' | '\r',
    skipEmptyLines: true,
    transform: (v: string) => {
      const t = v.trim();
      return MISSING.test(t) ? null : trimText || DECIMAL.test(t) ? t : v;
    },
  });
  const err = res.errors[0];
  assert.ok(!err, err && `${what}: papaparse ${err.code} near ${JSON.stringify(text.slice((err.index ?? 0) - 40, (err.index ?? 0) + 40))}`);
  const rows = res.data.filter((r) => !(r.length === 1 && r[0] === null));
  const names = hasHeader ? rows[0] : null;
  const data = hasHeader ? rows.slice(1) : rows;
  const ncols = rows[0].length;
  const out: RefColumn[] = [];
  for (let j = 0; j < ncols; j++) {
    const raw = data.map((r) => {
      assert.equal(r.length, ncols, 'papaparse row length');
      return r[j];
    });
    const present = raw.filter((v): v is string => v !== null);
    const numeric = present.every((v) => (DECIMAL.test(v) && Number.isFinite(Number(v))) || nonFinite(v));
    const commas = delimiter === ',' || numeric ? null : present.map((v) => commaNumber(v.trim()));
    const comma =
      commas !== null &&
      commas.every((c) => c !== null) &&
      commas.some((c) => c?.comma) &&
      new Set(commas.map((c) => c?.sep).filter((sep) => sep !== '')).size <= 1;
    let cells: Cell[];
    if (numeric) cells = raw.map((v) => (v === null || nonFinite(v) ? null : Number(v)));
    else if (comma) cells = raw.map((v) => (v === null ? null : (commaNumber(v.trim())?.value ?? null)));
    else cells = raw;
    out.push({
      name: names ? names[j] : null,
      kind: numeric || comma ? 'numeric' : 'categorical',
      cells,
      levels: numeric || comma ? [] : [...new Set(present)],
      missing: cells.filter((c) => c === null).length,
    });
  }
  return out;
}

function compare(ours: ParsedTable, ref: RefColumn[], what: string): void {
  assert.equal(ours.columns.length, ref.length, `${what}: column count`);
  ours.columns.forEach((c, j) => {
    const r = ref[j];
    const where = `${what}, column ${j} (${c.name})`;
    if (r.name !== null) assert.equal(c.name, r.name, `${where}: name`);
    else assert.equal(c.name, `column${j + 1}`, `${where}: name`);
    assert.equal(c.kind, r.kind, `${where}: kind`);
    assert.equal(c.missing, r.missing, `${where}: missing`);
    assert.equal(ours.rowCount, r.cells.length, `${where}: rows`);
    if (c.kind === 'numeric') {
      // deepStrictEqual compares with Object.is: NaN/-0 exact.
      assert.deepEqual(
        Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)),
        r.cells,
        `${where}: values`,
      );
    } else {
      assert.deepEqual(c.levels, r.levels, `${where}: levels`);
      assert.deepEqual(
        Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k])),
        r.cells,
        `${where}: cells`,
      );
    }
  });
}

// ───────────────────────────── random CSV generator ─────────────────────────────

const DELIMS = [',', ';', '\t', '|'];
const EOLS = ['\n', '\r\n', '\r'];
const MARKERS = ['', '', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', '?', 'na'];
const PIECES = ['a', 'b', 'x', 'Zeta', 'café', '日本', '🙂', 'ü', ' ', ' ', '"', ',', ';', '|', '\t', '\n', '\r\n', '\r', '.', '-', '1', '42', "'", 'e'];

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** A number spelled in one of many ways (integers, decimals, exponents, signs, many digits). */
function numberText(rng: Rng): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(rng, 10))).join('');
  const sign = pick(rng, ['', '', '', '-', '+']);
  switch (int(rng, 8)) {
    case 0:
      return sign + String(int(rng, 1000));
    case 1:
      return `${sign}${int(rng, 100)}.${digits(1 + int(rng, 6))}`;
    case 2:
      return `${sign}${digits(1 + int(rng, 3))}.${digits(int(rng, 4))}e${pick(rng, ['', '-', '+'])}${int(rng, 40)}`;
    case 3:
      return `${sign}.${digits(1 + int(rng, 5))}`;
    case 4:
      return `${sign}${digits(1 + int(rng, 12))}.${digits(1 + int(rng, 12))}`; // often > 15 digits
    case 5:
      return `${sign}${digits(1 + int(rng, 4))}E${pick(rng, ['-', '+', ''])}${int(rng, 330)}`; // extremes: beyond 1.8e308 non-finite
    case 6:
      return `${sign}${int(rng, 10)}.`;
    default:
      return (rng() * 200 - 100).toString();
  }
}

/** A number whose value is finite (no extreme exponent). */
function finiteNumberText(rng: Rng): string {
  return numberText(rng).replace(/E\S*$/, '');
}

/** A decimal-comma number (`3,14`, `-12`, `1.234,5` or `1 234,5` with grouping `sep`). */
function commaText(rng: Rng, sep: string): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(rng, 10))).join('');
  const sign = pick(rng, ['', '', '-', '+']);
  switch (int(rng, 3)) {
    case 0:
      return sign + String(int(rng, 1000));
    case 1:
      return `${sign}${int(rng, 100)},${digits(1 + int(rng, 4))}`;
    default:
      return `${sign}${1 + int(rng, 999)}${sep}${digits(3)}${rng() < 0.3 ? `${sep}${digits(3)}` : ''},${digits(1 + int(rng, 3))}`;
  }
}

/** Text without leading/trailing whitespace (inside quotes it is kept verbatim; outside it is trimmed). */
function wordText(rng: Rng, allowSpecial: boolean): string {
  let s = '';
  const n = 1 + int(rng, 4);
  for (let i = 0; i < n; i++) s += allowSpecial ? pick(rng, PIECES) : pick(rng, PIECES.slice(0, 8));
  s = s.replace(/^\s+|\s+$/g, '');
  return s === '' ? 'w' : s;
}

interface Generated {
  text: string;
  delimiter: string;
  eol: string;
  hasHeader: boolean;
  /** Whether our reader is left to detect the delimiter and the header. */
  detect: boolean;
}

function generate(seed: number): Generated {
  const rng = createRng(seed);
  const delimiter = pick(rng, DELIMS);
  const eol = pick(rng, EOLS);
  const ncols = 2 + int(rng, 6);
  const hasHeader = rng() < 0.75;
  const nrows = (hasHeader ? 1 : 2) + int(rng, 30); // one line alone would be taken as a header
  const detect = rng() < 0.5;
  const kinds: Array<'num' | 'text' | 'mixed' | 'comma'> = Array.from({ length: ncols }, () => pick(rng, ['num', 'num', 'text', 'mixed'] as const));
  kinds[int(rng, ncols)] = 'num'; // at least one numeric column (makes detection unambiguous, see below)
  // Decimal commas in a column of a file not delimited by ','.
  const commaSep = pick(rng, ['.', ' ']);
  if (delimiter !== ',' && rng() < 0.5) {
    const j = int(rng, ncols);
    if (kinds.indexOf('num') !== j || kinds.lastIndexOf('num') !== j) kinds[j] = 'comma';
  }
  const missingRate = kinds.map(() => (rng() < 0.5 ? 0 : rng() * 0.4));
  const quoteRate = rng() * 0.5;

  const field = (value: string): string => {
    // Quoting is required for the delimiter, quotes at the start, and line breaks; when detection is on, any
    // candidate delimiter is quoted too, so the true delimiter is the only one splitting lines consistently.
    const special =
      value.includes(delimiter) ||
      value.startsWith('"') ||
      /[\r\n]/.test(value) ||
      (value.includes('"') && rng() < 0.7) ||
      (detect && DELIMS.some((d) => value.includes(d)));
    if (special || rng() < quoteRate) {
      return `"${value.replace(/"/g, '""')}"${rng() < 0.1 ? '  ' : ''}`;
    }
    const pad = (): string => (rng() < 0.15 ? ' '.repeat(1 + int(rng, 2)) : '');
    return pad() + value + pad();
  };

  const lines: string[] = [];
  if (hasHeader) {
    lines.push(kinds.map((_, j) => field(`${pick(rng, ['col', 'Name', 'größe', 'x y', 'v'])}${j}`)).join(delimiter));
  }
  const firstNum = kinds.indexOf('num');
  for (let i = 0; i < nrows; i++) {
    const cells = kinds.map((k, j) => {
      if (!hasHeader && i === 0) {
        // Without a header the first row must not look like one: numbers (finite) or missing markers where
        // the column is numeric, and the first numeric column always gets a number.
        if (k === 'comma') return commaText(rng, commaSep);
        if (k !== 'text') return j !== firstNum && rng() < missingRate[j] ? pick(rng, MARKERS) : finiteNumberText(rng);
      }
      if (!hasHeader && i === 1 && k === 'text') return `w${wordText(rng, true)}`; // text below → not a header
      if (rng() < missingRate[j]) return pick(rng, MARKERS);
      if (k === 'num') return numberText(rng);
      if (k === 'comma') return commaText(rng, commaSep);
      if (k === 'mixed') return rng() < 0.8 ? numberText(rng) : wordText(rng, true);
      return rng() < 0.1 ? numberText(rng) : wordText(rng, true);
    });
    // With a header, make sure the first numeric column has a number somewhere below it.
    if (hasHeader && i === nrows - 1) cells[firstNum] = finiteNumberText(rng);
    lines.push(cells.map(field).join(delimiter));
    if (rng() < 0.05) lines.push(pick(rng, ['', '   ']));
  }
  // papaparse rejects spaces after a closing quote at the very end of the input (we accept them).
  let text = lines.join(eol).replace(/" +$/, '"');
  if (rng() < 0.6) text += eol;
  if (rng() < 0.1) text += eol + '  ' + eol;
  if (rng() < 0.2) text = '\ufeff' + text;
  return { text, delimiter, eol, hasHeader, detect };
}

/**
 * `bytes` after any UTF-8 byte-order mark, handed out a few bytes at a time (1 to `most`, seeded), so that the
 * streaming reader's windows end inside characters, quotes, CRLFs and records.
 */
function trickle(bytes: Uint8Array, seed: number, most: number): () => ByteReader {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return () => {
    const rng = createRng(seed);
    let at = 0;
    return {
      read(out: Uint8Array, to: number, length: number): number {
        const n = Math.min(length, body.length - at, 1 + int(rng, most));
        out.set(body.subarray(at, at + n), to);
        at += n;
        return n;
      },
    };
  };
}

// ───────────────────────────── tests ─────────────────────────────

describe('CSV differential test against papaparse', () => {
  for (const name of ['titanic', 'iris', 'breast_cancer', 'digits', 'toy_train', 'toy_test']) {
    test(`samples/${name}.csv`, () => {
      const bytes = readFileSync(`samples/${name}.csv`);
      const ours = parseCsv(bytes, { file: `${name}.csv` });
      const text = bytes.toString('utf8');
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      compare(ours, reference(text, ',', eol, true, false, name), name);
    });
  }

  test('240 random CSVs', () => {
    let detected = 0;
    let nonFiniteFiles = 0;
    let commaFiles = 0;
    for (let seed = 1; seed <= 240; seed++) {
      const g = generate(seed);
      const options: CsvOptions = g.detect ? {} : { delimiter: g.delimiter, hasHeader: g.hasHeader };
      const what = `seed ${seed} (delimiter ${JSON.stringify(g.delimiter)}, eol ${JSON.stringify(g.eol)}, header ${g.hasHeader}, detect ${g.detect})`;
      let ours: ParsedTable;
      try {
        ours = parseCsv(new TextEncoder().encode(g.text), options);
      } catch (e) {
        assert.fail(`${what}: ${String(e)}\n${JSON.stringify(g.text)}`);
      }
      assert.equal(ours.delimiter, g.delimiter, `${what}: delimiter`);
      assert.equal(ours.hasHeader, g.hasHeader, `${what}: header`);
      if (g.detect) detected++;
      const ref = reference(g.text, g.delimiter, g.eol, g.hasHeader, true, what);
      compare(ours, ref, what);
      // The same text streamed a few bytes at a time (a given delimiter needs no head: windows end everywhere).
      const bytes = new TextEncoder().encode(g.text);
      const streamed = parseCsvStream(trickle(bytes, seed, 1 + (seed % 9)), bytes.length, options);
      compare(streamed, ref, `${what}, streamed`);
      assert.deepEqual(streamed.lines, ours.lines, `${what}, streamed: CSV lines`);
      assert.equal(streamed.firstLine, ours.firstLine, `${what}, streamed: first line`);
      for (const n of ours.notices ?? []) {
        if (n.includes('non-finite')) nonFiniteFiles++;
        if (n.includes('decimal commas')) commaFiles++;
      }
    }
    assert.ok(detected > 80, 'a good share of cases exercises detection');
    assert.ok(nonFiniteFiles > 20, `non-finite numbers read as missing in ${nonFiniteFiles} files`);
    assert.ok(commaFiles > 20, `decimal commas read as numbers in ${commaFiles} files`);
  });

  test('the generator really produces the hard cases', () => {
    // Guards against a generator change that silently stops covering them.
    const all = Array.from({ length: 240 }, (_, i) => generate(i + 1));
    const count = (f: (g: Generated) => boolean): number => all.filter(f).length;
    assert.ok(count((g) => g.text.startsWith('\ufeff')) > 20, 'BOM');
    assert.ok(count((g) => g.text.includes('""')) > 50, 'escaped quotes');
    assert.ok(count((g) => /"[^"]*\n[^"]*"/.test(g.text)) > 20, 'line breaks in quotes');
    for (const d of DELIMS) assert.ok(count((g) => g.delimiter === d) > 30, `delimiter ${JSON.stringify(d)}`);
    for (const e of EOLS) assert.ok(count((g) => g.eol === e) > 40, `eol ${JSON.stringify(e)}`);
    assert.ok(count((g) => !g.hasHeader) > 30, 'no header');
    assert.ok(count((g) => /\bN\/A\b|\bnull\b/i.test(g.text)) > 30, 'missing markers');
  });
});

describe('the streaming file reader against papaparse on files larger than its 4 MiB blocks', () => {
  const CITIES = ['Zürich', 'São Paulo', '"Washington, D.C."', 'Köln', 'Lyon', 'Málaga', '"Quote ""here"""', 'Oslo', 'NA', ''];
  const BLOCK = 4 << 20;

  /**
   * About 13 MB, CRLF: an id, a decimal with missing values, a city (quoted commas and quotes, non-ASCII), a
   * column of numbers that turns to text after 9 MB (the reader recovers the numbers' text from the rows above),
   * a note that is sometimes a quoted multi-line text, and one such note across byte 4 MiB, where the first block ends.
   */
  function bigCsv(): string {
    const rng = createRng(99);
    const parts: string[] = ['id,x,city,late,note,y'];
    let size = parts[0].length + 2;
    let across = false;
    for (let i = 0; size < 13_000_000; i++) {
      const x = rng() < 0.05 ? '' : (rng() * 2000 - 1000).toFixed(int(rng, 5));
      const late = size < 9_000_000 ? String(int(rng, 100)) : rng() < 0.5 ? 'unknown' : (rng() * 10).toFixed(1);
      let note = rng() < 0.01 ? `"first line\r\nsecond, ""quoted"" line"` : pick(rng, ['a', 'b', 'ok', '']);
      if (!across && size > BLOCK - 300) {
        note = `"${Array.from({ length: 12 }, (_, k) => `part ${k} of a long note`).join('\r\n')}"`;
        across = true;
      }
      const line = `${i},${x},${pick(rng, CITIES)},${late},${note},${int(rng, 2)}`;
      parts.push(line);
      size += Buffer.byteLength(line) + 2;
    }
    return parts.join('\r\n') + '\r\n';
  }

  const dir = mkdtempSync(join(tmpdir(), 'lab-stream-'));
  const text = bigCsv();
  const bytes = Buffer.from(text, 'utf8');

  test('UTF-8: every cell, the late text column and the CSV lines', () => {
    const file = join(dir, 'big.csv');
    writeFileSync(file, bytes);
    const ours = readCsvFile(file);
    compare(ours, reference(text, ',', '\r\n', true, true, 'big.csv'), 'big.csv');
    const late = ours.columns[3];
    assert.equal(late.kind, 'categorical', 'late turns to text');
    // Every record starts on the line after the previous one's last line (multi-line notes take 2 or 12 lines).
    const starts: number[] = [];
    let line = 2;
    for (const row of Papa.parse<string[]>(text, { newline: '\r\n', skipEmptyLines: true }).data.slice(1)) {
      starts.push(line);
      line += 1 + row.join(',').split('\r\n').length - 1;
    }
    assert.deepEqual(Array.from(ours.lines ?? []), starts, 'CSV line of every row');
    assert.equal(ours.notices, undefined);
  });

  test('the 13 MB text is never held whole: no read asks for more than one window of a few MiB', () => {
    let most = 0;
    let reads = 0;
    const table = parseCsvStream(() => {
      let at = 0;
      return {
        read(out: Uint8Array, to: number, length: number): number {
          most = Math.max(most, length, out.length);
          reads++;
          const n = Math.min(length, bytes.length - at);
          out.set(bytes.subarray(at, at + n), to);
          at += n;
          return n;
        },
      };
    }, bytes.length);
    assert.equal(table.rowCount, parseCsv(bytes).rowCount);
    assert.ok(most <= BLOCK + (1 << 20), `largest window ${most} bytes`);
    assert.ok(reads >= 4, `${reads} reads`);
  });

  test('a byte that is not UTF-8 at 11 MB: the whole file is read as Windows-1252, the notice gives its line', () => {
    const bad = Buffer.from(bytes);
    const at = bad.indexOf(Buffer.from('Köln'), 11_000_000);
    bad[at + 1] = 0xf6; // ö in Windows-1252 (C3 B6 in UTF-8 before): the other bytes stay, read as 1252 too
    bad[at + 2] = 0x20;
    const file = join(dir, 'latin.csv');
    writeFileSync(file, bad);
    const latin = bad.toString('latin1'); // = Windows-1252 for the bytes of this file (none in 0x80–0x9F)
    assert.ok(!/[\u0080-\u009f]/.test(latin));
    const ours = readCsvFile(file);
    compare(ours, reference(latin, ',', '\r\n', true, true, 'latin.csv'), 'latin.csv');
    const lineOfBad = latin.slice(0, at + 1).split('\r\n').length;
    assert.deepEqual(ours.notices, [`decoded as Windows-1252: the file is not valid UTF-8 (first bad byte at line ${lineOfBad})`]);
    assert.ok(ours.columns[2].kind === 'categorical' && ours.columns[2].levels.includes('ZÃ¼rich'));
  });

  test('a ragged row and an unterminated quote after 12 MB name their line', () => {
    const lines = text.split('\r\n');
    let k = 1;
    for (let offset = 0; offset <= 12_000_000 || lines[k].includes('"'); k++) offset += lines[k].length + 2;
    const ragged = [...lines.slice(0, k), `${lines[k]},extra`, ...lines.slice(k + 1)].join('\r\n');
    const file = join(dir, 'ragged.csv');
    writeFileSync(file, ragged);
    const physical = ragged.slice(0, ragged.indexOf(`${lines[k]},extra`)).split('\r\n').length;
    assert.throws(() => readCsvFile(file), (e: Error) => e.message.startsWith(`ragged.csv line ${physical} has 7 fields but the header has 6`));
    const open = text + `9999999,1.5,"never closed,0,a,1\r\n`;
    writeFileSync(file, open);
    const openLine = open.split('\r\n').length - 1;
    assert.throws(() => readCsvFile(file), (e: Error) => e.message.startsWith(`ragged.csv line ${openLine}: a quoted field (column 'city') opens here`));
  });
});
