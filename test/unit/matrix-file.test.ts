import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { describeColumns, prepareDataset, suggestTarget } from '../../src/engine/prepare/dataset';
import {
  describeCsvMatrix,
  HEAD_BYTES,
  prepareCsvMatrix,
  probeHead,
  type MatrixAnswer,
} from '../../src/engine/node/matrix-file';
import { createRng } from '../../src/engine/random';
import type { PrepareOptions } from '../../src/engine/types';

/**
 * The matrix path for files: whenever prepareCsvMatrix / describeCsvMatrix answer, the answer deep-equals the
 * general path's (readCsvFile + prepareDataset / describeColumns / suggestTarget) on the same file; otherwise
 * they fall back with the reason. Files exercise header rules, delimiters, quotes, BOM, CRLF, text labels, and the
 * cases that must fall back (decimals not exact in float32, text features, missing labels, mixed labels).
 */

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'matrix-file-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Asserts the matrix path equals the general path for prepare (several option sets) and describe. */
function assertSameAsGeneral(path: string, target: string, extra: Array<Partial<PrepareOptions>> = [{}, { testSize: 0 }]): void {
  for (const e of extra) {
    const options: PrepareOptions = { target, ...e };
    const expected = prepareDataset(readCsvFile(path), options, path);
    assert.deepStrictEqual(value(prepareCsvMatrix(path, options)), expected, `${path} ${JSON.stringify(options)}`);
  }
  const table = readCsvFile(path);
  const d = value(describeCsvMatrix(path));
  assert.deepStrictEqual(d.columns, describeColumns(table), `${path} describe`);
  assert.equal(d.suggested, suggestTarget(table));
  assert.equal(d.rows, table.rowCount);
}

/** The value of an answer that must not fall back. */
function value<T>(a: MatrixAnswer<T>): T {
  if (!a.ok) assert.fail(`the matrix path fell back: ${a.fallback}`);
  return a.value;
}

/** The answer falls back, with a reason matching `pattern` (and no exception). */
function fallsBack(fn: () => MatrixAnswer<unknown>, pattern: RegExp): void {
  const a = fn();
  assert.equal(a.ok, false, 'falls back');
  if (!a.ok) assert.match(a.fallback, pattern);
}

/** Rows of small integers and k/4 fractions (exact in float32), some missing, a label from `labels`. */
function numericRows(rows: number, labels: string[], seed: number, delim = ','): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const a = rng() < 0.05 ? '' : String(Math.floor(rng() * 100));
    const b = rng() < 0.05 ? 'NA' : String(Math.floor(rng() * 400 - 200) / 4);
    const c = String(i % 7);
    out.push([a, b, c, labels[i % labels.length]].join(delim));
  }
  return out;
}

describe('matrix path equals the general path', () => {
  test('header, comma, LF; numeric labels', () => {
    const path = file('plain.csv', ['a,b,c,label', ...numericRows(200, ['0', '1', '2'], 1)].join('\n') + '\n');
    assertSameAsGeneral(path, 'label', [{}, { testSize: 0 }, { missingIndicators: true, seed: 3 }]);
    assertSameAsGeneral(path, 'c');
  });

  test('semicolons, CRLF, a byte-order mark, quoted numbers and quoted names, no final line end', () => {
    const rows = numericRows(150, ['4', '9'], 2, ';').map((r, i) => (i % 5 === 0 ? r.replace(/^(\d+)/, '"$1"') : r));
    const path = file('semi.csv', '\uFEFF"a";b;"c";label\r\n' + rows.join('\r\n'));
    assertSameAsGeneral(path, 'label');
  });

  test('text labels (sorted by code point) at the first column', () => {
    const lines = numericRows(120, ['x'], 3).map((r, i) => `${['beta', 'Alpha', 'gamma'][i % 3]},${r.slice(0, r.lastIndexOf(','))}`);
    const path = file('text-label.csv', ['kind,a,b,c', ...lines].join('\n'));
    assertSameAsGeneral(path, 'kind');
  });

  test('no header: columns named column1…N', () => {
    const path = file('noheader.csv', numericRows(100, ['1', '2'], 4).join('\n'));
    assert.equal(value(probeHead(path)).hasHeader, false);
    assertSameAsGeneral(path, 'column4');
  });

  test('numbers as column names ("label,1,2,3")', () => {
    const path = file('numeric-names.csv', ['label,1,2,3', ...numericRows(90, ['0', '1'], 5).map((r) => r.split(',').reverse().join(','))].join('\n'));
    assert.equal(value(probeHead(path)).hasHeader, true);
    assertSameAsGeneral(path, 'label');
  });

  test('a sequential id column and a constant column are dropped the same way; image pixels can be force-included', () => {
    const lines = ['id,p0,p1,p2,p3,label'];
    const rng = createRng(6);
    for (let i = 0; i < 80; i++) lines.push(`${i + 1},0,${Math.floor(rng() * 256)},${Math.floor(rng() * 256)},255,${i % 2}`);
    const path = file('pixels.csv', lines.join('\n'));
    assertSameAsGeneral(path, 'label', [{}, { include: ['p0', 'p1', 'p2', 'p3'] }]);
    const adjusted = value(prepareCsvMatrix(path, { target: 'label' }, (names, o) => ({ ...o, include: names.filter((n) => n.startsWith('p')) })));
    assert.deepStrictEqual(adjusted.featureNames, ['p0', 'p1', 'p2', 'p3']);
  });
});

