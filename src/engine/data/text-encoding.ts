/**
 * Is a file text, and in which encoding: the one place for these rules, used by the CSV reader (csv.ts) and the
 * file reader (node/csv-file.ts).
 *
 * `decodeCsvBytes` applies them in this order and always returns well-formed UTF-8 bytes:
 * 1. Known binary formats by their first bytes (magic numbers) → LabError 'binary-file': gzip `1F 8B`,
 *    zip `50 4B 03 04` / `05 06` / `07 08` (also .xlsx, .ods and .docx files), an Excel 97–2003 workbook
 *    `D0 CF 11 E0 A1 B1 1A E1`, PDF `%PDF-`, PNG `89 50 4E 47 0D 0A 1A 0A`, JPEG `FF D8 FF`, GIF `GIF8`,
 *    bzip2 `BZh`, xz `FD 37 7A 58 5A 00`, 7-Zip `37 7A BC AF 27 1C`, Parquet `PAR1`.
 * 2. Byte-order marks: UTF-8 `EF BB BF` (skipped), UTF-16LE `FF FE` and UTF-16BE `FE FF` (decoded, with a
 *    notice); UTF-32 (`FF FE 00 00`, `00 00 FE FF`) → LabError 'bad-csv' (not supported).
 * 3. UTF-16 without a byte-order mark (see `sniffUtf16`): in the first KiB at least 90 % of the bytes at one
 *    parity (odd for LE, even for BE) are NUL and at most 10 % at the other → decoded, with a notice.
 *    UTF-16 that does not decode (an unpaired surrogate, an odd byte at the end) → LabError 'bad-csv'.
 * 4. Binary content in the first 64 KiB (of the UTF-8 text): a NUL byte, or at least 4 control bytes making
 *    up more than 1/16 of it (C0 controls other than TAB, LF, VT, FF, CR and ESC, and DEL) → 'binary-file'.
 * 5. UTF-8 validity (whole input, RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Invalid
 *    → the whole input is decoded as Windows-1252 (`windows1252ToUtf8`, the WHATWG mapping: every byte is one
 *    character, so distinct byte strings stay distinct), with the notice `decoded as Windows-1252: the file is not valid UTF-8 (first
 *    bad byte at line L)`. Latin-1 and Windows-1252 exports are the usual source of such files.
 *
 * Messages name the file and a line and never quote the file's bytes. Lines are physical lines, 1-based:
 * LF, CRLF and a lone CR each end one (as the CSV readers count them).
 *
 * Pure TypeScript: no Node-only APIs.
 */
import { LabError } from '../types';

/** The encoding a file was read in. */
type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Result of `decodeCsvBytes`. */
interface DecodedText {
  /** Well-formed UTF-8: the input itself when it was UTF-8, else the re-encoded text. */
  bytes: Uint8Array;
  /** Index in `bytes` after a UTF-8 byte-order mark (0 or 3). */
  begin: number;
  encoding: TextEncodingName;
  /** What was done to read the file (empty for plain UTF-8), one sentence each. */
  notices: string[];
}

const LF = 10;
const CR = 13;
/** Bytes examined for binary content (rule 4). */
const BINARY_SAMPLE = 65536;
/** Bytes examined for UTF-16 without a byte-order mark (rule 3). */
const UTF16_SAMPLE = 1024;

/** Magic numbers of rule 1: leading bytes and what the file then is ("it starts like …"), with the fix. */
const MAGIC: Array<{ bytes: number[]; what: string; fix: string }> = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive', fix: 'Unpack it (gunzip) and open the CSV file inside.' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive, as .xlsx workbooks do', fix: 'Open it in a spreadsheet and export it as CSV, or unzip it and open the CSV file inside.' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive', fix: 'Pick the CSV file itself.' },
  { bytes: [0x50, 0x4b, 0x07, 0x08], what: 'a zip archive', fix: 'Unzip it and open the CSV file inside.' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an Excel 97–2003 workbook', fix: 'Open it in a spreadsheet and export it as CSV.' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document', fix: 'Export the table as CSV from the program that made it.' },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image', fix: 'Pick the CSV file itself.' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', fix: 'Pick the CSV file itself.' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image', fix: 'Pick the CSV file itself.' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive', fix: 'Unpack it (bunzip2) and open the CSV file inside.' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive', fix: 'Unpack it (unxz) and open the CSV file inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', fix: 'Unpack it and open the CSV file inside.' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', fix: 'Convert it to CSV (for example with pandas: read_parquet, then to_csv).' },
];

