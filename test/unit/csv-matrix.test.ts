import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvMatrix, readCsvMatrixSync } from '../../src/engine/node/csv-matrix';
import type { CsvMatrix } from '../../src/engine/node/csv-matrix';
import { createRng } from '../../src/engine/random';
import { LabError } from '../../src/engine/types';
import type { MatrixStore } from '../../src/engine/types';

/**
 * The streaming matrix reader against a deliberately simple reference parse of the same text: split into lines,
 * drop blank lines, split on the delimiter, strip quotes, `Math.fround(Number(text))` (missing markers → NaN).
 * Small chunk sizes force numbers, quotes and CRLF pairs to straddle chunk boundaries.
 */

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'csv-matrix-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', '?']);

interface Reference {
  names: string[];
  rows: string[][];
}

function referenceParse(text: string, delim: string, header: boolean): Reference {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
  const split = (l: string): string[] =>
    l.split(delim).map((f) => {
      const t = f.trim();
      return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t;
    });
  const first = split(lines[0]);
  return header
    ? { names: first, rows: lines.slice(1).map(split) }
    : { names: first.map((_, j) => `column${j + 1}`), rows: lines.map(split) };
}

function refNumber(t: string): number {
  return MISSING.has(t.trim().toLowerCase()) ? NaN : Math.fround(Number(t));
}

/** Asserts that r equals the reference parse with label column lc. */
function assertMatches(r: CsvMatrix, ref: Reference, lc: number): void {
  const m = ref.rows.length;
  const n = ref.names.length - 1;
  assert.equal(r.m, m);
  assert.equal(r.n, n);
  assert.equal(r.X.length, m * n);
  assert.deepEqual(r.featureNames, ref.names.filter((_, j) => j !== lc));
  assert.equal(r.labelName, ref.names[lc]);
  let missing = 0;
  for (let i = 0; i < m; i++) {
    let o = i * n;
    for (let j = 0; j < ref.names.length; j++) {
      if (j === lc) {
        const want = ref.rows[i][j];
        const got = r.classes[r.y[i]];
        assert.ok(got === want || Number(got) === Number(want), `row ${i} label ${got} vs ${want}`);
        continue;
      }
      const want = refNumber(ref.rows[i][j]);
      if (Number.isNaN(want)) missing++;
      const got = r.X[o++];
      if (!Object.is(got, want)) assert.fail(`row ${i} col ${j}: ${got} vs reference ${want} ('${ref.rows[i][j]}')`);
    }
  }
  assert.equal(r.missing, missing);
}

/** Random numeric text in many spellings. */
function randomField(rng: () => number): string {
  const u = rng();
  if (u < 0.3) return String(Math.floor(rng() * 256));
  if (u < 0.45) return (rng() * 200 - 100).toFixed(Math.floor(rng() * 6));
  if (u < 0.55) return String((rng() - 0.5) * 1e6); // up to 17 significant digits
  if (u < 0.62) return `${(rng() * 10).toFixed(3)}e${Math.floor(rng() * 60) - 30}`;
  if (u < 0.67) return `+${Math.floor(rng() * 99)}`;
  if (u < 0.71) return ` ${Math.floor(rng() * 50)}  `;
  if (u < 0.75) return `"${(rng() * 9).toFixed(2)}"`;
  if (u < 0.8) return ['', 'NA', '?', 'nan', 'null', 'N/A'][Math.floor(rng() * 6)];
  if (u < 0.85) return `-0.${Math.floor(rng() * 1000)}`;
  if (u < 0.9) return `.${Math.floor(rng() * 100)}`;
  if (u < 0.93) return '0.1234567890123456789';
  return String(Math.floor(rng() * 3));
}

function randomCsv(seed: number, rows: number, cols: number, lc: number, eol: string, delim: string): string {
  const rng = createRng(seed);
  const names = Array.from({ length: cols }, (_, j) => (j === lc ? 'label' : `f${j}`));
  let out = names.join(delim) + eol;
  for (let i = 0; i < rows; i++) {
    const f = Array.from({ length: cols }, (_, j) => (j === lc ? String(Math.floor(rng() * 4) * 2 - 1) : randomField(rng)));
    out += f.join(delim) + eol;
    if (rng() < 0.05) out += eol; // blank line
  }
  return out;
}

