/**
 * Streaming reader of an all-numeric CSV file straight into a row-major float32 matrix plus a label column —
 * the fast path for large numeric data (e.g. image pixels), where building one Float64Array per column first
 * would need several times the memory.
 *
 * - Two streaming passes over the file in fixed-size chunks (fs reads, default 1 MiB): the first counts the
 *   non-blank lines (Buffer.indexOf, i.e. memchr), so the matrix is allocated once at its exact size; the second
 *   parses each field into the matrix. Peak memory ≈ the matrix (m·n·4 bytes) + m·4 bytes of labels + one chunk.
 * - Numbers follow csv.ts (`parseNumberBytes`): `[+-]digits[.digits][e±digits]`, spaces around fields allowed;
 *   plain decimals with ≤ 15 digits are converted inline, exactly as `Math.fround(Number(text))`. Missing markers
 *   (`isMissingBytes`: empty, NA, N/A, NaN, null, ?) become NaN in X and are counted. Quoted fields are accepted.
 *   Non-finite features (`isNonFiniteBytes`: inf, infinity, signed nan, 1e400, …) are missing too, as in the
 *   general reader, with the same notice (`notices`); a non-finite label is an error like a missing one.
 * - Text: the file's head is checked by `sniffEncoding` (text-encoding.ts), so binary files (gzip, zip/xlsx,
 *   PDF, NUL bytes, …) get the general reader's 'binary-file' error. This reader reads UTF-8 only: UTF-16, and
 *   a header or label that is not valid UTF-8 (which the general reader would read as Windows-1252), are
 *   'bad-csv' errors saying so — never a lossy decoding. (Every other field must be an ASCII number anyway.)
 * - Line ends LF, CRLF or lone CR; blank lines are skipped; an Excel `sep=X` first line declares the delimiter
 *   and is skipped (`csvLayout`); the delimiter (`, ; tab |`) and the header are detected from the first lines
 *   unless given.
 * - The label column (by name or index; default a column named label/target/class/y, else the first column) may
 *   hold numbers or text; class indices follow numeric order for numeric labels, first appearance for text.
 * - Errors are LabErrors with file, 1-based line and column: 'file-not-found', 'binary-file', 'empty-file',
 *   'ragged-row', 'bad-csv' (a non-numeric feature, a missing label, not UTF-8), 'unknown-target'. Messages quote
 *   the file's text only through `shownText` (no control characters).
 *
 * `readCsvMatrix` (async) yields to the event loop between chunks, so even on a UI thread it never blocks for
 * longer than one chunk's parse (a few ms); `readCsvMatrixSync` is for worker threads.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { csvLayout, detectDelimiter } from '../data/csv';
import { csvOpenError } from './csv-file';
import {
  CR, DOT, fieldEnd, headerNames, isMissingBytes, isNonFiniteBytes, LF, MINUS, nonFiniteNotice, parseNumberBytes, POW10, QUOTE, SPACE, TAB,
} from '../data/csv-syntax';
import { decodeFieldText, encodingName, shownText, sniffEncoding, SNIFF_BYTES } from '../data/text-encoding';
import { LabError, PLAIN_MATRICES } from '../types';
import type { CsvMatrix, MatrixStore } from '../types';

export type { CsvMatrix };

export interface CsvMatrixOptions {
  /** Label column: header name or 0-based index. Default: label/target/class/y (any case) if present, else column 0. */
  label?: string | number;
  /** Field separator (one ASCII character); detected when omitted. */
  delimiter?: string;
  /** Whether the first line holds column names; detected when omitted (a non-numeric, non-missing field). */
  hasHeader?: boolean;
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /**
   * Where the m×n matrix is allocated, e.g. a kernel's `matrices` to parse straight into its memory (default
   * plain arrays). A read that fails gives its matrix back (`release`).
   */
  store?: MatrixStore;
  /**
   * Refuse a feature value that float32 cannot hold exactly (Math.fround(v) ≠ v, e.g. 0.1 or 16777217) with
   * LabError 'inexact-float32' naming its line: the matrix path of matrix-file.ts needs the general reader's
   * float64 values exactly. Checked as the values are parsed, in the same pass.
   */
  exactFloat32?: boolean;
}