/** Final name of the file in a path, for messages ('The CSV data' without a file). */
export function fileLabel(file: string | undefined): string {
  if (!file) return 'The CSV data';
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

function startsWith(b: Uint8Array, prefix: readonly number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/** 1-based physical line of byte index `at` of `b` (LF, CRLF and lone CR end a line). */
function lineAt(b: Uint8Array, at: number): number {
  let line = 1;
  const end = Math.min(at, b.length);
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (c === LF || (c === CR && b[i + 1] !== LF)) line++;
  }
  return line;
}

/** 1-based physical line of UTF-16 index `at` of `s`. */
function lineAtText(s: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) line++;
  }
  return line;
}

function binaryError(label: string, file: string | undefined, line: number, why: string, fix: string): LabError {
  return new LabError('binary-file', `${label} is not a text CSV (${why}). ${fix}`, { file, line });
}

/** Rule 1: LabError 'binary-file' when `b` starts like a known binary format, else null. */
function binaryFormatError(b: Uint8Array, file?: string): LabError | null {
  for (const m of MAGIC) {
    if (startsWith(b, m.bytes)) return binaryError(fileLabel(file), file, 1, `line 1 starts like ${m.what}`, m.fix);
  }
  return null;
}

/** Whether `c` is a control byte that text files do not hold (rule 4). */
function isBinaryControl(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== LF && c !== 11 && c !== 12 && c !== CR && c !== 0x1b) || c === 0x7f;
}

/** Rule 4 on b[begin, begin + 64 KiB): LabError 'binary-file' for NUL bytes or many control bytes, else null. */
function binaryContentError(b: Uint8Array, begin: number, file?: string): LabError | null {
  const end = Math.min(b.length, begin + BINARY_SAMPLE);
  let controls = 0;
  let firstControl = -1;
  for (let i = begin; i < end; i++) {
    const c = b[i];
    if (c >= 0x20 && c !== 0x7f) continue;
    if (c === 0) {
      return binaryError(
        fileLabel(file),
        file,
        lineAt(b, i),
        `line ${lineAt(b, i)} holds a NUL byte, as binary files do`,
        'Export the data as CSV text (UTF-8), or pick the CSV file itself.',
      );
    }
    if (isBinaryControl(c)) {
      controls++;
      if (firstControl < 0) firstControl = i;
    }
  }
  if (controls >= 4 && controls * 16 > end - begin) {
    const line = lineAt(b, firstControl);
    return binaryError(
      fileLabel(file),
      file,
      line,
      `${controls} of its first ${end - begin} bytes are control characters, from line ${line} on, as in binary files`,
      'Export the data as CSV text (UTF-8), or pick the CSV file itself.',
    );
  }
  return null;
}

/**
 * Rule 3: 'utf-16le' or 'utf-16be' when the first KiB of `b` (at least 4 bytes) looks like UTF-16 without a
 * byte-order mark (≥ 90 % NUL bytes at one parity, ≤ 10 % at the other), else null.
 */
export function sniffUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, UTF16_SAMPLE) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero * 10 >= pairs * 9 && evenZero * 10 <= pairs) return 'utf-16le';
  if (evenZero * 10 >= pairs * 9 && oddZero * 10 <= pairs) return 'utf-16be';
  return null;
}

/**
 * Index of the first byte of `b` that does not belong to a well-formed UTF-8 sequence (RFC 3629), or −1.
 * ASCII runs are checked four bytes at a time.
 */