describe('matrix path and the general reader agree on hostile text', () => {
  test('non-finite features: the same missing values, and the same notices with the general names', () => {
    const rows = numericRows(120, ['0', '1'], 7).map((r, i) => (i % 17 === 3 ? r.replace(/^\d*/, i % 2 ? 'inf' : '-1e400') : r));
    const path = file('inf-matrix.csv', ['a,b,c,label', ...rows].join('\n'));
    const table = readCsvFile(path);
    assert.equal(table.notices?.length, 1);
    assertSameAsGeneral(path, 'label');
    assert.deepEqual(value(describeCsvMatrix(path)).read.matrix.notices, table.notices);
    let notices: string[] = [];
    prepareCsvMatrix(path, { target: 'label' }, undefined, null, (n) => (notices = n));
    assert.deepEqual(notices, table.notices);
  });

  test('binary, UTF-16, Windows-1252 (in the head or only after it), sep= and decimal commas fall back', () => {
    fallsBack(() => prepareCsvMatrix(file('gz.csv', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])), { target: 'label' }), /gzip/);
    fallsBack(() => prepareCsvMatrix(file('u16m.csv', Buffer.from('\uFEFFa,label\n1,0\n2,1\n', 'utf16le')), { target: 'label' }), /UTF-16LE/);
    const latinHead = Buffer.concat([Buffer.from('a,label\n1,x\n2,'), Buffer.from([0xfc]), Buffer.from('\n3,x\n')]);
    fallsBack(() => prepareCsvMatrix(file('latin-head-m.csv', latinHead), { target: 'label' }), /Windows-1252/);
    const lines = ['a,label', ...Array.from({ length: 200000 }, (_, i) => `${i % 100},${i % 2 ? 'cat' : 'dog'}`)];
    const late = Buffer.concat([Buffer.from(lines.join('\n') + '\n5,'), Buffer.from([0x4d, 0xe4, 0x6c]), Buffer.from('\n')]);
    assert.ok(late.length > HEAD_BYTES);
    const latePath = file('latin-late-m.csv', late);
    fallsBack(() => prepareCsvMatrix(latePath, { target: 'label' }), /not valid UTF-8/);
    assert.deepEqual(readCsvFile(latePath).notices, [`decoded as Windows-1252: the file is not valid UTF-8 (first bad byte at line ${lines.length + 1})`]);
    fallsBack(() => prepareCsvMatrix(file('sep-m.csv', 'sep=;\na;label\n1;0\n2;1\n'), { target: 'label' }), /sep=/);
    fallsBack(() => prepareCsvMatrix(file('comma-m.csv', 'a;label\n1,5;0\n2,5;1\n3;0\n'), { target: 'label' }), /not a number/);
  });
});

