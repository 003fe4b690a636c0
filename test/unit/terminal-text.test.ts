/**
 * terminal-text.ts: no character a terminal acts on survives `printable` (checked over every code point of the
 * unsafe ranges and a corpus of real escape sequences), the escapes are visible and stable, ordinary text is
 * unchanged; `jsonText` is lossless JSON without raw DEL, C1, bidi or separator characters.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonText, printable, printableLines } from '../../src/cli/terminal-text';

/** Everything a terminal must never receive from data (the ranges of the module comment). */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** What JSON.stringify leaves raw among them. */
const UNSAFE_IN_JSON = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

const HOSTILE = [
  '\u001b[2J\u001b[H', // clear the screen
  '\u001b]8;;https://evil.example\u0007click me\u001b]8;;\u0007', // OSC 8 hyperlink
  '\u001b]0;new window title\u0007', // OSC 0 title
  '\u001b[31mred\u001b[0m',
  '\u009b31mC1 CSI\u009b0m',
  '\u009d0;title\u009c',
  'abc\rdef', // carriage return overwrites "abc"
  'ab\bc\u007f', // backspace, DEL
  'bell\u0007',
  'line\nbreak',
  'tab\there',
  'evil\u202Efdp.exe', // right-to-left override: shows as "exe.pdf"
  '\u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069',
  '\u202A\u202B\u202C\u202D',
  'marks \u200E\u200F\u061C',
  'separators \u2028\u2029',
  '\u0000nul',
];

describe('printable', () => {
  test('every unsafe code point is escaped; the result has only visible text', () => {
    const ranges: Array<[number, number]> = [[0x00, 0x1f], [0x7f, 0x9f], [0x202a, 0x202e], [0x2066, 0x2069]];
    const points = [0x061c, 0x200e, 0x200f, 0x2028, 0x2029];
    for (const [a, b] of ranges) for (let c = a; c <= b; c++) points.push(c);
    for (const cp of points) {
      const out = printable(`a${String.fromCharCode(cp)}b`);
      assert.doesNotMatch(out, UNSAFE, `U+${cp.toString(16)}`);
      assert.ok(out.startsWith('a\\') && out.endsWith('b') && out.length > 3, `U+${cp.toString(16)} → ${out}`);
    }
  });

  test('escapes are readable: \\e, \\t, \\n, \\r, \\xHH, \\u{HHHH}', () => {
    assert.equal(printable('\u001b[31mred\u001b[0m'), '\\e[31mred\\e[0m');
    assert.equal(printable('a\tb\nc\rd'), 'a\\tb\\nc\\rd');
    assert.equal(printable('\u0007\u007f\u009b'), '\\x07\\x7F\\x9B');
    assert.equal(printable('evil\u202Efdp.exe'), 'evil\\u{202E}fdp.exe');
    assert.equal(printable('\u2066x\u2069'), '\\u{2066}x\\u{2069}');
  });

  test('a hostile corpus comes out without a control character; applying it twice changes nothing', () => {
    for (const s of HOSTILE) {
      const out = printable(s);
      assert.doesNotMatch(out, UNSAFE, JSON.stringify(s));
      assert.equal(printable(out), out);
    }
  });

  test('ordinary text is unchanged: accents, CJK, emoji, Arabic and Hebrew letters, quotes, Windows paths', () => {
    for (const s of ['Sex=male', 'p(Iris-setosa)', 'Zoë, Æsir — naïve', '東京', '🙂 ok', 'مرحبا', 'שלום', `"a" 'b'`, 'C:\\data\\x.csv', '']) {
      assert.equal(printable(s), s);
    }
  });

  test('printableLines keeps the line breaks of a text and escapes inside each line', () => {
    assert.equal(printableLines('a\u001b[2J\nb\u202e\n'), 'a\\e[2J\nb\\u{202E}\n');
  });
});

describe('jsonText', () => {
  test('JSON.stringify leaves C1, DEL and bidi controls raw; jsonText escapes them and parses back to the same value', () => {
    const value = { names: HOSTILE, [HOSTILE[4]]: { [HOSTILE[11]]: 1.5 }, n: [1, null, true] };
    assert.match(JSON.stringify(value), UNSAFE_IN_JSON, 'the reason for jsonText: raw U+009B and U+202E');
    const text = jsonText(value);
    assert.doesNotMatch(text, UNSAFE_IN_JSON);
    // C0 controls, escaped by JSON.stringify itself, never appear raw either (the newlines are the indentation's).
    assert.doesNotMatch(text.replace(/\n/g, ''), UNSAFE);
    assert.deepEqual(JSON.parse(text), value);
    assert.equal(jsonText({ a: 1 }), JSON.stringify({ a: 1 }, null, 2));
  });
});