export function invalidUtf8At(b: Uint8Array): number {
  const n = b.length;
  const head = (4 - (b.byteOffset & 3)) & 3;
  const wordCount = n > head ? (n - head) >> 2 : 0;
  const words = wordCount > 0 ? new Uint32Array(b.buffer, b.byteOffset + head, wordCount) : new Uint32Array(0);
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      if (i >= head && ((i - head) & 3) === 0) {
        let k = (i - head) >> 2;
        while (k < wordCount && (words[k] & 0x80808080) === 0) k++;
        i = head + k * 4;
      }
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // no overlong forms
      else if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f; // ≤ U+10FFFF
    } else return i;
    if (i + need >= n) return i; // cut off at the end
    const c1 = b[i + 1];
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** What the first bytes of a file say about its encoding (rules 1–4 of the module comment). */
interface SniffedEncoding {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Length of the byte-order mark (0, 2 or 3). */
  bom: number;
  /** Why UTF-16 was chosen (for the notice); empty for UTF-8. */
  why: string;
}

/** Bytes of a file's head that `sniffEncoding` needs to decide as on the whole file. */
export const SNIFF_BYTES = BINARY_SAMPLE + 3;

/**
 * Rules 1–4 of the module comment on the head of a file (its first `SNIFF_BYTES` bytes decide as the whole
 * file does): throws LabError 'binary-file' for binary content and 'bad-csv' for UTF-32; otherwise returns
 * the encoding to decode with (rule 5 then decides between UTF-8 and Windows-1252). Rule 4 for UTF-16 applies
 * to the decoded text (in `decodeCsvBytes`).
 */
export function sniffEncoding(head: Uint8Array, file?: string): SniffedEncoding {
  const magic = binaryFormatError(head, file);
  if (magic) throw magic;
  if (startsWith(head, [0xff, 0xfe, 0, 0]) || startsWith(head, [0, 0, 0xfe, 0xff])) {
    throw new LabError(
      'bad-csv',
      `${fileLabel(file)} is UTF-32 text (line 1 starts with its byte-order mark), which is not supported. Save it as UTF-8 CSV.`,
      { file, line: 1 },
    );
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    return { encoding: head[0] === 0xff ? 'utf-16le' : 'utf-16be', bom: 2, why: 'the file starts with its byte-order mark' };
  }
  const bom = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  if (bom === 0) {
    const utf16 = sniffUtf16(head);
    if (utf16) return { encoding: utf16, bom: 0, why: 'every other byte of its first KiB is NUL (UTF-16 without a byte-order mark)' };
  }
  const binary = binaryContentError(head, bom, file);
  if (binary) throw binary;
  return { encoding: 'utf-8', bom, why: '' };
}

/** 'UTF-16LE' for 'utf-16le', and so on: the name used in messages. */
function encodingName(encoding: TextEncodingName): string {
  return encoding === 'utf-8' ? 'UTF-8' : encoding === 'utf-16le' ? 'UTF-16LE' : encoding === 'utf-16be' ? 'UTF-16BE' : 'Windows-1252';
}

/**
 * Code points of Windows-1252 bytes 0x80–0x9F (WHATWG encoding standard; the five unassigned bytes map to the
 * C1 control of the same value). Every other byte is the code point of the same value (as Latin-1).
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Windows-1252 bytes as UTF-8 bytes. (Done here rather than with TextDecoder('windows-1252'), which some
 * Node.js versions decode as Latin-1, turning € and the curly quotes into C1 controls.)
 */
export function windows1252ToUtf8(b: Uint8Array): Uint8Array {
  let size = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    size += c < 0x80 ? 1 : c < 0xa0 && CP1252_HIGH[c - 0x80] >= 0x800 ? 3 : 2;
  }
  const out = new Uint8Array(size);
  windows1252Into(b, b.length, out, 0);
  return out;
}