describe('readCsvMatrixSync against a reference parse', () => {
  for (const [eol, ename] of [['\n', 'LF'], ['\r\n', 'CRLF'], ['\r', 'CR']] as const) {
    for (const chunk of [64, 97, 1000, 1 << 20]) {
      test(`random numbers, ${ename} line ends, chunk ${chunk} bytes`, () => {
        const text = randomCsv(chunk + eol.length, 120, 9, 3, eol, ',');
        const p = file(`r-${ename}-${chunk}.csv`, text);
        const r = readCsvMatrixSync(p, { chunkSize: chunk });
        assert.equal(r.hasHeader, true);
        assert.equal(r.delimiter, ',');
        assertMatches(r, referenceParse(text, ',', true), 3);
        assert.deepEqual(r.classes, ['-1', '1', '3', '5']);
      });
    }
  }

  test('no final line end, semicolons, UTF-8 BOM, label found by name in the middle', () => {
    const text = '\uFEFFa;target;b\n1;x;2\n3.5;y;-4\n\n5;x;6';
    const r = readCsvMatrixSync(file('semi.csv', text), { chunkSize: 64 });
    assert.equal(r.delimiter, ';');
    assert.equal(r.labelName, 'target');
    assert.deepEqual(Array.from(r.X), [1, 2, 3.5, -4, 5, 6]);
    assert.deepEqual(r.classes, ['x', 'y']);
    assert.deepEqual(Array.from(r.y), [0, 1, 0]);
  });

  test('numeric labels are ordered numerically, text labels by first appearance', () => {
    const r1 = readCsvMatrixSync(file('num.csv', 'y,v\n10,1\n2,1\n-1,1\n2,1\n'));
    assert.deepEqual(r1.classes, ['-1', '2', '10']);
    assert.deepEqual(Array.from(r1.y), [2, 1, 0, 1]);
    // Without a label-like name the label is column 0, so the text column is a (rejected) feature.
    assert.throws(() => readCsvMatrixSync(file('txt.csv', 'v,kind\n1,dog\n2,cat\n3,dog\n')), /'dog' is not a number/);
    const r3 = readCsvMatrixSync(file('txt.csv', 'v,kind\n1,dog\n2,cat\n3,dog\n'), { label: 'kind' });
    assert.deepEqual(r3.classes, ['dog', 'cat']);
    assert.deepEqual(Array.from(r3.y), [0, 1, 0]);
    assert.deepEqual(Array.from(r3.X), [1, 2, 3]);
  });

  test('headerless file: columns named column1…, label by index, tab delimiter', () => {
    const text = '1\t0.5\t7\n0\t1.5\t8\n';
    const r = readCsvMatrixSync(file('tab.csv', text), { label: 2 });
    assert.equal(r.hasHeader, false);
    assert.equal(r.delimiter, '\t');
    assert.deepEqual(r.featureNames, ['column1', 'column2']);
    assert.equal(r.labelName, 'column3');
    assertMatches(r, referenceParse(text, '\t', false), 2);
  });

  /** A plain store that records what the reader asks of it. */
  const recording = (): { store: MatrixStore; log: string[]; allocated: Float32Array[]; released: Float32Array[] } => {
    const log: string[] = [];
    const allocated: Float32Array[] = [];
    const released: Float32Array[] = [];
    return {
      log, allocated, released,
      store: {
        alloc: (len) => { log.push(`alloc ${len}`); const X = new Float32Array(len); allocated.push(X); return X; },
        view: (X, b, e) => { log.push(`view ${b}-${e}`); return X.subarray(b, e); },
        release: (X) => { log.push('release'); released.push(X); },
      },
    };
  };

  test('store: alloc receives the exact matrix size and the matrix is written into it', () => {
    const rec = recording();
    const r = readCsvMatrixSync(file('alloc.csv', 'label,a,b\n1,2,3\n\n0,4,5\n'), { store: rec.store });
    assert.deepEqual(rec.log, ['alloc 4']);
    assert.equal(r.X, rec.allocated[0]);
    assert.deepEqual(Array.from(r.X), [2, 3, 4, 5]);
  });

  test('store: rows fewer than counted lines (whitespace-only lines) give a view of the first rows', () => {
    const rec = recording();
    const r = readCsvMatrixSync(file('alloc2.csv', 'label,a\n1,2\n  \n0,3\n'), { store: rec.store });
    assert.deepEqual(rec.log, ['alloc 3', 'view 0-2']);
    assert.equal(r.X.buffer, rec.allocated[0].buffer);
    assert.deepEqual(Array.from(r.X), [2, 3]);
  });

  test('store: a read that fails half-way (text in a feature) gives its matrix back', () => {
    const rec = recording();
    assert.throws(
      () => readCsvMatrixSync(file('alloc3.csv', 'label,a\n1,2\n0,3\n1,oops\n'), { store: rec.store }),
      (e: unknown) => e instanceof LabError && e.location.line === 4,
    );
    assert.deepEqual(rec.log, ['alloc 3', 'release']);
    assert.equal(rec.released[0], rec.allocated[0]);
  });

  test('whitespace-only lines are skipped like blank lines', () => {
    const r = readCsvMatrixSync(file('ws.csv', 'label,a\n1,2\n   \n0,3\n \t\n'));
    assert.equal(r.m, 2);
    assert.deepEqual(Array.from(r.X), [2, 3]);
    assert.equal(r.missing, 0);
  });
});