const DEFAULT_CHUNK = 1 << 20;
/** Exact powers of ten 10⁰…10²² (every one is a double without rounding). */
const LABEL_NAMES = ['label', 'target', 'class', 'y'];

const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Counts non-empty lines over successive chunks; line breaks are LF, CRLF or a lone CR (found with
 * Buffer.indexOf, i.e. memchr). Whitespace-only lines are counted too (an upper bound; the parser skips them).
 */
class LineCounter {
  count = 0;
  private pendingLen = 0;
  private lastWasCR = false;

  feed(b: Buffer): void {
    const len = b.length;
    let s = 0;
    if (this.lastWasCR && len > 0 && b[0] === LF) s = 1; // the LF of a CRLF split across chunks
    this.lastWasCR = false;
    let nextLF = b.indexOf(LF, s);
    let nextCR = b.indexOf(CR, s);
    for (;;) {
      if (nextLF >= 0 && nextLF < s) nextLF = b.indexOf(LF, s);
      if (nextCR >= 0 && nextCR < s) nextCR = b.indexOf(CR, s);
      const q = nextLF < 0 ? nextCR : nextCR < 0 ? nextLF : Math.min(nextLF, nextCR);
      if (q < 0) {
        this.pendingLen += len - s;
        return;
      }
      if (this.pendingLen + (q - s) > 0) this.count++;
      this.pendingLen = 0;
      if (b[q] === CR) {
        if (q + 1 < len) s = q + (b[q + 1] === LF ? 2 : 1);
        else {
          this.lastWasCR = true;
          s = q + 1;
        }
      } else {
        s = q + 1;
      }
    }
  }

  finish(): number {
    if (this.pendingLen > 0) this.count++;
    this.pendingLen = 0;
    return this.count;
  }
}

/**
 * Text of field b[s, f) without surrounding spaces and quotes (`""` → `"`), decoded as UTF-8 (`strict`: null
 * when the bytes are not valid UTF-8; otherwise by rule 5 of text-encoding.ts, for messages).
 */
function fieldText(b: Uint8Array, s: number, f: number, strict = true): string | null {
  while (s < f && (b[s] === SPACE || b[s] === TAB)) s++;
  while (f > s && (b[f - 1] === SPACE || b[f - 1] === TAB)) f--;
  const quoted = f - s >= 2 && b[s] === QUOTE && b[f - 1] === QUOTE;
  const bytes = quoted ? b.subarray(s + 1, f - 1) : b.subarray(s, f);
  let text: string;
  if (!strict) text = decodeFieldText(bytes);
  else {
    try {
      text = utf8Strict.decode(bytes);
    } catch {
      return null;
    }
  }
  return quoted ? text.replace(/""/g, '"') : text;
}

/** Field b[s, f) as a message may quote it: decoded as the general reader would, controls escaped, ≤ 40 characters. */
function shownField(b: Uint8Array, s: number, f: number): string {
  return shownText(fieldText(b, s, f, false) ?? '', 40);
}

/**
 * Value of a numeric field b[s, f): a number, NaN when missing, Infinity when non-finite (`isNonFiniteBytes`:
 * read as missing), null when not a number.
 */
function slowNumber(b: Uint8Array, s: number, f: number): number | null {
  let a = s;
  let z = f;
  while (a < z && (b[a] === SPACE || b[a] === TAB)) a++;
  while (z > a && (b[z - 1] === SPACE || b[z - 1] === TAB)) z--;
  if (z - a >= 2 && b[a] === QUOTE && b[z - 1] === QUOTE) {
    a++;
    z--;
  }
  if (isMissingBytes(b, a, z)) return NaN;
  const v = parseNumberBytes(b, a, z);
  if (v === v) return v;
  return isNonFiniteBytes(b, a, z) ? Infinity : null;
}

