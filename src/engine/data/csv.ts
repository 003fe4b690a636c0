/**
 * CSV ingestion: bytes → typed columns, in one pass over the input with no per-row objects. The input is in
 * memory (`parseCsv`) or streamed block by block (`parseCsvStream`, for files): the reader looks at one window of
 * it at a time (`Window`), so a file is never held whole.
 *
 * Rules (see `parseCsv`):
 * - Text: the bytes are checked and decoded by `decodeCsvBytes` (text-encoding.ts): binary files (gzip, zip/xlsx,
 *   PDF, images, NUL bytes, …) are refused with LabError 'binary-file'; UTF-16 (with a byte-order mark, or
 *   without one when every other byte is NUL) is decoded; bytes that are not valid UTF-8 make the whole file
 *   read as Windows-1252. Each decoding other than plain UTF-8 adds a notice (`ParsedTable.notices`).
 * - Excel's first line `sep=X` declares the delimiter and is skipped (`csvLayout`).
 * - RFC 4180 quoting: a field that starts with `"` (after optional spaces) runs to the matching closing quote;
 *   `""` inside it is one quote; delimiters and line breaks inside quotes are data.
 * - Line ends: CRLF, LF or a lone CR. A UTF-8 byte-order mark is skipped. Blank lines are skipped.
 * - Fields are trimmed of spaces (and tabs unless the delimiter is a tab) outside quotes; the text inside quotes
 *   is kept verbatim.
 * - Missing markers: empty, `NA`, `N/A`, `NaN`, `null`, `?` (case-insensitive).
 * - Non-finite values (`isNonFiniteBytes`: `inf`, `infinity`, signed `nan`, any case and sign, and decimal
 *   numbers beyond ±1.8e308 such as `1e400`) are not measurements: in a column that is otherwise numeric they
 *   are read as missing, and a notice gives their count and first line. In a text column they are text.
 * - A column is numeric when every non-missing field is a finite decimal number (`[+-]digits[.digits][e±digits]`)
 *   or non-finite; otherwise it is categorical with levels in order of first appearance (numbers keep their
 *   original text).
 * - Decimal commas: when the delimiter is not `,`, a column whose non-missing values all match
 *   `[+-]digits[,digits]` — the integer part optionally grouped by threes with `.` or a space, one separator
 *   for the whole column — and that has at least one `,` is numeric (`3,14` → 3.14, `1.234,5` → 1234.5), with
 *   a notice. Never in `,`-delimited files.
 *
 * Pure TypeScript: no Node-only APIs (file reading lives in `csv-file.ts`).
 */
import {
  decodeCsvBytes, fileLabel, lineAtOffset, NotUtf8, shownText, Utf8Checked, Windows1252Text, windows1252Notice,
} from './text-encoding';
import type { ByteReader } from './text-encoding';
import {
  CR, decodeText, headerNames, isMissingBytes, isNonFiniteBytes, LF, nonFiniteNotice, parseNumberBytes, POW10, QUOTE, SPACE, TAB, utf8,
} from './csv-syntax';
import { LabError } from '../types';
import type { NumericValues, ParsedTable, RawColumn } from '../types';

export interface CsvOptions {
  /** Field separator (one ASCII character). Detected from the first lines when omitted. */
  delimiter?: string;
  /** Whether the first row holds column names. Detected when omitted. */
  hasHeader?: boolean;
  /** File name or path, used only in error messages and error locations. */
  file?: string;
}


/** Result codes of `Scanner.nextField`. */
const MORE = 0; // a delimiter followed: the record has more fields
const LAST = 1; // a line end or the end of input followed: the record is complete
const UNTERMINATED = 2; // a quoted field never closed
/** Result code of `readRows` for a row with the wrong number of fields. */
const RAGGED = 3;
/** Result code of `readRows`: a quoted field runs past the window's end (not the input's): read more, then go on. */
const NEED_MORE = 4;

/** Bytes from the start of the records from which the delimiter is detected. */
export const DELIMITER_SAMPLE = 65536;

/** Candidate delimiters in order of preference when the evidence is equal. */
const CANDIDATES = [',', ';', '\t', '|'];

/**
 * Tokenizer over the bytes `bytes[0, n)` of a window (see `Window`). `nextRecord()` positions at the next
 * non-blank line; `nextField()` reads one field and leaves its text as bytes `buf[start, end)` (unquoted fields
 * trimmed; quoted fields unescaped, verbatim). `line` is the 1-based physical line of the current position (line
 * breaks inside quotes count). A window that is not the input's end stops just after a line end, so only a quoted
 * field can run past it (UNTERMINATED there means: read more).
 */
class Scanner {
  bytes: Uint8Array;
  /** End of the bytes to read. */
  n: number;
  pos: number;
  line: number;
  /** Bytes of the last field: the input itself, or `scratch` when the field had to be unescaped. */
  buf: Uint8Array;
  start = 0;
  end = 0;
  /** Line where the last quoted field opened (for the unterminated-quote error). */
  openLine = 0;
  private scratch = new Uint8Array(256);
  private readonly trimSpace: boolean;
  private readonly trimTab: boolean;

  constructor(
    win: Window,
    readonly delim: number,
    pos: number,
    line: number,
  ) {
    this.bytes = win.bytes;
    this.n = win.end;
    this.buf = win.bytes;
    this.pos = pos;
    this.line = line;
    this.trimSpace = delim !== SPACE;
    this.trimTab = delim !== TAB;
  }

  private isPad(c: number): boolean {
    return (c === SPACE && this.trimSpace) || (c === TAB && this.trimTab);
  }

  /** Drops the window's bytes before `keep` and reads more (`win.advance`): positions move back by `keep`. */
  readMore(win: Window, keep: number): void {
    win.advance(keep);
    this.bytes = win.bytes;
    this.buf = win.bytes;
    this.n = win.end;
    this.pos -= keep;
  }

  /** Skips blank (empty or whitespace-only) lines. Returns false at the end of the window. */
  nextRecord(): boolean {
    const b = this.bytes;
    const n = this.n;
    let p = this.pos;
    while (p < n) {
      let q = p;
      while (q < n && this.isPad(b[q])) q++;
      if (q >= n) {
        p = q;
        break;
      }
      const c = b[q];
      if (c === LF) {
        this.line++;
        p = q + 1;
      } else if (c === CR) {
        this.line++;
        p = q + 1;
        if (p < n && b[p] === LF) p++;
      } else {
        this.pos = p;
        return true;
      }
    }
    this.pos = n;
    return false;
  }

