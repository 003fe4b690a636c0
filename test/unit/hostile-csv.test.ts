/**
 * The hostile-input corpus (test/fixtures/hostile, written by scripts/fixtures/make_hostile.mjs) through the real
 * reader and the real CLI. Every file has exactly one expected outcome:
 * - an error: its LabError code and line; the message starts with the file's name, names the line (when the
 *   file has one), is one line, holds no control character and no U+FFFD, and — for binary files — nothing
 *   but the reader's own words (no byte of the file);
 * - a table: the exact names and values, and the exact notices (how the file was decoded, decimal commas,
 *   non-finite values).
 * Through `node dist/cli.js train <file> --json` every file exits 0 (a model; stdout is JSON) or 2 (one error
 * line naming the file), never 1 (internal error); the only other stderr lines are the reader's notices, one
 * `note:` line each; nothing the CLI prints holds a raw control character.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { LabError } from '../../src/engine/types';
import type { LabErrorCode, ParsedTable, RawColumn } from '../../src/engine/types';

const DIR = 'test/fixtures/hostile';
const cli = resolve(process.cwd(), 'dist/cli.js');
const path = (name: string): string => join(DIR, name);

type Cell = number | string | null;

function cells(c: RawColumn): Cell[] {
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
}

function table(t: ParsedTable): Record<string, Cell[]> {
  const out: Record<string, Cell[]> = {};
  for (const c of t.columns) out[c.name] = cells(c);
  return out;
}

/** C0 and C1 controls, DEL, and the replacement character of a lossy decoding. */
const UNCLEAN = /[\u0000-\u001F\u007F-\u009F\uFFFD]/;

interface ErrorCase {
  code: LabErrorCode;
  /** Line the error is at (undefined: the file has no line, e.g. an empty file). */
  line: number | undefined;
  /** What the message must say besides the file and the line. */
  says: RegExp;
  /** A binary file: the message must be the reader's own words only. */
  binary?: true;
}

const ERRORS: Record<string, ErrorCase> = {
  'titanic-gzip.csv': { code: 'binary-file', line: 1, says: /is not a text CSV \(line 1 starts like a gzip archive\)\. Unpack it/, binary: true },
  'workbook-xlsx.csv': { code: 'binary-file', line: 1, says: /starts like a zip archive, as \.xlsx workbooks do\)\. Open it in a spreadsheet and export it as CSV/, binary: true },
  'chart-png.csv': { code: 'binary-file', line: 1, says: /starts like a PNG image/, binary: true },
  'report-pdf.csv': { code: 'binary-file', line: 1, says: /starts like a PDF document\)\. Export the table as CSV/, binary: true },
  'nul-bytes.csv': { code: 'binary-file', line: 4, says: /line 4 holds a NUL byte, as binary files do\)\. Export the data as CSV text/, binary: true },
  'control-bytes.csv': { code: 'binary-file', line: 1, says: /64 of its first 256 bytes are control characters, from line 1 on/, binary: true },
  'empty.csv': { code: 'empty-file', line: undefined, says: /^empty\.csv is empty: it has no rows\. Add a header row/ },
  'header-only.csv': { code: 'empty-file', line: 1, says: /is empty: it has a header \(line 1\) but no data rows/ },
  'ragged.csv': { code: 'ragged-row', line: 4, says: /^ragged\.csv line 4 has 2 fields but the header has 3 \(nothing for column 'Survived'\)/ },
  'open-quote.csv': { code: 'bad-csv', line: 3, says: /^open-quote\.csv line 3: a quoted field \(column 'Note'\) opens here but its closing quote is missing/ },
  'terminal-escapes-ragged.csv': { code: 'ragged-row', line: 3, says: /line 3 has 2 fields but the header has 3 \(nothing for column '\[x\]\(command:foo\)'\)/ },
};

/** The small table of make_hostile.mjs (`rows`), as the reader gives it. */
const TITANIC: Record<string, Cell[]> = {
  Name: ['Braund', 'Cumings', 'Heikkinen', 'Futrelle', 'Allen', 'Moran', 'McCarthy', 'Palsson', 'Johnson', 'Nasser'],
  Age: [22, 38, 26, 35, 35, null, 54, 2, 27, 14],
  Fare: [7.25, 71.28, 7.93, 53.1, 8.05, 8.46, 51.86, 21.08, 11.13, 30.07],
  Sex: ['male', 'female', 'female', 'female', 'male', 'male', 'male', 'male', 'female', 'female'],
  Survived: [0, 1, 1, 1, 0, 0, 0, 0, 1, 1],
};