/** True when b[s, f) holds only spaces and tabs. */
function isBlank(b: Uint8Array, s: number, f: number): boolean {
  for (let q = s; q < f; q++) if (b[q] !== SPACE && b[q] !== TAB) return false;
  return true;
}

/** Splits one line b[s, e) into field texts (null for a field that is not valid UTF-8). */
function splitLine(b: Uint8Array, s: number, e: number, d: number): Array<string | null> {
  const out: Array<string | null> = [];
  let p = s;
  for (;;) {
    const f = fieldEnd(b, p, e, d);
    out.push(fieldText(b, p, f));
    if (f < e && b[f] === d) p = f + 1;
    else return out;
  }
}

/** Incremental parser: header/delimiter from the first chunk, then complete lines into the matrix. */
class MatrixBuilder {
  buf: Buffer;
  /** Bytes of an incomplete line kept at the start of buf. */
  carry = 0;
  started = false;
  delim = -1;
  hasHeader = false;
  names: string[] = [];
  ncols = 0;
  labelCol = 0;
  n = 0;
  X: Float32Array = new Float32Array(0);
  cap = 0;
  m = 0;
  /** CSV lines of the first and the last row read (consecutive lines ⇔ last − first = m − 1). */
  firstRowLine = 0;
  lastRowLine = 0;
  labels: Int32Array = new Int32Array(0);
  private readonly labelCodes = new Map<number | string, number>();
  readonly labelKeys: Array<number | string> = [];
  missing = 0;
  /** Per file column: non-finite fields read as missing, and the line of the first. */
  nonFiniteCount: Int32Array = new Int32Array(0);
  nonFiniteLine: Int32Array = new Int32Array(0);
  /** Lines consumed so far (the number of the last line read, 1-based). */
  line = 0;
  /** Whether start() has looked at the beginning of the file (byte-order mark, `sep=` line). */
  private begun = false;
  /** Lines before the data that the line count includes: a `sep=` line and the header. */
  private skippedLines = 0;
  private readonly store: MatrixStore;