  /** Reads one field starting at `pos`; returns MORE, LAST or UNTERMINATED. */
  nextField(): number {
    const b = this.bytes;
    const n = this.n;
    const delim = this.delim;
    let p = this.pos;
    while (p < n && this.isPad(b[p])) p++;
    if (p < n && b[p] === QUOTE) return this.quotedField(p + 1);
    const s = p;
    while (p < n) {
      const c = b[p];
      if (c === delim || c === LF || c === CR) break;
      p++;
    }
    let e = p;
    while (e > s && this.isPad(b[e - 1])) e--;
    this.buf = b;
    this.start = s;
    this.end = e;
    return this.terminate(p);
  }

  /** Consumes the delimiter or line end at p. */
  private terminate(p: number): number {
    const b = this.bytes;
    if (p >= this.n) {
      this.pos = p;
      return LAST;
    }
    const c = b[p];
    if (c === this.delim) {
      this.pos = p + 1;
      return MORE;
    }
    this.line++;
    p++;
    if (c === CR && p < this.n && b[p] === LF) p++;
    this.pos = p;
    return LAST;
  }

  /** A field whose opening quote is just before s. */
  private quotedField(s: number): number {
    const b = this.bytes;
    const n = this.n;
    const delim = this.delim;
    this.openLine = this.line;
    let p = s;
    let escaped = false;
    for (;;) {
      while (p < n) {
        const c = b[p];
        if (c === QUOTE) break;
        if (c === LF) this.line++;
        else if (c === CR && (p + 1 >= n || b[p + 1] !== LF)) this.line++;
        p++;
      }
      if (p >= n) {
        this.pos = n;
        return UNTERMINATED;
      }
      if (p + 1 < n && b[p + 1] === QUOTE) {
        escaped = true;
        p += 2;
        continue;
      }
      break;
    }
    const contentEnd = p;
    p++;
    while (p < n && this.isPad(b[p])) p++;
    // Text after the closing quote (malformed, e.g. `"ab"cd`): kept literally, as most readers do.
    let junkEnd = contentEnd + 1;
    if (p < n && b[p] !== delim && b[p] !== LF && b[p] !== CR) {
      while (p < n) {
        const c = b[p];
        if (c === delim || c === LF || c === CR) break;
        p++;
      }
      junkEnd = p;
      while (junkEnd > contentEnd + 1 && this.isPad(b[junkEnd - 1])) junkEnd--;
    }
    if (!escaped && junkEnd === contentEnd + 1) {
      this.buf = b;
      this.start = s;
      this.end = contentEnd;
    } else {
      const need = contentEnd - s + (junkEnd - contentEnd - 1);
      if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
      const out = this.scratch;
      let k = 0;
      for (let i = s; i < contentEnd; i++) {
        out[k++] = b[i];
        if (b[i] === QUOTE) i++; // `""` → `"`
      }
      for (let i = contentEnd + 1; i < junkEnd; i++) out[k++] = b[i];
      this.buf = out;
      this.start = 0;
      this.end = k;
    }
    return this.terminate(p);
  }
}

/** Bytes per read of a streamed input. */
const BLOCK = 4 << 20;
/**
 * Bytes a streamed input's first window holds at least (when the input is longer), so that `csvLayout` decides
 * on it as on the whole input: a `sep=X` line (≤ 7 bytes), then the delimiter's sample and one byte more (the
 * sample is cut at its last line end only when more follows). With the delimiter given, the `sep=` line alone.
 */
const HEAD_BYTES = 8 + DELIMITER_SAMPLE;
const HEAD_BYTES_DELIMITER_GIVEN = 8;

/**
 * The part of the input the reader looks at: the whole input in memory (`final` from the start), or a buffer a
 * `ByteReader` fills block by block. Reading stops at `end`: just after the last line end read so far, or the
 * input's end once `final` — so every record before `end` is complete unless a quoted field holds a line break
 * that runs past it. `base` is the input offset of bytes[0].
 */
class Window {
  bytes: Uint8Array;
  filled: number;
  end: number;
  final: boolean;
  base = 0;

  private constructor(
    private readonly source: ByteReader | null,
    bytes: Uint8Array,
    /** The input's size in bytes when known (else 0), for estimates. */
    readonly size: number,
  ) {
    this.bytes = bytes;
    this.filled = source ? 0 : bytes.length;
    this.end = this.filled;
    this.final = source === null;
  }

  static whole(bytes: Uint8Array): Window {
    return new Window(null, bytes, bytes.length);
  }

  /** A window on `source`, holding its first bytes (at least `head` of them unless the input is shorter). */
  static stream(source: ByteReader, size: number, head: number): Window {
    const w = new Window(source, new Uint8Array(Math.min(BLOCK, Math.max(4 * HEAD_BYTES, size + 1))), size);
    do w.advance(0);
    while (!w.final && w.filled < head);
    return w;
  }

  /** Drops bytes[0, keep) (keep ≤ filled), reads at least one more block, and moves `end`. */
  advance(keep: number): void {
    const source = this.source as ByteReader;
    if (keep > 0) this.bytes.copyWithin(0, keep, this.filled);
    this.base += keep;
    this.filled -= keep;
    for (;;) {
      if (this.bytes.length - this.filled < this.bytes.length >> 2) {
        // Less than a quarter free (a record nearly as long as the window): make room for it and one more block.
        const next = new Uint8Array(Math.max(this.bytes.length * 2, this.filled + BLOCK));
        next.set(this.bytes.subarray(0, this.filled));
        this.bytes = next;
      }
      const got = source.read(this.bytes, this.filled, this.bytes.length - this.filled);
      if (got === 0) {
        this.final = true;
        this.end = this.filled;
        return;
      }
      this.filled += got;
      // Just after the last LF; with none, after the last CR followed by another byte (so it is no CRLF's CR).
      let cut = this.bytes.lastIndexOf(LF, this.filled - 1) + 1;
      if (cut === 0 && this.filled > 1) cut = this.bytes.lastIndexOf(CR, this.filled - 2) + 1;
      if (cut > 0) {
        this.end = cut;
        return;
      }
    }
  }

  /** Window index of input offset `offset`, reading on until `end` is past it. */
  skipTo(offset: number): number {
    while (!this.final && this.base + this.end < offset) this.advance(Math.min(offset - this.base, this.end));
    return offset - this.base;
  }
}

/**
 * Guesses the field delimiter among `,` `;` tab `|` from a sample of the text (the first lines of the file).
 * For each candidate the sample is split into records (quotes respected, blank lines skipped, at most 200
 * records) and the number of fields per record is counted. The winner has the most records agreeing with its
 * most frequent field count (mode > 1), then the larger mode; ties go to the earlier candidate. Returns `,`
 * when no candidate splits the lines.
 */
