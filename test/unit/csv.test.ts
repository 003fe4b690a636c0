import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, detectDelimiter } from '../../src/engine/data/csv';
import type { CsvOptions } from '../../src/engine/data/csv';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { LabError } from '../../src/engine/types';
import type { ParsedTable, RawColumn, NumericColumn, CategoricalColumn } from '../../src/engine/types';

/** Cell values of a column as plain JS: numbers (NaN → null) or strings (missing → null). */
function cells(c: RawColumn): Array<number | string | null> {
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
}

function num(t: ParsedTable, name: string): NumericColumn {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name}`);
  assert.equal(c.kind, 'numeric', `${name} should be numeric`);
  return c as NumericColumn;
}

function cat(t: ParsedTable, name: string): CategoricalColumn {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name}`);
  assert.equal(c.kind, 'categorical', `${name} should be categorical`);
  return c as CategoricalColumn;
}

/** The whole table as { name: cells }. */
function table(t: ParsedTable): Record<string, Array<number | string | null>> {
  const out: Record<string, Array<number | string | null>> = {};
  for (const c of t.columns) out[c.name] = cells(c);
  return out;
}

function labError(fn: () => unknown, code: string): LabError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LabError, `expected LabError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected LabError ${code}`);
}

const parse = (s: string | Uint8Array, o?: CsvOptions): ParsedTable => parseCsv(s, o);