  constructor(
    readonly file: string,
    readonly opts: CsvMatrixOptions,
    readonly lines: number,
    chunk: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunk + 1);
    this.store = opts.store ?? PLAIN_MATRICES;
  }

  /** Room to read into: buf[carry, carry + room). Grows buf when a single line fills it. */
  room(chunk: number): number {
    if (this.buf.length - this.carry < chunk + 1) {
      const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.carry + chunk + 1));
      this.buf.copy(nb, 0, 0, this.carry);
      this.buf = nb;
    }
    return chunk;
  }

  /** Takes `got` new bytes at buf[carry…]; got = 0 means end of file. Parses every complete line. */
  take(got: number): void {
    const b = this.buf;
    let e = this.carry + got;
    const eof = got === 0;
    if (eof) {
      if (e === 0) return;
      b[e++] = LF; // the last line without a line end
    }
    // Parse up to the last line end in the buffer.
    let cut = b.lastIndexOf(LF, e - 1);
    if (cut < 0) cut = b.lastIndexOf(CR, e - 1);
    if (cut < 0 || cut >= e) {
      this.carry = e;
      return;
    }
    cut++;
    // A plain Uint8Array view keeps the hot loop monomorphic.
    const u = new Uint8Array(b.buffer, b.byteOffset, e);
    let s = 0;
    if (!this.started) s = this.start(u, cut);
    if (this.started) this.parse(u, s, cut);
    b.copy(b, 0, cut, e);
    this.carry = e - cut;
  }

  /**
   * Delimiter, header, label column and the matrix allocation, from the first complete lines b[0, e).
   * Returns where data starts; leaves `started` false (consuming everything) when b holds only blank lines.
   */
  private start(b: Uint8Array, e: number): number {
    let s = 0;
    if (!this.begun) {
      this.begun = true;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) s = 3;
      // A `sep=` declaration is the first line of the file, or there is none (as in the general reader).
      const layout = csvLayout(b.subarray(0, e), s, this.opts.delimiter);
      if (layout.declared || this.opts.delimiter !== undefined) this.setDelimiter(layout.delimiter);
      if (layout.declared) this.skippedLines++;
      this.line += layout.line - 1;
      s = layout.begin;
    }
    let ls = s;
    let fields: Array<string | null>;
    let next: number;
    for (;;) {
      if (ls >= e) return e;
      let le = ls;
      while (le < e && b[le] !== LF && b[le] !== CR) le++;
      next = le + (b[le] === CR && le + 1 < e && b[le + 1] === LF ? 2 : 1);
      if (!isBlank(b, ls, le)) {
        if (this.delim < 0) this.setDelimiter(detectDelimiter(utf8.decode(b.subarray(ls, Math.min(e, ls + 65536)))));
        fields = splitLine(b, ls, le, this.delim);
        if (fields.some((f) => f === null)) this.notUtf8(this.line + 1);
        break;
      }
      this.line++;
      ls = next;
    }
    this.started = true;
    const texts = fields as string[];
    this.ncols = texts.length;
    this.nonFiniteCount = new Int32Array(this.ncols);
    this.nonFiniteLine = new Int32Array(this.ncols);
    const isHeader =
      this.opts.hasHeader ??
      texts.some((f) => {
        const bytes = Buffer.from(f);
        const n = bytes.length;
        return !isMissingBytes(bytes, 0, n) && Number.isNaN(parseNumberBytes(bytes, 0, n)) && !isNonFiniteBytes(bytes, 0, n);
      });
    this.hasHeader = isHeader;
    this.names = isHeader ? headerNames(texts) : texts.map((_, j) => `column${j + 1}`);
    if (isHeader) {
      this.line++;
      this.skippedLines++;
      ls = next;
    }
    this.labelCol = this.resolveLabel();
    if (this.ncols < 2) {
      throw new LabError('no-features', `${this.file} has a single column: it needs a label column and at least one feature.`, {
        file: this.file,
      });
    }
    this.n = this.ncols - 1;
    this.cap = Math.max(0, this.lines - this.skippedLines);
    this.X = this.alloc(this.cap * this.n);
    this.labels = new Int32Array(this.cap);
    return ls;
  }

  private setDelimiter(delimiter: string): void {
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127) {
      throw new LabError('bad-config', `The delimiter must be one ASCII character, got '${shownText(delimiter)}'.`, { file: this.file });
    }
    this.delim = delimiter.charCodeAt(0);
  }

  private resolveLabel(): number {
    const want = this.opts.label;
    if (typeof want === 'number') {
      if (!Number.isInteger(want) || want < 0 || want >= this.ncols) {
        throw new LabError('unknown-target', `${this.file} has ${this.ncols} columns; label column ${want} does not exist.`, {
          file: this.file,
        });
      }
      return want;
    }
    if (typeof want === 'string') {
      const j = this.names.indexOf(want);
      if (j < 0) {
        throw new LabError(
          'unknown-target',
          `${this.file} has no column '${shownText(want)}'. Columns: ${this.names.slice(0, 8).map((nm) => shownText(nm)).join(', ')}${this.names.length > 8 ? ', …' : ''}.`,
          { file: this.file },
        );
      }
      return j;
    }
    const j = this.names.findIndex((nm) => LABEL_NAMES.includes(nm.trim().toLowerCase()));
    return j >= 0 ? j : 0;
  }

  private alloc(length: number): Float32Array {
    const X = this.store.alloc(length);
    if (X.length < length) throw new RangeError(`alloc(${length}) returned only ${X.length} floats`);
    return X;
  }

  /** After a failed read: the matrix's memory back to its store. */
  abandon(): void {
    if (this.X) this.store.release(this.X);
  }

  /** More rows than counted (only with lone-CR line ends or quoted line breaks): grow by 25 %. */
  private grow(): void {
    const cap = Math.max(Math.ceil(this.cap * 1.25), this.cap + 1024);
    const X = this.alloc(cap * this.n);
    X.set(this.X.subarray(0, this.m * this.n));
    this.store.release(this.X);
    this.X = X;
    const labels = new Int32Array(cap);
    labels.set(this.labels.subarray(0, this.m));
    this.labels = labels;
    this.cap = cap;
  }

  private labelCode(key: number | string): number {
    let code = this.labelCodes.get(key);
    if (code === undefined) {
      code = this.labelKeys.length;
      this.labelCodes.set(key, code);
      this.labelKeys.push(key);
    }
    return code;
  }

  /** Parses the complete lines in b[s, e) (b[e − 1] is a line end). */
  private parse(b: Uint8Array, s: number, e: number): void {
    const d = this.delim;
    const n = this.n;
    const nc = this.ncols;
    const lc = this.labelCol;
    let X = this.X;
    let labels = this.labels;
    let m = this.m;
    let line = this.line;
    let p = s;
    let lastLabel = NaN;
    let lastCode = -1;
    const exact = this.opts.exactFloat32 === true;
    while (p < e) {
      let c = b[p];
      if (c === LF) {
        p++;
        line++;
        continue;
      }
      if (c === CR) {
        p++;
        if (p < e && b[p] === LF) p++;
        line++;
        continue;
      }
      line++;
      if (m === this.cap) {
        this.m = m;
        this.grow();
        X = this.X;
        labels = this.labels;
      }
      let o = m * n;
      let col = 0;
      const rowStart = p;
      for (;;) {
        const fs = p;
        // Fast path: [-]digits[.digits] ending at the delimiter or the line end.
        let neg = false;
        c = b[p];
        if (c === MINUS) {
          neg = true;
          c = b[++p];
        }
        let v = 0;
        let nd = 0;
        while (c >= 48 && c <= 57) {
          v = v * 10 + (c - 48);
          nd++;
          c = b[++p];
        }
        if (c === DOT) {
          c = b[++p];
          let fd = 0;
          while (c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            fd++;
            c = b[++p];
          }
          nd += fd;
          if (fd > 0 && fd <= 22) v /= POW10[fd];
          else if (fd > 0) nd = 99;
        }
        let val: number;
        let labelDone = false;
        if (nd > 0 && nd <= 15 && (c === d || c === LF || c === CR)) {
          val = neg ? -v : v;
        } else {
          p = fieldEnd(b, fs, e, d);
          c = p < e ? b[p] : LF;
          const num = slowNumber(b, fs, p);
          if (col === lc) {
            if (num === null) {
              labelDone = true;
              const text = fieldText(b, fs, p);
              if (text === null) this.notUtf8(line);
              labels[m] = this.labelCode(text);
              lastCode = -1;
            } else if (num === Infinity) {
              this.missingLabel(line, b, fs, p, 'is not a finite number');
            } else if (Number.isNaN(num)) {
              // Missing label, unless the whole line is blank (skipped below).
              if (!(col === 0 && c !== d && isBlank(b, rowStart, p))) this.missingLabel(line, b, fs, p, 'is missing');
              labelDone = true;
            }
          } else if (num === null) {
            this.notNumber(line, col, b, fs, p);
          } else if (num === Infinity) {
            this.missing++;
            if (this.nonFiniteCount[col]++ === 0) this.nonFiniteLine[col] = line;
          } else if (Number.isNaN(num)) {
            this.missing++;
          }
          val = num === null || num === Infinity ? NaN : num;
        }
        if (col === lc) {
          if (!labelDone) {
            if (val !== lastLabel || lastCode < 0) {
              lastCode = this.labelCode(val === 0 ? 0 : val);
              lastLabel = val;
            }
            labels[m] = lastCode;
          }
        } else {
          if (exact && val === val && Math.fround(val) !== val) this.inexact(line);
          X[o++] = val;
        }
        col++;
        if (c === d) {
          p++;
          continue;
        }
        break;
      }
      if (col !== nc) {
        // A whitespace-only line is blank: skip it.
        if (col === 1 && isBlank(b, rowStart, p)) {
          if (lc !== 0) this.missing--;
          p += c === CR && p + 1 < e && b[p + 1] === LF ? 2 : 1;
          continue;
        }
        this.ragged(line, col);
      }
      // Line end: LF, CRLF or CR.
      if (c === CR) {
        p++;
        if (p < e && b[p] === LF) p++;
      } else {
        p++;
      }
      if (m === 0) this.firstRowLine = line;
      this.lastRowLine = line;
      m++;
    }
    this.m = m;
    this.line = line;
  }

  private inexact(line: number): never {
    throw new LabError(
      'inexact-float32',
      `some numbers are not exact in float32 (decimals such as 0.1; the first at line ${line})`,
      { file: this.file, line },
    );
  }

  private ragged(line: number, got: number): never {
    throw new LabError(
      'ragged-row',
      `${this.file} line ${line} has ${got} field${got === 1 ? '' : 's'} but the ${this.hasHeader ? 'header has' : 'first row has'} ${this.ncols}. ` +
        'Fix that line (a missing or extra delimiter) and reload.',
      { file: this.file, line },
    );
  }

  private notNumber(line: number, col: number, b: Uint8Array, s: number, f: number): never {
    throw new LabError(
      'bad-csv',
      `${this.file} line ${line}, column '${shownText(this.names[col])}': '${shownField(b, s, f)}' is not a number. ` +
        'The fast matrix reader needs numeric features; use the general CSV import for text columns.',
      { file: this.file, line, column: col, columnName: this.names[col] },
    );
  }

  /** A label that is missing or not finite (`what`: 'is missing', 'is not a finite number'). */
  private missingLabel(line: number, b: Uint8Array, s: number, f: number, what: string): never {
    const text = shownField(b, s, f);
    const col = this.labelCol;
    throw new LabError(
      'bad-csv',
      `${this.file} line ${line}: the label '${shownText(this.names[col])}' ${what}${text ? ` ('${text}')` : ''}. Remove the row or fill in its label.`,
      { file: this.file, line, column: col, columnName: this.names[col] },
    );
  }

  /** A header or label whose bytes are not valid UTF-8. */
  private notUtf8(line: number): never {
    throw new LabError(
      'bad-csv',
      `${this.file} line ${line} is not valid UTF-8 text; the fast matrix reader reads UTF-8 only ` +
        '(the general CSV import reads such files as Windows-1252).',
      { file: this.file, line },
    );
  }

  result(bytes: number): CsvMatrix {
    if (!this.started) {
      throw new LabError('empty-file', `${this.file} is empty. Pick a CSV file with a header and data rows.`, { file: this.file });
    }
    if (this.m === 0) {
      throw new LabError('empty-file', `${this.file} has no data rows${this.hasHeader ? ' (only a header)' : ''}. Add data rows.`, {
        file: this.file,
      });
    }
    const m = this.m;
    const nonFinite: CsvMatrix['nonFinite'] = [];
    this.nonFiniteCount.forEach((count, column) => {
      if (count > 0) nonFinite.push({ column, count, line: this.nonFiniteLine[column] });
    });
    // Class order: numeric labels ascending, else first appearance.
    let classes: string[];
    let y = this.labels.length === m ? this.labels : this.labels.slice(0, m);
    if (this.labelKeys.every((k) => typeof k === 'number')) {
      const keys = this.labelKeys as number[];
      const order = keys.map((_, i) => i).sort((a, c) => keys[a] - keys[c]);
      const remap = new Int32Array(keys.length);
      order.forEach((old, idx) => (remap[old] = idx));
      for (let i = 0; i < m; i++) y[i] = remap[y[i]];
      classes = order.map((i) => String(keys[i]));
    } else {
      classes = this.labelKeys.map((k) => String(k));
      y = y.slice();
    }
    // Fewer rows than counted (whitespace-only lines): a view of the first m rows (which keeps the block).
    const X = m === this.cap ? this.X : this.store.view(this.X, 0, m * this.n);
    return {
      file: this.file,
      X,
      m,
      n: this.n,
      featureNames: this.names.filter((_, j) => j !== this.labelCol),
      labelName: this.names[this.labelCol],
      y,
      classes,
      missing: this.missing,
      delimiter: String.fromCharCode(this.delim),
      hasHeader: this.hasHeader,
      bytes,
      nonFinite,
      notices: nonFinite.map((v) => nonFiniteNotice(this.names[v.column], v.count, v.line)),
      firstLine: this.firstRowLine,
      consecutiveLines: m === 0 || this.lastRowLine - this.firstRowLine === m - 1,
    };
  }
}