export function detectDelimiter(sample: string): string {
  let best = ',';
  let bestAgree = 0;
  let bestMode = 1;
  for (const cand of CANDIDATES) {
    const counts = fieldCounts(sample, cand.charCodeAt(0), 200);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    let mode = 0;
    let modeFreq = 0;
    for (const k of counts) {
      const f = (freq.get(k) ?? 0) + 1;
      freq.set(k, f);
      if (f > modeFreq || (f === modeFreq && k > mode)) {
        mode = k;
        modeFreq = f;
      }
    }
    if (mode <= 1) continue;
    const agree = modeFreq / counts.length;
    if (agree > bestAgree || (agree === bestAgree && mode > bestMode)) {
      best = cand;
      bestAgree = agree;
      bestMode = mode;
    }
  }
  return best;
}

/** Number of fields of each non-blank record of `text` split by delimiter code `d` (quotes respected). */
function fieldCounts(text: string, d: number, maxRecords: number): number[] {
  const counts: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && counts.length < maxRecords) {
    let fields = 1;
    let content = false;
    let atFieldStart = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        i++;
        if (c === CR && i < n && text.charCodeAt(i) === LF) i++;
        break;
      }
      if (c === d) {
        fields++;
        content = true;
        atFieldStart = true;
        i++;
      } else if (c === QUOTE && atFieldStart) {
        content = true;
        i++;
        while (i < n) {
          if (text.charCodeAt(i) === QUOTE) {
            if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) i += 2;
            else break;
          } else {
            i++;
          }
        }
        i++;
        atFieldStart = false;
      } else {
        if (c !== SPACE && c !== TAB) {
          content = true;
          atFieldStart = false;
        }
        i++;
      }
    }
    if (content) counts.push(fields);
  }
  return counts;
}

/** Where the records of a CSV start and what splits them (see `csvLayout`). */
export interface CsvLayout {
  delimiter: string;
  /** Byte index of the first line after a `sep=` declaration (else the `begin` given). */
  begin: number;
  /** 1-based line number at `begin`: 2 after a declaration, else 1. */
  line: number;
  /** Whether the first line was Excel's delimiter declaration `sep=X`. */
  declared: boolean;
}


/**
 * The layout of UTF-8 CSV bytes `b` whose text starts at `begin` (after a byte-order mark). A first line
 * `sep=X` (Excel's delimiter declaration: `sep=` in any case, one ASCII character other than a quote or a
 * line break, then the line end) declares the delimiter X and is skipped: it is neither the header nor data.
 * The delimiter is then `delimiter` when given (it wins over a declaration), else the declared one, else
 * `detectDelimiter` on the first 64 KiB of the records (cut at the last line end when the input is longer).
 */
export function csvLayout(b: Uint8Array, begin: number, delimiter?: string): CsvLayout {
  let start = begin;
  let declared: string | undefined;
  if (b.length - begin >= 5 && (b[begin] | 0x20) === 115 && (b[begin + 1] | 0x20) === 101 && (b[begin + 2] | 0x20) === 112 && b[begin + 3] === 61) {
    const c = b[begin + 4];
    let q = begin + 5;
    if (c < 0x80 && c !== QUOTE && c !== LF && c !== CR && (q >= b.length || b[q] === LF || b[q] === CR)) {
      if (q < b.length) q += b[q] === CR && b[q + 1] === LF ? 2 : 1;
      declared = String.fromCharCode(c);
      start = q;
    }
  }
  const line = declared !== undefined ? 2 : 1;
  if (delimiter !== undefined || declared !== undefined) {
    return { delimiter: delimiter ?? (declared as string), begin: start, line, declared: declared !== undefined };
  }
  const sampleEnd = Math.min(b.length, start + DELIMITER_SAMPLE);
  let sample = utf8.decode(b.subarray(start, sampleEnd));
  if (sampleEnd < b.length) {
    const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
    if (cut > 0) sample = sample.slice(0, cut);
  }
  return { delimiter: detectDelimiter(sample), begin: start, line, declared: false };
}

/** `data.csv line 7`, or `Line 7` without a file. */
function atLine(label: string, file: string | undefined, line: number): string {
  return file ? `${label} line ${line}` : `Line ${line}`;
}

function delimiterName(d: string): string {
  return d === '\t' ? 'a tab' : `'${d}'`;
}

/** Field classification of the first row. */
const F_MISSING = 0;
const F_NUMBER = 1;
const F_TEXT = 2;
/** A non-finite value (`isNonFiniteBytes`): missing in a numeric column, text in a categorical one. */
const F_NONFINITE = 3;

/**
 * A decimal-comma number (see the module comment): optional sign, the integer part either plain digits or
 * grouped by threes with one separator (group 1), then an optional `,` fraction (group 2).
 */
const DECIMAL_COMMA = /^[+-]?(?:\d{1,3}([. ])\d{3}(?:\1\d{3})*|\d+)(?:,(\d+))?$/;

