/**
 * Text contrast of rendered elements (WCAG 2 contrast ratio of the text colour against the colour actually behind
 * it: the nearest ancestor with a non-transparent background, else the page's). Catches text drawn in the
 * background colour, e.g. a theme variable meant for another background.
 */
import type { Frame, Page } from 'playwright-core';

export interface ContrastSample {
  selector: string;
  text: string;
  color: string;
  background: string;
  ratio: number;
}

/** Every visible element matching `selector` (up to `limit`), with its contrast ratio. */
export async function textContrast(target: Page | Frame, selector: string, limit = 20): Promise<ContrastSample[]> {
  return target.evaluate(({ sel, max }) => {
    const probe = document.createElement('canvas').getContext('2d')!;
    const rgba = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (m) {
        const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
      }
      probe.fillStyle = '#000';
      probe.fillStyle = c;
      const s = String(probe.fillStyle);
      const n = parseInt(s.slice(1, 7), 16);
      return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
    };
    const lum = ([r, g, b]: number[]): number => {
      const f = (v: number): number => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    /** Composites the backgrounds from the page up to `el` (alpha blending). */
    const behind = (el: Element): number[] => {
      const chain: Element[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) chain.unshift(e);
      let acc = rgba(getComputedStyle(document.documentElement).backgroundColor);
      if (acc[3] === 0) acc = [255, 255, 255, 1];
      for (const e of chain) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        const a = c[3];
        if (a > 0) acc = [0, 1, 2].map((i) => c[i] * a + acc[i] * (1 - a)).concat(1) as [number, number, number, number];
      }
      return acc;
    };
    const out: Array<{ selector: string; text: string; color: string; background: string; ratio: number }> = [];
    for (const el of [...document.querySelectorAll(sel)].slice(0, max)) {
      if (el.getClientRects().length === 0 || !(el.textContent ?? '').trim()) continue;
      const bg = behind(el);
      const fgRaw = rgba(getComputedStyle(el).color);
      const fg = [0, 1, 2].map((i) => fgRaw[i] * fgRaw[3] + bg[i] * (1 - fgRaw[3]));
      const l1 = lum(fg);
      const l2 = lum(bg);
      out.push({
        selector: sel,
        text: (el.textContent ?? '').trim().slice(0, 30),
        color: `rgb(${fg.map(Math.round).join(', ')})`,
        background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
        ratio: Math.round(((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)) * 100) / 100,
      });
    }
    return out;
  }, { sel: selector, max: limit });
}

/** The samples below `min` (4.5 = WCAG AA for normal text), as readable lines. */
export function lowContrast(samples: ContrastSample[], min = 4.5): string[] {
  return samples.filter((s) => s.ratio < min).map((s) => `${s.selector} "${s.text}": ${s.color} on ${s.background} = ${s.ratio}:1`);
}
