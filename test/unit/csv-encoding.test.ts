import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/data/csv';
import { createRng } from '../../src/engine/random';
import { decodeCsvBytes, invalidUtf8At, shownText, sniffUtf16, windows1252ToUtf8 } from '../../src/engine/data/text-encoding';
import { LabError } from '../../src/engine/types';
import type { ParsedTable, RawColumn } from '../../src/engine/types';

/**
 * Text decoding of CSV input (text-encoding.ts) through parseCsv: binary files refused with one clean message,
 * UTF-16 decoded, invalid UTF-8 read as Windows-1252 — each with its notice — and the UTF-8 validator against
 * the platform's own strict decoder.
 */

function cells(c: RawColumn): Array<number | string | null> {
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
}

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

/** No C0/C1 control character, no U+FFFD, one line. */
function assertClean(message: string): void {
  assert.ok(!/[\u0000-\u001F\u007F-\u009F\uFFFD]/.test(message), JSON.stringify(message));
}

function utf16(text: string, be: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  let o = 0;
  const put = (u: number): void => {
    out[o++] = be ? u >> 8 : u & 0xff;
    out[o++] = be ? u & 0xff : u >> 8;
  };
  if (bom) put(0xfeff);
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i));
  return out;
}

const CSV = 'name,age,city\nMüller,31,Köln\nZoë,27,Åre\n';
const EXPECTED = { name: ['Müller', 'Zoë'], age: [31, 27], city: ['Köln', 'Åre'] };

describe('UTF-16', () => {
  for (const [be, bom, notice] of [
    [false, true, 'decoded as UTF-16LE: the file starts with its byte-order mark'],
    [true, true, 'decoded as UTF-16BE: the file starts with its byte-order mark'],
    [false, false, 'decoded as UTF-16LE: every other byte of its first KiB is NUL (UTF-16 without a byte-order mark)'],
    [true, false, 'decoded as UTF-16BE: every other byte of its first KiB is NUL (UTF-16 without a byte-order mark)'],
  ] as Array<[boolean, boolean, string]>) {
    test(`${be ? 'big' : 'little'} endian, ${bom ? 'with' : 'without'} a byte-order mark`, () => {
      const t = parseCsv(utf16(CSV, be, bom), { file: 'u.csv' });
      assert.deepEqual(table(t), EXPECTED);
      assert.deepEqual(t.notices, [notice]);
    });
  }

  test('a cut-off last character or an unpaired surrogate is bad-csv at its line', () => {
    const odd = new Uint8Array([...utf16('a,b\n1,2\n', false, true), 0x33]);
    const e = labError(() => parseCsv(odd, { file: 'odd.csv' }), 'bad-csv');
    assert.equal(e.location.line, 3);
    assert.match(e.message, /^odd\.csv line 3 is not valid UTF-16LE text/);
    const lone = utf16('a,b\n1,\ud800\n', true, true);
    assert.equal(labError(() => parseCsv(lone, { file: 's.csv' }), 'bad-csv').location.line, 2);
  });

  test('UTF-32 is refused with its own message', () => {
    const e = labError(() => parseCsv(new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), { file: 'w.csv' }), 'bad-csv');
    assert.match(e.message, /^w\.csv is UTF-32 text/);
  });

  test('sniffUtf16 wants NUL at one parity only; short inputs are never UTF-16', () => {
    assert.equal(sniffUtf16(utf16('abcdef', false, false)), 'utf-16le');
    assert.equal(sniffUtf16(utf16('abcdef', true, false)), 'utf-16be');
    assert.equal(sniffUtf16(new Uint8Array(64)), null);
    assert.equal(sniffUtf16(new TextEncoder().encode('plain text')), null);
    assert.equal(sniffUtf16(new Uint8Array([0x61, 0])), null);
  });
});

describe('Windows-1252 when the bytes are not UTF-8', () => {
  test('Müller and Mäller stay two names; the notice gives the line of the first bad byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('name;n\nabc;1\n'), 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x32, 0x0a, 0x4d, 0xe4, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x33, 0x0a, 0x80, 0x3b, 0x34, 0x0a]);
    const t = parseCsv(bytes, { file: 'latin.csv' });
    assert.deepEqual(table(t), { name: ['abc', 'Müller', 'Mäller', '€'], n: [1, 2, 3, 4] });
    assert.deepEqual(t.notices, ['decoded as Windows-1252: the file is not valid UTF-8 (first bad byte at line 3)']);
  });

  test('windows1252ToUtf8: every byte is one character, all distinct, as the WHATWG table', () => {
    const all = new TextDecoder().decode(windows1252ToUtf8(Uint8Array.from({ length: 256 }, (_, i) => i)));
    const chars = Array.from(all);
    assert.equal(chars.length, 256);
    assert.equal(new Set(chars).size, 256);
    const at = (byte: number): string => chars[byte];
    assert.deepEqual([at(0x41), at(0x80), at(0x81), at(0x8a), at(0x93), at(0x94), at(0x9f), at(0xa0), at(0xe4), at(0xfc), at(0xff)],
      ['A', '€', '\u0081', 'Š', '“', '”', 'Ÿ', '\u00a0', 'ä', 'ü', 'ÿ']);
  });

  test('a UTF-8 byte-order mark followed by Latin-1 bytes: the mark is dropped, the rest is Windows-1252', () => {
    const t = parseCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xe9, 0x0a, 0x62, 0x0a]));
    assert.deepEqual(table(t), { a: ['é', 'b'] });
  });

  test('valid UTF-8 (also 4-byte characters) is left as it is, with no notice', () => {
    const t = parseCsv(new TextEncoder().encode('a,b\n🙂,日本\n'));
    assert.deepEqual(table(t), { a: ['🙂'], b: ['日本'] });
    assert.equal(t.notices, undefined);
  });
});

