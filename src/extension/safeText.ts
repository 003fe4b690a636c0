/**
 * Text from CSV files (header names, class labels, cells, file names) reaches VS Code's UI inside messages, and
 * parts of that UI interpret what they show:
 *
 * - Notifications (showErrorMessage and friends, progress notifications) turn `[label](target)` into a clickable
 *   link when the target starts with `https://`, `http://`, `command:` or `file:` — VS Code's
 *   `src/vs/base/common/linkedText.ts`, pattern
 *   `\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)`. A `command:` link runs any
 *   command with any arguments when clicked (e.g. send text to the terminal). Everything else is a text node.
 * - Quick-pick labels, descriptions and details and status-bar text render `$(name)` as a codicon; `\$(name)`
 *   shows the text `$(name)` (`src/vs/base/browser/ui/iconLabel/iconLabels.ts`, `renderLabelWithIcons`).
 *
 * This module makes such text inert and readable. It has no `vscode` import so that it can be tested in plain
 * Node. Call sites do not use it directly: `notify.ts` applies it to every message, pick item and status text,
 * and `log.ts` to every line of the output channel.
 *
 * What `safeMessage` changes (nothing else; an ordinary message comes back unchanged):
 * - line breaks, tabs and other breaking whitespace (CR, LF, VT, FF, NEL, U+2028, U+2029) → one space each;
 * - other C0 controls, DEL, C1 controls, bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), invisible characters (U+200B, U+2060–U+2064, U+FEFF, U+FFF9–U+FFFB, tag characters
 *   U+E0000–U+E007F) → removed; an unpaired surrogate → U+FFFD;
 * - `](` → `⁆(` (U+2046, right square bracket with quill): every markdown inline link — VS Code's pattern included —
 *   needs `](`, so no link can form, whatever the label or the target. Brackets elsewhere (`[0, 1)`,
 *   `[ragged-row] (…`) are kept;
 * - `<` before a letter, `/`, `!` or `?` → `‹`: no autolink (`<command:x>`) or HTML tag;
 * - the scheme `command:` (any case) → `command∶` (U+2236, ratio): a bare command URI is never one;
 * - longer than `maxLength` (default 1000, VS Code's own limit for notifications) → cut, ending in `…`.
 * The look-alikes are in the fonts VS Code falls back to on every platform (DejaVu Sans on a bare Linux included;
 * fullwidth forms are not, they showed as empty boxes).
 */

/** Longest whole message (VS Code itself cuts notifications at 1000 characters). */
export const MAX_MESSAGE_LENGTH = 1000;
/** Longest quoted item (a column name, a class label, a cell) inside a message, and longest pick label. */
export const MAX_QUOTED_LENGTH = 200;
/** Longest line written to the output channel (a preparation report line can list many one-hot features). */
export const MAX_LOG_LENGTH = 4000;
/** What a cut text ends with. */
export const ELLIPSIS = '…';

/** Whitespace that breaks a line or a cell: shown as one space (CRLF counts once). */
const BREAKING_WHITESPACE = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Controls and invisible characters that are removed: C0 (but the breaking whitespace above), DEL, C1 (but NEL),
 * Arabic letter mark, zero-width space, LRM/RLM, bidi embeddings/overrides/isolates, word joiner and invisible
 * operators, BOM / zero-width no-break space, interlinear annotation marks, tag characters.
 */
const REMOVED =
  /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;

/** A high surrogate without its low half, or a low one without its high half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The `](` that closes a link label and opens its target. */
const LINK_JOINT = /\](?=\()/g;
/** `<` that could open an autolink (`<command:…>`, `<https://…>`) or an HTML tag. */
const ANGLE_OPEN = /<(?=[A-Za-z/!?])/g;
/** The command URI scheme. */
const COMMAND_SCHEME = /(command):/gi;

/**
 * `$(name)` or `$(name~modifier)` as VS Code's labels render it as an icon (a superset of its icon-name
 * expression, so that nothing it renders is missed).
 */
const ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z0-9-]*)?\)/g;

/** The text with controls and invisible characters removed or replaced (see the module comment). */
export function plainText(text: string): string {
  return text.replace(BREAKING_WHITESPACE, ' ').replace(REMOVED, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** The text cut to at most `maxLength` UTF-16 units, ending in `…` when cut; never splits a surrogate pair. */
export function truncate(text: string, maxLength: number): string {
  const max = Math.max(1, Math.floor(maxLength));
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, Math.max(0, end)) + ELLIPSIS;
}

/** Link, autolink and command-URI syntax made inert (see the module comment); same length as the input. */
export function neutraliseLinks(text: string): string {
  return text.replace(LINK_JOINT, '\u2046').replace(ANGLE_OPEN, '\u2039').replace(COMMAND_SCHEME, '$1\u2236');
}

/**
 * A whole message for a notification, a progress notification, a quick-pick title or placeholder, a dialog or
 * panel title, or the output channel: controls removed, links made inert, at most `maxLength` characters.
 */
export function safeMessage(text: string, maxLength: number = MAX_MESSAGE_LENGTH): string {
  return neutraliseLinks(truncate(plainText(text), maxLength));
}

/**
 * `$(name)` shown as text, not as an icon, where VS Code renders icons: `\` before each (`\$(zap)` shows
 * `$(zap)`; a backslash already in front stays and shows too).
 */
export function escapeIcons(text: string): string {
  return text.replace(ICON, (icon) => `\\${icon}`);
}

/**
 * Text for a quick-pick label, description or detail or for the status bar: `safeMessage` and then `$(name)`
 * escaped. Trusted icons are added after this (see notify.ts).
 */
export function safeLabel(text: string, maxLength: number = MAX_QUOTED_LENGTH): string {
  return escapeIcons(safeMessage(text, maxLength));
}

/**
 * A data item quoted inside a message the extension builds: `'…'`, the item at most `maxLength` characters
 * (cut with `…`) and made safe as `safeMessage` does. The whole message is made safe again where it is shown.
 */
export function quote(item: string, maxLength: number = MAX_QUOTED_LENGTH): string {
  return `'${safeMessage(item, maxLength)}'`;
}