/** Writes Windows-1252 bytes b[0, end) as UTF-8 into `out` from `at` (room for 3 bytes each); returns the count written. */
function windows1252Into(b: Uint8Array, end: number, out: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    const cp = c < 0xa0 ? CP1252_HIGH[c - 0x80] : c;
    if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return o - at;
}

/**
 * Decodes a CSV file's bytes by the rules of the module comment: returns UTF-8 bytes and what was done, or
 * throws LabError 'binary-file' (not text) or 'bad-csv' (UTF-32, or UTF-16 that does not decode).
 */
export function decodeCsvBytes(input: Uint8Array, file?: string): DecodedText {
  const label = fileLabel(file);
  const { encoding, bom, why } = sniffEncoding(input, file);
  if (encoding !== 'utf-8') {
    const units = input.subarray(bom);
    let text: string;
    try {
      text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(units);
    } catch {
      const loose = new TextDecoder(encoding, { ignoreBOM: true }).decode(units);
      const bad = loose.indexOf('\uFFFD');
      const line = lineAtText(loose, bad < 0 ? loose.length : bad);
      throw new LabError(
        'bad-csv',
        `${label} line ${line} is not valid ${encodingName(encoding)} text (a broken character or a cut-off end). ` +
          'Save the file again as UTF-8 CSV.',
        { file, line },
      );
    }
    const bytes = new TextEncoder().encode(text);
    const binary = binaryContentError(bytes, 0, file);
    if (binary) throw binary;
    return { bytes, begin: 0, encoding, notices: [`decoded as ${encodingName(encoding)}: ${why}`] };
  }
  const body = bom === 0 ? input : input.subarray(bom);
  const bad = invalidUtf8At(body);
  if (bad < 0) return { bytes: input, begin: bom, encoding, notices: [] };
  const line = lineAt(body, bad);
  const bytes = windows1252ToUtf8(body);
  return {
    bytes,
    begin: 0,
    encoding: 'windows-1252',
    notices: [windows1252Notice(line)],
  };
}

/**
 * Bytes read in order, block by block: a file from a start position (csv-file.ts reads it from disk), or text
 * decoded from one (`Utf8Checked`, `Windows1252Text`). The streaming CSV reader's input (`parseCsvStream`).
 */
export interface ByteReader {
  /** Reads the next bytes into out[at, at + length) (length > 0); returns how many, 0 at the end. */
  read(out: Uint8Array, at: number, length: number): number;
}

/** Thrown by `Utf8Checked` at the first byte that is not well-formed UTF-8 (rule 5): read the input as Windows-1252. */
export class NotUtf8 extends Error {
  /** @param offset index of the bad byte from the reader's first byte. */
  constructor(readonly offset: number) {
    super(`not UTF-8 at byte ${offset}`);
  }
}