describe('parseCsv: numeric columns in the narrowest exact array', () => {
  const kindOf = (c: NumericColumn): string => c.values.constructor.name;

  test('bytes, float32 or float64, by the values of the whole column', () => {
    const t = parse('px,cnt,gap,half,dec,neg,zero,big\n0,7,1,0.5,0.1,-1,0,255\n255,300,,1.25,2,3,-0,256\n');
    assert.equal(kindOf(num(t, 'px')), 'Uint8Array');
    assert.equal(kindOf(num(t, 'cnt')), 'Float32Array', '300 is not a byte');
    assert.equal(kindOf(num(t, 'gap')), 'Float32Array', 'a missing value (NaN) needs a float');
    assert.equal(kindOf(num(t, 'half')), 'Float32Array');
    assert.equal(kindOf(num(t, 'dec')), 'Float64Array', '0.1 is not exact in float32');
    assert.equal(kindOf(num(t, 'neg')), 'Float32Array');
    assert.equal(kindOf(num(t, 'zero')), 'Float32Array', '−0 is kept as −0');
    assert.equal(kindOf(num(t, 'big')), 'Float32Array');
    assert.deepEqual(table(t), {
      px: [0, 255], cnt: [7, 300], gap: [1, null], half: [0.5, 1.25], dec: [0.1, 2], neg: [-1, 3], zero: [0, -0], big: [255, 256],
    });
    assert.equal(num(t, 'gap').missing, 1);
  });

  test('a column widened late keeps every earlier value, on every path of the reader', () => {
    // 3000 byte values, then one value per later width: float32 at row 3000, float64 at row 3001, and values read by
    // the slow path (quoted, padded, exponent) before and after each widening.
    const rows: string[] = ['a,b,c'];
    const want: Record<string, Array<number | string | null>> = { a: [], b: [], c: [] };
    for (let r = 0; r < 3004; r++) {
      const a = r === 3000 ? '16777217' : r === 3001 ? '0.1' : r === 3002 ? ' "12" ' : String(r % 256);
      const b = r === 1500 ? 'NA' : r === 2500 ? '1e2' : String((r * 7) % 256);
      const c = r === 3003 ? '-0.25' : String(r % 200);
      rows.push(`${a},${b},${c}`);
      want.a.push(Number(a.replace(/[ "]/g, '')));
      want.b.push(b === 'NA' ? null : Number(b));
      want.c.push(Number(c));
    }
    const text = rows.join('\n') + '\n';
    const t = parse(text);
    assert.deepEqual(table(t), want);
    assert.equal(kindOf(num(t, 'a')), 'Float64Array');
    assert.equal(kindOf(num(t, 'b')), 'Float32Array');
    assert.equal(kindOf(num(t, 'c')), 'Float32Array');
    // 16777217 = 2^24 + 1 is not a float32: the float64 column holds it exactly.
    assert.equal(num(t, 'a').values[3000], 16777217);
  });

  test('without a header, the first row widens its column when it needs to', () => {
    const t = parse('0.1,-0,x\n1,2,a\n3,4,b\n', { hasHeader: false });
    assert.equal(kindOf(num(t, 'column1')), 'Float64Array');
    assert.equal(kindOf(num(t, 'column2')), 'Float32Array');
    assert.deepEqual(table(t), { column1: [0.1, 1, 3], column2: [-0, 2, 4], column3: ['x', 'a', 'b'] });
    const missingFirst = parse('NA,1\n1,2\n2,3\n', { hasHeader: false });
    assert.equal(kindOf(num(missingFirst, 'column1')), 'Float32Array');
    assert.deepEqual(table(missingFirst), { column1: [null, 1, 2], column2: [1, 2, 3] });
  });
});

describe('parseCsv: basics', () => {
  test('numeric columns with a header', () => {
    const t = parse('a,b\n1,2\n3,4.5\n');
    assert.equal(t.rowCount, 2);
    assert.equal(t.hasHeader, true);
    assert.equal(t.delimiter, ',');
    assert.deepEqual(table(t), { a: [1, 3], b: [2, 4.5] });
    assert.ok(num(t, 'a').values instanceof Uint8Array, 'small integers are held as bytes');
    assert.ok(num(t, 'b').values instanceof Float32Array, '4.5 is a float32');
    assert.equal(num(t, 'a').missing, 0);
  });

  test('string and byte input give the same table', () => {
    const text = 'x,label\n1,café\n2,日本\n3,🙂\n';
    const a = parse(text);
    const b = parse(new TextEncoder().encode(text));
    assert.deepEqual(table(a), { x: [1, 2, 3], label: ['café', '日本', '🙂'] });
    assert.deepEqual(table(b), table(a));
  });

  test('categorical levels in order of first appearance, codes per row', () => {
    const t = parse('k,v\nb,1\na,2\nb,3\nc,4\na,5\n');
    const k = cat(t, 'k');
    assert.deepEqual(k.levels, ['b', 'a', 'c']);
    assert.deepEqual(Array.from(k.codes), [0, 1, 0, 2, 1]);
    assert.ok(k.codes instanceof Int32Array);
  });

  test('a single column', () => {
    assert.deepEqual(table(parse('x\n1\n2\n')), { x: [1, 2] });
    assert.deepEqual(table(parse('name\nBob\nAnn\n')), { name: ['Bob', 'Ann'] });
  });

  test('many rows beyond the initial capacity estimate', () => {
    // Long lines first (the size estimate comes from the first 64 KiB), then many short lines.
    const lines = ['id,text'];
    for (let i = 0; i < 300; i++) lines.push(`${i},${'w'.repeat(300)}`);
    for (let i = 300; i < 20000; i++) lines.push(`${i},s`);
    const t = parse(lines.join('\n'));
    assert.equal(t.rowCount, 20000);
    const id = num(t, 'id');
    for (let i = 0; i < 20000; i++) assert.equal(id.values[i], i);
    const text = cat(t, 'text');
    assert.deepEqual(text.levels, ['w'.repeat(300), 's']);
    assert.equal(text.codes[299], 0);
    assert.equal(text.codes[300], 1);
    assert.equal(text.codes[19999], 1);
  });
});

describe('parseCsv: quoting (RFC 4180)', () => {
  test('delimiters, escaped quotes and line breaks inside quotes', () => {
    const t = parse('name,quote,n\n"Smith, J.","He said ""hi""",1\n"two\nlines","a\r\nb",2\n"","""",3\n');
    assert.deepEqual(table(t), {
      name: ['Smith, J.', 'two\nlines', null],
      quote: ['He said "hi"', 'a\r\nb', '"'],
      n: [1, 2, 3],
    });
  });

  test('quoted numbers are numbers; quoted NA is missing; spaces outside quotes are dropped', () => {
    const t = parse('a,b,c\n"1.5",  "x y"  ,"NA"\n"2", " z" ,4\n');
    assert.deepEqual(table(t), { a: [1.5, 2], b: ['x y', ' z'], c: [null, 4] });
    assert.equal(num(t, 'c').missing, 1);
  });

  test('a quote inside an unquoted field is literal', () => {
    const t = parse('h,n\n5\'11",1\nab"c,2\n');
    assert.deepEqual(table(t), { h: ['5\'11"', 'ab"c'], n: [1, 2] });
  });

  test('long escaped field (scratch buffer growth)', () => {
    const inner = 'q""'.repeat(500);
    const t = parse(`a,b\n"${inner}",1\n`);
    assert.deepEqual(table(t), { a: ['q"'.repeat(500)], b: [1] });
  });

  test('text after a closing quote is kept literally', () => {
    const t = parse('a,b\n"ab"cd,1\n');
    assert.deepEqual(table(t), { a: ['abcd'], b: [1] });
  });
});

describe('parseCsv: line ends, BOM, blank lines', () => {
  const expected = { a: [1, 3], b: ['x', 'y'] };
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ]) {
    test(`${name} line ends, with and without a final line end`, () => {
      assert.deepEqual(table(parse(`a,b${eol}1,x${eol}3,y${eol}`)), expected);
      assert.deepEqual(table(parse(`a,b${eol}1,x${eol}3,y`)), expected);
    });
  }

  test('mixed line ends in one file', () => {
    assert.deepEqual(table(parse('a,b\r\n1,x\n3,y\r')), expected);
  });

  test('UTF-8 byte-order mark is skipped (bytes and string)', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b\n1,x\n3,y\n')]);
    const t = parse(bytes);
    assert.deepEqual(t.columns.map((c) => c.name), ['a', 'b']);
    assert.deepEqual(table(t), expected);
    assert.deepEqual(table(parse('\ufeffa,b\n1,x\n3,y\n')), expected);
  });

  test('blank and whitespace-only lines are skipped; trailing empty lines ignored', () => {
    assert.deepEqual(table(parse('\n\na,b\n\n1,x\n   \n\r\n3,y\n\n\n')), expected);
  });

  test('a line of empty fields is a row of missing values, not a blank line', () => {
    const t = parse('a,b\n1,x\n,\n3,y\n');
    assert.deepEqual(table(t), { a: [1, null, 3], b: ['x', null, 'y'] });
  });
});

describe('parseCsv: trimming, missing markers, numbers', () => {
  test('fields are trimmed outside quotes', () => {
    const t = parse('  a , b \n  1 ,  x y  \n2,z\n');
    assert.deepEqual(table(t), { a: [1, 2], b: ['x y', 'z'] });
  });

  test('missing markers: empty, NA, N/A, NaN, null, ? (case-insensitive)', () => {
    const markers = ['', 'NA', 'na', 'N/A', 'n/a', 'NaN', 'nan', 'NAN', 'null', 'NULL', 'Null', '?', ' NA ', '""'];
    const body = markers.map((m, i) => `${i},${m},${m}`).join('\n');
    const t = parse(`i,x,y\n${body}\n99,1.5,text\n`);
    const x = num(t, 'x');
    assert.equal(x.missing, markers.length);
    assert.deepEqual(cells(x), [...markers.map(() => null), 1.5]);
    const y = cat(t, 'y');
    assert.equal(y.missing, markers.length);
    assert.deepEqual(y.levels, ['text']);
  });

  test('near-misses of missing markers are text', () => {
    const t = parse('v,n\nNone,1\nnah,2\n??,3\n-,4\n');
    assert.deepEqual(cat(t, 'v').levels, ['None', 'nah', '??', '-']);
    assert.equal(cat(t, 'v').missing, 0);
  });

  test('number syntax: sign, decimals, exponent, spaces', () => {
    const fields = ['-1.5e3', '+2', ' 3 ', '.5', '5.', '1E-2', '-0.25', '007', '1e+2', '-.5e-1', '0.1', '123456789012345678',
      '0.30000000000000004', '4.9e-324', '1.7976931348623157e308', '2.2250738585072014E-308', '0'];
    const expected = [-1500, 2, 3, 0.5, 5, 0.01, -0.25, 7, 100, -0.05, 0.1, 123456789012345678,
      0.30000000000000004, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0];
    const t = parse(`x,i\n${fields.map((f, i) => `${f},${i}`).join('\n')}\n`);
    assert.deepEqual(cells(num(t, 'x')), expected);
  });

  test('negative zero keeps its sign', () => {
    const t = parse('x,y\n-0,1\n-0.0,2\n');
    assert.ok(Object.is(num(t, 'x').values[0], -0));
    assert.ok(Object.is(num(t, 'x').values[1], -0));
  });

  test('not numbers: hex, thousands separators, lone signs', () => {
    for (const f of ['0x10', '1,000', '+', '-', '.', 'e5', '1e', '1.2.3', '1 2', '--1', 'infinite', '+-inf', 'nan1']) {
      const t = parse(`x,y\n"${f}",1\n`);
      assert.equal(t.columns[0].kind, 'categorical', f);
      assert.deepEqual(cells(t.columns[0]), [f], f);
    }
  });

  test('a mixed column is categorical and keeps the original text of its numbers', () => {
    const t = parse('m,n\n1,1\n2.50,2\nx,3\n1e3,4\n2.50,5\n,6\n');
    const m = cat(t, 'm');
    assert.deepEqual(m.levels, ['1', '2.50', 'x', '1e3']);
    assert.deepEqual(Array.from(m.codes), [0, 1, 2, 3, 1, -1]);
    assert.equal(m.missing, 1);
  });

  test('text appearing late in a long numeric column (text of earlier numbers recovered)', () => {
    const rows: string[] = ['a,b,c'];
    for (let i = 0; i < 5000; i++) rows.push(`${i % 7}.0,${i},"${i % 3}"`);
    rows.push('late,5000,NA');
    rows.push('"3.0",5001,z');
    const t = parse(rows.join('\r\n'));
    const a = cat(t, 'a');
    assert.deepEqual(a.levels, ['0.0', '1.0', '2.0', '3.0', '4.0', '5.0', '6.0', 'late']);
    for (let i = 0; i < 5000; i++) assert.equal(a.codes[i], i % 7);
    assert.equal(a.codes[5000], 7);
    assert.equal(a.codes[5001], 3);
    assert.equal(num(t, 'b').values[5001], 5001);
    const c = cat(t, 'c');
    assert.deepEqual(c.levels, ['0', '1', '2', 'z']);
    assert.deepEqual(Array.from(c.codes.subarray(0, 4)), [0, 1, 2, 0]);
    assert.equal(c.codes[5000], -1);
    assert.equal(c.codes[5001], 3);
    assert.equal(c.missing, 1);
  });

  test('a column that is missing and then text needs no earlier text', () => {
    const t = parse('a,b\n,1\nNA,2\nx,3\n');
    assert.deepEqual(cells(cat(t, 'a')), [null, null, 'x']);
    assert.equal(cat(t, 'a').missing, 2);
  });

  test('an all-missing column is numeric with NaN everywhere', () => {
    const t = parse('a,b\n,1\nNA,2\n');
    assert.deepEqual(cells(num(t, 'a')), [null, null]);
    assert.equal(num(t, 'a').missing, 2);
  });
});

describe('parseCsv: non-finite values', () => {
  test('inf, -Infinity, +NaN and 1e400 in a numeric column are missing, with one notice', () => {
    const t = parse('x,y\n1,a\ninf,b\n-Infinity,c\n1e400,d\n+NaN,e\n5,f\n-1E+999,g\n', { file: 'd.csv' });
    const x = num(t, 'x');
    assert.deepEqual(cells(x), [1, null, null, null, null, 5, null]);
    assert.equal(x.missing, 5);
    assert.deepEqual(t.notices, ["column 'x': 5 non-finite values (first at line 3) read as missing"]);
  });

  test('spellings: any case, spaces, quotes; NaN alone stays a plain missing marker; 1e-400 is 0', () => {
    const t = parse('x,y\n" INF ",1\niNfInItY,2\n-inf,3\nNaN,4\n1e-400,5\n');
    assert.deepEqual(cells(num(t, 'x')), [null, null, null, null, 0]);
    assert.deepEqual(t.notices, ["column 'x': 3 non-finite values (first at line 2) read as missing"]);
  });

  test('one value: singular; a plain file has no notices at all', () => {
    assert.deepEqual(parse('x,y\n1,2\ninf,3\n').notices, ["column 'x': 1 non-finite value (first at line 3) read as missing"]);
    assert.equal(parse('x,y\n1,2\n').notices, undefined);
  });

  test('in a text column they are text, also before the first text (recovered by the rescan)', () => {
    const t = parse('x,y\ninf,1\n2,2\nNA,3\nabc,4\n-inf,5\n');
    assert.deepEqual(cells(cat(t, 'x')), ['inf', '2', null, 'abc', '-inf']);
    assert.equal(cat(t, 'x').missing, 1);
    assert.equal(t.notices, undefined);
  });

  test('without a header: a non-finite first row is missing (line 1) and not taken for a header', () => {
    const t = parse('inf,1\n2,3\n4,5\n');
    assert.equal(t.hasHeader, false);
    assert.deepEqual(cells(num(t, 'column1')), [null, 2, 4]);
    assert.deepEqual(t.notices, ["column 'column1': 1 non-finite value (first at line 1) read as missing"]);
  });

  test('the notice shows a column name with controls escaped', () => {
    const t = parse('"a\u001b[31m",y\n1,2\ninf,3\n');
    assert.deepEqual(t.notices, ["column 'a\\e[31m': 1 non-finite value (first at line 3) read as missing"]);
  });
});

describe('parseCsv: decimal commas', () => {
  test("';' file: numbers with decimal commas and '.' thousands groups, with a notice", () => {
    const t = parse('x;y;z\n3,14;1;a\n-2,5;2;b\n1.234,5;3;c\n+7;4;d\n;5;e\n', { file: 'de.csv' });
    assert.deepEqual(cells(num(t, 'x')), [3.14, -2.5, 1234.5, 7, null]);
    assert.equal(num(t, 'x').missing, 1);
    assert.deepEqual(t.notices, ["column 'x': decimal commas read as numbers"]);
  });

  test("tab file with ' ' thousands groups; quoted values; '1.234' in such a column is 1234", () => {
    const t = parse('x\ty\n1 234,5\t1\n"2,25"\t2\n12 345 678,0\t3\n');
    assert.deepEqual(cells(num(t, 'x')), [1234.5, 2.25, 12345678]);
    const d = parse('x;y\n1.234;1\n2,5;2\n');
    assert.deepEqual(cells(num(d, 'x')), [1234, 2.5]);
  });

  test('not read as numbers: mixed group separators, a decimal point, bad groups, no comma, exponents', () => {
    for (const values of [['1.234,5', '1 234,5'], ['1.5', '2,5'], ['12.34,5', '1,0'], ['1 234', '5 678'], ['1,5e3', '2,5'], ['1,2,3', '4,5']]) {
      const t = parse(`x;y\n${values.map((v, i) => `${v};${i}`).join('\n')}\n`);
      assert.deepEqual(cells(cat(t, 'x')), values, values.join(' '));
      assert.equal(t.notices, undefined);
    }
  });

  test("never in ','-delimited files", () => {
    const t = parse('x,y\n"3,14",1\n"2,5",2\n');
    assert.deepEqual(cells(cat(t, 'x')), ['3,14', '2,5']);
  });

  test('without a header: decimal-comma first rows are data', () => {
    const t = parse('3,14;2,5\n1,5;7,25\n-0,5;1\n');
    assert.equal(t.hasHeader, false);
    assert.deepEqual(table(t), { column1: [3.14, 1.5, -0.5], column2: [2.5, 7.25, 1] });
    const h = parse('Preis;Menge\n3,14;2\n1,5;7\n');
    assert.equal(h.hasHeader, true);
    assert.deepEqual(table(h), { Preis: [3.14, 1.5], Menge: [2, 7] });
  });
});

describe("parseCsv: Excel's sep= line", () => {
  test('declares the delimiter and is skipped (any case, CRLF, after a byte-order mark)', () => {
    for (const text of ['sep=;\na;b\n1,5;2\n', 'SEP=;\r\na;b\r\n1,5;2\r\n', '\ufeffsep=;\na;b\n1,5;2\n']) {
      const t = parse(text);
      assert.equal(t.delimiter, ';', JSON.stringify(text));
      assert.deepEqual(table(t), { a: [1.5], b: [2] }, JSON.stringify(text));
    }
    assert.deepEqual(table(parse('sep=|\na|b,c\n1|x,y\n')), { a: [1], 'b,c': ['x,y'] });
    assert.equal(parse('sep=\t\na\tb\n1\t2\n').delimiter, '\t');
  });

  test('lines are still counted from the top of the file', () => {
    const e = labError(() => parse('sep=;\na;b\n1;2\n3\n', { file: 's.csv' }), 'ragged-row');
    assert.equal(e.location.line, 4);
    assert.match(e.message, /^s\.csv line 4 has 1 field/);
  });

  test('an explicit delimiter wins, the line is still skipped; other first lines are not declarations', () => {
    assert.deepEqual(table(parse('sep=;\na,b\n1,2\n', { delimiter: ',' })), { a: [1], b: [2] });
    assert.deepEqual(parse('sep=ab,c\n1,2\n').columns.map((c) => c.name), ['sep=ab', 'c']);
    assert.deepEqual(parse('sep=",c\n1,2\n').columns.map((c) => c.name), ['sep="', 'c']);
    assert.throws(() => parse('sep=;\n'), (e: unknown) => e instanceof LabError && e.code === 'empty-file');
  });
});

describe('detectDelimiter and delimiters', () => {
  test('each candidate delimiter', () => {
    assert.equal(detectDelimiter('a,b,c\n1,2,3\n'), ',');
    assert.equal(detectDelimiter('a;b;c\n1,5;2,5;3\n'), ';');
    assert.equal(detectDelimiter('a\tb\tc\n1\t2\t3\n'), '\t');
    assert.equal(detectDelimiter('a|b|c\n1|2|3\n'), '|');
  });

  test('quotes are respected when detecting', () => {
    // Commas only inside quotes; semicolons split every line the same way.
    assert.equal(detectDelimiter('"a,b,c";d\n"1,2";3\n"x,y,z,w";4\n'), ';');
    // Semicolons inside quotes, commas outside.
    assert.equal(detectDelimiter('name,v\n"x;y;z",1\n"p;q",2\n'), ',');
  });

  test('the delimiter that splits lines consistently wins over one that appears in text', () => {
    assert.equal(detectDelimiter('a;b\nx, y;1\nz;2\nw, v, u;3\n'), ';');
  });

  test('no candidate → comma', () => {
    assert.equal(detectDelimiter('x\n1\n2\n'), ',');
    assert.equal(detectDelimiter(''), ',');
  });

  test('parseCsv detects and reports the delimiter', () => {
    const t = parse('a;b\n1,5;x\n2,5;y\n');
    assert.equal(t.delimiter, ';');
    assert.deepEqual(table(t), { a: [1.5, 2.5], b: ['x', 'y'] });
    const tab = parse('a\tb\n 1\t x \n2\t\n');
    assert.equal(tab.delimiter, '\t');
    assert.deepEqual(table(tab), { a: [1, 2], b: ['x', null] });
  });

  test('an explicit delimiter overrides detection', () => {
    const t = parse('a,b|c\nx,y|3\n', { delimiter: '|' });
    assert.deepEqual(table(t), { 'a,b': ['x,y'], c: [3] });
  });

  test('a bad explicit delimiter is a bad-config error', () => {
    labError(() => parse('a,b\n1,2\n', { delimiter: ';;' }), 'bad-config');
    labError(() => parse('a,b\n1,2\n', { delimiter: '"' }), 'bad-config');
    labError(() => parse('a,b\n1,2\n', { delimiter: '' }), 'bad-config');
  });
});

describe('header detection and names', () => {
  test('all-numeric first row → no header, names column1..N', () => {
    const t = parse('1,2,3\n4,5,6\n');
    assert.equal(t.hasHeader, false);
    assert.equal(t.rowCount, 2);
    assert.deepEqual(table(t), { column1: [1, 4], column2: [2, 5], column3: [3, 6] });
  });

  test('text over a numeric column → header', () => {
    const t = parse('x,1\n2,3\n4,5\n');
    assert.equal(t.hasHeader, true);
    assert.deepEqual(table(t), { x: [2, 4], '1': [3, 5] });
  });

  test('first row of data with text in a text column → no header', () => {
    const t = parse('1,abc\n2,def\n');
    assert.equal(t.hasHeader, false);
    assert.deepEqual(table(t), { column1: [1, 2], column2: ['abc', 'def'] });
  });

  test('all-text columns: header when its names never recur below', () => {
    const t = parse('name,city\nBob,Paris\nAnn,Rome\n');
    assert.equal(t.hasHeader, true);
    assert.deepEqual(table(t), { name: ['Bob', 'Ann'], city: ['Paris', 'Rome'] });
    const u = parse('a,b\nc,d\na,e\n');
    assert.equal(u.hasHeader, false);
    assert.deepEqual(table(u), { column1: ['a', 'c', 'a'], column2: ['b', 'd', 'e'] });
  });

  test('no header: a text first row in a numeric column turns it categorical with the original text', () => {
    const t = parse('x,1\n2.0,3\n4,5\n', { hasHeader: false });
    assert.equal(t.hasHeader, false);
    assert.equal(t.rowCount, 3);
    assert.deepEqual(table(t), { column1: ['x', '2.0', '4'], column2: [1, 3, 5] });
    assert.deepEqual(cat(t, 'column1').levels, ['x', '2.0', '4']);
  });

  test('no header: first row joins categorical columns first in level order, missing counted', () => {
    const t = parse('b,NA\na,1\nb,2\n', { hasHeader: false });
    assert.deepEqual(cat(t, 'column1').levels, ['b', 'a']);
    assert.deepEqual(Array.from(cat(t, 'column1').codes), [0, 1, 0]);
    assert.deepEqual(cells(num(t, 'column2')), [null, 1, 2]);
    assert.equal(num(t, 'column2').missing, 1);
  });

  test('forcing a header on numeric names', () => {
    const t = parse('2019,2020\n5,6\n', { hasHeader: true });
    assert.deepEqual(table(t), { '2019': [5], '2020': [6] });
    assert.equal(t.hasHeader, true);
  });

  test('duplicate and empty header names are made unique', () => {
    const t = parse('col,col,,col\n1,2,3,4\n');
    assert.deepEqual(t.columns.map((c) => c.name), ['col', 'col_2', 'column3', 'col_3']);
    const u = parse('a,a,a_2,\n1,2,3,4\n');
    assert.deepEqual(u.columns.map((c) => c.name), ['a', 'a_3', 'a_2', 'column4']);
    const v = parse('column2,,x\n1,2,3\n');
    assert.deepEqual(v.columns.map((c) => c.name), ['column2', 'column2_2', 'x']);
  });
});

describe('errors', () => {
  test('empty input', () => {
    for (const s of ['', '\n\n', '   \r\n', '\ufeff']) {
      const e = labError(() => parse(s, { file: 'data.csv' }), 'empty-file');
      assert.match(e.message, /^data\.csv is empty/);
    }
  });

  test('only a header', () => {
    const e = labError(() => parse('a,b,c\n', { file: 'some/dir/data.csv' }), 'empty-file');
    assert.equal(e.message, 'data.csv is empty: it has a header (line 1) but no data rows. Add rows or pick another file.');
    assert.equal(e.location.file, 'some/dir/data.csv');
    assert.equal(e.location.line, 1);
  });

  test('ragged row: too many fields (line counts blank lines and embedded line breaks)', () => {
    const csv = 'Name,Sex,Pclass,Age\n"A\nB",m,1,22\n\nC,f,2,30\nD,m,3,4,extra\n';
    const e = labError(() => parse(csv, { file: 'data.csv' }), 'ragged-row');
    assert.equal(e.location.line, 6);
    assert.equal(e.location.columnName, 'Age');
    assert.equal(e.location.file, 'data.csv');
    assert.equal(
      e.message,
      "data.csv line 6 has 5 fields but the header has 4 (the last column is 'Age'). Fix the row, or quote fields that contain ','.",
    );
  });

  test('ragged row: too few fields names the first column without a value', () => {
    const e = labError(() => parse('a;b;c\r\n1;2;3\r\n4;5\r\n', { file: 'x.csv' }), 'ragged-row');
    assert.equal(e.location.line, 3);
    assert.equal(e.location.column, 2);
    assert.equal(e.location.columnName, 'c');
    assert.match(e.message, /^x\.csv line 3 has 2 fields but the header has 3 \(nothing for column 'c'\)/);
  });

  test('ragged row without a header says "first row"', () => {
    const e = labError(() => parse('1,2\n3,4\n5\n', { hasHeader: false }), 'ragged-row');
    assert.match(e.message, /^Line 3 has 1 field but the first row has 2 \(nothing for column 2\)/);
  });

  test('unterminated quote names the line where it opened', () => {
    const e = labError(() => parse('a,b\n1,x\n2,"open\n3,y\n4,z\n', { file: 'q.csv' }), 'bad-csv');
    assert.equal(e.location.line, 3);
    assert.equal(e.location.column, 1);
    assert.equal(e.location.columnName, 'b');
    assert.match(e.message, /^q\.csv line 3: a quoted field \(column 'b'\) opens here/);
    const h = labError(() => parse('"a,b\n1,2\n'), 'bad-csv');
    assert.equal(h.location.line, 1);
  });

  test('every LabError message is one line', () => {
    const e = labError(() => parse('a,b\n1,"x\ny'), 'bad-csv');
    assert.ok(!e.message.includes('\n'));
  });
});

describe('readCsvFile', () => {
  test('missing file, folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-test-'));
    try {
      const missing = join(dir, 'nope.csv');
      const e = labError(() => readCsvFile(missing), 'file-not-found');
      assert.ok(e.message.includes(missing));
      assert.equal(e.location.file, missing);
      const d = labError(() => readCsvFile(dir), 'file-not-found');
      assert.ok(d.message.includes(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('errors from a file name the file', () => {
    const e = labError(() => readCsvFile('test/fixtures/csv/ragged.csv'), 'ragged-row');
    assert.match(e.message, /^ragged\.csv line 4 has 3 fields but the header has 2/);
    assert.equal(e.location.file, 'test/fixtures/csv/ragged.csv');
  });

  test('options pass through', () => {
    const t = readCsvFile('samples/toy_train.csv', { hasHeader: false });
    assert.equal(t.hasHeader, false);
    assert.equal(t.rowCount, 9);
  });
});

interface SampleFixture {
  rows: number;
  columns: Array<
    | { name: string; kind: 'numeric'; missing: number; sum: number; sumSquares: number; min: number | null; max: number | null; first: number | null; last: number | null }
    | { name: string; kind: 'categorical'; missing: number; levels: string[]; codes: number[] }
  >;
}

describe('sample files against pandas read_csv (test/fixtures/csv/samples.json)', () => {
  const fixtures = JSON.parse(readFileSync('test/fixtures/csv/samples.json', 'utf8')) as Record<string, SampleFixture>;
  const close = (a: number, b: number, what: string): void =>
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

  for (const [name, fx] of Object.entries(fixtures)) {
    test(name, () => {
      const t = readCsvFile(`samples/${name}.csv`);
      assert.equal(t.hasHeader, true);
      assert.equal(t.delimiter, ',');
      assert.equal(t.rowCount, fx.rows);
      assert.deepEqual(t.columns.map((c) => c.name), fx.columns.map((c) => c.name));
      fx.columns.forEach((ref, j) => {
        const c = t.columns[j];
        assert.equal(c.kind, ref.kind, ref.name);
        assert.equal(c.missing, ref.missing, ref.name);
        if (c.kind === 'numeric' && ref.kind === 'numeric') {
          assert.equal(c.values.length, fx.rows);
          let sum = 0;
          let sq = 0;
          let min = Infinity;
          let max = -Infinity;
          for (const v of c.values) {
            if (Number.isNaN(v)) continue;
            sum += v;
            sq += v * v;
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          close(sum, ref.sum, `${ref.name} sum`);
          close(sq, ref.sumSquares, `${ref.name} sum of squares`);
          assert.equal(min, ref.min, `${ref.name} min`);
          assert.equal(max, ref.max, `${ref.name} max`);
          assert.deepEqual(cells(c)[0], ref.first, `${ref.name} first`);
          assert.deepEqual(cells(c)[fx.rows - 1], ref.last, `${ref.name} last`);
        } else if (c.kind === 'categorical' && ref.kind === 'categorical') {
          assert.deepEqual(c.levels, ref.levels, ref.name);
          assert.deepEqual(Array.from(c.codes), ref.codes, ref.name);
        }
      });
    });
  }

  test('titanic: the figures everyone knows', () => {
    const t = readCsvFile('samples/titanic.csv');
    assert.equal(t.rowCount, 891);
    assert.equal(t.columns.length, 12);
    assert.equal(num(t, 'Age').missing, 177);
    assert.equal(cat(t, 'Cabin').missing, 687);
    assert.equal(cat(t, 'Embarked').missing, 2);
    assert.deepEqual(cat(t, 'Sex').levels, ['male', 'female']);
    assert.equal(cells(cat(t, 'Name'))[0], 'Braund, Mr. Owen Harris');
    assert.equal(num(t, 'Fare').values[0], 7.25);
  });

  test('iris, breast_cancer, digits shapes', () => {
    const iris = readCsvFile('samples/iris.csv');
    assert.deepEqual([iris.rowCount, iris.columns.length], [150, 5]);
    assert.deepEqual(cat(iris, 'species').levels, ['setosa', 'versicolor', 'virginica']);
    const bc = readCsvFile('samples/breast_cancer.csv');
    assert.deepEqual([bc.rowCount, bc.columns.length], [569, 31]);
    const digits = readCsvFile('samples/digits.csv');
    assert.deepEqual([digits.rowCount, digits.columns.length], [1797, 65]);
    assert.ok(digits.columns.every((c) => c.kind === 'numeric' && c.missing === 0));
  });
});