/** A text with spaces and tabs at both ends removed (as the byte-level number parser trims). */
function trimPad(t: string): string {
  return t.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * The values of `levels` read as decimal-comma numbers (the rule of the module comment), or null when the
 * column does not qualify: a level that does not match, two different grouping separators, no `,` at all,
 * or a value beyond the float64 range.
 */
function decimalCommaValues(levels: string[]): Float64Array | null {
  const out = new Float64Array(levels.length);
  let group = '';
  let comma = false;
  for (let k = 0; k < levels.length; k++) {
    const t = trimPad(levels[k]);
    const m = DECIMAL_COMMA.exec(t);
    if (!m) return null;
    if (m[1] !== undefined) {
      if (group !== '' && group !== m[1]) return null;
      group = m[1];
    }
    if (m[2] !== undefined) comma = true;
    const v = Number(t.replace(/[. ]/g, '').replace(',', '.'));
    if (!Number.isFinite(v)) return null;
    out[k] = v;
  }
  return comma ? out : null;
}

/**
 * Parses CSV bytes (or text) into typed columns: numeric columns in the narrowest array that holds every value
 * exactly (`NumericValues`: Uint8Array for integers 0–255 with nothing missing, such as pixels; else Float32Array
 * when every value is a float32; else Float64Array; NaN = missing), categorical columns as Int32Array codes into
 * `levels` (−1 = missing). The input is scanned once into per-column growable
 * arrays; a numeric column switches to a dictionary at its first non-numeric value, and the original text of
 * its earlier numbers is recovered afterwards by one more scan of only the rows before the latest switch.
 * A numeric column's `values` may be a view on a slightly larger buffer (its growable array, when the spare
 * capacity is under 1/8): use `values` and its length, not `values.buffer`.
 *
 * Header detection (unless `hasHeader` is given): the first row is a header when one of its fields is text
 * where the column below is numeric, when all its fields are non-empty distinct text and some column below is
 * numeric, or (all columns text) when all its fields are non-empty distinct text that never occurs again in
 * its column. Without a header, columns are named `column1…N`. Empty header names become `column<j>`, and
 * duplicates get `_2`, `_3`, …. Non-finite fields count as neither text nor numbers here, and columns that
 * qualify for decimal commas (judged on the rows below the first) count as numeric, their first-row field as
 * a number when it is one.
 *
 * `notices` lists, in this order, how the text was decoded (when not plain UTF-8) and, column by column,
 * decimal commas read as numbers and non-finite values read as missing. It is absent when there is nothing
 * to say.
 *
 * Throws LabError 'binary-file' (not a text file), 'empty-file', 'ragged-row', 'bad-csv' (unterminated quote,
 * UTF-32, broken UTF-16) or 'bad-config' (bad delimiter). Messages quote names and cells only through
 * `shownText` (no control characters).
 */
export function parseCsv(input: Uint8Array | string, options: CsvOptions = {}): ParsedTable {
  checkDelimiter(options);
  const text = decodeCsvBytes(typeof input === 'string' ? new TextEncoder().encode(input) : input, options.file);
  return parseText(() => Window.whole(text.bytes), text.begin, text.notices, options);
}

/**
 * `parseCsv` on a UTF-8 file read block by block (csv-file.ts): the same table from the same bytes, in one
 * streaming pass that holds one window of the text (a few MiB) besides the columns. The caller has checked the
 * file's head (`sniffEncoding`: not binary, not UTF-16). `openBody` starts a reader at the first byte after any
 * byte-order mark; it is called again when
 * - a byte is not UTF-8 (rule 5 of text-encoding.ts): the whole file is then read as Windows-1252 from its start,
 *   with the notice giving that byte's line (its line is counted by reading up to it);
 * - a column that looked numeric turns out to be text: the rows up to that one are read again to recover the text
 *   of the numbers above it.
 * `size` is the body's size in bytes when known (for the initial capacity).
 */
export function parseCsvStream(openBody: () => ByteReader, size: number, options: CsvOptions = {}): ParsedTable {
  checkDelimiter(options);
  const head = options.delimiter === undefined ? HEAD_BYTES : HEAD_BYTES_DELIMITER_GIVEN;
  try {
    return parseText(() => Window.stream(new Utf8Checked(openBody()), size, head), 0, [], options);
  } catch (err) {
    if (!(err instanceof NotUtf8)) throw err;
    const notice = windows1252Notice(lineAtOffset(openBody(), err.offset));
    return parseText(() => Window.stream(new Windows1252Text(openBody()), size, head), 0, [notice], options);
  }
}

function checkDelimiter(options: CsvOptions): void {
  if (options.delimiter !== undefined) {
    const d = options.delimiter;
    const code = d.charCodeAt(0);
    if (d.length !== 1 || code >= 0x80 || code === QUOTE || code === LF || code === CR) {
      throw new LabError(
        'bad-config',
        `The CSV delimiter must be one ASCII character other than a quote or a line break (got ${JSON.stringify(d)}).`,
        { file: options.file },
      );
    }
  }
}

/** The reader behind `parseCsv` and `parseCsvStream`: the text of `open()` from byte `begin` on (see parseCsv). */
function parseText(open: () => Window, begin: number, textNotices: string[], options: CsvOptions): ParsedTable {
  const file = options.file;
  const label = fileLabel(file);
  const win = open();
  const layout = csvLayout(win.bytes.subarray(0, win.filled), begin, options.delimiter);
  const delimiter = layout.delimiter;
  const delim = delimiter.charCodeAt(0);

  const sc = new Scanner(win, delim, layout.begin, layout.line);
  const emptyError = (): LabError =>
    new LabError('empty-file', `${label} is empty: it has no rows. Add a header row and data rows, or pick another file.`, {
      file,
    });

  // ── First row, kept as text: it is either the header or the first data row. ──
  const firstText: string[] = [];
  const firstKind: number[] = [];
  const firstValue: number[] = [];
  let firstLine = 0;
  for (;;) {
    if (!sc.nextRecord()) {
      if (win.final) throw emptyError();
      sc.readMore(win, sc.pos);
      continue;
    }
    firstLine = sc.line;
    const recordPos = sc.pos;
    let r = MORE;
    while (r === MORE) {
      r = sc.nextField();
      if (r === UNTERMINATED) break;
      const v = parseNumberBytes(sc.buf, sc.start, sc.end);
      firstText.push(decodeText(sc.buf, sc.start, sc.end));
      firstValue.push(v);
      firstKind.push(
        v === v
          ? F_NUMBER
          : isMissingBytes(sc.buf, sc.start, sc.end)
            ? F_MISSING
            : isNonFiniteBytes(sc.buf, sc.start, sc.end)
              ? F_NONFINITE
              : F_TEXT,
      );
    }
    if (r === LAST) break;
    if (win.final) throw unterminated(label, file, sc.openLine, firstText.length, undefined);
    // A quoted line break runs past the window: read the record again with more of the input.
    firstText.length = firstKind.length = firstValue.length = 0;
    sc.pos = recordPos;
    sc.line = firstLine;
    sc.readMore(win, recordPos);
  }
  const ncols = firstText.length;
  /** Input offset and line of the first data row's record (or of the blank lines before it). */
  const dataStart = win.base + sc.pos;
  const dataLine = sc.line;
  // What ragged-row messages call the first row before header detection has run.
  const firstLooksLikeHeader = options.hasHeader ?? firstKind.some((k) => k === F_TEXT);

  // ── Data rows straight into typed columns, window by window. ──
  const cols = new Columns(ncols, estimateRows(win, sc.pos));
  let status = readRows(sc, cols, win.final);
  while (status === NEED_MORE || (status === 0 && !win.final)) {
    sc.readMore(win, sc.pos);
    status = readRows(sc, cols, win.final);
  }
  if (status === UNTERMINATED) {
    const j = cols.errField;
    throw unterminated(label, file, cols.errLine, j, j < ncols ? firstText[j] : undefined);
  }
  if (status === RAGGED) {
    throw raggedRow(label, file, cols.errLine, cols.errField, ncols, firstLooksLikeHeader, firstText, firstKind, delimiter);
  }
  const { kind, codes, levelLists, missing, switchRow, needsText, nonFinite, nonFiniteLine } = cols;
  const rows = cols.rows;
  const commas = delimiter !== ',';

  // ── Header detection, with decimal-comma columns (on the rows below the first) taken as numeric. ──
  let hasHeader: boolean;
  if (options.hasHeader !== undefined) hasHeader = options.hasHeader;
  else if (rows === 0) hasHeader = true;
  else {
    const kindH = kind.slice();
    const firstKindH = firstKind.slice();
    const missingH = missing.map((m, j) => m + nonFinite[j]);
    for (let j = 0; commas && j < ncols; j++) {
      if (kind[j] !== 1 || decimalCommaValues(levelLists[j]) === null) continue;
      kindH[j] = 0;
      if (firstKind[j] === F_TEXT && DECIMAL_COMMA.test(trimPad(firstText[j]))) firstKindH[j] = F_NUMBER;
    }
    hasHeader = detectHeader(firstText, firstKindH, kindH, missingH, rows, levelLists);
  }

  if (hasHeader && rows === 0) {
    throw new LabError(
      'empty-file',
      `${label} is empty: it has a header (line ${firstLine}) but no data rows. Add rows or pick another file.`,
      { file, line: firstLine },
    );
  }

  // ── Final columns. ──
  const off = hasHeader ? 0 : 1;
  const total = rows + off;
  const names = hasHeader ? headerNames(firstText, (j) => firstKind[j] === F_MISSING && firstText[j].trim() === '') : firstText.map((_, j) => `column${j + 1}`);
  // A numeric column whose first row (data, not header) is text becomes categorical over all rows.
  if (!hasHeader) {
    for (let j = 0; j < ncols; j++) {
      if (kind[j] === 0 && firstKind[j] === F_TEXT) {
        kind[j] = 1;
        switchRow[j] = rows;
        needsText[j] = rows - missing[j] > 0 ? 1 : 0;
        codes[j] = new Int32Array(0);
      }
    }
  }

  const columns: RawColumn[] = new Array<RawColumn>(ncols);
  const columnNotices: Array<string | null> = new Array<string | null>(ncols).fill(null);
  const finalCodes: Int32Array[] = [];
  const finalDicts: Map<string, number>[] = [];
  const finalLevels: string[][] = [];
  let rescanRows = 0;
  for (let j = 0; j < ncols; j++) {
    finalCodes.push(new Int32Array(0));
    finalDicts.push(new Map());
    finalLevels.push([]);
    if (kind[j] === 0) {
      const first = firstKind[j] === F_NUMBER ? firstValue[j] : NaN;
      if (off) cols.widen(j, Math.max(cols.width[j], widthOf(first)));
      const buf = cols.numbers(j);
      let values: NumericValues;
      if (off === 0 && buf.length - rows <= rows >> 3) {
        // Little spare capacity: keep the array as a view instead of allocating and copying it again.
        values = buf.length === rows ? buf : buf.subarray(0, rows);
      } else {
        values = sameWidth(buf, total);
        values.set(buf.subarray(0, rows), off);
      }
      let miss = missing[j] + nonFinite[j];
      let infinite = nonFinite[j];
      let infiniteLine = nonFiniteLine[j];
      if (off) {
        values[0] = first;
        if (firstKind[j] === F_MISSING) miss++;
        if (firstKind[j] === F_NONFINITE) {
          miss++;
          infinite++;
          infiniteLine = firstLine;
        }
      }
      columns[j] = { kind: 'numeric', name: names[j], values, missing: miss };
      if (infinite > 0) columnNotices[j] = nonFiniteNotice(names[j], infinite, infiniteLine);
      cols.drop(j);
      continue;
    }
    // Categorical: levels in order of first appearance over [first row] + [rows before switch] + [the rest].
    // A header and text from the first data row on: the reader's codes are final (kept, not copied).
    if (off === 0 && switchRow[j] === 0) continue;
    const out = new Int32Array(total);
    const dict = finalDicts[j];
    const levels = finalLevels[j];
    if (off) {
      if (firstKind[j] === F_MISSING) {
        out[0] = -1;
        missing[j]++;
      } else {
        dict.set(firstText[j], 0);
        levels.push(firstText[j]);
        out[0] = 0;
      }
    }
    if (needsText[j]) rescanRows = Math.max(rescanRows, switchRow[j]);
    else out.fill(-1, off, off + switchRow[j]);
    finalCodes[j] = out;
  }

  if (rescanRows > 0) {
    // Recover the text of numbers stored before each column's switch to categorical: read the rows up to the last
    // switch again (in memory, or from the input's start for a stream).
    const rw = open();
    const rs = new Scanner(rw, delim, rw.skipTo(dataStart), dataLine);
    for (let row = 0; row < rescanRows; row++) {
      if (!rs.nextRecord()) {
        // The window's end (a stream): go on in the next one.
        rs.readMore(rw, rs.pos);
        row--;
        continue;
      }
      const recordPos = rs.pos;
      const recordLine = rs.line;
      for (let j = 0; ; j++) {
        const r = rs.nextField();
        if (r === UNTERMINATED) {
          // Only past a window's end (the first pass read this row): read the row again with more of the input.
          rs.pos = recordPos;
          rs.line = recordLine;
          rs.readMore(rw, recordPos);
          row--;
          break;
        }
        if (needsText[j] && row < switchRow[j]) {
          const out = finalCodes[j];
          // NaN is a missing marker or a non-finite value, which is text in a categorical column.
          if (Number.isNaN(cols.numbers(j)[row]) && isMissingBytes(rs.buf, rs.start, rs.end)) {
            out[row + off] = -1;
          } else {
            const text = decodeText(rs.buf, rs.start, rs.end);
            const dict = finalDicts[j];
            let code = dict.get(text);
            if (code === undefined) {
              code = dict.size;
              dict.set(text, code);
              finalLevels[j].push(text);
            }
            out[row + off] = code;
          }
        }
        if (r !== MORE) break;
      }
    }
  }

  for (let j = 0; j < ncols; j++) {
    if (kind[j] !== 1) continue;
    const dict = finalDicts[j];
    const levels = finalLevels[j];
    const collected = levelLists[j];
    const remap = new Int32Array(collected.length);
    for (let k = 0; k < collected.length; k++) {
      let code = dict.get(collected[k]);
      if (code === undefined) {
        code = dict.size;
        dict.set(collected[k], code);
        levels.push(collected[k]);
      }
      remap[k] = code;
    }
    const src = codes[j] as Int32Array;
    let out = finalCodes[j];
    if (off === 0 && switchRow[j] === 0) {
      // Nothing came before the reader's codes, so the remap is the identity.
      out = src.length - rows <= rows >> 3 ? src.subarray(0, rows) : src.slice(0, rows);
    } else {
      for (let row = switchRow[j]; row < rows; row++) {
        const c = src[row];
        out[row + off] = c < 0 ? -1 : remap[c];
      }
    }
    codes[j] = null;
    cols.drop(j);
    const numbers = commas ? decimalCommaValues(levels) : null;
    if (numbers) {
      const values = new Float64Array(total);
      for (let row = 0; row < total; row++) values[row] = out[row] < 0 ? NaN : numbers[out[row]];
      columns[j] = { kind: 'numeric', name: names[j], values, missing: missing[j] };
      columnNotices[j] = `column '${shownText(names[j])}': decimal commas read as numbers`;
    } else {
      columns[j] = { kind: 'categorical', name: names[j], codes: out, levels, missing: missing[j] };
    }
  }

  const notices = [...textNotices, ...columnNotices.filter((n): n is string => n !== null)];
  // The CSV line of every row: kept only when blank lines, line breaks in quotes or a `sep=` line make it differ
  // from the first row's line + row.
  const lineList = cols.lines;
  const firstRowLine = off ? firstLine : rows > 0 ? lineList[0] : firstLine + 1;
  let consecutive = true;
  for (let r = 0; r < rows && consecutive; r++) if (lineList[r] !== firstRowLine + off + r) consecutive = false;
  const table: ParsedTable = { columns, rowCount: total, delimiter, hasHeader, firstLine: firstRowLine };
  if (!consecutive) {
    const each = new Int32Array(total);
    if (off) each[0] = firstLine;
    each.set(lineList.subarray(0, rows), off);
    table.lines = each;
  }
  cols.lines = new Int32Array(0);
  if (notices.length > 0) table.notices = notices;
  return table;
}


/**
 * Codes of a column's distinct field texts, looked up by their bytes: open addressing on an FNV-1a hash of the
 * field's bytes, with the bytes of every level kept in one arena — no string is made for a level already seen.
 * The reader's bytes are valid UTF-8 (decodeCsvBytes), so equal bytes ⇔ equal decoded text.
 */
class ByteDictionary {
  size = 0;
  private arena = new Uint8Array(1024);
  private used = 0;
  /** Per code: start in the arena, byte length and hash. */
  private starts: Int32Array = new Int32Array(16);
  private lengths: Int32Array = new Int32Array(16);
  private hashes: Int32Array = new Int32Array(16);
  /** code + 1 per slot (0 = empty); power-of-two length, at most half full. */
  private slots = new Int32Array(32);

  /** The code of bytes `b[s, e)`, or −1 when not present. `lastHash` keeps the hash for a following `add`. */
  lastHash = 0;
  find(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    this.lastHash = h;
    const mask = this.slots.length - 1;
    const len = e - s;
    const arena = this.arena;
    for (let k = (h ^ (h >>> 15)) & mask; ; k = (k + 1) & mask) {
      const c = this.slots[k] - 1;
      if (c < 0) return -1;
      if (this.hashes[c] !== h || this.lengths[c] !== len) continue;
      const a = this.starts[c];
      let i = 0;
      while (i < len && arena[a + i] === b[s + i]) i++;
      if (i === len) return c;
    }
  }

  /** Adds bytes `b[s, e)` (absent: just checked by `find`) and returns their code. */
  add(b: Uint8Array, s: number, e: number): number {
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    this.arena.set(b.subarray(s, e), this.used);
    const code = this.size++;
    if (code === this.starts.length) {
      this.starts = grow32(this.starts, code * 2);
      this.lengths = grow32(this.lengths, code * 2);
      this.hashes = grow32(this.hashes, code * 2);
    }
    this.starts[code] = this.used;
    this.lengths[code] = len;
    this.hashes[code] = this.lastHash;
    this.used += len;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(code);
    return code;
  }

  private place(code: number): void {
    const h = this.hashes[code];
    const mask = this.slots.length - 1;
    let k = (h ^ (h >>> 15)) & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = code + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let c = 0; c < this.size; c++) this.place(c);
  }
}