/** Length of the UTF-8 sequence that lead byte c starts (1 for ASCII and for bytes that start none). */
function sequenceLength(c: number): number {
  return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/**
 * Rule 5 on a stream: passes the bytes of `raw` through unchanged and throws `NotUtf8` at the first byte that is
 * not well-formed UTF-8 — the same byte `invalidUtf8At` finds in the whole input, also when a character is
 * split between two blocks (its first bytes are checked with the block that completes it) or cut off at the end.
 */
export class Utf8Checked implements ByteReader {
  /** Bytes passed so far. */
  private offset = 0;
  /** The first bytes of a character that the last block cut off (≤ 3), not yet checked. */
  private pending = new Uint8Array(4);
  private pendingLength = 0;

  constructor(private readonly raw: ByteReader) {}

  read(out: Uint8Array, at: number, length: number): number {
    const got = this.raw.read(out, at, length);
    const start = this.offset;
    this.offset += got;
    if (got === 0) {
      if (this.pendingLength > 0) throw new NotUtf8(start - this.pendingLength);
      return 0;
    }
    let from = at;
    if (this.pendingLength > 0) {
      // Complete the split character with the first bytes of this block and check it alone.
      const pendingStart = start - this.pendingLength;
      const need = sequenceLength(this.pending[0]) - this.pendingLength;
      const take = Math.min(need, got);
      for (let k = 0; k < take; k++) {
        const c = out[at + k];
        if (c < 0x80 || c > 0xbf) throw new NotUtf8(pendingStart); // not a continuation byte
        this.pending[this.pendingLength++] = c;
      }
      if (take < need) return got;
      if (invalidUtf8At(this.pending.subarray(0, this.pendingLength)) >= 0) throw new NotUtf8(pendingStart);
      this.pendingLength = 0;
      from = at + take;
    }
    const end = at + got;
    // A character cut off by the end of the block: its lead byte within the last 3 bytes.
    let tail = end;
    for (let i = end - 1; i >= from && i >= end - 3; i--) {
      const c = out[i];
      if (c < 0x80) break;
      if (c >= 0xc0) {
        if (i + sequenceLength(c) > end) tail = i;
        break;
      }
    }
    const bad = invalidUtf8At(out.subarray(from, tail));
    if (bad >= 0) throw new NotUtf8(start + (from - at) + bad);
    for (let i = tail; i < end; i++) this.pending[this.pendingLength++] = out[i];
    return got;
  }
}

/** Rule 5's fallback on a stream: the bytes of `raw` read as Windows-1252, passed on as UTF-8 (`windows1252ToUtf8`). */
export class Windows1252Text implements ByteReader {
  private block = new Uint8Array(0);

  constructor(private readonly raw: ByteReader) {}

  read(out: Uint8Array, at: number, length: number): number {
    // Each byte becomes at most 3.
    const want = Math.max(1, Math.floor(length / 3));
    if (this.block.length < want) this.block = new Uint8Array(want);
    const got = this.raw.read(this.block, 0, want);
    return got === 0 ? 0 : windows1252Into(this.block, got, out, at);
  }
}

/** The physical line (1-based) of the byte at index `offset` of a reader's bytes (as `lineAt`), reading up to it. */
export function lineAtOffset(raw: ByteReader, offset: number): number {
  const block = new Uint8Array(1 << 20);
  let line = 1;
  let seen = 0;
  let lastCR = false;
  while (seen < offset) {
    const got = raw.read(block, 0, Math.min(block.length, offset - seen));
    if (got === 0) break;
    for (let i = 0; i < got; i++) {
      const c = block[i];
      if (lastCR && c !== LF) line++; // the lone CR before
      lastCR = c === CR;
      if (c === LF) line++;
    }
    seen += got;
  }
  // A CR just before `offset` ends a line unless the byte at `offset` is its LF (the bad byte never is).
  return lastCR ? line + 1 : line;
}

/** The notice of rule 5's fallback. */
export function windows1252Notice(line: number): string {
  return `decoded as Windows-1252: the file is not valid UTF-8 (first bad byte at line ${line})`;
}

/** Characters escaped by `visibleText`: C0 and C1 controls, DEL, bidi controls, line and paragraph separators. */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** One unsafe character as visible text: `\t`, `\n`, `\r`, `\e` (ESC), `\xHH` (other C0, DEL, C1), `\u{HHHH}`. */
function escapeChar(ch: string): string {
  if (ch === '\t') return '\\t';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\u001B') return '\\e';
  const cp = ch.charCodeAt(0);
  const hex = cp.toString(16).toUpperCase();
  return cp <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u{${hex.padStart(4, '0')}}`;
}

/**
 * `text` with every control character, DEL, C1 control, bidi control and separator escaped as visible text (see
 * escapeChar); everything else, backslashes included, unchanged, so applying it twice changes nothing. The one
 * escaping of the engine's messages and of the CLI's terminal output.
 */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * Text from a file (a column name, a cell) as it may appear in a message: controls escaped by visibleText, and at
 * most `max` characters of the original (then `…`).
 */
export function shownText(text: string, max = 60): string {
  let cut = text;
  if (text.length > max) {
    const end = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
    cut = text.slice(0, end);
  }
  const escaped = visibleText(cut);
  return text.length > max ? `${escaped}…` : escaped;
}