const ACCENTED: Record<string, Cell[]> = {
  Name: ['Müller', 'Zoë', 'Björk', 'Łukasz'],
  Age: [31, 27, 45, 19],
  City: ['Köln', 'Åre', 'Reykjavík', 'Łódź'],
  Survived: [1, 0, 1, 0],
};

const ESC = '\u001b';
const BEL = '\u0007';

interface TableCase {
  delimiter: string;
  values: Record<string, Cell[]>;
  notices: string[] | undefined;
  /** CLI exit code: 0 (a model) or 2 (one error line). */
  cli: 0 | 2;
}

const TABLES: Record<string, TableCase> = {
  'bom-header.csv': { delimiter: ',', values: TITANIC, notices: undefined, cli: 0 },
  'crlf.csv': { delimiter: ',', values: TITANIC, notices: undefined, cli: 0 },
  'cr-only.csv': { delimiter: ',', values: TITANIC, notices: undefined, cli: 0 },
  'utf16le-bom.csv': { delimiter: ',', values: ACCENTED, notices: ['decoded as UTF-16LE: the file starts with its byte-order mark'], cli: 0 },
  'utf16be-nobom.csv': {
    delimiter: ',',
    values: ACCENTED,
    notices: ['decoded as UTF-16BE: every other byte of its first KiB is NUL (UTF-16 without a byte-order mark)'],
    cli: 0,
  },
  'latin1-names.csv': {
    delimiter: ';',
    values: {
      Name: ['Müller', 'Mäller', 'Müller', 'Straße'],
      Alter: [34, 29, 41, 23],
      Ort: ['München', 'Köln', 'Düsseldorf', 'Köln'],
      Betrag: ['12 €', '8 €', '15 €', '9 €'],
      Gekauft: [1, 0, 1, 0],
    },
    notices: ['decoded as Windows-1252: the file is not valid UTF-8 (first bad byte at line 2)'],
    cli: 0,
  },
  'decimal-comma.csv': {
    delimiter: ';',
    values: {
      Größe: [1.72, 1.85, 1.6, 1.78, 1.69, 1.91],
      Gewicht: [68.5, 90.25, 55, 80.5, null, 101.75],
      Preis: [1234.5, 999, 12500.75, 3.14, 2000, 50],
      Gekauft: ['ja', 'nein', 'ja', 'nein', 'ja', 'nein'],
    },
    notices: [
      "column 'Größe': decimal commas read as numbers",
      "column 'Gewicht': decimal commas read as numbers",
      "column 'Preis': decimal commas read as numbers",
    ],
    cli: 0,
  },
  'excel-sep.csv': {
    delimiter: ';',
    values: { Name: ['Ada', 'Bob', 'Cy', 'Dee'], Score: [3.5, 2.25, 4, 1.75], Passed: [1, 0, 1, 0] },
    notices: ["column 'Score': decimal commas read as numbers"],
    cli: 0,
  },
  'non-finite.csv': {
    delimiter: ',',
    values: { x: [1.5, null, 2.5, null, null, 3.5, null, 4.5], y: [2, 3, null, 4, 5, 6, 7, 8], label: [0, 1, 0, 1, 0, 1, 0, 1] },
    notices: [
      "column 'x': 3 non-finite values (first at line 3) read as missing",
      "column 'y': 1 non-finite value (first at line 4) read as missing",
    ],
    cli: 0,
  },
  'terminal-escapes.csv': {
    delimiter: ',',
    // The data are kept verbatim: escaping them is for whoever shows them.
    values: {
      [`${ESC}[31mName${ESC}[0m`]: [`${ESC}]8;;command:workbench.action.terminal.new${BEL}click${ESC}]8;;${BEL}`, `${ESC}[2J${ESC}[H`, 'ok', 'fine'],
      '[x](command:foo)': ['[run](command:workbench.action.reloadWindow)', 'plain', `${ESC}]0;pwned${BEL}`, '[x](command:foo)'],
      Score: [1, 2, 3, 4],
      label: [0, 1, 0, 1],
    },
    notices: undefined,
    cli: 0,
  },
  'one-column.csv': { delimiter: ',', values: { Survived: [0, 1, 1, 0] }, notices: undefined, cli: 2 },
};