/** Widths of a numeric column's array while reading, narrowest first (see `parseCsv`). */
const W_U8 = 0;
const W_F32 = 1;
const W_F64 = 2;
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_F32 = new Float32Array(0);
const EMPTY_F64 = new Float64Array(0);

/** The narrowest width that holds `v` exactly (NaN, a missing value, needs a float; −0 is not 0). */
function widthOf(v: number): number {
  if ((v & 255) === v && !Object.is(v, -0)) return W_U8;
  return v !== v || Math.fround(v) === v ? W_F32 : W_F64;
}

/** A zero-filled array of `length` of the same element type as `a`. */
function sameWidth(a: NumericValues, length: number): NumericValues {
  if (a instanceof Uint8Array) return new Uint8Array(length);
  if (a instanceof Float32Array) return new Float32Array(length);
  return new Float64Array(length);
}

/**
 * Growable typed columns filled row by row. A column starts numeric and switches to a dictionary (`codes` into
 * `levelLists`) at its first non-numeric, non-missing field. A numeric column's rows live in one array of its
 * `width` (`u8s`, `f32s` or `f64s`; the other two are empty): it starts as bytes and is widened, its rows so far
 * copied, by the first value the width does not hold exactly.
 */
class Columns {
  rows = 0;
  /** 0 numeric, 1 categorical. */
  readonly kind: Uint8Array;
  /** W_U8, W_F32 or W_F64 (numeric columns). */
  readonly width: Uint8Array;
  readonly u8s: Uint8Array[] = [];
  readonly f32s: Float32Array[] = [];
  readonly f64s: Float64Array[] = [];
  readonly codes: (Int32Array | null)[] = [];
  readonly dicts: (ByteDictionary | null)[] = [];
  readonly levelLists: string[][] = [];
  readonly missing: Int32Array;
  /** Data row where a column became categorical; earlier rows hold numbers (or NaN) in its numeric array. */
  readonly switchRow: Int32Array;
  /** Whether any non-missing number was stored before the switch (its text must be recovered). */
  readonly needsText: Uint8Array;
  /** Non-finite fields read as NaN while the column is numeric (not in `missing`), and the first one's line. */
  readonly nonFinite: Int32Array;
  readonly nonFiniteLine: Int32Array;
  /** Physical line (1-based) where each row's record starts. */
  lines: Int32Array;
  /** Details of a reading error: physical line and 0-based field index (ragged: the field count). */
  errLine = 0;
  errField = 0;
  /**
   * What the current row has counted, to take back when it must be read again (NEED_MORE): column j for a
   * missing field, ~j for a non-finite one. One entry per field at most.
   */
  readonly counted: Int32Array;
  countedN = 0;

