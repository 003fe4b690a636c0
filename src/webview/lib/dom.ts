/**
 * DOM building without HTML strings. Text (including every CSV-derived name) only ever reaches the page as
 * text nodes / textContent, so a column called `<img onerror=…>` is shown literally.
 */

/** Something that can be appended: nodes, text, numbers; null/undefined/false are skipped. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes: `class`, `id`, `title`, `data-*`, `aria-*`, … as strings; `on*` as listeners; `style` as an object. */
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | EventListener | Partial<CSSStyleDeclaration>;
}

function applyAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'style' && typeof value === 'object') {
      // CSSOM assignment (allowed by the page's Content-Security-Policy, unlike style attributes).
      Object.assign((el as HTMLElement).style, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (typeof value === 'boolean') {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

function appendChildren(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Creates an HTML element: `h('td', { class: 'num' }, '0.5')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Removes every child of `el` and appends the new ones. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  appendChildren(el, children);
}

/** A <table> from a header row and body rows; cells may be text or nodes. */
export function table(
  headers: Child[],
  rows: Child[][],
  attrs?: Attrs | null,
  numericFrom = 1,
): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('thead', null, h('tr', null, ...headers.map((c, i) => h('th', { class: i >= numericFrom ? 'num' : null }, c)))),
    h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c, i) => h('td', { class: i >= numericFrom ? 'num' : null }, c))))),
  );
}

/** Label length (characters) up to which a table label stays on one line. */
const SHORT_LABEL = 16;

/**
 * A row label of a numeric table (a feature or column name from the CSV): short names stay on one line, long ones
 * may wrap anywhere (class `wrap`) so they cannot push the numbers out of a narrow panel.
 */
export function label(name: string): Child {
  return name.length <= SHORT_LABEL ? name : h('span', { class: 'wrap', title: name }, name);
}

// ───────────────────────────── MathML ─────────────────────────────

const MATHML = 'http://www.w3.org/1998/Math/MathML';

type MChild = Element | string;

function mel(tag: string, children: MChild[], attrs?: Record<string, string>): Element {
  const el = document.createElementNS(MATHML, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** Tiny MathML builder (presentation markup, rendered natively by Chromium). */
export const m = {
  /** The <math> root; display="block" centres it on its own line. */
  math: (...c: MChild[]): Element => mel('math', [mel('mrow', c)], { display: 'block' }),
  row: (...c: MChild[]): Element => mel('mrow', c),
  /** Identifier (italic when one letter). */
  i: (t: string): Element => mel('mi', [t]),
  /** Upright identifier (function names: log, softmax). */
  fn: (t: string): Element => mel('mi', [t], { mathvariant: 'normal' }),
  /** Bold identifier (vectors/matrices). */
  b: (t: string): Element => mel('mi', [t], { mathvariant: 'bold' }),
  n: (t: string | number): Element => mel('mn', [String(t)]),
  o: (t: string): Element => mel('mo', [t]),
  text: (t: string): Element => mel('mtext', [t]),
  frac: (num: MChild, den: MChild): Element => mel('mfrac', [wrap(num), wrap(den)]),
  sup: (base: MChild, e: MChild): Element => mel('msup', [wrap(base), wrap(e)]),
  sub: (base: MChild, s: MChild): Element => mel('msub', [wrap(base), wrap(s)]),
  subsup: (base: MChild, s: MChild, e: MChild): Element => mel('msubsup', [wrap(base), wrap(s), wrap(e)]),
  under: (base: MChild, u: MChild): Element => mel('munder', [wrap(base), wrap(u)]),
  /** Big operator with limits below/above (Σ). */
  underover: (base: MChild, u: MChild, o: MChild): Element => mel('munderover', [wrap(base), wrap(u), wrap(o)]),
  paren: (...c: MChild[]): Element => mel('mrow', [mel('mo', ['(']), ...c.map(wrap), mel('mo', [')'])]),
  norm: (...c: MChild[]): Element => mel('mrow', [mel('mo', ['‖']), ...c.map(wrap), mel('mo', ['‖'])]),
  space: (): Element => mel('mspace', [], { width: '0.5em' }),
};

function wrap(c: MChild): Element {
  return typeof c === 'string' ? mel('mi', [c]) : c;
}