describe('hostile CSV corpus through readCsvFile', () => {
  test('every file of the corpus has an expected outcome, and the generator still writes these files', () => {
    const files = readdirSync(DIR).filter((f) => !f.startsWith('.')).sort();
    assert.deepEqual(files, [...Object.keys(ERRORS), ...Object.keys(TABLES)].sort());
    const tmp = mkdtempSync(join(tmpdir(), 'hostile-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/fixtures/make_hostile.mjs', tmp], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(readdirSync(tmp).sort(), files);
      for (const f of files) {
        const made = readFileSync(join(tmp, f));
        const committed = readFileSync(path(f));
        if (f === 'titanic-gzip.csv') {
          // The deflate stream may differ between zlib versions; header and content may not.
          assert.deepEqual(made.subarray(0, 10), committed.subarray(0, 10), f);
          assert.deepEqual(gunzipSync(made), gunzipSync(committed), f);
        } else {
          assert.ok(made.equals(committed), `${f} differs from what make_hostile.mjs writes`);
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  for (const [name, want] of Object.entries(ERRORS)) {
    test(`${name}: ${want.code}${want.line !== undefined ? ` at line ${want.line}` : ''}`, () => {
      let error: unknown = null;
      try {
        readCsvFile(path(name));
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof LabError, `expected a LabError, got ${String(error)}`);
      const { message, location } = error;
      assert.equal(error.code, want.code, message);
      assert.equal(location.file, path(name));
      assert.equal(location.line, want.line);
      assert.ok(message.startsWith(`${name} `), message);
      if (want.line !== undefined) assert.ok(message.includes(`line ${want.line}`), message);
      assert.match(message, want.says);
      assert.ok(!UNCLEAN.test(message), JSON.stringify(message));
      if (want.binary) assert.match(message, /^[\x20-\x7E–]+$/, 'only the reader\'s own words');
    });
  }

  for (const [name, want] of Object.entries(TABLES)) {
    test(`${name}: ${Object.keys(want.values).length} columns${want.notices ? `, ${want.notices.length} notice(s)` : ''}`, () => {
      const t = readCsvFile(path(name));
      assert.equal(t.delimiter, want.delimiter);
      assert.equal(t.hasHeader, true);
      assert.deepEqual(table(t), want.values);
      assert.deepEqual(t.notices, want.notices);
      for (const n of t.notices ?? []) assert.ok(!UNCLEAN.test(n), JSON.stringify(n));
    });
  }

  test('the two Windows-1252 names stay two levels', () => {
    const name = readCsvFile(path('latin1-names.csv')).columns[0];
    assert.ok(name.kind === 'categorical');
    assert.deepEqual(name.levels, ['Müller', 'Mäller', 'Straße']);
    assert.deepEqual(Array.from(name.codes), [0, 1, 0, 2]);
  });
});

describe('hostile CSV corpus through the CLI (node dist/cli.js train <file> --json)', () => {
  const files = [...Object.keys(ERRORS), ...Object.keys(TABLES)].sort();
  for (const name of files) {
    const expected = name in ERRORS ? 2 : TABLES[name].cli;
    test(`${name}: exit ${expected}`, () => {
      const r = spawnSync(process.execPath, [cli, 'train', path(name), '--json'], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(r.status, 1, `internal error: ${r.stderr}`);
      assert.equal(r.status, expected, r.stderr);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      const notes = lines.filter((l) => l.startsWith('logistic-lab: note: '));
      const others = lines.filter((l) => !l.startsWith('logistic-lab: note: '));
      const notices = name in TABLES ? (TABLES[name].notices ?? []) : [];
      assert.deepEqual(notes, notices.map((n) => `logistic-lab: note: ${name}: ${n}`));
      if (expected === 2) {
        assert.equal(others.length, 1, r.stderr);
        assert.ok(others[0].startsWith('logistic-lab: ') && others[0].includes(name), others[0]);
      } else {
        assert.deepEqual(others, [], r.stderr);
        assert.equal((JSON.parse(r.stdout) as { file: string }).file, basename(name));
      }
      assert.ok(!UNCLEAN.test(r.stderr.replace(/\n/g, '')), JSON.stringify(r.stderr));
      assert.ok(!UNCLEAN.test(r.stdout.replace(/\n/g, '')), 'stdout holds a raw control character');
    });
  }
});