  constructor(
    readonly ncols: number,
    public cap: number,
  ) {
    this.kind = new Uint8Array(ncols);
    this.width = new Uint8Array(ncols);
    this.missing = new Int32Array(ncols);
    this.switchRow = new Int32Array(ncols);
    this.needsText = new Uint8Array(ncols);
    this.nonFinite = new Int32Array(ncols);
    this.nonFiniteLine = new Int32Array(ncols);
    this.counted = new Int32Array(ncols);
    this.lines = new Int32Array(cap);
    for (let j = 0; j < ncols; j++) {
      this.u8s.push(new Uint8Array(cap));
      this.f32s.push(EMPTY_F32);
      this.f64s.push(EMPTY_F64);
      this.codes.push(null);
      this.dicts.push(null);
      this.levelLists.push([]);
    }
  }

  /** The array of numeric column j (its capacity; rows [0, rows) are read). */
  numbers(j: number): NumericValues {
    const w = this.width[j];
    return w === W_U8 ? this.u8s[j] : w === W_F32 ? this.f32s[j] : this.f64s[j];
  }

  /** Numeric column j held at width `w` or wider: its array copied into a wider one when needed. */
  widen(j: number, w: number): void {
    if (w <= this.width[j]) return;
    const old = this.numbers(j);
    if (w === W_F32) this.f32s[j] = new Float32Array(old.length);
    else this.f64s[j] = new Float64Array(old.length);
    this.width[j] = w;
    this.numbers(j).set(old.subarray(0, this.rows + 1));
    this.u8s[j] = EMPTY_U8;
    if (w === W_F64) this.f32s[j] = EMPTY_F32;
  }