/**
 * The text checks of text-encoding.ts on the first bytes of the file (`sniffEncoding`): LabError 'binary-file'
 * for binary content, 'bad-csv' for UTF-32 and for UTF-16 (this reader reads UTF-8 only).
 */
function checkHead(head: Uint8Array, path: string): void {
  const { encoding } = sniffEncoding(head, path);
  if (encoding !== 'utf-8') {
    throw new LabError(
      'bad-csv',
      `${path} is ${encodingName(encoding)} text (from line 1); the fast matrix reader reads UTF-8 only (the general CSV import reads UTF-16).`,
      { file: path, line: 1 },
    );
  }
}

/** Reads an all-numeric CSV into a float32 matrix (synchronous; for worker threads). See the module comment. */
export function readCsvMatrixSync(path: string, opts: CsvMatrixOptions = {}): CsvMatrix {
  const chunk = Math.max(64, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  let fd: number;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    }
  } catch (err) {
    throw csvOpenError(path, err);
  }
  try {
    const bytes = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(bytes, SNIFF_BYTES));
    checkHead(head.subarray(0, readSync(fd, head, 0, head.length, 0)), path);
    const counter = new LineCounter();
    const tmp = Buffer.allocUnsafe(chunk);
    for (let pos = 0; ; ) {
      const got = readSync(fd, tmp, 0, chunk, pos);
      if (got === 0) break;
      counter.feed(got === chunk ? tmp : tmp.subarray(0, got));
      pos += got;
    }
    const builder = new MatrixBuilder(path, opts, counter.finish(), chunk);
    try {
      for (let pos = 0; ; ) {
        const room = builder.room(chunk);
        const got = readSync(fd, builder.buf, builder.carry, room, pos);
        builder.take(got);
        if (got === 0) break;
        pos += got;
      }
      return builder.result(bytes);
    } catch (err) {
      builder.abandon();
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an all-numeric CSV into a float32 matrix, asynchronously: file reads are awaited and the event loop
 * runs between chunks (each chunk's parse takes a few ms). See the module comment.
 */
export async function readCsvMatrix(path: string, opts: CsvMatrixOptions = {}): Promise<CsvMatrix> {
  const chunk = Math.max(64, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw csvOpenError(path, err);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw csvOpenError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    const head = new Uint8Array(Math.min(st.size, SNIFF_BYTES));
    checkHead(head.subarray(0, (await fh.read(head, 0, head.length, 0)).bytesRead), path);
    const counter = new LineCounter();
    const tmp = Buffer.allocUnsafe(chunk);
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(tmp, 0, chunk, pos);
      if (bytesRead === 0) break;
      counter.feed(bytesRead === chunk ? tmp : tmp.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const builder = new MatrixBuilder(path, opts, counter.finish(), chunk);
    try {
      for (let pos = 0; ; ) {
        const room = builder.room(chunk);
        const { bytesRead } = await fh.read(builder.buf, builder.carry, room, pos);
        builder.take(bytesRead);
        if (bytesRead === 0) break;
        pos += bytesRead;
      }
      return builder.result(st.size);
    } catch (err) {
      builder.abandon();
      throw err;
    }
  } finally {
    await fh.close();
  }
}
