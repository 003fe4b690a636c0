/**
 * Layout guard for the webviews (plain Chromium preview and real VS Code): nothing may be cut off on the right.
 * An element whose content is wider than its box (scrollWidth > clientWidth + 1) is clipped or sticks out — unless
 * it is an explicit horizontal-scroll container (class `hscroll`, see src/webview/lib/overflow.ts), which must then
 * show its "scroll →" note. The page itself must never scroll sideways.
 */
import type { Frame, Page } from 'playwright-core';

/** The class of an explicit horizontal-scroll container (same string as HSCROLL_CLASS in src/webview/lib/overflow.ts). */
export const HSCROLL = 'hscroll';

export interface LayoutProblem {
  /** A readable path to the element, e.g. `section.card > div.hscroll > table#step-update`. */
  element: string;
  scrollWidth: number;
  clientWidth: number;
  what: string;
}

export interface LayoutReport {
  /** Width of the page (the webview's viewport). */
  viewportWidth: number;
  /** How many elements were checked. */
  checked: number;
  /** The explicit scroll containers that really overflow (their note shown), by their region label. */
  scrolling: string[];
  problems: LayoutProblem[];
}

/**
 * Checks every visible block element under `scope` (default: the whole page): cards, tables, paragraphs, grids,
 * containers. Form controls and canvases are skipped (their inner scrolling is their own business).
 */
export async function layoutProblems(target: Page | Frame, scope = 'body'): Promise<LayoutReport> {
  return target.evaluate(({ sel, hscroll }) => {
    const root = document.querySelector(sel);
    if (!root) throw new Error(`no element ${sel}`);
    const describe = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const cls = [...e.classList].slice(0, 2).map((c) => `.${c}`).join('');
        parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${cls}`);
      }
      return parts.join(' > ');
    };
    const problems: Array<{ element: string; scrollWidth: number; clientWidth: number; what: string }> = [];
    let checked = 0;
    const scrolling: string[] = [];
    const skip = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'CANVAS', 'BUTTON', 'OPTION', 'SCRIPT', 'STYLE']);
    const all = [root, ...root.querySelectorAll('*')];
    for (const el of all) {
      if (!(el instanceof HTMLElement) || skip.has(el.tagName)) continue;
      if (el.getClientRects().length === 0) continue; // hidden (another tab, display: none)
      const style = getComputedStyle(el);
      if (style.display === 'inline' || style.display === 'contents') continue;
      checked++;
      const over = el.scrollWidth - el.clientWidth;
      if (over <= 1) continue;
      if (el.classList.contains(hscroll)) {
        scrolling.push(el.getAttribute('aria-label') ?? describe(el));
        const ox = style.overflowX;
        if (ox !== 'auto' && ox !== 'scroll') {
          problems.push({ element: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, what: `.${hscroll} without overflow-x: auto (${ox})` });
        }
        const note = el.parentElement?.querySelector(':scope > .hscroll-note');
        if (!note || note.getClientRects().length === 0 || !/scroll/.test(note.textContent ?? '')) {
          problems.push({ element: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, what: 'scrolls sideways without a visible "scroll →" note' });
        }
        continue;
      }
      problems.push({ element: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, what: `content ${over} px wider than its box (clipped or sticking out)` });
    }
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) {
      problems.push({ element: 'html', scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, what: 'the page scrolls sideways' });
    }
    return { viewportWidth: window.innerWidth, checked, scrolling, problems };
  }, { sel: scope, hscroll: HSCROLL });
}

/** A one-line-per-problem summary for assertion messages. */
export function formatProblems(r: LayoutReport): string {
  return r.problems.map((p) => `  ${p.element}: ${p.what} (scrollWidth ${p.scrollWidth}, clientWidth ${p.clientWidth})`).join('\n');
}