  /** Column j's numeric array released (the column is final or categorical). */
  drop(j: number): void {
    this.u8s[j] = EMPTY_U8;
    this.f32s[j] = EMPTY_F32;
    this.f64s[j] = EMPTY_F64;
  }

  /** Stores number `v` (NaN: missing) at `row` of numeric column j, widening the column when `v` needs it. */
  put(j: number, row: number, v: number): void {
    this.widen(j, widthOf(v));
    this.numbers(j)[row] = v;
  }

  /** Doubles the capacity of every column. */
  grow(): void {
    const next = this.cap * 2;
    this.lines = grow32(this.lines, next);
    for (let j = 0; j < this.ncols; j++) {
      if (this.kind[j] !== 0) this.codes[j] = grow32(this.codes[j] as Int32Array, next);
      else if (this.width[j] === W_U8) this.u8s[j] = growTo(this.u8s[j], new Uint8Array(next));
      else if (this.width[j] === W_F32) this.f32s[j] = growTo(this.f32s[j], new Float32Array(next));
      else this.f64s[j] = growTo(this.f64s[j], new Float64Array(next));
    }
    this.cap = next;
  }

  /**
   * Stores field text `buf[s, e)` of column j at `row`, a record starting at physical `line` (any field the
   * fast number path did not take).
   */
  store(j: number, row: number, buf: Uint8Array, s: number, e: number, line: number): void {
    if (this.kind[j] === 0) {
      const v = parseNumberBytes(buf, s, e);
      if (v === v) {
        this.put(j, row, v);
        return;
      }
      if (isMissingBytes(buf, s, e)) {
        this.put(j, row, NaN);
        this.missing[j]++;
        this.counted[this.countedN++] = j;
        return;
      }
      if (isNonFiniteBytes(buf, s, e)) {
        this.put(j, row, NaN);
        if (this.nonFinite[j]++ === 0) this.nonFiniteLine[j] = line;
        this.counted[this.countedN++] = ~j;
        return;
      }
      this.toCategorical(j, row);
    }
    this.storeText(j, row, buf, s, e);
  }

  /** Stores field text `buf[s, e)` (trimmed) of categorical column j at `row`: its code, or −1 when missing. */
  storeText(j: number, row: number, buf: Uint8Array, s: number, e: number): void {
    const c = this.codes[j] as Int32Array;
    if (isMissingBytes(buf, s, e)) {
      c[row] = -1;
      this.missing[j]++;
      this.counted[this.countedN++] = j;
      return;
    }
    const dict = this.dicts[j] as ByteDictionary;
    let code = dict.find(buf, s, e);
    if (code < 0) {
      code = dict.add(buf, s, e);
      this.levelLists[j].push(decodeText(buf, s, e));
    }
    c[row] = code;
  }

  /**
   * Takes back the counts of the current row, which is read again from its start (NEED_MORE). Everything else
   * it did is redone alike: its codes are overwritten, and the levels and type switches its complete fields
   * caused come again in the same order.
   */
  uncount(): void {
    for (let k = 0; k < this.countedN; k++) {
      const j = this.counted[k];
      if (j >= 0) this.missing[j]--;
      else this.nonFinite[~j]--;
    }
    this.countedN = 0;
  }

  /** Column j becomes categorical from `row` on (rows before keep their numbers until the final pass). */
  toCategorical(j: number, row: number): void {
    this.kind[j] = 1;
    this.switchRow[j] = row;
    this.needsText[j] = row - this.missing[j] > 0 ? 1 : 0;
    this.codes[j] = new Int32Array(this.cap);
    this.dicts[j] = new ByteDictionary();
    if (!this.needsText[j]) this.drop(j);
  }
}

/**
 * Reads every record of the window into `cols`. Returns 0 at the window's end, NEED_MORE when a quoted field runs
 * past it (`final` false: the row is taken back and `sc` is at its start), or UNTERMINATED / RAGGED with the
 * details in `cols.errLine` and `cols.errField`. Kept small so that the engine optimises this hot loop alone.
 */