describe('binary files', () => {
  const cases: Array<[string, number[], RegExp]> = [
    ['gzip', [0x1f, 0x8b, 8, 0, 0, 0, 0, 0], /starts like a gzip archive\)\. Unpack it/],
    ['xlsx', [0x50, 0x4b, 3, 4, 20, 0, 6, 0], /starts like a zip archive, as \.xlsx workbooks do\)/],
    ['xls', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], /Excel 97–2003 workbook/],
    ['pdf', [...new TextEncoder().encode('%PDF-1.7\n')], /PDF document/],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], /PNG image/],
    ['parquet', [...new TextEncoder().encode('PAR1\u0015')], /Parquet/],
  ];
  for (const [name, bytes, pattern] of cases) {
    test(`${name}: binary-file at line 1, nothing of the file quoted`, () => {
      const e = labError(() => parseCsv(new Uint8Array([...bytes, 0x41, 0x2c, 0x0a, 0xff, 0xfe]), { file: `dir/${name}.csv` }), 'binary-file');
      assert.match(e.message, new RegExp(`^${name}\\.csv is not a text CSV \\(line 1 `));
      assert.match(e.message, pattern);
      assert.deepEqual(e.location, { file: `dir/${name}.csv`, line: 1 });
      assertClean(e.message);
    });
  }

  test('a NUL byte in the first 64 KiB names its line', () => {
    const e = labError(() => parseCsv('a,b\n1,2\r\n3,\u0000x\n', { file: 'nul.csv' }), 'binary-file');
    assert.equal(e.message, 'nul.csv is not a text CSV (line 3 holds a NUL byte, as binary files do). Export the data as CSV text (UTF-8), or pick the CSV file itself.');
    assert.equal(e.location.line, 3);
  });

  test('many control bytes are binary; terminal escapes (ESC) and a few controls are text', () => {
    const noisy = new Uint8Array(400).map((_, i) => (i % 8 === 5 ? 1 : 0x41 + (i % 26)));
    labError(() => parseCsv(noisy, { file: 'ctl.csv' }), 'binary-file');
    const escapes = parseCsv('a,b\n\u001b[31mred\u001b[0m,1\nx\u0007,2\n');
    assert.deepEqual(table(escapes), { a: ['\u001b[31mred\u001b[0m', 'x\u0007'], b: [1, 2] });
  });

  test('decodeCsvBytes returns the input itself for plain UTF-8 (no copy)', () => {
    const input = new TextEncoder().encode('\ufeffa\n1\n');
    const d = decodeCsvBytes(input);
    assert.equal(d.bytes, input);
    assert.equal(d.begin, 3);
    assert.equal(d.encoding, 'utf-8');
  });
});

describe('invalidUtf8At against TextDecoder({ fatal: true })', () => {
  test('random byte strings (mostly ASCII, any alignment) give the same verdict, and the first bad index', () => {
    const rng = createRng(7);
    const strict = new TextDecoder('utf-8', { fatal: true });
    const tails = [[0xc3, 0xbc], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x99, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0x80], [0x80], [0xff], [0xc3], [0xf0, 0x9f]];
    let invalid = 0;
    for (let k = 0; k < 3000; k++) {
      const parts: number[] = [0, 0, 0].slice(0, Math.floor(rng() * 4));
      const len = Math.floor(rng() * 40);
      for (let i = 0; i < len; i++) {
        if (rng() < 0.08) parts.push(...tails[Math.floor(rng() * tails.length)]);
        else parts.push(rng() < 0.02 ? Math.floor(rng() * 256) : 0x20 + Math.floor(rng() * 90));
      }
      const all = new Uint8Array(parts);
      const off = parts.length > 3 ? Math.floor(rng() * 3) : 0;
      const b = all.subarray(off);
      let ok = true;
      try {
        strict.decode(b);
      } catch {
        ok = false;
      }
      const at = invalidUtf8At(b);
      assert.equal(at < 0, ok, JSON.stringify(Array.from(b)));
      if (!ok) {
        invalid++;
        // Everything before the reported byte is valid, and it starts no valid sequence.
        assert.doesNotThrow(() => strict.decode(b.subarray(0, at)));
      }
    }
    assert.ok(invalid > 300, `${invalid} invalid strings`);
  });
});

describe('shownText', () => {
  test('escapes controls like the CLI, caps the length without splitting a surrogate pair', () => {
    assert.equal(shownText('a\u001b[1m\tb\u0007\u009b\u202e'), 'a\\e[1m\\tb\\x07\\x9B\\u{202E}');
    assert.equal(shownText('abcdef', 3), 'abc…');
    assert.equal(shownText('ab🙂c', 3), 'ab…');
    assert.equal(shownText(shownText('x\u001by')), 'x\\ey');
  });

  test('error messages quote header names through it', () => {
    const e = labError(() => parseCsv('"\u001b]8;;x\u0007a",b\n1,2\n3\n', { file: 'esc.csv' }), 'ragged-row');
    assertClean(e.message);
    assert.match(e.message, /nothing for column 'b'/);
    const u = labError(() => parseCsv('"a\u001b[2J",b\n1,"open\n', { file: 'q.csv' }), 'bad-csv');
    assertClean(u.message);
    assert.match(u.message, /\(column 'b'\)/);
    const m = labError(() => parseCsv('a,"\u001b[2Jb"\n1,2,3\n', { file: 'm.csv' }), 'ragged-row');
    assert.match(m.message, /the last column is 'b\\e\[2J'|the last column is '\\e\[2Jb'/);
    assertClean(m.message);
  });
});