describe('readCsvMatrix (async)', () => {
  test('gives the same matrix as the synchronous reader and lets timers run while reading', async () => {
    const text = randomCsv(5, 3000, 12, 0, '\n', ',');
    const p = file('async.csv', text);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const a = await readCsvMatrix(p, { chunkSize: 4096 });
    clearInterval(timer);
    const s = readCsvMatrixSync(p);
    assert.equal(a.m, 3000);
    assert.deepEqual(a.y, s.y);
    assert.deepEqual(a.classes, s.classes);
    assert.equal(a.X.length, s.X.length);
    for (let q = 0; q < s.X.length; q++) if (!Object.is(a.X[q], s.X[q])) assert.fail(`X[${q}] differs`);
    assert.ok(ticks > 0, 'the event loop ran during the read');
  });

  test('a missing file is a LabError file-not-found', async () => {
    await assert.rejects(readCsvMatrix(join(dir, 'nope.csv')), (e: unknown) => e instanceof LabError && e.code === 'file-not-found');
  });
});

describe('readCsvMatrixSync errors', () => {
  function labError(fn: () => unknown): LabError {
    try {
      fn();
    } catch (e) {
      if (e instanceof LabError) return e;
      throw e;
    }
    assert.fail('expected a LabError');
  }

  test('ragged row: code, 1-based line counting header, blank lines and CRLF', () => {
    const p = file('ragged.csv', 'label,a,b\r\n1,2,3\r\n\r\n0,4\r\n1,5,6\r\n');
    for (const chunk of [64, 1 << 20]) {
      const e = labError(() => readCsvMatrixSync(p, { chunkSize: chunk }));
      assert.equal(e.code, 'ragged-row');
      assert.equal(e.location.line, 4);
      assert.equal(e.location.file, p);
      assert.match(e.message, /line 4 has 2 fields/);
    }
  });

  test('a text feature: bad-csv with line, column index and name', () => {
    const p = file('text.csv', 'label,a,b\n1,2,3\n0,4,five\n');
    const e = labError(() => readCsvMatrixSync(p));
    assert.equal(e.code, 'bad-csv');
    assert.deepEqual(e.location, { file: p, line: 3, column: 2, columnName: 'b' });
    assert.match(e.message, /'five' is not a number/);
  });

  test('a missing label is bad-csv at its line', () => {
    const p = file('nolabel.csv', 'label,a\n1,2\nNA,3\n');
    const e = labError(() => readCsvMatrixSync(p));
    assert.equal(e.code, 'bad-csv');
    assert.equal(e.location.line, 3);
    assert.equal(e.location.columnName, 'label');
  });

  test('binary files get the general reader\'s binary-file error; UTF-16 and non-UTF-8 labels are refused, not garbled', () => {
    const gz = labError(() => readCsvMatrixSync(file('data.csv.gz.csv', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 10, 3]))));
    assert.equal(gz.code, 'binary-file');
    assert.match(gz.message, /starts like a gzip archive/);
    const nul = labError(() => readCsvMatrixSync(file('nul.csv', 'label,a\n1,2\n0,\u0000\n')));
    assert.deepEqual([nul.code, nul.location.line], ['binary-file', 3]);
    const u16 = labError(() => readCsvMatrixSync(file('u16.csv', Buffer.from('\uFEFFlabel,a\n1,2\n', 'utf16le'))));
    assert.equal(u16.code, 'bad-csv');
    assert.match(u16.message, /is UTF-16LE text .*reads UTF-8 only/);
    const latin = Buffer.concat([Buffer.from('label,a\nx,1\n'), Buffer.from([0x4d, 0xfc, 0x2c, 0x32, 0x0a])]);
    for (const chunk of [8, 1 << 20]) {
      const e = labError(() => readCsvMatrixSync(file('latin.csv', latin), { chunkSize: chunk }));
      assert.deepEqual([e.code, e.location.line], ['bad-csv', 3]);
      assert.match(e.message, /line 3 is not valid UTF-8 text/);
    }
    const head = labError(() => readCsvMatrixSync(file('latin-head.csv', Buffer.concat([Buffer.from([0x4d, 0xfc]), Buffer.from(',label\n1,2\n')]))));
    assert.deepEqual([head.code, head.location.line], ['bad-csv', 1]);
  });

  test('non-finite features are missing with the general reader\'s notice; a non-finite label is an error', () => {
    const p = file('inf.csv', 'label,a,b\n1,inf,2\n0,3,-Infinity\n1,1e400,"+nan"\n0,4,5\n');
    for (const chunk of [5, 1 << 20]) {
      const r = readCsvMatrixSync(p, { chunkSize: chunk });
      assert.deepEqual(Array.from(r.X), [NaN, 2, 3, NaN, NaN, NaN, 4, 5]);
      assert.equal(r.missing, 4);
      assert.deepEqual(r.nonFinite, [{ column: 1, count: 2, line: 2 }, { column: 2, count: 2, line: 3 }]);
      assert.deepEqual(r.notices, [
        "column 'a': 2 non-finite values (first at line 2) read as missing",
        "column 'b': 2 non-finite values (first at line 3) read as missing",
      ]);
    }
    const e = labError(() => readCsvMatrixSync(file('inf-label.csv', 'label,a\n1,2\ninf,3\n')));
    assert.deepEqual([e.code, e.location.line], ['bad-csv', 3]);
    assert.match(e.message, /the label 'label' is not a finite number \('inf'\)/);
  });

  test("Excel's sep= first line declares the delimiter and counts as a line", () => {
    const p = file('sep.csv', 'sep=;\nlabel;a\n1;2\n0;3\n');
    for (const chunk of [4, 1 << 20]) {
      const r = readCsvMatrixSync(p, { chunkSize: chunk });
      assert.equal(r.delimiter, ';');
      assert.deepEqual([r.m, r.n, r.labelName, Array.from(r.X)], [2, 1, 'label', [2, 3]]);
      const e = labError(() => readCsvMatrixSync(file('sep-ragged.csv', 'sep=;\nlabel;a\n1;2\n0\n'), { chunkSize: chunk }));
      assert.deepEqual([e.code, e.location.line], ['ragged-row', 4]);
    }
  });

  test('messages show cells and names without control characters', () => {
    const e = labError(() => readCsvMatrixSync(file('esc.csv', 'label,"\u001b[31ma"\n1,\u001b]0;x\u0007\n')));
    assert.equal(e.code, 'bad-csv');
    assert.ok(!/[\u0000-\u001f]/.test(e.message), e.message);
    assert.match(e.message, /column '\\e\[31ma': '\\e\]0;x\\x07' is not a number/);
  });

  test('missing, empty and header-only files; an unknown label column', () => {
    assert.equal(labError(() => readCsvMatrixSync(join(dir, 'absent.csv'))).code, 'file-not-found');
    assert.equal(labError(() => readCsvMatrixSync(dir)).code, 'file-not-found');
    assert.equal(labError(() => readCsvMatrixSync(file('empty.csv', ''))).code, 'empty-file');
    assert.equal(labError(() => readCsvMatrixSync(file('blank.csv', '\n\n  \n'))).code, 'empty-file');
    assert.equal(labError(() => readCsvMatrixSync(file('head.csv', 'label,a,b\n'))).code, 'empty-file');
    const e = labError(() => readCsvMatrixSync(file('ok.csv', 'label,a\n1,2\n'), { label: 'species' }));
    assert.equal(e.code, 'unknown-target');
    assert.match(e.message, /no column 'species'/);
  });
});

describe('one CSV syntax for both readers', () => {
  test('header names (blank, repeated, clashing with a made-up name) and open errors are the general reader’s', async () => {
    const { readCsvFile } = await import('../../src/engine/node/csv-file');
    const text = 'label,a,a,,a_2,column4\n1,2,3,4,5,6\n0,1,2,3,4,5\n';
    const path = file('names.csv', text);
    const general = readCsvFile(path).columns.map((c) => c.name);
    const m = readCsvMatrixSync(path, { label: 'label' });
    assert.deepEqual(['label', ...m.featureNames], general);
    assert.deepEqual(general, ['label', 'a', 'a_3', 'column4_2', 'a_2', 'column4']);
    const missing = join(dir, 'nope.csv');
    const messageOf = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    assert.equal(messageOf(() => readCsvMatrixSync(missing)), messageOf(() => readCsvFile(missing)));
    assert.equal(messageOf(() => readCsvMatrixSync(dir)), messageOf(() => readCsvFile(dir)));
  });
});