function readRows(sc: Scanner, cols: Columns, final: boolean): number {
  const ncols = cols.ncols;
  const kind = cols.kind;
  const width = cols.width;
  const u8s = cols.u8s;
  const f32s = cols.f32s;
  const f64s = cols.f64s;
  const b = sc.bytes;
  const n = sc.n;
  const delim = sc.delim;
  while (sc.nextRecord()) {
    const recordLine = sc.line;
    const recordPos = sc.pos;
    cols.countedN = 0;
    if (cols.rows === cols.cap) cols.grow();
    const row = cols.rows;
    cols.lines[row] = recordLine;
    let p = sc.pos;
    let j = 0;
    for (;; j++) {
      // The fast paths take a field ending at q (the byte there, c, is the delimiter, a line end or −1 for the end
      // of input); `taken` says one did, and the shared code below moves past its end.
      let taken = false;
      let q = p;
      let c = q < n ? b[q] : -1;
      if (j < ncols && kind[j] === 0) {
        // A number: an unquoted `[-]digits[.digits]`, ≤ 15 digits, directly followed by the delimiter, a line end
        // or the end of input. Value = mantissa / 10^fraction digits (one correctly rounded division of exact operands).
        const neg = c === 45;
        if (neg) c = ++q < n ? b[q] : -1;
        let mant = 0;
        let digits = 0;
        while (c >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48);
          digits++;
          c = ++q < n ? b[q] : -1;
        }
        let frac = 0;
        if (c === 46) {
          c = ++q < n ? b[q] : -1;
          while (c >= 48 && c <= 57) {
            mant = mant * 10 + (c - 48);
            frac++;
            c = ++q < n ? b[q] : -1;
          }
          digits += frac;
        }
        if (digits !== 0 && digits <= 15 && (c === delim || c === LF || c === CR || c === -1)) {
          const v = frac === 0 ? mant : mant / POW10[frac];
          // One monomorphic store per width; a value the column's width does not hold widens it (put).
          const w = width[j];
          if (w === W_U8) {
            if (!neg && v <= 255 && frac === 0) u8s[j][row] = v;
            else cols.put(j, row, neg ? -v : v);
          } else if (w === W_F64) f64s[j][row] = neg ? -v : v;
          else if (Math.fround(v) === v) f32s[j][row] = neg ? -v : v;
          else cols.put(j, row, neg ? -v : v);
          taken = true;
        }
      } else if (j < ncols && kind[j] === 1 && c !== QUOTE && c !== SPACE && c !== TAB) {
        // A text field: unquoted, not starting or ending with padding, looked up by its bytes.
        while (c !== delim && c !== LF && c !== CR && c !== -1) c = ++q < n ? b[q] : -1;
        const last = q > p ? b[q - 1] : -1;
        if (last !== SPACE && last !== TAB) {
          cols.storeText(j, row, b, p, q);
          taken = true;
        }
      }
      if (taken) {
        if (c === delim) {
          p = q + 1;
          continue;
        }
        if (c !== -1) {
          sc.line++;
          q++;
          if (c === CR && q < n && b[q] === LF) q++;
        }
        p = q;
        break;
      }
      sc.pos = p;
      const r = sc.nextField();
      p = sc.pos;
      if (r === UNTERMINATED) {
        if (!final) {
          cols.uncount();
          sc.pos = recordPos;
          sc.line = recordLine;
          return NEED_MORE;
        }
        cols.errLine = sc.openLine;
        cols.errField = j;
        return UNTERMINATED;
      }
      if (j < ncols) cols.store(j, row, sc.buf, sc.start, sc.end, recordLine);
      if (r === LAST) break;
    }
    sc.pos = p;
    if (j + 1 !== ncols) {
      cols.errLine = recordLine;
      cols.errField = j + 1;
      return RAGGED;
    }
    cols.rows = row + 1;
  }
  return 0;
}

/**
 * Rough row count from the line lengths of the 64 KiB from `start` (the data's first byte in the window), for
 * the initial column capacity.
 */
function estimateRows(win: Window, start: number): number {
  const b = win.bytes;
  const end = Math.min(win.filled, start + 65536);
  let lines = 0;
  for (let i = start; i < end; i++) if (b[i] === LF || (b[i] === CR && b[i + 1] !== LF)) lines++;
  const total = Math.max(win.size, win.base + win.filled);
  if (win.final && end >= win.filled) return lines + 1;
  if (lines === 0) return 1024;
  return Math.ceil(((total - win.base - start) / (end - start)) * lines * 1.05) + 16;
}

/** `out` with `a` copied to its start. */
function growTo<T extends Uint8Array | Float32Array | Float64Array>(a: T, out: T): T {
  out.set(a);
  return out;
}

function grow32(a: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size);
  out.set(a);
  return out;
}

/** The header rule described in `parseCsv`. */
function detectHeader(
  firstText: string[],
  firstKind: number[],
  kind: Uint8Array,
  missing: Int32Array,
  rows: number,
  levelLists: string[][],
): boolean {
  const ncols = firstText.length;
  let anyNumericBelow = false;
  for (let j = 0; j < ncols; j++) {
    if (kind[j] !== 0) continue;
    anyNumericBelow = true;
    if (firstKind[j] === F_TEXT && rows - missing[j] > 0) return true;
  }
  const distinct = new Set(firstText).size === ncols;
  const allText = distinct && firstKind.every((k) => k === F_TEXT);
  if (!allText) return false;
  if (anyNumericBelow) return true;
  for (let j = 0; j < ncols; j++) {
    if (levelLists[j].includes(firstText[j])) return false;
  }
  return true;
}

function unterminated(
  label: string,
  file: string | undefined,
  line: number,
  column: number,
  columnName: string | undefined,
): LabError {
  const where = columnName !== undefined ? ` (column '${shownText(columnName)}')` : '';
  return new LabError(
    'bad-csv',
    `${atLine(label, file, line)}: a quoted field${where} opens here but its closing quote is missing. ` +
      `Close the quote, or write a quote inside a quoted field as "".`,
    { file, line, column, columnName },
  );
}

function raggedRow(
  label: string,
  file: string | undefined,
  line: number,
  got: number,
  expected: number,
  header: boolean,
  firstText: string[],
  firstKind: number[],
  delimiter: string,
): LabError {
  const what = header ? 'the header has' : 'the first row has';
  const nameOf = (j: number): string =>
    header && firstKind[j] !== F_MISSING ? `'${shownText(firstText[j])}'` : `${j + 1}`;
  if (got > expected) {
    const column = expected - 1;
    const columnName = header ? firstText[column] : undefined;
    return new LabError(
      'ragged-row',
      `${atLine(label, file, line)} has ${got} fields but ${what} ${expected} (the last column is ${nameOf(expected - 1)}). ` +
        `Fix the row, or quote fields that contain ${delimiterName(delimiter)}.`,
      { file, line, column, columnName },
    );
  }
  const column = got;
  const columnName = header ? firstText[column] : undefined;
  return new LabError(
    'ragged-row',
    `${atLine(label, file, line)} has ${got} field${got === 1 ? '' : 's'} but ${what} ${expected} (nothing for column ${nameOf(column)}` +
      `${expected - got > 1 ? ' onwards' : ''}). Fix the row, or quote fields that contain line breaks.`,
    { file, line, column, columnName },
  );
}
