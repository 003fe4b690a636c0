/**
 * Text from a user's files made safe for a terminal.
 *
 * A CSV header, a class label, a level, a file name or an error message quoting a cell can hold characters a
 * terminal acts on instead of showing: C0 controls (U+0000–U+001F, among them ESC, which starts colour, cursor,
 * title and hyperlink sequences, BEL, BS and CR, which overwrite what was printed), DEL (U+007F), C1 controls
 * (U+0080–U+009F: CSI U+009B and OSC U+009D are ESC [ and ESC ] in one character), and the bidirectional
 * controls that reorder what is shown (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, the
 * marks U+200E, U+200F, U+061C) and the line and paragraph separators U+2028, U+2029.
 *
 * `printable` escapes them instead of dropping them, so the text stays recognisable and a cell can still be
 * found in the file: `\t`, `\n`, `\r`, `\e` (ESC) for the usual ones, `\xHH` for the other C0, DEL and C1
 * controls, `\u{HHHH}` for the others. An escape sequence loses its ESC and shows as text (`\e[31m`). The CLI
 * applies it to every line it prints on the text report and to every error line; it never needs to keep a
 * line break of a user's text, so a newline inside a column name is escaped too (each line the CLI writes is
 * escaped on its own, and the CLI adds the line ends). Backslashes are left as they are (Windows paths stay
 * readable), so a literal `\e` in a file and an escaped ESC print alike. Applying it twice changes nothing.
 *
 * `--json` output: JSON.stringify already escapes C0 controls (as \u001b) but leaves DEL, the C1 controls and
 * the bidi and separator characters raw, so `jsonText` escapes those as `\uHHHH` as well. That is lossless —
 * JSON.parse gives back exactly the same strings — and safe to do on the whole text, since these characters can
 * only occur inside JSON strings.
 */
import { visibleText } from '../engine/data/text-encoding';

/** What JSON.stringify leaves raw among them: DEL, C1, bidi controls and separators. */
const UNSAFE_JSON_CHARS = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** `s` with every terminal control, DEL, C1, bidi control and separator escaped as visible text (the engine's visibleText). */
export const printable: (s: string) => string = visibleText;

/** A multi-line text of the CLI's own (lines joined with '\n'), each line made printable. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** JSON.stringify(value, null, 2) with DEL, C1, bidi controls and separators escaped as \uHHHH too. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE_JSON_CHARS,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