describe('matrix path falls back', () => {
  test('decimals that float32 cannot hold (0.1), and integers beyond 2^24', () => {
    fallsBack(() => prepareCsvMatrix(file('dec.csv', 'a,label\n0.1,0\n0.5,1\n0.25,0\n1,1\n'), { target: 'label' }), /not exact in float32/);
    const ids = ['id,label', ...Array.from({ length: 30 }, (_, i) => `${20000001 + i},${i % 2}`)];
    fallsBack(() => prepareCsvMatrix(file('bigid.csv', ids.join('\n')), { target: 'label' }), /not exact in float32/);
    // …while decimal labels need not be float32 numbers (the label column is not checked).
    const path = file('declabel.csv', 'a,label\n1,0.1\n2,0.2\n3,0.1\n4,0.2\n');
    assert.deepStrictEqual(value(prepareCsvMatrix(path, { target: 'label', testSize: 0 })), prepareDataset(readCsvFile(path), { target: 'label', testSize: 0 }, path));
  });

  test('text in a feature column, in the head or after it', () => {
    fallsBack(() => prepareCsvMatrix(file('text-head.csv', 'a,b,label\n1,x,0\n2,y,1\n'), { target: 'label' }), /holds text/);
    const lines = ['a,b,label', ...Array.from({ length: 200000 }, (_, i) => `${i % 100},${i % 3},${i % 2}`), '5,oops,1'];
    const path = file('text-late.csv', lines.join('\n'));
    assert.ok(lines.join('\n').length > HEAD_BYTES);
    fallsBack(() => prepareCsvMatrix(path, { target: 'label' }), /not a number/);
  });

  test('a missing label, a ragged row, labels mixing numbers and text, an unknown target', () => {
    fallsBack(() => prepareCsvMatrix(file('nolabel.csv', 'a,label\n1,0\n2,\n3,1\n'), { target: 'label' }), /missing/);
    fallsBack(() => prepareCsvMatrix(file('ragged.csv', 'a,b,label\n1,2,0\n3,1\n4,5,1\n'), { target: 'label' }), /.+/);
    fallsBack(() => prepareCsvMatrix(file('mixed.csv', 'a,label\n1,x\n2,1.0\n3,x\n4,1.0\n'), { target: 'label' }), /mixes numbers and text/);
    fallsBack(() => prepareCsvMatrix(file('unknown.csv', 'a,label\n1,0\n2,1\n'), { target: 'nope' }), /no column 'nope'/);
  });

  test('a text field over a column with no values makes the general reader read line 1 as data', () => {
    // The general reader: 'x' sits over a numeric column without values, the other fields are numbers → no
    // header, so column b is text (its one value 'x').
    const path = file('fake-header.csv', '5,x,0\n1,,1\n2,,0\n3,,1\n');
    assert.equal(readCsvFile(path).hasHeader, false);
    fallsBack(() => prepareCsvMatrix(path, { target: 'column3' }), /holds text/);
  });

  test('describe: two text columns', () => {
    fallsBack(() => describeCsvMatrix(file('two-text.csv', 'a,b,c\nx,1,y\nz,2,w\n')), /hold text/);
  });
});

describe('float32 exactness decides the path', () => {
  test('one inexact feature value anywhere falls back (in the head or far beyond it); the label column and text do not count', () => {
    const base = ['h1,h2,label', '1,2,0.3', '"3",4.5,0.7', '', '-7,8,0.9', '16777216,1e3,0.1'];
    const cases: Array<[string, boolean]> = [
      [base.join('\n'), true],
      [base.join('\r\n') + '\r\n', true],
      ['\uFEFF' + base.join('\n'), true],
      [[...base, '1,0.1,2'].join('\n'), false],
      [[...base, '"0.2",1,2'].join('\n'), false],
      [[...base, '16777217,1,1'].join('\n'), false],
      [[...base, '16777216,-2.5e-1,1'].join('\n'), true],
    ];
    for (const [text, exact] of cases) {
      const path = file('exact.csv', text);
      const a = prepareCsvMatrix(path, { target: 'label', testSize: 0 });
      if (exact) assert.ok(a.ok || !/not exact in float32/.test(a.fallback), `${JSON.stringify(text)}: ${a.ok ? 'ok' : a.fallback}`);
      else assert.ok(!a.ok && /not exact in float32/.test(a.fallback), `${JSON.stringify(text)} falls back for inexactness`);
    }
    // Beyond the head (the first MiB): the matrix read finds it as it parses, and names the line.
    const rows = ['a,b,label', ...Array.from({ length: 300_000 }, (_, i) => `${i % 100},${i % 7},${i % 2}`)];
    const late = [...rows, '3,0.1,1', '4,5,0'].join('\n');
    assert.ok(late.length > HEAD_BYTES);
    fallsBack(() => prepareCsvMatrix(file('late-decimal.csv', late), { target: 'label' }), new RegExp(`not exact in float32.*line ${rows.length + 1}`));
    const fine = file('late-fine.csv', [...rows, '3,0.5,1', '4,5,0'].join('\n'));
    assertSameAsGeneral(fine, 'label', [{ testSize: 0 }]);
  });
});
