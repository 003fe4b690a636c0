/**
 * Explicit horizontal-scroll containers. Everything in the webviews is laid out to fit a panel of 420 px and more;
 * content that is legitimately wider (a 10×10 confusion matrix, the 7-column preparation report) goes into an
 * `.hscroll` box instead of being clipped silently: it scrolls sideways, and while it is wider than the panel a
 * "scroll →" note above it says so (VS Code's webview scrollbars are thin and easy to miss).
 * UI tests treat any other element whose content is wider than its box as a layout error.
 */
import { h, type Child } from './dom';

/** Class of an explicit horizontal-scroll container (UI tests look for it). */
export const HSCROLL_CLASS = 'hscroll';

let observer: ResizeObserver | null = null;

/** Marks the wrapper of every observed scroller as overflowing (or not) and updates its note. */
function refresh(scroller: HTMLElement): void {
  const wrap = scroller.parentElement;
  if (!wrap) return;
  const over = scroller.scrollWidth > scroller.clientWidth + 1;
  wrap.toggleAttribute('data-overflow', over);
  // Focusable (scrollable by keyboard) only while there is something to scroll.
  if (over) scroller.setAttribute('tabindex', '0');
  else scroller.removeAttribute('tabindex');
  if (!over) return;
  const atEnd = scroller.scrollLeft + scroller.clientWidth >= scroller.scrollWidth - 2;
  const note = wrap.querySelector(':scope > .hscroll-note');
  if (note) note.textContent = atEnd ? '← scroll' : 'scroll →';
}

function watch(scroller: HTMLElement): void {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) {
      const el = e.target as HTMLElement;
      refresh(el.classList.contains(HSCROLL_CLASS) ? el : (el.closest(`.${HSCROLL_CLASS}`) as HTMLElement | null) ?? el);
    }
  });
  observer.observe(scroller);
  // The content may change size without the scroller doing so (e.g. a table re-drawn in place).
  if (scroller.firstElementChild) observer.observe(scroller.firstElementChild);
  scroller.addEventListener('scroll', () => refresh(scroller), { passive: true });
}

/**
 * Wraps `content` in a horizontal-scroll box with a "scroll →" note shown only while the content is wider than
 * the box. `label` names the region for screen readers (while it overflows, the box is focusable so the keyboard
 * can scroll it).
 */
export function hscroll(content: Child, label: string, attrs: { id?: string; class?: string } = {}): HTMLElement {
  const scroller = h('div', { class: HSCROLL_CLASS, role: 'region', 'aria-label': label }, content);
  const wrap = h('div', { class: `hscroll-wrap${attrs.class ? ` ${attrs.class}` : ''}`, id: attrs.id },
    h('div', { class: 'hscroll-note', 'aria-hidden': 'true' }, 'scroll →'),
    scroller);
  watch(scroller);
  return wrap;
}
